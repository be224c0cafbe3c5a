//! The constants of the platform, read from libc at build time: the
//! TypeScript layer exports each under its own name. A name the platform
//! lacks is simply not in the table, as in Python.

use napi_derive::napi;

macro_rules! table {
    ($($name:ident),* $(,)?) => {
        &[$((stringify!($name), libc::$name as i64)),*]
    };
}

/// Present on every POSIX platform pysocket builds for.
const COMMON: &[(&str, i64)] = table![
    AF_UNSPEC,
    AF_INET,
    AF_INET6,
    AF_UNIX,
    SOCK_STREAM,
    SOCK_DGRAM,
    SOCK_RAW,
    SOCK_SEQPACKET,
    SOCK_RDM,
    SOL_SOCKET,
    SOMAXCONN,
    SO_ACCEPTCONN,
    SO_BROADCAST,
    SO_DEBUG,
    SO_DONTROUTE,
    SO_ERROR,
    SO_KEEPALIVE,
    SO_LINGER,
    SO_OOBINLINE,
    SO_RCVBUF,
    SO_RCVLOWAT,
    SO_RCVTIMEO,
    SO_REUSEADDR,
    SO_REUSEPORT,
    SO_SNDBUF,
    SO_SNDLOWAT,
    SO_SNDTIMEO,
    SO_TYPE,
    IPPROTO_IP,
    IPPROTO_IPV6,
    IPPROTO_TCP,
    IPPROTO_UDP,
    IPPROTO_ICMP,
    IPPROTO_ICMPV6,
    IPPROTO_RAW,
    IP_TOS,
    IP_TTL,
    IP_HDRINCL,
    IP_OPTIONS,
    IP_MULTICAST_IF,
    IP_MULTICAST_TTL,
    IP_MULTICAST_LOOP,
    IP_ADD_MEMBERSHIP,
    IP_DROP_MEMBERSHIP,
    IPV6_V6ONLY,
    IPV6_UNICAST_HOPS,
    IPV6_MULTICAST_IF,
    IPV6_MULTICAST_HOPS,
    IPV6_MULTICAST_LOOP,
    TCP_NODELAY,
    TCP_MAXSEG,
    TCP_KEEPINTVL,
    TCP_KEEPCNT,
    MSG_OOB,
    MSG_PEEK,
    MSG_DONTROUTE,
    MSG_DONTWAIT,
    MSG_EOR,
    MSG_TRUNC,
    MSG_CTRUNC,
    MSG_WAITALL,
    SHUT_RD,
    SHUT_WR,
    SHUT_RDWR,
    AI_PASSIVE,
    AI_CANONNAME,
    AI_NUMERICHOST,
    AI_NUMERICSERV,
    AI_V4MAPPED,
    AI_ALL,
    AI_ADDRCONFIG,
    NI_NUMERICHOST,
    NI_NUMERICSERV,
    NI_NOFQDN,
    NI_NAMEREQD,
    NI_DGRAM,
    NI_MAXHOST,
    EAI_AGAIN,
    EAI_BADFLAGS,
    EAI_FAIL,
    EAI_FAMILY,
    EAI_MEMORY,
    EAI_NONAME,
    EAI_SERVICE,
    EAI_SOCKTYPE,
    EAI_SYSTEM,
    EAI_OVERFLOW,
    INADDR_ANY,
    INADDR_LOOPBACK,
    INADDR_BROADCAST,
    INADDR_NONE,
    // The three errnos CPython's socket module exports (socket.EBADF, ...).
    EBADF,
    EAGAIN,
    EWOULDBLOCK,
];

#[cfg(any(target_os = "linux", target_os = "android"))]
const PLATFORM: &[(&str, i64)] = table![
    SOCK_NONBLOCK,
    SOCK_CLOEXEC,
    SO_DOMAIN,
    SO_PROTOCOL,
    SO_PEERCRED,
    SO_PASSCRED,
    SO_BINDTODEVICE,
    SO_PRIORITY,
    SO_MARK,
    TCP_KEEPIDLE,
    TCP_CORK,
    UDP_SEGMENT,
    UDP_GRO,
    TCP_INFO,
    TCP_QUICKACK,
    TCP_USER_TIMEOUT,
    TCP_FASTOPEN,
    TCP_CONGESTION,
    TCP_DEFER_ACCEPT,
    TCP_LINGER2,
    TCP_SYNCNT,
    TCP_WINDOW_CLAMP,
    TCP_NOTSENT_LOWAT,
    MSG_NOSIGNAL,
    MSG_CMSG_CLOEXEC,
    MSG_CONFIRM,
    MSG_ERRQUEUE,
    MSG_MORE,
    IP_TRANSPARENT,
    IP_RECVTOS,
    IP_PKTINFO,
    AF_NETLINK,
    AF_PACKET,
];

/// The rest of what CPython exports on Linux, where the `libc` crate has it.
#[cfg(target_os = "linux")]
const LINUX: &[(&str, i64)] = table![
    EAI_NODATA,
    IPPROTO_AH,
    IPPROTO_DSTOPTS,
    IPPROTO_EGP,
    IPPROTO_ESP,
    IPPROTO_FRAGMENT,
    IPPROTO_GRE,
    IPPROTO_HOPOPTS,
    IPPROTO_IDP,
    IPPROTO_IGMP,
    IPPROTO_IPIP,
    IPPROTO_NONE,
    IPPROTO_PIM,
    IPPROTO_PUP,
    IPPROTO_ROUTING,
    IPPROTO_RSVP,
    IPPROTO_SCTP,
    IPPROTO_TP,
    IPV6_DONTFRAG,
    IPV6_DSTOPTS,
    IPV6_HOPLIMIT,
    IPV6_HOPOPTS,
    IPV6_NEXTHOP,
    IPV6_PATHMTU,
    IPV6_PKTINFO,
    IPV6_RECVDSTOPTS,
    IPV6_RECVHOPLIMIT,
    IPV6_RECVHOPOPTS,
    IPV6_RECVPATHMTU,
    IPV6_RECVPKTINFO,
    IPV6_RECVRTHDR,
    IPV6_RECVTCLASS,
    IPV6_RTHDR,
    IPV6_RTHDRDSTOPTS,
    IPV6_TCLASS,
    IP_ADD_SOURCE_MEMBERSHIP,
    IP_BIND_ADDRESS_NO_PORT,
    IP_BLOCK_SOURCE,
    IP_DEFAULT_MULTICAST_LOOP,
    IP_DEFAULT_MULTICAST_TTL,
    IP_DROP_SOURCE_MEMBERSHIP,
    IP_RECVOPTS,
    IP_RETOPTS,
    IP_UNBLOCK_SOURCE,
    MSG_FASTOPEN,
    NI_IDN,
    SCM_CREDENTIALS,
    SCM_RIGHTS,
    SOL_IP,
    SOL_TCP,
    SOL_UDP,
    SO_BINDTOIFINDEX,
    SO_INCOMING_CPU,
    SO_PASSSEC,
    SO_PEERSEC,
    TCP_CC_INFO,
    TCP_FASTOPEN_CONNECT,
    TCP_FASTOPEN_KEY,
    TCP_FASTOPEN_NO_COOKIE,
    TCP_INQ,
    TCP_MD5SIG,
    TCP_MD5SIG_EXT,
    TCP_QUEUE_SEQ,
    TCP_REPAIR,
    TCP_REPAIR_OPTIONS,
    TCP_REPAIR_QUEUE,
    TCP_REPAIR_WINDOW,
    TCP_SAVED_SYN,
    TCP_SAVE_SYN,
    TCP_THIN_DUPACK,
    TCP_THIN_LINEAR_TIMEOUTS,
    TCP_TIMESTAMP,
    TCP_ULP,
    TCP_ZEROCOPY_RECEIVE,
];

/// Names CPython exports for a value the `libc` crate has under another
/// name: `(CPython's name, libc's name)`.
macro_rules! aliased {
    ($($name:ident = $libc:ident),* $(,)?) => {
        &[$((stringify!($name), libc::$libc as i64)),*]
    };
}

#[cfg(target_os = "linux")]
const LINUX_ALIASES: &[(&str, i64)] = aliased![
    IPV6_JOIN_GROUP = IPV6_ADD_MEMBERSHIP,
    IPV6_LEAVE_GROUP = IPV6_DROP_MEMBERSHIP,
    IP_RECVRETOPTS = IP_RETOPTS,
    // net/ethernet.h's ETHERTYPE_* are linux/if_ether.h's ETH_P_* values.
    ETHERTYPE_ARP = ETH_P_ARP,
    ETHERTYPE_IP = ETH_P_IP,
    ETHERTYPE_IPV6 = ETH_P_IPV6,
    ETHERTYPE_VLAN = ETH_P_8021Q,
    // linux/can/bcm.h: the opcodes and flags CPython prefixes with CAN_BCM_.
    CAN_BCM_TX_SETUP = TX_SETUP,
    CAN_BCM_TX_DELETE = TX_DELETE,
    CAN_BCM_TX_READ = TX_READ,
    CAN_BCM_TX_SEND = TX_SEND,
    CAN_BCM_RX_SETUP = RX_SETUP,
    CAN_BCM_RX_DELETE = RX_DELETE,
    CAN_BCM_RX_READ = RX_READ,
    CAN_BCM_TX_STATUS = TX_STATUS,
    CAN_BCM_TX_EXPIRED = TX_EXPIRED,
    CAN_BCM_RX_STATUS = RX_STATUS,
    CAN_BCM_RX_TIMEOUT = RX_TIMEOUT,
    CAN_BCM_RX_CHANGED = RX_CHANGED,
    CAN_BCM_SETTIMER = SETTIMER,
    CAN_BCM_STARTTIMER = STARTTIMER,
    CAN_BCM_TX_COUNTEVT = TX_COUNTEVT,
    CAN_BCM_TX_ANNOUNCE = TX_ANNOUNCE,
    CAN_BCM_TX_CP_CAN_ID = TX_CP_CAN_ID,
    CAN_BCM_RX_FILTER_ID = RX_FILTER_ID,
    CAN_BCM_RX_CHECK_DLC = RX_CHECK_DLC,
    CAN_BCM_RX_NO_AUTOTIMER = RX_NO_AUTOTIMER,
    CAN_BCM_RX_ANNOUNCE_RESUME = RX_ANNOUNCE_RESUME,
    CAN_BCM_TX_RESET_MULTI_IDX = TX_RESET_MULTI_IDX,
    CAN_BCM_RX_RTR_FRAME = RX_RTR_FRAME,
    CAN_BCM_CAN_FD_FRAME = CAN_FD_FRAME,
];

/// linux/vm_sockets.h: `_IO(7, 0xb9)`, built with libc's `_IO`.
#[cfg(target_os = "linux")]
const LINUX_DERIVED: &[(&str, i64)] =
    &[("IOCTL_VM_SOCKETS_GET_LOCAL_CID", libc::_IO(7, 0xb9) as i64)];

#[cfg(not(target_os = "linux"))]
const LINUX: &[(&str, i64)] = &[];
#[cfg(not(target_os = "linux"))]
const LINUX_ALIASES: &[(&str, i64)] = &[];
#[cfg(not(target_os = "linux"))]
const LINUX_DERIVED: &[(&str, i64)] = &[];

#[cfg(not(any(target_os = "linux", target_os = "android")))]
const PLATFORM: &[(&str, i64)] = table![TCP_KEEPALIVE];

// ---- families: the constants of the Linux address families ----
#[cfg(any(target_os = "linux", target_os = "android"))]
macro_rules! kernel_table {
    ($($name:ident),* $(,)?) => {
        &[$((stringify!($name), pysocket_core::kernel::$name as i64)),*]
    };
}

/// families: what the `libc` crate defines.
#[cfg(any(target_os = "linux", target_os = "android"))]
const FAMILIES: &[(&str, i64)] = table![
    AF_ALG,
    AF_APPLETALK,
    AF_ASH,
    AF_ATMPVC,
    AF_ATMSVC,
    AF_AX25,
    AF_BLUETOOTH,
    AF_BRIDGE,
    AF_CAN,
    AF_DECnet,
    AF_ECONET,
    AF_IPX,
    AF_IRDA,
    AF_KEY,
    AF_LLC,
    AF_NETBEUI,
    AF_NETLINK,
    AF_NETROM,
    AF_PACKET,
    AF_PPPOX,
    AF_RDS,
    AF_ROSE,
    AF_ROUTE,
    AF_SECURITY,
    AF_SNA,
    AF_TIPC,
    AF_VSOCK,
    AF_WANPIPE,
    AF_X25,
    PF_CAN,
    PF_PACKET,
    PF_RDS,
    ALG_OP_DECRYPT,
    ALG_OP_ENCRYPT,
    ALG_SET_AEAD_ASSOCLEN,
    ALG_SET_AEAD_AUTHSIZE,
    ALG_SET_IV,
    ALG_SET_KEY,
    ALG_SET_OP,
    SOL_ALG,
    CAN_BCM,
    CAN_EFF_FLAG,
    CAN_EFF_MASK,
    CAN_ERR_FLAG,
    CAN_ERR_MASK,
    CAN_ISOTP,
    CAN_J1939,
    CAN_RAW,
    CAN_RAW_FD_FRAMES,
    CAN_RAW_FILTER,
    CAN_RAW_JOIN_FILTERS,
    CAN_RAW_LOOPBACK,
    CAN_RAW_RECV_OWN_MSGS,
    CAN_RAW_ERR_FILTER,
    CAN_RTR_FLAG,
    CAN_SFF_MASK,
    SOL_CAN_BASE,
    SOL_CAN_RAW,
    J1939_EE_INFO_NONE,
    J1939_EE_INFO_TX_ABORT,
    J1939_FILTER_MAX,
    J1939_IDLE_ADDR,
    J1939_MAX_UNICAST_ADDR,
    J1939_NLA_BYTES_ACKED,
    J1939_NLA_PAD,
    J1939_NO_ADDR,
    J1939_NO_NAME,
    J1939_NO_PGN,
    J1939_PGN_ADDRESS_CLAIMED,
    J1939_PGN_ADDRESS_COMMANDED,
    J1939_PGN_MAX,
    J1939_PGN_PDU1_MAX,
    J1939_PGN_REQUEST,
    SCM_J1939_DEST_ADDR,
    SCM_J1939_DEST_NAME,
    SCM_J1939_ERRQUEUE,
    SCM_J1939_PRIO,
    SO_J1939_FILTER,
    SO_J1939_PROMISC,
    SO_J1939_SEND_PRIO,
    SO_J1939_ERRQUEUE,
    SOL_CAN_J1939,
    NETLINK_CRYPTO,
    NETLINK_DNRTMSG,
    NETLINK_FIREWALL,
    NETLINK_IP6_FW,
    NETLINK_NFLOG,
    NETLINK_ROUTE,
    NETLINK_USERSOCK,
    NETLINK_XFRM,
    NETLINK_GENERIC,
    NETLINK_AUDIT,
    NETLINK_KOBJECT_UEVENT,
    NETLINK_NETFILTER,
    NETLINK_SOCK_DIAG,
    NETLINK_INET_DIAG,
    NETLINK_SELINUX,
    NETLINK_ISCSI,
    NETLINK_FIB_LOOKUP,
    NETLINK_CONNECTOR,
    NETLINK_SCSITRANSPORT,
    NETLINK_ECRYPTFS,
    NETLINK_RDMA,
    NETLINK_ADD_MEMBERSHIP,
    NETLINK_DROP_MEMBERSHIP,
    NETLINK_PKTINFO,
    NETLINK_NO_ENOBUFS,
    NETLINK_LISTEN_ALL_NSID,
    NETLINK_CAP_ACK,
    NETLINK_EXT_ACK,
    NETLINK_GET_STRICT_CHK,
    SOL_NETLINK,
    PACKET_BROADCAST,
    PACKET_HOST,
    PACKET_LOOPBACK,
    PACKET_MULTICAST,
    PACKET_OTHERHOST,
    PACKET_OUTGOING,
    PACKET_ADD_MEMBERSHIP,
    PACKET_DROP_MEMBERSHIP,
    PACKET_MR_PROMISC,
    PACKET_MR_MULTICAST,
    PACKET_MR_ALLMULTI,
    PACKET_AUXDATA,
    PACKET_IGNORE_OUTGOING,
    PACKET_STATISTICS,
    SOL_PACKET,
    ETH_P_ALL,
    ETH_P_IP,
    ETH_P_IPV6,
    ETH_P_ARP,
    ARPHRD_ETHER,
    ARPHRD_LOOPBACK,
    VMADDR_CID_ANY,
    VMADDR_CID_HOST,
    VMADDR_CID_LOCAL,
    VMADDR_CID_HYPERVISOR,
    VMADDR_PORT_ANY,
    SOL_TIPC,
    SOL_BLUETOOTH,
    IPPROTO_UDPLITE,
    IPPROTO_MPTCP,
    IPPROTO_ICMP,
    IPPROTO_ICMPV6,
    IPPROTO_RAW,
    IP_HDRINCL,
    IP_RECVERR,
    IPV6_CHECKSUM,
    IPV6_RECVERR,
];

/// families: what `libc` lacks, from `pysocket_core::kernel`.
#[cfg(any(target_os = "linux", target_os = "android"))]
const FAMILIES_KERNEL: &[(&str, i64)] = kernel_table![
    AF_QIPCRTR,
    PF_QIPCRTR,
    SOL_RDS,
    PACKET_FASTROUTE,
    UDPLITE_SEND_CSCOV,
    UDPLITE_RECV_CSCOV,
    SOL_MPTCP,
    MPTCP_INFO,
    SO_VM_SOCKETS_BUFFER_SIZE,
    SO_VM_SOCKETS_BUFFER_MIN_SIZE,
    SO_VM_SOCKETS_BUFFER_MAX_SIZE,
    SO_VM_SOCKETS_PEER_HOST_VM_ID,
    SO_VM_SOCKETS_TRUSTED,
    SO_VM_SOCKETS_CONNECT_TIMEOUT,
    SO_VM_SOCKETS_NONBLOCK_TXRX,
    VM_SOCKETS_INVALID_VERSION,
    IOCTL_VM_SOCKETS_GET_LOCAL_CID,
    TIPC_ADDR_NAMESEQ,
    TIPC_ADDR_MCAST,
    TIPC_ADDR_NAME,
    TIPC_ADDR_ID,
    TIPC_ZONE_SCOPE,
    TIPC_CLUSTER_SCOPE,
    TIPC_NODE_SCOPE,
    TIPC_IMPORTANCE,
    TIPC_SRC_DROPPABLE,
    TIPC_DEST_DROPPABLE,
    TIPC_CONN_TIMEOUT,
    TIPC_LOW_IMPORTANCE,
    TIPC_MEDIUM_IMPORTANCE,
    TIPC_HIGH_IMPORTANCE,
    TIPC_CRITICAL_IMPORTANCE,
    TIPC_SUB_PORTS,
    TIPC_SUB_SERVICE,
    TIPC_SUB_CANCEL,
    TIPC_WAIT_FOREVER,
    TIPC_PUBLISHED,
    TIPC_WITHDRAWN,
    TIPC_SUBSCR_TIMEOUT,
    TIPC_CFG_SRV,
    TIPC_TOP_SRV,
    BTPROTO_L2CAP,
    BTPROTO_HCI,
    BTPROTO_SCO,
    BTPROTO_RFCOMM,
    SOL_HCI,
    SOL_L2CAP,
    SOL_SCO,
    SOL_RFCOMM,
    HCI_DATA_DIR,
    HCI_FILTER,
    HCI_TIME_STAMP,
    CAN_BCM_TX_SETUP,
    CAN_BCM_TX_DELETE,
    CAN_BCM_TX_READ,
    CAN_BCM_TX_SEND,
    CAN_BCM_RX_SETUP,
    CAN_BCM_RX_DELETE,
    CAN_BCM_RX_READ,
    CAN_BCM_TX_STATUS,
    CAN_BCM_TX_EXPIRED,
    CAN_BCM_RX_STATUS,
    CAN_BCM_RX_TIMEOUT,
    CAN_BCM_RX_CHANGED,
    CAN_BCM_SETTIMER,
    CAN_BCM_STARTTIMER,
    CAN_BCM_TX_COUNTEVT,
    CAN_BCM_TX_ANNOUNCE,
    CAN_BCM_TX_CP_CAN_ID,
    CAN_BCM_RX_FILTER_ID,
    CAN_BCM_RX_CHECK_DLC,
    CAN_BCM_RX_NO_AUTOTIMER,
    CAN_BCM_RX_ANNOUNCE_RESUME,
    CAN_BCM_TX_RESET_MULTI_IDX,
    CAN_BCM_RX_RTR_FRAME,
    CAN_BCM_CAN_FD_FRAME,
];

#[cfg(not(any(target_os = "linux", target_os = "android")))]
const FAMILIES: &[(&str, i64)] = &[];
#[cfg(not(any(target_os = "linux", target_os = "android")))]
const FAMILIES_KERNEL: &[(&str, i64)] = &[];
// ---- end families ----
// recvmsg/sendmsg: ancillary data levels, types and the options that ask for them.
const RECVMSG_COMMON: &[(&str, i64)] = table![SCM_RIGHTS, IPV6_RECVPKTINFO, IPV6_PKTINFO];

// recvmsg/sendmsg, Linux only.
#[cfg(any(target_os = "linux", target_os = "android"))]
const RECVMSG_PLATFORM: &[(&str, i64)] = table![
    SCM_CREDENTIALS,
    SO_PASSCRED,
    SO_PEERCRED,
    IP_PKTINFO,
    IP_RECVTOS,
    IP_RECVTTL,
    IP_RECVOPTS,
    IP_RETOPTS,
    IPV6_RECVTCLASS,
    IPV6_TCLASS,
    IPV6_RECVHOPLIMIT,
    IPV6_HOPLIMIT,
    SO_TIMESTAMP,
    SO_TIMESTAMPNS,
    SCM_TIMESTAMP,
    SCM_TIMESTAMPNS,
    MSG_CMSG_CLOEXEC,
];
#[cfg(not(any(target_os = "linux", target_os = "android")))]
const RECVMSG_PLATFORM: &[(&str, i64)] = &[];

/// What neither `libc` nor `nix` has, from `pysocket_core::kernel`.
#[cfg(target_os = "linux")]
const NETDB_KERNEL: &[(&str, i64)] = kernel_table![
    ALG_OP_SIGN,
    ALG_OP_VERIFY,
    ALG_SET_PUBKEY,
    EAI_ADDRFAMILY,
    INADDR_ALLHOSTS_GROUP,
    INADDR_MAX_LOCAL_GROUP,
    INADDR_UNSPEC_GROUP,
    IPPORT_RESERVED,
    IPPORT_USERRESERVED,
    IPV6_RTHDR_TYPE_0,
    IP_MAX_MEMBERSHIPS,
    NI_MAXSERV,
    TCP_TX_DELAY,
];

#[cfg(not(target_os = "linux"))]
const NETDB_KERNEL: &[(&str, i64)] = &[];

/// Every constant of this build as `[name, value]` pairs.
#[napi(catch_unwind)]
pub fn constants() -> Vec<(&'static str, i64)> {
    COMMON
        .iter()
        .chain(PLATFORM.iter())
        .chain(FAMILIES.iter())
        .chain(FAMILIES_KERNEL.iter())
        .chain(RECVMSG_COMMON.iter())
        .chain(RECVMSG_PLATFORM.iter())
        .chain(LINUX.iter())
        .chain(LINUX_ALIASES.iter())
        .chain(LINUX_DERIVED.iter())
        .chain(NETDB_KERNEL.iter())
        .copied()
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    #[test]
    fn every_name_has_one_value() {
        let mut seen: HashMap<&str, i64> = HashMap::new();
        for (name, value) in super::constants() {
            if let Some(old) = seen.insert(name, value) {
                assert_eq!(old, value, "{name} listed twice with different values");
            }
        }
        // Aliases carry the value of the name they stand for.
        #[cfg(target_os = "linux")]
        {
            assert_eq!(seen["IPV6_JOIN_GROUP"], libc::IPV6_ADD_MEMBERSHIP as i64);
            assert_eq!(seen["CAN_BCM_TX_SETUP"], libc::TX_SETUP as i64);
            assert_eq!(seen["AF_ROUTE"], seen["AF_NETLINK"]);
        }
    }
}
