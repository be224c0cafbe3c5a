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

#[cfg(not(any(target_os = "linux", target_os = "android")))]
const PLATFORM: &[(&str, i64)] = table![TCP_KEEPALIVE];

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

/// Every constant of this build as `[name, value]` pairs.
#[napi(catch_unwind)]
pub fn constants() -> Vec<(&'static str, i64)> {
    COMMON
        .iter()
        .chain(PLATFORM.iter())
        .chain(RECVMSG_COMMON.iter())
        .chain(RECVMSG_PLATFORM.iter())
        .copied()
        .collect()
}
