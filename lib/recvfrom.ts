// recvfrom in one crossing of the addon: the count comes back as the result
// and an AF_INET/AF_INET6 sender as numbers in a reused Float64Array, and
// Python's address tuple is made here. Built through Node-API element by
// element, the tuple cost more than the syscall (about 1.2 µs a datagram).
import { AF_INET, AF_INET6 } from './constants'
import { fast } from './fast'
import { ntop6Words } from './ip6'

/**
 * What crates/node/src/fast.rs `sender_numbers` writes: `[AF_INET, address
 * as a u32, port]`, `[AF_INET6, eight 16-bit words, port, flowinfo,
 * scope_id]` or `[0]` (no address). One array serves every call: the
 * numbers are read before anything else can call recvfrom.
 */
const sender = new Float64Array(fast.fastSenderSlots)

/**
 * recvfrom(2) of at most `nbytes` into `view` (`timeout` in seconds as the
 * socket keeps it: negative blocks, 0 does not wait): `[count, address]`
 * with the address as `recvfrom` returns it, or -errno.
 */
export function recvfromInto(
  fd: number,
  view: Uint8Array,
  nbytes: number,
  flags: number,
  timeout: number,
): [number, unknown] | number {
  const r = fast.fastRecvfromInto(fd, view, nbytes, flags, timeout, sender)
  if (typeof r !== 'number' || r < 0) return r
  return [r, senderAddress()]
}

/** The sender `fastRecvfromInto` left in `sender`, as Python's tuple (or null). */
function senderAddress(): unknown {
  const family = sender[0]
  if (family === AF_INET) {
    const a = sender[1]
    return [`${a >>> 24}.${(a >>> 16) & 0xff}.${(a >>> 8) & 0xff}.${a & 0xff}`, sender[2]]
  }
  if (family === AF_INET6) return [ntop6Words(sender, 1), sender[9], sender[10], sender[11]]
  return null
}
