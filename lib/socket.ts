// The socket object: Python's `socket.socket` over an fd the object owns.
// Python semantics (arguments, modes, messages) live here; every syscall is
// one call into the addon, which takes the timeout as seconds (-1: block).
import { constants as osConstants } from 'node:os'
import { inspect } from 'node:util'
import { constants as bufferConstants } from 'node:buffer'
import { isMainThread } from 'node:worker_threads'

import {
  bind as bindArgs,
  bytesLike,
  cInt,
  cLong,
  cUIntMask,
  clinicInt,
  isOptions,
  socketFd,
  ssize,
  timeoutSeconds,
  writable,
} from './args'
import { encodeAddress, isInt } from './address'
import { MemoryError, OSError, TimeoutError, ValueError, fromNative, osError } from './errors'
import { pyRepr } from './pytypes'
import { fast } from './fast'
import * as C from './constants'
import native = require('./native')

let defaultTimeout = -1
const { EBADF } = osConstants.errno

/**
 * Called with an fd just before close(), detach(), the module's close(fd)
 * or the finaliser gives it up (`lib/loop.ts` stops polling it there and
 * rejects what waits on it).
 */
export const releaseHooks: Array<(fd: number) => void> = []

/** Runs the release hooks for `fd`, which is about to be closed or detached. */
export function runReleaseHooks(fd: number): void {
  for (const hook of releaseHooks) hook(fd)
}

/** The module default timeout for new sockets: seconds, or null for none. */
export function getdefaulttimeout(): number | null {
  return defaultTimeout < 0 ? null : defaultTimeout
}

/** Sets the module default timeout (`null` for blocking sockets). */
export function setdefaulttimeout(timeout: number | null): void {
  defaultTimeout = timeoutSeconds(timeout)
}

/** What a collected socket still needs: the fd to close and what its repr shows. */
interface Held {
  fd: number
  family: number
  type: number
  proto: number
  /** The ownership registry's token for this object's take of `fd` (crates/node owned.rs). */
  token: number
}

// A socket collected while open: warn, as CPython's socket finaliser does
// with ResourceWarning, and close its fd unless another live socket object
// owns it or the number was closed behind this one's back and reused.
const unclosed = new FinalizationRegistry<Held>((held) => {
  if (held.fd < 0) return
  process.emitWarning(`unclosed ${reprOf(held)}`, 'ResourceWarning')
  if (!native.claimFd(held.fd, held.token)) return
  try {
    runReleaseHooks(held.fd)
  } finally {
    try {
      native.close(held.fd)
    } catch {
      // Nothing to report to: the owner is gone.
    }
  }
})

const BUFSIZE_POOLED = 4096

let wakerChecked = false

/**
 * In a Worker of a host with libuv (Node, Electron), lets terminate() end
 * a synchronous call that blocks with no timeout (crates/node wake.rs).
 * Bun and Deno export libuv's names without a working libuv: not there.
 */
function installWaker(): void {
  wakerChecked = true
  const versions = process.versions as Record<string, string | undefined>
  if (isMainThread || versions.bun !== undefined || versions.deno !== undefined) return
  native.installWaker()
}

/** Runs one addon call, turning its error into Python's exception. */
export function nativeCall<T>(syscall: string, f: () => T): T {
  try {
    return f()
  } catch (e) {
    throw fromNative(e, syscall)
  }
}

/** The options object form of the constructor's keyword arguments. */
export interface SocketOptions {
  family?: number
  type?: number
  proto?: number
  fileno?: number | null
}

/**
 * The socket class. Other modules add methods to its prototype (see
 * `lib/*.ts` and their `declare module` blocks), so that each capability
 * lives in its own file.
 */
export class SocketImpl {
  // The fd, -1 once closed or detached. Kept in a separate object that the
  // finaliser sees, since it cannot see the socket itself.
  private readonly _held: Held
  private _family: number
  private _type: number
  private _proto: number
  /** @internal Seconds, -1 for None (blocking): what the addon takes. */
  _t: number
  /** makefile() objects still open (Python's `_io_refs`). */
  _io_refs = 0
  /** close() was called; the fd goes when the last file object closes. */
  _closed = false

  constructor(...args: unknown[]) {
    // socket.socket is a Python class: messages name __init__ and count self.
    let npos = args.length > 0 && isOptions(args[args.length - 1]) ? args.length - 1 : args.length
    while (npos > 0 && args[npos - 1] === undefined) npos--
    if (npos > 4) {
      throw new TypeError(
        `socket.__init__() takes from 1 to 5 positional arguments but ${npos + 1} were given`,
      )
    }
    const a = bindArgs('socket.__init__', ['family', 'type', 'proto', 'fileno'], args)
    let family = a.family === undefined ? -1 : clinicInt(a.family)
    let type = a.type === undefined ? -1 : clinicInt(a.type)
    let proto = a.proto === undefined ? -1 : clinicInt(a.proto)
    let fd: number
    if (a.fileno === undefined || a.fileno === null) {
      if (family === -1) family = C.AF_INET
      if (type === -1) type = C.SOCK_STREAM
      if (proto === -1) proto = 0
      fd = nativeCall('socket', () => native.socket(family, type, proto))
    } else {
      fd = socketFd(a.fileno)
      if (fd < 0) throw new ValueError('negative file descriptor')
      const [f, t, p] = nativeCall('getsockopt', () => native.describe(fd))
      if (family === -1) family = f
      if (type === -1) type = t
      if (proto === -1) proto = p
    }
    this._family = family
    this._type = native.plainType(type)
    this._proto = proto
    this._held = { fd, family, type: this._type, proto, token: 0 }
    if (type & native.nonblockFlag()) {
      this._t = 0
    } else {
      this._t = defaultTimeout
    }
    if (this._t >= 0) {
      try {
        native.setBlocking(fd, false)
      } catch (e) {
        if (a.fileno === undefined || a.fileno === null) native.close(fd)
        throw fromNative(e, 'fcntl')
      }
    }
    unclosed.register(this, this._held, this._held)
    // Closed by the addon if this thread's environment goes away first.
    this._held.token = native.ownFd(fd)
    if (!wakerChecked) installWaker()
  }

  /** The address family (`AF_INET`, ...). */
  get family(): C.AddressFamily | number {
    return this._family
  }

  /** The socket type, without SOCK_NONBLOCK/SOCK_CLOEXEC. */
  get type(): C.SocketKind | number {
    return this._type
  }

  get proto(): number {
    return this._proto
  }

  /** The timeout in seconds, or null: `gettimeout()`. */
  get timeout(): number | null {
    return this.gettimeout()
  }

  /** @internal The fd, -1 once closed. */
  get _fd(): number {
    return this._held.fd
  }

  fileno(): number {
    return this._held.fd
  }

  /** Accepts a connection: `[conn, address]`. */
  accept(): [socket, unknown] {
    const [fd, addr] = nativeCall('accept', () => native.accept(this._fd, this._t))
    const conn = new SocketImpl(this._family, this._type, this._proto, fd) as socket
    // Accepted sockets take the module default timeout, not the listener's.
    if (defaultTimeout < 0 && this.gettimeout()) conn.setblocking(true)
    return [conn, addr]
  }

  bind(address: unknown): void {
    const sa = encodeAddress(this._family, address, 'bind', this)
    nativeCall('bind', () => native.bind(this._fd, sa))
  }

  connect(address: unknown): void {
    const sa = encodeAddress(this._family, address, 'connect', this)
    nativeCall('connect', () => native.connect(this._fd, sa, this._t))
  }

  /** connect() that returns the errno instead of raising it (0 on success). */
  connect_ex(address: unknown): number {
    const sa = encodeAddress(this._family, address, 'connect_ex', this)
    try {
      native.connect(this._fd, sa, this._t)
      return 0
    } catch (e) {
      const err = fromNative(e, 'connect')
      if (err instanceof OSError) {
        if (err.errno !== null) return err.errno
        // A timeout reads as EWOULDBLOCK, as in CPython.
        if (err instanceof TimeoutError) return osConstants.errno.EAGAIN
      }
      throw err
    }
  }

  close(): void {
    this._closed = true
    if (this._io_refs <= 0) this._real_close()
  }

  /** Closes the fd now (makefile objects call this when the last one closes). */
  _real_close(): void {
    const fd = this._held.fd
    if (fd < 0) return
    this._held.fd = -1
    unclosed.unregister(this._held)
    runReleaseHooks(fd)
    // Never close a number that no longer refers to this socket's file: it
    // was closed behind this object's back (or by another owner) and may
    // belong to other code now. Python would close it; EBADF is what it
    // would raise had the number not been reused.
    if (!native.disownFd(fd, this._held.token, true)) throw osError(EBADF, 'close')
    nativeCall('close', () => native.close(fd))
  }

  /** Gives up the fd without closing it and returns it. */
  detach(): number {
    this._closed = true
    const fd = this._held.fd
    this._held.fd = -1
    unclosed.unregister(this._held)
    if (fd >= 0) {
      runReleaseHooks(fd)
      native.disownFd(fd, this._held.token, false)
    }
    return fd
  }

  dup(): socket {
    const fd = nativeCall('dup', () => native.dup(this._fd))
    const copy = new (this.constructor as typeof SocketImpl)(
      this._family,
      this._type,
      this._proto,
      fd,
    )
    copy.settimeout(this.gettimeout())
    return copy as socket
  }

  get_inheritable(): boolean {
    return nativeCall('fcntl', () => native.getInheritable(this._fd))
  }

  set_inheritable(inheritable: boolean): void {
    // os.set_inheritable takes an int (Argument Clinic `int`).
    const flag = clinicInt(inheritable) !== 0
    nativeCall('fcntl', () => native.setInheritable(this._fd, flag))
  }

  getpeername(): unknown {
    return nativeCall('getpeername', () => native.getpeername(this._fd))
  }

  getsockname(): unknown {
    return nativeCall('getsockname', () => native.getsockname(this._fd))
  }

  /** An int option, or with `buflen` the raw bytes (at most 1024). */
  getsockopt(level: number, optname: number, buflen?: number): number | Buffer {
    const lv = cInt(level)
    const name = cInt(optname)
    const len = buflen === undefined ? 0 : cInt(buflen)
    if (len === 0) {
      return nativeCall('getsockopt', () => native.getsockoptInt(this._fd, lv, name))
    }
    if (len <= 0 || len > 1024) throw new OSError('getsockopt buflen out of range')
    return nativeCall('getsockopt', () => native.getsockoptBuf(this._fd, lv, name, len))
  }

  /**
   * setsockopt(level, optname, int | bytes-like) or
   * setsockopt(level, optname, null, optlen).
   */
  setsockopt(level: number, optname: number, value: unknown, optlen?: number): void {
    const nargs = optlen === undefined ? 3 : 4
    const lv = cInt(level)
    const name = cInt(optname)
    if (
      nargs === 3 &&
      (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    ) {
      let flag: number | undefined
      try {
        flag = cInt(value)
      } catch {
        flag = undefined
      }
      if (flag !== undefined) {
        const f = flag
        return nativeCall('setsockopt', () => native.setsockoptInt(this._fd, lv, name, f))
      }
    }
    if (nargs === 4 && value === null && isInt(optlen)) {
      // Format `I`: any int, taken modulo 2**32.
      const n = cUIntMask(optlen)
      return nativeCall('setsockopt', () => native.setsockoptNull(this._fd, lv, name, n))
    }
    if (nargs !== 3) throw new TypeError(`setsockopt() takes exactly 3 arguments (${nargs} given)`)
    const buf = bytesLike(value)
    nativeCall('setsockopt', () => native.setsockoptBuf(this._fd, lv, name, buf))
  }

  /** False in non-blocking mode, true in blocking and timeout modes. */
  getblocking(): boolean {
    return this._t !== 0
  }

  gettimeout(): number | null {
    return this._t < 0 ? null : this._t
  }

  setblocking(flag: boolean): void {
    // CPython reads the flag as a C long: ints and bools only.
    const block = cLong(flag) !== 0
    this._t = block ? -1 : 0
    nativeCall('fcntl', () => native.setBlocking(this._fd, block))
  }

  settimeout(value: number | null): void {
    const t = timeoutSeconds(value)
    this._t = t
    nativeCall('fcntl', () => native.setBlocking(this._fd, t < 0))
  }

  listen(backlog?: number): void {
    let n = backlog === undefined ? Math.min(C.SOMAXCONN, 128) : cInt(backlog)
    if (n < 0) n = 0
    nativeCall('listen', () => native.listen(this._fd, n))
  }

  recv(bufsize: number, flags: number = 0): Buffer {
    const size = ssize(bufsize)
    const fl = cInt(flags)
    if (size < 0) throw new ValueError('negative buffersize in recv')
    // CPython makes no syscall for an empty read.
    if (size === 0) return Buffer.alloc(0)
    const buf = alloc(size)
    // The data path calls the addon inline, without nativeCall's closure.
    let n: number
    try {
      n = fast.fastRecvInto(this._fd, buf, size, fl, this._t)
    } catch (e) {
      throw fromNative(e, 'recv')
    }
    return shrink(buf, n)
  }

  recvfrom(bufsize: number, flags: number = 0): [Buffer, unknown] {
    const size = ssize(bufsize)
    const fl = cInt(flags)
    if (size < 0) throw new ValueError('negative buffersize in recvfrom')
    const buf = alloc(size)
    const [n, addr] = nativeCall('recvfrom', () =>
      native.recvfromInto(this._fd, buf, size, fl, this._t),
    )
    return [shrink(buf, n), addr]
  }

  recv_into(buffer: ArrayBufferView | ArrayBuffer, nbytes: number = 0, flags: number = 0): number {
    const view = writable(buffer, 'recv_into')
    let n = ssize(nbytes)
    const fl = cInt(flags)
    if (n < 0) throw new ValueError('negative buffersize in recv_into')
    if (n === 0) n = view.byteLength
    if (view.byteLength < n) throw new ValueError('buffer too small for requested bytes')
    if (n === 0) return 0
    try {
      return fast.fastRecvInto(this._fd, view, n, fl, this._t)
    } catch (e) {
      throw fromNative(e, 'recv')
    }
  }

  recvfrom_into(
    buffer: ArrayBufferView | ArrayBuffer,
    nbytes: number = 0,
    flags: number = 0,
  ): [number, unknown] {
    const view = writable(buffer, 'recvfrom_into')
    let n = ssize(nbytes)
    const fl = cInt(flags)
    if (n < 0) throw new ValueError('negative buffersize in recvfrom_into')
    if (n === 0) n = view.byteLength
    if (n > view.byteLength) throw new ValueError('nbytes is greater than the length of the buffer')
    return nativeCall('recvfrom', () => native.recvfromInto(this._fd, view, n, fl, this._t))
  }

  send(data: ArrayBufferView | ArrayBuffer, flags: number = 0): number {
    const buf = bytesLike(data)
    const fl = cInt(flags)
    try {
      return fast.fastSend(this._fd, buf, fl, this._t)
    } catch (e) {
      throw fromNative(e, 'send')
    }
  }

  /** Sends all of `data`; one timeout covers the whole call. */
  sendall(data: ArrayBufferView | ArrayBuffer, flags: number = 0): void {
    const buf = bytesLike(data)
    const fl = cInt(flags)
    nativeCall('send', () => native.sendall(this._fd, buf, fl, this._t))
  }

  /** sendto(data, address) or sendto(data, flags, address). */
  sendto(data: ArrayBufferView | ArrayBuffer, flagsOrAddress: unknown, address?: unknown): number {
    const nargs = arguments.length
    if (nargs < 2 || nargs > 3) {
      throw new TypeError(`sendto() takes 2 or 3 arguments (${nargs} given)`)
    }
    const buf = bytesLike(data)
    let fl = 0
    let addr = flagsOrAddress
    if (nargs === 3) {
      fl = cInt(flagsOrAddress)
      addr = address
    }
    const sa = this._sockaddrFor(addr)
    return nativeCall('sendto', () => native.sendto(this._fd, buf, fl, sa, this._t))
  }

  // One cached address for sendto: repeated sends to the same numeric host
  // skip the tuple checks and the encoding.
  // @internal
  _lastAddr: unknown[] | null = null
  _lastSa: Buffer | null = null

  /** @internal The sockaddr bytes for `addr`, cached for repeated numeric targets. */
  _sockaddrFor(addr: unknown): Buffer {
    const last = this._lastAddr
    if (last !== null && Array.isArray(addr) && addr.length === last.length) {
      let same = true
      for (let i = 0; i < addr.length; i++) if (addr[i] !== last[i]) same = false
      if (same) return this._lastSa!
    }
    const sa = encodeAddress(this._family, addr, 'sendto', this)
    if (Array.isArray(addr) && typeof addr[0] === 'string' && NUMERIC_HOST.test(addr[0])) {
      this._lastAddr = addr.slice()
      this._lastSa = sa
    }
    return sa
  }

  shutdown(how: number): void {
    const h = clinicInt(how)
    nativeCall('shutdown', () => native.shutdown(this._fd, h))
  }

  [Symbol.dispose](): void {
    this.close()
  }

  /** Python's repr(): `<socket.socket fd=3, family=2, type=1, proto=0, laddr=...>`. */
  toString(): string {
    return reprOf(this._held)
  }

  [inspect.custom](): string {
    return this.toString()
  }
}

// Numeric IPv4/IPv6 literals resolve the same way every time.
const NUMERIC_HOST = /^(?:[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*)$/

/** The repr of a socket from its fd and kind (also used once the object is gone). */
function reprOf(held: Held): string {
  const fd = held.fd
  const closed = fd < 0
  let s =
    `<socket.socket${closed ? ' [closed]' : ''} fd=${fd}, ` +
    `family=${held.family}, type=${held.type}, proto=${held.proto}`
  if (!closed) {
    try {
      const laddr = native.getsockname(fd)
      if (truthy(laddr)) s += `, laddr=${pyRepr(laddr)}`
    } catch {
      // Python leaves laddr out when getsockname fails.
    }
    try {
      const raddr = native.getpeername(fd)
      if (truthy(raddr)) s += `, raddr=${pyRepr(raddr)}`
    } catch {
      // Not connected.
    }
  }
  return s + '>'
}

function truthy(v: unknown): boolean {
  if (v === null || v === undefined || v === '') return false
  if (v instanceof Uint8Array) return v.length > 0
  return true
}

/** A buffer for a read of `size` bytes; MemoryError where Python's would fail. */
function alloc(size: number): Buffer {
  if (size > bufferConstants.MAX_LENGTH) throw new MemoryError()
  return Buffer.allocUnsafe(size)
}

/** `buf[:n]`, copied when most of a large buffer went unused. */
export function shrink(buf: Buffer, n: number): Buffer {
  if (n === buf.length) return buf
  if (buf.length > BUFSIZE_POOLED && n < buf.length >> 1) return Buffer.from(buf.subarray(0, n))
  return buf.subarray(0, n)
}

/** The public type of a socket object. */
export type socket = SocketImpl

/** `socket.socket`: callable with or without `new`. */
export interface SocketConstructor {
  new (family?: number, type?: number, proto?: number, fileno?: number | null): socket
  new (...args: [...unknown[], SocketOptions]): socket
  (family?: number, type?: number, proto?: number, fileno?: number | null): socket
  (...args: [...unknown[], SocketOptions]): socket
  readonly prototype: socket
}

function socketFactory(this: unknown, ...args: unknown[]): socket {
  return Reflect.construct(SocketImpl, args, new.target ?? SocketImpl) as socket
}
socketFactory.prototype = SocketImpl.prototype
Object.defineProperty(socketFactory, 'name', { value: 'socket' })

export const socket = socketFactory as unknown as SocketConstructor
/** Python's `socket.SocketType`. */
export const SocketType = socket

export { osError }
