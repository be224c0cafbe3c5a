// A buffered binary file over SocketIO: io.BufferedReader, BufferedWriter
// and BufferedRWPair in one class, with their semantics and messages.
import { bytesLike, index } from './args'
import { OSError, ValueError } from './errors'
import { UnsupportedOperation } from './io'
import { SocketIO } from './socketio'
import { constants as osConstants } from 'node:os'
import { inspect } from 'node:util'
import { objectRepr } from './pytypes'

/** A binary buffered file: BufferedReader, BufferedWriter or BufferedRWPair in one. */
export class BufferedSocketFile {
  /** The raw {@link SocketIO} under the buffer. */
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

  /** Whether the file is closed. */
  get closed(): boolean {
    return this._closed
  }

  /** The mode the file was made with (`'rb'`, `'w'`, ...). */
  get mode(): string {
    return this.raw.mode
  }

  /** The socket's fd (Python's file `name`), or -1 once closed. */
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

  /** Reads into `b` in place until it is full or the stream ends; returns the count. */
  readinto(b: ArrayBufferView | ArrayBuffer): number {
    const view = bytesLike(b)
    const data = this.read(view.length)
    if (data === null) return 0
    view.set(data)
    return data.length
  }

  /** Reads one line, up to and including `\n` (at most `size` bytes if given). */
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

  /** Reads lines until end of file (or until their total passes `hint`). */
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

  /** Buffers `b` for sending (sent when the buffer fills, on flush() or close()); returns its length. */
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

  /** Sends what is buffered. */
  flush(): void {
    if (this._closed) throw new ValueError('flush of closed file')
    if (this._writing) this._flushWrites()
  }

  /** Whether the file was opened for reading. */
  readable(): boolean {
    return this.raw.readable() && this._reading
  }

  /** Whether the file was opened for writing. */
  writable(): boolean {
    return this.raw.writable() && this._writing
  }

  /** False: a socket has no position. */
  seekable(): boolean {
    return false
  }

  /** The socket's fd. */
  fileno(): number {
    return this.raw.fileno()
  }

  /** False: a socket is no terminal. */
  isatty(): boolean {
    return false
  }

  /** Flushes, then closes the file and its raw file. */
  close(): void {
    if (this._closed) return
    try {
      if (this._writing) this._flushWrites()
    } finally {
      this._closed = true
      this.raw.close()
    }
  }

  /** The lines, one by one, until end of file (`for (const line of f)`). */
  *[Symbol.iterator](): Iterator<Buffer> {
    for (;;) {
      const line = this.readline()
      if (line.length === 0) return
      yield line
    }
  }

  /** @internal Whether this stands for a BufferedRWPair (which has no name in Python). */
  get _pair(): boolean {
    return this._reading && this._writing
  }

  /** Python's repr(): `<_io.BufferedReader name=3>`, `<_io.BufferedWriter name=3>`, or a BufferedRWPair's. */
  toString(): string {
    if (this._pair) return objectRepr(this, '_io.BufferedRWPair')
    return `<_io.${this._reading ? 'BufferedReader' : 'BufferedWriter'} name=${this.name}>`
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
