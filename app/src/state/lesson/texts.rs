//! The course's lesson texts, which the page does not carry in its wasm: the browser fetches
//! `lessons/DIR/lesson.md` and `lesson.fr.md` (trunk copies `lessons/` into dist) the first
//! time a visitor opens the lesson picker or a lesson link (`hooks::lesson_texts`), and
//! installs them here. Native tests read the course the core embeds (its `course` feature).

use std::cell::RefCell;
use std::rc::Rc;

use crate::i18n::Lang;

/// One lesson's two texts, as in its folder.
#[derive(Clone, Debug, PartialEq)]
pub struct LessonText {
    pub en: String,
    pub fr: String,
}

thread_local! {
    /// Every lesson's texts in course order (`COURSE_DIRS`), once loaded.
    static TEXTS: RefCell<Option<Rc<[LessonText]>>> = RefCell::new(embedded());
}

/// The page starts without texts.
#[cfg(not(test))]
fn embedded() -> Option<Rc<[LessonText]>> {
    None
}

/// Tests start with the course the core embeds.
#[cfg(test)]
fn embedded() -> Option<Rc<[LessonText]>> {
    Some(
        clusterlab_core::lesson::COURSE
            .iter()
            .map(|f| LessonText {
                en: f.en.to_string(),
                fr: f.fr.to_string(),
            })
            .collect(),
    )
}

/// Whether the texts are here.
pub fn ready() -> bool {
    TEXTS.with(|t| t.borrow().is_some())
}

/// Installs the fetched texts (every lesson of `COURSE_DIRS`, in order).
pub fn install(texts: Vec<LessonText>) {
    TEXTS.with(|t| *t.borrow_mut() = Some(texts.into()));
}

/// Forgets them, as a page that has not fetched them yet (tests of the loading line).
#[cfg(test)]
pub fn forget() {
    TEXTS.with(|t| *t.borrow_mut() = None);
}

/// `f` applied to lesson `index`'s text in `lang`, or `None` when not loaded (or no such
/// lesson).
pub fn with_text<R>(index: usize, lang: Lang, f: impl FnOnce(&str) -> R) -> Option<R> {
    let texts = TEXTS.with(|t| t.borrow().clone())?;
    let text = texts.get(index)?;
    Some(f(match lang {
        Lang::Fr => &text.fr,
        Lang::En => &text.en,
    }))
}
