// The consumer suite: what a user of the installed package does, run from
// CommonJS (suite.cjs) and from ESM (suite.mjs) in an empty project where
// only the packed tarballs are installed. `run(socket, peerUrl)` runs every
// check against the module object it is given, prints `ok NAME` or
// `not ok NAME: why` for each, then `N passed, N failed`, and sets the exit
// code. Plain JavaScript: it runs unchanged under Node, Bun and Deno.
'use strict'
const assert = require('node:assert/strict')
const fs = require('node:fs')
const http = require('node:http')
const net = require('node:net')
const { Worker } = require('node:worker_threads')

/** Settles within `ms` or rejects: a hung check fails instead of hanging the suite. */
function within(ms, what, promise) {
  let timer
  const limit = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms} ms`)), ms)
  })
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer))
}

/** The checks, by name; each gets the module object. */
function checks(peerUrl) {
  return {
    // The blocking API, with the peer in a Worker thread (the sync calls
    // block the thread they run on).
    async 'sync echo with the peer in a Worker'(socket) {
      const srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
      try {
        srv.bind(['127.0.0.1', 0])
        srv.listen(1)
        const [, port] = srv.getsockname()
        const worker = new Worker(peerUrl, { workerData: { port } })
        const exited = new Promise((resolve, reject) => {
          worker.on('error', reject)
          worker.on('exit', resolve)
        })
        const [conn, addr] = srv.accept()
        try {
          assert.equal(addr[0], '127.0.0.1')
          const data = conn.recv(1024)
          conn.sendall(Buffer.concat([Buffer.from('echo:'), data]))
        } finally {
          conn.close()
        }
        const reply = await within(
          10000,
          'worker reply',
          new Promise((r) => worker.once('message', r)),
        )
        assert.equal(reply, 'echo:hello from a worker')
        assert.equal(await within(10000, 'worker exit', exited), 0)
      } finally {
        srv.close()
      }
    },

    async 'socket.loop echo over TCP'(socket) {
      const { loop } = socket
      const srv = socket.create_server(['127.0.0.1', 0])
      const cli = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
      try {
        const accepted = loop.sock_accept(srv)
        await loop.sock_connect(cli, srv.getsockname())
        const [conn] = await accepted
        try {
          const echo = (async () => {
            for (let data; (data = await loop.sock_recv(conn, 4096)).length > 0;) {
              await loop.sock_sendall(conn, data)
            }
          })()
          for (let i = 0; i < 20; i++) {
            const msg = Buffer.from(`message ${i}`)
            await loop.sock_sendall(cli, msg)
            let got = Buffer.alloc(0)
            while (got.length < msg.length)
              got = Buffer.concat([got, await loop.sock_recv(cli, 4096)])
            assert.deepEqual(got, msg)
          }
          cli.shutdown(socket.SHUT_WR)
          await within(10000, 'echo end', echo)
        } finally {
          conn.close()
        }
      } finally {
        cli.close()
        srv.close()
      }
    },

    async 'an AbortSignal rejects a waiting call, the socket stays usable'(socket) {
      const [a, b] = socket.socketpair()
      try {
        const ac = new AbortController()
        const reason = new Error('stop waiting')
        const waiting = socket.loop.sock_recv(b, 10, { signal: ac.signal })
        setTimeout(() => ac.abort(reason), 20)
        await assert.rejects(waiting, (e) => e === reason)
        a.sendall(Buffer.from('after'))
        assert.equal(String(await socket.loop.sock_recv(b, 10)), 'after')
      } finally {
        a.close()
        b.close()
      }
    },

    async 'a socket timeout rejects a loop call with TimeoutError'(socket) {
      const [a, b] = socket.socketpair()
      try {
        b.settimeout(0.05)
        await assert.rejects(socket.loop.sock_recv(b, 10), (e) => {
          assert.ok(e instanceof socket.timeout, `${e}`)
          assert.ok(e instanceof socket.OSError)
          assert.equal(e.message, 'timed out')
          return true
        })
      } finally {
        a.close()
        b.close()
      }
    },

    async 'fd passing with sendmsg and recvmsg'(socket) {
      const [a, b] = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
      const [x, y] = socket.socketpair()
      try {
        const fds = Buffer.alloc(4)
        fds.writeInt32LE(x.fileno())
        a.sendmsg([Buffer.from('fd')], [[socket.SOL_SOCKET, socket.SCM_RIGHTS, fds]])
        const [data, ancdata] = b.recvmsg(16, socket.CMSG_SPACE(4))
        assert.equal(String(data), 'fd')
        assert.equal(ancdata.length, 1)
        const [level, type, body] = ancdata[0]
        assert.equal(level, socket.SOL_SOCKET)
        assert.equal(type, socket.SCM_RIGHTS)
        const passed = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM, 0, {
          fileno: body.readInt32LE(),
        })
        try {
          assert.notEqual(passed.fileno(), x.fileno())
          passed.sendall(Buffer.from('through the passed fd'))
          assert.equal(String(y.recv(64)), 'through the passed fd')
        } finally {
          passed.close()
        }
      } finally {
        for (const s of [a, b, x, y]) s.close()
      }
    },

    async 'loop.getaddrinfo resolves localhost'(socket) {
      const infos = await within(
        10000,
        'getaddrinfo',
        socket.loop.getaddrinfo('localhost', 80, { type: socket.SOCK_STREAM }),
      )
      assert.ok(infos.length > 0)
      for (const [family, type, , , addr] of infos) {
        assert.ok([socket.AF_INET, socket.AF_INET6].includes(family))
        assert.equal(type, socket.SOCK_STREAM)
        assert.equal(addr[1], 80)
      }
      assert.ok(infos.some(([, , , , addr]) => addr[0] === '127.0.0.1' || addr[0] === '::1'))
    },

    // README.md's first example (the blocking client; `using` is written
    // out as try/finally, which every runtime runs) against its socket.loop
    // server, both on a free port instead of the fixed ones.
    async "README's client and loop server"(socket) {
      const { loop } = socket
      const srv = socket.create_server(['127.0.0.1', 0])
      const [, port] = srv.getsockname()
      const served = (async () => {
        const [conn] = await loop.sock_accept(srv)
        for (let data; (data = await loop.sock_recv(conn, 4096)).length > 0;) {
          await loop.sock_sendall(conn, data)
        }
        conn.close()
      })()
      const worker = new Worker(peerUrl, { workerData: { port, readme: true } })
      const reply = await within(
        10000,
        'README client',
        new Promise((r) => worker.once('message', r)),
      )
      assert.equal(reply, 'Received Hello, world')
      await within(10000, 'README server', served)
      srv.close()
    },

    // Node streams over pysocket sockets: the runtime's own stream,
    // http and net modules on top of loop.sock_stream and sock_serve.
    async 'sock_stream: a Duplex echo of 4 MiB over a socketpair'(socket) {
      const { loop } = socket
      const [a, b] = socket.socketpair()
      const sa = loop.sock_stream(a)
      const sb = loop.sock_stream(b)
      sb.on('data', (d) => sb.write(d))
      sb.on('end', () => sb.end())
      const chunks = []
      sa.on('data', (d) => chunks.push(d))
      const closed = Promise.all([sa, sb].map((s) => new Promise((r) => s.on('close', r))))
      const data = Buffer.alloc(4 << 20)
      for (let i = 0; i < data.length; i += 4096) data[i] = i >> 12
      sa.end(data)
      await within(20000, 'echo', closed)
      assert.ok(Buffer.concat(chunks).equals(data))
      assert.equal(a.fileno(), -1) // destroy closed the sockets
      assert.equal(b.fileno(), -1)
    },

    async 'node:http over an abstract AF_UNIX name with sock_serve'(socket) {
      const { loop } = socket
      const name = `\0pysocket-consumer-${process.pid}`
      const listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
      listener.bind(name)
      listener.listen(8)
      const server = http.createServer((req, res) => res.end(`hello ${req.url}`))
      const serving = loop.sock_serve(listener, (conn) => server.emit('connection', conn))
      try {
        const body = await within(
          10000,
          'http request',
          new Promise((resolve, reject) => {
            const createConnection = () => {
              const c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
              c.connect(name)
              return loop.sock_stream(c)
            }
            const req = http.request({ path: '/x', createConnection }, (res) => {
              let text = ''
              res.on('data', (d) => (text += d))
              res.on('end', () => resolve(text))
            })
            req.on('error', reject)
            req.end()
          }),
        )
        assert.equal(body, 'hello /x')
      } finally {
        serving.close()
        server.close()
      }
    },

    // fromnode reads the fd of a net.Server's handle; a runtime that keeps
    // it hidden (Deno) gets the documented ValueError.
    async 'fromnode adopts a net.Server, or says the runtime hides its fd'(socket) {
      const server = net.createServer()
      await new Promise((r) => server.listen(0, '127.0.0.1', r))
      try {
        let s
        try {
          s = socket.fromnode(server)
        } catch (e) {
          assert.equal(e.name, 'ValueError')
          assert.match(e.message, /no fd of its own/)
          assert.ok(typeof Deno !== 'undefined', `only Deno hides the fd: ${e.message}`)
          return
        }
        try {
          assert.deepEqual(s.getsockname(), ['127.0.0.1', server.address().port])
        } finally {
          s.close()
        }
      } finally {
        server.close()
      }
    },

    async 'exceptions are Python’s'(socket) {
      const s = socket.socket()
      try {
        assert.throws(() => s.connect(['127.0.0.1', 70000]), {
          name: 'OverflowError',
          message: 'connect(): port must be 0-65535.',
        })
        assert.throws(() => s.send('text'), TypeError)
      } finally {
        s.close()
      }
      assert.throws(() => s.recv(1), { name: 'OSError', message: '[Errno 9] Bad file descriptor' })
    },
  }
}

/**
 * The open fds of this process that are sockets, where the system lists
 * fds (the runtimes' own pipes, eventfds and epoll fds come and go; a
 * socket the checks left open shows up here).
 */
function openSockets() {
  for (const dir of ['/proc/self/fd', '/dev/fd']) {
    let names
    try {
      names = fs.readdirSync(dir)
    } catch {
      continue
    }
    return names.filter((fd) => {
      try {
        return fs.fstatSync(Number(fd)).isSocket()
      } catch {
        return false
      }
    }).length
  }
  return null
}

async function run(socket, peerUrl) {
  let passed = 0
  let failed = 0
  const before = openSockets()
  for (const [name, check] of Object.entries(checks(peerUrl))) {
    try {
      await within(30000, name, check(socket))
      passed++
      console.log(`ok ${name}`)
    } catch (e) {
      failed++
      console.log(`not ok ${name}: ${e && e.stack ? e.stack : e}`)
    }
  }
  // Every socket above was closed: as many sockets are open as before.
  const after = openSockets()
  if (before !== null && after !== before) {
    failed++
    console.log(`not ok no socket leaked: ${before} open before, ${after} after`)
  } else {
    passed++
    console.log('ok no socket leaked')
  }
  console.log(`${passed} passed, ${failed} failed`)
  process.exitCode = failed === 0 ? 0 : 1
}

module.exports = { run }
