//! The "why?" panel: for the event the learner selected (in the log, the sequence diagram or
//! a node's recent events), the Redis rule that produced it, the numbers that decided it, and
//! its causes as links that select the earlier event — a causal chain to walk back to the fault.
//! The same panel explains an imported trace's events, its links staying in that trace.

use std::rc::Rc;

use yew::prelude::*;

use crate::i18n::{fill, use_lang, Msg};
use crate::state::Action;
use crate::view_model::explain::{EventRef, Explanation};

use super::use_dispatch;

#[derive(Properties, PartialEq)]
pub struct ExplainProps {
    /// `None`: nothing selected (or the selection left the trace after a jump back).
    pub explanation: Option<Rc<Explanation>>,
    /// Selects another event (a cause) or none (close). Default: the playground's selection.
    #[prop_or_default]
    pub on_select: Option<Callback<Option<EventRef>>>,
    /// The heading's element ID, unique on the page (the import panel has its own).
    #[prop_or(AttrValue::Static("explain-title"))]
    pub heading: AttrValue,
}

#[function_component]
pub fn ExplainPanel(props: &ExplainProps) -> Html {
    let lang = use_lang();
    let dispatch = use_dispatch();
    let select = props.on_select.clone().unwrap_or_else(|| {
        Callback::from(move |at: Option<EventRef>| dispatch.dispatch(Action::Explain(at)))
    });
    let heading = props.heading.clone();
    let Some(x) = props.explanation.as_deref() else {
        return html! {
            <section class="panel explain" aria-labelledby={heading.clone()} data-testid="explain-empty">
                <h2 id={heading.clone()}>{ lang.t(Msg::WhyTitle) }</h2>
                <p class="hint">{ lang.t(Msg::WhyHint) }</p>
            </section>
        };
    };
    let close = {
        let select = select.clone();
        Callback::from(move |_: MouseEvent| select.emit(None))
    };
    html! {
        <section class="panel explain" aria-labelledby={heading.clone()} data-testid="explain" aria-live="polite">
            <h2 id={heading.clone()}>{ lang.t(Msg::WhyTitle) }</h2>
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
                            let select = select.clone();
                            let onclick = Callback::from(move |_: MouseEvent| select.emit(Some(target)));
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
