//! Why a frame was refused.

use crate::msg::MsgType;
use std::fmt;

/// A frame the decoder refused. Redis drops such frames (and for a bad prefix
/// the whole link); the caller decides which, this only says what was wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WireError {
    /// Fewer than the 8 prefix bytes (`sig` + `totlen`).
    Truncated {
        /// Bytes available.
        len: usize,
    },
    /// `sig` is not `RCmb`.
    BadSignature([u8; 4]),
    /// `totlen` below the 2256-byte header: `clusterReadHandler` drops the link.
    TotlenTooSmall(u32),
    /// `totlen` above [`super::MAX_FRAME_LEN`]: refused before allocating.
    TotlenTooLarge(u32),
    /// The buffer is not exactly `totlen` bytes long.
    TotlenMismatch {
        /// Length the header declares.
        totlen: u32,
        /// Length of the buffer.
        len: usize,
    },
    /// `ver` is not `CLUSTER_PROTO_VER` (1).
    BadVersion(u16),
    /// `type` is not one of Redis 7.0's eleven message types.
    UnknownType(u16),
    /// `totlen` is not the exact length the type (and its counts) implies,
    /// the check `clusterProcessPacket` makes.
    WrongLength {
        /// The message type.
        kind: MsgType,
        /// Length the header declares.
        totlen: u32,
        /// Length the type and its counts imply.
        expected: u64,
    },
    /// A non-gossip message with a non-zero `count` (Redis always sends 0).
    StrayCount {
        /// The message type.
        kind: MsgType,
        /// The gossip count it carries.
        count: u16,
    },
    /// A non-gossip message with a non-zero `extensions` count.
    StrayExtensions {
        /// The message type.
        kind: MsgType,
        /// The extension count it carries.
        extensions: u16,
    },
    /// `extensions` is non-zero but `mflags[0]` lacks `EXT_DATA`: Redis would
    /// then read extensions it never validated.
    ExtensionsWithoutFlag {
        /// The extension count it carries.
        extensions: u16,
    },
    /// A 40-byte node name that is not `[a-z0-9]{40}` (or all zero where a
    /// missing name is allowed).
    BadNodeId {
        /// Which field.
        field: &'static str,
    },
    /// A text field without its terminating NUL.
    Unterminated {
        /// Which field.
        field: &'static str,
    },
    /// A text field that is not UTF-8.
    NotUtf8 {
        /// Which field.
        field: &'static str,
    },
    /// `state` is neither 0 (ok) nor 1 (fail).
    BadState(u8),
    /// Ping extension `index` has a length below its 8-byte header, not a
    /// multiple of 8, or running past the frame.
    BadExtensionLength {
        /// Position of the extension (0-based).
        index: u16,
        /// The length it declares.
        len: u32,
    },
    /// A known extension type whose payload has the wrong size.
    BadExtensionPayload {
        /// Position of the extension (0-based).
        index: u16,
        /// Its type.
        kind: u16,
        /// The length it declares.
        len: u32,
    },
}

impl fmt::Display for WireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WireError::Truncated { len } => {
                write!(f, "truncated frame: {len} bytes, the prefix alone is 8")
            }
            WireError::BadSignature(sig) => {
                write!(
                    f,
                    "bad signature \"{}\", expected \"RCmb\"",
                    sig.escape_ascii()
                )
            }
            WireError::TotlenTooSmall(n) => {
                write!(
                    f,
                    "totlen {n} is below the {}-byte header",
                    super::HEADER_LEN
                )
            }
            WireError::TotlenTooLarge(n) => {
                write!(
                    f,
                    "totlen {n} is above the {}-byte limit",
                    super::MAX_FRAME_LEN
                )
            }
            WireError::TotlenMismatch { totlen, len } => {
                write!(f, "totlen says {totlen} bytes but the frame has {len}")
            }
            WireError::BadVersion(v) => write!(f, "protocol version {v}, expected 1"),
            WireError::UnknownType(t) => write!(f, "unknown message type {t}"),
            WireError::WrongLength {
                kind,
                totlen,
                expected,
            } => write!(
                f,
                "{} frame of {totlen} bytes, its content needs {expected}",
                kind.name()
            ),
            WireError::StrayCount { kind, count } => {
                write!(f, "{} frame with gossip count {count}", kind.name())
            }
            WireError::StrayExtensions { kind, extensions } => {
                write!(f, "{} frame with {extensions} ping extensions", kind.name())
            }
            WireError::ExtensionsWithoutFlag { extensions } => {
                write!(f, "{extensions} ping extensions without the EXT_DATA flag")
            }
            WireError::BadNodeId { field } => write!(f, "{field} is not a 40-char node name"),
            WireError::Unterminated { field } => write!(f, "{field} is not NUL-terminated"),
            WireError::NotUtf8 { field } => write!(f, "{field} is not UTF-8"),
            WireError::BadState(s) => write!(f, "cluster state byte {s}, expected 0 or 1"),
            WireError::BadExtensionLength { index, len } => {
                write!(f, "ping extension {index} has bad length {len}")
            }
            WireError::BadExtensionPayload { index, kind, len } => write!(
                f,
                "ping extension {index} of type {kind} has a payload of wrong size ({len} bytes)"
            ),
        }
    }
}

impl std::error::Error for WireError {}
