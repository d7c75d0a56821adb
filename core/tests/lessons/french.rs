//! French as good as the English: every `lesson.fr.md` follows French
//! typography and the course glossary (`lessons/glossary.tsv`) in what the
//! learner reads — prose, headings, the title, narrations, `why:` texts, hint
//! rungs and quizzes — but not in code spans, commands, checks or other fences.

use clusterlab_core::lesson::french::{
    course_glossary, glossary, glossary_misses, typography, without_code, Term,
};

use super::{course_files, report};

/// The text a learner reads in a lesson file, line by line (1-based), with
/// code spans and link targets removed.
fn prose_lines(text: &str) -> Vec<(usize, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut start = 0;
    if lines.first().map(|l| l.trim()) == Some("---") {
        let end = lines[1..]
            .iter()
            .position(|l| l.trim() == "---")
            .map_or(0, |i| i + 1);
        for (i, l) in lines.iter().enumerate().take(end).skip(1) {
            if let Some(title) = l.trim_start().strip_prefix("title:") {
                out.push((i + 1, title.trim().trim_matches('"').to_string()));
            }
        }
        start = end + 1;
    }
    let mut fence: Option<String> = None;
    for (i, raw) in lines.iter().enumerate().skip(start) {
        let l = raw.trim();
        if let Some(info) = l.strip_prefix("```") {
            if fence.is_some() && info.is_empty() {
                fence = None;
            } else if fence.is_none() {
                fence = Some(
                    info.split_whitespace()
                        .next()
                        .unwrap_or_default()
                        .to_string(),
                );
            }
            continue;
        }
        let shown = match fence.as_deref() {
            None => Some(l),
            Some("scenario" | "solution" | "shortcut") if !l.starts_with('#') => {
                l.split_once(" -- ").map(|(_, say)| say)
            }
            Some("hint") => Some(l.strip_prefix("- ").unwrap_or(l)),
            Some("quiz") => Some(
                ["- ", "+ ", "> "]
                    .iter()
                    .find_map(|p| l.strip_prefix(p))
                    .unwrap_or(l),
            ),
            Some("objective") if !l.starts_with("check:") => {
                Some(l.strip_prefix("why:").unwrap_or(l))
            }
            Some(_) => None,
        };
        if let Some(s) = shown.filter(|s| !s.is_empty()) {
            out.push((i + 1, without_code(s)));
        }
    }
    out
}

/// Every typography and glossary problem of a French lesson file.
fn french_problems(file: &str, text: &str, terms: &[Term]) -> Vec<String> {
    prose_lines(text)
        .into_iter()
        .flat_map(|(n, l)| {
            let mut p = typography(&l);
            p.extend(glossary_misses(&l, terms));
            p.into_iter().map(move |why| format!("{file}:{n}: {why}"))
        })
        .collect()
}

#[test]
fn french_lessons_follow_french_typography_and_the_glossary() {
    let terms = course_glossary();
    assert!(terms.len() >= 9, "the glossary has its entries");
    let problems = course_files()
        .iter()
        .filter(|(file, _, _)| file.ends_with(".fr.md"))
        .flat_map(|(file, text, _)| french_problems(file, text, &terms))
        .collect();
    report("French typography and glossary", problems);
}

#[test]
fn typography_accepts_french_spacing_and_rejects_the_rest() {
    let good = "Qui le voit\u{202F}? Le nœud\u{202F}: non — «\u{202F}FAIL\u{202F}» après 15\u{A0}s, 500\u{A0}ms, à 12:30, A1 et `a: b`\u{202F}!";
    assert_eq!(typography(&without_code(good)), Vec::<String>::new());
    for (bad, why) in [
        ("Qui le voit ?", "`?` needs a narrow no-break space"),
        ("Qui le voit?", "`?` needs a narrow no-break space"),
        (
            "Attention : ici",
            "`:` takes a narrow no-break space (U+202F) before it, not a space",
        ),
        ("Attention: ici", "`:` needs a narrow no-break space"),
        ("un mot ; un autre", "`;` needs a narrow no-break space"),
        ("« mot\u{202F}»", "`«` needs a narrow no-break space"),
        ("«\u{202F}mot »", "`»` needs a narrow no-break space"),
        ("après 15 s", "a number and its unit `s`"),
        ("après 15s de silence", "a number and its unit `s`"),
        ("en 500 ms", "a number and its unit `ms`"),
    ] {
        let p = typography(bad);
        assert_eq!(p.len(), 1, "{bad}: {p:#?}");
        assert!(p[0].starts_with(why), "{bad}: {}", p[0]);
    }
}

#[test]
fn the_glossary_catches_the_words_it_avoids() {
    let terms = glossary("# comment\nenglish\tfrench\tavoid\tnote\nfailover\tbasculement\tfailover\t\nreplica\tréplique\treplica,slaves\t\nepoch\tepoch (masculin)\tune epoch\t\n");
    assert_eq!(
        glossary_misses("le basculement (failover) de A", &terms),
        Vec::<String>::new()
    );
    assert_eq!(
        glossary_misses("A1, réplique de A ; failovers", &terms),
        Vec::<String>::new()
    );
    assert_eq!(
        glossary_misses("le Failover de A", &terms),
        ["`failover`: the glossary says « basculement »"]
    );
    assert_eq!(
        glossary_misses("deux Slaves", &terms),
        ["`slaves`: the glossary says « réplique »"]
    );
    assert_eq!(
        glossary_misses("une epoch plus grande", &terms),
        ["`une epoch`: the glossary says « epoch »"]
    );
}

/// The whole file check: prose, narrations, hints and `why:` are read, while
/// code spans, commands, checks and `redis` blocks are not.
#[test]
fn french_checks_read_what_the_learner_reads_and_only_that() {
    let terms = glossary("english\tfrench\tavoid\tnote\nmaster\tmaître\tmaster\t\n");
    let text = "---\nid: t\ntitle: Le master?\norder: 1\nseed: 1\n---\n## Début\nLe `master` répond: oui\n```redis r\nCLUSTER NODES\n=> master\n```\n```scenario s\nkill A -- le master tombe >> fini\n```\n```objective o\ncheck: role(A) == master\nwhy: pas de master\n```\n```hint h\n- Un master ?\n```\n```text\nmaster: yes\n```\n";
    let p = french_problems("f.fr.md", text, &terms);
    let lines: Vec<&str> = p
        .iter()
        .map(|s| s.split(": ").next().unwrap_or_default())
        .collect();
    assert_eq!(
        lines,
        [
            "f.fr.md:3",
            "f.fr.md:3",
            "f.fr.md:8",
            "f.fr.md:14",
            "f.fr.md:18",
            "f.fr.md:21",
            "f.fr.md:21"
        ],
        "{p:#?}"
    );
}
