//! The course: its lesson folders in order ([`COURSE_DIRS`]) and, with the
//! `course` feature, their texts embedded at compile time ([`COURSE`]).
//!
//! The web app builds without the feature: trunk copies `lessons/` next to
//! the page and the app fetches a lesson's texts when a visitor first asks
//! for one, so they do not weigh on the first load (docs/architecture.md,
//! "How the page loads"). Native hosts (the tests, benches, the CLI) embed
//! them; `include_str!` makes cargo rebuild when a lesson file changes.
//! A new lesson folder must be added here too (`tests/lessons/main.rs` checks).

/// Defines [`COURSE_DIRS`] and, with the `course` feature, [`COURSE`] from
/// one list, so the two cannot disagree.
macro_rules! course {
    ($($dir:literal),* $(,)?) => {
        /// Every lesson folder under `lessons/`, in course order: what the
        /// app fetches (`lessons/DIR/lesson.md`, `lessons/DIR/lesson.fr.md`).
        pub const COURSE_DIRS: &[&str] = &[$($dir),*];

        /// Every lesson with its texts, in course order.
        #[cfg(feature = "course")]
        pub const COURSE: &[CourseFile] = &[$(CourseFile {
            dir: $dir,
            en: include_str!(concat!("../../../lessons/", $dir, "/lesson.md")),
            fr: include_str!(concat!("../../../lessons/", $dir, "/lesson.fr.md")),
        }),*];
    };
}

course![
    "01-why-shard",
    "02-hash-slots",
    "03-hash-tags",
    "04-slot-map",
    "05-cluster-bus",
    "06-gossip-convergence",
    "07-failure-detection",
    "08-failover",
    "09-clients-moved",
    "10-adding-a-node",
    "11-consistency",
    "12-cluster-limits",
    "13-operations",
    "14-sandbox",
    "15-replica-migration",
];

/// One lesson's folder name and texts.
#[cfg(feature = "course")]
#[derive(Clone, Copy, Debug)]
pub struct CourseFile {
    /// `01-why-shard`: also the name to report errors under.
    pub dir: &'static str,
    /// The English lesson text (`lesson.md`).
    pub en: &'static str,
    /// The French lesson text (`lesson.fr.md`).
    pub fr: &'static str,
}

#[cfg(feature = "course")]
impl CourseFile {
    /// The text in `lang` (`"fr"`, else English).
    pub fn text(&self, lang: &str) -> &'static str {
        if lang == "fr" {
            self.fr
        } else {
            self.en
        }
    }
}
