// CPython 3.13 conformance (issue 13): each point compared with CPython 3.13
// running the same call. Where 3.11 behaved differently the case says so.
import { Worker } from 'node:worker_threads'
import { inspect } from 'node:util'

import test from 'ava'
import fc from 'fast-check'

import * as socket from '../index'
import { idnaEncode } from '../lib/idna'
import { checkFdLeaks } from './helpers/fds'
import { inScratchDir } from './helpers/scratch'
import {
  Case,
  Outcome,
  agree,
  differential,
  methodCase,
  moduleCase,
  outcome,
  runPython,
} from './helpers/pydiff'

checkFdLeaks(test)

// AF_UNIX cases may create socket files.
inScratchDir(test)

const { AF_INET, AF_INET6, AF_UNIX, SOCK_STREAM, SOCK_DGRAM } = socket

function report(
  t: { deepEqual: (a: unknown, b: unknown, m?: string) => void; log: (...a: unknown[]) => void },
  cases: Case[],
): void {
  const bad = differential(cases)
  t.log(`${cases.length - bad.length}/${cases.length} cases agree with CPython 3.13`)
  t.deepEqual(bad, [], bad.join('\n'))
}

// An in-memory binary file as io.BytesIO is one: read/seek/tell, and a
// fileno() that raises io.UnsupportedOperation.
class MemoryFile {
  pos = 0
  constructor(private readonly data: Buffer) {}
  read(n = -1): Buffer {
    const end = n < 0 ? this.data.length : Math.min(this.data.length, this.pos + n)
    const out = this.data.subarray(this.pos, end)
    this.pos = end
    return Buffer.from(out)
  }
  readinto(b: Uint8Array): number {
    const chunk = this.read(b.byteLength)
    b.set(chunk)
    return chunk.length
  }
  seek(pos: number): number {
    this.pos = pos
    return pos
  }
  tell(): number {
    return this.pos
  }
  fileno(): number {
    throw new socket.UnsupportedOperation('fileno')
  }
}

const DATA = Buffer.from('0123456789abcdefghij'.repeat(1000))
const SENDFILE_ARGS: Array<[number, number | null]> = [
  [0, null],
  [3, 5],
  [7, null],
  [0, 9000],
  [19999, null],
  [20000, null],
]

test('sendfile() of a file without a usable fileno() falls back to read() + send()', (t) => {
  const cases: Case[] = SENDFILE_ARGS.map(([offset, count]) => ({
    name: `sendfile(BytesIO, ${offset}, ${count})`,
    py:
      'import io\na, b = socket.socketpair()\nf = io.BytesIO(ARGS[0])\n' +
      'n = a.sendfile(f, ARGS[1], ARGS[2]); a.close()\n' +
      "got = b''\nwhile (c := b.recv(65536)): got += c\n" +
      'b.close()\nresult = [n, len(got), got[:16], got[-16:], f.tell()]',
    args: [DATA, offset, count],
    js: () => {
      const [a, b] = socket.socketpair()
      const f = new MemoryFile(DATA)
      const n = a.sendfile(f, offset, count)
      a.close()
      const parts: Buffer[] = []
      for (let c = b.recv(65536); c.length > 0; c = b.recv(65536)) parts.push(c)
      b.close()
      const got = Buffer.concat(parts)
      return [n, got.length, got.subarray(0, 16), got.subarray(-16), f.tell()]
    },
  }))
  // The checks before the fallback are Python's too.
  cases.push({
    name: 'sendfile(BytesIO) on a non-blocking socket',
    py: 'import io\na, b = socket.socketpair()\na.setblocking(False)\nresult = a.sendfile(io.BytesIO(b"x"))',
    js: () => {
      const [a, b] = socket.socketpair()
      try {
        a.setblocking(false)
        return a.sendfile(new MemoryFile(Buffer.from('x')))
      } finally {
        a.close()
        b.close()
      }
    },
  })
  // Bad counts are named by their Python repr ({'a': 1}, 1.5, '3').
  for (const count of [{}, { a: 1 }, 1.5, '3', -1, 0]) {
    cases.push({
      name: `sendfile(BytesIO, 0, ${inspect(count)})`,
      py: 'import io\na, b = socket.socketpair()\nresult = a.sendfile(io.BytesIO(b"x"), 0, ARGS[0])',
      args: [count],
      js: () => {
        const [a, b] = socket.socketpair()
        try {
          return a.sendfile(new MemoryFile(Buffer.from('x')), 0, count as number)
        } finally {
          a.close()
          b.close()
        }
      },
    })
  }
  cases.push({
    name: 'sendfile(text file)',
    py: 'import io\na, b = socket.socketpair()\nf = io.StringIO("x")\nf.mode = "r"\nresult = a.sendfile(f)',
    js: () => {
      const [a, b] = socket.socketpair()
      try {
        const f = Object.assign(new MemoryFile(Buffer.from('x')), { mode: 'r' })
        return a.sendfile(f)
      } finally {
        a.close()
        b.close()
      }
    },
  })
  report(t, cases)
})

test('loop.sock_sendfile() of a file without a usable fileno() falls back as asyncio does', async (t) => {
  const py = runPython(
    SENDFILE_ARGS.map(([offset, count]) => ({
      py:
        'import asyncio, io\na, b = socket.socketpair()\na.setblocking(False)\nf = io.BytesIO(ARGS[0])\n' +
        'async def main():\n    return await asyncio.get_running_loop().sock_sendfile(a, f, ARGS[1], ARGS[2])\n' +
        'n = asyncio.run(main()); a.close()\n' +
        "got = b''\nwhile (c := b.recv(65536)): got += c\n" +
        'b.close()\nresult = [n, len(got), got[:16], got[-16:], f.tell()]',
      args: [DATA, offset, count],
    })),
  )
  const bad: string[] = []
  for (const [i, [offset, count]] of SENDFILE_ARGS.entries()) {
    let js: Outcome
    const [a, b] = socket.socketpair()
    a.setblocking(false)
    try {
      const f = new MemoryFile(DATA)
      const n = await socket.loop.sock_sendfile(a, f, offset, count)
      a.close()
      const parts: Buffer[] = []
      for (let c = b.recv(65536); c.length > 0; c = b.recv(65536)) parts.push(c)
      const got = Buffer.concat(parts)
      js = outcome(() => [n, got.length, got.subarray(0, 16), got.subarray(-16), f.tell()])
    } catch (e) {
      js = outcome(() => {
        throw e
      })
    } finally {
      a.close()
      b.close()
    }
    if (!agree(py[i], js))
      bad.push(`${offset}, ${count}: ${JSON.stringify(py[i])} ${JSON.stringify(js)}`)
  }
  t.deepEqual(bad, [])
})

test('if_indextoname and getaddrinfo ports: 3.13 range checks', (t) => {
  report(t, [
    // 3.11 truncated the index to 32 bits (1 + 2**32 named 'lo').
    moduleCase('if_indextoname', [2 ** 32 + 1]),
    moduleCase('if_indextoname', [2n ** 32n]),
    moduleCase('if_indextoname', [2n ** 64n]),
    moduleCase('if_indextoname', [-1]),
    moduleCase('if_indextoname', [1]),
    moduleCase('if_indextoname', [0xffffffff]),
    // 3.12+ hands any int port to getaddrinfo(3) as text (3.11: OverflowError).
    ...[
      2n ** 64n,
      2n ** 63n,
      2n ** 63n - 1n,
      -(2n ** 63n) - 1n,
      10n ** 30n,
      2 ** 53,
      -1,
      65536,
    ].map((port) => moduleCase('getaddrinfo', ['127.0.0.1', port, AF_INET, SOCK_STREAM])),
    moduleCase('getaddrinfo', [null, 2n ** 64n]),
  ])
})

// Strings with lone surrogates in the places UTF-8 must refuse them.
const SURROGATES = [
  '\ud800',
  'ab\udc80',
  '\udc00\ud800',
  'é😀\ud800x\udfff',
  '\udc80\ud800',
  'a\udcff',
]

/** Whether every lone surrogate in `s` is one that surrogateescape turns into a byte. */
function escapesOnly(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1)
      if (d >= 0xdc00 && d <= 0xdfff) {
        i++
        continue
      }
    }
    if (c >= 0xd800 && c <= 0xdfff && !(c >= 0xdc80 && c <= 0xdcff)) return false
  }
  return true
}

test('lone surrogates: UnicodeEncodeError in every function that takes a string', (t) => {
  const cases: Case[] = []
  for (const s of SURROGATES) {
    cases.push(
      moduleCase('getaddrinfo', [s, 80]),
      moduleCase('getaddrinfo', ['127.0.0.1', s]),
      moduleCase('getservbyname', [s]),
      moduleCase('getservbyname', ['http', s]),
      moduleCase('getservbyport', [80, s]),
      moduleCase('getprotobyname', [s]),
      moduleCase('if_nametoindex', [s]),
      // sethostname encodes with surrogateescape: a name whose surrogates all
      // escape bytes would succeed and rename this machine (tests run as root),
      // so only names that must fail are compared.
      ...(escapesOnly(s) ? [] : [moduleCase('sethostname', [s])]),
      moduleCase('inet_aton', [s]),
      moduleCase('inet_pton', [AF_INET, s]),
      moduleCase('inet_pton', [AF_INET6, s]),
      moduleCase('gethostbyname', [s]),
      moduleCase('gethostbyname_ex', [s]),
      moduleCase('gethostbyaddr', [s]),
      moduleCase('getnameinfo', [[s, 80], 0]),
      moduleCase('create_connection', [[s, 80]]),
      methodCase([AF_UNIX, SOCK_STREAM], 'bind', [s]),
      methodCase([AF_UNIX, SOCK_DGRAM], 'sendto', [Buffer.from('x'), s]),
      // idna_converter turns the codec's error into a TypeError.
      methodCase([AF_INET, SOCK_STREAM], 'bind', [[s, 0]]),
      methodCase([AF_INET6, SOCK_DGRAM], 'connect', [[s, 0]]),
    )
  }
  report(t, cases)
})

test("UnicodeEncodeError has Python's hierarchy and attributes", (t) => {
  const fns: Array<[string, (s: string) => unknown]> = [
    ['socket.getservbyname(ARGS[0])', (s) => socket.getservbyname(s)],
    ['socket.if_nametoindex(ARGS[0])', (s) => socket.if_nametoindex(s)],
    ['socket.getaddrinfo(ARGS[0], 80)', (s) => socket.getaddrinfo(s, 80)],
    ['socket.gethostbyname(ARGS[0])', (s) => socket.gethostbyname(s)],
  ]
  const cases: Case[] = []
  for (const s of [...SURROGATES, 'a..b', 'é..b', 'x'.repeat(64), 'ü' + 'a'.repeat(70) + '.x']) {
    for (const [py, js] of fns) {
      cases.push({
        name: `${py} with ${JSON.stringify(s)}`,
        py:
          `try:\n    ${py}\n    result = None\nexcept UnicodeError as e:\n` +
          '    result = [[c.__name__ for c in type(e).__mro__[:3]], e.encoding, e.object, e.start, e.end, e.reason, str(e)]',
        args: [s],
        js: () => {
          try {
            js(s)
            return null
          } catch (e) {
            if (!(e instanceof socket.UnicodeError)) throw e
            const u = e as socket.UnicodeEncodeError
            const chain: string[] = []
            for (let p = Object.getPrototypeOf(u); chain.length < 3; p = Object.getPrototypeOf(p)) {
              chain.push(p.name)
            }
            return [chain, u.encoding, u.object, u.start, u.end, u.reason, u.message]
          }
        },
      })
    }
  }
  // The constructors check their arguments as Python's do.
  const ctorArgs: unknown[][] = [
    ['utf-8', 'a\ud800', 1, 2, 'surrogates not allowed'],
    ['idna', 'x', 5, 9, 'r'],
    ['u', 'x', 0, 1, 'r', 6],
    [1, 'x', 0, 1, 'r'],
    ['u', Buffer.from('x'), 0, 1, 'r'],
    ['u', 'x', '0', 1, 'r'],
    ['u', 'x', 0, 1, 2],
    [],
  ]
  for (const [cls, bad] of [
    ['UnicodeEncodeError', socket.UnicodeEncodeError],
    ['UnicodeDecodeError', socket.UnicodeDecodeError],
  ] as const) {
    for (const args of [
      ...ctorArgs,
      ['utf-8', Buffer.from([0x61, 0xff]), 1, 2, 'invalid start byte'],
    ]) {
      cases.push({
        name: `${cls}(${args.map((a) => inspect(a)).join(', ')})`,
        py: `e = ${cls}(*ARGS)\nresult = [str(e), e.start, e.end, e.reason]`,
        args,
        js: () => {
          const e = new (bad as unknown as new (...a: unknown[]) => socket.UnicodeEncodeError)(
            ...args,
          )
          return [e.message, e.start, e.end, e.reason]
        },
      })
    }
  }
  report(t, cases)
  const e = new socket.UnicodeEncodeError('utf-8', 'a\ud800', 1, 2, 'surrogates not allowed')
  t.true(e instanceof socket.UnicodeError)
  t.true(e instanceof socket.ValueError)
  t.true(e instanceof Error)
  t.is(e.name, 'UnicodeEncodeError')
  const d = new socket.UnicodeDecodeError(
    'utf-8',
    Buffer.from([0x61, 0xff]),
    1,
    2,
    'invalid start byte',
  )
  t.true(d instanceof socket.UnicodeError)
  t.is(d.message, "'utf-8' codec can't decode byte 0xff in position 1: invalid start byte")
})

test("IDNA failures are UnicodeEncodeError with 3.13's reason and position", (t) => {
  const hosts = [
    'a..b',
    '.a',
    'a.',
    '..',
    'x'.repeat(64),
    'x'.repeat(63) + '.' + 'y'.repeat(64),
    'é..b',
    'é.',
    'ü' + 'a'.repeat(70),
    'bü.' + 'a'.repeat(64),
    '\ue000.com',
    'a\u00a0é',
    'xn--é',
    '\ufdd0é',
    'é\u200bx',
    'Bücher.example',
    'straße.de',
  ]
  const cases: Case[] = []
  for (const h of hosts) {
    cases.push(moduleCase('gethostbyname', [h]))
    cases.push({
      name: `${JSON.stringify(h)}.encode('idna')`,
      py: 'result = ARGS[0].encode("idna")',
      args: [h],
      // The codec itself: a name that encodes fails only at lookup.
      js: () => idnaEncode(h),
    })
  }
  report(t, cases)
})

test("makefile() objects have CPython's reprs, String() and util.inspect alike", (t) => {
  const modes: Array<[string, number | null]> = [
    ['r', null],
    ['rb', null],
    ['wb', null],
    ['w', null],
    ['rw', null],
    ['rwb', null],
    ['rb', 0],
    ['wb', 0],
  ]
  // fds and addresses differ between the two processes: compare the rest.
  const norm = (s: string) => s.replace(/name=\d+/g, 'name=N').replace(/at 0x[0-9a-f]+/g, 'at 0x?')
  const cases: Case[] = modes.map(([mode, buffering]) => ({
    name: `makefile(${mode}, ${buffering})`,
    py:
      'import re\nnorm = lambda s: re.sub(r"at 0x[0-9a-f]+", "at 0x?", re.sub(r"name=\\d+", "name=N", s))\n' +
      'a, b = socket.socketpair()\nf = a.makefile(ARGS[0], ARGS[1])\n' +
      'inner = [norm(repr(x)) for x in [getattr(f, "buffer", None), getattr(getattr(f, "buffer", None), "raw", None)] if x is not None]\n' +
      'before = norm(repr(f))\nf.close()\nresult = [before, norm(repr(f)), inner]\na.close(); b.close()',
    args: [mode, buffering],
    js: () => {
      const [a, b] = socket.socketpair()
      try {
        const f = a.makefile(mode as never, buffering as never) as socket.SocketFile & {
          buffer?: { raw?: unknown }
        }
        // A BufferedRWPair has no `raw` in Python; pysocket's one object has.
        const pair = (f.buffer as { _pair?: boolean } | undefined)?._pair
        const inner = [f.buffer, pair ? undefined : f.buffer?.raw]
          .filter((x) => x !== undefined)
          .map((x) => norm(String(x)))
        const before = norm(String(f))
        t.is(inspect(f), String(f))
        f.close()
        return [before, norm(String(f)), inner]
      } finally {
        a.close()
        b.close()
      }
    },
  }))
  report(t, cases)
  // A Python default repr names each object once: two files, two numbers.
  const [a, b] = socket.socketpair()
  const f1 = a.makefile('rb', 0)
  const f2 = a.makefile('rb', 0)
  t.not(String(f1), String(f2))
  t.is(String(f1), String(f1))
  f1.close()
  f2.close()
  a.close()
  b.close()
})

test('socket.socket has the private methods of socket.py that subclasses use', (t) => {
  const py = runPython([
    {
      py:
        'import _socket\nresult = sorted(n for n in dir(socket.socket) if n.startswith("_") and not n.startswith("__")' +
        ' and callable(getattr(socket.socket, n)))',
    },
  ])[0] as { ok: string[] }
  const proto = socket.socket.prototype as unknown as Record<string, unknown>
  const missing = py.ok.filter((n) => typeof proto[n] !== 'function')
  t.deepEqual(missing, [])
  t.true(py.ok.includes('_accept'))

  // A subclass that overrides _accept, as Python servers do.
  const calls: number[] = []
  class Counting extends (socket.socket as unknown as new (...a: unknown[]) => socket.socket) {
    override _accept(): ReturnType<socket.socket['_accept']> {
      const r = super._accept()
      calls.push(r[0])
      return r
    }
  }
  const srv = new Counting(AF_INET, SOCK_STREAM)
  srv.bind(['127.0.0.1', 0])
  srv.listen()
  const c = socket.create_connection(srv.getsockname() as [string, number])
  const [conn, addr] = srv.accept()
  t.is(calls.length, 1)
  t.is(conn.fileno(), calls[0])
  t.deepEqual(addr, c.getsockname())
  // _accept itself, as CPython returns it: (fd, address).
  const c2 = socket.create_connection(srv.getsockname() as [string, number])
  const [fd, addr2] = srv._accept()
  t.is(typeof fd, 'number')
  t.deepEqual(addr2, c2.getsockname())
  socket.close(fd)
  for (const s of [srv, c, conn, c2]) s.close()
})

test('CMSG_LEN(-1) raises in a fresh thread (no cache answers first)', async (t) => {
  const code = `
    const { parentPort } = require('node:worker_threads')
    const socket = require(${JSON.stringify(require.resolve('../index'))})
    const out = []
    for (const n of [-1, -1, 0, -1, 0]) {
      try { out.push(socket.CMSG_LEN(n)) } catch (e) { out.push(e.name + ': ' + e.message) }
    }
    parentPort.postMessage(out)`
  const ours = await new Promise<unknown[]>((resolve, reject) => {
    const w = new Worker(code, { eval: true })
    w.once('message', resolve)
    w.once('error', reject)
  })
  const py = runPython([
    {
      py:
        'out = []\nfor n in [-1, -1, 0, -1, 0]:\n    try: out.append(socket.CMSG_LEN(n))\n' +
        '    except Exception as e: out.append(type(e).__name__ + ": " + str(e))\nresult = out',
    },
  ])[0] as { ok: unknown[] }
  t.deepEqual(
    ours.map((x) => (typeof x === 'number' ? { int: String(x) } : x)),
    py.ok,
  )
})

test('timeouts out of range: 3.13 messages (floats: time_t; ints: PyTime_t)', (t) => {
  const floats = [1e300, -1e300, 1e19, 9.3e9 + 0.5, 2 ** 63]
  // 9.3e9 is a safe integer, so an int: ns overflow int64 with the int message.
  const ints = [10n ** 30n, 2n ** 63n, 9300000000n, 9.3e9]
  const cases: Case[] = []
  for (const v of floats) {
    // A number beyond 2**53 is the float it was written as; Python gets a float.
    const lit = `float(${JSON.stringify(String(v))})`
    cases.push(
      {
        name: `settimeout(${v})`,
        py: `s = socket.socket()\ntry:\n    s.settimeout(${lit})\nfinally:\n    s.close()`,
        js: () => {
          const s = socket.socket()
          try {
            s.settimeout(v)
          } finally {
            s.close()
          }
        },
      },
      {
        name: `setdefaulttimeout(${v})`,
        py: `socket.setdefaulttimeout(${lit})`,
        js: () => socket.setdefaulttimeout(v),
      },
    )
  }
  for (const v of ints) cases.push(methodCase([AF_INET, SOCK_STREAM], 'settimeout', [v]))
  report(t, cases)
})

test("EBADF, EAGAIN and EWOULDBLOCK are module attributes with the C library's values", (t) => {
  report(t, [
    {
      name: 'errno attributes',
      py: 'result = [socket.EBADF, socket.EAGAIN, socket.EWOULDBLOCK]',
      js: () => [socket.EBADF, socket.EAGAIN, socket.EWOULDBLOCK],
    },
  ])
})

test('received SCM_RIGHTS fds are inheritable unless MSG_CMSG_CLOEXEC, as in CPython', (t) => {
  report(t, [
    {
      // recv_fds() with no flags, then recvmsg() without and with
      // MSG_CMSG_CLOEXEC. (3.13's recv_fds drops its flags argument,
      // CPython gh-128881; pysocket passes it on, so it is not compared.)
      name: 'received fds: inheritable, or close-on-exec with MSG_CMSG_CLOEXEC',
      py:
        'import os\na, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)\n' +
        'socket.send_fds(a, [b"x"], [a.fileno()])\n' +
        'msg, fds, fl, addr = socket.recv_fds(b, 1, 1)\n' +
        'out = [[os.get_inheritable(fds[0]), fl]]; os.close(fds[0])\n' +
        'for flags in [0, socket.MSG_CMSG_CLOEXEC]:\n' +
        '    socket.send_fds(a, [b"y"], [a.fileno()])\n' +
        '    data, anc, fl, addr = b.recvmsg(1, socket.CMSG_SPACE(4), flags)\n' +
        '    fd = int.from_bytes(anc[0][2], "little")\n' +
        '    out.append([os.get_inheritable(fd), fl]); os.close(fd)\n' +
        'a.close(); b.close()\nresult = out',
      js: () => {
        const [a, b] = socket.socketpair(AF_UNIX, SOCK_DGRAM)
        const inheritable = (fd: number) => {
          const s = socket.socket({ fileno: fd })
          const v = s.get_inheritable()
          s.close()
          return v
        }
        socket.send_fds(a, [Buffer.from('x')], [a.fileno()])
        const [, fds, fl0] = socket.recv_fds(b, 1, 1)
        const out: unknown[] = [[inheritable(fds[0]), fl0]]
        for (const flags of [0, socket.MSG_CMSG_CLOEXEC]) {
          socket.send_fds(a, [Buffer.from('y')], [a.fileno()])
          const [, anc, fl] = b.recvmsg(1, socket.CMSG_SPACE(4), flags)
          out.push([inheritable(anc[0][2].readInt32LE(0)), fl])
        }
        a.close()
        b.close()
        return out
      },
    },
  ])
})

test('type names in messages follow one mapping (README): Array tuple, object dict, instances their class', (t) => {
  class Date2 {}
  // Python gets a class of the same name for the instance.
  const values: Array<[unknown, string]> = [
    [{}, 'ARGS[0]'],
    [[], 'ARGS[0]'],
    [[1, 2], 'ARGS[0]'],
    [new Date2(), 'type("Date2", (), {})()'],
    [1.5, 'ARGS[0]'],
    [null, 'ARGS[0]'],
    [true, 'ARGS[0]'],
    [Buffer.from('x'), 'ARGS[0]'],
    [new Uint8Array(1), 'ARGS[0]'],
  ]
  const calls: Array<[string, (v: unknown) => unknown]> = [
    ['socket.inet_aton(V)', (v) => socket.inet_aton(v as string)],
    ['socket.inet_pton(socket.AF_INET, V)', (v) => socket.inet_pton(AF_INET, v as string)],
    ['socket.htons(V)', (v) => socket.htons(v as number)],
    ['socket.getservbyname(V)', (v) => socket.getservbyname(v as string)],
    ['socket.if_nametoindex(V)', (v) => socket.if_nametoindex(v as string)],
    ['socket.gethostbyname(V)', (v) => socket.gethostbyname(v as string)],
    ['socket.CMSG_LEN(V)', (v) => socket.CMSG_LEN(v as number)],
    [
      'socket.socket().bind(V)',
      (v) => {
        const s = socket.socket()
        try {
          return s.bind(v as never)
        } finally {
          s.close()
        }
      },
    ],
    [
      'socket.socket().recv_into(V)',
      (v) => {
        const s = socket.socket()
        try {
          return s.recv_into(v as Uint8Array)
        } finally {
          s.close()
        }
      },
    ],
    [
      'socket.socket().settimeout(V)',
      (v) => {
        const s = socket.socket()
        try {
          return s.settimeout(v as number)
        } finally {
          s.close()
        }
      },
    ],
  ]
  const cases: Case[] = []
  for (const [v, pyv] of values) {
    for (const [py, js] of calls) {
      if (v instanceof Uint8Array && py.includes('recv_into')) continue
      cases.push({
        name: `${py} with ${inspect(v)}`,
        py: `result = ${py.replace('V', pyv)}`,
        args: [v],
        js: () => js(v),
      })
    }
  }
  report(t, cases)
})

// Random strings built from pieces where the encoders differ: lone
// surrogates (escapable U+DC80..U+DCFF and not), pairs, non-ASCII letters
// IDNA maps, the four IDNA dots, long runs.
const piece = fc.oneof(
  fc.constantFrom('\ud800', '\udbff', '\udc00', '\udc80', '\udcff', '\udfff', '😀', 'é', 'ß', 'Ü'),
  fc.constantFrom(
    '.',
    '\u3002',
    '\uff0e',
    '-',
    'xn--',
    '\u00ad',
    '\u00a0',
    '\ue000',
    'a'.repeat(60),
  ),
  fc.string({ maxLength: 4 }),
)
const texts = fc.array(piece, { maxLength: 6 }).map((p) => p.join(''))

test('random strings: the UTF-8, file-system and IDNA encoders agree with CPython 3.13 (fast-check)', (t) => {
  const samples = fc.sample(texts, 150)
  const cases: Case[] = []
  for (const s of samples) {
    cases.push(
      {
        name: `${JSON.stringify(s)}: getservbyname (strict UTF-8)`,
        py: 'result = socket.getservbyname(ARGS[0], "tcp")',
        args: [s],
        js: () => socket.getservbyname(s, 'tcp'),
      },
      {
        name: `${JSON.stringify(s)}: if_nametoindex (surrogateescape)`,
        py: 'result = socket.if_nametoindex(ARGS[0])',
        args: [s],
        js: () => socket.if_nametoindex(s),
      },
      {
        name: `${JSON.stringify(s)}.encode('idna')`,
        py: 'result = ARGS[0].encode("idna")',
        args: [s],
        js: () => idnaEncode(s),
      },
    )
  }
  report(t, cases)
})
