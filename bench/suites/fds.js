'use strict'
// Passing 100,000 fds over a Unix socketpair: send_fds + recv_fds, then the
// received fds closed, with 1 and with 10 fds per message. Contenders:
// pysocket, CPython's socket module, and the same syscalls from Rust (the
// baseline, crates/core/examples/msg_baseline.rs). Each runs in its own child
// process, timing itself after a warm-up; rounds are interleaved and rotated;
// the table shows medians and ratios. Lower time is better.
const { execFileSync } = require('node:child_process')
const path = require('node:path')
const { PYTHON } = require('../common')

const ROOT = path.resolve(__dirname, '..', '..')
const N = Number(process.env.FDS_N || 100000)
const ROUNDS = Number(process.env.PYSOCKET_BENCH_ROUNDS || 5)
const FILE = path.join(ROOT, 'package.json')

const NODE = `
const fs = require('node:fs')
const socket = require(process.argv[1])
const [n, per] = [Number(process.argv[2]), Number(process.argv[3])]
function run(count) {
  const [a, b] = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
  const file = fs.openSync(process.argv[4], 'r')
  const fds = Array(per).fill(file)
  const msg = [Buffer.from('x')]
  const t0 = process.hrtime.bigint()
  for (let i = 0; i < count / per; i++) {
    socket.send_fds(a, msg, fds)
    const [, got] = socket.recv_fds(b, 1, per)
    for (const fd of got) fs.closeSync(fd)
  }
  const secs = Number(process.hrtime.bigint() - t0) / 1e9
  fs.closeSync(file)
  a.close()
  b.close()
  return secs
}
run(n / 10)
console.log(run(n))
`

const PY = `
import socket, os, time, sys
n, per, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
def run(count):
    a, b = socket.socketpair()
    f = os.open(path, os.O_RDONLY)
    fds = [f] * per
    msg = [b'x']
    t0 = time.perf_counter()
    for _ in range(count // per):
        socket.send_fds(a, msg, fds)
        _, got, _, _ = socket.recv_fds(b, 1, per)
        for fd in got: os.close(fd)
    secs = time.perf_counter() - t0
    os.close(f); a.close(); b.close()
    return secs
run(n // 10)
print(run(n))
`

function baselineExe() {
  execFileSync(
    'cargo',
    ['build', '--release', '--offline', '-q', '-p', 'pysocket-core', '--example', 'msg_baseline'],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] },
  )
  const target = process.env.CARGO_TARGET_DIR || path.join(ROOT, 'target')
  return path.join(target, 'release', 'examples', 'msg_baseline')
}

function median(xs) {
  const s = [...xs].sort((x, y) => x - y)
  return s[s.length >> 1]
}

function main() {
  const exe = baselineExe()
  const contenders = {
    baseline: (per) =>
      execFileSync(exe, ['fds', String(N), String(per), FILE], { encoding: 'utf8' }),
    pysocket: (per) =>
      execFileSync(
        process.execPath,
        ['-e', NODE, path.join(ROOT, 'index.js'), String(N), String(per), FILE],
        {
          encoding: 'utf8',
        },
      ),
    CPython: (per) =>
      execFileSync(PYTHON, ['-c', PY, String(N), String(per), FILE], {
        encoding: 'utf8',
      }),
  }
  const names = Object.keys(contenders)
  console.log(
    '### fd passing: send_fds + recv_fds over AF_UNIX, received fds closed (time, lower is better)\n',
  )
  console.log('| case | contender | median (s) | fds/s | ratio to baseline | ratio to CPython |')
  console.log('|---|---|---|---|---|---|')
  for (const per of [1, 10]) {
    const times = Object.fromEntries(names.map((n) => [n, []]))
    for (let r = 0; r < ROUNDS; r++) {
      const order = names.slice(r % names.length).concat(names.slice(0, r % names.length))
      for (const name of order) times[name].push(Number(contenders[name](per)))
    }
    const med = Object.fromEntries(names.map((n) => [n, median(times[n])]))
    for (const name of names) {
      console.log(
        `| ${N} fds, ${per} per message | ${name} | ${med[name].toFixed(3)} | ${Math.round(N / med[name])} | ` +
          `${(med[name] / med.baseline).toFixed(2)}x | ${(med[name] / med.CPython).toFixed(2)}x |`,
      )
    }
  }
  console.log(
    `\nmedians of ${ROUNDS} rotated rounds; ratios are time / other's time (below 1 is faster).`,
  )
}

main()
