// add_reader/add_writer: raw readiness callbacks on any fd (asyncio's rules).
import { ValueError } from '../errors'
import { armSweep } from './sweep'
import { READ, WRITE, Dir, waiters, waiterFor, liveWaiter, update } from './waiter'

/**
 * The fd each file object was registered under, per direction: asyncio
 * finds a registration by its object when the object has no fd any more
 * (a socket closed since), and so does remove_reader/remove_writer here.
 */
const byObject = new WeakMap<object, [number, number]>()

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
  liveWaiter(fd, null)
  const w = waiterFor(fd)
  w.callbacks[dir] = () => {
    callback(...args)
  }
  update(w)
  // Polling could not start: the OSError asyncio's selector raises (EBADF
  // for a closed fd, EPERM for a regular file; EEXIST: the host polls it).
  if (w.dead && w.error !== null) throw w.error
  armSweep()
  if (typeof fileobj === 'object' && fileobj !== null) {
    const fds = byObject.get(fileobj) ?? [-1, -1]
    fds[dir] = fd
    byObject.set(fileobj, fds)
  }
}

function removeCallback(dir: Dir, fileobj: unknown): boolean {
  let fd: number
  const known = typeof fileobj === 'object' && fileobj !== null ? byObject.get(fileobj) : undefined
  try {
    fd = watchFd(fileobj)
  } catch (e) {
    // A closed socket: its registration is found by the object while
    // either direction is registered (selectors' _fileobj_lookup).
    if (known === undefined || (known[READ] < 0 && known[WRITE] < 0)) throw e
    fd = known[dir] >= 0 ? known[dir] : known[dir === READ ? WRITE : READ]
  }
  // Registered through this object and not removed since: closing the
  // socket stopped the polling, but asyncio still reports the removal.
  const byThis = known !== undefined && known[dir] === fd
  if (byThis) known[dir] = -1
  const w = waiters.get(fd)
  if (w === undefined || w.callbacks[dir] === null) return byThis
  w.callbacks[dir] = null
  update(w)
  return true
}

/** Calls `callback(...args)` whenever `fd` is readable, until remove_reader(fd). */
export function add_reader(
  fd: number | { fileno(): number },
  callback: (...args: any[]) => unknown,
  ...args: unknown[]
): void {
  addCallback(READ, fd, callback, args)
}

/** Stops watching `fd` for reading; true if it was watched. */
export function remove_reader(fd: number | { fileno(): number }): boolean {
  return removeCallback(READ, fd)
}

/** Calls `callback(...args)` whenever `fd` is writable, until remove_writer(fd). */
export function add_writer(
  fd: number | { fileno(): number },
  callback: (...args: any[]) => unknown,
  ...args: unknown[]
): void {
  addCallback(WRITE, fd, callback, args)
}

/** Stops watching `fd` for writing; true if it was watched. */
export function remove_writer(fd: number | { fileno(): number }): boolean {
  return removeCallback(WRITE, fd)
}
