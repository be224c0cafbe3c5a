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
/**
 * Sends `marker` in a UDP datagram to `port` on 127.0.0.1 and gives each
 * frame `p` receives to `take` until it returns true. Other traffic on lo
 * (the other test files run at the same time) is skipped by the caller's
 * checks, and a packet socket drops frames when its buffer is full: the
 * datagram is sent again, up to 20 times, when its frames do not come.
 */
function capture(
  p: socket.socket,
  port: number,
  marker: Buffer,
  take: (data: Buffer, addr: unknown[]) => boolean,
): boolean {
  using tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
  p.settimeout(0.25)
  for (let attempt = 0; attempt < 20; attempt++) {
    tx.sendto(marker, ['127.0.0.1', port])
    const until = Date.now() + 1000
    while (Date.now() < until) {
      let got: [Buffer, unknown]
      try {
        got = p.recvfrom(65536)
      } catch (e) {
        if (e instanceof socket.TimeoutError) break
        throw e
      }
      if (take(got[0], got[1] as unknown[])) return true
    }
  }
  return false
}

const why = canPacket()
const packetTest = why === null ? test : test.skip

packetTest(
  `a packet socket on lo sees a UDP datagram to 127.0.0.1${why ? ` (skipped: ${why})` : ''}`,
  (t) => {
    // ETH_P_ALL: outgoing packets reach only the catch-all taps.
    using p = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, htons(socket.ETH_P_ALL))
    p.bind(['lo', socket.ETH_P_ALL])
    const bound = p.getsockname() as unknown[]
    t.is(bound[0], 'lo')
    t.is(bound[1], socket.ETH_P_ALL)

    using rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rx.bind(['127.0.0.1', 0])
    const [, port] = rx.getsockname() as [string, number]
    const marker = randomBytes(16)

    // lo shows each packet twice: leaving (PACKET_OUTGOING) and arriving
    // (PACKET_HOST). Other traffic on lo is skipped by the marker.
    const seen = new Map<number, unknown[]>()
    capture(p, port, marker, (data, addr) => {
      if (data.length < 28 || data[0] >> 4 !== 4) return false
      const ihl = (data[0] & 0x0f) * 4
      if (data[9] !== socket.IPPROTO_UDP) return false
      if (data.readUInt16BE(ihl + 2) !== port) return false
      if (!data.subarray(ihl + 8).equals(marker)) return false
      seen.set(addr[2] as number, addr)
      return seen.size === 2
    })
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
    p.bind(['lo', socket.ETH_P_ALL, socket.PACKET_HOST, 0, Buffer.alloc(6)])
    const [ifname, proto] = p.getsockname()
    t.is(ifname, 'lo')
    t.is(proto, socket.ETH_P_ALL)

    using rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rx.bind(['127.0.0.1', 0])
    const [, port] = rx.getsockname() as [string, number]
    const marker = randomBytes(16)
    // lo's link header: two zero MAC addresses and the EtherType.
    const ETH_HLEN = 14
    let frame: Buffer | null = null
    capture(p, port, marker, (data) => {
      if (data.length > ETH_HLEN && data.subarray(ETH_HLEN).includes(marker)) frame = data
      return frame !== null
    })
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
