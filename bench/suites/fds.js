// Passing 100,000 fds over a Unix socketpair (send_fds + recv_fds, one fd per
// message, then closing the received fd), pysocket against CPython's socket
// module doing the same. Interleaved rounds, medians, a markdown table.
'use strict'
const { execFileSync } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')

const socket = require(path.join(__dirname, '..', '..', 'index.js'))

const N = Number(process.env.FDS_N || 100000)
const BATCH = 10
const ROUNDS = Number(process.env.ROUNDS || 5)

function nodeRun(perMsg) {
  const [a, b] = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
  const file = fs.openSync(__filename, 'r')
  const fds = Array(perMsg).fill(file)
  const msg = [Buffer.from('x')]
  const t0 = process.hrtime.bigint()
  for (let i = 0; i < N / perMsg; i++) {
    socket.send_fds(a, msg, fds)
    const [, got] = socket.recv_fds(b, 1, perMsg)
    for (const fd of got) fs.closeSync(fd)
  }
  const secs = Number(process.hrtime.bigint() - t0) / 1e9
  fs.closeSync(file)
  a.close()
  b.close()
  return secs
}

const PY = `
import socket, os, time, sys
n, per = int(sys.argv[1]), int(sys.argv[2])
a, b = socket.socketpair()
f = os.open(sys.argv[3], os.O_RDONLY)
fds = [f] * per
msg = [b'x']
t0 = time.perf_counter()
for _ in range(n // per):
    socket.send_fds(a, msg, fds)
    _, got, _, _ = socket.recv_fds(b, 1, per)
    for fd in got: os.close(fd)
print(time.perf_counter() - t0)
`

function pyRun(perMsg) {
  return Number(
    execFileSync('python3', ['-c', PY, String(N), String(perMsg), __filename], {
      encoding: 'utf8',
    }),
  )
}

function median(xs) {
  const s = [...xs].sort((x, y) => x - y)
  return s[s.length >> 1]
}

const rows = []
for (const perMsg of [1, BATCH]) {
  const node = []
  const py = []
  for (let r = 0; r < ROUNDS; r++) {
    node.push(nodeRun(perMsg))
    py.push(pyRun(perMsg))
  }
  const n = median(node)
  const p = median(py)
  rows.push([`${N} fds, ${perMsg} per message`, n, p])
}

console.log('### fd passing (send_fds + recv_fds over AF_UNIX, fds closed after receipt)\n')
console.log(
  '| case | pysocket (s) | CPython (s) | pysocket fds/s | CPython fds/s | ratio (CPython time / pysocket time) |',
)
console.log('|---|---|---|---|---|---|')
for (const [name, n, p] of rows) {
  console.log(
    `| ${name} | ${n.toFixed(3)} | ${p.toFixed(3)} | ${Math.round(N / n)} | ${Math.round(N / p)} | ${(p / n).toFixed(2)}x |`,
  )
}
console.log(`\nmedian of ${ROUNDS} interleaved rounds; ratio > 1 means pysocket is faster.`)
