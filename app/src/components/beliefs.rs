//! What one node believes: its own CLUSTER NODES (and where it differs from the truth), its
//! failure-report ledger with the "k of N masters" meter, and its election.

use std::rc::Rc;

use yew::prelude::*;

use crate::i18n::{fill, use_lang, Msg};

use crate::state::Action;
use crate::view_model::explain::EventRef;
use crate::view_model::{format_ms, Beliefs, LogLine, Picture};

use super::use_dispatch;

#[derive(Properties, PartialEq)]
pub struct BeliefsProps {
    pub beliefs: Option<Rc<Beliefs>>,
    pub picture: Rc<Picture>,
    /// The node's latest decisions, each a link to why it made it.
    #[prop_or_default]
    pub events: Rc<Vec<LogLine>>,
}

#[function_component]
pub fn BeliefsPanel(props: &BeliefsProps) -> Html {
    let lang = use_lang();
    let dispatch = use_dispatch();
    let Some(b) = props.beliefs.as_deref() else {
        return html! {
            <section class="panel beliefs" aria-labelledby="beliefs-title">
                <h2 id="beliefs-title">{ lang.t(Msg::BeliefsTitle) }</h2>
                <p class="hint">{ lang.t(Msg::BeliefsHint) }</p>
            </section>
        };
    };
    let ms = |v: Option<u64>| v.map_or("-".to_string(), |v| format_ms(v, lang));
    html! {
        <section class="panel beliefs" aria-labelledby="beliefs-title" data-testid="beliefs">
            <h2 id="beliefs-title">{ fill(lang.t(Msg::BeliefsOf), &[&b.name]) }</h2>
            <p class="epochs">
                { format!("currentEpoch {} · configEpoch {} · lastVoteEpoch {} · cluster_state:{}",
                    b.current_epoch, b.my_epoch, b.last_vote_epoch, if b.state_ok { "ok" } else { "fail" }) }
            </p>
            <div class="table-wrap">
                <table class="belief-table">
                    <caption class="visually-hidden">{ fill(lang.t(Msg::NodeTableOf), &[&b.name]) }</caption>
                    <thead><tr>
                        { for [Msg::NodeCol, Msg::ColFlags, Msg::ColMaster, Msg::ColPingSent,
                               Msg::ColPongAge, Msg::ColEpoch, Msg::ColLink, Msg::ColSlots]
                            .map(|m| html! { <th scope="col">{ lang.t(m) }</th> }) }
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
                                    <td>{ lang.t(if r.link { Msg::Connected } else { Msg::Disconnected }) }</td>
                                    <td>{ &r.slots }</td>
                                </tr>
                                if wrong {
                                    <tr class="differs-note"><td colspan="8">{ fill(lang.t(Msg::DiffersFromTruth), &[&r.differs.join("; ")]) }</td></tr>
                                }
                                </>
                            }
                        }) }
                    </tbody>
                </table>
            </div>
            <details>
                <summary>{ fill(lang.t(Msg::ClusterNodesOn), &[&b.name]) }</summary>
                <pre class="cluster-nodes" data-testid="cluster-nodes">{ &b.cluster_nodes }</pre>
                <p class="hint">{ lang.t(Msg::PingTimes) }</p>
            </details>
            <h3>{ lang.t(Msg::FailureReports) }</h3>
            if b.ledger.is_empty() {
                <p class="hint">{ fill(lang.t(Msg::SuspectsNobody), &[&b.name, &format_ms(b.node_timeout, lang)]) }</p>
            } else {
                <ul class="ledger" data-testid="ledger">
                    { for b.ledger.iter().map(|l| {
                        let pct = (l.count as f64 / l.needed.max(1) as f64 * 100.0).min(100.0);
                        html! {
                            <li>
                                <div class="ledger-head">
                                    <strong>{ &l.about }</strong>
                                    { if l.flag == "-" { lang.t(Msg::NotSuspected).to_string() } else { fill(lang.t(Msg::Flagged), &[&l.flag]) } }
                                    <span class="meter-label">{ fill(lang.t(Msg::OfMastersNeeded), &[&l.count.to_string(), &l.needed.to_string()]) }</span>
                                </div>
                                <div class="meter" role="meter" aria-valuemin="0" aria-valuemax={l.needed.to_string()}
                                    aria-valuenow={l.count.to_string()} aria-label={fill(lang.t(Msg::ReportsAbout), &[&l.about])}>
                                    <div class="meter-fill" style={format!("width:{pct:.0}%")}></div>
                                </div>
                                <p class="verdict">{ &l.verdict }</p>
                                if !l.reports.is_empty() {
                                    <ul class="reports">
                                        { for l.reports.iter().map(|(who, age, left)| html! {
                                            <li>{ fill(lang.t(Msg::ReportFrom), &[who, &format_ms(*age, lang), &format_ms(*left, lang)]) }</li>
                                        }) }
                                    </ul>
                                }
                            </li>
                        }
                    }) }
                </ul>
            }
            <h3>{ lang.t(Msg::Election) }</h3>
            { match &b.election {
                None => html! { <p class="hint">{ lang.t(Msg::NoElection) }</p> },
                Some(e) => html! {
                    <dl class="election" data-testid="election">
                        <dt>{ lang.t(Msg::Rank) }</dt><dd>{ e.rank }{ lang.t(Msg::RankNote) }</dd>
                        <dt>{ lang.t(Msg::VoteRequest) }</dt><dd>{ if e.sent { lang.t(Msg::Sent).to_string() } else { fill(lang.t(Msg::InTime), &[&format_ms(e.starts_in, lang)]) } }</dd>
                        <dt>{ "epoch" }</dt><dd>{ e.epoch }</dd>
                        <dt>{ "votes" }</dt><dd>{ fill(lang.t(Msg::OfNeeded), &[&e.votes.to_string(), &e.needed.to_string()]) }</dd>
                        if e.manual { <dt>{ lang.t(Msg::ElectionKind) }</dt><dd>{ lang.t(Msg::ManualFailover) }</dd> }
                    </dl>
                },
            } }
            if !props.events.is_empty() {
                <h3>{ fill(lang.t(Msg::WhyRecent), &[&b.name]) }</h3>
                <ul class="node-events" data-testid="node-events">
                    { for props.events.iter().map(|l| {
                        let at = EventRef { index: l.index, t: l.t, node: l.node };
                        let dispatch = dispatch.clone();
                        let onclick = Callback::from(move |_: MouseEvent| dispatch.dispatch(Action::Explain(Some(at))));
                        html! {
                            <li class={l.event}><button class="log-event" data-testid="node-event" title={lang.t(Msg::WhyExplain)} {onclick}>{ &l.text }</button></li>
                        }
                    }) }
                </ul>
            }
            if !b.votes.is_empty() {
                <p class="votes">{ lang.t(Msg::VotedFor) }
                    { b.votes.iter().map(|(who, ago)| fill(lang.t(Msg::Ago), &[who, &format_ms(*ago, lang)])).collect::<Vec<_>>().join(", ") }
                </p>
            }
        </section>
    }
}
