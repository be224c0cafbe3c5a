// Python's "idna" codec (encodings/idna.py) for host names: ASCII names
// pass with only the label-length checks, others are split on the four
// IDNA dots and each label goes through ToASCII (nameprep + punycode, here
// Node's domainToASCII). Errors are Python's UnicodeError with its message.
import { domainToASCII } from 'node:url'

import { UnicodeError } from './address'

function failed(reason: string): UnicodeError {
  return new UnicodeError(`encoding with 'idna' codec failed (UnicodeError: ${reason})`)
}

// eslint-disable-next-line no-control-regex
const ASCII = /^[\x00-\x7f]*$/
const DOTS = /[.\u3002\uff0e\uff61]/
const SURROGATE = /[\ud800-\udfff]/

function toAscii(label: string): string {
  if (ASCII.test(label)) {
    if (label.length === 0 || label.length >= 64) throw failed('label empty or too long')
    return label
  }
  const bad = SURROGATE.exec(label)
  if (bad) {
    throw failed(`Invalid character '\\u${bad[0].charCodeAt(0).toString(16)}'`)
  }
  // domainToASCII is UTS #46 non-transitional; nameprep (IDNA 2003) maps
  // the four deviation characters as transitional processing does.
  const ascii = domainToASCII(
    label
      .replace(/ß/g, 'ss')
      .replace(/ς/g, 'σ')
      .replace(/[\u200c\u200d]/g, ''),
  )
  if (ascii.length === 0 || ascii.length >= 64 || ascii.includes('.')) {
    throw failed('label empty or too long')
  }
  return ascii
}

/** `host.encode('idna')` as bytes. */
export function idnaEncode(host: string): Buffer {
  if (ASCII.test(host)) {
    const labels = host.split('.')
    for (let i = 0; i < labels.length - 1; i++) {
      const n = labels[i].length
      if (n === 0 || n >= 64) throw failed('label empty or too long')
    }
    if (labels[labels.length - 1].length >= 64) throw failed('label too long')
    return Buffer.from(host, 'latin1')
  }
  const labels = host.split(DOTS)
  let trailing = ''
  if (labels.length > 0 && labels[labels.length - 1] === '') {
    labels.pop()
    trailing = '.'
  }
  return Buffer.from(labels.map(toAscii).join('.') + trailing, 'latin1')
}
