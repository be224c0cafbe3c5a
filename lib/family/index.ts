// The Linux address families: registers each family's address encoder with
// `lib/address.ts` and adds the family-specific socket methods. Families
// the platform lacks (no constant) are left out, as in Python.
import { registerFamily, encodeInet } from '../address'
import * as C from '../constants'
import { encodeNetlink, encodePacket } from './link'
import { encodeCan } from './can'
import { encodeAlg } from './alg'
import { encodeTipc, encodeQrtr, encodeVsock } from './misc'
import { encodeBluetooth } from './bluetooth'

export { BDADDR_ANY, BDADDR_LOCAL } from './bluetooth'
export { get_local_cid } from './vsock'
export { SystemError } from './pyargs'
export type { AfalgOptions } from './alg'

const families: Array<[number | undefined, Parameters<typeof registerFamily>[1]]> = [
  [C.AF_NETLINK, encodeNetlink],
  [C.AF_PACKET, encodePacket],
  [C.AF_CAN, encodeCan],
  [C.AF_ALG, encodeAlg],
  [C.AF_TIPC, encodeTipc],
  [C.AF_QIPCRTR, encodeQrtr],
  [C.AF_VSOCK, encodeVsock],
  [C.AF_BLUETOOTH, encodeBluetooth],
  // RDS sockets use sockaddr_in, as CPython treats them.
  [C.AF_RDS, encodeInet],
]
for (const [family, encoder] of families) {
  if (family !== undefined) registerFamily(family, encoder)
}
