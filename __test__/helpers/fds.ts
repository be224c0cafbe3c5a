// The fd-leak check: open fds of this process before and after a test file.
import { readdirSync } from 'node:fs'
import type { TestFn } from 'ava'

/** How many fds this process has open. */
export function openFds(): number {
  return readdirSync('/proc/self/fd').length
}

/**
 * Registers a check that the file's tests leave no fd open: counts before
 * the first test and after the last. Tests must close what they open.
 */
export function checkFdLeaks(test: TestFn): void {
  let before = 0
  test.before(() => {
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
