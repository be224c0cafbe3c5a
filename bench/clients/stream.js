'use strict'
// Duplex contenders of bench/suites/stream.js: a pysocket TCP socket
// through loop.sock_stream, or a net.Socket, used the way Node code uses a
// Duplex ('data' events, write() with 'drain').
//   node stream.js bulk PORT          receive until EOF from the bulk peer ('data' events)
//   node stream.js pair BYTES KIND    KIND pysocket|net: in this one process, write BYTES
//                                     into one end of a loopback TCP pair and read them
//                                     from the other
// Prints one JSON line, timed inside the process: ns, cpu_ns, bytes, and
// the ns of each SEGMENT bytes (see bench/common.js).
const net = require('node:net')
const socket = require('../..')

const SEGMENT = 64 * 2 ** 20
const [mode, a, b] = process.argv.slice(2)

/** Counts bytes into SEGMENT-sized timings; `done()` prints the JSON line. */
function meter() {
  let bytes = 0
  let mark = SEGMENT
  const segments = []
  // CPU from the end of the first segment, as in every client.
  let cpu0 = process.cpuUsage()
  let cpuFrom = 0
  let t0 = process.hrtime.bigint()
  let ts = t0
  return {
    start() {
      cpu0 = process.cpuUsage()
      t0 = ts = process.hrtime.bigint()
    },
    add(n) {
      bytes += n
      if (bytes >= mark) {
        const t = process.hrtime.bigint()
        segments.push(Number(t - ts))
        ts = t
        mark += SEGMENT
        if (segments.length === 1) {
          cpu0 = process.cpuUsage()
          cpuFrom = bytes
        }
      }
    },
    done() {
      const ns = Number(process.hrtime.bigint() - t0)
      const cpu = process.cpuUsage(cpu0)
      const cpu_ns = (cpu.user + cpu.system) * 1000
      console.log(
        JSON.stringify({
          ns,
          cpu_ns,
          cpu_bytes: bytes - cpuFrom,
          bytes,
          segment: SEGMENT,
          segments,
        }),
      )
    },
  }
}

/** A connected pysocket TCP pair on loopback, as streams: [writer, reader]. */
async function pysocketPair() {
  const srv = socket.create_server(['127.0.0.1', 0])
  const c = socket.socket()
  const accepted = socket.loop.sock_accept(srv)
  await socket.loop.sock_connect(c, srv.getsockname())
  const [conn] = await accepted
  srv.close()
  return [socket.loop.sock_stream(c), socket.loop.sock_stream(conn)]
}

/** The same with node:net: [writer, reader]. */
function netPair() {
  return new Promise((resolve) => {
    const srv = net.createServer((conn) => {
      srv.close()
      resolve([client, conn])
    })
    let client
    srv.listen(0, '127.0.0.1', () => {
      client = net.connect(srv.address().port, '127.0.0.1')
    })
  })
}

async function main() {
  if (mode === 'bulk') {
    const s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    await socket.loop.sock_connect(s, ['127.0.0.1', Number(a)])
    const m = meter()
    const stream = socket.loop.sock_stream(s)
    m.start()
    stream.on('data', (chunk) => m.add(chunk.length))
    stream.on('end', () => m.done())
  } else if (mode === 'pair') {
    const total = Number(a)
    const [writer, reader] = b === 'net' ? await netPair() : await pysocketPair()
    const chunk = Buffer.alloc(64 * 1024, 0x5a)
    const m = meter()
    m.start()
    reader.on('data', (d) => m.add(d.length))
    reader.on('end', () => {
      m.done()
      writer.destroy()
    })
    let sent = 0
    const pump = () => {
      while (sent < total) {
        sent += chunk.length
        if (!writer.write(chunk)) return void writer.once('drain', pump)
      }
      writer.end()
    }
    pump()
  } else {
    throw new Error(`unknown mode ${mode}`)
  }
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
