import test from 'ava'

import * as socket from '../index'
import { checkFdLeaks } from './helpers/fds'

checkFdLeaks(test)

test('a TCP exchange over loopback', (t) => {
  using srv = socket.create_server(['127.0.0.1', 0])
  const [, port] = srv.getsockname() as [string, number]
  using c = socket.create_connection(['127.0.0.1', port], 5)
  const [conn] = srv.accept()
  using _conn = conn
  c.sendall(Buffer.from('ping'))
  t.is(conn.recv(16).toString(), 'ping')
})
