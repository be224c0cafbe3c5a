// AF_VSOCK's socket options: CPython reads and writes every option of an
// AF_VSOCK socket as a 64-bit unsigned integer (returned here as a bigint),
// refuses buffer forms, and the local CID from /dev/vsock.
import { OSError } from '../errors'
import { pyTypeName } from '../pytypes'
import { socket, nativeCall } from '../socket'
import native = require('../native')
import { cint, isPyInt } from './pyargs'

/** @internal */
export function vsockGetsockopt(
  sock: socket,
  level: unknown,
  optname: unknown,
  buflen?: unknown,
): bigint {
  const lv = cint(level)
  const name = cint(optname)
  if (buflen !== undefined && cint(buflen) !== 0) {
    throw new OSError('getsockopt string buffer not allowed')
  }
  return nativeCall('getsockopt', () => native.getsockoptU64(sock._fd, lv, name))
}

/** @internal */
export function vsockSetsockopt(sock: socket, args: unknown[]): void {
  let n = args.length
  while (n > 0 && args[n - 1] === undefined) n--
  if (n !== 3) throw new TypeError(`setsockopt() takes exactly 3 arguments (${n} given)`)
  const lv = cint(args[0])
  const name = cint(args[1])
  const v = args[2]
  if (!isPyInt(v)) throw new TypeError(`setsockopt() argument 3 must be int, not ${pyTypeName(v)}`)
  const value = BigInt.asUintN(64, typeof v === 'bigint' ? v : BigInt(Number(v)))
  nativeCall('setsockopt', () => native.setsockoptU64(sock._fd, lv, name, value))
}

/**
 * This machine's context ID: IOCTL_VM_SOCKETS_GET_LOCAL_CID on /dev/vsock
 * (what Python code gets with fcntl.ioctl).
 */
export function get_local_cid(): number {
  return nativeCall('ioctl', () => native.vsockLocalCid())
}
