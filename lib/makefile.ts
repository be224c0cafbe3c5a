// socket.makefile(): synchronous file objects over a socket, following
// CPython's Lib/socket.py makefile(). The socket's fd stays open until the
// socket and every file object made from it are closed (see socketio.ts).
import { index } from './args'
import { ValueError } from './errors'
import { DEFAULT_BUFFER_SIZE } from './io'
import { pyRepr } from './pytypes'
import { SocketImpl } from './socket'
import { SocketIO } from './socketio'
import { BufferedSocketFile } from './bufferedio'
import { TextSocketFile } from './textio'

export { SocketIO, BufferedSocketFile, TextSocketFile }
export { UnsupportedOperation, DEFAULT_BUFFER_SIZE } from './io'

/** The keyword arguments of makefile(). */
export interface MakefileOptions {
  encoding?: string | null
  errors?: string | null
  newline?: string | null
}

/** What makefile() returns for each mode. */
export type SocketFile = SocketIO | BufferedSocketFile | TextSocketFile

declare module './socket' {
  interface SocketImpl {
    makefile(mode?: string, buffering?: number | null, options?: MakefileOptions): SocketFile
  }
}

SocketImpl.prototype.makefile = function makefile(
  this: SocketImpl,
  mode: string = 'r',
  buffering: number | null = null,
  options: MakefileOptions = {},
): SocketFile {
  if (typeof mode !== 'string' || [...mode].some((c) => !'rwb'.includes(c))) {
    throw new ValueError(`invalid mode ${pyRepr(mode)} (only r, w, b allowed)`)
  }
  const writing = mode.includes('w')
  const reading = mode.includes('r') || !writing
  const binary = mode.includes('b')
  const rawmode = (reading ? 'r' : '') + (writing ? 'w' : '')
  const raw = new SocketIO(this, rawmode)
  this._io_refs += 1
  let size = buffering === null || buffering === undefined ? -1 : index(buffering)
  if (size < 0) size = DEFAULT_BUFFER_SIZE
  if (size === 0) {
    if (!binary) {
      raw.close()
      throw new ValueError('unbuffered streams must be binary')
    }
    return raw
  }
  const buffer = new BufferedSocketFile(raw, size, reading, writing)
  if (binary) return buffer
  const encoding = options.encoding ?? 'UTF-8'
  const errors = options.errors ?? 'strict'
  const newline = options.newline === undefined ? null : options.newline
  try {
    return new TextSocketFile(buffer, encoding, errors, newline, mode)
  } catch (e) {
    buffer.close()
    throw e
  }
}
