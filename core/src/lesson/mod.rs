//! Lessons: markdown files with front matter and fenced blocks that the app
//! plays and the tests replay (`lessons/README.md` documents the format).
//!
//! The engine is pure (no IO, no clock): the host reads the file, calls
//! [`parse`], then drives a [`Session`] — which owns the simulator — step by
//! step, asking it how the objectives stand. The same code runs in the web
//! app (wasm) and in `tests/lessons/main.rs`, so what CI checks is what learners get.

mod blocks;
mod cli;
mod course;
mod format;
#[cfg(feature = "course")]
pub mod french;
mod front;
mod predicate;
mod runner;
mod step;
mod terms;

pub use cli::CLI_COMMANDS;
pub use course::COURSE_DIRS;
#[cfg(feature = "course")]
pub use course::{CourseFile, COURSE};
pub use format::{
    parse, Block, BlockKind, Expect, Lesson, Objective, Part, Qualifier, Quiz, RedisLine, Slide,
};
pub use front::{Meta, Topology};
pub use predicate::{Predicate, Seen, Value as PredValue};
pub use runner::{ObjectiveStatus, RunError, Session, WIRE_KEPT_MS};
pub use step::{Step, StepAction, VERBS};

use std::fmt;

/// What is wrong with a lesson file, and where: `lessons/03/lesson.md:12: …`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LessonError {
    /// The file it was read from.
    pub file: String,
    /// 1-based line in the file.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for LessonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

impl std::error::Error for LessonError {}

/// An error without its file yet: the parsers below the file level only know
/// the line; [`parse`] adds the file name.
pub(crate) type LineError = (usize, String);
