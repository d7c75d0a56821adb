//! What an objective's check sees now (`clusterlab_core::lesson::Seen`), in the learner's
//! language: the core records it as data so that a French screen shows no English.

use clusterlab_core::lesson::Seen;

use crate::i18n::{fill, Lang, Msg};

pub fn seen_text(seen: &Seen, lang: Lang) -> String {
    let say = |msg: Msg, values: &[&str]| fill(lang.t(msg), values);
    match seen {
        Seen::Nothing => String::new(),
        Seen::Promoted { node, yes: true } => say(Msg::SeenPromotedYes, &[node]),
        Seen::Promoted { node, yes: false } => say(Msg::SeenPromotedNo, &[node]),
        Seen::Events(n) => say(Msg::SeenEvents, &[&n.to_string()]),
        Seen::Jobs { done: true } => lang.t(Msg::SeenJobsDone).into(),
        Seen::Jobs { done: false } => lang.t(Msg::SeenJobsRunning).into(),
        Seen::Running { node, up: true } => say(Msg::SeenUp, &[node]),
        Seen::Running { node, up: false } => say(Msg::SeenDown, &[node]),
        Seen::Value { term, value } => say(Msg::SeenValue, &[term, &value_text(value, lang)]),
        // A check naming a node that an `add-node` has not made yet.
        Seen::Unreadable(why) => match why.strip_prefix("there is no node ") {
            Some(node) => say(Msg::SeenNoNode, &[node]),
            None => why.clone(),
        },
    }
}

/// A term's value in `lang`: the terms' words of their own (`none`, `disputed`, a role, `down`,
/// `unknown`), also inside a list of flags; the rest are Redis's words (`pfail`, `ok`), node
/// names and numbers, the same in both languages.
pub fn value_text(value: &str, lang: Lang) -> String {
    fn word(w: &str, lang: Lang) -> &str {
        match w {
            "none" => lang.t(Msg::SeenNone),
            "disputed" => lang.t(Msg::SeenDisputed),
            "master" => lang.t(Msg::SeenMaster),
            "replica" => lang.t(Msg::SeenReplica),
            "down" => lang.t(Msg::SeenProcessDown),
            "unknown" => lang.t(Msg::SeenUnknown),
            w => w,
        }
    }
    value
        .split(' ')
        .map(|w| word(w, lang))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use clusterlab_core::lesson::{parse, Predicate, Session, Step};

    const LESSON: &str = "---\nid: t\ntitle: T\norder: 1\nseed: 2\n---\n\n## One\n\nText.\n";

    fn seen(s: &Session, check: &str) -> Seen {
        Predicate::parse(check).expect("parses").eval(s).1
    }

    /// Each kind of observation reads in French without English words, and in English as
    /// the core prints it (what the CLI and the lesson tests show).
    #[test]
    fn observations_read_in_both_languages() {
        let mut s = Session::start(&parse("t.md", LESSON).expect("parses")).expect("starts");
        s.play(&Step::from_line("kill A").expect("step"))
            .expect("kill");
        let cases = [
            ("promoted A1", "A1 promu\u{202f}: pas encore"),
            ("event fail about A", "0 évènements de ce type"),
            ("jobs done", "tâches terminées"),
            ("up A", "A est arrêté"),
            ("down B", "B est en marche"),
            ("owner(1649) == A1", "owner(1649) vaut A"),
            ("role(A1) == master", "role(A1) vaut réplique"),
            ("flags(A) has fail", "flags(A) vaut maître"),
            ("cluster_state(A) == ok", "cluster_state(A) vaut arrêté"),
            ("master_of(D) == A", "il n'y a pas (encore) de nœud D"),
        ];
        for (check, french) in cases {
            let seen = seen(&s, check);
            assert_eq!(seen_text(&seen, Lang::Fr), french, "{check}");
            assert_eq!(seen_text(&seen, Lang::En), seen.to_string(), "{check}");
        }
    }
}
