// AF_PACKET: capture the frames of one interface (default `lo`) at the link
// layer, as tcpdump does; sends itself a UDP datagram to have something to
// see. Needs CAP_NET_RAW. Prints `ifname proto pkttype hatype hwlen length`
// for the frames of that datagram: leaving (pkttype 4) and arriving (0).
import * as socket from 'pysocket'

const ifname = process.argv[2] ?? 'lo'
using cap = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(socket.ETH_P_ALL))
cap.bind([ifname, socket.ETH_P_ALL])
cap.settimeout(0.25)

using udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
const marker = Buffer.from(`pysocket AF_PACKET example ${process.pid}`)

// A busy interface carries other traffic too, and a packet socket drops
// frames when its buffer is full: look for this datagram's frames, and
// send it again if they did not come.
const seen = new Set<number>()
for (let attempt = 0; attempt < 20 && seen.size < 2; attempt++) {
  udp.sendto(marker, ['127.0.0.1', 9])
  const until = Date.now() + 1000
  while (seen.size < 2 && Date.now() < until) {
    let got
    try {
      got = cap.recvfrom(65535)
    } catch (e) {
      if (e instanceof socket.TimeoutError) break
      throw e
    }
    const [frame, [name, proto, pkttype, hatype, hwaddr]] = got
    if (!frame.includes(marker) || seen.has(pkttype)) continue
    seen.add(pkttype)
    console.log(name, proto.toString(16), pkttype, hatype, hwaddr.length, frame.length)
  }
}
