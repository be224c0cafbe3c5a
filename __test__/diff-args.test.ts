// Differential table: bad (and some good) arguments of many types for every
// method and module function, run in python3 and in pysocket; same result or
// same exception class and message.

import test from 'ava'

import * as socket from '../index'
import { checkFdLeaks } from './helpers/fds'
import { inScratchDir } from './helpers/scratch'
import { Case, differential, methodCase, moduleCase } from './helpers/pydiff'

checkFdLeaks(test)

// AF_UNIX cases may create socket files.
inScratchDir(test)

const { AF_INET, AF_INET6, AF_UNIX, SOCK_STREAM, SOCK_DGRAM, SOL_SOCKET, SO_REUSEADDR } = socket

// Values of many types: ints in and out of C ranges, floats, strings, None,
// dicts, tuples, bigints, booleans, bytes-likes.
const VALUES: unknown[] = [
  -1,
  0,
  2 ** 31,
  -(2 ** 31) - 1,
  2 ** 32,
  2n ** 63n,
  10n ** 30n,
  1.5,
  NaN,
  Infinity,
  '',
  'x',
  null,
  {},
  [],
  [1],
  true,
  Buffer.from('ab'),
  new Uint8Array(3),
]

// Integer arguments only (no accidental fds 0/1/2 for close/fromfd).
const BAD_FDS: unknown[] = [
  -1,
  -(2 ** 31) - 1,
  2 ** 31,
  2n ** 64n,
  1.5,
  NaN,
  '3',
  null,
  [],
  {},
  Buffer.from('x'),
]

function report(t: import('ava').ExecutionContext, cases: Case[]): void {
  const bad = differential(cases)
  t.deepEqual(bad, [], `${bad.length} of ${cases.length} cases differ:\n  ${bad.join('\n  ')}`)
  t.true(cases.length > 0)
  t.log(`${cases.length} cases agree with python3`)
}

const NONBLOCK = { py: 's.setblocking(False)', js: (s: socket.socket) => s.setblocking(false) }

test('socket() constructor arguments', (t) => {
  const cases: Case[] = []
  for (const v of VALUES) {
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array))
      continue
    cases.push({
      name: `socket(${String(v)})`,
      py: 'result = socket.socket(*ARGS).family',
      args: [v],
      js: () => {
        const s = socket.socket(v as number)
        const f = s.family
        s.close()
        return f
      },
    })
    cases.push({
      name: `socket(AF_INET, ${String(v)})`,
      py: 'result = socket.socket(*ARGS).type',
      args: [AF_INET, v],
      js: () => {
        const s = socket.socket(AF_INET, v as number)
        const ty = s.type
        s.close()
        return ty
      },
    })
    cases.push({
      name: `socket(AF_INET, SOCK_STREAM, ${String(v)})`,
      py: 'result = socket.socket(*ARGS).proto',
      args: [AF_INET, SOCK_STREAM, v],
      js: () => {
        const s = socket.socket(AF_INET, SOCK_STREAM, v as number)
        const p = s.proto
        s.close()
        return p
      },
    })
  }
  for (const v of BAD_FDS) {
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array))
      continue
    cases.push({
      name: `socket(fileno=${String(v)})`,
      py: 'result = socket.socket(fileno=ARGS[0])',
      args: [v],
      js: () => socket.socket({ fileno: v as number }),
    })
  }
  cases.push({
    name: 'socket(bogus=1)',
    py: 'result = socket.socket(bogus=1)',
    js: () => socket.socket({ bogus: 1 } as never),
  })
  cases.push({
    name: 'socket(1, 2, 3, 4, 5)',
    py: 'result = socket.socket(1, 2, 3, 4, 5)',
    js: () => (socket.socket as unknown as (...a: unknown[]) => unknown)(1, 2, 3, 4, 5),
  })
  report(t, cases)
})

// Addresses per family: whole-address values and tuples with a bad part.
function addresses(family: number): unknown[] {
  const out: unknown[] = [...VALUES]
  if (family === AF_UNIX) {
    out.push('a'.repeat(107), 'a'.repeat(108), '\0' + 'a'.repeat(107), '\0' + 'a'.repeat(108))
    out.push(Buffer.alloc(200), ['x'])
    return out
  }
  const host = family === AF_INET ? '127.0.0.1' : '::1'
  for (const v of VALUES) {
    out.push([host, v])
    if (typeof v !== 'string') out.push([v, 0])
  }
  out.push([host], [host, 0, 0, 0, 0], ['', 0], ['localhost', 0])
  if (family === AF_INET6) {
    for (const v of [-1, 2 ** 20, 2 ** 32, 2 ** 33, 1.5, 'x', null]) {
      out.push([host, 0, v], [host, 0, 0, v])
    }
    out.push(['::1%lo', 0], ['::1%nonexistentif', 0])
  } else {
    out.push(['<broadcast>', 0], ['0.0.0.0', 0], [host, 0, 0])
  }
  return out
}

for (const [fname, family] of [
  ['AF_INET', AF_INET],
  ['AF_INET6', AF_INET6],
  ['AF_UNIX', AF_UNIX],
] as const) {
  test(`bind/connect/connect_ex/sendto addresses on ${fname}`, (t) => {
    const cases: Case[] = []
    for (const a of addresses(family)) {
      // bind only: a good address would bind (fine) or connect (avoided here
      // on purpose for names that exist on disk).
      cases.push(methodCase([family, SOCK_DGRAM], 'bind', [a]))
      cases.push(methodCase([family, SOCK_DGRAM], 'connect_ex', [a], NONBLOCK))
      cases.push(methodCase([family, SOCK_DGRAM], 'sendto', [Buffer.from('x'), a], NONBLOCK))
    }
    for (const a of addresses(family).slice(0, VALUES.length)) {
      cases.push(methodCase([family, SOCK_STREAM], 'connect', [a], NONBLOCK))
    }
    report(t, cases)
  })
}

test('integer and buffer arguments of every method', (t) => {
  const cases: Case[] = []
  const tcp = [AF_INET, SOCK_STREAM]
  const udp = [AF_INET, SOCK_DGRAM]
  // The *_into buffers are Uint8Arrays (bytearray): a Buffer maps to bytes,
  // which Python's recv_into refuses as read-only, while a JS Buffer is
  // writable and accepted (a difference forced by JS).
  for (const v of VALUES) {
    cases.push(methodCase(tcp, 'recv', [v], NONBLOCK))
    cases.push(methodCase(tcp, 'recv', [16, v], NONBLOCK))
    cases.push(methodCase(udp, 'recvfrom', [v], NONBLOCK))
    cases.push(methodCase(udp, 'recvfrom', [16, v], NONBLOCK))
    if (!Buffer.isBuffer(v)) cases.push(methodCase(udp, 'recv_into', [v], NONBLOCK))
    cases.push(methodCase(udp, 'recv_into', [new Uint8Array(4), v], NONBLOCK))
    cases.push(methodCase(udp, 'recv_into', [new Uint8Array(4), 0, v], NONBLOCK))
    if (!Buffer.isBuffer(v)) cases.push(methodCase(udp, 'recvfrom_into', [v], NONBLOCK))
    cases.push(methodCase(udp, 'recvfrom_into', [new Uint8Array(4), v], NONBLOCK))
    cases.push(methodCase(udp, 'recvfrom_into', [new Uint8Array(4), 0, v], NONBLOCK))
    cases.push(methodCase(tcp, 'send', [v], NONBLOCK))
    cases.push(methodCase(tcp, 'send', [Buffer.from('x'), v], NONBLOCK))
    cases.push(methodCase(tcp, 'sendall', [v], NONBLOCK))
    cases.push(methodCase(tcp, 'sendall', [Buffer.from('x'), v], NONBLOCK))
    cases.push(methodCase(udp, 'sendto', [v, ['127.0.0.1', 9]], NONBLOCK))
    cases.push(methodCase(udp, 'sendto', [Buffer.from('x'), v, ['127.0.0.1', 9]], NONBLOCK))
    cases.push(methodCase(tcp, 'shutdown', [v]))
    cases.push(methodCase(tcp, 'listen', [v]))
    cases.push(
      methodCase(tcp, 'settimeout', [v], {
        py: 'pass',
        js: () => {},
      }),
    )
    cases.push(methodCase(tcp, 'setblocking', [v]))
    cases.push(methodCase(tcp, 'set_inheritable', [v]))
    cases.push(methodCase(tcp, 'getsockopt', [v, SO_REUSEADDR]))
    cases.push(methodCase(tcp, 'getsockopt', [SOL_SOCKET, v]))
    cases.push(methodCase(tcp, 'getsockopt', [SOL_SOCKET, SO_REUSEADDR, v]))
    cases.push(methodCase(tcp, 'setsockopt', [v, SO_REUSEADDR, 1]))
    cases.push(methodCase(tcp, 'setsockopt', [SOL_SOCKET, v, 1]))
    cases.push(methodCase(tcp, 'setsockopt', [SOL_SOCKET, SO_REUSEADDR, v]))
    cases.push(methodCase(tcp, 'setsockopt', [SOL_SOCKET, SO_REUSEADDR, null, v]))
    cases.push(methodCase(tcp, 'setsockopt', [SOL_SOCKET, SO_REUSEADDR, v, 4]))
  }
  // Results of good calls, too.
  cases.push(methodCase(tcp, 'getsockopt', [SOL_SOCKET, SO_REUSEADDR]))
  cases.push(methodCase(tcp, 'getsockopt', [SOL_SOCKET, SO_REUSEADDR, 4]))
  cases.push(methodCase(tcp, 'gettimeout', []))
  cases.push(methodCase(tcp, 'getblocking', [], NONBLOCK))
  cases.push(methodCase(tcp, 'get_inheritable', []))
  for (const kind of [
    tcp,
    udp,
    [AF_INET6, SOCK_STREAM],
    [AF_INET6, SOCK_DGRAM],
    [AF_UNIX, SOCK_STREAM],
    [AF_UNIX, SOCK_DGRAM],
  ]) {
    cases.push(methodCase(kind, 'getsockname', []))
    cases.push(methodCase(kind, 'getpeername', []))
    cases.push(methodCase(kind, 'listen', []))
    cases.push(methodCase(kind, 'shutdown', [socket.SHUT_RDWR]))
    cases.push(methodCase(kind, 'recvfrom', [4], NONBLOCK))
    cases.push(methodCase(kind, 'send', [Buffer.from('x')], NONBLOCK))
    cases.push(methodCase(kind, 'sendall', [new Uint16Array(2)], NONBLOCK))
  }
  cases.push(methodCase(tcp, 'getpeername', []))
  cases.push(methodCase(udp, 'recv', [16], NONBLOCK))
  cases.push(methodCase(tcp, 'accept', [], NONBLOCK))
  report(t, cases)
})

test('closed sockets', (t) => {
  const closed = {
    py: 's.close()',
    js: (s: socket.socket) => s.close(),
  }
  const tcp = [AF_INET, SOCK_STREAM]
  const cases: Case[] = [
    methodCase(tcp, 'fileno', [], closed),
    methodCase(tcp, 'close', [], closed),
    methodCase(tcp, 'detach', [], closed),
    methodCase(tcp, 'recv', [1], closed),
    methodCase(tcp, 'send', [Buffer.from('x')], closed),
    methodCase(tcp, 'bind', [['127.0.0.1', 0]], closed),
    methodCase(tcp, 'getsockname', [], closed),
    methodCase(tcp, 'getsockopt', [SOL_SOCKET, SO_REUSEADDR], closed),
    methodCase(tcp, 'setblocking', [false], closed),
    methodCase(tcp, 'settimeout', [1], closed),
    methodCase(tcp, 'gettimeout', [], closed),
    methodCase(tcp, 'dup', [], closed),
    methodCase(tcp, 'listen', [], closed),
    methodCase(tcp, 'get_inheritable', [], closed),
    methodCase(tcp, 'set_inheritable', [true], closed),
    methodCase(tcp, 'shutdown', [0], closed),
    methodCase(tcp, 'accept', [], closed),
    methodCase(tcp, 'connect_ex', [['127.0.0.1', 1]], closed),
  ]
  report(t, cases)
})

test('module functions', (t) => {
  const cases: Case[] = []
  for (const v of VALUES) {
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array))
      continue
    for (const [args, attr] of [
      [[v], 'family'],
      [[AF_UNIX, v], 'type'],
      [[AF_UNIX, SOCK_STREAM, v], 'proto'],
    ] as const) {
      cases.push({
        name: `socketpair(${args.map(String).join(', ')}).${attr}`,
        py: `result = [s.${attr} for s in socket.socketpair(*ARGS)]`,
        args: [...args],
        js: () =>
          (socket.socketpair as (...a: unknown[]) => socket.socket[])(...args).map((s) => {
            s.close()
            return s[attr]
          }),
      })
    }
    cases.push({
      name: `setdefaulttimeout(${String(v)})`,
      py: 'socket.setdefaulttimeout(ARGS[0])\nresult = socket.getdefaulttimeout()\nsocket.setdefaulttimeout(None)',
      args: [v],
      js: () => {
        try {
          socket.setdefaulttimeout(v as number)
          return socket.getdefaulttimeout()
        } finally {
          socket.setdefaulttimeout(null)
        }
      },
    })
    cases.push(moduleCase('create_server', [v]))
    cases.push(moduleCase('create_server', [['127.0.0.1', v]]))
    cases.push(moduleCase('create_connection', [v]))
    cases.push(moduleCase('create_connection', [['127.0.0.1', 1], v]))
  }
  for (const v of BAD_FDS) {
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array))
      continue
    cases.push(moduleCase('close', [v]))
    cases.push(moduleCase('fromfd', [v, AF_INET, SOCK_STREAM]))
  }
  cases.push(moduleCase('getdefaulttimeout', []))
  for (const type of [SOCK_STREAM | socket.SOCK_NONBLOCK, SOCK_DGRAM | socket.SOCK_CLOEXEC]) {
    cases.push({
      name: `socketpair(AF_UNIX, ${type}): type, timeout, blocking, inheritable`,
      py: `a, b = socket.socketpair(AF_UNIX, ${type})\nresult = [a.type, a.gettimeout(), a.getblocking(), b.get_inheritable()]\na.close(); b.close()`,
      js: () => {
        const [a, b] = socket.socketpair(AF_UNIX, type)
        try {
          return [a.type, a.gettimeout(), a.getblocking(), b.get_inheritable()]
        } finally {
          a.close()
          b.close()
        }
      },
    })
  }
  report(t, cases)
})

test('bound addresses read back as Python reads them', (t) => {
  const cases: Case[] = []
  const read = (family: number, type: number, addr: unknown): Case => ({
    name: `socket(${family}, ${type}).bind(${JSON.stringify(addr)}); getsockname()`,
    // Ports are chosen by the kernel: compare everything but the port.
    py: `s = socket.socket(${family}, ${type})\ns.bind(ARGS[0])\nr = list(s.getsockname())\nr[1] = 0\nresult = r`,
    args: [addr],
    js: () => {
      const s = socket.socket(family, type)
      try {
        s.bind(addr as never)
        const r = [...(s.getsockname() as unknown[])]
        r[1] = 0
        return r
      } finally {
        s.close()
      }
    },
  })
  for (const host of [
    '127.0.0.1',
    '',
    'localhost',
    '127.1',
    '0x7f.0.0.1',
    '0.0.0.0',
    '127.0.0.001',
  ]) {
    cases.push(read(AF_INET, SOCK_DGRAM, [host, 0]))
    cases.push(read(AF_INET, SOCK_DGRAM, [Buffer.from(host), 0]))
  }
  for (const host of [
    '::1',
    '',
    '::',
    '::ffff:127.0.0.1',
    '0:0:0:0:0:0:0:1',
    'localhost',
    '::1%lo',
  ]) {
    cases.push(read(AF_INET6, SOCK_DGRAM, [host, 0]))
    cases.push(read(AF_INET6, SOCK_DGRAM, [host, 0, 5]))
    cases.push(read(AF_INET6, SOCK_DGRAM, [host, 0, 0, 1]))
  }
  report(t, cases)
})

test('timeouts are kept in whole nanoseconds, as CPython does', (t) => {
  const cases: Case[] = []
  for (const v of [
    0.1,
    1e-10,
    1e-9,
    1 / 3,
    2.5e-7,
    1.0000000001,
    true,
    5e-324,
    123456.123456789123,
    -0,
    -1e-10,
    -1e-9,
    9223372036.854775,
    2 ** 33,
  ]) {
    cases.push({
      name: `settimeout(${v}); gettimeout()`,
      py: 's = socket.socket()\ns.settimeout(ARGS[0])\nresult = s.gettimeout()',
      args: [v],
      js: () => {
        using s = socket.socket()
        s.settimeout(v as number)
        return s.gettimeout()
      },
    })
  }
  report(t, cases)
})

test('create_server and create_connection options', (t) => {
  const cases: Case[] = []
  for (const v of VALUES) {
    for (const key of ['family', 'backlog', 'reuse_port', 'dualstack_ipv6']) {
      cases.push({
        name: `create_server(('127.0.0.1', 0), ${key}=${String(v)})`,
        py: `s = socket.create_server(('127.0.0.1', 0), **{'${key}': ARGS[0]})\nresult = [s.family, s.getsockopt(SOL_SOCKET, SO_REUSEPORT)]`,
        args: [v],
        js: () => {
          const s = socket.create_server(['127.0.0.1', 0], { [key]: v })
          try {
            return [s.family, s.getsockopt(SOL_SOCKET, socket.SO_REUSEPORT)]
          } finally {
            s.close()
          }
        },
      })
    }
    cases.push({
      name: `create_connection(('127.0.0.1', 1), source_address=${String(v)})`,
      py: `result = socket.create_connection(('127.0.0.1', 1), 1, ARGS[0])`,
      args: [v],
      js: () => socket.create_connection(['127.0.0.1', 1], 1, v as never),
    })
    cases.push({
      name: `create_connection(('127.0.0.1', 1), all_errors=${String(v)})`,
      py: `result = socket.create_connection(('127.0.0.1', 1), all_errors=ARGS[0])`,
      args: [v],
      js: () => socket.create_connection(['127.0.0.1', 1], { all_errors: v as never }),
    })
  }
  report(t, cases)
})

test('OSError(errno, text) picks the PEP 3151 subclass Python picks, for every errno', (t) => {
  const cases: Case[] = []
  for (let errno = 1; errno < 134; errno++) {
    cases.push({
      name: `OSError(${errno}, 'text')`,
      py: `e = OSError(${errno}, 'text')\nresult = [type(e).__name__, str(e), e.errno, e.strerror]`,
      js: () => {
        const e = new socket.OSError(errno, 'text')
        return [e.name, e.message, e.errno, e.strerror]
      },
    })
  }
  cases.push({
    name: "OSError('message only')",
    py: "e = OSError('message only')\nresult = [type(e).__name__, str(e), e.errno, e.strerror]",
    js: () => {
      const e = new socket.OSError('message only')
      return [e.name, e.message, e.errno, e.strerror]
    },
  })
  cases.push({
    name: 'socket.timeout is TimeoutError; socket.error is OSError',
    py: 'result = [socket.timeout.__name__, socket.error.__name__, issubclass(socket.gaierror, OSError), issubclass(socket.herror, OSError)]',
    js: () => [
      socket.timeout.name,
      socket.error.name,
      new socket.gaierror(-2, 'x') instanceof socket.OSError,
      new socket.herror(1, 'x') instanceof socket.OSError,
    ],
  })
  report(t, cases)
})
