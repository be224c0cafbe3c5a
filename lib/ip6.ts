// IPv4/IPv6 text <-> bytes in plain JavaScript, following the C library's
// inet_pton/inet_ntop rules exactly (glibc: strict dotted quads, `::` once,
// a trailing dotted quad, the longest zero run compressed, `::ffff:a.b.c.d`
// and `::a.b.c.d` forms). A crossing into the addon costs more than the
// parse itself; the differential tests hold these to python3's results.

/** A strict dotted quad (inet_pton(AF_INET)) as a 32-bit number, or -1. */
export function pton4(s: string): number {
  const n = s.length
  if (n < 7 || n > 15) return -1
  let acc = 0
  let cur = 0
  let digits = 0
  let dots = 0
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i) - 48
    if (c >= 0 && c <= 9) {
      // No leading zeros, at most 255.
      if (digits > 0 && cur === 0) return -1
      cur = cur * 10 + c
      if (cur > 255) return -1
      digits++
    } else if (c === -2 && digits > 0 && dots < 3) {
      acc = (acc << 8) | cur
      cur = 0
      digits = 0
      dots++
    } else return -1
  }
  if (dots !== 3 || digits === 0) return -1
  return ((acc << 8) | cur) >>> 0
}

/** Strict dotted quad in `s[from..]` written into `out[at..at+4]`; false if invalid. */
export function pton4Into(s: string, from: number, out: Uint8Array, at: number): boolean {
  let sawDigit = false
  let octets = 0
  let cur = 0
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c >= 48 && c <= 57) {
      if (sawDigit && cur === 0) return false
      cur = cur * 10 + (c - 48)
      if (cur > 255) return false
      if (!sawDigit) {
        if (++octets > 4) return false
        sawDigit = true
      }
    } else if (c === 46 && sawDigit) {
      if (octets === 4) return false
      out[at + octets - 1] = cur
      cur = 0
      sawDigit = false
    } else return false
  }
  if (octets < 4 || !sawDigit) return false
  out[at + 3] = cur
  return true
}

// Hex digit values by char code (-1: not a hex digit).
const HEX = new Int8Array(128).fill(-1)
for (let i = 0; i < 10; i++) HEX[48 + i] = i
for (let i = 0; i < 6; i++) HEX[97 + i] = HEX[65 + i] = 10 + i

// The 16-bit words being parsed (scratch, reused: nothing here re-enters).
const W = new Int32Array(8)

/** IPv6 text into 16 bytes of `out`; false where inet_pton(AF_INET6) returns 0. */
export function pton6Into(s: string, out: Uint8Array): boolean {
  const n = s.length
  if (n === 0) return false
  let i = 0
  if (s.charCodeAt(0) === 58) {
    if (n < 2 || s.charCodeAt(1) !== 58) return false
    i = 1
  }
  let w = 0
  let colonw = -1
  let curtok = i
  let digits = 0
  let val = 0
  while (i < n) {
    const c = s.charCodeAt(i++)
    const d = c < 128 ? HEX[c] : -1
    if (d >= 0) {
      if (digits === 4) return false
      val = (val << 4) | d
      digits++
      continue
    }
    if (c === 58) {
      curtok = i
      if (digits === 0) {
        if (colonw >= 0) return false
        colonw = w
        continue
      } else if (i === n) return false
      if (w === 8) return false
      W[w++] = val
      digits = 0
      val = 0
      continue
    }
    if (c === 46 && w <= 6 && pton4Into(s, curtok, out, 0)) {
      W[w++] = (out[0] << 8) | out[1]
      W[w++] = (out[2] << 8) | out[3]
      digits = 0
      break
    }
    return false
  }
  if (digits > 0) {
    if (w === 8) return false
    W[w++] = val
  }
  if (colonw >= 0) {
    if (w === 8) return false
    // The words after `::` go to the end, zeros in between.
    const moved = w - colonw
    for (let k = 1; k <= moved; k++) W[8 - k] = W[w - k]
    for (let k = colonw; k < 8 - moved; k++) W[k] = 0
    w = 8
  }
  if (w !== 8) return false
  for (let k = 0; k < 8; k++) {
    out[2 * k] = W[k] >> 8
    out[2 * k + 1] = W[k] & 0xff
  }
  return true
}

/** 16 bytes to IPv6 text as inet_ntop(AF_INET6) writes it. */
export function ntop6(b: Uint8Array): string {
  const words = new Array<number>(8)
  for (let i = 0; i < 8; i++) words[i] = (b[2 * i] << 8) | b[2 * i + 1]
  return ntop6Words(words, 0)
}

/**
 * The address of the eight 16-bit words `w[at..at+8]` as inet_ntop(AF_INET6)
 * writes it (the addon gives a sender's address as such numbers).
 */
export function ntop6Words(w: ArrayLike<number>, at: number): string {
  // The first longest run of two or more zero words.
  let bestBase = -1
  let bestLen = 0
  let curBase = -1
  let curLen = 0
  for (let i = 0; i < 8; i++) {
    if (w[at + i] === 0) {
      if (curBase < 0) {
        curBase = i
        curLen = 1
      } else curLen++
    } else if (curBase >= 0) {
      if (bestBase < 0 || curLen > bestLen) {
        bestBase = curBase
        bestLen = curLen
      }
      curBase = -1
    }
  }
  if (curBase >= 0 && (bestBase < 0 || curLen > bestLen)) {
    bestBase = curBase
    bestLen = curLen
  }
  if (bestBase >= 0 && bestLen < 2) bestBase = -1
  let out = ''
  for (let i = 0; i < 8; i++) {
    if (bestBase >= 0 && i >= bestBase && i < bestBase + bestLen) {
      if (i === bestBase) out += ':'
      continue
    }
    if (i !== 0) out += ':'
    // An IPv4-compatible or IPv4-mapped address ends in a dotted quad.
    if (i === 6 && bestBase === 0 && (bestLen === 6 || (bestLen === 5 && w[at + 5] === 0xffff))) {
      const hi = w[at + 6]
      const lo = w[at + 7]
      out += `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`
      break
    }
    out += w[at + i].toString(16)
  }
  if (bestBase >= 0 && bestBase + bestLen === 8) out += ':'
  return out
}
