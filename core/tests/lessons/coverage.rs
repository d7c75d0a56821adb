//! Every concept of the course chapter is taught: `lessons/README.md`'s
//! `## Chapter coverage` table maps each section of the chapter
//! (`shared/notes/course-chapter-11.1.fr.md`, beside the clone) to the lesson
//! blocks (objectives, quizzes, scenarios) that teach it.

use super::{repo_root, report};
use clusterlab_core::lesson::{parse, Lesson, COURSE};

const SECTION: &str = "## Chapter coverage";

/// One row: the chapter's section title, the lesson folder, the block ids.
#[derive(Debug, PartialEq)]
struct Row {
    line: usize,
    section: String,
    lesson: String,
    blocks: Vec<String>,
}

/// The rows of the coverage table, or why there is none.
fn rows(readme: &str) -> Result<Vec<Row>, String> {
    let lines: Vec<&str> = readme.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.trim() == SECTION)
        .ok_or_else(|| format!("lessons/README.md:1: no `{SECTION}` section"))?;
    let cells = |l: &str| -> Vec<String> {
        l.trim()
            .trim_matches('|')
            .split('|')
            .map(|c| c.trim().trim_matches('`').trim().to_string())
            .collect()
    };
    let mut out = Vec::new();
    for (i, l) in lines.iter().enumerate().skip(start + 1) {
        if l.starts_with("## ") {
            break;
        }
        if !l.trim_start().starts_with('|') {
            continue;
        }
        let c = cells(l);
        if c.iter().all(|c| c.chars().all(|ch| ch == '-' || ch == ':')) || c[0] == "chapter section"
        {
            continue;
        }
        let [section, lesson, blocks] = c.as_slice() else {
            return Err(format!(
                "lessons/README.md:{}: a coverage row has 3 cells: | chapter section | lesson | blocks |",
                i + 1
            ));
        };
        out.push(Row {
            line: i + 1,
            section: section.clone(),
            lesson: lesson.clone(),
            blocks: blocks
                .split([',', ' '])
                .map(|b| b.trim().trim_matches('`').to_string())
                .filter(|b| !b.is_empty())
                .collect(),
        });
    }
    Ok(out)
}

/// The `##`/`###` headings of the chapter, as the table must name them.
fn chapter_sections(chapter: &str) -> Vec<String> {
    chapter
        .lines()
        .filter_map(|l| l.strip_prefix("### ").or_else(|| l.strip_prefix("## ")))
        .map(|t| t.trim().to_string())
        .collect()
}

/// What is wrong with the table: a lesson or a block that does not exist, a
/// row that names no block, a section of the chapter without a row.
fn coverage_problems(
    readme: &str,
    lessons: &[(&str, Lesson)],
    chapter: Option<&str>,
) -> Vec<String> {
    let rows = match rows(readme) {
        Ok(r) => r,
        Err(e) => return vec![e],
    };
    let mut out = Vec::new();
    if rows.is_empty() {
        out.push(format!("lessons/README.md: `{SECTION}` has no rows"));
    }
    for r in &rows {
        let at = format!("lessons/README.md:{}", r.line);
        let Some((_, lesson)) = lessons.iter().find(|(dir, _)| *dir == r.lesson) else {
            out.push(format!("{at}: there is no lesson folder `{}`", r.lesson));
            continue;
        };
        if r.blocks.is_empty() {
            out.push(format!(
                "{at}: `{}` names no block of `{}`",
                r.section, r.lesson
            ));
        }
        for b in r.blocks.iter().filter(|b| lesson.block(b).is_none()) {
            out.push(format!("{at}: `{}` has no block `{b}`", r.lesson));
        }
    }
    for s in chapter.map(chapter_sections).unwrap_or_default() {
        if !rows.iter().any(|r| r.section == s) {
            out.push(format!(
                "lessons/README.md: the chapter's section `{s}` has no row in `{SECTION}`"
            ));
        }
    }
    out
}

/// The chapter beside the clone (`../shared/notes/`), or beside a parent
/// folder (a worktree); `None` where it is not available.
fn chapter_text() -> Option<String> {
    let root = repo_root().canonicalize().ok()?;
    root.ancestors()
        .skip(1)
        .map(|d| d.join("shared/notes/course-chapter-11.1.fr.md"))
        .find_map(|p| std::fs::read_to_string(p).ok())
}

#[test]
fn the_coverage_table_points_at_existing_lesson_blocks() {
    let readme =
        std::fs::read_to_string(repo_root().join("lessons/README.md")).expect("lessons/README.md");
    let lessons: Vec<(&str, Lesson)> = COURSE
        .iter()
        .map(|c| (c.dir, parse(c.dir, c.en).unwrap_or_else(|e| panic!("{e}"))))
        .collect();
    report(
        "chapter coverage",
        coverage_problems(&readme, &lessons, chapter_text().as_deref()),
    );
}

#[test]
fn a_bad_coverage_row_is_reported() {
    let lesson = parse(
        "t",
        "---\nid: t\ntitle: T\norder: 1\nseed: 1\n---\n```quiz q\nWho?\n+ A\n```\n",
    )
    .expect("valid");
    let lessons = [("01-t", lesson)];
    let readme = "# Lessons\n## Chapter coverage\n\n| chapter section | lesson | blocks |\n|---|---|---|\n| Intro | `01-t` | `q` |\n| Gossip | `01-t` | `q`, `nope` |\n| Votes | `09-x` | `q` |\n| Empty | `01-t` | |\n## Next\n| not | a | row |\n";
    let chapter = "# Title\n## Intro\n### Gossip\n### Missing one\n";
    assert_eq!(
        coverage_problems(readme, &lessons, Some(chapter)),
        [
            "lessons/README.md:7: `01-t` has no block `nope`",
            "lessons/README.md:8: there is no lesson folder `09-x`",
            "lessons/README.md:9: `Empty` names no block of `01-t`",
            "lessons/README.md: the chapter's section `Missing one` has no row in `## Chapter coverage`",
        ]
    );
    assert_eq!(
        coverage_problems("# Lessons\n", &lessons, None),
        ["lessons/README.md:1: no `## Chapter coverage` section"]
    );
}
