// Echo client program (the spec's IPv4/IPv6 example, line for line).
// Run by examples/echo.ts in a Worker; alone: `node examples/echo_client_dualstack.js PORT`.
import * as socket from '../index'
import { pyRepr as repr } from '../lib/pytypes'

const HOST = 'localhost' // The remote host (the spec has 'daring.cwi.nl')
const PORT = Number(process.argv[2] ?? 50007) // The same port as used by the server
let s: socket.socket | null = null
for (const res of socket.getaddrinfo(HOST, PORT, socket.AF_UNSPEC, socket.SOCK_STREAM)) {
  const [af, socktype, proto, , sa] = res
  try {
    s = socket.socket(af, socktype, proto)
  } catch (msg) {
    if (!(msg instanceof socket.OSError)) throw msg
    s = null
    continue
  }
  try {
    s.connect(sa)
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
{
  using _ = s
  s.sendall(Buffer.from('Hello, world'))
  const data = s.recv(1024)
  console.log('Received', repr(data))
}
