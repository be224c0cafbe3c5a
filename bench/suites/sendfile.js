'use strict'
// sendfile() of a 1 GiB sparse file over TCP loopback. Contenders: pysocket's
// socket.sendfile, CPython's socket.sendfile, and the same syscalls from Rust
// (the baseline, crates/core/examples/msg_baseline.rs). Each contender is a
// child process that listens, prints its port, and times accept-to-close; the
// same Python reader drains every run. Rounds are interleaved and rotated;
// the table shows medians and ratios (time, lower is better). The file is
// created in os.tmpdir() and removed afterwards.
const { execFileSync, spawn } = require('node:child_process')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const readline = require('node:readline')

const ROOT = path.resolve(__dirname, '..', '..')
const SIZE = Number(process.env.SENDFILE_BYTES || 2 ** 30)
const ROUNDS = Number(process.env.PYSOCKET_BENCH_ROUNDS || 5)
const { PYTHON } = require('../common')

const DRAIN = `
import socket, sys
c = socket.create_connection(('127.0.0.1', int(sys.argv[1])))
buf = bytearray(1 << 20)
n = 0
while True:
    k = c.recv_into(buf)
    if not k: break
    n += k
print(n)
`

const NODE = `
const fs = require('node:fs')
const socket = require(process.argv[1])
const srv = socket.create_server(['127.0.0.1', 0])
console.log(srv.getsockname()[1])
const [conn] = srv.accept()
const fd = fs.openSync(process.argv[2], 'r')
const t0 = process.hrtime.bigint()
const sent = conn.sendfile(fd)
conn.close()
console.log(Number(process.hrtime.bigint() - t0) / 1e9, sent)
`

const PY = `
import socket, sys, time
srv = socket.create_server(('127.0.0.1', 0))
print(srv.getsockname()[1], flush=True)
conn, _ = srv.accept()
f = open(sys.argv[1], 'rb')
t0 = time.perf_counter()
sent = conn.sendfile(f)
conn.close()
print(time.perf_counter() - t0, sent)
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

/** Runs one sender: it prints its port, the drain connects, it prints "secs sent". */
function runSender(cmd, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] })
    const lines = readline.createInterface({ input: child.stdout })
    let drained = null
    let result = null
    child.on('error', reject)
    lines.on('line', (line) => {
      if (drained === null) {
        drained = new Promise((res, rej) => {
          const d = spawn(PYTHON, ['-c', DRAIN, line.trim()], {
            stdio: ['ignore', 'pipe', 'inherit'],
          })
          let out = ''
          d.stdout.on('data', (x) => (out += x))
          d.on('error', rej)
          d.on('exit', () => res(Number(out)))
        })
      } else {
        result = line.trim().split(/\s+/).map(Number)
      }
    })
    child.on('close', async (code) => {
      const got = await drained
      if (code !== 0 || result === null) return reject(new Error(`${cmd} exited with ${code}`))
      const [secs, sent] = result
      if (sent !== SIZE || got !== SIZE) {
        return reject(new Error(`${cmd}: sent ${sent}, drained ${got}, expected ${SIZE}`))
      }
      resolve(secs)
    })
  })
}

function median(xs) {
  const s = [...xs].sort((x, y) => x - y)
  return s[s.length >> 1]
}

async function main() {
  const exe = baselineExe()
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pysocket-bench-'))
  const file = path.join(dir, 'sparse')
  try {
    fs.closeSync(fs.openSync(file, 'w'))
    fs.truncateSync(file, SIZE)
    const contenders = {
      baseline: () => runSender(exe, ['sendfile', file]),
      pysocket: () => runSender(process.execPath, ['-e', NODE, path.join(ROOT, 'index.js'), file]),
      CPython: () => runSender(PYTHON, ['-c', PY, file]),
    }
    const names = Object.keys(contenders)
    const times = Object.fromEntries(names.map((n) => [n, []]))
    for (let r = 0; r < ROUNDS; r++) {
      const order = names.slice(r % names.length).concat(names.slice(0, r % names.length))
      for (const name of order) times[name].push(await contenders[name]())
    }
    const med = Object.fromEntries(names.map((n) => [n, median(times[n])]))
    const gib = SIZE / 2 ** 30
    console.log(
      '### sendfile: sparse file over TCP loopback, one Python reader (time, lower is better)\n',
    )
    console.log('| case | contender | median (s) | GiB/s | ratio to baseline | ratio to CPython |')
    console.log('|---|---|---|---|---|---|')
    for (const name of names) {
      console.log(
        `| ${gib.toFixed(2)} GiB | ${name} | ${med[name].toFixed(3)} | ${(gib / med[name]).toFixed(2)} | ` +
          `${(med[name] / med.baseline).toFixed(2)}x | ${(med[name] / med.CPython).toFixed(2)}x |`,
      )
    }
    console.log(
      `\nmedians of ${ROUNDS} rotated rounds; ratios are time / other's time (below 1 is faster).`,
    )
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

main().catch((e) => {
  console.error(e)
  process.exitCode = 1
})
