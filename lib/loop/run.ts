// Running one socket.loop call: the fast non-blocking attempt, then a wait
// with the socket's timeout and the caller's AbortSignal.
import { TimeoutError, ValueError, osError } from '../errors'
import { argTypeName } from '../pytypes'
import { socket } from '../socket'
import {
  LoopOptions,
  AGAIN,
  Step,
  READ,
  WRITE,
  Dir,
  Op,
  FnOp,
  Waiter,
  waiters,
  liveWaiter,
  waiterFor,
  update,
  readState,
  afterRead,
  drain,
  EBADF,
  EAGAIN,
  EWOULDBLOCK,
} from './waiter'
import { armSweep } from './sweep'

// ---------------------------------------------------------------------------
// Running one call.

export function checkSocket(sock: unknown, fn: string): socket {
  if (!(sock instanceof socket)) {
    throw new TypeError(`${fn}() argument 'sock' must be a socket, not ${argTypeName(sock)}`)
  }
  return sock
}

export function checkOptions(opts: unknown): AbortSignal | undefined {
  if (opts === undefined || opts === null) return undefined
  if (typeof opts !== 'object') throw new TypeError('options must be an object')
  const signal = (opts as LoopOptions).signal
  if (signal === undefined || signal === null) return undefined
  if (!(signal instanceof AbortSignal)) throw new TypeError('signal must be an AbortSignal')
  return signal
}

/**
 * Runs `op` in direction `dir`: at once if nothing is queued ahead and it
 * does not block, else when the fd is ready. `timeout` (seconds, the
 * socket's own by default; <= 0 for none) bounds the wait.
 */
export function run<T>(
  op: Op<T>,
  dir: Dir,
  signal: AbortSignal | undefined,
  timeout: number = op.sock._t,
): Promise<T> {
  if (signal?.aborted) return Promise.reject(signal.reason)
  const sock = op.sock
  const fd = sock._fd
  if (fd < 0) return Promise.reject(osError(EBADF))
  const w = liveWaiter(fd, sock)
  if (mayTryNow(w, dir)) {
    let r: T | typeof AGAIN
    readState.drained = false
    try {
      r = op.step()
    } catch (e) {
      if (dir === READ && w !== undefined) afterRead(w, true, true)
      return Promise.reject(e)
    }
    if (dir === READ && w !== undefined) afterRead(w, true, r !== AGAIN)
    if (r !== AGAIN) return Promise.resolve(r)
  }
  const promise = new Promise<T>(capture)
  op.resolve = captured.resolve as (v: T) => void
  op.reject = captured.reject
  const waiter = claimWaiter(w, fd, sock)
  if (signal !== undefined) {
    op.signal = signal
    op.onAbort = () => leave(waiter, dir, op as Op, signal.reason)
    signal.addEventListener('abort', op.onAbort, { once: true })
  }
  if (timeout > 0) armTimeout(waiter, dir, op as Op, timeout * 1000)
  enqueue(waiter, dir, op as Op)
  return promise
}

/**
 * Whether a call in `dir` may try its syscall at once: no call is queued
 * ahead of it, and for a read the socket is not known to be empty.
 */
function mayTryNow(w: Waiter | undefined, dir: Dir): boolean {
  return w === undefined || (w.queues[dir].empty && (dir === WRITE || w.mayRead))
}

/** The waiter of `fd` (`w`, or a new one), owned by `sock`'s calls from now on. */
function claimWaiter(w: Waiter | undefined, fd: number, sock: socket): Waiter {
  const waiter = w ?? waiterFor(fd)
  waiter.owned = true
  waiter.owner ??= sock
  return waiter
}

/** Queues `op` to wait in `dir`, and polls for it. */
function enqueue(waiter: Waiter, dir: Dir, op: Op): void {
  waiter.queues[dir].push(op)
  update(waiter)
  armSweep()
}

/**
 * Runs `op` as `run` does, without a Promise: the outcome goes to the op's
 * own `resolve`/`reject`, at once when the attempt does not block, else
 * from the readiness callback. No timeout and no signal: a caller that
 * reuses one op for many calls (the streams) takes it out with `withdraw`.
 */
export function submit<T>(op: Op<T>, dir: Dir): void {
  const sock = op.sock
  const fd = sock._fd
  if (fd < 0) return op.fail(osError(EBADF))
  const w = liveWaiter(fd, sock)
  if (mayTryNow(w, dir)) {
    readState.drained = false
    const done = op.attempt()
    if (dir === READ && w !== undefined) afterRead(w, true, done)
    if (done) return
  }
  enqueue(claimWaiter(w, fd, sock), dir, op as Op)
}

/** Takes a waiting `op` out of its queue without settling it (see `submit`). */
export function withdraw<T>(op: Op<T>, dir: Dir, fd: number): void {
  const w = waiters.get(fd)
  if (w === undefined || w.dead) return
  const q = w.queues[dir]
  if (q.remove(op as Op) === true && !q.empty) drain(w, dir)
  update(w)
}

/** `run` with a function as the attempt. */
export function runFn<T>(
  sock: socket,
  dir: Dir,
  signal: AbortSignal | undefined,
  fn: Step<T>,
): Promise<T> {
  return run(new FnOp(sock, fn), dir, signal)
}

// A promise's resolve/reject without a closure per promise.
export const captured: { resolve: (v: unknown) => void; reject: (e: unknown) => void } = {
  resolve: () => {},
  reject: () => {},
}
export function capture(resolve: (v: never) => void, reject: (e: unknown) => void): void {
  captured.resolve = resolve as (v: unknown) => void
  captured.reject = reject
}

// setTimeout's longest delay; longer socket timeouts re-arm in steps.
export const MAX_DELAY = 2 ** 31 - 1

/** Rejects `op` with TimeoutError after `ms` milliseconds. */
export function armTimeout(w: Waiter, dir: Dir, op: Op, ms: number): void {
  if (ms > MAX_DELAY) {
    op.timer = setTimeout(() => armTimeout(w, dir, op, ms - MAX_DELAY), MAX_DELAY)
  } else {
    op.timer = setTimeout(() => leave(w, dir, op, new TimeoutError('timed out')), ms)
  }
}

/** Takes `op` out of its queue (aborted or timed out) and rejects it with `e`. */
export function leave(w: Waiter, dir: Dir, op: Op, e: unknown): void {
  const q = w.queues[dir]
  const wasHead = q.remove(op)
  op.fail(e)
  // The next call in line may be able to go now.
  if (wasHead === true && !q.empty && !w.dead) drain(w, dir)
  update(w)
}

/**
 * Throws unless `view` still covers the `size` bytes a waiting call was
 * given: its ArrayBuffer may have been transferred, detached or shrunk
 * while the call waited, and reading 0 bytes from it would look like EOF
 * (or sending 0 like success).
 */
export function stillCovers(view: { byteLength: number }, size: number, fn: string): void {
  let left: number
  try {
    left = view.byteLength
  } catch {
    // A DataView over a detached buffer throws instead of reading 0.
    left = 0
  }
  if (left < size) {
    throw new ValueError(
      `${fn}(): the buffer was detached, transferred or shrunk while the call waited ` +
        `(${left} of ${size} bytes left)`,
    )
  }
}

export function wouldBlock(errno: number): boolean {
  return errno === EAGAIN || errno === EWOULDBLOCK
}

/**
 * A buffer for a read of up to `size` bytes. The kernel never returns more
 * than MAX_RW_COUNT (INT_MAX rounded down to a page) from one call, so a
 * larger request reads into that much, as CPython's would in effect.
 */
export function bigBuffer(size: number): Buffer {
  return Buffer.allocUnsafe(Math.min(size, MAX_READ))
}
export const MAX_READ = 0x7fff_f000
