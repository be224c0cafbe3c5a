// The address of each family as a type, and the type-level map from a
// socket's family (and protocol, for AF_CAN and AF_BLUETOOTH) to the
// addresses its methods take and return (docs/families.md is the table).
// Types only: the checks are in lib/address.ts and lib/family/.
import type * as C from './constants'
import type { AddressFamily, SocketKind } from './constants'

/** Bytes an address may be given as: a Buffer, any typed array or DataView, an ArrayBuffer. */
export type BytesLike = ArrayBufferView | ArrayBuffer

/** AF_INET: `[host, port]`, host a name or a dotted IPv4 address (`''` is INADDR_ANY). */
export type InetAddress = [host: string, port: number]

/** AF_INET6 as returned: `[host, port, flowinfo, scope_id]`. */
export type Inet6Address = [host: string, port: number, flowinfo: number, scope_id: number]

/** AF_INET6 as accepted: flowinfo and scope_id may be left out (0). */
export type Inet6AddressInput =
  [host: string, port: number] | [host: string, port: number, flowinfo: number] | Inet6Address

/**
 * AF_UNIX as returned: a filesystem path as a string, or a Buffer for a
 * Linux abstract name (its first byte is NUL); `''` for an unbound socket.
 */
export type UnixAddress = string | Buffer

/** AF_UNIX as accepted: a path string, or the name's bytes. */
export type UnixAddressInput = string | BytesLike

/** AF_NETLINK: `[pid, groups]` (pid 0 is the kernel; groups a multicast bit mask). */
export type NetlinkAddress = [pid: number, groups: number]

/**
 * AF_PACKET as returned: `[ifname, proto, pkttype, hatype, addr]`; proto is
 * the Ethernet protocol in host order, addr the hardware address.
 */
export type PacketAddress = [
  ifname: string,
  proto: number,
  pkttype: number,
  hatype: number,
  addr: Buffer,
]

/** AF_PACKET as accepted: `[ifname, proto]`, then pkttype, hatype and addr if wanted. */
export type PacketAddressInput =
  | [ifname: string, proto: number]
  | [ifname: string, proto: number, pkttype: number]
  | [ifname: string, proto: number, pkttype: number, hatype: number]
  | [ifname: string, proto: number, pkttype: number, hatype: number, addr: BytesLike]

/** AF_CAN with CAN_RAW or CAN_BCM: `[ifname]` (Python's `(interface,)`; `''` is every interface). */
export type CanAddress = [ifname: string]

/** AF_CAN with CAN_ISOTP: `[ifname, rx_addr, tx_addr]` (CAN identifiers). */
export type CanIsotpAddress = [ifname: string, rx_addr: number, tx_addr: number]

/** AF_CAN with CAN_J1939: `[ifname, name, pgn, addr]`, the 64-bit ECU name a bigint. */
export type CanJ1939Address = [ifname: string, name: bigint, pgn: number, addr: number]

/** AF_CAN with CAN_J1939 as accepted: the name may be a number below 2**53. */
export type CanJ1939AddressInput = [
  ifname: string,
  name: bigint | number,
  pgn: number,
  addr: number,
]

/** AF_ALG as returned: `[type, name, feat, mask]` (`['hash', 'sha256', 0, 0]`). */
export type AlgAddress = [type: string, name: string, feat: number, mask: number]

/** AF_ALG as accepted: feat and mask may be left out (0). */
export type AlgAddressInput =
  [type: string, name: string] | [type: string, name: string, feat: number] | AlgAddress

/** AF_VSOCK: `[cid, port]` (a context ID such as VMADDR_CID_HOST, and a port). */
export type VsockAddress = [cid: number, port: number]

/** AF_TIPC as returned: `[addr_type, v1, v2, v3, scope]`. */
export type TipcAddress = [addr_type: number, v1: number, v2: number, v3: number, scope: number]

/** AF_TIPC as accepted: scope may be left out (TIPC_CLUSTER_SCOPE). */
export type TipcAddressInput = [addr_type: number, v1: number, v2: number, v3: number] | TipcAddress

/** AF_QIPCRTR: `[node, port]`. */
export type QipcrtrAddress = [node: number, port: number]

/** AF_BLUETOOTH with BTPROTO_L2CAP: `[bdaddr, psm]`, bdaddr as `'XX:XX:XX:XX:XX:XX'`. */
export type BluetoothL2capAddress = [bdaddr: string, psm: number]

/** AF_BLUETOOTH with BTPROTO_RFCOMM: `[bdaddr, channel]`. */
export type BluetoothRfcommAddress = [bdaddr: string, channel: number]

/** AF_BLUETOOTH with BTPROTO_HCI as accepted: `[device_id]`. */
export type BluetoothHciAddressInput = [device_id: number]

/** AF_BLUETOOTH with BTPROTO_HCI as returned: the device id alone. */
export type BluetoothHciAddress = number

/** AF_BLUETOOTH with BTPROTO_SCO as accepted: the bdaddr text as bytes (`Buffer.from('XX:...')`). */
export type BluetoothScoAddressInput = Buffer

/** AF_BLUETOOTH with BTPROTO_SCO as returned: the bdaddr as a string. */
export type BluetoothScoAddress = string

/** A family this build has no model for, as returned: `[family, sa_data]`. */
export type UnknownFamilyAddress = [family: number, data: Buffer]

// The protocol constants that choose an address form (typed as their values).
type CanRaw = typeof C.CAN_RAW
type CanBcm = typeof C.CAN_BCM
type CanIsotp = typeof C.CAN_ISOTP
type CanJ1939 = typeof C.CAN_J1939
type BtL2cap = typeof C.BTPROTO_L2CAP
type BtHci = typeof C.BTPROTO_HCI
type BtSco = typeof C.BTPROTO_SCO
type BtRfcomm = typeof C.BTPROTO_RFCOMM

/** The address forms of each protocol-dependent family: [returned, accepted]. */
interface ByProtocol {
  can: {
    [P in CanRaw | CanBcm]: [CanAddress, CanAddress]
  } & { [P in CanIsotp]: [CanIsotpAddress, CanIsotpAddress] } & {
    [P in CanJ1939]: [CanJ1939Address, CanJ1939AddressInput]
  }
  bluetooth: { [P in BtL2cap]: [BluetoothL2capAddress, BluetoothL2capAddress] } & {
    [P in BtRfcomm]: [BluetoothRfcommAddress, BluetoothRfcommAddress]
  } & { [P in BtHci]: [BluetoothHciAddress, BluetoothHciAddressInput] } & {
    [P in BtSco]: [BluetoothScoAddress, BluetoothScoAddressInput]
  }
}

/**
 * Whether `N` is the whole of `number` rather than some of its values
 * (`number extends N` does not tell: number is assignable to enum members).
 */
type IsWide<N extends number> = {} extends Record<N, 1> ? true : false

/** A protocol-dependent family's forms for protocol `P` (every form when P is not known). */
type PerProtocol<M, P extends number> =
  IsWide<P> extends true ? M[keyof M] : P extends keyof M ? M[P] : M[keyof M]

/** [returned, accepted] addresses of each family with one address form. */
interface ByFamily {
  [AddressFamily.AF_INET]: [InetAddress, InetAddress]
  [AddressFamily.AF_INET6]: [Inet6Address, Inet6AddressInput]
  [AddressFamily.AF_UNIX]: [UnixAddress, UnixAddressInput]
  [AddressFamily.AF_NETLINK]: [NetlinkAddress, NetlinkAddress]
  [AddressFamily.AF_PACKET]: [PacketAddress, PacketAddressInput]
  [AddressFamily.AF_ALG]: [AlgAddress, AlgAddressInput]
  [AddressFamily.AF_VSOCK]: [VsockAddress, VsockAddress]
  [AddressFamily.AF_TIPC]: [TipcAddress, TipcAddressInput]
  [AddressFamily.AF_QIPCRTR]: [QipcrtrAddress, QipcrtrAddress]
  // RDS sockets use sockaddr_in, as in CPython.
  [AddressFamily.AF_RDS]: [InetAddress, InetAddress]
}

/** [returned, accepted] for family F and protocol P. */
type Forms<F extends number, P extends number> = F extends AddressFamily.AF_CAN
  ? PerProtocol<ByProtocol['can'], P>
  : F extends AddressFamily.AF_BLUETOOTH
    ? PerProtocol<ByProtocol['bluetooth'], P>
    : F extends keyof ByFamily
      ? ByFamily[F]
      : [UnknownFamilyAddress, never]

/** Every family's forms: what a socket whose family is only known at run time uses. */
type AllForms = Forms<keyof ByFamily | AddressFamily.AF_CAN | AddressFamily.AF_BLUETOOTH, number>

/**
 * The address a socket of family `F` (and protocol `P`) returns, from
 * getsockname, getpeername, accept, recvfrom and recvmsg: `InetAddress` for
 * AF_INET, `Inet6Address` for AF_INET6, ...; the union of them all when `F`
 * is `number` (a family only known at run time).
 */
export type SockAddress<F extends number = number, P extends number = number> =
  IsWide<F> extends true ? AllForms[0] | UnknownFamilyAddress : Forms<F, P>[0]

/**
 * The address a socket of family `F` (and protocol `P`) takes in bind,
 * connect, connect_ex, sendto and sendmsg: `InetAddress` for AF_INET, the
 * shorter or full `Inet6AddressInput` for AF_INET6, ...; any family's (and
 * anything a socket returns) when `F` is `number`.
 */
export type SockAddressInput<F extends number = number, P extends number = number> =
  IsWide<F> extends true ? AllForms[1] | SockAddress : Forms<F, P>[1]

/**
 * The address recvfrom and recvmsg return for a socket of kind `T`:
 * datagram and raw sockets of the IP families, AF_PACKET, AF_NETLINK and
 * AF_CAN always have a sender; a stream socket (and an unbound AF_UNIX
 * sender) gives `null`.
 */
export type RecvAddress<F extends number, T extends number, P extends number> =
  IsWide<T> extends true
    ? SockAddress<F, P> | null
    : IsWide<F> extends true
      ? SockAddress<F, P> | null
      : [T] extends [SocketKind.SOCK_DGRAM | SocketKind.SOCK_RAW]
        ? [F] extends [
            | AddressFamily.AF_INET
            | AddressFamily.AF_INET6
            | AddressFamily.AF_PACKET
            | AddressFamily.AF_NETLINK
            | AddressFamily.AF_CAN,
          ]
          ? SockAddress<F, P>
          : SockAddress<F, P> | null
        : SockAddress<F, P> | null
