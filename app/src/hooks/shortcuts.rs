//! Keyboard shortcuts for the whole page. They are off while a text field, a select or a
//! button has focus (typing `+` in the console must not speed up the simulation), and never
//! fire with Ctrl, Alt or Meta held (the browser's own shortcuts win).

use gloo_events::EventListener;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, KeyboardEvent};
use yew::prelude::*;

use crate::i18n::Msg;
use crate::state::lesson::LessonAction;
use crate::state::Dispatch;
use crate::state::{Action, NodeFault};

/// The shortcuts, for the help sheet: key and what it does. In a lesson, → and ← are its
/// Forward and Back, and the node keys act on the lesson's cluster (within its `allow` list).
pub const SHORTCUTS: [(&str, Msg); 12] = [
    ("Space", Msg::KeyPlay),
    ("→", Msg::KeyStep),
    ("←", Msg::KeyBack),
    ("+ / −", Msg::KeySpeed),
    ("Tab, Enter", Msg::KeySelect),
    ("x", Msg::KeyCrash),
    ("r", Msg::KeyRestart),
    ("z", Msg::KeyPause),
    ("i", Msg::KeyIsolate),
    ("h", Msg::KeyHeal),
    ("/", Msg::KeyConsole),
    ("?", Msg::KeyHelp),
];

/// Listens for shortcut keys on the window while the component is mounted.
#[hook]
pub fn use_shortcuts(dispatch: Dispatch, console_input: NodeRef) {
    use_effect_with((), move |_| {
        let listener = web_sys::window().map(|window| {
            EventListener::new(&window, "keydown", move |event| {
                let Some(event) = event.dyn_ref::<KeyboardEvent>() else {
                    return;
                };
                if event.ctrl_key() || event.alt_key() || event.meta_key() {
                    return;
                }
                let key = event.key();
                if key == "Escape" {
                    dispatch.dispatch(Action::CloseHelp);
                    dispatch.dispatch(Action::Lesson(LessonAction::ClosePicker));
                    return;
                }
                if focused_control_uses(event, &key) {
                    return;
                }
                let action = match key.as_str() {
                    " " => Action::TogglePlay,
                    "ArrowRight" => Action::Step,
                    "ArrowLeft" => Action::StepBack,
                    "+" | "=" => Action::Faster,
                    "-" | "_" => Action::Slower,
                    "?" => Action::ToggleHelp,
                    "x" => Action::OnSelected(NodeFault::Crash),
                    "r" => Action::OnSelected(NodeFault::Restart),
                    "z" => Action::OnSelected(NodeFault::TogglePause),
                    "i" => Action::OnSelected(NodeFault::Isolate),
                    "h" => Action::Sim(crate::state::replay::SimAction::Heal),
                    "/" => {
                        if let Some(input) = console_input.cast::<HtmlElement>() {
                            let _ = input.focus();
                        }
                        event.prevent_default();
                        return;
                    }
                    _ => return,
                };
                event.prevent_default();
                dispatch.dispatch(action);
            })
        });
        move || drop(listener)
    });
}

/// Whether the focused element handles `key` itself: text fields and selects take every key,
/// sliders their arrows, checkboxes and buttons Space and Enter.
fn focused_control_uses(event: &KeyboardEvent, key: &str) -> bool {
    let Some(target) = event
        .target()
        .and_then(|t| t.dyn_into::<HtmlElement>().ok())
    else {
        return false;
    };
    if target.is_content_editable() {
        return true;
    }
    let activates = key == " " || key == "Enter";
    match target.tag_name().as_str() {
        "TEXTAREA" | "SELECT" => true,
        "INPUT" => match target.get_attribute("type").as_deref() {
            Some("range") => key.starts_with("Arrow") || activates,
            Some("checkbox") | Some("radio") | Some("button") => activates,
            _ => true,
        },
        "BUTTON" | "SUMMARY" | "A" => activates,
        _ => activates && target.get_attribute("role").as_deref() == Some("button"),
    }
}
