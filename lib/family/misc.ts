// AF_TIPC `[addr_type, v1, v2, v3, scope]`, AF_QIPCRTR `[node, port]` and
// AF_VSOCK `[cid, port]`: CPython's checks and messages.
import * as C from '../constants'
import native = require('../native')
import { count, tupleFor, uMask, withSemi } from './pyargs'

const TIPC_SEMI = 'AF_TIPC address must be a tuple (addr_type, v1, v2, v3[, scope])'

export function encodeTipc(addr: unknown, caller: string): Buffer {
  const t = tupleFor(addr, `${caller}():`, 'AF_TIPC')
  const [atype, v1, v2, v3, scope] = withSemi(TIPC_SEMI, () => {
    count(t, 4, 5, { semi: TIPC_SEMI })
    const parts = t.map((v) => uMask(v, 32))
    if (parts.length === 4) parts.push(C.TIPC_CLUSTER_SCOPE)
    return parts
  })
  const sa = native.encodeTipc(atype, v1, v2, v3, scope)
  if (sa === null || sa === undefined) throw new TypeError('Invalid address type')
  return sa
}

/** "II:getsockaddrarg" after the getsockaddrarg tuple check. */
function pairOf(addr: unknown, name: string): [number, number] {
  const t = tupleFor(addr, 'getsockaddrarg:', name)
  count(t, 2, 2, { fname: 'getsockaddrarg' })
  return [uMask(t[0], 32), uMask(t[1], 32)]
}

export function encodeQrtr(addr: unknown): Buffer {
  const [node, port] = pairOf(addr, 'AF_QIPCRTR')
  return native.encodeQrtr(node, port)
}

export function encodeVsock(addr: unknown): Buffer {
  const [cid, port] = pairOf(addr, 'AF_VSOCK')
  return native.encodeVsock(cid, port)
}
