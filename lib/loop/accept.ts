// Accepting a connection without blocking: shared by loop.sock_accept and
// loop.sock_serve.
import { osError } from '../errors'
import { SocketImpl, type socket } from '../socket'
import native = require('../native')
import { AGAIN, Op, empty, EINTR } from './waiter'
import { wouldBlock } from './run'

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
function adopt(listener: SocketImpl, fd: number): socket {
  try {
    return new SocketImpl(listener.family, listener.type, listener.proto, fd) as socket
  } catch (e) {
    native.close(fd)
    throw e
  }
}
