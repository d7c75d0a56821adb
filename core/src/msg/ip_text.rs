//! The IP a gossip entry carries, as Redis stores it: text in a fixed
//! `NET_IP_STR_LEN` (46-byte) field, NUL-padded.

use super::wire::IP_LEN;
use crate::intern::Table;
use std::fmt;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};

/// Every gossip IP text this process has seen: the text NUL-padded, its
/// length in the last byte.
static IPS: Table<IP_LEN> = Table::new();

/// The longest text the wire field keeps (then a NUL).
const MAX_LEN: usize = IP_LEN - 1;

/// An IP address as text (`clusterMsgDataGossip.ip`), interned.
///
/// Every PING and PONG carries a tenth of the cluster in its gossip section
/// (a hundred entries at 1000 nodes), each with its IP: as a heap string it
/// made allocation a quarter of a large simulation's time, and inline its
/// 46 bytes were most of a section's size. Interned (see `crate::intern`)
/// it is a 4-byte number. Holds at most 45 bytes, cut at a character
/// boundary, exactly what the wire format keeps.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct IpText(u32);

/// The last IPv4 address [`IpText::from_ip`] converted and its number:
/// gossip asks for the same few addresses over and over, and interning
/// takes a lock. Starts at a value no conversion produces.
static LAST_V4: AtomicU64 = AtomicU64::new(u64::MAX);

impl IpText {
    /// The text of `ip`, as `Display` writes it.
    pub fn from_ip(ip: IpAddr) -> Self {
        let IpAddr::V4(v4) = ip else {
            return IpText::from(ip.to_string().as_str());
        };
        let bits = u32::from(v4) as u64;
        let last = LAST_V4.load(Ordering::Relaxed);
        if last >> 32 == bits && last as u32 != u32::MAX {
            return IpText(last as u32);
        }
        let text = IpText::from(v4.to_string().as_str());
        LAST_V4.store(bits << 32 | text.0 as u64, Ordering::Relaxed);
        text
    }

    fn bytes(&self) -> &'static [u8; IP_LEN] {
        IPS.get(self.0)
    }

    /// The address as text (empty when not announced).
    pub fn as_str(&self) -> &'static str {
        let bytes = self.bytes();
        let len = (bytes[MAX_LEN] as usize).min(MAX_LEN);
        // Only built from whole characters of a `&str`, see `From<&str>`.
        std::str::from_utf8(&bytes[..len]).unwrap_or("")
    }

    /// The address it names, if it is one.
    pub fn parse(&self) -> Option<IpAddr> {
        self.as_str().parse().ok()
    }

    /// Whether no address is given (the empty text).
    pub fn is_empty(&self) -> bool {
        self.0 == 0
    }
}

impl From<&str> for IpText {
    /// Keeps what fits the wire field (45 bytes and the NUL), cut at a
    /// character boundary. Past the interning table's capacity (only a
    /// flood of made-up addresses gets there) the text is empty: no address.
    fn from(text: &str) -> Self {
        let mut n = text.len().min(MAX_LEN);
        while !text.is_char_boundary(n) {
            n -= 1;
        }
        if n == 0 {
            return IpText::default();
        }
        let mut bytes = [0u8; IP_LEN];
        bytes[..n].copy_from_slice(&text.as_bytes()[..n]);
        bytes[MAX_LEN] = n as u8;
        IPS.intern(&bytes).map(IpText).unwrap_or_default()
    }
}

impl fmt::Display for IpText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for IpText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

#[cfg(test)]
mod tests {
    use super::IpText;
    use std::net::IpAddr;

    /// Same text as `Display`, for every octet value and for IPv6.
    #[test]
    fn from_ip_is_display() {
        for o in 0..=255u8 {
            for ip in [[o, 0, 10, 255], [127, o, 1, 99], [1, 2, o, o]] {
                let ip = IpAddr::from(ip);
                assert_eq!(IpText::from_ip(ip).as_str(), ip.to_string());
                assert_eq!(IpText::from_ip(ip).parse(), Some(ip));
            }
        }
        let v6: IpAddr = "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"
            .parse()
            .expect("valid");
        assert_eq!(IpText::from_ip(v6).as_str(), v6.to_string());
    }

    /// The wire field holds 45 bytes and a NUL: longer text is cut, never
    /// inside a character.
    #[test]
    fn long_text_is_cut_like_the_wire_field() {
        let long = "x".repeat(60);
        assert_eq!(IpText::from(long.as_str()).as_str().len(), 45);
        let wide = "é".repeat(30); // 2 bytes each
        assert_eq!(IpText::from(wide.as_str()).as_str(), "é".repeat(22));
    }
}
