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
import { constants as osConstants } from 'node:os'

import { bytesLike, cInt, index, ssize, writable } from './args'
import { encodeAddress } from './address'
import { BlockingIOError, OSError, TimeoutError, ValueError, fromNative, osError } from './errors'
import { SocketImpl, nativeCall, releaseHooks, type socket } from './socket'
import * as C from './constants'
import { getaddrinfoAsync, getnameinfoAsync } from './netdb_async'
import native = require('./native')

const { EAGAIN, EWOULDBLOCK, EINTR, EINPROGRESS, EALREADY, EBADF, ENOSYS, EINVAL } =
  osConstants.errno
// The status the native side reports after catching a panic.
const PANICKED = -(2 ** 31)
const BUFSIZE_POOLED = 4096
const SCRATCH_SIZE = 64 * 1024
const scratch = Buffer.allocUnsafeSlow(SCRATCH_SIZE)

/** Options every Promise function takes last. */
export interface LoopOptions {
  /** Aborting rejects the call with the signal's reason; the socket stays usable. */
  signal?: AbortSignal
}

/** What one non-blocking attempt returns when the call would block. */
const AGAIN: unique symbol = Symbol('again')
type Step<T> = () => T | typeof AGAIN

const READ = 0
const WRITE = 1
type Dir = typeof READ | typeof WRITE

// ---------------------------------------------------------------------------
// Readiness: one Waiter per watched fd.

/** The readiness mechanism: libuv poll handles, or the reactor thread. */
interface Readiness {
  watch(fd: number, events: number, keepAlive: boolean): void
  release(fd: number): void
}

let poller: Readiness | null = null
let pollerKind: 'uv' | 'thread' | null = null

/** @internal Which mechanism waits: libuv poll handles or the reactor thread. */
export function readinessKind(): 'uv' | 'thread' | null {
  return pollerKind
}
let READABLE = 1
let WRITABLE = 2

/**
 * libuv's poll handles where the host exposes libuv (Node, Electron), else
 * the reactor thread. `PYSOCKET_LOOP_POLLER=thread` or `=uv` forces one.
 */
function getPoller(): Readiness {
  if (poller === null) {
    const choice = process.env.PYSOCKET_LOOP_POLLER
    let p: Readiness
    let kind: 'uv' | 'thread' = 'thread'
    if (choice === 'thread') {
      p = nativeCall('poll', () => new native.ReactorPoller(dispatch))
    } else {
      try {
        p = new native.Poller(dispatch)
        ;[READABLE, WRITABLE] = native.Poller.events()
        kind = 'uv'
      } catch (e) {
        if (choice === 'uv') throw fromNative(e)
        p = nativeCall('poll', () => new native.ReactorPoller(dispatch))
      }
    }
    poller = p
    pollerKind = kind
  }
  return poller
}

const noop = (): void => {}

/**
 * One call: its non-blocking attempt (`step`), and once it waits, its
 * promise, timer and abort listener. The hot calls are subclasses (no
 * closure per call); the others wrap a function (`FnOp`).
 */
abstract class Op<T = unknown> {
  /** The next call in the same queue. */
  next: Op | null = null
  resolve: (v: T) => void = noop
  reject: (e: unknown) => void = noop
  signal: AbortSignal | undefined = undefined
  timer: ReturnType<typeof setTimeout> | undefined = undefined
  onAbort: (() => void) | undefined = undefined
  constructor(readonly sock: SocketImpl) {}

  /** One non-blocking attempt: the result, AGAIN, or a thrown error. */
  abstract step(): T | typeof AGAIN

  /** One attempt; true once the promise is settled. */
  attempt(): boolean {
    let r: T | typeof AGAIN
    try {
      r = this.step()
    } catch (e) {
      this.settle()
      this.reject(e)
      return true
    }
    if (r === AGAIN) return false
    this.settle()
    this.resolve(r)
    return true
  }

  fail(e: unknown): void {
    this.settle()
    this.reject(e)
  }

  settle(): void {
    if (this.timer !== undefined) clearTimeout(this.timer)
    if (this.onAbort !== undefined) this.signal!.removeEventListener('abort', this.onAbort)
    this.timer = undefined
    this.onAbort = undefined
  }
}

class FnOp<T> extends Op<T> {
  constructor(
    sock: SocketImpl,
    readonly fn: Step<T>,
  ) {
    super(sock)
  }
  step(): T | typeof AGAIN {
    return this.fn()
  }
}

type Callback = () => void

/** A FIFO of calls, linked through `Op.next` (no array per socket). */
class Fifo {
  head: Op | null = null
  tail: Op | null = null

  get empty(): boolean {
    return this.head === null
  }

  push(op: Op): void {
    op.next = null
    if (this.tail === null) this.head = op
    else this.tail.next = op
    this.tail = op
  }

  shift(): void {
    const op = this.head
    if (op === null) return
    this.head = op.next
    if (this.head === null) this.tail = null
    op.next = null
  }

  /** Takes `op` out; returns whether it was at the head, or null if absent. */
  remove(op: Op): boolean | null {
    let prev: Op | null = null
    for (let cur = this.head; cur !== null; prev = cur, cur = cur.next) {
      if (cur !== op) continue
      if (prev === null) this.head = cur.next
      else prev.next = cur.next
      if (this.tail === cur) this.tail = prev
      cur.next = null
      return prev === null
    }
    return null
  }

  /** Empties the queue, returning what it held in order. */
  take(): Op[] {
    const out: Op[] = []
    for (let cur = this.head; cur !== null; cur = cur.next) out.push(cur)
    this.head = this.tail = null
    return out
  }
}

class Waiter {
  readonly queues: [Fifo, Fifo] = [new Fifo(), new Fifo()]
  readonly callbacks: [Callback | null, Callback | null] = [null, null]
  /** The events the native handle polls for now, and whether it keeps the process alive. */
  events = 0
  keepAlive = false
  /**
   * Keep polling for reading between calls (a socket that waited to read
   * once will likely wait again): no syscall to start and stop each time.
   * Dropped when a readable event finds nobody waiting.
   */
  lazyRead = false
  /**
   * False after a read found the socket empty (EAGAIN, or a short read on a
   * stream) and no readable event came since: the next read waits for the
   * (level-triggered) event instead of trying a syscall that would fail.
   */
  mayRead = true
  /** Waiting in `idle` for the end-of-turn unref. */
  idleQueued = false
  /** A socket call used this fd: keep the handle until the socket lets go of it. */
  owned = false
  dead = false
  /** Why polling failed, if it did. */
  error: unknown = null
  constructor(readonly fd: number) {}
}

const waiters = new Map<number, Waiter>()

function waiterFor(fd: number): Waiter {
  let w = waiters.get(fd)
  if (w === undefined) {
    w = new Waiter(fd)
    waiters.set(fd, w)
  }
  return w
}

/** Polls for what the queues and callbacks need; releases unused raw fds. */
function update(w: Waiter): void {
  if (w.dead) return
  const want =
    (!w.queues[READ].empty || w.callbacks[READ] !== null ? READABLE : 0) |
    (!w.queues[WRITE].empty || w.callbacks[WRITE] !== null ? WRITABLE : 0)
  if (want & READABLE && w.owned) w.lazyRead = true
  const events = want | (w.lazyRead ? READABLE : 0)
  // Letting go of the process is deferred to the end of this loop turn
  // (a socket that just finished a call usually starts the next one).
  const keepAlive = want !== 0 || (w.keepAlive && events === w.events && deferUnref(w))
  if (events !== w.events || keepAlive !== w.keepAlive) {
    try {
      getPoller().watch(w.fd, events, keepAlive)
      w.events = events
      w.keepAlive = keepAlive
    } catch (e) {
      drop(w, fromNative(e, 'poll'))
      return
    }
  }
  if (want === 0 && !w.owned) drop(w, null)
}

let idle: Waiter[] = []
let idleCheck: NodeJS.Immediate | null = null

/** Queues `w` for the end-of-turn check; true (still kept alive for now). */
function deferUnref(w: Waiter): boolean {
  if (!w.idleQueued) {
    w.idleQueued = true
    idle.push(w)
    if (idleCheck === null) {
      idleCheck = setImmediate(unrefIdle)
      idleCheck.unref()
    }
  }
  return true
}

function unrefIdle(): void {
  const list = idle
  idle = []
  idleCheck = null
  for (const w of list) {
    w.idleQueued = false
    if (w.dead || !w.keepAlive) continue
    if (w.queues[READ].empty && w.queues[WRITE].empty) {
      if (w.callbacks[READ] === null && w.callbacks[WRITE] === null) {
        try {
          getPoller().watch(w.fd, w.events, false)
          w.keepAlive = false
        } catch (e) {
          drop(w, fromNative(e, 'poll'))
        }
      }
    }
  }
}

/** Stops watching `w` and rejects everything still waiting on it. */
function drop(w: Waiter, err: unknown): void {
  if (w.dead) return
  w.dead = true
  w.error = err
  if (waiters.get(w.fd) === w) waiters.delete(w.fd)
  if (poller !== null) poller.release(w.fd)
  w.callbacks[READ] = w.callbacks[WRITE] = null
  for (const q of w.queues) {
    const ops = q.take()
    for (const op of ops) op.fail(err ?? osError(EBADF))
  }
}

/**
 * Set by read attempts: the socket was found empty (EAGAIN, or a short read
 * on a stream). The caller resets it before each attempt.
 */
let drained = false

/** A read attempt found nothing: AGAIN, and remember that the socket is empty. */
function empty(): typeof AGAIN {
  drained = true
  return AGAIN
}

/** Serves the head of a queue for as long as its calls complete. */
function drain(w: Waiter, dir: Dir): void {
  const q = w.queues[dir]
  for (let op = q.head; op !== null; op = q.head) {
    drained = false
    const done = op.attempt()
    if (dir === READ) w.mayRead = !drained
    if (!done) return
    if (q.head === op) q.shift()
  }
}

/** The native callback: `fd` is ready for `events`, or failed (`status` < 0). */
function dispatch(fd: number, status: number, events: number): void {
  const w = waiters.get(fd)
  if (w === undefined) return
  if (status === PANICKED) {
    drop(w, new Error('pysocket: internal error while polling (a bug: please report it)'))
    return
  }
  if (status < 0) {
    // libuv paused the handle (POLLERR): let the calls find the error.
    w.events = 0
    events = READABLE | WRITABLE
  }
  let thrown: unknown = NONE
  if (events & READABLE) {
    w.mayRead = true
    if (w.queues[READ].empty && w.callbacks[READ] === null) w.lazyRead = false
    drain(w, READ)
    thrown = callback(w, READ, thrown)
  }
  if (events & WRITABLE && !w.dead) {
    drain(w, WRITE)
    thrown = callback(w, WRITE, thrown)
  }
  update(w)
  // A callback's exception is the program's uncaught exception, as in Node.
  if (thrown !== NONE) throw thrown
}

const NONE = Symbol('none')

/** Runs an add_reader/add_writer callback; returns the first exception seen. */
function callback(w: Waiter, dir: Dir, thrown: unknown): unknown {
  const cb = w.callbacks[dir]
  if (cb === null || w.dead) return thrown
  try {
    cb()
  } catch (e) {
    if (thrown === NONE) return e
  }
  return thrown
}

// The socket class tells us before an fd is closed or detached.
releaseHooks.push((fd) => {
  const w = waiters.get(fd)
  if (w !== undefined) drop(w, null)
})

// ---------------------------------------------------------------------------
// Running one call.

function checkSocket(sock: unknown, fn: string): SocketImpl {
  if (!(sock instanceof SocketImpl)) {
    throw new TypeError(`${fn}() argument 'sock' must be a socket, not ${typeName(sock)}`)
  }
  return sock
}

function typeName(v: unknown): string {
  if (v === null) return 'None'
  if (v === undefined) return 'undefined'
  return (v as object).constructor?.name ?? typeof v
}

function checkOptions(opts: unknown): AbortSignal | undefined {
  if (opts === undefined || opts === null) return undefined
  if (typeof opts !== 'object') throw new TypeError('options must be an object')
  const signal = (opts as LoopOptions).signal
  if (signal === undefined || signal === null) return undefined
  if (!(signal instanceof AbortSignal)) throw new TypeError('signal must be an AbortSignal')
  return signal
}

/**
 * Runs `op` in direction `dir`: at once if nothing is queued ahead and it
 * does not block, else when the fd is ready.
 */
function run<T>(op: Op<T>, dir: Dir, signal: AbortSignal | undefined): Promise<T> {
  if (signal?.aborted) return Promise.reject(signal.reason)
  const sock = op.sock
  const fd = sock._fd
  if (fd < 0) return Promise.reject(osError(EBADF))
  const w = waiters.get(fd)
  if (w === undefined || (w.queues[dir].empty && (dir === WRITE || w.mayRead))) {
    let r: T | typeof AGAIN
    drained = false
    try {
      r = op.step()
    } catch (e) {
      return Promise.reject(e)
    } finally {
      if (dir === READ && w !== undefined) w.mayRead = !drained
    }
    if (r !== AGAIN) return Promise.resolve(r)
  }
  const promise = new Promise<T>(capture)
  op.resolve = captured.resolve as (v: T) => void
  op.reject = captured.reject
  const waiter = w ?? waiterFor(fd)
  waiter.owned = true
  if (signal !== undefined) {
    op.signal = signal
    op.onAbort = () => leave(waiter, dir, op as Op, signal.reason)
    signal.addEventListener('abort', op.onAbort, { once: true })
  }
  if (sock._t > 0) armTimeout(waiter, dir, op as Op, sock._t * 1000)
  waiter.queues[dir].push(op as Op)
  update(waiter)
  return promise
}

/** `run` with a function as the attempt. */
function runFn<T>(
  sock: SocketImpl,
  dir: Dir,
  signal: AbortSignal | undefined,
  fn: Step<T>,
): Promise<T> {
  return run(new FnOp(sock, fn), dir, signal)
}

// A promise's resolve/reject without a closure per promise.
const captured: { resolve: (v: unknown) => void; reject: (e: unknown) => void } = {
  resolve: () => {},
  reject: () => {},
}
function capture(resolve: (v: never) => void, reject: (e: unknown) => void): void {
  captured.resolve = resolve as (v: unknown) => void
  captured.reject = reject
}

// setTimeout's longest delay; longer socket timeouts re-arm in steps.
const MAX_DELAY = 2 ** 31 - 1

/** Rejects `op` with TimeoutError after `ms` milliseconds. */
function armTimeout(w: Waiter, dir: Dir, op: Op, ms: number): void {
  if (ms > MAX_DELAY) {
    op.timer = setTimeout(() => armTimeout(w, dir, op, ms - MAX_DELAY), MAX_DELAY)
  } else {
    op.timer = setTimeout(() => leave(w, dir, op, new TimeoutError('timed out')), ms)
  }
}

/** Takes `op` out of its queue (aborted or timed out) and rejects it with `e`. */
function leave(w: Waiter, dir: Dir, op: Op, e: unknown): void {
  const q = w.queues[dir]
  const wasHead = q.remove(op)
  op.fail(e)
  // The next call in line may be able to go now.
  if (wasHead === true && !q.empty && !w.dead) drain(w, dir)
  update(w)
}

function wouldBlock(errno: number): boolean {
  return errno === EAGAIN || errno === EWOULDBLOCK
}

/**
 * A buffer for a read of up to `size` bytes. The kernel never returns more
 * than MAX_RW_COUNT (INT_MAX rounded down to a page) from one call, so a
 * larger request reads into that much, as CPython's would in effect.
 */
function bigBuffer(size: number): Buffer {
  return Buffer.allocUnsafe(Math.min(size, MAX_READ))
}
const MAX_READ = 0x7fff_f000

/** `buf[:n]`, copied when most of a large buffer went unused. */
function shrink(buf: Buffer, n: number): Buffer {
  if (n === buf.length) return buf
  if (buf.length > BUFSIZE_POOLED && n < buf.length >> 1) return Buffer.from(buf.subarray(0, n))
  return buf.subarray(0, n)
}

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
        drained = n < want && this.sock.type === C.SOCK_STREAM
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
  constructor(
    sock: SocketImpl,
    readonly view: Uint8Array,
  ) {
    super(sock)
  }

  step(): number | typeof AGAIN {
    const size = this.view.byteLength
    for (;;) {
      const n = native.tryRecvInto(this.sock._fd, this.view, size, 0)
      if (n >= 0) {
        drained = n < size && this.sock.type === C.SOCK_STREAM
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
  constructor(
    sock: SocketImpl,
    readonly buf: Uint8Array,
  ) {
    super(sock)
  }

  step(): void | typeof AGAIN {
    const buf = this.buf
    while (this.sent < buf.length) {
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
    return runFn(s, WRITE, signal, () => {
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
    const fd = index(file)
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
    const anc = ancdata
    return runFn(s, WRITE, signal, () =>
      attemptSync(s, () =>
        address === undefined
          ? sendmsg.call(s, buffers, anc, fl)
          : sendmsg.call(s, buffers, anc, fl, address),
      ),
    )
  } catch (e) {
    return Promise.reject(e)
  }
}

function isIterable(v: unknown): boolean {
  return v !== null && typeof v === 'object' && Symbol.iterator in v
}

function isLoopOptions(v: unknown): boolean {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false
  const proto = Object.getPrototypeOf(v)
  return proto === Object.prototype || proto === null
}

// ---------------------------------------------------------------------------
// Raw readiness on any fd.

/** The fd of `fileobj`: an int or something with `fileno()` (asyncio's rules). */
function watchFd(fileobj: unknown): number {
  let fd: unknown = fileobj
  if (typeof fileobj !== 'number' && typeof fileobj !== 'bigint') {
    const f = fileobj as { fileno?: unknown } | null
    if (f === null || typeof f !== 'object' || typeof f.fileno !== 'function') {
      throw new ValueError(`Invalid file object: ${String(fileobj)}`)
    }
    fd = (f.fileno as () => unknown).call(fileobj)
  }
  const n = typeof fd === 'number' || typeof fd === 'bigint' ? Number(fd) : NaN
  if (!Number.isInteger(n)) throw new ValueError(`Invalid file object: ${String(fileobj)}`)
  if (n < 0) throw new ValueError(`Invalid file descriptor: ${n}`)
  return n
}

function addCallback(
  dir: Dir,
  fileobj: unknown,
  callback: (...args: any[]) => unknown,
  args: unknown[],
): void {
  const fd = watchFd(fileobj)
  if (typeof callback !== 'function') throw new TypeError('callback must be a function')
  const w = waiterFor(fd)
  w.callbacks[dir] = () => {
    callback(...args)
  }
  update(w)
  // Polling could not start (e.g. EEXIST: the host already polls this fd).
  if (w.dead && w.error !== null) throw w.error
}

function removeCallback(dir: Dir, fileobj: unknown): boolean {
  const w = waiters.get(watchFd(fileobj))
  if (w === undefined || w.callbacks[dir] === null) return false
  w.callbacks[dir] = null
  update(w)
  return true
}

/** Calls `callback(...args)` whenever `fd` is readable, until remove_reader(fd). */
export function add_reader(
  fd: unknown,
  callback: (...args: any[]) => unknown,
  ...args: unknown[]
): void {
  addCallback(READ, fd, callback, args)
}

/** Stops watching `fd` for reading; true if it was watched. */
export function remove_reader(fd: unknown): boolean {
  return removeCallback(READ, fd)
}

/** Calls `callback(...args)` whenever `fd` is writable, until remove_writer(fd). */
export function add_writer(
  fd: unknown,
  callback: (...args: any[]) => unknown,
  ...args: unknown[]
): void {
  addCallback(WRITE, fd, callback, args)
}

/** Stops watching `fd` for writing; true if it was watched. */
export function remove_writer(fd: unknown): boolean {
  return removeCallback(WRITE, fd)
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
