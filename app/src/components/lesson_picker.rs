//! The course menu: every lesson in order with its progress mark, and progress export
//! (text to copy, or a file to download) and import (pasted text or a file).

use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::use_dispatch;
use crate::i18n::{fill, use_lang, Msg};
use crate::state::lesson::{LessonAction, PickerRow};
use crate::state::Action;

#[derive(Properties, PartialEq)]
pub struct LessonPickerProps {
    pub rows: Vec<PickerRow>,
    /// The lesson texts' progress line while they load (text, is an error); `rows` is empty.
    pub loading: Option<(String, bool)>,
    /// The lesson open now, if any.
    pub open: Option<usize>,
    /// The progress export text.
    pub export: String,
    /// The last import's outcome: (text, is an error).
    pub message: Option<(String, bool)>,
}

#[function_component]
pub fn LessonPicker(props: &LessonPickerProps) -> Html {
    let dispatch = use_dispatch();
    let lang = use_lang();
    let import_text = use_node_ref();
    // Keyboard users land in the list: on the open lesson, else the first one.
    let list = use_node_ref();
    {
        let list = list.clone();
        // Once the rows are there (the lesson texts load on first opening).
        use_effect_with(props.rows.is_empty(), move |_| {
            let el = list.cast::<web_sys::Element>();
            let button = el.and_then(|l| {
                l.query_selector(".current button")
                    .ok()
                    .flatten()
                    .or_else(|| l.query_selector("button").ok().flatten())
            });
            if let Some(b) = button.and_then(|b| b.dyn_into::<web_sys::HtmlElement>().ok()) {
                let _ = b.focus();
            }
        });
    }
    let lesson = |a: LessonAction| {
        let d = dispatch.clone();
        Callback::from(move |_: MouseEvent| d.dispatch(Action::Lesson(a.clone())))
    };
    let on_import = {
        let (dispatch, import_text) = (dispatch.clone(), import_text.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(area) = import_text.cast::<HtmlTextAreaElement>() {
                dispatch.dispatch(Action::Lesson(LessonAction::Import(area.value())));
            }
        })
    };
    let on_file = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let Some(file) = input.files().and_then(|f| f.get(0)) else {
                return;
            };
            let dispatch = dispatch.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let text = wasm_bindgen_futures::JsFuture::from(file.text()).await;
                let text = text
                    .ok()
                    .and_then(|v| v.dyn_into::<js_sys::JsString>().ok())
                    .map(String::from)
                    .unwrap_or_default();
                dispatch.dispatch(Action::Lesson(LessonAction::Import(text)));
            });
        })
    };
    let href = format!(
        "data:application/json;charset=utf-8,{}",
        String::from(js_sys::encode_uri_component(&props.export))
    );
    html! {
        <section class="panel picker" role="dialog" aria-modal="false" aria-labelledby="picker-title" data-testid="picker">
            <h2 id="picker-title">{ lang.t(Msg::LessonsTitle) }</h2>
            if let Some(line) = props.loading.clone() {
                <TextsLine line={line} />
            }
            <ol class="course" ref={list}>
                { for props.rows.iter().map(|r| {
                    let (mark, label) = match r.mark {
                        Some(true) => ("✓", lang.t(Msg::MarkDone)),
                        Some(false) => ("◐", lang.t(Msg::MarkStarted)),
                        None => ("○", lang.t(Msg::MarkNew)),
                    };
                    html! {
                        <li class={classes!((props.open == Some(r.index)).then_some("current"))}>
                            <button class="lesson-link" data-testid={format!("open-lesson-{}", r.index + 1)}
                                data-mark={label} aria-current={(props.open == Some(r.index)).then_some("page")}
                                aria-label={format!("{}. {} ({label})", r.order, r.title)}
                                onclick={lesson(LessonAction::Open { index: r.index, at: 0 })}>
                                <span class="mark" aria-hidden="true">{ mark }</span>
                                <span class="order">{ format!("{}.", r.order) }</span>
                                <span class="title">{ r.title.clone() }</span>
                            </button>
                            if r.mark == Some(false) && r.reached > 0 {
                                <button class="continue" data-testid={format!("continue-lesson-{}", r.index + 1)}
                                    onclick={lesson(LessonAction::Open { index: r.index, at: r.reached })}>
                                    { fill(lang.t(Msg::Continue), &[&(r.reached + 1).to_string()]) }
                                </button>
                            }
                            if let Some(e) = &r.error {
                                <p class="error">{ e.clone() }</p>
                            }
                        </li>
                    }
                }) }
            </ol>
            <details class="transfer">
                <summary data-testid="progress-export-toggle">{ lang.t(Msg::Export) }</summary>
                <p class="hint">{ lang.t(Msg::ExportHelp) }</p>
                <textarea data-testid="progress-export" readonly=true rows="6" aria-label={lang.t(Msg::Export)}
                    value={props.export.clone()} />
                <a href={href} download="clusterlab-progress.json" data-testid="progress-download">{ lang.t(Msg::Download) }</a>
            </details>
            <details class="transfer">
                <summary data-testid="progress-import-toggle">{ lang.t(Msg::Import) }</summary>
                <p class="hint">{ lang.t(Msg::ImportHelp) }</p>
                <textarea data-testid="progress-import" rows="6" ref={import_text} aria-label={lang.t(Msg::Import)} />
                <div class="row">
                    <button data-testid="progress-import-button" onclick={on_import}>{ lang.t(Msg::ImportButton) }</button>
                    <label>{ lang.t(Msg::ImportFile) }{ " " }<input type="file" accept=".json,application/json" onchange={on_file} /></label>
                </div>
            </details>
            if let Some((text, bad)) = &props.message {
                <p class={classes!("course-message", bad.then_some("error"))} role="status" data-testid="course-message">{ text.clone() }</p>
            }
            <button data-testid="picker-close" onclick={lesson(LessonAction::ClosePicker)}>{ lang.t(Msg::Close) }</button>
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct TextsLineProps {
    /// The line, and whether it says the fetch failed.
    pub line: (String, bool),
}

/// The lesson texts' progress line (`Loading lesson texts… 40 %`), or why they did not load.
#[function_component]
pub fn TextsLine(props: &TextsLineProps) -> Html {
    let (text, bad) = props.line.clone();
    html! {
        <p class={classes!("texts-line", bad.then_some("error"))} role="status" aria-live="polite"
            data-testid="lesson-texts-loading">{ text }</p>
    }
}
