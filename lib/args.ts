// Argument conversion with CPython's rules and messages: integers
// (`__index__`, C int / ssize_t ranges), bytes-like objects, timeouts, and
// the trailing options object that stands for keyword arguments.
import { OverflowError, ValueError } from './errors'
import { isAnyArrayBuffer } from 'node:util/types'
import { pyTypeName } from './pytypes'

const INT_MAX = 2 ** 31 - 1
const INT_MIN = -(2 ** 31)
const UINT_MAX = 2 ** 32 - 1
const SSIZE_MAX = 2 ** 63 - 1

/** Python's `operator.index`: ints and bools pass, anything else is a TypeError. */
export function index(v: unknown): number {
  if (typeof v === 'number' && Number.isInteger(v)) return v
  if (typeof v === 'boolean') return v ? 1 : 0
  if (typeof v === 'bigint') return Number(v)
  throw new TypeError(`'${pyTypeName(v)}' object cannot be interpreted as an integer`)
}

/** Whether an int (number or bigint) lies outside C `long` (int64). */
function beyondLong(v: unknown, n: number): boolean {
  if (typeof v === 'bigint') return v > 2n ** 63n - 1n || v < -(2n ** 63n)
  return n >= 2 ** 63 || n < -(2 ** 63)
}

/** A C `int` argument (format `i`). */
export function cInt(v: unknown): number {
  // The common case, an int32, is one check (the data path's flags).
  if (typeof v === 'number' && (v | 0) === v) return v
  const n = index(v)
  if (beyondLong(v, n)) throw new OverflowError('Python int too large to convert to C long')
  if (n > INT_MAX) throw new OverflowError('signed integer is greater than maximum')
  if (n < INT_MIN) throw new OverflowError('signed integer is less than minimum')
  return n
}

/** A C `int` argument of an Argument Clinic function (`_PyLong_AsInt`). */
export function clinicInt(v: unknown): number {
  const n = index(v)
  if (n > INT_MAX || n < INT_MIN)
    throw new OverflowError('Python int too large to convert to C int')
  return n
}

/** A C `long` argument (64-bit here); `PyLong_AsLong`. */
export function cLong(v: unknown): number {
  const n = index(v)
  if (beyondLong(v, n)) throw new OverflowError('Python int too large to convert to C long')
  return n
}

/** A C `unsigned int` taken modulo 2**32 (format `I`). */
export function cUIntMask(v: unknown): number {
  index(v)
  const big = typeof v === 'bigint' ? v : BigInt(typeof v === 'boolean' ? Number(v) : (v as number))
  return Number(BigInt.asUintN(32, big))
}

/** A C `unsigned int` with overflow checks. */
export function cUInt(v: unknown): number {
  const n = index(v)
  if (n < 0) throw new OverflowError("can't convert negative int to unsigned")
  if (n > UINT_MAX) throw new OverflowError('Python int too large to convert to C unsigned long')
  return n
}

/**
 * A socket fd argument as CPython reads it (`PyLong_AsSocket_t`): a C long
 * whose low 32 bits are kept, since SOCKET_T is an int on POSIX.
 */
export function socketFd(v: unknown): number {
  const n = cLong(v)
  const wide = typeof v === 'bigint' ? v : BigInt(n)
  return Number(BigInt.asIntN(32, wide))
}

/** A `Py_ssize_t` argument (format `n`). */
export function ssize(v: unknown): number {
  if (typeof v === 'number' && (v | 0) === v) return v // an int32: in range
  const n = index(v)
  if (beyondLong(v, n) || n > SSIZE_MAX || n < -SSIZE_MAX - 1) {
    throw new OverflowError('Python int too large to convert to C ssize_t')
  }
  return n
}

/**
 * `v` as a Uint8Array over the same memory if it is a buffer: a view or an
 * ArrayBuffer / SharedArrayBuffer. The checks read internal slots, not the
 * prototype chain, so a Proxy around a buffer (which `instanceof` accepts
 * but the addon cannot read) is not one, as in Python.
 */
export function bufferView(v: unknown): Uint8Array | null {
  if (ArrayBuffer.isView(v)) {
    if (v instanceof Uint8Array) return v
    return new Uint8Array(v.buffer, v.byteOffset, v.byteLength)
  }
  if (isAnyArrayBuffer(v)) return new Uint8Array(v)
  return null
}

/** Any bytes-like object as a Uint8Array over the same memory. */
export function bytesLike(v: unknown): Uint8Array {
  const view = bufferView(v)
  if (view !== null) return view
  throw new TypeError(`a bytes-like object is required, not '${pyTypeName(v)}'`)
}

/** A writable buffer for the `*_into` calls. */
export function writable(v: unknown, fn: string): Uint8Array {
  const view = bufferView(v)
  if (view !== null) return view
  // getargs names None itself, other values by their type.
  const what = v === null || v === undefined ? 'None' : pyTypeName(v)
  throw new TypeError(`${fn}() argument 1 must be read-write bytes-like object, not ${what}`)
}

/**
 * A timeout in seconds as CPython parses it (`None` or a non-negative
 * number), returned as a number with -1 for None.
 */
export function timeoutSeconds(v: unknown): number {
  if (v === null || v === undefined) return -1
  let secs: number
  if (typeof v === 'number') secs = v
  else if (typeof v === 'boolean') secs = v ? 1 : 0
  else if (typeof v === 'bigint') secs = Number(v)
  else throw new TypeError(`'${pyTypeName(v)}' object cannot be interpreted as an integer`)
  if (Number.isNaN(secs)) throw new ValueError('Invalid value NaN (not a number)')
  // CPython keeps timeouts as int64 nanoseconds; ints and floats overflow
  // with different messages (3.13's). A number is an int here only when it
  // is a safe integer: 1e300 is the float it was written as (a bigint is the
  // way to pass a huge int).
  if (typeof v !== 'number' || Number.isSafeInteger(v)) {
    if (Math.abs(secs) > Math.floor((2 ** 63 - 1) / 1e9)) {
      throw new OverflowError('timestamp too large to convert to C PyTime_t')
    }
  } else if (Math.abs(secs) * 1e9 >= 2 ** 63) {
    throw new OverflowError('timestamp out of range for platform time_t')
  }
  // CPython stores whole nanoseconds, rounding away from zero, and reads
  // them back as ns / 1e9: the value gettimeout() returns.
  const ns = Number.isInteger(secs)
    ? secs * 1e9
    : secs < 0
      ? Math.floor(secs * 1e9)
      : Math.ceil(secs * 1e9)
  if (ns < 0) throw new ValueError('Timeout value out of range')
  if (Number.isInteger(secs)) return secs + 0
  return ns / 1e9 + 0
}

/** True for a plain options object (the stand-in for keyword arguments). */
export function isOptions(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false
  if (Array.isArray(v) || ArrayBuffer.isView(v) || v instanceof ArrayBuffer) return false
  const proto = Object.getPrototypeOf(v)
  return proto === Object.prototype || proto === null
}

/**
 * The positional arguments of a call, its trailing options object (the
 * keyword arguments) and how many positional arguments were given: a
 * trailing `undefined` stands for an omitted argument.
 */
export function splitOptions(args: readonly unknown[]): {
  positional: readonly unknown[]
  kw: Record<string, unknown>
  n: number
} {
  let positional = args
  let kw: Record<string, unknown> = {}
  if (args.length > 0 && isOptions(args[args.length - 1])) {
    kw = args[args.length - 1] as Record<string, unknown>
    positional = args.slice(0, -1)
  }
  let n = positional.length
  while (n > 0 && positional[n - 1] === undefined) n--
  return { positional, kw, n }
}

/**
 * Splits `args` into positional arguments and keyword options, filling each
 * named parameter from one or the other, as Python binds a call.
 */
export function bind(
  fn: string,
  names: readonly string[],
  args: readonly unknown[],
  required = 0,
): Record<string, unknown> {
  const { positional, kw, n } = splitOptions(args)
  if (n > names.length) {
    throw new TypeError(
      `${fn}() takes at most ${names.length} argument${names.length === 1 ? '' : 's'} (${n} given)`,
    )
  }
  const out: Record<string, unknown> = {}
  for (let i = 0; i < n; i++) out[names[i]] = positional[i]
  for (const [key, value] of Object.entries(kw)) {
    if (!names.includes(key)) {
      throw new TypeError(`${fn}() got an unexpected keyword argument '${key}'`)
    }
    if (key in out) {
      throw new TypeError(`${fn}() got multiple values for argument '${key}'`)
    }
    if (value !== undefined) out[key] = value
  }
  for (let i = 0; i < required; i++) {
    if (!(names[i] in out)) {
      throw new TypeError(`${fn}() missing required argument '${names[i]}' (pos ${i + 1})`)
    }
  }
  return out
}
