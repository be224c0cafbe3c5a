// The module's socket factories: socketpair, fromfd, create_connection,
// create_server (Lib/socket.py's helpers, with the same steps in the same order).
import { bind as bindArgs, cInt, isOptions, socketFd, timeoutSeconds } from './args'
import { OSError, ValueError, fromNative } from './errors'
import { getaddrinfo } from './netdb'
import { runReleaseHooks, socket } from './socket'
import { pyRepr, pyTruthy, pyTypeName } from './pytypes'
import * as C from './constants'
import native = require('./native')

/** A connected pair of sockets (AF_UNIX by default). */
export function socketpair(family?: number, type?: number, proto?: number): [socket, socket] {
  const f = family === undefined || family === null ? C.AF_UNIX : cInt(family)
  const t = type === undefined ? C.SOCK_STREAM : cInt(type)
  const p = proto === undefined ? 0 : cInt(proto)
  let fds: [number, number]
  try {
    fds = native.socketpair(f, t, p)
  } catch (e) {
    throw fromNative(e, 'socketpair')
  }
  try {
    return [socket(f, t, p, fds[0]), socket(f, t, p, fds[1])]
  } catch (e) {
    native.close(fds[0])
    native.close(fds[1])
    throw e
  }
}

/** A socket over a duplicate of `fd`. */
export function fromfd(fd: number, family: number, type: number, proto: number = 0): socket {
  const n = socketFd(fd)
  let copy: number
  try {
    copy = native.dup(n)
  } catch (e) {
    throw fromNative(e, 'dup')
  }
  try {
    return socket(family, type, proto, copy)
  } catch (e) {
    // Unlike CPython, do not leak the duplicate when the socket cannot be made.
    native.close(copy)
    throw e
  }
}

/**
 * Closes a socket fd. Whatever `socket.loop` has waiting on it rejects with
 * EBADF, and socket objects that own it lose it (they no longer close it).
 */
export function close(fd: number): void {
  const n = socketFd(fd)
  runReleaseHooks(n)
  native.disownFd(n, 0, true)
  try {
    native.close(n)
  } catch (e) {
    throw fromNative(e, 'close')
  }
}

/** True: this build speaks IPv6. */
export const has_ipv6 = true

const GLOBAL_DEFAULT = Symbol('_GLOBAL_DEFAULT_TIMEOUT')

/**
 * Connects to `[host, port]` trying each address getaddrinfo returns.
 * `create_connection(address, timeout?, source_address?, { all_errors })`.
 */
export function create_connection(
  address: [string | null, number | string],
  ...rest: unknown[]
): socket {
  const a = bindArgs(
    'create_connection',
    ['address', 'timeout', 'source_address', 'all_errors'],
    [address, ...rest],
    1,
  )
  const [host, port] = unpackPair(a.address)
  const timeout = 'timeout' in a ? a.timeout : GLOBAL_DEFAULT
  if (timeout !== GLOBAL_DEFAULT) timeoutSeconds(timeout)
  const sourceAddress = a.source_address
  const allErrors = pyTruthy(a.all_errors)
  const errors: Error[] = []
  for (const [af, socktype, proto, , sa] of getaddrinfo(
    host as string,
    port as number,
    0,
    C.SOCK_STREAM,
  )) {
    let sock: socket | null = null
    try {
      sock = socket(af, socktype, proto)
      if (timeout !== GLOBAL_DEFAULT) sock.settimeout(timeout as number | null)
      if (pyTruthy(sourceAddress)) sock.bind(sourceAddress)
      sock.connect(sa)
      errors.length = 0
      return sock
    } catch (e) {
      if (!(e instanceof OSError)) {
        sock?.close()
        throw e
      }
      errors.push(e)
      sock?.close()
      if (!allErrors) errors.splice(0, errors.length - 1)
    }
  }
  if (errors.length > 0) {
    if (allErrors) throw new AggregateError(errors, 'create_connection failed')
    throw errors[0]
  }
  throw new OSError('getaddrinfo returns an empty list')
}

/** Python's `v == n` for an int `n`. */
function pyEqualsInt(v: unknown, n: number): boolean {
  if (typeof v === 'number' || typeof v === 'boolean') return Number(v) === n
  if (typeof v === 'bigint') return v === BigInt(n)
  return false
}

/** Python's `host, port = address`, with its messages. */
function unpackPair(v: unknown): [unknown, unknown] {
  let items: unknown[]
  if (typeof v === 'string') items = [...v]
  else if (Array.isArray(v)) items = v
  else if (v instanceof Uint8Array) items = [...v]
  else if (isOptions(v)) items = Object.keys(v)
  else throw new TypeError(`cannot unpack non-iterable ${pyTypeName(v)} object`)
  if (items.length < 2) {
    throw new ValueError(`not enough values to unpack (expected 2, got ${items.length})`)
  }
  if (items.length > 2) throw new ValueError('too many values to unpack (expected 2)')
  return [items[0], items[1]]
}

/** Whether an AF_INET6 socket can also accept IPv4 (IPV6_V6ONLY off). */
export function has_dualstack_ipv6(): boolean {
  if (C.IPPROTO_IPV6 === undefined || C.IPV6_V6ONLY === undefined) return false
  try {
    const s = socket(C.AF_INET6, C.SOCK_STREAM)
    try {
      s.setsockopt(C.IPPROTO_IPV6, C.IPV6_V6ONLY, 0)
      return true
    } finally {
      s.close()
    }
  } catch (e) {
    if (e instanceof OSError) return false
    throw e
  }
}

/** Options of create_server (Python's keyword-only arguments). */
export interface CreateServerOptions {
  family?: number
  backlog?: number | null
  reuse_port?: boolean
  dualstack_ipv6?: boolean
}

/** A TCP server socket bound to `address` and listening. */
export function create_server(address: unknown, options: CreateServerOptions = {}): socket {
  const a = bindArgs(
    'create_server',
    ['address', 'family', 'backlog', 'reuse_port', 'dualstack_ipv6'],
    [address, options],
    1,
  )
  if (Object.keys(a).length > 1 && !(arguments.length === 2 && typeof options === 'object')) {
    throw new TypeError('create_server() takes 1 positional argument')
  }
  // Converted by socket() below, as in Python; compared here as Python's ==.
  const family = a.family === undefined ? C.AF_INET : a.family
  const backlog = a.backlog
  const reusePort = pyTruthy(a.reuse_port)
  const dualstack = pyTruthy(a.dualstack_ipv6)
  if (reusePort && C.SO_REUSEPORT === undefined) {
    throw new ValueError('SO_REUSEPORT not supported on this platform')
  }
  if (dualstack) {
    if (!has_dualstack_ipv6()) throw new ValueError('dualstack_ipv6 not supported on this platform')
    if (!pyEqualsInt(family, C.AF_INET6)) {
      throw new ValueError('dualstack_ipv6 requires AF_INET6 family')
    }
  }
  const sock = socket(family as number, C.SOCK_STREAM)
  try {
    if (process.platform !== 'win32') {
      try {
        sock.setsockopt(C.SOL_SOCKET, C.SO_REUSEADDR, 1)
      } catch (e) {
        if (!(e instanceof OSError)) throw e
      }
    }
    if (reusePort) sock.setsockopt(C.SOL_SOCKET, C.SO_REUSEPORT, 1)
    if (sock.family === C.AF_INET6) {
      sock.setsockopt(C.IPPROTO_IPV6, C.IPV6_V6ONLY, dualstack ? 0 : 1)
    }
    try {
      sock.bind(a.address)
    } catch (e) {
      if (e instanceof OSError && e.errno !== null) {
        throw new OSError(
          e.errno,
          `${e.strerror} (while attempting to bind on address ${pyRepr(a.address)})`,
        )
      }
      throw e
    }
    if (backlog === undefined || backlog === null) sock.listen()
    else sock.listen(backlog as number)
    return sock
  } catch (e) {
    sock.close()
    throw e
  }
}
