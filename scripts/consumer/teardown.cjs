// Ends while socket.loop has been used: the poller's teardown at exit must
// close its handles without a crash (Deno's libuv emulation once made this
// a double free). `exit` as argument: process.exit() while calls still
// wait; else every socket is closed and the process ends by itself.
// Prints `teardown ok` last.
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
  if (process.argv[2] === 'exit') process.exit(0)
  for (const s of [a, b, ...pairs.flat()]) s.close()
})()
