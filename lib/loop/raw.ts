// add_reader/add_writer: raw readiness callbacks on any fd (asyncio's rules).
import { ValueError } from '../errors'
import { READ, WRITE, Dir, waiters, waiterFor, update, callback } from './waiter'

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
