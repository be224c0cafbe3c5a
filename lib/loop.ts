// `socket.loop`: every blocking socket call as a Promise that never blocks
// the event loop, with the names of Python asyncio's event loop socket
// methods (`sock_recv`, `sock_sendall`, ...) so that its documentation
// applies.
//
// Each call first tries the non-blocking syscall on this thread; only when
// it would block does it wait for readiness, through one poll handle per fd
// on this environment's own libuv loop (`native.Poller`, crates/node
// poll.rs), or where the host has no libuv, a reactor thread
// (`native.ReactorPoller`, reactor.rs) behind the same interface. On
// Windows neither exists yet: the first call that has to wait rejects with
// an OSError saying so. Pending calls on one fd are served in order, one queue per
// direction. A socket timeout (`settimeout(t)`, t > 0) rejects a waiting
// call with TimeoutError after t seconds; an AbortSignal rejects it with the
// signal's reason. The socket's own mode (`gettimeout()`) never changes.
import { fstatSync, read as fsRead } from 'node:fs'
import { isIP } from 'node:net'
import { isAnyArrayBuffer } from 'node:util/types'
import { bytesLike, cInt, clinicInt, index, ssize, writable } from './args'
import { encodeAddress } from './address'
import { BlockingIOError, OSError, ValueError, osError } from './errors'
import { SocketImpl, type socket, shrink } from './socket'
import * as C from './constants'
import { getaddrinfoAsync, getnameinfoAsync } from './netdb_async'
import native = require('./native')
import {
  SCRATCH_SIZE,
  scratch,
  type LoopOptions,
  AGAIN,
  READ,
  WRITE,
  Op,
  readState,
  empty,
  EINTR,
  EINPROGRESS,
  EALREADY,
  ENOSYS,
  EINVAL,
} from './loop/waiter'
import {
  checkSocket,
  checkOptions,
  run,
  runFn,
  leave,
  wouldBlock,
  bigBuffer,
  stillCovers,
} from './loop/run'
import { add_reader, remove_reader, add_writer, remove_writer } from './loop/raw'

// ---------------------------------------------------------------------------
// The Promise API.

/** Receives up to `nbytes` bytes (`sock.recv`). */
export function sock_recv(sock: socket, nbytes: number, opts?: LoopOptions): Promise<Buffer> {
  try {
    const s = checkSocket(sock, 'sock_recv')
    const size = ssize(nbytes)
    if (size < 0) throw new ValueError('negative buffersize in recv')
    const signal = checkOptions(opts)
    return run(new RecvOp(s, size), READ, signal)
  } catch (e) {
    return Promise.reject(e)
  }
}

class RecvOp extends Op<Buffer> {
  /** A buffer of its own for reads larger than the scratch buffer. */
  own: Buffer | null = null
  constructor(
    sock: SocketImpl,
    readonly size: number,
  ) {
    super(sock)
  }

  step(): Buffer | typeof AGAIN {
    // Small reads land in the shared scratch buffer and are copied out at
    // their exact size, so a waiting call holds no buffer.
    const size = this.size
    const buf = size <= SCRATCH_SIZE ? scratch : (this.own ??= bigBuffer(size))
    const want = Math.min(size, buf.length)
    for (;;) {
      const n = native.tryRecvInto(this.sock._fd, buf, want, 0)
      if (n >= 0) {
        readState.drained = n < want && this.sock.type === C.SOCK_STREAM
        if (buf !== scratch) return shrink(buf, n)
        const out = Buffer.allocUnsafe(n)
        scratch.copy(out, 0, 0, n)
        return out
      }
      if (wouldBlock(-n)) return empty()
      if (-n !== EINTR) throw osError(-n, 'recv')
    }
  }
}

/** Receives into `buf`; resolves to the count (`sock.recv_into`). */
export function sock_recv_into(
  sock: socket,
  buf: ArrayBufferView | ArrayBuffer,
  opts?: LoopOptions,
): Promise<number> {
  try {
    const s = checkSocket(sock, 'sock_recv_into')
    const view = writable(buf, 'recv_into')
    const signal = checkOptions(opts)
    return run(new RecvIntoOp(s, view), READ, signal)
  } catch (e) {
    return Promise.reject(e)
  }
}

class RecvIntoOp extends Op<number> {
  /** The size of the buffer when the call was made. */
  readonly size: number
  constructor(
    sock: SocketImpl,
    readonly view: Uint8Array,
  ) {
    super(sock)
    this.size = view.byteLength
  }

  step(): number | typeof AGAIN {
    const size = this.size
    stillCovers(this.view, size, 'sock_recv_into')
    for (;;) {
      const n = native.tryRecvInto(this.sock._fd, this.view, size, 0)
      if (n >= 0) {
        readState.drained = n < size && this.sock.type === C.SOCK_STREAM
        return n
      }
      if (wouldBlock(-n)) return empty()
      if (-n !== EINTR) throw osError(-n, 'recv')
    }
  }
}

/** `[data, address]` (`sock.recvfrom`). */
export function sock_recvfrom(
  sock: socket,
  bufsize: number,
  opts?: LoopOptions,
): Promise<[Buffer, unknown]> {
  try {
    const s = checkSocket(sock, 'sock_recvfrom')
    const size = ssize(bufsize)
    if (size < 0) throw new ValueError('negative buffersize in recvfrom')
    const signal = checkOptions(opts)
    let buf: Buffer | null = null
    return runFn(s, READ, signal, (): [Buffer, unknown] | typeof AGAIN => {
      buf ??= bigBuffer(size)
      for (;;) {
        const r = native.tryRecvfromInto(s._fd, buf, buf.length, 0)
        if (typeof r !== 'number') return [shrink(buf, r[0]), r[1]]
        if (wouldBlock(-r)) return empty()
        if (-r !== EINTR) throw osError(-r, 'recvfrom')
      }
    })
  } catch (e) {
    return Promise.reject(e)
  }
}

/** `[count, address]` into `buf` (`sock.recvfrom_into`); `nbytes` 0 means all of it. */
export function sock_recvfrom_into(
  sock: socket,
  buf: ArrayBufferView | ArrayBuffer,
  nbytes: number | LoopOptions = 0,
  opts?: LoopOptions,
): Promise<[number, unknown]> {
  try {
    const s = checkSocket(sock, 'sock_recvfrom_into')
    if (typeof nbytes === 'object' && nbytes !== null && opts === undefined) {
      opts = nbytes
      nbytes = 0
    }
    const view = writable(buf, 'recvfrom_into')
    let n = ssize(nbytes)
    if (n < 0) throw new ValueError('negative buffersize in recvfrom_into')
    if (n === 0) n = view.byteLength
    if (n > view.byteLength) throw new ValueError('nbytes is greater than the length of the buffer')
    const signal = checkOptions(opts)
    const size = n
    return runFn(s, READ, signal, (): [number, unknown] | typeof AGAIN => {
      stillCovers(view, size, 'sock_recvfrom_into')
      for (;;) {
        const r = native.tryRecvfromInto(s._fd, view, size, 0)
        if (typeof r !== 'number') return r
        if (wouldBlock(-r)) return empty()
        if (-r !== EINTR) throw osError(-r, 'recvfrom')
      }
    })
  } catch (e) {
    return Promise.reject(e)
  }
}

/** Sends all of `data` (`sock.sendall`); resolves to undefined. */
export function sock_sendall(
  sock: socket,
  data: ArrayBufferView | ArrayBuffer,
  opts?: LoopOptions,
): Promise<void> {
  try {
    const s = checkSocket(sock, 'sock_sendall')
    const buf = bytesLike(data)
    const signal = checkOptions(opts)
    return run(new SendallOp(s, buf), WRITE, signal)
  } catch (e) {
    return Promise.reject(e)
  }
}

class SendallOp extends Op<void> {
  sent = 0
  /** The size of the data when the call was made: all of it is sent, or the call fails. */
  readonly total: number
  constructor(
    sock: SocketImpl,
    readonly buf: Uint8Array,
  ) {
    super(sock)
    this.total = buf.byteLength
  }

  step(): void | typeof AGAIN {
    const buf = this.buf
    stillCovers(buf, this.total, 'sock_sendall')
    while (this.sent < this.total) {
      const n = native.trySend(this.sock._fd, buf, this.sent, 0)
      if (n >= 0) this.sent += n
      else if (wouldBlock(-n)) return AGAIN
      else if (-n !== EINTR) throw osError(-n, 'send')
    }
    return undefined
  }
}

/** Sends one datagram to `address`; resolves to the count (`sock.sendto`). */
export function sock_sendto(
  sock: socket,
  data: ArrayBufferView | ArrayBuffer,
  address: unknown,
  opts?: LoopOptions,
): Promise<number> {
  try {
    const s = checkSocket(sock, 'sock_sendto')
    const buf = bytesLike(data)
    const sa = s._sockaddrFor(address)
    const signal = checkOptions(opts)
    const size = buf.byteLength
    return runFn(s, WRITE, signal, () => {
      stillCovers(buf, size, 'sock_sendto')
      for (;;) {
        const n = native.trySendto(s._fd, buf, 0, sa)
        if (n >= 0) return n
        if (wouldBlock(-n)) return AGAIN
        if (-n !== EINTR) throw osError(-n, 'sendto')
      }
    })
  } catch (e) {
    return Promise.reject(e)
  }
}

/**
 * Connects to `address` (`sock.connect`). A host name is first resolved off
 * the JS thread, as asyncio's sock_connect does, taking the first address
 * getaddrinfo returns for the socket's family, type and protocol.
 */
export function sock_connect(sock: socket, address: unknown, opts?: LoopOptions): Promise<void> {
  if (
    sock instanceof SocketImpl &&
    (sock.family === C.AF_INET || sock.family === C.AF_INET6) &&
    Array.isArray(address) &&
    typeof address[0] === 'string' &&
    address[0] !== '' &&
    address[0] !== '<broadcast>' &&
    isIP(address[0]) === 0
  ) {
    const [host, port] = address as [string, number]
    return getaddrinfoAsync(host, port, sock.family, sock.type, sock.proto).then((found) =>
      connectTo(sock, found.length > 0 ? found[0][4] : address, opts),
    )
  }
  return connectTo(sock, address, opts)
}

function connectTo(sock: socket, address: unknown, opts?: LoopOptions): Promise<void> {
  try {
    const s = checkSocket(sock, 'sock_connect')
    const sa = encodeAddress(s.family, address, 'connect')
    const signal = checkOptions(opts)
    let started = false
    return runFn(s, WRITE, signal, (): void | typeof AGAIN => {
      if (!started) {
        started = true
        const r = native.tryConnect(s._fd, sa)
        if (r === 0) return undefined
        // In progress: the outcome comes with writability.
        if (-r === EINPROGRESS || -r === EINTR || wouldBlock(-r)) return AGAIN
        throw osError(-r, 'connect')
      }
      const r = native.connectResult(s._fd)
      if (r === 0) return undefined
      if (-r === EINPROGRESS || -r === EALREADY) return AGAIN
      throw osError(-r, 'connect')
    })
  } catch (e) {
    return Promise.reject(e)
  }
}

/** Accepts a connection: `[conn, address]` (`sock.accept`). */
export function sock_accept(sock: socket, opts?: LoopOptions): Promise<[socket, unknown]> {
  try {
    const s = checkSocket(sock, 'sock_accept')
    const signal = checkOptions(opts)
    return run(new AcceptOp(s), READ, signal)
  } catch (e) {
    return Promise.reject(e)
  }
}

class AcceptOp extends Op<[socket, unknown]> {
  step(): [socket, unknown] | typeof AGAIN {
    for (;;) {
      const r = native.tryAccept(this.sock._fd)
      if (typeof r !== 'number') return [adopt(this.sock, r[0]), r[1]]
      if (wouldBlock(-r)) return empty()
      if (-r !== EINTR) throw osError(-r, 'accept')
    }
  }
}

/** A socket object for an accepted fd, as `sock.accept()` makes it. */
function adopt(listener: SocketImpl, fd: number): socket {
  try {
    return new SocketImpl(listener.family, listener.type, listener.proto, fd) as socket
  } catch (e) {
    native.close(fd)
    throw e
  }
}

/** Something with an fd: a number, `fileno()`, or a FileHandle's `fd`. */
function fileFd(file: unknown): number {
  if (typeof file === 'number' || typeof file === 'bigint' || typeof file === 'boolean') {
    // A C int, as os.fstat takes it.
    const fd = clinicInt(file)
    if (fd < 0) throw new ValueError(`file descriptor cannot be a negative integer (${fd})`)
    return fd
  }
  if (file !== null && typeof file === 'object') {
    const f = file as { fileno?: unknown; fd?: unknown }
    if (typeof f.fileno === 'function') return fileFd((f.fileno as () => unknown).call(file))
    if (typeof f.fd === 'number') return fileFd(f.fd)
  }
  throw new TypeError(`argument must be an int, or have a fileno() method.`)
}

/**
 * Sends `count` bytes (null: to the end) of `file` from `offset`, with
 * sendfile(2) where the system has it and read + send otherwise; resolves
 * to the count sent (asyncio's `sock_sendfile`).
 */
export function sock_sendfile(
  sock: socket,
  file: unknown,
  offset: number | null = 0,
  count: number | null = null,
  opts?: LoopOptions,
): Promise<number> {
  try {
    const s = checkSocket(sock, 'sock_sendfile')
    if (s.type !== C.SOCK_STREAM)
      throw new ValueError('only SOCK_STREAM type sockets are supported')
    const off = offset === null || offset === undefined ? 0 : index(offset)
    if (off < 0) throw new ValueError(`offset must be a non-negative integer (got ${off})`)
    let want: number | null = null
    if (count !== null && count !== undefined) {
      want = index(count)
      if (want <= 0) throw new ValueError(`count must be a positive integer (got ${want})`)
    }
    const infd = fileFd(file)
    const signal = checkOptions(opts)
    const size = fileSize(infd)
    const total = want ?? Math.max(0, size - off)
    return sendfileNative(s, infd, off, total, signal).then(
      (sent) => {
        seekFile(file, off + sent)
        return sent
      },
      (e: unknown) => {
        if (e instanceof Fallback) return sendfileCopy(s, file, infd, off, want, e.sent, signal)
        throw e
      },
    )
  } catch (e) {
    return Promise.reject(e)
  }
}

/** The size of the file behind `fd`, errors as OSError. */
function fileSize(fd: number): number {
  try {
    return fstatSync(fd).size
  } catch (e) {
    const errno = (e as { errno?: unknown }).errno
    if (typeof errno === 'number') throw osError(Math.abs(errno), 'fstat')
    throw e
  }
}

/** sendfile(2) cannot serve this file: continue with read + send. */
class Fallback {
  constructor(readonly sent: number) {}
}

function sendfileNative(
  s: SocketImpl,
  infd: number,
  off: number,
  total: number,
  signal: AbortSignal | undefined,
): Promise<number> {
  let sent = 0
  return runFn(s, WRITE, signal, (): number | typeof AGAIN => {
    while (sent < total) {
      const chunk = Math.min(total - sent, 2 ** 30)
      const n = native.trySendfile(s._fd, infd, off + sent, chunk)
      if (n === 0) break
      if (n > 0) sent += n
      else if (wouldBlock(-n)) return AGAIN
      else if (sent === 0 && (-n === ENOSYS || -n === EINVAL)) throw new Fallback(0)
      else if (-n !== EINTR) throw osError(-n, 'sendfile')
    }
    return sent
  })
}

async function sendfileCopy(
  s: SocketImpl,
  file: unknown,
  infd: number,
  off: number,
  want: number | null,
  sent: number,
  signal: AbortSignal | undefined,
): Promise<number> {
  const chunk = Buffer.allocUnsafe(Math.min(want ?? 2 ** 18, 2 ** 18))
  for (;;) {
    const room = want === null ? chunk.length : Math.min(chunk.length, want - sent)
    if (room <= 0) break
    const n = await new Promise<number>((resolve, reject) =>
      fsRead(infd, chunk, 0, room, off + sent, (err, got) => (err ? reject(err) : resolve(got))),
    )
    if (n === 0) break
    await sock_sendall(s as socket, chunk.subarray(0, n), { signal })
    sent += n
  }
  seekFile(file, off + sent)
  return sent
}

/** As asyncio, leave a file object's position after what was sent. */
function seekFile(file: unknown, pos: number): void {
  const f = file as { seek?: unknown } | null
  if (f !== null && typeof f === 'object' && typeof f.seek === 'function') {
    ;(f.seek as (p: number) => unknown).call(file, pos)
  }
}

/**
 * One non-blocking attempt of a synchronous socket method: the socket acts
 * as non-blocking for that one call (its fd is not touched) and MSG_DONTWAIT
 * is added to `flags`.
 */
function attemptSync<T>(s: SocketImpl, f: () => T): T | typeof AGAIN {
  const saved = s._t
  s._t = 0
  try {
    return f()
  } catch (e) {
    if (e instanceof BlockingIOError && e.errno !== null && wouldBlock(e.errno)) return empty()
    throw e
  } finally {
    s._t = saved
  }
}

type MsgSocket = SocketImpl & {
  recvmsg?: (bufsize: number, ancbufsize: number, flags: number) => unknown
  sendmsg?: (buffers: unknown, ancdata: unknown, flags: number, address?: unknown) => number
}

function method<K extends 'recvmsg' | 'sendmsg'>(s: MsgSocket, name: K): NonNullable<MsgSocket[K]> {
  const f = s[name]
  if (typeof f !== 'function') {
    throw new OSError(`sock_${name}: socket.${name}() is not available in this build`)
  }
  return f as NonNullable<MsgSocket[K]>
}

/** `[data, ancdata, msg_flags, address]` (`sock.recvmsg`). */
export function sock_recvmsg(
  sock: socket,
  bufsize: number,
  ancbufsize: number | LoopOptions = 0,
  flags: number | LoopOptions = 0,
  opts?: LoopOptions,
): Promise<[Buffer, Array<[number, number, Buffer]>, number, unknown]> {
  try {
    const s = checkSocket(sock, 'sock_recvmsg') as MsgSocket
    if (isLoopOptions(ancbufsize)) {
      opts = ancbufsize as LoopOptions
      ancbufsize = 0
      flags = 0
    } else if (isLoopOptions(flags)) {
      opts = flags as LoopOptions
      flags = 0
    }
    const recvmsg = method(s, 'recvmsg')
    const size = ssize(bufsize)
    const anc = ssize(ancbufsize)
    const fl = cInt(flags) | C.MSG_DONTWAIT
    const signal = checkOptions(opts)
    return runFn(s, READ, signal, () =>
      attemptSync(s, () => recvmsg.call(s, size, anc, fl)),
    ) as Promise<[Buffer, Array<[number, number, Buffer]>, number, unknown]>
  } catch (e) {
    return Promise.reject(e)
  }
}

/** Sends a message with ancillary data; resolves to the count (`sock.sendmsg`). */
export function sock_sendmsg(
  sock: socket,
  buffers: Iterable<ArrayBufferView | ArrayBuffer>,
  ancdata: Iterable<[number, number, ArrayBufferView | ArrayBuffer]> | LoopOptions = [],
  flags: number | LoopOptions = 0,
  address?: unknown,
  opts?: LoopOptions,
): Promise<number> {
  try {
    const s = checkSocket(sock, 'sock_sendmsg') as MsgSocket
    if (!isIterable(ancdata)) {
      opts = ancdata as LoopOptions
      ancdata = []
      flags = 0
    } else if (typeof flags === 'object' && flags !== null) {
      opts = flags
      flags = 0
    } else if (isLoopOptions(address) && opts === undefined) {
      opts = address as LoopOptions
      address = undefined
    }
    const sendmsg = method(s, 'sendmsg')
    const fl = cInt(flags) | C.MSG_DONTWAIT
    const signal = checkOptions(opts)
    // Every attempt must see the same arguments: an iterable that can be
    // read once (a generator) is read here, once.
    const bufs = once(buffers)
    const anc = once(ancdata)
    const sizes = Array.isArray(bufs) ? bufs.map(byteLengthOf) : null
    return runFn(s, WRITE, signal, () => {
      if (sizes !== null) {
        const views = bufs as unknown[]
        for (let i = 0; i < sizes.length; i++) {
          if (sizes[i] >= 0) stillCovers(views[i] as ArrayBuffer, sizes[i], 'sock_sendmsg')
        }
      }
      return attemptSync(s, () =>
        address === undefined
          ? sendmsg.call(s, bufs, anc, fl)
          : sendmsg.call(s, bufs, anc, fl, address),
      )
    })
  } catch (e) {
    return Promise.reject(e)
  }
}

/**
 * `v` as an array if it is an iterable object other than an array or a
 * buffer (whose contents sendmsg reads itself); anything else unchanged,
 * for sendmsg to judge.
 */
function once(v: unknown): unknown {
  if (!isIterable(v) || Array.isArray(v) || ArrayBuffer.isView(v)) return v
  return Array.from(v as Iterable<unknown>)
}

/** The byte length of a buffer argument, -1 for anything else. */
function byteLengthOf(v: unknown): number {
  return ArrayBuffer.isView(v) || isAnyArrayBuffer(v) ? v.byteLength : -1
}

function isIterable(v: unknown): boolean {
  return v !== null && typeof v === 'object' && Symbol.iterator in v
}

function isLoopOptions(v: unknown): boolean {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false
  const proto = Object.getPrototypeOf(v)
  return proto === Object.prototype || proto === null
}

/** `socket.loop`: the Promise API. */
export const loop = {
  sock_recv,
  sock_recv_into,
  sock_recvfrom,
  sock_recvfrom_into,
  sock_sendall,
  sock_sendto,
  sock_connect,
  sock_accept,
  sock_sendfile,
  sock_recvmsg,
  sock_sendmsg,
  add_reader,
  remove_reader,
  add_writer,
  remove_writer,
  getaddrinfo: getaddrinfoAsync,
  getnameinfo: getnameinfoAsync,
}

export type { LoopOptions }
export { readinessKind } from './loop/waiter'
export { add_reader, remove_reader, add_writer, remove_writer }
