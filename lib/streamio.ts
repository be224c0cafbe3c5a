// The read and write sides of `loop.sock_stream` (lib/stream.ts), driven
// the way libuv drives a net.Socket: no Promise per chunk.
//
// Reading: one long-lived op per stream sits in the socket's read queue
// (lib/loop/waiter.ts) while the Readable wants data. Each readiness event
// runs it: it reads and pushes chunk after chunk until the socket is empty
// (EAGAIN or a short read), push() says the buffer is full, or BURST reads
// were done (a socket that is always readable must not starve the loop:
// the poll is level-triggered, so the next turn comes back for the rest).
// A full buffer takes the op out of the queue; _read puts it back.
//
// Writing: each chunk is sent at once; only the part the kernel does not
// take (EAGAIN) waits for writability, in the same long-lived way.
import { type Duplex } from 'node:stream'

import { osError } from './errors'
import { socket } from './socket'
import { AGAIN, READ, WRITE, Op, empty, readState, EINTR } from './loop/waiter'
import { submit, withdraw, wouldBlock } from './loop/run'
import { sendRest } from './loop/ops'
import { tryRecvInto } from './loop/attempts'

/**
 * @internal Reads in a row from one readiness event, or from _read without
 * one, before a loop turn: 32 as libuv's (measured: 16 gave about 10 %
 * less bulk throughput, at the same CPU per GiB).
 */
export const BURST = 32
// A read this much shorter than its buffer is copied out at its size, so
// that a small chunk does not pin a whole read buffer.
const COPY_BELOW = 4

// The next read's buffer, one per read size for all streams of this
// thread (sock_stream's and sock_messages'): a read and what it pushes run
// to completion before any other stream reads, and a buffer is given back
// before its chunk is pushed, so one spare serves every stream and an idle
// stream holds no buffer (10,000 idle streams would otherwise hold 64 KiB
// each).
const spares = new Map<number, Buffer>()

/** @internal The spare read buffer of `size` bytes, or a new one (give it back with `keepBuffer`). */
export function takeBuffer(size: number): Buffer {
  const buf = spares.get(size)
  if (buf === undefined) return Buffer.allocUnsafe(size)
  spares.delete(size)
  return buf
}

/** @internal Makes `buf` the spare of its size again: nothing may hold it or a view of it. */
export function keepBuffer(buf: Buffer): void {
  spares.set(buf.length, buf)
}

/** @internal What the read and write sides need of their stream. */
export interface StreamHost extends Duplex {
  /** Bytes moved: the idle timer starts again. */
  touch(): void
}

/**
 * @internal An exception from a listener the stream called (a 'data' handler, a
 * write callback) is the program's uncaught exception, as it is under
 * net.Socket: it must not unwind through the loop's queues.
 */
export function rethrow(e: unknown): void {
  process.nextTick(() => {
    throw e
  })
}

/** @internal The read side: one op, queued while the Readable wants data. */
export class StreamReader extends Op<void> {
  /** Bytes received so far. */
  bytes = 0
  // In the socket's read queue (or being tried by submit).
  private queued = false
  // Inside step(): a _read now only asks for more (`wanted`).
  private running = false
  private wanted = false
  // Attempts in a row started by _read rather than by a readiness event.
  private eager = 0
  private fromRead = false

  constructor(
    sock: socket,
    private readonly host: StreamHost,
    private readonly size: number,
  ) {
    super(sock)
    this.resolve = () => {
      this.queued = false
    }
    this.reject = (e: unknown) => {
      this.queued = false
      if (!host.destroyed) host.destroy(e as Error)
    }
  }

  /** The Readable wants data (its _read). */
  start(): void {
    if (this.running) {
      this.wanted = true
      return
    }
    if (this.queued || this.host.destroyed) return
    this.queued = true
    this.fromRead = true
    try {
      submit(this, READ)
    } finally {
      this.fromRead = false
    }
  }

  /** Stops reading for good (the stream is destroyed). */
  stop(): void {
    if (this.queued) withdraw(this, READ, this.sock._fd)
    this.queued = false
  }

  step(): void | typeof AGAIN {
    if (this.fromRead) {
      // A consumer that reads as fast as the socket fills would otherwise
      // never give the loop a turn: now and then, wait for the event.
      if (++this.eager > BURST) {
        this.eager = 0
        return AGAIN
      }
    } else {
      this.eager = 0
    }
    this.running = true
    let r: void | typeof AGAIN
    try {
      r = this.readSome()
    } finally {
      this.running = false
    }
    return this.host.destroyed ? undefined : r
  }

  private readSome(): void | typeof AGAIN {
    const host = this.host
    const size = this.size
    for (let i = 0; ;) {
      if (host.destroyed) return undefined
      const buf = takeBuffer(size)
      const n = tryRecvInto(this.sock._fd, buf, size, 0)
      if (n <= 0) keepBuffer(buf)
      if (n < 0) {
        if (wouldBlock(-n)) return empty()
        if (-n === EINTR) continue
        throw osError(-n, 'recv')
      }
      if (n === 0) {
        host.push(null)
        // With nothing buffered, 'end' now (as net), not at the next read().
        host.read(0)
        return undefined
      }
      this.bytes += n
      host.touch()
      let chunk: Buffer
      if (n * COPY_BELOW < size) {
        // Copied out: the buffer serves the next read too.
        chunk = Buffer.from(buf.subarray(0, n))
        keepBuffer(buf)
      } else {
        chunk = n === size ? buf : buf.subarray(0, n)
        // The next read's buffer now, while this chunk is still held: the
        // allocation may set off a young-generation GC (V8 collects after
        // every 32 MiB or so of new ArrayBuffers), and with the newest
        // chunk alive at the top of the malloc heap, what the GC frees
        // stays in malloc's free lists for the next reads instead of
        // going back to the kernel and faulting in again.
        keepBuffer(Buffer.allocUnsafe(size))
      }
      this.wanted = false
      let more: boolean
      try {
        more = host.push(chunk)
      } catch (e) {
        rethrow(e)
        return AGAIN
      }
      more ||= this.wanted
      // A short read on a stream: the socket is empty, wait for the event.
      if (n < size) readState.drained = true
      if (!more) return undefined
      if (n < size) return AGAIN
      if (++i >= BURST) return AGAIN
    }
  }
}

const NONE = Buffer.alloc(0)

/** @internal The write side: sends at once, and waits for writability only for what is left. */
export class StreamWriter extends Op<void> {
  /** Bytes of finished writes the kernel took. */
  written = 0
  /** Bytes of the write in progress the kernel took so far. */
  sent = 0
  /** The write in progress, and its size when it was given. */
  buf: Uint8Array = NONE
  total = 0
  private cb: ((e?: Error | null) => void) | null = null
  // The write waits in the socket's queue (the kernel did not take it all).
  private waiting = false

  constructor(
    sock: socket,
    private readonly host: StreamHost,
  ) {
    super(sock)
    this.resolve = () => this.finish(null)
    this.reject = (e: unknown) => this.finish(e as Error)
  }

  /** Sends all of `buf`, then calls `cb` (at once if the kernel takes it all). */
  write(buf: Uint8Array, cb: (e?: Error | null) => void): void {
    this.buf = buf
    this.total = buf.byteLength
    this.sent = 0
    this.cb = cb
    submit(this, WRITE)
    this.waiting = this.cb !== null
  }

  /** Stops writing for good: the write in progress ends without an error (the stream is gone). */
  stop(): void {
    if (this.cb === null) return
    withdraw(this, WRITE, this.sock._fd)
    this.waiting = false
    process.nextTick(this.end()!, null)
  }

  step(): void | typeof AGAIN {
    return sendRest(this, 'sock_stream write')
  }

  /** Ends the write in progress: counts what went, lets go of its buffer, returns its callback. */
  private end(): ((e?: Error | null) => void) | null {
    const cb = this.cb
    if (cb === null) return null
    this.cb = null
    this.written += this.sent
    this.sent = 0
    this.buf = NONE
    return cb
  }

  private finish(e: Error | null): void {
    const cb = this.end()
    if (cb === null) return
    const host = this.host
    if (e === null) host.touch()
    const err = host.destroyed ? null : e
    if (this.waiting) {
      // From the readiness callback, while this op still heads the queue:
      // the callback (and the next write that 'drain' starts) runs after.
      this.waiting = false
      process.nextTick(deliver, cb, err)
    } else {
      deliver(cb, err)
    }
  }
}

/** Calls a write callback; what it throws is the program's uncaught exception. */
function deliver(cb: (e?: Error | null) => void, err: Error | null): void {
  try {
    cb(err)
  } catch (thrown) {
    rethrow(thrown)
  }
}
