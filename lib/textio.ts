// A text file over a buffered socket file: io.TextIOWrapper's decoding,
// newline translation and messages.
import { index } from './args'
import { ValueError } from './errors'
import { DEFAULT_BUFFER_SIZE, LookupError, UnicodeDecodeError, UnsupportedOperation } from './io'
import { pyTypeName } from './pytypes'
import { BufferedSocketFile } from './bufferedio'
import { TextDecoder } from 'node:util'

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
