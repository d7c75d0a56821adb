//! The cluster bus codec (`clusterlab_core::msg::wire`) against Redis 7.0's
//! wire format: layout, refusals, and properties over random input.

mod layout;
mod prop;
mod refused;
mod samples;
