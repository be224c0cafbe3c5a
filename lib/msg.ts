// sendmsg / recvmsg / recvmsg_into on the socket object, and the module
// functions send_fds, recv_fds, CMSG_LEN and CMSG_SPACE, with CPython's
// argument rules and messages. The syscalls and the cmsghdr layout are in
// the addon (crates/core/src/msg.rs).
import { endianness } from 'node:os'

import { bufferView, bytesLike, cInt, index, ssize } from './args'
import { encodeAddress } from './address'
import { MemoryError, OSError, OverflowError, ValueError } from './errors'
import { pyTypeName } from './pytypes'
import { SocketImpl, nativeCall } from './socket'
import * as C from './constants'
import native = require('./native')

/** One ancillary data item: `[cmsg_level, cmsg_type, cmsg_data]`. */
export type AncItem = [number, number, Buffer]

declare module './socket' {
  interface SocketImpl {
    sendmsg(
      buffers: Iterable<unknown>,
      ancdata?: Iterable<unknown>,
      flags?: number,
      address?: unknown,
    ): number
    recvmsg(
      bufsize: number,
      ancbufsize?: number,
      flags?: number,
    ): [Buffer, AncItem[], number, unknown]
    recvmsg_into(
      buffers: Iterable<unknown>,
      ancbufsize?: number,
      flags?: number,
    ): [number, AncItem[], number, unknown]
  }
}

// CPython's SOCKLEN_T_LIMIT.
const SOCKLEN_T_LIMIT = 2 ** 31 - 1
const INT_MAX = 2 ** 31 - 1
const MALFORMED = 'received malformed or improperly-truncated ancillary data'
const ANC_ITEM = '[sendmsg() ancillary data items]() argument'

function isIterable(v: unknown): v is Iterable<unknown> {
  return (
    v !== null &&
    v !== undefined &&
    typeof (v as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function'
  )
}

/** PySequence_Fast: the items of an iterable, or TypeError(message). */
function fast(v: unknown, message: string): unknown[] {
  if (Array.isArray(v)) return v
  if (!isIterable(v)) throw new TypeError(message)
  return Array.from(v)
}

/** Python's sequence protocol for the `(iiy*)` format: arrays, strings, byte arrays. */
function asSequence(v: unknown): unknown[] | null {
  if (Array.isArray(v)) return v
  if (typeof v === 'string') return Array.from(v)
  if (ArrayBuffer.isView(v)) return Array.from(bytesLike(v))
  return null
}

function argCount(fn: string, n: number, min: number, max: number): void {
  if (n < min) {
    throw new TypeError(
      `${fn}() takes at least ${min} argument${min === 1 ? '' : 's'} (${n} given)`,
    )
  }
  if (n > max) throw new TypeError(`${fn}() takes at most ${max} arguments (${n} given)`)
}

function given(args: IArguments): number {
  let n = args.length
  while (n > 0 && args[n - 1] === undefined) n--
  return n
}

SocketImpl.prototype.sendmsg = function sendmsg(
  this: SocketImpl,
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
  const parts = fast(buffers, 'sendmsg() argument 1 must be an iterable')
  if (parts.length > INT_MAX) throw new OSError('sendmsg() argument 1 is too long')
  const bufs = parts.map((p) => bytesLike(p))
  const meta: number[] = []
  const data: Uint8Array[] = []
  if (ancdata !== undefined) {
    for (const item of fast(ancdata, 'sendmsg() argument 2 must be an iterable')) {
      const seq = asSequence(item)
      if (seq === null)
        throw new TypeError(
          `${ANC_ITEM} must be 3-item sequence, not ${item === null || item === undefined ? 'None' : pyTypeName(item)}`,
        )
      if (seq.length !== 3) {
        throw new TypeError(`${ANC_ITEM} must be sequence of length 3, not ${seq.length}`)
      }
      meta.push(cInt(seq[0]), cInt(seq[1]))
      data.push(bytesLike(seq[2]))
    }
  }
  if (bufs.length === 1 && data.length <= 1) {
    // One buffer and at most one item (send_fds): no arrays for the addon to walk.
    const d = data.length === 1 ? data[0] : null
    const lv = data.length === 1 ? meta[0] : 0
    const ty = data.length === 1 ? meta[1] : 0
    return nativeCall('sendmsg', () =>
      native.sendmsgOne(this._fd, bufs[0], lv, ty, d, fl, sa, this._t),
    )
  }
  return nativeCall('sendmsg', () => native.sendmsg(this._fd, bufs, meta, data, fl, sa, this._t))
}

/** A buffer of `size` bytes, or MemoryError where Node cannot make one. */
function allocate(size: number): Buffer {
  try {
    return Buffer.allocUnsafe(size)
  } catch (e) {
    if (e instanceof RangeError) throw new MemoryError()
    throw e
  }
}

/** The checked ancbufsize, as CPython's sock_recvmsg_guts. */
function ancSize(ancbufsize: number): number {
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

// The counts of recvmsgOne: [nbytes, msg_flags, malformed]. Its own
// ArrayBuffer keeps it off the V8 heap, so the addon can write to it directly.
const counts = new Float64Array(new ArrayBuffer(3 * 8))

/** recvmsg into one buffer: `[nbytes, ancdata, msg_flags, address]`. */
function recvOne(
  s: SocketImpl,
  view: Uint8Array,
  ancLen: number,
  fl: number,
  syscall: string,
): [number, AncItem[], number, unknown] {
  const extras = nativeCall(syscall, () => native.recvmsgOne(s._fd, view, ancLen, fl, s._t, counts))
  if (counts[2]) process.emitWarning(MALFORMED, 'RuntimeWarning')
  if (extras === null) return [counts[0], [], counts[1], null]
  return [counts[0], extras[0], counts[1], extras[1]]
}

SocketImpl.prototype.recvmsg = function recvmsg(
  this: SocketImpl,
  bufsize: number,
  ancbufsize: number = 0,
  flags: number = 0,
): [Buffer, AncItem[], number, unknown] {
  argCount('recvmsg', given(arguments), 1, 3)
  const size = ssize(bufsize)
  const anc = ssize(ancbufsize)
  const fl = cInt(flags)
  if (size < 0) throw new ValueError('negative buffer size in recvmsg()')
  const ancLen = ancSize(anc)
  const buf = allocate(size)
  const [n, items, msgFlags, addr] = recvOne(this, buf, ancLen, fl, 'recvmsg')
  return [n === size ? buf : Buffer.from(buf.subarray(0, n)), items, msgFlags, addr]
}

SocketImpl.prototype.recvmsg_into = function recvmsg_into(
  this: SocketImpl,
  buffers: Iterable<unknown>,
  ancbufsize: number = 0,
  flags: number = 0,
): [number, AncItem[], number, unknown] {
  argCount('recvmsg_into', given(arguments), 1, 3)
  const anc = ssize(ancbufsize)
  const fl = cInt(flags)
  const items = fast(buffers, 'recvmsg_into() argument 1 must be an iterable')
  if (items.length > INT_MAX) throw new OSError('recvmsg_into() argument 1 is too long')
  const views = items.map((b) => {
    const view = bufferView(b)
    if (view !== null) return view
    throw new TypeError(
      'recvmsg_into() argument 1 must be an iterable of single-segment read-write buffers',
    )
  })
  const ancLen = ancSize(anc)
  if (views.length === 1) return recvOne(this, views[0], ancLen, fl, 'recvmsg_into')
  return received(
    nativeCall('recvmsg_into', () => native.recvmsgInto(this._fd, views, ancLen, fl, this._t)),
  )
}

// recv_fds asks for the same CMSG_LEN on every call.
let lastLen: [number, number] = [-1, -1]

/** `CMSG_LEN(length)`: the cmsg_len of an item with `length` bytes of data. */
export function CMSG_LEN(length: number): number {
  const n = ssize(length)
  if (n === lastLen[0]) return lastLen[1]
  const v = native.cmsgLen(n)
  if (v >= 0) lastLen = [n, v]
  if (v < 0) throw new OverflowError('CMSG_LEN() argument out of range')
  return v
}

/** `CMSG_SPACE(length)`: the buffer space an item with `length` bytes of data takes. */
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
  const list = Array.isArray(fds) ? fds : fast(fds, notIterable(fds))
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

function notIterable(v: unknown): string {
  return `'${pyTypeName(v)}' object is not iterable`
}

/** `send_fds(sock, buffers, fds[, flags[, address]])`: the fds in one SCM_RIGHTS item. */
export function send_fds(
  sock: SocketImpl,
  buffers: Iterable<unknown>,
  fds: Iterable<unknown>,
  flags: number = 0,
  address: unknown = null,
): number {
  return sock.sendmsg(buffers, [[C.SOL_SOCKET, C.SCM_RIGHTS, intArray(fds)]], flags, address)
}

/** `recv_fds(sock, bufsize, maxfds[, flags])`: `[data, fds, msg_flags, address]`. */
export function recv_fds(
  sock: SocketImpl,
  bufsize: number,
  maxfds: number,
  flags: number = 0,
): [Buffer, number[], number, unknown] {
  const room = CMSG_LEN(index(maxfds) * 4)
  const [data, anc, msgFlags, addr] = sock.recvmsg(bufsize, room, flags)
  const fds: number[] = []
  for (const [level, type, bytes] of anc) {
    if (level === C.SOL_SOCKET && type === C.SCM_RIGHTS) {
      for (let i = 0; i + 4 <= bytes.length; i += 4) fds.push(readInt(bytes, i))
    }
  }
  return [data, fds, msgFlags, addr]
}
