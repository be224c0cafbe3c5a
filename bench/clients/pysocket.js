'use strict'
// pysocket contender: the synchronous API on blocking sockets.
//   node pysocket.js pingpong PORT ITERS WARMUP
//   node pysocket.js bulk PORT BUFSIZE
//   node pysocket.js pair ITERS WARMUP   (send + recv_into on a socketpair, one thread)
// Prints one JSON line, timed inside the process: total ns and the ns of
// each batch (BATCH round trips, or BULK_SEGMENT bytes), see bench/common.js.
const socket = require('../..')
const { meter } = require('./meter')

const [mode, portArg, a, b] = process.argv.slice(2)
const port = Number(portArg)
const BATCH = 1000

if (mode === 'pingpong') {
  const iters = Number(a)
  const warmup = Number(b)
  const s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
  s.connect(['127.0.0.1', port])
  s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
  const ping = Buffer.from('x')
  for (let i = 0; i < warmup; i++) {
    s.send(ping)
    s.recv(1)
  }
  const batches = []
  const t0 = process.hrtime.bigint()
  let tb = t0
  for (let i = 1; i <= iters; i++) {
    s.send(ping)
    if (s.recv(1).length !== 1) throw new Error('peer closed')
    if (i % BATCH === 0) {
      const t = process.hrtime.bigint()
      batches.push(Number(t - tb))
      tb = t
    }
  }
  const ns = Number(process.hrtime.bigint() - t0)
  s.close()
  console.log(JSON.stringify({ ns, iters, batch: BATCH, batches }))
} else if (mode === 'pair') {
  // portArg is the iteration count here: no peer.
  const iters = port
  const warmup = Number(a)
  const [x, y] = socket.socketpair()
  const ping = Buffer.from('x')
  const into = Buffer.alloc(1)
  for (let i = 0; i < warmup; i++) {
    x.send(ping)
    y.recv_into(into)
  }
  const batches = []
  const cpu0 = process.cpuUsage()
  const t0 = process.hrtime.bigint()
  let tb = t0
  for (let i = 1; i <= iters; i++) {
    x.send(ping)
    y.recv_into(into)
    if (i % BATCH === 0) {
      const t = process.hrtime.bigint()
      batches.push(Number(t - tb))
      tb = t
    }
  }
  const ns = Number(process.hrtime.bigint() - t0)
  const cpu = process.cpuUsage(cpu0)
  x.close()
  y.close()
  const cpu_ns = (cpu.user + cpu.system) * 1000
  console.log(JSON.stringify({ ns, cpu_ns, iters, batch: BATCH, batches }))
} else if (mode === 'bulk') {
  const buf = Buffer.alloc(Number(a))
  const s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
  s.connect(['127.0.0.1', port])
  // CPU is counted from the end of the first segment (warm-up: the JIT, the
  // connection's window growing), in every client alike (meter.js).
  const m = meter()
  m.start()
  for (;;) {
    const n = s.recv_into(buf)
    if (n === 0) break
    m.add(n)
  }
  s.close()
  m.done()
} else {
  throw new Error(`unknown mode ${mode}`)
}
