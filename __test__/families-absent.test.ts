// The families this kernel may not offer (AF_ALG, AF_CAN, AF_TIPC, AF_RDS,
// AF_QIPCRTR, AF_BLUETOOTH): the creation error compared with python3,
// the address tuples through our encoders and decoders, and the full
// runtime tests, which run wherever the family exists and are skipped,
// with the reason in their title, where it does not.
import { createCipheriv, createHash, createHmac, randomBytes } from 'node:crypto'
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'

import test from 'ava'

import * as socket from '../index'
import native = require('../lib/native')
import { checkFdLeaks } from './helpers/fds'
import { python3 } from './helpers/python'

checkFdLeaks(test)

const S = socket
const AF_BLUETOOTH = S.AF_BLUETOOTH

type Kind = [label: string, family: number, type: number, proto: number]
const KINDS: Kind[] = [
  ['AF_ALG', S.AF_ALG, S.SOCK_SEQPACKET, 0],
  ['AF_CAN CAN_RAW', S.AF_CAN, S.SOCK_RAW, S.CAN_RAW],
  ['AF_CAN CAN_BCM', S.AF_CAN, S.SOCK_DGRAM, S.CAN_BCM],
  ['AF_CAN CAN_ISOTP', S.AF_CAN, S.SOCK_DGRAM, S.CAN_ISOTP],
  ['AF_CAN CAN_J1939', S.AF_CAN, S.SOCK_DGRAM, S.CAN_J1939],
  ['AF_TIPC', S.AF_TIPC, S.SOCK_RDM, 0],
  ['AF_RDS', S.AF_RDS, S.SOCK_SEQPACKET, 0],
  ['AF_QIPCRTR', S.AF_QIPCRTR, S.SOCK_DGRAM, 0],
  ['AF_BLUETOOTH L2CAP', AF_BLUETOOTH, S.SOCK_SEQPACKET, S.BTPROTO_L2CAP],
  ['AF_BLUETOOTH RFCOMM', AF_BLUETOOTH, S.SOCK_STREAM, S.BTPROTO_RFCOMM],
  ['AF_BLUETOOTH HCI', AF_BLUETOOTH, S.SOCK_RAW, S.BTPROTO_HCI],
  ['AF_BLUETOOTH SCO', AF_BLUETOOTH, S.SOCK_SEQPACKET, S.BTPROTO_SCO],
]

function create(family: number, type: number, proto: number): string {
  try {
    socket.socket(family, type, proto).close()
    return 'OK'
  } catch (e) {
    return `${(e as Error).name}: ${(e as Error).message}`
  }
}

/** Why a family cannot be used here, or null when it can. */
function missing(family: number, type: number, proto = 0): string | null {
  const r = create(family, type, proto)
  return r === 'OK' ? null : r
}

test('socket() of each family: same outcome as python3', (t) => {
  // Numbers, not names: this python3 may lack a family's constants.
  const code =
    'import socket, sys, json\nout = []\n' +
    'for f, ty, p in json.load(sys.stdin):\n' +
    '    try:\n        socket.socket(f, ty, p).close(); out.append("OK")\n' +
    '    except Exception as e:\n        out.append(type(e).__name__ + ": " + str(e))\n' +
    'print(json.dumps(out))'
  const input = JSON.stringify(KINDS.map(([, f, ty, p]) => [f, ty, p]))
  const py = JSON.parse(
    execFileSync(python3(), ['-c', code], { input, encoding: 'utf8' }),
  ) as string[]
  KINDS.forEach(([label, f, ty, p], i) => {
    const ours = create(f, ty, p)
    t.is(ours, py[i], label)
    t.log(`${label}: ${ours}`)
  })
})

test('address tuples of every family through our encoders and decoder', (t) => {
  const dec = (b: Buffer) => native.decodeAddressOn(b, -1)
  t.deepEqual(dec(native.encodeNetlink(7, 0x10)), [7, 0x10])
  t.deepEqual(dec(native.encodeVsock(S.VMADDR_CID_HOST, 1234)), [S.VMADDR_CID_HOST, 1234])
  t.deepEqual(dec(native.encodeQrtr(1, 0xfffffffe)), [1, 0xfffffffe])
  t.deepEqual(dec(native.encodeAlg(Buffer.from('skcipher'), Buffer.from('cbc(aes)'), 0, 0)), [
    'skcipher',
    'cbc(aes)',
    0,
    0,
  ])
  t.deepEqual(dec(native.encodeTipc(S.TIPC_ADDR_NAMESEQ, 18888, 1, 10, S.TIPC_NODE_SCOPE)!), [
    S.TIPC_ADDR_NAMESEQ,
    18888,
    1,
    10,
    S.TIPC_NODE_SCOPE,
  ])
  // TIPC_ADDR_NAME comes back with the instance twice, as in CPython.
  t.deepEqual(dec(native.encodeTipc(S.TIPC_ADDR_NAME, 18888, 5, 99, S.TIPC_ZONE_SCOPE)!), [
    S.TIPC_ADDR_NAME,
    18888,
    5,
    5,
    S.TIPC_ZONE_SCOPE,
  ])
  t.is(native.encodeTipc(9, 0, 0, 0, 0), null)
  // CAN without a socket to ask: the plain tuple; index 0 is ''.
  t.deepEqual(dec(native.encodeCan(0)), [''])
  const lo = Number(require('node:fs').readFileSync('/sys/class/net/lo/ifindex', 'utf8'))
  t.deepEqual(dec(native.encodeCan(lo)), ['lo'])
  t.deepEqual(
    dec(native.encodePacket(lo, S.ETH_P_IPV6, S.PACKET_BROADCAST, 1, Buffer.from([1, 2, 3]))),
    ['lo', S.ETH_P_IPV6, S.PACKET_BROADCAST, 1, Buffer.from([1, 2, 3])],
  )
  // Bluetooth needs the socket's protocol; without one CPython's ValueError.
  // (The addon throws it as the value ['value', message]; see lib/errors.ts.)
  let thrown: unknown
  try {
    dec(native.encodeBtHci(0))
  } catch (e) {
    thrown = e
  }
  t.deepEqual(thrown, ['value', 'Unknown Bluetooth protocol'])
  // An unknown family: (family, the 14 bytes of sa_data).
  const raw = Buffer.alloc(16)
  raw.writeUInt16LE(77, 0)
  raw.write('abc', 2)
  t.deepEqual(dec(raw), [77, Buffer.concat([Buffer.from('abc'), Buffer.alloc(11)])])
})

test('Bluetooth address checks follow CPython (its source; this python3 has no Bluetooth)', (t) => {
  const fake = (proto: number) => {
    const u = socket.socket(S.AF_INET, S.SOCK_DGRAM)
    return [u, socket.socket(AF_BLUETOOTH, S.SOCK_STREAM, proto, u.fileno())] as const
  }
  const run = (proto: number, addr: unknown, method: 'bind' | 'connect' = 'bind'): string => {
    const [u, s] = fake(proto)
    try {
      s[method](addr as never)
      return 'OK'
    } catch (e) {
      return `${(e as Error).name}: ${(e as Error).message}`
    } finally {
      s.detach()
      u.close()
    }
  }
  // Valid addresses reach the kernel, which refuses them on a UDP fd.
  const einval = 'OSError: [Errno 22] Invalid argument'
  const L2 = S.BTPROTO_L2CAP
  t.is(run(L2, ['01:23:45:67:89:AB', 0x1001]), einval)
  t.is(run(L2, ['1:2:3:4:5:6', 1]), einval)
  t.is(run(L2, [' 0x1:2:3:4:5:ff', 1]), einval)
  t.is(run(L2, ['01:23:45:67:89:AB', 1], 'connect'), einval)
  t.is(run(L2, ['01:23:45:67:89', 1]), 'OSError: bad bluetooth address')
  t.is(run(L2, ['01:23:45:67:89:AB:CD', 1]), 'OSError: bad bluetooth address')
  t.is(run(L2, ['01:23:45:67:89:100', 1]), 'OSError: bad bluetooth address')
  t.is(run(L2, ['01:23:45:67:89:AB ', 1]), 'OSError: bad bluetooth address')
  t.is(run(L2, ['01-23-45-67-89-AB', 1]), 'OSError: bad bluetooth address')
  t.is(run(L2, ['01:23:45:67:89:AB']), 'OSError: bind(): wrong format')
  t.is(run(L2, [Buffer.from('01:23:45:67:89:AB'), 1]), 'OSError: bind(): wrong format')
  t.is(run(L2, ['01:23:45:67:89:AB', 'x'], 'connect'), 'OSError: connect(): wrong format')
  t.is(run(L2, ['01:23:45:67:89:AB', 2 ** 31]), 'OSError: bind(): wrong format')
  t.is(run(L2, 'x'), 'OSError: bind(): wrong format')
  const RC = S.BTPROTO_RFCOMM
  t.is(run(RC, ['01:23:45:67:89:AB', 3]), einval)
  t.is(run(RC, ['01:23:45:67:89:AB']), 'OSError: bind(): wrong format')
  t.is(run(S.BTPROTO_HCI, [0]), einval)
  t.is(run(S.BTPROTO_HCI, 0), 'OSError: bind(): wrong format')
  t.is(run(S.BTPROTO_HCI, ['0']), 'OSError: bind(): wrong format')
  t.is(run(S.BTPROTO_SCO, Buffer.from('01:23:45:67:89:AB')), einval)
  t.is(run(S.BTPROTO_SCO, '01:23:45:67:89:AB'), 'OSError: bind(): wrong format')
  t.is(run(S.BTPROTO_SCO, Buffer.from('nope')), 'OSError: bad bluetooth address')
  t.is(run(99, ['01:23:45:67:89:AB', 1]), 'OSError: bind(): unknown Bluetooth protocol')
  t.is(S.BDADDR_ANY, '00:00:00:00:00:00')
  t.is(S.BDADDR_LOCAL, '00:00:00:FF:FF:FF')
})

// ---- AF_ALG -------------------------------------------------------------

const algWhy = missing(S.AF_ALG, S.SOCK_SEQPACKET)
const algTest = algWhy === null ? test : test.skip
const algNote = algWhy ? ` (skipped: ${algWhy})` : ''

function alg(type: string, name: string): socket.socket {
  const s = socket.socket(S.AF_ALG, S.SOCK_SEQPACKET)
  s.bind([type, name])
  return s
}

algTest(`AF_ALG sha256 and hmac(sha256) match node:crypto${algNote}`, (t) => {
  const data = randomBytes(1000)
  {
    using algo = alg('hash', 'sha256')
    t.deepEqual(algo.getsockname(), ['hash', 'sha256', 0, 0])
    const [op] = algo.accept()
    using _op = op
    op.sendall(data)
    t.deepEqual(op.recv(32), createHash('sha256').update(data).digest())
  }
  {
    const key = randomBytes(32)
    using algo = alg('hash', 'hmac(sha256)')
    algo.setsockopt(S.SOL_ALG, S.ALG_SET_KEY, key)
    const [op] = algo.accept()
    using _op = op
    op.sendall(data)
    t.deepEqual(op.recv(32), createHmac('sha256', key).update(data).digest())
  }
})

algTest(`AF_ALG cbc(aes) round trip with sendmsg_afalg, as node:crypto${algNote}`, (t) => {
  const key = randomBytes(16)
  const iv = randomBytes(16)
  const plain = randomBytes(64)
  const c = createCipheriv('aes-128-cbc', key, iv).setAutoPadding(false)
  const expected = Buffer.concat([c.update(plain), c.final()])
  using algo = alg('skcipher', 'cbc(aes)')
  algo.setsockopt(S.SOL_ALG, S.ALG_SET_KEY, key)
  {
    const [op] = algo.accept()
    using _op = op
    op.sendmsg_afalg({ op: S.ALG_OP_ENCRYPT, iv, flags: S.MSG_MORE })
    op.sendall(plain)
    t.deepEqual(op.recv(plain.length), expected)
  }
  {
    const [op] = algo.accept()
    using _op = op
    t.is(op.sendmsg_afalg([expected], { op: S.ALG_OP_DECRYPT, iv }), expected.length)
    t.deepEqual(op.recv(plain.length), plain)
  }
})

algTest(`AF_ALG gcm(aes) with associated data (assoclen)${algNote}`, (t) => {
  const key = randomBytes(16)
  const iv = randomBytes(12)
  const assoc = randomBytes(20)
  const plain = randomBytes(48)
  const taglen = 16
  const c = createCipheriv('aes-128-gcm', key, iv)
  c.setAAD(assoc)
  const ct = Buffer.concat([c.update(plain), c.final()])
  const tag = c.getAuthTag()
  using algo = alg('aead', 'gcm(aes)')
  algo.setsockopt(S.SOL_ALG, S.ALG_SET_KEY, key)
  algo.setsockopt(S.SOL_ALG, S.ALG_SET_AEAD_AUTHSIZE, null, taglen)
  const [op] = algo.accept()
  using _op = op
  op.sendmsg_afalg([assoc, plain], { op: S.ALG_OP_ENCRYPT, iv, assoclen: assoc.length })
  const res = op.recv(assoc.length + plain.length + taglen)
  t.deepEqual(res.subarray(assoc.length, -taglen), ct)
  t.deepEqual(res.subarray(-taglen), tag)
})

test('sendmsg_afalg argument checks match python3', (t) => {
  const cases: Array<[string, (s: socket.socket) => unknown]> = [
    ['s.sendmsg_afalg()', (s) => s.sendmsg_afalg()],
    ["s.sendmsg_afalg([b'x'])", (s) => s.sendmsg_afalg([Buffer.from('x')])],
    [
      "s.sendmsg_afalg([b'x'], op='a')",
      (s) => s.sendmsg_afalg([Buffer.from('x')], { op: 'a' as never }),
    ],
    [
      "s.sendmsg_afalg([b'x'], op=2**31)",
      (s) => s.sendmsg_afalg([Buffer.from('x')], { op: 2 ** 31 }),
    ],
    ["s.sendmsg_afalg([b'x'], op=-1)", (s) => s.sendmsg_afalg([Buffer.from('x')], { op: -1 })],
    [
      "s.sendmsg_afalg([b'x'], op=0, iv='x')",
      (s) => s.sendmsg_afalg([Buffer.from('x')], { op: 0, iv: 'x' as never }),
    ],
    [
      "s.sendmsg_afalg([b'x'], op=0, iv=None)",
      (s) => s.sendmsg_afalg([Buffer.from('x')], { op: 0, iv: null as never }),
    ],
    [
      "s.sendmsg_afalg([b'x'], op=0, assoclen=-1)",
      (s) => s.sendmsg_afalg([Buffer.from('x')], { op: 0, assoclen: -1 }),
    ],
    [
      "s.sendmsg_afalg([b'x'], op=0, assoclen=2**31)",
      (s) => s.sendmsg_afalg([Buffer.from('x')], { op: 0, assoclen: 2 ** 31 }),
    ],
    [
      "s.sendmsg_afalg([b'x'], op=0, assoclen='a')",
      (s) => s.sendmsg_afalg([Buffer.from('x')], { op: 0, assoclen: 'a' as never }),
    ],
    [
      "s.sendmsg_afalg([b'x'], op=0, flags='a')",
      (s) => s.sendmsg_afalg([Buffer.from('x')], { op: 0, flags: 'a' as never }),
    ],
    ["s.sendmsg_afalg(b'x', op=0)", (s) => s.sendmsg_afalg(Buffer.from('x') as never, { op: 0 })],
    ['s.sendmsg_afalg(5, op=0)', (s) => s.sendmsg_afalg(5 as never, { op: 0 })],
    ["s.sendmsg_afalg(['x'], op=0)", (s) => s.sendmsg_afalg(['x'] as never, { op: 0 })],
    [
      "s.sendmsg_afalg([b'x'], op=True, iv=b'1'*16, assoclen=3, flags=0)",
      (s) =>
        s.sendmsg_afalg([Buffer.from('x')], {
          op: true,
          iv: Buffer.alloc(16, '1'),
          assoclen: 3,
          flags: 0,
        }),
    ],
    [
      "s.sendmsg_afalg([b'x'], op=0, bogus=1)",
      (s) => s.sendmsg_afalg([Buffer.from('x')], { op: 0, bogus: 1 } as never),
    ],
    [
      "s.sendmsg_afalg([b'x'], 0)",
      (s) => (s.sendmsg_afalg as (...a: unknown[]) => number)([Buffer.from('x')], 0),
    ],
    ['s.sendmsg_afalg(op=1.5)', (s) => s.sendmsg_afalg({ op: 1.5 })],
  ]
  // Over a UDP fd, the checks run and the sendmsg itself fails the same way.
  const code =
    'import socket, json\nu = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n' +
    's = socket.socket(socket.AF_ALG, socket.SOCK_SEQPACKET, 0, fileno=u.fileno())\nout = []\n' +
    `for c in ${JSON.stringify(cases.map(([c]) => c))}:\n` +
    '    try:\n        eval(c); out.append("OK")\n' +
    '    except Exception as e:\n        out.append(type(e).__name__ + ": " + str(e))\n' +
    's.detach()\nprint(json.dumps(out))'
  const py = JSON.parse(execFileSync(python3(), ['-c', code], { encoding: 'utf8' })) as string[]
  using u = socket.socket(S.AF_INET, S.SOCK_DGRAM)
  const s = socket.socket(S.AF_ALG, S.SOCK_SEQPACKET, 0, u.fileno())
  try {
    cases.forEach(([label, f], i) => {
      let ours = 'OK'
      try {
        f(s)
      } catch (e) {
        ours = `${(e as Error).name}: ${(e as Error).message}`
      }
      t.is(ours, py[i], label)
    })
  } finally {
    s.detach()
  }
})

// ---- AF_CAN over vcan0 ----------------------------------------------------

const canWhy =
  missing(S.AF_CAN, S.SOCK_RAW, S.CAN_RAW) ??
  (existsSync('/sys/class/net/vcan0') ? null : 'no vcan0 interface (ip link add vcan0 type vcan)')
const canNote = canWhy ? ` (skipped: ${canWhy})` : ''

/** struct can_frame of <linux/can.h>: id, length, three pad bytes, 8 data bytes. */
function canFrame(id: number, data: Buffer): Buffer {
  const f = Buffer.alloc(16)
  f.writeUInt32LE(id >>> 0, 0)
  f[4] = data.length
  data.copy(f, 8)
  return f
}

;(canWhy === null ? test : test.skip)(`CAN_RAW frames over vcan0${canNote}`, (t) => {
  using a = socket.socket(S.AF_CAN, S.SOCK_RAW, S.CAN_RAW)
  using b = socket.socket(S.AF_CAN, S.SOCK_RAW, S.CAN_RAW)
  b.settimeout(5)
  a.bind(['vcan0'])
  b.bind(['vcan0'])
  t.deepEqual(a.getsockname(), ['vcan0'])
  const frame = canFrame(0x123, Buffer.from([1, 2, 3, 4]))
  a.send(frame)
  const [got, from] = b.recvfrom(16)
  t.deepEqual(got, frame)
  t.deepEqual(from, ['vcan0'])
  const ext = canFrame((0x1abcdef | S.CAN_EFF_FLAG) >>> 0, Buffer.from('pysocket'))
  a.sendto(ext, ['vcan0'])
  t.deepEqual(b.recv(16), ext)
})

const isotpWhy = canWhy ?? missing(S.AF_CAN, S.SOCK_DGRAM, S.CAN_ISOTP)
;(isotpWhy === null ? test : test.skip)(
  `CAN_ISOTP over vcan0${isotpWhy ? ` (skipped: ${isotpWhy})` : ''}`,
  (t) => {
    using a = socket.socket(S.AF_CAN, S.SOCK_DGRAM, S.CAN_ISOTP)
    using b = socket.socket(S.AF_CAN, S.SOCK_DGRAM, S.CAN_ISOTP)
    b.settimeout(5)
    a.bind(['vcan0', 0x7e8, 0x7e0])
    b.bind(['vcan0', 0x7e0, 0x7e8])
    t.deepEqual(a.getsockname(), ['vcan0', 0x7e8, 0x7e0])
    const msg = randomBytes(100)
    a.send(msg)
    t.deepEqual(b.recv(4096), msg)
  },
)

const j1939Why = canWhy ?? missing(S.AF_CAN, S.SOCK_DGRAM, S.CAN_J1939)
;(j1939Why === null ? test : test.skip)(
  `CAN_J1939 bind and getsockname on vcan0${j1939Why ? ` (skipped: ${j1939Why})` : ''}`,
  (t) => {
    using a = socket.socket(S.AF_CAN, S.SOCK_DGRAM, S.CAN_J1939)
    a.bind(['vcan0', BigInt(S.J1939_NO_NAME), S.J1939_NO_PGN, 0x20])
    const [ifname, name, , addr] = a.getsockname() as [string, bigint, number, number]
    t.is(ifname, 'vcan0')
    t.is(typeof name, 'bigint')
    t.is(addr, 0x20)
  },
)

// ---- AF_TIPC, AF_RDS, AF_QIPCRTR, AF_BLUETOOTH ---------------------------

const tipcWhy = missing(S.AF_TIPC, S.SOCK_RDM)
;(tipcWhy === null ? test : test.skip)(
  `AF_TIPC RDM exchange by service name${tipcWhy ? ` (skipped: ${tipcWhy})` : ''}`,
  (t) => {
    const type = 18888 + (process.pid % 1000)
    using srv = socket.socket(S.AF_TIPC, S.SOCK_RDM)
    srv.settimeout(5)
    srv.bind([S.TIPC_ADDR_NAMESEQ, type, 1, 10])
    using cli = socket.socket(S.AF_TIPC, S.SOCK_RDM)
    cli.sendto(Buffer.from('tipc'), [S.TIPC_ADDR_NAME, type, 5, 0])
    const [data, from] = srv.recvfrom(64)
    t.is(data.toString(), 'tipc')
    t.is((from as number[])[0], S.TIPC_ADDR_ID)
    t.deepEqual(from, cli.getsockname())
  },
)

const rdsWhy = missing(S.AF_RDS, S.SOCK_SEQPACKET)
;(rdsWhy === null ? test : test.skip)(
  `AF_RDS datagrams over 127.0.0.1${rdsWhy ? ` (skipped: ${rdsWhy})` : ''}`,
  (t) => {
    using a = socket.socket(S.AF_RDS, S.SOCK_SEQPACKET)
    using b = socket.socket(S.AF_RDS, S.SOCK_SEQPACKET)
    b.settimeout(5)
    a.bind(['127.0.0.1', 0])
    b.bind(['127.0.0.1', 0])
    a.sendto(Buffer.from('rds'), b.getsockname())
    const [data, from] = b.recvfrom(64)
    t.is(data.toString(), 'rds')
    t.deepEqual(from, a.getsockname())
  },
)

const qrtrWhy = missing(S.AF_QIPCRTR, S.SOCK_DGRAM)
;(qrtrWhy === null ? test : test.skip)(
  `AF_QIPCRTR bind and getsockname${qrtrWhy ? ` (skipped: ${qrtrWhy})` : ''}`,
  (t) => {
    using s = socket.socket(S.AF_QIPCRTR, S.SOCK_DGRAM)
    const [node] = s.getsockname() as [number, number]
    s.bind([node, 0])
    const [n2, port] = s.getsockname() as [number, number]
    t.is(n2, node)
    t.true(port > 0)
  },
)

const hciWhy =
  missing(AF_BLUETOOTH, S.SOCK_RAW, S.BTPROTO_HCI) ??
  (existsSync('/sys/class/bluetooth/hci0') ? null : 'no hci0 adapter')
;(hciWhy === null ? test : test.skip)(
  `AF_BLUETOOTH HCI bind to hci0 (nothing sent)${hciWhy ? ` (skipped: ${hciWhy})` : ''}`,
  (t) => {
    using s = socket.socket(AF_BLUETOOTH, S.SOCK_RAW, S.BTPROTO_HCI)
    s.bind([0])
    t.is(s.getsockname(), 0)
  },
)
