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
import { BlockingIOError, OSError, ValueError, WOULD_BLOCK, osError, quiet } from './errors'
import { UnsupportedOperation } from './io'
import { socket, shrink } from './socket'
import type { RecvAddress, SockAddress, SockAddressInput } from './addresses'
import type { AncItem, AncItemInput } from './msg'
import type { SendfileSource } from './sendfile'
import type { LoopOptions } from './loop/options'
import * as C from './constants'
import { getaddrinfoAsync, getnameinfoAsync } from './netdb_async'
import native = require('./native')
import {
  SCRATCH_SIZE,
  scratch,
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
import { AcceptOp, RecvIntoOp, SendallOp } from './loop/ops'
import { sock_stream } from './stream'
import { sock_messages } from './messages'
import { sock_serve } from './serve'
import { loopMmsg } from './loop/mmsg'
import { tryRecvInto, tryRecvfromInto, trySendto } from './loop/attempts'

// ---------------------------------------------------------------------------
// The Promise API.

/**
 * Receives at most `nbytes` bytes: `sock.recv(nbytes)` as a Promise
 * (asyncio's `loop.sock_recv`). An empty Buffer: the peer closed the stream.
 */
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
    sock: socket,
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
      const n = tryRecvInto(this.sock._fd, buf, want, 0)
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

/**
 * Receives into `buf`, written in place; resolves to the count
 * (`sock.recv_into`, asyncio's `loop.sock_recv_into`).
 */
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

/**
 * Receives at most `bufsize` bytes and the sender's address: `[data,
 * address]` (`sock.recvfrom`, asyncio's `loop.sock_recvfrom`).
 */
export function sock_recvfrom<F extends number, T extends number, P extends number>(
  sock: socket<F, T, P>,
  bufsize: number,
  opts?: LoopOptions,
): Promise<[data: Buffer, address: RecvAddress<F, T, P>]>
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
        const r = tryRecvfromInto(s._fd, buf, buf.length, 0)
        if (typeof r !== 'number') return [shrink(buf, r[0]), r[1]]
        if (wouldBlock(-r)) return empty()
        if (-r !== EINTR) throw osError(-r, 'recvfrom')
      }
    })
  } catch (e) {
    return Promise.reject(e)
  }
}

/**
 * Receives at most `nbytes` bytes (0, the default: the buffer's length)
 * into `buf`: `[nbytes, address]` (`sock.recvfrom_into`, asyncio's
 * `loop.sock_recvfrom_into`).
 */
export function sock_recvfrom_into<F extends number, T extends number, P extends number>(
  sock: socket<F, T, P>,
  buf: ArrayBufferView | ArrayBuffer,
  nbytes?: number,
  opts?: LoopOptions,
): Promise<[nbytes: number, address: RecvAddress<F, T, P>]>
export function sock_recvfrom_into<F extends number, T extends number, P extends number>(
  sock: socket<F, T, P>,
  buf: ArrayBufferView | ArrayBuffer,
  opts: LoopOptions,
): Promise<[nbytes: number, address: RecvAddress<F, T, P>]>
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
        const r = tryRecvfromInto(s._fd, view, size, 0)
        if (typeof r !== 'number') return r
        if (wouldBlock(-r)) return empty()
        if (-r !== EINTR) throw osError(-r, 'recvfrom')
      }
    })
  } catch (e) {
    return Promise.reject(e)
  }
}

/**
 * Sends all of `data`, waiting as often as needed (`sock.sendall`, asyncio's
 * `loop.sock_sendall`). On an error, how much was sent is unknown.
 */
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

/**
 * Sends `data` to `address`; resolves to the count sent (`sock.sendto`,
 * asyncio's `loop.sock_sendto`).
 */
export function sock_sendto<F extends number, T extends number, P extends number>(
  sock: socket<F, T, P>,
  data: ArrayBufferView | ArrayBuffer,
  address: SockAddressInput<F, P>,
  opts?: LoopOptions,
): Promise<number>
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
        const n = trySendto(s._fd, buf, 0, sa)
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
 * Connects to `address` (`sock.connect`, asyncio's `loop.sock_connect`). A
 * host name is first resolved off the JS thread, as asyncio does, taking the
 * first address getaddrinfo returns for the socket's family, type and
 * protocol.
 */
export function sock_connect<F extends number, T extends number, P extends number>(
  sock: socket<F, T, P>,
  address: SockAddressInput<F, P>,
  opts?: LoopOptions,
): Promise<void>
export function sock_connect(sock: socket, address: unknown, opts?: LoopOptions): Promise<void> {
  if (
    sock instanceof socket &&
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

/**
 * Accepts a connection: `[conn, address]`, `conn` a socket of the
 * listener's family, type and protocol (`sock.accept`, asyncio's
 * `loop.sock_accept`).
 */
export function sock_accept<F extends number, T extends number, P extends number>(
  sock: socket<F, T, P>,
  opts?: LoopOptions,
): Promise<[conn: socket<F, T, P>, address: SockAddress<F, P>]>
export function sock_accept(sock: socket, opts?: LoopOptions): Promise<[socket, unknown]> {
  try {
    const s = checkSocket(sock, 'sock_accept')
    const signal = checkOptions(opts)
    return run(new AcceptOp(s), READ, signal)
  } catch (e) {
    return Promise.reject(e)
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
 * to the count sent (asyncio's `loop.sock_sendfile`). Stream sockets only.
 */
export function sock_sendfile(
  sock: socket,
  file: SendfileSource,
  offset?: number | null,
  count?: number | null,
  opts?: LoopOptions,
): Promise<number>
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
    const signal = checkOptions(opts)
    // As asyncio: a file whose fileno() raises io.UnsupportedOperation (an
    // in-memory file) or whose fd fstat() refuses is read and sent instead.
    let infd: number
    let size: number
    try {
      infd = fileFd(file)
      size = fileSize(infd)
    } catch (e) {
      const f = file as { fileno?: unknown; fd?: unknown }
      const noFd = readerOf(file) && typeof f.fileno !== 'function' && typeof f.fd !== 'number'
      if (noFd || (readerOf(file) && (e instanceof UnsupportedOperation || e instanceof OSError))) {
        return sendfileRead(s, file as Reader, off, want, signal)
      }
      throw e
    }
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
  s: socket,
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
  s: socket,
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

/** A file object read by the fallback: readinto() or read(), maybe async. */
interface Reader {
  readinto?(b: Uint8Array): number | null | Promise<number | null>
  read?(n: number): unknown
  seek?(pos: number): unknown
}

function readerOf(file: unknown): boolean {
  if (file === null || typeof file !== 'object') return false
  const f = file as Reader
  return typeof f.readinto === 'function' || typeof f.read === 'function'
}

/** asyncio's `_sock_sendfile_fallback`: readinto() chunks of 256 KiB, each sent whole. */
async function sendfileRead(
  s: socket,
  file: Reader,
  off: number,
  want: number | null,
  signal: AbortSignal | undefined,
): Promise<number> {
  if (off) file.seek?.(off)
  let blocksize = want ? Math.min(want, FALLBACK_READ) : FALLBACK_READ
  const buf = Buffer.allocUnsafe(blocksize)
  let sent = 0
  try {
    for (;;) {
      if (want) {
        blocksize = Math.min(want - sent, blocksize)
        if (blocksize <= 0) break
      }
      const view = buf.subarray(0, blocksize)
      let chunk: Uint8Array
      if (typeof file.readinto === 'function') {
        const n = (await file.readinto(view)) ?? 0
        chunk = view.subarray(0, n)
      } else {
        chunk = bytesLike(await file.read!(blocksize))
      }
      if (chunk.byteLength === 0) break
      await sock_sendall(s as socket, chunk, { signal })
      sent += chunk.byteLength
    }
    return sent
  } finally {
    if (sent > 0) seekFile(file, off + sent)
  }
}

/** asyncio's SENDFILE_FALLBACK_READBUFFER_SIZE. */
const FALLBACK_READ = 256 * 1024

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
function attemptSync<T>(s: socket, f: () => T): T | typeof AGAIN {
  const saved = s._t
  s._t = 0
  // "Would block" then arrives as WOULD_BLOCK, with no exception built.
  quiet.wouldBlock = true
  try {
    return f()
  } catch (e) {
    if (e === WOULD_BLOCK) return empty()
    if (e instanceof BlockingIOError && e.errno !== null && wouldBlock(e.errno)) return empty()
    throw e
  } finally {
    quiet.wouldBlock = false
    s._t = saved
  }
}

type MsgSocket = socket & {
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

/**
 * Receives one message with ancillary data: `[data, ancdata, msg_flags,
 * address]` (`sock.recvmsg` as a Promise).
 */
export function sock_recvmsg<F extends number, T extends number, P extends number>(
  sock: socket<F, T, P>,
  bufsize: number,
  ancbufsize?: number,
  flags?: number,
  opts?: LoopOptions,
): Promise<[data: Buffer, ancdata: AncItem[], msg_flags: number, address: RecvAddress<F, T, P>]>
export function sock_recvmsg<F extends number, T extends number, P extends number>(
  sock: socket<F, T, P>,
  bufsize: number,
  ancbufsize: number,
  opts: LoopOptions,
): Promise<[data: Buffer, ancdata: AncItem[], msg_flags: number, address: RecvAddress<F, T, P>]>
export function sock_recvmsg<F extends number, T extends number, P extends number>(
  sock: socket<F, T, P>,
  bufsize: number,
  opts: LoopOptions,
): Promise<[data: Buffer, ancdata: AncItem[], msg_flags: number, address: RecvAddress<F, T, P>]>
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

/**
 * Sends the data of `buffers` as one message with ancillary data items
 * `[level, type, data]`; resolves to the count of data bytes sent
 * (`sock.sendmsg` as a Promise).
 */
export function sock_sendmsg<F extends number, T extends number, P extends number>(
  sock: socket<F, T, P>,
  buffers: Iterable<ArrayBufferView | ArrayBuffer>,
  ancdata?: Iterable<AncItemInput>,
  flags?: number,
  address?: SockAddressInput<F, P> | null,
  opts?: LoopOptions,
): Promise<number>
export function sock_sendmsg<F extends number, T extends number, P extends number>(
  sock: socket<F, T, P>,
  buffers: Iterable<ArrayBufferView | ArrayBuffer>,
  ancdata: Iterable<AncItemInput>,
  flags: number,
  opts: LoopOptions,
): Promise<number>
export function sock_sendmsg<F extends number, T extends number, P extends number>(
  sock: socket<F, T, P>,
  buffers: Iterable<ArrayBufferView | ArrayBuffer>,
  ancdata: Iterable<AncItemInput>,
  opts: LoopOptions,
): Promise<number>
export function sock_sendmsg<F extends number, T extends number, P extends number>(
  sock: socket<F, T, P>,
  buffers: Iterable<ArrayBufferView | ArrayBuffer>,
  opts: LoopOptions,
): Promise<number>
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

/**
 * `socket.loop`: every blocking socket call as a Promise that never blocks
 * the event loop, with the names and arguments of Python asyncio's event
 * loop socket methods (`loop.sock_recv(sock, n)`), each taking a trailing
 * {@link LoopOptions} (`{ signal }`). A socket timeout (`settimeout(t)`)
 * rejects a waiting call with TimeoutError; the socket's own mode is never
 * changed.
 * @namespace
 */
export const loop = {
  /** `sock.recv(nbytes)` as a Promise (asyncio's `loop.sock_recv`): at most `nbytes` bytes. */
  sock_recv,
  /** `sock.recv_into(buf)` as a Promise (asyncio's `loop.sock_recv_into`): the count written into `buf`. */
  sock_recv_into,
  /** `sock.recvfrom(bufsize)` as a Promise (asyncio's `loop.sock_recvfrom`): `[data, address]`. */
  sock_recvfrom,
  /** `sock.recvfrom_into(buf, nbytes)` as a Promise (asyncio's `loop.sock_recvfrom_into`): `[nbytes, address]`. */
  sock_recvfrom_into,
  /** `sock.sendall(data)` as a Promise (asyncio's `loop.sock_sendall`). */
  sock_sendall,
  /** `sock.sendto(data, address)` as a Promise (asyncio's `loop.sock_sendto`): the count sent. */
  sock_sendto,
  /** `sock.connect(address)` as a Promise (asyncio's `loop.sock_connect`); host names are resolved off the JS thread. */
  sock_connect,
  /** `sock.accept()` as a Promise (asyncio's `loop.sock_accept`): `[conn, address]`. */
  sock_accept,
  /** `sock.sendfile(file, offset, count)` as a Promise (asyncio's `loop.sock_sendfile`): the count sent. */
  sock_sendfile,
  /** `sock.recvmsg(bufsize, ancbufsize, flags)` as a Promise: `[data, ancdata, msg_flags, address]`. */
  sock_recvmsg,
  /** `sock.sendmsg(buffers, ancdata, flags, address)` as a Promise: the count sent. */
  sock_sendmsg,
  /** A `stream.Duplex` over a connected stream socket of any family (see {@link SocketStream}). */
  sock_stream,
  /** An object-mode Duplex of `[data, address]` messages over a datagram or SEQPACKET socket (see {@link MessageStream}). */
  sock_messages,
  /** Serves a listening socket's connections as Duplexes, to a handler or a Node server (see {@link StreamServer}). */
  sock_serve,
  // sock_recvmmsg, sock_sendmmsg where the platform batches (Linux).
  ...loopMmsg,
  /** Calls `callback(...args)` whenever `fd` is readable (asyncio's `loop.add_reader`); any fd, not only sockets. */
  add_reader,
  /** Stops watching `fd` for reading; true if it was watched (asyncio's `loop.remove_reader`). */
  remove_reader,
  /** Calls `callback(...args)` whenever `fd` is writable (asyncio's `loop.add_writer`). */
  add_writer,
  /** Stops watching `fd` for writing; true if it was watched (asyncio's `loop.remove_writer`). */
  remove_writer,
  /** {@link getaddrinfo} as a Promise, resolved on the libuv threadpool (asyncio's `loop.getaddrinfo`). */
  getaddrinfo: getaddrinfoAsync,
  /** {@link getnameinfo} as a Promise, resolved on the libuv threadpool (asyncio's `loop.getnameinfo`). */
  getnameinfo: getnameinfoAsync,
}

export type { LoopOptions }
/** @internal */
export { readinessKind } from './loop/waiter'
export { add_reader, remove_reader, add_writer, remove_writer }
