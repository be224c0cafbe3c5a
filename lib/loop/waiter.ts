// The machinery of socket.loop: one Waiter per watched fd, FIFO queues of
// calls per direction, and the native readiness callback (libuv poll
// handles or the reactor thread).
import { constants as osConstants } from 'node:os'
import { fromNative, osError } from '../errors'
import { socket, nativeCall, releaseHooks } from '../socket'
import native = require('../native')

export const { EAGAIN, EWOULDBLOCK, EINTR, EINPROGRESS, EALREADY, EBADF, ENOSYS, EINVAL } =
  osConstants.errno
// The status the native side reports after catching a panic.
export const PANICKED = -(2 ** 31)
// The status the native side reports when the fd was closed (or closed and
// its number reused) behind its back: it has stopped polling it.
export const CLOSED = PANICKED + 1
export const SCRATCH_SIZE = 64 * 1024
export const scratch = Buffer.allocUnsafeSlow(SCRATCH_SIZE)

export type { LoopOptions } from './options'

/** What one non-blocking attempt returns when the call would block. */
export const AGAIN: unique symbol = Symbol('again')
export type Step<T> = () => T | typeof AGAIN

export const READ = 0
export const WRITE = 1
export type Dir = typeof READ | typeof WRITE

// ---------------------------------------------------------------------------
// Readiness: one Waiter per watched fd.

/** The readiness mechanism: libuv poll handles, or the reactor thread. */
export interface Readiness {
  watch(fd: number, events: number, keepAlive: boolean): void
  release(fd: number): void
  /** True when `fd` is watched but no longer refers to the file it was watched for. */
  stale(fd: number): boolean
}

export let poller: Readiness | null = null
export let pollerKind: 'uv' | 'thread' | null = null

/** @internal Which mechanism waits: libuv poll handles or the reactor thread. */
export function readinessKind(): 'uv' | 'thread' | null {
  return pollerKind
}
export let READABLE = 1
export let WRITABLE = 2

/**
 * The readiness mechanism of this thread, chosen once:
 * - `PYSOCKET_LOOP_POLLER=thread`: the reactor thread.
 * - `PYSOCKET_LOOP_POLLER=uv`: libuv's poll handles, without the probe (for
 *   a host the probe does not recognise; under Bun this aborts the process,
 *   whose libuv functions are stubs that panic).
 * - otherwise libuv's poll handles where `Poller.probe()` finds that the
 *   environment's loop is a libuv loop (Node, Electron), else the reactor
 *   thread (Bun, Deno). The probe reads the loop's memory and calls no libuv
 *   function; a name match on the runtime would be wrong for any host that
 *   changes what it provides.
 */
export function getPoller(): Readiness {
  if (poller === null) {
    const choice = process.env.PYSOCKET_LOOP_POLLER
    let p: Readiness
    let kind: 'uv' | 'thread' = 'thread'
    const useUv = choice === 'uv' || (choice !== 'thread' && native.Poller.probe())
    if (useUv) {
      try {
        p = new native.Poller(dispatch)
        ;[READABLE, WRITABLE] = native.Poller.events()
        kind = 'uv'
      } catch (e) {
        if (choice === 'uv') throw fromNative(e)
        p = nativeCall('poll', () => new native.ReactorPoller(dispatch))
      }
    } else {
      p = nativeCall('poll', () => new native.ReactorPoller(dispatch))
    }
    poller = p
    pollerKind = kind
  }
  return poller
}

export const noop = (): void => {}

/**
 * One call: its non-blocking attempt (`step`), and once it waits, its
 * promise, timer and abort listener. The hot calls are subclasses (no
 * closure per call); the others wrap a function (`FnOp`).
 */
export abstract class Op<T = unknown> {
  // The fields are assigned in the constructor, not declared with
  // initialisers: class fields are defined by DefineNamedOwnIC, which, once
  // this constructor has seen more subclasses than an inline cache holds
  // (five op classes in a program that uses accept, connect, recv, recv_into
  // and sendall), goes to the runtime for every field of every op, and the
  // process stays about 30 % slower per round trip from then on. Plain
  // stores have a megamorphic cache and cost the same for any number of
  // subclasses.
  /** The next call in the same queue. */
  declare next: Op | null
  declare resolve: (v: T) => void
  declare reject: (e: unknown) => void
  declare signal: AbortSignal | undefined
  declare timer: ReturnType<typeof setTimeout> | undefined
  declare onAbort: (() => void) | undefined
  declare readonly sock: socket
  constructor(sock: socket) {
    this.next = null
    this.resolve = noop
    this.reject = noop
    this.signal = undefined
    this.timer = undefined
    this.onAbort = undefined
    this.sock = sock
  }

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

export class FnOp<T> extends Op<T> {
  constructor(
    sock: socket,
    readonly fn: Step<T>,
  ) {
    super(sock)
  }
  step(): T | typeof AGAIN {
    return this.fn()
  }
}

export type Callback = () => void

/** A FIFO of calls, linked through `Op.next` (no array per socket). */
export class Fifo {
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

export class Waiter {
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
  /**
   * How many of the last reads that tried at once, as soon as they were
   * called, found the socket empty (up to GUESS_AFTER; a read that found
   * data resets it). See `afterRead`.
   */
  readMisses = 0
  /** Reads completed while guessing that the socket is empty after each (see `afterRead`). */
  readGuesses = 0
  /** Waiting in `idle` for the idle check (deferUnref). */
  idleQueued = false
  /** A socket call used this fd: keep the handle until the socket lets go of it. */
  owned = false
  /** Polling this fd must not keep the process alive (a stream's unref()). */
  unref = false
  /** The socket object whose calls first waited here. */
  owner: socket | null = null
  /** An event came since the last sweep for fds closed behind our back (sweep.ts). */
  seen = false
  dead = false
  /** Why polling failed, if it did. */
  error: unknown = null
  constructor(readonly fd: number) {}
}

export const waiters = new Map<number, Waiter>()

export function waiterFor(fd: number): Waiter {
  let w = waiters.get(fd)
  if (w === undefined) {
    w = new Waiter(fd)
    waiters.set(fd, w)
  }
  return w
}

/**
 * The waiter of `fd` for `owner` (null: a raw add_reader/add_writer), or
 * undefined if there is none. A waiter whose fd was closed behind the
 * poller's back, its number now naming another file, is dropped first
 * (what waited on it rejects with EBADF). Only asked when the owner may
 * differ, so a socket's own calls pay nothing.
 */
export function liveWaiter(fd: number, owner: socket | null): Waiter | undefined {
  const w = waiters.get(fd)
  if (w === undefined || (owner !== null && w.owner === owner) || poller === null) return w
  if (!poller.stale(fd)) return w
  drop(w, osError(EBADF))
  return undefined
}

/** Polls for what the queues and callbacks need; releases unused raw fds. */
export function update(w: Waiter): void {
  if (w.dead) return
  const want =
    (!w.queues[READ].empty || w.callbacks[READ] !== null ? READABLE : 0) |
    (!w.queues[WRITE].empty || w.callbacks[WRITE] !== null ? WRITABLE : 0)
  if (want & READABLE && w.owned) w.lazyRead = true
  const events = want | (w.lazyRead ? READABLE : 0)
  // Letting go of the process is deferred to the idle check (IDLE_MS): a
  // socket that just finished a call usually starts the next one.
  const keepAlive =
    !w.unref && (want !== 0 || (w.keepAlive && events === w.events && deferUnref(w)))
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

export let idle: Waiter[] = []
export let idleCheck: ReturnType<typeof setTimeout> | null = null
/**
 * How long an idle waiter may keep the process alive, in milliseconds. The
 * check runs on an unreferenced timer rather than at the end of every turn
 * (a setImmediate per turn costs about a microsecond per round trip of a
 * busy socket, which is nearly always busy again by then): a process whose
 * last call just finished exits at most this much later.
 */
export const IDLE_MS = 1

/** Queues `w` for the idle check; true (still kept alive for now). */
export function deferUnref(w: Waiter): boolean {
  if (!w.idleQueued) {
    w.idleQueued = true
    idle.push(w)
    if (idleCheck === null) {
      idleCheck = setTimeout(unrefIdle, IDLE_MS)
      idleCheck.unref()
    }
  }
  return true
}

export function unrefIdle(): void {
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
export function drop(w: Waiter, err: unknown): void {
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
export const readState = { drained: false }

/** A read attempt found nothing: AGAIN, and remember that the socket is empty. */
export function empty(): typeof AGAIN {
  readState.drained = true
  return AGAIN
}

// After this many reads in a row that tried at once and found nothing,
// a completed read is taken to leave the socket empty.
const GUESS_AFTER = 2
// While guessing so, one read in this many tries at once all the same, to
// notice a sender that got ahead (a power of two: the mask is one less).
const PROBE_EVERY = 8

/**
 * Records a read attempt on `w` and decides whether the next read may try
 * its syscall at once (`mayRead`). `immediate`: the attempt was a new
 * call's own, made when it was called, not one after a readable event;
 * `done`: it completed (or raised) rather than finding nothing.
 *
 * After EAGAIN, or a short read on a stream, the socket is known to be
 * empty. After a full read it is not known: a datagram socket, or a stream
 * read that filled its buffer, may or may not hold more. When the reads of
 * this socket keep finding it empty as soon as they are called (a request
 * and reply protocol, where each read comes before the peer's answer), the
 * next read waits for the readable event at once instead of paying for a
 * syscall that fails; one read in PROBE_EVERY still tries, and a try that
 * finds data ends the guessing. The poll is level-triggered, so a wrong
 * guess costs one turn of the event loop, never a lost event.
 */
export function afterRead(w: Waiter, immediate: boolean, done: boolean): void {
  if (immediate) w.readMisses = done ? 0 : Math.min(w.readMisses + 1, GUESS_AFTER)
  w.mayRead =
    !readState.drained &&
    !(done && w.readMisses === GUESS_AFTER && (++w.readGuesses & (PROBE_EVERY - 1)) !== 0)
}

/** Serves the head of a queue for as long as its calls complete. */
export function drain(w: Waiter, dir: Dir): void {
  const q = w.queues[dir]
  for (let op = q.head; op !== null; op = q.head) {
    readState.drained = false
    const done = op.attempt()
    if (dir === READ) afterRead(w, false, done)
    if (!done) return
    if (q.head === op) q.shift()
  }
}

/** The native callback: `fd` is ready for `events`, or failed (`status` < 0). */
export function dispatch(fd: number, status: number, events: number): void {
  const w = waiters.get(fd)
  if (w === undefined) return
  w.seen = true
  if (status === PANICKED) {
    drop(w, new Error('pysocket: internal error while polling (a bug: please report it)'))
    return
  }
  if (status === CLOSED) {
    drop(w, osError(EBADF))
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

export const NONE = Symbol('none')

/** Runs an add_reader/add_writer callback; returns the first exception seen. */
export function callback(w: Waiter, dir: Dir, thrown: unknown): unknown {
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
