// The examples of Python's socket documentation, ported line for line: they
// must compile with no cast against the shipped declarations.
import * as socket from 'pysocket'

// Echo server program (IPv4).
export function echoServer(): void {
  const HOST = ''
  const PORT = 50007
  using s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
  s.bind([HOST, PORT])
  s.listen(1)
  const [conn, addr] = s.accept()
  using c = conn
  console.log('Connected by', addr[0], addr[1])
  for (;;) {
    const data = c.recv(1024)
    if (data.length === 0) break
    c.sendall(data)
  }
}

// Echo client program (IPv4).
export function echoClient(): Buffer {
  using s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
  s.connect(['daring.cwi.nl', 50007])
  s.sendall(Buffer.from('Hello, world'))
  return s.recv(1024)
}

// Echo server program (IPv4/IPv6 through getaddrinfo).
export function echoServerDualstack(): void {
  let s: socket.socket | null = null
  for (const res of socket.getaddrinfo(
    null,
    50007,
    socket.AF_UNSPEC,
    socket.SOCK_STREAM,
    0,
    socket.AI_PASSIVE,
  )) {
    const [af, socktype, proto, , sa] = res
    try {
      s = socket.socket(af, socktype, proto)
    } catch (e) {
      if (!(e instanceof socket.error)) throw e
      s = null
      continue
    }
    try {
      s.bind(sa)
      s.listen(1)
    } catch (e) {
      if (!(e instanceof socket.error)) throw e
      s.close()
      s = null
      continue
    }
    break
  }
  if (s === null) throw new Error('could not open socket')
  const [conn, addr] = s.accept()
  console.log('Connected by', addr)
  conn.close()
}

// The CAN example (raw protocol): frames in and out.
export function canEcho(): void {
  const s = socket.socket(socket.AF_CAN, socket.SOCK_RAW, socket.CAN_RAW)
  s.bind(['vcan0'])
  const [cf, addr] = s.recvfrom(16)
  const [ifname] = addr ?? ['']
  console.log(ifname, cf.readUInt32LE(0))
  try {
    s.send(cf)
  } catch (e) {
    if (!(e instanceof socket.OSError)) throw e
  }
}

// The raw IP example (Linux: no SIO_RCVALL).
export function rawIp(): void {
  const HOST = socket.gethostbyname(socket.gethostname())
  const s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_IP)
  s.bind([HOST, 0])
  s.setsockopt(socket.IPPROTO_IP, socket.IP_HDRINCL, 1)
  const [packet, [src]] = s.recvfrom(65565)
  console.log(src, packet.length)
}

// send_fds and recv_fds, as the documentation's recvmsg and sendmsg examples.
export function fds(sock: socket.socket<socket.AddressFamily.AF_UNIX>, fd: number): number[] {
  socket.send_fds(sock, [Buffer.from('x')], [fd])
  const [msg, got] = socket.recv_fds(sock, 1024, 4)
  console.log(msg.length)
  return got
}

// The sendmsg and recvmsg examples: SCM_RIGHTS by hand.
export function scmRights(
  sock: socket.socket<socket.AddressFamily.AF_UNIX>,
  fds: number[],
): number[] {
  const bytes = Buffer.from(new Int32Array(fds).buffer)
  sock.sendmsg([Buffer.from('x')], [[socket.SOL_SOCKET, socket.SCM_RIGHTS, bytes]])
  const [msg, ancdata, flags] = sock.recvmsg(1024, socket.CMSG_LEN(16 * 4))
  const out: number[] = []
  for (const [level, type, data] of ancdata) {
    if (level === socket.SOL_SOCKET && type === socket.SCM_RIGHTS) {
      for (let i = 0; i + 4 <= data.length; i += 4) out.push(data.readInt32LE(i))
    }
  }
  console.log(msg.length, flags)
  return out
}
