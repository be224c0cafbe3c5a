// AF_BLUETOOTH addresses per protocol, as CPython's getsockaddrarg reads
// them: L2CAP `[bdaddr, psm]`, RFCOMM `[bdaddr, channel]`, HCI `[device_id]`,
// SCO a bytes bdaddr. Any malformed tuple is `OSError('<caller>(): wrong
// format')`; a malformed bdaddr `OSError('bad bluetooth address')`.
import { OSError } from '../errors'
import { AddressContext } from '../address'
import * as C from '../constants'
import native = require('../native')
import { cint, count, mustBeTuple, str } from './pyargs'

/** BlueZ's "any" Bluetooth address, `'00:00:00:00:00:00'` (Python's `socket.BDADDR_ANY`). */
export const BDADDR_ANY = '00:00:00:00:00:00'
/** BlueZ's "local" Bluetooth address, `'00:00:00:FF:FF:FF'` (Python's `socket.BDADDR_LOCAL`). */
export const BDADDR_LOCAL = '00:00:00:FF:FF:FF'

const HEX_FIELD = /^[ \t\n\v\f\r]*([+-]?)(?:0[xX](?=[0-9a-fA-F]))?([0-9a-fA-F]+)/

/**
 * CPython's setbdaddr: sscanf("%X:%X:%X:%X:%X:%X%c") must read exactly six
 * fields, each below 256. Returns the octets in text order.
 */
/** @internal */
export function parseBdaddr(text: string): Buffer {
  const octets: number[] = []
  let rest = text
  for (let i = 0; i < 6; i++) {
    if (i > 0) {
      if (rest[0] !== ':') throw new OSError('bad bluetooth address')
      rest = rest.slice(1)
    }
    const m = HEX_FIELD.exec(rest)
    if (m === null) throw new OSError('bad bluetooth address')
    let v = BigInt('0x' + m[2])
    if (v > 0xffffffffn) v = 0xffffffffn
    if (m[1] === '-') v = BigInt.asUintN(32, -v)
    if (v >= 256n) throw new OSError('bad bluetooth address')
    octets.push(Number(v))
    rest = rest.slice(m[0].length)
  }
  if (rest.length > 0) throw new OSError('bad bluetooth address')
  return Buffer.from(octets)
}

/** A C string from `bytes` (up to its first NUL), as latin-1 text. */
function cString(b: Uint8Array): string {
  const end = b.indexOf(0)
  return Buffer.from(end < 0 ? b : b.subarray(0, end)).toString('latin1')
}

/** @internal */
export function encodeBluetooth(addr: unknown, caller: string, sock?: AddressContext): Buffer {
  const proto = sock ? sock.proto : -1
  const wrong = (): OSError => new OSError(`${caller}(): wrong format`)
  const parse = <T>(f: () => T): T => {
    try {
      return f()
    } catch {
      throw wrong()
    }
  }
  switch (proto) {
    case C.BTPROTO_L2CAP:
    case C.BTPROTO_RFCOMM: {
      const [text, n] = parse(() => {
        const t = mustBeTuple(addr)
        count(t, 2, 2)
        return [str(t[0], 1), cint(t[1])] as const
      })
      const octets = parseBdaddr(cString(text))
      // CPython stores the C int over the psm (16 bits) or channel (8 bits).
      return proto === C.BTPROTO_L2CAP
        ? native.encodeBtL2Cap(octets, n & 0xffff)
        : native.encodeBtRfcomm(octets, n & 0xff)
    }
    case C.BTPROTO_HCI: {
      const dev = parse(() => {
        const t = mustBeTuple(addr)
        count(t, 1, 1)
        return cint(t[0])
      })
      return native.encodeBtHci(dev)
    }
    case C.BTPROTO_SCO: {
      if (!Buffer.isBuffer(addr)) throw wrong()
      return native.encodeBtSco(parseBdaddr(cString(addr)))
    }
    default:
      throw new OSError(`${caller}(): unknown Bluetooth protocol`)
  }
}
