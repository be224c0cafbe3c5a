// sendmsg / recvmsg / recvmsg_into on the socket object, and the module
// functions send_fds, recv_fds, CMSG_LEN and CMSG_SPACE, with CPython's
// argument rules and messages. The syscalls and the cmsghdr layout are in
// the addon (crates/core/src/msg.rs).
import { Buffer } from 'node:buffer'
import { endianness } from 'node:os'

import { bufferView, bytesLike, cInt, index, ssize } from './args'
import { encodeAddress } from './address'
import { MemoryError, OSError, OverflowError, ValueError, fromNative } from './errors'
import { pyTypeName } from './pytypes'
import { socket, nativeCall } from './socket'
import type { RecvAddress, SockAddressInput } from './addresses'
import * as C from './constants'
import { fast as fastPath } from './fast'
import native = require('./native')

/** One ancillary data item as received: `[cmsg_level, cmsg_type, cmsg_data]`. */
export type AncItem = [level: number, type: number, data: Buffer]

/** One ancillary data item to send: the data may be any bytes-like object. */
export type AncItemInput = [level: number, type: number, data: ArrayBufferView | ArrayBuffer]

// CPython's SOCKLEN_T_LIMIT.
const SOCKLEN_T_LIMIT = 2 ** 31 - 1
const INT_MAX = 2 ** 31 - 1
export const MALFORMED = 'received malformed or improperly-truncated ancillary data'

function isIterable(v: unknown): v is Iterable<unknown> {
  return (
    v !== null &&
    v !== undefined &&
    typeof (v as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function'
  )
}

/**
 * PySequence_Fast: the items of an iterable, or TypeError(message()). The
 * message is made only on failure: the data path passes arrays, and
 * building the text on every call would cost more than the check.
 */
export function fast(v: unknown, message: () => string): unknown[] {
  if (Array.isArray(v)) return v
  if (!isIterable(v)) throw new TypeError(message())
  return Array.from(v)
}

/** Python's sequence protocol for the `(iiy*)` format: arrays, strings, byte arrays. */
function asSequence(v: unknown): unknown[] | null {
  if (Array.isArray(v)) return v
  if (typeof v === 'string') return Array.from(v)
  if (ArrayBuffer.isView(v)) return Array.from(bytesLike(v))
  return null
}

export function argCount(fn: string, n: number, min: number, max: number): void {
  if (n < min) {
    throw new TypeError(
      `${fn}() takes at least ${min} argument${min === 1 ? '' : 's'} (${n} given)`,
    )
  }
  if (n > max) throw new TypeError(`${fn}() takes at most ${max} arguments (${n} given)`)
}

export function given(args: IArguments): number {
  let n = args.length
  while (n > 0 && args[n - 1] === undefined) n--
  return n
}

/** How CPython's messages name an ancillary item of `fn`'s argument. */
function ancLabel(fn: string): string {
  return `[${fn}() ancillary data items]() argument`
}

/** The checked buffers and ancillary items of one message to send. */
export interface MessageParts {
  bufs: Uint8Array[]
  /** `[level, type]` per item of `data`. */
  meta: number[]
  data: Uint8Array[]
}

/**
 * Checks and converts a message's `buffers` and `ancdata` as CPython's
 * sendmsg does (`fn` names the function in messages; `bufArg`/`ancArg` name
 * the arguments, `'argument 1'` for sendmsg).
 */
export function messageParts(
  fn: string,
  buffers: unknown,
  ancdata: unknown,
  bufArg: string,
  ancArg: string,
): MessageParts {
  const parts = fast(buffers, () => `${fn}() ${bufArg} must be an iterable`)
  if (parts.length > INT_MAX) throw new OSError(`${fn}() ${bufArg} is too long`)
  const bufs = parts.map((p) => bytesLike(p))
  const meta: number[] = []
  const data: Uint8Array[] = []
  if (ancdata !== undefined) {
    const items = fast(ancdata, () => `${fn}() ${ancArg} must be an iterable`)
    for (const item of items) {
      const seq = asSequence(item)
      if (seq === null)
        throw new TypeError(
          `${ancLabel(fn)} must be 3-item sequence, not ${item === null || item === undefined ? 'None' : pyTypeName(item)}`,
        )
      if (seq.length !== 3) {
        throw new TypeError(`${ancLabel(fn)} must be sequence of length 3, not ${seq.length}`)
      }
      meta.push(cInt(seq[0]), cInt(seq[1]))
      data.push(bytesLike(seq[2]))
    }
  }
  return { bufs, meta, data }
}

/** socket.sendmsg (declared on the class in socket.ts). */
/** @internal */
export function sendmsg(
  this: socket,
  buffers: Iterable<unknown>,
  ancdata?: Iterable<unknown>,
  flags: number = 0,
  address?: unknown,
): number {
  argCount('sendmsg', given(arguments), 1, 4)
  const fl = cInt(flags)
  const sa =
    address === undefined || address === null
      ? null
      : encodeAddress(this.family, address, 'sendmsg')
  const { bufs, meta, data } = messageParts('sendmsg', buffers, ancdata, 'argument 1', 'argument 2')
  if (bufs.length === 1 && data.length <= 1) {
    // One buffer and at most one item (send_fds): no arrays for the addon to walk.
    const d = data.length === 1 ? data[0] : null
    const lv = data.length === 1 ? meta[0] : 0
    const ty = data.length === 1 ? meta[1] : 0
    return sendOne(this, bufs[0], lv, ty, d, fl, sa)
  }
  return nativeCall('sendmsg', () => native.sendmsg(this._fd, bufs, meta, data, fl, sa, this._t))
}

/** sendmsg of one buffer with at most one ancillary item (`data` null for none). */
function sendOne(
  s: socket,
  buf: Uint8Array,
  level: number,
  type: number,
  data: Uint8Array | null,
  fl: number,
  sa: Uint8Array | null,
): number {
  let n: number
  try {
    n = fastPath.fastSendmsgOne(s._fd, buf, level, type, data, fl, sa, s._t)
  } catch (e) {
    throw fromNative(e, 'sendmsg')
  }
  if (n < 0) throw fromNative(-n, 'sendmsg')
  return n
}

/** A buffer of `size` bytes, or MemoryError where Node cannot make one. */
export function allocate(size: number): Buffer {
  try {
    return Buffer.allocUnsafe(size)
  } catch (e) {
    if (e instanceof RangeError) throw new MemoryError()
    throw e
  }
}

/** The checked ancbufsize, as CPython's sock_recvmsg_guts. */
export function ancSize(ancbufsize: number): number {
  if (ancbufsize < 0 || ancbufsize > SOCKLEN_T_LIMIT) {
    throw new ValueError('invalid ancillary data buffer length')
  }
  return ancbufsize
}

function received(
  r: [number, Array<[number, number, Buffer]>, number, unknown, boolean],
): [number, AncItem[], number, unknown] {
  if (r[4]) process.emitWarning(MALFORMED, 'RuntimeWarning')
  return [r[0], r[1], r[2], r[3]]
}

// fastRecvmsgOne's buffers: the control data, which the addon leaves where the
// kernel put it, and `out`: [nbytes, msg_flags, malformed, count], then
// [level, type, offset, length] per item. Up to SCRATCH_CONTROL bytes they
// are reused (their own ArrayBuffers, so the addon can write to them
// directly); larger requests get their own for the call.
const SCRATCH_CONTROL = 64 * 1024
let control = Buffer.allocUnsafeSlow(0)
let out = new Float64Array(native.recvmsgOneOutLen(0))

// The buffers of the last recvRaw call (`control` and `out`, or larger
// ones made for that call).
let lastControl = control
let lastOut = out

/**
 * recvmsg into one buffer, its results left in `lastControl` and `lastOut`
 * (see above); returns the sender's address, or -errno (a number, which no
 * address is) for the caller to raise: see `recvOrErrno` in socket.ts for
 * why the raising is left to the methods.
 */
function recvRaw(
  s: socket,
  view: Uint8Array,
  ancLen: number,
  fl: number,
  syscall: string,
): unknown {
  let ctl = control
  let o = out
  if (ancLen > ctl.length) {
    ctl = Buffer.allocUnsafeSlow(ancLen)
    o = new Float64Array(native.recvmsgOneOutLen(ancLen))
    if (ancLen <= SCRATCH_CONTROL) {
      control = ctl
      out = o
    }
  }
  let addr: unknown
  try {
    addr = fastPath.fastRecvmsgOne(s._fd, view, ctl, ancLen, fl, s._t, o)
  } catch (e) {
    throw fromNative(e, syscall)
  }
  if (typeof addr === 'number') return addr
  if (o[2]) process.emitWarning(MALFORMED, 'RuntimeWarning')
  lastControl = ctl
  lastOut = o
  return addr
}

/** recvmsg into one buffer: `[nbytes, ancdata, msg_flags, address]`, or -errno. */
function recvOne(
  s: socket,
  view: Uint8Array,
  ancLen: number,
  fl: number,
  syscall: string,
): [number, AncItem[], number, unknown] | number {
  const addr = recvRaw(s, view, ancLen, fl, syscall)
  if (typeof addr === 'number') return addr
  const ctl = lastControl
  const o = lastOut
  const count = o[3]
  const items: AncItem[] = []
  for (let i = 0, at = 4; i < count; i++, at += 4) {
    const data = Buffer.allocUnsafe(o[at + 3])
    ctl.copy(data, 0, o[at + 2], o[at + 2] + o[at + 3])
    items.push([o[at], o[at + 1], data])
  }
  return [o[0], items, o[1], addr]
}

/** socket.recvmsg (declared on the class in socket.ts). */
/** @internal */
export function recvmsg(
  this: socket,
  bufsize: number,
  ancbufsize: number = 0,
  flags: number = 0,
): [Buffer, AncItem[], number, unknown] {
  argCount('recvmsg', given(arguments), 1, 3)
  const r = recvmsgOrErrno(this, bufsize, ancbufsize, flags)
  if (typeof r === 'number') throw fromNative(-r, 'recvmsg')
  return r
}

/** recvmsg's validation, buffer and syscall: its result, or -errno. */
function recvmsgOrErrno(
  s: socket,
  bufsize: number,
  ancbufsize: number,
  flags: number,
): [Buffer, AncItem[], number, unknown] | number {
  const size = ssize(bufsize)
  const anc = ssize(ancbufsize)
  const fl = cInt(flags)
  if (size < 0) throw new ValueError('negative buffer size in recvmsg()')
  const ancLen = ancSize(anc)
  const buf = allocate(size)
  const r = recvOne(s, buf, ancLen, fl, 'recvmsg')
  if (typeof r === 'number') return r
  return [received1(buf, size, r[0]), r[1], r[2], r[3]]
}

/** The data of a recvmsg into `buf` (`size` bytes) that received `n`. */
function received1(buf: Buffer, size: number, n: number): Buffer {
  return n === size ? buf : Buffer.from(buf.subarray(0, n))
}

/** socket.recvmsg_into (declared on the class in socket.ts). */
/** @internal */
export function recvmsg_into(
  this: socket,
  buffers: Iterable<unknown>,
  ancbufsize: number = 0,
  flags: number = 0,
): [number, AncItem[], number, unknown] {
  argCount('recvmsg_into', given(arguments), 1, 3)
  const anc = ssize(ancbufsize)
  const fl = cInt(flags)
  const items = fast(buffers, () => 'recvmsg_into() argument 1 must be an iterable')
  if (items.length > INT_MAX) throw new OSError('recvmsg_into() argument 1 is too long')
  const views = items.map((b) => {
    const view = bufferView(b)
    if (view !== null) return view
    throw new TypeError(
      'recvmsg_into() argument 1 must be an iterable of single-segment read-write buffers',
    )
  })
  const ancLen = ancSize(anc)
  if (views.length === 1) {
    const r = recvOne(this, views[0], ancLen, fl, 'recvmsg_into')
    if (typeof r === 'number') throw fromNative(-r, 'recvmsg_into')
    return r
  }
  return received(
    nativeCall('recvmsg_into', () => native.recvmsgInto(this._fd, views, ancLen, fl, this._t)),
  )
}

// recv_fds asks for the same CMSG_LEN on every call.
let lastLen: [number, number] = [-1, -1]

/**
 * The cmsg_len of an ancillary item with `length` bytes of data (no
 * trailing padding). Python's `socket.CMSG_LEN()`.
 * @throws OverflowError when `length` is out of range.
 */
export function CMSG_LEN(length: number): number {
  const n = ssize(length)
  // The range check comes before the cache (whose empty state is -1).
  if (n < 0) throw new OverflowError('CMSG_LEN() argument out of range')
  if (n === lastLen[0]) return lastLen[1]
  const v = native.cmsgLen(n)
  if (v >= 0) lastLen = [n, v]
  if (v < 0) throw new OverflowError('CMSG_LEN() argument out of range')
  return v
}

/**
 * The buffer space an ancillary item with `length` bytes of data takes,
 * padding included: add these up for recvmsg's `ancbufsize`. Python's
 * `socket.CMSG_SPACE()`.
 * @throws OverflowError when `length` is out of range.
 */
export function CMSG_SPACE(length: number): number {
  const n = ssize(length)
  const v = native.cmsgSpace(n)
  if (v < 0) throw new OverflowError('CMSG_SPACE() argument out of range')
  return v
}

const LE = endianness() === 'LE'
const readInt = (b: Buffer, i: number): number => (LE ? b.readInt32LE(i) : b.readInt32BE(i))

/** The fds as the bytes of a C int array (Python's `array.array('i', fds)`). */
function intArray(fds: Iterable<unknown>): Buffer {
  if (typeof fds === 'string') {
    throw new TypeError("cannot use a str to initialize an array with typecode 'i'")
  }
  // Bytes are taken as the machine's ints, as array.array('i', b'...') does.
  if (fds instanceof Uint8Array) {
    if (fds.length % 4 !== 0) throw new ValueError('bytes length not a multiple of item size')
    return Buffer.from(fds)
  }
  const list = fast(fds, () => `'${pyTypeName(fds)}' object is not iterable`)
  // allocUnsafe takes small buffers from Node's pool: off the V8 heap, so the
  // addon can borrow them without V8 first moving them out.
  const out = Buffer.allocUnsafe(list.length * 4)
  for (let i = 0; i < list.length; i++) {
    const fd = cInt(list[i])
    if (LE) out.writeInt32LE(fd, i * 4)
    else out.writeInt32BE(fd, i * 4)
  }
  return out
}

/**
 * Sends the data of `buffers` with the fds `fds` in one SCM_RIGHTS message
 * on an AF_UNIX socket; returns the count of data bytes sent. Python's
 * `socket.send_fds(sock, buffers, fds[, flags[, address]])`.
 */
export function send_fds<F extends number, T extends number, P extends number>(
  sock: socket<F, T, P>,
  buffers: Iterable<ArrayBufferView | ArrayBuffer>,
  fds: Iterable<number>,
  flags?: number,
  address?: SockAddressInput<F, P> | null,
): number
export function send_fds(
  sock: socket,
  buffers: Iterable<unknown>,
  fds: Iterable<unknown>,
  flags: number = 0,
  address: unknown = null,
): number {
  const rights = intArray(fds)
  if (
    sock.sendmsg === socket.prototype.sendmsg &&
    Array.isArray(buffers) &&
    buffers.length === 1 &&
    (address === null || address === undefined)
  ) {
    // What sock.sendmsg(buffers, [item], flags) checks and does, without
    // building its arguments: flags, then the buffer.
    const fl = cInt(flags)
    return sendOne(sock, bytesLike(buffers[0]), C.SOL_SOCKET, C.SCM_RIGHTS, rights, fl, null)
  }
  return sock.sendmsg(
    buffers as Iterable<Uint8Array>,
    [[C.SOL_SOCKET, C.SCM_RIGHTS, rights]],
    flags,
    address as SockAddressInput,
  )
}

/**
 * Receives at most `bufsize` data bytes and at most `maxfds` fds sent with
 * SCM_RIGHTS: `[data, fds, msg_flags, address]`. The fds are the caller's to
 * close. Python's `socket.recv_fds(sock, bufsize, maxfds[, flags])`.
 */
export function recv_fds<F extends number, T extends number, P extends number>(
  sock: socket<F, T, P>,
  bufsize: number,
  maxfds: number,
  flags?: number,
): [data: Buffer, fds: number[], msg_flags: number, address: RecvAddress<F, T, P>]
export function recv_fds(
  sock: socket,
  bufsize: number,
  maxfds: number,
  flags: number = 0,
): [Buffer, number[], number, unknown] {
  const room = CMSG_LEN(index(maxfds) * 4)
  if (sock.recvmsg === socket.prototype.recvmsg) {
    // What sock.recvmsg(bufsize, room, flags) checks and does, with the fds
    // read where the kernel put them (no Buffer per ancillary item).
    const size = ssize(bufsize)
    const fl = cInt(flags)
    if (size < 0) throw new ValueError('negative buffer size in recvmsg()')
    const ancLen = ancSize(room)
    const buf = allocate(size)
    const addr = recvRaw(sock, buf, ancLen, fl, 'recvmsg')
    if (typeof addr === 'number') throw fromNative(-addr, 'recvmsg')
    const ctl = lastControl
    const o = lastOut
    const fds: number[] = []
    for (let i = 0, at = 4; i < o[3]; i++, at += 4) {
      if (o[at] === C.SOL_SOCKET && o[at + 1] === C.SCM_RIGHTS) {
        const end = o[at + 2] + o[at + 3]
        for (let j = o[at + 2]; j + 4 <= end; j += 4) fds.push(readInt(ctl, j))
      }
    }
    return [received1(buf, size, o[0]), fds, o[1], addr]
  }
  const [data, anc, msgFlags, addr] = sock.recvmsg(bufsize, room, flags)
  const fds: number[] = []
  for (const [level, type, bytes] of anc) {
    if (level === C.SOL_SOCKET && type === C.SCM_RIGHTS) {
      for (let i = 0; i + 4 <= bytes.length; i += 4) fds.push(readInt(bytes, i))
    }
  }
  return [data, fds, msgFlags, addr]
}
