// Echo server program (the spec's IPv4 example, line for line).
// Run by examples/echo.ts in a Worker; alone: `node examples/echo_server.js`.
import { parentPort } from 'node:worker_threads'
import * as socket from '../index'
import { pyRepr as repr } from '../lib/pytypes'

const HOST = '127.0.0.1' // The spec has '' (all interfaces); loopback only here
const PORT = Number(process.argv[2] ?? 0) // 0: any free port (the spec has 50007)
{
  using s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
  s.bind([HOST, PORT])
  s.listen(1)
  announce(s.getsockname() as [string, number])
  const [conn, addr] = s.accept()
  {
    using _ = conn
    console.log('Connected by', repr(addr))
    while (true) {
      const data = conn.recv(1024)
      if (!data.length) break
      conn.sendall(data)
    }
  }
}

/** Not in the spec: tells examples/echo.ts (or the user) the port to connect to. */
function announce([, port]: [string, number]): void {
  if (parentPort) parentPort.postMessage(port)
  else console.log('Listening on port', port)
}
