//! French as good as the English: every `lesson.fr.md` follows French
//! typography and the course glossary (`lessons/glossary.tsv`) in what the
//! learner reads — prose, headings, the title, narrations, `why:` texts, hint
//! rungs and quizzes — but not in code spans, commands, checks or other fences.

use super::{course_files, repo_root, report};

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

/// Removes `code spans` and the `(target)` of `[links](target)`.
fn without_code(s: &str) -> String {
    let mut out = String::new();
    let mut in_code = false;
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        rest = &rest[c.len_utf8()..];
        if c == '`' {
            in_code = !in_code;
            out.push(' ');
        } else if in_code {
            continue;
        } else if c == ']' && rest.starts_with('(') {
            out.push(']');
            rest = rest.find(')').map_or("", |e| &rest[e + 1..]);
        } else {
            out.push(c);
        }
    }
    out
}

const NNBSP: char = '\u{202F}';
const NBSP: char = '\u{A0}';

/// Units that take a no-break space after their number (`15 s`, `500 ms`, `50 %`).
const UNITS: &[&str] = &[
    "ms", "s", "min", "h", "µs", "Go", "Mo", "ko", "Ko", "octets", "%",
];

/// French typography in one line of prose: a narrow no-break space (U+202F)
/// before `: ; ? !` and inside « », a no-break space (U+00A0) between a number
/// and its unit. Returns what is wrong, with a few characters around it.
fn typography(line: &str) -> Vec<String> {
    let c: Vec<char> = line.chars().collect();
    let around = |i: usize| -> String {
        c[i.saturating_sub(12)..(i + 6).min(c.len())]
            .iter()
            .collect::<String>()
            .replace(NNBSP, "⍽")
            .replace(NBSP, "⎵")
    };
    let mut out = Vec::new();
    for i in 0..c.len() {
        let prev = i.checked_sub(1).map(|k| c[k]);
        let next = c.get(i + 1).copied();
        let bad = match c[i] {
            ';' | '?' | '!' => {
                let image = c[i] == '!' && next == Some('[');
                let after_mark = matches!(prev, Some('?' | '!' | NNBSP) | None);
                (!image && !after_mark).then(|| {
                    format!(
                        "`{}` needs a narrow no-break space (U+202F) before it",
                        c[i]
                    )
                })
            }
            ':' => match prev {
                Some(NNBSP) | None => None,
                Some(' ' | NBSP) => {
                    Some("`:` takes a narrow no-break space (U+202F) before it, not a space".into())
                }
                // 12:30, A:B, http: — a colon inside a word is not punctuation.
                Some(_) if next.is_none_or(char::is_whitespace) => {
                    Some("`:` needs a narrow no-break space (U+202F) before it".into())
                }
                Some(_) => None,
            },
            '«' if next != Some(NNBSP) => {
                Some("`«` needs a narrow no-break space (U+202F) after it".into())
            }
            '»' if prev != Some(NNBSP) => {
                Some("`»` needs a narrow no-break space (U+202F) before it".into())
            }
            d if d.is_ascii_digit()
                && !c
                    .get(i + 1)
                    .is_some_and(|n| n.is_ascii_digit() || *n == '.' || *n == ',') =>
            {
                let gap = c.get(i + 1).copied();
                let from = if matches!(gap, Some(' ' | NNBSP)) {
                    i + 2
                } else {
                    i + 1
                };
                let rest: String = c[from.min(c.len())..].iter().collect();
                let unit = UNITS.iter().find(|u| {
                    rest.starts_with(**u)
                        && !rest[u.len()..]
                            .chars()
                            .next()
                            .is_some_and(char::is_alphanumeric)
                });
                // A number is a whole word (not the 1 of `A1`).
                let starts = c[..i]
                    .iter()
                    .rev()
                    .find(|ch| !ch.is_ascii_digit() && **ch != '.' && **ch != ',')
                    .is_none_or(|ch| !ch.is_alphanumeric());
                match (unit, gap) {
                    (Some(u), Some(g)) if starts && g != NBSP => Some(format!(
                        "a number and its unit `{u}` are joined by a no-break space (U+00A0)"
                    )),
                    _ => None,
                }
            }
            _ => None,
        };
        if let Some(why) = bad {
            out.push(format!("{why}: «{}»", around(i)));
        }
    }
    out
}

/// One glossary entry: the French word to use and the words to avoid.
struct Term {
    french: String,
    avoid: Vec<String>,
}

/// `lessons/glossary.tsv`: tab-separated `english french avoid note`, `#` comments.
fn glossary(tsv: &str) -> Vec<Term> {
    tsv.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .skip(1)
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            let french = cols.get(1).copied().unwrap_or_default();
            Term {
                french: french.split(" (").next().unwrap_or(french).to_string(),
                avoid: cols
                    .get(2)
                    .map(|a| {
                        a.split(',')
                            .map(|w| w.trim().to_lowercase())
                            .filter(|w| !w.is_empty())
                            .collect()
                    })
                    .unwrap_or_default(),
            }
        })
        .collect()
}

/// Words of the glossary's `avoid` column in one line of prose (whole words,
/// any case); `basculement (failover)` may name the English term in parentheses.
fn glossary_misses(line: &str, terms: &[Term]) -> Vec<String> {
    let lower = line.to_lowercase();
    let mut out = Vec::new();
    for t in terms {
        for word in &t.avoid {
            for (at, _) in lower.match_indices(word.as_str()) {
                let before = lower[..at].chars().next_back();
                let after = lower[at + word.len()..].chars().next();
                let whole = !before.is_some_and(char::is_alphanumeric)
                    && !after.is_some_and(char::is_alphanumeric);
                let glossed = lower[..at].ends_with(&format!("{} (", t.french.to_lowercase()))
                    && after == Some(')');
                if whole && !glossed {
                    out.push(format!("`{word}`: the glossary says « {} »", t.french));
                }
            }
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

fn course_glossary() -> Vec<Term> {
    let path = repo_root().join("lessons/glossary.tsv");
    glossary(&std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
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
