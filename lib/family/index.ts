// The Linux address families: registers each family's address encoder with
// `lib/address.ts` and adds the family-specific socket methods. Families
// the platform lacks (no constant) are left out, as in Python.
import { registerFamily, encodeInet } from '../address'
import * as C from '../constants'
import { socket } from '../socket'
import { encodeNetlink, encodePacket } from './link'
import { encodeCan } from './can'
import { encodeAlg, sendmsgAfalg, AfalgOptions } from './alg'
import { encodeTipc, encodeQrtr, encodeVsock } from './misc'
import { encodeBluetooth } from './bluetooth'
import { vsockGetsockopt, vsockSetsockopt } from './vsock'

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

declare module '../socket' {
  interface socket {
    /** AF_ALG: sendmsg with the operation, IV and AEAD length as control data. */
    sendmsg_afalg(msg?: Iterable<ArrayBufferView | ArrayBuffer>, options?: AfalgOptions): number
    sendmsg_afalg(options: AfalgOptions): number
    /** On AF_VSOCK sockets every option is a 64-bit integer (a bigint). */
    getsockopt(level: number, optname: number, buflen?: number): number | Buffer | bigint
    setsockopt(level: number, optname: number, value: bigint): void
  }
}

socket.prototype.sendmsg_afalg = function (this: socket, ...args: unknown[]): number {
  return sendmsgAfalg(this, ...args)
} as socket['sendmsg_afalg']

// AF_VSOCK sockets take and give every option as a 64-bit integer
// (CPython's sock_getsockopt/sock_setsockopt special case).
if (C.AF_VSOCK !== undefined) {
  const getsockopt = socket.prototype.getsockopt
  const setsockopt = socket.prototype.setsockopt
  socket.prototype.getsockopt = function (this: socket, ...args: unknown[]) {
    if (this.family === C.AF_VSOCK) return vsockGetsockopt(this, args[0], args[1], args[2])
    return (getsockopt as (...a: unknown[]) => number | Buffer).apply(this, args)
  } as unknown as socket['getsockopt']
  socket.prototype.setsockopt = function (this: socket, ...args: unknown[]) {
    if (this.family === C.AF_VSOCK) return vsockSetsockopt(this, args)
    return (setsockopt as (...a: unknown[]) => void).apply(this, args)
  } as socket['setsockopt']
}
