// Python 3.13's "idna" codec (encodings/idna.py) for host names: ASCII
// names pass with only the label checks, others are split on the four IDNA
// dots and each label goes through ToASCII (nameprep, then punycode).
// Failures are UnicodeEncodeError with the codec's reason and the position
// in the whole name, as 3.13 reports them (3.11 raised a plain UnicodeError
// with "encoding with 'idna' codec failed (...)"). Nameprep's tables are
// approximated with Unicode properties and normalisation (nameprepMap,
// PROHIBITED, bidi).
import { UnicodeEncodeError } from './unicode'

// eslint-disable-next-line no-control-regex
const ASCII = /^[\x00-\x7f]*$/
const DOTS = /[.\u3002\uff0e\uff61]/

/** A label failure: positions within the label, made absolute by the caller. */
class LabelError {
  constructor(
    readonly start: number,
    readonly end: number,
    readonly reason: string,
  ) {}
}

// RFC 3454 table B.1, "commonly mapped to nothing".
const MAPPED_TO_NOTHING =
  /[\u00ad\u034f\u1806\u180b-\u180d\u200b-\u200d\u2060\ufe00-\ufe0f\ufeff]/gu

/**
 * Nameprep's mapping and normalisation (RFC 3491: B.1, case folding, NFKC),
 * close enough to place errors: positions are reported in the mapped label.
 */
function nameprepMap(label: string): string[] {
  const fold = (text: string) =>
    text
      .replace(MAPPED_TO_NOTHING, '')
      .toLowerCase()
      .replace(/ß/g, 'ss')
      .replace(/ς/g, 'σ')
      .normalize('NFKC')
  // Lone surrogates stay code points of their own: joined back into one
  // JavaScript string, two of them could pair up into another character.
  const out: string[] = []
  let run = ''
  for (const ch of label) {
    if (ch.length === 1 && ch >= '\ud800' && ch <= '\udfff') {
      out.push(...fold(run), ch)
      run = ''
    } else run += ch
  }
  out.push(...fold(run))
  return out
}

// Bidi classes R and AL (RFC 3454 D.1), by the blocks of the right-to-left
// scripts; L (D.2) as letters outside them.
const RAND_AL =
  /[\u05be\u05c0\u05c3\u05d0-\u05f4\u0608\u060b\u060d\u061b-\u064a\u066d-\u066f\u0671-\u06d5\u06e5\u06e6\u06ee\u06ef\u06fa-\u070d\u0710-\u07a5\u07b1-\u07ea\u07f4\u07f5\u07fa-\u0815\u081a\u0824\u0828\u0830-\u0858\u085e-\u08ac\u200f\ufb1d\ufb1f-\ufb28\ufb2a-\ufd3d\ufd50-\ufdfc\ufe70-\ufefc\u{10800}-\u{10fff}\u{1e800}-\u{1efff}]/u
const LEFT_TO_RIGHT = /[\p{L}\p{Mc}]/u

/** RFC 3454 section 6, as encodings/idna.py checks it. */
function bidi(chars: string[]): void {
  const ral = chars.map((ch) => RAND_AL.test(ch))
  if (!ral.some(Boolean)) return
  const l = chars.findIndex((ch, i) => !ral[i] && LEFT_TO_RIGHT.test(ch))
  if (l >= 0) throw new LabelError(l, l + 1, 'Violation of BIDI requirement 2')
  if (!ral[0]) throw new LabelError(0, 1, 'Violation of BIDI requirement 3')
  const last = chars.length - 1
  if (!ral[last]) throw new LabelError(last, last + 1, 'Violation of BIDI requirement 3')
}

// Nameprep's prohibited non-ASCII code points (RFC 3454 C.1.2, C.2.2, C.3,
// C.4, C.5, C.6, C.7, C.8, C.9), by Unicode property where the table is one.
const PROHIBITED =
  /[\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000\u0080-\u009f\u06dd\u070f\u180e\u200c\u200d\u2028\u2029\u2060-\u2063\u206a-\u206f\ufeff\ufff9-\ufffd\u2ff0-\u2ffb\u0340\u0341\u200e\u200f\u202a-\u202e\u{1d173}-\u{1d17a}\u{e0001}\u{e0020}-\u{e007f}\p{Co}\p{Cs}\p{Noncharacter_Code_Point}]/u

// The prohibited characters Python's repr() shows as they are (category So).
const PRINTABLE = /[\u2ff0-\u2ffb\ufffc\ufffd]/u

function charRepr(ch: string): string {
  if (PRINTABLE.test(ch)) return `'${ch}'`
  const cp = ch.codePointAt(0)!
  if (cp <= 0xff) return `'\\x${cp.toString(16).padStart(2, '0')}'`
  if (cp <= 0xffff) return `'\\u${cp.toString(16).padStart(4, '0')}'`
  return `'\\U${cp.toString(16).padStart(8, '0')}'`
}

const cpLength = (s: string) => [...s].length

// RFC 3492's parameters.
const BASE = 36
const T_MIN = 1
const T_MAX = 26
const SKEW = 38
const DAMP = 700

function adapt(delta: number, points: number, first: boolean): number {
  delta = first ? Math.floor(delta / DAMP) : Math.floor(delta / 2)
  delta += Math.floor(delta / points)
  let k = 0
  while (delta > ((BASE - T_MIN) * T_MAX) >> 1) {
    delta = Math.floor(delta / (BASE - T_MIN))
    k += BASE
  }
  return k + Math.floor(((BASE - T_MIN + 1) * delta) / (delta + SKEW))
}

const digit = (d: number) => String.fromCharCode(d < 26 ? 0x61 + d : 0x30 + d - 26)

/** `label.encode('punycode')` (RFC 3492): the basic code points, '-', then the deltas. */
function punycode(label: string): string {
  const cps = [...label].map((c) => c.codePointAt(0)!)
  let out = cps
    .filter((c) => c < 0x80)
    .map((c) => String.fromCharCode(c))
    .join('')
  const basic = out.length
  if (basic > 0) out += '-'
  let n = 0x80
  let delta = 0
  let bias = 72
  for (let h = basic; h < cps.length;) {
    const m = Math.min(...cps.filter((c) => c >= n))
    delta += (m - n) * (h + 1)
    n = m
    for (const c of cps) {
      if (c < n) delta++
      if (c !== n) continue
      let q = delta
      for (let k = BASE; ; k += BASE) {
        const t = k <= bias ? T_MIN : k >= bias + T_MAX ? T_MAX : k - bias
        if (q < t) break
        out += digit(t + ((q - t) % (BASE - t)))
        q = Math.floor((q - t) / (BASE - t))
      }
      out += digit(q)
      bias = adapt(delta, h + 1, h === basic)
      delta = 0
      h++
    }
    delta++
    n++
  }
  return out
}

/** ToASCII of one label (RFC 3490 section 4.1, AllowUnassigned). */
function toAscii(label: string): string {
  if (ASCII.test(label)) {
    if (label.length > 0 && label.length < 64) return label
    throw label.length === 0
      ? new LabelError(0, 1, 'label empty')
      : new LabelError(0, label.length, 'label too long')
  }
  const chars = nameprepMap(label)
  const mapped = chars.join('')
  const bad = chars.findIndex((ch) => PROHIBITED.test(ch))
  if (bad >= 0) throw new LabelError(bad, bad + 1, `Invalid character ${charRepr(chars[bad])}`)
  if (ASCII.test(mapped)) {
    if (mapped.length > 0 && mapped.length < 64) return mapped
    throw mapped.length === 0
      ? new LabelError(0, 1, 'label empty')
      : new LabelError(0, mapped.length, 'label too long')
  }
  if (mapped.startsWith('xn--')) throw new LabelError(0, 4, 'Label starts with ACE prefix')
  bidi(chars)
  const ascii = 'xn--' + punycode(mapped)
  if (ascii.length < 64) return ascii
  throw new LabelError(0, chars.length, 'label too long')
}

/** `host.encode('idna')` as bytes, with 3.13's UnicodeEncodeError on failure. */
export function idnaEncode(host: string): Buffer {
  if (ASCII.test(host)) {
    if (host === '') return Buffer.alloc(0)
    const labels = host.split('.')
    let offset = 0
    for (let i = 0; i < labels.length - 1; i++) {
      if (labels[i].length === 0) {
        throw new UnicodeEncodeError('idna', host, offset, offset + 1, 'label empty')
      }
      offset += labels[i].length + 1
    }
    offset = 0
    for (const label of labels) {
      if (label.length >= 64) {
        throw new UnicodeEncodeError('idna', host, offset, offset + label.length, 'label too long')
      }
      offset += label.length + 1
    }
    return Buffer.from(host, 'latin1')
  }
  const labels = host.split(DOTS)
  let trailing = ''
  if (labels.length > 0 && labels[labels.length - 1] === '') {
    labels.pop()
    trailing = '.'
  }
  const out: string[] = []
  let offset = 0
  for (const label of labels) {
    try {
      out.push(toAscii(label))
    } catch (e) {
      if (!(e instanceof LabelError)) throw e
      throw new UnicodeEncodeError('idna', host, offset + e.start, offset + e.end, e.reason)
    }
    offset += cpLength(label) + 1
  }
  return Buffer.from(out.join('.') + trailing, 'latin1')
}
