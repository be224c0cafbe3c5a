// IPPROTO_UDPLITE, IPPROTO_MPTCP and AF_UNIX SOCK_SEQPACKET / SOCK_DGRAM:
// exchanges over loopback with their options set and read back.
import { randomBytes } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import test from 'ava'

import * as socket from '../index'
import { checkFdLeaks } from './helpers/fds'

checkFdLeaks(test)

function available(family: number, type: number, proto: number): string | null {
  try {
    socket.socket(family, type, proto).close()
    return null
  } catch (e) {
    return (e as Error).message
  }
}

for (const [family, host] of [
  [socket.AF_INET, '127.0.0.1'],
  [socket.AF_INET6, '::1'],
] as const) {
  const why = available(family, socket.SOCK_DGRAM, socket.IPPROTO_UDPLITE)
  ;(why === null ? test : test.skip)(
    `UDP-Lite over ${host}: checksum coverage set, read back, datagrams exchanged${why ? ` (skipped: ${why})` : ''}`,
    (t) => {
      using a = socket.socket(family, socket.SOCK_DGRAM, socket.IPPROTO_UDPLITE)
      using b = socket.socket(family, socket.SOCK_DGRAM, socket.IPPROTO_UDPLITE)
      a.settimeout(5)
      t.is(a.proto, socket.IPPROTO_UDPLITE)
      t.is(a.getsockopt(socket.SOL_SOCKET, socket.SO_PROTOCOL), socket.IPPROTO_UDPLITE)
      b.setsockopt(socket.IPPROTO_UDPLITE, socket.UDPLITE_SEND_CSCOV, 16)
      a.setsockopt(socket.IPPROTO_UDPLITE, socket.UDPLITE_RECV_CSCOV, 8)
      t.is(b.getsockopt(socket.IPPROTO_UDPLITE, socket.UDPLITE_SEND_CSCOV), 16)
      t.is(a.getsockopt(socket.IPPROTO_UDPLITE, socket.UDPLITE_RECV_CSCOV), 8)
      a.bind([host, 0])
      b.bind([host, 0])
      const msg = randomBytes(100)
      b.sendto(msg, a.getsockname())
      const [got, from] = a.recvfrom(1024)
      t.deepEqual(got, msg)
      t.deepEqual(from, b.getsockname())
    },
  )
}

const mwhy = available(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_MPTCP)
;(mwhy === null ? test : test.skip)(
  `MPTCP over loopback: a stream exchange with options set and read back${mwhy ? ` (skipped: ${mwhy})` : ''}`,
  (t) => {
    using srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_MPTCP)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    t.is(srv.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR), 1)
    srv.bind(['127.0.0.1', 0])
    srv.listen()
    using c = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_MPTCP)
    c.settimeout(5)
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    t.is(c.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY), 1)
    c.connect(srv.getsockname())
    const [conn, peer] = srv.accept()
    using _conn = conn
    t.deepEqual(peer, c.getsockname())
    t.is(conn.proto, socket.IPPROTO_MPTCP)
    t.is(c.getsockopt(socket.SOL_SOCKET, socket.SO_PROTOCOL), socket.IPPROTO_MPTCP)
    const msg = randomBytes(4096)
    c.sendall(msg)
    conn.settimeout(5)
    const parts: Buffer[] = []
    let n = 0
    while (n < msg.length) {
      const part = conn.recv(msg.length - n)
      parts.push(part)
      n += part.length
    }
    t.deepEqual(Buffer.concat(parts), msg)
    // MPTCP_INFO: the MPTCP-level state (bytes only where the kernel fills it).
    const info = c.getsockopt(socket.SOL_MPTCP, socket.MPTCP_INFO, 64)
    t.true(Buffer.isBuffer(info))
  },
)

test('AF_UNIX SOCK_SEQPACKET keeps message boundaries, named and abstract', (t) => {
  const path = join(tmpdir(), `pysocket-seq-${process.pid}-${Date.now()}`)
  using srv = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
  srv.bind(path)
  srv.listen()
  t.is(srv.getsockname(), path)
  using c = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
  c.settimeout(5)
  c.connect(path)
  const [conn] = srv.accept()
  using _conn = conn
  t.is(c.getpeername(), path)
  c.send(Buffer.from('one'))
  c.send(Buffer.from('two!'))
  conn.settimeout(5)
  t.is(conn.recv(100).toString(), 'one')
  t.is(conn.recv(100).toString(), 'two!')
  // A short read of a record drops the rest of it (MSG_TRUNC semantics).
  c.send(Buffer.from('abcdef'))
  c.send(Buffer.from('next'))
  t.is(conn.recv(2).toString(), 'ab')
  t.is(conn.recv(100).toString(), 'next')
  require('node:fs').unlinkSync(path)

  const name = Buffer.concat([Buffer.from([0]), randomBytes(8)])
  using abs = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
  abs.bind(name)
  t.deepEqual(abs.getsockname(), name)
})

test('AF_UNIX SOCK_DGRAM: datagrams with the sender address, from unbound senders too', (t) => {
  const name = Buffer.concat([Buffer.from([0]), randomBytes(8)])
  using rx = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
  rx.settimeout(5)
  rx.bind(name)
  using named = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
  const sender = Buffer.concat([Buffer.from([0]), randomBytes(8)])
  named.bind(sender)
  named.sendto(Buffer.from('hi'), name)
  const [data, from] = rx.recvfrom(16)
  t.is(data.toString(), 'hi')
  t.deepEqual(from, sender)
  using anon = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
  anon.sendto(Buffer.from('anon'), name)
  const [d2, f2] = rx.recvfrom(16)
  t.is(d2.toString(), 'anon')
  // An unbound sender has no address at all (addrlen 0): None in python3.
  t.is(f2, null)
  const [x, y] = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
  using _x = x
  using _y = y
  x.send(Buffer.from('a'))
  x.send(Buffer.from('bc'))
  t.is(y.recv(10).toString(), 'a')
  t.is(y.recv(10).toString(), 'bc')
})
