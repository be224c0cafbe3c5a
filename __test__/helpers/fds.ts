// The fd-leak check: open fds of this process before and after a test file.
import { fstatSync, readdirSync } from 'node:fs'
import type { TestFn } from 'ava'
import { loop, socketpair } from '../../index'

/** How many fds this process has open. */
export function openFds(): number {
  return readdirSync('/proc/self/fd').length
}

/**
 * A random value for a call that takes a file, with -1 in place of any value
 * that could name an fd this process has open (a number, a bigint, an object
 * with such an `fd` or with a `fileno()` method). Reading such an fd would
 * take bytes from the test runner's own IPC channel or wakeup pipes and hang
 * the run.
 */
export function withoutOpenFds(v: unknown): unknown {
  let n: unknown = v
  if (typeof v === 'object' && v !== null) {
    // An object's fileno() could return any fd: such objects are left out.
    if (typeof (v as { fileno?: unknown }).fileno === 'function') return -1
    n = (v as { fd?: unknown }).fd // a FileHandle-like object names its fd
  }
  if (typeof n === 'bigint') n = Number(n)
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 2 ** 31 - 1) return v
  try {
    fstatSync(n)
    return -1
  } catch {
    return v // not open: the call sees the value as it came
  }
}

/**
 * Registers a check that the file's tests leave no fd open: counts before
 * the first test and after the last. Tests must close what they open.
 */
export function checkFdLeaks(test: TestFn): void {
  let before = 0
  test.before(() => {
    // The loop's poller lives as long as the thread and has fds of its own
    // (under PYSOCKET_LOOP_POLLER=thread: the reactor's wake pipe and the
    // epoll set that probes fds): made now, they are no leak of the tests.
    const [a, b] = socketpair()
    loop.add_reader(a.fileno(), () => {})
    loop.remove_reader(a.fileno())
    a.close()
    b.close()
    before = openFds()
  })
  test.after.always('no fd leaked', (t) => {
    // A fd or two may belong to Node itself (worker threads, stdio pipes
    // opened lazily); sockets of the tests would show up as more.
    const after = openFds()
    if (after > before) {
      const list = readdirSync('/proc/self/fd').map((fd) => {
        try {
          return `${fd}->${require('node:fs').readlinkSync('/proc/self/fd/' + fd)}`
        } catch {
          return fd
        }
      })
      t.fail(`fds before ${before}, after ${after}: ${list.join(' ')}`)
    }
  })
}
