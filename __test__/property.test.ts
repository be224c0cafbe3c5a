// Property tests: random values of every type for every argument of every
// method never crash the process, always raise a Python-like exception (or
// succeed), and leave other sockets working.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import test from 'ava'
import fc from 'fast-check'

import * as socket from '../index'
import { checkFdLeaks } from './helpers/fds'

checkFdLeaks(test)

// AF_UNIX addresses may be random paths: keep their files in a tmp dir.
const home = process.cwd()
const scratch = mkdtempSync(join(tmpdir(), 'pysocket-prop-'))
test.before(() => process.chdir(scratch))
test.after.always(() => {
  process.chdir(home)
  rmSync(scratch, { recursive: true, force: true })
})

const { AF_INET, AF_INET6, AF_UNIX, SOCK_STREAM, SOCK_DGRAM } = socket

// Hosts that never leave the machine (no DNS query, no broadcast).
const SAFE_HOSTS = ['127.0.0.1', 'localhost', '', '::1', '0.0.0.0', '::', '::ffff:127.0.0.1']

const int = fc.oneof(
  fc.integer({ min: -3, max: 70000 }),
  fc.integer(),
  fc.constantFrom(2 ** 31, -(2 ** 31) - 1, 2 ** 32, 2 ** 53, -(2 ** 53), 2 ** 63),
  fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }),
)
const scalar = fc.oneof(
  int,
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.string({ maxLength: 8 }),
  fc.uint8Array({ maxLength: 8 }).map((a) => Buffer.from(a)),
  fc.uint8Array({ maxLength: 8 }),
  fc.constant({}),
  fc.constant(Symbol('s')),
)
const value = fc.oneof(scalar, fc.array(scalar, { maxLength: 5 }))

/** Addresses: tuples whose host is safe or not a str/bytes at all. */
const host = fc.oneof(
  fc.constantFrom(...SAFE_HOSTS),
  scalar.filter((v) => typeof v !== 'string' && !(v instanceof Uint8Array)),
)
const address = fc.oneof(
  fc.tuple(host, value),
  fc.tuple(host, value, value),
  fc.tuple(host, value, value, value),
  fc.array(host, { maxLength: 6 }),
  value.filter((v) => !Array.isArray(v)),
)

const METHODS: Array<[string, fc.Arbitrary<unknown[]>]> = [
  ['bind', fc.tuple(address)],
  ['connect', fc.tuple(address)],
  ['connect_ex', fc.tuple(address)],
  ['sendto', fc.oneof(fc.tuple(value, address), fc.tuple(value, value, address))],
  ['recv', fc.array(value, { maxLength: 3 })],
  ['recvfrom', fc.array(value, { maxLength: 3 })],
  ['recv_into', fc.array(value, { maxLength: 4 })],
  ['recvfrom_into', fc.array(value, { maxLength: 4 })],
  ['send', fc.array(value, { maxLength: 3 })],
  ['sendall', fc.array(value, { maxLength: 3 })],
  ['getsockopt', fc.array(value, { maxLength: 4 })],
  ['setsockopt', fc.array(value, { maxLength: 5 })],
  ['settimeout', fc.array(value, { maxLength: 2 })],
  ['setblocking', fc.array(value, { maxLength: 2 })],
  ['listen', fc.array(value, { maxLength: 2 })],
  ['shutdown', fc.array(value, { maxLength: 2 })],
  ['set_inheritable', fc.array(value, { maxLength: 2 })],
  ['accept', fc.constant([])],
  ['dup', fc.constant([])],
  ['detach', fc.constant([])],
  ['getsockname', fc.constant([])],
  ['getpeername', fc.constant([])],
]

const KINDS: Array<[number, number]> = [
  [AF_INET, SOCK_STREAM],
  [AF_INET, SOCK_DGRAM],
  [AF_INET6, SOCK_DGRAM],
  [AF_UNIX, SOCK_STREAM],
  [AF_UNIX, SOCK_DGRAM],
]

/** Python's exception classes a bad argument may raise. */
function pythonLike(e: unknown): boolean {
  if (e instanceof socket.OSError) return true
  if (e instanceof TypeError) return true
  if (e instanceof socket.ValueError || e instanceof socket.OverflowError) return true
  return e instanceof Error && e.name === 'MemoryError'
}

/** Sizes that would make a read allocate gigabytes (as Python would too). */
function hugeRead(method: string, args: unknown[]): boolean {
  if (!method.startsWith('recv')) return false
  return args.some((a) => {
    const n = typeof a === 'bigint' ? Number(a) : typeof a === 'number' ? a : 0
    return n > 1 << 24 && n < 2 ** 33
  })
}

const [refA, refB] = socket.socketpair()
test.after.always(() => {
  refA.close()
  refB.close()
})

/** The reference pair still exchanges data. */
function othersWork(): boolean {
  refA.sendall(Buffer.from('ok'))
  return refB.recv(2).toString() === 'ok'
}

test('random arguments to every method raise Python exceptions, never crash', (t) => {
  let calls = 0
  let raised = 0
  fc.assert(
    fc.property(
      fc.constantFrom(...KINDS),
      fc.constantFrom(...METHODS).chain(([m, args]) => args.map((a) => [m, a] as const)),
      ([family, type], [method, args]) => {
        if (hugeRead(method, args)) return true
        const s = socket.socket(family, type)
        let ok = true
        try {
          // Never wait: one random call on a non-blocking socket.
          s.setblocking(false)
          const r = (s as unknown as Record<string, (...a: unknown[]) => unknown>)[method](...args)
          if (r instanceof socket.SocketType) r.close()
          if (typeof r === 'number' && method === 'detach' && r >= 0) socket.close(r)
        } catch (e) {
          raised++
          ok = pythonLike(e)
          if (!ok) t.log(method, args, e)
        } finally {
          s.close()
        }
        calls++
        return ok && othersWork()
      },
    ),
    { numRuns: 1500 },
  )
  t.true(calls > 0)
  t.true(raised > 0)
})

test('random arguments to the constructor and module functions', (t) => {
  fc.assert(
    fc.property(
      fc.array(value, { maxLength: 4 }),
      fc.array(value, { maxLength: 4 }),
      address,
      (ctor, pair, addr) => {
        for (const [f, args] of [
          // fileno is left out: adopting a random fd would close it later.
          [
            (...a: unknown[]) =>
              (socket.socket as (...x: unknown[]) => socket.socket)(...a.slice(0, 3)),
            ctor,
          ],
          [
            (...a: unknown[]) => (socket.socketpair as (...x: unknown[]) => socket.socket[])(...a),
            pair,
          ],
          [
            (...a: unknown[]) => (socket.setdefaulttimeout as (...x: unknown[]) => void)(...a),
            ctor.slice(0, 1),
          ],
          [
            (...a: unknown[]) => (socket.create_server as (...x: unknown[]) => socket.socket)(...a),
            [addr],
          ],
        ] as const) {
          try {
            const r = f(...args)
            if (r instanceof socket.SocketType) r.close()
            if (Array.isArray(r)) for (const x of r) x.close()
          } catch (e) {
            if (!pythonLike(e)) {
              t.log(args, e)
              return false
            }
          } finally {
            socket.setdefaulttimeout(null)
          }
        }
        return othersWork()
      },
    ),
    { numRuns: 1000 },
  )
  t.pass()
})
