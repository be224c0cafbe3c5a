// Differential testing against the python3 on this machine: each case is a
// socket-module call written once as data, run by Python and by pysocket,
// and the outcomes (result, or exception class and message) compared.
import { execFileSync } from 'node:child_process'

import * as socket from '../../index'
import { python3 } from './python'

/** Argument encodings shared by both sides. */
export const b = (hex: string) => ({ $b: hex })
export const bytesOf = (text: string) => ({ $b: Buffer.from(text, 'latin1').toString('hex') })
export const bytearray = (text: string) => ({ $ba: Buffer.from(text, 'latin1').toString('hex') })
export const tuple = (...items: unknown[]) => ({ $t: items })
export const big = (n: bigint) => ({ $i: n.toString() })
export const float = (x: number) => ({ $f: x })
export const kw = (o: Record<string, unknown>) => ({ $kw: o })
export const c = (name: string) => ({ $c: name })

export type Case = [fn: string, args: unknown[]]
export type Outcome = { ok: unknown } | { exc: string; msg: string }

const PY = String.raw`
import json, socket, sys
def dec(v):
    if isinstance(v, list): return [dec(x) for x in v]
    if isinstance(v, dict):
        if '$b' in v: return bytes.fromhex(v['$b'])
        if '$ba' in v: return bytearray.fromhex(v['$ba'])
        if '$t' in v: return tuple(dec(x) for x in v['$t'])
        if '$i' in v: return int(v['$i'])
        if '$f' in v: return float(v['$f'])
        if '$c' in v: return getattr(socket, v['$c'])
        return {k: dec(x) for k, x in v.items()}
    return v
def enc(v):
    if isinstance(v, (bytes, bytearray)): return {'$b': v.hex()}
    if isinstance(v, (list, tuple)): return [enc(x) for x in v]
    if isinstance(v, bool) or v is None or isinstance(v, str): return v
    if isinstance(v, int): return int(v) if abs(v) < 2**53 else {'$i': str(v)}
    return repr(v)
out = []
for fn, args in json.load(sys.stdin):
    kwargs = {}
    if args and isinstance(args[-1], dict) and '$kw' in args[-1]:
        kwargs = dec(args[-1]['$kw']); args = args[:-1]
    try:
        out.append({'ok': enc(getattr(socket, fn)(*dec(args), **kwargs))})
    except Exception as e:
        out.append({'exc': type(e).__name__, 'msg': str(e)})
json.dump(out, sys.stdout)
`

/** Runs every case in one python3 process. */
export function python(cases: Case[]): Outcome[] {
  const out = execFileSync(python3(), ['-c', PY], {
    input: JSON.stringify(cases),
    encoding: 'utf8',
    timeout: 60_000,
  })
  return JSON.parse(out) as Outcome[]
}

function dec(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(dec)
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>
    if ('$b' in o) return Buffer.from(o.$b as string, 'hex')
    if ('$ba' in o) return new Uint8Array(Buffer.from(o.$ba as string, 'hex'))
    if ('$t' in o) return (o.$t as unknown[]).map(dec)
    if ('$i' in o) return BigInt(o.$i as string)
    if ('$f' in o) return o.$f
    if ('$c' in o) return (socket as Record<string, unknown>)[o.$c as string]
    if ('$kw' in o) {
      return Object.fromEntries(Object.entries(o.$kw as object).map(([k, x]) => [k, dec(x)]))
    }
  }
  return v
}

function enc(v: unknown): unknown {
  if (v instanceof Uint8Array) return { $b: Buffer.from(v).toString('hex') }
  if (Array.isArray(v)) return v.map(enc)
  if (v === undefined) return null
  if (typeof v === 'bigint') return Math.abs(Number(v)) < 2 ** 53 ? Number(v) : { $i: v.toString() }
  return v
}

/** Runs one case through pysocket. */
export function node(fn: string, args: unknown[]): Outcome {
  const f = (socket as Record<string, unknown>)[fn] as (...a: unknown[]) => unknown
  try {
    return { ok: enc(f(...args.map(dec))) }
  } catch (e) {
    const err = e as Error
    return { exc: err.name, msg: err.message }
  }
}

/** Both sides of every case, and the list of differences. */
export function differences(cases: Case[]): { compared: number; diffs: string[] } {
  const py = python(cases)
  const diffs: string[] = []
  cases.forEach(([fn, args], i) => {
    const ours = node(fn, args)
    if (JSON.stringify(ours) !== JSON.stringify(py[i])) {
      diffs.push(
        `${fn}(${JSON.stringify(args)}): python ${JSON.stringify(py[i])}, pysocket ${JSON.stringify(ours)}`,
      )
    }
  })
  return { compared: cases.length, diffs }
}
