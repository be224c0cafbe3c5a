// The addon's hand-written data-path calls (crates/node/src/fast.rs): the
// same as `recvInto`/`send` without napi-rs's per-call bookkeeping. They are
// registered at load time, so the generated binding.d.ts does not list them.
// A failed syscall returns -errno instead of throwing, so that the caller
// throws the Python exception as the only throw of the failure.
import native = require('./native')

export interface FastPath {
  /** recv(2) into `buf[:nbytes]`; returns the count or -errno. `timeout`: seconds, -1 blocks. */
  fastRecvInto(fd: number, buf: Uint8Array, nbytes: number, flags: number, timeout: number): number
  /** send(2) of `buf`; returns the count sent or -errno. */
  fastSend(fd: number, buf: Uint8Array, flags: number, timeout: number): number
}

export const fast = native as unknown as FastPath
