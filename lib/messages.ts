// `loop.sock_messages(sock)`: an object-mode Duplex over a message socket
// (SOCK_DGRAM, SOCK_SEQPACKET, SOCK_RDM) that keeps message boundaries:
// each chunk read is one message as `[data, address]`, each chunk written
// is one message, `data` (to the connected peer) or `[data, address]`.
//
// Named for what it carries, messages, rather than for one socket type
// (datagrams), since SOCK_SEQPACKET is connected and ordered yet keeps its
// boundaries too. The same rule as sock_stream holds (lib/stream.ts): while
// the stream is open it owns the socket's data.
import { Duplex } from 'node:stream'
import { constants as osConstants } from 'node:os'

import { OSError, ValueError, osError } from './errors'
import { socket } from './socket'
import { bytesLike } from './args'
import * as C from './constants'
import { AGAIN, READ, WRITE, Op, empty, EINTR } from './loop/waiter'
import { checkSocket, run, wouldBlock } from './loop/run'
import { SendallOp } from './loop/ops'
import { tryRecvfromInto, trySendto } from './loop/attempts'
import {
  type SocketStreamOptions,
  claim,
  shutdownWrites,
  releaseSocket,
  duplexOptions,
  sizeOption,
  checkStreamOptions,
} from './stream'
import { keepBuffer, rethrow, takeBuffer } from './streamio'

const { EMSGSIZE, EBADF } = osConstants.errno

/** Options of `loop.sock_messages`. */
export interface MessageStreamOptions extends Omit<SocketStreamOptions, 'readSize'> {
  /**
   * The largest message read (default 65536, every UDP datagram): a longer
   * one destroys the stream with OSError EMSGSIZE rather than arrive cut.
   */
  bufsize?: number
}

/**
 * One message, copied out at its size: `[data, real length, address]`. It
 * is read into the thread's spare buffer (streamio.ts) and copied before
 * the step returns, so a waiting stream holds no buffer.
 */
class MessageRecv extends Op<[Buffer, number, unknown]> {
  constructor(
    sock: socket,
    readonly size: number,
  ) {
    super(sock)
  }

  step(): [Buffer, number, unknown] | typeof AGAIN {
    const buf = takeBuffer(this.size)
    try {
      for (;;) {
        // MSG_TRUNC: the kernel returns the message's real length, so that a
        // cut message is seen, not passed on as if whole.
        const r = tryRecvfromInto(this.sock._fd, buf, buf.length, C.MSG_TRUNC)
        if (typeof r !== 'number') {
          const [n, address] = r
          return [Buffer.from(buf.subarray(0, Math.min(n, buf.length))), n, address]
        }
        if (wouldBlock(-r)) return empty()
        if (-r !== EINTR) throw osError(-r, 'recvfrom')
      }
    } finally {
      keepBuffer(buf)
    }
  }
}

/** Sends one message to `sa` (an encoded address). */
class MessageSendto extends Op<number> {
  constructor(
    sock: socket,
    readonly buf: Uint8Array,
    readonly sa: Uint8Array,
  ) {
    super(sock)
  }

  step(): number | typeof AGAIN {
    for (;;) {
      const n = trySendto(this.sock._fd, this.buf, 0, this.sa)
      if (n >= 0) return n
      if (wouldBlock(-n)) return AGAIN
      if (-n !== EINTR) throw osError(-n, 'sendto')
    }
  }
}

const NO_TIMEOUT = -1

/**
 * An object-mode Duplex of messages over a SOCK_DGRAM, SOCK_SEQPACKET or
 * SOCK_RDM socket. Made by `loop.sock_messages`.
 */
export class MessageStream extends Duplex {
  /** The pysocket socket under the stream. */
  readonly sock: socket
  private readonly autoClose: boolean
  /** The largest message read. */
  private readonly bufsize: number
  private readonly abort = new AbortController()
  private reading = false
  private burst = 0

  constructor(sock: socket, opts: MessageStreamOptions = {}) {
    const s = checkSocket(sock, 'sock_messages')
    if (s._fd < 0) throw osError(EBADF)
    if (s.type === C.SOCK_STREAM) {
      throw new ValueError('sock_messages needs a message socket (sock_stream serves SOCK_STREAM)')
    }
    const o = checkStreamOptions<MessageStreamOptions>(opts)
    const bufsize = sizeOption(o.bufsize, 'bufsize', 65536)
    super(duplexOptions(o, true))
    claim(s, this)
    this.sock = s as socket
    this.autoClose = o.autoClose !== false
    this.bufsize = bufsize
    // Read ahead from the start, as sock_stream.
    this.read(0)
  }

  /** @internal Node's stream hook. */
  override _read(): void {
    if (this.reading) return
    this.reading = true
    if (++this.burst >= 16) {
      this.burst = 0
      setImmediate(() => this.readOnce())
    } else {
      this.readOnce()
    }
  }

  private readOnce(): void {
    if (this.destroyed) return
    run(new MessageRecv(this.sock, this.bufsize), READ, this.abort.signal, NO_TIMEOUT)
      .then(
        ([data, n, address]) => {
          this.reading = false
          if (this.destroyed) return
          // A connected SOCK_SEQPACKET reads 0 bytes at end of stream; a
          // datagram socket can receive an empty message.
          if (n === 0 && this.sock.type === C.SOCK_SEQPACKET) {
            this.push(null)
            this.read(0)
            return
          }
          if (n > this.bufsize) {
            const e = new OSError(
              EMSGSIZE,
              `message of ${n} bytes is longer than bufsize (${this.bufsize})`,
            )
            this.destroy(e)
            return
          }
          this.push([data, address])
        },
        (e) => {
          this.reading = false
          if (!this.destroyed) this.destroy(e as Error)
        },
      )
      .catch(rethrow)
  }

  /** @internal Node's stream hook. */
  override _write(msg: unknown, _encoding: BufferEncoding, cb: (e?: Error | null) => void): void {
    let op: Op<number> | Op<void>
    try {
      if (Array.isArray(msg)) {
        if (msg.length !== 2) throw new TypeError('a message is data or [data, address]')
        op = new MessageSendto(this.sock, bytesLike(msg[0]), this.sock._sockaddrFor(msg[1]))
      } else {
        op = new SendallOp(this.sock, bytesLike(msg as ArrayBufferView))
      }
    } catch (e) {
      cb(e as Error)
      return
    }
    run<unknown>(op as Op<unknown>, WRITE, this.abort.signal, NO_TIMEOUT)
      .then(
        () => cb(),
        (e) => cb(this.destroyed ? null : (e as Error)),
      )
      .catch(rethrow)
  }

  // end(): SOCK_SEQPACKET's peer reads end of stream; a datagram socket
  // has no stream to end.
  /** @internal Node's stream hook. */
  override _final(cb: (e?: Error | null) => void): void {
    cb(this.sock.type === C.SOCK_SEQPACKET ? shutdownWrites(this.sock) : null)
  }

  /** @internal Node's stream hook. */
  override _destroy(err: Error | null, cb: (e?: Error | null) => void): void {
    cb(releaseSocket(this.sock, this, this.abort, this.autoClose, err))
  }
}

/**
 * An object-mode Duplex over the message socket `sock`: reads
 * `[data, address]` per message, writes `data` (connected) or
 * `[data, address]`, one message per chunk. `destroy()` closes the socket
 * (unless `autoClose: false`).
 */
export function sock_messages(sock: socket, opts?: MessageStreamOptions): MessageStream {
  return new MessageStream(sock, opts)
}
