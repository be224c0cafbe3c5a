// `npm run soak`: SOAK_SECONDS (default 300) of churn through every path
// that makes and lets go of resources: synchronous TCP and Unix sockets,
// socket.loop calls, fd passing with SCM_RIGHTS, sockets left to the
// finaliser, calls waiting on fds closed behind the loop's back, and
// Workers terminated with calls pending. Samples RSS, V8 heap and open fds
// every second (after a gc), fits a line to each over the time after the
// warm-up, prints the slopes, and fails when one grows. Build first.
'use strict'
const { execFileSync } = require('node:child_process')
const { closeSync, readdirSync } = require('node:fs')
const { Worker } = require('node:worker_threads')

if (typeof globalThis.gc !== 'function') {
  // Samples are taken after a full collection.
  try {
    execFileSync(process.execPath, ['--expose-gc', '--no-warnings', __filename], {
      stdio: 'inherit',
    })
  } catch (e) {
    process.exitCode = e.status ?? 1
  }
  return
}

const socket = require('..')
const { loop } = socket

const SECONDS = Number(process.env.SOAK_SECONDS ?? 300)
const WARMUP = Math.min(30, SECONDS / 5)
// Growth over the measured window that counts as a leak.
const LIMITS = { rssMiB: 24, heapMiB: 8, fds: 4 }

const openFds = () => readdirSync('/proc/self/fd').length
const counts = { sync: 0, loop: 0, fdpass: 0, finalised: 0, closedBehind: 0, workers: 0 }

function listener(family = socket.AF_INET) {
  const srv = socket.socket(family, socket.SOCK_STREAM)
  srv.bind(family === socket.AF_INET ? ['127.0.0.1', 0] : '')
  srv.listen(64)
  return srv
}

/** Synchronous: connect, accept, one exchange, close; and a socketpair exchange. */
function syncRound(srv) {
  const c = socket.create_connection(srv.getsockname(), 5)
  const [conn] = srv.accept()
  c.sendall(Buffer.alloc(1000, 7))
  const buf = Buffer.alloc(1000)
  let got = 0
  while (got < 1000) got += conn.recv_into(buf.subarray(got))
  conn.close()
  c.close()
  const [a, b] = socket.socketpair()
  a.send(Buffer.from('ping'))
  b.recv(4)
  a.close()
  b.close()
  counts.sync++
}

/** socket.loop: accept, connect, ping-pong, sendall of 64 KiB, close. */
async function loopRound(srv) {
  const c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
  const accepted = loop.sock_accept(srv)
  await loop.sock_connect(c, srv.getsockname())
  const [conn] = await accepted
  for (let i = 0; i < 20; i++) {
    await loop.sock_sendall(c, Buffer.from('x'))
    await loop.sock_recv(conn, 1)
  }
  const big = Buffer.alloc(65536, 1)
  const sending = loop.sock_sendall(conn, big)
  const into = Buffer.alloc(65536)
  let got = 0
  while (got < big.length) got += await loop.sock_recv_into(c, into.subarray(got))
  await sending
  conn.close()
  c.close()
  counts.loop++
}

/** SCM_RIGHTS: pass a socket's fd, use the copy, close everything. */
function fdPassRound() {
  const [a, b] = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
  const [x, y] = socket.socketpair()
  socket.send_fds(a, [Buffer.from('f')], [x.fileno()])
  const [, fds] = socket.recv_fds(b, 10, 1)
  const passed = socket.socket({ fileno: fds[0] })
  passed.send(Buffer.from('z'))
  y.recv(1)
  for (const s of [a, b, x, y, passed]) s.close()
  counts.fdpass++
}

/** A socket left to the finaliser, and a second owner of an fd collected. */
function finaliserRound() {
  socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
  const [a, b] = socket.socketpair()
  socket.socket({ fileno: a.fileno() })
  a.close()
  b.close()
  counts.finalised++
}

/** A loop call waiting on an fd that other code closes. */
async function closedBehindRound() {
  const [a, b] = socket.socketpair()
  const p = loop.sock_recv(a, 1).catch(() => null)
  closeSync(a.fileno())
  await p
  b.close()
  counts.closedBehind++
}

const WORKER = `
const socket = require(${JSON.stringify(require.resolve('..'))})
const { parentPort } = require('node:worker_threads')
const [a, b] = socket.socketpair()
socket.loop.sock_recv(a, 1).catch(() => {})
globalThis.keep = [a, b]
parentPort.postMessage('ready')
`

/** A Worker with a pending loop call, terminated. */
async function workerRound() {
  const w = new Worker(WORKER, { eval: true })
  await new Promise((resolve, reject) => {
    w.once('message', resolve)
    w.once('error', reject)
  })
  await w.terminate()
  counts.workers++
}

/** Least-squares slope of ys over xs. */
function slope(xs, ys) {
  const n = xs.length
  const mx = xs.reduce((s, x) => s + x, 0) / n
  const my = ys.reduce((s, y) => s + y, 0) / n
  let num = 0
  let den = 0
  for (let i = 0; i < n; i++) {
    num += (xs[i] - mx) * (ys[i] - my)
    den += (xs[i] - mx) ** 2
  }
  return den === 0 ? 0 : num / den
}

async function main() {
  process.on('warning', () => {}) // ResourceWarnings from the finaliser rounds are expected
  const srv = listener()
  const samples = []
  const start = Date.now()
  let nextSample = start
  console.log(`soak: ${SECONDS}s (warm-up ${WARMUP}s), pid ${process.pid}`)
  for (let round = 0; Date.now() - start < SECONDS * 1000; round++) {
    syncRound(srv)
    await loopRound(srv)
    fdPassRound()
    if (round % 4 === 0) finaliserRound()
    if (round % 8 === 0) await closedBehindRound()
    if (round % 50 === 0) await workerRound()
    if (Date.now() >= nextSample) {
      nextSample += 1000
      // Collect, then give the finalisers of what was collected a moment.
      globalThis.gc()
      await new Promise((r) => setTimeout(r, 20))
      const m = process.memoryUsage()
      const t = (Date.now() - start) / 1000
      samples.push({ t, rss: m.rss / 2 ** 20, heap: m.heapUsed / 2 ** 20, fds: openFds() })
      if (samples.length % 30 === 0) {
        const s = samples[samples.length - 1]
        console.log(
          `t=${t.toFixed(0)}s rss=${s.rss.toFixed(1)}MiB heap=${s.heap.toFixed(1)}MiB fds=${s.fds} ` +
            JSON.stringify(counts),
        )
      }
    }
  }
  srv.close()
  if (process.env.SOAK_FDS) {
    globalThis.gc()
    await new Promise((r) => setTimeout(r, 200))
    const kinds = {}
    for (const fd of readdirSync('/proc/self/fd')) {
      let target = '?'
      try {
        target = require('node:fs').readlinkSync(`/proc/self/fd/${fd}`).replace(/\d+/g, 'N')
      } catch {}
      kinds[target] = (kinds[target] ?? 0) + 1
    }
    console.log('open fds by kind', JSON.stringify(kinds))
  }
  const measured = samples.filter((s) => s.t >= WARMUP)
  const xs = measured.map((s) => s.t / 60)
  const window = (measured[measured.length - 1].t - measured[0].t) / 60
  const result = {}
  let failed = false
  for (const [key, unit, limit] of [
    ['rss', 'MiB', LIMITS.rssMiB],
    ['heap', 'MiB', LIMITS.heapMiB],
    ['fds', '', LIMITS.fds],
  ]) {
    const perMin = slope(
      xs,
      measured.map((s) => s[key]),
    )
    const growth = perMin * window
    const bad = growth > limit
    failed ||= bad
    result[key] = { perMinute: +perMin.toFixed(3), overWindow: +growth.toFixed(2), limit }
    console.log(
      `${bad ? 'GROWS' : 'flat '} ${key}: ${perMin.toFixed(3)}${unit}/min, ` +
        `${growth.toFixed(2)}${unit} over ${window.toFixed(1)} min (limit ${limit}${unit})`,
    )
  }
  console.log('rounds', JSON.stringify(counts))
  console.log(JSON.stringify({ ok: !failed, slopes: result }))
  process.exitCode = failed ? 1 : 0
}

main().catch((e) => {
  console.error(e)
  process.exitCode = 1
})
