// Lifetimes and ownership (issue 10): fds closed behind socket.loop's back,
// two owners of one fd, finalisers and Worker teardown, buffers that change
// under a waiting call, arguments read once. The scenarios that used to
// abort the process or keep it alive forever run in child processes
// (fixtures/lifetime-case.ts); the others run here.
import test from 'ava'
import { execFileSync } from 'node:child_process'
import { closeSync, fstatSync, openSync } from 'node:fs'
import { constants as osConstants } from 'node:os'
import { join } from 'node:path'

import * as socket from '../index'
import { readinessKind } from '../lib/loop'
import { checkFdLeaks } from './helpers/fds'
import { runNode } from './helpers/child'

// The poller's own fds (the reactor's wake pipe, the probe set) live as
// long as the process: make them before the fd-leak check counts.
;(() => {
  const [a, b] = socket.socketpair()
  socket.loop.add_reader(a, () => {})
  socket.loop.remove_reader(a)
  a.close()
  b.close()
})()
checkFdLeaks(test)

const { loop } = socket
const { EBADF, EPERM } = osConstants.errno
const CASE = join(__dirname, 'fixtures', 'lifetime-case.js')
const POLLER = process.env.PYSOCKET_LOOP_POLLER ?? 'default'

/** Runs one scenario in a child process: its exit code, output and parsed result. */
async function scenario(name: string): Promise<{ code: number | null; result: any; err: string }> {
  const r = await runNode(['--expose-gc', CASE, name], 60000)
  let result: unknown = null
  try {
    result = JSON.parse(r.stdout.trim().split('\n').pop() ?? '')
  } catch {
    // Left null: the child died or hung before it could report.
  }
  return { code: r.code, result, err: `${r.signal ?? ''} ${r.stderr}` }
}

/** What CPython 3.13 prints (one JSON line) for `code`. */
function pyEval(code: string): unknown {
  const out = execFileSync('python3', ['-c', 'import json\n' + code], {
    encoding: 'utf8',
    env: { ...process.env, PYENV_VERSION: '3.13.0' },
  })
  return JSON.parse(out)
}

const badFd = { err: 'OSError', errno: EBADF, message: '[Errno 9] Bad file descriptor' }

for (const name of ['module-close', 'fs-close-same-turn', 'fs-close-later']) {
  test(`${POLLER}: ${name}: the waiting call rejects with EBADF, the process lives`, async (t) => {
    const r = await scenario(name)
    t.is(r.code, 0, r.err)
    t.deepEqual(r.result, badFd)
  })
}

test(`${POLLER}: a change of interest after a close behind the back raises EBADF`, async (t) => {
  const r = await scenario('fs-close-then-add-writer')
  t.is(r.code, 0, r.err)
  t.deepEqual(r.result, { thrown: badFd.message, r: badFd })
})

test(`${POLLER}: a reused fd number serves its new socket; the old call rejects`, async (t) => {
  const r = await scenario('fs-close-reused')
  t.is(r.code, 0, r.err)
  t.deepEqual(r.result, { reused: true, got: { ok: 'new' }, old: badFd })
})

test(`${POLLER}: add_reader on an fd closed behind the back never runs its callback`, async (t) => {
  const r = await scenario('add-reader-closed-behind')
  t.is(r.code, 0, r.err)
  t.deepEqual(r.result, { calls: 0 })
})

test(`${POLLER}: add_reader/add_writer on unpollable fds raise what asyncio raises`, async (t) => {
  const r = await scenario('add-reader-unpollable')
  t.is(r.code, 0, r.err)
  // CPython's selector loop on the same fds (a file, /dev/null, a directory, a closed fd).
  const expected = pyEval(`
import asyncio, os
out = []
loop = asyncio.new_event_loop()
for path in ['/proc/self/exe', '/dev/null', '/']:
    fd = os.open(path, os.O_RDONLY)
    for add in (loop.add_reader, loop.add_writer):
        try:
            add(fd, lambda: None)
            out.append('no error')
        except OSError as e:
            out.append(f'{type(e).__name__}: {e}')
    os.close(fd)
fd = os.open('/dev/null', os.O_RDONLY)
os.close(fd)
try:
    loop.add_reader(fd, lambda: None)
    out.append('no error')
except OSError as e:
    out.append(f'{type(e).__name__}: {e}')
print(json.dumps(out))
`)
  t.deepEqual(r.result, expected)
  t.true((r.result as string[])[0].includes(`[Errno ${EPERM}]`))
})

test(`${POLLER}: a second owner's finaliser leaves the fd to the first`, async (t) => {
  const r = await scenario('second-owner-collected')
  t.is(r.code, 0, r.err)
  t.deepEqual(r.result, { collected: true, open: true, got: 'x' })
})

test(`${POLLER}: a finaliser never closes a number another file reuses`, async (t) => {
  const r = await scenario('owner-collected-after-reuse')
  t.is(r.code, 0, r.err)
  t.deepEqual(r.result, { reused: true, collected: true, open: true })
})

test(`${POLLER}: a terminated Worker leaves the fds of this thread it wrapped`, async (t) => {
  const r = await scenario('worker-wraps-main-fd')
  t.is(r.code, 0, r.err)
  t.deepEqual(r.result, { code: 1, open: true, got: 'y' })
})

test('close() never closes a number that was closed behind its back and reused', (t) => {
  const [a, b] = socket.socketpair()
  const fd = a.fileno()
  closeSync(fd)
  const other = openSync(__filename, 'r')
  const ino = fstatSync(other).ino
  t.is(other, fd)
  t.throws(() => a.close(), {
    instanceOf: socket.OSError,
    message: '[Errno 9] Bad file descriptor',
  })
  t.is(fstatSync(other).ino, ino)
  // Closed once is closed: a second close() is a no-op, as in Python.
  t.notThrows(() => a.close())
  closeSync(other)
  b.close()
})

test(`${POLLER}: a Worker blocked in a sync call with no timeout can be terminated`, async (t) => {
  const r = await scenario('worker-blocked-terminate')
  t.is(r.code, 0, r.err)
  t.deepEqual(r.result, { codes: [1, 1, 1], open: true })
})

/** Fills `s`'s send buffer so that the next send waits. */
function fill(s: socket.socket): number {
  s.setblocking(false)
  const chunk = Buffer.alloc(65536)
  let n = 0
  for (;;) {
    try {
      n += s.send(chunk)
    } catch (e) {
      if (e instanceof socket.BlockingIOError) return n
      throw e
    }
  }
}

/** Reads `n` bytes from `s` (blocking). */
function drainBytes(s: socket.socket, n: number): void {
  const buf = Buffer.alloc(65536)
  while (n > 0) n -= s.recv_into(buf, Math.min(n, buf.length))
}

test('sock_sendmsg reads generator arguments once, across a wait', async (t) => {
  const [a, b] = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
  const [x, y] = socket.socketpair()
  const queued = fill(a)
  function* buffers(): Generator<Buffer> {
    yield Buffer.from('hello ')
    yield Buffer.from('world')
  }
  function* ancdata(): Generator<[number, number, Buffer]> {
    const fds = Buffer.alloc(4)
    fds.writeInt32LE(x.fileno())
    yield [socket.SOL_SOCKET, socket.SCM_RIGHTS, fds]
  }
  const sent = loop.sock_sendmsg(a, buffers(), ancdata())
  drainBytes(b, queued)
  t.is(await sent, 11)
  const [data, fds] = socket.recv_fds(b, 100, 1)
  t.is(data.toString(), 'hello world')
  t.is(fds.length, 1)
  // The passed fd is x: what goes in at y comes out of it.
  const passed = socket.socket({ fileno: fds[0] })
  y.sendall(Buffer.from('via fd'))
  t.is(passed.recv(10).toString(), 'via fd')
  for (const s of [a, b, x, y, passed]) s.close()
})

test('a buffer transferred while sock_recv_into waits rejects; nothing reads as EOF', async (t) => {
  const [a, b] = socket.socketpair()
  const ab = new ArrayBuffer(16)
  const p = loop.sock_recv_into(a, new Uint8Array(ab))
  structuredClone(ab, { transfer: [ab] })
  b.sendall(Buffer.from('data'))
  const e = await t.throwsAsync(p, { instanceOf: socket.ValueError })
  t.regex(e!.message, /^sock_recv_into\(\): the buffer was detached, transferred or shrunk/)
  // The data is still there for the next call.
  t.is((await loop.sock_recv(a, 16)).toString(), 'data')
  a.close()
  b.close()
})

test('a resizable buffer shrunk while sock_recv_into waits rejects', async (t) => {
  const [a, b] = socket.socketpair()
  const Resizable = ArrayBuffer as unknown as new (
    n: number,
    o: { maxByteLength: number },
  ) => ArrayBuffer & { resize(n: number): void }
  const ab = new Resizable(16, { maxByteLength: 64 })
  const p = loop.sock_recv_into(a, new Uint8Array(ab, 0, 16))
  ab.resize(4)
  b.sendall(Buffer.from('data'))
  await t.throwsAsync(p, { instanceOf: socket.ValueError })
  a.close()
  b.close()
})

test('a buffer transferred during sock_sendall rejects instead of claiming success', async (t) => {
  const [a, b] = socket.socketpair()
  const queued = fill(a)
  const ab = new ArrayBuffer(1 << 20)
  const p = loop.sock_sendall(a, new Uint8Array(ab))
  structuredClone(ab, { transfer: [ab] })
  drainBytes(b, queued)
  await t.throwsAsync(p, { instanceOf: socket.ValueError, message: /^sock_sendall\(\)/ })
  a.close()
  b.close()
})

test('remove_reader/remove_writer find a closed socket by the object, as asyncio', (t) => {
  // CPython 3.13's selector loop: True once, then the lookup fails with
  // ValueError (fileno() is -1 and nothing is registered for the object).
  const expected = pyEval(`
import asyncio, socket
loop = asyncio.new_event_loop()
out = []
for add, remove in ((loop.add_reader, loop.remove_reader), (loop.add_writer, loop.remove_writer)):
    a, b = socket.socketpair()
    add(a, lambda: None)
    a.close()
    out.append(remove(a))
    try:
        out.append(remove(a))
    except ValueError as e:
        out.append(f'ValueError: {e}')
    b.close()
print(json.dumps(out))
`)
  const out: unknown[] = []
  for (const [add, remove] of [
    [loop.add_reader, loop.remove_reader],
    [loop.add_writer, loop.remove_writer],
  ] as const) {
    const [a, b] = socket.socketpair()
    add(a, () => {})
    a.close()
    out.push(remove(a))
    try {
      out.push(remove(a))
    } catch (e) {
      out.push(`${(e as Error).constructor.name}: ${(e as Error).message}`)
    }
    b.close()
  }
  t.deepEqual(out, expected)
})

test('a Proxy around a buffer is a TypeError with Python message', async (t) => {
  const [a, b] = socket.socketpair()
  const proxied = new Proxy(Buffer.from('x'), {})
  const message = "a bytes-like object is required, not 'Proxy'"
  t.throws(() => a.send(proxied), { instanceOf: TypeError, message })
  t.throws(() => a.sendall(proxied), { instanceOf: TypeError, message })
  t.throws(() => a.sendmsg([proxied]), { instanceOf: TypeError })
  t.throws(() => a.recv_into(new Proxy(Buffer.alloc(4), {})), {
    instanceOf: TypeError,
    message: 'recv_into() argument 1 must be read-write bytes-like object, not Proxy',
  })
  await t.throwsAsync(loop.sock_sendall(a, proxied), { instanceOf: TypeError, message })
  // Nothing was harmed.
  a.sendall(Buffer.from('ok'))
  t.is(b.recv(2).toString(), 'ok')
  a.close()
  b.close()
})

test('sock_sendfile takes an fd as a C int, as os.fstat (found by the fuzz suite)', async (t) => {
  const [a, b] = socket.socketpair()
  const expected = pyEval(`
import os
try:
    os.fstat(2**40)
except OverflowError as e:
    print(json.dumps(f'{type(e).__name__}: {e}'))
`)
  const e = await t.throwsAsync(loop.sock_sendfile(a, 2 ** 40))
  t.is(`${e!.constructor.name}: ${e!.message}`, expected as string)
  a.close()
  b.close()
})

test('the poller in use is the one asked for', (t) => {
  const [a, b] = socket.socketpair()
  const p = loop.sock_recv(a, 1)
  b.sendall(Buffer.from('z'))
  return p.then((got) => {
    t.is(got.toString(), 'z')
    if (POLLER === 'thread') t.is(readinessKind(), 'thread')
    a.close()
    b.close()
  })
})
