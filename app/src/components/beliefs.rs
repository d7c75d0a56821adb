//! What one node believes: its own CLUSTER NODES (and where it differs from the truth), its
//! failure-report ledger with the "k of N masters" meter, and its election.

use std::rc::Rc;

use yew::prelude::*;

use crate::view_model::{format_ms, Beliefs, Picture};

#[derive(Properties, PartialEq)]
pub struct BeliefsProps {
    pub beliefs: Option<Rc<Beliefs>>,
    pub picture: Rc<Picture>,
}

#[function_component]
pub fn BeliefsPanel(props: &BeliefsProps) -> Html {
    let Some(b) = props.beliefs.as_deref() else {
        return html! {
            <section class="panel beliefs" aria-labelledby="beliefs-title">
                <h2 id="beliefs-title">{ "Node beliefs" }</h2>
                <p class="hint">{ "Select a node to see the cluster as it sees it: every node has its own, sometimes wrong, picture." }</p>
            </section>
        };
    };
    let ms = |v: Option<u64>| v.map_or("-".to_string(), format_ms);
    html! {
        <section class="panel beliefs" aria-labelledby="beliefs-title" data-testid="beliefs">
            <h2 id="beliefs-title">{ format!("What {} believes", b.name) }</h2>
            <p class="epochs">
                { format!("currentEpoch {} · configEpoch {} · lastVoteEpoch {} · cluster_state:{}",
                    b.current_epoch, b.my_epoch, b.last_vote_epoch, if b.state_ok { "ok" } else { "fail" }) }
            </p>
            <div class="table-wrap">
                <table class="belief-table">
                    <caption class="visually-hidden">{ format!("The node table of {}", b.name) }</caption>
                    <thead><tr>
                        <th scope="col">{ "node" }</th><th scope="col">{ "flags" }</th>
                        <th scope="col">{ "master" }</th><th scope="col">{ "ping sent" }</th>
                        <th scope="col">{ "pong age" }</th><th scope="col">{ "epoch" }</th>
                        <th scope="col">{ "link" }</th><th scope="col">{ "slots" }</th>
                    </tr></thead>
                    <tbody>
                        { for b.rows.iter().map(|r| {
                            let wrong = !r.differs.is_empty();
                            html! {
                                <>
                                <tr class={classes!(wrong.then_some("differs"))}>
                                    <th scope="row">{ &r.name }</th>
                                    <td class={classes!("flags", r.flags.contains("fail").then_some("failing"))}>{ &r.flags }</td>
                                    <td>{ &r.master }</td>
                                    <td>{ ms(r.ping_wait) }</td>
                                    <td>{ ms(r.pong_age) }</td>
                                    <td>{ r.epoch }</td>
                                    <td>{ if r.link { "connected" } else { "disconnected" } }</td>
                                    <td>{ &r.slots }</td>
                                </tr>
                                if wrong {
                                    <tr class="differs-note"><td colspan="8">{ format!("≠ truth: {}", r.differs.join("; ")) }</td></tr>
                                }
                                </>
                            }
                        }) }
                    </tbody>
                </table>
            </div>
            <details>
                <summary>{ format!("CLUSTER NODES on {}", b.name) }</summary>
                <pre class="cluster-nodes" data-testid="cluster-nodes">{ &b.cluster_nodes }</pre>
                <p class="hint">{ "Ping and pong times are simulated ms here (Redis prints unix ms)." }</p>
            </details>
            <h3>{ "Failure reports" }</h3>
            if b.ledger.is_empty() {
                <p class="hint">{ format!("{} suspects nobody. A node is flagged fail? after no PONG for node_timeout ({}).",
                    b.name, format_ms(b.node_timeout)) }</p>
            } else {
                <ul class="ledger" data-testid="ledger">
                    { for b.ledger.iter().map(|l| {
                        let pct = (l.count as f64 / l.needed.max(1) as f64 * 100.0).min(100.0);
                        html! {
                            <li>
                                <div class="ledger-head">
                                    <strong>{ &l.about }</strong>
                                    { if l.flag == "-" { " not suspected here · ".to_string() } else { format!(" flagged {} · ", l.flag) } }
                                    <span class="meter-label">{ format!("{} of {} masters needed", l.count, l.needed) }</span>
                                </div>
                                <div class="meter" role="meter" aria-valuemin="0" aria-valuemax={l.needed.to_string()}
                                    aria-valuenow={l.count.to_string()} aria-label={format!("failure reports about {}", l.about)}>
                                    <div class="meter-fill" style={format!("width:{pct:.0}%")}></div>
                                </div>
                                <p class="verdict">{ &l.verdict }</p>
                                if !l.reports.is_empty() {
                                    <ul class="reports">
                                        { for l.reports.iter().map(|(who, age, left)| html! {
                                            <li>{ format!("report from {who}, {} old, expires in {}", format_ms(*age), format_ms(*left)) }</li>
                                        }) }
                                    </ul>
                                }
                            </li>
                        }
                    }) }
                </ul>
            }
            <h3>{ "Election" }</h3>
            { match &b.election {
                None => html! { <p class="hint">{ "No election: only a replica whose master is FAIL runs one." }</p> },
                Some(e) => html! {
                    <dl class="election" data-testid="election">
                        <dt>{ "rank" }</dt><dd>{ e.rank }{ " (0 = most up-to-date replica, goes first)" }</dd>
                        <dt>{ "vote request" }</dt><dd>{ if e.sent { "sent".to_string() } else { format!("in {}", format_ms(e.starts_in)) } }</dd>
                        <dt>{ "epoch" }</dt><dd>{ e.epoch }</dd>
                        <dt>{ "votes" }</dt><dd>{ format!("{} of {} needed", e.votes, e.needed) }</dd>
                        if e.manual { <dt>{ "kind" }</dt><dd>{ "manual failover" }</dd> }
                    </dl>
                },
            } }
            if !b.votes.is_empty() {
                <p class="votes">{ "Voted for a replica of: " }
                    { b.votes.iter().map(|(who, ago)| format!("{who} ({} ago)", format_ms(*ago))).collect::<Vec<_>>().join(", ") }
                </p>
            }
        </section>
    }
}
