// The addon's hand-written data-path calls (crates/node/src/fast.rs): the
// same as `recvInto`/`send` without napi-rs's per-call bookkeeping. They are
// registered at load time, so the generated binding.d.ts does not list them.
// A failed syscall returns -errno instead of throwing, so that the caller
// throws the Python exception as the only throw of the failure.
import native = require('./native')

export interface FastPath {
  /** recv(2) into `buf[:nbytes]`; returns the count or -errno. `timeout`: seconds, -1 blocks. */
  fastRecvInto(fd: number, buf: Uint8Array, nbytes: number, flags: number, timeout: number): number
  /**
   * recvfrom(2) into `buf[:nbytes]`: the count, with an AF_INET/AF_INET6
   * sender (or none) written to `sender` as numbers (see lib/recvfrom.ts),
   * or -errno; for a sender of another family, `[count, address]`.
   */
  fastRecvfromInto(
    fd: number,
    buf: Uint8Array,
    nbytes: number,
    flags: number,
    timeout: number,
    sender: Float64Array,
  ): number | [number, unknown]
  /** How many numbers `fastRecvfromInto` may write to `sender`: its length. */
  readonly fastSenderSlots: number
  /** send(2) of `buf`; returns the count sent or -errno. */
  fastSend(fd: number, buf: Uint8Array, flags: number, timeout: number): number
  /** sendto(2) of `buf` to the sockaddr bytes `addr`; returns the count sent or -errno. */
  fastSendto(fd: number, buf: Uint8Array, flags: number, addr: Uint8Array, timeout: number): number
  /**
   * sendmsg(2) of `buf` with at most one ancillary item (`data` null for
   * none) and an optional destination (sockaddr bytes); returns the count
   * sent or -errno; other failures throw as the addon's other calls do
   * (see `fromNative`).
   */
  fastSendmsgOne(
    fd: number,
    buf: Uint8Array,
    level: number,
    type: number,
    data: Uint8Array | null,
    flags: number,
    addr: Uint8Array | null,
    timeout: number,
  ): number
  /**
   * recvmsg(2) into `buf`, the control data left in `control[:ancbufsize]`
   * and the numbers in `out` (see crates/node/src/msg.rs `recv_one`);
   * returns the sender's address. Failures throw (see `fromNative`).
   */
  fastRecvmsgOne(
    fd: number,
    buf: Uint8Array,
    control: Uint8Array,
    ancbufsize: number,
    flags: number,
    timeout: number,
    out: Float64Array,
  ): unknown
  /** getsockopt(2) of an int option; a failure throws the errno (a number). */
  fastGetsockoptInt(fd: number, level: number, optname: number): number
}

export const fast = native as unknown as FastPath
