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
const { meter } = require('./meter')

const [mode, a, b] = process.argv.slice(2)

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
