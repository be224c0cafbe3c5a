// AF_UNIX stream and datagram sockets: filesystem paths in a tmp dir, Linux
// abstract names, autobind, socketpair, and CPython's path checks.
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import test from 'ava'

import * as socket from '../index'
import { checkFdLeaks } from './helpers/fds'
import { peers, startPeer } from './helpers/peer'
import { runPython } from './helpers/pydiff'

checkFdLeaks(test)

const { AF_UNIX, SOCK_STREAM, SOCK_DGRAM } = socket
const dir = mkdtempSync(join(tmpdir(), 'pysocket-unix-'))
test.after.always(() => rmSync(dir, { recursive: true, force: true }))

let n = 0
const path = () => join(dir, `s${n++}`)

test('stream over a filesystem path', (t) => {
  const p = path()
  using srv = socket.socket(AF_UNIX, SOCK_STREAM)
  srv.bind(p)
  t.true(existsSync(p))
  srv.listen()
  t.is(srv.getsockname(), p)
  using c = socket.socket(AF_UNIX, SOCK_STREAM)
  c.connect(p)
  const [conn, addr] = srv.accept()
  using _conn = conn
  // The client is unnamed: Python's '' for an unbound AF_UNIX socket.
  t.is(addr, '')
  t.is(c.getpeername(), p)
  t.is(c.getsockname(), '')
  t.is(conn.family, AF_UNIX)
  c.sendall(Buffer.from('over unix'))
  t.is(conn.recv(100).toString(), 'over unix')
  t.is(
    String(c),
    `<socket.socket fd=${c.fileno()}, family=1, type=1, proto=0, raddr=${JSON.stringify(p).replace(/"/g, "'")}>`,
  )
})

test('Buffer paths and path errors', (t) => {
  const p = path()
  using s = socket.socket(AF_UNIX, SOCK_DGRAM)
  s.bind(Buffer.from(p))
  t.is(s.getsockname(), p)
  using s2 = socket.socket(AF_UNIX, SOCK_DGRAM)
  t.throws(() => s2.bind(p), {
    instanceOf: socket.OSError,
    message: '[Errno 98] Address already in use',
  })
  t.throws(() => s2.bind('/nonexistent-dir-pysocket/x'), {
    instanceOf: socket.FileNotFoundError,
    message: '[Errno 2] No such file or directory',
  })
  t.throws(() => s2.bind('a'.repeat(108)), {
    instanceOf: socket.OSError,
    message: 'AF_UNIX path too long',
  })
  t.throws(() => s2.bind(5 as never), {
    instanceOf: TypeError,
    message: "a bytes-like object is required, not 'int'",
  })
  t.throws(() => s2.connect(join(dir, 'missing')), { instanceOf: socket.FileNotFoundError })
  t.throws(() => s2.sendto(Buffer.from('x'), join(dir, 'missing')), {
    instanceOf: socket.FileNotFoundError,
  })
  using st = socket.socket(AF_UNIX, SOCK_STREAM)
  t.throws(() => st.connect(p), {
    instanceOf: socket.OSError,
    message: '[Errno 91] Protocol wrong type for socket',
  })
})

test('datagrams: sendto, recvfrom with the sender path', (t) => {
  const pa = path()
  const pb = path()
  using a = socket.socket(AF_UNIX, SOCK_DGRAM)
  using b = socket.socket(AF_UNIX, SOCK_DGRAM)
  a.bind(pa)
  b.bind(pb)
  t.is(b.sendto(Buffer.from('one'), pa), 3)
  t.is(b.sendto(Buffer.from('two'), 0, Buffer.from(pa)), 3)
  const [d1, from1] = a.recvfrom(10)
  t.is(d1.toString(), 'one')
  t.is(from1, pb)
  const buf = Buffer.alloc(10)
  const [n2, from2] = a.recvfrom_into(buf)
  t.is(buf.subarray(0, n2).toString(), 'two')
  t.is(from2, pb)
  // A datagram larger than the buffer is truncated.
  b.sendto(Buffer.from('0123456789'), pa)
  t.is(a.recv(4).toString(), '0123')
  a.setblocking(false)
  t.throws(() => a.recv(4), { instanceOf: socket.BlockingIOError })
  a.settimeout(0.05)
  t.throws(() => a.recvfrom(4), { instanceOf: socket.TimeoutError, message: 'timed out' })
})

test('abstract names and autobind', (t) => {
  const name = Buffer.from(`\0pysocket-test-${process.pid}-${n++}`)
  using a = socket.socket(AF_UNIX, SOCK_DGRAM)
  a.bind(name)
  t.deepEqual(a.getsockname(), name)
  using b = socket.socket(AF_UNIX, SOCK_DGRAM)
  // Autobind: an empty address gets a kernel-chosen abstract name.
  b.bind('')
  const auto = b.getsockname() as Buffer
  t.true(Buffer.isBuffer(auto))
  t.is(auto[0], 0)
  t.is(auto.length, 6)
  b.sendto(Buffer.from('hi'), name)
  const [data, from] = a.recvfrom(10)
  t.is(data.toString(), 'hi')
  t.deepEqual(from, auto)
  using c = socket.socket(AF_UNIX, SOCK_DGRAM)
  c.bind(Buffer.alloc(0))
  t.is((c.getsockname() as Buffer)[0], 0)
  // str abstract names work too; a name of 108 bytes fits, 109 do not.
  using d = socket.socket(AF_UNIX, SOCK_DGRAM)
  const long = '\0' + 'z'.repeat(107)
  d.bind(long)
  t.deepEqual(d.getsockname(), Buffer.from(long))
  t.throws(() => d.connect('\0' + 'z'.repeat(108)), { message: 'AF_UNIX path too long' })
  t.regex(String(b), /laddr=b'\\x00[0-9a-f]{5}'/)
})

test('socketpair: stream and datagram, families and defaults', (t) => {
  const [a, b] = socket.socketpair()
  using _a = a
  using _b = b
  t.is(a.family, AF_UNIX)
  t.is(a.type, SOCK_STREAM)
  t.is(a.proto, 0)
  t.is(a.gettimeout(), null)
  t.false(a.get_inheritable())
  a.sendall(Buffer.from('x'))
  t.is(b.recv(1).toString(), 'x')
  t.is(a.getsockname(), '')
  t.is(a.getpeername(), '')
  const [c, d] = socket.socketpair(AF_UNIX, SOCK_DGRAM)
  using _c = c
  using _d = d
  c.send(Buffer.from('dgram'))
  const [data, from] = d.recvfrom(10)
  t.is(data.toString(), 'dgram')
  t.is(from, null)
  t.throws(() => socket.socketpair(socket.AF_INET), {
    instanceOf: socket.OSError,
    message: '[Errno 95] Operation not supported',
  })
  t.throws(() => socket.socketpair(AF_UNIX, 99), { instanceOf: socket.OSError })
  // Default timeout applies to socketpair sockets, too.
  socket.setdefaulttimeout(0.05)
  try {
    const [e, f] = socket.socketpair()
    using _e = e
    using _f = f
    t.is(e.gettimeout(), 0.05)
    t.throws(() => e.recv(1), { instanceOf: socket.TimeoutError })
  } finally {
    socket.setdefaulttimeout(null)
  }
})

test('stream: blocking recv on a Unix socket waits for a Worker peer', async (t) => {
  const p = path()
  using srv = socket.socket(AF_UNIX)
  srv.bind(p)
  srv.listen(1)
  const peer = await startPeer(peers.delayedUnixSender, { path: p, delay: 30, text: 'unix-late' })
  const [conn] = srv.accept()
  using _conn = conn
  let got = ''
  for (;;) {
    const b = conn.recv(64)
    if (b.length === 0) break
    got += b.toString()
  }
  t.is(got, 'unix-late')
  await peer.result
  await peer.stop()
})

test('undecodable path bytes round-trip as lone surrogates (surrogateescape), as in Python', (t) => {
  const raw = Buffer.concat([Buffer.from(dir + '/'), Buffer.from([0xff, 0xfe]), Buffer.from('Aé')])
  using s = socket.socket(AF_UNIX, SOCK_DGRAM)
  s.bind(raw)
  const name = s.getsockname() as string
  t.is(name, `${dir}/\udcff\udcfeAé`)
  using c = socket.socket(AF_UNIX, SOCK_DGRAM)
  c.sendto(Buffer.from('x'), name)
  t.is(s.recv(1).toString(), 'x')
  const [py] = runPython([
    {
      py: `s = socket.socket(AF_UNIX, SOCK_DGRAM)\ns.bind(ARGS[0] + b'-py')\nresult = s.getsockname()\ns.close()\nimport os\nos.unlink(result)`,
      args: [raw],
    },
  ])
  t.deepEqual(py, { ok: name + '-py' })
  t.throws(() => c.sendto(Buffer.from('x'), '\ud800'), {
    name: 'UnicodeEncodeError',
    message: "'utf-8' codec can't encode character '\\ud800' in position 0: surrogates not allowed",
  })
  t.throws(() => c.bind('\udcff'.repeat(200)), { message: 'AF_UNIX path too long' })
})
