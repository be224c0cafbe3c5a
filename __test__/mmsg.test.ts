// recvmmsg/sendmmsg and loop.sock_recvmmsg/sock_sendmmsg over real UDP and
// Unix datagram sockets (Linux only: elsewhere they must be absent).
import test from 'ava'
import * as fs from 'node:fs'
import * as os from 'node:os'

import * as socket from '../index'
import { onlyPythonErrors } from './helpers/anyvalue'
import { checkFdLeaks } from './helpers/fds'

checkFdLeaks(test)

type Sock = ReturnType<typeof socket.socket>
type Batchy = Sock & {
  recvmmsg(vlen: unknown, bufsize: unknown, ancbufsize?: unknown, flags?: unknown): any[]
  sendmmsg(messages: unknown, flags?: unknown): number
}
const loop = socket.loop as typeof socket.loop & {
  sock_recvmmsg(sock: Sock, ...args: unknown[]): Promise<any[]>
  sock_sendmmsg(sock: Sock, ...args: unknown[]): Promise<number>
}

const linux = os.platform() === 'linux'
const onLinux = linux ? test : test.skip

test('recvmmsg and sendmmsg exist exactly where the kernel has them (Linux)', (t) => {
  const s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
  using _s = s
  t.is(typeof (s as Partial<Batchy>).recvmmsg === 'function', linux)
  t.is(typeof (s as Partial<Batchy>).sendmmsg === 'function', linux)
  t.is('sock_recvmmsg' in socket.loop, linux)
  t.is('sock_sendmmsg' in socket.loop, linux)
})

function udpPair(): [Batchy, Batchy, [string, number]] {
  const r = socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as Batchy
  r.bind(['127.0.0.1', 0])
  const w = socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as Batchy
  w.bind(['127.0.0.1', 0])
  return [r, w, r.getsockname() as [string, number]]
}

onLinux('a UDP batch arrives whole, in order, each with its sender address', (t) => {
  const [r, w, to] = udpPair()
  using _r = r
  using _w = w
  const payloads = ['one', '', 'three', 'x'.repeat(100)].map((p) => Buffer.from(p))
  const sent = w.sendmmsg(payloads.map((p) => [[p], [], 0, to]))
  t.is(sent, payloads.length)
  const got = r.recvmmsg(16, 200)
  t.is(got.length, payloads.length)
  got.forEach(([data, anc, flags, addr], i) => {
    t.true(Buffer.isBuffer(data))
    t.deepEqual(data, payloads[i])
    t.deepEqual(anc, [])
    t.is(flags, 0)
    t.deepEqual(addr, w.getsockname())
  })
})

onLinux('each message is what recvmsg would return for the same datagram', (t) => {
  const [r, w, to] = udpPair()
  using _r = r
  using _w = w
  // A datagram longer than its slot is cut to it and flagged MSG_TRUNC.
  for (const p of ['abcdefgh', 'ab']) w.sendto(Buffer.from(p), to)
  const batch = r.recvmmsg(2, 4)
  for (const p of ['abcdefgh', 'ab']) w.sendto(Buffer.from(p), to)
  const single = [r.recvmsg(4), r.recvmsg(4)]
  t.deepEqual(batch, single)
  t.true((batch[0][2] & socket.MSG_TRUNC) !== 0)
})

onLinux(
  'buffers gather per message, and a message may name no address on a connected socket',
  (t) => {
    const [r, w, to] = udpPair()
    using _r = r
    using _w = w
    w.connect(to)
    const n = w.sendmmsg([[[Buffer.from('ab'), new Uint8Array([0x63]), new ArrayBuffer(1)]], [[]]])
    t.is(n, 2)
    const got = r.recvmmsg(4, 8)
    t.deepEqual(
      got.map((m) => m[0].toString('latin1')),
      ['abc\0', ''],
    )
  },
)

onLinux('fds travel per message over a Unix datagram pair', (t) => {
  const [a, b] = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM) as [Batchy, Batchy]
  using _a = a
  using _b = b
  const file = fs.openSync(__filename, 'r')
  try {
    const fdBytes = Buffer.alloc(4)
    fdBytes.writeInt32LE(file, 0)
    const n = a.sendmmsg([
      [[Buffer.from('with')], [[socket.SOL_SOCKET, socket.SCM_RIGHTS, fdBytes]]],
      [[Buffer.from('without')]],
    ])
    t.is(n, 2)
    const got = b.recvmmsg(2, 16, socket.CMSG_SPACE(4))
    t.is(got.length, 2)
    t.is(got[0][0].toString(), 'with')
    t.is(got[0][1].length, 1)
    const [level, type, data] = got[0][1][0]
    t.is(level, socket.SOL_SOCKET)
    t.is(type, socket.SCM_RIGHTS)
    const received = data.readInt32LE(0)
    t.not(received, file)
    // The same open file: same inode.
    t.is(fs.fstatSync(received).ino, fs.fstatSync(file).ino)
    fs.closeSync(received)
    t.deepEqual(got[1].slice(0, 2), [Buffer.from('without'), []])
  } finally {
    fs.closeSync(file)
  }
})

onLinux('messages with different flags are all sent, each with its own', (t) => {
  const [r, w, to] = udpPair()
  using _r = r
  using _w = w
  const msgs = [
    [[Buffer.from('a')], [], 0, to],
    [[Buffer.from('b')], [], socket.MSG_DONTWAIT, to],
    [[Buffer.from('c')], null, socket.MSG_DONTWAIT, to],
    [[Buffer.from('d')], undefined, 0, to],
  ]
  t.is(w.sendmmsg(msgs), 4)
  t.deepEqual(
    r.recvmmsg(8, 4).map((m) => m[0].toString()),
    ['a', 'b', 'c', 'd'],
  )
  t.is(w.sendmmsg([]), 0)
})

onLinux('recvmmsg takes what is queued: vlen 0 makes no call, a large vlen is clamped', (t) => {
  const [r, w, to] = udpPair()
  using _r = r
  using _w = w
  r.setblocking(false)
  t.deepEqual(r.recvmmsg(0, 16), [])
  for (let i = 0; i < 3; i++) w.sendto(Buffer.from([i]), to)
  t.is(r.recvmmsg(5000, 4).length, 3)
})

onLinux('timeouts and errors are those of the single-message calls', (t) => {
  const [r, w, to] = udpPair()
  using _w = w
  r.setblocking(false)
  t.throws(() => r.recvmmsg(4, 16), {
    instanceOf: socket.BlockingIOError,
    message: `[Errno ${os.constants.errno.EAGAIN}] Resource temporarily unavailable`,
  })
  r.settimeout(0.02)
  t.throws(() => r.recvmmsg(4, 16), { instanceOf: socket.TimeoutError, message: 'timed out' })
  r.close()
  t.throws(() => r.recvmmsg(4, 16), {
    instanceOf: socket.OSError,
    message: '[Errno 9] Bad file descriptor',
  })
  t.throws(() => r.sendmmsg([[[Buffer.from('x')], [], 0, to]]), {
    instanceOf: socket.OSError,
    message: '[Errno 9] Bad file descriptor',
  })
  // An unreachable destination: the error of the first message is raised.
  const v6 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as Batchy
  using _v6 = v6
  t.throws(() => v6.sendmmsg([[[Buffer.from('x')]]]), {
    instanceOf: socket.OSError,
    message: `[Errno ${os.constants.errno.EDESTADDRREQ}] Destination address required`,
  })
})

onLinux('arguments are checked with Python-style messages', (t) => {
  const [r, w] = udpPair()
  using _r = r
  using _w = w
  const s = r as unknown as {
    recvmmsg: (...a: unknown[]) => unknown
    sendmmsg: (...a: unknown[]) => unknown
  }
  t.throws(() => s.recvmmsg(), {
    instanceOf: TypeError,
    message: 'recvmmsg() takes at least 2 arguments (0 given)',
  })
  t.throws(() => s.recvmmsg(1, 2, 3, 4, 5), {
    instanceOf: TypeError,
    message: 'recvmmsg() takes at most 4 arguments (5 given)',
  })
  t.throws(() => s.recvmmsg(-1, 4), {
    instanceOf: socket.ValueError,
    message: 'negative vlen in recvmmsg()',
  })
  t.throws(() => s.recvmmsg(1, -4), {
    instanceOf: socket.ValueError,
    message: 'negative buffer size in recvmmsg()',
  })
  t.throws(() => s.recvmmsg(1, 4, -1), {
    instanceOf: socket.ValueError,
    message: 'invalid ancillary data buffer length',
  })
  t.throws(() => s.recvmmsg('1', 4), {
    instanceOf: TypeError,
    message: "'str' object cannot be interpreted as an integer",
  })
  t.throws(() => s.recvmmsg(1, 4, 0, 2 ** 31), {
    instanceOf: socket.OverflowError,
    message: 'signed integer is greater than maximum',
  })
  t.throws(() => s.sendmmsg(5), {
    instanceOf: TypeError,
    message: 'sendmmsg() argument 1 must be an iterable',
  })
  t.throws(() => s.sendmmsg([5]), {
    instanceOf: TypeError,
    message: 'sendmmsg() message 0 must be a sequence of 1 to 4 items, not int',
  })
  t.throws(() => s.sendmmsg([[[Buffer.from('x')], [], 0, null, 1]]), {
    instanceOf: TypeError,
    message: 'sendmmsg() message 0 must be a sequence of 1 to 4 items, not a sequence of length 5',
  })
  t.throws(() => s.sendmmsg([[[Buffer.from('x')]], [7]]), {
    instanceOf: TypeError,
    message: 'sendmmsg() message 1 buffers must be an iterable',
  })
  t.throws(() => s.sendmmsg([[['str']]]), {
    instanceOf: TypeError,
    message: "a bytes-like object is required, not 'str'",
  })
  t.throws(() => s.sendmmsg([[[Buffer.from('x')], [[1, 2]]]]), {
    instanceOf: TypeError,
    message: '[sendmmsg() ancillary data items]() argument must be sequence of length 3, not 2',
  })
  t.throws(() => s.sendmmsg([[[Buffer.from('x')], [], 0, ['127.0.0.1', 70000]]]), {
    instanceOf: socket.OverflowError,
  })
})

onLinux('no input of any type crashes: Python exception classes only (property)', (t) => {
  const [r, w, to] = udpPair()
  r.setblocking(false)
  w.setblocking(false)
  const allowed = [
    'TypeError',
    'ValueError',
    'OverflowError',
    'MemoryError',
    'BlockingIOError',
    'OSError',
    // An address's host is resolved as sendto's is: a name that is none.
    'gaierror',
  ]
  const calls: Array<(v: any) => unknown> = [
    (v) => r.recvmmsg(v, 16),
    (v) => r.recvmmsg(4, v),
    (v) => r.recvmmsg(4, 16, v),
    (v) => r.recvmmsg(4, 16, 0, v),
    (v) => w.sendmmsg(v),
    (v) => w.sendmmsg([v]),
    (v) => w.sendmmsg([[v, [], 0, to]]),
    (v) => w.sendmmsg([[[Buffer.from('x')], v, 0, to]]),
    (v) => w.sendmmsg([[[Buffer.from('x')], [v], 0, to]]),
    (v) => w.sendmmsg([[[Buffer.from('x')], [], v, to]]),
    (v) => w.sendmmsg([[[Buffer.from('x')], [], 0, v]]),
    (v) => w.sendmmsg([[[Buffer.from('x')], [], 0, to]], v),
  ]
  onlyPythonErrors(calls, allowed, 600, () => {
    try {
      r.recvmmsg(64, 64)
    } catch {
      // Nothing there.
    }
  })
  r.close()
  w.close()
  t.pass()
})

onLinux('loop.sock_recvmmsg waits for the first datagram, then takes what is queued', async (t) => {
  const [r, w, to] = udpPair()
  using _r = r
  using _w = w
  const p = loop.sock_recvmmsg(r, 8, 16)
  setTimeout(
    () =>
      w.sendmmsg([
        [[Buffer.from('p')], [], 0, to],
        [[Buffer.from('q')], [], 0, to],
      ]),
    10,
  )
  const got = await p
  t.true(got.length >= 1)
  t.is(got[0][0].toString(), 'p')
  t.deepEqual(got[0][3], w.getsockname())
  t.is(r.gettimeout(), null)
})

onLinux('loop.sock_sendmmsg resolves to the count sent', async (t) => {
  const [r, w, to] = udpPair()
  using _r = r
  using _w = w
  const n = await loop.sock_sendmmsg(w, [
    [[Buffer.from('1')], [], 0, to],
    [[Buffer.from('2')], [], 0, to],
  ])
  t.is(n, 2)
  const got = await loop.sock_recvmmsg(r, 4, 4, { signal: new AbortController().signal })
  t.deepEqual(
    got.map((m) => m[0].toString()),
    ['1', '2'],
  )
})

onLinux('a waiting sock_recvmmsg rejects on abort, timeout and close', async (t) => {
  const [r, w] = udpPair()
  using _w = w
  const ac = new AbortController()
  const aborted = loop.sock_recvmmsg(r, 4, 16, 0, 0, { signal: ac.signal })
  ac.abort(new Error('stop'))
  await t.throwsAsync(aborted, { message: 'stop' })
  r.settimeout(0.02)
  await t.throwsAsync(loop.sock_recvmmsg(r, 4, 16), {
    instanceOf: socket.TimeoutError,
    message: 'timed out',
  })
  r.settimeout(null)
  const pending = loop.sock_recvmmsg(r, 4, 16)
  r.close()
  await t.throwsAsync(pending, {
    instanceOf: socket.OSError,
    message: '[Errno 9] Bad file descriptor',
  })
  await t.throwsAsync(loop.sock_recvmmsg(r, -1, 16), {
    instanceOf: socket.ValueError,
    message: 'negative vlen in sock_recvmmsg()',
  })
  await t.throwsAsync(loop.sock_sendmmsg(5 as unknown as Sock, []), {
    instanceOf: TypeError,
    message: "sock_sendmmsg() argument 'sock' must be a socket, not int",
  })
})
