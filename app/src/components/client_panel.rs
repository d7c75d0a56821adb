//! A lesson's client panel: the smart client's slot cache next to the slots' real owners,
//! stale ranges highlighted, and the MOVED / ASK / reload counters that repaired it.

use std::rc::Rc;

use clusterlab_core::sorted;

use yew::prelude::*;

use crate::i18n::{fill, use_lang, Msg};
use crate::view_model::client_cache::ClientCache;

/// Ranges listed at most (a fragmented map after many reshards would be a wall of rows).
const MAX_ROWS: usize = 16;

#[derive(Properties, PartialEq)]
pub struct ClientPanelProps {
    /// `None` until a `client` step made the client.
    pub cache: Option<Rc<ClientCache>>,
}

#[function_component]
pub fn ClientPanel(props: &ClientPanelProps) -> Html {
    let lang = use_lang();
    let body = match &props.cache {
        None => html! { <p class="hint">{ lang.t(Msg::ClientNone) }</p> },
        Some(c) => {
            let name =
                |n: &Option<String>| n.clone().unwrap_or_else(|| lang.t(Msg::Unknown).into());
            // Stale ranges first: they are what the panel is about.
            let mut rows: Vec<_> = c.rows.iter().collect();
            sorted::sort_by_key(&mut rows, |r| !r.stale);
            let hidden = rows.len().saturating_sub(MAX_ROWS);
            html! {
                <>
                    <p data-testid="client-counters">
                        { fill(lang.t(Msg::ClientCounters), &[&c.moved.to_string(), &c.ask.to_string(), &c.refreshes.to_string(), &c.completed.to_string()]) }
                    </p>
                    <p class={classes!("client-health", (c.stale_slots > 0).then_some("stale"))} data-testid="client-stale">
                        { if c.stale_slots > 0 { fill(lang.t(Msg::ClientStale), &[&c.stale_slots.to_string()]) } else { lang.t(Msg::ClientFresh).to_string() } }
                    </p>
                    <div class="table-scroll">
                        <table class="client-cache" data-testid="client-cache">
                            <thead><tr>
                                <th scope="col">{ lang.t(Msg::ColSlots) }</th>
                                <th scope="col">{ lang.t(Msg::ColClient) }</th>
                                <th scope="col">{ lang.t(Msg::ColCluster) }</th>
                            </tr></thead>
                            <tbody>
                                { for rows.iter().take(MAX_ROWS).map(|r| html! {
                                    <tr class={classes!(r.stale.then_some("stale"))}>
                                        <td>{ if r.first == r.last { r.first.to_string() } else { format!("{}–{}", r.first, r.last) } }</td>
                                        <td>{ name(&r.cached) }</td>
                                        <td>{ name(&r.real) }</td>
                                    </tr>
                                }) }
                            </tbody>
                        </table>
                    </div>
                    if hidden > 0 {
                        <p class="hint">{ fill(lang.t(Msg::MoreRanges), &[&hidden.to_string()]) }</p>
                    }
                </>
            }
        }
    };
    html! {
        <section class="panel client-panel" aria-labelledby="client-panel-title" data-testid="client-panel">
            <h2 id="client-panel-title">{ lang.t(Msg::ClientTitle) }<small>{ lang.t(Msg::ClientSub) }</small></h2>
            { body }
        </section>
    }
}
