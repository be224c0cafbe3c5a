// One real use per address family: each address is typed by the socket's
// family (and protocol), in and out, without a cast.
import * as socket from 'pysocket'

export function inet(): [string, number] {
  using s = socket.socket()
  s.bind(['127.0.0.1', 0])
  const [host, port] = s.getsockname()
  const check: socket.AddressFamily.AF_INET = s.family
  void check
  return [host, port]
}

export function inet6(): number {
  using s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
  s.bind(['::1', 0])
  s.bind(['::1', 0, 0])
  const [host, port, flowinfo, scope_id] = s.getsockname()
  s.sendto(Buffer.from('x'), [host, port])
  const [data, [from, fromPort]] = s.recvfrom(10)
  console.log(data.length, from, fromPort, flowinfo)
  return scope_id
}

export function unix(): void {
  const [a, b] = socket.socketpair()
  const name: socket.UnixAddress = a.getsockname()
  console.log(typeof name === 'string' ? name : name.toString('latin1'))
  using s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
  s.bind(Buffer.from('\0pysocket-abstract'))
  s.bind('/tmp/pysocket.sock')
  a.close()
  b.close()
}

export function netlink(): [number, number] {
  using s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
  s.bind([0, 0])
  const [pid, groups] = s.getsockname()
  return [pid, groups]
}

export function packet(): string {
  using s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(socket.ETH_P_ALL))
  s.bind(['lo', socket.ETH_P_ALL])
  const [ifname, proto, pkttype, hatype, addr] = s.getsockname()
  console.log(proto, pkttype, hatype, addr.length)
  return ifname
}

export function can(): void {
  using raw = socket.socket(socket.AF_CAN, socket.SOCK_RAW, socket.CAN_RAW)
  raw.bind(['vcan0'])
  using isotp = socket.socket(socket.AF_CAN, socket.SOCK_DGRAM, socket.CAN_ISOTP)
  isotp.bind(['vcan0', 0x123, 0x456])
  const [, rx, tx] = isotp.getsockname()
  using j1939 = socket.socket(socket.AF_CAN, socket.SOCK_DGRAM, socket.CAN_J1939)
  j1939.bind(['vcan0', socket.J1939_NO_NAME, socket.J1939_NO_PGN, 0x20])
  const [, name, pgn, addr] = j1939.getsockname()
  const big: bigint = name
  console.log(rx, tx, big, pgn, addr)
}

export function alg(): Buffer {
  using s = socket.socket(socket.AF_ALG, socket.SOCK_SEQPACKET)
  s.bind(['hash', 'sha256'])
  const [op] = s.accept()
  op.sendall(Buffer.from('abc'))
  const [type, name, feat, mask] = s.getsockname()
  console.log(type, name, feat, mask)
  return op.recv(32)
}

export function vsock(): bigint {
  using s = socket.socket(socket.AF_VSOCK, socket.SOCK_STREAM)
  s.bind([socket.VMADDR_CID_ANY, socket.VMADDR_PORT_ANY])
  const [cid, port] = s.getsockname()
  console.log(cid, port, socket.get_local_cid())
  return s.getsockopt(socket.AF_VSOCK, socket.SO_VM_SOCKETS_BUFFER_SIZE)
}

export function tipc(): number {
  using s = socket.socket(socket.AF_TIPC, socket.SOCK_RDM)
  s.bind([socket.TIPC_ADDR_NAMESEQ, 18888, 1, 1])
  const [addr_type, v1, v2, v3, scope] = s.getsockname()
  return addr_type + v1 + v2 + v3 + scope
}

export function qipcrtr(): number {
  using s = socket.socket(socket.AF_QIPCRTR, socket.SOCK_DGRAM)
  s.bind([0, 0])
  const [node, port] = s.getsockname()
  return node + port
}

export function bluetooth(): void {
  using l2 = socket.socket(socket.AF_BLUETOOTH, socket.SOCK_SEQPACKET, socket.BTPROTO_L2CAP)
  l2.bind([socket.BDADDR_ANY, 0x1001])
  const [bdaddr, psm] = l2.getsockname()
  using rf = socket.socket(socket.AF_BLUETOOTH, socket.SOCK_STREAM, socket.BTPROTO_RFCOMM)
  rf.bind([socket.BDADDR_ANY, 1])
  const [, channel] = rf.getsockname()
  using hci = socket.socket(socket.AF_BLUETOOTH, socket.SOCK_RAW, socket.BTPROTO_HCI)
  hci.bind([0])
  const dev: number = hci.getsockname()
  using sco = socket.socket(socket.AF_BLUETOOTH, socket.SOCK_SEQPACKET, socket.BTPROTO_SCO)
  sco.bind(Buffer.from(socket.BDADDR_ANY))
  const text: string = sco.getsockname()
  console.log(bdaddr, psm, channel, dev, text)
}

// A family only known at run time: the union of every family's address.
export function runtimeFamily(family: number): socket.SockAddress {
  using s = socket.socket(family, socket.SOCK_STREAM)
  const any: socket.SockAddress = s.getsockname()
  s.connect(any)
  return any
}

// An fd of unknown kind, then a known one.
export function adopted(fd: number): void {
  using a = socket.socket({ fileno: fd })
  const f: number = a.family
  using b = socket.socket({ family: socket.AF_INET6, fileno: fd })
  const [host, port, flowinfo, scope_id] = b.getpeername()
  using c = socket.fromfd(fd, socket.AF_INET, socket.SOCK_STREAM)
  const [h2, p2] = c.getsockname()
  console.log(f, host, port, flowinfo, scope_id, h2, p2)
}

// accept keeps the family; dup too.
export function server(): void {
  using srv = socket.create_server(['::', 0], { family: socket.AF_INET6, dualstack_ipv6: true })
  const [conn, [host, port, flowinfo, scope_id]] = srv.accept()
  const [h, p, f, sc] = conn.dup().getpeername()
  console.log(host, port, flowinfo, scope_id, h, p, f, sc)
  using v4 = socket.create_server(['127.0.0.1', 0])
  const [, [host4, port4]] = v4.accept()
  console.log(host4, port4)
}

// create_connection: IPv4 or IPv6, whichever answered.
export function client(): string {
  using s = socket.create_connection(['localhost', 80], 5, null, { all_errors: true })
  const peer = s.getpeername()
  const [host] = peer
  using t = socket.create_connection(['localhost', 80], { timeout: null, source_address: ['', 0] })
  t.settimeout(2.5)
  return host
}
