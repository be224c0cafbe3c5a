// SCM_RIGHTS and SCM_CREDENTIALS over an AF_UNIX socket pair: pass an open
// fd to the peer, and have the kernel vouch for the sender's pid, uid, gid.
import { readSync, closeSync, openSync } from 'node:fs'
import * as socket from 'pysocket'

const [a, b] = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
using left = a
using right = b

// SCM_RIGHTS with the helpers of Python 3.9: send_fds / recv_fds.
const fd = openSync('/proc/self/status', 'r')
socket.send_fds(left, [Buffer.from('one fd')], [fd])
closeSync(fd)
const [msg, fds] = socket.recv_fds(right, 1024, 1)
const head = Buffer.alloc(32)
readSync(fds[0], head, 0, head.length, 0)
closeSync(fds[0])
console.log(msg.toString(), '->', head.toString('latin1').split('\n')[0])

// SCM_CREDENTIALS: the receiver asks for them with SO_PASSCRED.
right.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
left.sendmsg([Buffer.from('who am I')])
const [data, ancdata] = right.recvmsg(1024, socket.CMSG_SPACE(12))
for (const [level, type, cred] of ancdata) {
  if (level === socket.SOL_SOCKET && type === socket.SCM_CREDENTIALS) {
    const [pid, uid, gid] = [cred.readInt32LE(0), cred.readUInt32LE(4), cred.readUInt32LE(8)]
    console.log(data.toString(), '->', { pid, uid, gid, mine: pid === process.pid })
  }
}
