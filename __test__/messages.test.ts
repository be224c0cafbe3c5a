// loop.sock_messages: an object-mode Duplex of messages over real UDP,
// AF_UNIX SOCK_DGRAM and SOCK_SEQPACKET sockets: boundaries kept (empty
// messages included), addresses in and out, the end of a SOCK_SEQPACKET
// stream, a message longer than bufsize, backpressure over many messages.
import test from 'ava'
import { once } from 'node:events'
import { constants as osConstants } from 'node:os'
import type { Duplex } from 'node:stream'

import * as socket from '../index'
import { checkFdLeaks } from './helpers/fds'

checkFdLeaks(test)

const { loop } = socket

function closed(s: Duplex): Promise<unknown> {
  return s.closed ? Promise.resolve() : once(s, 'close')
}

/** The next `n` messages `stream` reads. */
function take(stream: Duplex, n: number): Promise<Array<[Buffer, unknown]>> {
  return new Promise((resolve, reject) => {
    const got: Array<[Buffer, unknown]> = []
    const onData = (m: [Buffer, unknown]): void => {
      got.push(m)
      if (got.length === n) {
        stream.off('data', onData)
        stream.pause()
        resolve(got)
      }
    }
    stream.on('data', onData)
    stream.once('error', reject)
  })
}

test('UDP: each chunk is one datagram, [data, address] in and out; empty ones too', async (t) => {
  const a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
  const b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
  a.bind(['127.0.0.1', 0])
  b.bind(['127.0.0.1', 0])
  const ma = loop.sock_messages(a)
  const mb = loop.sock_messages(b)
  t.true(ma instanceof socket.MessageStream)
  const sizes = [0, 1, 1000, 65507]
  const arriving = take(mb, sizes.length)
  for (const n of sizes) ma.write([Buffer.alloc(n, n & 0xff), b.getsockname()])
  const got = await arriving
  t.deepEqual(
    got.map(([d]) => d.length),
    sizes,
  )
  for (const [d, from] of got) {
    t.true(d.equals(Buffer.alloc(d.length, d.length & 0xff)))
    t.deepEqual(from, a.getsockname())
  }
  // A connected socket writes plain data.
  b.connect(a.getsockname())
  const back = take(ma, 1)
  mb.write(Buffer.from('reply'))
  const [[reply, from]] = await back
  t.is(reply.toString(), 'reply')
  t.deepEqual(from, b.getsockname())
  ma.destroy()
  mb.destroy()
  await Promise.all([closed(ma), closed(mb)])
  t.is(a.fileno(), -1)
  t.is(b.fileno(), -1)
})

test('SOCK_SEQPACKET socketpair: boundaries kept, end() is the end of stream', async (t) => {
  const [a, b] = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
  const ma = loop.sock_messages(a)
  const mb = loop.sock_messages(b)
  const parts: Buffer[] = []
  mb.on('data', ([d]: [Buffer, unknown]) => parts.push(d))
  ma.resume()
  for (const m of ['one', 'two', 'three']) ma.write(Buffer.from(m))
  ma.end()
  await once(mb, 'end')
  t.deepEqual(parts.map(String), ['one', 'two', 'three'])
  await Promise.all([closed(ma), closed(mb)])
  t.is(a.fileno(), -1)
})

test('AF_UNIX SOCK_DGRAM: a message longer than bufsize is an EMSGSIZE error, not cut', async (t) => {
  const [a, b] = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
  const mb = loop.sock_messages(b, { bufsize: 100 })
  const ok = take(mb, 1)
  a.send(Buffer.alloc(100, 1))
  const [[d]] = await ok
  t.is(d.length, 100)
  a.send(Buffer.alloc(101, 2))
  mb.resume()
  const [err] = (await once(mb, 'error')) as [socket.OSError]
  t.true(err instanceof socket.OSError)
  t.is(err.errno, osConstants.errno.EMSGSIZE)
  t.regex(err.message, /101 bytes/)
  await closed(mb)
  a.close()
})

test('many messages with a slow reader: none lost on SOCK_SEQPACKET, order kept', async (t) => {
  const [a, b] = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
  const ma = loop.sock_messages(a)
  const mb = loop.sock_messages(b, { highWaterMark: 4 })
  const N = 20000
  let next = 0
  let bad = 0
  mb.on('data', ([d]: [Buffer, unknown]) => {
    if (d.readUInt32LE(0) !== next) bad++
    next++
    if (next % 100 === 0) {
      mb.pause()
      setImmediate(() => mb.resume())
    }
  })
  ma.resume()
  let waits = 0
  for (let i = 0; i < N; i++) {
    const m = Buffer.alloc(512)
    m.writeUInt32LE(i, 0)
    if (!ma.write(m)) {
      waits++
      await once(ma, 'drain')
    }
  }
  ma.end()
  await once(mb, 'end')
  t.is(next, N)
  t.is(bad, 0)
  t.true(waits > 0)
  await Promise.all([closed(ma), closed(mb)])
})

test('bad arguments: a stream socket, a bad message, a bad bufsize', async (t) => {
  const [a, b] = socket.socketpair()
  t.throws(() => loop.sock_messages(a), { instanceOf: socket.ValueError })
  t.throws(() => loop.sock_messages('x' as never), { instanceOf: TypeError })
  a.close()
  b.close()
  const u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
  t.throws(() => loop.sock_messages(u, { bufsize: -1 }), { instanceOf: RangeError })
  const m = loop.sock_messages(u)
  m.write('a string' as never)
  const [err] = await once(m, 'error')
  t.true(err instanceof TypeError)
  await closed(m)
  t.is(u.fileno(), -1)
})

test('connected UDP to a closed port: the ICMP reply destroys the stream with ConnectionRefusedError', async (t) => {
  // A port that was just free: bound, read, closed.
  const probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
  probe.bind(['127.0.0.1', 0])
  const closedPort = probe.getsockname()
  probe.close()
  const u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
  u.connect(closedPort)
  const m = loop.sock_messages(u)
  m.write(Buffer.from('anyone there?'))
  const [err] = (await once(m, 'error')) as [socket.OSError]
  t.true(err instanceof socket.ConnectionRefusedError, String(err))
  await closed(m)
  t.is(u.fileno(), -1)
})
