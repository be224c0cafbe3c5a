// The socket object itself: construction, fd adoption, flags, inheritance,
// options, repr, dup/detach/close, Symbol.dispose and the ResourceWarning of
// sockets collected while open.
import { closeSync, openSync } from 'node:fs'
import { constants as osConstants } from 'node:os'

import test from 'ava'

import * as socket from '../index'
import { checkFdLeaks, openFds } from './helpers/fds'
import { runPython } from './helpers/pydiff'

checkFdLeaks(test)

const { AF_INET, AF_INET6, AF_UNIX, SOCK_STREAM, SOCK_DGRAM, SOL_SOCKET } = socket

test('callable with or without new, positional or options object', (t) => {
  using a = socket.socket()
  using b = new socket.socket(AF_INET, SOCK_DGRAM)
  using c = socket.socket({ family: AF_UNIX, type: SOCK_DGRAM })
  using d = new socket.socket(AF_INET6, { type: SOCK_STREAM, proto: 0 })
  t.deepEqual([a.family, a.type, a.proto], [AF_INET, SOCK_STREAM, 0])
  t.deepEqual([b.family, b.type], [AF_INET, SOCK_DGRAM])
  t.deepEqual([c.family, c.type], [AF_UNIX, SOCK_DGRAM])
  t.deepEqual([d.family, d.type], [AF_INET6, SOCK_STREAM])
  t.true(a instanceof socket.socket)
  t.true(b instanceof socket.SocketType)
  // @ts-expect-error five arguments: Python's TypeError, not a signature
  t.throws(() => socket.socket(AF_INET, SOCK_STREAM, 0, null, { family: 1 }), {
    instanceOf: TypeError,
  })
  t.throws(() => socket.socket(AF_INET, { family: AF_INET } as never), {
    instanceOf: TypeError,
    message: "socket.__init__() got multiple values for argument 'family'",
  })
  t.throws(() => socket.socket(12345), {
    instanceOf: socket.OSError,
    message: '[Errno 97] Address family not supported by protocol',
  })
})

test('read-only family, type, proto, timeout', (t) => {
  using s = socket.socket(AF_INET, SOCK_DGRAM)
  t.throws(
    () => {
      ;(s as unknown as { family: number }).family = 1
    },
    { instanceOf: TypeError },
  )
  t.throws(
    () => {
      ;(s as unknown as { timeout: number }).timeout = 1
    },
    { instanceOf: TypeError },
  )
  t.is(s.timeout, null)
  t.is(s.proto, 0)
})

test('SOCK_NONBLOCK and SOCK_CLOEXEC are applied but cleared from .type', (t) => {
  using s = socket.socket(AF_INET, SOCK_STREAM | socket.SOCK_NONBLOCK | socket.SOCK_CLOEXEC)
  t.is(s.type, SOCK_STREAM)
  t.is(s.gettimeout(), 0)
  t.false(s.getblocking())
  t.throws(() => s.accept(), { instanceOf: socket.OSError })
  t.false(s.get_inheritable())
})

test('new sockets are non-inheritable', (t) => {
  using s = socket.socket()
  t.false(s.get_inheritable())
  const [a, b] = socket.socketpair()
  using _a = a
  using _b = b
  t.false(a.get_inheritable())
  using d = b.dup()
  t.false(d.get_inheritable())
})

test('fileno adopts an fd and detects family, type and proto', (t) => {
  const tcp = socket.socket(AF_INET, SOCK_STREAM)
  tcp.bind(['127.0.0.1', 0])
  const fd = tcp.detach()
  t.is(tcp.fileno(), -1)
  using adopted = socket.socket({ fileno: fd })
  t.is(adopted.fileno(), fd)
  t.is(adopted.family, AF_INET)
  t.is(adopted.type, SOCK_STREAM)
  t.is(adopted.proto, socket.IPPROTO_TCP)
  t.deepEqual((adopted.getsockname() as unknown[])[0], '127.0.0.1')
  const udp6 = socket.socket(AF_INET6, SOCK_DGRAM)
  using again = socket.socket(undefined, undefined, undefined, udp6.detach())
  t.deepEqual([again.family, again.type, again.proto], [AF_INET6, SOCK_DGRAM, socket.IPPROTO_UDP])
  const [u1, u2] = socket.socketpair(AF_UNIX, SOCK_DGRAM)
  using _u2 = u2
  using u = socket.socket({ fileno: u1.detach() })
  t.deepEqual([u.family, u.type, u.proto], [AF_UNIX, SOCK_DGRAM, 0])
  // A file that is not a socket; an fd that is not open.
  const file = openSync('/dev/null', 'r')
  try {
    t.throws(() => socket.socket({ fileno: file }), {
      instanceOf: socket.OSError,
      message: '[Errno 88] Socket operation on non-socket',
    })
  } finally {
    closeSync(file)
  }
  t.throws(() => socket.socket({ fileno: 1 << 20 }), {
    instanceOf: socket.OSError,
    message: '[Errno 9] Bad file descriptor',
  })
  t.throws(() => socket.socket({ fileno: -1 }), {
    name: 'ValueError',
    message: 'negative file descriptor',
  })
})

test('getsockopt and setsockopt, every form', (t) => {
  using s = socket.socket()
  s.setsockopt(SOL_SOCKET, socket.SO_REUSEADDR, 1)
  t.is(s.getsockopt(SOL_SOCKET, socket.SO_REUSEADDR), 1)
  s.setsockopt(SOL_SOCKET, socket.SO_REUSEADDR, false)
  t.is(s.getsockopt(SOL_SOCKET, socket.SO_REUSEADDR), 0)
  s.setsockopt(SOL_SOCKET, socket.SO_REUSEADDR, true)
  t.is(s.getsockopt(SOL_SOCKET, socket.SO_REUSEADDR), 1)
  // bytes-like values.
  const four = Buffer.alloc(4)
  four.writeInt32LE(0)
  s.setsockopt(SOL_SOCKET, socket.SO_REUSEADDR, four)
  t.is(s.getsockopt(SOL_SOCKET, socket.SO_REUSEADDR), 0)
  s.setsockopt(SOL_SOCKET, socket.SO_REUSEADDR, new Uint32Array([1]))
  t.is(s.getsockopt(SOL_SOCKET, socket.SO_REUSEADDR), 1)
  // buflen form: the raw bytes as a Buffer.
  const raw = s.getsockopt(SOL_SOCKET, socket.SO_REUSEADDR, 4) as Buffer
  t.true(Buffer.isBuffer(raw))
  t.is(raw.readInt32LE(0), 1)
  const linger = Buffer.alloc(8)
  linger.writeInt32LE(1, 0)
  linger.writeInt32LE(5, 4)
  s.setsockopt(SOL_SOCKET, socket.SO_LINGER, linger)
  t.deepEqual(s.getsockopt(SOL_SOCKET, socket.SO_LINGER, 8), linger)
  t.is((s.getsockopt(SOL_SOCKET, socket.SO_LINGER, 1024) as Buffer).length, 8)
  t.throws(() => s.getsockopt(SOL_SOCKET, socket.SO_LINGER, 1025), {
    instanceOf: socket.OSError,
    message: 'getsockopt buflen out of range',
  })
  t.throws(() => s.getsockopt(SOL_SOCKET, socket.SO_LINGER, -1), {
    instanceOf: socket.OSError,
    message: 'getsockopt buflen out of range',
  })
  // None + optlen: a NULL value.
  t.throws(() => s.setsockopt(SOL_SOCKET, socket.SO_REUSEADDR, null, 4), {
    instanceOf: socket.OSError,
    message: '[Errno 14] Bad address',
  })
  t.throws(() => s.setsockopt(SOL_SOCKET, 99999, 1), {
    instanceOf: socket.OSError,
    message: '[Errno 92] Protocol not available',
  })
  t.throws(() => s.getsockopt(SOL_SOCKET, 99999), {
    instanceOf: socket.OSError,
    message: '[Errno 92] Protocol not available',
  })
  t.throws(() => s.setsockopt(SOL_SOCKET, socket.SO_REUSEADDR, 'x' as never), {
    instanceOf: TypeError,
    message: "a bytes-like object is required, not 'str'",
  })
})

test('dup, detach, close are idempotent where Python is; fromfd and close(fd)', (t) => {
  const s = socket.socket(AF_INET, SOCK_DGRAM)
  s.settimeout(0.5)
  const d = s.dup()
  t.not(d.fileno(), s.fileno())
  t.is(d.gettimeout(), 0.5)
  t.deepEqual([d.family, d.type, d.proto], [s.family, s.type, s.proto])
  t.false(d.get_inheritable())
  d.close()
  d.close()
  t.is(d.fileno(), -1)
  const f = socket.fromfd(s.fileno(), AF_INET, SOCK_DGRAM)
  t.not(f.fileno(), s.fileno())
  t.is(f.family, AF_INET)
  f.close()
  const raw = s.detach()
  t.is(s.fileno(), -1)
  t.is(s.detach(), -1)
  s.close()
  socket.close(raw)
  t.throws(() => socket.close(raw), {
    instanceOf: socket.OSError,
    message: '[Errno 9] Bad file descriptor',
  })
  t.throws(() => s.dup(), { instanceOf: socket.OSError, message: '[Errno 9] Bad file descriptor' })
  t.throws(() => socket.fromfd(raw, AF_INET, SOCK_DGRAM), { instanceOf: socket.OSError })
})

test('Symbol.dispose closes', (t) => {
  let fd: number
  let kept: socket.socket
  {
    using s = socket.socket()
    fd = s.fileno()
    kept = s
  }
  t.is(kept.fileno(), -1)
  t.true(fd >= 0)
  t.throws(() => kept.getsockname(), {
    instanceOf: socket.OSError,
    message: '[Errno 9] Bad file descriptor',
  })
})

/** Python's repr with the fd and ports taken out, for comparison. */
function shape(repr: string): string {
  return repr
    .replace(/fd=\d+/, 'fd=N')
    .replace(/, \d+(\)|, )/g, ', P$1')
    .replace(/\\x00[0-9a-f]{5}/, 'AUTO')
}

test("String(s) and util.inspect(s) are CPython's repr", (t) => {
  const py = runPython([
    {
      py: `
a = socket.socket()
r0 = repr(a)
a.bind(('127.0.0.1', 0)); a.listen()
r1 = repr(a)
c = socket.create_connection(a.getsockname())
r2 = repr(c)
c.close()
r3 = repr(c)
u = socket.socket(AF_UNIX, SOCK_DGRAM); u.bind('')
r4 = repr(u)
v = socket.socket(AF_INET6, SOCK_DGRAM); v.bind(('::1', 0))
r5 = repr(v)
p, q = socket.socketpair()
r6 = repr(p)
result = [r0, r1, r2, r3, r4, r5, r6]
`,
    },
  ])[0] as { ok: string[] }
  const { inspect } = require('node:util') as typeof import('node:util')
  const a = socket.socket()
  const r0 = String(a)
  a.bind(['127.0.0.1', 0])
  a.listen()
  const r1 = inspect(a)
  const c = socket.create_connection(a.getsockname() as [string, number])
  const r2 = `${c}`
  c.close()
  const r3 = String(c)
  using u = socket.socket(AF_UNIX, SOCK_DGRAM)
  u.bind('')
  const r4 = String(u)
  using v = socket.socket(AF_INET6, SOCK_DGRAM)
  v.bind(['::1', 0])
  const r5 = String(v)
  const [p, q] = socket.socketpair()
  const r6 = String(p)
  p.close()
  q.close()
  a.close()
  t.deepEqual([r0, r1, r2, r3, r4, r5, r6].map(shape), py.ok.map(shape))
  t.is(
    r0,
    `<socket.socket fd=${a.fileno() === -1 ? r0.match(/fd=(\d+)/)![1] : a.fileno()}, family=2, type=1, proto=0, laddr=('0.0.0.0', 0)>`,
  )
  t.is(r3, '<socket.socket [closed] fd=-1, family=2, type=1, proto=6>')
})

test.serial(
  'a socket collected while open closes its fd and warns with ResourceWarning',
  async (t) => {
    if (typeof global.gc !== 'function') {
      t.fail('ava runs with --expose-gc (package.json)')
      return
    }
    const warnings: Error[] = []
    const onWarning = (w: Error) => warnings.push(w)
    process.on('warning', onWarning)
    let fd = -1
    let repr = ''
    ;(() => {
      const s = socket.socket(AF_INET, SOCK_DGRAM)
      s.bind(['127.0.0.1', 0])
      fd = s.fileno()
      repr = String(s)
    })()
    const before = openFds()
    try {
      for (let i = 0; i < 100 && warnings.length === 0; i++) {
        global.gc()
        await new Promise((r) => setTimeout(r, 10))
      }
    } finally {
      process.off('warning', onWarning)
    }
    t.is(warnings.length, 1)
    t.is(warnings[0].name, 'ResourceWarning')
    t.true(warnings[0].message.startsWith('unclosed <socket.socket fd=' + fd), warnings[0].message)
    t.is(warnings[0].message, `unclosed ${repr}`)
    t.is(openFds(), before - 1)
    // The fd is really closed: adopting it fails (unless reused meanwhile).
    const e = t.throws(() => socket.socket({ fileno: fd }))
    t.true(e instanceof socket.OSError)
    void osConstants
  },
)

test.serial('a closed socket is not warned about when collected', async (t) => {
  const warnings: Error[] = []
  const onWarning = (w: Error) => warnings.push(w)
  process.on('warning', onWarning)
  ;(() => {
    socket.socket().close()
    socket.close(socket.socket().detach())
  })()
  for (let i = 0; i < 10; i++) {
    global.gc!()
    await new Promise((r) => setTimeout(r, 5))
  }
  process.off('warning', onWarning)
  t.deepEqual(warnings, [])
})
