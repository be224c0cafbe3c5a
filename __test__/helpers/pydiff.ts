// The differential harness: the same calls run in python3 (one process per
// batch) and in pysocket; results are compared as values, exceptions as
// class name + message.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import * as socket from '../../index'
import { python3 } from './python'

/** A JavaScript value tagged with the Python value it maps to. */
export type Tagged = { t: string; v?: unknown }

/** JS -> Python: arrays are tuples, Buffer bytes, other Uint8Array bytearray, null None. */
export function toPy(v: unknown): Tagged {
  if (v === null || v === undefined) return { t: 'none' }
  if (typeof v === 'boolean') return { t: 'bool', v }
  if (typeof v === 'number') {
    return Number.isInteger(v)
      ? { t: 'int', v: BigInt(v).toString() }
      : { t: 'float', v: String(v) }
  }
  if (typeof v === 'bigint') return { t: 'int', v: v.toString() }
  if (typeof v === 'string') return { t: 'str', v }
  if (Buffer.isBuffer(v)) return { t: 'bytes', v: v.toString('hex') }
  if (v instanceof Uint8Array) return { t: 'bytearray', v: Buffer.from(v).toString('hex') }
  if (ArrayBuffer.isView(v)) {
    return { t: 'memoryview', v: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex') }
  }
  if (Array.isArray(v)) return { t: 'tuple', v: v.map(toPy) }
  if (typeof v === 'object') {
    const out: Record<string, Tagged> = {}
    for (const [k, x] of Object.entries(v as object)) out[k] = toPy(x)
    return { t: 'dict', v: out }
  }
  throw new Error(`no Python value for ${typeof v}`)
}

/** A result in the common shape: a value or an exception. */
export type Outcome =
  { ok: unknown } | { exc: string; msg: string; group?: Array<[string, string]> }

/** JS result -> the JSON shape pyrunner.py prints for the Python value. */
export function normalize(v: unknown): unknown {
  if (v === null || v === undefined) return null
  if (typeof v === 'boolean' || typeof v === 'string') return v
  if (typeof v === 'number') return Number.isInteger(v) ? { int: v.toFixed(0) } : { float: v }
  if (typeof v === 'bigint') return { int: v.toString() }
  if (v instanceof Uint8Array) return { bytes: Buffer.from(v).toString('hex') }
  if (Array.isArray(v)) return v.map(normalize)
  if (v instanceof socket.SocketType) {
    v.close()
    return { socket: true }
  }
  return { repr: String(v) }
}

/** Python's class name for a JS exception. */
export function excName(e: unknown): string {
  if (e instanceof AggregateError) return 'ExceptionGroup'
  if (e instanceof Error) return e.name
  return typeof e
}

/** Runs `f` and reports its outcome in the common shape. */
export function outcome(f: () => unknown): Outcome {
  try {
    return { ok: normalize(f()) }
  } catch (e) {
    if (e instanceof AggregateError) {
      return {
        exc: 'ExceptionGroup',
        msg: e.message,
        group: e.errors.map((x: Error) => [x.name, x.message] as [string, string]),
      }
    }
    return { exc: excName(e), msg: e instanceof Error ? e.message : String(e) }
  }
}

/** A case: Python source setting `result` (with `ARGS`), and the JS counterpart. */
export interface Case {
  name: string
  py: string
  args?: unknown[]
  js: () => unknown
}

const RUNNER = join(__dirname, 'pyrunner.py')

/** Python's outcomes for a batch of cases, one python3 process. */
export function runPython(cases: Array<Pick<Case, 'py' | 'args'>>): Outcome[] {
  const input = JSON.stringify(cases.map((c) => ({ py: c.py, args: (c.args ?? []).map(toPy) })))
  // In a directory of its own: AF_UNIX cases may create socket files.
  const cwd = mkdtempSync(join(tmpdir(), 'pysocket-py-'))
  try {
    const out = execFileSync(python3(), [RUNNER], {
      input,
      maxBuffer: 64 << 20,
      cwd,
      timeout: 120_000,
    })
    return JSON.parse(out.toString()) as Outcome[]
  } finally {
    rmSync(cwd, { recursive: true, force: true })
  }
}

/** Python's float results come back as repr strings; JS numbers compare by value. */
function sameValue(py: unknown, js: unknown): boolean {
  if (py && typeof py === 'object' && 'float' in py && js && typeof js === 'object') {
    if ('float' in js)
      return Number((py as { float: string }).float) === (js as { float: number }).float
    if ('int' in js)
      return Number((py as { float: string }).float) === Number((js as { int: string }).int)
  }
  if (Array.isArray(py) && Array.isArray(js)) {
    return py.length === js.length && py.every((x, i) => sameValue(x, js[i]))
  }
  return JSON.stringify(py) === JSON.stringify(js)
}

/** Whether two outcomes agree (same value, or same class and message). */
export function agree(py: Outcome, js: Outcome): boolean {
  if ('ok' in py && 'ok' in js) return sameValue(py.ok, js.ok)
  if ('exc' in py && 'exc' in js) return py.exc === js.exc && py.msg === js.msg
  return false
}

/** Runs every case on both sides; returns the disagreements, empty when all agree. */
export function differential(cases: Case[]): string[] {
  const py = runPython(cases)
  const bad: string[] = []
  cases.forEach((c, i) => {
    const js = outcome(c.js)
    if (!agree(py[i], js)) {
      bad.push(`${c.name}\n    python: ${JSON.stringify(py[i])}\n    js:     ${JSON.stringify(js)}`)
    }
  })
  return bad
}

/** A short readable label for an argument value. */
export function label(v: unknown): string {
  if (typeof v === 'bigint') return `${v}n`
  if (Buffer.isBuffer(v)) return `Buffer(${v.toString('hex')})`
  if (v instanceof Uint8Array) return `Uint8Array(${v.length})`
  if (Array.isArray(v)) return `[${v.map(label).join(', ')}]`
  if (typeof v === 'string') return JSON.stringify(v.length > 30 ? v.slice(0, 30) + '…' : v)
  if (v !== null && typeof v === 'object') return JSON.stringify(v)
  return String(v)
}

/**
 * A method call on a fresh socket: `socket(*ctor).method(*args)` on both
 * sides. `prep` (Python statements on `s`) and `jsPrep` set the socket up.
 */
export function methodCase(
  ctor: number[],
  method: string,
  args: unknown[],
  prep?: { py: string; js: (s: socket.socket) => void },
): Case {
  const py =
    `s = socket.socket(${ctor.join(', ')})\n` +
    (prep ? prep.py + '\n' : '') +
    `result = s.${method}(*ARGS)`
  return {
    name: `socket(${ctor.join(', ')}).${method}(${args.map(label).join(', ')})`,
    py,
    args,
    js: () => {
      const s = socket.socket(...ctor)
      try {
        prep?.js(s)
        return (s as unknown as Record<string, (...a: unknown[]) => unknown>)[method](...args)
      } finally {
        s.close()
      }
    },
  }
}

/** A module function call: `socket.fn(*args)` on both sides. */
export function moduleCase(fn: string, args: unknown[], post = ''): Case {
  return {
    name: `${fn}(${args.map(label).join(', ')})`,
    py: `result = socket.${fn}(*ARGS)\n${post}`,
    args,
    js: () => (socket as unknown as Record<string, (...a: unknown[]) => unknown>)[fn](...args),
  }
}
