// Python's exception classes with CPython's messages, and the translation of
// the errors the addon throws as values (see crates/node/src/error.rs): an
// errno as a number, any other kind as `[kind, payload]`.
import { constants } from 'node:os'

import native = require('./native')
import { pyRepr } from './pytypes'

const errnoNames = new Map<number, string>()
for (const [name, value] of Object.entries(constants.errno)) {
  // EWOULDBLOCK shares EAGAIN's number; Node reports EAGAIN.
  if (!errnoNames.has(value) || name === 'EAGAIN') errnoNames.set(value, name)
}

/** The errno name for a number (`111` -> `'ECONNREFUSED'`), as Node's `code`. */
/** @internal */
export function errnoName(errno: number): string | undefined {
  return errnoNames.get(errno)
}

const strerrors = new Map<number, string>()
/** The C library's text for an errno, as `os.strerror`. */
/** @internal */
export function strerror(errno: number): string {
  let text = strerrors.get(errno)
  if (text === undefined) {
    text = native.strerror(errno)
    strerrors.set(errno, text)
  }
  return text
}

function osErrorText(args: unknown[]): string {
  if (args.length >= 2 && args.length <= 5) {
    const [errno, text, filename, , filename2] = args
    let out = `[Errno ${String(errno)}] ${String(text)}`
    if (filename !== undefined && filename !== null) {
      out += `: ${pyRepr(filename)}`
      if (filename2 !== undefined && filename2 !== null) out += ` -> ${pyRepr(filename2)}`
    }
    return out
  }
  if (args.length === 1) return String(args[0])
  if (args.length === 0) return ''
  return `(${args.map(pyRepr).join(', ')})`
}

type OSErrorClass = new (...args: any[]) => OSError

/** What `osError` knows of an errno before it makes the exception. */
interface ErrnoFacts {
  errno: number
  /** The C library's text. */
  text: string
  /** `[Errno N] text`, the message. */
  message: string
  /** The errno's name, Node's `code`. */
  code: string | undefined
  /** The PEP 3151 subclass. */
  cls: OSErrorClass
}

/**
 * Set by `osError` for the one construction it makes: the facts of its
 * errno, so that the constructor need not work out the message, code and
 * subclass again. Nothing else can run between setting and taking it.
 */
let preset: ErrnoFacts | null = null

/** Python's OSError (`socket.error`). */
export class OSError extends Error {
  /** The arguments the exception was made with, as Python's `args`. */
  declare args: unknown[]
  /** The error number (`111` for ECONNREFUSED), or null when made without one. */
  declare errno: number | null
  /** The system's message for errno (`'Connection refused'`), or null. */
  declare strerror: string | null
  /** The file name the error is about, where there is one (null for sockets). */
  declare filename: unknown
  /** The second file name of two-path errors (null for sockets). */
  declare filename2: unknown
  /** Node's error code (`'ECONNREFUSED'`), where there is an errno. */
  declare code: string | undefined
  /** The syscall that failed, where pysocket knows it. */
  declare syscall: string | undefined

  constructor(...args: unknown[]) {
    const facts = preset
    if (facts !== null) {
      // osError's construction: `args` is [errno, text] of these facts. The
      // same properties in the same order as below (one object shape).
      preset = null
      super(facts.message)
      this.args = args
      this.errno = facts.errno
      this.strerror = facts.text
      this.filename = null
      this.filename2 = null
      this.code = facts.code
      this.syscall = undefined
      return
    }
    // As in Python, OSError(errno, strerror) is the PEP 3151 subclass.
    if (new.target === OSError && args.length >= 2 && typeof args[0] === 'number') {
      const sub = subclassFor(args[0])
      if (sub) return new sub(...args)
    }
    super(osErrorText(args))
    this.args = args
    const structured = args.length >= 2 && args.length <= 5
    this.errno = structured && typeof args[0] === 'number' ? args[0] : null
    this.strerror = structured ? (args[1] as string) : null
    this.filename = structured && args.length >= 3 ? args[2] : null
    this.filename2 = structured && args.length >= 5 ? args[4] : null
    this.code = this.errno !== null ? errnoName(this.errno) : undefined
    this.syscall = undefined
  }

  /** Python's str(e). */
  override toString(): string {
    return `${this.name}: ${this.message}`
  }
}

function named<T extends abstract new (...args: any[]) => unknown>(cls: T, name: string): T {
  Object.defineProperty(cls.prototype, 'name', { value: name, writable: true, configurable: true })
  return cls
}

named(OSError, 'OSError')
/** A non-blocking call would block (EAGAIN, EWOULDBLOCK, EINPROGRESS, EALREADY). */
export class BlockingIOError extends OSError {}
named(BlockingIOError, 'BlockingIOError')
/** A child process operation failed (ECHILD). */
export class ChildProcessError extends OSError {}
named(ChildProcessError, 'ChildProcessError')
/** The base class of the connection errors below. */
export class ConnectionError extends OSError {}
named(ConnectionError, 'ConnectionError')
/** Writing to a connection closed by the peer (EPIPE, ESHUTDOWN). */
export class BrokenPipeError extends ConnectionError {}
named(BrokenPipeError, 'BrokenPipeError')
/** The connection was aborted (ECONNABORTED). */
export class ConnectionAbortedError extends ConnectionError {}
named(ConnectionAbortedError, 'ConnectionAbortedError')
/** Nobody listens at the address (ECONNREFUSED). */
export class ConnectionRefusedError extends ConnectionError {}
named(ConnectionRefusedError, 'ConnectionRefusedError')
/** The peer reset the connection (ECONNRESET). */
export class ConnectionResetError extends ConnectionError {}
named(ConnectionResetError, 'ConnectionResetError')
/** The address or file exists already (EEXIST). */
export class FileExistsError extends OSError {}
named(FileExistsError, 'FileExistsError')
/** No such file or directory (ENOENT): an AF_UNIX path that does not exist. */
export class FileNotFoundError extends OSError {}
named(FileNotFoundError, 'FileNotFoundError')
/** A call interrupted by a signal (EINTR); pysocket retries these, as PEP 475. */
export class InterruptedError extends OSError {}
named(InterruptedError, 'InterruptedError')
/** The path is a directory (EISDIR). */
export class IsADirectoryError extends OSError {}
named(IsADirectoryError, 'IsADirectoryError')
/** A path component is not a directory (ENOTDIR). */
export class NotADirectoryError extends OSError {}
named(NotADirectoryError, 'NotADirectoryError')
/** Not permitted (EACCES, EPERM): a raw socket or a low port without the right. */
export class PermissionError extends OSError {}
named(PermissionError, 'PermissionError')
/** No such process (ESRCH). */
export class ProcessLookupError extends OSError {}
named(ProcessLookupError, 'ProcessLookupError')
/** A socket timeout passed (`timed out`), or ETIMEDOUT; also `socket.timeout`. */
export class TimeoutError extends OSError {}
named(TimeoutError, 'TimeoutError')

/** Errors of the resolver: `[Errno -2] Name or service not known`. */
export class gaierror extends OSError {}
named(gaierror, 'gaierror')
/** Errors of the legacy host functions (h_errno). */
export class herror extends OSError {}
named(herror, 'herror')

/** Python's ValueError. */
export class ValueError extends Error {}
named(ValueError, 'ValueError')
/** Python's MemoryError (a read larger than any buffer). */
export class MemoryError extends Error {}
named(MemoryError, 'MemoryError')
/** Python's OverflowError (a RangeError in JavaScript terms). */
export class OverflowError extends RangeError {}
named(OverflowError, 'OverflowError')

/** Python's `socket.error`: another name of {@link OSError}. */
export const error = OSError
/** Python's `socket.timeout`: another name of {@link TimeoutError}. */
export const timeout = TimeoutError

// PEP 3151: which subclass an errno selects. Names, not numbers: the numbers
// come from the platform through Node's os.constants.
const bySubclass: Array<[OSErrorClass, string[]]> = [
  [BlockingIOError, ['EAGAIN', 'EALREADY', 'EWOULDBLOCK', 'EINPROGRESS']],
  [ChildProcessError, ['ECHILD']],
  [BrokenPipeError, ['EPIPE', 'ESHUTDOWN']],
  [ConnectionAbortedError, ['ECONNABORTED']],
  [ConnectionRefusedError, ['ECONNREFUSED']],
  [ConnectionResetError, ['ECONNRESET']],
  [FileExistsError, ['EEXIST']],
  [FileNotFoundError, ['ENOENT']],
  [IsADirectoryError, ['EISDIR']],
  [NotADirectoryError, ['ENOTDIR']],
  [InterruptedError, ['EINTR']],
  [PermissionError, ['EACCES', 'EPERM', 'ENOTCAPABLE']],
  [ProcessLookupError, ['ESRCH']],
  [TimeoutError, ['ETIMEDOUT']],
]
const subclassByErrno = new Map<number, OSErrorClass>()
// The C library's values (from the addon), Node's for names it lacks.
const libcErrnos = new Map<string, number>(native.pep3151Errnos())
for (const [cls, names] of bySubclass) {
  for (const name of names) {
    const n = libcErrnos.get(name) ?? (constants.errno as Record<string, number>)[name]
    if (n !== undefined) subclassByErrno.set(n, cls)
  }
}

const EAGAIN = libcErrnos.get('EAGAIN')
const EWOULDBLOCK = libcErrnos.get('EWOULDBLOCK')

function subclassFor(errno: number): OSErrorClass | undefined {
  return subclassByErrno.get(errno)
}

/**
 * OSError for an errno with the C library's text.
 *
 * "Would block" (EAGAIN/EWOULDBLOCK) is the flow control of non-blocking
 * sockets, raised and caught on every empty read of a selector loop, so its
 * BlockingIOError is made without capturing stack frames (`e.stack` is the
 * message line alone): V8 captures a stack eagerly, which costs several times
 * the rest of the failure. Every other error has the usual stack. The
 * message, code and subclass of each errno are worked out once.
 * @internal
 */
export function osError(errno: number, syscall?: string): OSError {
  let facts = errnoFacts.get(errno)
  if (facts === undefined) {
    const text = strerror(errno)
    facts = {
      errno,
      text,
      message: osErrorText([errno, text]),
      code: errnoName(errno),
      // The PEP 3151 subclass directly: one constructor call.
      cls: subclassFor(errno) ?? OSError,
    }
    errnoFacts.set(errno, facts)
  }
  let e: OSError
  preset = facts
  if (errno === EAGAIN || errno === EWOULDBLOCK) {
    // A stackTraceLimit that is not a number makes V8 capture nothing (a
    // limit of 0 still sets up a walk of the frames); `stack` is then set
    // to what it would be with no frames: the first line.
    const limit = Error.stackTraceLimit
    ;(Error as { stackTraceLimit: unknown }).stackTraceLimit = undefined
    try {
      e = new facts.cls(errno, facts.text)
    } finally {
      Error.stackTraceLimit = limit
      preset = null
    }
    e.stack = `${e.name}: ${facts.message}`
  } else {
    try {
      e = new facts.cls(errno, facts.text)
    } finally {
      preset = null
    }
  }
  if (syscall !== undefined) e.syscall = syscall
  return e
}

// osError's facts per errno, made on first use.
const errnoFacts = new Map<number, ErrnoFacts>()

/**
 * What the addon throws for a failure (crates/node/src/error.rs): an errno
 * as the number itself, any other kind as `[kind, payload]`.
 */
export type NativeFailure = number | [kind: string, payload: number | string | null]

/** What `fromNative` gives for "would block" while `quiet.wouldBlock` is set. */
export const WOULD_BLOCK: unique symbol = Symbol('would block')

/**
 * Set by `loop`'s one-off attempts of a synchronous method (sock_recvmsg,
 * sock_sendmsg), which only want to know that the call would block: then
 * EAGAIN/EWOULDBLOCK comes out of `fromNative` as `WOULD_BLOCK`, and no
 * exception is built for it.
 */
export const quiet = { wouldBlock: false }

/** Turns an error thrown by the addon into Python's exception. */
/** @internal */
export function fromNative(e: unknown, syscall?: string): unknown {
  if (typeof e === 'number') {
    if (quiet.wouldBlock && (e === EAGAIN || e === EWOULDBLOCK)) return WOULD_BLOCK
    return osError(e, syscall)
  }
  if (!Array.isArray(e) || e.length !== 2 || typeof e[0] !== 'string') return e
  const [kind, payload] = e as [string, unknown]
  switch (kind) {
    case 'gai': {
      const code = payload as number
      return new gaierror(code, native.gaiStrerror(code))
    }
    case 'herror': {
      const code = payload as number
      return new herror(code, native.hstrerror(code))
    }
    case 'timeout':
      return new TimeoutError('timed out')
    case 'osmsg':
      return new OSError(payload)
    case 'value':
      return new ValueError(payload as string)
    case 'overflow':
      return new OverflowError(payload as string)
  }
  return e
}
