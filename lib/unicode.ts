// Python's Unicode exceptions and the two str -> bytes conversions the
// socket module makes: strict UTF-8 (format `s`, str.encode()) and the
// file-system encoding (UTF-8 with `surrogateescape`, PyUnicode_FSConverter).
// A JavaScript string may hold lone surrogates, which UTF-8 cannot encode:
// CPython raises UnicodeEncodeError for them, so must we (Buffer.from would
// silently put U+FFFD in their place).
import { bytesLike, index } from './args'
import { ValueError } from './errors'
import { argTypeName } from './pytypes'

/** Python's UnicodeError: a ValueError, the base of the codec errors. */
export class UnicodeError extends ValueError {}
Object.defineProperty(UnicodeError.prototype, 'name', { value: 'UnicodeError', writable: true })

/** `\xNN`, `\uNNNN` or `\UNNNNNNNN`: how codec messages name a character. */
export function charEscape(cp: number): string {
  if (cp <= 0xff) return '\\x' + cp.toString(16).padStart(2, '0')
  if (cp <= 0xffff) return '\\u' + cp.toString(16).padStart(4, '0')
  return '\\U' + cp.toString(16).padStart(8, '0')
}

/** The checks of the exceptions' `(encoding, object, start, end, reason)` arguments. */
function checkArgs(args: IArguments, object: 'str' | 'bytes'): void {
  if (args.length !== 5) {
    throw new TypeError(`function takes exactly 5 arguments (${args.length} given)`)
  }
  const str = (i: number) => {
    if (typeof args[i] !== 'string') {
      throw new TypeError(`argument ${i + 1} must be str, not ${argTypeName(args[i])}`)
    }
  }
  str(0)
  if (object === 'str') str(1)
  index(args[2])
  index(args[3])
  str(4)
  // UnicodeDecodeError takes any object, then asks it for its bytes.
  if (object === 'bytes') bytesLike(args[1])
}

/** The code points of `s` (Python's indexing of a str). */
function codePoints(s: string): number[] {
  const out: number[] = []
  for (const ch of s) out.push(ch.codePointAt(0)!)
  return out
}

/**
 * Python's UnicodeEncodeError(encoding, object, start, end, reason).
 * `start` and `end` index code points, as Python indexes a str (a character
 * outside the BMP counts once, not as two UTF-16 units).
 */
export class UnicodeEncodeError extends UnicodeError {
  /** The codec's name (`'utf-8'`, `'idna'`). */
  declare encoding: string
  /** What was being encoded. */
  declare object: string
  /** Where the offending part starts (code points). */
  declare start: number
  /** Where the offending part ends (exclusive). */
  declare end: number
  /** Why it failed (`'surrogates not allowed'`). */
  declare reason: string

  constructor(encoding: string, object: string, start: number, end: number, reason: string) {
    // eslint-disable-next-line prefer-rest-params
    checkArgs(arguments, 'str')
    start = index(start)
    end = index(end)
    const cps = codePoints(object)
    super(
      start < cps.length && end === start + 1
        ? `'${encoding}' codec can't encode character '${charEscape(cps[start])}' in position ${start}: ${reason}`
        : `'${encoding}' codec can't encode characters in position ${start}-${end - 1}: ${reason}`,
    )
    Object.assign(this, { encoding, object, start, end, reason })
  }
}
Object.defineProperty(UnicodeEncodeError.prototype, 'name', {
  value: 'UnicodeEncodeError',
  writable: true,
})

/** Python's UnicodeDecodeError(encoding, object, start, end, reason); `object` is bytes. */
export class UnicodeDecodeError extends UnicodeError {
  /** The codec's name (`'utf-8'`, `'idna'`). */
  declare encoding: string
  /** What was being decoded. */
  declare object: Buffer
  /** Where the offending part starts (bytes). */
  declare start: number
  /** Where the offending part ends (exclusive). */
  declare end: number
  /** Why it failed (`'surrogates not allowed'`). */
  declare reason: string

  constructor(encoding: string, object: Uint8Array, start: number, end: number, reason: string) {
    // eslint-disable-next-line prefer-rest-params
    checkArgs(arguments, 'bytes')
    start = index(start)
    end = index(end)
    const bytes = Buffer.from(bytesLike(object))
    super(
      start < bytes.length && end === start + 1
        ? `'${encoding}' codec can't decode byte 0x${bytes[start].toString(16).padStart(2, '0')} in position ${start}: ${reason}`
        : `'${encoding}' codec can't decode bytes in position ${start}-${end - 1}: ${reason}`,
    )
    Object.assign(this, { encoding, object: bytes, start, end, reason })
  }
}
Object.defineProperty(UnicodeDecodeError.prototype, 'name', {
  value: 'UnicodeDecodeError',
  writable: true,
})

const SURROGATE = /[\ud800-\udfff]/

/** Whether the UTF-16 unit at `i` is a surrogate that is not half of a pair. */
function loneAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i)
  if (c >= 0xd800 && c <= 0xdbff) {
    return !(i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00)
  }
  if (c >= 0xdc00 && c <= 0xdfff) {
    return !(i > 0 && (s.charCodeAt(i - 1) & 0xfc00) === 0xd800)
  }
  return false
}

/** The code-point index of UTF-16 index `i`. */
function cpIndex(s: string, i: number): number {
  let n = 0
  for (let j = 0; j < i; j++) {
    const c = s.charCodeAt(j)
    if (!(c >= 0xdc00 && c <= 0xdfff && j > 0 && (s.charCodeAt(j - 1) & 0xfc00) === 0xd800)) n++
  }
  return n
}

function surrogateError(s: string, from: number, to: number): UnicodeEncodeError {
  const start = cpIndex(s, from)
  return new UnicodeEncodeError('utf-8', s, start, start + (to - from), 'surrogates not allowed')
}

/** The end (UTF-16 index) of the run of lone surrogates starting at `i`. */
function runEnd(s: string, i: number): number {
  let j = i
  while (j < s.length && loneAt(s, j)) j++
  return j
}

/** `s.encode('utf-8')`: strict, UnicodeEncodeError for lone surrogates as CPython words it. */
export function encodeUtf8(s: string): Buffer {
  if (SURROGATE.test(s)) {
    for (let i = 0; i < s.length; i++) {
      if (loneAt(s, i)) throw surrogateError(s, i, runEnd(s, i))
    }
  }
  return Buffer.from(s, 'utf8')
}

/**
 * `os.fsencode(s)` on Linux (PEP 383): UTF-8, with the lone surrogates
 * U+DC80..U+DCFF standing for the bytes 0x80..0xFF they escaped, so that a
 * name read from the kernel encodes back to the same bytes. Any other lone
 * surrogate is CPython's UnicodeEncodeError, from it to the end of its run.
 */
export function fsencode(s: string): Buffer {
  if (!SURROGATE.test(s)) return Buffer.from(s, 'utf8')
  const parts: Buffer[] = []
  let start = 0
  for (let i = 0; i < s.length; i++) {
    if (!loneAt(s, i)) continue
    parts.push(Buffer.from(s.slice(start, i), 'utf8'))
    const end = runEnd(s, i)
    for (; i < end; i++) {
      const c = s.charCodeAt(i)
      if (c < 0xdc80 || c > 0xdcff) throw surrogateError(s, i, end)
      parts.push(Buffer.of(c & 0xff))
    }
    start = end
    i = end - 1
  }
  parts.push(Buffer.from(s.slice(start), 'utf8'))
  return Buffer.concat(parts)
}

/** The valid range of the second byte after a UTF-8 lead byte, and the sequence length. */
function utf8Lead(b: number): [len: number, lo: number, hi: number] | null {
  if (b >= 0xc2 && b <= 0xdf) return [2, 0x80, 0xbf]
  if (b === 0xe0) return [3, 0xa0, 0xbf]
  if (b === 0xed) return [3, 0x80, 0x9f]
  if (b >= 0xe1 && b <= 0xef) return [3, 0x80, 0xbf]
  if (b === 0xf0) return [4, 0x90, 0xbf]
  if (b >= 0xf1 && b <= 0xf3) return [4, 0x80, 0xbf]
  if (b === 0xf4) return [4, 0x80, 0x8f]
  return null
}

/**
 * The UnicodeDecodeError CPython's strict UTF-8 decoder raises for `data`,
 * or null when it decodes; `final` false lets the data end mid-character
 * (an incremental decoder waits for the rest).
 */
export function utf8DecodeError(data: Uint8Array, final = true): UnicodeDecodeError | null {
  for (let i = 0; i < data.length; i++) {
    const b = data[i]
    if (b < 0x80) continue
    const lead = utf8Lead(b)
    if (lead === null) return new UnicodeDecodeError('utf-8', data, i, i + 1, 'invalid start byte')
    const [len, lo, hi] = lead
    for (let k = 1; k < len; k++) {
      if (i + k >= data.length) {
        return final
          ? new UnicodeDecodeError('utf-8', data, i, data.length, 'unexpected end of data')
          : null
      }
      const c = data[i + k]
      const ok = k === 1 ? c >= lo && c <= hi : c >= 0x80 && c <= 0xbf
      if (!ok) return new UnicodeDecodeError('utf-8', data, i, i + k, 'invalid continuation byte')
    }
    i += len - 1
  }
  return null
}
