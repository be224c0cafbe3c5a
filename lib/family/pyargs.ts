// CPython's PyArg_ParseTuple, as far as the address families use it: the
// format units (I, H, B, k, K, i, s, y*, O& with the FS converter), the
// argument-count messages, and the `;message` that replaces format
// mismatches.
import { bytesLike, cInt, index } from '../args'
import { OverflowError, ValueError } from '../errors'
import { pyTypeName } from '../pytypes'
import { encodeUtf8, fsencode } from '../unicode'

/** Python's SystemError (raised for a non-tuple given to a tuple format). */
export class SystemError extends Error {}
Object.defineProperty(SystemError.prototype, 'name', { value: 'SystemError' })

/** A format mismatch: PyArg_ParseTuple's `;message` replaces it when given. */
/** @internal */
export class FormatMismatch extends TypeError {}

/** Python's `isinstance(v, int)` (bool included). */
/** @internal */
export function isPyInt(v: unknown): boolean {
  return (
    (typeof v === 'number' && Number.isInteger(v)) ||
    typeof v === 'boolean' ||
    typeof v === 'bigint'
  )
}

function asBigInt(v: unknown): bigint {
  if (typeof v === 'bigint') return v
  return BigInt(index(v))
}

/** `I`, `H`, `B`: `__index__`, then the low `bits` bits (no overflow check). */
/** @internal */
export function uMask(v: unknown, bits: number): number {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 2 ** bits) return v
  return Number(BigInt.asUintN(bits, asBigInt(v)))
}

/** `k`: an int (not merely `__index__`) taken modulo 2**64, then as stored in `bits`. */
/** @internal */
export function kMask(v: unknown, argn: number, bits: number, fname = ''): number {
  if (!isPyInt(v)) throw new FormatMismatch(argMsg(argn, 'int', v, fname))
  return Number(BigInt.asUintN(bits, asBigInt(v)))
}

/** `K`: an int taken modulo 2**64, as a bigint. */
/** @internal */
export function KMask(v: unknown, argn: number, fname = ''): bigint {
  if (!isPyInt(v)) throw new FormatMismatch(argMsg(argn, 'int', v, fname))
  return BigInt.asUintN(64, asBigInt(v))
}

/** `i`: a C int with OverflowError outside its range. */
/** @internal */
export function cint(v: unknown): number {
  return cInt(v)
}

function argMsg(argn: number, want: string, v: unknown, fname: string): string {
  return `${fname ? fname + '() ' : ''}argument ${argn} must be ${want}, not ${pyTypeName(v)}`
}

/** `s`: a str, as UTF-8 bytes without NUL. */
/** @internal */
export function str(v: unknown, argn: number, fname = ''): Buffer {
  if (typeof v !== 'string') throw new FormatMismatch(argMsg(argn, 'str', v, fname))
  if (v.includes('\0')) throw new ValueError('embedded null character')
  return encodeUtf8(v)
}

/** `y*`: any bytes-like object. */
/** @internal */
export function buffer(v: unknown): Uint8Array {
  return bytesLike(v)
}

/** `O&` with PyUnicode_FSConverter: str (UTF-8) or bytes, no NUL. */
/** @internal */
export function fsPath(v: unknown): Buffer {
  let b: Buffer
  if (typeof v === 'string') b = fsencode(v)
  else if (Buffer.isBuffer(v)) b = v
  else throw new TypeError(`expected str, bytes or os.PathLike object, not ${pyTypeName(v)}`)
  if (b.includes(0)) throw new ValueError('embedded null byte')
  return b
}

/**
 * The count check of PyArg_ParseTuple for `min`..`max` items. `fname` is
 * the `:name` of the format, `semi` its `;message`.
 */
/** @internal */
export function count(
  t: unknown[],
  min: number,
  max: number,
  opts: { fname?: string; semi?: string } = {},
): void {
  const n = t.length
  if (n >= min && n <= max) return
  if (opts.semi !== undefined) throw new TypeError(opts.semi)
  const who = opts.fname ? `${opts.fname}()` : 'function'
  const want = min === max ? `exactly ${min}` : n < min ? `at least ${min}` : `at most ${max}`
  const noun = (n < min ? min : max) === 1 ? 'argument' : 'arguments'
  throw new TypeError(`${who} takes ${want} ${noun} (${n} given)`)
}

/** A tuple format given a non-tuple: CPython's SystemError. */
/** @internal */
export function mustBeTuple(v: unknown): unknown[] {
  if (!Array.isArray(v)) {
    throw new SystemError('new style getargs format but argument is not a tuple')
  }
  return v
}

/** Runs the conversions of one format; a mismatch takes the `;message`. */
/** @internal */
export function withSemi<T>(semi: string, f: () => T): T {
  try {
    return f()
  } catch (e) {
    if (e instanceof FormatMismatch) throw new TypeError(semi)
    throw e
  }
}

/** Replaces any OverflowError by `message` (AF_PACKET's "out of range"). */
/** @internal */
export function overflowAs<T>(message: string, f: () => T): T {
  try {
    return f()
  } catch (e) {
    if (e instanceof OverflowError) throw new OverflowError(message)
    throw e
  }
}

/** The `%s(): X address must be tuple, not T` check (or its getsockaddrarg form). */
/** @internal */
export function tupleFor(addr: unknown, prefix: string, name: string): unknown[] {
  if (!Array.isArray(addr)) {
    throw new TypeError(`${prefix} ${name} address must be tuple, not ${pyTypeName(addr)}`)
  }
  return addr
}
