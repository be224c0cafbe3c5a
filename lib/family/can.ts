// AF_CAN: `[interface]` for CAN_RAW and CAN_BCM, `[interface, rx_addr,
// tx_addr]` for CAN_ISOTP, `[interface, name, pgn, addr]` for CAN_J1939
// (name a bigint), chosen by the socket's protocol as in CPython.
import { OSError } from '../errors'
import { AddressContext } from '../address'
import * as C from '../constants'
import native = require('../native')
import { KMask, count, fsPath, kMask, mustBeTuple, tupleFor, uMask, withSemi } from './pyargs'

/** IFNAMSIZ: an interface name takes fewer bytes than this. */
const IFNAMSIZ = 16

function ifindex(name: Buffer, sock?: AddressContext): number {
  if (name.length === 0) return 0
  if (name.length >= IFNAMSIZ) throw new OSError('AF_CAN interface name too long')
  return native.ifIndex(sock ? sock._fd : -1, name)
}

const CAN_SEMI = 'AF_CAN address must be a tuple (interface, )'

export function encodeCan(addr: unknown, caller: string, sock?: AddressContext): Buffer {
  const proto = sock ? sock.proto : C.CAN_RAW
  if (proto === C.CAN_RAW || proto === C.CAN_BCM) {
    const t = tupleFor(addr, `${caller}():`, 'AF_CAN')
    const name = withSemi(CAN_SEMI, () => {
      count(t, 1, 1, { semi: CAN_SEMI })
      return fsPath(t[0])
    })
    return native.encodeCan(ifindex(name, sock))
  }
  if (proto === C.CAN_ISOTP) {
    const t = mustBeTuple(addr)
    count(t, 3, 3)
    const name = fsPath(t[0])
    // `k` is an unsigned long, stored in the 32-bit canid_t.
    const rx = kMask(t[1], 2, 32)
    const tx = kMask(t[2], 3, 32)
    return native.encodeCanIsotp(ifindex(name, sock), rx, tx)
  }
  if (proto === C.CAN_J1939) {
    const t = mustBeTuple(addr)
    count(t, 4, 4)
    const name = fsPath(t[0])
    const ecu = KMask(t[1], 2)
    const pgn = uMask(t[2], 32)
    const a = uMask(t[3], 8)
    return native.encodeCanJ1939(ifindex(name, sock), ecu, pgn, a)
  }
  throw new OSError(`${caller}(): unsupported CAN protocol`)
}
