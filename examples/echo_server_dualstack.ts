// Echo server program (the spec's IPv4/IPv6 example, line for line).
// Run by examples/echo.ts in a Worker; alone: `node examples/echo_server_dualstack.js`.
import { parentPort } from 'node:worker_threads'
import * as socket from '../index'
import { pyRepr as repr } from '../lib/pytypes'

const HOST = 'localhost' // The spec has None (all interfaces); loopback only here
const PORT = Number(process.argv[2] ?? 0) // 0: any free port (the spec has 50007)
let s: socket.socket | null = null
for (const res of socket.getaddrinfo(
  HOST,
  PORT,
  socket.AF_UNSPEC,
  socket.SOCK_STREAM,
  0,
  socket.AI_PASSIVE,
)) {
  const [af, socktype, proto, , sa] = res
  try {
    s = socket.socket(af, socktype, proto)
  } catch (msg) {
    if (!(msg instanceof socket.OSError)) throw msg
    s = null
    continue
  }
  try {
    s.bind(sa)
    s.listen(1)
  } catch (msg) {
    if (!(msg instanceof socket.OSError)) throw msg
    s.close()
    s = null
    continue
  }
  break
}
if (s === null) {
  console.log('could not open socket')
  process.exit(1)
}
announce(s.getsockname() as [string, number])
const [conn, addr] = s.accept()
{
  using _ = conn
  console.log('Connected by', repr(addr))
  while (true) {
    const data = conn.recv(1024)
    if (!data.length) break
    conn.send(data)
  }
}
s.close() // Python closes it when the program ends

/** Not in the spec: tells examples/echo.ts (or the user) the port to connect to. */
function announce([, port]: [string, number]): void {
  if (parentPort) parentPort.postMessage(port)
  else console.log('Listening on port', port)
}
