// AF_ALG `[type, name, feat, mask]` and `sendmsg_afalg(msg, { op, iv,
// assoclen, flags })`, with CPython's checks and messages.
import { bytesLike, cInt } from '../args'
import { OverflowError, ValueError } from '../errors'
import { pyTypeName } from '../pytypes'
import { socket, nativeCall } from '../socket'
import native = require('../native')
import { count, str, tupleFor, uMask, withSemi } from './pyargs'

const ALG_SEMI = 'AF_ALG address must be a tuple (type, name[, feat[, mask]])'

/** @internal */
export function encodeAlg(addr: unknown, caller: string): Buffer {
  const t = tupleFor(addr, `${caller}():`, 'AF_ALG')
  const [type, name, feat, mask] = withSemi(ALG_SEMI, () => {
    count(t, 2, 4, { semi: ALG_SEMI })
    const type = str(t[0], 1)
    const name = str(t[1], 2)
    // `H`: CPython writes an unsigned short into each 32-bit field.
    const feat = t.length > 2 ? uMask(t[2], 16) : 0
    const mask = t.length > 3 ? uMask(t[3], 16) : 0
    return [type, name, feat, mask] as const
  })
  const [typeCap, nameCap] = native.algCapacities()
  if (type.length >= typeCap) throw new ValueError('AF_ALG type too long.')
  if (name.length >= nameCap) throw new ValueError('AF_ALG name too long.')
  return native.encodeAlg(type, name, feat, mask)
}

/** The keyword arguments of sendmsg_afalg. */
export interface AfalgOptions {
  /** The operation, ALG_OP_ENCRYPT or ALG_OP_DECRYPT (required). */
  op?: number | bigint | boolean
  /** The initialization vector of a cipher. */
  iv?: ArrayBufferView | ArrayBuffer
  /** For AEAD ciphers, the length of the associated data at the start of the message. */
  assoclen?: number | bigint | boolean
  /** `MSG_*` flags for the sendmsg call. */
  flags?: number
}

const AFALG_KEYS = ['op', 'iv', 'assoclen', 'flags']
const INT_MAX = 2 ** 31 - 1

function isIntObject(v: unknown): boolean {
  return (
    (typeof v === 'number' && Number.isInteger(v)) ||
    typeof v === 'bigint' ||
    typeof v === 'boolean'
  )
}

function toNumber(v: unknown): number {
  return typeof v === 'boolean' ? Number(v) : Number(v as number | bigint)
}

function splitArgs(args: unknown[]): [unknown[], Record<string, unknown>] {
  const last = args[args.length - 1]
  if (
    args.length > 0 &&
    last !== null &&
    typeof last === 'object' &&
    !Array.isArray(last) &&
    !ArrayBuffer.isView(last) &&
    !(last instanceof ArrayBuffer) &&
    (Object.getPrototypeOf(last) === Object.prototype || Object.getPrototypeOf(last) === null)
  ) {
    return [args.slice(0, -1), last as Record<string, unknown>]
  }
  return [args, {}]
}

/** sendmsg_afalg([msg,] {op, iv, assoclen, flags}): bytes sent. */
/** @internal */
export function sendmsgAfalg(sock: socket, ...args: unknown[]): number {
  const [positional, kw] = splitArgs(args)
  let n = positional.length
  while (n > 0 && positional[n - 1] === undefined) n--
  if (n > 1) {
    throw new TypeError(`sendmsg_afalg() takes at most 1 positional argument (${n} given)`)
  }
  for (const k of Object.keys(kw)) {
    if (!AFALG_KEYS.includes(k)) {
      throw new TypeError(`sendmsg_afalg() got an unexpected keyword argument '${k}'`)
    }
  }
  const msg = positional[0]
  const { op, iv, assoclen, flags } = kw
  // "|O$O!y*O!i": the types, in order.
  if (op !== undefined && !isIntObject(op)) {
    throw new TypeError(`sendmsg_afalg() argument 2 must be int, not ${pyTypeName(op)}`)
  }
  const ivBuf = iv === undefined ? null : bytesLike(iv)
  if (assoclen !== undefined && !isIntObject(assoclen)) {
    throw new TypeError(`sendmsg_afalg() argument 4 must be int, not ${pyTypeName(assoclen)}`)
  }
  const fl = flags === undefined ? 0 : cInt(flags)
  // op: required, a C int >= 0 (overflow reads as missing, as in CPython).
  const opn = op === undefined ? -1 : toNumber(op)
  if (opn < 0 || opn > INT_MAX) throw new TypeError("Invalid or missing argument 'op'")
  let assoc = -1
  if (assoclen !== undefined) {
    assoc = toNumber(assoclen)
    if (assoc > INT_MAX || assoc < -INT_MAX - 1) {
      throw new OverflowError('Python int too large to convert to C int')
    }
    if (assoc < 0) throw new TypeError('assoclen must be positive')
  }
  const bufs: Buffer[] = []
  if (msg !== undefined) {
    if (msg === null || typeof (msg as Iterable<unknown>)[Symbol.iterator] !== 'function') {
      throw new TypeError('sendmsg() argument 1 must be an iterable')
    }
    for (const item of msg as Iterable<unknown>) {
      const b = bytesLike(item)
      bufs.push(Buffer.from(b.buffer, b.byteOffset, b.byteLength))
    }
  }
  const ivArg =
    ivBuf === null ? undefined : Buffer.from(ivBuf.buffer, ivBuf.byteOffset, ivBuf.byteLength)
  return nativeCall('sendmsg', () =>
    native.sendmsgAfalg(sock._fd, bufs, opn, ivArg, assoc, fl, sock._t),
  )
}
