// Node's own protocols over pysocket sockets through loop.sock_stream and
// loop.sock_serve: node:tls client and server over TCP sockets configured
// with TCP_NODELAY and SO_KEEPALIVE, node:http over an abstract AF_UNIX
// name and over AF_VSOCK (VMADDR_CID_LOCAL, where the kernel has a local
// transport), the async-iterator server, and fromnode() adopting the fds
// of node:net objects.
import test from 'ava'
import { execFileSync, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import * as http from 'node:http'
import * as net from 'node:net'
import * as dgram from 'node:dgram'
import { tmpdir, constants as osConstants } from 'node:os'
import { join } from 'node:path'
import type { Duplex } from 'node:stream'
import * as tls from 'node:tls'

import * as socket from '../index'
import { checkFdLeaks } from './helpers/fds'

checkFdLeaks(test)

const { loop } = socket
type Sock = socket.socket

/** Settles once `s` has emitted 'close' (at once if it has already). */
function closed(s: Duplex): Promise<unknown> {
  return s.closed ? Promise.resolve() : once(s, 'close')
}

/**
 * A self-signed certificate for "localhost", made by the openssl CLI for
 * this run (Node's crypto can sign, but not write an X.509 certificate).
 */
function makeCertificate(): { key: Buffer; cert: Buffer } | string {
  const probe = spawnSync('openssl', ['version'], { encoding: 'utf8' })
  if (probe.error || probe.status !== 0) return 'the openssl CLI is not installed'
  const dir = mkdtempSync(join(tmpdir(), 'pysocket-tls-'))
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost',
      ],
      { stdio: 'ignore' },
    )
    return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
const pki = makeCertificate()
const tlsTest = typeof pki === 'string' ? test.skip : test
const tlsNote = typeof pki === 'string' ? ` (skipped: ${pki})` : ''

tlsTest(
  `node:tls client and server over pysocket TCP sockets with TCP_NODELAY and SO_KEEPALIVE${tlsNote}`,
  async (t) => {
    const { key, cert } = pki as { key: Buffer; cert: Buffer }
    const listener = socket.create_server(['127.0.0.1', 0])
    const tlsServer = tls.createServer({ key, cert }, (conn) => {
      conn.on('data', (d: Buffer) => conn.write(Buffer.concat([Buffer.from('echo:'), d])))
      conn.on('end', () => conn.end())
    })
    const accepted: socket.SocketStream[] = []
    const server = loop.sock_serve(listener, (conn) => {
      // The server's side, configured through the stream's net members.
      conn.setNoDelay(true).setKeepAlive(true, 2000)
      accepted.push(conn)
      tlsServer.emit('connection', conn)
    })

    // The client's side, configured on the pysocket socket before connect.
    const c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    await loop.sock_connect(c, server.address() as socket.InetAddress)
    const raw = loop.sock_stream(c)
    const client = tls.connect({ socket: raw, ca: cert, servername: 'localhost' })
    await once(client, 'secureConnect')
    t.true(client.authorized)
    t.is(client.getPeerCertificate().subject.CN, 'localhost')
    const replies: Buffer[] = []
    client.on('data', (d: Buffer) => replies.push(d))
    client.write('ping over tls')
    while (Buffer.concat(replies).length < 'echo:ping over tls'.length) await once(client, 'data')
    t.is(Buffer.concat(replies).toString(), 'echo:ping over tls')

    t.is(accepted.length, 1)
    const conn = accepted[0].sock
    t.truthy(c.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
    t.truthy(c.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE))
    t.truthy(conn.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
    t.truthy(conn.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE))
    t.is(conn.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE), 2)

    client.end()
    await Promise.all([closed(raw), closed(accepted[0])])
    server.close()
    await once(server, 'close')
    t.is(listener.fileno(), -1)
    t.is(c.fileno(), -1)
    t.is(conn.fileno(), -1)
  },
)

/** A server answering POSTs with `method url body` in upper case. */
function shoutServer(): http.Server {
  return http.createServer((req, res) => {
    const parts: Buffer[] = []
    req.on('data', (d: Buffer) => parts.push(d))
    req.on('end', () => {
      res.setHeader('connection', 'close')
      res.end(`${req.method} ${req.url} ${Buffer.concat(parts).toString().toUpperCase()}`)
    })
  })
}

/** One POST through `createConnection`; resolves to [status, body]. */
function post(
  createConnection: (opts: object, cb: (e: Error | null, s?: Duplex) => void) => Duplex | undefined,
  path: string,
  body: string,
): Promise<[number, string]> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { method: 'POST', path, createConnection: createConnection as never, host: 'ignored' },
      (res) => {
        const parts: Buffer[] = []
        res.on('data', (d: Buffer) => parts.push(d))
        res.on('end', () => resolve([res.statusCode!, Buffer.concat(parts).toString()]))
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}

/** Serves `listener` with an http server, runs `f`, stops everything. */
async function withHttp(listener: Sock, f: () => Promise<void>): Promise<void> {
  const server = loop.sock_serve(listener, shoutServer())
  try {
    await f()
  } finally {
    server.close()
    await once(server, 'close')
  }
}

test('node:http client and server over an abstract AF_UNIX name', async (t) => {
  const name = Buffer.from(`\0pysocket-http-${process.pid}-${Math.random()}`)
  const listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
  listener.bind(name)
  listener.listen()
  t.deepEqual(listener.getsockname(), name)
  const clients: socket.SocketStream[] = []
  await withHttp(listener, async () => {
    const connect = (_opts: object, cb: (e: Error | null, s?: Duplex) => void): undefined => {
      const s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
      loop.sock_connect(s, name).then(
        () => {
          const stream = loop.sock_stream(s)
          clients.push(stream)
          cb(null, stream)
        },
        (e: Error) => {
          s.close()
          cb(e)
        },
      )
      return undefined
    }
    // Several requests at once, each on its own connection.
    const answers = await Promise.all(
      ['a', 'b', 'c'].map((x) => post(connect, `/path/${x}`, `body ${x}`)),
    )
    t.deepEqual(answers, [
      [200, 'POST /path/a BODY A'],
      [200, 'POST /path/b BODY B'],
      [200, 'POST /path/c BODY C'],
    ])
  })
  // Connection: close: every client's socket goes once its response ended.
  await Promise.all(clients.map(closed))
  t.true(clients.every((c) => c.sock.fileno() === -1))
  t.is(listener.fileno(), -1)
})

test('a keep-alive http.Agent reuses one stream (it calls setKeepAlive, unref, ref, setTimeout)', async (t) => {
  const name = Buffer.from(`\0pysocket-agent-${process.pid}-${Math.random()}`)
  const listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
  listener.bind(name)
  listener.listen()
  const server = loop.sock_serve(
    listener,
    http.createServer((req, res) => res.end(`seen ${req.url}`)),
  )
  const made: socket.SocketStream[] = []
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
  ;(agent as unknown as { createConnection: unknown }).createConnection = (
    _opts: object,
    cb: (e: Error | null, s?: Duplex) => void,
  ): undefined => {
    const s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    loop.sock_connect(s, name).then(() => {
      const stream = loop.sock_stream(s)
      made.push(stream)
      cb(null, stream)
    }, cb)
    return undefined
  }
  const get = (path: string): Promise<[string, boolean]> =>
    new Promise((resolve, reject) => {
      const req = http.get({ agent, path }, (res) => {
        const parts: Buffer[] = []
        res.on('data', (d: Buffer) => parts.push(d))
        res.on('end', () => resolve([Buffer.concat(parts).toString(), req.reusedSocket]))
      })
      req.on('error', reject)
    })
  t.deepEqual(await get('/one'), ['seen /one', false])
  t.deepEqual(await get('/two'), ['seen /two', true])
  t.is(made.length, 1)
  agent.destroy()
  await closed(made[0])
  t.is(made[0].sock.fileno(), -1)
  server.close()
  await once(server, 'close')
})

/** Why AF_VSOCK cannot connect locally here, or null if it can. */
function vsockLocal(): string | null {
  let s: Sock | null = null
  try {
    s = socket.socket(socket.AF_VSOCK, socket.SOCK_STREAM)
    s.bind([socket.VMADDR_CID_LOCAL, socket.VMADDR_PORT_ANY])
    return null
  } catch (e) {
    return `AF_VSOCK cannot bind VMADDR_CID_LOCAL (no vsock_loopback transport): ${(e as Error).message}`
  } finally {
    s?.close()
  }
}
const vsockWhy = vsockLocal()

;(vsockWhy === null ? test : test.skip)(
  `node:http client and server over AF_VSOCK, VMADDR_CID_LOCAL${vsockWhy ? ` (skipped: ${vsockWhy})` : ''}`,
  async (t) => {
    const listener = socket.socket(socket.AF_VSOCK, socket.SOCK_STREAM)
    listener.bind([socket.VMADDR_CID_LOCAL, socket.VMADDR_PORT_ANY])
    listener.listen()
    const address = listener.getsockname()
    await withHttp(listener, async () => {
      const connect = (_opts: object, cb: (e: Error | null, s?: Duplex) => void): undefined => {
        const s = socket.socket(socket.AF_VSOCK, socket.SOCK_STREAM)
        loop.sock_connect(s, address).then(
          () => cb(null, loop.sock_stream(s)),
          (e: Error) => {
            s.close()
            cb(e)
          },
        )
        return undefined
      }
      t.deepEqual(await post(connect, '/vsock', 'over vsock'), [200, 'POST /vsock OVER VSOCK'])
    })
  },
)

test('sock_serve without a handler is an async iterator; leaving the loop closes it', async (t) => {
  const listener = socket.create_server(['127.0.0.1', 0])
  const server = loop.sock_serve(listener)
  t.true(server instanceof socket.StreamServer)
  const address = server.address()
  const clients = [0, 1, 2].map(async (i) => {
    const c = socket.socket()
    await loop.sock_connect(c, address as socket.InetAddress)
    const s = loop.sock_stream(c)
    s.end(`client ${i}`)
    const parts: Buffer[] = []
    for await (const d of s) parts.push(d as Buffer)
    return Buffer.concat(parts).toString()
  })
  let n = 0
  for await (const conn of server) {
    t.true(conn instanceof socket.SocketStream)
    t.is(conn.remoteAddress, '127.0.0.1')
    // Echo, upper case.
    conn.on('data', (d: Buffer) => conn.write(d.toString().toUpperCase()))
    conn.on('end', () => conn.end())
    if (++n === 3) break
  }
  t.false(server.listening)
  t.is(listener.fileno(), -1)
  t.deepEqual((await Promise.all(clients)).sort(), ['CLIENT 0', 'CLIENT 1', 'CLIENT 2'])
})

test('sock_serve gives connections to a net.Server as its connection event', async (t) => {
  const listener = socket.create_server(['127.0.0.1', 0])
  const netServer = net.createServer((conn) => {
    conn.end(`hello ${(conn as unknown as socket.SocketStream).remoteFamily}`)
  })
  const server = loop.sock_serve(listener, netServer, { allowHalfOpen: true })
  const c = socket.socket()
  await loop.sock_connect(c, server.address() as socket.InetAddress)
  c.settimeout(10)
  let got = ''
  for (;;) {
    const d = c.recv(100)
    if (d.length === 0) break
    got += d.toString()
  }
  t.is(got, 'hello IPv4')
  c.close()
  server.close()
  await once(server, 'close')
  t.throws(() => loop.sock_serve(listener, 42 as never), { instanceOf: TypeError })
})

test('sock_serve: a listener that cannot accept is an error event, or the iterator throws', async (t) => {
  using udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
  t.throws(() => loop.sock_serve(udp, () => {}), { instanceOf: socket.ValueError })
  const notListening = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
  t.throws(() => loop.sock_serve(notListening, () => {}, { readSize: -5 }), {
    instanceOf: RangeError,
  })
  const server = loop.sock_serve(notListening, () => t.fail('no connection'))
  const [err] = (await once(server, 'error')) as [socket.OSError]
  t.true(err instanceof socket.OSError)
  t.is(err.errno, osConstants.errno.EINVAL)
  if (server.listening) await once(server, 'close')
  t.is(notListening.fileno(), -1)

  const again = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
  const iterated = loop.sock_serve(again)
  await t.throwsAsync(
    async () => {
      for await (const conn of iterated) conn.destroy()
    },
    { instanceOf: socket.OSError },
  )
  t.is(again.fileno(), -1)
})

test('fromnode adopts the fd of a net.Server and a net.Socket; dgram.Socket is refused', async (t) => {
  const netServer = net.createServer()
  netServer.listen(0, '127.0.0.1')
  await once(netServer, 'listening')
  const port = (netServer.address() as net.AddressInfo).port
  // The listener changes hands: pysocket accepts from then on.
  const listener = socket.fromnode(netServer)
  t.is(listener.family, socket.AF_INET)
  t.is(listener.type, socket.SOCK_STREAM)
  t.deepEqual(listener.getsockname(), ['127.0.0.1', port])
  t.is(listener.gettimeout(), 0)
  netServer.close()

  const nodeClient = net.connect(port, '127.0.0.1')
  await once(nodeClient, 'connect')
  const [conn] = await loop.sock_accept(listener)
  listener.close()
  // And the connected socket too: adopt, then let Node's fd go.
  const adopted = socket.fromnode(nodeClient)
  t.deepEqual(adopted.getpeername(), conn.getsockname())
  nodeClient.destroy()
  await once(nodeClient, 'close')
  const s = loop.sock_stream(adopted)
  const peer = loop.sock_stream(conn)
  s.resume()
  s.end('through the adopted fd')
  const parts: Buffer[] = []
  for await (const d of peer) parts.push(d as Buffer)
  t.is(Buffer.concat(parts).toString(), 'through the adopted fd')
  await Promise.all([closed(s), closed(peer)])

  const udp = dgram.createSocket('udp4')
  t.throws(() => socket.fromnode(udp as never), {
    instanceOf: TypeError,
    message: /dgram\.Socket/,
  })
  udp.close()
  t.throws(() => socket.fromnode(new net.Socket()), { instanceOf: socket.ValueError })
  t.throws(() => socket.fromnode({} as never), { instanceOf: TypeError })
})
