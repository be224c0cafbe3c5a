'use strict'
// Receiving 64-byte UDP datagrams on loopback: the receiver's CPU time per
// datagram. Each contender runs in its own child process, which repeatedly
// queues a burst of BURST datagrams on its own socket (sent synchronously,
// outside the timed part; the receive buffer holds them all) and then
// receives the burst, adding up only the CPU time (user + system, all
// threads) of receiving. So the sender's speed and the kernel's wake-ups
// decide nothing: what is left is what each library spends per datagram.
// Contenders: pysocket `recvmmsg` (sync, vlen 64), pysocket
// `loop.sock_recvmmsg` (vlen 64), node:dgram ('message' events), CPython's
// best loop (`recvfrom_into` a reused buffer, bound method cached). Rounds
// interleaved and rotated; medians; ratios paired per round.
const { execFileSync } = require('node:child_process')
const path = require('node:path')
const os = require('node:os')
const c = require('../common')

const N = Number(process.env.PYSOCKET_BENCH_MMSG_N || 100000)
const BURST = 1024
const INDEX = path.join(c.ROOT, 'index.js')

const RECV_NODE = `
const socket = require(process.argv[1])
const dgram = require('node:dgram')
const [mode, n, burst] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])]
const w = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
const payload = Buffer.alloc(64, 0x61)
let batch = null
function fill(to) {
  batch ??= Array.from({ length: 64 }, () => [[payload], [], 0, to])
  for (let i = 0; i < burst; i += 64) w.sendmmsg(batch)
}
let cpu = 0
function done(got) {
  console.log(JSON.stringify({ cpu_ns: cpu, count: got }))
}
const ns = (u) => (u.user + u.system) * 1000
if (mode === 'dgram') {
  const s = dgram.createSocket({ type: 'udp4', recvBufferSize: 4 << 20 })
  let got = 0
  let left = 0
  let cpu0
  let rounds = 0
  const next = () => {
    if (got >= n * 1.125) {
      done(got - n / 8)
      s.close()
      return
    }
    fill(['127.0.0.1', s.address().port])
    left = burst
    cpu0 = process.cpuUsage()
  }
  s.on('message', () => {
    got++
    if (--left === 0) {
      // The first eighth warms up.
      if (got > n / 8) cpu += ns(process.cpuUsage(cpu0))
      rounds++
      setImmediate(next)
    }
  })
  s.bind(0, '127.0.0.1', next)
} else {
  const s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
  s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
  s.bind(['127.0.0.1', 0])
  s.settimeout(5)
  const to = s.getsockname()
  const sync = mode === 'recvmmsg'
  ;(async () => {
    let got = 0
    while (got < n * 1.125) {
      fill(to)
      const cpu0 = process.cpuUsage()
      let left = burst
      while (left > 0) {
        const r = sync ? s.recvmmsg(64, 2048) : await socket.loop.sock_recvmmsg(s, 64, 2048)
        left -= r.length
      }
      if (got >= n / 8) cpu += ns(process.cpuUsage(cpu0))
      got += burst
    }
    done(got - n / 8)
    s.close()
  })()
}
`

const RECV_PY = `
import json, socket, sys, time
n, burst = map(int, sys.argv[1:3])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
s.bind(("127.0.0.1", 0))
s.settimeout(5)
to = s.getsockname()
w = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
payload = b"a" * 64
buf = bytearray(2048)
recvfrom_into = s.recvfrom_into
cpu = 0
got = 0
while got < n * 1.125:
    for _ in range(burst):
        w.sendto(payload, to)
    cpu0 = time.process_time_ns()
    for _ in range(burst):
        recvfrom_into(buf)
    if got >= n / 8:
        cpu += time.process_time_ns() - cpu0
    got += burst
print(json.dumps({"cpu_ns": cpu, "count": got - n / 8}))
`

function main() {
  if (os.platform() !== 'linux') {
    console.log('### UDP receive with recvmmsg: skipped (recvmmsg is Linux only)\n')
    return
  }
  const args = [String(N), String(BURST)]
  const node = (mode) => () =>
    execFileSync(c.NODE, ['-e', RECV_NODE, INDEX, mode, ...args], { encoding: 'utf8' })
  const contenders = [
    { name: 'pysocket recvmmsg (sync, vlen 64)', run: node('recvmmsg') },
    { name: 'pysocket loop.sock_recvmmsg (vlen 64)', run: node('loop') },
    { name: "node:dgram 'message'", run: node('dgram') },
    {
      name: 'CPython recvfrom_into loop',
      run: () => execFileSync(c.PYTHON, ['-c', RECV_PY, ...args], { encoding: 'utf8' }),
      skip: !c.available(c.PYTHON),
    },
  ].filter((x) => !x.skip)
  const cpu = new Map(contenders.map((x) => [x.name, []]))
  for (let round = 0; round < c.ROUNDS; round++) {
    for (const x of c.rotate(contenders, round)) {
      const r = JSON.parse(x.run().trim().split('\n').pop())
      cpu.get(x.name).push(r.cpu_ns / r.count)
    }
  }
  const dgramName = "node:dgram 'message'"
  const pyName = 'CPython recvfrom_into loop'
  const rows = contenders.map((x) => {
    const u = cpu.get(x.name)
    return [
      x.name,
      c.median(u).toFixed(0),
      `${Math.min(...u).toFixed(0)}–${Math.max(...u).toFixed(0)}`,
      `${c.pairedRatio(u, cpu.get(dgramName)).toFixed(2)}x`,
      cpu.has(pyName) ? `${c.pairedRatio(u, cpu.get(pyName)).toFixed(2)}x` : '',
    ]
  })
  console.log(
    `### UDP receive of 64-byte datagrams, ${N} per run in bursts of ${BURST} × ${c.ROUNDS} rounds (CPU per datagram, lower is better)\n\n` +
      "CPU ns / datagram: the process's CPU time (user + system) while receiving queued bursts, per\n" +
      'datagram, median over rounds (sending the bursts is not counted); ratios: the median of each\n' +
      "round's ratio. Target (DESIGN.md): recvmmsg at most\n" +
      "0.5x node:dgram's CPU per datagram, and below CPython's best recvfrom_into loop.\n",
  )
  console.log(
    c.table(['receiver', 'CPU ns / datagram', 'range', 'vs node:dgram', 'vs CPython'], rows),
  )
}

main()
