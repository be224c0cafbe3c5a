// sendfile() of a 1 GiB sparse file over TCP loopback, pysocket against
// CPython's socket.sendfile. The same Python drain process reads the bytes
// in both cases; the sender times accept-to-close. Interleaved rounds,
// medians, a markdown table. The file lives in os.tmpdir() and is removed.
'use strict'
const { execFileSync, spawn } = require('node:child_process')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')

const socket = require(path.join(__dirname, '..', '..', 'index.js'))

const SIZE = Number(process.env.SENDFILE_BYTES || 2 ** 30)
const ROUNDS = Number(process.env.ROUNDS || 3)

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

function drain(port) {
  const child = spawn('python3', ['-c', DRAIN, String(port)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let out = ''
  child.stdout.on('data', (d) => (out += d))
  return new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('exit', () => resolve(Number(out)))
  })
}

async function nodeRun(file) {
  const srv = socket.create_server(['127.0.0.1', 0])
  const [, port] = srv.getsockname()
  const done = drain(port)
  const [conn] = srv.accept()
  const fd = fs.openSync(file, 'r')
  const t0 = process.hrtime.bigint()
  const sent = conn.sendfile(fd)
  conn.close()
  const secs = Number(process.hrtime.bigint() - t0) / 1e9
  fs.closeSync(fd)
  srv.close()
  const got = await done
  if (sent !== SIZE || got !== SIZE)
    throw new Error(`sent ${sent}, drained ${got}, expected ${SIZE}`)
  return secs
}

const SENDER = `
import socket, sys, time, subprocess
srv = socket.create_server(('127.0.0.1', 0))
port = srv.getsockname()[1]
p = subprocess.Popen([sys.executable, '-c', sys.argv[2], str(port)], stdout=subprocess.PIPE)
conn, _ = srv.accept()
f = open(sys.argv[1], 'rb')
t0 = time.perf_counter()
sent = conn.sendfile(f)
conn.close()
secs = time.perf_counter() - t0
got = int(p.communicate()[0])
assert sent == got, (sent, got)
print(secs, sent)
`

function pyRun(file) {
  const [secs, sent] = execFileSync('python3', ['-c', SENDER, file, DRAIN], { encoding: 'utf8' })
    .trim()
    .split(' ')
    .map(Number)
  if (sent !== SIZE) throw new Error(`CPython sent ${sent}`)
  return secs
}

function median(xs) {
  const s = [...xs].sort((x, y) => x - y)
  return s[s.length >> 1]
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pysocket-bench-'))
  const file = path.join(dir, 'sparse')
  try {
    fs.closeSync(fs.openSync(file, 'w'))
    fs.truncateSync(file, SIZE)
    const node = []
    const py = []
    for (let r = 0; r < ROUNDS; r++) {
      node.push(await nodeRun(file))
      py.push(pyRun(file))
    }
    const n = median(node)
    const p = median(py)
    const gib = SIZE / 2 ** 30
    console.log('### sendfile (sparse file over TCP loopback, drained by one Python reader)\n')
    console.log(
      '| case | pysocket (s) | CPython (s) | pysocket GiB/s | CPython GiB/s | ratio (CPython time / pysocket time) |',
    )
    console.log('|---|---|---|---|---|---|')
    console.log(
      `| ${gib.toFixed(2)} GiB | ${n.toFixed(3)} | ${p.toFixed(3)} | ${(gib / n).toFixed(2)} | ${(gib / p).toFixed(2)} | ${(p / n).toFixed(2)}x |`,
    )
    console.log(`\nmedian of ${ROUNDS} interleaved rounds; ratio > 1 means pysocket is faster.`)
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

main().catch((e) => {
  console.error(e)
  process.exitCode = 1
})
