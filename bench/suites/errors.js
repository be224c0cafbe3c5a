'use strict'
// The non-blocking error path: `recv_into` on an empty non-blocking
// socketpair end, raising BlockingIOError and catching it, as a selector
// loop does on every empty read. Contenders: pysocket (the loop at the top
// level of the script, and in an async function after an await: V8 makes a
// throw dearer in the first) and CPython's socket module, each in its own
// child process timing itself after a warm-up
// (wall time of the median 1000-call batch, and the process's CPU time per
// call over the whole timed loop); rounds interleaved and rotated; medians.
// The baseline is the failing recv(2) alone from Rust (a C caller gets
// -1/EAGAIN back and raises nothing): what each contender adds to it is the
// cost of its call, its exception and its catch.
const { execFileSync } = require('node:child_process')
const path = require('node:path')
const c = require('../common')

const ITERS = Number(process.env.PYSOCKET_BENCH_ERR_ITERS || 100000)
const WARMUP = ITERS >> 3
const BATCH = 1000

const NODE = `
const socket = require(process.argv[1])
const [iters, warmup] = [Number(process.argv[2]), Number(process.argv[3])]
const [a, b] = socket.socketpair()
a.setblocking(false)
const buf = Buffer.alloc(16)
function one() {
  try {
    a.recv_into(buf)
  } catch (e) {
    if (!(e instanceof socket.BlockingIOError)) throw e
  }
}
function run() {
  for (let i = 0; i < warmup; i++) one()
  const batches = []
  const cpu0 = process.cpuUsage()
  const t0 = process.hrtime.bigint()
  let tb = t0
  for (let i = 1; i <= iters; i++) {
    one()
    if (i % ${BATCH} === 0) {
      const t = process.hrtime.bigint()
      batches.push(Number(t - tb))
      tb = t
    }
  }
  const cpu = process.cpuUsage(cpu0)
  console.log(JSON.stringify({ cpu_ns: (cpu.user + cpu.system) * 1000, iters, batches }))
}
// 'top': in the script's own turn, as a synchronous program runs; 'async':
// after an await, as code in an async function (or a Promise callback) runs.
if (process.argv[4] === 'async') (async () => { await null; run() })()
else run()
`

const PY = `
import json, socket, sys, time
iters, warmup = int(sys.argv[1]), int(sys.argv[2])
a, b = socket.socketpair()
a.setblocking(False)
buf = bytearray(16)
recv_into = a.recv_into
def one():
    try:
        recv_into(buf)
    except BlockingIOError:
        pass
for _ in range(warmup):
    one()
clock = time.perf_counter_ns
batches = []
cpu0 = time.process_time_ns()
t0 = tb = clock()
for i in range(1, iters + 1):
    one()
    if i % ${BATCH} == 0:
        t = clock()
        batches.append(t - tb)
        tb = t
cpu = time.process_time_ns() - cpu0
print(json.dumps({"cpu_ns": cpu, "iters": iters, "batches": batches}))
`

function main() {
  const pysocket = (where) => () =>
    execFileSync(
      c.NODE,
      ['-e', NODE, path.join(c.ROOT, 'index.js'), String(ITERS), String(WARMUP), where],
      { encoding: 'utf8' },
    )
  const bin = c.baseline()
  const contenders = [
    {
      name: 'baseline (Rust, the EAGAIN recv alone)',
      run: () => execFileSync(bin, ['eagain', String(ITERS), String(WARMUP)], { encoding: 'utf8' }),
    },
    { name: 'pysocket, top level', run: pysocket('top') },
    { name: 'pysocket, after an await', run: pysocket('async') },
    {
      name: 'CPython',
      run: () =>
        execFileSync(c.PYTHON, ['-c', PY, String(ITERS), String(WARMUP)], { encoding: 'utf8' }),
      skip: !c.available(c.PYTHON),
    },
  ].filter((x) => !x.skip)
  const wall = new Map(contenders.map((x) => [x.name, []]))
  const cpu = new Map(contenders.map((x) => [x.name, []]))
  for (let round = 0; round < c.ROUNDS; round++) {
    for (const x of c.rotate(contenders, round)) {
      const r = JSON.parse(x.run().trim().split('\n').pop())
      wall.get(x.name).push(c.median(r.batches) / BATCH)
      cpu.get(x.name).push(r.cpu_ns / r.iters)
    }
  }
  const ref = contenders.find((x) => x.name === 'CPython')
  const syscall = c.median(wall.get(contenders[0].name))
  const rows = contenders.map((x) => {
    const w = wall.get(x.name)
    const u = cpu.get(x.name)
    return [
      x.name,
      c.median(w).toFixed(0),
      (c.median(w) - syscall).toFixed(0),
      c.median(u).toFixed(0),
      `${Math.min(...w).toFixed(0)}–${Math.max(...w).toFixed(0)}`,
      ref ? `${c.pairedRatio(w, wall.get(ref.name)).toFixed(2)}x` : '',
      ref ? `${c.pairedRatio(u, cpu.get(ref.name)).toFixed(2)}x` : '',
    ]
  })
  console.log(
    `### raise and catch BlockingIOError: recv_into on an empty non-blocking socket, ${ITERS} calls × ${c.ROUNDS} rounds (lower is better)\n\n` +
      'ns / call: the median 1000-call batch of each run, median over rounds; over the syscall: that\n' +
      "minus the baseline's, i.e. the call, the exception and the catch; CPU ns / call: the process's\n" +
      'CPU time over the whole timed loop per call, median over rounds. Ratios: the median of each\n' +
      "round's ratio to CPython's run in that round. Target (DESIGN.md): at most 1.0x.\n",
  )
  console.log(
    c.table(
      [
        'caller',
        'ns / call',
        'over the syscall',
        'CPU ns / call',
        'range',
        'time vs CPython',
        'CPU vs CPython',
      ],
      rows,
    ),
  )
}

main()
