// A text file over a buffered socket file: io.TextIOWrapper's decoding,
// newline translation and messages.
import { index } from './args'
import { ValueError } from './errors'
import { DEFAULT_BUFFER_SIZE, LookupError, UnsupportedOperation } from './io'
import { UnicodeDecodeError, UnicodeEncodeError, utf8DecodeError } from './unicode'
import { pyRepr, pyTypeName } from './pytypes'
import { BufferedSocketFile } from './bufferedio'
import { TextDecoder, inspect } from 'node:util'

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

// Python's codec names, as its messages print them.
const CODEC: Record<string, string> = {
  utf8: 'utf-8',
  utf16le: 'utf-16-le',
  latin1: 'latin-1',
  ascii: 'ascii',
}

/** Python's other error handlers, which pysocket's text files do not implement. */
const OTHER_HANDLERS = [
  'ignore',
  'surrogateescape',
  'surrogatepass',
  'backslashreplace',
  'xmlcharrefreplace',
  'namereplace',
]

export { UnicodeEncodeError }

function strOrNone(v: unknown, name: string): string | null {
  if (v === null || v === undefined) return null
  if (typeof v !== 'string') {
    throw new TypeError(
      `TextIOWrapper() argument '${name}' must be str or None, not ${pyTypeName(v)}`,
    )
  }
  return v
}

/** A text file over a buffered socket file (Python's io.TextIOWrapper). */
export class TextSocketFile {
  /** The binary buffered file under the text layer. */
  readonly buffer: BufferedSocketFile
  /** The text encoding (`'utf-8'` by default). */
  readonly encoding: string
  /** How encoding errors are handled (`'strict'` by default). */
  readonly errors: string
  /** The mode the file was made with (`'rb'`, `'w'`, ...). */
  mode: string
  private readonly _enc: BufferEncoding
  private _decoder: TextDecoder | null = null
  private readonly _newline: string | null
  private _text = ''
  private _pendingCR = false
  private _eof = false

  constructor(
    buffer: BufferedSocketFile,
    encoding: unknown,
    errors: unknown,
    newline: unknown,
    mode: string,
  ) {
    const encName = strOrNone(encoding, 'encoding') ?? 'UTF-8'
    const errName = strOrNone(errors, 'errors') ?? 'strict'
    const nl = strOrNone(newline, 'newline')
    const enc = ENCODINGS[encName.toLowerCase().replace(/_/g, '-')]
    if (enc === undefined) throw new LookupError(`unknown encoding: ${encName}`)
    if (nl !== null && !['', '\n', '\r', '\r\n'].includes(nl)) {
      throw new ValueError(`illegal newline value: ${nl}`)
    }
    this.buffer = buffer
    this.encoding = encName
    this.errors = errName
    this.mode = mode
    this._enc = enc
    this._newline = nl
  }

  /**
   * Whether bad data is replaced. Python looks the handler up only when
   * there is an error to handle; `onError` does the same.
   */
  private _replaces(): boolean {
    return this.errors === 'replace'
  }

  /** The error for bad data under this handler: `err` for strict. */
  private _onError(err: Error): Error {
    const h = this.errors
    if (h === 'strict') return err
    if (OTHER_HANDLERS.includes(h)) {
      return new ValueError(`error handler '${h}' is not supported by pysocket text files`)
    }
    return new LookupError(`unknown error handler name '${h}'`)
  }

  /** Bytes to text, `final` at EOF (an incomplete sequence is then an error). */
  private _decode(data: Buffer, final: boolean): string {
    const strict = !this._replaces()
    const codec = CODEC[this._enc]
    if (this._enc === 'latin1') return data.toString('latin1')
    if (this._enc === 'ascii') {
      let out = ''
      for (let i = 0; i < data.length; i++) {
        const b = data[i]
        if (b < 0x80) out += String.fromCharCode(b)
        else if (strict) {
          throw this._onError(
            new UnicodeDecodeError('ascii', data, i, i + 1, 'ordinal not in range(128)'),
          )
        } else out += '\ufffd'
      }
      return out
    }
    if (this._decoder === null) {
      this._decoder = new TextDecoder(this._enc === 'utf8' ? 'utf-8' : 'utf-16le', {
        fatal: strict,
      })
    }
    try {
      return this._decoder.decode(data, { stream: !final })
    } catch {
      const exact = this._enc === 'utf8' ? utf8DecodeError(data, final) : null
      throw this._onError(
        exact ?? new UnicodeDecodeError(codec, data, 0, data.length, 'invalid data'),
      )
    }
  }

  /** Text to bytes under the error handler. */
  private _encode(text: string): Buffer {
    const strict = !this._replaces()
    const codec = CODEC[this._enc]
    const limit = this._enc === 'ascii' ? 0x80 : this._enc === 'latin1' ? 0x100 : 0
    const chars = [...text]
    const isBad = (c: string) => {
      const cp = c.codePointAt(0)!
      return limit > 0 ? cp >= limit : cp >= 0xd800 && cp <= 0xdfff
    }
    let out = ''
    for (let pos = 0; pos < chars.length; pos++) {
      const c = chars[pos]
      if (isBad(c)) {
        if (strict) {
          // As CPython's encoders, the error spans the run of bad characters.
          let end = pos + 1
          while (end < chars.length && isBad(chars[end])) end++
          const why = limit > 0 ? `ordinal not in range(${limit})` : 'surrogates not allowed'
          throw this._onError(new UnicodeEncodeError(codec, text, pos, end, why))
        }
        out += '?'
      } else out += c
    }
    return Buffer.from(out, this._enc)
  }

  /** Whether the file is closed. */
  get closed(): boolean {
    return this.buffer.closed
  }

  /** The socket's fd (Python's file `name`), or -1 once closed. */
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
    if (data.length === 0) this._eof = true
    const text = this._decode(data, this._eof)
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

  /** Reads `size` characters, fewer at end of file (all until end of file when -1 or null). */
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

  /** Reads one line, up to and including its line ending (at most `size` characters if given). */
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

  /** Reads lines until end of file (or until their total passes `hint`). */
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

  /** Encodes `s` (translating `\n` as `newline` says) and buffers it; returns its length. */
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
    this.buffer.write(this._encode(text))
    return codePoints(s)
  }

  /** Sends what is buffered. */
  flush(): void {
    this._checkClosed()
    this.buffer.flush()
  }

  /** Whether the file was opened for reading. */
  readable(): boolean {
    return this.buffer.readable()
  }

  /** Whether the file was opened for writing. */
  writable(): boolean {
    return this.buffer.writable()
  }

  /** False: a socket has no position. */
  seekable(): boolean {
    return false
  }

  /** The socket's fd. */
  fileno(): number {
    return this.buffer.fileno()
  }

  /** False: a socket is no terminal. */
  isatty(): boolean {
    return false
  }

  /** Flushes, then closes the file and the files under it. */
  close(): void {
    this.buffer.close()
  }

  /** The lines, one by one, until end of file (`for (const line of f)`). */
  *[Symbol.iterator](): Iterator<string> {
    for (;;) {
      const line = this.readline()
      if (line.length === 0) return
      yield line
    }
  }

  /** Python's repr(): `<_io.TextIOWrapper name=3 mode='r' encoding='UTF-8'>` (no name over a BufferedRWPair). */
  toString(): string {
    const name = this.buffer._pair ? '' : ` name=${this.name}`
    return `<_io.TextIOWrapper${name} mode=${pyRepr(this.mode)} encoding=${pyRepr(this.encoding)}>`
  }

  /** What `util.inspect` shows: Python's repr. */
  [inspect.custom](): string {
    return this.toString()
  }

  /** Closes the file: `using f = s.makefile()`. */
  [Symbol.dispose](): void {
    this.close()
  }
}

/** len(s) in Python: code points, not UTF-16 units. */
function codePoints(s: string): number {
  let n = s.length
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1)
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--
        i++
      }
    }
  }
  return n
}
