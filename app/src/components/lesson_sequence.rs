//! A lesson's sequence diagram with a stepper: Previous / Next walk the state changes and the
//! messages that carry a decision, the selected one is circled on the diagram and told in a
//! sentence (the playground's diagram only follows the clock).

use std::rc::Rc;

use yew::prelude::*;

use super::SequenceDiagram;
use crate::i18n::{fill, use_lang, Msg};
use crate::view_model::wire::{step_to, SeqPick, SeqStop};
use crate::view_model::Sequence;

#[derive(Properties, PartialEq)]
pub struct LessonSequenceProps {
    pub seq: Rc<Sequence>,
    /// What the stepper walks, oldest first (`view_model::wire::seq_stops`).
    pub stops: Rc<Vec<SeqStop>>,
}

#[function_component]
pub fn LessonSequence(props: &LessonSequenceProps) -> Html {
    let lang = use_lang();
    let selected = use_state(|| None::<SeqPick>);
    // A selection that slid out of the window is forgotten.
    let here = selected.and_then(|p| props.stops.iter().position(|s| s.pick == p));
    let step = |forward: bool| {
        let (selected, stops) = (selected.clone(), props.stops.clone());
        Callback::from(move |_: MouseEvent| {
            selected.set(step_to(&stops, *selected, forward).or(*selected))
        })
    };
    let n = props.stops.len();
    html! {
        <section class="panel lesson-sequence" data-testid="lesson-sequence">
            <SequenceDiagram seq={props.seq.clone()} selected={here.map(|i| props.stops[i].pick)} />
            <div class="stepper" role="group" aria-label={lang.t(Msg::SequenceTitle)}>
                <button data-testid="seq-prev" disabled={n == 0 || here == Some(0)} onclick={step(false)}>
                    { "◀ " }{ lang.t(Msg::SeqPrev) }
                </button>
                <span class="stop-count" data-testid="seq-count">
                    { here.map(|i| fill(lang.t(Msg::SeqStopOf), &[&(i + 1).to_string(), &n.to_string()])).unwrap_or_default() }
                </span>
                <button data-testid="seq-next" disabled={n == 0 || here == Some(n.saturating_sub(1))} onclick={step(true)}>
                    { lang.t(Msg::SeqNext) }{ " ▶" }
                </button>
            </div>
            <p class="hint stop-text" aria-live="polite" data-testid="seq-selected">
                { here.map(|i| props.stops[i].text.clone()).unwrap_or_else(|| lang.t(Msg::SeqHelp).to_string()) }
            </p>
        </section>
    }
}
