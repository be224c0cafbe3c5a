'use strict'
// node:net contender (event-driven: its only API).
//   node net.js pingpong PORT ITERS WARMUP
//   node net.js bulk PORT BUFSIZE   (BUFSIZE unused: libuv reads 64 KiB chunks)
// Prints one JSON line, timed inside the process: total ns and the ns of
// each batch (BATCH round trips, or SEGMENT bytes), see bench/common.js.
const net = require('node:net')
const { meter } = require('./meter')

const [mode, portArg, a, b] = process.argv.slice(2)
const port = Number(portArg)
const BATCH = 1000

if (mode === 'pingpong') {
  const iters = Number(a)
  const warmup = Number(b)
  const ping = Buffer.from('x')
  const s = net.connect({ host: '127.0.0.1', port, noDelay: true })
  const batches = []
  let done = -warmup
  let t0 = 0n
  let tb = 0n
  s.on('connect', () => {
    if (warmup === 0) t0 = tb = process.hrtime.bigint()
    s.write(ping)
  })
  s.on('data', (chunk) => {
    // One byte per round trip: a chunk never holds more than one here.
    done += chunk.length
    if (done === 0) t0 = tb = process.hrtime.bigint()
    else if (done > 0 && done % BATCH === 0) {
      const t = process.hrtime.bigint()
      batches.push(Number(t - tb))
      tb = t
    }
    if (done === iters) {
      const ns = Number(process.hrtime.bigint() - t0)
      console.log(JSON.stringify({ ns, iters, batch: BATCH, batches }))
      s.destroy()
      return
    }
    s.write(ping)
  })
} else if (mode === 'bulk') {
  const s = net.connect({ host: '127.0.0.1', port })
  const m = meter()
  s.on('connect', () => m.start())
  s.on('data', (chunk) => m.add(chunk.length))
  s.on('end', () => m.done())
} else {
  throw new Error(`unknown mode ${mode}`)
}
