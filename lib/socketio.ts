// socket.SocketIO: the unbuffered raw file object over a socket, as in
// CPython's Lib/socket.py (timeouts poison later reads; closing the last file
// object closes a socket that close() was already called on).
import { bytesLike, index } from './args'
import { OSError, TimeoutError, ValueError } from './errors'
import { DEFAULT_BUFFER_SIZE, UnsupportedOperation, isBlocking } from './io'
import { objectRepr, pyRepr } from './pytypes'
import { inspect } from 'node:util'
import { socket } from './socket'

/** What a collected SocketIO still owes its socket: one reference. */
interface Ref {
  sock: socket | null
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
  private _sock: socket | null
  private readonly _mode: string
  private readonly _reading: boolean
  private readonly _writing: boolean
  private _timeoutOccurred = false
  private _closed = false
  private readonly _ref: Ref

  constructor(sock: socket, mode: string) {
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

  /** Whether the file is closed. */
  get closed(): boolean {
    return this._closed
  }

  /** The mode the file was made with (`'rb'`, `'w'`, ...). */
  get mode(): string {
    return this._mode
  }

  /** The socket's fd (Python's file `name`), or -1 once closed. */
  get name(): number {
    return this._closed ? -1 : this.fileno()
  }

  private _checkClosed(): socket {
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

  /** Reads until end of file: all the bytes, or null in non-blocking mode when none are ready. */
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

  /** Whether the file was opened for reading. */
  readable(): boolean {
    if (this._closed) throw new ValueError('I/O operation on closed socket.')
    return this._reading
  }

  /** Whether the file was opened for writing. */
  writable(): boolean {
    if (this._closed) throw new ValueError('I/O operation on closed socket.')
    return this._writing
  }

  /** False: a socket has no position. */
  seekable(): boolean {
    if (this._closed) throw new ValueError('I/O operation on closed socket.')
    return false
  }

  /** The socket's fd. */
  fileno(): number {
    return this._checkClosed().fileno()
  }

  /** Does nothing: a raw file has no buffer. */
  flush(): void {
    this._checkClosed()
  }

  /** False: a socket is no terminal. */
  isatty(): boolean {
    this._checkClosed()
    return false
  }

  /** Reads one line, up to and including `\n` (at most `size` bytes if given). */
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

  /** Closes the file; the socket closes its fd once it and every file object are closed. */
  close(): void {
    if (this._closed) return
    this._closed = true
    this._sock = null
    forgotten.unregister(this._ref)
    const sock = this._ref.sock
    this._ref.sock = null
    if (sock !== null) decref(sock)
  }

  /** The lines, one by one, until end of file (`for (const line of f)`). */
  *[Symbol.iterator](): Iterator<Buffer> {
    for (;;) {
      const line = this.readline()
      if (line.length === 0) return
      yield line
    }
  }

  /** Closes the file: `using f = s.makefile()`. */
  [Symbol.dispose](): void {
    this.close()
  }

  /** Python's repr(): `<socket.SocketIO object at 0x...>`. */
  toString(): string {
    return objectRepr(this, 'socket.SocketIO')
  }

  /** What `util.inspect` shows: Python's repr. */
  [inspect.custom](): string {
    return this.toString()
  }
}

/** socket._decref_socketios: the last file object closes a closed socket. */
function decref(sock: socket): void {
  sock._decref_socketios()
}
