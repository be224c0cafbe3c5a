// AF_CAN CAN_RAW: send a frame on a CAN interface (default vcan0) and read
// it back with CAN_RAW_RECV_OWN_MSGS, as the CAN example of Python's docs.
// Needs a CAN interface: `ip link add vcan0 type vcan && ip link set vcan0 up`.
import * as socket from 'pysocket'

const ifname = process.argv[2] ?? 'vcan0'
// struct can_frame: can_id (u32), len (u8), 3 bytes of padding, 8 data bytes.
const CAN_FRAME_SIZE = 16
const frame = (id: number, data: Buffer): Buffer => {
  const f = Buffer.alloc(CAN_FRAME_SIZE)
  f.writeUInt32LE(id, 0)
  f.writeUInt8(data.length, 4)
  data.copy(f, 8)
  return f
}

using s = socket.socket(socket.AF_CAN, socket.SOCK_RAW, socket.CAN_RAW)
s.setsockopt(socket.SOL_CAN_RAW, socket.CAN_RAW_RECV_OWN_MSGS, 1)
s.settimeout(5)
s.bind([ifname])
s.send(frame(0x123, Buffer.from('pysock')))
const [cf, [from]] = s.recvfrom(CAN_FRAME_SIZE)
const dlc = cf.readUInt8(4)
console.log(from, cf.readUInt32LE(0).toString(16), cf.subarray(8, 8 + dlc).toString())
