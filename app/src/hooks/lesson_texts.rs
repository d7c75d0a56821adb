//! Fetching the course's lesson texts, which the wasm does not carry (`state::lesson::texts`):
//! every `lessons/DIR/lesson.md` and `lesson.fr.md` that trunk copied next to the page, all
//! requested at once, reported file by file for the page's progress line. `no-cache` makes the
//! browser revalidate, so a lesson saved under `trunk serve` is read fresh after the reload.

use clusterlab_core::lesson::COURSE_DIRS;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{RequestCache, RequestInit, Response};

use crate::components::Dispatch;
use crate::state::lesson::texts::{self, LessonText};
use crate::state::lesson::LessonAction;
use crate::state::Action;

/// Fetches every lesson text, installs them and tells the page (`TextsProgress`, then
/// `TextsLoaded`).
pub fn fetch_lesson_texts(dispatch: Dispatch) {
    wasm_bindgen_futures::spawn_local(async move {
        let result = fetch_all(&dispatch).await.map(texts::install);
        dispatch.dispatch(Action::Lesson(LessonAction::TextsLoaded(result)));
    });
}

async fn fetch_all(dispatch: &Dispatch) -> Result<Vec<LessonText>, String> {
    let window = web_sys::window().ok_or("no window")?;
    let urls: Vec<String> = COURSE_DIRS
        .iter()
        .flat_map(|dir| {
            [
                format!("lessons/{dir}/lesson.md"),
                format!("lessons/{dir}/lesson.fr.md"),
            ]
        })
        .collect();
    let total = urls.len();
    let progress = |done| {
        dispatch.dispatch(Action::Lesson(LessonAction::TextsProgress { done, total }));
    };
    progress(0);
    let init = RequestInit::new();
    init.set_cache(RequestCache::NoCache);
    // Every request leaves now; they are read in order.
    let pending: Vec<_> = urls
        .iter()
        .map(|url| JsFuture::from(window.fetch_with_str_and_init(url, &init)))
        .collect();
    let mut bodies = Vec::with_capacity(total);
    for (i, (url, request)) in urls.iter().zip(pending).enumerate() {
        bodies.push(read(url, request.await).await?);
        progress(i + 1);
    }
    let mut bodies = bodies.into_iter();
    Ok(COURSE_DIRS
        .iter()
        .filter_map(|_| {
            Some(LessonText {
                en: bodies.next()?,
                fr: bodies.next()?,
            })
        })
        .collect())
}

/// The text of one fetched file, or what went wrong (`lessons/…/lesson.md: HTTP 404`).
async fn read(url: &str, response: Result<JsValue, JsValue>) -> Result<String, String> {
    let failed = |e: JsValue| {
        format!(
            "{url}: {}",
            e.as_string().unwrap_or_else(|| format!("{e:?}"))
        )
    };
    let response: Response = response.map_err(failed)?.dyn_into().map_err(failed)?;
    if !response.ok() {
        return Err(format!("{url}: HTTP {}", response.status()));
    }
    let text = JsFuture::from(response.text().map_err(failed)?)
        .await
        .map_err(failed)?;
    text.as_string().ok_or_else(|| format!("{url}: not text"))
}
