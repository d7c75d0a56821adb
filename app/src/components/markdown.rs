//! The lessons' prose: the small part of Markdown they use (paragraphs, `-` and `1.` lists,
//! code fences, `**bold**`, `*emphasis*`, `` `code` ``), turned into elements directly, never
//! through innerHTML, so a lesson's text cannot inject markup.

use yew::prelude::*;

/// A block of prose.
#[derive(Clone, Debug, PartialEq)]
pub enum MdBlock {
    Para(Vec<Inline>),
    Heading(Vec<Inline>),
    List {
        ordered: bool,
        items: Vec<Vec<Inline>>,
    },
    Code(String),
    Quote(Vec<Inline>),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Inline {
    Text(String),
    Strong(String),
    Em(String),
    Code(String),
}

/// Splits `text` into blocks.
pub fn blocks(text: &str) -> Vec<MdBlock> {
    let mut out = Vec::new();
    let mut para: Vec<&str> = Vec::new();
    let mut lines = text.lines().peekable();
    let flush = |para: &mut Vec<&str>, out: &mut Vec<MdBlock>| {
        if !para.is_empty() {
            out.push(MdBlock::Para(inlines(&para.join(" "))));
            para.clear();
        }
    };
    while let Some(line) = lines.next() {
        let t = line.trim();
        if t.starts_with("```") {
            flush(&mut para, &mut out);
            let mut code = Vec::new();
            for l in lines.by_ref() {
                if l.trim() == "```" {
                    break;
                }
                code.push(l);
            }
            out.push(MdBlock::Code(code.join("\n")));
        } else if t.is_empty() {
            flush(&mut para, &mut out);
        } else if let Some(h) = t.strip_prefix("### ") {
            flush(&mut para, &mut out);
            out.push(MdBlock::Heading(inlines(h)));
        } else if let Some(q) = t.strip_prefix("> ") {
            flush(&mut para, &mut out);
            let mut quote = vec![q.to_string()];
            while let Some(next) = lines.peek().and_then(|l| l.trim().strip_prefix("> ")) {
                quote.push(next.to_string());
                lines.next();
            }
            out.push(MdBlock::Quote(inlines(&quote.join(" "))));
        } else if let Some((ordered, item)) = list_item(t) {
            flush(&mut para, &mut out);
            let mut items = vec![item.to_string()];
            while let Some(next) = lines.peek().map(|l| l.trim()) {
                match list_item(next) {
                    Some((o, item)) if o == ordered => items.push(item.to_string()),
                    // A continuation line of the item above.
                    None if !next.is_empty() && !next.starts_with("```") => {
                        if let Some(last) = items.last_mut() {
                            last.push(' ');
                            last.push_str(next);
                        }
                    }
                    _ => break,
                }
                lines.next();
            }
            out.push(MdBlock::List {
                ordered,
                items: items.iter().map(|i| inlines(i)).collect(),
            });
        } else {
            para.push(t);
        }
    }
    flush(&mut para, &mut out);
    out
}

fn list_item(line: &str) -> Option<(bool, &str)> {
    if let Some(rest) = line.strip_prefix("- ").or_else(|| line.strip_prefix("* ")) {
        return Some((false, rest));
    }
    let (num, rest) = line.split_once(". ")?;
    (!num.is_empty() && num.chars().all(|c| c.is_ascii_digit())).then_some((true, rest))
}

/// Inline markup. An unclosed marker is kept as text.
pub fn inlines(text: &str) -> Vec<Inline> {
    let mut out = Vec::new();
    let mut plain = String::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let (marker, make): (&str, fn(String) -> Inline) = match c {
            '`' => ("`", Inline::Code),
            '*' if rest.starts_with("**") => ("**", Inline::Strong),
            '*' => ("*", Inline::Em),
            _ => {
                plain.push(c);
                rest = &rest[c.len_utf8()..];
                continue;
            }
        };
        let after = &rest[marker.len()..];
        match after.find(marker) {
            Some(end) if end > 0 => {
                if !plain.is_empty() {
                    out.push(Inline::Text(std::mem::take(&mut plain)));
                }
                out.push(make(after[..end].to_string()));
                rest = &after[end + marker.len()..];
            }
            _ => {
                plain.push_str(marker);
                rest = after;
            }
        }
    }
    if !plain.is_empty() {
        out.push(Inline::Text(plain));
    }
    out
}

fn render_inlines(parts: &[Inline]) -> Html {
    parts
        .iter()
        .map(|p| match p {
            Inline::Text(t) => html! { { t.clone() } },
            Inline::Strong(t) => html! { <strong>{ t.clone() }</strong> },
            Inline::Em(t) => html! { <em>{ t.clone() }</em> },
            Inline::Code(t) => html! { <code>{ t.clone() }</code> },
        })
        .collect()
}

#[derive(Properties, PartialEq)]
pub struct MarkdownProps {
    pub text: AttrValue,
}

#[function_component]
pub fn Markdown(props: &MarkdownProps) -> Html {
    blocks(&props.text)
        .iter()
        .map(|b| match b {
            MdBlock::Para(p) => html! { <p>{ render_inlines(p) }</p> },
            MdBlock::Heading(p) => html! { <h4>{ render_inlines(p) }</h4> },
            MdBlock::Quote(p) => html! { <blockquote>{ render_inlines(p) }</blockquote> },
            MdBlock::Code(c) => html! { <pre><code>{ c.clone() }</code></pre> },
            MdBlock::List { ordered, items } => {
                let items = items
                    .iter()
                    .map(|i| html! { <li>{ render_inlines(i) }</li> })
                    .collect::<Html>();
                if *ordered {
                    html! { <ol>{ items }</ol> }
                } else {
                    html! { <ul>{ items }</ul> }
                }
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_markers_and_unclosed_ones() {
        assert_eq!(
            inlines("a **b** `c` *d* e"),
            vec![
                Inline::Text("a ".into()),
                Inline::Strong("b".into()),
                Inline::Text(" ".into()),
                Inline::Code("c".into()),
                Inline::Text(" ".into()),
                Inline::Em("d".into()),
                Inline::Text(" e".into()),
            ]
        );
        assert_eq!(inlines("2 * 3"), vec![Inline::Text("2 * 3".into())]);
    }

    #[test]
    fn paragraphs_lists_fences_and_quotes() {
        let md =
            "One\nline.\n\n- a\n  more\n- b\n\n1. x\n2. y\n\n```text\nraw *x*\n```\n> q1\n> q2";
        let b = blocks(md);
        assert_eq!(b[0], MdBlock::Para(vec![Inline::Text("One line.".into())]));
        assert_eq!(
            b[1],
            MdBlock::List {
                ordered: false,
                items: vec![
                    vec![Inline::Text("a more".into())],
                    vec![Inline::Text("b".into())]
                ]
            }
        );
        assert!(matches!(&b[2], MdBlock::List { ordered: true, items } if items.len() == 2));
        assert_eq!(b[3], MdBlock::Code("raw *x*".into()));
        assert_eq!(b[4], MdBlock::Quote(vec![Inline::Text("q1 q2".into())]));
    }
}
