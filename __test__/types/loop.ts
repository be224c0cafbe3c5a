// socket.loop: Promises typed as the synchronous calls, with AbortSignal.
import * as socket from 'pysocket'

const { loop } = socket

export async function echo(): Promise<void> {
  const srv = socket.create_server(['127.0.0.1', 0])
  srv.setblocking(false)
  const [conn, [host, port]] = await loop.sock_accept(srv, { signal: AbortSignal.timeout(1000) })
  console.log(host, port)
  for (let data; (data = await loop.sock_recv(conn, 4096)).length > 0;) {
    await loop.sock_sendall(conn, data)
  }
  conn.close()
}

export async function udp(): Promise<void> {
  const ac = new AbortController()
  using u = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
  u.setblocking(false)
  await loop.sock_connect(u, ['::1', 9, 0, 0])
  await loop.sock_sendto(u, Buffer.from('x'), ['::1', 9])
  const [data, [host, port, flowinfo, scope_id]] = await loop.sock_recvfrom(u, 100, {
    signal: ac.signal,
  })
  const buf = Buffer.alloc(10)
  const [n, from] = await loop.sock_recvfrom_into(u, buf, { signal: ac.signal })
  const [m] = await loop.sock_recvfrom_into(u, buf, 5)
  const [msg, anc, flags, addr] = await loop.sock_recvmsg(u, 100, socket.CMSG_SPACE(4), 0)
  await loop.sock_sendmsg(u, [Buffer.from('x')], [], 0, ['::1', 9])
  await loop.sock_sendmsg(u, [Buffer.from('x')], { signal: ac.signal })
  console.log(data, host, port, flowinfo, scope_id, n, from[0], m, msg, anc, flags, addr)
  ac.abort()
}

export async function names(): Promise<string> {
  const [[family, , , , sa]] = await loop.getaddrinfo('localhost', 80, { family: socket.AF_INET })
  const [host] = await loop.getnameinfo(sa, socket.NI_NUMERICHOST)
  console.log(family)
  return host
}

export function readiness(fd: number): void {
  loop.add_reader(fd, (a: string, b: number) => console.log(a, b), 'ready', 1)
  loop.remove_reader(fd)
}
