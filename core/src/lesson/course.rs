//! The course, embedded at compile time so the web app reads no files.
//! `include_str!` makes cargo rebuild when a lesson file changes, and
//! `trunk serve` watches `lessons/`, so saving a lesson reloads the page.
//! A new lesson folder must be added here too (`tests/lessons/main.rs` checks).

/// One lesson's folder name and texts.
#[derive(Clone, Copy, Debug)]
pub struct CourseFile {
    /// `01-why-shard`: also the name to report errors under.
    pub dir: &'static str,
    /// The English lesson text (`lesson.md`).
    pub en: &'static str,
    /// The French lesson text (`lesson.fr.md`).
    pub fr: &'static str,
}

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

macro_rules! lesson {
    ($dir:literal) => {
        CourseFile {
            dir: $dir,
            en: include_str!(concat!("../../../lessons/", $dir, "/lesson.md")),
            fr: include_str!(concat!("../../../lessons/", $dir, "/lesson.fr.md")),
        }
    };
}

/// Every lesson, in course order.
pub const COURSE: &[CourseFile] = &[
    lesson!("01-why-shard"),
    lesson!("02-hash-slots"),
    lesson!("03-hash-tags"),
    lesson!("04-slot-map"),
    lesson!("05-cluster-bus"),
    lesson!("06-gossip-convergence"),
    lesson!("07-failure-detection"),
    lesson!("08-failover"),
    lesson!("09-clients-moved"),
    lesson!("10-adding-a-node"),
    lesson!("11-consistency"),
    lesson!("12-cluster-limits"),
    lesson!("13-operations"),
    lesson!("14-sandbox"),
    lesson!("15-replica-migration"),
];
