// AF_PACKET for real (needs CAP_NET_RAW): a packet socket bound to lo sees
// a UDP datagram sent to 127.0.0.1, with the address tuple CPython gives.
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'

import test from 'ava'

import * as socket from '../index'
import { checkFdLeaks } from './helpers/fds'
import { python3 } from './helpers/python'

checkFdLeaks(test)

const htons = (n: number) => ((n & 0xff) << 8) | (n >> 8)

function canPacket(): string | null {
  try {
    socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, 0).close()
    return null
  } catch (e) {
    return `AF_PACKET not permitted here (${(e as Error).message})`
  }
}
const why = canPacket()
const packetTest = why === null ? test : test.skip

packetTest(
  `a packet socket on lo sees a UDP datagram to 127.0.0.1${why ? ` (skipped: ${why})` : ''}`,
  (t) => {
    // ETH_P_ALL: outgoing packets reach only the catch-all taps.
    using p = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, htons(socket.ETH_P_ALL))
    p.settimeout(5)
    p.bind(['lo', socket.ETH_P_ALL])
    const bound = p.getsockname() as unknown[]
    t.is(bound[0], 'lo')
    t.is(bound[1], socket.ETH_P_ALL)

    using rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rx.bind(['127.0.0.1', 0])
    const [, port] = rx.getsockname() as [string, number]
    using tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    const marker = randomBytes(16)
    tx.sendto(marker, ['127.0.0.1', port])

    // lo shows each packet twice: leaving (PACKET_OUTGOING) and arriving
    // (PACKET_HOST). Other traffic on lo is skipped by the marker.
    const seen = new Map<number, unknown[]>()
    for (let i = 0; i < 1000 && seen.size < 2; i++) {
      const [data, addr] = p.recvfrom(65536)
      if (data.length < 28 || data[0] >> 4 !== 4) continue
      const ihl = (data[0] & 0x0f) * 4
      if (data[9] !== socket.IPPROTO_UDP) continue
      if (data.readUInt16BE(ihl + 2) !== port) continue
      if (!data.subarray(ihl + 8).equals(marker)) continue
      const a = addr as [string, number, number, number, Buffer]
      seen.set(a[2], a)
    }
    t.deepEqual([...seen.keys()].sort(), [socket.PACKET_HOST, socket.PACKET_OUTGOING].sort())
    for (const a of seen.values()) {
      const [ifname, proto, , hatype, hw] = a as [string, number, number, number, Buffer]
      t.is(ifname, 'lo')
      t.is(proto, socket.ETH_P_IP)
      t.is(hatype, socket.ARPHRD_LOOPBACK)
      t.true(Buffer.isBuffer(hw))
      t.deepEqual(hw, Buffer.alloc(hw.length))
    }
    t.is(rx.recv(64).toString('hex'), marker.toString('hex'))
  },
)

packetTest(
  `AF_PACKET SOCK_RAW: frames with their link header on lo; an unknown interface is ENODEV${why ? ` (skipped: ${why})` : ''}`,
  (t) => {
    using p = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, htons(socket.ETH_P_ALL))
    p.settimeout(5)
    p.bind(['lo', socket.ETH_P_ALL, socket.PACKET_HOST, 0, Buffer.alloc(6)])
    const [ifname, proto] = p.getsockname()
    t.is(ifname, 'lo')
    t.is(proto, socket.ETH_P_ALL)

    using rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rx.bind(['127.0.0.1', 0])
    const [, port] = rx.getsockname() as [string, number]
    using tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    const marker = randomBytes(16)
    tx.sendto(marker, ['127.0.0.1', port])
    // lo's link header: two zero MAC addresses and the EtherType.
    const ETH_HLEN = 14
    let frame: Buffer | null = null
    for (let i = 0; i < 1000 && frame === null; i++) {
      const [data] = p.recvfrom(65536)
      if (data.length > ETH_HLEN && data.subarray(ETH_HLEN).includes(marker)) frame = data
    }
    t.not(frame, null)
    t.deepEqual(frame!.subarray(0, 12), Buffer.alloc(12))
    t.is(frame!.readUInt16BE(12), socket.ETH_P_IP)
    t.is(frame![ETH_HLEN] >> 4, 4)

    const err = t.throws(() => p.bind(['no-such-if0', 0]))
    t.is((err as socket.OSError).errno, 19)
    t.is(err?.message, '[Errno 19] No such device')
  },
)

packetTest(`repr of a bound packet socket is python3's${why ? ` (skipped: ${why})` : ''}`, (t) => {
  using p = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
  p.bind(['lo', socket.ETH_P_ALL])
  const theirs = execFileSync(
    python3(),
    [
      '-c',
      `import socket as s\np = s.socket(s.AF_PACKET, s.SOCK_RAW, 0)\np.bind(('lo', ${socket.ETH_P_ALL}))\nprint(repr(p))`,
    ],
    { encoding: 'utf8' },
  ).trim()
  const noFd = (r: string) => r.replace(/fd=\d+/, 'fd=N')
  t.is(noFd(String(p)), noFd(theirs))
})
