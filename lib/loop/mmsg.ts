// The Promise forms of the batched datagram calls (`loop.sock_recvmmsg`,
// `loop.sock_sendmmsg`), over the synchronous ones of lib/mmsg.ts: one
// non-blocking attempt, then readiness waits as every loop call.
import { cInt } from '../args'
import { fromNative } from '../errors'
import { socket } from '../socket'
import {
  available,
  batchOf,
  receive,
  recvArgs,
  send,
  type MmsgOutgoing,
  type MmsgReceived,
} from '../mmsg'
import * as C from '../constants'
import { checkOptions, checkSocket, runFn, wouldBlock } from './run'
import { type LoopOptions, READ, WRITE, empty } from './waiter'

/** One non-blocking attempt: the result, or AGAIN when it would block. */
function attempt<T>(syscall: string, f: () => T): T | ReturnType<typeof empty> {
  try {
    return f()
  } catch (e) {
    // An errno arrives as a number: "would block" costs no exception object.
    if (typeof e === 'number' && wouldBlock(e)) return empty()
    throw fromNative(e, syscall)
  }
}

function isOptions(v: unknown): v is LoopOptions {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
}

/** `sock.recvmmsg` as a Promise: resolves once at least one datagram is there. */
export function sock_recvmmsg(
  sock: socket,
  vlen: number,
  bufsize: number,
  ancbufsize: number | LoopOptions = 0,
  flags: number | LoopOptions = 0,
  opts?: LoopOptions,
): Promise<MmsgReceived[]> {
  try {
    const s = checkSocket(sock, 'sock_recvmmsg')
    if (isOptions(ancbufsize)) {
      opts = ancbufsize
      ancbufsize = 0
      flags = 0
    } else if (isOptions(flags)) {
      opts = flags
      flags = 0
    }
    const [v, size, anc] = recvArgs('sock_recvmmsg', vlen, bufsize, ancbufsize)
    const fl = cInt(flags) | C.MSG_DONTWAIT
    const signal = checkOptions(opts)
    return runFn(s, READ, signal, () => attempt('recvmmsg', () => receive(s, v, size, anc, fl, 0)))
  } catch (e) {
    return Promise.reject(e)
  }
}

/** `sock.sendmmsg` as a Promise: resolves to the count sent, once any could go. */
export function sock_sendmmsg(
  sock: socket,
  messages: Iterable<MmsgOutgoing>,
  flags: number | LoopOptions = 0,
  opts?: LoopOptions,
): Promise<number> {
  try {
    const s = checkSocket(sock, 'sock_sendmmsg')
    if (isOptions(flags)) {
      opts = flags
      flags = 0
    }
    const fl = cInt(flags) | C.MSG_DONTWAIT
    const batch = batchOf(s, 'sock_sendmmsg', messages)
    const signal = checkOptions(opts)
    return runFn(s, WRITE, signal, () => attempt('sendmmsg', () => send(s, batch, fl, 0)))
  } catch (e) {
    return Promise.reject(e)
  }
}

/** The Promise forms, for `socket.loop` (empty where the platform has no batching). */
export const loopMmsg: {
  /** {@link socket.recvmmsg} as a Promise, once a datagram is there (Linux only). */
  sock_recvmmsg?: typeof sock_recvmmsg
  /** {@link socket.sendmmsg} as a Promise, once any message could go (Linux only). */
  sock_sendmmsg?: typeof sock_sendmmsg
} = available ? { sock_recvmmsg, sock_sendmmsg } : {}
