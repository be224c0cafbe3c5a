import test from 'ava'
import { spawn } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'

import * as socket from '../index'

const { loop } = socket
import { onlyPythonErrors } from './helpers/anyvalue'
import { checkFdLeaks, withoutOpenFds } from './helpers/fds'
import { py } from './helpers/pyjson'

checkFdLeaks(test)

function outcome(f: () => unknown): [string, unknown] {
  try {
    const r = f()
    return ['OK', typeof r === 'number' ? r : null]
  } catch (e) {
    return [(e as Error).name, (e as Error).message]
  }
}

/** The file position of an fd, from /proc (Node has no lseek). */
function tell(fd: number): number {
  const m = /^pos:\s*(\d+)/m.exec(fs.readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'))
  return Number(m![1])
}

function drain(s: ReturnType<typeof socket.socket>): string {
  try {
    return s.recv(1 << 16, socket.MSG_DONTWAIT).toString()
  } catch {
    return ''
  }
}

function tempFile(content: Buffer | string): [string, () => void] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pysocket-sendfile-'))
  const p = path.join(dir, 'data')
  fs.writeFileSync(p, content)
  return [p, () => fs.rmSync(dir, { recursive: true, force: true })]
}

// [offset, count] steps; null means the argument is left out.
const STEPS: Array<[number | null, number | null]> = [
  [null, null],
  [3, null],
  [3, 2],
  [100, null],
  [8, 100],
  [0, 10],
  [9, 1],
  [-1, null],
]

test('offset, count, result and file position match CPython step by step', (t) => {
  const [p, cleanup] = tempFile('abcdefghij')
  try {
    const expected = py(`
import socket, json
a, b = socket.socketpair()
f = open(${JSON.stringify(p)}, 'rb')
out = []
for off, cnt in ${JSON.stringify(STEPS).replace(/null/g, 'None')}:
    args = [f] + ([off] if off is not None else []) + ([cnt] if cnt is not None else [])
    try: r = ['OK', a.sendfile(*args)]
    except Exception as e: r = [type(e).__name__, str(e)]
    try: got = b.recv(100, socket.MSG_DONTWAIT).decode()
    except BlockingIOError: got = ''
    out.append([r, got, f.tell()])
print(json.dumps(out))`)
    const [a, b] = socket.socketpair()
    const fd = fs.openSync(p, 'r')
    const got = STEPS.map(([off, cnt]) => {
      const args: unknown[] = [fd]
      if (off !== null) args.push(off)
      if (cnt !== null) args.push(cnt)
      const r = outcome(() => (a.sendfile as any)(...args))
      return [r, drain(b), tell(fd)]
    })
    t.deepEqual(got, expected)
    fs.closeSync(fd)
    a.close()
    b.close()
  } finally {
    cleanup()
  }
})

test('argument errors match CPython', (t) => {
  const [p, cleanup] = tempFile('abcdefghij')
  try {
    const cases: Array<[string, (a: any, fd: number) => unknown]> = [
      ['a.sendfile(f, 0, 0)', (a, fd) => a.sendfile(fd, 0, 0)],
      ['a.sendfile(f, 0, -1)', (a, fd) => a.sendfile(fd, 0, -1)],
      ["a.sendfile(f, 0, 'a')", (a, fd) => a.sendfile(fd, 0, 'a')],
      ['a.sendfile(f, 0, 1.5)', (a, fd) => a.sendfile(fd, 0, 1.5)],
      ["a.sendfile(f, 'a')", (a, fd) => a.sendfile(fd, 'a')],
      [
        'u.sendfile(f)',
        (_a, fd) => {
          using u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
          return u.sendfile(fd)
        },
      ],
      ["a.sendfile(open(path, 'r'))", (a, fd) => a.sendfile({ fd, mode: 'r' })],
      [
        'n.sendfile(f)',
        (_a, fd) => {
          const [n, m] = socket.socketpair()
          n.setblocking(false)
          try {
            return n.sendfile(fd)
          } finally {
            n.close()
            m.close()
          }
        },
      ],
    ]
    const expected = py(`
import socket, json
a, b = socket.socketpair()
f = open(${JSON.stringify(p)}, 'rb')
path = ${JSON.stringify(p)}
out = []
for src in ${JSON.stringify(cases.map(([s]) => s))}:
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    n, m = socket.socketpair(); n.setblocking(False)
    try: out.append(['OK', eval(src)])
    except Exception as e: out.append([type(e).__name__, str(e)])
print(json.dumps(out))`)
    const [a, b] = socket.socketpair()
    const fd = fs.openSync(p, 'r')
    cases.forEach(([src, f], i) =>
      t.deepEqual(
        outcome(() => f(a, fd)),
        expected[i],
        src,
      ),
    )
    fs.closeSync(fd)
    a.close()
    b.close()
    t.throws(() => a.sendfile('x' as any), { instanceOf: TypeError })
  } finally {
    cleanup()
  }
})

test('an fd beyond a C int raises OverflowError, as os.fstat does, and never names another file', async (t) => {
  // 2 ** 32 read as a C int would be fd 0 (stdin: the send fallback would
  // block reading it), 2 ** 32 + 3 another open file.
  const expected = py(`
import os, json
out = []
for v in [2 ** 32, 2 ** 32 + 3, 1e130]:
    try: os.fstat(int(v))
    except Exception as e: out.append([type(e).__name__, str(e)])
print(json.dumps(out))`)
  const [a, b] = socket.socketpair()
  using _a = a
  using _b = b
  for (const [i, v] of [2 ** 32, 2 ** 32 + 3, 1e130].entries()) {
    for (const file of [v, { fd: v }, { fileno: () => v }]) {
      t.deepEqual(
        outcome(() => a.sendfile(file as any)),
        expected[i],
        String(v),
      )
    }
    const rejected = await loop.sock_sendfile(a, v).then(
      () => null,
      (e) => [e.constructor.name, e.message],
    )
    t.deepEqual(rejected, expected[i], `sock_sendfile ${v}`)
  }
})

test('a FileHandle, an empty file, and the send() fallback', async (t) => {
  const [p, cleanup] = tempFile('filehandle data')
  const [empty, cleanup2] = tempFile('')
  const fh = await fs.promises.open(p, 'r')
  try {
    const [a, b] = socket.socketpair()
    t.is(a.sendfile(fh, 4), 11)
    t.is(drain(b), 'handle data')
    const e = fs.openSync(empty, 'r')
    t.is(a.sendfile(e), 0)
    fs.closeSync(e)
    // The kernel refuses a directory; the fallback's read() reports EISDIR.
    const dir = fs.openSync(path.dirname(p), 'r')
    const err = t.throws(() => a.sendfile(dir)) as socket.OSError
    t.is(err.errno, os.constants.errno.EISDIR)
    fs.closeSync(dir)
    a.close()
    b.close()
  } finally {
    await fh.close()
    cleanup()
    cleanup2()
  }
})

test('a file that is not regular (here a socket) is read to its end by the send loop', (t) => {
  const [a, b] = socket.socketpair()
  const [p, q] = socket.socketpair()
  q.sendall(Buffer.from('streamed through'))
  q.shutdown(socket.SHUT_WR)
  t.is(a.sendfile(p.fileno()), 16)
  t.is(drain(b), 'streamed through')
  q.sendall(Buffer.alloc(0))
  const [r, w] = socket.socketpair()
  w.sendall(Buffer.from('0123456789'))
  w.shutdown(socket.SHUT_WR)
  t.is(a.sendfile(r, 0, 4), 4)
  t.is(drain(b), '0123')
  // A non-regular file has no position: an offset cannot be honoured.
  const e = t.throws(() => a.sendfile(r.fileno(), 2)) as socket.OSError
  t.is(e.errno, os.constants.errno.ESPIPE)
  for (const s of [a, b, p, q, r, w]) s.close()
})

test('timeout mode: TimeoutError when the peer does not read', (t) => {
  const [p, cleanup] = tempFile(Buffer.alloc(8 << 20))
  try {
    const [a, b] = socket.socketpair()
    a.settimeout(0.05)
    const fd = fs.openSync(p, 'r')
    const e = t.throws(() => a.sendfile(fd)) as Error
    t.is(e.name, 'TimeoutError')
    // What was sent moved the position, as CPython's finally clause does.
    t.true(tell(fd) > 0)
    fs.closeSync(fd)
    a.close()
    b.close()
  } finally {
    cleanup()
  }
})

test('TCP: a 4 MiB file arrives intact at a reader in another process', async (t) => {
  const data = randomBytes(4 << 20)
  const [p, cleanup] = tempFile(data)
  try {
    using srv = socket.create_server(['127.0.0.1', 0])
    const [, port] = srv.getsockname() as [string, number]
    const reader = `
const net = require('node:net'); const { createHash } = require('node:crypto')
const h = createHash('sha256'); let n = 0
const c = net.connect(${port}, '127.0.0.1')
c.on('data', (d) => { h.update(d); n += d.length })
c.on('end', () => { process.stdout.write(JSON.stringify([n, h.digest('hex')])) })`
    const child = spawn(process.execPath, ['-e', reader], { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    const done = new Promise((resolve) => child.on('exit', resolve))
    // Bounded waits: a reader that never comes fails the test, not the run.
    srv.settimeout(30)
    const [conn] = srv.accept()
    conn.settimeout(30)
    const fd = fs.openSync(p, 'r')
    t.is(conn.sendfile(fd), data.length)
    t.is(tell(fd), data.length)
    fs.closeSync(fd)
    conn.close()
    await done
    t.deepEqual(JSON.parse(out), [data.length, createHash('sha256').update(data).digest('hex')])
  } finally {
    cleanup()
  }
})

test('no argument of any type crashes sendfile: Python exception classes only (property)', (t) => {
  const [p, cleanup] = tempFile('0123456789')
  const fd = fs.openSync(p, 'r')
  const [a, b] = socket.socketpair()
  const allowed = ['TypeError', 'ValueError', 'OverflowError', 'OSError', 'BlockingIOError']
  const calls: Array<(v: any) => unknown> = [
    (v) => a.sendfile(withoutOpenFds(v) as number),
    (v) => a.sendfile(fd, v),
    (v) => a.sendfile(fd, 0, v),
  ]
  onlyPythonErrors(calls, allowed, 300, () => drain(b))
  fs.closeSync(fd)
  a.close()
  b.close()
  cleanup()
  t.pass()
})
