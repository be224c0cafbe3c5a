'use strict'
// socket.loop (the Promise API) against node:net / node:dgram and the sync API.
//
//   node bench/suites/loop.js
//
// - TCP ping-pong, 1 byte: a client (loop | node:net | sync pysocket) against
//   one echo peer process (blocking pysocket), time per round trip.
// - TCP ping-pong with both ends in one process (loop | node:net, each side
//   written the natural way), in a fresh process and after the activity of
//   a long-lived program (a waited bulk send, an abort, a timeout, a close);
//   beside them the Rust baseline making the same syscalls on one thread
//   (crates/baseline `pp1`): the kernel's share of a round trip.
// - UDP echo, 1 byte: a client (loop | node:dgram) against a UDP echo peer,
//   and with both ends in one process (fresh and after activity; baseline
//   `udp1`).
// - 10,000 concurrent connections: an echo server (loop | node:net) in its
//   own process, one client process opening 10,000 connections that each
//   echo 64 bytes several times; throughput and the server's peak RSS.
// Contenders run interleaved, each run in its own child process timing
// itself after a warm-up; the tables give medians over the rounds and the
// ratio to node. PYSOCKET_BENCH_ROUNDS sets the number of rounds (default 5).
const { execFileSync, spawn } = require('node:child_process')
const path = require('node:path')
const readline = require('node:readline')
const { baseline } = require('../common')

const ROOT = path.join(__dirname, '..', '..')
const ROUNDS = Number(process.env.PYSOCKET_BENCH_ROUNDS || 5)
const PP_ROUNDS = 20000
const PP_WARMUP = 2000
const CONNS = 10000
const CONN_ECHOES = 5

// ---------------------------------------------------------------------------
// Children: each prints one JSON line on stdout.

const children = {
  // Blocking pysocket echo peer: one connection at a time.
  'tcp-echo-peer'() {
    const socket = require(ROOT)
    const srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.bind(['127.0.0.1', 0])
    srv.listen()
    out({ port: srv.getsockname()[1] })
    for (;;) {
      const [conn] = srv.accept()
      conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
      const buf = Buffer.alloc(4096)
      for (;;) {
        const n = conn.recv_into(buf)
        if (n === 0) break
        conn.sendall(buf.subarray(0, n))
      }
      conn.close()
    }
  },

  'udp-echo-peer'() {
    const socket = require(ROOT)
    const s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(['127.0.0.1', 0])
    out({ port: s.getsockname()[1] })
    const buf = Buffer.alloc(2048)
    for (;;) {
      const [n, from] = s.recvfrom_into(buf)
      s.sendto(buf.subarray(0, n), from)
    }
  },

  async 'pp-loop'(port) {
    const socket = require(ROOT)
    const { loop } = socket
    const c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    await loop.sock_connect(c, ['127.0.0.1', port])
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    const result = await timeRounds(loopRounds(loop, c))
    c.close()
    out(result)
  },

  async 'pp-net'(port) {
    const net = require('node:net')
    const c = await netClient(net, port)
    const result = await timeRounds(netRounds(c))
    c.destroy()
    out(result)
  },

  'pp-sync'(port) {
    const socket = require(ROOT)
    const c = socket.create_connection(['127.0.0.1', port])
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    const one = Buffer.from('x')
    const buf = Buffer.alloc(64)
    const round = (n) => {
      for (let i = 0; i < n; i++) {
        c.sendall(one)
        if (c.recv_into(buf) < 1) throw new Error('short echo')
      }
    }
    round(PP_WARMUP)
    const c0 = process.cpuUsage()
    const t0 = process.hrtime.bigint()
    round(PP_ROUNDS)
    const ns = Number(process.hrtime.bigint() - t0)
    c.close()
    out({ us: ns / 1000 / PP_ROUNDS, cpu: cpuPer(c0, PP_ROUNDS) })
  },

  // Both ends in one process, each API used the natural way: pysocket
  // `await`s on both sides; node:net answers in 'data' callbacks. `after`
  // = 1 first runs the activity a long-lived program has (see busyLoop /
  // busyNet), since state it leaves behind would slow every later call.
  async 'pp1-loop'(after) {
    const socket = require(ROOT)
    const { loop } = socket
    if (after) await busyLoop(socket)
    const srv = socket.create_server(['127.0.0.1', 0])
    const c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    const [[conn]] = await Promise.all([
      loop.sock_accept(srv),
      loop.sock_connect(c, srv.getsockname()),
    ])
    for (const s of [c, conn]) s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    const echoed = (async () => {
      const b = Buffer.alloc(64)
      for (let n; (n = await loop.sock_recv_into(conn, b)) > 0;) {
        await loop.sock_sendall(conn, b.subarray(0, n))
      }
    })()
    const result = await timeRounds(loopRounds(loop, c))
    c.shutdown(socket.SHUT_WR)
    await echoed
    for (const s of [c, conn, srv]) s.close()
    out(result)
  },

  async 'pp1-net'(after) {
    const net = require('node:net')
    if (after) await busyNet(net)
    const srv = net.createServer({ noDelay: true }, (s) => {
      s.on('data', (d) => s.write(d))
      s.on('end', () => s.end())
    })
    await new Promise((resolve) => srv.listen(0, '127.0.0.1', resolve))
    const c = await netClient(net, srv.address().port)
    const result = await timeRounds(netRounds(c))
    c.destroy()
    srv.close()
    out(result)
  },

  async 'udp-loop'(port) {
    const socket = require(ROOT)
    const { loop } = socket
    const s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(['127.0.0.1', 0])
    const peer = ['127.0.0.1', port]
    const one = Buffer.from('x')
    const buf = Buffer.alloc(64)
    const round = async (n) => {
      for (let i = 0; i < n; i++) {
        await loop.sock_sendto(s, one, peer)
        await loop.sock_recvfrom_into(s, buf)
      }
    }
    const result = await timeRounds(round)
    s.close()
    out(result)
  },

  async 'udp-dgram'(port) {
    const dgram = require('node:dgram')
    const s = dgram.createSocket('udp4')
    await new Promise((resolve) => s.bind(0, '127.0.0.1', resolve))
    const result = await timeRounds(dgramRounds(s, port))
    s.close()
    out(result)
  },

  // UDP echo with both ends in one process, natural code on each side:
  // pysocket awaits on both; node:dgram answers in 'message' callbacks.
  async 'udp1-loop'(after) {
    const socket = require(ROOT)
    const { loop } = socket
    if (after) await busyLoop(socket)
    const srv = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    srv.bind(['127.0.0.1', 0])
    const c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    c.bind(['127.0.0.1', 0])
    let serving = true
    const echoed = (async () => {
      const b = Buffer.alloc(2048)
      while (serving) {
        const [n, from] = await loop.sock_recvfrom_into(srv, b)
        await loop.sock_sendto(srv, b.subarray(0, n), from)
      }
    })()
    const peer = srv.getsockname()
    const one = Buffer.from('x')
    const buf = Buffer.alloc(64)
    const result = await timeRounds(async (n) => {
      for (let i = 0; i < n; i++) {
        await loop.sock_sendto(c, one, peer)
        await loop.sock_recvfrom_into(c, buf)
      }
    })
    serving = false
    c.sendto(Buffer.from('q'), peer)
    await echoed
    for (const s of [c, srv]) s.close()
    out(result)
  },

  async 'udp1-dgram'(after) {
    const dgram = require('node:dgram')
    if (after) await busyNet(require('node:net'))
    const srv = dgram.createSocket('udp4')
    srv.on('message', (m, rinfo) => srv.send(m, rinfo.port, rinfo.address))
    await new Promise((resolve) => srv.bind(0, '127.0.0.1', resolve))
    const c = dgram.createSocket('udp4')
    await new Promise((resolve) => c.bind(0, '127.0.0.1', resolve))
    const result = await timeRounds(dgramRounds(c, srv.address().port))
    c.close()
    srv.close()
    out(result)
  },

  // 10k servers: print the port, serve, print the peak RSS when stdin says so.
  'srv10k-loop'() {
    const socket = require(ROOT)
    const { loop } = socket
    const srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(['127.0.0.1', 0])
    srv.listen(4096)
    const serve = async (conn) => {
      for (;;) {
        const data = await loop.sock_recv(conn, 256)
        if (data.length === 0) break
        await loop.sock_sendall(conn, data)
      }
      conn.close()
    }
    ;(async () => {
      for (;;) {
        const [conn] = await loop.sock_accept(srv)
        serve(conn).catch((e) => console.error(String(e)))
      }
    })().catch((e) => console.error(String(e)))
    reportOnStdin({ port: srv.getsockname()[1] })
  },

  'srv10k-net'() {
    const net = require('node:net')
    const srv = net.createServer((s) => {
      s.on('data', (d) => s.write(d))
      s.on('end', () => s.end())
      s.on('error', () => {})
    })
    srv.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => {
      reportOnStdin({ port: srv.address().port })
    })
  },

  // The same client for both servers (socket.loop, since it holds 10,000
  // sockets cheaply): connect all, then echo CONN_ECHOES times on each.
  async cli10k(port) {
    const socket = require(ROOT)
    const { loop } = socket
    const socks = []
    let next = 0
    const opener = async () => {
      while (next < CONNS) {
        next++
        const s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        socks.push(s)
        await loop.sock_connect(s, ['127.0.0.1', port])
      }
    }
    await Promise.all(Array.from({ length: 500 }, opener))
    out({ connected: socks.length })
    const msg = Buffer.alloc(64, 'm')
    const t0 = process.hrtime.bigint()
    await Promise.all(
      socks.map(async (s) => {
        const buf = Buffer.alloc(64)
        for (let k = 0; k < CONN_ECHOES; k++) {
          await loop.sock_sendall(s, msg)
          let got = 0
          while (got < msg.length) {
            const n = await loop.sock_recv_into(s, buf.subarray(got))
            if (n === 0) throw new Error('server closed')
            got += n
          }
        }
      }),
    )
    const secs = Number(process.hrtime.bigint() - t0) / 1e9
    for (const s of socks) s.close()
    out({ msgsPerSec: (CONNS * CONN_ECHOES) / secs })
  },
}

/** socket.loop's natural ping-pong: await sendall of one byte, then await its echo. */
function loopRounds(loop, c) {
  const one = Buffer.from('x')
  const buf = Buffer.alloc(64)
  return async (n) => {
    for (let i = 0; i < n; i++) {
      await loop.sock_sendall(c, one)
      if ((await loop.sock_recv_into(c, buf)) < 1) throw new Error('short echo')
    }
  }
}

/** A node:net client connected to the echo peer on `port`, with TCP_NODELAY. */
async function netClient(net, port) {
  const c = net.connect({ host: '127.0.0.1', port, noDelay: true })
  await new Promise((resolve, reject) => c.once('connect', resolve).once('error', reject))
  return c
}

/**
 * Node's natural request and reply: `send()` one byte, wait for the reply
 * in the `event` callback, of which `replies(arg)` tells how many replies
 * it carries.
 */
function callbackRounds(s, event, replies, send) {
  let waiting = null
  s.on(event, (arg) => {
    for (let i = replies(arg); i > 0; i--) {
      const w = waiting
      waiting = null
      w()
    }
  })
  return async (n) => {
    for (let i = 0; i < n; i++) {
      const p = new Promise((resolve) => (waiting = resolve))
      send()
      await p
    }
  }
}

/** node:net's ping-pong: 1-byte echoes arrive one per write, in 'data'. */
function netRounds(c) {
  const one = Buffer.from('x')
  return callbackRounds(
    c,
    'data',
    (d) => d.length,
    () => c.write(one),
  )
}

/** node:dgram's echo client: one reply per 'message'. */
function dgramRounds(s, port) {
  const one = Buffer.from('x')
  return callbackRounds(
    s,
    'message',
    () => 1,
    () => s.send(one, port, '127.0.0.1'),
  )
}

/**
 * What a program has done with socket.loop before the measured calls: a
 * 4 MiB sock_sendall that waits for a slow reader, a call aborted by its
 * AbortSignal, one that hits the socket timeout, and one pending when its
 * socket is closed.
 */
async function busyLoop(socket) {
  const { loop } = socket
  const [a, b] = socket.socketpair()
  const sent = loop.sock_sendall(a, Buffer.alloc(4 << 20))
  const sink = Buffer.alloc(1 << 16)
  for (let got = 0; got < 4 << 20;) {
    got += await loop.sock_recv_into(b, sink)
    await new Promise((resolve) => setImmediate(resolve))
  }
  await sent
  const ac = new AbortController()
  const aborted = loop.sock_recv(a, 1, { signal: ac.signal })
  setTimeout(() => ac.abort(), 1)
  await aborted.catch(() => {})
  a.settimeout(0.005)
  await loop.sock_recv(a, 1).catch(() => {})
  const pending = loop.sock_recv(b, 1).catch(() => {})
  b.close()
  await pending
  a.close()
}

/** The same activity with node:net: a 4 MiB write to a slow reader, a destroyed and a timed-out socket. */
async function busyNet(net) {
  const srv = net.createServer()
  await new Promise((resolve) => srv.listen(0, '127.0.0.1', resolve))
  const accepted = new Promise((resolve) => srv.once('connection', resolve))
  const c = net.connect(srv.address().port, '127.0.0.1')
  const s = await accepted
  s.pause()
  const drained = new Promise((resolve) => c.write(Buffer.alloc(4 << 20), resolve))
  let got = 0
  s.on('data', (d) => (got += d.length))
  const reading = setInterval(() => s.resume() && setImmediate(() => s.pause()), 0)
  await drained
  while (got < 4 << 20) await new Promise((resolve) => setImmediate(resolve))
  clearInterval(reading)
  c.setTimeout(5)
  await new Promise((resolve) => c.once('timeout', resolve))
  c.destroy()
  s.destroy()
  srv.close()
}

/** CPU µs (user + system) per round since `c0`. */
/** Runs `round` for the warm-up, then times PP_ROUNDS round trips. */
async function timeRounds(round) {
  await round(PP_WARMUP)
  const c0 = process.cpuUsage()
  const t0 = process.hrtime.bigint()
  await round(PP_ROUNDS)
  const ns = Number(process.hrtime.bigint() - t0)
  return { us: ns / 1000 / PP_ROUNDS, cpu: cpuPer(c0, PP_ROUNDS) }
}

function cpuPer(c0, n) {
  const d = process.cpuUsage(c0)
  return (d.user + d.system) / n
}

function out(obj) {
  process.stdout.write(JSON.stringify(obj) + '\n')
}

function peakRssMiB() {
  const status = require('node:fs').readFileSync('/proc/self/status', 'utf8')
  const m = /VmHWM:\s+(\d+) kB/.exec(status)
  return m ? Number(m[1]) / 1024 : process.memoryUsage().rss / 2 ** 20
}

function reportOnStdin(first) {
  out(first)
  const rl = readline.createInterface({ input: process.stdin })
  let mark = null
  rl.on('line', (line) => {
    // 'mark' when the echo phase starts, then 'report' at its end.
    if (line === 'mark') {
      mark = process.cpuUsage()
      return
    }
    const cpu = process.cpuUsage(mark ?? undefined)
    out({ peakRssMiB: peakRssMiB(), cpuSecs: (cpu.user + cpu.system) / 1e6 })
    if (process.env.PYSOCKET_BENCH_DEBUG) console.error(JSON.stringify(process.memoryUsage()))
    process.exit(0)
  })
}

// ---------------------------------------------------------------------------
// The parent: spawn, collect, tabulate.

function start(name, args = [], ulimit = false) {
  const argv = [__filename, '--child', name, ...args.map(String)]
  const child = ulimit
    ? spawn(
        'sh',
        ['-c', 'ulimit -n 20000 2>/dev/null; exec "$0" "$@"', process.execPath, ...argv],
        {
          stdio: ['pipe', 'pipe', 'inherit'],
        },
      )
    : spawn(process.execPath, argv, { stdio: ['pipe', 'pipe', 'inherit'] })
  const lines = readline.createInterface({ input: child.stdout })
  const queue = []
  const waiters = []
  lines.on('line', (l) => {
    const v = JSON.parse(l)
    if (waiters.length) waiters.shift().resolve(v)
    else queue.push(v)
  })
  child.on('exit', (code) => {
    for (const w of waiters.splice(0)) w.reject(new Error(`${name} exited with ${code}`))
  })
  return {
    child,
    next: () =>
      queue.length
        ? Promise.resolve(queue.shift())
        : new Promise((resolve, reject) => waiters.push({ resolve, reject })),
  }
}

async function runOnce(name, args, ulimit) {
  const c = start(name, args, ulimit)
  const v = await c.next()
  await new Promise((resolve) =>
    c.child.exitCode !== null ? resolve() : c.child.on('exit', resolve),
  )
  return v
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

function rotate(xs, k) {
  const n = k % xs.length
  return xs.slice(n).concat(xs.slice(0, n))
}

function fmt(x, digits = 1) {
  return x.toFixed(digits)
}

async function pingPong(kind, peerName, contenders, base) {
  const peer = start(peerName)
  const { port } = await peer.next()
  const results = Object.fromEntries(contenders.map((c) => [c, []]))
  const cpu = Object.fromEntries(contenders.map((c) => [c, []]))
  for (let r = 0; r < ROUNDS; r++) {
    for (const c of rotate(contenders, r)) {
      const v = await runOnce(c, [port])
      results[c].push(v.us)
      cpu[c].push(v.cpu)
    }
  }
  peer.child.kill()
  return { kind, results, cpu, base }
}

/**
 * In-process ping-pong: each contender fresh and after activity, and the
 * Rust baseline's `floor` command on Linux (the same syscalls on one
 * thread, see crates/baseline/src/inproc.rs), interleaved.
 */
async function inProcess(names, kind, floor) {
  const runs = names.flatMap((n) => [
    [n, 0],
    [`${n}-after`, 1],
  ])
  // The floor's epoll loop is Linux only.
  if (process.platform === 'linux') runs.push([floor, null])
  const bin = baseline()
  const results = Object.fromEntries(runs.map(([k]) => [k, []]))
  const cpu = Object.fromEntries(runs.map(([k]) => [k, []]))
  for (let r = 0; r < ROUNDS; r++) {
    for (const [key, after] of rotate(runs, r)) {
      const v =
        after === null
          ? JSON.parse(
              execFileSync(bin, [floor, String(PP_ROUNDS), String(PP_WARMUP)], {
                encoding: 'utf8',
              }),
            )
          : await runOnce(key.replace(/-after$/, ''), [after])
      results[key].push(v.us)
      cpu[key].push(v.cpu)
    }
  }
  return { kind, results, cpu, base: names[1] }
}

/** `inProcess` of `names`, as a table (CPU: the whole process, both ends). */
async function inProcessTable(names, kind, floor, labels, title, note) {
  const r = await inProcess(names, kind, floor)
  return pingPongTable(r, labels, title, note, 'process CPU µs per round trip (both ends)')
}

function pingPongTable(
  { kind, results, cpu, base },
  labels,
  title,
  note,
  cpuLabel = 'client CPU µs per round trip',
) {
  const b = median(results[base])
  const bc = median(cpu[base])
  const rows = Object.keys(results).map((c) => {
    const m = median(results[c])
    const mc = median(cpu[c])
    return `| ${labels[c]} | ${fmt(m, 2)} | ${fmt(m / b, 2)}x | ${fmt(mc, 2)} | ${fmt(mc / bc, 2)}x |`
  })
  return [
    `### ${title} (${kind}; lower is better)`,
    '',
    `| contender | median µs per round trip | ratio to ${labels[base]} | ${cpuLabel} | ratio |`,
    '| --- | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    note,
  ].join('\n')
}

async function tenK() {
  const servers = ['srv10k-loop', 'srv10k-net']
  const results = Object.fromEntries(servers.map((s) => [s, { rate: [], rss: [], cpu: [] }]))
  const rounds = Math.max(1, Math.min(ROUNDS, 3))
  for (let r = 0; r < rounds; r++) {
    for (const s of rotate(servers, r)) {
      const srv = start(s, [], true)
      const { port } = await srv.next()
      const cli = start('cli10k', [port], true)
      await cli.next()
      srv.child.stdin.write('mark\n')
      const { msgsPerSec } = await cli.next()
      srv.child.stdin.write('report\n')
      const { peakRssMiB, cpuSecs } = await srv.next()
      results[s].rate.push(msgsPerSec)
      results[s].rss.push(peakRssMiB)
      results[s].cpu.push((cpuSecs * 1e6) / (CONNS * CONN_ECHOES))
    }
  }
  const net = results['srv10k-net']
  const bRate = median(net.rate)
  const bRss = median(net.rss)
  const bCpu = median(net.cpu)
  const label = { 'srv10k-loop': 'pysocket `loop` server', 'srv10k-net': 'node:net server' }
  const rows = servers.map((s) => {
    const rate = median(results[s].rate)
    const rss = median(results[s].rss)
    const cpu = median(results[s].cpu)
    return `| ${label[s]} | ${fmt(rate, 0)} | ${fmt(rate / bRate, 2)}x | ${fmt(cpu, 2)} | ${fmt(cpu / bCpu, 2)}x | ${fmt(rss)} | ${fmt(rss / bRss, 2)}x |`
  })
  return [
    `### 10,000 concurrent echo connections (${CONN_ECHOES} × 64 B each; ${rounds} rounds)`,
    '',
    '| server | median echoes/s (higher is better) | ratio to node:net | server CPU µs per echo (lower is better) | ratio | median peak RSS MiB (lower is better) | ratio to node:net |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    'Target (DESIGN.md): more throughput and less memory than node:net.',
  ].join('\n')
}

async function main() {
  const tcpLabels = {
    'pp-loop': 'pysocket `loop` (Promise)',
    'pp-net': 'node:net',
    'pp-sync': 'pysocket sync (blocking)',
  }
  // Optional section filter (`node bench/suites/loop.js tcp 10k`).
  const only = process.argv.slice(2)
  const want = (name) => only.length === 0 || only.includes(name)
  const sections = []
  if (want('tcp')) {
    const tcp = await pingPong(
      'TCP, 1 byte',
      'tcp-echo-peer',
      ['pp-loop', 'pp-net', 'pp-sync'],
      'pp-net',
    )
    sections.push(
      pingPongTable(
        tcp,
        tcpLabels,
        'socket.loop ping-pong against node:net and the sync API',
        'Target (DESIGN.md): `loop` at most 0.8x node:net’s time. The peer is a blocking pysocket echo process.',
      ),
    )
  }
  if (want('tcp1')) {
    const labels = {
      'pp1-loop': 'pysocket `loop` (Promise), fresh process',
      'pp1-net': 'node:net, fresh process',
      'pp1-loop-after': 'pysocket `loop` after bulk/abort/timeout/close',
      'pp1-net-after': 'node:net after bulk/destroy/timeout',
      pp1: 'baseline: the same syscalls from Rust, one thread',
    }
    sections.push(
      await inProcessTable(
        ['pp1-loop', 'pp1-net'],
        'TCP, 1 byte, one process',
        'pp1',
        labels,
        'socket.loop ping-pong with both ends in one process, against node:net',
        'Target (DESIGN.md): `loop` at most 0.8x node:net’s time and CPU, fresh and after other activity.',
      ),
    )
  }
  if (want('udp')) {
    const udp = await pingPong(
      'UDP, 1 byte',
      'udp-echo-peer',
      ['udp-loop', 'udp-dgram'],
      'udp-dgram',
    )
    sections.push(
      pingPongTable(
        udp,
        { 'udp-loop': 'pysocket `loop` (Promise)', 'udp-dgram': 'node:dgram' },
        'socket.loop UDP echo against node:dgram',
        'The peer is a blocking pysocket echo process.',
      ),
    )
  }
  if (want('udp1')) {
    const labels = {
      'udp1-loop': 'pysocket `loop` (Promise), fresh process',
      'udp1-dgram': 'node:dgram, fresh process',
      'udp1-loop-after': 'pysocket `loop` after bulk/abort/timeout/close',
      'udp1-dgram-after': 'node:dgram after node:net bulk/destroy/timeout',
      udp1: 'baseline: the same syscalls from Rust, one thread',
    }
    sections.push(
      await inProcessTable(
        ['udp1-loop', 'udp1-dgram'],
        'UDP, 1 byte, one process',
        'udp1',
        labels,
        'socket.loop UDP echo with both ends in one process, against node:dgram',
        'Target (DESIGN.md): `loop` at most 0.7x node:dgram’s time.',
      ),
    )
  }
  if (want('10k')) sections.push(await tenK())
  console.log(sections.join('\n\n'))
}

if (process.argv[2] === '--child') {
  const f = children[process.argv[3]]
  Promise.resolve(f(...process.argv.slice(4).map(Number))).catch((e) => {
    console.error(e && e.stack)
    process.exit(1)
  })
} else {
  main().then(
    () => process.exit(0),
    (e) => {
      console.error(e && e.stack)
      process.exit(1)
    },
  )
}
