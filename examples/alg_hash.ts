// AF_ALG: SHA-256 in the kernel's crypto API (what `openssl` would do in
// user space). Prints the digest of argv[2] (default 'abc').
import * as socket from 'pysocket'

const text = process.argv[2] ?? 'abc'
using alg = socket.socket(socket.AF_ALG, socket.SOCK_SEQPACKET)
alg.bind(['hash', 'sha256'])
const [op] = alg.accept()
using hash = op
hash.sendall(Buffer.from(text))
console.log(hash.recv(32).toString('hex'))
