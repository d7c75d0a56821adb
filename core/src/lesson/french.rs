//! French as good as the English: French typography and the course glossary
//! (`lessons/glossary.tsv`), one checker for everything the learner reads in
//! French — the lesson files (`tests/lessons/french.rs`) and the web app's
//! texts (its UI strings and every sentence it writes, in its tests).

/// The course's glossary: one French word for each concept, used by the
/// lessons and the app's French UI.
pub const GLOSSARY: &str = include_str!("../../../lessons/glossary.tsv");

/// The glossary's entries ([`GLOSSARY`] read by [`glossary`]).
pub fn course_glossary() -> Vec<Term> {
    glossary(GLOSSARY)
}

/// Removes `code spans` and the `(target)` of `[links](target)`.
pub fn without_code(s: &str) -> String {
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
pub fn typography(line: &str) -> Vec<String> {
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
pub struct Term {
    /// The word to use (`basculement`).
    pub french: String,
    /// The words a French text must not use for it (lowercase).
    pub avoid: Vec<String>,
}

/// `lessons/glossary.tsv`: tab-separated `english french avoid note`, `#` comments.
pub fn glossary(tsv: &str) -> Vec<Term> {
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
pub fn glossary_misses(line: &str, terms: &[Term]) -> Vec<String> {
    let lower = line.to_lowercase();
    let mut out = Vec::new();
    for t in terms {
        for word in &t.avoid {
            for (at, _) in lower.match_indices(word.as_str()) {
                let before = lower[..at].chars().next_back();
                let after = lower[at + word.len()..].chars().next();
                // `FAILOVER_AUTH_REQUEST` and `--cluster-slave` are names, not the word.
                let word_char = |c: char| c.is_alphanumeric() || c == '_' || c == '-';
                let whole = !before.is_some_and(word_char) && !after.is_some_and(word_char);
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
