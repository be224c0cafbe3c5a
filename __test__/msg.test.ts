import test from 'ava'
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import fc from 'fast-check'

import * as socket from '../index'
import { onlyPythonErrors } from './helpers/anyvalue'
import { checkFdLeaks, openFds } from './helpers/fds'
import { py } from './helpers/pyjson'

checkFdLeaks(test)

type Sock = ReturnType<typeof socket.socket>

/** Runs python3 and returns what the script printed as JSON. */

/** [class name, message] of what `f` throws, or ['OK', result]. */
function outcome(f: () => unknown): [string, unknown] {
  try {
    const r = f()
    return ['OK', typeof r === 'number' ? r : null]
  } catch (e) {
    return [(e as Error).name, (e as Error).message]
  }
}

function pair(type: number = socket.SOCK_STREAM): [Sock, Sock] {
  return socket.socketpair(socket.AF_UNIX, type)
}

function ints(b: Buffer): number[] {
  const out: number[] = []
  for (let i = 0; i + 4 <= b.length; i += 4) out.push(b.readInt32LE(i))
  return out
}

function fdArray(fds: number[]): Buffer {
  return Buffer.from(new Int32Array(fds).buffer)
}

const SIZEOF_INT = 4

test('CMSG_LEN and CMSG_SPACE match CPython, errors included', (t) => {
  const args = [
    0,
    1,
    4,
    5,
    7,
    8,
    12,
    100,
    -1,
    2 ** 31,
    2 ** 31 - 17,
    2 ** 31 - 16,
    2 ** 31 - 24,
    2 ** 31 - 25,
    2 ** 40,
  ]
  const expected = py(`
import socket, json
out = []
for f in (socket.CMSG_LEN, socket.CMSG_SPACE):
    for n in ${JSON.stringify(args)}:
        try: out.append(['OK', f(n)])
        except Exception as e: out.append([type(e).__name__, str(e)])
print(json.dumps(out))`)
  const got: unknown[] = []
  for (const f of [socket.CMSG_LEN, socket.CMSG_SPACE])
    for (const n of args) got.push(outcome(() => f(n)))
  t.deepEqual(got, expected)
  t.is(
    outcome(() => socket.CMSG_LEN('a' as any))[1],
    "'str' object cannot be interpreted as an integer",
  )
  t.is(
    outcome(() => socket.CMSG_SPACE((2n ** 64n) as any))[1],
    'Python int too large to convert to C ssize_t',
  )
})

test('CMSG_SPACE is CMSG_LEN rounded up, for any length (property)', (t) => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 2 ** 31 - 64 }), (n) => {
      const len = socket.CMSG_LEN(n)
      const space = socket.CMSG_SPACE(n)
      return len === socket.CMSG_LEN(0) + n && space >= len && space - len < 8 && space % 8 === 0
    }),
  )
  t.pass()
})

test('sendmsg gathers buffers and recvmsg_into scatters them (TCP)', (t) => {
  using srv = socket.create_server(['127.0.0.1', 0])
  const [, port] = srv.getsockname() as [string, number]
  using c = socket.create_connection(['127.0.0.1', port])
  const [conn] = srv.accept()
  using s = conn
  t.is(
    c.sendmsg([
      Buffer.from('ab'),
      new Uint8Array([0x63]),
      new Uint16Array([0x6564]),
      Buffer.alloc(0),
    ]),
    5,
  )
  const a = Buffer.alloc(2)
  const b = new Uint8Array(1)
  const rest = new ArrayBuffer(8)
  const [n, anc, flags, addr] = s.recvmsg_into([a, b, rest], 0, socket.MSG_WAITALL & 0)
  t.is(n, 5)
  t.is(a.toString(), 'ab')
  t.is(b[0], 0x63)
  t.deepEqual([...new Uint8Array(rest, 0, 2)], [0x64, 0x65])
  t.deepEqual(anc, [])
  t.is(flags, 0)
  t.is(addr, null)
})

test('MSG_WAITALL, MSG_PEEK and MSG_TRUNC on a stream and a SEQPACKET pair', (t) => {
  const [a, b] = pair()
  a.sendmsg([Buffer.from('ab')])
  a.sendmsg([Buffer.from('cd')])
  t.is(b.recvmsg(4, 0, socket.MSG_PEEK)[0].toString().slice(0, 2), 'ab')
  t.is(b.recvmsg(4, 0, socket.MSG_WAITALL)[0].toString(), 'abcd')
  a.close()
  b.close()
  const [p, q] = pair(socket.SOCK_SEQPACKET)
  p.sendmsg([Buffer.from('hello'), Buffer.from('world')])
  p.sendmsg([Buffer.from('x')])
  const [data, , flags] = q.recvmsg(4)
  t.is(data.toString(), 'hell')
  t.truthy(flags & socket.MSG_TRUNC)
  const [next, , flags2] = q.recvmsg(4)
  t.is(next.toString(), 'x')
  t.is(flags2 & socket.MSG_TRUNC, 0)
  // MSG_TRUNC in the flags argument reports the real length of the datagram.
  p.sendmsg([Buffer.from('0123456789')])
  const [n, , f3] = q.recvmsg_into([Buffer.alloc(3)], 0, socket.MSG_TRUNC)
  t.is(n, 10)
  t.truthy(f3 & socket.MSG_TRUNC)
  p.close()
  q.close()
})

test('UDP and UDPv6: sendmsg to an address, recvmsg reports the sender', (t) => {
  for (const [family, host] of [
    [socket.AF_INET, '127.0.0.1'],
    [socket.AF_INET6, '::1'],
  ] as const) {
    using r = socket.socket(family, socket.SOCK_DGRAM)
    try {
      r.bind([host, 0])
    } catch (e) {
      t.log(`${host} unavailable here: ${(e as Error).message}`)
      continue
    }
    using s = socket.socket(family, socket.SOCK_DGRAM)
    s.bind([host, 0])
    const to = r.getsockname()
    t.is(s.sendmsg([Buffer.from('da'), Buffer.from('ta')], [], 0, to), 4)
    const [data, anc, flags, from] = r.recvmsg(16)
    t.is(data.toString(), 'data')
    t.deepEqual(anc, [])
    t.is(flags, 0)
    t.deepEqual(from, s.getsockname())
  }
})

test('Unix datagram sockets: sendmsg to a path, recvmsg gives the sender path', (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pysocket-msg-'))
  try {
    using r = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    using s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    r.bind(path.join(dir, 'r'))
    s.bind(path.join(dir, 's'))
    t.is(s.sendmsg([Buffer.from('hi')], [], 0, path.join(dir, 'r')), 2)
    const [data, , , from] = r.recvmsg(8)
    t.is(data.toString(), 'hi')
    t.is(from, path.join(dir, 's'))
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})

test('several fds in one message and across messages (stream, dgram, seqpacket)', (t) => {
  for (const type of [socket.SOCK_STREAM, socket.SOCK_DGRAM, socket.SOCK_SEQPACKET]) {
    const [a, b] = pair(type)
    const file = fs.openSync(__filename, 'r')
    const [x, y] = pair()
    t.is(socket.send_fds(a, [Buffer.from('one')], [file, x.fileno(), y.fileno()]), 3)
    t.is(socket.send_fds(a, [Buffer.from('two')], [file]), 3)
    const [m1, fds1, f1] = socket.recv_fds(b, 3, 4)
    t.is(m1.toString(), 'one')
    t.is(f1, 0)
    t.is(fds1.length, 3)
    const [m2, fds2] = socket.recv_fds(b, 3, 4)
    t.is(m2.toString(), 'two')
    t.is(fds2.length, 1)
    // The received fds are new descriptions of the same objects.
    t.deepEqual(fs.fstatSync(fds1[0]).ino, fs.fstatSync(file).ino)
    t.deepEqual(fs.fstatSync(fds2[0]).ino, fs.fstatSync(file).ino)
    const x2 = socket.socket({ fileno: fds1[1] })
    x2.sendall(Buffer.from('via copy'))
    t.is(y.recv(16).toString(), 'via copy')
    const got = socket.socket({ fileno: fds1[2] })
    // Inheritable, as CPython leaves received fds (MSG_CMSG_CLOEXEC makes them close-on-exec).
    t.true(got.get_inheritable())
    for (const fd of [fds1[0], fds2[0], file]) fs.closeSync(fd)
    for (const s of [a, b, x, y, x2, got]) s.close()
  }
})

test('several ancillary items in one sendmsg arrive as several items', (t) => {
  const [a, b] = pair()
  const f1 = fs.openSync(__filename, 'r')
  const f2 = fs.openSync(__filename, 'r')
  a.sendmsg(
    [Buffer.from('x')],
    [
      [socket.SOL_SOCKET, socket.SCM_RIGHTS, fdArray([f1])],
      [socket.SOL_SOCKET, socket.SCM_RIGHTS, fdArray([f2])],
    ],
  )
  const [, anc] = b.recvmsg(1, socket.CMSG_SPACE(SIZEOF_INT) * 2)
  // Linux merges the two SCM_RIGHTS items into one.
  const fds = anc.flatMap(([lv, ty, data]) =>
    lv === socket.SOL_SOCKET && ty === socket.SCM_RIGHTS ? ints(data) : [],
  )
  t.is(fds.length, 2)
  for (const fd of [...fds, f1, f2]) fs.closeSync(fd)
  // Items of different types stay separate: credentials and fds together.
  b.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
  const me = [process.pid, process.getuid!(), process.getgid!()]
  a.sendmsg(
    [Buffer.from('y')],
    [
      [socket.SOL_SOCKET, socket.SCM_CREDENTIALS, Buffer.from(new Int32Array(me).buffer)],
      [socket.SOL_SOCKET, socket.SCM_RIGHTS, fdArray([a.fileno(), b.fileno()])],
    ],
  )
  const [, anc2] = b.recvmsg(1, socket.CMSG_SPACE(12) + socket.CMSG_SPACE(2 * SIZEOF_INT))
  const byType = new Map(anc2.map(([lv, ty, d]) => [`${lv}:${ty}`, d]))
  t.is(anc2.length, 2)
  t.deepEqual(ints(byType.get(`${socket.SOL_SOCKET}:${socket.SCM_CREDENTIALS}`)!), me)
  const got = ints(byType.get(`${socket.SOL_SOCKET}:${socket.SCM_RIGHTS}`)!)
  t.is(got.length, 2)
  for (const fd of got) fs.closeSync(fd)
  a.close()
  b.close()
})

test.serial(
  'truncated ancillary data is handled as CPython does (fds, flags, warning)',
  async (t) => {
    const sizes = py(`
import socket, json
print(json.dumps([0, 1, socket.CMSG_LEN(0) - 1, socket.CMSG_LEN(0), socket.CMSG_LEN(1), socket.CMSG_LEN(4), socket.CMSG_LEN(6), socket.CMSG_SPACE(4), socket.CMSG_LEN(8), socket.CMSG_SPACE(8), socket.CMSG_SPACE(8) + 5]))`) as number[]
    const expected = py(`
import socket, json, array, warnings, os
out = []
for size in ${JSON.stringify(sizes)}:
    a, b = socket.socketpair()
    a.sendmsg([b'x'], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array('i', [0, 1]))])
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter('always')
        msg, anc, flags, addr = b.recvmsg(1, size)
    nfds = []
    for lv, ty, data in anc:
        nfds.append([lv, ty, len(data)])
        for fd in array.array('i', data[:len(data) - len(data) % 4]): os.close(fd)
    out.append([nfds, flags & socket.MSG_CTRUNC != 0, len(w)])
    a.close(); b.close()
print(json.dumps(out))`)
    const before = openFds()
    const got: unknown[] = []
    const warnings: string[] = []
    const listener = (w: Error) => warnings.push(w.message)
    process.on('warning', listener)
    try {
      for (const size of sizes) {
        const [a, b] = pair()
        a.sendmsg([Buffer.from('x')], [[socket.SOL_SOCKET, socket.SCM_RIGHTS, fdArray([0, 1])]])
        warnings.length = 0
        const [, anc, flags] = b.recvmsg(1, size)
        const items = anc.map(([lv, ty, data]) => {
          for (const fd of ints(data)) fs.closeSync(fd)
          return [lv, ty, data.length]
        })
        a.close()
        b.close()
        // process warnings are emitted on a later tick.
        await new Promise((resolve) => setImmediate(resolve))
        got.push([items, (flags & socket.MSG_CTRUNC) !== 0, warnings.length])
      }
    } finally {
      process.removeListener('warning', listener)
    }
    t.deepEqual(got, expected)
    t.is(openFds(), before)
  },
)

test.serial('the malformed-ancillary warning is a RuntimeWarning when CPython warns', async (t) => {
  const [a, b] = pair()
  const f = fs.openSync(__filename, 'r')
  a.sendmsg([Buffer.from('x')], [[socket.SOL_SOCKET, socket.SCM_RIGHTS, fdArray([f, f])]])
  const warned = new Promise<Error>((resolve) => process.once('warning', resolve))
  // Room for one fd and two stray bytes: CPython warns and returns the fd.
  const [, anc] = b.recvmsg(1, socket.CMSG_LEN(SIZEOF_INT + 2))
  const pyWarns = py(`
import socket, json, array, warnings
a, b = socket.socketpair()
a.sendmsg([b'x'], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array('i', [0, 0]))])
with warnings.catch_warnings(record=True) as w:
    warnings.simplefilter('always')
    m, anc, fl, ad = b.recvmsg(1, socket.CMSG_LEN(4 + 2))
print(json.dumps([[str(x.message), x.category.__name__] for x in w] + [[len(d) for _, _, d in anc]]))`)
  t.deepEqual([anc.map(([, , d]) => d.length)], pyWarns.slice(-1))
  if (pyWarns.length > 1) {
    const w = await warned
    t.is(w.name, pyWarns[0][1])
    t.is(w.message, pyWarns[0][0])
  }
  for (const fd of ints(anc[0][2])) fs.closeSync(fd)
  fs.closeSync(f)
  a.close()
  b.close()
})

test.serial('fds sent to a receiver without room for them are not leaked', (t) => {
  const before = openFds()
  for (let i = 0; i < 50; i++) {
    const [a, b] = pair()
    const f = fs.openSync(__filename, 'r')
    socket.send_fds(a, [Buffer.from('x')], [f, f, f])
    fs.closeSync(f)
    const [data, anc, flags] = b.recvmsg(1)
    t.is(data.toString(), 'x')
    t.deepEqual(anc, [])
    t.truthy(flags & socket.MSG_CTRUNC)
    // Room for one: the kernel closes the other two.
    socket.send_fds(a, [Buffer.from('y')], [a.fileno(), a.fileno(), a.fileno()])
    const [, fds, fl2] = socket.recv_fds(b, 1, 1)
    t.is(fds.length, 1)
    t.truthy(fl2 & socket.MSG_CTRUNC)
    fs.closeSync(fds[0])
    // A receiver closed with fds still queued.
    socket.send_fds(a, [Buffer.from('z')], [a.fileno()])
    a.close()
    b.close()
  }
  t.is(openFds(), before)
})

test('SCM_CREDENTIALS with SO_PASSCRED, and SO_PEERCRED', (t) => {
  const [a, b] = pair()
  b.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
  a.sendmsg([Buffer.from('c')])
  const ucred = socket.CMSG_SPACE(3 * SIZEOF_INT)
  const [, anc] = b.recvmsg(1, ucred)
  t.is(anc.length, 1)
  const [lv, ty, data] = anc[0]
  t.is(lv, socket.SOL_SOCKET)
  t.is(ty, socket.SCM_CREDENTIALS)
  t.deepEqual(ints(data), [process.pid, process.getuid!(), process.getgid!()])
  // Explicit credentials of our own are accepted and delivered.
  a.sendmsg(
    [Buffer.from('d')],
    [
      [
        socket.SOL_SOCKET,
        socket.SCM_CREDENTIALS,
        Buffer.from(new Int32Array([process.pid, process.getuid!(), process.getgid!()]).buffer),
      ],
    ],
  )
  t.deepEqual(ints(b.recvmsg(1, ucred)[1][0][2]), [
    process.pid,
    process.getuid!(),
    process.getgid!(),
  ])
  // Another pid is refused by the kernel (unless we are root, who may).
  const peer = a.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 3 * SIZEOF_INT) as Buffer
  t.deepEqual(ints(peer), [process.pid, process.getuid!(), process.getgid!()])
  a.close()
  b.close()
})

test('IP_PKTINFO, IP_RECVTOS and IP_RECVTTL on UDP loopback', (t) => {
  const lo = Number(fs.readFileSync('/sys/class/net/lo/ifindex', 'utf8'))
  using r = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
  using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
  r.bind(['127.0.0.1', 0])
  r.setsockopt(socket.IPPROTO_IP, socket.IP_PKTINFO, 1)
  r.setsockopt(socket.IPPROTO_IP, socket.IP_RECVTOS, 1)
  r.setsockopt(socket.IPPROTO_IP, socket.IP_RECVTTL, 1)
  s.setsockopt(socket.IPPROTO_IP, socket.IP_TOS, 0x10)
  s.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, 42)
  s.sendto(Buffer.from('p'), r.getsockname())
  const [, anc] = r.recvmsg(4, 256)
  const byType = new Map(anc.filter(([lv]) => lv === socket.IPPROTO_IP).map(([, ty, d]) => [ty, d]))
  const pkt = byType.get(socket.IP_PKTINFO)!
  t.truthy(pkt)
  // struct in_pktinfo { int ipi_ifindex; in_addr ipi_spec_dst; in_addr ipi_addr; }
  t.is(pkt.readInt32LE(0), lo)
  t.deepEqual([...pkt.subarray(8, 12)], [127, 0, 0, 1])
  t.is(byType.get(socket.IP_TOS)![0], 0x10)
  t.is(byType.get(socket.IP_TTL)!.readInt32LE(0), 42)
})

test('IPV6_RECVPKTINFO on UDPv6 loopback', (t) => {
  const lo = Number(fs.readFileSync('/sys/class/net/lo/ifindex', 'utf8'))
  using r = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
  try {
    r.bind(['::1', 0])
  } catch (e) {
    t.log(`IPv6 loopback unavailable: ${(e as Error).message}`)
    t.pass()
    return
  }
  using s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
  r.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_RECVPKTINFO, 1)
  s.sendto(Buffer.from('p'), r.getsockname())
  const [, anc] = r.recvmsg(4, socket.CMSG_SPACE(20))
  t.is(anc.length, 1)
  const [lv, ty, d] = anc[0]
  t.is(lv, socket.IPPROTO_IPV6)
  t.is(ty, socket.IPV6_PKTINFO)
  // struct in6_pktinfo { in6_addr ipi6_addr; int ipi6_ifindex; }
  t.deepEqual([...d.subarray(0, 16)], [...Buffer.alloc(15), 1])
  t.is(d.readInt32LE(16), lo)
})

test('SO_TIMESTAMP and SO_TIMESTAMPNS deliver the receive time', (t) => {
  for (const [opt, scm, scale] of [
    [socket.SO_TIMESTAMP, socket.SCM_TIMESTAMP, 1e6],
    [socket.SO_TIMESTAMPNS, socket.SCM_TIMESTAMPNS, 1e9],
  ]) {
    const [a, b] = pair(socket.SOCK_DGRAM)
    b.setsockopt(socket.SOL_SOCKET, opt, 1)
    const lo = Date.now() / 1000
    a.send(Buffer.from('t'))
    const [, anc] = b.recvmsg(1, 64)
    const hi = Date.now() / 1000
    t.is(anc.length, 1)
    t.is(anc[0][0], socket.SOL_SOCKET)
    t.is(anc[0][1], scm)
    const d = anc[0][2]
    t.is(d.length, 16)
    const stamp = Number(d.readBigInt64LE(0)) + Number(d.readBigInt64LE(8)) / scale
    t.true(stamp >= Math.floor(lo) && stamp <= hi + 1)
    a.close()
    b.close()
  }
})

test('timeouts and non-blocking mode', (t) => {
  const [a, b] = pair()
  b.settimeout(0.05)
  const e = t.throws(() => b.recvmsg(1)) as Error
  t.is(e.name, 'TimeoutError')
  t.is(e.message, 'timed out')
  t.throws(() => b.recvmsg_into([Buffer.alloc(1)]), { instanceOf: socket.TimeoutError })
  b.setblocking(false)
  const e2 = t.throws(() => b.recvmsg(1)) as socket.OSError
  t.is(e2.name, 'BlockingIOError')
  t.is(e2.errno, os.constants.errno.EAGAIN)
  a.setblocking(false)
  const big = Buffer.alloc(1 << 20)
  let sent = 0
  const e3 = t.throws(() => {
    for (;;) sent += a.sendmsg([big])
  }) as socket.OSError
  t.true(sent > 0)
  t.is(e3.name, 'BlockingIOError')
  a.settimeout(0.05)
  t.throws(() => a.sendmsg([big]), { instanceOf: socket.TimeoutError })
  a.close()
  b.close()
  t.is(outcome(() => b.recvmsg(1))[0], 'OSError')
})

test('IOV_MAX buffers are fine, one more is EMSGSIZE as in CPython', (t) => {
  const iovMax = Number(execFileSync('getconf', ['IOV_MAX'], { encoding: 'utf8' }))
  const [a, b] = pair(socket.SOCK_SEQPACKET)
  const one = Buffer.from('x')
  t.is(a.sendmsg(Array(iovMax).fill(one)), iovMax)
  t.is(b.recvmsg(iovMax * 2)[0].length, iovMax)
  const expected = py(`
import socket, json
a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
out = []
for f in (lambda: a.sendmsg([b'x'] * ${iovMax + 1}), lambda: b.recvmsg_into([bytearray(1)] * ${iovMax + 1})):
    try: f(); out.append(['OK', None])
    except Exception as e: out.append([type(e).__name__, str(e)])
print(json.dumps(out))`)
  t.deepEqual(
    [
      outcome(() => a.sendmsg(Array(iovMax + 1).fill(one))),
      outcome(() => b.recvmsg_into(Array(iovMax + 1).fill(Buffer.alloc(1)))),
    ],
    expected,
  )
  a.close()
  b.close()
})

test('the sendmsg/recvmsg argument-error matrix matches CPython', (t) => {
  const cases: Array<[string, (a: Sock) => unknown]> = [
    // @ts-expect-error the wrong type is the case
    ["a.sendmsg(['x'])", (a) => a.sendmsg(['x'])],
    // @ts-expect-error the wrong type is the case
    ["a.sendmsg([b'x', 'y'])", (a) => a.sendmsg([Buffer.from('x'), 'y'])],
    ['a.sendmsg(5)', (a) => a.sendmsg(5 as any)],
    ['a.sendmsg(None)', (a) => a.sendmsg(null as any)],
    // @ts-expect-error the wrong type is the case
    ["a.sendmsg(b'abc')", (a) => a.sendmsg(Buffer.from('abc'))],
    ['a.sendmsg([b"x"], 5)', (a) => a.sendmsg([Buffer.from('x')], 5 as any)],
    // @ts-expect-error the wrong type is the case
    ['a.sendmsg([b"x"], [5])', (a) => a.sendmsg([Buffer.from('x')], [5])],
    // @ts-expect-error the wrong type is the case
    ['a.sendmsg([b"x"], [None])', (a) => a.sendmsg([Buffer.from('x')], [null])],
    // @ts-expect-error the wrong type is the case
    ['a.sendmsg([b"x"], [(1, 1)])', (a) => a.sendmsg([Buffer.from('x')], [[1, 1]])],
    [
      'a.sendmsg([b"x"], [(1, 1, b"", 1)])',
      // @ts-expect-error the wrong type is the case
      (a) => a.sendmsg([Buffer.from('x')], [[1, 1, Buffer.alloc(0), 1]]),
    ],
    [
      'a.sendmsg([b"x"], [("a", 1, b"")])',
      // @ts-expect-error the wrong type is the case
      (a) => a.sendmsg([Buffer.from('x')], [['a', 1, Buffer.alloc(0)]]),
    ],
    [
      'a.sendmsg([b"x"], [(1, "a", b"")])',
      // @ts-expect-error the wrong type is the case
      (a) => a.sendmsg([Buffer.from('x')], [[1, 'a', Buffer.alloc(0)]]),
    ],
    // @ts-expect-error the wrong type is the case
    ['a.sendmsg([b"x"], [(1, 1, "s")])', (a) => a.sendmsg([Buffer.from('x')], [[1, 1, 's']])],
    // @ts-expect-error the wrong type is the case
    ['a.sendmsg([b"x"], [(1, 1, None)])', (a) => a.sendmsg([Buffer.from('x')], [[1, 1, null]])],
    [
      'a.sendmsg([b"x"], [(2**31, 1, b"")])',
      (a) => a.sendmsg([Buffer.from('x')], [[2 ** 31, 1, Buffer.alloc(0)]]),
    ],
    [
      'a.sendmsg([b"x"], [(1, -2**31-1, b"")])',
      (a) => a.sendmsg([Buffer.from('x')], [[1, -(2 ** 31) - 1, Buffer.alloc(0)]]),
    ],
    [
      'a.sendmsg([b"x"], [(1.5, 1, b"")])',
      (a) => a.sendmsg([Buffer.from('x')], [[1.5, 1, Buffer.alloc(0)]]),
    ],
    [
      'a.sendmsg([b"x"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [999]))])',
      (a) =>
        a.sendmsg([Buffer.from('x')], [[socket.SOL_SOCKET, socket.SCM_RIGHTS, fdArray([999])]]),
    ],
    [
      'a.sendmsg([b"x"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, b"")])',
      (a) =>
        a.sendmsg([Buffer.from('x')], [[socket.SOL_SOCKET, socket.SCM_RIGHTS, Buffer.alloc(0)]]),
    ],
    [
      'a.sendmsg([b"x"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, b"abc")])',
      (a) =>
        a.sendmsg([Buffer.from('x')], [[socket.SOL_SOCKET, socket.SCM_RIGHTS, Buffer.from('abc')]]),
    ],
    [
      'a.sendmsg([b"x"], [(socket.SOL_SOCKET, 12345, b"abcd")])',
      (a) => a.sendmsg([Buffer.from('x')], [[socket.SOL_SOCKET, 12345, Buffer.from('abcd')]]),
    ],
    [
      'a.sendmsg([b"x"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [0]))] * 2)',
      (a) =>
        a.sendmsg(
          [Buffer.from('x')],
          Array(2).fill([socket.SOL_SOCKET, socket.SCM_RIGHTS, fdArray([0])]),
        ),
    ],
    ['a.sendmsg([], [])', (a) => a.sendmsg([], [])],
    ['a.sendmsg([b""] * 3)', (a) => a.sendmsg([Buffer.alloc(0), Buffer.alloc(0), Buffer.alloc(0)])],
    ['a.sendmsg([b"x"], [], "a")', (a) => a.sendmsg([Buffer.from('x')], [], 'a' as any)],
    ['a.sendmsg([b"x"], [], 2**31)', (a) => a.sendmsg([Buffer.from('x')], [], 2 ** 31)],
    [
      'a.sendmsg([b"x"], [], 0, "/nonexistent")',
      (a) => a.sendmsg([Buffer.from('x')], [], 0, '/nonexistent'),
    ],
    ['a.sendmsg([b"x"], [], 0, 5)', (a) => a.sendmsg([Buffer.from('x')], [], 0, 5)],
    [
      'a.sendmsg([b"x"], [], 0, None, 1)',
      (a) => (a.sendmsg as any)([Buffer.from('x')], [], 0, null, 1),
    ],
    ['a.sendmsg()', (a) => (a.sendmsg as any)()],
    ['a.recvmsg(-1)', (a) => a.recvmsg(-1)],
    ['a.recvmsg(1, -1)', (a) => a.recvmsg(1, -1)],
    ['a.recvmsg(1, 2**31)', (a) => a.recvmsg(1, 2 ** 31)],
    ['a.recvmsg(-1, -1)', (a) => a.recvmsg(-1, -1)],
    ['a.recvmsg("a")', (a) => a.recvmsg('a' as any)],
    ['a.recvmsg(1.5)', (a) => a.recvmsg(1.5)],
    ['a.recvmsg(1, "a")', (a) => a.recvmsg(1, 'a' as any)],
    ['a.recvmsg(1, 0, "a")', (a) => a.recvmsg(1, 0, 'a' as any)],
    ['a.recvmsg(-1, 0, "a")', (a) => a.recvmsg(-1, 0, 'a' as any)],
    ['a.recvmsg(2**63)', (a) => a.recvmsg(2 ** 64)],
    ['a.recvmsg(1, 2**63)', (a) => a.recvmsg(1, 2 ** 64)],
    ['a.recvmsg()', (a) => (a.recvmsg as any)()],
    ['a.recvmsg(1, 0, 0, 0)', (a) => (a.recvmsg as any)(1, 0, 0, 0)],
    ['a.recvmsg_into(5)', (a) => a.recvmsg_into(5 as any)],
    ['a.recvmsg_into(None)', (a) => a.recvmsg_into(null as any)],
    // @ts-expect-error the wrong type is the case
    ['a.recvmsg_into(["abc"])', (a) => a.recvmsg_into(['abc'])],
    // @ts-expect-error the wrong type is the case
    ['a.recvmsg_into([None])', (a) => a.recvmsg_into([null])],
    ['a.recvmsg_into([bytearray(1)], -1)', (a) => a.recvmsg_into([Buffer.alloc(1)], -1)],
    [
      'a.recvmsg_into([bytearray(1)], 0, "a")',
      (a) => a.recvmsg_into([Buffer.alloc(1)], 0, 'a' as any),
    ],
    ['a.recvmsg_into()', (a) => (a.recvmsg_into as any)()],
    // @ts-expect-error the wrong type is the case
    ['socket.send_fds(a, [b"x"], ["a"])', (a) => socket.send_fds(a, [Buffer.from('x')], ['a'])],
    [
      'socket.send_fds(a, [b"x"], [2**31])',
      (a) => socket.send_fds(a, [Buffer.from('x')], [2 ** 31]),
    ],
    ['socket.send_fds(a, [b"x"], 5)', (a) => socket.send_fds(a, [Buffer.from('x')], 5 as any)],
    // @ts-expect-error the wrong type is the case
    ['socket.send_fds(a, [b"x"], "ab")', (a) => socket.send_fds(a, [Buffer.from('x')], 'ab')],
    [
      'socket.send_fds(a, [b"x"], None)',
      (a) => socket.send_fds(a, [Buffer.from('x')], null as any),
    ],
    [
      'socket.send_fds(a, [b"x"], b"abc")',
      (a) => socket.send_fds(a, [Buffer.from('x')], Buffer.from('abc')),
    ],
    [
      'socket.send_fds(a, [b"x"], array.array("i", [999]))',
      (a) => socket.send_fds(a, [Buffer.from('x')], new Int32Array([999])),
    ],
    ['socket.recv_fds(a, 1, -1)', (a) => socket.recv_fds(a, 1, -1)],
    ['socket.recv_fds(a, -1, 1)', (a) => socket.recv_fds(a, -1, 1)],
  ]
  const expected = py(`
import socket, json, array
a, b = socket.socketpair()
a.setblocking(False)
out = []
for src in ${JSON.stringify(cases.map(([s]) => s))}:
    try: r = eval(src); out.append(['OK', r if isinstance(r, int) else None])
    except Exception as e: out.append([type(e).__name__, str(e)])
print(json.dumps(out))`)
  const [a, b] = pair()
  a.setblocking(false)
  cases.forEach(([src, f], i) => {
    t.deepEqual(
      outcome(() => f(a)),
      expected[i],
      src,
    )
  })
  a.close()
  b.close()
})

test('any fd count and payload round-trips through send_fds/recv_fds (property)', (t) => {
  const file = fs.openSync(__filename, 'r')
  const ino = fs.fstatSync(file).ino
  const [a, b] = pair(socket.SOCK_SEQPACKET)
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 32 }),
      fc.uint8Array({ minLength: 1, maxLength: 512 }),
      (k, payload) => {
        socket.send_fds(a, [payload], Array(k).fill(file))
        const [data, fds, flags] = socket.recv_fds(b, 1024, 32)
        const same = fds.every((fd) => fs.fstatSync(fd).ino === ino)
        for (const fd of fds) fs.closeSync(fd)
        return Buffer.from(payload).equals(data) && fds.length === k && same && flags === 0
      },
    ),
    { numRuns: 100 },
  )
  fs.closeSync(file)
  a.close()
  b.close()
  t.pass()
})

test('no input of any type crashes: Python exception classes only (property)', (t) => {
  const [a, b] = pair(socket.SOCK_DGRAM)
  a.setblocking(false)
  b.setblocking(false)
  const allowed = [
    'TypeError',
    'ValueError',
    'OverflowError',
    'MemoryError',
    'BlockingIOError',
    'OSError',
  ]
  const calls: Array<(v: any) => unknown> = [
    (v) => a.sendmsg(v),
    (v) => a.sendmsg([Buffer.from('x')], v),
    (v) => a.sendmsg([Buffer.from('x')], [v]),
    (v) => a.sendmsg([Buffer.from('x')], [], v),
    (v) => b.recvmsg(v),
    (v) => b.recvmsg(1, v),
    (v) => b.recvmsg_into(v),
    (v) => b.recvmsg_into([Buffer.alloc(1)], v),
    (v) => socket.CMSG_LEN(v),
    (v) => socket.CMSG_SPACE(v),
    (v) => socket.send_fds(a, [Buffer.from('x')], v),
    (v) => socket.recv_fds(b, 1, v),
  ]
  // Drain whatever a successful call sent.
  onlyPythonErrors(calls, allowed, 500, () => {
    try {
      b.recv(65536)
    } catch {
      // 500othing there.
    }
  })
  a.close()
  b.close()
  t.pass()
})
