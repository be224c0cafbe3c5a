// Runs address cases through python3's socket module and through pysocket,
// for differential tests. Values cross as tagged JSON so that ints of any
// size, floats, bytes, bytearrays and tuples keep their Python types.
import { execFileSync } from 'node:child_process'

import * as socket from '../../index'
import { python3 } from './python'

export type Tagged =
  | { i: string }
  | { f: number }
  | { b: boolean }
  | { s: string }
  | { y: string }
  | { ba: string }
  | { t: Tagged[] }
  | { n: null }

export function tag(v: unknown): Tagged {
  if (v === null || v === undefined) return { n: null }
  if (typeof v === 'boolean') return { b: v }
  if (typeof v === 'bigint') return { i: v.toString() }
  if (typeof v === 'number') return Number.isInteger(v) ? { i: BigInt(v).toString() } : { f: v }
  if (typeof v === 'string') return { s: v }
  if (Buffer.isBuffer(v)) return { y: v.toString('hex') }
  if (v instanceof Uint8Array) return { ba: Buffer.from(v).toString('hex') }
  if (Array.isArray(v)) return { t: v.map(tag) }
  throw new Error(`cannot tag ${String(v)}`)
}

/** One call: a socket of (family, type, proto) over a fresh UDP fd, then `method(addr)`. */
export interface Case {
  family: number
  type: number
  proto: number
  method: 'bind' | 'connect' | 'sendto'
  addr: unknown
}

const PY = String.raw`
import json, socket, sys
def untag(v):
    k, x = next(iter(v.items()))
    if k == 'i': return int(x)
    if k == 'f': return float(x)
    if k == 'b': return bool(x)
    if k == 's': return x
    if k == 'y': return bytes.fromhex(x)
    if k == 'ba': return bytearray.fromhex(x)
    if k == 't': return tuple(untag(e) for e in x)
    return None
out = []
for c in json.load(sys.stdin):
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s = socket.socket(c['family'], c['type'], c['proto'], fileno=u.fileno())
    a = untag(c['addr'])
    try:
        if c['method'] == 'sendto': s.sendto(b'x', a)
        else: getattr(s, c['method'])(a)
        out.append('OK')
    except Exception as e:
        out.append(type(e).__name__ + ': ' + str(e))
    s.detach()
    u.close()
print(json.dumps(out))
`

/** What python3 says for each case: `OK` or `Class: message`. */
export function python(cases: Case[]): string[] {
  const input = JSON.stringify(cases.map((c) => ({ ...c, addr: tag(c.addr) })))
  return JSON.parse(
    execFileSync(python3(), ['-c', PY], { input, encoding: 'utf8', timeout: 60_000 }),
  )
}

/** The same cases through pysocket. */
export function ours(cases: Case[]): string[] {
  return cases.map((c) => {
    const u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    const s = socket.socket(c.family, c.type, c.proto, u.fileno())
    try {
      if (c.method === 'sendto') s.sendto(Buffer.from('x'), c.addr as never)
      else s[c.method](c.addr as never)
      return 'OK'
    } catch (e) {
      const err = e as Error
      return `${err.name}: ${err.message}`
    } finally {
      s.detach()
      u.close()
    }
  })
}

/** Whether python3 can make a socket of this kind here. */
export function pythonCan(family: string, type: string, proto: string | number = 0): boolean {
  try {
    execFileSync(
      python3(),
      [
        '-c',
        `import socket as s; s.socket(s.${family}, s.${type}, ${typeof proto === 'number' ? proto : 's.' + proto}).close()`,
      ],
      { stdio: 'ignore' },
    )
    return true
  } catch {
    return false
  }
}
