//! The cluster view: nodes with their names, roles, epochs and slots; links; network cuts;
//! the console's last hops; and, on a canvas on top, the messages in flight.
//!
//! PFAIL and FAIL never rely on colour alone: PFAIL is a dashed ring and a `fail?` badge,
//! FAIL a thick ring, a cross and a `FAIL` badge.

use std::rc::Rc;

use clusterlab_core::sim::Status;
use web_sys::KeyboardEvent;
use yew::prelude::*;

use crate::i18n::{fill, use_lang, Lang, Msg};

use super::message_layer::MessageLayer;
use super::use_dispatch;
use crate::state::Action;
use crate::view_model::{ranges_text, Glyph, NodeCard, Picture, Suspicion, VIEW_H, VIEW_W};

#[derive(Properties, PartialEq)]
pub struct ClusterViewProps {
    pub picture: Rc<Picture>,
    pub glyphs: Rc<Vec<Glyph>>,
    pub selected: Option<usize>,
    /// Nodes the console's last command visited, in order.
    pub hops: Vec<usize>,
    pub reduced_motion: bool,
}

#[function_component]
pub fn ClusterView(props: &ClusterViewProps) -> Html {
    let lang = use_lang();
    let p = &props.picture;
    let summary = fill(
        lang.t(Msg::ClusterSummary),
        &[
            &p.nodes.len().to_string(),
            &p.up_nodes.to_string(),
            &p.ok_nodes.to_string(),
            &p.uncovered().to_string(),
        ],
    );
    html! {
        <div class="cluster-view">
            <svg viewBox={format!("0 0 {VIEW_W} {VIEW_H}")} role="group"
                class={classes!(p.layout.compact.then_some("compact"))}
                aria-label="Cluster nodes" data-testid="cluster-view">
                <title>{ lang.t(Msg::ClusterViewTitle) }</title>
                <desc>{ summary }</desc>
                <defs>
                    <marker id="hop-arrow" viewBox="0 0 10 10" refX="9" refY="5"
                        markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                        <path d="M0,0 L10,5 L0,10 z" class="hop-head" />
                    </marker>
                </defs>
                <Links picture={props.picture.clone()} />
                <Hops picture={props.picture.clone()} hops={props.hops.clone()} />
                <NodeGlyphs picture={props.picture.clone()} selected={props.selected} />
            </svg>
            <MessageLayer glyphs={props.glyphs.clone()} reduced_motion={props.reduced_motion}
                radius={p.nodes.first().map_or(30.0, |n| n.r)} />
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct LinksProps {
    picture: Rc<Picture>,
}

/// Replication links (replica → master), the full mesh for small clusters, and cuts.
#[function_component]
fn Links(props: &LinksProps) -> Html {
    let p = &props.picture;
    let nodes = &p.nodes;
    let mut lines = Vec::new();
    if nodes.len() <= 12 {
        for a in 0..nodes.len() {
            for b in a + 1..nodes.len() {
                if p.cuts.contains(&(a, b)) {
                    continue;
                }
                let down = nodes[a].status == Status::Crashed || nodes[b].status == Status::Crashed;
                lines.push(line(
                    &nodes[a],
                    &nodes[b],
                    if down { "mesh down" } else { "mesh" },
                ));
            }
        }
    }
    for n in nodes {
        if let (false, Some(m)) = (n.is_master, n.master) {
            if let Some(master) = nodes.get(m) {
                lines.push(line(n, master, "replication"));
            }
        }
    }
    let cuts = p.cuts.iter().filter_map(|&(a, b)| {
        let (na, nb) = (nodes.get(a)?, nodes.get(b)?);
        let (mx, my) = ((na.x + nb.x) / 2.0, (na.y + nb.y) / 2.0);
        Some(html! {
            <g class="cut">
                <line x1={na.x.to_string()} y1={na.y.to_string()} x2={nb.x.to_string()} y2={nb.y.to_string()} />
                <text x={mx.to_string()} y={my.to_string()} text-anchor="middle" dominant-baseline="central">{ "✂" }</text>
            </g>
        })
    });
    html! {
        <g class="links" aria-hidden="true">
            { for lines }
            { for cuts }
        </g>
    }
}

fn line(a: &NodeCard, b: &NodeCard, class: &'static str) -> Html {
    html! {
        <line class={class} x1={a.x.to_string()} y1={a.y.to_string()}
            x2={b.x.to_string()} y2={b.y.to_string()} />
    }
}

#[derive(Properties, PartialEq)]
struct HopsProps {
    picture: Rc<Picture>,
    hops: Vec<usize>,
}

/// The console's last command: where it went first, and each redirection after.
#[function_component]
fn Hops(props: &HopsProps) -> Html {
    let nodes = &props.picture.nodes;
    let arrows = props.hops.windows(2).enumerate().filter_map(|(i, w)| {
        let (a, b) = (nodes.get(w[0])?, nodes.get(w[1])?);
        let (dx, dy) = (b.x - a.x, b.y - a.y);
        let len = (dx * dx + dy * dy).sqrt().max(1.0);
        let (ux, uy) = (dx / len, dy / len);
        let pad = a.r + 6.0;
        let (x1, y1) = (a.x + ux * pad, a.y + uy * pad);
        let (x2, y2) = (b.x - ux * pad, b.y - uy * pad);
        Some(html! {
            <g class="hop">
                <line x1={x1.to_string()} y1={y1.to_string()} x2={x2.to_string()} y2={y2.to_string()}
                    marker-end="url(#hop-arrow)" />
                <text x={((x1 + x2) / 2.0).to_string()} y={((y1 + y2) / 2.0 - 8.0).to_string()}
                    text-anchor="middle">{ format!("redirect {}", i + 1) }</text>
            </g>
        })
    });
    let first = props.hops.first().and_then(|&i| nodes.get(i)).map(|n| {
        html! {
            <text class="hop-start" x={n.x.to_string()} y={(n.y - n.r - 22.0).to_string()}
                text-anchor="middle">{ "console ⇣" }</text>
        }
    });
    html! { <g class="hops" aria-hidden="true">{ for first }{ for arrows }</g> }
}

#[derive(Properties, PartialEq)]
struct NodeGlyphsProps {
    picture: Rc<Picture>,
    selected: Option<usize>,
}

#[function_component]
fn NodeGlyphs(props: &NodeGlyphsProps) -> Html {
    let dispatch = use_dispatch();
    let lang = use_lang();
    let nodes = &props.picture.nodes;
    let labels = props.picture.layout.labels();
    let compact = props.picture.layout.compact;
    html! {
        <g class="nodes">
            { for nodes.iter().map(|n| {
                let select = {
                    let dispatch = dispatch.clone();
                    let idx = n.idx;
                    Callback::from(move |_: MouseEvent| dispatch.dispatch(Action::Select(Some(idx))))
                };
                let on_key = {
                    let dispatch = dispatch.clone();
                    let idx = n.idx;
                    Callback::from(move |e: KeyboardEvent| {
                        if e.key() == "Enter" || e.key() == " " {
                            e.prevent_default();
                            dispatch.dispatch(Action::Select(Some(idx)));
                        }
                    })
                };
                node_glyph(n, nodes, props.selected == Some(n.idx), (labels, compact), select, on_key, lang)
            }) }
        </g>
    }
}

fn node_glyph(
    n: &NodeCard,
    nodes: &[NodeCard],
    selected: bool,
    (labels, compact): (bool, bool),
    onclick: Callback<MouseEvent>,
    onkeydown: Callback<KeyboardEvent>,
    lang: Lang,
) -> Html {
    let role = n.role_text(nodes, lang);
    let suspicion = n.suspicion();
    let (flag, flag_class) = match suspicion {
        Suspicion::None => ("none", ""),
        Suspicion::Pfail => ("pfail", "pfail"),
        Suspicion::Fail => ("fail", "fail"),
    };
    let status = match n.status {
        Status::Up => "up",
        Status::Crashed => "crashed",
        Status::Paused => "paused",
    };
    let asleep = n.asleep_until.is_some();
    let label = format!(
        "{}, {}, {}, configEpoch {}, slots {}, {}",
        n.name,
        n.addr,
        role,
        n.config_epoch,
        ranges_text(&n.slots, 4),
        n.state_text(lang)
    );
    let r = n.r;
    let class = classes!(
        "node",
        if n.is_master { "master" } else { "replica" },
        status,
        asleep.then_some("asleep"),
        flag_class,
        selected.then_some("selected"),
        (!n.born_master && n.is_master).then_some("promoted"),
        n.just_promoted.then_some("just-promoted"),
    );
    let shape = if n.is_master {
        html! { <circle class="body" r={r.to_string()} fill={n.fill.clone()} /> }
    } else {
        let s = r * 1.7;
        html! { <rect class="body" x={(-s / 2.0).to_string()} y={(-s / 2.0).to_string()}
        width={s.to_string()} height={s.to_string()} rx={(r * 0.3).to_string()} fill={n.fill.clone()} /> }
    };
    let ring = match suspicion {
        Suspicion::None => html! {},
        Suspicion::Pfail => html! { <circle class="ring pfail" r={(r + 7.0).to_string()} /> },
        Suspicion::Fail => html! {
            <g class="ring fail">
                <circle r={(r + 7.0).to_string()} />
                <line x1={(-r * 0.7).to_string()} y1={(-r * 0.7).to_string()} x2={(r * 0.7).to_string()} y2={(r * 0.7).to_string()} />
                <line x1={(-r * 0.7).to_string()} y1={(r * 0.7).to_string()} x2={(r * 0.7).to_string()} y2={(-r * 0.7).to_string()} />
            </g>
        },
    };
    let badge = match suspicion {
        Suspicion::None => None,
        Suspicion::Pfail => Some((
            format!("fail? {}/{}", n.pfail_by, n.observers),
            "badge pfail",
        )),
        Suspicion::Fail => Some((format!("FAIL {}/{}", n.fail_by, n.observers), "badge fail")),
    };
    // Labels sit on the outer side: below the node, or above it for nodes at the top (then the
    // badge and the status go below).
    let (label_y1, label_y2, mark_y, badge_y) = match (n.label_above, compact) {
        (_, true) => (0.0, 0.0, r + 30.0, -r - 26.0),
        (true, false) => (-r - 26.0, -r - 10.0, r + 22.0, r + 40.0),
        (false, false) => (r + 20.0, r + 36.0, -r - 12.0, -r - 36.0),
    };
    let status_mark = match n.status {
        Status::Up if asleep => {
            html! { <text class="status-mark" y={mark_y.to_string()} text-anchor="middle">{ lang.t(Msg::MarkAsleep) }</text> }
        }
        Status::Up => html! {},
        Status::Crashed => {
            html! { <text class="status-mark" y={mark_y.to_string()} text-anchor="middle">{ lang.t(Msg::MarkCrashed) }</text> }
        }
        Status::Paused => {
            html! { <text class="status-mark" y={mark_y.to_string()} text-anchor="middle">{ lang.t(Msg::MarkPaused) }</text> }
        }
    };
    let role_line = n.role_line(nodes, lang);
    html! {
        <g class={class} transform={format!("translate({:.1},{:.1})", n.x, n.y)}
            data-testid={format!("node-{}", n.name)} data-role={if n.is_master { "master" } else { "replica" }}
            data-status={status} data-asleep={asleep.to_string()} data-flag={flag} data-epoch={n.config_epoch.to_string()}
            tabindex="0" role="button" aria-pressed={selected.to_string()} aria-label={label.clone()}
            {onclick} {onkeydown}>
            <title>{ label }</title>
            if selected {
                <circle class="selection" r={(r + 13.0).to_string()} />
            }
            if n.just_promoted {
                <circle class="pulse" r={(r + 4.0).to_string()} />
            }
            { shape }
            { ring }
            <text class="name" text-anchor="middle" dominant-baseline="central" fill={n.ink}
                style={format!("font-size:{:.1}px", (r * 0.6).clamp(6.0, 34.0))}>{ &n.name }</text>
            if labels {
                <text class="role" y={label_y1.to_string()} text-anchor="middle">{ role_line }</text>
                <text class="slots" y={label_y2.to_string()} text-anchor="middle">{ ranges_text(&n.slots, 2) }</text>
            }
            if let Some((text, class)) = badge {
                <g class={class} transform={format!("translate(0,{badge_y:.1}) scale({})", if compact { 1.7 } else { 1.0 })}>
                    <rect x="-44" y="-11" width="88" height="22" rx="11" />
                    <text text-anchor="middle" dominant-baseline="central">{ text }</text>
                </g>
            }
            { status_mark }
            if n.just_promoted {
                <text class="promoted-mark" y={mark_y.to_string()} text-anchor="middle">{ "★ promoted" }</text>
            }
        </g>
    }
}
