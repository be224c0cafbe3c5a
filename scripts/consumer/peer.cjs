// The Worker side of the consumer suite: a blocking client of pysocket.
'use strict'
const { parentPort, workerData } = require('node:worker_threads')
const socket = require('pysocket')

const s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
try {
  s.connect(['127.0.0.1', workerData.port])
  if (workerData.readme) {
    // README.md's first example, on the server's port.
    s.sendall(Buffer.from('Hello, world'))
    parentPort.postMessage(`Received ${s.recv(1024)}`)
  } else {
    s.sendall(Buffer.from('hello from a worker'))
    parentPort.postMessage(String(s.recv(1024)))
  }
} finally {
  s.close()
}
