// socket.makefile(): synchronous file objects over a socket, following
// CPython's Lib/socket.py SocketIO and the io module's BufferedReader,
// BufferedWriter, BufferedRWPair and TextIOWrapper (their semantics and
// messages, not their every method). The socket's fd stays open until the
// socket and every file object made from it are closed.
import { bytesLike, index } from './args'
import { OSError, TimeoutError, ValueError } from './errors'
import { pyRepr, pyTypeName } from './pytypes'
import { SocketImpl } from './socket'
import { constants as osConstants } from 'node:os'
import { TextDecoder } from 'node:util'

/** io.DEFAULT_BUFFER_SIZE */
export const DEFAULT_BUFFER_SIZE = 8192

/** Python's io.UnsupportedOperation (an OSError and a ValueError there). */
export class UnsupportedOperation extends OSError {}
Object.defineProperty(UnsupportedOperation.prototype, 'name', { value: 'UnsupportedOperation' })

/** Python's LookupError, for an unknown encoding or error handler. */
export class LookupError extends Error {}
Object.defineProperty(LookupError.prototype, 'name', { value: 'LookupError' })

/** Python's UnicodeDecodeError (a ValueError). */
export class UnicodeDecodeError extends ValueError {}
Object.defineProperty(UnicodeDecodeError.prototype, 'name', { value: 'UnicodeDecodeError' })

const BLOCKING = new Set([osConstants.errno.EAGAIN, osConstants.errno.EWOULDBLOCK])

function isBlocking(e: unknown): boolean {
  return e instanceof OSError && e.errno !== null && BLOCKING.has(e.errno)
}

/** The keyword arguments of makefile(). */
export interface MakefileOptions {
  encoding?: string | null
  errors?: string | null
  newline?: string | null
}

/** What a collected SocketIO still owes its socket: one reference. */
interface Ref {
  sock: SocketImpl | null
}

// A file object collected while open gives back its reference, as CPython's
// IOBase.__del__ closes the file: otherwise a forgotten makefile() object
// would keep the socket's fd open after socket.close().
const forgotten = new FinalizationRegistry<Ref>((ref) => {
  const sock = ref.sock
  ref.sock = null
  if (sock !== null) decref(sock)
})

/** The unbuffered raw file over a socket (Python's socket.SocketIO). */
export class SocketIO {
  private _sock: SocketImpl | null
  private readonly _mode: string
  private readonly _reading: boolean
  private readonly _writing: boolean
  private _timeoutOccurred = false
  private _closed = false
  private readonly _ref: Ref

  constructor(sock: SocketImpl, mode: string) {
    if (!['r', 'w', 'rw', 'rb', 'wb', 'rwb'].includes(mode)) {
      throw new ValueError(`invalid mode: ${pyRepr(mode)}`)
    }
    this._sock = sock
    this._ref = { sock }
    forgotten.register(this, this._ref, this._ref)
    if (!mode.includes('b')) mode += 'b'
    this._mode = mode
    this._reading = mode.includes('r')
    this._writing = mode.includes('w')
  }

  get closed(): boolean {
    return this._closed
  }

  get mode(): string {
    return this._mode
  }

  get name(): number {
    return this._closed ? -1 : this.fileno()
  }

  private _checkClosed(): SocketImpl {
    if (this._closed || this._sock === null) throw new ValueError('I/O operation on closed file.')
    return this._sock
  }

  /** Reads into `b`: the count, 0 at EOF, null when a non-blocking socket has nothing. */
  readinto(b: ArrayBufferView | ArrayBuffer): number | null {
    const sock = this._checkClosed()
    if (!this._reading) throw new UnsupportedOperation('File or stream is not readable.')
    if (this._timeoutOccurred) throw new OSError('cannot read from timed out object')
    try {
      return sock.recv_into(b)
    } catch (e) {
      if (e instanceof TimeoutError) {
        this._timeoutOccurred = true
        throw e
      }
      if (isBlocking(e)) return null
      throw e
    }
  }

  /** RawIOBase.read: at most `size` bytes (everything to EOF when negative). */
  read(size: number = -1): Buffer | null {
    const n = size === null ? -1 : index(size)
    if (n < 0) return this.readall()
    const buf = Buffer.alloc(n)
    const got = this.readinto(buf)
    if (got === null) return null
    return got === n ? buf : Buffer.from(buf.subarray(0, got))
  }

  readall(): Buffer | null {
    const chunks: Buffer[] = []
    for (;;) {
      const data = this.read(DEFAULT_BUFFER_SIZE)
      if (data === null) {
        if (chunks.length === 0) return null
        break
      }
      if (data.length === 0) break
      chunks.push(data)
    }
    return Buffer.concat(chunks)
  }

  /** Sends what the socket takes now: the count, or null if it would block. */
  write(b: ArrayBufferView | ArrayBuffer): number | null {
    const sock = this._checkClosed()
    if (!this._writing) throw new UnsupportedOperation('File or stream is not writable.')
    const data = bytesLike(b)
    try {
      return sock.send(data)
    } catch (e) {
      if (isBlocking(e)) return null
      throw e
    }
  }

  readable(): boolean {
    if (this._closed) throw new ValueError('I/O operation on closed socket.')
    return this._reading
  }

  writable(): boolean {
    if (this._closed) throw new ValueError('I/O operation on closed socket.')
    return this._writing
  }

  seekable(): boolean {
    if (this._closed) throw new ValueError('I/O operation on closed socket.')
    return false
  }

  fileno(): number {
    return this._checkClosed().fileno()
  }

  flush(): void {
    this._checkClosed()
  }

  isatty(): boolean {
    this._checkClosed()
    return false
  }

  readline(size: number = -1): Buffer {
    const limit = size === null ? -1 : index(size)
    const out: number[] = []
    while (limit < 0 || out.length < limit) {
      const b = this.read(1)
      if (b === null || b.length === 0) break
      out.push(b[0])
      if (b[0] === 0x0a) break
    }
    return Buffer.from(out)
  }

  close(): void {
    if (this._closed) return
    this._closed = true
    this._sock = null
    forgotten.unregister(this._ref)
    const sock = this._ref.sock
    this._ref.sock = null
    if (sock !== null) decref(sock)
  }

  *[Symbol.iterator](): Iterator<Buffer> {
    for (;;) {
      const line = this.readline()
      if (line.length === 0) return
      yield line
    }
  }

  [Symbol.dispose](): void {
    this.close()
  }

  toString(): string {
    return '<socket.SocketIO object>'
  }
}

/** socket._decref_socketios: the last file object closes a closed socket. */
function decref(sock: SocketImpl): void {
  if (sock._io_refs > 0) sock._io_refs -= 1
  if (sock._closed) sock.close()
}

/** A binary buffered file: BufferedReader, BufferedWriter or BufferedRWPair in one. */
export class BufferedSocketFile {
  readonly raw: SocketIO
  private readonly _size: number
  private readonly _reading: boolean
  private readonly _writing: boolean
  private _rbuf: Buffer = Buffer.alloc(0)
  private _wbuf: Buffer[] = []
  private _wlen = 0
  private _closed = false

  constructor(raw: SocketIO, bufferSize: number, reading: boolean, writing: boolean) {
    if (bufferSize <= 0) throw new ValueError('buffer size must be strictly positive')
    this.raw = raw
    this._size = bufferSize
    this._reading = reading
    this._writing = writing
  }

  get closed(): boolean {
    return this._closed
  }

  get mode(): string {
    return this.raw.mode
  }

  get name(): number {
    return this.raw.name
  }

  private _check(op: string): void {
    if (this._closed) throw new ValueError(`${op} of closed file`)
    if (op.startsWith('read') || op === 'peek') {
      if (!this._reading) throw new UnsupportedOperation('read')
    } else if (!this._writing) throw new UnsupportedOperation('write')
  }

  /** One raw read into the buffer: false at EOF or when nothing is available. */
  private _fill(): boolean | null {
    const data = this.raw.read(this._size)
    if (data === null) return null
    if (data.length === 0) return false
    this._rbuf = this._rbuf.length === 0 ? data : Buffer.concat([this._rbuf, data])
    return true
  }

  private _take(n: number): Buffer {
    const out = this._rbuf.subarray(0, n)
    this._rbuf = this._rbuf.subarray(n)
    return Buffer.from(out)
  }

  /** `size` bytes (fewer only at EOF), or everything to EOF when negative. */
  read(size: number | null = -1): Buffer | null {
    this._check('read')
    const n = size === null ? -1 : index(size)
    if (n < -1) throw new ValueError('read length must be non-negative or -1')
    if (this._writing) this._flushWrites()
    while (n < 0 || this._rbuf.length < n) {
      const more = this._fill()
      if (more === null) {
        if (this._rbuf.length === 0) return null
        break
      }
      if (!more) break
    }
    return this._take(n < 0 ? this._rbuf.length : Math.min(n, this._rbuf.length))
  }

  /** At most `size` bytes with at most one raw read. */
  read1(size: number = -1): Buffer {
    this._check('read')
    let n = index(size)
    if (n < 0) n = this._size
    if (this._rbuf.length === 0 && n > 0) this._fill()
    return this._take(Math.min(n, this._rbuf.length))
  }

  /** The buffered bytes, reading once if the buffer is empty; nothing is consumed. */
  peek(size: number = 0): Buffer {
    this._check('peek')
    void size
    if (this._rbuf.length === 0) this._fill()
    return Buffer.from(this._rbuf)
  }

  readinto(b: ArrayBufferView | ArrayBuffer): number {
    const view = bytesLike(b)
    const data = this.read(view.length)
    if (data === null) return 0
    view.set(data)
    return data.length
  }

  readline(size: number | null = -1): Buffer {
    this._check('readline')
    const limit = size === null ? -1 : index(size)
    let scanned = 0
    for (;;) {
      const nl = this._rbuf.indexOf(0x0a, scanned)
      if (nl >= 0 && (limit < 0 || nl < limit)) return this._take(nl + 1)
      if (limit >= 0 && this._rbuf.length >= limit) return this._take(limit)
      scanned = this._rbuf.length
      if (!this._fill()) return this._take(this._rbuf.length)
    }
  }

  readlines(hint: number | null = -1): Buffer[] {
    const h = hint === null ? -1 : index(hint)
    const lines: Buffer[] = []
    let total = 0
    for (const line of this) {
      lines.push(line)
      total += line.length
      if (h > 0 && total >= h) break
    }
    return lines
  }

  write(b: ArrayBufferView | ArrayBuffer): number {
    this._check('write')
    const data = Buffer.from(bytesLike(b))
    this._wbuf.push(data)
    this._wlen += data.length
    if (this._wlen >= this._size) this._flushWrites()
    return data.length
  }

  private _flushWrites(): void {
    if (this._wlen === 0) return
    let data = this._wbuf.length === 1 ? this._wbuf[0] : Buffer.concat(this._wbuf)
    this._wbuf = []
    this._wlen = 0
    try {
      while (data.length > 0) {
        const n = this.raw.write(data)
        if (n === null) {
          throw new OSError(osConstants.errno.EAGAIN, 'write could not complete without blocking')
        }
        data = data.subarray(n)
      }
    } finally {
      if (data.length > 0) {
        this._wbuf = [Buffer.from(data)]
        this._wlen = data.length
      }
    }
  }

  flush(): void {
    if (this._closed) throw new ValueError('flush of closed file')
    if (this._writing) this._flushWrites()
  }

  readable(): boolean {
    return this.raw.readable() && this._reading
  }

  writable(): boolean {
    return this.raw.writable() && this._writing
  }

  seekable(): boolean {
    return false
  }

  fileno(): number {
    return this.raw.fileno()
  }

  isatty(): boolean {
    return false
  }

  close(): void {
    if (this._closed) return
    try {
      if (this._writing) this._flushWrites()
    } finally {
      this._closed = true
      this.raw.close()
    }
  }

  *[Symbol.iterator](): Iterator<Buffer> {
    for (;;) {
      const line = this.readline()
      if (line.length === 0) return
      yield line
    }
  }

  [Symbol.dispose](): void {
    this.close()
  }
}

// Python encoding names -> Node's.
const ENCODINGS: Record<string, BufferEncoding> = {
  'utf-8': 'utf8',
  utf8: 'utf8',
  'utf-16-le': 'utf16le',
  'utf-16le': 'utf16le',
  'latin-1': 'latin1',
  latin1: 'latin1',
  'iso-8859-1': 'latin1',
  ascii: 'ascii',
  'us-ascii': 'ascii',
}

const DECODERS: Record<BufferEncoding, string> = {
  utf8: 'utf-8',
  utf16le: 'utf-16le',
  latin1: 'latin1',
  ascii: 'ascii',
} as Record<BufferEncoding, string>

/** A text file over a buffered socket file (Python's io.TextIOWrapper). */
export class TextSocketFile {
  readonly buffer: BufferedSocketFile
  readonly encoding: string
  readonly errors: string
  mode: string
  private readonly _enc: BufferEncoding
  private readonly _decoder: TextDecoder
  private readonly _newline: string | null
  private _text = ''
  private _pendingCR = false
  private _eof = false

  constructor(
    buffer: BufferedSocketFile,
    encoding: string,
    errors: string,
    newline: string | null,
    mode: string,
  ) {
    const enc = ENCODINGS[encoding.toLowerCase().replace(/_/g, '-')]
    if (enc === undefined) throw new LookupError(`unknown encoding: ${encoding}`)
    if (newline !== null && !['', '\n', '\r', '\r\n'].includes(newline)) {
      throw new ValueError(`illegal newline value: ${newline}`)
    }
    if (!['strict', 'replace'].includes(errors)) {
      throw new LookupError(`unknown error handler name '${errors}'`)
    }
    this.buffer = buffer
    this.encoding = encoding
    this.errors = errors
    this.mode = mode
    this._enc = enc
    this._newline = newline
    this._decoder = new TextDecoder(DECODERS[enc], { fatal: errors === 'strict' })
  }

  get closed(): boolean {
    return this.buffer.closed
  }

  get name(): number {
    return this.buffer.name
  }

  private _checkClosed(): void {
    if (this.buffer.closed) throw new ValueError('I/O operation on closed file.')
  }

  /** Decodes one more chunk into the text buffer; false at EOF. */
  private _more(): boolean {
    if (this._eof) return false
    const data = this.buffer.read1(DEFAULT_BUFFER_SIZE)
    let text: string
    try {
      text = this._decoder.decode(data, { stream: data.length > 0 })
    } catch (e) {
      throw new UnicodeDecodeError(
        `'${this.encoding}' codec can't decode bytes: ${(e as Error).message}`,
      )
    }
    if (data.length === 0) this._eof = true
    this._text += this._translate(text, this._eof)
    return data.length > 0 || text.length > 0
  }

  /** Universal newlines (newline=None): \r\n and \r become \n. */
  private _translate(text: string, final: boolean): string {
    if (this._newline !== null) return text
    if (this._pendingCR) {
      text = '\r' + text
      this._pendingCR = false
    }
    if (!final && text.endsWith('\r')) {
      this._pendingCR = true
      text = text.slice(0, -1)
    }
    return text.replace(/\r\n?/g, '\n')
  }

  private _checkReadable(): void {
    this._checkClosed()
    if (!this.buffer.readable()) throw new UnsupportedOperation('not readable')
  }

  read(size: number | null = -1): string {
    this._checkReadable()
    const n = size === null ? -1 : index(size)
    this.buffer.flush()
    if (n < 0) {
      while (this._more());
      const out = this._text
      this._text = ''
      return out
    }
    while ([...this._text.slice(0, 2 * n + 2)].length < n && this._more());
    const chars = [...this._text]
    const out = chars.slice(0, n).join('')
    this._text = this._text.slice(out.length)
    return out
  }

  private _lineEnd(from: number): [number, number] {
    const t = this._text
    const nl = this._newline
    if (nl === null || nl === '\n') {
      const i = t.indexOf('\n', from)
      return [i, 1]
    }
    if (nl === '\r' || nl === '\r\n') {
      const i = t.indexOf(nl, from)
      return [i, nl.length]
    }
    // newline='': any of \r\n, \r, \n ends a line, untranslated.
    const m = /\r\n|\r|\n/g
    m.lastIndex = from
    const r = m.exec(t)
    if (r === null) return [-1, 0]
    // A \r at the very end may be the start of \r\n.
    if (r[0] === '\r' && r.index === t.length - 1 && !this._eof) return [-1, 0]
    return [r.index, r[0].length]
  }

  readline(size: number | null = -1): string {
    this._checkReadable()
    const limit = size === null ? -1 : index(size)
    let scanned = 0
    for (;;) {
      const [i, len] = this._lineEnd(scanned)
      if (i >= 0) {
        const end = i + len
        if (limit >= 0 && end > limit) break
        const line = this._text.slice(0, end)
        this._text = this._text.slice(end)
        return line
      }
      if (limit >= 0 && this._text.length >= limit) break
      scanned = Math.max(0, this._text.length - 1)
      if (!this._more()) break
    }
    const n = limit >= 0 ? Math.min(limit, this._text.length) : this._text.length
    const line = this._text.slice(0, n)
    this._text = this._text.slice(n)
    return line
  }

  readlines(hint: number | null = -1): string[] {
    const h = hint === null ? -1 : index(hint)
    const lines: string[] = []
    let total = 0
    for (const line of this) {
      lines.push(line)
      total += line.length
      if (h > 0 && total >= h) break
    }
    return lines
  }

  write(s: string): number {
    this._checkClosed()
    if (typeof s !== 'string') {
      throw new TypeError(`write() argument must be str, not ${pyTypeName(s)}`)
    }
    if (!this.buffer.writable()) throw new UnsupportedOperation('not writable')
    let text = s
    if (this._newline !== null && this._newline !== '' && this._newline !== '\n') {
      text = text.replace(/\n/g, this._newline)
    }
    this.buffer.write(Buffer.from(text, this._enc))
    return s.length
  }

  flush(): void {
    this._checkClosed()
    this.buffer.flush()
  }

  readable(): boolean {
    return this.buffer.readable()
  }

  writable(): boolean {
    return this.buffer.writable()
  }

  seekable(): boolean {
    return false
  }

  fileno(): number {
    return this.buffer.fileno()
  }

  isatty(): boolean {
    return false
  }

  close(): void {
    this.buffer.close()
  }

  *[Symbol.iterator](): Iterator<string> {
    for (;;) {
      const line = this.readline()
      if (line.length === 0) return
      yield line
    }
  }

  [Symbol.dispose](): void {
    this.close()
  }
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
