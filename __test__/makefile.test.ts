import test from 'ava'

import * as socket from '../index'
import { onlyPythonErrors } from './helpers/anyvalue'
import { checkFdLeaks } from './helpers/fds'
import { py } from './helpers/pyjson'

checkFdLeaks(test)

function outcome(f: () => unknown): [string, unknown] {
  try {
    const r = f()
    return ['OK', r === undefined ? null : Buffer.isBuffer(r) ? r.toString('latin1') : r]
  } catch (e) {
    return [(e as Error).name, (e as Error).message]
  }
}

const isOpen = (fd: number): boolean => {
  try {
    require('node:fs').fstatSync(fd)
    return true
  } catch {
    return false
  }
}

test('binary reads: read(n), read1, readline, readlines, readinto, iteration, read()', (t) => {
  const [a, b] = socket.socketpair()
  const f = b.makefile('rb') as any
  a.sendall(Buffer.from('line one\nline two\nthird line\nfour\nrest'))
  a.shutdown(socket.SHUT_WR)
  t.is(f.read(4).toString(), 'line')
  t.is(f.readline().toString(), ' one\n')
  t.is(f.readline(4).toString(), 'line')
  t.is(f.readline().toString(), ' two\n')
  const buf = Buffer.alloc(5)
  t.is(f.readinto(buf), 5)
  t.is(buf.toString(), 'third')
  t.deepEqual(
    [...f].map((l: Buffer) => l.toString()),
    [' line\n', 'four\n', 'rest'],
  )
  t.is(f.read().length, 0)
  t.is(f.mode, 'rb')
  t.is(f.name, b.fileno())
  f.close()
  a.close()
  b.close()
})

test('binary writes are buffered until flush or close', (t) => {
  const [a, b] = socket.socketpair()
  const w = a.makefile('wb') as any
  t.is(w.write(Buffer.from('abc')), 3)
  t.is(w.write(new Uint8Array([0x64])), 1)
  b.setblocking(false)
  t.throws(() => b.recv(10), { instanceOf: socket.BlockingIOError })
  w.flush()
  t.is(b.recv(10).toString(), 'abcd')
  // A write larger than the buffer goes out at once.
  const big = Buffer.alloc(20000, 0x78)
  w.write(big)
  let got = 0
  while (got < big.length) got += b.recv(1 << 16).length
  t.is(got, big.length)
  w.write(Buffer.from('tail'))
  w.close()
  t.is(b.recv(10).toString(), 'tail')
  a.close()
  b.close()
})

test('text mode decodes UTF-8 across chunk boundaries and translates newlines', (t) => {
  const [a, b] = socket.socketpair()
  const r = b.makefile('r', 1) as any
  const text = 'héllo wörld €\r\nsecond\rthird\nend'
  a.sendall(Buffer.from(text))
  a.shutdown(socket.SHUT_WR)
  t.is(r.encoding, 'UTF-8')
  t.is(r.errors, 'strict')
  t.is(r.read(5), 'héllo')
  t.deepEqual(r.readlines(), [' wörld €\n', 'second\n', 'third\n', 'end'])
  r.close()
  a.close()
  b.close()
  // newline='' keeps line endings as they came; newline='\r\n' writes them.
  const [c, d] = socket.socketpair()
  const w = c.makefile('w', null, { newline: '\r\n' }) as any
  w.write('one\ntwo\n')
  w.close()
  c.shutdown(socket.SHUT_WR)
  const rr = d.makefile('r', null, { newline: '' }) as any
  t.deepEqual([...rr], ['one\r\n', 'two\r\n'])
  rr.close()
  c.close()
  d.close()
})

test('a text read/write pair over one socket pair', (t) => {
  const [a, b] = socket.socketpair()
  const fa = a.makefile('rw') as any
  const fb = b.makefile('rw') as any
  fa.write('ping\n')
  fa.flush()
  t.is(fb.readline(), 'ping\n')
  fb.write('pong\n')
  fb.flush()
  t.is(fa.readline(), 'pong\n')
  t.is(fa.mode, 'rw')
  for (const x of [fa, fb, a, b]) x.close()
})

test('the fd stays open until the socket and every file object are closed', (t) => {
  const [a, b] = socket.socketpair()
  const fd = b.fileno()
  const r = b.makefile('rb') as any
  const w = b.makefile('wb') as any
  b.close()
  t.true(isOpen(fd))
  a.sendall(Buffer.from('still\n'))
  t.is(r.readline().toString(), 'still\n')
  r.close()
  t.true(isOpen(fd))
  w.write(Buffer.from('bye'))
  w.close()
  t.is(b.fileno(), -1)
  t.is(a.recv(10).toString(), 'bye')
  // Files closed first: the socket's own close() closes the fd.
  const [c, d] = socket.socketpair()
  const fd2 = d.fileno()
  const raw = d.makefile('rb', 0) as any
  raw.close()
  raw.close()
  t.true(isOpen(fd2))
  d.close()
  t.is(d.fileno(), -1)
  a.close()
  c.close()
})

test('after a timeout, reads raise "cannot read from timed out object"', (t) => {
  const [a, b] = socket.socketpair()
  b.settimeout(0.02)
  const f = b.makefile('rb') as any
  const e1 = t.throws(() => f.read(1)) as Error
  t.is(e1.name, 'TimeoutError')
  a.sendall(Buffer.from('late'))
  const e2 = t.throws(() => f.read(1)) as Error
  t.is(e2.name, 'OSError')
  t.is(e2.message, 'cannot read from timed out object')
  f.close()
  a.close()
  b.close()
})

test('a non-blocking socket: raw reads return null when nothing is there', (t) => {
  const [a, b] = socket.socketpair()
  b.setblocking(false)
  const raw = b.makefile('rb', 0) as any
  t.is(raw.read(4), null)
  t.is(raw.readinto(Buffer.alloc(4)), null)
  a.sendall(Buffer.from('ok'))
  t.is(raw.read(4).toString(), 'ok')
  raw.close()
  a.close()
  b.close()
})

test('errors and attributes match CPython', (t) => {
  const cases: Array<[string, (a: any) => unknown]> = [
    ["a.makefile('rx')", (a) => mk(a, 'rx')],
    ["a.makefile('r', 0)", (a) => mk(a, 'r', 0)],
    ["a.makefile('r', encoding='nope')", (a) => mk(a, 'r', null, { encoding: 'nope' })],
    ["a.makefile('rb').write(b'x')", (a) => mk(a, 'rb').write(Buffer.from('x'))],
    ["a.makefile('wb').read()", (a) => mk(a, 'wb').read()],
    ["a.makefile('w').read()", (a) => mk(a, 'w').read()],
    ["a.makefile('r').write('x')", (a) => mk(a, 'r').write('x')],
    ["a.makefile('rb', 0).write(b'x')", (a) => mk(a, 'rb', 0).write(Buffer.from('x'))],
    ["a.makefile('w').write(b'x')", (a) => mk(a, 'w').write(Buffer.from('x'))],
    ["a.makefile('wb').write('x')", (a) => mk(a, 'wb').write('x')],
    ["closed(a.makefile('rb')).read()", (a) => closed(mk(a, 'rb')).read()],
    ["closed(a.makefile('rb')).readline()", (a) => closed(mk(a, 'rb')).readline()],
    ["closed(a.makefile('rb', 0)).read()", (a) => closed(mk(a, 'rb', 0)).read()],
    [
      "closed(a.makefile('rb', 0)).readinto(bytearray(1))",
      (a) => closed(mk(a, 'rb', 0)).readinto(Buffer.alloc(1)),
    ],
    ["closed(a.makefile('rb', 0)).fileno()", (a) => closed(mk(a, 'rb', 0)).fileno()],
    ["closed(a.makefile('rb', 0)).readable()", (a) => closed(mk(a, 'rb', 0)).readable()],
    ["closed(a.makefile('r')).read()", (a) => closed(mk(a, 'r')).read()],
    ["closed(a.makefile('rb', 0)).name", (a) => closed(mk(a, 'rb', 0)).name],
    ["a.makefile('r', newline='x')", (a) => mk(a, 'r', { newline: 'x' })],
    ["a.makefile('r', newline=5)", (a) => mk(a, 'r', { newline: 5 })],
    ["a.makefile('r', encoding=5)", (a) => mk(a, 'r', { encoding: 5 })],
    ["a.makefile('r', errors=5)", (a) => mk(a, 'r', { errors: 5 })],
    ["a.makefile('r', 'x')", (a) => mk(a, 'r', 'x')],
    ['a.makefile(5)', (a) => mk(a, 5)],
    ["a.makefile(mode='rb').mode", (a) => mk(a, { mode: 'rb' }).mode],
    [
      "a.makefile('w', encoding='latin-1').write('\\u20ac')",
      (a) => mk(a, 'w', { encoding: 'latin-1' }).write('\u20ac'),
    ],
    [
      "a.makefile('w', encoding='ascii').write('ab\\xe9')",
      (a) => mk(a, 'w', { encoding: 'ascii' }).write('ab\xe9'),
    ],
    [
      "a.makefile('w', encoding='ascii', errors='replace').write('\\xe9')",
      (a) => mk(a, 'w', { encoding: 'ascii', errors: 'replace' }).write('\xe9'),
    ],
    ["a.makefile('w').write('x\\ud800')", (a) => mk(a, 'w').write('x\ud800')],
    ["a.makefile('w').write('\\U0001F600!')", (a) => mk(a, 'w').write('\u{1F600}!')],
    ["a.makefile('w', errors='nope').write('x')", (a) => mk(a, 'w', { errors: 'nope' }).write('x')],
    ['a.makefile().mode', (a) => mk(a).mode],
    ["a.makefile('w').mode", (a) => mk(a, 'w').mode],
    ["a.makefile('rb', 0).mode", (a) => mk(a, 'rb', 0).mode],
    ["a.makefile('wb', 0).mode", (a) => mk(a, 'wb', 0).mode],
    ["a.makefile('rb', 0).seekable()", (a) => mk(a, 'rb', 0).seekable()],
    ["a.makefile('rb', 0).readable()", (a) => mk(a, 'rb', 0).readable()],
    ["a.makefile('rb', 0).writable()", (a) => mk(a, 'rb', 0).writable()],
  ]
  const expected = py(`
import socket, json
a, b = socket.socketpair()
def closed(f):
    f.close(); return f
out = []
for src in ${JSON.stringify(cases.map(([s]) => s))}:
    try:
        r = eval(src)
        out.append(['OK', r if isinstance(r, (int, str, bool)) or r is None else None])
    except Exception as e: out.append([type(e).__name__, str(e)])
print(json.dumps(out))`)
  const [a, b] = socket.socketpair()
  cases.forEach(([src, f], i) => {
    const got = outcome(() => f(a))
    if (expected[i][0] === 'OK' && expected[i][1] === null) got[1] = null
    t.deepEqual(got, expected[i], src)
  })
  for (const f of made) f.close()
  a.close()
  b.close()
})

const made: any[] = []
function mk(a: any, ...args: unknown[]): any {
  const f = a.makefile(...args)
  made.push(f)
  return f
}

function closed(f: any): any {
  f.close()
  return f
}

test('a forgotten file object gives its reference back when collected', async (t) => {
  const gc = (globalThis as { gc?: () => void }).gc
  if (gc === undefined) {
    t.pass('needs --expose-gc')
    return
  }
  const [a, b] = socket.socketpair()
  const fd = b.fileno()
  ;(() => {
    b.makefile('rb')
  })()
  b.close()
  t.true(isOpen(fd))
  for (let i = 0; i < 100 && b.fileno() !== -1; i++) {
    gc()
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  t.is(b.fileno(), -1)
  a.close()
})

test('text decoding matches CPython for each encoding, error handler and newline mode', (t) => {
  const payload = Buffer.from([
    0x61, 0x0d, 0x0a, 0x62, 0x0d, 0x63, 0x0a, 0x80, 0x9f, 0xe9, 0xff, 0x64, 0xc3, 0xa9, 0x0a,
  ])
  const configs: Array<[string, Record<string, string | null>]> = [
    ["encoding='latin-1'", { encoding: 'latin-1' }],
    ["encoding='latin-1', newline=''", { encoding: 'latin-1', newline: '' }],
    ["encoding='latin-1', newline='\\r'", { encoding: 'latin-1', newline: '\r' }],
    ["encoding='latin-1', newline='\\r\\n'", { encoding: 'latin-1', newline: '\r\n' }],
    ["encoding='utf-8', errors='replace'", { encoding: 'utf-8', errors: 'replace' }],
    ["encoding='ascii', errors='replace'", { encoding: 'ascii', errors: 'replace' }],
    ["encoding='ascii'", { encoding: 'ascii' }],
    ["encoding='utf-8'", { encoding: 'utf-8' }],
  ]
  const expected = py(`
import socket, json
out = []
for kw in ${JSON.stringify(configs.map(([k]) => k))}:
    a, b = socket.socketpair()
    b.sendall(bytes(${JSON.stringify([...payload])})); b.shutdown(socket.SHUT_WR)
    f = eval('a.makefile("r", ' + kw + ')')
    try: out.append(['OK', f.readlines()])
    except Exception as e: out.append([type(e).__name__])
    f.close(); a.close(); b.close()
print(json.dumps(out))`)
  configs.forEach(([kw, opts], i) => {
    const [a, b] = socket.socketpair()
    b.sendall(payload)
    b.shutdown(socket.SHUT_WR)
    const f = a.makefile('r', null, opts) as any
    let got: unknown[]
    try {
      got = ['OK', f.readlines()]
    } catch (e) {
      got = [(e as Error).name]
    }
    t.deepEqual(got, expected[i], kw)
    f.close()
    a.close()
    b.close()
  })
})

test('no argument of any type crashes makefile or its files (property)', (t) => {
  const [a, b] = socket.socketpair()
  a.setblocking(false)
  const allowed = [
    'TypeError',
    'ValueError',
    'OverflowError',
    'OSError',
    'BlockingIOError',
    'LookupError',
    'UnsupportedOperation',
  ]
  const files: any[] = []
  const calls: Array<(v: any) => unknown> = [
    (v) => files.push(a.makefile(v)),
    (v) => files.push(a.makefile('rb', v)),
    (v) => files.push(a.makefile('r', null, { encoding: v })),
    (v) => files.push(a.makefile('r', null, { newline: v })),
    (v) => {
      const f = a.makefile('rb')
      files.push(f)
      return f.read(v)
    },
    (v) => {
      const f = a.makefile('wb')
      files.push(f)
      return f.write(v)
    },
    (v) => {
      const f = a.makefile('w')
      files.push(f)
      return f.write(v)
    },
  ]
  onlyPythonErrors(calls, allowed, 300)
  for (const f of files) {
    try {
      f.close()
    } catch {
      // A write that could not be flushed.
    }
  }
  a.close()
  b.close()
  t.pass()
})
