// socket.loop together with the other parts of the library: name lookups
// off the JS thread, host names in sock_connect, fd passing with
// sock_sendmsg/sock_recvmsg, and sock_sendfile of a real file.
import test from 'ava'
import {
  closeSync,
  fstatSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import * as socket from '../index'
import { checkFdLeaks } from './helpers/fds'

const { loop } = socket

checkFdLeaks(test)

test('loop.getaddrinfo and loop.getnameinfo give what the sync forms give', async (t) => {
  const args = ['localhost', 80, socket.AF_INET, socket.SOCK_STREAM] as const
  t.deepEqual(await loop.getaddrinfo(...args), socket.getaddrinfo(...args))
  const flags = socket.NI_NUMERICHOST | socket.NI_NUMERICSERV
  t.deepEqual(
    await loop.getnameinfo(['127.0.0.1', 8080], flags),
    socket.getnameinfo(['127.0.0.1', 8080], flags),
  )
  await t.throwsAsync(loop.getaddrinfo('localhost', 80, { family: 12345 }), {
    instanceOf: socket.gaierror,
  })
})

test('sock_connect resolves a host name without blocking, then connects', async (t) => {
  const srv = socket.create_server(['127.0.0.1', 0])
  const [, port] = srv.getsockname() as [string, number]
  const c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
  const accepted = loop.sock_accept(srv)
  await loop.sock_connect(c, ['localhost', port])
  const [conn, peer] = await accepted
  t.deepEqual(peer, c.getsockname())
  await loop.sock_sendall(c, Buffer.from('hi'))
  t.is((await loop.sock_recv(conn, 10)).toString(), 'hi')
  for (const s of [c, conn, srv]) s.close()
})

test('an fd passed with sock_sendmsg arrives through sock_recvmsg and works', async (t) => {
  const [a, b] = socket.socketpair()
  const [x, y] = socket.socketpair()
  const size = socket.CMSG_SPACE(4)
  const pending = loop.sock_recvmsg(b, 16, size)
  // SCM_RIGHTS carries C ints in host byte order.
  const fdBytes = Buffer.from(new Int32Array([x.fileno()]).buffer)
  await loop.sock_sendmsg(a, [Buffer.from('fd')], [[socket.SOL_SOCKET, socket.SCM_RIGHTS, fdBytes]])
  const [data, anc] = await pending
  t.is(data.toString(), 'fd')
  t.is(anc.length, 1)
  const [level, type, payload] = anc[0]
  t.is(level, socket.SOL_SOCKET)
  t.is(type, socket.SCM_RIGHTS)
  const received = socket.socket({
    fileno: new Int32Array(payload.buffer.slice(payload.byteOffset, payload.byteOffset + 4))[0],
  })
  received.sendall(Buffer.from('through the passed fd'))
  t.is(y.recv(100).toString(), 'through the passed fd')
  for (const s of [a, b, x, y, received]) s.close()
})

test('sock_sendfile sends a file over TCP', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pysocket-loop-'))
  const path = join(dir, 'data')
  const content = Buffer.alloc(300_000, 'abcdefghij')
  writeFileSync(path, content)
  const fd = openSync(path, 'r')
  const srv = socket.create_server(['127.0.0.1', 0])
  const c = socket.create_connection(srv.getsockname() as [string, number])
  const [conn] = srv.accept()
  try {
    const received: Buffer[] = []
    const reading = (async () => {
      let got = 0
      while (got < content.length) {
        const chunk = await loop.sock_recv(conn, 65536)
        if (chunk.length === 0) break
        received.push(chunk)
        got += chunk.length
      }
    })()
    const sent = await loop.sock_sendfile(c, fd, 0, null)
    await reading
    t.is(sent, content.length)
    t.true(Buffer.concat(received).equals(readFileSync(path)))
    t.is(fstatSync(fd).size, content.length)
  } finally {
    closeSync(fd)
    for (const s of [c, conn, srv]) s.close()
    rmSync(dir, { recursive: true })
  }
})

test('sock_sendmsg that has to wait reads a generator of buffers once', async (t) => {
  const [a, b] = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
  using _a = a
  using _b = b
  a.setblocking(false)
  // Fill a's send buffer, so that the first attempt would block.
  let queued = 0
  for (;;) {
    try {
      queued += a.send(Buffer.alloc(65536))
    } catch (e) {
      t.true(e instanceof socket.BlockingIOError)
      break
    }
  }
  function* parts() {
    yield Buffer.from('he')
    yield Buffer.from('llo')
  }
  const sent = loop.sock_sendmsg(a, parts())
  // Drain b until the message has come through.
  let got = Buffer.alloc(0)
  while (got.length < queued + 5) {
    got = Buffer.concat([got, await loop.sock_recv(b, 1 << 20)])
  }
  t.is(await sent, 5)
  t.is(got.subarray(queued).toString(), 'hello')
})
