//! The console: a redis-cli prompt connected to one simulated node. Replies print as
//! redis-cli prints them; `-c` follows MOVED/ASK and the cluster view draws each hop. Common
//! commands are one tap away (phones make free typing hard).

use std::rc::Rc;

use web_sys::{HtmlElement, HtmlInputElement, HtmlSelectElement, KeyboardEvent};
use yew::prelude::*;

use crate::i18n::{use_lang, Msg};

use super::use_dispatch;
use crate::state::console::{Console, ConsoleAction, LineKind, PALETTE};
use crate::state::Action;
use crate::view_model::Picture;

#[derive(Properties, PartialEq)]
pub struct ConsoleProps {
    pub console: Rc<Console>,
    pub prompt: String,
    pub picture: Rc<Picture>,
    pub input_ref: NodeRef,
}

#[function_component]
pub fn ConsolePanel(props: &ConsoleProps) -> Html {
    let lang = use_lang();
    let dispatch = use_dispatch();
    let output = use_node_ref();
    {
        let output = output.clone();
        use_effect_with(props.console.lines.len(), move |_| {
            if let Some(el) = output.cast::<HtmlElement>() {
                el.set_scroll_top(el.scroll_height());
            }
        });
    }
    let send = |a: ConsoleAction| Action::Console(a);
    let oninput = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            dispatch.dispatch(send(ConsoleAction::SetDraft(input.value())));
        })
    };
    let onkeydown = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: KeyboardEvent| {
            let action = match e.key().as_str() {
                "Enter" => ConsoleAction::Submit,
                "ArrowUp" => ConsoleAction::HistoryPrev,
                "ArrowDown" => ConsoleAction::HistoryNext,
                _ => return,
            };
            e.prevent_default();
            dispatch.dispatch(send(action));
        })
    };
    let on_target = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            if let Ok(i) = select.value().parse::<usize>() {
                dispatch.dispatch(send(ConsoleAction::SetTarget(i)));
            }
        })
    };
    let on_follow = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            dispatch.dispatch(send(ConsoleAction::SetFollow(input.checked())));
        })
    };
    let c = &props.console;
    html! {
        <section class="panel console" aria-labelledby="console-title">
            <h2 id="console-title">{ lang.t(Msg::Console) }<small>{ lang.t(Msg::ConsoleSub) }</small></h2>
            <div class="console-options">
                <label>
                    <span>{ lang.t(Msg::ConnectedTo) }</span>
                    <select data-testid="console-node" onchange={on_target}>
                        { for props.picture.nodes.iter().map(|n| html! {
                            <option value={n.idx.to_string()} selected={n.idx == c.target}>
                                { format!("{} ({})", n.name, n.addr) }
                            </option>
                        }) }
                    </select>
                </label>
                <label class="check">
                    <input type="checkbox" data-testid="console-follow" checked={c.follow} onchange={on_follow} />
                    <span><code>{ "-c" }</code>{ lang.t(Msg::FollowRedirections) }</span>
                </label>
                <button onclick={let d = dispatch.clone(); Callback::from(move |_| d.dispatch(send(ConsoleAction::Clear)))}>{ lang.t(Msg::Clear) }</button>
            </div>
            <pre class="console-output" data-testid="console-output" ref={output}
                role="log" aria-live="polite" aria-label={lang.t(Msg::ConsoleOutput)} tabindex="0">
                { for c.lines.iter().map(|l| {
                    let class = match l.kind {
                        LineKind::Input => "in",
                        LineKind::Reply => "out",
                        LineKind::Redirect => "redirect",
                        LineKind::Note => "note",
                    };
                    html! { <div class={class}>{ &l.text }</div> }
                }) }
            </pre>
            <div class="console-input">
                <label for="console-input" class="prompt">{ &props.prompt }</label>
                <input id="console-input" data-testid="console-input" type="text" ref={props.input_ref.clone()}
                    spellcheck="false" autocomplete="off" autocapitalize="off" enterkeyhint="send"
                    value={c.draft.clone()} {oninput} {onkeydown} />
            </div>
            if let Some(hint) = &c.hint {
                <div class="console-hint" data-testid="console-hint" title={lang.t(Msg::ArgumentsToType)}>
                    <code>{ hint }</code>
                </div>
            }
            <div class="palette" role="group" aria-label={lang.t(Msg::CommonCommands)}>
                { for PALETTE.iter().map(|&cmd| {
                    let d = dispatch.clone();
                    let run = Callback::from(move |_| {
                        d.dispatch(send(ConsoleAction::SetDraft(cmd.to_string())));
                        d.dispatch(send(ConsoleAction::Submit));
                    });
                    html! { <button class="chip" onclick={run}>{ cmd }</button> }
                }) }
            </div>
        </section>
    }
}
