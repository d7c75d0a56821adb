//! The clusterlab web app. For now a single page that shows which hash slot a key lands in;
//! the full playground (cluster view, lessons, console) grows from here.

mod key_info;
mod key_slot;

use key_slot::KeySlot;
use yew::prelude::*;

#[function_component]
fn App() -> Html {
    html! {
        <main class="page">
            <h1>{ "clusterlab" }</h1>
            <p class="lede">
                { "Redis Cluster splits every key into one of 16384 hash slots. \
                   Type a key to see its slot." }
            </p>
            <KeySlot />
        </main>
    }
}

fn main() {
    yew::Renderer::<App>::new().render();
}
