// AF_VSOCK as far as this machine allows: creation, bind to
// VMADDR_CID_ANY, listen, getsockname, the 64-bit options and the local
// CID, compared with python3. Nothing is ever sent to the host CID; a
// local exchange runs only where the vsock_loopback transport exists.
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'

import test from 'ava'

import * as socket from '../index'
import { checkFdLeaks } from './helpers/fds'
import { python3 } from './helpers/python'

checkFdLeaks(test)

function vsockWhy(): string | null {
  try {
    socket.socket(socket.AF_VSOCK, socket.SOCK_STREAM).close()
    return null
  } catch (e) {
    return `AF_VSOCK unavailable (${(e as Error).message})`
  }
}
const why = vsockWhy()
const vtest = why === null ? test : test.skip
const note = why ? ` (skipped: ${why})` : ''

const py = (code: string) => execFileSync(python3(), ['-c', code], { encoding: 'utf8' }).trim()

vtest(`bind to VMADDR_CID_ANY, listen, getsockname${note}`, (t) => {
  using s = socket.socket(socket.AF_VSOCK, socket.SOCK_STREAM)
  s.bind([socket.VMADDR_CID_ANY, socket.VMADDR_PORT_ANY])
  s.listen()
  const [cid, port] = s.getsockname() as [number, number]
  t.is(cid, socket.VMADDR_CID_ANY)
  t.not(port, socket.VMADDR_PORT_ANY)
  t.true(Number.isInteger(port) && port >= 0 && port < 2 ** 32)
  t.regex(String(s), new RegExp(`laddr=\\(${cid}, ${port}\\)>$`))
  t.is(s.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN), 1n)
})

vtest(`the local CID matches python3's ioctl${note}`, (t) => {
  const ours = socket.get_local_cid()
  const theirs = py(
    'import fcntl, socket, struct\n' +
      "with open('/dev/vsock', 'rb') as f:\n" +
      "    print(struct.unpack('I', fcntl.ioctl(f, socket.IOCTL_VM_SOCKETS_GET_LOCAL_CID, bytes(4)))[0])",
  )
  t.is(ours, Number(theirs))
  t.is(
    socket.IOCTL_VM_SOCKETS_GET_LOCAL_CID,
    Number(py('import socket; print(socket.IOCTL_VM_SOCKETS_GET_LOCAL_CID)')),
  )
})

vtest(`SO_VM_SOCKETS_* are 64-bit options, as in python3${note}`, (t) => {
  using s = socket.socket(socket.AF_VSOCK, socket.SOCK_STREAM)
  const names = [
    'SO_VM_SOCKETS_BUFFER_SIZE',
    'SO_VM_SOCKETS_BUFFER_MIN_SIZE',
    'SO_VM_SOCKETS_BUFFER_MAX_SIZE',
  ] as const
  const defaults = names.map((n) => s.getsockopt(socket.AF_VSOCK, socket[n]))
  const theirs = py(
    'import socket as S\ns = S.socket(S.AF_VSOCK, S.SOCK_STREAM)\n' +
      `print(*[s.getsockopt(S.AF_VSOCK, getattr(S, n)) for n in ${JSON.stringify(names)}])`,
  )
  t.deepEqual(defaults.map(String).join(' '), theirs)
  for (const v of defaults) t.is(typeof v, 'bigint')
  // A size above 2**32 survives the round trip (the max first, then the size).
  const big = 2n ** 33n
  s.setsockopt(socket.AF_VSOCK, socket.SO_VM_SOCKETS_BUFFER_MAX_SIZE, big)
  s.setsockopt(socket.AF_VSOCK, socket.SO_VM_SOCKETS_BUFFER_SIZE, big)
  t.is(s.getsockopt(socket.AF_VSOCK, socket.SO_VM_SOCKETS_BUFFER_SIZE), big)
  s.setsockopt(socket.AF_VSOCK, socket.SO_VM_SOCKETS_BUFFER_SIZE, 2 ** 20)
  t.is(s.getsockopt(socket.AF_VSOCK, socket.SO_VM_SOCKETS_BUFFER_SIZE), 2n ** 20n)
  // CPython's refusals on AF_VSOCK sockets.
  const e1 = t.throws(() => s.getsockopt(socket.AF_VSOCK, socket.SO_VM_SOCKETS_BUFFER_SIZE, 8))
  t.is(e1?.message, 'getsockopt string buffer not allowed')
  const e2 = t.throws(() =>
    s.setsockopt(socket.AF_VSOCK, socket.SO_VM_SOCKETS_BUFFER_SIZE, Buffer.alloc(8)),
  )
  t.is(e2?.message, 'setsockopt() argument 3 must be int, not bytes')
  t.true(e2 instanceof TypeError)
  const e3 = t.throws(() =>
    s.setsockopt(socket.AF_VSOCK, socket.SO_VM_SOCKETS_BUFFER_SIZE, null, 8),
  )
  t.is(e3?.message, 'setsockopt() takes exactly 3 arguments (4 given)')
})

const loopback = existsSync('/sys/module/vsock_loopback')
;(why === null && loopback ? test : test.skip)(
  `a stream exchange over VMADDR_CID_LOCAL${loopback ? '' : ' (skipped: no vsock_loopback transport on this kernel)'}`,
  (t) => {
    using srv = socket.socket(socket.AF_VSOCK, socket.SOCK_STREAM)
    srv.bind([socket.VMADDR_CID_LOCAL, socket.VMADDR_PORT_ANY])
    srv.listen()
    const [, port] = srv.getsockname() as [number, number]
    using c = socket.socket(socket.AF_VSOCK, socket.SOCK_STREAM)
    c.settimeout(5)
    c.connect([socket.VMADDR_CID_LOCAL, port])
    const [conn, peer] = srv.accept()
    using _conn = conn
    t.is((peer as [number, number])[0], socket.VMADDR_CID_LOCAL)
    c.sendall(Buffer.from('vsock'))
    t.is(conn.recv(16).toString(), 'vsock')
  },
)
