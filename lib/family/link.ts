// AF_NETLINK `[pid, groups]` and AF_PACKET
// `[ifname, proto, pkttype, hatype, addr]`: CPython's checks and messages.
import { OverflowError, ValueError } from '../errors'
import { AddressContext } from '../address'
import * as C from '../constants'
import native = require('../native')
import { buffer, cint, overflowAs, str, tupleFor, uMask, withSemi } from './pyargs'

export function encodeNetlink(addr: unknown, caller: string): Buffer {
  const t = tupleFor(addr, `${caller}():`, 'AF_NETLINK')
  if (t.length !== 2) throw new TypeError('AF_NETLINK address must be a pair (pid, groups)')
  return native.encodeNetlink(uMask(t[0], 32), uMask(t[1], 32))
}

const PACKET_SEMI = 'AF_PACKET address must be a tuple of two to five elements'

export function encodePacket(addr: unknown, caller: string, sock?: AddressContext): Buffer {
  const t = tupleFor(addr, `${caller}():`, 'AF_PACKET')
  // "si|iiy*": every conversion first, overflow reported as out of range.
  const [name, proto, pkttype, hatype, haddr] = overflowAs(
    `${caller}(): address argument out of range`,
    () =>
      withSemi(PACKET_SEMI, () => {
        if (t.length < 2 || t.length > 5) throw new TypeError(PACKET_SEMI)
        const name = str(t[0], 1)
        const proto = cint(t[1])
        const pkttype = t.length > 2 ? cint(t[2]) : C.PACKET_HOST
        const hatype = t.length > 3 ? cint(t[3]) : 0
        const haddr = t.length > 4 ? buffer(t[4]) : new Uint8Array(0)
        return [name, proto, pkttype, hatype, haddr] as const
      }),
  )
  const ifindex = native.ifIndex(sock ? sock._fd : -1, name)
  if (haddr.length > native.packetAddrCapacity()) {
    throw new ValueError('Hardware address must be 8 bytes or less')
  }
  if (proto < 0 || proto > 0xffff) throw new OverflowError(`${caller}(): proto must be 0-65535.`)
  // pkttype and hatype land in an unsigned char and short, as in C.
  return native.encodePacket(ifindex, proto, pkttype & 0xff, hatype & 0xffff, haddr)
}
