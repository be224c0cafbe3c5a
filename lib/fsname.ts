// File system names as Python encodes them (PEP 383): UTF-8, with the lone
// surrogates U+DC80..U+DCFF standing for the bytes 0x80..0xFF they escaped
// (`surrogateescape`), so that a name read from the kernel encodes back to
// the same bytes.
import { ValueError } from './errors'

/** Python's UnicodeEncodeError (a ValueError). */
export class UnicodeEncodeError extends ValueError {}
Object.defineProperty(UnicodeEncodeError.prototype, 'name', { value: 'UnicodeEncodeError' })

/** The bytes of `name` as `os.fsencode` gives them. */
export function fsencode(name: string): Buffer {
  // The common case: no surrogates at all.
  if (!/[\ud800-\udfff]/.test(name)) return Buffer.from(name, 'utf8')
  const parts: Buffer[] = []
  let start = 0
  let i = 0
  while (i < name.length) {
    const c = name.charCodeAt(i)
    const paired =
      c >= 0xd800 &&
      c <= 0xdbff &&
      i + 1 < name.length &&
      (name.charCodeAt(i + 1) & 0xfc00) === 0xdc00
    if (paired) {
      i += 2
      continue
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      parts.push(Buffer.from(name.slice(start, i), 'utf8'))
      if (c < 0xdc80 || c > 0xdcff) {
        const hex = c.toString(16)
        throw new UnicodeEncodeError(
          `'utf-8' codec can't encode character '\\u${hex}' in position ${[...name.slice(0, i)].length}: surrogates not allowed`,
        )
      }
      parts.push(Buffer.of(c & 0xff))
      start = i + 1
    }
    i++
  }
  parts.push(Buffer.from(name.slice(start), 'utf8'))
  return Buffer.concat(parts)
}
