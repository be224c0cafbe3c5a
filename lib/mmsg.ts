// Batched datagrams (Linux): `sock.recvmmsg` / `sock.sendmmsg` and their
// Promise forms `loop.sock_recvmmsg` / `loop.sock_sendmmsg`, many messages
// per syscall with the semantics of recvmsg/sendmsg for each one (address,
// ancillary data, flags; the socket's timeout covers the whole call). Python
// has no such methods; the arguments and messages follow recvmsg/sendmsg's.
// The syscalls and the mmsghdr layout are in the addon
// (crates/core/src/mmsg.rs); where the platform has none, these are absent.
import { cInt, ssize } from './args'
import { encodeAddress } from './address'
import { ValueError, fromNative } from './errors'
import { pyTypeName } from './pytypes'
import { socket, nativeCall } from './socket'
import {
  type AncItem,
  MALFORMED,
  allocate,
  ancSize,
  argCount,
  fast,
  given,
  messageParts,
} from './msg'
import * as C from './constants'
import native = require('./native')

/** One received message: `[data, ancdata, msg_flags, address]`, as recvmsg's. */
export type MmsgReceived = [Buffer, AncItem[], number, unknown]

/** One message to send: `[buffers, ancdata?, flags?, address?]`, sendmsg's arguments. */
export type MmsgOutgoing = [
  buffers: Iterable<ArrayBufferView | ArrayBuffer>,
  ancdata?: Iterable<[number, number, ArrayBufferView | ArrayBuffer]>,
  flags?: number,
  address?: unknown,
]

interface MmsgBinding {
  recvmmsg(
    fd: number,
    data: Uint8Array,
    bufsize: number,
    vlen: number,
    ancbufsize: number,
    flags: number,
    timeout: number,
    counts: Int32Array,
  ): unknown[]
  sendmmsg(
    fd: number,
    count: number,
    layout: Int32Array,
    bufs: Uint8Array[],
    anc: Uint8Array[],
    addrs: Uint8Array,
    flags: number,
    timeout: number,
  ): number
  mmsgMaxVlen(): number
}

const binding = native as unknown as Partial<MmsgBinding>

/** Whether this platform has recvmmsg/sendmmsg (Linux). */
export const available = typeof binding.recvmmsg === 'function'

const addon = binding as MmsgBinding
/** The most messages one call takes (the kernel's UIO_MAXIOV); larger batches are clamped. */
const MAX_VLEN = available ? addon.mmsgMaxVlen() : 0
// [nbytes, msg_flags, malformed] per message, written by the addon.
const counts = new Int32Array(3 * MAX_VLEN)
// The receive area, reused across calls (data is copied out compactly, so
// that a small datagram never keeps a whole batch's buffer alive).
const SCRATCH_LIMIT = 4 * 1024 * 1024
let scratch = Buffer.allocUnsafeSlow(0)

function receiveArea(size: number): Buffer {
  if (size <= scratch.length) return scratch
  if (size > SCRATCH_LIMIT) return allocate(size)
  scratch = Buffer.allocUnsafeSlow(Math.max(size, 64 * 1024))
  return scratch
}

/** The checked arguments of recvmmsg: `[vlen, bufsize, ancbufsize]`. */
/** @internal */
export function recvArgs(
  fn: string,
  vlen: unknown,
  bufsize: unknown,
  ancbufsize: unknown,
): number[] {
  const v = ssize(vlen)
  const size = ssize(bufsize)
  const anc = ssize(ancbufsize)
  if (v < 0) throw new ValueError(`negative vlen in ${fn}()`)
  if (size < 0) throw new ValueError(`negative buffer size in ${fn}()`)
  return [Math.min(v, MAX_VLEN), size, ancSize(anc)]
}

/** One recvmmsg call; throws what the addon throws (see `fromNative`). */
/** @internal */
export function receive(
  s: socket,
  vlen: number,
  size: number,
  anc: number,
  fl: number,
  timeout: number,
): MmsgReceived[] {
  if (vlen === 0) return []
  const area = receiveArea(vlen * size)
  const extras = addon.recvmmsg(s._fd, area, size, vlen, anc, fl, timeout, counts)
  const n = extras.length >> 1
  let total = 0
  for (let i = 0; i < n; i++) total += counts[3 * i]
  const out = Buffer.allocUnsafe(total)
  const result: MmsgReceived[] = new Array(n)
  let at = 0
  for (let i = 0; i < n; i++) {
    const nbytes = counts[3 * i]
    area.copy(out, at, i * size, i * size + nbytes)
    if (counts[3 * i + 2]) process.emitWarning(MALFORMED, 'RuntimeWarning')
    const items = extras[2 * i + 1] as AncItem[] | null
    result[i] = [out.subarray(at, at + nbytes), items ?? [], counts[3 * i + 1], extras[2 * i]]
    at += nbytes
  }
  return result
}

/** A sendmmsg batch flattened for the addon. */
interface Batch {
  count: number
  layout: Int32Array
  bufs: Uint8Array[]
  anc: Uint8Array[]
  addrs: Buffer
}

/** A tuple of primitives (an `[host, port]` address) copied, or null. */
function primitives(v: unknown): unknown[] | null {
  if (!Array.isArray(v)) return null
  for (const x of v) if (typeof x === 'object' || typeof x === 'function') return null
  return v.slice()
}

function sameItems(a: unknown[], b: unknown): boolean {
  if (!Array.isArray(b) || a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/**
 * The last destination encoded in the current batch: a batch usually sends
 * every message to one address, which is then checked and encoded once.
 * Only IPv4/IPv6 tuples of primitives are remembered (compared by value), so
 * a mutated address is never mistaken for the one before; each batch starts
 * afresh, so a host name is resolved once per call, as CPython would for
 * each sendmsg.
 */
const cached = {
  family: -1,
  key: null as unknown[] | null,
  sa: null as Buffer | null,
  encode(s: socket, address: unknown, fn: string): Buffer {
    if (this.key !== null && this.family === s.family && sameItems(this.key, address)) {
      return this.sa as Buffer
    }
    const sa = encodeAddress(s.family, address, fn, s)
    this.family = s.family
    const inet = s.family === C.AF_INET || s.family === C.AF_INET6
    this.key = inet ? primitives(address) : null
    this.sa = sa
    return sa
  },
}

/** @internal */
export function batchOf(s: socket, fn: string, messages: unknown): Batch {
  const list = fast(messages, () => `${fn}() argument 1 must be an iterable`)
  cached.key = null
  const perMsg: number[] = []
  const itemMeta: number[] = []
  const bufs: Uint8Array[] = []
  const anc: Uint8Array[] = []
  const addrs: Buffer[] = []
  list.forEach((m, i) => {
    if (!Array.isArray(m) || m.length < 1 || m.length > 4) {
      const what = Array.isArray(m) ? `a sequence of length ${m.length}` : pyTypeName(m)
      throw new TypeError(`${fn}() message ${i} must be a sequence of 1 to 4 items, not ${what}`)
    }
    const [buffers, ancdata, flags, address] = m as unknown[]
    const parts = messageParts(
      fn,
      buffers,
      ancdata ?? undefined,
      `message ${i} buffers`,
      `message ${i} ancdata`,
    )
    const fl = flags === undefined || flags === null ? 0 : cInt(flags)
    const sa = address === undefined || address === null ? null : cached.encode(s, address, fn)
    perMsg.push(parts.bufs.length, parts.data.length, fl, sa === null ? 0 : sa.length)
    for (const b of parts.bufs) bufs.push(b)
    for (const d of parts.data) anc.push(d)
    for (const v of parts.meta) itemMeta.push(v)
    if (sa !== null) addrs.push(sa)
  })
  const layout = new Int32Array(perMsg.length + itemMeta.length)
  layout.set(perMsg)
  layout.set(itemMeta, perMsg.length)
  return { count: list.length, layout, bufs, anc, addrs: Buffer.concat(addrs) }
}

/** @internal */
export function send(s: socket, b: Batch, fl: number, timeout: number): number {
  if (b.count === 0) return 0
  return addon.sendmmsg(s._fd, b.count, b.layout, b.bufs, b.anc, b.addrs, fl, timeout)
}

/**
 * socket.recvmmsg (declared on the class in socket.ts; absent where
 * `available` is false).
 * @internal
 */
export function recvmmsg(
  this: socket,
  vlen: number,
  bufsize: number,
  ancbufsize: number = 0,
  flags: number = 0,
): MmsgReceived[] {
  argCount('recvmmsg', given(arguments), 2, 4)
  const [v, size, anc] = recvArgs('recvmmsg', vlen, bufsize, ancbufsize)
  const fl = cInt(flags)
  return nativeCall('recvmmsg', () => receive(this, v, size, anc, fl, this._t))
}

/**
 * socket.sendmmsg (declared on the class in socket.ts; absent where
 * `available` is false).
 * @internal
 */
export function sendmmsg(
  this: socket,
  messages: Iterable<MmsgOutgoing>,
  flags: number = 0,
): number {
  argCount('sendmmsg', given(arguments), 1, 2)
  const fl = cInt(flags)
  const batch = batchOf(this, 'sendmmsg', messages)
  return nativeCall('sendmmsg', () => send(this, batch, fl, this._t))
}
