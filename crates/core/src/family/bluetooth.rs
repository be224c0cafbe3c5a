//! AF_BLUETOOTH: L2CAP, RFCOMM, HCI and SCO addresses (structs of BlueZ's
//! headers, defined in `crate::kernel`). Bluetooth device addresses travel
//! as the six bytes of `bdaddr_t`, least significant first; the text form
//! `XX:XX:XX:XX:XX:XX` is most significant first.

use socket2::SockAddr;

use super::{read_struct, sockaddr_of, FamilyAddress};
use crate::kernel::{
    bdaddr_t, sockaddr_hci, sockaddr_l2, sockaddr_rc, sockaddr_sco, BTPROTO_HCI, BTPROTO_L2CAP,
    BTPROTO_RFCOMM, BTPROTO_SCO,
};

const FAMILY: libc::sa_family_t = libc::AF_BLUETOOTH as libc::sa_family_t;

/// `bdaddr_t` from the six octets in text order (most significant first).
fn bdaddr(octets: [u8; 6]) -> bdaddr_t {
    let mut b = octets;
    b.reverse();
    bdaddr_t { b }
}

/// CPython's `makebdaddr`: upper-case hex, most significant first.
pub fn bdaddr_text(a: bdaddr_t) -> String {
    let b = a.b;
    format!(
        "{:02X}:{:02X}:{:02X}:{:02X}:{:02X}:{:02X}",
        b[5], b[4], b[3], b[2], b[1], b[0]
    )
}

pub fn encode_l2cap(octets: [u8; 6], psm: u16) -> SockAddr {
    sockaddr_of(&sockaddr_l2 {
        l2_family: FAMILY,
        l2_psm: psm,
        l2_bdaddr: bdaddr(octets),
        l2_cid: 0,
        l2_bdaddr_type: 0,
    })
}

pub fn encode_rfcomm(octets: [u8; 6], channel: u8) -> SockAddr {
    sockaddr_of(&sockaddr_rc {
        rc_family: FAMILY,
        rc_bdaddr: bdaddr(octets),
        rc_channel: channel,
    })
}

pub fn encode_hci(dev: u16, channel: u16) -> SockAddr {
    sockaddr_of(&sockaddr_hci {
        hci_family: FAMILY,
        hci_dev: dev,
        hci_channel: channel,
    })
}

pub fn encode_sco(octets: [u8; 6]) -> SockAddr {
    sockaddr_of(&sockaddr_sco {
        sco_family: FAMILY,
        sco_bdaddr: bdaddr(octets),
    })
}

/// CPython's decoding per protocol; an unknown protocol is its ValueError.
pub fn decode(bytes: &[u8], proto: i32) -> Option<FamilyAddress> {
    Some(match proto {
        BTPROTO_L2CAP => {
            let a: sockaddr_l2 = read_struct(bytes);
            FamilyAddress::L2cap {
                bdaddr: bdaddr_text(a.l2_bdaddr),
                psm: a.l2_psm,
            }
        }
        BTPROTO_RFCOMM => {
            let a: sockaddr_rc = read_struct(bytes);
            FamilyAddress::Rfcomm {
                bdaddr: bdaddr_text(a.rc_bdaddr),
                channel: a.rc_channel,
            }
        }
        BTPROTO_HCI => {
            let a: sockaddr_hci = read_struct(bytes);
            FamilyAddress::Hci { dev: a.hci_dev }
        }
        BTPROTO_SCO => {
            let a: sockaddr_sco = read_struct(bytes);
            FamilyAddress::Sco {
                bdaddr: bdaddr_text(a.sco_bdaddr),
            }
        }
        _ => FamilyAddress::Invalid("Unknown Bluetooth protocol".into()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::addr::to_bytes;
    use std::mem::offset_of;

    const ADDR: [u8; 6] = [0x12, 0x23, 0x34, 0x45, 0x56, 0x6f];

    #[test]
    fn l2cap_bytes_and_text() {
        let a = encode_l2cap(ADDR, 0x1001);
        let raw = to_bytes(&a);
        assert_eq!(raw.len(), 14);
        let o = offset_of!(sockaddr_l2, l2_bdaddr);
        // Least significant octet first in the struct.
        assert_eq!(raw[o..o + 6], [0x6f, 0x56, 0x45, 0x34, 0x23, 0x12]);
        assert_eq!(
            decode(raw, BTPROTO_L2CAP),
            Some(FamilyAddress::L2cap {
                bdaddr: "12:23:34:45:56:6F".into(),
                psm: 0x1001
            })
        );
    }

    #[test]
    fn rfcomm_hci_sco() {
        let a = encode_rfcomm(ADDR, 30);
        assert_eq!(to_bytes(&a)[offset_of!(sockaddr_rc, rc_channel)], 30);
        assert_eq!(
            decode(to_bytes(&a), BTPROTO_RFCOMM),
            Some(FamilyAddress::Rfcomm {
                bdaddr: "12:23:34:45:56:6F".into(),
                channel: 30
            })
        );
        let a = encode_hci(3, 0);
        assert_eq!(
            decode(to_bytes(&a), BTPROTO_HCI),
            Some(FamilyAddress::Hci { dev: 3 })
        );
        let a = encode_sco([0; 6]);
        assert_eq!(
            decode(to_bytes(&a), BTPROTO_SCO),
            Some(FamilyAddress::Sco {
                bdaddr: "00:00:00:00:00:00".into()
            })
        );
        assert_eq!(
            decode(to_bytes(&a), 99),
            Some(FamilyAddress::Invalid("Unknown Bluetooth protocol".into()))
        );
    }
}
