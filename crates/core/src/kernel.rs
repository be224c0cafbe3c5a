//! Linux kernel definitions that the `libc` crate does not carry: the one
//! place they are written down, each with the header it comes from. Every
//! other definition used by pysocket is read from `libc`.
#![cfg(any(target_os = "linux", target_os = "android"))]
#![allow(non_camel_case_types)]

use libc::c_int;

// <linux/socket.h>
pub const AF_QIPCRTR: c_int = 42;
pub const PF_QIPCRTR: c_int = AF_QIPCRTR;

// <linux/socket.h>: glibc's libc bindings have SOL_RDS, musl's do not.
#[cfg(target_env = "gnu")]
pub use libc::SOL_RDS;
#[cfg(not(target_env = "gnu"))]
pub const SOL_RDS: c_int = 276;

// <linux/if_packet.h> (invisible to user space, exported by Python anyway)
pub const PACKET_FASTROUTE: c_int = 6;

// The kernel's <net/udplite.h> (not exported to user space; CPython defines
// them the same way): the UDP-Lite options, level IPPROTO_UDPLITE.
pub const UDPLITE_SEND_CSCOV: c_int = 10;
pub const UDPLITE_RECV_CSCOV: c_int = 11;

// <linux/mptcp.h> and <bits/socket.h>
pub const SOL_MPTCP: c_int = 284;
pub const MPTCP_INFO: c_int = 1;

// <linux/vm_sockets.h>
pub const SO_VM_SOCKETS_BUFFER_SIZE: c_int = 0;
pub const SO_VM_SOCKETS_BUFFER_MIN_SIZE: c_int = 1;
pub const SO_VM_SOCKETS_BUFFER_MAX_SIZE: c_int = 2;
pub const SO_VM_SOCKETS_PEER_HOST_VM_ID: c_int = 3;
pub const SO_VM_SOCKETS_TRUSTED: c_int = 5;
pub const SO_VM_SOCKETS_CONNECT_TIMEOUT: c_int = 6;
pub const SO_VM_SOCKETS_NONBLOCK_TXRX: c_int = 7;
pub const VM_SOCKETS_INVALID_VERSION: u32 = u32::MAX;
/// `_IO(7, 0xb9)`: the `_IO` encoding is type << 8 | nr, no size, no direction.
pub const IOCTL_VM_SOCKETS_GET_LOCAL_CID: libc::c_ulong = (7 << 8) | 0xb9;

// <linux/tipc.h>
pub const TIPC_ADDR_NAMESEQ: c_int = 1;
pub const TIPC_ADDR_MCAST: c_int = 1;
pub const TIPC_ADDR_NAME: c_int = 2;
pub const TIPC_ADDR_ID: c_int = 3;
pub const TIPC_ZONE_SCOPE: c_int = 1;
pub const TIPC_CLUSTER_SCOPE: c_int = 2;
pub const TIPC_NODE_SCOPE: c_int = 3;
pub const TIPC_IMPORTANCE: c_int = 127;
pub const TIPC_SRC_DROPPABLE: c_int = 128;
pub const TIPC_DEST_DROPPABLE: c_int = 129;
pub const TIPC_CONN_TIMEOUT: c_int = 130;
pub const TIPC_LOW_IMPORTANCE: c_int = 0;
pub const TIPC_MEDIUM_IMPORTANCE: c_int = 1;
pub const TIPC_HIGH_IMPORTANCE: c_int = 2;
pub const TIPC_CRITICAL_IMPORTANCE: c_int = 3;
pub const TIPC_SUB_PORTS: c_int = 1;
pub const TIPC_SUB_SERVICE: c_int = 2;
pub const TIPC_SUB_CANCEL: c_int = 4;
pub const TIPC_WAIT_FOREVER: c_int = !0;
pub const TIPC_PUBLISHED: c_int = 1;
pub const TIPC_WITHDRAWN: c_int = 2;
pub const TIPC_SUBSCR_TIMEOUT: c_int = 3;
pub const TIPC_CFG_SRV: c_int = 0;
pub const TIPC_TOP_SRV: c_int = 1;

/// `struct tipc_socket_addr` of <linux/tipc.h>.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct tipc_socket_addr {
    pub ref_: u32,
    pub node: u32,
}

/// `struct tipc_service_addr` of <linux/tipc.h>.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct tipc_service_addr {
    pub type_: u32,
    pub instance: u32,
}

/// `struct tipc_service_range` of <linux/tipc.h>.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct tipc_service_range {
    pub type_: u32,
    pub lower: u32,
    pub upper: u32,
}

/// The anonymous `name` member of `sockaddr_tipc.addr`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct tipc_name_domain {
    pub name: tipc_service_addr,
    pub domain: u32,
}

/// The `addr` union of `struct sockaddr_tipc`.
#[repr(C)]
#[derive(Clone, Copy)]
pub union tipc_addr {
    pub id: tipc_socket_addr,
    pub nameseq: tipc_service_range,
    pub name: tipc_name_domain,
}

/// `struct sockaddr_tipc` of <linux/tipc.h>.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct sockaddr_tipc {
    pub family: libc::c_ushort,
    pub addrtype: libc::c_uchar,
    pub scope: libc::c_schar,
    pub addr: tipc_addr,
}

/// `struct sockaddr_qrtr` of <linux/qrtr.h>.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct sockaddr_qrtr {
    pub sq_family: libc::sa_family_t,
    pub sq_node: u32,
    pub sq_port: u32,
}

// <bluetooth/bluetooth.h> (BlueZ, not a kernel uapi header)
pub const BTPROTO_L2CAP: c_int = 0;
pub const BTPROTO_HCI: c_int = 1;
pub const BTPROTO_SCO: c_int = 2;
pub const BTPROTO_RFCOMM: c_int = 3;
pub const SOL_HCI: c_int = 0;
pub const SOL_L2CAP: c_int = 6;
pub const SOL_SCO: c_int = 17;
pub const SOL_RFCOMM: c_int = 18;
// <bluetooth/hci.h>
pub const HCI_DATA_DIR: c_int = 1;
pub const HCI_FILTER: c_int = 2;
pub const HCI_TIME_STAMP: c_int = 3;

/// `bdaddr_t` of <bluetooth/bluetooth.h>: six bytes, least significant first.
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct bdaddr_t {
    pub b: [u8; 6],
}

/// `struct sockaddr_l2` of <bluetooth/l2cap.h>.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct sockaddr_l2 {
    pub l2_family: libc::sa_family_t,
    pub l2_psm: u16,
    pub l2_bdaddr: bdaddr_t,
    pub l2_cid: u16,
    pub l2_bdaddr_type: u8,
}

/// `struct sockaddr_rc` of <bluetooth/rfcomm.h>.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct sockaddr_rc {
    pub rc_family: libc::sa_family_t,
    pub rc_bdaddr: bdaddr_t,
    pub rc_channel: u8,
}

/// `struct sockaddr_hci` of <bluetooth/hci.h>.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct sockaddr_hci {
    pub hci_family: libc::sa_family_t,
    pub hci_dev: u16,
    pub hci_channel: u16,
}

/// `struct sockaddr_sco` of <bluetooth/sco.h>.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct sockaddr_sco {
    pub sco_family: libc::sa_family_t,
    pub sco_bdaddr: bdaddr_t,
}

// <linux/can/bcm.h>: the BCM opcodes (an enum from TX_SETUP = 1) and flags.
pub const CAN_BCM_TX_SETUP: c_int = 1;
pub const CAN_BCM_TX_DELETE: c_int = 2;
pub const CAN_BCM_TX_READ: c_int = 3;
pub const CAN_BCM_TX_SEND: c_int = 4;
pub const CAN_BCM_RX_SETUP: c_int = 5;
pub const CAN_BCM_RX_DELETE: c_int = 6;
pub const CAN_BCM_RX_READ: c_int = 7;
pub const CAN_BCM_TX_STATUS: c_int = 8;
pub const CAN_BCM_TX_EXPIRED: c_int = 9;
pub const CAN_BCM_RX_STATUS: c_int = 10;
pub const CAN_BCM_RX_TIMEOUT: c_int = 11;
pub const CAN_BCM_RX_CHANGED: c_int = 12;
pub const CAN_BCM_SETTIMER: c_int = 0x0001;
pub const CAN_BCM_STARTTIMER: c_int = 0x0002;
pub const CAN_BCM_TX_COUNTEVT: c_int = 0x0004;
pub const CAN_BCM_TX_ANNOUNCE: c_int = 0x0008;
pub const CAN_BCM_TX_CP_CAN_ID: c_int = 0x0010;
pub const CAN_BCM_RX_FILTER_ID: c_int = 0x0020;
pub const CAN_BCM_RX_CHECK_DLC: c_int = 0x0040;
pub const CAN_BCM_RX_NO_AUTOTIMER: c_int = 0x0080;
pub const CAN_BCM_RX_ANNOUNCE_RESUME: c_int = 0x0100;
pub const CAN_BCM_TX_RESET_MULTI_IDX: c_int = 0x0200;
pub const CAN_BCM_RX_RTR_FRAME: c_int = 0x0400;
pub const CAN_BCM_CAN_FD_FRAME: c_int = 0x0800;

// The rest of what CPython exports on Linux and `libc` lacks (netdb).
// <linux/if_alg.h> (kernels from 5.x; CPython exports them where defined)
pub const ALG_OP_SIGN: c_int = 2;
pub const ALG_OP_VERIFY: c_int = 3;
pub const ALG_SET_PUBKEY: c_int = 6;
// <netdb.h> (glibc, with __USE_GNU)
pub const EAI_ADDRFAMILY: c_int = -9;
pub const NI_MAXSERV: c_int = 32;
// <netinet/in.h>
pub const INADDR_UNSPEC_GROUP: u32 = 0xe000_0000;
pub const INADDR_ALLHOSTS_GROUP: u32 = 0xe000_0001;
pub const INADDR_MAX_LOCAL_GROUP: u32 = 0xe000_00ff;
pub const IPPORT_RESERVED: c_int = 1024;
pub const IPPORT_USERRESERVED: c_int = 5000;
// <bits/in.h>
pub const IPV6_RTHDR_TYPE_0: c_int = 0;
pub const IP_MAX_MEMBERSHIPS: c_int = 20;
// <linux/tcp.h>
pub const TCP_TX_DELAY: c_int = 37;

#[cfg(test)]
mod tests {
    use super::*;
    use std::mem::{offset_of, size_of};

    // Sizes and offsets as the kernel (x86_64 and every other Linux ABI) lays
    // the structs out.
    #[test]
    fn tipc_layout() {
        assert_eq!(size_of::<sockaddr_tipc>(), 16);
        assert_eq!(offset_of!(sockaddr_tipc, addrtype), 2);
        assert_eq!(offset_of!(sockaddr_tipc, scope), 3);
        assert_eq!(offset_of!(sockaddr_tipc, addr), 4);
        assert_eq!(size_of::<tipc_addr>(), 12);
        assert_eq!(offset_of!(tipc_socket_addr, node), 4);
        assert_eq!(offset_of!(tipc_name_domain, domain), 8);
    }

    #[test]
    fn qrtr_layout() {
        assert_eq!(size_of::<sockaddr_qrtr>(), 12);
        assert_eq!(offset_of!(sockaddr_qrtr, sq_node), 4);
        assert_eq!(offset_of!(sockaddr_qrtr, sq_port), 8);
    }

    #[test]
    fn bluetooth_layouts() {
        assert_eq!(size_of::<bdaddr_t>(), 6);
        assert_eq!(size_of::<sockaddr_l2>(), 14);
        assert_eq!(offset_of!(sockaddr_l2, l2_psm), 2);
        assert_eq!(offset_of!(sockaddr_l2, l2_bdaddr), 4);
        assert_eq!(offset_of!(sockaddr_l2, l2_cid), 10);
        assert_eq!(offset_of!(sockaddr_l2, l2_bdaddr_type), 12);
        assert_eq!(size_of::<sockaddr_rc>(), 10);
        assert_eq!(offset_of!(sockaddr_rc, rc_bdaddr), 2);
        assert_eq!(offset_of!(sockaddr_rc, rc_channel), 8);
        assert_eq!(size_of::<sockaddr_hci>(), 6);
        assert_eq!(offset_of!(sockaddr_hci, hci_dev), 2);
        assert_eq!(offset_of!(sockaddr_hci, hci_channel), 4);
        assert_eq!(size_of::<sockaddr_sco>(), 8);
    }

    #[test]
    fn vsock_ioctl_number_is_the_io_encoding() {
        // What glibc's _IO(7, 0xb9) expands to (1977).
        assert_eq!(IOCTL_VM_SOCKETS_GET_LOCAL_CID, 0x7b9);
    }
}
