//! The learner's progress through the course: for each lesson (by its front-matter `id`), how
//! far they went and whether they finished it. Kept in localStorage by the page, and exported
//! and imported as a small JSON text so it can move to another browser.
//!
//! Importing merges (the furthest point and "done" win), so a wrong or older file never loses
//! anything; a text that is not an export is refused with what is wrong.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::i18n::{Msg, Note};

/// Written in every export, so an unrelated JSON file is recognised as such.
const FORMAT: &str = "clusterlab-progress";
const VERSION: u32 = 1;

/// One lesson's mark.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mark {
    /// The furthest position reached (slides and scenario steps, from 0).
    pub reached: usize,
    /// Every objective met (or, for a lesson without objectives, its end reached).
    pub done: bool,
}

/// Marks by lesson id.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    pub lessons: BTreeMap<String, Mark>,
}

#[derive(Serialize, Deserialize)]
struct File {
    format: String,
    version: u32,
    lessons: BTreeMap<String, Mark>,
}

impl Progress {
    pub fn mark(&self, id: &str) -> Mark {
        self.lessons.get(id).copied().unwrap_or_default()
    }

    /// Records that `id` reached `position` (and is `done`); returns whether that is news.
    pub fn record(&mut self, id: &str, position: usize, done: bool) -> bool {
        let mark = self.lessons.entry(id.to_string()).or_default();
        let before = *mark;
        mark.reached = mark.reached.max(position);
        mark.done |= done;
        *mark != before
    }

    /// Adds what `other` knows; nothing already recorded is lost.
    pub fn merge(&mut self, other: &Progress) {
        for (id, m) in &other.lessons {
            self.record(id, m.reached, m.done);
        }
    }

    pub fn to_json(&self) -> String {
        let file = File {
            format: FORMAT.into(),
            version: VERSION,
            lessons: self.lessons.clone(),
        };
        serde_json::to_string_pretty(&file).expect("plain data serialises")
    }

    /// Reads an export; the error says what is wrong in plain words.
    pub fn from_json(text: &str) -> Result<Progress, Note> {
        let text = text.trim();
        if text.is_empty() {
            return Err(Note::new(Msg::ProgressEmpty, &[]));
        }
        let value: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| Note::new(Msg::ErrNotJson, &[&e.to_string()]))?;
        if value.get("format").and_then(|f| f.as_str()) != Some(FORMAT) {
            return Err(Note::new(Msg::ProgressNoFormat, &[FORMAT]));
        }
        let file: File = serde_json::from_value(value)
            .map_err(|e| Note::new(Msg::ProgressContent, &[&e.to_string()]))?;
        if file.version > VERSION {
            return Err(Note::new(
                Msg::ProgressNewer,
                &[&file.version.to_string(), &VERSION.to_string()],
            ));
        }
        Ok(Progress {
            lessons: file.lessons,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn export_then_import_gives_the_same_progress() {
        let mut p = Progress::default();
        assert!(p.record("failover", 3, false));
        assert!(p.record("hash-slots", 5, true));
        assert!(!p.record("failover", 2, false), "going back is not news");
        let back = Progress::from_json(&p.to_json()).expect("own export reads back");
        assert_eq!(back, p);
        assert_eq!(back.mark("failover").reached, 3);
    }

    #[test]
    fn bad_imports_say_why() {
        let e = Progress::from_json("{ nope").unwrap_err().text(Lang::En);
        assert!(e.starts_with("not JSON ("), "{e}");
        let e = Progress::from_json("{\"a\": 1}")
            .unwrap_err()
            .text(Lang::En);
        assert!(e.contains("format"), "{e}");
        let e = Progress::from_json(
            "{\"format\":\"clusterlab-progress\",\"version\":1,\"lessons\":{\"x\":{\"reached\":\"far\"}}}",
        )
        .unwrap_err()
        .text(Lang::En);
        assert!(e.starts_with("unexpected content"), "{e}");
        let e = Progress::from_json("").unwrap_err();
        assert_eq!(e.text(Lang::En), "the text is empty");
        assert_eq!(e.text(Lang::Fr), "le texte est vide");
    }

    #[test]
    fn merging_keeps_the_furthest_and_done() {
        let mut here = Progress::default();
        here.record("a", 4, false);
        let mut there = Progress::default();
        there.record("a", 2, true);
        there.record("b", 1, false);
        here.merge(&there);
        assert_eq!(
            here.mark("a"),
            Mark {
                reached: 4,
                done: true
            }
        );
        assert_eq!(
            here.mark("b"),
            Mark {
                reached: 1,
                done: false
            }
        );
    }
}
