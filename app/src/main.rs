//! The clusterlab playground: the core's deterministic simulator running in the browser, with
//! views that make Redis Cluster's mechanics visible and controls to poke at them.
//!
//! Layout: [`state`] is the model and its one reducer, [`view_model`] the pure functions from
//! the simulation to what is drawn, [`components`] one component per concept, [`hooks`] the
//! animation clock, keyboard shortcuts and browser preferences.

mod app;
mod components;
mod hooks;
mod i18n;
mod state;
mod view_model;

fn main() {
    yew::Renderer::<app::App>::new().render();
}
