// `fromnode(obj)`: the fd of a node:net Socket or Server as a pysocket
// socket, over a duplicate (as `fromfd`), family and type read from the fd.
//
// Node documents no way to read a socket's fd. net.Socket and net.Server
// carry it as `_handle.fd` (undocumented, there since Node 0.x, on Unix;
// -1 on Windows; absent under a TLSSocket, whose handle is the TLS layer,
// and in runtimes without libuv handles). dgram.Socket hides its handle
// behind an internal symbol (its `_handle` getter is deprecated, DEP0112),
// so it cannot be adopted; the other way works for all three, with public
// API: make the socket with pysocket and pass `sock.detach()` to
// `new net.Socket({ fd })`, `server.listen({ fd })` or dgram's
// `socket.bind({ fd })`.
import * as net from 'node:net'
import * as dgram from 'node:dgram'

import { ValueError, fromNative } from './errors'
import { socket } from './socket'
import native = require('./native')

/**
 * A pysocket socket over a duplicate of the fd of `obj`, a connected
 * `net.Socket` or a listening `net.Server`. Both own their fd: to hand the
 * connection over, adopt it, then `destroy()` the net.Socket (or `close()`
 * the net.Server), which closes Node's fd and leaves the duplicate open.
 * The socket comes in non-blocking mode (`gettimeout()` 0): the file's
 * O_NONBLOCK is shared with Node's fd, which needs it; call
 * `setblocking(true)` or `settimeout()` once Node has let go.
 */
export function fromnode(obj: net.Socket | net.Server): socket {
  if (obj instanceof dgram.Socket) {
    throw new TypeError(
      'Node does not expose the fd of a dgram.Socket: make the socket with pysocket ' +
        "and give Node its fd with dgram's socket.bind({ fd })",
    )
  }
  if (!(obj instanceof net.Socket) && !(obj instanceof net.Server)) {
    throw new TypeError(`fromnode() argument must be a net.Socket or net.Server`)
  }
  const handle = (obj as unknown as { _handle?: { fd?: unknown } | null })._handle
  const fd = handle?.fd
  if (typeof fd !== 'number' || fd < 0) {
    throw new ValueError(
      'this object has no fd of its own (not connected or listening, closed, a TLS socket, ' +
        'or a runtime that does not expose it)',
    )
  }
  let copy: number
  try {
    copy = native.dup(fd)
  } catch (e) {
    throw fromNative(e, 'dup')
  }
  try {
    const s = new socket({ fileno: copy })
    s.setblocking(false)
    return s
  } catch (e) {
    native.close(copy)
    throw e
  }
}
