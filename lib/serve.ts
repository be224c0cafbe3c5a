// `loop.sock_serve(listener, onconnection)`: a listening socket of any
// stream family turned into connections as SocketStreams, for a function,
// for a Node server (`http.createServer()`, `tls.createServer()`,
// `net.createServer()`: each connection is emitted to it as 'connection'),
// or for `for await (const conn of loop.sock_serve(listener))`.
import { EventEmitter } from 'node:events'
import { constants as osConstants } from 'node:os'

import { OSError, ValueError } from './errors'
import type { socket } from './socket'
import * as C from './constants'
import { READ } from './loop/waiter'
import { checkSocket, run } from './loop/run'
import { AcceptOp } from './loop/ops'
import {
  SocketStream,
  type SocketStreamOptions,
  checkStreamOptions,
  setRef,
  sizeOption,
} from './stream'
import { rethrow } from './streamio'

const E = osConstants.errno

// accept(2) reports some errors of the connection it was taking, not of
// the listener (see its man page, "Error handling"): take the next one.
const CONNECTION_ERRORS = new Set([
  E.ECONNABORTED,
  E.EPROTO,
  E.EPERM,
  E.ENETDOWN,
  E.ENOPROTOOPT,
  E.EHOSTUNREACH,
  E.EOPNOTSUPP,
  E.ENETUNREACH,
])
// Out of fds or memory for now: reported, then tried again after a pause
// (at once would spin: the listener stays readable).
const RESOURCE_ERRORS = new Set([E.EMFILE, E.ENFILE, E.ENOBUFS, E.ENOMEM])
const RETRY_MS = 100
// Accepts in a row before yielding a loop turn (a full backlog is always readable).
const BURST = 16

/** Receives each connection, or a Node server that is sent `'connection'`. */
export type ConnectionHandler =
  | ((conn: SocketStream, address: unknown) => void)
  | {
      /** A Node server's: each connection arrives as its `'connection'` event. */
      emit(event: 'connection', conn: SocketStream): unknown
    }

/** Options of `loop.sock_serve`: those of each connection's stream, and the server's. */
export interface ServeOptions extends Omit<SocketStreamOptions, 'signal'> {
  /** Close the listening socket when the server closes (default true). */
  closeListener?: boolean
  /** Closes the server when aborted. */
  signal?: AbortSignal
}

/**
 * Accepts connections on a listening socket and hands them on as
 * SocketStreams. Events: `'connection'` (stream, address), `'error'`
 * (accept failed; resource errors are retried), `'close'`.
 */
export class StreamServer extends EventEmitter implements AsyncIterable<SocketStream> {
  /** The listening pysocket socket. */
  readonly listener: socket
  private readonly streamOptions: SocketStreamOptions
  private readonly closeListener: boolean
  private readonly abort = new AbortController()
  private closed = false
  private accepting = false
  private burst = 0

  constructor(listener: socket, onconnection?: ConnectionHandler, opts?: ServeOptions) {
    super()
    const l = checkSocket(listener, 'sock_serve')
    if (l.type !== C.SOCK_STREAM) {
      throw new ValueError('sock_serve needs a SOCK_STREAM socket')
    }
    const o = checkStreamOptions<ServeOptions>(opts)
    const { closeListener, signal, ...streamOptions } = o
    this.listener = l as socket
    // Checked now rather than at each connection.
    sizeOption(streamOptions.readSize, 'readSize', 1)
    this.streamOptions = streamOptions
    this.closeListener = closeListener !== false
    if (onconnection !== undefined && onconnection !== null) {
      if (typeof onconnection === 'function') {
        this.on('connection', onconnection)
      } else if (typeof (onconnection as { emit?: unknown }).emit === 'function') {
        const target = onconnection
        this.on('connection', (conn: SocketStream) => target.emit('connection', conn))
      } else {
        throw new TypeError('onconnection must be a function or an EventEmitter (a server)')
      }
      this.accepting = true
      this.acceptNext()
    }
    if (signal !== undefined) {
      if (signal.aborted) this.close()
      else signal.addEventListener('abort', () => this.close(), { once: true })
    }
  }

  /** The listener's address (its getsockname()). */
  address(): unknown {
    return this.listener.getsockname()
  }

  /** False once closed. */
  get listening(): boolean {
    return !this.closed
  }

  private accept(): Promise<[socket, unknown]> {
    return run(new AcceptOp(this.listener), READ, this.abort.signal, -1)
  }

  private acceptNext(): void {
    if (this.closed) return
    this.accept()
      .then(
        ([conn, address]) => {
          const stream = this.wrap(conn)
          if (stream !== null) this.emitConnection(stream, address)
          if (++this.burst >= BURST) {
            this.burst = 0
            setImmediate(() => this.acceptNext())
          } else {
            this.acceptNext()
          }
        },
        (e) => {
          const what = this.classify(e)
          if (what === 'next') return this.acceptNext()
          if (what === 'closed') return
          // 'error' without a listener is the uncaught exception, as in net.
          process.nextTick(() => this.emit('error', e))
          if (what === 'retry') setTimeout(() => this.acceptNext(), RETRY_MS)
          else this.close()
        },
      )
      .catch(rethrow)
  }

  // A listener's exception is the program's uncaught exception, as in net.
  private emitConnection(stream: SocketStream, address: unknown): void {
    try {
      this.emit('connection', stream, address)
    } catch (e) {
      process.nextTick(() => {
        throw e
      })
    }
  }

  /**
   * A stream for an accepted socket; null (the socket closed) if the peer
   * is gone already, or if the stream could not be made ('error').
   */
  private wrap(conn: socket): SocketStream | null {
    if (this.closed) {
      conn.close()
      return null
    }
    try {
      return new SocketStream(conn, this.streamOptions)
    } catch (e) {
      conn.close()
      if (!(e instanceof OSError && e.errno === E.ENOTCONN)) {
        process.nextTick(() => this.emit('error', e))
      }
      return null
    }
  }

  /** What a failed accept means: take the next, retry after a pause, stop, or closed already. */
  private classify(e: unknown): 'next' | 'retry' | 'fatal' | 'closed' {
    if (this.closed) return 'closed'
    const errno = e instanceof OSError ? e.errno : null
    if (errno !== null && CONNECTION_ERRORS.has(errno)) return 'next'
    if (errno !== null && RESOURCE_ERRORS.has(errno)) return 'retry'
    return 'fatal'
  }

  /**
   * Stops accepting (and closes the listener unless `closeListener:
   * false`); connections already made stay open, as net.Server.close.
   */
  close(callback?: () => void): this {
    if (callback !== undefined) this.once('close', callback)
    if (this.closed) return this
    this.closed = true
    this.abort.abort()
    if (this.closeListener) this.listener.close()
    process.nextTick(() => this.emit('close'))
    return this
  }

  /** Lets the process exit while the server waits for connections. */
  unref(): this {
    setRef(this.listener, false)
    return this
  }

  /** Keeps the process alive while the server waits (the default). */
  ref(): this {
    setRef(this.listener, true)
    return this
  }

  /**
   * Accepts one connection per iteration (for a server made without a
   * handler); leaving the loop closes the server.
   */
  async *[Symbol.asyncIterator](): AsyncGenerator<SocketStream, void, undefined> {
    if (this.accepting) throw new ValueError('this server hands its connections to a handler')
    this.accepting = true
    try {
      while (!this.closed) {
        let conn: socket
        try {
          ;[conn] = await this.accept()
        } catch (e) {
          const what = this.classify(e)
          if (what === 'closed') break
          if (what === 'fatal') throw e
          if (what === 'retry') await new Promise((resolve) => setTimeout(resolve, RETRY_MS))
          continue
        }
        const stream = this.wrap(conn)
        if (stream !== null) yield stream
      }
    } finally {
      this.close()
    }
  }
}

/**
 * Serves the listening stream socket `listener` (any family): each
 * connection becomes a SocketStream given to `onconnection`, a function or
 * a Node server (`http.createServer()`, `tls.createServer()`), which is
 * sent `'connection'`. Without a handler, iterate the returned server with
 * `for await`. `close()` stops it.
 */
export function sock_serve(
  listener: socket,
  onconnection?: ConnectionHandler | ServeOptions,
  opts?: ServeOptions,
): StreamServer {
  if (
    opts === undefined &&
    onconnection !== null &&
    typeof onconnection === 'object' &&
    typeof (onconnection as { emit?: unknown }).emit !== 'function'
  ) {
    return new StreamServer(listener, undefined, onconnection as ServeOptions)
  }
  return new StreamServer(listener, onconnection as ConnectionHandler | undefined, opts)
}
