// Exits while socket.loop calls wait: the poller's teardown at exit must
// close its handles without a crash (Deno's libuv emulation once made this
// a double free). Prints `teardown ok` last.
'use strict'
const socket = require('pysocket')
;(async () => {
  const pairs = [socket.socketpair(), socket.socketpair(), socket.socketpair()]
  for (const [, b] of pairs) socket.loop.sock_recv(b, 10).catch(() => {})
  const [a, b] = socket.socketpair()
  const got = socket.loop.sock_recv(b, 10)
  await new Promise((r) => setTimeout(r, 20))
  a.sendall(Buffer.from('once'))
  if (String(await got) !== 'once') throw new Error('wrong data')
  console.log('teardown ok')
  process.exit(0)
})()
