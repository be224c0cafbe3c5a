// Name services with Python's argument rules: getaddrinfo.
import { cInt, index } from './args'
import { OSError, fromNative } from './errors'
import { pyTypeName } from './pytypes'
import { bind as bindArgs } from './args'
import native = require('./native')

/** One getaddrinfo result: `[family, type, proto, canonname, sockaddr]`. */
export type AddrInfo = [
  family: number,
  type: number,
  proto: number,
  canonname: string,
  sockaddr: unknown,
]

function hostArg(host: unknown): Buffer | null {
  if (host === null || host === undefined) return null
  if (typeof host === 'string') {
    // eslint-disable-next-line no-control-regex
    if (/^[\x00-\x7f]*$/.test(host)) return Buffer.from(host, 'latin1')
    const { domainToASCII } = require('node:url') as typeof import('node:url')
    return Buffer.from(domainToASCII(host) || host, 'latin1')
  }
  if (Buffer.isBuffer(host) || host instanceof Uint8Array) return Buffer.from(host)
  throw new TypeError('getaddrinfo() argument 1 must be string or None')
}

function portArg(port: unknown): Buffer | null {
  if (port === null || port === undefined) return null
  if (typeof port === 'string') return Buffer.from(port, 'utf8')
  if (port instanceof Uint8Array) return Buffer.from(port)
  if (
    (typeof port === 'number' && Number.isInteger(port)) ||
    typeof port === 'bigint' ||
    typeof port === 'boolean'
  ) {
    return Buffer.from(String(index(port)), 'latin1')
  }
  throw new OSError('Int or String expected')
}

/**
 * getaddrinfo(host, port, family=0, type=0, proto=0, flags=0), positionally
 * or with an options object: a list of `[family, type, proto, canonname, sockaddr]`.
 */
export function getaddrinfo(
  host: string | Buffer | null,
  port: string | number | Buffer | null,
  ...rest: unknown[]
): AddrInfo[] {
  const a = bindArgs(
    'getaddrinfo',
    ['host', 'port', 'family', 'type', 'proto', 'flags'],
    [host, port, ...rest],
    2,
  )
  const h = hostArg(a.host)
  const p = portArg(a.port)
  const family = a.family === undefined ? 0 : cInt(a.family)
  const type = a.type === undefined ? 0 : cInt(a.type)
  const proto = a.proto === undefined ? 0 : cInt(a.proto)
  const flags = a.flags === undefined ? 0 : cInt(a.flags)
  try {
    return native.getaddrinfo(h, p, family, type, proto, flags) as AddrInfo[]
  } catch (e) {
    throw fromNative(e, 'getaddrinfo')
  }
}

export { pyTypeName }
