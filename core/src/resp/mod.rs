//! RESP, the Redis serialization protocol (RESP2 and RESP3): requests parsed
//! the way a Redis server parses them, replies encoded the way it encodes
//! them, and replies parsed the way a client does.

mod reply;
mod request;
mod value;

pub use reply::{parse_reply, ReplyError};
pub use request::{
    parse_i64, parse_request, split_args, Limits, ProtocolError, Request, DEFAULT_MAX_BULK_LEN,
    INLINE_MAX_SIZE,
};
pub(crate) use value::format_double;
pub use value::{escape, Protocol, Value};
