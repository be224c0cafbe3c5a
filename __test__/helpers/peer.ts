// Peers for tests of blocking calls: the sync API blocks this thread, so the
// other end of a connection runs in a Worker thread with its own event loop
// (Node's own net/dgram modules, independent of the code under test).
import { Worker } from 'node:worker_threads'

export interface Peer {
  /** The first message the peer posted (e.g. its port), once it is ready. */
  ready: unknown
  /** Resolves with the peer's final message (its `done(value)`), or rejects on its error. */
  result: Promise<unknown>
  /** Stops the peer. */
  stop(): Promise<void>
}

/**
 * Starts a peer: `body` is the source of a function `(data, ready, done)`
 * run in a worker, with `require` available; it calls `ready(x)` once
 * listening/connected and may call `done(x)` with a result.
 */
export async function startPeer(body: string, data: unknown = null): Promise<Peer> {
  const code = `
    const { parentPort, workerData } = require('node:worker_threads')
    const ready = (x) => parentPort.postMessage({ ready: x === undefined ? null : x })
    const done = (x) => parentPort.postMessage({ done: x === undefined ? null : x })
    ;(${body})(workerData, ready, done)
  `
  const worker = new Worker(code, { eval: true, workerData: data })
  let resolveReady!: (v: unknown) => void
  let rejectReady!: (e: unknown) => void
  const readyP = new Promise((res, rej) => {
    resolveReady = res
    rejectReady = rej
  })
  const result = new Promise<unknown>((res, rej) => {
    worker.on('message', (m: { ready?: unknown; done?: unknown }) => {
      if ('ready' in m) resolveReady(m.ready)
      if ('done' in m) res(m.done)
    })
    worker.on('error', (e) => {
      rejectReady(e)
      rej(e)
    })
    worker.on('exit', () => res(undefined))
  })
  result.catch(() => {})
  const ready = await readyP
  return {
    ready,
    result,
    stop: async () => {
      await worker.terminate()
    },
  }
}

/** Source of common peers. */
export const peers = {
  /** TCP echo server on 127.0.0.1; ready(port). */
  echo: `(data, ready) => {
    const net = require('node:net')
    const srv = net.createServer((c) => { c.on('error', () => {}); c.pipe(c) })
    srv.listen(0, '127.0.0.1', () => ready(srv.address().port))
  }`,
  /** Connects to data.port (and data.host), waits data.delay ms, sends data.text. */
  delayedSender: `(data, ready, done) => {
    const net = require('node:net')
    const c = net.connect(data.port, data.host || '127.0.0.1', () => {
      ready(null)
      setTimeout(() => c.end(data.text, () => done(true)), data.delay)
    })
    c.on('error', (e) => done(String(e)))
  }`,
  /** Connects to data.path (Unix stream), waits data.delay ms, sends data.text. */
  delayedUnixSender: `(data, ready, done) => {
    const net = require('node:net')
    const c = net.connect(data.path, () => {
      ready(null)
      setTimeout(() => c.end(data.text, () => done(true)), data.delay)
    })
    c.on('error', (e) => done(String(e)))
  }`,
  /** Sends one UDP datagram to data.port on data.host after data.delay ms. */
  delayedDatagram: `(data, ready, done) => {
    const dgram = require('node:dgram')
    const s = dgram.createSocket(data.type || 'udp4')
    ready(null)
    setTimeout(() => s.send(data.text, data.port, data.host, () => { s.close(); done(true) }), data.delay)
  }`,
  /**
   * TCP server that reads data.chunk bytes every data.every ms from its first
   * connection and reports the total read when the client closes.
   */
  slowReader: `(data, ready, done) => {
    const net = require('node:net')
    const srv = net.createServer((c) => {
      c.pause()
      let total = 0
      const tick = setInterval(() => {
        let got
        while ((got = c.read(Math.min(data.chunk, c.readableLength || data.chunk))) !== null) {
          total += got.length
          if (got.length >= data.chunk) break
        }
      }, data.every)
      c.on('end', () => { clearInterval(tick); done(total) })
      c.on('close', () => { clearInterval(tick); done(total) })
      c.on('error', () => {})
    })
    srv.listen(0, '127.0.0.1', () => ready(srv.address().port))
  }`,
}
