// The module's socket factories: socketpair, fromfd, create_connection,
// create_server (Lib/socket.py's helpers, with the same steps in the same order).
import { bind as bindArgs, cInt, isOptions, socketFd, timeoutSeconds } from './args'
import { OSError, ValueError, fromNative } from './errors'
import { getaddrinfo } from './netdb'
import { runReleaseHooks, socket } from './socket'
import type { InetAddress, SockAddressInput } from './addresses'
import { pyRepr, pyTruthy, pyTypeName } from './pytypes'
import * as C from './constants'
import type { AddressFamily, SocketKind } from './constants'
import native = require('./native')

/**
 * A pair of connected sockets, of family AF_UNIX (or `family` where the
 * system allows another), type SOCK_STREAM and protocol 0 unless given.
 * Python's `socket.socketpair()`.
 */
export function socketpair<
  F extends number = AddressFamily.AF_UNIX,
  T extends number = SocketKind.SOCK_STREAM,
  P extends number = number,
>(family?: F | null, type?: T, proto?: P): [socket<F, T, P>, socket<F, T, P>] {
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
    return [new socket(f, t, p, fds[0]), new socket(f, t, p, fds[1])] as [
      socket<F, T, P>,
      socket<F, T, P>,
    ]
  } catch (e) {
    native.close(fds[0])
    native.close(fds[1])
    throw e
  }
}

/**
 * A socket object over a duplicate of `fd` (the caller keeps `fd`), with
 * the family, type and protocol given. Python's `socket.fromfd()`.
 */
export function fromfd<F extends number, T extends number, P extends number = number>(
  fd: number,
  family: F,
  type: T,
  proto?: P,
): socket<F, T, P>
export function fromfd(fd: number, family: number, type: number, proto: number = 0): socket {
  const n = socketFd(fd)
  let copy: number
  try {
    copy = native.dup(n)
  } catch (e) {
    throw fromNative(e, 'dup')
  }
  try {
    return new socket(family, type, proto, copy)
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

/** Whether IPv6 is supported: true in every build. */
export const has_ipv6 = true

const GLOBAL_DEFAULT = Symbol('_GLOBAL_DEFAULT_TIMEOUT')

/** The keyword arguments of create_connection. */
export interface CreateConnectionOptions {
  /** Seconds for the new socket's timeout (null: blocking); default: {@link getdefaulttimeout}. */
  timeout?: number | null
  /** A `[host, port]` to bind to before connecting. */
  source_address?: InetAddress | null
  /** On failure, throw an AggregateError of every attempt's error, not only the last. */
  all_errors?: boolean
}

/** A TCP socket as create_connection returns it: IPv4 or IPv6, whichever connected. */
export type ConnectionSocket = socket<
  AddressFamily.AF_INET | AddressFamily.AF_INET6,
  SocketKind.SOCK_STREAM
>

/**
 * Connects a TCP socket to `address`, `[host, port]`: tries each address
 * getaddrinfo gives for the host (IPv4 and IPv6) until one connects, and
 * returns that socket. `timeout` (seconds or null) is set on the socket
 * before connecting; `source_address` is bound first. Python's
 * `socket.create_connection(address, timeout, source_address, *, all_errors)`.
 * @throws the last attempt's OSError, or with `all_errors` an AggregateError.
 */
export function create_connection(
  address: [host: string | null, port: number | string],
  options?: CreateConnectionOptions,
): ConnectionSocket
export function create_connection(
  address: [host: string | null, port: number | string],
  timeout: number | null | undefined,
  options?: Omit<CreateConnectionOptions, 'timeout'>,
): ConnectionSocket
export function create_connection(
  address: [host: string | null, port: number | string],
  timeout: number | null | undefined,
  source_address: InetAddress | null | undefined,
  options?: Pick<CreateConnectionOptions, 'all_errors'>,
): ConnectionSocket
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
      sock = new socket(af, socktype, proto)
      if (timeout !== GLOBAL_DEFAULT) sock.settimeout(timeout as number | null)
      if (pyTruthy(sourceAddress)) sock.bind(sourceAddress as SockAddressInput)
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

/** Whether an AF_INET6 socket can also serve IPv4 (IPV6_V6ONLY can be turned off). */
export function has_dualstack_ipv6(): boolean {
  if (C.IPPROTO_IPV6 === undefined || C.IPV6_V6ONLY === undefined) return false
  try {
    const s = new socket(C.AF_INET6, C.SOCK_STREAM)
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

/** The keyword-only arguments of create_server. */
export interface CreateServerOptions<F extends number = number> {
  /** AF_INET (the default) or AF_INET6. */
  family?: F
  /** The listen() backlog (default: listen()'s). */
  backlog?: number | null
  /** Set SO_REUSEPORT (ValueError where the system lacks it). */
  reuse_port?: boolean
  /** An AF_INET6 socket that serves IPv4 too (ValueError where impossible). */
  dualstack_ipv6?: boolean
}

/**
 * A TCP server socket: made with `family`, SO_REUSEADDR set (and
 * SO_REUSEPORT with `reuse_port`), bound to `address` and listening.
 * Python's `socket.create_server(address, *, family, backlog, reuse_port,
 * dualstack_ipv6)`.
 * @throws OSError naming the address when bind fails.
 */
export function create_server<F extends number = AddressFamily.AF_INET>(
  address: SockAddressInput<F>,
  options?: CreateServerOptions<F>,
): socket<F, SocketKind.SOCK_STREAM>
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
  const sock = new socket(family as number, C.SOCK_STREAM)
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
      sock.bind(a.address as SockAddressInput)
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
