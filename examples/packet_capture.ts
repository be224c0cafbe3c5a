// AF_PACKET: capture the frames of one interface (default `lo`) at the link
// layer, as tcpdump does; sends itself a UDP datagram to have something to
// see. Needs CAP_NET_RAW. Prints `ifname proto pkttype length` per frame.
import * as socket from 'pysocket'

const ifname = process.argv[2] ?? 'lo'
using cap = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(socket.ETH_P_ALL))
cap.bind([ifname, socket.ETH_P_ALL])
cap.settimeout(5)

using udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
udp.sendto(Buffer.from('pysocket AF_PACKET example'), ['127.0.0.1', 9])

for (let i = 0; i < 2; i++) {
  const [frame, [name, proto, pkttype, hatype, hwaddr]] = cap.recvfrom(65535)
  console.log(name, proto.toString(16), pkttype, hatype, hwaddr.length, frame.length)
}
