'use strict'
// Per-call cost: send one byte on a Unix socketpair and recv_into a 1-byte
// buffer on the other end, on one thread, so that no one waits and the
// scheduler stays out of it: what the library adds to the two syscalls. (node:net has no
// synchronous calls, so it has no entry here.) Interleaved rounds, medians.
const path = require('node:path')
const c = require('../common')

const ITERS = Number(process.env.PYSOCKET_BENCH_PAIR_ITERS || 100000)
const WARMUP = ITERS >> 3
const CLIENTS = path.join(__dirname, '..', 'clients')

function main() {
  const bin = c.baseline()
  const args = ['pair', String(ITERS), String(WARMUP)]
  const contenders = [
    { name: 'baseline (Rust, send/recv)', cmd: bin, args },
    {
      name: 'pysocket send + recv_into',
      cmd: c.NODE,
      args: [path.join(CLIENTS, 'pysocket.js'), ...args],
    },
    {
      name: 'CPython send + recv_into',
      cmd: c.PYTHON,
      args: [path.join(CLIENTS, 'cpython.py'), ...args],
      skip: !c.available(c.PYTHON),
    },
  ].filter((x) => !x.skip)
  const samples = new Map(contenders.map((x) => [x.name, []]))
  const cpu = new Map(contenders.map((x) => [x.name, []]))
  for (let round = 0; round < c.ROUNDS; round++) {
    for (const x of c.rotate(contenders, round)) {
      const r = c.runClient(x.cmd, x.args)
      samples.get(x.name).push(c.usPerRoundTrip(r) * 1000)
      cpu.get(x.name).push(r.cpu_ns / r.iters)
    }
  }
  const base = samples.get(contenders[0].name)
  const baseMedian = c.median(base)
  const py = contenders.find((x) => x.name.startsWith('CPython'))
  const rows = contenders.map((x) => {
    const s = samples.get(x.name)
    const m = c.median(s)
    return [
      x.name,
      m.toFixed(0),
      (m - baseMedian).toFixed(0),
      c.median(cpu.get(x.name)).toFixed(0),
      `${Math.min(...s).toFixed(0)}–${Math.max(...s).toFixed(0)}`,
      `${c.pairedRatio(s, base).toFixed(2)}x`,
      py ? `${c.pairedRatio(s, samples.get(py.name)).toFixed(2)}x` : '',
    ]
  })
  console.log(
    `### send + recv_into of 1 byte on a socketpair, ${ITERS} pairs × ${c.ROUNDS} rounds (lower is better)\n\n` +
      'Per run: the median 1000-pair batch; table: median and range over the rounds; ratios: the\n' +
      "median of each round's ratio to the baseline's (or CPython's) run in that round. Overhead: the median minus\n" +
      "the baseline's, i.e. what the library adds to the two syscalls. CPU ns: the process's CPU time\n" +
      '(all threads) over the whole timed loop per pair, median over rounds: time spent waiting for\n' +
      'a CPU on the shared machine does not count in it.\n',
  )
  console.log(
    c.table(
      [
        'caller',
        'median ns / pair',
        'overhead ns',
        'CPU ns / pair',
        'range',
        'time vs baseline',
        'time vs CPython',
      ],
      rows,
    ),
  )
}

main()
