// AF_UNIX SOCK_SEQPACKET on a Linux abstract name (a Buffer whose first
// byte is NUL: no file in the filesystem): connection-oriented, and message
// boundaries kept, unlike SOCK_STREAM.
import * as socket from 'pysocket'

const name = Buffer.from(`\0pysocket-example-${process.pid}`)
using srv = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
srv.bind(name)
srv.listen()

using client = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
client.connect(name)
const [conn] = srv.accept()
using server = conn

client.sendall(Buffer.from('first'))
client.sendall(Buffer.from('second'))
// One recv, one message: the two sends never merge.
console.log(server.recv(100).toString(), server.recv(100).toString())

const bound = srv.getsockname()
console.log(typeof bound === 'string' ? bound : `abstract ${bound.subarray(1).toString()}`)
