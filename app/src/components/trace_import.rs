//! Compare a real run: import a trace that native nodes wrote with `--trace FILE` (a file
//! input, drag and drop, or pasted text), read it with the core's strict reader, simulate the
//! same cluster with the same node timeout and the same master killed, and show both runs on
//! one time axis from the kill, with the key moments side by side. Below, the imported run's
//! events in words, each with a "Why?" that opens the explanation panel on that file's events.

use std::rc::Rc;

use clusterlab_core::sim::Names;
use clusterlab_core::trace_file::{compare, parse_trace, Comparison, TraceLine};
use wasm_bindgen_futures::JsFuture;
use web_sys::{DragEvent, File, HtmlInputElement, HtmlTextAreaElement};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::i18n::{fill, use_lang, Lang, Msg};
use crate::view_model::errors::error_text;
use crate::view_model::explain::{explanation, EventRef};
use crate::view_model::log_lines;
use crate::view_model::source::ImportedRun;

use super::ExplainPanel;
use crate::view_model::trace_compare::{rows, seconds, timeline, HEIGHT, WIDTH};

/// Bigger files are refused: a minute-long failover of a few nodes is tens of kilobytes.
const MAX_BYTES: f64 = 20.0 * 1024.0 * 1024.0;
/// The imported events listed (the last ones): a failover's few hundred fit.
const MAX_EVENTS: usize = 2000;

/// What was imported last: its name and lines (kept to simulate again with another seed).
#[derive(Clone, PartialEq)]
struct Imported {
    name: String,
    lines: Rc<Vec<TraceLine>>,
}

/// An error about file `name`, in the learner's language (the core words it in English).
fn file_error(name: &str, error: &str, lang: Lang) -> String {
    fill(lang.t(Msg::FileError), &[name, &error_text(error, lang)])
}

#[function_component]
pub fn TraceImport() -> Html {
    let lang = use_lang();
    let imported = use_state(|| None::<Imported>);
    let outcome = use_state(|| None::<Result<Rc<Comparison>, Vec<String>>>);
    let seed = use_state(|| 1u64);
    let dragging = use_state(|| false);
    // The file read back into events, to explain them (or why it could not be).
    let events = use_state(|| None::<Result<Rc<ImportedRun>, String>>);
    let explained = use_state(|| None::<EventRef>);
    let paste = use_node_ref();

    let run = {
        let (imported, outcome) = (imported.clone(), outcome.clone());
        Callback::from(
            move |(name, lines, seed): (String, Rc<Vec<TraceLine>>, u64)| {
                outcome.set(Some(
                    compare(&lines, seed)
                        .map(Rc::new)
                        .map_err(|e| vec![file_error(&name, &e, lang)]),
                ));
                imported.set(Some(Imported { name, lines }));
            },
        )
    };
    // A file's or the paste box's text, or why it could not be read.
    let load = {
        let (outcome, run, seed) = (outcome.clone(), run.clone(), seed.clone());
        let (events, explained) = (events.clone(), explained.clone());
        Callback::from(move |(name, text): (String, Result<String, String>)| {
            explained.set(None);
            let parsed = text.map_err(|e| vec![e]).and_then(|t| {
                parse_trace(&t).map_err(|errs| {
                    errs.iter()
                        .map(|e| file_error(&name, &e.to_string(), lang))
                        .collect()
                })
            });
            match parsed {
                Ok(lines) => {
                    events.set(Some(ImportedRun::read(&lines).map(Rc::new).map_err(|e| {
                        fill(
                            lang.t(Msg::TraceEventsError),
                            &[&name, &error_text(&e, lang)],
                        )
                    })));
                    run.emit((name, Rc::new(lines), *seed));
                }
                Err(errors) => {
                    events.set(None);
                    outcome.set(Some(Err(errors)));
                }
            }
        })
    };
    let on_file = {
        let load = load.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Some(file) = input.files().and_then(|f| f.get(0)) {
                read_file(file, load.clone(), lang);
            }
        })
    };
    let on_drop = {
        let (load, dragging) = (load.clone(), dragging.clone());
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            dragging.set(false);
            if let Some(file) = e
                .data_transfer()
                .and_then(|d| d.files())
                .and_then(|f| f.get(0))
            {
                read_file(file, load.clone(), lang);
            }
        })
    };
    let on_drag_over = {
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            dragging.set(true);
        })
    };
    let on_drag_leave = {
        let dragging = dragging.clone();
        Callback::from(move |_: DragEvent| dragging.set(false))
    };
    let on_paste = {
        let (load, paste) = (load.clone(), paste.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(area) = paste.cast::<HtmlTextAreaElement>() {
                load.emit((lang.t(Msg::PastedText).into(), Ok(area.value())));
            }
        })
    };
    let on_seed = {
        let (seed, imported, run) = (seed.clone(), imported.clone(), run.clone());
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Ok(s) = input.value().parse::<u64>() {
                seed.set(s);
                if let Some(i) = (*imported).clone() {
                    run.emit((i.name, i.lines, s));
                }
            }
        })
    };

    html! {
        <section class="panel trace-import" aria-labelledby="trace-import-title">
            <h2 id="trace-import-title" data-testid="trace-import-title">{ lang.t(Msg::TraceTitle) }<small>{ lang.t(Msg::TraceSub) }</small></h2>
            <p class="plot-what">
                { lang.t(Msg::TraceIntro) }<code>{ "--trace FILE" }</code>{ lang.t(Msg::TraceIntroEnd) }
            </p>
            <div class={classes!("drop-zone", dragging.then_some("dragging"))} data-testid="trace-drop"
                ondragover={on_drag_over} ondragleave={on_drag_leave} ondrop={on_drop}>
                <label>{ lang.t(Msg::TraceFile) }
                    <input type="file" accept=".jsonl,.json,.txt,.log" data-testid="trace-file" onchange={on_file} />
                </label>
                <span>{ lang.t(Msg::TraceDrop) }</span>
            </div>
            <details>
                <summary data-testid="trace-paste-summary">{ lang.t(Msg::TracePaste) }</summary>
                <textarea ref={paste} rows="4" data-testid="trace-paste" aria-label={lang.t(Msg::TraceLines)}
                    placeholder={r#"{"t_ms":15012,"node":"B","event":"pfail","about":"A"}"#} />
                <button data-testid="trace-paste-go" onclick={on_paste}>{ lang.t(Msg::TracePasteGo) }</button>
            </details>
            <label>{ lang.t(Msg::TraceSeed) }
                <input type="number" min="0" value={seed.to_string()} onchange={on_seed}
                    data-testid="trace-seed" aria-label={lang.t(Msg::TraceSeed).trim()} />
            </label>
            { match &*outcome {
                None => html! {},
                Some(Err(errors)) => html! {
                    <ul class="trace-error" role="alert" data-testid="trace-errors">
                        { for errors.iter().map(|e| html! { <li>{ e }</li> }) }
                    </ul>
                },
                Some(Ok(c)) => comparison_view(imported.as_ref().map_or("", |i| i.name.as_str()), c, lang),
            } }
            { match &*events {
                None => html! {},
                Some(Err(e)) => html! { <p class="trace-error" role="alert" data-testid="trace-events-error">{ e }</p> },
                Some(Ok(run)) => events_view(run, explained, lang),
            } }
        </section>
    }
}

/// The imported run's events as the playground's log words them, each with its "Why?", and
/// the explanation of the one selected (its cause links select within the same file).
fn events_view(run: &ImportedRun, explained: UseStateHandle<Option<EventRef>>, lang: Lang) -> Html {
    let shown = (*explained)
        .and_then(|at| explanation(run, at, lang))
        .map(Rc::new);
    let on_select = {
        let explained = explained.clone();
        Callback::from(move |at: Option<EventRef>| explained.set(at))
    };
    html! {
        <div class="trace-why" data-testid="trace-why">
            <h3>{ lang.t(Msg::TraceEventsTitle) }</h3>
            <p class="hint">{ lang.t(Msg::TraceEventsHint) }</p>
            <ol class="event-log" data-testid="trace-events" tabindex="0" aria-label={lang.t(Msg::TraceEventsTitle)}>
                { for log_lines(run, MAX_EVENTS, false, lang).into_iter().map(|l| {
                    let at = EventRef { index: l.index, t: l.t, node: l.node };
                    let current = *explained == Some(at);
                    let onclick = {
                        let explained = explained.clone();
                        Callback::from(move |_: MouseEvent| explained.set(Some(at)))
                    };
                    html! {
                        <li class={classes!(l.event, current.then_some("explained"))} data-testid="trace-event" data-event={l.event} data-node={run.node_name(l.node)}>
                            <span>{ &l.text }</span>{ " " }
                            <button class="link" data-testid="trace-event-why" aria-pressed={current.to_string()}
                                title={lang.t(Msg::WhyExplain)} {onclick}>{ lang.t(Msg::WhyButton) }</button>
                        </li>
                    }
                }) }
            </ol>
            if shown.is_some() {
                <ExplainPanel explanation={shown} {on_select} heading="trace-explain-title" />
            }
        </div>
    }
}

/// Reads a picked or dropped file as text, then hands it to `load`.
fn read_file(file: File, load: Callback<(String, Result<String, String>)>, lang: Lang) {
    let name = file.name();
    if file.size() > MAX_BYTES {
        load.emit((name.clone(), Err(fill(lang.t(Msg::TraceTooBig), &[&name]))));
        return;
    }
    spawn_local(async move {
        let text = JsFuture::from(file.text())
            .await
            .ok()
            .and_then(|v| v.as_string())
            .ok_or_else(|| fill(lang.t(Msg::TraceUnreadable), &[&name]));
        load.emit((name, text));
    });
}

fn comparison_view(name: &str, c: &Comparison, lang: Lang) -> Html {
    let t = &c.topology;
    let names = &t.names;
    let killed = &names[&t.killed];
    let id_note = if &t.killed == killed {
        String::new()
    } else {
        format!(" ({})", t.killed)
    };
    let g = timeline(c, lang);
    html! {
        <div class="trace-compare">
            <p data-testid="trace-summary">
                { fill(lang.t(Msg::TraceSummary), &[
                    name,
                    &t.masters.to_string(),
                    &t.replicas.to_string(),
                    &t.node_timeout.to_string(),
                    killed,
                    &id_note,
                    if t.fault_estimated { lang.t(Msg::TraceKillEstimated) } else { "" },
                    &c.seed.to_string(),
                ]) }
            </p>
            <svg class="trace-timeline" data-testid="trace-timeline" viewBox={format!("0 0 {WIDTH} {HEIGHT}")}
                role="img" aria-label={lang.t(Msg::TraceTimeline)}>
                <line class="axis" x1={g.left.to_string()} y1={g.axis_y.to_string()} x2={g.right.to_string()} y2={g.axis_y.to_string()} />
                { for g.ticks.iter().map(|(x, label)| html! {
                    <g class="tick">
                        <line x1={x.to_string()} y1={(g.axis_y).to_string()} x2={x.to_string()} y2={(g.axis_y + 4.0).to_string()} />
                        <text x={x.to_string()} y={(g.axis_y + 16.0).to_string()} text-anchor="middle">{ label }</text>
                    </g>
                }) }
                { for g.lanes.iter().map(|lane| html! {
                    <g class="lane" data-testid={format!("trace-lane-{}", lane.id)}>
                        <text x="4" y={(lane.y + 4.0).to_string()}>{ lane.label }</text>
                        <line class="lane-line" x1={g.left.to_string()} y1={lane.y.to_string()} x2={g.right.to_string()} y2={lane.y.to_string()} />
                        { for lane.marks.iter().map(|m| html! {
                            <g class={classes!("lane-mark", m.event.clone())} tabindex="0" aria-label={m.text.clone()}>
                                <title>{ &m.text }</title>
                                <line x1={m.x.to_string()} y1={(m.y - 10.0).to_string()} x2={m.x.to_string()} y2={(m.y + 10.0).to_string()} />
                            </g>
                        }) }
                    </g>
                }) }
            </svg>
            <ul class="trace-key" aria-hidden="true">
                { for [("kill", "kill"), ("pfail", "PFAIL"), ("fail", "FAIL"), ("votes", lang.t(Msg::KeyVotes)), ("promoted", lang.t(Msg::KeyPromoted))]
                    .into_iter()
                    .map(|(class, label)| html! { <li class={class}><span class="swatch"></span>{ label }</li> }) }
            </ul>
            <table data-testid="trace-moments">
                <caption>{ lang.t(Msg::AfterKill) }</caption>
                <thead><tr>
                    <th scope="col">{ lang.t(Msg::MomentCol) }</th><th scope="col">{ lang.t(Msg::Recorded) }</th>
                    <th scope="col">{ lang.t(Msg::Simulated) }</th><th scope="col">{ lang.t(Msg::SimMinusRec) }</th>
                </tr></thead>
                <tbody>
                    { for rows(c, lang).into_iter().map(|r| html! {
                        <tr>
                            <th scope="row">{ r.label }</th>
                            <td>{ r.recorded }</td><td>{ r.simulated }</td><td>{ r.difference }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
            <details>
                <summary>{ lang.t(Msg::BothRunsEvents) }</summary>
                <div class="trace-events">
                    { for g.lanes.iter().zip([&c.recorded_events, &c.simulated_events]).map(|(lane, events)| html! {
                        <ol aria-label={lane.label}>
                            <li><strong>{ lane.label }</strong></li>
                            { for events.iter().map(|m| html! {
                                <li>{ format!("{:>9}  {} {}{}", seconds(m.t, lang), m.node, m.event,
                                    m.about.as_deref().map(|a| format!(" {a}")).unwrap_or_default()) }</li>
                            }) }
                        </ol>
                    }) }
                </div>
            </details>
        </div>
    }
}
