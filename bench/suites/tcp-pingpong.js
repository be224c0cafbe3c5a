'use strict'
// TCP ping-pong, 1 byte, synchronous clients against one Rust echo server
// (the same peer for everyone, so the ratio measures the client).
// Contenders run interleaved, ROUNDS rounds; the table gives medians.
const path = require('node:path')
const c = require('../common')

const ITERS = Number(process.env.PYSOCKET_BENCH_PINGPONG_ITERS || 20000)
const WARMUP = Math.max(1, ITERS >> 4)
const CLIENTS = path.join(__dirname, '..', 'clients')

async function main() {
  const bin = c.baseline()
  const peer = await c.startPeer(bin, ['echo-server'])
  const args = (port) => ['pingpong', String(port), String(ITERS), String(WARMUP)]
  const contenders = [
    { name: 'baseline (Rust, send/recv)', cmd: bin, args: args(peer.port) },
    {
      name: 'pysocket (sync, blocking)',
      cmd: c.NODE,
      args: [path.join(CLIENTS, 'pysocket.js'), ...args(peer.port)],
    },
    {
      name: `CPython ${c.pythonVersion() ?? ''} socket`,
      cmd: c.PYTHON,
      args: [path.join(CLIENTS, 'cpython.py'), ...args(peer.port)],
      skip: !c.available(c.PYTHON) && 'python3 not found',
    },
    {
      name: 'node:net (async, events)',
      cmd: c.NODE,
      args: [path.join(CLIENTS, 'net.js'), ...args(peer.port)],
    },
  ].filter((x) => !x.skip)
  const samples = new Map(contenders.map((x) => [x.name, []]))
  try {
    for (let round = 0; round < c.ROUNDS; round++) {
      for (const x of c.rotate(contenders, round)) {
        const r = c.runClient(x.cmd, x.args)
        samples.get(x.name).push(c.usPerRoundTrip(r))
      }
    }
  } finally {
    peer.stop()
  }
  const base = samples.get(contenders[0].name)
  const rows = contenders.map((x) => {
    const s = samples.get(x.name)
    const m = c.median(s)
    return [
      x.name,
      m.toFixed(2),
      `${Math.min(...s).toFixed(2)}–${Math.max(...s).toFixed(2)}`,
      `${c.pairedRatio(s, base).toFixed(2)}x`,
    ]
  })
  console.log(
    `### TCP ping-pong, 1 byte, ${ITERS} round trips × ${c.ROUNDS} rounds (lower is better)\n\n` +
      'Per run: the median 1000-round-trip batch; table: median and range over the rounds;\n' +
      "ratio: the median of each round's ratio to the baseline's run in that round.\n",
  )
  console.log(c.table(['client', 'median µs / round trip', 'range', 'time vs baseline'], rows))
  console.log('\nTarget: pysocket within 1.15x of the baseline and faster than CPython.')
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
