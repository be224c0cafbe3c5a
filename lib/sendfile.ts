// socket.sendfile() with the argument rules of CPython's Lib/socket.py. The
// zero-copy loop and its send() fallback run in the addon
// (crates/core/src/sendfile.rs), which also moves the file position. A file
// object without a usable fd (fileno() raising io.UnsupportedOperation, as
// an in-memory file's does) is sent with its read() and send(), as CPython.
import { fstatSync } from 'node:fs'

import { bytesLike, clinicInt, index } from './args'
import { BlockingIOError, ValueError } from './errors'
import { UnsupportedOperation } from './io'
import { pyRepr } from './pytypes'
import { socket, nativeCall } from './socket'
import * as C from './constants'
import native = require('./native')

/**
 * What socket.sendfile() sends from: a numeric fd, an object carrying one
 * (an fs.promises FileHandle), or an object with Python's `fileno()` (a
 * socket, a makefile() object).
 */
export type SendfileSource =
  | number
  | {
      /** The open file's fd (an fs.promises FileHandle's). */
      fd: number
      /** The open() mode, if known: text modes are refused as in Python. */
      mode?: unknown
    }
  | {
      /** The fd of the file (Python's file protocol). */
      fileno(): number
    }
  | {
      /** A file object without a usable fd: read() (and seek()) as Python's file protocol. */
      read(n: number): ArrayBufferView | ArrayBuffer
      /** Moves the file position (called before and after the data is sent). */
      seek?(pos: number): unknown
    }

/**
 * socket.py's private signal to fall back from sendfile(2) to read() + send().
 * @internal
 */
export class _GiveupOnSendfile extends Error {}
Object.defineProperty(_GiveupOnSendfile.prototype, 'name', { value: '_GiveupOnSendfile' })

function readable(file: unknown): boolean {
  return (
    file !== null &&
    typeof file === 'object' &&
    typeof (file as { read?: unknown }).read === 'function'
  )
}

/**
 * The fd to give sendfile(2), or _GiveupOnSendfile where CPython gives up
 * on it: `fileno()` missing or raising io.UnsupportedOperation (an
 * in-memory file), or an fd that fstat() refuses.
 */
function fileDescriptor(file: unknown): number {
  let fd: number | undefined
  // Every fd is a C int, as os.fstat takes it: a larger number must not
  // wrap around to name another file (2 ** 32 is fd 0, stdin).
  if (typeof file === 'number' && Number.isInteger(file)) fd = clinicInt(file)
  else if (file !== null && typeof file === 'object') {
    const own = (file as { fd?: unknown }).fd
    const fileno = (file as { fileno?: unknown }).fileno
    if (typeof own === 'number' && Number.isInteger(own)) fd = clinicInt(own)
    else if (typeof fileno === 'function') {
      try {
        fd = clinicInt(fileno.call(file))
      } catch (e) {
        if (e instanceof UnsupportedOperation) throw new _GiveupOnSendfile(e.message)
        throw e
      }
    } else if (readable(file)) throw new _GiveupOnSendfile('not a regular file')
  }
  if (fd === undefined) {
    throw new TypeError(
      `sendfile() file must be a file descriptor, or have an integer 'fd' or a fileno() method, not ${pyRepr(file)}`,
    )
  }
  if (readable(file)) {
    try {
      fstatSync(fd)
    } catch {
      throw new _GiveupOnSendfile('not a regular file')
    }
  }
  return fd
}

/**
 * socket._check_sendfile_params (declared on the class in socket.ts).
 * @internal
 */
export function _check_sendfile_params(
  this: socket,
  file: unknown,
  _offset: unknown,
  count: unknown,
): void {
  const mode =
    file !== null && typeof file === 'object' ? (file as { mode?: unknown }).mode : undefined
  if (typeof mode === 'string' && !mode.includes('b')) {
    throw new ValueError('file should be opened in binary mode')
  }
  if ((this.type & C.SOCK_STREAM) === 0) {
    throw new ValueError('only SOCK_STREAM type sockets are supported')
  }
  if (count !== null && count !== undefined) {
    if (!(typeof count === 'number' && Number.isInteger(count)) && typeof count !== 'bigint') {
      throw new TypeError(`count must be a positive integer (got ${pyRepr(count)})`)
    }
    if (Number(count) <= 0) {
      throw new ValueError(`count must be a positive integer (got ${pyRepr(count)})`)
    }
  }
}

/**
 * socket._sendfile_use_sendfile (declared on the class in socket.ts).
 * @internal
 */
export function _sendfile_use_sendfile(
  this: socket,
  file: SendfileSource,
  offset: number = 0,
  count: number | null = null,
): number {
  this._check_sendfile_params(file, offset, count)
  const n = count === null || count === undefined ? -1 : Number(count)
  const fd = fileDescriptor(file)
  const off = index(offset)
  return nativeCall('sendfile', () => native.sendfile(this._fd, fd, off, n, this._t))
}

/**
 * socket._sendfile_use_send (declared on the class in socket.ts).
 * @internal
 */
export function _sendfile_use_send(
  this: socket,
  file: unknown,
  offset: number = 0,
  count: number | null = null,
): number {
  this._check_sendfile_params(file, offset, count)
  if (this.gettimeout() === 0) throw new ValueError('non-blocking sockets are not supported')
  const f = file as { read(n: number): unknown; seek?: (pos: number) => unknown }
  const off = index(offset)
  if (off) f.seek?.(off)
  const want = count === null || count === undefined ? 0 : Number(count)
  let blocksize = want ? Math.min(want, BLOCKSIZE) : BLOCKSIZE
  let total = 0
  try {
    for (;;) {
      if (want) {
        blocksize = Math.min(want - total, blocksize)
        if (blocksize <= 0) break
      }
      let data = bytesLike(f.read(blocksize))
      if (data.byteLength === 0) break
      while (data.byteLength > 0) {
        let sent: number
        try {
          sent = this.send(data)
        } catch (e) {
          if (e instanceof BlockingIOError) continue
          throw e
        }
        total += sent
        data = data.subarray(sent)
      }
    }
    return total
  } finally {
    if (total > 0 && typeof f.seek === 'function') f.seek(off + total)
  }
}

/** The read size of the read() + send() fallback (socket.py's 8192). */
const BLOCKSIZE = 8192

/**
 * socket.sendfile (declared on the class in socket.ts).
 * @internal
 */
export function sendfile(
  this: socket,
  file: SendfileSource,
  offset: number = 0,
  count: number | null = null,
): number {
  try {
    return this._sendfile_use_sendfile(file, offset, count)
  } catch (e) {
    if (!(e instanceof _GiveupOnSendfile)) throw e
    return this._sendfile_use_send(file, offset, count)
  }
}
