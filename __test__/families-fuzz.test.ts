// No input crashes the decoders or the encoders: random sockaddr bytes of
// every family decode to a value or to CPython's ValueError, and random
// tuples give a value or a Python exception (fast-check).
import test from 'ava'
import fc from 'fast-check'

import * as socket from '../index'
import native = require('../lib/native')
import { checkFdLeaks } from './helpers/fds'

checkFdLeaks(test)

const S = socket
const FAMILIES = [
  S.AF_NETLINK,
  S.AF_PACKET,
  S.AF_CAN,
  S.AF_ALG,
  S.AF_VSOCK,
  S.AF_TIPC,
  S.AF_QIPCRTR,
  S.AF_BLUETOOTH,
  S.AF_RDS,
  S.AF_UNIX,
  S.AF_INET,
  S.AF_INET6,
  99,
]

test('random sockaddr bytes of every family decode or raise ValueError', (t) => {
  using probe = socket.socket(S.AF_INET, S.SOCK_DGRAM)
  fc.assert(
    fc.property(
      fc.constantFrom(...FAMILIES),
      fc.uint8Array({ minLength: 0, maxLength: 140 }),
      fc.boolean(),
      (family, body, withFd) => {
        const raw = Buffer.alloc(2 + body.length)
        raw.writeUInt16LE(family, 0)
        raw.set(body, 2)
        try {
          native.decodeAddressOn(raw, withFd ? probe.fileno() : -1)
        } catch (e) {
          // Only CPython's decoding refusals (Bluetooth protocol, TIPC type),
          // thrown by the addon as the value ['value', message].
          return (
            Array.isArray(e) &&
            e[0] === 'value' &&
            /^(Unknown Bluetooth protocol|Invalid address type)/.test(String(e[1]))
          )
        }
        return true
      },
    ),
    { numRuns: 2000, seed: 7 },
  )
  t.pass()
})

test('random tuples on every family raise only Python exceptions', (t) => {
  const value = fc.oneof(
    fc.integer(),
    fc.bigInt(),
    fc.double(),
    fc.string(),
    fc.uint8Array().map((a) => Buffer.from(a)),
    fc.constant(null),
    fc.constant(undefined),
    fc.boolean(),
  )
  const kinds: Array<[number, number, number]> = [
    [S.AF_NETLINK, S.SOCK_RAW, 0],
    [S.AF_PACKET, S.SOCK_RAW, 0],
    [S.AF_CAN, S.SOCK_RAW, S.CAN_RAW],
    [S.AF_CAN, S.SOCK_DGRAM, S.CAN_ISOTP],
    [S.AF_CAN, S.SOCK_DGRAM, S.CAN_J1939],
    [S.AF_ALG, S.SOCK_SEQPACKET, 0],
    [S.AF_VSOCK, S.SOCK_STREAM, 0],
    [S.AF_TIPC, S.SOCK_RDM, 0],
    [S.AF_QIPCRTR, S.SOCK_DGRAM, 0],
    [S.AF_BLUETOOTH, S.SOCK_STREAM, S.BTPROTO_L2CAP],
    [S.AF_BLUETOOTH, S.SOCK_STREAM, S.BTPROTO_RFCOMM],
    [S.AF_BLUETOOTH, S.SOCK_RAW, S.BTPROTO_HCI],
    [S.AF_BLUETOOTH, S.SOCK_SEQPACKET, S.BTPROTO_SCO],
  ]
  const python = new Set([
    'TypeError',
    'ValueError',
    'OverflowError',
    'SystemError',
    'UnicodeError',
  ])
  using u = socket.socket(S.AF_INET, S.SOCK_DGRAM)
  const socks = kinds.map(([f, ty, p]) => socket.socket(f, ty, p, u.fileno()))
  try {
    fc.assert(
      fc.property(
        fc.nat(socks.length - 1),
        fc.oneof(fc.array(value, { maxLength: 6 }), value),
        (i, addr) => {
          try {
            socks[i].connect(addr as never)
          } catch (e) {
            const err = e as Error
            return err instanceof socket.OSError || python.has(err.name)
          }
          return true
        },
      ),
      { numRuns: 1500, seed: 11 },
    )
  } finally {
    for (const s of socks) s.detach()
  }
  t.pass()
})
