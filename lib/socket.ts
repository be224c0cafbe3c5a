// The socket object: Python's `socket.socket` over an fd the object owns.
// Python semantics (arguments, modes, messages) live here; every syscall is
// one call into the addon, which takes the timeout as seconds (-1: block).
import { constants as osConstants } from 'node:os'
import { inspect } from 'node:util'
import { Buffer, constants as bufferConstants } from 'node:buffer'
import { isMainThread } from 'node:worker_threads'

import {
  bind as bindArgs,
  bytesLike,
  cInt,
  cUIntMask,
  clinicInt,
  isOptions,
  socketFd,
  ssize,
  timeoutSeconds,
  writable,
} from './args'
import { encodeAddress, isInt } from './address'
import type { BytesLike, RecvAddress, SockAddress, SockAddressInput } from './addresses'
import { sendmsg, recvmsg, recvmsg_into, type AncItem, type AncItemInput } from './msg'
import {
  recvmmsg,
  sendmmsg,
  available as mmsgAvailable,
  type MmsgReceived,
  type MmsgOutgoing,
} from './mmsg'
import {
  sendfile,
  _check_sendfile_params,
  _sendfile_use_sendfile,
  _sendfile_use_send,
  type SendfileSource,
} from './sendfile'
import {
  makefile,
  type MakefileOptions,
  type SocketIO,
  type BufferedSocketFile,
  type TextSocketFile,
} from './makefile'
import { sendmsgAfalg, type AfalgOptions } from './family/alg'
import { vsockGetsockopt, vsockSetsockopt } from './family/vsock'
import { MemoryError, OSError, TimeoutError, ValueError, fromNative, osError } from './errors'
import { pyRepr, pyTruthy } from './pytypes'
import { fast } from './fast'
import { recvfromInto } from './recvfrom'
import * as C from './constants'
import native = require('./native')

let defaultTimeout = -1
const { EBADF } = osConstants.errno

/**
 * @internal
 * Called with an fd just before close(), detach(), the module's close(fd)
 * or the finaliser gives it up (`lib/loop.ts` stops polling it there and
 * rejects what waits on it).
 */
export const releaseHooks: Array<(fd: number) => void> = []

/** @internal Runs the release hooks for `fd`, which is about to be closed or detached. */
export function runReleaseHooks(fd: number): void {
  for (const hook of releaseHooks) hook(fd)
}

/**
 * The timeout new sockets start with: seconds as a number, or null (the
 * default) for blocking sockets. Python's `socket.getdefaulttimeout()`.
 */
export function getdefaulttimeout(): number | null {
  return defaultTimeout < 0 ? null : defaultTimeout
}

/**
 * Sets the timeout, in seconds, of sockets created from now on (`null`:
 * blocking). Python's `socket.setdefaulttimeout()`; the rules of
 * {@link socket.settimeout} apply (ValueError for a negative number).
 */
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
 * Bun and Deno export libuv's names without a working libuv: the same
 * probe that picks the loop's poller (it calls no libuv function) says
 * whether this host's loop is libuv's.
 */
function installWaker(): void {
  wakerChecked = true
  if (isMainThread || !native.Poller.probe()) return
  native.installWaker()
}

/** @internal Runs one addon call, turning its error into Python's exception. */
export function nativeCall<T>(syscall: string, f: () => T): T {
  try {
    return f()
  } catch (e) {
    throw fromNative(e, syscall)
  }
}

/**
 * The keyword arguments of `socket.socket()`, as a trailing options object:
 * `socket({ type: SOCK_DGRAM })`, `socket({ fileno: fd })`.
 */
export interface SocketOptions<
  F extends number = number,
  T extends number = number,
  P extends number = number,
> {
  /** The address family (`AF_INET` if left out, or the fd's with `fileno`). */
  family?: F
  /** The socket type (`SOCK_STREAM` if left out, or the fd's with `fileno`). */
  type?: T
  /** The protocol number (0 if left out, or the fd's with `fileno`). */
  proto?: P
  /** An open socket fd for the object to own; family, type and proto are read from it. */
  fileno?: number | null
}

/**
 * Any socket, for passing `this` to the functions of other modules (a
 * generic `socket<F, T, P>` is not checked as assignable to `socket`).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnySocket = socket<any, any, any>

/** The integer socket options of a family: 64-bit (a bigint) on AF_VSOCK. */
type IntOption<F extends number> = [F] extends [C.AddressFamily.AF_VSOCK]
  ? {} extends Record<F, 1>
    ? number | bigint
    : bigint
  : number

/**
 * A socket object: Python's `socket.socket`, owning one socket fd until
 * {@link socket.close} or {@link socket.detach}. Make one with
 * `socket.socket(family, type, proto, fileno)` (`new` is optional).
 *
 * The type parameters are what the socket was made with, as far as the
 * compiler can tell: `F` the family (its addresses are {@link SockAddress}`<F>`
 * out and {@link SockAddressInput}`<F>` in), `T` the socket type and `P` the
 * protocol (which chooses the address form of AF_CAN and AF_BLUETOOTH).
 * Each is `number` when only known at run time; the addresses are then the
 * union of every family's.
 *
 * The methods are declared here; those with a module of their own
 * (ancillary data in `msg.ts`, `sendfile.ts`, `makefile.ts`, the AF_ALG and
 * AF_VSOCK specifics in `family/`) call into it.
 */
export class socket<
  F extends number = number,
  T extends number = number,
  P extends number = number,
> {
  // The fd, -1 once closed or detached. Kept in a separate object that the
  // finaliser sees, since it cannot see the socket itself.
  /** @internal */
  private readonly _held: Held
  /** @internal */
  private _family: number
  /** @internal */
  private _type: number
  /** @internal */
  private _proto: number
  /** @internal Seconds, -1 for None (blocking): what the addon takes. */
  _t: number
  /** @internal makefile() objects still open (Python's `_io_refs`). */
  _io_refs = 0
  /** @internal close() was called; the fd goes when the last file object closes. */
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

  /** The address family, an {@link AddressFamily} member such as `AF_INET`. */
  get family(): F {
    return this._family as F
  }

  /** The socket type, a {@link SocketKind} member, without SOCK_NONBLOCK and SOCK_CLOEXEC. */
  get type(): T {
    return this._type as T
  }

  /** The protocol number (0 for the family's default, as given to the constructor). */
  get proto(): P {
    return this._proto as P
  }

  /** The timeout in seconds, or null: what {@link socket.gettimeout} returns. */
  get timeout(): number | null {
    return this.gettimeout()
  }

  /** @internal The fd, -1 once closed. */
  get _fd(): number {
    return this._held.fd
  }

  /** The socket's fd, or -1 once closed or detached. */
  fileno(): number {
    return this._held.fd
  }

  /**
   * The accept(2) step of accept(): `[fd, address]` (`_socket.socket._accept`),
   * which subclasses override or call as Python code does.
   */
  _accept(): [fd: number, address: SockAddress<F, P>] {
    const r = nativeCall('accept', () => native.accept(this._fd, this._t))
    if (typeof r === 'number') throw osError(-r, 'accept')
    return r as [number, SockAddress<F, P>]
  }

  /**
   * Waits for a connection on a listening socket and accepts it: `[conn,
   * address]`, `conn` a new socket of the same family, type and protocol,
   * `address` the peer's. The new socket takes the default timeout
   * ({@link getdefaulttimeout}), or is blocking if the listener has a timeout
   * and no default is set.
   * @throws BlockingIOError in non-blocking mode when nobody waits;
   * TimeoutError when the timeout passes.
   */
  accept(): [conn: socket<F, T, P>, address: SockAddress<F, P>] {
    const [fd, addr] = this._accept()
    const conn: socket<F, T, P> = new socket(this._family, this._type, this._proto, fd) as AnySocket
    // Accepted sockets take the module default timeout, not the listener's.
    if (defaultTimeout < 0 && this.gettimeout()) conn.setblocking(true)
    return [conn, addr as SockAddress<F, P>]
  }

  /**
   * Binds the socket to `address`, in its family's form (`['127.0.0.1',
   * 8080]` for AF_INET, a path for AF_UNIX, ...).
   * @throws OSError such as `[Errno 98] Address already in use`; OverflowError
   * for a port outside 0-65535; TypeError for an address of the wrong shape.
   */
  bind(address: SockAddressInput<F, P>): void {
    const sa = encodeAddress(this._family, address, 'bind', this)
    nativeCall('bind', () => native.bind(this._fd, sa))
  }

  /**
   * Connects to the remote socket at `address`. In timeout mode, waits at
   * most the timeout (TimeoutError); in non-blocking mode, raises
   * BlockingIOError (EINPROGRESS) while the connection is being made.
   * @throws ConnectionRefusedError and the other OSError subclasses.
   */
  connect(address: SockAddressInput<F, P>): void {
    const sa = encodeAddress(this._family, address, 'connect', this)
    nativeCall('connect', () => native.connect(this._fd, sa, this._t))
  }

  /**
   * {@link socket.connect}, returning the errno (0 on success) instead of
   * raising an OSError for it; other errors (a bad address) still raise.
   */
  connect_ex(address: SockAddressInput<F, P>): number {
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

  /**
   * Closes the socket. The fd is released once the file objects from
   * {@link socket.makefile} are closed too; calling close() again does
   * nothing. `using s = socket.socket()` closes it at the end of the scope.
   */
  close(): void {
    this._closed = true
    if (this._io_refs <= 0) this._real_close()
  }

  /** One makefile() object closed: the last one closes a socket close() was called on. */
  _decref_socketios(): void {
    if (this._io_refs > 0) this._io_refs -= 1
    if (this._closed) this.close()
  }

  /**
   * Closes the fd now, whatever file objects remain: Python's
   * `socket._real_close()`, which close() and the last file object call.
   */
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

  /**
   * Gives up the fd without closing it and returns it (-1 if already
   * closed); the object then acts as closed.
   */
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

  /** A new socket object over a duplicate of the fd, with the same timeout. */
  dup(): socket<F, T, P> {
    const fd = nativeCall('dup', () => native.dup(this._fd))
    const copy = new (this.constructor as typeof socket)(this._family, this._type, this._proto, fd)
    copy.settimeout(this.gettimeout())
    return copy as AnySocket
  }

  /** Whether child processes inherit the fd (false by default: FD_CLOEXEC is set). */
  get_inheritable(): boolean {
    return nativeCall('fcntl', () => native.getInheritable(this._fd))
  }

  /** Sets whether child processes inherit the fd (clears or sets FD_CLOEXEC). */
  set_inheritable(inheritable: boolean): void {
    // os.set_inheritable takes an int (Argument Clinic `int`).
    const flag = clinicInt(inheritable) !== 0
    nativeCall('fcntl', () => native.setInheritable(this._fd, flag))
  }

  /**
   * The address of the peer the socket is connected to.
   * @throws OSError `[Errno 107] Transport endpoint is not connected`.
   */
  getpeername(): SockAddress<F, P> {
    return nativeCall('getpeername', () => native.getpeername(this._fd)) as SockAddress<F, P>
  }

  /** The socket's own address (its port after binding to port 0, for instance). */
  getsockname(): SockAddress<F, P> {
    return nativeCall('getsockname', () => native.getsockname(this._fd)) as SockAddress<F, P>
  }

  /**
   * The value of socket option `optname` at `level` (`SOL_SOCKET`,
   * `IPPROTO_TCP`, ...): an integer, or with `buflen` the option's raw bytes
   * (at most `buflen`, 1 to 1024). On AF_VSOCK sockets options are 64-bit,
   * returned as a bigint.
   */
  getsockopt(level: number, optname: number): IntOption<F>
  getsockopt(level: number, optname: number, buflen: number): Buffer
  getsockopt(level: number, optname: number, buflen?: number): number | bigint | Buffer {
    if (this._family === C.AF_VSOCK)
      return vsockGetsockopt(this as AnySocket, level, optname, buflen)
    const lv = cInt(level)
    const name = cInt(optname)
    const len = buflen === undefined ? 0 : cInt(buflen)
    if (len === 0) {
      try {
        return fast.fastGetsockoptInt(this._fd, lv, name)
      } catch (e) {
        throw fromNative(e, 'getsockopt')
      }
    }
    if (len <= 0 || len > 1024) throw new OSError('getsockopt buflen out of range')
    return nativeCall('getsockopt', () => native.getsockoptBuf(this._fd, lv, name, len))
  }

  /**
   * Sets socket option `optname` at `level`: to an integer (a boolean reads
   * as 0 or 1; a bigint on AF_VSOCK), to the bytes of a buffer (a C struct
   * packed by the caller), or with `null` and `optlen` to a NULL value of
   * that length (AF_ALG's ALG_SET_AEAD_AUTHSIZE).
   */
  setsockopt(level: number, optname: number, value: number | boolean | bigint | BytesLike): void
  setsockopt(level: number, optname: number, value: null, optlen: number): void
  setsockopt(level: number, optname: number, value: unknown, optlen?: number): void {
    // eslint-disable-next-line prefer-rest-params
    if (this._family === C.AF_VSOCK)
      return vsockSetsockopt(this as AnySocket, Array.from(arguments))
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

  /** The timeout in seconds (0 in non-blocking mode), or null in blocking mode. */
  gettimeout(): number | null {
    return this._t < 0 ? null : this._t
  }

  /** `setblocking(false)` is `settimeout(0)`; `setblocking(true)` is `settimeout(null)`. */
  setblocking(flag: boolean): void {
    // 3.13 takes the flag's truth value (3.11 read it as a C long).
    const block = pyTruthy(flag)
    this._t = block ? -1 : 0
    nativeCall('fcntl', () => native.setBlocking(this._fd, block))
  }

  /**
   * Sets the mode: `null` blocks, `0` never blocks (BlockingIOError instead),
   * a positive number of seconds waits at most that long for each call
   * (TimeoutError after it; sendall's covers the whole call).
   * @throws ValueError `Timeout value out of range` for a negative number.
   */
  settimeout(value: number | null): void {
    const t = timeoutSeconds(value)
    this._t = t
    nativeCall('fcntl', () => native.setBlocking(this._fd, t < 0))
  }

  /**
   * Makes the socket listen for connections, with room for `backlog` not yet
   * accepted ones (default: SOMAXCONN, at most 128; negative counts as 0).
   */
  listen(backlog?: number): void {
    let n = backlog === undefined ? Math.min(C.SOMAXCONN, 128) : cInt(backlog)
    if (n < 0) n = 0
    nativeCall('listen', () => native.listen(this._fd, n))
  }

  /**
   * Receives at most `bufsize` bytes (an empty Buffer: the peer closed a
   * stream). `flags` are `MSG_*` flags such as MSG_PEEK.
   * @throws ValueError for a negative bufsize; BlockingIOError, TimeoutError
   * and OSError as for every call.
   */
  recv(bufsize: number, flags: number = 0): Buffer {
    const r = recvOrErrno(this, bufsize, flags)
    if (typeof r === 'number') throw osError(-r, 'recv')
    return r
  }

  /**
   * Receives at most `bufsize` bytes and the sender's address: `[data,
   * address]` (address null where the kernel gives none, as for a stream).
   */
  recvfrom(bufsize: number, flags: number = 0): [data: Buffer, address: RecvAddress<F, T, P>] {
    const r = recvfromOrErrno(this, bufsize, flags)
    if (typeof r === 'number') throw osError(-r, 'recvfrom')
    return r as [Buffer, RecvAddress<F, T, P>]
  }

  /**
   * Receives at most `nbytes` bytes (0: the buffer's length) into `buffer`,
   * written in place; returns the count.
   * @throws ValueError when `buffer` is smaller than `nbytes`.
   */
  recv_into(buffer: BytesLike, nbytes: number = 0, flags: number = 0): number {
    const got = recvIntoOrErrno(this, buffer, nbytes, flags)
    if (got < 0) throw osError(-got, 'recv')
    return got
  }

  /** {@link socket.recv_into} that also returns the sender's address: `[nbytes, address]`. */
  recvfrom_into(
    buffer: BytesLike,
    nbytes: number = 0,
    flags: number = 0,
  ): [nbytes: number, address: RecvAddress<F, T, P>] {
    const r = recvfromIntoOrErrno(this, buffer, nbytes, flags)
    if (typeof r === 'number') throw osError(-r, 'recvfrom')
    return r as [number, RecvAddress<F, T, P>]
  }

  /**
   * Sends `data` on a connected socket; returns the count sent, which may be
   * less than all of it (see {@link socket.sendall}).
   * @throws TypeError for a string (encode it first), as in Python.
   */
  send(data: BytesLike, flags: number = 0): number {
    const sent = sendOrErrno(this, data, flags)
    if (sent < 0) throw osError(-sent, 'send')
    return sent
  }

  /**
   * Sends all of `data`, retrying until done; one timeout covers the whole
   * call. On an error, how much was sent is unknown.
   */
  sendall(data: BytesLike, flags: number = 0): void {
    const buf = bytesLike(data)
    const fl = cInt(flags)
    nativeCall('send', () => native.sendall(this._fd, buf, fl, this._t))
  }

  /**
   * Sends `data` to `address` (on an unconnected socket): `sendto(data,
   * address)` or `sendto(data, flags, address)`; returns the count sent.
   */
  sendto(data: BytesLike, address: SockAddressInput<F, P>): number
  sendto(data: BytesLike, flags: number, address: SockAddressInput<F, P>): number
  sendto(data: BytesLike, flagsOrAddress: unknown, address?: unknown): number {
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
    let sent: number
    try {
      sent = fast.fastSendto(this._fd, buf, fl, sa, this._t)
    } catch (e) {
      throw fromNative(e, 'sendto')
    }
    if (sent < 0) throw osError(-sent, 'sendto')
    return sent
  }

  // One cached address for sendto: repeated sends to the same numeric host
  // skip the tuple checks and the encoding.
  /** @internal */
  _lastAddr: unknown[] | null = null
  /** @internal */
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

  /**
   * Shuts down one or both directions of a connection: `how` is SHUT_RD,
   * SHUT_WR or SHUT_RDWR.
   */
  shutdown(how: number): void {
    const h = clinicInt(how)
    nativeCall('shutdown', () => native.shutdown(this._fd, h))
  }

  /**
   * Sends the data of `buffers` as one message, with ancillary data items
   * `[level, type, data]` (such as `[SOL_SOCKET, SCM_RIGHTS, fds]`), to
   * `address` if given; returns the count of data bytes sent.
   */
  sendmsg(
    buffers: Iterable<BytesLike>,
    ancdata?: Iterable<AncItemInput>,
    flags?: number,
    address?: SockAddressInput<F, P> | null,
  ): number {
    // eslint-disable-next-line prefer-rest-params
    return sendmsg.apply(this as AnySocket, arguments as unknown as Parameters<typeof sendmsg>)
  }

  /**
   * Receives up to `vlen` datagrams of at most `bufsize` bytes each in one
   * syscall (recvmmsg(2)): waits, as the socket's timeout says, for the
   * first, then takes what is queued. Each is `[data, ancdata, msg_flags,
   * address]`, as {@link socket.recvmsg} returns. Linux only: absent
   * elsewhere. Not in Python.
   */
  recvmmsg(vlen: number, bufsize: number, ancbufsize?: number, flags?: number): MmsgReceived[] {
    // eslint-disable-next-line prefer-rest-params
    return recvmmsg.apply(this as AnySocket, arguments as unknown as Parameters<typeof recvmmsg>)
  }

  /**
   * Sends `messages` (each `[buffers, ancdata?, flags?, address?]`, the
   * arguments of {@link socket.sendmsg}) in as few sendmmsg(2) calls as their
   * flags allow; returns how many were sent (an error is raised only when
   * none was). Linux only: absent elsewhere. Not in Python.
   */
  sendmmsg(messages: Iterable<MmsgOutgoing>, flags?: number): number {
    // eslint-disable-next-line prefer-rest-params
    return sendmmsg.apply(this as AnySocket, arguments as unknown as Parameters<typeof sendmmsg>)
  }

  /**
   * Receives one message: at most `bufsize` data bytes and at most
   * `ancbufsize` bytes of ancillary data (size it with {@link CMSG_SPACE}):
   * `[data, ancdata, msg_flags, address]`, ancdata a list of `[level, type,
   * data]` items.
   */
  recvmsg(
    bufsize: number,
    ancbufsize?: number,
    flags?: number,
  ): [data: Buffer, ancdata: AncItem[], msg_flags: number, address: RecvAddress<F, T, P>] {
    // eslint-disable-next-line prefer-rest-params
    return recvmsg.apply(this as AnySocket, arguments as unknown as Parameters<typeof recvmsg>) as [
      Buffer,
      AncItem[],
      number,
      RecvAddress<F, T, P>,
    ]
  }

  /**
   * {@link socket.recvmsg} into `buffers`, filled in order and in place:
   * `[nbytes, ancdata, msg_flags, address]`.
   */
  recvmsg_into(
    buffers: Iterable<BytesLike>,
    ancbufsize?: number,
    flags?: number,
  ): [nbytes: number, ancdata: AncItem[], msg_flags: number, address: RecvAddress<F, T, P>] {
    // eslint-disable-next-line prefer-rest-params
    return recvmsg_into.apply(
      this as AnySocket,
      arguments as unknown as Parameters<typeof recvmsg_into>,
    ) as [number, AncItem[], number, RecvAddress<F, T, P>]
  }

  /**
   * AF_ALG: sends `msg` (an iterable of buffers) with the operation
   * (ALG_OP_ENCRYPT/ALG_OP_DECRYPT), IV and AEAD data length as control
   * data; returns the count sent.
   */
  sendmsg_afalg(msg?: Iterable<BytesLike>, options?: AfalgOptions): number
  sendmsg_afalg(options: AfalgOptions): number
  sendmsg_afalg(...args: unknown[]): number {
    return sendmsgAfalg(this as AnySocket, ...args)
  }

  /**
   * Sends `count` bytes (null: to the end) of a file from `offset` with
   * sendfile(2), moving the file position past what was sent; returns the
   * count. Stream sockets only (ValueError otherwise).
   */
  sendfile(file: SendfileSource, offset?: number, count?: number | null): number {
    // eslint-disable-next-line prefer-rest-params
    return sendfile.apply(this as AnySocket, arguments as unknown as Parameters<typeof sendfile>)
  }

  /** socket.py's argument checks of sendfile(): the file's mode, the socket type, count. */
  _check_sendfile_params(file: unknown, offset: unknown, count: unknown): void {
    _check_sendfile_params.call(this as AnySocket, file, offset, count)
  }

  /** sendfile() through sendfile(2); gives up (socket.py's `_GiveupOnSendfile`) when `file` has no usable fd. */
  _sendfile_use_sendfile(file: SendfileSource, offset?: number, count?: number | null): number {
    return _sendfile_use_sendfile.call(this as AnySocket, file, offset, count)
  }

  /** sendfile() through `file.read()` and send(), for files without a usable fd. */
  _sendfile_use_send(file: unknown, offset?: number, count?: number | null): number {
    return _sendfile_use_send.call(this as AnySocket, file, offset, count)
  }

  /**
   * A file object over the socket, as Python's `open()` makes them by mode:
   * `'rb'`, `'wb'`, `'rwb'` a buffered binary file (reads give Buffers);
   * `'r'` (the default), `'w'`, `'rw'` a text file (reads give strings);
   * with `buffering` 0 and a binary mode, the raw {@link SocketIO}. The
   * socket must be in blocking or timeout mode. The fd stays open until the
   * socket and every such file are closed.
   */
  makefile(mode: 'rb' | 'wb' | 'rwb' | 'wrb', buffering: 0): SocketIO
  makefile(
    mode: 'rb' | 'wb' | 'rwb' | 'wrb' | 'b',
    buffering?: number | null,
    options?: MakefileOptions,
  ): BufferedSocketFile
  makefile(mode?: TextMode, buffering?: number | null, options?: MakefileOptions): TextSocketFile
  makefile(mode: 'rb' | 'wb' | 'rwb' | 'wrb', options: { buffering: 0 }): SocketIO
  makefile(
    mode: 'rb' | 'wb' | 'rwb' | 'wrb' | 'b',
    options?: MakefileOptions & { buffering?: number | null },
  ): BufferedSocketFile
  makefile(mode: TextMode, options: MakefileOptions & { buffering?: number | null }): TextSocketFile
  makefile(options: { mode: 'rb' | 'wb' | 'rwb' | 'wrb'; buffering: 0 }): SocketIO
  makefile(
    options: MakefileOptions & {
      mode: 'rb' | 'wb' | 'rwb' | 'wrb' | 'b'
      buffering?: number | null
    },
  ): BufferedSocketFile
  makefile(
    options: MakefileOptions & { mode?: TextMode; buffering?: number | null },
  ): TextSocketFile
  makefile(...args: unknown[]): SocketIO | BufferedSocketFile | TextSocketFile {
    return makefile.apply(this as AnySocket, args)
  }

  /** Closes the socket: `using s = socket.socket()` (Python's `with`). */
  [Symbol.dispose](): void {
    this.close()
  }

  /** Python's repr(): `<socket.socket fd=3, family=2, type=1, proto=0, laddr=...>`. */
  toString(): string {
    return reprOf(this._held)
  }

  /** What `util.inspect` and `console.log` show: the repr. */
  [inspect.custom](): string {
    return this.toString()
  }
}

/** The text modes of makefile(). */
type TextMode = 'r' | 'w' | 'rw' | 'wr'

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

// The bodies of the data-path methods, which return -errno where the
// methods raise. V8 counts a call toward optimizing a function when the
// function returns (or loops back), not when it throws: recv_into, raising
// on every call as it does when a poll loop finds its socket empty, was
// still interpreted after 300,000 calls (Node 20), at 0.7 µs a call. Kept
// out here, the work is optimized whatever the outcome, and the methods
// are three lines.

/** What the bodies below use of a socket: its fd and timeout. */
type SocketFd = Pick<socket, '_fd' | '_t'>

/** recv's validation, buffer and syscall: the data, or -errno. */
function recvOrErrno(sock: SocketFd, bufsize: number, flags: number): Buffer | number {
  const size = ssize(bufsize)
  const fl = cInt(flags)
  if (size < 0) throw new ValueError('negative buffersize in recv')
  // CPython makes no syscall for an empty read.
  if (size === 0) return Buffer.alloc(0)
  const buf = alloc(size)
  let n: number
  try {
    n = fast.fastRecvInto(sock._fd, buf, size, fl, sock._t)
  } catch (e) {
    throw fromNative(e, 'recv')
  }
  return n < 0 ? n : shrink(buf, n)
}

/** recv_into's validation and syscall: the count, or -errno. */
function recvIntoOrErrno(sock: SocketFd, buffer: BytesLike, nbytes: number, flags: number): number {
  const view = writable(buffer, 'recv_into')
  let n = ssize(nbytes)
  const fl = cInt(flags)
  if (n < 0) throw new ValueError('negative buffersize in recv_into')
  if (n === 0) n = view.byteLength
  if (view.byteLength < n) throw new ValueError('buffer too small for requested bytes')
  if (n === 0) return 0
  try {
    return fast.fastRecvInto(sock._fd, view, n, fl, sock._t)
  } catch (e) {
    throw fromNative(e, 'recv')
  }
}

/** recvfrom's validation, buffer and syscall: `[data, address]`, or -errno. */
function recvfromOrErrno(
  sock: SocketFd,
  bufsize: number,
  flags: number,
): [Buffer, unknown] | number {
  const size = ssize(bufsize)
  const fl = cInt(flags)
  if (size < 0) throw new ValueError('negative buffersize in recvfrom')
  const buf = alloc(size)
  let r: [number, unknown] | number
  try {
    r = recvfromInto(sock._fd, buf, size, fl, sock._t)
  } catch (e) {
    throw fromNative(e, 'recvfrom')
  }
  return typeof r === 'number' ? r : [shrink(buf, r[0]), r[1]]
}

/** recvfrom_into's validation and syscall: `[nbytes, address]`, or -errno. */
function recvfromIntoOrErrno(
  sock: SocketFd,
  buffer: BytesLike,
  nbytes: number,
  flags: number,
): [number, unknown] | number {
  const view = writable(buffer, 'recvfrom_into')
  let n = ssize(nbytes)
  const fl = cInt(flags)
  if (n < 0) throw new ValueError('negative buffersize in recvfrom_into')
  if (n === 0) n = view.byteLength
  if (n > view.byteLength) throw new ValueError('nbytes is greater than the length of the buffer')
  try {
    return recvfromInto(sock._fd, view, n, fl, sock._t)
  } catch (e) {
    throw fromNative(e, 'recvfrom')
  }
}

/** send's validation and syscall: the count sent, or -errno. */
function sendOrErrno(sock: SocketFd, data: BytesLike, flags: number): number {
  const buf = bytesLike(data)
  const fl = cInt(flags)
  try {
    return fast.fastSend(sock._fd, buf, fl, sock._t)
  } catch (e) {
    throw fromNative(e, 'send')
  }
}

/** A buffer for a read of `size` bytes; MemoryError where Python's would fail. */
function alloc(size: number): Buffer {
  if (size > bufferConstants.MAX_LENGTH) throw new MemoryError()
  return Buffer.allocUnsafe(size)
}

/** @internal `buf[:n]`, copied when most of a large buffer went unused. */
export function shrink(buf: Buffer, n: number): Buffer {
  if (n === buf.length) return buf
  if (buf.length > BUFSIZE_POOLED && n < buf.length >> 1) return Buffer.from(buf.subarray(0, n))
  return buf.subarray(0, n)
}

/**
 * The signatures of `socket.socket(family, type, proto, fileno)`, with
 * Python's keyword arguments as a trailing options object. Family, type and
 * protocol default to AF_INET, SOCK_STREAM and 0, or with `fileno` to those
 * of the fd (then the type only knows what is passed).
 */
interface SocketSignatures {
  <
    F extends number = C.AddressFamily.AF_INET,
    T extends number = C.SocketKind.SOCK_STREAM,
    P extends number = number,
  >(
    family?: F,
    type?: T,
    proto?: P,
    fileno?: null,
  ): socket<F, T, P>
  <F extends number = number, T extends number = number, P extends number = number>(
    family: F | undefined,
    type: T | undefined,
    proto: P | undefined,
    fileno: number,
  ): socket<F, T, P>
  <F extends number = number, T extends number = number, P extends number = number>(
    options: SocketOptions<F, T, P> & { fileno: number },
  ): socket<F, T, P>
  <
    F extends number = C.AddressFamily.AF_INET,
    T extends number = C.SocketKind.SOCK_STREAM,
    P extends number = number,
  >(
    options: SocketOptions<F, T, P> & { fileno?: null },
  ): socket<F, T, P>
  <F extends number, T extends number = C.SocketKind.SOCK_STREAM, P extends number = number>(
    family: F,
    options: Omit<SocketOptions<F, T, P>, 'family'>,
  ): socket<F, T, P>
  <F extends number, T extends number, P extends number = number>(
    family: F,
    type: T,
    options: Pick<SocketOptions<F, T, P>, 'proto' | 'fileno'>,
  ): socket<F, T, P>
  <F extends number, T extends number, P extends number>(
    family: F,
    type: T,
    proto: P,
    options: Pick<SocketOptions<F, T, P>, 'fileno'>,
  ): socket<F, T, P>
}

/** Makes the call signatures of `S` construct signatures too. */
type Newable<S> = S & {
  new <
    F extends number = C.AddressFamily.AF_INET,
    T extends number = C.SocketKind.SOCK_STREAM,
    P extends number = number,
  >(
    family?: F,
    type?: T,
    proto?: P,
    fileno?: null,
  ): socket<F, T, P>
  new <F extends number = number, T extends number = number, P extends number = number>(
    family: F | undefined,
    type: T | undefined,
    proto: P | undefined,
    fileno: number,
  ): socket<F, T, P>
  new <F extends number = number, T extends number = number, P extends number = number>(
    options: SocketOptions<F, T, P> & { fileno: number },
  ): socket<F, T, P>
  new <
    F extends number = C.AddressFamily.AF_INET,
    T extends number = C.SocketKind.SOCK_STREAM,
    P extends number = number,
  >(
    options: SocketOptions<F, T, P> & { fileno?: null },
  ): socket<F, T, P>
  new <F extends number, T extends number = C.SocketKind.SOCK_STREAM, P extends number = number>(
    family: F,
    options: Omit<SocketOptions<F, T, P>, 'family'>,
  ): socket<F, T, P>
  new <F extends number, T extends number, P extends number = number>(
    family: F,
    type: T,
    options: Pick<SocketOptions<F, T, P>, 'proto' | 'fileno'>,
  ): socket<F, T, P>
  new <F extends number, T extends number, P extends number>(
    family: F,
    type: T,
    proto: P,
    options: Pick<SocketOptions<F, T, P>, 'fileno'>,
  ): socket<F, T, P>
}

/**
 * `socket.socket`: the socket class, callable with or without `new`;
 * `s instanceof socket.socket` holds for every socket object.
 */
export interface SocketConstructor extends Newable<SocketSignatures> {
  /** The prototype of every socket object. */
  readonly prototype: socket
}

// Batching is Linux's: elsewhere the methods are absent, as Python leaves
// out what the platform lacks.
if (!mmsgAvailable) {
  delete (socket.prototype as Partial<socket>).recvmmsg
  delete (socket.prototype as Partial<socket>).sendmmsg
}

function socketFactory(this: unknown, ...args: unknown[]): socket {
  return Reflect.construct(socket, args, new.target ?? socket) as socket
}
socketFactory.prototype = socket.prototype
Object.defineProperty(socketFactory, 'name', { value: 'socket' })

/**
 * Python's `socket.SocketType`, and the value index.ts exports as
 * `socket.socket`: the class, callable without `new`.
 */
export const SocketType = socketFactory as unknown as SocketConstructor
