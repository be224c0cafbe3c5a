// Finding fds closed behind the loop's back. epoll forgets a closed fd
// without a word and poll(2) sleeping on one is not woken, so a call
// waiting on an fd that `fs.closeSync` (or any other code) closed would
// wait forever and keep the process alive. While anything waits, a timer
// (unreferenced: it never keeps the process alive by itself) asks the
// poller about each waiter that saw no event since the previous round;
// one whose fd no longer refers to its file is dropped and what waited on
// it rejects with EBADF. Busy fds cost nothing: they had events.
import { EBADF, drop, poller, waiters } from './waiter'
import { osError } from '../errors'

/** How often idle waiters are checked, in milliseconds. */
export const SWEEP_MS = 1000

let timer: ReturnType<typeof setTimeout> | null = null

/** Makes sure a round is scheduled (called when a call or callback starts waiting). */
export function armSweep(): void {
  if (timer !== null) return
  timer = setTimeout(sweep, SWEEP_MS)
  timer.unref()
}

function sweep(): void {
  timer = null
  if (poller === null) return
  let waiting = false
  for (const w of [...waiters.values()]) {
    const busy =
      !w.queues[0].empty || !w.queues[1].empty || w.callbacks[0] !== null || w.callbacks[1] !== null
    if (!busy) continue
    waiting = true
    if (w.seen) {
      w.seen = false
      continue
    }
    if (poller.stale(w.fd)) drop(w, osError(EBADF))
  }
  if (waiting) armSweep()
}
