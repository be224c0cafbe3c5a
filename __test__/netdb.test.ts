// Differential tests of the name and conversion services against python3 on
// this machine: same result, or same exception class and message. Lookups
// use only numeric hosts, loopback and names from /etc/hosts, or fail before
// any lookup (IDNA errors, AI_NUMERICHOST), so that no query reaches a DNS
// server; the few cases that need one run only with PYSOCKET_TEST_DNS=1.
import { execFileSync } from 'node:child_process'

import test from 'ava'

import * as socket from '../index'
import { b, big, bytearray, bytesOf, c, differences, float, kw, tuple } from './helpers/pycases'
import type { Case } from './helpers/pycases'
import { idnaEncode } from '../lib/idna'
import { checkFdLeaks } from './helpers/fds'
import { python3 } from './helpers/python'

checkFdLeaks(test)

const hostname = socket.gethostname()

const conversions: Case[] = [
  ...[0, 1, 0x0102, 0xffff, 65536, -1, true, false].flatMap((x): Case[] => [
    ['htons', [x]],
    ['ntohs', [x]],
  ]),
  ...[0, 1, 0x01020304, 0xffffffff, 2 ** 32, -1, true].flatMap((x): Case[] => [
    ['htonl', [x]],
    ['ntohl', [x]],
  ]),
  ['htons', [big(1n << 70n)]],
  ['htons', [1, 2]],
  ['ntohs', []],
  ['htonl', []],
  ['ntohl', [1, 2]],
  ['inet_aton', ['1.2.3.4', 2]],
  ['inet_ntoa', []],
  ['inet_pton', []],
  ['inet_ntop', [c('AF_INET'), b('01020304'), 3]],
  ['htons', [big(-(1n << 70n))]],
  ['htonl', [big(1n << 70n)]],
  ['htonl', [big(1n << 40n)]],
  ['ntohs', [big(1n << 40n)]],
  ['htons', [float(1.5)]],
  ['htons', ['1']],
  ['htonl', [null]],
  ['htonl', [float(2.5)]],
  ['ntohl', ['x']],
  ...[
    '127.0.0.1',
    '127.1',
    '0x7f.1',
    '010.0.0.1',
    '1.2.3.4 junk',
    '1.2.3.4\n',
    '256.1.1.1',
    '',
    '1',
    '4294967295',
    '4294967296',
    '1.2.3.4.5',
    '0xffffffff',
    'é',
    'a\0b',
    ' 1.2.3.4',
    '1..2',
  ].map((s): Case => ['inet_aton', [s]]),
  ['inet_aton', [bytesOf('1.2.3.4')]],
  ['inet_aton', [1]],
  ['inet_aton', [null]],
  ['inet_ntoa', [bytesOf('\x01\x02\x03\x04')]],
  ['inet_ntoa', [bytearray('\x00\x00\x00\x00')]],
  ['inet_ntoa', [bytesOf('\x01')]],
  ['inet_ntoa', [bytesOf('')]],
  ['inet_ntoa', [bytesOf('\x01\x02\x03\x04\x05')]],
  ['inet_ntoa', ['abcd']],
  ['inet_ntoa', [1]],
  ...[
    '1.2.3.4',
    '255.255.255.255',
    '0.0.0.0',
    '127.1',
    '01.2.3.4',
    '1.2.3.04',
    '1.2.3.4 ',
    '1.2.3.256',
    '1.2.3',
    '1.2.3.4.5',
    '',
    '::1',
    'é',
    'a\0',
    '00.1.2.3',
    '1.2.3.-4',
    '+1.2.3.4',
    '١.٢.٣.٤',
  ].map((s): Case => ['inet_pton', [c('AF_INET'), s]]),
  ...[
    '::1',
    '::',
    '1::',
    '1:2:3:4:5:6:7:8',
    '1:2:3:4:5:6:7:8:9',
    '::ffff:1.2.3.4',
    '::1.2.3.4',
    'fe80::1%lo',
    '1:2:3:4:5:6:7::',
    ':::',
    '1.2.3.4',
    'g::1',
    '12345::1',
    '::FFFF:7F00:1',
    '',
    '::2',
    '::ffff:0:0',
    '::0.0.0.1',
    '1:2:3:4:5:6:1.2.3.4',
    '1:2:3:4:5:6:7:1.2.3.4',
    '::1.2.3',
    '::01.2.3.4',
    '1::2::3',
    ':1::',
    '1:',
    ':',
    '0:0:0:0:0:ffff:1.2.3.4',
    '00000::1',
    '0000::1',
    '1:2:3:4:5:6:7:8::',
    '::1:2:3:4:5:6:7',
    '::1:2:3:4:5:6:7:8',
    '1.2.3.4::',
    'a\0',
  ].map((s): Case => ['inet_pton', [c('AF_INET6'), s]]),
  ['inet_pton', [99, '1.2.3.4']],
  ['inet_pton', [c('AF_UNIX'), '1.2.3.4']],
  ['inet_pton', [c('AF_INET'), bytesOf('1.2.3.4')]],
  ['inet_pton', [c('AF_INET'), 1]],
  ['inet_pton', ['x', '1.2.3.4']],
  ['inet_pton', [big(1n << 40n), '1.2.3.4']],
  ['inet_pton', [float(2.5), '1.2.3.4']],
  ['inet_ntop', [c('AF_INET'), bytesOf('\x01\x02\x03\x04')]],
  ['inet_ntop', [c('AF_INET'), bytearray('\xff\xff\xff\xff')]],
  ['inet_ntop', [c('AF_INET'), bytesOf('\x01')]],
  ['inet_ntop', [c('AF_INET'), bytesOf('\x01\x02\x03\x04\x05')]],
  ['inet_ntop', [c('AF_INET6'), b('00'.repeat(16))]],
  ['inet_ntop', [c('AF_INET6'), b('00'.repeat(15) + '01')]],
  ['inet_ntop', [c('AF_INET6'), b('00'.repeat(10) + 'ffff' + '01020304')]],
  ['inet_ntop', [c('AF_INET6'), b('00'.repeat(12) + '01020304')]],
  ['inet_ntop', [c('AF_INET6'), b('fe80' + '00'.repeat(13) + '01')]],
  ['inet_ntop', [c('AF_INET6'), b('0001000000000000000000000000ffff')]],
  ['inet_ntop', [c('AF_INET6'), b('20010db8000000010000000000000001')]],
  ['inet_ntop', [c('AF_INET6'), b('00'.repeat(4))]],
  ...[
    '00000000000000000000000000000002',
    '00000000000000000000ffff00000000',
    '0000000000000000000000000000ffff',
    '000000000000000000000000ffff0001',
    '00000000000000000000fffe01020304',
    '00010000000100000000000000000001',
    '00010000000000010000000000000001',
    '00000000000100000000000000000000',
    '10000000000000000000000000000000',
    'ffffffffffffffffffffffffffffffff',
  ].map((h): Case => ['inet_ntop', [c('AF_INET6'), b(h)]]),
  ['inet_ntop', [99, b('01020304')]],
  ['inet_ntop', [c('AF_UNIX'), b('01020304')]],
  ['inet_ntop', [c('AF_INET'), '1234']],
  ['inet_ntop', ['x', b('01020304')]],
]

const lookups: Case[] = [
  ['getaddrinfo', ['127.0.0.1', 80]],
  ['getaddrinfo', [hostname, 80, c('AF_INET'), c('SOCK_STREAM'), 0, c('AI_CANONNAME')]],
  ['getaddrinfo', ['localhost', null, 0, c('SOCK_DGRAM'), 0, c('AI_CANONNAME')]],
  ['getaddrinfo', ['::ffff:127.0.0.1', 80, c('AF_INET6'), c('SOCK_STREAM')]],
  ['getaddrinfo', ['127.0.0.1', 80, c('AF_INET6'), c('SOCK_STREAM'), 0, c('AI_V4MAPPED')]],
  ['getaddrinfo', ['::', 0, c('AF_INET6'), c('SOCK_DGRAM'), 0, c('AI_PASSIVE')]],
  ['getaddrinfo', [null, 'http', 0, c('SOCK_STREAM')]],
  ['getaddrinfo', ['127.0.0.1', 'domain', 0, c('SOCK_DGRAM')]],
  ['getaddrinfo', ['0x7f.1', 80, c('AF_INET'), c('SOCK_STREAM')]],
  ['getaddrinfo', ['127.0.0.1', 80, c('AF_INET'), c('SOCK_STREAM')]],
  ['getaddrinfo', ['::1', 'http', c('AF_INET6'), c('SOCK_STREAM')]],
  ['getaddrinfo', ['fe80::1%lo', 80, c('AF_INET6'), c('SOCK_DGRAM')]],
  ['getaddrinfo', ['fe80::1%1', 80, c('AF_INET6'), c('SOCK_STREAM')]],
  ['getaddrinfo', ['localhost', 'http', c('AF_INET'), c('SOCK_STREAM'), 0, c('AI_CANONNAME')]],
  ['getaddrinfo', ['localhost', 80, kw({ family: c('AF_INET'), type: c('SOCK_STREAM') })]],
  ['getaddrinfo', ['127.0.0.1', 80, kw({ proto: c('IPPROTO_UDP') })]],
  ['getaddrinfo', ['127.0.0.1', 80, kw({ flags: -1 })]],
  ['getaddrinfo', ['127.0.0.1', 80, kw({ nope: 1 })]],
  ['getaddrinfo', ['127.0.0.1', 70000]],
  ['getaddrinfo', ['127.0.0.1', -1]],
  ['getaddrinfo', ['127.0.0.1', big(1n << 70n)]],
  ['getaddrinfo', ['127.0.0.1', float(80.5)]],
  ['getaddrinfo', ['127.0.0.1', true]],
  ['getaddrinfo', ['127.0.0.1', 'nosuchsvc']],
  ['getaddrinfo', ['127.0.0.1', 'a\0b']],
  ['getaddrinfo', ['127.0.0.1', bytesOf('80'), c('AF_INET'), c('SOCK_STREAM')]],
  ['getaddrinfo', [bytesOf('127.0.0.1'), 80, c('AF_INET'), c('SOCK_STREAM')]],
  ['getaddrinfo', [bytearray('127.0.0.1'), 80]],
  ['getaddrinfo', [1, 80]],
  ['getaddrinfo', [1, 80, 'x']],
  ['getaddrinfo', ['127.0.0.1', float(1.5), kw({ type: 'x' })]],
  ['getaddrinfo', ['127.0.0.1']],
  ['getaddrinfo', []],
  [
    'getaddrinfo',
    [kw({ host: '127.0.0.1', port: 80, family: c('AF_INET'), type: c('SOCK_STREAM') })],
  ],
  ['getaddrinfo', ['127.0.0.1', kw({ port: 80 })]],
  ['getaddrinfo', ['127.0.0.1', 80, c('AF_INET'), kw({ family: c('AF_INET') })]],
  ['getaddrinfo', [null, null]],
  ['getaddrinfo', [null, 80, c('AF_INET'), c('SOCK_STREAM'), 0, c('AI_PASSIVE')]],
  ['getaddrinfo', [null, 80, c('AF_INET6'), c('SOCK_STREAM')]],
  ['getaddrinfo', ['127.0.0.1', null, c('AF_INET')]],
  ['getaddrinfo', ['127.0.0.1', 80, 'x']],
  ['getaddrinfo', ['127.0.0.1', 80, 99]],
  ['getaddrinfo', ['127.0.0.1', 80, c('AF_UNIX')]],
  ['getaddrinfo', ['127.0.0.1', 80, 0, 99]],
  ['getaddrinfo', ['127.0.0.1', 80, 0, c('SOCK_RAW')]],
  ['getaddrinfo', ['127.0.0.1', 80, 0, c('SOCK_STREAM'), c('IPPROTO_UDP')]],
  ['getaddrinfo', ['127.0.0.1', 80, big(1n << 40n)]],
  ['getaddrinfo', ['127.0.0.1', 80, 0, 0, 0, 0, 0]],
  ['getaddrinfo', ['::1', 80, c('AF_INET')]],
  ['getaddrinfo', ['127.0.0.1', 80, c('AF_INET6')]],
  ['getaddrinfo', ['127.1', 80, 0, c('SOCK_STREAM')]],
  ['getaddrinfo', ['1.2.3.4 x', 80, 0, c('SOCK_STREAM'), 0, c('AI_NUMERICHOST')]],
  ['getaddrinfo', ['x.invalid', 80, 0, 0, 0, c('AI_NUMERICHOST')]],
  // Names the idna codec rejects: UnicodeError before any lookup.
  ...[
    'a'.repeat(64),
    'a'.repeat(64) + '.invalid',
    'a..invalid',
    '.invalid',
    '\udcff.invalid',
    'ü' + 'a'.repeat(70) + '.invalid',
    'ü..invalid',
  ].flatMap((h): Case[] => [
    ['getaddrinfo', [h, 80]],
    ['gethostbyname', [h]],
    ['gethostbyname_ex', [h]],
    ['gethostbyaddr', [h]],
  ]),
  ['getaddrinfo', ['localhost', 80, 0, c('SOCK_STREAM'), 0, c('AI_NUMERICHOST')]],
  ['getaddrinfo', ['127.0.0.1', 'http', 0, c('SOCK_STREAM'), 0, c('AI_NUMERICSERV')]],
  ['getnameinfo', [tuple('127.0.0.1', 80), 0]],
  ['getnameinfo', [tuple('127.0.0.1', 80), c('NI_NOFQDN')]],
  ['getnameinfo', [tuple('127.0.0.1', 53), c('NI_DGRAM')]],
  ['getnameinfo', [tuple('127.0.0.1', 0), 0]],
  ['getnameinfo', [tuple('127.0.0.1', 65535), c('NI_NUMERICHOST')]],
  ['getnameinfo', [tuple('0.0.0.0', 80), c('NI_NUMERICHOST')]],
  ['getnameinfo', [tuple('::ffff:127.0.0.1', 80, 0, 0), c('NI_NUMERICHOST')]],
  ['getnameinfo', [tuple(hostname, 80), 0]],
  ['getnameinfo', [tuple('127.0.0.1', 80), -1]],
  ['getnameinfo', [tuple('127.0.0.1', 80), c('NI_NUMERICHOST')]],
  ['getnameinfo', [tuple('127.0.0.1', 80), c('NI_NUMERICSERV')]],
  ['getnameinfo', [tuple('127.0.0.1', 53), c('NI_DGRAM')]],
  ['getnameinfo', [tuple('::1', 80, 0, 0), c('NI_NUMERICHOST')]],
  ['getnameinfo', [tuple('::1', 80, 0), c('NI_NUMERICHOST')]],
  ['getnameinfo', [tuple('fe80::1', 80, 0, 1), c('NI_NUMERICHOST')]],
  ['getnameinfo', [tuple('fe80::1%lo', 80, 0, 0), c('NI_NUMERICHOST')]],
  ['getnameinfo', [tuple('::1', 80, 0, -1), c('NI_NUMERICHOST')]],
  ['getnameinfo', [tuple('::1', 80, 0, big(1n << 32n)), c('NI_NUMERICHOST')]],
  ['getnameinfo', [tuple('::1', 80, 0x100000, 0), 0]],
  ['getnameinfo', [tuple('::1', 80, -1, 0), 0]],
  ['getnameinfo', [tuple('::1', 80, 0, 0, 0), 0]],
  ['getnameinfo', [tuple('127.0.0.1', 80, 0, 0), 0]],
  ['getnameinfo', [tuple('127.0.0.1'), 0]],
  ['getnameinfo', [tuple(), 0]],
  ['getnameinfo', [tuple(1, 80), 0]],
  ['getnameinfo', [tuple('127.0.0.1', 'x'), 0]],
  ['getnameinfo', [tuple('127.0.0.1', 70000), c('NI_NUMERICSERV')]],
  ['getnameinfo', [tuple('127.0.0.1', -1), 0]],
  ['getnameinfo', [tuple('127.0.0.1', big(1n << 40n)), 0]],
  ['getnameinfo', [tuple('localhost', 80), 0]],
  ['getnameinfo', [tuple('127.0.0.1', 80), 'x']],
  ['getnameinfo', [tuple('127.0.0.1', 80), big(1n << 40n)]],
  ['getnameinfo', [tuple('127.0.0.1', 80), c('NI_NAMEREQD')]],
  ['getnameinfo', ['127.0.0.1', 0]],
  ['getnameinfo', [tuple('127.0.0.1', 80)]],
  ['gethostbyname', ['localhost']],
  ['gethostbyname', ['127.0.0.1']],
  ['gethostbyname', ['127.1']],
  ['gethostbyname', [bytesOf('localhost')]],
  ['gethostbyname', [bytearray('127.0.0.1')]],
  ['gethostbyname', ['']],
  ['gethostbyname', ['<broadcast>']],
  ['gethostbyname', ['255.255.255.255']],
  ['gethostbyname', ['::1']],
  ['gethostbyname', ['a\0b']],
  ['gethostbyname', [bytesOf('a\0b')]],
  ['gethostbyname', [1]],
  ['gethostbyname', [null]],
  ['gethostbyname', [hostname]],
  ['gethostbyname_ex', ['localhost']],
  ['gethostbyname_ex', ['']],
  // (Not '<broadcast>': CPython reports the thread's stale h_errno there,
  // the previous lookup's, where pysocket reports the lookup's own.)
  ['gethostbyname_ex', ['255.255.255.255']],
  ['gethostbyname_ex', ['0.0.0.0']],
  ['gethostbyname_ex', ['127.1']],
  ['gethostbyname_ex', [bytesOf('localhost')]],
  ['gethostbyaddr', ['127.1']],
  ['gethostbyaddr', ['0x7f.1']],
  ['gethostbyaddr', [bytesOf('127.0.0.1')]],
  ['gethostbyname_ex', ['127.0.0.1']],
  ['gethostbyname_ex', [hostname]],
  ['gethostbyname_ex', ['::1']],
  ['gethostbyname_ex', [1]],
  ['gethostbyaddr', ['127.0.0.1']],
  ['gethostbyaddr', ['localhost']],
  ['gethostbyaddr', ['']],
  ['gethostbyaddr', [1]],
  ['getfqdn', ['127.0.0.1']],
  ['getfqdn', ['localhost']],
  ['getfqdn', ['  localhost  ']],
  ['getfqdn', []],
  ['gethostname', []],
  ['getprotobyname', ['tcp']],
  ['getprotobyname', ['udp']],
  ['getprotobyname', ['icmp']],
  ['getprotobyname', ['nope']],
  ['getprotobyname', ['']],
  ['getprotobyname', ['a\0b']],
  ['getprotobyname', [1]],
  ['getprotobyname', [bytesOf('tcp')]],
  ['getservbyname', ['http']],
  ['getservbyname', ['http', 'tcp']],
  ['getservbyname', ['domain', 'udp']],
  ['getservbyname', ['nope']],
  ['getservbyname', ['http', 'nope']],
  ['getservbyname', [1]],
  ['getservbyname', ['http', 1]],
  ['getservbyname', ['a\0b']],
  ['getservbyname', ['http', null]],
  ['getservbyname', []],
  ['getservbyport', [80, null]],
  ['getservbyport', []],
  ['getprotobyname', []],
  ['inet_aton', []],
  ['inet_pton', [c('AF_INET')]],
  ['inet_ntop', [c('AF_INET')]],
  ['htons', []],
  ['gethostbyname', []],
  ['if_nametoindex', []],
  ['if_indextoname', []],
  ['if_indextoname', [1, 2]],
  ['if_nameindex', [1]],
  ['gethostname', [1]],
  ['sethostname', []],
  ['getfqdn', ['a', 'b']],
  ['getnameinfo', []],
  ['getnameinfo', [tuple('127.0.0.1', 80), 0, 0]],
  ['getservbyname', ['http', 'tcp', 1]],
  ['getservbyport', [80, 'tcp', 1]],
  ['getprotobyname', ['tcp', 1]],
  ['gethostbyname_ex', []],
  ['gethostbyaddr', []],
  ['getservbyport', [80]],
  ['getservbyport', [80, 'tcp']],
  ['getservbyport', [53, 'udp']],
  ['getservbyport', [80, 'udp']],
  ['getservbyport', [1]],
  ['getservbyport', [0]],
  ['getservbyport', [65535]],
  ['getservbyport', [65536]],
  ['getservbyport', [-1]],
  ['getservbyport', [big(1n << 40n)]],
  ['getservbyport', [big(1n << 70n)]],
  ['getservbyport', ['80']],
  ['getservbyport', [float(2.5)]],
  ['getservbyport', [true]],
  ['getservbyport', [80, 1]],
  ['if_nametoindex', ['lo']],
  ['if_nametoindex', [bytesOf('lo')]],
  ['if_nametoindex', ['nope0']],
  ['if_nametoindex', ['']],
  ['if_nametoindex', [1]],
  ['if_nametoindex', ['l\0o']],
  ['if_indextoname', [1]],
  ['if_indextoname', [0]],
  ['if_indextoname', [-1]],
  ['if_indextoname', [big(1n << 40n)]],
  ['if_indextoname', [big(1n << 70n)]],
  ['if_indextoname', ['1']],
  ['if_indextoname', [float(1.5)]],
  ['if_nameindex', []],
  // The current name again: succeeds as root, PermissionError otherwise.
  ['sethostname', [hostname]],
  ['sethostname', [bytesOf(hostname)]],
  ['sethostname', ['a\0b']],
  ['sethostname', [1]],
  ['sethostname', [null]],
]

// These reach the DNS server (reverse lookups of addresses not in
// /etc/hosts, names under .invalid): both sides fail the same way, but a
// silent server makes each take seconds.
const needDns: Case[] = [
  ['getaddrinfo', ['x.invalid', 80]],
  ['getaddrinfo', ['bücher.invalid', 80]],
  ['gethostbyname', ['x.invalid']],
  ['gethostbyname', ['例え。invalid']],
  ['gethostbyname_ex', ['x.invalid']],
  ['gethostbyaddr', ['::1']],
  ['gethostbyaddr', ['x.invalid']],
  ['getfqdn', ['x.invalid']],
  ['getnameinfo', [tuple('::1', 80, 0, 0), 0]],
]

const IDNA = String.raw`
import json, sys
out = []
for h in json.load(sys.stdin):
    try: out.append({'ok': h.encode('idna').decode('ascii')})
    except Exception as e: out.append({'exc': type(e).__name__, 'msg': str(e)})
json.dump(out, sys.stdout)
`

function check(t: import('ava').ExecutionContext, cases: Case[]) {
  const { compared, diffs } = differences(cases)
  t.log(`${compared} calls compared with python3`)
  t.deepEqual(diffs, [], `${diffs.length} of ${compared} calls differ from python3`)
}

test('conversions (hton*, inet_*) match python3', (t) => check(t, conversions))
test('lookups, services and interfaces match python3', (t) => check(t, lookups))

test('host names are IDNA-encoded as python3 does', (t) => {
  const names = [
    'bücher.invalid',
    'BÜCHER.example',
    'ß.example',
    'Straße.de',
    'ς.example',
    'a\u200db.ü',
    '例え。テスト',
    'münchen.de.',
    'a.b.c',
    'xn--bcher-kva.example',
    'ü.' + 'a'.repeat(63),
    '..ü',
    'ü\udcff',
    '',
  ]
  const py = JSON.parse(
    execFileSync(python3(), ['-c', IDNA], { input: JSON.stringify(names), encoding: 'utf8' }),
  ) as unknown[]
  const ours = names.map((n) => {
    try {
      return { ok: idnaEncode(n).toString('latin1') }
    } catch (e) {
      return { exc: (e as Error).name, msg: (e as Error).message }
    }
  })
  t.deepEqual(ours, py)
})

const dns = process.env.PYSOCKET_TEST_DNS ? test : test.skip
dns('lookups that reach the DNS server match python3 (PYSOCKET_TEST_DNS=1)', (t) =>
  check(t, needDns),
)

test('inet_pton(AF_INET6) of the same text twice: equal bytes in a Buffer of its own each time', (t) => {
  const text = '2001:db8::8:800:200c:417a'
  const first = socket.inet_pton(socket.AF_INET6, text)
  const expected = Buffer.from(first)
  // The caller owns what it got: writing to it changes nothing later.
  first.fill(0xee)
  const second = socket.inet_pton(socket.AF_INET6, text)
  t.true(Buffer.isBuffer(second))
  t.not(second, first)
  t.deepEqual(second, expected)
  second.fill(0)
  t.deepEqual(socket.inet_pton(socket.AF_INET6, text), expected)
  // A text that fails to parse leaves the last good one as it was.
  t.throws(() => socket.inet_pton(socket.AF_INET6, '2001:db8::8:800:200c:417a:1:2'), {
    instanceOf: socket.OSError,
    message: 'illegal IP address string passed to inet_pton',
  })
  t.deepEqual(socket.inet_pton(socket.AF_INET6, text), expected)
  t.deepEqual(socket.inet_pton(socket.AF_INET6, '::1'), Buffer.from([...Array(15).fill(0), 1]))
  t.deepEqual(socket.inet_pton(socket.AF_INET6, text), expected)
})
