// recvfrom's one crossing (lib/recvfrom.ts, crates/node/src/fast.rs): the
// count and an AF_INET/AF_INET6 sender as numbers, made into Python's tuple
// in TypeScript; any other family's address as before. Every receiving
// path that reports a sender (sync recvfrom and recvfrom_into, the loop's,
// sock_messages) gives the sender as the kernel named it.
import os from 'node:os'

import test from 'ava'
import fc from 'fast-check'

import * as socket from '../index'
import { fast } from '../lib/fast'
import { ntop6, ntop6Words } from '../lib/ip6'
import { checkFdLeaks } from './helpers/fds'

checkFdLeaks(test)

const { AF_INET, AF_INET6, AF_UNIX, SOCK_DGRAM, loop } = socket

/** A datagram from `from` to `to`, received by each reporting path in turn. */
async function sendersSeen(from: socket.socket, to: socket.socket): Promise<unknown[]> {
  const dest = to.getsockname()
  const seen: unknown[] = []
  const send = (text: string) => from.sendto(Buffer.from(text), dest as never)
  send('a')
  seen.push(to.recvfrom(8)[1])
  send('b')
  seen.push(to.recvfrom_into(Buffer.alloc(8))[1])
  send('c')
  seen.push((await loop.sock_recvfrom(to, 8))[1])
  send('d')
  seen.push((await loop.sock_recvfrom_into(to, Buffer.alloc(8)))[1])
  // The loop's read that waits for the datagram, not one found at once.
  const waiting = loop.sock_recvfrom(to, 8)
  setTimeout(() => send('e'), 5)
  seen.push((await waiting)[1])
  const messages = loop.sock_messages(to)
  send('f')
  const message = (await new Promise((resolve) => messages.once('data', resolve))) as [
    Buffer,
    unknown,
  ]
  seen.push(message[1])
  messages.destroy()
  return seen
}

for (const [name, family, host, senderHost] of [
  ['IPv4', AF_INET, '127.0.0.1', '127.0.0.2'],
  ['IPv6', AF_INET6, '::1', '::1'],
] as const) {
  test(`an ${name} sender, on every receiving path`, async (t) => {
    using a = socket.socket(family, SOCK_DGRAM)
    using b = socket.socket(family, SOCK_DGRAM)
    a.bind([host, 0])
    b.bind([senderHost, 0])
    const seen = await sendersSeen(b, a)
    t.is(seen.length, 6)
    for (const s of seen) t.deepEqual(s, b.getsockname())
  })
}

test('an IPv4 sender seen by a dual-stack IPv6 socket is the mapped address', async (t) => {
  using a = socket.socket(AF_INET6, SOCK_DGRAM)
  a.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
  a.bind(['::', 0])
  using b = socket.socket(AF_INET, SOCK_DGRAM)
  b.bind(['127.0.0.1', 0])
  const port = a.getsockname()[1]
  b.sendto(Buffer.from('x'), ['127.0.0.1', port])
  t.deepEqual(a.recvfrom(4)[1], ['::ffff:127.0.0.1', b.getsockname()[1], 0, 0])
})

test('other families still come back whole: a Unix sender path, and none', async (t) => {
  const dir = os.tmpdir()
  const pa = `${dir}/pysocket-recvfrom-a-${process.pid}`
  const pb = `${dir}/pysocket-recvfrom-b-${process.pid}`
  using a = socket.socket(AF_UNIX, SOCK_DGRAM)
  using b = socket.socket(AF_UNIX, SOCK_DGRAM)
  try {
    a.bind(pa)
    b.bind(pb)
    const seen = await sendersSeen(b, a)
    for (const s of seen) t.is(s, pb)
  } finally {
    for (const p of [pa, pb]) require('node:fs').rmSync(p, { force: true })
  }
  // An unnamed sender (a socketpair) and a stream give None.
  const [c, d] = socket.socketpair(AF_UNIX, SOCK_DGRAM)
  using _c = c
  using _d = d
  c.send(Buffer.from('x'))
  t.deepEqual(d.recvfrom(4), [Buffer.from('x'), null])
  const [e, f] = socket.socketpair()
  using _e = e
  using _f = f
  e.send(Buffer.from('y'))
  t.deepEqual(await loop.sock_recvfrom(f, 4), [Buffer.from('y'), null])
})

test('fastRecvfromInto and fastSendto reject bad arguments with an exception', (t) => {
  using a = socket.socket(AF_INET, SOCK_DGRAM)
  a.bind(['127.0.0.1', 0])
  a.setblocking(false)
  const recv = fast.fastRecvfromInto as (...args: unknown[]) => unknown
  const sendto = fast.fastSendto as (...args: unknown[]) => unknown
  const fd = a.fileno()
  t.throws(() => recv(fd, Buffer.alloc(4), 4, 0, 0), { message: '6 arguments expected' })
  t.throws(() => recv(fd, Buffer.alloc(4), 4, 0, 0, new Float64Array(11)), {
    message: 'a Float64Array of 12 numbers expected',
  })
  t.throws(() => recv(fd, Buffer.alloc(4), 4, 0, 0, new Float32Array(12)), {
    message: 'a Float64Array expected',
  })
  t.is(recv(fd, Buffer.alloc(4), 4, 0, 0, new Float64Array(12)), -os.constants.errno.EAGAIN)
  t.throws(() => sendto(fd, Buffer.from('x'), 0, 'addr', 0), { message: 'a Uint8Array expected' })
  // Bytes too short for a sockaddr: the kernel's EINVAL, not a crash.
  t.is(sendto(fd, Buffer.from('x'), 0, Buffer.alloc(1), 0), -os.constants.errno.EINVAL)
  // The socket still works.
  const dest = a.getsockname()
  a.sendto(Buffer.from('ok'), dest)
  t.deepEqual(a.recvfrom(4), [Buffer.from('ok'), dest])
})

test('sendto and recvfrom errors are the Python exceptions', async (t) => {
  const a = socket.socket(AF_INET, SOCK_DGRAM)
  a.bind(['127.0.0.1', 0])
  a.setblocking(false)
  t.throws(() => a.recvfrom(4), { instanceOf: socket.BlockingIOError })
  t.throws(() => a.recvfrom_into(Buffer.alloc(4)), { instanceOf: socket.BlockingIOError })
  a.close()
  t.throws(() => a.sendto(Buffer.from('x'), ['127.0.0.1', 9]), {
    instanceOf: socket.OSError,
    message: '[Errno 9] Bad file descriptor',
  })
  await t.throwsAsync(loop.sock_recvfrom(a, 4), { instanceOf: socket.OSError })
})

test('property: the words form of inet_ntop(AF_INET6) is the bytes form', (t) => {
  fc.assert(
    fc.property(
      fc.array(fc.oneof(fc.constant(0), fc.constant(0xffff), fc.integer({ min: 0, max: 0xffff })), {
        minLength: 8,
        maxLength: 8,
      }),
      (words) => {
        const bytes = new Uint8Array(16)
        words.forEach((w, i) => {
          bytes[2 * i] = w >> 8
          bytes[2 * i + 1] = w & 0xff
        })
        const at = new Float64Array([7, ...words])
        t.is(ntop6Words(at, 1), ntop6(bytes))
        t.is(ntop6Words(at, 1), socket.inet_ntop(AF_INET6, bytes))
      },
    ),
    { numRuns: 2000 },
  )
})
