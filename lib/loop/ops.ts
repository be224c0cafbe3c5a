// The non-blocking attempts that both the Promise API (lib/loop.ts) and the
// streams (lib/stream.ts, lib/messages.ts, lib/serve.ts) run.
import { osError } from '../errors'
import { socket } from '../socket'
import * as C from '../constants'
import native = require('../native')
import { AGAIN, Op, empty, readState, EINTR } from './waiter'
import { stillCovers, wouldBlock } from './run'
import { tryRecvInto, trySend } from './attempts'

/** Receives into `view`; the count, 0 at end of stream (`sock.recv_into`). */
export class RecvIntoOp extends Op<number> {
  /** The size of the buffer when the call was made. */
  readonly size: number
  constructor(
    sock: socket,
    readonly view: Uint8Array,
  ) {
    super(sock)
    this.size = view.byteLength
  }

  step(): number | typeof AGAIN {
    const size = this.size
    stillCovers(this.view, size, 'sock_recv_into')
    for (;;) {
      const n = tryRecvInto(this.sock._fd, this.view, size, 0)
      if (n >= 0) {
        readState.drained = n < size && this.sock.type === C.SOCK_STREAM
        return n
      }
      if (wouldBlock(-n)) return empty()
      if (-n !== EINTR) throw osError(-n, 'recv')
    }
  }
}

/** Sends all of `buf` (`sock.sendall`); `sent` counts what the kernel took so far. */
export class SendallOp extends Op<void> {
  sent = 0
  /** The size of the data when the call was made: all of it is sent, or the call fails. */
  readonly total: number
  constructor(
    sock: socket,
    readonly buf: Uint8Array,
  ) {
    super(sock)
    this.total = buf.byteLength
  }

  step(): void | typeof AGAIN {
    return sendRest(this, 'sock_sendall')
  }
}

/** What `sendRest` works on: the data, its size when the call was made, and the progress. */
export interface Sending {
  readonly sock: socket
  readonly buf: Uint8Array
  readonly total: number
  sent: number
}

/**
 * Sends what `w.buf` has left after `w.sent` (counting progress there):
 * undefined once all `w.total` bytes went, AGAIN when the socket is full.
 * `fn` names the call in the error for a buffer that shrank meanwhile.
 */
export function sendRest(w: Sending, fn: string): void | typeof AGAIN {
  const buf = w.buf
  stillCovers(buf, w.total, fn)
  while (w.sent < w.total) {
    const n = trySend(w.sock._fd, buf, w.sent, 0)
    if (n >= 0) w.sent += n
    else if (wouldBlock(-n)) return AGAIN
    else if (-n !== EINTR) throw osError(-n, 'send')
  }
  return undefined
}

/** One accept attempt: `[conn, address]`, or AGAIN. */
export class AcceptOp extends Op<[socket, unknown]> {
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
function adopt(listener: socket, fd: number): socket {
  try {
    return new socket(listener.family, listener.type, listener.proto, fd) as socket
  } catch (e) {
    native.close(fd)
    throw e
  }
}
