//! The "why?" panel: for the event the learner selected (in the log, the sequence diagram or
//! a node's recent events), the Redis rule that produced it, the numbers that decided it, and
//! its causes as links that select the earlier event — a causal chain to walk back to the fault.

use std::rc::Rc;

use yew::prelude::*;

use crate::i18n::{fill, use_lang, Msg};
use crate::state::Action;
use crate::view_model::explain::Explanation;

use super::use_dispatch;

#[derive(Properties, PartialEq)]
pub struct ExplainProps {
    /// `None`: nothing selected (or the selection left the trace after a jump back).
    pub explanation: Option<Rc<Explanation>>,
}

#[function_component]
pub fn ExplainPanel(props: &ExplainProps) -> Html {
    let lang = use_lang();
    let dispatch = use_dispatch();
    let Some(x) = props.explanation.as_deref() else {
        return html! {
            <section class="panel explain" aria-labelledby="explain-title" data-testid="explain-empty">
                <h2 id="explain-title">{ lang.t(Msg::WhyTitle) }</h2>
                <p class="hint">{ lang.t(Msg::WhyHint) }</p>
            </section>
        };
    };
    let close = {
        let dispatch = dispatch.clone();
        Callback::from(move |_: MouseEvent| dispatch.dispatch(Action::Explain(None)))
    };
    html! {
        <section class="panel explain" aria-labelledby="explain-title" data-testid="explain" aria-live="polite">
            <h2 id="explain-title">{ lang.t(Msg::WhyTitle) }</h2>
            <p class="explain-event" data-testid="explain-event">{ &x.title }</p>
            <p class="explain-rule" data-testid="explain-rule">
                { match x.rule {
                    Some(rule) => html! { <>{ lang.t(Msg::WhyRule) }{ " " }<code>{ rule }</code></> },
                    None => html! { { lang.t(Msg::WhyNoRule) } },
                } }
            </p>
            if !x.facts.is_empty() {
                <ul class="explain-facts" data-testid="explain-facts">
                    { for x.facts.iter().map(|f| html! { <li>{ f }</li> }) }
                </ul>
            }
            <h3>{ lang.t(Msg::WhyCauses) }</h3>
            if x.causes.is_empty() {
                <p class="hint" data-testid="explain-no-cause">{ lang.t(Msg::WhyNoCause) }</p>
            } else {
                <ul class="explain-causes" data-testid="explain-causes">
                    { for x.causes.iter().map(|c| match c.target {
                        Some(target) => {
                            let dispatch = dispatch.clone();
                            let onclick = Callback::from(move |_: MouseEvent| dispatch.dispatch(Action::Explain(Some(target))));
                            html! {
                                <li><button class="link" data-testid="explain-cause" {onclick}
                                    title={lang.t(Msg::WhyFollow)}>{ &c.text }</button></li>
                            }
                        }
                        None => html! { <li data-testid="explain-fault">{ fill(lang.t(Msg::WhyRootFault), &[&c.text]) }</li> },
                    }) }
                </ul>
            }
            <button data-testid="explain-close" onclick={close}>{ lang.t(Msg::WhyClose) }</button>
        </section>
    }
}
