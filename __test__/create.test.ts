// Module helpers: create_connection (timeout, source_address, all_errors),
// create_server (family, backlog, reuse_port, dualstack_ipv6), has_ipv6,
// has_dualstack_ipv6, getdefaulttimeout/setdefaulttimeout.
import { constants as osConstants } from 'node:os'

import test from 'ava'

import * as socket from '../index'
import { checkFdLeaks } from './helpers/fds'
import { runPython } from './helpers/pydiff'

checkFdLeaks(test)

const { AF_INET, AF_INET6, SOCK_STREAM, SOL_SOCKET } = socket

function deadPort(): number {
  const s = socket.socket()
  s.bind(['127.0.0.1', 0])
  const port = (s.getsockname() as [string, number])[1]
  s.close()
  return port
}

test('create_connection: timeout, default timeout, source_address', (t) => {
  using srv = socket.create_server(['127.0.0.1', 0])
  const port = (srv.getsockname() as [string, number])[1]
  using c1 = socket.create_connection(['127.0.0.1', port])
  t.is(c1.gettimeout(), null)
  t.deepEqual(c1.getpeername(), ['127.0.0.1', port])
  using c2 = socket.create_connection(['127.0.0.1', port], 0.5)
  t.is(c2.gettimeout(), 0.5)
  using c3 = socket.create_connection(['127.0.0.1', port], null)
  t.is(c3.gettimeout(), null)
  socket.setdefaulttimeout(0.25)
  try {
    using c4 = socket.create_connection(['127.0.0.1', port])
    t.is(c4.gettimeout(), 0.25)
  } finally {
    socket.setdefaulttimeout(null)
  }
  const src = deadPort()
  using c5 = socket.create_connection(['127.0.0.1', port], 1, ['127.0.0.1', src])
  t.deepEqual(c5.getsockname(), ['127.0.0.1', src])
  using c6 = socket.create_connection(['localhost', String(port)] as never, {
    source_address: ['127.0.0.1', 0],
  })
  t.is((c6.getsockname() as [string, number])[0], '127.0.0.1')
  for (let i = 0; i < 6; i++) srv.accept()[0].close()
  t.throws(() => socket.create_connection(['127.0.0.1', port], -1), {
    name: 'ValueError',
    message: 'Timeout value out of range',
  })
  t.throws(() => socket.create_connection(['127.0.0.1', port], 1, ['127.0.0.1', 70000]), {
    name: 'OverflowError',
    message: 'bind(): port must be 0-65535.',
  })
})

test('create_connection errors: the last error, or an AggregateError with all_errors', (t) => {
  const port = deadPort()
  const e = t.throws(() => socket.create_connection(['127.0.0.1', port]), {
    instanceOf: socket.ConnectionRefusedError,
    message: '[Errno 111] Connection refused',
  })
  t.is(e!.errno, osConstants.errno.ECONNREFUSED)
  // Python raises ExceptionGroup('create_connection failed', [...]); JS has
  // AggregateError with the same message and list.
  const agg = t.throws(() => socket.create_connection(['127.0.0.1', port], { all_errors: true }), {
    instanceOf: AggregateError,
  }) as AggregateError
  t.is(agg.message, 'create_connection failed')
  t.is(agg.errors.length, 1)
  t.true(agg.errors[0] instanceof socket.ConnectionRefusedError)
  t.is(agg.errors[0].message, '[Errno 111] Connection refused')
  // The same with python3.
  const [py] = runPython([
    {
      py: `socket.create_connection(('127.0.0.1', ${port}), all_errors=True)`,
    },
  ])
  t.like(py, {
    exc: 'ExceptionGroup',
    group: [['ConnectionRefusedError', '[Errno 111] Connection refused']],
  })
  // localhost may resolve to more than one address: one error per address.
  const agg2 = t.throws(
    () => socket.create_connection(['localhost', port], 1, null, { all_errors: true }),
    {
      instanceOf: AggregateError,
    },
  ) as AggregateError
  t.true(agg2.errors.length >= 1)
  for (const x of agg2.errors) t.true(x instanceof socket.OSError)
  t.throws(() => socket.create_connection(['127.0.0.1', port], { bogus: 1 } as never), {
    instanceOf: TypeError,
    message: "create_connection() got an unexpected keyword argument 'bogus'",
  })
})

test('create_server: defaults, backlog, reuse_port, family', (t) => {
  using s = socket.create_server(['127.0.0.1', 0])
  t.is(s.family, AF_INET)
  t.is(s.type, SOCK_STREAM)
  t.is(s.getsockopt(SOL_SOCKET, socket.SO_REUSEADDR), 1)
  t.is(s.getsockopt(SOL_SOCKET, socket.SO_ACCEPTCONN), 1)
  using r = socket.create_server(['127.0.0.1', 0], { reuse_port: true, backlog: 3 })
  t.is(r.getsockopt(SOL_SOCKET, socket.SO_REUSEPORT), 1)
  const port = (r.getsockname() as [string, number])[1]
  using r2 = socket.create_server(['127.0.0.1', port], { reuse_port: true })
  t.deepEqual(r2.getsockname(), ['127.0.0.1', port])
  using s6 = socket.create_server(['::1', 0], { family: AF_INET6 })
  t.is(s6.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY), 1)
  t.is((s6.getsockname() as unknown[])[0], '::1')
})

test('create_server: the bind error names the address', (t) => {
  using s = socket.create_server(['127.0.0.1', 0])
  const addr = s.getsockname() as [string, number]
  const e = t.throws(() => socket.create_server(addr), { instanceOf: socket.OSError })
  t.is(
    e!.message,
    `[Errno 98] Address already in use (while attempting to bind on address ('127.0.0.1', ${addr[1]}))`,
  )
  t.is(e!.errno, osConstants.errno.EADDRINUSE)
  const [py] = runPython([
    {
      py: `s = socket.create_server(('127.0.0.1', 0))\ntry:\n    socket.create_server(s.getsockname())\nfinally:\n    s.close()`,
    },
  ])
  t.is((py as { exc: string }).exc, e!.name)
  t.is(
    (py as { msg: string }).msg.replace(/\d+\)\)$/, 'P))'),
    e!.message.replace(/\d+\)\)$/, 'P))'),
  )
})

test('create_server: dualstack_ipv6 accepts IPv4 and IPv6', (t) => {
  t.true(socket.has_ipv6)
  t.is(socket.has_dualstack_ipv6(), true)
  t.throws(() => socket.create_server(['127.0.0.1', 0], { dualstack_ipv6: true }), {
    name: 'ValueError',
    message: 'dualstack_ipv6 requires AF_INET6 family',
  })
  using s = socket.create_server(['', 0], { family: AF_INET6, dualstack_ipv6: true })
  t.is(s.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY), 0)
  const port = (s.getsockname() as unknown[])[1] as number
  using c4 = socket.create_connection(['127.0.0.1', port])
  using c6 = socket.create_connection(['::1', port])
  const [a] = s.accept()
  const [b] = s.accept()
  using _a = a
  using _b = b
  const peers = [a.getpeername(), b.getpeername()].map((p) => (p as unknown[])[0]).sort()
  t.deepEqual(peers, ['::1', '::ffff:127.0.0.1'])
  ;(void c4, c6)
})

test('getdefaulttimeout/setdefaulttimeout apply to new sockets', (t) => {
  t.is(socket.getdefaulttimeout(), null)
  socket.setdefaulttimeout(1.5)
  try {
    t.is(socket.getdefaulttimeout(), 1.5)
    using s = socket.socket()
    t.is(s.gettimeout(), 1.5)
    socket.setdefaulttimeout(0)
    using n = socket.socket()
    t.is(n.gettimeout(), 0)
    t.false(n.getblocking())
    t.throws(() => socket.setdefaulttimeout(-1), {
      name: 'ValueError',
      message: 'Timeout value out of range',
    })
    t.throws(() => socket.setdefaulttimeout('1' as never), { instanceOf: TypeError })
    t.is(socket.getdefaulttimeout(), 0)
  } finally {
    socket.setdefaulttimeout(null)
  }
  using b = socket.socket()
  t.is(b.gettimeout(), null)
})
