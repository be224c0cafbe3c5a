// Echo client program (the spec's IPv4 example, line for line).
// Run by examples/echo.ts in a Worker; alone: `node examples/echo_client.js PORT`.
import * as socket from '../index'
import { pyRepr as repr } from '../lib/pytypes'

const HOST = '127.0.0.1' // The remote host (the spec has 'daring.cwi.nl')
const PORT = Number(process.argv[2] ?? 50007) // The same port as used by the server
{
  using s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
  s.connect([HOST, PORT])
  s.sendall(Buffer.from('Hello, world'))
  const data = s.recv(1024)
  console.log('Received', repr(data))
}
