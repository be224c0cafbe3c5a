// loop.sock_stream: a stream.Duplex over real connected sockets (TCP on
// loopback, AF_UNIX socketpairs): data, backpressure, half-close both
// ways, reset and destroy mid-transfer, the net.Socket members, many
// streams at once, and 1 GiB through stream.pipeline with a checksum and
// bounded memory.
import test from 'ava'
import { createHash } from 'node:crypto'
import { once } from 'node:events'
import { spawnSync } from 'node:child_process'
import { Worker } from 'node:worker_threads'
import { Duplex, Readable, Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { constants as osConstants } from 'node:os'

import * as socket from '../index'
import { runNode } from './helpers/child'
import { checkFdLeaks } from './helpers/fds'
import { onlyPythonErrors } from './helpers/anyvalue'

checkFdLeaks(test)

const { loop } = socket
type Sock = socket.socket

/** A connected TCP pair on loopback: [client, accepted]. */
async function tcpPair(): Promise<[Sock, Sock]> {
  using srv = socket.create_server(['127.0.0.1', 0])
  const c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
  const accepted = loop.sock_accept(srv)
  await loop.sock_connect(c, srv.getsockname())
  const [conn] = await accepted
  return [c, conn]
}

/**
 * Everything `stream` yields until its end, as one Buffer ('data' events:
 * unlike `for await`, this leaves the writable side open).
 */
function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = []
    stream.on('data', (chunk: Buffer) => parts.push(chunk))
    stream.once('end', () => resolve(Buffer.concat(parts)))
    stream.once('error', reject)
  })
}

/** Settles once `s` has emitted 'close' (at once if it has already). */
function closed(s: Duplex): Promise<unknown> {
  return s.closed ? Promise.resolve() : once(s, 'close')
}

/** Deterministic bytes: chunk `i` of `size` bytes of a fixed pattern keyed by `i`. */
function chunkOf(i: number, size: number, base: Buffer): Buffer {
  const b = Buffer.from(base.subarray(0, size))
  b.writeUInt32LE(i, 0)
  return b
}

test('bytes go both ways over a socketpair; end() reaches the peer as end of stream', async (t) => {
  const [a, b] = socket.socketpair()
  const sa = loop.sock_stream(a)
  const sb = loop.sock_stream(b)
  t.true(sa instanceof socket.SocketStream)
  t.is(sa.sock, a)
  const got = readAll(sb)
  // A side that nobody reads never sees its end of stream (as net).
  sa.resume()
  sa.write('hello ')
  sa.end(Buffer.from('world'))
  t.is((await got).toString(), 'hello world')
  // allowHalfOpen false (net's default): b ends its side too, and both close.
  await Promise.all([closed(sa), closed(sb)])
  t.is(a.fileno(), -1)
  t.is(b.fileno(), -1)
  t.is(sa.bytesWritten, 11)
  t.is(sb.bytesRead, 11)
  // Not an INET family: no addresses, as net on pipes.
  t.is(sa.remoteAddress, undefined)
  t.deepEqual(sa.address(), {})
})

test('TCP: addresses come from getpeername/getsockname', async (t) => {
  const [c, conn] = await tcpPair()
  const sc = loop.sock_stream(c)
  const [host, port] = conn.getsockname() as [string, number]
  t.is(sc.remoteAddress, host)
  t.is(sc.remotePort, port)
  t.is(sc.remoteFamily, 'IPv4')
  const [lhost, lport] = c.getsockname() as [string, number]
  t.is(sc.localAddress, lhost)
  t.is(sc.localPort, lport)
  t.deepEqual(sc.address(), { address: lhost, family: 'IPv4', port: lport })
  t.is(sc.readyState, 'open')
  sc.destroy()
  conn.close()
  await closed(sc)
  t.is(sc.readyState, 'closed')
})

test('half-close both ways with allowHalfOpen: each side writes after the other ended', async (t) => {
  const [c, conn] = await tcpPair()
  const x = loop.sock_stream(c, { allowHalfOpen: true })
  const y = loop.sock_stream(conn, { allowHalfOpen: true })
  // x ends first; y still writes and x still reads.
  x.end('from x')
  t.is((await readAll(y)).toString(), 'from x')
  t.false(y.writableEnded)
  y.end('from y after x ended')
  t.is((await readAll(x)).toString(), 'from y after x ended')
  await Promise.all([closed(x), closed(y)])
  t.is(c.fileno(), -1)
  t.is(conn.fileno(), -1)

  // And the other way round: y ends first.
  const [c2, conn2] = await tcpPair()
  const x2 = loop.sock_stream(c2, { allowHalfOpen: true })
  const y2 = loop.sock_stream(conn2, { allowHalfOpen: true })
  y2.end('from y')
  t.is((await readAll(x2)).toString(), 'from y')
  x2.end('from x after y ended')
  t.is((await readAll(y2)).toString(), 'from x after y ended')
  await Promise.all([closed(x2), closed(y2)])
})

test('end() is shutdown(SHUT_WR): a sync peer reads b"" and can still send', async (t) => {
  const [c, conn] = await tcpPair()
  const x = loop.sock_stream(c, { allowHalfOpen: true })
  x.end('bye')
  await once(x, 'finish')
  conn.settimeout(10)
  t.is(conn.recv(10).toString(), 'bye')
  t.is(conn.recv(10).length, 0)
  conn.sendall(Buffer.from('still here'))
  conn.close()
  t.is((await readAll(x)).toString(), 'still here')
  await closed(x)
})

test('a reset mid-transfer destroys the stream with ConnectionResetError, then closes the fd', async (t) => {
  const [c, conn] = await tcpPair()
  const x = loop.sock_stream(c)
  const big = Buffer.alloc(1 << 20, 7)
  // The peer reads a little, then resets (SO_LINGER 0) with data unread.
  let written = 0
  const writing = (async () => {
    while (!x.destroyed) {
      written += big.length
      if (!x.write(big))
        await new Promise((resolve) => x.once('drain', resolve).once('close', resolve))
    }
  })()
  conn.settimeout(10)
  conn.recv(1000)
  const linger = Buffer.alloc(8)
  linger.writeInt32LE(1, 0)
  linger.writeInt32LE(0, 4)
  conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
  conn.close()
  const [err] = (await once(x, 'error')) as [Error]
  t.true(
    err instanceof socket.ConnectionResetError || err instanceof socket.BrokenPipeError,
    String(err),
  )
  t.true(err instanceof socket.OSError)
  await closed(x)
  await writing
  t.is(c.fileno(), -1)
  t.true(written > 0)
})

test('destroy() mid-transfer: the destroyed side closes quietly, the writer sees the connection go', async (t) => {
  const [c, conn] = await tcpPair()
  const writer = loop.sock_stream(c)
  const reader = loop.sock_stream(conn)
  const chunk = Buffer.alloc(256 * 1024, 1)
  let received = 0
  reader.on('data', (d: Buffer) => {
    received += d.length
    if (received > 4 << 20) reader.destroy()
  })
  const readerClosed = closed(reader)
  const writerError = once(writer, 'error')
  const pump = (): void => {
    while (!writer.destroyed && writer.write(chunk));
    if (!writer.destroyed) writer.once('drain', pump)
  }
  pump()
  await readerClosed
  t.is(conn.fileno(), -1)
  t.false(reader.errored !== null && reader.errored !== undefined)
  const [err] = (await writerError) as [socket.OSError]
  t.true(err instanceof socket.ConnectionError, String(err))
  t.true([osConstants.errno.EPIPE, osConstants.errno.ECONNRESET].includes(err.errno!))
  await closed(writer)
  t.is(c.fileno(), -1)
})

test('destroy() with autoClose false leaves the socket open for the sync API; one stream per socket', async (t) => {
  const [a, b] = socket.socketpair()
  const sa = loop.sock_stream(a, { autoClose: false })
  t.throws(() => loop.sock_stream(a), { instanceOf: socket.ValueError })
  const sb = loop.sock_stream(b)
  const first = once(sa, 'data')
  sb.write('one')
  t.is(String((await first)[0]), 'one')
  sa.destroy()
  await closed(sa)
  t.true(a.fileno() >= 0)
  // The socket is the caller's again: sync calls work.
  sb.write('two')
  a.settimeout(10)
  t.is(a.recv(10).toString(), 'two')
  a.sendall(Buffer.from('three'))
  t.is(String((await once(sb, 'data'))[0]), 'three')
  // And a new stream may take it.
  const again = loop.sock_stream(a)
  again.destroy()
  sb.destroy()
  await Promise.all([closed(again), closed(sb)])
  t.is(a.fileno(), -1)
})

test('closing the socket under the stream destroys it with EBADF', async (t) => {
  const [a, b] = socket.socketpair()
  const sa = loop.sock_stream(a)
  sa.resume()
  // Let the read start waiting.
  await new Promise((resolve) => setImmediate(resolve))
  a.close()
  const [err] = (await once(sa, 'error')) as [socket.OSError]
  t.true(err instanceof socket.OSError)
  t.is(err.errno, osConstants.errno.EBADF)
  b.close()
})

test('bad arguments: TypeError, ValueError, and ENOTCONN for an unconnected socket', (t) => {
  t.throws(() => loop.sock_stream(3 as unknown as Sock), {
    instanceOf: TypeError,
    message: "sock_stream() argument 'sock' must be a socket, not int",
  })
  using u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
  t.throws(() => loop.sock_stream(u), { instanceOf: socket.ValueError })
  using s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
  const e = t.throws(() => loop.sock_stream(s), { instanceOf: socket.OSError })
  t.is((e as socket.OSError).errno, osConstants.errno.ENOTCONN)
  t.is(e!.message, `[Errno ${osConstants.errno.ENOTCONN}] Transport endpoint is not connected`)
  const [a, b] = socket.socketpair()
  t.throws(() => loop.sock_stream(a, { readSize: 0 }), { instanceOf: RangeError })
  t.throws(() => loop.sock_stream(a, 'x' as never), { instanceOf: TypeError })
  a.close()
  b.close()
  t.throws(() => loop.sock_stream(a), { instanceOf: socket.OSError })
})

test('a value of any type in any argument: the exception class, never a crash', (t) => {
  let [a, b] = socket.socketpair()
  const made: Duplex[] = []
  onlyPythonErrors(
    [
      (v) => loop.sock_stream(v),
      (v) => made.push(loop.sock_stream(a, v)),
      (v) => loop.sock_messages(v),
      (v) => {
        const u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try {
          made.push(loop.sock_messages(u, v))
        } catch (e) {
          u.close()
          throw e
        }
      },
      (v) => loop.sock_serve(v),
      (v) => socket.fromnode(v),
    ],
    ['TypeError', 'ValueError', 'RangeError'],
    300,
    () => {
      for (const s of made.splice(0)) s.destroy()
      if (a.fileno() === -1) {
        b.close()
        ;[a, b] = socket.socketpair()
      }
    },
  )
  a.close()
  b.close()
  t.pass()
})

test('setNoDelay and setKeepAlive set TCP_NODELAY, SO_KEEPALIVE and TCP_KEEPIDLE', async (t) => {
  const [c, conn] = await tcpPair()
  const x = loop.sock_stream(c)
  t.is(x.setNoDelay(), x)
  t.truthy(c.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
  x.setNoDelay(false)
  t.falsy(c.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
  x.setKeepAlive(true, 7500)
  t.truthy(c.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE))
  t.is(c.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE), 7)
  x.setKeepAlive(false)
  t.falsy(c.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE))
  // Other families: no effect, no error (as net on pipes).
  const [a, b] = socket.socketpair()
  const sa = loop.sock_stream(a)
  t.is(sa.setNoDelay(true).setKeepAlive(true), sa)
  for (const s of [x, sa]) s.destroy()
  b.close()
  conn.close()
  await Promise.all([closed(x), closed(sa)])
})

test("setTimeout emits 'timeout' when idle and leaves the stream open", async (t) => {
  const [a, b] = socket.socketpair()
  const sa = loop.sock_stream(a)
  sa.resume()
  let fired = 0
  sa.setTimeout(30, () => fired++)
  t.is(sa.timeout, 30)
  await once(sa, 'timeout')
  t.is(fired, 1)
  t.false(sa.destroyed)
  // It stays usable.
  b.sendall(Buffer.from('x'))
  t.is(String((await once(sa, 'data'))[0]), 'x')
  sa.setTimeout(0)
  t.is(sa.timeout, undefined)
  t.throws(() => sa.setTimeout(-1), { instanceOf: RangeError })
  sa.destroy()
  b.close()
  await closed(sa)
})

test('the socket timeout does not cut an idle stream (reads wait without it)', async (t) => {
  const [a, b] = socket.socketpair()
  a.settimeout(0.02)
  const sa = loop.sock_stream(a)
  sa.resume()
  await new Promise((resolve) => setTimeout(resolve, 100))
  t.false(sa.destroyed)
  b.sendall(Buffer.from('late'))
  t.is(String((await once(sa, 'data'))[0]), 'late')
  sa.destroy()
  b.close()
  await closed(sa)
})

test('unref() lets the process exit while a read waits; ref() keeps it', (t) => {
  const script = (ref: boolean): string => `
    const socket = require(${JSON.stringify(require.resolve('../index'))})
    const [a, b] = socket.socketpair()
    const s = socket.loop.sock_stream(a)
    s.resume()
    s.unref()
    ${ref ? 's.ref(); setTimeout(() => { console.log("still alive"); process.exit(3) }, 300)' : ''}
    process.on('exit', () => console.log('exited'))
  `
  const unrefd = spawnSync(process.execPath, ['-e', script(false)], {
    encoding: 'utf8',
    timeout: 30000,
  })
  t.is(unrefd.status, 0, unrefd.stderr)
  t.is(unrefd.stdout.trim(), 'exited')
  const refd = spawnSync(process.execPath, ['-e', script(true)], {
    encoding: 'utf8',
    timeout: 30000,
  })
  t.is(refd.status, 3, refd.stderr)
  t.regex(refd.stdout, /still alive/)
})

test("an exception in a 'data' listener is the uncaught exception, as under net", (t) => {
  const script = `
    const socket = require(${JSON.stringify(require.resolve('../index'))})
    const [a, b] = socket.socketpair()
    process.on('uncaughtException', (e) => { console.log('uncaught: ' + e.message); process.exit(0) })
    process.on('unhandledRejection', (e) => { console.log('unhandled rejection: ' + e.message); process.exit(4) })
    socket.loop.sock_stream(a).on('data', () => { throw new Error('boom in data') })
    b.sendall(Buffer.from('x'))
  `
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 30000 })
  t.is(r.stdout.trim(), 'uncaught: boom in data', r.stderr)
  t.is(r.status, 0)
})

test('streams work in a Worker thread, on its own loop', async (t) => {
  const code = `
    const { parentPort } = require('node:worker_threads')
    const socket = require(${JSON.stringify(require.resolve('../index'))})
    const [a, b] = socket.socketpair()
    const x = socket.loop.sock_stream(a)
    const y = socket.loop.sock_stream(b)
    y.pipe(y)
    const parts = []
    x.on('data', (d) => parts.push(d))
    x.on('close', () => parentPort.postMessage([Buffer.concat(parts).length, a.fileno()]))
    x.end(Buffer.alloc(1 << 20, 9))
  `
  const w = new Worker(code, { eval: true })
  // Both listeners first: the message and the exit can come in one turn.
  const exited = once(w, 'exit')
  const [[n, fd]] = (await once(w, 'message')) as [[number, number]]
  t.is(n, 1 << 20)
  t.is(fd, -1)
  // The worker exits by itself: nothing it polled keeps its loop alive.
  const [exitCode] = await exited
  t.is(exitCode, 0)
})

test('destroySoon() ends the writable side and destroys once it is out', async (t) => {
  const [c, conn] = await tcpPair()
  const x = loop.sock_stream(c)
  x.write(Buffer.alloc(100000, 3))
  x.destroySoon()
  await closed(x)
  t.is(c.fileno(), -1)
  conn.settimeout(10)
  let n = 0
  for (;;) {
    const d = conn.recv(65536)
    if (d.length === 0) break
    n += d.length
  }
  t.is(n, 100000)
  conn.close()
})

test('many streams at once: 200 socketpairs echo through streams concurrently', async (t) => {
  const N = 200
  const base = Buffer.alloc(50000)
  for (let i = 0; i < base.length; i++) base[i] = (i * 31) & 0xff
  const runs = Array.from({ length: N }, async (_, i) => {
    const [a, b] = socket.socketpair()
    const client = loop.sock_stream(a)
    const echo = loop.sock_stream(b)
    echo.pipe(echo)
    const payload = chunkOf(i, 1000 + i * 200, base)
    const got = readAll(client)
    client.end(payload)
    const back = await got
    await closed(client)
    return back.equals(payload)
  })
  const ok = await Promise.all(runs)
  t.is(ok.filter(Boolean).length, N)
})

test('idle streams hold no read buffer: 1000 sock_stream and 1000 sock_messages waiting after a message', async (t) => {
  // In a child process: the other tests of this file allocate meanwhile.
  const code = `
const socket = require(${JSON.stringify(require.resolve('../index'))})
const N = 1000
const pairs = []
let chunks = 0
const before = process.memoryUsage().arrayBuffers
for (let i = 0; i < N; i++) {
  const [a, b] = socket.socketpair()
  const s = socket.loop.sock_stream(a)
  s.on('data', () => chunks++)
  b.send(Buffer.from('hello'))
  pairs.push([s, b])
  const [c, d] = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
  const m = socket.loop.sock_messages(c)
  m.on('data', () => chunks++)
  d.send(Buffer.from('hello'))
  pairs.push([m, d])
}
const wait = () => (chunks < 2 * N ? setTimeout(wait, 10) : done())
function done() {
  gc()
  const grown = process.memoryUsage().arrayBuffers - before
  console.log(JSON.stringify({ chunks, grown }))
  for (const [s, b] of pairs) { s.destroy(); b.close() }
}
wait()`
  const r = await runNode(['--expose-gc', '-e', code], 60000)
  t.is(r.code, 0, r.stderr)
  const { chunks, grown } = JSON.parse(r.stdout) as { chunks: number; grown: number }
  t.is(chunks, 2000)
  // Each holding a 64 KiB read buffer would be 125 MiB; the chunks
  // themselves are 5 bytes each.
  t.true(grown < 1 << 20, `array buffers grew by ${grown} bytes`)
})

test('1 GiB through stream.pipeline, writer faster than reader: checksum equal, memory bounded', async (t) => {
  const TOTAL = 2 ** 30
  const CHUNK = 256 * 1024
  const [c, conn] = await tcpPair()
  const out = loop.sock_stream(c)
  const inp = loop.sock_stream(conn)
  const base = Buffer.alloc(CHUNK)
  for (let i = 0; i < CHUNK; i++) base[i] = (i * 7 + 3) & 0xff
  const sent = createHash('sha1')
  const received = createHash('sha1')
  let backpressure = 0
  let count = 0
  const source = new Readable({
    highWaterMark: CHUNK,
    read() {
      // As fast as it is asked: pipeline stops calling when write() says so.
      const i = count++
      if (i * CHUNK >= TOTAL) return void this.push(null)
      const b = chunkOf(i, CHUNK, base)
      sent.update(b)
      this.push(b)
    },
  })
  out.on('drain', () => backpressure++)
  let got = 0
  let slow = 0
  const sink = new Writable({
    highWaterMark: CHUNK,
    write(chunk: Buffer, _enc, cb) {
      received.update(chunk)
      got += chunk.length
      // The reader is the slow side: a loop turn every few chunks.
      if (++slow % 8 === 0) setImmediate(cb)
      else cb()
    },
  })
  const baseline = process.memoryUsage()
  let peak = 0
  let buffered = 0
  const sampler = setInterval(() => {
    const m = process.memoryUsage()
    peak = Math.max(peak, m.arrayBuffers - baseline.arrayBuffers)
    buffered = Math.max(buffered, out.writableLength + inp.readableLength)
  }, 10)
  // out's readable side sees the end once inp, done, ends its own side.
  out.resume()
  try {
    await Promise.all([pipeline(source, out), pipeline(inp, sink), closed(out)])
  } finally {
    clearInterval(sampler)
  }
  t.is(got, TOTAL)
  t.is(out.bytesWritten, TOTAL)
  t.is(inp.bytesRead, TOTAL)
  t.is(received.digest('hex'), sent.digest('hex'))
  t.true(backpressure > 0, 'the writer waited for drain')
  // What the streams buffer is bounded by their high-water marks (plus the
  // chunk in hand), and the process's buffers by that and the garbage not
  // yet collected, not by the size of the transfer.
  t.true(buffered <= 4 * CHUNK, `streams buffered ${buffered} bytes`)
  t.true(peak < 256 * 2 ** 20, `peak external memory ${peak} bytes`)
  t.log(`peak external memory ${(peak / 2 ** 20).toFixed(1)} MiB, buffered ${buffered} bytes`)
  t.is(c.fileno(), -1)
  t.is(conn.fileno(), -1)
})
