'use strict'
// Per-call cost of the small netdb/conversion functions and socket methods,
// pysocket against CPython's socket module: inet_pton, inet_ntop, htons,
// gettimeout, getsockopt and a numeric getaddrinfo. Each round times a batch
// of calls in Node, then the same batch in one long-lived python3 process
// (rounds interleaved); the table gives the median ns per call and the ratio
// (pysocket / CPython, lower is better). getsockopt, the one syscall here,
// also runs in the Rust baseline (crates/baseline): the syscall alone.
// Standalone: `node bench/suites/netdb.js`.
const { execFileSync, spawn } = require('node:child_process')
const path = require('node:path')
const readline = require('node:readline')

const socket = require(path.join(__dirname, '..', '..', 'index.js'))
// Named imports, as user code binds them (no property lookup per call).
const { htons, inet_pton, inet_ntop, getaddrinfo } = socket
const { AF_INET, AF_INET6, SOCK_STREAM, AI_NUMERICHOST, SOL_SOCKET, SO_TYPE } = socket
// A socket for the method calls (gettimeout, getsockopt).
const sock = socket.socket(AF_INET, SOCK_STREAM)

const ROUNDS = Number(process.env.PYSOCKET_BENCH_ROUNDS || 9)
const CALLS = Number(process.env.PYSOCKET_BENCH_NETDB_CALLS || 200000)
const GAI_CALLS = Math.max(1, CALLS >> 4)
const { PYTHON, baseline } = require('../common')

const packed4 = Buffer.from([192, 168, 1, 20])
const packed6 = socket.inet_pton(socket.AF_INET6, '2001:db8::8:800:200c:417a')

// name, calls per round, Node body, the same call in Python, and the
// baseline's command for it where there is one
const CASES = [
  ['htons', CALLS, (i) => htons(i & 0xffff), 'htons(i & 0xffff)'],
  [
    'inet_pton (IPv4)',
    CALLS,
    () => inet_pton(AF_INET, '192.168.1.20'),
    "inet_pton(AF_INET, '192.168.1.20')",
  ],
  [
    'inet_pton (IPv6)',
    CALLS,
    () => inet_pton(AF_INET6, '2001:db8::8:800:200c:417a'),
    "inet_pton(AF_INET6, '2001:db8::8:800:200c:417a')",
  ],
  ['inet_ntop (IPv4)', CALLS, () => inet_ntop(AF_INET, packed4), 'inet_ntop(AF_INET, packed4)'],
  ['inet_ntop (IPv6)', CALLS, () => inet_ntop(AF_INET6, packed6), 'inet_ntop(AF_INET6, packed6)'],
  ['socket.gettimeout', CALLS, () => sock.gettimeout(), 's.gettimeout()'],
  [
    'socket.getsockopt (SO_TYPE)',
    CALLS,
    () => sock.getsockopt(SOL_SOCKET, SO_TYPE),
    's.getsockopt(SOL_SOCKET, SO_TYPE)',
    ['getsockopt'],
  ],
  [
    'getaddrinfo (numeric)',
    GAI_CALLS,
    () => getaddrinfo('127.0.0.1', 80, AF_INET, SOCK_STREAM, 0, AI_NUMERICHOST),
    "getaddrinfo('127.0.0.1', 80, AF_INET, SOCK_STREAM, 0, AI_NUMERICHOST)",
  ],
]

const PY = `
import sys, time
from socket import *
packed4 = bytes([192, 168, 1, 20])
packed6 = inet_pton(AF_INET6, '2001:db8::8:800:200c:417a')
s = socket(AF_INET, SOCK_STREAM)
bodies = ${JSON.stringify(CASES.map((c) => c[3]))}
fns = []
for b in bodies:
    # The call inlined in the loop: no extra Python-level call per iteration.
    ns = {}
    exec('def run(n):\\n    for i in range(n):\\n        ' + b, globals(), ns)
    fns.append(ns['run'])
for line in sys.stdin:
    k, n = map(int, line.split())
    t = time.perf_counter_ns()
    fns[k](n)
    print(time.perf_counter_ns() - t, flush=True)
`

function timeNode(body, n) {
  const t = process.hrtime.bigint()
  for (let i = 0; i < n; i++) body(i)
  return Number(process.hrtime.bigint() - t)
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

async function main() {
  let py = null
  try {
    py = spawn(PYTHON, ['-c', PY], { stdio: ['pipe', 'pipe', 'inherit'] })
    await new Promise((resolve, reject) => {
      py.once('spawn', resolve)
      py.once('error', reject)
    })
  } catch {
    py = null
  }
  const lines = py ? readline.createInterface({ input: py.stdout })[Symbol.asyncIterator]() : null
  const timePython = async (k, n) => {
    py.stdin.write(`${k} ${n}\n`)
    const { value } = await lines.next()
    return Number(value)
  }

  const node = CASES.map(() => [])
  const cpy = CASES.map(() => [])
  const base = CASES.map(() => [])
  const exe = baseline()
  const timeBaseline = (k, n) => {
    const out = execFileSync(exe, [...CASES[k][4], String(n)], { encoding: 'utf8' })
    return JSON.parse(out).ns
  }
  // Warm-up (JIT, caches), not recorded.
  for (let k = 0; k < CASES.length; k++) {
    timeNode(CASES[k][2], CASES[k][1] >> 2)
    if (py) await timePython(k, CASES[k][1] >> 2)
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < CASES.length; k++) {
      const [, n, body, , cmd] = CASES[k]
      if (cmd) base[k].push(timeBaseline(k, n) / n)
      // Alternate which side goes first.
      if (round % 2 === 0) {
        node[k].push(timeNode(body, n) / n)
        if (py) cpy[k].push((await timePython(k, n)) / n)
      } else {
        if (py) cpy[k].push((await timePython(k, n)) / n)
        node[k].push(timeNode(body, n) / n)
      }
    }
  }
  if (py) py.stdin.end()
  sock.close()

  const rows = CASES.map(([name, , , , cmd], k) => {
    const ours = median(node[k])
    const theirs = py ? median(cpy[k]) : NaN
    const floor = cmd ? median(base[k]) : NaN
    return [
      name,
      ours.toFixed(0),
      py ? theirs.toFixed(0) : 'n/a',
      py ? `${(ours / theirs).toFixed(2)}x` : 'n/a',
      cmd ? floor.toFixed(0) : '',
      cmd && py ? `${(floor / theirs).toFixed(2)}x` : '',
    ]
  })
  console.log(`### netdb: per-call cost (median of ${ROUNDS} interleaved rounds)\n`)
  console.log(
    '| call | pysocket ns/call | CPython ns/call | ratio (pysocket / CPython) | Rust baseline ns/call | baseline / CPython |',
  )
  console.log('|---|---:|---:|---:|---:|---:|')
  for (const r of rows) console.log(`| ${r.join(' | ')} |`)
  if (!py) console.log('\n(python3 not found: CPython column skipped)')
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e)
    process.exit(1)
  },
)
