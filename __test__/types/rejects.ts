// Wrong code that must not compile: each line below its @ts-expect-error is
// an error, or tsc reports the unused directive.
import * as socket from 'pysocket'

export function wrong(s: socket.socket<socket.AddressFamily.AF_INET>, buf: Buffer): void {
  const s6 = socket.socket(socket.AF_INET6)
  const u = socket.socket(socket.AF_UNIX)
  // @ts-expect-error an AF_INET address has a port
  s.connect(['127.0.0.1'])
  // @ts-expect-error a port alone is no address
  s.bind(8080)
  // @ts-expect-error an AF_INET socket takes no AF_INET6 tuple
  s.connect(['::1', 80, 0, 0])
  // @ts-expect-error an AF_UNIX socket takes a path, not a tuple
  u.bind(['127.0.0.1', 80])
  // @ts-expect-error the loop checks addresses too
  socket.loop.sock_connect(s, 42)
  // @ts-expect-error ... and the family's
  socket.loop.sock_sendto(s6, buf, ['::1'])
  // @ts-expect-error timeouts are numbers, not strings
  socket.create_connection(['localhost', 80], '5')
  // @ts-expect-error no such option
  socket.create_connection(['localhost', 80], { timout: 5 })
  // @ts-expect-error fds are numbers
  socket.send_fds(u, [buf], ['3'])
  // @ts-expect-error data is bytes, not a string
  s.send('text')
  // @ts-expect-error settimeout takes seconds or null
  s.settimeout('1')
  // @ts-expect-error ancillary items are [level, type, data]
  s.sendmsg([buf], [[1, 2]])
  // @ts-expect-error ... with bytes as data
  s.sendmsg([buf], [[1, 2, 'x']])
  // @ts-expect-error create_server's options are Python's keywords
  socket.create_server(['', 0], { reuse_address: true })
  // @ts-expect-error socket() takes no more than four arguments and an options object
  socket.socket(socket.AF_INET, socket.SOCK_STREAM, 0, null, 5)
  // @ts-expect-error getaddrinfo's family is a number
  socket.getaddrinfo('localhost', 80, 'AF_INET')
  // @ts-expect-error ... and its options are Python's keywords
  socket.getaddrinfo('localhost', 80, { famliy: socket.AF_INET })
  // @ts-expect-error ... the Promise form too
  void socket.loop.getaddrinfo('localhost', 80, { typ: socket.SOCK_STREAM })
  // @ts-expect-error an IPv6 address out is four items long
  const [, , , , extra] = s6.getsockname()
  void extra
  // @ts-expect-error the binary file reads Buffers
  const t: string = s.makefile('rb').readline()
  // @ts-expect-error the text file reads strings
  const b: Buffer = s.makefile('r').readline()
  // @ts-expect-error recvfrom gives a stream socket's address or null
  const [, [host]] = s.recvfrom(10)
  console.log(t, b, host)
}

export function internals(s: socket.socket): void {
  // @ts-expect-error the timeout is internal
  s._t = 5
  // @ts-expect-error so is the fd
  console.log(s._fd)
  // @ts-expect-error and the sendto cache
  s._sockaddrFor(['127.0.0.1', 1])
  // @ts-expect-error the class is `socket`
  console.log(socket.SocketImpl)
  // @ts-expect-error no internal helpers are exported
  socket.nativeCall('x', () => 1)
  // @ts-expect-error nor the argument parsers
  socket.gaiArgs([])
  // @ts-expect-error nor the loop's machinery
  console.log(socket.loop.run)
  // Python's own underscore method stays.
  s._real_close()
}
