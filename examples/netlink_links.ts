// AF_NETLINK: list the network interfaces with an RTM_GETLINK dump over
// NETLINK_ROUTE (what `ip link` asks the kernel). Prints `index name` lines.
import * as socket from 'pysocket'

// <linux/netlink.h>, <linux/rtnetlink.h>: the request's layout.
const NLM_F_REQUEST = 0x1
const NLM_F_DUMP = 0x300
const NLMSG_ERROR = 2
const NLMSG_DONE = 3
const RTM_NEWLINK = 16
const RTM_GETLINK = 18
const IFLA_IFNAME = 3
const NLMSG_HDRLEN = 16
const IFINFOMSG_LEN = 16
const align4 = (n: number): number => (n + 3) & ~3

using s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
s.settimeout(5)
s.bind([0, 0])
const [pid] = s.getsockname()

const req = Buffer.alloc(NLMSG_HDRLEN + IFINFOMSG_LEN)
req.writeUInt32LE(req.length, 0)
req.writeUInt16LE(RTM_GETLINK, 4)
req.writeUInt16LE(NLM_F_REQUEST | NLM_F_DUMP, 6)
req.writeUInt32LE(1, 8)
req.writeUInt8(socket.AF_UNSPEC, NLMSG_HDRLEN)
s.sendto(req, [0, 0])

for (let done = false; !done;) {
  const [data, [fromPid]] = s.recvfrom(65536)
  if (fromPid !== 0) continue // only the kernel answers
  for (let off = 0; off + NLMSG_HDRLEN <= data.length;) {
    const len = data.readUInt32LE(off)
    const type = data.readUInt16LE(off + 4)
    if (data.readUInt32LE(off + 12) !== pid || len < NLMSG_HDRLEN) break
    if (type === NLMSG_DONE) done = true
    if (type === NLMSG_ERROR) throw new Error('netlink error')
    if (type === RTM_NEWLINK) {
      const index = data.readInt32LE(off + NLMSG_HDRLEN + 4)
      for (let a = off + NLMSG_HDRLEN + IFINFOMSG_LEN; a + 4 <= off + len;) {
        const alen = data.readUInt16LE(a)
        if (alen < 4) break
        if (data.readUInt16LE(a + 2) === IFLA_IFNAME) {
          console.log(index, data.toString('latin1', a + 4, a + alen - 1))
        }
        a += align4(alen)
      }
    }
    off += align4(len)
  }
}
