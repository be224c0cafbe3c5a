// `loop.sock_stream(sock)`: a `stream.Duplex` over a connected stream socket
// of any family, so that node:tls, node:http, `stream.pipeline` and every
// library that takes a Duplex run over AF_VSOCK, abstract AF_UNIX names,
// MPTCP, RFCOMM or a TCP socket configured before connect.
//
// Reads and writes run on socket.loop's queues (lib/streamio.ts): the
// non-blocking syscall first, then a wait for readiness on this thread's
// loop, with no Promise per chunk. Each direction has at most one call in
// flight, so the socket's FIFO queues keep the byte order, and the
// Readable's highWaterMark bounds what is read ahead (a full buffer stops
// reading, the kernel's window fills, and the peer's writes wait).
//
// The rule while a stream is open: it owns the socket's data. Calls that
// carry no data are safe at any time (getsockopt/setsockopt, getsockname,
// getpeername, TCP_INFO, fileno); recv*/send* and the loop's sock_recv*/
// sock_send* are not (the stream reads ahead, and its writes are queued).
// Closing or detaching the socket fails what the stream is waiting for with
// EBADF and destroys it. Once the stream is destroyed with
// `autoClose: false`, the socket is the caller's again (minus whatever the
// stream had read ahead and nobody consumed: `readableLength` bytes).
import { Duplex, type DuplexOptions } from 'node:stream'
import { constants as osConstants } from 'node:os'

import { OSError, ValueError, osError } from './errors'
import { socket } from './socket'
import * as C from './constants'
import { waiterFor, update } from './loop/waiter'
import { checkSocket } from './loop/run'
import { StreamReader, StreamWriter } from './streamio'

const { ENOTCONN } = osConstants.errno

/** Options of `loop.sock_stream`. */
export interface SocketStreamOptions {
  /**
   * Keep the writable side open after the peer's end of stream (net's
   * option, default false: the stream ends its side too, then closes).
   */
  allowHalfOpen?: boolean
  /**
   * Close the socket when the stream is destroyed (default true). With
   * false the stream lets go of the socket instead (it stops reading and
   * writing, and the socket object stays open and usable).
   */
  autoClose?: boolean
  /** Bytes asked of each recv (default 64 KiB, as libuv's reads). */
  readSize?: number
  /** Bytes the Readable buffers before it stops reading (Duplex option). */
  readableHighWaterMark?: number
  /** Bytes the Writable buffers before `write()` returns false (Duplex option). */
  writableHighWaterMark?: number
  /** Both high-water marks (Duplex option). */
  highWaterMark?: number
  /** Destroys the stream when aborted (Duplex option). */
  signal?: AbortSignal
}

const READ_SIZE = 64 * 1024

// The socket a stream was made for: one stream per socket.
const streams = new WeakMap<socket, Duplex>()

/** @internal Marks `sock` as owned by `stream` (ValueError if taken already). */
export function claim(sock: socket, stream: Duplex): void {
  const other = streams.get(sock)
  if (other !== undefined && !other.destroyed) {
    throw new ValueError('the socket already has an open stream')
  }
  streams.set(sock, stream)
}

/** @internal Lets go of `sock` (the stream is destroyed). */
export function unclaim(sock: socket, stream: Duplex): void {
  if (streams.get(sock) === stream) streams.delete(sock)
}

/**
 * @internal
 * shutdown(SHUT_WR) for a stream's end(): the error to end with, or null.
 * ENOTCONN (the peer reset first) is no error, as net's.
 */
export function shutdownWrites(sock: socket): Error | null {
  try {
    sock.shutdown(C.SHUT_WR)
  } catch (e) {
    if (!(e instanceof OSError && e.errno === ENOTCONN)) return e as Error
  }
  return null
}

/**
 * @internal
 * The common part of a stream's destroy(): stop its calls, let go of the
 * socket, and close it where `autoClose` says; the error to end with.
 */
export function releaseSocket(
  sock: socket,
  stream: Duplex,
  abort: AbortController,
  autoClose: boolean,
  err: Error | null,
): Error | null {
  abort.abort()
  unclaim(sock, stream)
  if (autoClose) {
    try {
      sock.close()
    } catch (e) {
      err ??= e as Error
    }
  }
  return err
}

/** A positive integer option, or its default. */
export function sizeOption(v: unknown, name: string, dflt: number): number {
  if (v === undefined) return dflt
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0 || v > 2 ** 30) {
    throw new RangeError(`${name} must be an integer from 1 to 2**30, not ${String(v)}`)
  }
  return v
}

/** The Duplex options shared by sock_stream and sock_messages. */
export function duplexOptions(opts: SocketStreamOptions, objectMode: boolean): DuplexOptions {
  const out: DuplexOptions = {
    allowHalfOpen: opts.allowHalfOpen === true,
    objectMode,
    // The socket's fd goes in _destroy; emitting 'close' is Duplex's job.
    emitClose: true,
    autoDestroy: true,
  }
  if (opts.highWaterMark !== undefined) out.highWaterMark = opts.highWaterMark
  if (opts.readableHighWaterMark !== undefined)
    out.readableHighWaterMark = opts.readableHighWaterMark
  if (opts.writableHighWaterMark !== undefined)
    out.writableHighWaterMark = opts.writableHighWaterMark
  if (opts.signal !== undefined) out.signal = opts.signal
  return out
}

/** Checks the options object of sock_stream / sock_messages. */
export function checkStreamOptions<T extends object>(opts: unknown): T {
  if (opts === undefined || opts === null) return {} as T
  if (typeof opts !== 'object') throw new TypeError('options must be an object')
  return opts as T
}

/** What {@link SocketStream.address} returns for an INET socket, as net's AddressInfo. */
export interface LocalAddressInfo {
  /** The local host address. */
  address: string
  /** `'IPv4'` or `'IPv6'`. */
  family: string
  /** The local port. */
  port: number
}

/**
 * A `stream.Duplex` over a connected stream socket, with the members of
 * `net.Socket` that make sense for any family. Made by `loop.sock_stream`.
 */
export class SocketStream extends Duplex {
  /** The pysocket socket under the stream. */
  readonly sock: socket
  /** Always false: the socket is connected before the stream exists (net's member). */
  readonly connecting = false
  /** Always false (net's member: not waiting to connect). */
  readonly pending = false
  /** The idle timeout in milliseconds set by setTimeout(), or undefined. */
  timeout: number | undefined = undefined
  /** The peer's address (INET families), from getpeername. */
  readonly remoteAddress: string | undefined
  /** The peer's port (INET families). */
  readonly remotePort: number | undefined
  /** `'IPv4'` or `'IPv6'` (INET families). */
  readonly remoteFamily: string | undefined

  private readonly autoClose: boolean
  // The stream's reads and writes wait without the socket's timeout: a
  // Readable always has a read pending, so an idle connection is not an
  // error (see setTimeout() for Node's idle 'timeout' event).
  private readonly reader: StreamReader
  private readonly writer: StreamWriter
  // Aborted when the stream goes (releaseSocket's contract).
  private readonly abort = new AbortController()
  private idleTimer: ReturnType<typeof setTimeout> | undefined = undefined
  private local: [string | undefined, number | undefined] | null = null
  private unrefd = false

  constructor(sock: socket, opts: SocketStreamOptions = {}) {
    const s = checkSocket(sock, 'sock_stream')
    if (s._fd < 0) throw osError(osConstants.errno.EBADF)
    if (s.type !== C.SOCK_STREAM) {
      throw new ValueError('sock_stream needs a SOCK_STREAM socket (sock_messages serves messages)')
    }
    const o = checkStreamOptions<SocketStreamOptions>(opts)
    const readSize = sizeOption(o.readSize, 'readSize', READ_SIZE)
    // Not connected: ENOTCONN now, not at the first read.
    const peer = s.getpeername()
    super(duplexOptions(o, false))
    claim(s, this)
    this.sock = s as socket
    this.autoClose = o.autoClose !== false
    this.reader = new StreamReader(this.sock, this, readSize)
    this.writer = new StreamWriter(this.sock, this)
    const [host, port, fam] = inetAddress(s.family, peer)
    this.remoteAddress = host
    this.remotePort = port
    this.remoteFamily = fam
    // As net.Socket: read ahead up to the high-water mark from the start,
    // so that the end of stream is seen even by a side nobody reads.
    this.read(0)
  }

  /** Bytes received so far. */
  get bytesRead(): number {
    return this.reader.bytes
  }

  /** Bytes the kernel has taken so far (net also counts what is still queued: see writableLength). */
  get bytesWritten(): number {
    return this.writer.written + this.writer.sent
  }

  /** This end's address (INET families), from getsockname. */
  get localAddress(): string | undefined {
    return this.localName()[0]
  }

  /** This end's port (INET families). */
  get localPort(): number | undefined {
    return this.localName()[1]
  }

  /** `{ address, family, port }` of this end, as net.Socket.address(); `{}` for other families. */
  address(): LocalAddressInfo | Record<string, never> {
    const [address, port] = this.localName()
    if (address === undefined || port === undefined) return {}
    return { address, family: this.sock.family === C.AF_INET6 ? 'IPv6' : 'IPv4', port }
  }

  /** `'open'`, `'readOnly'`, `'writeOnly'` or `'closed'`, as net.Socket's. */
  get readyState(): 'open' | 'readOnly' | 'writeOnly' | 'closed' {
    if (this.readable && this.writable) return 'open'
    if (this.readable) return 'readOnly'
    if (this.writable) return 'writeOnly'
    return 'closed'
  }

  private localName(): [string | undefined, number | undefined] {
    if (this.local === null && this.sock._fd >= 0) {
      const [host, port] = inetAddress(this.sock.family, this.sock.getsockname())
      this.local = [host, port]
    }
    return this.local ?? [undefined, undefined]
  }

  /** @internal Node's stream hook. */
  override _read(): void {
    this.reader.start()
  }

  /** @internal Node's stream hook. */
  override _write(chunk: Buffer, _encoding: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.writer.write(chunk, cb)
  }

  /** @internal Node's stream hook. */
  override _writev(
    chunks: Array<{ chunk: Buffer; encoding: BufferEncoding }>,
    cb: (e?: Error | null) => void,
  ): void {
    // One send for what piled up while the last one waited.
    this.writer.write(
      chunks.length === 1 ? chunks[0].chunk : Buffer.concat(chunks.map((c) => c.chunk)),
      cb,
    )
  }

  // end(): the peer reads end of stream, and this side can still read.
  /** @internal Node's stream hook. */
  override _final(cb: (e?: Error | null) => void): void {
    cb(shutdownWrites(this.sock))
  }

  /** @internal Node's stream hook. */
  override _destroy(err: Error | null, cb: (e?: Error | null) => void): void {
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer)
    this.idleTimer = undefined
    this.reader.stop()
    this.writer.stop()
    err = releaseSocket(this.sock, this, this.abort, this.autoClose, err)
    if (!this.autoClose && this.unrefd) {
      // The socket's own calls keep the process alive again.
      setRef(this.sock, true)
    }
    cb(err)
  }

  /**
   * Ends the writable side, then destroys the stream once the queued writes
   * are out (net.Socket's destroySoon).
   */
  destroySoon(): void {
    if (this.writable) this.end()
    if (this.writableFinished) this.destroy()
    else this.once('finish', () => this.destroy())
  }

  /**
   * Emits `'timeout'` after `ms` milliseconds without bytes read or
   * written (0 turns it off), as net.Socket's: the stream stays open.
   */
  setTimeout(ms: number, callback?: () => void): this {
    if (typeof ms !== 'number' || !(ms >= 0) || !Number.isFinite(ms)) {
      throw new RangeError(
        `The value of "msecs" is out of range. It must be a non-negative finite number. Received ${String(ms)}`,
      )
    }
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer)
    this.idleTimer = undefined
    if (ms === 0) {
      this.timeout = undefined
      if (callback !== undefined) this.removeListener('timeout', callback)
      return this
    }
    this.timeout = ms
    if (callback !== undefined) this.once('timeout', callback)
    if (!this.destroyed) {
      this.idleTimer = setTimeout(() => this.emit('timeout'), ms)
      this.idleTimer.unref()
    }
    return this
  }

  /** @internal Bytes moved: the idle timer starts again. */
  touch(): void {
    this.idleTimer?.refresh()
  }

  /** TCP_NODELAY on TCP and MPTCP sockets; no effect on other families (as net on pipes). */
  setNoDelay(noDelay = true): this {
    if (this.isTcp()) this.sock.setsockopt(C.IPPROTO_TCP, C.TCP_NODELAY, noDelay ? 1 : 0)
    return this
  }

  /**
   * SO_KEEPALIVE on TCP and MPTCP sockets, and with `initialDelay` (ms) the
   * idle time before the first probe (TCP_KEEPIDLE, whole seconds); no
   * effect on other families.
   */
  setKeepAlive(enable = false, initialDelay = 0): this {
    if (!this.isTcp()) return this
    this.sock.setsockopt(C.SOL_SOCKET, C.SO_KEEPALIVE, enable ? 1 : 0)
    if (enable && initialDelay > 0) {
      this.sock.setsockopt(
        C.IPPROTO_TCP,
        C.TCP_KEEPIDLE,
        Math.max(1, Math.floor(initialDelay / 1000)),
      )
    }
    return this
  }

  private isTcp(): boolean {
    const f = this.sock.family
    return this.sock._fd >= 0 && (f === C.AF_INET || f === C.AF_INET6)
  }

  /** Lets the process exit while this stream waits (net.Socket's unref). */
  unref(): this {
    return this.setRef(false)
  }

  /** Keeps the process alive while this stream waits (the default). */
  ref(): this {
    return this.setRef(true)
  }

  private setRef(ref: boolean): this {
    if (!this.destroyed) {
      setRef(this.sock, ref)
      this.unrefd = !ref
    }
    return this
  }
}

/** @internal Whether waiting on `sock` keeps the process alive. */
export function setRef(sock: socket, ref: boolean): void {
  const fd = sock._fd
  if (fd < 0) return
  const w = waiterFor(fd)
  // Kept until the socket lets go of the fd, so that the setting lasts.
  w.owned = true
  w.unref = !ref
  update(w)
}

/** `[host, port, 'IPv4' | 'IPv6']` of an INET address; undefined parts for other families. */
function inetAddress(
  family: number,
  addr: unknown,
): [string | undefined, number | undefined, string | undefined] {
  if ((family === C.AF_INET || family === C.AF_INET6) && Array.isArray(addr)) {
    return [addr[0] as string, addr[1] as number, family === C.AF_INET ? 'IPv4' : 'IPv6']
  }
  return [undefined, undefined, undefined]
}

/**
 * A `stream.Duplex` over the connected stream socket `sock` (any family:
 * TCP, MPTCP, AF_UNIX, AF_VSOCK, RFCOMM, ...): hand it to `tls.connect({
 * socket })`, `http.request({ createConnection })`, a server's
 * `'connection'` event, or `stream.pipeline`. `end()` is
 * `shutdown(SHUT_WR)`; `destroy()` closes the socket (unless `autoClose:
 * false`); errors are pysocket's OSError subclasses.
 */
export function sock_stream(sock: socket, opts?: SocketStreamOptions): SocketStream {
  return new SocketStream(sock, opts)
}
