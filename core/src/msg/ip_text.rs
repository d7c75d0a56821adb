//! The IP a gossip entry carries, as Redis stores it: text in a fixed
//! `NET_IP_STR_LEN` (46-byte) field, NUL-padded.

use super::wire::IP_LEN;
use std::fmt;
use std::net::IpAddr;

/// An IP address as text, inline (`clusterMsgDataGossip.ip`).
///
/// Kept inline rather than in a `String` because every PING and PONG carries
/// a tenth of the cluster in its gossip section (a hundred entries at 1000
/// nodes): a heap string per entry made allocation a quarter of a large
/// simulation's time. Holds at most 45 bytes, cut at a character boundary,
/// exactly what the wire format keeps.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct IpText {
    len: u8,
    bytes: [u8; IP_LEN - 1],
}

impl IpText {
    /// The text of `ip`, as `Display` writes it; IPv4 digit by digit, since
    /// every gossip entry needs one and the formatting machinery was a fifth
    /// of a large simulation's instructions.
    pub fn from_ip(ip: IpAddr) -> Self {
        let IpAddr::V4(v4) = ip else {
            return IpText::from(ip.to_string().as_str());
        };
        let mut t = IpText::default();
        for (i, octet) in v4.octets().into_iter().enumerate() {
            if i > 0 {
                t.push(b'.');
            }
            if octet >= 100 {
                t.push(b'0' + octet / 100);
            }
            if octet >= 10 {
                t.push(b'0' + octet / 10 % 10);
            }
            t.push(b'0' + octet % 10);
        }
        t
    }

    fn push(&mut self, b: u8) {
        self.bytes[self.len as usize] = b;
        self.len += 1;
    }

    pub fn as_str(&self) -> &str {
        // Only built from whole characters of a `&str`, see `From<&str>`.
        std::str::from_utf8(&self.bytes[..self.len as usize]).unwrap_or("")
    }

    /// The address it names, if it is one.
    pub fn parse(&self) -> Option<IpAddr> {
        self.as_str().parse().ok()
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl Default for IpText {
    fn default() -> Self {
        IpText {
            len: 0,
            bytes: [0; IP_LEN - 1],
        }
    }
}

impl From<&str> for IpText {
    /// Keeps what fits the wire field (45 bytes and the NUL), cut at a
    /// character boundary.
    fn from(text: &str) -> Self {
        let mut n = text.len().min(IP_LEN - 1);
        while !text.is_char_boundary(n) {
            n -= 1;
        }
        let mut t = IpText::default();
        t.bytes[..n].copy_from_slice(&text.as_bytes()[..n]);
        t.len = n as u8;
        t
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
