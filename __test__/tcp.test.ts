// TCP over loopback: every method, the three modes, deadlines, accept's
// timeout, connect_ex. Peers that must act while this thread blocks run in a
// Worker (helpers/peer.ts).
import test from 'ava'

import * as socket from '../index'
import { checkFdLeaks } from './helpers/fds'
import { peers, startPeer } from './helpers/peer'

checkFdLeaks(test)

const { AF_INET, SOCK_STREAM } = socket

/** A listener on 127.0.0.1 and its port. */
function listener(): [socket.socket, number] {
  const srv = socket.socket(AF_INET, SOCK_STREAM)
  srv.bind(['127.0.0.1', 0])
  srv.listen()
  return [srv, (srv.getsockname() as [string, number])[1]]
}

/** A connected pair over loopback: [client, server side]. */
function tcpPair(): [socket.socket, socket.socket] {
  const [srv, port] = listener()
  try {
    const c = socket.socket()
    c.connect(['127.0.0.1', port])
    const [conn] = srv.accept()
    return [c, conn]
  } finally {
    srv.close()
  }
}

/** A port nothing listens on (bound once, then closed). */
function deadPort(): number {
  const s = socket.socket()
  s.bind(['127.0.0.1', 0])
  const port = (s.getsockname() as [string, number])[1]
  s.close()
  return port
}

test('connect, accept, send, recv, addresses', (t) => {
  const [srv, port] = listener()
  using _srv = srv
  using c = socket.socket(AF_INET, SOCK_STREAM)
  c.connect(['127.0.0.1', port])
  const [conn, addr] = srv.accept()
  using _conn = conn
  t.deepEqual(addr, c.getsockname())
  t.deepEqual(conn.getpeername(), c.getsockname())
  t.deepEqual(c.getpeername(), ['127.0.0.1', port])
  t.is(conn.family, AF_INET)
  t.is(conn.type, SOCK_STREAM)
  t.is(c.send(Buffer.from('hello')), 5)
  t.is(conn.recv(1024).toString(), 'hello')
  c.sendall(new Uint8Array([1, 2, 3]))
  const buf = Buffer.alloc(8)
  t.is(conn.recv_into(buf), 3)
  t.deepEqual([...buf.subarray(0, 3)], [1, 2, 3])
  c.sendall(Buffer.from('abcdef'))
  const small = Buffer.alloc(10)
  t.is(conn.recv_into(small, 2), 2)
  t.is(small.subarray(0, 2).toString(), 'ab')
  const [n, from] = conn.recvfrom_into(small)
  t.is(n, 4)
  t.is(small.subarray(0, 4).toString(), 'cdef')
  // recvfrom on a connected TCP socket: Linux reports no address (None).
  c.send(Buffer.from('z'))
  const [data, from2] = conn.recvfrom(10)
  t.is(data.toString(), 'z')
  t.is(from2, null)
  t.is(from, null)
  // recv(0) returns empty bytes.
  t.is(conn.recv(0).length, 0)
  c.shutdown(socket.SHUT_WR)
  t.is(conn.recv(10).length, 0)
})

test('blocking recv waits for a peer that sends later', async (t) => {
  const [srv, port] = listener()
  using _srv = srv
  const peer = await startPeer(peers.delayedSender, { port, delay: 50, text: 'late' })
  const [conn] = srv.accept()
  using _conn = conn
  t.is(conn.gettimeout(), null)
  t.true(conn.getblocking())
  let got = ''
  for (;;) {
    const b = conn.recv(100)
    if (b.length === 0) break
    got += b.toString()
  }
  t.is(got, 'late')
  t.is(await peer.result, true)
  await peer.stop()
})

test('timeout mode: recv waits, then the data arrives within the timeout', async (t) => {
  const [srv, port] = listener()
  using _srv = srv
  srv.settimeout(2)
  const peer = await startPeer(peers.delayedSender, { port, delay: 30, text: 'x' })
  const [conn] = srv.accept()
  using _conn = conn
  conn.settimeout(2)
  t.is(conn.recv(10).toString(), 'x')
  await peer.result
  await peer.stop()
})

test('the three modes on an idle connection', (t) => {
  const [c, conn] = tcpPair()
  using _c = c
  using _conn = conn
  // Non-blocking: BlockingIOError with EAGAIN, and the fd is O_NONBLOCK.
  conn.setblocking(false)
  t.is(conn.gettimeout(), 0)
  t.false(conn.getblocking())
  const e = t.throws(() => conn.recv(10), { instanceOf: socket.BlockingIOError })
  t.is(e!.errno, require('node:os').constants.errno.EAGAIN)
  t.is(e!.message, '[Errno 11] Resource temporarily unavailable')
  t.is(e!.code, 'EAGAIN')
  t.true(e instanceof socket.OSError)
  // Timeout: TimeoutError 'timed out', which is socket.timeout.
  conn.settimeout(0.05)
  t.is(conn.timeout, 0.05)
  t.true(conn.getblocking())
  const te = t.throws(() => conn.recv(10), { instanceOf: socket.timeout })
  t.is(te!.message, 'timed out')
  t.is(te!.name, 'TimeoutError')
  t.is(te!.errno, null)
  t.throws(() => conn.recv_into(Buffer.alloc(3)), { message: 'timed out' })
  t.throws(() => conn.recvfrom(3), { message: 'timed out' })
  t.throws(() => conn.recvfrom_into(Buffer.alloc(3)), { message: 'timed out' })
  // Back to blocking: None.
  conn.settimeout(null)
  t.is(conn.gettimeout(), null)
  t.true(conn.getblocking())
  conn.setblocking(false)
  conn.setblocking(true)
  t.is(conn.timeout, null)
})

test('the fd is O_NONBLOCK in non-blocking and timeout modes only', async (t) => {
  // Checked from another process's view of the file status flags.
  const { readFileSync } = await import('node:fs')
  const flags = (s: socket.socket) =>
    parseInt(
      /flags:\s+([0-7]+)/.exec(readFileSync(`/proc/self/fdinfo/${s.fileno()}`, 'utf8'))![1],
      8,
    )
  const O_NONBLOCK = require('node:fs').constants.O_NONBLOCK
  using s = socket.socket()
  t.is(flags(s) & O_NONBLOCK, 0)
  s.settimeout(1)
  t.not(flags(s) & O_NONBLOCK, 0)
  s.setblocking(false)
  t.not(flags(s) & O_NONBLOCK, 0)
  s.settimeout(null)
  t.is(flags(s) & O_NONBLOCK, 0)
  // New sockets are not inheritable (O_CLOEXEC).
  t.false(s.get_inheritable())
  s.set_inheritable(true)
  t.true(s.get_inheritable())
  s.set_inheritable(false)
  t.false(s.get_inheritable())
})

test('send in non-blocking mode fills the buffer, then BlockingIOError; timeout mode times out', (t) => {
  const [c, conn] = tcpPair()
  using _c = c
  using _conn = conn
  c.setblocking(false)
  const chunk = Buffer.alloc(65536)
  let sent = 0
  const e = t.throws(
    () => {
      for (;;) sent += c.send(chunk)
    },
    { instanceOf: socket.BlockingIOError },
  )
  t.true(sent > 0)
  t.is(e!.code, 'EAGAIN')
  c.settimeout(0.05)
  t.throws(() => c.send(chunk), { instanceOf: socket.TimeoutError, message: 'timed out' })
  t.throws(() => c.sendall(Buffer.alloc(32 << 20)), {
    instanceOf: socket.TimeoutError,
    message: 'timed out',
  })
})

test('sendall: one deadline for the whole call against a slow reader', async (t) => {
  // The reader takes 16 KiB every 10 ms: each send makes progress well within
  // the timeout, so only a deadline over the whole call can expire.
  const peer = await startPeer(peers.slowReader, { chunk: 16384, every: 10 })
  using c = socket.socket()
  c.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
  c.connect(['127.0.0.1', peer.ready as number])
  c.settimeout(0.2)
  const big = Buffer.alloc(64 << 20)
  t.throws(() => c.sendall(big), { instanceOf: socket.TimeoutError, message: 'timed out' })
  c.close()
  const total = (await peer.result) as number
  t.true(total > 0, 'the reader got some of the data: progress was made before the deadline')
  t.true(total < big.length)
  await peer.stop()
})

test('sendall in blocking mode sends everything to an echo peer', async (t) => {
  const peer = await startPeer(peers.echo)
  using c = socket.create_connection(['127.0.0.1', peer.ready as number])
  const data = Buffer.alloc(1 << 16, 7)
  c.sendall(data)
  let got = 0
  while (got < data.length) got += c.recv(1 << 16).length
  t.is(got, data.length)
  await peer.stop()
})

test("accepted sockets take the module default timeout, not the listener's", (t) => {
  const [srv, port] = listener()
  using _srv = srv
  try {
    // Listener in timeout mode, default None: the accepted socket blocks.
    srv.settimeout(5)
    using c1 = socket.create_connection(['127.0.0.1', port])
    const [a1] = srv.accept()
    using _a1 = a1
    t.is(a1.gettimeout(), null)
    t.true(a1.getblocking())
    // Listener non-blocking, default None: blocking as well.
    srv.setblocking(false)
    using c2 = socket.create_connection(['127.0.0.1', port])
    let a2: socket.socket | undefined
    while (!a2) {
      try {
        a2 = srv.accept()[0]
      } catch (e) {
        if (!(e instanceof socket.BlockingIOError)) throw e
      }
    }
    using _a2 = a2
    t.is(a2.gettimeout(), null)
    // Default 0.25: the accepted socket has 0.25 whatever the listener has.
    socket.setdefaulttimeout(0.25)
    srv.settimeout(null)
    using c3 = socket.create_connection(['127.0.0.1', port])
    const [a3] = srv.accept()
    using _a3 = a3
    t.is(a3.gettimeout(), 0.25)
    ;(void c1, c2, c3)
  } finally {
    socket.setdefaulttimeout(null)
  }
  t.is(socket.getdefaulttimeout(), null)
})

test('accept timeout and non-blocking accept', (t) => {
  const [srv] = listener()
  using _srv = srv
  srv.settimeout(0.05)
  t.throws(() => srv.accept(), { instanceOf: socket.TimeoutError, message: 'timed out' })
  srv.setblocking(false)
  t.throws(() => srv.accept(), { instanceOf: socket.BlockingIOError })
})

test('connect_ex returns the errno; connect raises ConnectionRefusedError', (t) => {
  const port = deadPort()
  const { ECONNREFUSED, EISCONN } = require('node:os').constants.errno
  using a = socket.socket()
  t.is(a.connect_ex(['127.0.0.1', port]), ECONNREFUSED)
  using b = socket.socket()
  const e = t.throws(() => b.connect(['127.0.0.1', port]), {
    instanceOf: socket.ConnectionRefusedError,
  })
  t.is(e!.message, '[Errno 111] Connection refused')
  t.is(e!.errno, ECONNREFUSED)
  t.is(e!.strerror, 'Connection refused')
  t.is(e!.code, 'ECONNREFUSED')
  t.is(e!.syscall, 'connect')
  // In timeout mode the refusal comes from SO_ERROR.
  using c = socket.socket()
  c.settimeout(1)
  t.is(c.connect_ex(['127.0.0.1', port]), ECONNREFUSED)
  using d = socket.socket()
  d.settimeout(1)
  t.throws(() => d.connect(['127.0.0.1', port]), { instanceOf: socket.ConnectionRefusedError })
  // Success is 0; connecting again is EISCONN.
  const [srv, lport] = listener()
  using _srv = srv
  using ok = socket.socket()
  t.is(ok.connect_ex(['127.0.0.1', lport]), 0)
  t.is(ok.connect_ex(['127.0.0.1', lport]), EISCONN)
  // Non-blocking connect: EINPROGRESS (or at once 0 on loopback).
  using nb = socket.socket()
  nb.setblocking(false)
  const r = nb.connect_ex(['127.0.0.1', lport])
  t.true(r === 0 || r === require('node:os').constants.errno.EINPROGRESS)
})

test('listen backlog forms and shutdown', (t) => {
  using s = socket.socket()
  s.bind(['127.0.0.1', 0])
  s.listen(0)
  s.listen(-5)
  s.listen(5)
  s.listen()
  using idle = socket.socket()
  t.throws(() => idle.shutdown(socket.SHUT_RDWR), {
    instanceOf: socket.OSError,
    message: '[Errno 107] Transport endpoint is not connected',
  })
  const [c, conn] = tcpPair()
  using _c = c
  using _conn = conn
  c.shutdown(socket.SHUT_RDWR)
  t.is(conn.recv(1).length, 0)
  t.throws(() => c.send(Buffer.from('x')), { instanceOf: socket.BrokenPipeError })
  t.throws(() => c.shutdown(7), {
    instanceOf: socket.OSError,
    message: '[Errno 22] Invalid argument',
  })
})

test('bind errors: address in use, cannot assign, permission', (t) => {
  const [srv, port] = listener()
  using _srv = srv
  using s = socket.socket()
  t.throws(() => s.bind(['127.0.0.1', port]), {
    instanceOf: socket.OSError,
    message: '[Errno 98] Address already in use',
  })
  using s2 = socket.socket()
  t.throws(() => s2.bind(['127.0.0.1', 0, 0] as never), {
    instanceOf: TypeError,
    message: 'AF_INET address must be a pair (host, port)',
  })
  t.throws(() => s2.bind(['127.0.0.1', 70000]), {
    name: 'OverflowError',
    message: 'bind(): port must be 0-65535.',
  })
  t.throws(() => s2.connect(['127.0.0.1', -1]), {
    name: 'OverflowError',
    message: 'connect(): port must be 0-65535.',
  })
  s2.bind(['', 0])
  t.is((s2.getsockname() as [string, number])[0], '0.0.0.0')
  t.throws(() => s2.bind(['127.0.0.1', 0]), {
    instanceOf: socket.OSError,
    message: '[Errno 22] Invalid argument',
  })
})

test('<broadcast> and localhost resolve as CPython does', (t) => {
  using u = socket.socket(AF_INET, socket.SOCK_DGRAM)
  u.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
  t.is(u.getsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST), 1)
  u.connect(['<broadcast>', 9])
  t.deepEqual(u.getpeername(), ['255.255.255.255', 9])
  using l = socket.socket()
  l.bind(['localhost', 0])
  t.is((l.getsockname() as [string, number])[0], '127.0.0.1')
})

test('blocking connect to a listening peer, then EOF after the peer closes', async (t) => {
  const peer = await startPeer(peers.echo)
  using c = socket.socket()
  c.connect(['127.0.0.1', peer.ready as number])
  c.sendall(Buffer.from('ping'))
  t.is(c.recv(4).toString(), 'ping')
  await peer.stop()
  // The worker's sockets are closed with it.
  c.settimeout(1)
  let end: Buffer | undefined
  try {
    end = c.recv(4)
  } catch (e) {
    t.true(e instanceof socket.ConnectionResetError)
  }
  if (end) t.is(end.length, 0)
})

test('connect in timeout mode times out against a full accept queue; connect_ex gives EAGAIN', (t) => {
  // A listener with backlog 0 that never accepts: once its queue is full,
  // the kernel drops further SYNs and the connection cannot complete.
  const srv = socket.socket()
  srv.bind(['127.0.0.1', 0])
  srv.listen(0)
  const port = (srv.getsockname() as [string, number])[1]
  const clients: socket.socket[] = []
  let timedOut: unknown = null
  let code = -1
  try {
    for (let i = 0; i < 8 && timedOut === null; i++) {
      const c = socket.socket()
      clients.push(c)
      c.settimeout(0.05)
      try {
        c.connect(['127.0.0.1', port])
      } catch (e) {
        timedOut = e
        const d = socket.socket()
        clients.push(d)
        d.settimeout(0.05)
        code = d.connect_ex(['127.0.0.1', port])
      }
    }
  } finally {
    for (const c of clients) c.close()
    srv.close()
  }
  t.true(timedOut instanceof socket.TimeoutError, String(timedOut))
  t.is((timedOut as Error).message, 'timed out')
  t.is(code, require('node:os').constants.errno.EAGAIN)
})

// Node installs its signal handlers with SA_RESTART, so the kernel restarts
// the interrupted poll() itself here; the EINTR retry loop proper is tested
// in Rust (crates/core/tests/eintr.rs) with a handler without SA_RESTART.
test('signals during a timeout-mode recv do not interrupt it', async (t) => {
  const [srv, port] = listener()
  using _srv = srv
  const noop = () => {}
  process.on('SIGUSR2', noop)
  try {
    // The peer signals this process every 2 ms for 60 ms, then sends.
    const peer = await startPeer(
      `(data, ready, done) => {
        const net = require('node:net')
        const c = net.connect(data.port, '127.0.0.1', () => {
          ready(null)
          const tick = setInterval(() => process.kill(process.pid, 'SIGUSR2'), 2)
          setTimeout(() => { clearInterval(tick); c.end('after signals', () => done(true)) }, 60)
        })
      }`,
      { port },
    )
    const [conn] = srv.accept()
    using _conn = conn
    conn.settimeout(1.5)
    t.is(conn.recv(100).toString(), 'after signals')
    await peer.result
    await peer.stop()
  } finally {
    process.off('SIGUSR2', noop)
  }
})

test('recv_into and recvfrom_into write only inside the view they are given', (t) => {
  const [c, conn] = tcpPair()
  using _c = c
  using _conn = conn
  c.sendall(Buffer.alloc(64, 0x11))
  const backing = Buffer.alloc(32, 0xaa)
  const view = backing.subarray(4, 8)
  t.is(conn.recv_into(view), 4)
  t.deepEqual([...backing.subarray(0, 4)], [0xaa, 0xaa, 0xaa, 0xaa])
  t.deepEqual([...backing.subarray(4, 8)], [0x11, 0x11, 0x11, 0x11])
  t.true(backing.subarray(8).every((b) => b === 0xaa))
  // Other views: Uint16Array, DataView, ArrayBuffer; nbytes bounds the write.
  const wide = new Uint16Array(backing.buffer, backing.byteOffset + 8, 2)
  t.is(conn.recv_into(wide), 4)
  t.is(wide[0], 0x1111)
  const dv = new DataView(backing.buffer, backing.byteOffset + 12, 4)
  const [n] = conn.recvfrom_into(dv, 2)
  t.is(n, 2)
  t.is(backing[14], 0xaa)
  const ab = new ArrayBuffer(8)
  t.is(conn.recv_into(ab, 3), 3)
  t.deepEqual([...new Uint8Array(ab)], [0x11, 0x11, 0x11, 0, 0, 0, 0, 0])
  t.is(conn.recv_into(Buffer.alloc(0)), 0)
  t.true(backing.subarray(16).every((b) => b === 0xaa))
})

test('flags: MSG_PEEK keeps the data, MSG_DONTWAIT does not block a blocking socket', (t) => {
  const [c, conn] = tcpPair()
  using _c = c
  using _conn = conn
  c.send(Buffer.from('peek'), 0)
  t.is(conn.recv(4, socket.MSG_PEEK).toString(), 'peek')
  const [peeked] = conn.recvfrom(4, socket.MSG_PEEK)
  t.is(peeked.toString(), 'peek')
  t.is(conn.recv(4).toString(), 'peek')
  t.is(conn.gettimeout(), null)
  t.throws(() => conn.recv(4, socket.MSG_DONTWAIT), { instanceOf: socket.BlockingIOError })
  t.throws(() => conn.recv_into(Buffer.alloc(4), 0, socket.MSG_DONTWAIT), {
    instanceOf: socket.BlockingIOError,
  })
  // A peer gone: sending fails with EPIPE or ECONNRESET, never a signal.
  conn.close()
  let failed: unknown = null
  try {
    for (let i = 0; i < 100; i++) c.sendall(Buffer.alloc(65536))
  } catch (e) {
    failed = e
  }
  t.true(
    failed instanceof socket.BrokenPipeError || failed instanceof socket.ConnectionResetError,
    String(failed),
  )
})

test('pysocket also works inside a Worker: a blocking echo peer written with pysocket', async (t) => {
  const peer = await startPeer(
    `(data, ready, done) => {
      const socket = require(data.index)
      const srv = socket.create_server(['127.0.0.1', 0])
      ready(srv.getsockname()[1])
      const [conn] = srv.accept()
      const got = conn.recv(100)
      conn.sendall(Buffer.concat([Buffer.from('echo:'), got]))
      conn.close()
      srv.close()
      done(got.toString())
    }`,
    { index: require.resolve('../index') },
  )
  using c = socket.create_connection(['127.0.0.1', peer.ready as number], 2)
  c.sendall(Buffer.from('hi'))
  t.is(c.recv(100).toString(), 'echo:hi')
  t.is(await peer.result, 'hi')
  await peer.stop()
})
