// Name services with Python's argument rules: getaddrinfo, getnameinfo, the
// gethostby* family, services and protocols, the host name, interfaces.
import { cInt, cUIntMask, index, isOptions, splitOptions } from './args'
import { OSError, OverflowError, ValueError, fromNative, gaierror, herror, osError } from './errors'
import { argTypeName, pyTypeName } from './pytypes'
import type { AddressFamily, SocketKind } from './constants'
import { arity, given, noArgs, oneArg } from './arity'
import { idnaEncode } from './idna'
import native = require('./native')
import { encodeUtf8, fsencode } from './unicode'

/** One getaddrinfo result: `[family, type, proto, canonname, sockaddr]`. */
export type AddrInfo = [
  family: AddressFamily | number,
  type: SocketKind | number,
  proto: number,
  canonname: string,
  sockaddr: [string, number] | [string, number, number, number],
]

/** The keyword arguments of getaddrinfo (0, the default: any). */
export interface GetaddrinfoOptions {
  /** The address family: AF_INET, AF_INET6, or AF_UNSPEC (0) for both. */
  family?: number
  /** The socket type, such as SOCK_STREAM. */
  type?: number
  /** The protocol, such as IPPROTO_TCP. */
  proto?: number
  /** `AI_*` flags, or-ed together. */
  flags?: number
}

/** `[hostname, aliaslist, ipaddrlist]`. */
export type HostEntry = [hostname: string, aliaslist: string[], ipaddrlist: string[]]

const LONG_MAX = 2n ** 63n - 1n

/** C strings end at the first NUL, as CPython passes them on. */
function cstr(b: Buffer): Buffer {
  const z = b.indexOf(0)
  return z < 0 ? b : b.subarray(0, z)
}

// Encoded host and service strings, reused: the same few names are looked
// up again and again. Bounded, and the buffers are never handed out to
// callers (only to the addon, which copies them).
const encoded = new Map<string, Buffer>()
function cached(key: string, make: () => Buffer): Buffer {
  let b = encoded.get(key)
  if (b === undefined) {
    if (encoded.size >= 512) encoded.clear()
    b = make()
    encoded.set(key, b)
  }
  return b
}

function hostArg(host: unknown): Buffer | null {
  if (host === null || host === undefined) return null
  if (typeof host === 'string') return cached('h' + host, () => cstr(idnaEncode(host)))
  if (Buffer.isBuffer(host)) return cstr(host)
  throw new TypeError('getaddrinfo() argument 1 must be string or None')
}

function portArg(port: unknown): Buffer | null {
  if (port === null || port === undefined) return null
  if (typeof port === 'string') return cached('s' + port, () => cstr(encodeUtf8(port)))
  if (Buffer.isBuffer(port)) return cstr(port)
  if (typeof port === 'number' && Number.isSafeInteger(port)) {
    return cached('n' + port, () => Buffer.from(String(port), 'latin1'))
  }
  // 3.12+ passes any int on as its decimal text, and getaddrinfo(3) judges
  // it (3.11 raised OverflowError outside the C long range).
  if ((typeof port === 'number' && Number.isInteger(port)) || typeof port === 'bigint') {
    return Buffer.from(BigInt(port).toString(), 'latin1')
  }
  throw new OSError('Int or String expected')
}

const GAI_NAMES = ['host', 'port', 'family', 'type', 'proto', 'flags'] as const

/** Binds getaddrinfo's arguments as the Python-level function does. */
/** @internal */
export function gaiArgs(
  args: unknown[],
): [Buffer | null, Buffer | null, number, number, number, number] {
  // Trailing undefined stands for an omitted argument.
  let end = args.length
  while (end > 0 && args[end - 1] === undefined) end--
  if (end < args.length) args = args.slice(0, end)
  // The common shape: positional ints, no options object.
  const n0 = args.length
  if (n0 >= 2 && n0 <= 6) {
    const last = args[n0 - 1]
    if (args[1] !== undefined && (typeof last === 'number' || (n0 === 2 && !isOptions(last)))) {
      const int = (v: unknown) =>
        v === undefined ? 0 : typeof v === 'number' && (v | 0) === v ? v : cInt(v)
      // CPython converts the ints before it looks at host and port.
      const family = int(args[2])
      const type = int(args[3])
      const proto = int(args[4])
      const flags = int(args[5])
      return [hostArg(args[0]), portArg(args[1]), family, type, proto, flags]
    }
  }
  const { positional, kw, n } = splitOptions(args)
  if (n > 6) {
    throw new TypeError(`getaddrinfo() takes from 2 to 6 positional arguments but ${n} were given`)
  }
  const a: Record<string, unknown> = {}
  for (let i = 0; i < n; i++) a[GAI_NAMES[i]] = positional[i]
  for (const [key, value] of Object.entries(kw)) {
    if (!(GAI_NAMES as readonly string[]).includes(key)) {
      throw new TypeError(`getaddrinfo() got an unexpected keyword argument '${key}'`)
    }
    if (key in a) throw new TypeError(`getaddrinfo() got multiple values for argument '${key}'`)
    if (value !== undefined) a[key] = value
  }
  if (!('host' in a) || !('port' in a)) {
    const missing = ['host', 'port'].filter((k) => !(k in a))
    throw new TypeError(
      `getaddrinfo() missing ${missing.length} required positional argument${missing.length > 1 ? 's' : ''}: ${missing.map((m) => `'${m}'`).join(' and ')}`,
    )
  }
  // CPython converts the four ints first, then host and port.
  const num = (v: unknown) => (v === undefined ? 0 : cInt(v))
  const nums = [num(a.family), num(a.type), num(a.proto), num(a.flags)] as const
  return [hostArg(a.host), portArg(a.port), ...nums]
}

/**
 * Resolves `host` and `port` (a number, a service name or null) into the
 * addresses to create and connect sockets with: a list of `[family, type,
 * proto, canonname, sockaddr]`. `family`, `type`, `proto` (0: any) and
 * `flags` (`AI_*`) narrow the results; they may be given positionally or as
 * a trailing options object. Python's `socket.getaddrinfo()`.
 * @throws gaierror when the name cannot be resolved.
 */
export function getaddrinfo(
  host: string | Buffer | null,
  port: string | number | Buffer | null,
  family?: number,
  type?: number,
  proto?: number,
  flags?: number,
): AddrInfo[]
export function getaddrinfo(
  host: string | Buffer | null,
  port: string | number | Buffer | null,
  options: GetaddrinfoOptions,
): AddrInfo[]
export function getaddrinfo(
  host: string | Buffer | null,
  port: string | number | Buffer | null,
  family: number,
  options: Omit<GetaddrinfoOptions, 'family'>,
): AddrInfo[]
export function getaddrinfo(
  host: string | Buffer | null,
  port: string | number | Buffer | null,
  family: number,
  type: number,
  options: Pick<GetaddrinfoOptions, 'proto' | 'flags'>,
): AddrInfo[]
export function getaddrinfo(
  host: string | Buffer | null,
  port: string | number | Buffer | null,
  family: number,
  type: number,
  proto: number,
  options: Pick<GetaddrinfoOptions, 'flags'>,
): AddrInfo[]
export function getaddrinfo(
  host: string | Buffer | null,
  port: string | number | Buffer | null,
  ...rest: unknown[]
): AddrInfo[] {
  const [h, p, family, type, proto, flags] = gaiArgs([host, port, ...rest])
  try {
    return native.getaddrinfo(h, p, family, type, proto, flags) as AddrInfo[]
  } catch (e) {
    throw fromNative(e, 'getaddrinfo')
  }
}

/** The arguments of getnameinfo, checked as CPython does. */
/** @internal */
export function nameinfoArgs(args: unknown[]): [Buffer, number, boolean, number, number, number] {
  if (args.length !== 2) {
    throw new TypeError(`getnameinfo() takes exactly 2 arguments (${args.length} given)`)
  }
  const [sockaddr, flagsArg] = args
  if (!Array.isArray(sockaddr)) throw new TypeError('getnameinfo() argument 1 must be a tuple')
  const flags = cInt(flagsArg)
  const illegal = () => new TypeError('getnameinfo(): illegal sockaddr argument')
  if (sockaddr.length < 2 || sockaddr.length > 4) throw illegal()
  const [host, port, flowinfo, scope] = sockaddr
  if (typeof host !== 'string') throw illegal()
  if (host.includes('\0')) throw new ValueError('embedded null character')
  const portN = cInt(port)
  const flow = sockaddr.length > 2 ? cUIntMask(flowinfo) : 0
  const scopeId = sockaddr.length > 3 ? cUIntMask(scope) : 0
  if (flow > 0xfffff) throw new OverflowError('getnameinfo(): flowinfo must be 0-1048575.')
  return [encodeUtf8(host), portN, sockaddr.length > 2, flow, scopeId, flags]
}

/** getnameinfo(sockaddr, flags): `[host, port]` as text. */
export function getnameinfo(
  sockaddr: [string, number] | [string, number, number] | [string, number, number, number],
  flags: number,
): [string, string] {
  // eslint-disable-next-line prefer-rest-params
  const a = nameinfoArgs(Array.prototype.slice.call(arguments))
  try {
    return native.getnameinfo(...a)
  } catch (e) {
    throw fromNative(e, 'getnameinfo')
  }
}

/** A host argument (format `et` with "idna"): str, bytes or bytearray. */
function hostName(v: unknown, fn: string): Buffer {
  let b: Buffer
  if (typeof v === 'string') b = idnaEncode(v)
  else if (v instanceof Uint8Array) b = Buffer.from(v)
  else {
    throw new TypeError(`${fn}() argument 1 must be str, bytes or bytearray, not ${argTypeName(v)}`)
  }
  if (b.includes(0)) {
    throw new TypeError(
      `${fn}() argument 1 must be encoded string without null bytes, not ${pyTypeName(v)}`,
    )
  }
  return b
}

function nativeHost<T>(fn: string, call: () => T): T {
  try {
    return call()
  } catch (e) {
    throw fromNative(e, fn)
  }
}

/** gethostbyname(hostname): the IPv4 address as text. */
export function gethostbyname(hostname: string): string {
  arity('gethostbyname', arguments, 1)
  const name = hostName(hostname, 'gethostbyname')
  return nativeHost('gethostbyname', () => native.gethostbyname(name))
}

/** gethostbyname_ex(hostname): `[hostname, aliaslist, ipaddrlist]`. */
export function gethostbyname_ex(hostname: string): HostEntry {
  arity('gethostbyname_ex', arguments, 1)
  const name = hostName(hostname, 'gethostbyname_ex')
  return nativeHost('gethostbyname_ex', () => native.gethostbynameEx(name))
}

/** gethostbyaddr(ip_address): `[hostname, aliaslist, ipaddrlist]`. */
export function gethostbyaddr(ip_address: string): HostEntry {
  arity('gethostbyaddr', arguments, 1)
  const name = hostName(ip_address, 'gethostbyaddr')
  return nativeHost('gethostbyaddr', () => native.gethostbyaddr(name))
}

/** The name of this machine. */
export function gethostname(): string {
  noArgs('gethostname', arguments)
  return nativeHost('gethostname', () => native.gethostname())
}

/** A path-like argument (PyUnicode_FSConverter). */
function fsName(v: unknown): Buffer {
  let b: Buffer
  if (typeof v === 'string') b = fsencode(v)
  else if (Buffer.isBuffer(v)) b = v
  else {
    throw new TypeError(`expected str, bytes or os.PathLike object, not ${pyTypeName(v)}`)
  }
  if (b.includes(0)) throw new ValueError('embedded null byte')
  return b
}

/** sethostname(name): needs privileges (PermissionError otherwise). */
export function sethostname(name: string | Buffer): void {
  arity('sethostname', arguments, 1)
  const b = fsName(name)
  nativeHost('sethostname', () => native.sethostname(b))
}

/** getfqdn(name=''): the fully qualified name for `name` (or this host). */
export function getfqdn(name: string = ''): string {
  const n = given(arguments)
  if (n > 1) {
    throw new TypeError(`getfqdn() takes from 0 to 1 positional arguments but ${n} were given`)
  }
  name = name.trim()
  if (!name || name === '0.0.0.0' || name === '::') name = gethostname()
  let entry: HostEntry
  try {
    entry = gethostbyaddr(name)
  } catch (e) {
    if (e instanceof OSError) return name
    throw e
  }
  const [hostname, aliases] = entry
  for (const n of [hostname, ...aliases]) if (n.includes('.')) return n
  return hostname
}

function strArg(v: unknown, fn: string, pos: number): Buffer {
  if (typeof v !== 'string') {
    throw new TypeError(`${fn}() argument ${pos} must be str, not ${argTypeName(v)}`)
  }
  if (v.includes('\0')) throw new ValueError('embedded null character')
  return encodeUtf8(v)
}

/** getprotobyname(protocolname): the protocol number. */
export function getprotobyname(protocolname: string): number {
  arity('getprotobyname', arguments, 1)
  const name = strArg(protocolname, 'getprotobyname', 1)
  const n = native.getprotobyname(name)
  if (n === null) throw new OSError('protocol not found')
  return n
}

/** getservbyname(servicename[, protocolname]): the port number. */
export function getservbyname(servicename: string, protocolname?: string): number {
  arity('getservbyname', arguments, 1, 2)
  const name = strArg(servicename, 'getservbyname', 1)
  const proto =
    given(arguments) > 1 || protocolname === null ? strArg(protocolname, 'getservbyname', 2) : null
  const n = native.getservbyname(name, proto)
  if (n === null) throw new OSError('service/proto not found')
  return n
}

/** getservbyport(port[, protocolname]): the service name. */
export function getservbyport(port: number, protocolname?: string): string {
  arity('getservbyport', arguments, 1, 2)
  let n: number
  const i = typeof port === 'bigint' ? port : BigInt(index(port))
  if (i > LONG_MAX || i < -LONG_MAX - 1n) {
    throw new OverflowError('Python int too large to convert to C long')
  }
  n = cInt(i)
  const proto =
    given(arguments) > 1 || protocolname === null ? strArg(protocolname, 'getservbyport', 2) : null
  if (n < 0 || n > 0xffff) throw new OverflowError('getservbyport: port must be 0-65535.')
  const name = native.getservbyport(n, proto)
  if (name === null) throw new OSError('port/proto not found')
  return name
}

/** if_nameindex(): `[index, name]` for every network interface. */
export function if_nameindex(): Array<[number, string]> {
  noArgs('if_nameindex', arguments)
  return nativeHost('if_nameindex', () => native.ifNameindex())
}

/** if_nametoindex(if_name): the interface index. */
export function if_nametoindex(if_name: string): number {
  oneArg('if_nametoindex', arguments)
  const b = fsName(if_name)
  const n = nativeHost('if_nametoindex', () => native.ifNametoindex(b))
  if (n === 0) throw new OSError('no interface with this name')
  return n
}

/** if_indextoname(if_index): the interface name. */
export function if_indextoname(if_index: number): string {
  oneArg('if_indextoname', arguments)
  if (
    typeof if_index !== 'bigint' &&
    !(typeof if_index === 'number' && Number.isInteger(if_index)) &&
    typeof if_index !== 'boolean'
  ) {
    throw new TypeError('an integer is required')
  }
  const i = BigInt(index(if_index))
  if (i < 0n) throw new OverflowError("can't convert negative value to unsigned int")
  if (i > 2n ** 64n - 1n) {
    throw new OverflowError('Python int too large to convert to C unsigned long')
  }
  // 3.13 refuses what does not fit an unsigned int (3.11 truncated it).
  if (i > 0xffffffffn) throw new OverflowError('index is too large')
  const idx = Number(i)
  try {
    return native.ifIndextoname(idx)
  } catch (e) {
    throw fromNative(e, 'if_indextoname')
  }
}
