// Catching Python's exceptions, `using`, the timeout forms.
import * as socket from 'pysocket'

export function connectOnce(port: number): string {
  socket.setdefaulttimeout(3)
  const t: number | null = socket.getdefaulttimeout()
  socket.setdefaulttimeout(null)
  using s = socket.socket()
  s.settimeout(0.5)
  s.settimeout(null)
  console.log(t, s.gettimeout(), s.timeout)
  try {
    s.connect(['127.0.0.1', port])
    return 'connected'
  } catch (e) {
    if (e instanceof socket.timeout) return 'timed out'
    if (e instanceof socket.ConnectionRefusedError) return `refused: ${e.errno} ${e.strerror}`
    if (e instanceof socket.OSError) return e.message
    throw e
  }
}

export function modes(): void {
  const [a, b] = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
  using x = a
  using y = b
  x.setblocking(false)
  try {
    x.recv(1)
  } catch (e) {
    if (!(e instanceof socket.BlockingIOError)) throw e
  }
  y.send(Buffer.from('hi'), socket.MSG_DONTWAIT)
  const flag: number = socket.MSG_PEEK | socket.MSG_DONTWAIT
  console.log(x.recv(2, flag), socket.AddressFamily[x.family])
}

export function options(s: socket.socket): void {
  s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
  s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, true)
  s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, Buffer.from('lo'))
  s.setsockopt(socket.SOL_ALG, socket.ALG_SET_AEAD_AUTHSIZE, null, 16)
  const n = s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF)
  const raw: Buffer = s.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12)
  console.log(n, raw.readInt32LE(0))
}

// `new` is optional; instanceof narrows; a specific socket is a socket.
export function objects(x: unknown): void {
  const a = new socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
  const [h, p, f, sc] = a.getsockname()
  const anySocket: socket.socket = a
  const viaType: socket.SocketType = socket.SocketType(socket.AF_UNIX)
  if (x instanceof socket.socket) x.close()
  const [conn] = a.accept()
  const same: socket.socket<socket.AddressFamily.AF_INET6, socket.SocketKind.SOCK_STREAM> = conn
  console.log(h, p, f, sc, anySocket, viaType, same, String(a))
}
