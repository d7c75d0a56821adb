//! One component per concept. Components get the data they draw as props (so unchanged
//! parts skip re-rendering) and send [`Action`](crate::state::Action)s through the
//! [`Dispatch`] in context; they hold no logic of their own beyond turning view-model values
//! into elements.

mod beliefs;
mod big_cluster;
mod canvas;
mod client_panel;
mod cluster_view;
mod console;
mod controls;
mod explain;
mod faults;
mod grow;
mod help;
mod key_tracer;
mod legend;
mod lesson_picker;
mod lesson_sequence;
mod lesson_stage;
mod markdown;
mod message_layer;
mod player;
mod plots;
mod scenario_bar;
mod sequence;
mod slot_map;
mod text_twin;
mod timeline;
mod trace_import;

pub use beliefs::BeliefsPanel;
pub use big_cluster::BigClusterView;
pub use client_panel::ClientPanel;
pub use cluster_view::ClusterView;
pub use console::ConsolePanel;
pub use controls::Controls;
pub use explain::ExplainPanel;
pub use faults::FaultsPanel;
pub use grow::GrowPanel;
pub use help::Help;
pub use key_tracer::KeyTracer;
pub use legend::Legend;
pub use lesson_picker::{LessonPicker, TextsLine};
pub use lesson_sequence::LessonSequence;
pub use lesson_stage::LessonStage;
pub use player::LessonPlayer;
pub use plots::{ExperimentsPanel, PlotPanel};
pub use scenario_bar::ScenarioBar;
pub use sequence::SequenceDiagram;
pub use slot_map::SlotMap;
pub use text_twin::TextTwin;
pub use timeline::Timeline;
pub use trace_import::TraceImport;

use yew::prelude::*;

use crate::state::Action;
pub use crate::state::Dispatch;

/// The dispatcher from context.
#[hook]
pub fn use_dispatch() -> Dispatch {
    use_context::<Dispatch>().expect("the app provides a Dispatch context")
}

/// A click handler that dispatches a fixed action.
pub fn dispatch_cb<E>(dispatch: &Dispatch, action: Action) -> Callback<E> {
    let dispatch = dispatch.clone();
    Callback::from(move |_| dispatch.dispatch(action.clone()))
}
