//! The cluster bus codec (`clusterlab_core::msg::wire`) against Redis 7.0's
//! wire format: layout, refusals, properties over random input, frames
//! captured from redis-server 7.0.15, and every frame the simulator sends.
//! `cargo test -p clusterlab-core --test wire [MODULE::]`.

mod captures;
mod layout;
mod prop;
mod refused;
mod samples;
mod simulated;
