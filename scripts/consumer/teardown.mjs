// teardown.cjs from ESM.
import * as socket from 'pysocket'

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
