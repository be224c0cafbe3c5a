// Python 3.13's "idna" codec (encodings/idna.py) for host names: ASCII
// names pass with only the label checks, others are split on the four IDNA
// dots and each label goes through ToASCII (nameprep + punycode, here Node's
// domainToASCII). Failures are UnicodeEncodeError with the codec's reason
// and the position in the whole name, as 3.13 reports them (3.11 raised a
// plain UnicodeError with "encoding with 'idna' codec failed (...)").
import { domainToASCII } from 'node:url'

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
function nameprepMap(label: string): string {
  return label.replace(MAPPED_TO_NOTHING, '').replace(/ß/g, 'ss').toLowerCase().normalize('NFKC')
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
  const mapped = nameprepMap(label)
  const chars = [...mapped]
  const bad = chars.findIndex((ch) => PROHIBITED.test(ch))
  if (bad >= 0) throw new LabelError(bad, bad + 1, `Invalid character ${charRepr(chars[bad])}`)
  if (ASCII.test(mapped)) {
    if (mapped.length > 0 && mapped.length < 64) return mapped
    throw mapped.length === 0
      ? new LabelError(0, 1, 'label empty')
      : new LabelError(0, mapped.length, 'label too long')
  }
  if (mapped.startsWith('xn--')) throw new LabelError(0, 4, 'Label starts with ACE prefix')
  // domainToASCII is UTS #46 non-transitional; nameprep (IDNA 2003) maps
  // the deviation characters as transitional processing does.
  let ascii = domainToASCII(mapped.replace(/ς/g, 'σ'))
  // UTS #46 refuses some labels nameprep keeps (ASCII spaces and symbols
  // that NFKC produced): punycode them as Python's codec does.
  if (ascii === '' || ascii.includes('.')) ascii = 'xn--' + punycode(mapped)
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
