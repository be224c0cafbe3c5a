'use strict'
// TCP bulk: 1 GiB sent by the Rust sender, received into a reused buffer
// (recv_into for pysocket and CPython, 'data' events for node:net, recv(2)
// for the Rust baseline). Contenders run interleaved, ROUNDS rounds.
const path = require('node:path')
const c = require('../common')

const BYTES = Number(process.env.PYSOCKET_BENCH_BULK_BYTES || 2 ** 30)
const BUFSIZE = 65536
const CLIENTS = path.join(__dirname, '..', 'clients')
const GIB = 2 ** 30

async function main() {
  const bin = c.baseline()
  const peer = await c.startPeer(bin, ['bulk-server', String(BYTES)])
  const args = ['bulk', String(peer.port), String(BUFSIZE)]
  const contenders = [
    { name: 'baseline (Rust, recv)', cmd: bin, args },
    {
      name: 'pysocket recv_into',
      cmd: c.NODE,
      args: [path.join(CLIENTS, 'pysocket.js'), ...args],
    },
    {
      name: 'CPython socket recv_into',
      cmd: c.PYTHON,
      args: [path.join(CLIENTS, 'cpython.py'), ...args],
      skip: !c.available(c.PYTHON) && 'python3 not found',
    },
    {
      name: "node:net 'data' events",
      cmd: c.NODE,
      args: [path.join(CLIENTS, 'net.js'), ...args],
    },
  ].filter((x) => !x.skip)
  const samples = new Map(contenders.map((x) => [x.name, []]))
  // CPU time of the receive loop per GiB after the first 64 MiB segment
  // (warm-up, for every client alike): what the receiver itself spends,
  // which load on the shared machine does not inflate.
  const cpu = new Map(contenders.map((x) => [x.name, []]))
  try {
    for (let round = 0; round < c.ROUNDS; round++) {
      for (const x of c.rotate(contenders, round)) {
        const r = c.runClient(x.cmd, x.args)
        if (r.bytes !== BYTES) throw new Error(`${x.name} received ${r.bytes} of ${BYTES} bytes`)
        samples.get(x.name).push(c.gibPerSecond(r))
        cpu.get(x.name).push(r.cpu_ns / 1e6 / (r.cpu_bytes / GIB))
      }
    }
  } finally {
    peer.stop()
  }
  const base = samples.get(contenders[0].name)
  const baseCpu = cpu.get(contenders[0].name)
  const rows = contenders.map((x) => {
    const s = samples.get(x.name)
    const m = c.median(s)
    const ms = cpu.get(x.name)
    return [
      x.name,
      m.toFixed(2),
      `${Math.min(...s).toFixed(2)}–${Math.max(...s).toFixed(2)}`,
      `${c.pairedRatio(s, base).toFixed(2)}x`,
      c.median(ms).toFixed(0),
      `${c.pairedRatio(ms, baseCpu).toFixed(2)}x`,
    ]
  })
  const size = BYTES === GIB ? '1 GiB' : `${BYTES} bytes`
  console.log(
    `### TCP bulk receive, ${size}, ${BUFSIZE / 1024} KiB buffer × ${c.ROUNDS} rounds (higher is better)\n\n` +
      'Per run: the median 64 MiB segment; table: median and range over the rounds;\n' +
      "ratio: the median of each round's ratio to the baseline's run in that round;\n" +
      'CPU: the process CPU time per GiB after the first segment (the warm-up).\n',
  )
  console.log(
    c.table(
      [
        'receiver',
        'median GiB/s',
        'range',
        'throughput vs baseline',
        'CPU ms / GiB',
        'CPU vs baseline',
      ],
      rows,
    ),
  )
  console.log('\nTarget: pysocket at least 0.95x the baseline.')
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
