// AF_NETLINK for real: an RTM_GETLINK dump over NETLINK_ROUTE that finds
// the loopback interface and its index.
import { readFileSync } from 'node:fs'

import test from 'ava'

import * as socket from '../index'
import { checkFdLeaks } from './helpers/fds'

checkFdLeaks(test)

// <linux/netlink.h>, <linux/rtnetlink.h>, <linux/if_link.h>: the message
// layout of the test's own request (not part of pysocket's API).
const NLM_F_REQUEST = 0x1
const NLM_F_DUMP = 0x300
const NLMSG_ERROR = 2
const NLMSG_DONE = 3
const RTM_NEWLINK = 16
const RTM_GETLINK = 18
const IFLA_IFNAME = 3
const NLMSG_HDRLEN = 16
const IFINFOMSG_LEN = 16

const align4 = (n: number) => (n + 3) & ~3

function loIndex(): number {
  const fn = (socket as unknown as Record<string, unknown>).if_nametoindex
  if (typeof fn === 'function') return (fn as (n: string) => number)('lo')
  return Number(readFileSync('/sys/class/net/lo/ifindex', 'utf8').trim())
}

test('RTM_GETLINK dump over NETLINK_ROUTE finds lo and its index', (t) => {
  using s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
  s.settimeout(5)
  s.bind([0, 0])
  const [pid, groups] = s.getsockname() as [number, number]
  t.true(pid > 0, 'the kernel assigns a port id on bind')
  t.is(groups, 0)

  const req = Buffer.alloc(NLMSG_HDRLEN + IFINFOMSG_LEN)
  req.writeUInt32LE(req.length, 0)
  req.writeUInt16LE(RTM_GETLINK, 4)
  req.writeUInt16LE(NLM_F_REQUEST | NLM_F_DUMP, 6)
  req.writeUInt32LE(4242, 8) // sequence number
  req.writeUInt32LE(0, 12)
  req.writeUInt8(socket.AF_UNSPEC, NLMSG_HDRLEN)
  t.is(s.sendto(req, [0, 0]), req.length)

  const links = new Map<string, number>()
  let done = false
  while (!done) {
    const [data, from] = s.recvfrom(65536)
    t.deepEqual(from, [0, 0], 'replies come from the kernel (port id 0)')
    for (let off = 0; off + NLMSG_HDRLEN <= data.length;) {
      const len = data.readUInt32LE(off)
      const type = data.readUInt16LE(off + 4)
      t.is(data.readUInt32LE(off + 8), 4242)
      t.is(data.readUInt32LE(off + 12), pid)
      if (type === NLMSG_DONE) done = true
      t.not(type, NLMSG_ERROR)
      if (type === RTM_NEWLINK) {
        const index = data.readInt32LE(off + NLMSG_HDRLEN + 4)
        for (let a = off + NLMSG_HDRLEN + IFINFOMSG_LEN; a + 4 <= off + len;) {
          const alen = data.readUInt16LE(a)
          if (alen < 4) break
          if (data.readUInt16LE(a + 2) === IFLA_IFNAME) {
            const name = data.subarray(a + 4, a + alen)
            links.set(name.subarray(0, name.indexOf(0)).toString(), index)
          }
          a += align4(alen)
        }
      }
      if (len < NLMSG_HDRLEN) break
      off += align4(len)
    }
  }
  t.is(links.get('lo'), loIndex())
  t.log(`links: ${[...links].map(([n, i]) => `${n}=${i}`).join(' ')}`)
})

test('netlink repr and peer address as CPython shows them', (t) => {
  using s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
  s.bind([0, 0])
  const [pid] = s.getsockname() as [number, number]
  t.deepEqual(s.getpeername(), [0, 0])
  t.regex(
    String(s),
    new RegExp(
      `family=${socket.AF_NETLINK}, type=${socket.SOCK_RAW}, proto=0, laddr=\\(${pid}, 0\\), raddr=\\(0, 0\\)>$`,
    ),
  )
})
