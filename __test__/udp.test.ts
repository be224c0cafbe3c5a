// UDP over 127.0.0.1 and ::1: sendto both signatures, recvfrom, connected
// datagram sockets, modes, a peer that sends later.
import test from 'ava'

import * as socket from '../index'
import { checkFdLeaks } from './helpers/fds'
import { peers, startPeer } from './helpers/peer'

checkFdLeaks(test)

const { AF_INET, AF_INET6, SOCK_DGRAM } = socket

for (const [name, family, host] of [
  ['UDP', AF_INET, '127.0.0.1'],
  ['UDPv6', AF_INET6, '::1'],
] as const) {
  test(`${name}: sendto, recvfrom, recvfrom_into, connected send/recv`, (t) => {
    using a = socket.socket(family, SOCK_DGRAM)
    using b = socket.socket(family, SOCK_DGRAM)
    a.bind([host, 0])
    b.bind([host, 0])
    const aAddr = a.getsockname()
    const bAddr = b.getsockname()
    t.is(aAddr[0], host)
    if (family === AF_INET6) t.deepEqual(aAddr.slice(2), [0, 0])
    t.is(b.sendto(Buffer.from('one'), aAddr), 3)
    t.is(b.sendto(Buffer.from('two'), 0, [host, aAddr[1]]), 3)
    const [d1, from1] = a.recvfrom(100)
    t.is(d1.toString(), 'one')
    t.deepEqual(from1, bAddr)
    const buf = new Uint8Array(2)
    const [n, from2] = a.recvfrom_into(buf)
    // The datagram is truncated to the buffer.
    t.is(n, 2)
    t.is(Buffer.from(buf).toString(), 'tw')
    t.deepEqual(from2, bAddr)
    // Connected datagram sockets: send/recv, getpeername.
    b.connect(aAddr)
    t.deepEqual(b.getpeername(), aAddr)
    t.is(b.send(Buffer.from('three')), 5)
    const into = Buffer.alloc(10)
    t.is(a.recv_into(into, 5), 5)
    t.is(into.subarray(0, 5).toString(), 'three')
    // Empty datagrams exist.
    b.send(Buffer.alloc(0))
    t.is(a.recv(10).length, 0)
    // Modes.
    a.setblocking(false)
    t.throws(() => a.recvfrom(10), {
      instanceOf: socket.BlockingIOError,
      message: '[Errno 11] Resource temporarily unavailable',
    })
    a.settimeout(0.05)
    t.throws(() => a.recvfrom(10), { instanceOf: socket.TimeoutError, message: 'timed out' })
    t.throws(() => a.recv(-1), { name: 'ValueError', message: 'negative buffersize in recv' })
    t.throws(() => a.recvfrom(-1), {
      name: 'ValueError',
      message: 'negative buffersize in recvfrom',
    })
    t.throws(() => a.recv_into(Buffer.alloc(2), 3), {
      name: 'ValueError',
      message: 'buffer too small for requested bytes',
    })
    t.throws(() => a.recvfrom_into(Buffer.alloc(2), 3), {
      name: 'ValueError',
      message: 'nbytes is greater than the length of the buffer',
    })
    t.throws(() => (a.sendto as (...x: unknown[]) => number)(Buffer.from('x')), {
      instanceOf: TypeError,
      message: 'sendto() takes 2 or 3 arguments (1 given)',
    })
    t.throws(() => (a.sendto as (...x: unknown[]) => number)(Buffer.from('x'), 0, aAddr, 1), {
      instanceOf: TypeError,
      message: 'sendto() takes 2 or 3 arguments (4 given)',
    })
    // ECONNREFUSED surfaces on the next call of a connected socket whose peer is gone.
    const gone = socket.socket(family, SOCK_DGRAM)
    gone.bind([host, 0])
    const goneAddr = gone.getsockname()
    gone.close()
    using c = socket.socket(family, SOCK_DGRAM)
    c.connect(goneAddr)
    c.send(Buffer.from('x'))
    c.settimeout(0.2)
    t.throws(() => c.recv(1), {
      instanceOf: socket.ConnectionRefusedError,
      message: '[Errno 111] Connection refused',
    })
  })

  test(`${name}: blocking recvfrom waits for a Worker peer`, async (t) => {
    using a = socket.socket(family, SOCK_DGRAM)
    a.bind([host, 0])
    const port = (a.getsockname() as unknown[])[1]
    const peer = await startPeer(peers.delayedDatagram, {
      port,
      host,
      type: family === AF_INET ? 'udp4' : 'udp6',
      delay: 30,
      text: 'late',
    })
    const [data, from] = a.recvfrom(10)
    t.is(data.toString(), 'late')
    t.is((from as unknown[])[0], host)
    await peer.result
    await peer.stop()
  })
}

test('UDPv6: flowinfo must be 0-1048575; scope ids pass through', (t) => {
  using s = socket.socket(AF_INET6, SOCK_DGRAM)
  t.throws(() => s.bind(['::1', 0, 1 << 20]), {
    name: 'OverflowError',
    message: 'bind(): flowinfo must be 0-1048575.',
  })
  t.throws(() => s.bind(['::1', 0, 0, 0, 0] as never), {
    instanceOf: TypeError,
    message: 'AF_INET6 address must be a tuple (host, port[, flowinfo[, scopeid]])',
  })
  s.bind(['::1', 0, 0, 0])
  t.is((s.getsockname() as unknown[]).length, 4)
  using v4 = socket.socket(AF_INET, SOCK_DGRAM)
  t.throws(() => v4.bind(['::1', 0]), {
    instanceOf: socket.gaierror,
    message: '[Errno -9] Address family for hostname not supported',
  })
})
