//! Pure functions from the simulation to what is drawn: positions, colours, shapes, labels and
//! sentences. No Yew and no browser here, so all of it is unit-tested natively; components only
//! turn these values into elements.
//!
//! One file per concept, named after the component that draws it where there is one
//! (`cluster_view`, `slot_map`, `message_layer`, `sequence`, `key_tracer`, `beliefs`, `grow`,
//! like `components/`). The items of those drawing files are re-exported here, so a component
//! writes `view_model::picture`; the larger subjects (`explain`, `wire`, `plot`…) are used by
//! their path. This layer imports the core and `i18n` only, never `state` (docs/architecture.md
//! "The web app").

pub mod beliefs;
pub mod big_ring;
pub mod client_cache;
pub mod cluster_view;
pub mod errors;
pub mod event_line;
pub mod event_log;
pub mod explain;
pub mod format;
pub mod grow;
pub mod key_tracer;
pub mod layout;
pub mod message_layer;
pub mod objective;
pub mod plot;
pub mod rewind;
pub mod sequence;
pub mod slot_map;
pub mod source;
pub mod trace_compare;
pub mod wire;

pub use beliefs::*;
pub use cluster_view::*;
pub use event_log::*;
pub use format::*;
pub use grow::*;
pub use key_tracer::*;
pub use layout::*;
pub use message_layer::*;
pub use sequence::*;
pub use slot_map::*;

#[cfg(test)]
pub(crate) mod test_support;
