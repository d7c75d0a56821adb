//! The lesson engine's error texts in the learner's language. The core words its errors in
//! English (the CLI, the lesson tests and authors read them); each one the learner can meet
//! is an `Err…` message of `i18n.rs` whose English text is the core's wording with `{}` for
//! what varies, so the app recognises it and fills the French. Redis's own error replies and
//! redis-cli's texts (`Could not connect to Redis at …`) stay as Redis prints them.

use crate::i18n::{fill, Lang, Msg};

const CORE_ERRORS: [Msg; 48] = [
    Msg::ErrDuration,
    Msg::ErrQuote,
    Msg::ErrOneNode,
    Msg::ErrNeedsCommand,
    Msg::ErrEmptyStep,
    Msg::ErrPartition,
    Msg::ErrCut,
    Msg::ErrFailoverMode,
    Msg::ErrFailoverWants,
    Msg::ErrRun,
    Msg::ErrWithin,
    Msg::ErrSlotCount,
    Msg::ErrReshard,
    Msg::ErrUnknownStep,
    Msg::ErrNoNode,
    Msg::ErrPaused,
    Msg::ErrNoAnswer,
    Msg::ErrClientNoAnswer,
    Msg::ErrStillWaiting,
    Msg::ErrTraceLine,
    Msg::ErrNotJson,
    Msg::ErrTms,
    Msg::ErrMissingField,
    Msg::ErrNotString,
    Msg::ErrUnknownEvent,
    Msg::ErrNoLines,
    Msg::ErrTimeouts,
    Msg::ErrNoTimeout,
    Msg::ErrNoKill,
    Msg::ErrFailNoPfail,
    Msg::ErrFormedNo,
    Msg::ErrKilledNotIn,
    Msg::ErrKilledNoStart,
    Msg::ErrStartNoPort,
    Msg::ErrOrphanReplicas,
    Msg::ErrUneven,
    Msg::ErrNoSimNode,
    Msg::ErrCliUsage,
    Msg::ErrCliAddr,
    Msg::ErrClientTtl,
    Msg::ErrClientSlot,
    Msg::ErrClientCrossSlot,
    Msg::ErrClientUnreachable,
    Msg::ErrClientNoNode,
    Msg::ErrNotRunning,
    Msg::ErrEmptyLine,
    Msg::ErrBuilding,
    // Last: its `{} failed: {}` would read any text with ` failed: ` in it.
    Msg::ErrJobFailed,
];

/// What a check saw (`clusterlab_core::lesson::Seen`'s English, inside a `wait` that gave up),
/// most specific first: `there is no node D` before `{} is {}`.
const OBSERVATIONS: [Msg; 9] = [
    Msg::SeenPromotedYes,
    Msg::SeenPromotedNo,
    Msg::SeenEvents,
    Msg::SeenJobsDone,
    Msg::SeenJobsRunning,
    Msg::SeenUp,
    Msg::SeenDown,
    Msg::SeenNoNode,
    Msg::SeenValue,
];

/// serde_json's syntax errors, most specific first (`expected value` before `expected {}`).
const JSON_ERRORS: [Msg; 12] = [
    Msg::JsonExpectedValue,
    Msg::JsonExpectedIdent,
    Msg::JsonExpected,
    Msg::JsonExpectedOne,
    Msg::JsonEofValue,
    Msg::JsonEofObject,
    Msg::JsonEofString,
    Msg::JsonEofList,
    Msg::JsonTrailing,
    Msg::JsonKeyString,
    Msg::JsonNumber,
    Msg::JsonEscape,
];

/// serde_json's error (`expected value at line 1 column 3`) in `lang`: its known wordings
/// translated, any other one said generically so no English is left. A trace has one JSON
/// value a line, so the column is what locates the mistake.
fn json_error(detail: &str, lang: Lang) -> String {
    let (what, column) = match detail.rsplit_once(" at line ") {
        Some((what, at)) => (what, at.split_once(" column ").map(|(_, c)| c)),
        None => (detail, None),
    };
    let what = reword(what, &JSON_ERRORS, lang, |_, _, v| v.to_string())
        .unwrap_or_else(|| lang.t(Msg::JsonSyntax).to_string());
    match column {
        Some(column) => fill(lang.t(Msg::JsonColumn), &[&what, column]),
        None => what,
    }
}

/// The values of `text` in the `{}` of `template`, when `text` reads as it.
fn values<'a>(text: &'a str, template: &str) -> Option<Vec<&'a str>> {
    let parts: Vec<&str> = template.split("{}").collect();
    let mut rest = text.strip_prefix(parts[0])?;
    let mut out = Vec::new();
    for (i, part) in parts.iter().enumerate().skip(1) {
        let end = if i + 1 == parts.len() {
            rest.len()
                .checked_sub(part.len())
                .filter(|&e| rest[e..] == **part)?
        } else {
            rest.find(part)?
        };
        out.push(&rest[..end]);
        rest = &rest[end + part.len()..];
    }
    rest.is_empty().then_some(out)
}

/// A reply as a console prints it (`to_cli_text`), with the page's own refusal of scripting
/// in `lang` (its build has no Lua engine, and that error is the page's, not Redis's) and
/// the simulated cluster client's failures (`(client error) …`, the lesson's `client` step).
/// Every other reply stays as Redis wrote it.
pub fn reply_text(text: &str, lang: Lang) -> String {
    let client_prefix = format!("{} ", Msg::ClientErrorPrefix.text(Lang::En));
    if let Some(body) = text.strip_prefix(client_prefix.as_str()) {
        // The simulated cluster client's own failure: its words, not Redis's.
        return format!(
            "{} {}",
            lang.t(Msg::ClientErrorPrefix),
            error_text(body, lang)
        );
    }
    match text.strip_prefix("(error) ") {
        Some(body) if body == Msg::NoLua.text(Lang::En) => {
            format!("(error) {}", lang.t(Msg::NoLua))
        }
        _ => text.to_string(),
    }
}

/// `text` read as the first of `messages` whose English it matches, written in `lang` with
/// each value rewritten by `value` (its position, its English text); `None` when none matches.
fn reword(
    text: &str,
    messages: &[Msg],
    lang: Lang,
    value: impl Fn(Msg, usize, &str) -> String,
) -> Option<String> {
    messages.iter().find_map(|&msg| {
        let vals: Vec<String> = values(text, msg.text(Lang::En))?
            .iter()
            .enumerate()
            .map(|(i, v)| value(msg, i, v))
            .collect();
        let vals: Vec<&str> = vals.iter().map(String::as_str).collect();
        Some(fill(msg.text(lang), &vals))
    })
}

/// What a `wait` still awaited when it gave up, as the objectives' "Now:" line says it.
fn observation_text(text: &str, lang: Lang) -> String {
    reword(text, &OBSERVATIONS, lang, |msg, i, v| match msg {
        Msg::SeenValue if i == 1 => super::objective::value_text(v, lang),
        _ => v.to_string(),
    })
    .unwrap_or_else(|| error_text(text, lang))
}

/// `text` (a console line's error, `(error) ` prefix or not) in `lang`.
pub fn error_text(text: &str, lang: Lang) -> String {
    if lang == Lang::En {
        return text.to_string();
    }
    let (prefix, body) = match text.strip_prefix("(error) ") {
        Some(body) => ("(error) ", body),
        None => ("", text),
    };
    // What was still awaited is itself an observation in English; serde's words are not
    // the core's.
    let french = reword(body, &CORE_ERRORS, lang, |msg, i, v| match msg {
        Msg::ErrNotJson => json_error(v, lang),
        Msg::ErrStillWaiting if i == 1 => observation_text(v, lang),
        _ => error_text(v, lang),
    });
    if let Some(french) = french {
        return format!("{prefix}{french}");
    }
    text.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use clusterlab_core::lesson::{parse, Session, Step};

    const LESSON: &str = "---\nid: t\ntitle: T\norder: 1\nseed: 4\n---\n\n## One\n\nText.\n";

    /// The simulated cluster client's failures (a lesson's `client` step prints them) read in
    /// French, each variant's core wording recognised (a new wording fails here).
    #[test]
    fn the_clients_failures_read_in_french() {
        use clusterlab_core::client::ClientError;
        let addr = "127.0.0.1:7000".parse().expect("address");
        let cases = [
            (
                ClientError::TtlExhausted,
                "TTL épuisé\u{202f}: redirigé ou réessayé trop de fois",
            ),
            (
                ClientError::SlotNotCovered(1649),
                "le slot 1649 n'est couvert par aucun nœud du cluster",
            ),
            (
                ClientError::CrossSlot,
                "les clés de la requête ne tombent pas dans le même slot",
            ),
            (
                ClientError::Unreachable(addr),
                "connexion impossible à 127.0.0.1:7000",
            ),
            (
                ClientError::NoReachableNode,
                "aucun nœud de départ n'a répondu à CLUSTER SLOTS",
            ),
        ];
        for (e, fr) in cases {
            let line = format!("(client error) {e}");
            assert_eq!(
                reply_text(&line, Lang::Fr),
                format!("(erreur du client) {fr}")
            );
            assert_eq!(reply_text(&line, Lang::En), line);
        }
    }

    /// Errors made by the core itself (so a change of its wording fails here) read in French,
    /// and Redis's own texts are left alone.
    #[test]
    fn the_engines_errors_read_in_french() {
        let mut s = Session::start(&parse("t.md", LESSON).expect("parses")).expect("starts");
        s.play(&Step::from_line("pause B").expect("step"))
            .expect("pause");
        let paused = s.command("B", &["GET".into(), "k".into()]).unwrap_err().0;
        let no_node = s.command("Z", &["GET".into(), "k".into()]).unwrap_err().0;
        let mut cli = |args: &[&str]| {
            let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
            s.command("A", &args).unwrap_err().0
        };
        let cli_usage = cli(&["redis-cli", "--cluster", "create"]);
        let cli_addr = cli(&["redis-cli", "--cluster", "check", "nowhere"]);
        let step = |line: &str| Step::from_line(line).unwrap_err();
        let cases = [
            (paused, "B est suspendu (SIGSTOP)\u{202f}: pas de réponse avant sa reprise"),
            (no_node, "il n'y a pas de nœud Z"),
            (step("frobnicate A"), "étape inconnue `frobnicate A` (`kill`, `pause`, `resume`, `restart`, `partition`, `cut`, `heal`, `failover`, `run`, `wait`, `client`, `reshard`, `add-node`, `add-replica`, `rebalance` ou `A> COMMANDE`)"),
            (step("run"), "`run` attend une durée, par exemple `run 20s`"),
            (step("run 5x"), "une durée comme `500ms` ou `20s` était attendue, trouvé `5x`"),
            (step("kill"), "`kill` prend un nom de nœud, par exemple `kill A`"),
            (step("failover A1 sideways"), "`failover`\u{202f}: mode inconnu `sideways` (force, takeover)"),
            (cli_usage, "le redis-cli de cette console lance `redis-cli --cluster check [host:port]`, `redis-cli --cluster info [host:port]`, `redis-cli --cluster fix [host:port]` (fix accepte aussi --cluster-fix-with-unreachable-masters\u{202f}; le reste du travail de redis-cli est une étape de leçon\u{202f}: reshard, rebalance, add-node)"),
            (cli_addr, "[ERR] Arguments invalides\u{202f}: `nowhere` n'est pas de la forme hôte:port, par exemple 127.0.0.1:7000"),
        ];
        for (english, french) in cases {
            assert_eq!(error_text(&english, Lang::Fr), french, "{english}");
            assert_eq!(error_text(&english, Lang::En), english);
            let shown = format!("(error) {english}");
            assert_eq!(error_text(&shown, Lang::Fr), format!("(error) {french}"));
        }
        let redis = "(error) MOVED 1649 127.0.0.1:7000";
        assert_eq!(error_text(redis, Lang::Fr), redis);
    }

    /// serde_json's own words (a JSON line that does not parse) are translated too, and an
    /// unknown wording is said generically rather than left in English.
    #[test]
    fn serde_errors_read_in_french() {
        let serde = |text: &str| serde_json::from_str::<serde_json::Value>(text).unwrap_err();
        let fr = |text: &str| error_text(&format!("not JSON ({})", serde(text)), Lang::Fr);
        assert_eq!(
            fr(""),
            "pas du JSON (le texte s'arrête au milieu d'une valeur, colonne 0)"
        );
        assert_eq!(fr("{\"a\" 1}"), "pas du JSON (`:` attendu, colonne 6)");
        assert_eq!(
            fr("1 2"),
            "pas du JSON (caractères en trop après la valeur, colonne 3)"
        );
        assert_eq!(
            fr("{\"a\": 1 2}"),
            "pas du JSON (`,` ou `}` attendu, colonne 9)"
        );
        assert_eq!(
            json_error("recursion limit exceeded", Lang::Fr),
            "syntaxe JSON invalide"
        );
        let english = format!("not JSON ({})", serde("{"));
        assert_eq!(error_text(&english, Lang::En), english);
    }

    /// A --trace file's errors, made by the core's parser and comparison.
    #[test]
    fn trace_file_errors_read_in_french() {
        use clusterlab_core::trace_file::parse_trace;
        let errors =
            parse_trace("{\"t_ms\": 5, \"node\": \"n1\", \"event\": \"teleport\"}\nnot json\n")
                .unwrap_err();
        let french: Vec<String> = errors
            .iter()
            .map(|e| error_text(&e.to_string(), Lang::Fr))
            .collect();
        assert_eq!(french[0], "ligne 1\u{202f}: évènement inconnu `teleport`");
        assert_eq!(
            french[1],
            "ligne 2\u{202f}: pas du JSON (mot inconnu (true, false ou null attendu), colonne 2)"
        );
        let empty = parse_trace("").unwrap_err();
        assert_eq!(
            error_text(&empty[0].to_string(), Lang::Fr),
            "ligne 1\u{202f}: le fichier ne contient aucune ligne de trace"
        );
    }

    /// The page's refusal of scripting (its build has no Lua engine) is the page's own text:
    /// French on a French page. Redis's error replies stay as Redis writes them.
    #[test]
    fn the_pages_scripting_refusal_reads_in_french() {
        let refusal = format!("(error) {}", Msg::NoLua.text(Lang::En));
        let fr = reply_text(&refusal, Lang::Fr);
        assert!(
            fr.starts_with("(error) ERR les scripts ne sont pas disponibles"),
            "{fr}"
        );
        assert!(crate::i18n::french::faults(&fr).is_empty(), "{fr}");
        assert_eq!(reply_text(&refusal, Lang::En), refusal);
        let redis = "(error) ERR unknown command 'FOO', with args beginning with: ";
        assert_eq!(reply_text(redis, Lang::Fr), redis);
    }

    #[test]
    fn values_are_read_between_the_fixed_parts() {
        assert_eq!(values("a 1 b 2", "a {} b {}"), Some(vec!["1", "2"]));
        assert_eq!(values("a 1 c", "a {} b"), None);
        assert_eq!(values("exact", "exact"), Some(vec![]));
        assert_eq!(values("exact!", "exact"), None);
    }
}
