// Byte-order and address-text conversions with CPython's argument rules and
// messages: htons/ntohs/htonl/ntohl (plain JavaScript), inet_aton/inet_ntoa,
// inet_pton/inet_ntop (the C library's parsers, IPv4 formatting in JS).
import { Buffer } from 'node:buffer'
import { endianness } from 'node:os'

import { bytesLike, cInt, index } from './args'
import { OSError, OverflowError, ValueError, fromNative } from './errors'
import { argTypeName, pyTypeName } from './pytypes'
import { AF_INET, AF_INET6 } from './constants'
import { ntop6, pton4, pton6Into } from './ip6'
import { arity, oneArg } from './arity'
import native = require('./native')
import { encodeUtf8 } from './unicode'

const LITTLE = endianness() === 'LE'
const ULONG_MAX = 2 ** 64 - 1

function integer(x: unknown): number | bigint {
  if (typeof x === 'bigint') return x
  return index(x)
}

/** `x` for htonl/ntohl: an int (message of PyLong_Check's failure). */
function anyInt(x: unknown): number | bigint {
  if (typeof x === 'bigint') return x
  if ((typeof x === 'number' && Number.isInteger(x)) || typeof x === 'boolean') return index(x)
  throw new TypeError(`expected int, ${pyTypeName(x)} found`)
}

function swap16(n: number): number {
  return LITTLE ? ((n & 0xff) << 8) | (n >>> 8) : n
}

function swap32(n: number): number {
  return LITTLE
    ? (((n & 0xff) << 24) | ((n & 0xff00) << 8) | ((n >>> 8) & 0xff00) | (n >>> 24)) >>> 0
    : n
}

function short(x: unknown, fn: string): number {
  // 3.13's argument clinic reads `x` as a C int (3.11: a long, then an int).
  const n = integer(x)
  if (n > 2 ** 31 - 1 || n < -(2 ** 31)) {
    throw new OverflowError('Python int too large to convert to C int')
  }
  if (n < 0) {
    throw new OverflowError(`${fn}: can't convert negative Python int to C 16-bit unsigned integer`)
  }
  if (n > 0xffff) {
    throw new OverflowError(`${fn}: Python int too large to convert to C 16-bit unsigned integer`)
  }
  return Number(n)
}

function long(x: unknown): number {
  const n = anyInt(x)
  if (n < 0) throw new OverflowError("can't convert negative value to unsigned int")
  if (n > ULONG_MAX) throw new OverflowError('Python int too large to convert to C unsigned long')
  if (n > 0xffffffff) throw new OverflowError('int larger than 32 bits')
  return Number(n)
}

/** Host to network byte order, 16 bits. */
export function htons(x: number): number {
  if (typeof x === 'number' && x >= 0 && x <= 0xffff && (x | 0) === x && arguments.length === 1) {
    return swap16(x)
  }
  oneArg('htons', arguments)
  return swap16(short(x, 'htons'))
}

/** Network to host byte order, 16 bits. */
export function ntohs(x: number): number {
  if (typeof x === 'number' && x >= 0 && x <= 0xffff && (x | 0) === x && arguments.length === 1) {
    return swap16(x)
  }
  oneArg('ntohs', arguments)
  return swap16(short(x, 'ntohs'))
}

/** Host to network byte order, 32 bits. */
export function htonl(x: number): number {
  if (
    typeof x === 'number' &&
    x >= 0 &&
    x <= 0xffffffff &&
    x >>> 0 === x &&
    arguments.length === 1
  ) {
    return swap32(x)
  }
  oneArg('htonl', arguments)
  return swap32(long(x))
}

/** Network to host byte order, 32 bits. */
export function ntohl(x: number): number {
  if (
    typeof x === 'number' &&
    x >= 0 &&
    x <= 0xffffffff &&
    x >>> 0 === x &&
    arguments.length === 1
  ) {
    return swap32(x)
  }
  oneArg('ntohl', arguments)
  return swap32(long(x))
}

/** A `str` argument (format `s`): UTF-8 bytes, no NUL. */
function strArg(v: unknown, fn: string, pos: number): Buffer {
  if (typeof v !== 'string') {
    throw new TypeError(`${fn}() argument ${pos} must be str, not ${argTypeName(v)}`)
  }
  if (v.includes('\0')) throw new ValueError('embedded null character')
  return encodeUtf8(v)
}

/** inet_aton: dotted text (with the C library's shorthands) to 4 packed bytes. */
export function inet_aton(ip_string: string): Buffer {
  oneArg('inet_aton', arguments)
  if (typeof ip_string !== 'string') {
    throw new TypeError(`inet_aton() argument must be str, not ${argTypeName(ip_string)}`)
  }
  const text = strArg(ip_string, 'inet_aton', 1)
  const out = native.inetAton(text)
  if (out === null) throw new OSError('illegal IP address string passed to inet_aton')
  return out
}

/** inet_ntoa: 4 packed bytes to dotted text. */
export function inet_ntoa(packed_ip: Uint8Array): string {
  oneArg('inet_ntoa', arguments)
  const b = bytesLike(packed_ip)
  if (b.length !== 4) throw new OSError('packed IP wrong length for inet_ntoa')
  return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`
}

/** inet_pton: address text of a family to packed bytes (strict). */
export function inet_pton(address_family: number, ip_string: string): Buffer {
  if (arguments.length !== 2) arity('inet_pton', arguments, 2)
  const af =
    typeof address_family === 'number' && (address_family | 0) === address_family
      ? address_family
      : cInt(address_family)
  if (typeof ip_string !== 'string') {
    throw new TypeError(`inet_pton() argument 2 must be str, not ${argTypeName(ip_string)}`)
  }
  if (af === AF_INET) {
    const v = pton4(ip_string)
    if (v >= 0) {
      const out = Buffer.allocUnsafe(4)
      out[0] = v >>> 24
      out[1] = (v >>> 16) & 0xff
      out[2] = (v >>> 8) & 0xff
      out[3] = v & 0xff
      return out
    }
  } else if (af === AF_INET6) {
    const out = Buffer.allocUnsafe(16)
    if (pton6Into(ip_string, out)) return out
  } else {
    const text = strArg(ip_string, 'inet_pton', 2)
    try {
      native.inetPton(af, text)
    } catch (e) {
      throw fromNative(e, 'inet_pton')
    }
  }
  // Only text that failed to parse can hold what format `s` refuses.
  encodeUtf8(ip_string)
  if (ip_string.includes('\0')) throw new ValueError('embedded null character')
  throw new OSError('illegal IP address string passed to inet_pton')
}

/** inet_ntop: packed bytes of a family to address text. */
export function inet_ntop(address_family: number, packed_ip: Uint8Array): string {
  if (arguments.length !== 2) arity('inet_ntop', arguments, 2)
  const af =
    typeof address_family === 'number' && (address_family | 0) === address_family
      ? address_family
      : cInt(address_family)
  const b = bytesLike(packed_ip)
  if (af === AF_INET) {
    if (b.length !== 4) throw new ValueError('invalid length of packed IP address string')
    return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`
  }
  if (af === AF_INET6) {
    if (b.length !== 16) throw new ValueError('invalid length of packed IP address string')
    return ntop6(b)
  }
  throw new ValueError(`unknown address family ${af}`)
}
