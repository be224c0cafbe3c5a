// socket.sendfile() with the argument rules of CPython's Lib/socket.py. The
// zero-copy loop and its send() fallback run in the addon
// (crates/core/src/sendfile.rs), which also moves the file position.
import { index } from './args'
import { ValueError } from './errors'
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

function fileDescriptor(file: unknown): number {
  if (typeof file === 'number' && Number.isInteger(file)) return file
  if (file !== null && typeof file === 'object') {
    const fd = (file as { fd?: unknown }).fd
    if (typeof fd === 'number' && Number.isInteger(fd)) return fd
    const fileno = (file as { fileno?: unknown }).fileno
    if (typeof fileno === 'function') return index(fileno.call(file))
  }
  throw new TypeError(
    `sendfile() file must be a file descriptor, or have an integer 'fd' or a fileno() method, not ${pyRepr(file)}`,
  )
}

/** socket.sendfile (declared on the class in socket.ts). */
/** @internal */
export function sendfile(
  this: socket,
  file: SendfileSource,
  offset: number = 0,
  count: number | null = null,
): number {
  const mode =
    file !== null && typeof file === 'object' ? (file as { mode?: unknown }).mode : undefined
  if (typeof mode === 'string' && !mode.includes('b')) {
    throw new ValueError('file should be opened in binary mode')
  }
  if ((this.type & C.SOCK_STREAM) === 0) {
    throw new ValueError('only SOCK_STREAM type sockets are supported')
  }
  let n = -1
  if (count !== null && count !== undefined) {
    if (!(typeof count === 'number' && Number.isInteger(count)) && typeof count !== 'bigint') {
      throw new TypeError(`count must be a positive integer (got ${pyRepr(count)})`)
    }
    n = Number(count)
    if (n <= 0) throw new ValueError(`count must be a positive integer (got ${pyRepr(count)})`)
  }
  const fd = fileDescriptor(file)
  const off = index(offset)
  return nativeCall('sendfile', () => native.sendfile(this._fd, fd, off, n, this._t))
}
