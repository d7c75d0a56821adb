//! Redis 7.0 cluster bus wire format (being written).
