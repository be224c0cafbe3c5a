// Property-based tests (fast-check) of the conversions, with python3 as the
// oracle for batches of random inputs, and fuzzing of every non-resolving
// entry point: any input gives a result or one of Python's exceptions.
import { endianness } from 'node:os'

import test from 'ava'
import fc from 'fast-check'

import * as socket from '../index'
import { getaddrinfoAsync, getnameinfoAsync } from '../lib/netdb_async'
import { differences } from './helpers/pycases'
import type { Case } from './helpers/pycases'
import { checkFdLeaks } from './helpers/fds'

checkFdLeaks(test)

const hex = (b: Uint8Array) => ({ $b: Buffer.from(b).toString('hex') })

test('inet_ntop then inet_pton gives back every 4- and 16-byte value', (t) => {
  for (const [af, n] of [
    [socket.AF_INET, 4],
    [socket.AF_INET6, 16],
  ]) {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: n, maxLength: n }), (raw) => {
        const text = socket.inet_ntop(af, raw)
        return Buffer.compare(socket.inet_pton(af, text), Buffer.from(raw)) === 0
      }),
      { numRuns: 3000 },
    )
  }
  t.pass()
})

test('inet_ntop and inet_pton agree with python3 on random values', (t) => {
  const v4 = fc.sample(fc.uint8Array({ minLength: 4, maxLength: 4 }), 300)
  // Runs of zeros and embedded IPv4 forms are where formatters differ.
  const v6 = fc
    .sample(
      fc.array(fc.oneof(fc.constant(0), fc.constant(0xffff), fc.integer({ min: 0, max: 0xffff })), {
        minLength: 8,
        maxLength: 8,
      }),
      500,
    )
    .map((words) => {
      const b = Buffer.alloc(16)
      words.forEach((w, i) => b.writeUInt16BE(w, i * 2))
      return b
    })
  const cases: Case[] = [
    ...v4.map((b): Case => ['inet_ntop', [{ $c: 'AF_INET' }, hex(b)]]),
    ...v6.map((b): Case => ['inet_ntop', [{ $c: 'AF_INET6' }, hex(b)]]),
    ...v6.map((b): Case => [
      'inet_pton',
      [{ $c: 'AF_INET6' }, socket.inet_ntop(socket.AF_INET6, b).toUpperCase()],
    ]),
  ]
  const { compared, diffs } = differences(cases)
  t.log(`${compared} calls compared with python3`)
  t.deepEqual(diffs, [])
})

test('inet_aton and inet_pton accept and reject what python3 does', (t) => {
  const ipish = fc.stringMatching(/^[0-9a-fx.: %]{0,20}$/)
  const octets = fc
    .array(
      fc.oneof(
        fc.integer({ min: 0, max: 300 }).map(String),
        fc.constantFrom('0x1f', '012', '00', ''),
      ),
      {
        minLength: 1,
        maxLength: 5,
      },
    )
    .map((parts) => parts.join('.'))
  // IPv6-shaped text: groups of hex digits, `::` anywhere, a dotted tail.
  const group = fc.oneof(
    fc.stringMatching(/^[0-9a-fA-F]{0,5}$/),
    fc.constantFrom('', '0', 'ffff', 'FFFF', '1.2.3.4', '01.2.3.4', '1.2.3'),
  )
  const v6ish = fc.array(group, { minLength: 1, maxLength: 10 }).map((groups) => groups.join(':'))
  const texts = [
    ...fc.sample(ipish, 300),
    ...fc.sample(octets, 300),
    ...fc.sample(v6ish, 600),
    ...fc.sample(fc.string(), 100),
  ]
  const cases: Case[] = texts.flatMap((s): Case[] => [
    ['inet_aton', [s]],
    ['inet_pton', [{ $c: 'AF_INET' }, s]],
    ['inet_pton', [{ $c: 'AF_INET6' }, s]],
  ])
  const { compared, diffs } = differences(cases)
  t.log(`${compared} calls compared with python3`)
  t.deepEqual(diffs, [])
})

test('hton*/ntoh* are involutions and agree with each other', (t) => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 0xffff }), (x) => {
      return socket.ntohs(socket.htons(x)) === x && socket.htons(x) === socket.ntohs(x)
    }),
  )
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 0xffffffff }), (x) => {
      const b = Buffer.alloc(4)
      b.writeUInt32BE(x)
      return (
        socket.ntohl(socket.htonl(x)) === x &&
        socket.htonl(x) === socket.ntohl(x) &&
        socket.htonl(x) === (endianness() === 'LE' ? b.readUInt32LE() : x)
      )
    }),
  )
  t.pass()
})

function pythonError(e: unknown): boolean {
  return (
    e instanceof socket.OSError ||
    e instanceof TypeError ||
    e instanceof socket.ValueError ||
    e instanceof socket.OverflowError
  )
}

test('random input never crashes anything', (t) => {
  const NUMERIC = socket.AI_NUMERICHOST | socket.AI_NUMERICSERV
  const NI = socket.NI_NUMERICHOST | socket.NI_NUMERICSERV
  const calls: Array<(a: unknown, b: unknown) => unknown> = [
    (a) => socket.inet_aton(a as string),
    (a) => socket.inet_ntoa(a as Buffer),
    (a, b) => socket.inet_pton(a as number, b as string),
    (a, b) => socket.inet_ntop(a as number, b as Buffer),
    (a) => socket.inet_pton(socket.AF_INET6, a as string),
    (a) => socket.htons(a as number),
    (a) => socket.ntohs(a as number),
    (a) => socket.htonl(a as number),
    (a) => socket.ntohl(a as number),
    (a, b) => socket.getservbyname(a as string, b as string),
    (a, b) => socket.getservbyport(a as number, b as string),
    (a) => socket.getprotobyname(a as string),
    (a) => socket.if_nametoindex(a as string),
    (a) => socket.if_indextoname(a as number),
    (a, b) => socket.getaddrinfo(a as string, b as string, 0, 0, 0, NUMERIC),
    (a, b) => socket.getnameinfo([a, b] as [string, number], NI),
    (a) => socket.getnameinfo(a as [string, number], NI),
    // Any flags, on an address /etc/hosts names (no DNS query).
    (a) => socket.getnameinfo(['127.0.0.1', 80], a as number),
  ]
  const input = fc.oneof(
    fc.string(),
    fc.string({ unit: 'binary' }),
    fc.integer(),
    fc.bigInt(),
    fc.double(),
    fc.uint8Array({ maxLength: 20 }),
    fc.constantFrom(null, undefined, true, false, [], {}),
    fc.array(fc.oneof(fc.string(), fc.integer())),
  )
  fc.assert(
    fc.property(fc.integer({ min: 0, max: calls.length - 1 }), input, input, (i, a, b) => {
      try {
        calls[i](a, b)
      } catch (e) {
        if (!pythonError(e)) throw e
      }
    }),
    { numRuns: 3000 },
  )
  t.pass()
})

test('the Promise forms give what the synchronous forms give', async (t) => {
  const gai: unknown[][] = [
    ['127.0.0.1', 80],
    ['localhost', 'http', socket.AF_INET, socket.SOCK_STREAM, 0, socket.AI_CANONNAME],
    ['::1', 80, { type: socket.SOCK_DGRAM }],
    ['127.0.0.1', -1],
    ['.invalid', 80],
    ['x.invalid', 80, 0, 0, 0, socket.AI_NUMERICHOST],
    [1, 80],
    ['127.0.0.1', 80, 99],
  ]
  for (const args of gai) {
    const sync = outcome(() => (socket.getaddrinfo as (...a: unknown[]) => unknown)(...args))
    const promise = (getaddrinfoAsync as (...a: unknown[]) => Promise<unknown>)(...args)
    t.true(promise instanceof Promise)
    t.deepEqual(await settle(promise), sync, JSON.stringify(args))
  }
  const gni: unknown[][] = [
    [['127.0.0.1', 80], 0],
    [['::1', 80, 0, 0], socket.NI_NUMERICHOST],
    [['127.0.0.1', 80, 0, 0], 0],
    [['localhost', 80], 0],
    ['x', 0],
  ]
  for (const args of gni) {
    const sync = outcome(() => (socket.getnameinfo as (...a: unknown[]) => unknown)(...args))
    const got = await settle((getnameinfoAsync as (...a: unknown[]) => Promise<unknown>)(...args))
    t.deepEqual(got, sync, JSON.stringify(args))
  }
  // Many lookups at once all complete.
  const all = await Promise.all(
    Array.from({ length: 50 }, (_, i) =>
      getaddrinfoAsync('127.0.0.1', i, socket.AF_INET, socket.SOCK_STREAM),
    ),
  )
  t.deepEqual(
    all.map((r) => r[0][4]),
    Array.from({ length: 50 }, (_, i) => ['127.0.0.1', i]),
  )
})

function outcome(f: () => unknown): unknown {
  try {
    return { ok: f() }
  } catch (e) {
    return { err: (e as Error).name, msg: (e as Error).message }
  }
}

async function settle(p: Promise<unknown>): Promise<unknown> {
  try {
    return { ok: await p }
  } catch (e) {
    return { err: (e as Error).name, msg: (e as Error).message }
  }
}
