// socket.makefile(): synchronous file objects over a socket, following
// CPython's Lib/socket.py makefile(). The socket's fd stays open until the
// socket and every file object made from it are closed (see socketio.ts).
import { bind, index } from './args'
import { ValueError } from './errors'
import { DEFAULT_BUFFER_SIZE } from './io'
import { pyRepr, pyTypeName } from './pytypes'
import { socket } from './socket'
import { SocketIO } from './socketio'
import { BufferedSocketFile } from './bufferedio'
import { TextSocketFile } from './textio'

export { SocketIO, BufferedSocketFile, TextSocketFile }
export { UnsupportedOperation, DEFAULT_BUFFER_SIZE } from './io'

/** The keyword arguments of socket.makefile() for text modes. */
export interface MakefileOptions {
  /** The text encoding (default `'utf-8'`). */
  encoding?: string | null
  /** How encoding errors are handled: `'strict'` (the default), `'replace'`, `'ignore'`, ... */
  errors?: string | null
  /** Line endings, as Python's `open()`: null (universal), `''`, `'\n'`, `'\r'` or `'\r\n'`. */
  newline?: string | null
}

/** What makefile() returns for each mode. */
export type SocketFile = SocketIO | BufferedSocketFile | TextSocketFile

/** socket.makefile (declared on the class in socket.ts, typed by mode there). */
/** @internal */
export function makefile(this: socket, ...args: unknown[]): SocketFile {
  const a = bind('makefile', ['mode', 'buffering', 'encoding', 'errors', 'newline'], args)
  const mode = a.mode === undefined ? 'r' : a.mode
  if (typeof mode !== 'string') {
    throw new TypeError(`'${pyTypeName(mode)}' object is not iterable`)
  }
  if ([...mode].some((c) => !'rwb'.includes(c))) {
    throw new ValueError(`invalid mode ${pyRepr(mode)} (only r, w, b allowed)`)
  }
  const buffering = a.buffering
  if (
    buffering !== null &&
    buffering !== undefined &&
    !['number', 'bigint', 'boolean'].includes(typeof buffering)
  ) {
    throw new TypeError(
      `'<' not supported between instances of '${pyTypeName(buffering)}' and 'int'`,
    )
  }
  let size = buffering === null || buffering === undefined ? -1 : index(buffering)
  if (size < 0) size = DEFAULT_BUFFER_SIZE
  const writing = mode.includes('w')
  const reading = mode.includes('r') || !writing
  const binary = mode.includes('b')
  const rawmode = (reading ? 'r' : '') + (writing ? 'w' : '')
  const raw = new SocketIO(this, rawmode)
  this._io_refs += 1
  if (size === 0) {
    if (!binary) {
      raw.close()
      throw new ValueError('unbuffered streams must be binary')
    }
    return raw
  }
  const buffer = new BufferedSocketFile(raw, size, reading, writing)
  if (binary) return buffer
  try {
    return new TextSocketFile(buffer, a.encoding, a.errors, a.newline, mode)
  } catch (e) {
    buffer.close()
    throw e
  }
}
