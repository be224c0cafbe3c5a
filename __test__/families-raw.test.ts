// Raw IP for real (needs CAP_NET_RAW): ICMP echo to 127.0.0.1 and its
// reply with checksums computed here, the same with our own IP header
// (IP_HDRINCL), and "ping" datagram sockets where the system permits them.
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'

import test from 'ava'

import * as socket from '../index'
import { checkFdLeaks } from './helpers/fds'
import { python3 } from './helpers/python'

checkFdLeaks(test)

// RFC 792 message types.
const ECHO_REPLY = 0
const ECHO_REQUEST = 8

/** The Internet checksum (RFC 1071). */
function checksum(b: Buffer): number {
  let sum = 0
  for (let i = 0; i + 1 < b.length; i += 2) sum += b.readUInt16BE(i)
  if (b.length % 2) sum += b[b.length - 1] << 8
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16)
  return ~sum & 0xffff
}

function echoRequest(id: number, seq: number, payload: Buffer): Buffer {
  const m = Buffer.concat([Buffer.alloc(8), payload])
  m[0] = ECHO_REQUEST
  m.writeUInt16BE(id, 4)
  m.writeUInt16BE(seq, 6)
  m.writeUInt16BE(checksum(m), 2)
  return m
}

/** Reads from a raw ICMP socket until the reply to (id, seq, payload). */
function awaitReply(
  t: import('ava').ExecutionContext,
  s: socket.socket,
  id: number,
  payload: Buffer,
) {
  for (let i = 0; i < 1000; i++) {
    const [data, from] = s.recvfrom(65536)
    const ihl = (data[0] & 0x0f) * 4
    const icmp = data.subarray(ihl)
    if (icmp[0] !== ECHO_REPLY || icmp.readUInt16BE(4) !== id) continue
    if (!icmp.subarray(8).equals(payload)) continue
    t.is(checksum(icmp), 0, 'the reply checksum verifies')
    t.is(checksum(data.subarray(0, ihl)), 0, 'the IP header checksum verifies')
    t.is(data[9], socket.IPPROTO_ICMP)
    return [icmp, from] as const
  }
  throw new Error('no reply')
}

function rawWhy(): string | null {
  try {
    socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP).close()
    return null
  } catch (e) {
    return `raw sockets not permitted here (${(e as Error).message})`
  }
}
const why = rawWhy()
const rawTest = why === null ? test : test.skip
const note = why ? ` (skipped: ${why})` : ''

rawTest(`raw ICMP echo request to 127.0.0.1 and its reply${note}`, (t) => {
  using s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
  s.settimeout(5)
  const id = randomBytes(2).readUInt16BE(0)
  const payload = randomBytes(24)
  const req = echoRequest(id, 1, payload)
  t.is(s.sendto(req, ['127.0.0.1', 0]), req.length)
  const [reply, from] = awaitReply(t, s, id, payload)
  t.deepEqual(from, ['127.0.0.1', 0])
  t.is(reply.readUInt16BE(6), 1)
  t.is(s.getsockopt(socket.IPPROTO_IP, socket.IP_HDRINCL), 0)
})

rawTest(`IP_HDRINCL: our own IPv4 header, set and read back${note}`, (t) => {
  using s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
  s.settimeout(5)
  s.setsockopt(socket.IPPROTO_IP, socket.IP_HDRINCL, 1)
  t.is(s.getsockopt(socket.IPPROTO_IP, socket.IP_HDRINCL), 1)
  const id = randomBytes(2).readUInt16BE(0)
  const payload = randomBytes(16)
  const icmp = echoRequest(id, 2, payload)
  const ip = Buffer.alloc(20)
  ip[0] = 0x45 // version 4, 5 words
  ip.writeUInt16BE(20 + icmp.length, 2)
  ip.writeUInt16BE(id, 4)
  ip[8] = 64 // TTL
  ip[9] = socket.IPPROTO_ICMP
  Buffer.from([127, 0, 0, 1]).copy(ip, 12)
  Buffer.from([127, 0, 0, 1]).copy(ip, 16)
  ip.writeUInt16BE(checksum(ip), 10)
  s.sendto(Buffer.concat([ip, icmp]), ['127.0.0.1', 0])
  const [reply] = awaitReply(t, s, id, payload)
  t.is(reply.readUInt16BE(6), 2)
})

rawTest(`raw IPv6 socket with any protocol number, and IPV6_CHECKSUM${note}`, (t) => {
  // A raw socket for an arbitrary protocol number: the kernel accepts any.
  using r = socket.socket(socket.AF_INET6, socket.SOCK_RAW, 253)
  t.is(r.proto, 253)
  r.bind(['::1', 0])
  // Raw sockets report their protocol in the port field (as python3 shows).
  t.deepEqual(r.getsockname(), ['::1', 253, 0, 0])
  r.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_CHECKSUM, 2)
  t.is(r.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_CHECKSUM), 2)
})

function pythonPing(): string {
  try {
    execFileSync(
      python3(),
      ['-c', 'import socket as s; s.socket(s.AF_INET, s.SOCK_DGRAM, s.IPPROTO_ICMP).close()'],
      {
        stdio: 'pipe',
      },
    )
    return 'OK'
  } catch (e) {
    const out = String((e as { stderr: Buffer }).stderr)
    return out.trim().split('\n').pop() ?? ''
  }
}

test('ping sockets: created where permitted, else the error python3 gets', (t) => {
  let ours = 'OK'
  try {
    socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_ICMP).close()
  } catch (e) {
    ours = `${(e as Error).name}: ${(e as Error).message}`
  }
  t.is(ours, pythonPing())
})

function pingWhy(): string | null {
  try {
    socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_ICMP).close()
    return null
  } catch (e) {
    return `net.ipv4.ping_group_range excludes us (${(e as Error).message})`
  }
}
const pwhy = pingWhy()
;(pwhy === null ? test : test.skip)(
  `ping socket echo over loopback${pwhy ? ` (skipped: ${pwhy})` : ''}`,
  (t) => {
    using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_ICMP)
    s.settimeout(5)
    const payload = randomBytes(16)
    // The kernel sets the identifier and the checksum of ping sockets.
    s.sendto(echoRequest(0, 7, payload), ['127.0.0.1', 0])
    const [reply, from] = s.recvfrom(1024)
    t.is(reply[0], ECHO_REPLY)
    t.is(reply.readUInt16BE(6), 7)
    t.deepEqual(reply.subarray(8), payload)
    t.is((from as [string, number])[0], '127.0.0.1')
  },
)
