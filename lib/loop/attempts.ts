// The loop's non-blocking attempts (socket.loop, the streams): the addon's
// hand-written data-path calls with MSG_DONTWAIT and no timeout, so that an
// attempt never waits whatever the socket's own mode. Each returns the
// count (recvfrom: `[count, address]`) or -errno.
import { MSG_DONTWAIT } from '../constants'
import { fast } from '../fast'
import { recvfromInto } from '../recvfrom'

/** recv(2) of at most `nbytes` into `buf`. */
export function tryRecvInto(fd: number, buf: Uint8Array, nbytes: number, flags: number): number {
  return fast.fastRecvInto(fd, buf, nbytes, flags | MSG_DONTWAIT, 0)
}

/** recvfrom(2) of at most `nbytes` into `buf`: `[count, address]`, or -errno. */
export function tryRecvfromInto(
  fd: number,
  buf: Uint8Array,
  nbytes: number,
  flags: number,
): [number, unknown] | number {
  return recvfromInto(fd, buf, nbytes, flags | MSG_DONTWAIT, 0)
}

/** send(2) of `buf[offset:]`. */
export function trySend(fd: number, buf: Uint8Array, offset: number, flags: number): number {
  return fast.fastSend(fd, offset === 0 ? buf : buf.subarray(offset), flags | MSG_DONTWAIT, 0)
}

/** sendto(2) of `buf` to the encoded address `sa`. */
export function trySendto(fd: number, buf: Uint8Array, flags: number, sa: Uint8Array): number {
  return fast.fastSendto(fd, buf, flags | MSG_DONTWAIT, sa, 0)
}
