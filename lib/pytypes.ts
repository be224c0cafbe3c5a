// Python's view of JavaScript values: type names for error messages and
// repr() for socket reprs and messages that embed a value.
import { isProxy } from 'node:util/types'

/**
 * The name Python would print for the type of `v` (`type(v).__name__`), by
 * the mapping the README gives: null/undefined `NoneType`, boolean `bool`,
 * integral number or bigint `int`, other numbers `float`, string `str`,
 * Buffer `bytes`, other Uint8Array `bytearray`, other views and ArrayBuffer
 * `memoryview`, Array `tuple`, plain object `dict`, function `function`,
 * any other object its class's name. Every "must be X, not Y" message uses it.
 */
export function pyTypeName(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType'
  switch (typeof v) {
    case 'boolean':
      return 'bool'
    case 'number':
      return Number.isInteger(v) ? 'int' : 'float'
    case 'bigint':
      return 'int'
    case 'string':
      return 'str'
    case 'function':
      return 'function'
    case 'symbol':
      return 'symbol'
  }
  // A Proxy passes instanceof checks for its target but is no buffer (the
  // addon cannot read it): name it as what it is.
  if (isProxy(v)) return 'Proxy'
  if (Buffer.isBuffer(v)) return 'bytes'
  if (v instanceof Uint8Array) return 'bytearray'
  if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) return 'memoryview'
  if (Array.isArray(v)) return 'tuple'
  // A plain object is the dict it stands for; an instance of a class is
  // named by its class, as Python names instances (`socket`, `Date`, `Map`).
  const proto = Object.getPrototypeOf(v)
  if (proto === null || proto === Object.prototype) return 'dict'
  const name = (proto.constructor as { name?: unknown } | undefined)?.name
  return typeof name === 'string' && name !== '' ? name : 'object'
}

/** The type name in "argument N must be X, not Y" messages (None for None). */
export function argTypeName(v: unknown): string {
  return v === null || v === undefined ? 'None' : pyTypeName(v)
}

function escapeChar(code: number, quote: string, bytes: boolean): string {
  const ch = String.fromCharCode(code)
  if (ch === '\\' || ch === quote) return '\\' + ch
  if (ch === '\t') return '\\t'
  if (ch === '\n') return '\\n'
  if (ch === '\r') return '\\r'
  if (code < 0x20 || code === 0x7f || (bytes && code > 0x7f) || (code >= 0x80 && code < 0xa0)) {
    return '\\x' + code.toString(16).padStart(2, '0')
  }
  return ch
}

function quoteFor(text: string): string {
  return text.includes("'") && !text.includes('"') ? '"' : "'"
}

function reprStr(s: string): string {
  const q = quoteFor(s)
  let out = ''
  for (const ch of s) {
    const cp = ch.codePointAt(0)!
    out += cp > 0xff ? ch : escapeChar(cp, q, false)
  }
  return q + out + q
}

function reprBytes(b: Uint8Array): string {
  const q = quoteFor(Buffer.from(b).toString('latin1'))
  let out = ''
  for (const c of b) out += escapeChar(c, q, true)
  return 'b' + q + out + q
}

function reprFloat(n: number): string {
  if (Number.isNaN(n)) return 'nan'
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf'
  const s = String(n)
  return /[.e]/.test(s) ? s.replace(/e\+?/, 'e+').replace('e+-', 'e-') : s + '.0'
}

/** Python's repr() of a value as pysocket maps it (arrays are tuples). */
export function pyRepr(v: unknown): string {
  if (v === null || v === undefined) return 'None'
  if (v === true) return 'True'
  if (v === false) return 'False'
  if (typeof v === 'string') return reprStr(v)
  if (typeof v === 'bigint') return v.toString()
  if (typeof v === 'number') return Number.isInteger(v) ? v.toFixed(0) : reprFloat(v)
  if (v instanceof Uint8Array) return reprBytes(v)
  if (Array.isArray(v)) {
    const items = v.map(pyRepr)
    return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`
  }
  if (typeof v === 'object') {
    const proto = Object.getPrototypeOf(v)
    if (proto === null || proto === Object.prototype) {
      const items = Object.entries(v).map(([k, x]) => `${reprStr(k)}: ${pyRepr(x)}`)
      return `{${items.join(', ')}}`
    }
    // An object with a repr of its own (a socket, a file) gives it; any
    // other gets Python's default, named by its class.
    let text = '[object'
    try {
      text = String(v)
    } catch {
      // a toString that throws: the default repr below
    }
    return text.startsWith('[object') ? objectRepr(v, pyTypeName(v)) : text
  }
  return String(v)
}

/** Python's truth value of the value a JS value maps to (`bool(v)`). */
export function pyTruthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false) return false
  if (typeof v === 'number') return v !== 0
  if (typeof v === 'bigint') return v !== 0n
  if (typeof v === 'string') return v.length > 0
  if (ArrayBuffer.isView(v)) return v.byteLength > 0
  if (v instanceof ArrayBuffer) return v.byteLength > 0
  if (Array.isArray(v)) return v.length > 0
  if (typeof v === 'object') {
    const proto = Object.getPrototypeOf(v)
    if (proto === Object.prototype || proto === null) return Object.keys(v).length > 0
  }
  return true
}

const ids = new WeakMap<object, number>()
let nextId = 0

/**
 * Python's default repr, `<module.Class object at 0x7f...>`: the number is a
 * stable identity for this object in this process (JavaScript has no
 * addresses to show), distinct from every other object's.
 */
export function objectRepr(obj: object, qualname: string): string {
  let id = ids.get(obj)
  if (id === undefined) {
    id = 0x7f0000000000 + 16 * ++nextId
    ids.set(obj, id)
  }
  return `<${qualname} object at 0x${id.toString(16)}>`
}
