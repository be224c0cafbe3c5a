'use strict'
// loop.sock_stream against net.Socket: a Duplex's throughput and CPU per
// GiB on the same TCP connection setup (loopback), used as Node code uses a
// Duplex ('data' events; write() until false, then 'drain').
//   1. Receive: 1 GiB sent by the Rust bulk peer, read through the Duplex
//      (the baseline: the same bytes by recv(2) into a reused buffer).
//   2. Both ends in one process: write 256 MiB into one end of a loopback
//      pair and read it from the other (ratios to node:net: there is no
//      Rust contender for Node's stream machinery).
// Contenders run interleaved, ROUNDS rounds, each run in its own process.
const path = require('node:path')
const c = require('../common')

const BYTES = Number(process.env.PYSOCKET_BENCH_BULK_BYTES || 2 ** 30)
const PAIR_BYTES = Number(process.env.PYSOCKET_BENCH_PAIR_BYTES || 2 ** 28)
const CLIENTS = path.join(__dirname, '..', 'clients')
const GIB = 2 ** 30

/** Runs `contenders` interleaved; per contender, GiB/s and CPU ms per GiB of each round. */
function measure(contenders, bytes) {
  const speed = new Map(contenders.map((x) => [x.name, []]))
  const cpu = new Map(contenders.map((x) => [x.name, []]))
  for (let round = 0; round < c.ROUNDS; round++) {
    for (const x of c.rotate(contenders, round)) {
      const r = c.runClient(x.cmd, x.args)
      if (r.bytes !== bytes) throw new Error(`${x.name} received ${r.bytes} of ${bytes} bytes`)
      speed.get(x.name).push(c.gibPerSecond(r))
      cpu.get(x.name).push(r.cpu_ns / 1e6 / (r.cpu_bytes / GIB))
    }
  }
  return { speed, cpu }
}

/**
 * Table rows: median GiB/s, range, ratio to `ref`, CPU ms/GiB and its
 * ratio; with `net` (the node:net row's name), the two ratios to it too.
 */
function rows(contenders, { speed, cpu }, ref, net) {
  const ratios = (name, to) => [
    `${c.pairedRatio(speed.get(name), speed.get(to)).toFixed(2)}x`,
    `${c.pairedRatio(cpu.get(name), cpu.get(to)).toFixed(2)}x`,
  ]
  return contenders.map((x) => {
    const s = speed.get(x.name)
    const [speedRatio, cpuRatio] = ratios(x.name, ref)
    const row = [
      x.name,
      c.median(s).toFixed(2),
      `${Math.min(...s).toFixed(2)}–${Math.max(...s).toFixed(2)}`,
      speedRatio,
      c.median(cpu.get(x.name)).toFixed(0),
      cpuRatio,
    ]
    return net === undefined ? row : [...row, ...ratios(x.name, net)]
  })
}

async function main() {
  const bin = c.baseline()
  const peer = await c.startPeer(bin, ['bulk-server', String(BYTES)])
  const port = String(peer.port)
  const receivers = [
    { name: 'baseline (Rust, recv)', cmd: bin, args: ['bulk', port, '65536'] },
    {
      name: "pysocket sock_stream 'data'",
      cmd: c.NODE,
      args: [path.join(CLIENTS, 'stream.js'), 'bulk', port],
    },
    {
      name: "node:net 'data'",
      cmd: c.NODE,
      args: [path.join(CLIENTS, 'net.js'), 'bulk', port, '65536'],
    },
  ]
  let received
  try {
    received = measure(receivers, BYTES)
  } finally {
    peer.stop()
  }
  const pairs = ['net', 'pysocket'].map((kind) => ({
    name: kind === 'net' ? 'node:net, both ends' : 'pysocket sock_stream, both ends',
    cmd: c.NODE,
    args: [path.join(CLIENTS, 'stream.js'), 'pair', String(PAIR_BYTES), kind],
  }))
  const paired = measure(pairs, PAIR_BYTES)

  const header = [
    'contender',
    'median GiB/s',
    'range',
    'throughput ratio',
    'CPU ms / GiB',
    'CPU ratio',
  ]
  const size = (n) => (n === GIB ? '1 GiB' : `${n / 2 ** 20} MiB`)
  console.log(
    `### Duplex over TCP: receive ${size(BYTES)}, and write + read ${size(PAIR_BYTES)} in one process, × ${c.ROUNDS} rounds (throughput: higher is better; CPU: lower is better)\n\n` +
      'Per run: the median 64 MiB segment; table: median and range over the rounds;\n' +
      "ratios: the median of each round's ratio to the first row's run in that round\n" +
      "(and in the first table also to node:net's run in that round); CPU: the\n" +
      'process CPU time per GiB after the first segment (the warm-up).\n',
  )
  const vsNet = ['throughput vs node:net', 'CPU vs node:net']
  console.log(
    c.table([...header, ...vsNet], rows(receivers, received, receivers[0].name, receivers[2].name)),
  )
  console.log('')
  console.log(c.table(header, rows(pairs, paired, pairs[0].name)))
  console.log("\nTarget: sock_stream at least node:net's throughput.")
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
