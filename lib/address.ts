// Python's address arguments: the tuple checks of CPython's
// `getsockaddrarg`, with its exception classes and messages, then the
// addon turns the checked parts into sockaddr bytes.
import { cInt, cUIntMask, bytesLike, index } from './args'
import { OSError, OverflowError, fromNative } from './errors'
import { fsencode } from './fsname'
import { idnaEncode } from './idna'
import { UnicodeError } from './unicode'
import { pyTypeName } from './pytypes'
import { AF_INET, AF_INET6, AF_UNIX } from './constants'
import native = require('./native')

/** An address as Python spells it for each family. */
export type Address =
  | [host: string, port: number]
  | [host: string, port: number, flowinfo?: number, scope_id?: number]
  | string
  | Buffer
  | [family: number, data: Buffer]
  | unknown[]

/** The host part: str (IDNA-encoded when not ASCII), bytes or bytearray. */
function hostBytes(host: unknown): Buffer {
  if (
    (typeof host === 'string' && host.includes('\0')) ||
    (host instanceof Uint8Array && host.includes(0))
  ) {
    throw new TypeError('host name must not contain null character')
  }
  if (typeof host === 'string') {
    // eslint-disable-next-line no-control-regex
    if (/^[\x00-\x7f]*$/.test(host)) return Buffer.from(host, 'latin1')
    // CPython's idna_converter: a name the codec refuses is a TypeError here.
    try {
      return idnaEncode(host)
    } catch (e) {
      if (e instanceof UnicodeError) throw new TypeError('encoding of hostname failed')
      throw e
    }
  }
  if (host instanceof Uint8Array) return Buffer.from(host)
  throw new TypeError(`str, bytes or bytearray expected, not ${pyTypeName(host)}`)
}

export { UnicodeError }

function port(v: unknown, caller: string): number {
  let n: number
  try {
    n = cInt(v)
  } catch (e) {
    if (e instanceof OverflowError) throw new OverflowError(`${caller}(): port must be 0-65535.`)
    throw e
  }
  if (n < 0 || n > 0xffff) throw new OverflowError(`${caller}(): port must be 0-65535.`)
  return n
}

function tuple(addr: unknown, caller: string, name: string): unknown[] {
  if (!Array.isArray(addr)) {
    throw new TypeError(`${caller}(): ${name} address must be tuple, not ${pyTypeName(addr)}`)
  }
  return addr
}

export function encodeInet(addr: unknown, caller: string): Buffer {
  const t = tuple(addr, caller, 'AF_INET')
  if (t.length !== 2) throw new TypeError('AF_INET address must be a pair (host, port)')
  const host = hostBytes(t[0])
  const p = port(t[1], caller)
  return native.encodeInet(host, p)
}

function encodeInet6(addr: unknown, caller: string): Buffer {
  const t = tuple(addr, caller, 'AF_INET6')
  if (t.length < 2 || t.length > 4) {
    throw new TypeError('AF_INET6 address must be a tuple (host, port[, flowinfo[, scopeid]])')
  }
  const host = hostBytes(t[0])
  let p: number
  try {
    p = cInt(t[1])
  } catch (e) {
    if (e instanceof OverflowError) throw new OverflowError(`${caller}(): port must be 0-65535.`)
    throw e
  }
  const flowinfo = t.length > 2 ? cUIntMask(t[2]) : 0
  const scopeId = t.length > 3 ? cUIntMask(t[3]) : 0
  if (p < 0 || p > 0xffff) throw new OverflowError(`${caller}(): port must be 0-65535.`)
  if (flowinfo > 0xfffff) throw new OverflowError(`${caller}(): flowinfo must be 0-1048575.`)
  return native.encodeInet6(host, p, flowinfo, scopeId)
}

function encodeUnix(addr: unknown): Buffer {
  // str paths use the filesystem encoding (UTF-8 on Linux).
  const path = typeof addr === 'string' ? fsencode(addr) : bytesLike(addr)
  return native.encodeUnix(path)
}

/** What family encoders may need of the socket: its fd and protocol. */
export interface AddressContext {
  readonly _fd: number
  readonly proto: number
}

/** Checks a Python address for one family and returns its sockaddr bytes. */
export type Encoder = (addr: unknown, caller: string, sock?: AddressContext) => Buffer

// One encoder per family; `lib/families.ts` registers the Linux families.
const encoders = new Map<number, Encoder>([
  [AF_INET, encodeInet],
  [AF_INET6, encodeInet6],
  [AF_UNIX, (addr) => encodeUnix(addr)],
])

/** Adds (or replaces) the encoder of `family`. */
export function registerFamily(family: number, encoder: Encoder): void {
  encoders.set(family, encoder)
}

/**
 * The sockaddr bytes for `addr` on a socket of `family`; `caller` names the
 * method in messages (`bind(): port must be 0-65535.`); `sock` (the socket)
 * gives the families that need them its fd and protocol.
 */
export function encodeAddress(
  family: number,
  addr: unknown,
  caller: string,
  sock?: AddressContext,
): Buffer {
  const encoder = encoders.get(family)
  if (encoder === undefined) throw new OSError(`${caller}(): bad family`)
  try {
    return encoder(addr, caller, sock)
  } catch (e) {
    throw fromNative(e)
  }
}

/** Whether `v` is an int for the purpose of overloads such as sendto's. */
export function isInt(v: unknown): boolean {
  try {
    index(v)
    return true
  } catch {
    return false
  }
}
