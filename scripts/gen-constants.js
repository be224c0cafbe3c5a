// Writes lib/constants.ts from the addon's constant table, so that the
// names exported by the TypeScript layer are exactly the ones the platform's
// headers define (crates/node/src/constants.rs is the one list to edit),
// and the enums Python builds from them (AddressFamily, SocketKind, MsgFlag,
// AddressInfo) with the same members.
//
// Types: each AF_/SOCK_/MSG_/AI_ constant is typed as its enum member
// (`AF_INET: AddressFamily.AF_INET`), so that `socket(AF_INET6)` infers its
// family; the enums are written with this build's values as literals (a
// type needs literal members), and at run time take the values of the
// platform the addon was built for. The protocols that choose an address
// form (PROTOCOL_TYPES) are typed as their literal values for the same reason.
'use strict'
const fs = require('node:fs')
const path = require('node:path')

const binding = require('../binding.js')
const table = new Map(binding.constants().map(([name, value]) => [name, Number(value)]))
const names = [...table.keys()].sort()

// Python: IntEnum._convert_(name, ..., lambda C: C.isupper() and C.startswith(prefix)).
const ENUMS = [
  ['AddressFamily', 'AF_', 'The address families of this platform (`AF_*`).'],
  ['SocketKind', 'SOCK_', 'The socket types of this platform (`SOCK_*`).'],
  ['MsgFlag', 'MSG_', 'The message flags of this platform (`MSG_*`).'],
  ['AddressInfo', 'AI_', 'The getaddrinfo flags of this platform (`AI_*`).'],
]

// The protocols whose value selects the address form (lib/addresses.ts).
const PROTOCOL_TYPES = [
  'CAN_RAW',
  'CAN_BCM',
  'CAN_ISOTP',
  'CAN_J1939',
  'BTPROTO_L2CAP',
  'BTPROTO_RFCOMM',
  'BTPROTO_HCI',
  'BTPROTO_SCO',
]

const isMember = (prefix, n) => n.startsWith(prefix) && n === n.toUpperCase()

// The doc comment of each constant, by the longest prefix of its name that
// has one (the groups of Python's documentation, "Constants").
const GROUPS = [
  ['AF_', "An address family, for `socket()`'s first argument"],
  ['PF_', 'A protocol family (the same number as its `AF_` twin)'],
  ['SOCK_', "A socket type, for `socket()`'s second argument"],
  ['SOCK_NONBLOCK', 'A flag or-ed into the socket type: the socket starts non-blocking'],
  ['SOCK_CLOEXEC', 'A flag or-ed into the socket type: the fd is not inherited (always set)'],
  ['SOL_', 'A socket option level, for getsockopt/setsockopt'],
  ['SO_', 'A socket option of level SOL_SOCKET'],
  ['SO_VM_', 'An AF_VSOCK socket option (a 64-bit value)'],
  ['SO_J1939_', 'A CAN J1939 socket option'],
  ['SOMAXCONN', 'The largest listen() backlog the system headers define'],
  ['IPPROTO_', "An IP protocol number, for `socket()`'s third argument or as an option level"],
  ['IPPORT_', 'A port number boundary of the system headers'],
  ['IP_', 'An IPv4 socket option of level IPPROTO_IP'],
  ['IPV6_', 'An IPv6 socket option of level IPPROTO_IPV6'],
  ['INADDR_', 'An IPv4 address as a host-order integer'],
  ['TCP_', 'A TCP socket option of level IPPROTO_TCP'],
  ['UDPLITE_', 'A UDP-Lite socket option of level IPPROTO_UDPLITE'],
  ['MPTCP_', 'An MPTCP socket option of level SOL_MPTCP'],
  ['MSG_', 'A flag for the send and recv families of calls'],
  ['SHUT_', 'A direction for shutdown()'],
  ['AI_', 'A flag for getaddrinfo()'],
  ['NI_', 'A flag or size for getnameinfo()'],
  ['EAI_', 'An error code of getaddrinfo() (gaierror.errno)'],
  ['SCM_', 'An ancillary data type (cmsg_type) for sendmsg/recvmsg'],
  ['ALG_', 'An AF_ALG option or operation'],
  ['CAN_', 'An AF_CAN protocol, flag or option'],
  ['CAN_BCM_', 'An AF_CAN broadcast manager (CAN_BCM) opcode or flag'],
  ['J1939_', 'A CAN J1939 constant'],
  ['NETLINK_', 'An AF_NETLINK protocol or option'],
  ['PACKET_', 'An AF_PACKET packet type or option'],
  ['ETH_P_', 'An Ethernet protocol number (AF_PACKET proto, in host order)'],
  ['ETHERTYPE_', 'An Ethernet type number'],
  ['ARPHRD_', 'An ARP hardware type (the hatype of an AF_PACKET address)'],
  ['VMADDR_', 'An AF_VSOCK address part (a CID or port)'],
  ['VM_SOCKETS_', 'An AF_VSOCK constant'],
  ['IOCTL_VM_SOCKETS_', 'The ioctl request for the local AF_VSOCK CID'],
  ['TIPC_', 'An AF_TIPC address type, scope, option or constant'],
  ['BTPROTO_', 'An AF_BLUETOOTH protocol'],
  ['HCI_', 'A Bluetooth HCI socket option'],
]

/** The doc comment of constant `n`. */
function docOf(n) {
  let best = null
  for (const [prefix, text] of GROUPS) {
    if (n.startsWith(prefix) && (best === null || prefix.length > best[0].length)) {
      best = [prefix, text]
    }
  }
  const what = best === null ? 'A constant of the system headers' : best[1]
  return `/** ${what}; \`undefined\` where this platform lacks it. */`
}

/** The declared type of constant `n`: its enum member, its literal value, or number. */
function typeOf(n) {
  const e = ENUMS.find(([, prefix]) => isMember(prefix, n))
  if (e) return `${e[0]}.${n}`
  if (PROTOCOL_TYPES.includes(n)) return String(table.get(n))
  return 'number'
}

function enumLines([enumName, prefix, doc]) {
  const members = names.filter((n) => isMember(prefix, n)).map((n) => [n, table.get(n)])
  // Python's canonical name for a value shared by several names is the first
  // by (value, name); TypeScript's reverse mapping keeps the last one written,
  // so aliases are written before their canonical name.
  members.sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? 1 : a[0] > b[0] ? -1 : 0))
  return [
    `/** ${doc} Numeric, with reverse names: \`${enumName}[value]\` is Python's member name. */`,
    `export enum ${enumName} {`,
    ...members.flatMap(([n, v]) => [
      `  /** \`${n}\` (${v} on the build machine). */`,
      `  ${n} = ${v},`,
    ]),
    '}',
    `platformValues(${enumName})`,
    '',
  ]
}

const lines = [
  '// Generated by scripts/gen-constants.js from the addon; do not edit.',
  "import native = require('./native')",
  '',
  '/** Every constant of this build by name, with its value from the system headers. */',
  'export const constants: Readonly<Record<string, number>> = Object.freeze(',
  '  Object.fromEntries(native.constants().map(([name, value]) => [name, Number(value)])),',
  ')',
  '',
  'const C = constants as Record<string, number>',
  '',
  '/**',
  " * Gives enum `e` this platform's values (its literals are the build",
  " * machine's) and drops the members this platform lacks; aliases come",
  " * before their canonical name, so the reverse names are Python's.",
  ' */',
  'function platformValues(e: Record<string, string | number>): void {',
  "  const members = Object.keys(e).filter((k) => typeof e[k] === 'number')",
  '  for (const k of Object.keys(e)) {',
  "    if (typeof e[k] === 'string') delete e[k]",
  '  }',
  '  for (const name of members) {',
  '    const value = C[name]',
  '    if (value === undefined) {',
  '      delete e[name]',
  '    } else {',
  '      e[name] = value',
  '      e[value] = name',
  '    }',
  '  }',
  '}',
  '',
  ...names.flatMap((n) => {
    const t = typeOf(n)
    return [
      docOf(n),
      t === 'number' ? `export const ${n}: number = C.${n}` : `export const ${n} = C.${n} as ${t}`,
    ]
  }),
  '',
  ...ENUMS.flatMap(enumLines),
]
fs.writeFileSync(path.join(__dirname, '..', 'lib', 'constants.ts'), lines.join('\n'))
