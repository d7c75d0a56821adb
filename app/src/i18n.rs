//! The app's words in English and French. Every string of the page's chrome is a [`Msg`]; the
//! `messages!` table gives each one both texts on one line, so a key cannot exist in one
//! language only. `{}` marks where [`fill`] puts a value (in the same order in both languages).
//!
//! Components read the language from context ([`use_lang`]); the model keeps it for the
//! reducer's own sentences (console refusals, import errors).

use yew::prelude::*;

/// A language of the interface (and of the lessons: `lesson.fr.md` when French).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Lang {
    #[default]
    En,
    Fr,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Fr];

    /// `en` / `fr`: the lesson file suffix, the `lang` attribute and what is stored.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
        }
    }

    pub fn parse(code: &str) -> Option<Lang> {
        match code.trim() {
            "en" => Some(Lang::En),
            "fr" => Some(Lang::Fr),
            _ => None,
        }
    }

    /// The language's own name, for the switch.
    pub fn name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Fr => "Français",
        }
    }

    pub fn t(self, msg: Msg) -> &'static str {
        msg.text(self)
    }
}

/// Puts `values` into the `{}` of `template`, in order.
pub fn fill(template: &str, values: &[&str]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    let mut values = values.iter();
    while let Some(i) = rest.find("{}") {
        out.push_str(&rest[..i]);
        out.push_str(values.next().copied().unwrap_or(""));
        rest = &rest[i + 2..];
    }
    out.push_str(rest);
    out
}

/// The language from context (English when none is provided).
#[hook]
pub fn use_lang() -> Lang {
    use_context::<Lang>().unwrap_or_default()
}

macro_rules! messages {
    ($($key:ident => $en:literal, $fr:literal;)*) => {
        /// One string of the interface.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Msg { $($key),* }

        impl Msg {
            /// Every key, for the tests.
            #[cfg(test)]
            pub const ALL: &'static [Msg] = &[$(Msg::$key),*];

            pub fn text(self, lang: Lang) -> &'static str {
                match self {
                    $(Msg::$key => match lang { Lang::En => $en, Lang::Fr => $fr },)*
                }
            }
        }
    };
}

messages! {
    // The page
    Tagline => "Redis Cluster, simulated in your browser: every node runs Redis's real rules.",
        "Redis Cluster simulé dans votre navigateur : chaque nœud applique les vraies règles de Redis.";
    Loading => "Forming the cluster, like redis-cli --cluster create…",
        "Formation du cluster, comme redis-cli --cluster create…";
    Dismiss => "Dismiss", "Fermer";
    Language => "Language", "Langue";
    ClusterRegion => "Cluster", "Cluster";
    // Playback
    Playback => "Playback", "Lecture";
    Play => "Play", "Lecture";
    PlayTitle => "Play (Space)", "Lecture (Espace)";
    Pause => "Pause", "Pause";
    PauseTitle => "Pause (Space)", "Pause (Espace)";
    StepBack => "Back", "Reculer";
    StepBackTitle => "Step back one event (←)", "Reculer d'un évènement (←)";
    StepFwd => "Step", "Avancer";
    StepFwdTitle => "Process the next event (→)", "Traiter l'évènement suivant (→)";
    Speed => "Speed", "Vitesse";
    Lagging => "falling behind: the simulation cannot keep up with this speed",
        "en retard : la simulation ne suit pas cette vitesse";
    Steps => "{} steps", "{} étapes";
    // Scenario bar
    Scenario => "Scenario", "Scénario";
    Seed => "Seed", "Graine";
    Reset => "Reset", "Réinitialiser";
    ReducedMotion => "Reduced motion", "Animations réduites";
    Share => "Share this moment", "Partager cet instant";
    ShareLink => "Link to this moment", "Lien vers cet instant";
    HelpButton => "Keyboard (?)", "Clavier (?)";
    // Help
    ShortcutsTitle => "Keyboard shortcuts", "Raccourcis clavier";
    ShortcutsOff => "Shortcuts are off while you type in a field.",
        "Les raccourcis sont désactivés pendant la saisie dans un champ.";
    CloseEsc => "Close (Esc)", "Fermer (Échap)";
    // Panels
    BeliefsTitle => "Node beliefs", "Ce que croient les nœuds";
    BeliefsHint => "Select a node to see the cluster as it sees it: every node has its own, sometimes wrong, picture.",
        "Sélectionnez un nœud pour voir le cluster comme il le voit : chaque nœud a sa propre image, parfois fausse.";
    BeliefsOf => "What {} believes", "Ce que croit {}";
    // Lessons: picker
    Lessons => "Lessons", "Leçons";
    LessonsTitle => "The course", "Le cours";
    Playground => "Free playground", "Bac à sable libre";
    LeaveLesson => "Leave the lesson", "Quitter la leçon";
    Close => "Close", "Fermer";
    MarkDone => "done", "terminée";
    MarkStarted => "started", "commencée";
    MarkNew => "not started", "pas commencée";
    Export => "Export progress", "Exporter la progression";
    ExportHelp => "Copy this text or download the file; import it on another computer or browser.",
        "Copiez ce texte ou téléchargez le fichier ; importez-le sur un autre ordinateur ou navigateur.";
    Download => "Download clusterlab-progress.json", "Télécharger clusterlab-progress.json";
    Import => "Import progress", "Importer une progression";
    ImportHelp => "Paste an exported progress text (or pick its file), then Import. What you already did is kept.",
        "Collez un texte de progression exporté (ou choisissez son fichier), puis Importer. Ce que vous avez déjà fait est conservé.";
    ImportButton => "Import", "Importer";
    ImportFile => "Progress file", "Fichier de progression";
    Imported => "Progress imported: {} lessons.", "Progression importée : {} leçons.";
    ImportBad => "This is not a clusterlab progress export ({}). Nothing was changed.",
        "Ce n'est pas un export de progression clusterlab ({}). Rien n'a été modifié.";
    BadLesson => "This lesson file has an error: {}", "Ce fichier de leçon contient une erreur : {}";
    NoSuchLesson => "There is no lesson “{}” in this course; showing the playground.",
        "Il n'y a pas de leçon « {} » dans ce cours ; affichage du bac à sable.";
    // Lessons: player
    LessonOf => "Lesson {} of {}", "Leçon {} sur {}";
    Back => "Back", "Retour";
    Forward => "Forward", "Suivant";
    Position => "Step {} of {}", "Étape {} sur {}";
    RunBlock => "Run", "Exécuter";
    RunAgain => "Run again", "Exécuter à nouveau";
    Objectives => "Objectives", "Objectifs";
    Objective => "Objective", "Objectif";
    ObjectiveMet => "met", "atteint";
    ObjectiveOpen => "not yet", "pas encore";
    ObjectiveFailed => "failed: go Back or start again", "échoué : revenez en arrière ou recommencez";
    WhyNot => "Why not yet: {}", "Pourquoi pas encore : {}";
    Observed => "Now: {}", "Actuellement : {}";
    AllMet => "Every objective is met. Well done!", "Tous les objectifs sont atteints. Bravo !";
    NextHint => "Show a hint", "Afficher un indice";
    MoreHint => "Another hint", "Un autre indice";
    NoMoreHints => "No more hints: the solution is next.", "Plus d'indices : la solution est la suite.";
    Hint => "Hint {} of {}", "Indice {} sur {}";
    ShowSolution => "Show the solution", "Afficher la solution";
    SolutionConfirm => "Show the solution? It plays these steps on your cluster; try the hints first.",
        "Afficher la solution ? Elle joue ces étapes sur votre cluster ; essayez d'abord les indices.";
    SolutionYes => "Yes, play the solution", "Oui, jouer la solution";
    Cancel => "Cancel", "Annuler";
    SolutionTitle => "Solution", "Solution";
    SolutionDone => "The solution played ({} s simulated).", "La solution a été jouée ({} s simulées).";
    ScenarioPending => "Press Forward to play this step.", "Appuyez sur Suivant pour jouer cette étape.";
    Answer => "Your answer", "Votre réponse";
    Right => "Right.", "Exact.";
    Wrong => "Not quite.", "Pas tout à fait.";
    // Lessons: the cluster side
    Actions => "Actions", "Actions";
    SelectNode => "Select a node (click it, or Tab to it and press Enter) to act on it.",
        "Sélectionnez un nœud (cliquez dessus, ou Tab puis Entrée) pour agir dessus.";
    OnNode => "On {}:", "Sur {} :";
    Kill => "kill", "kill";
    PauseNode => "pause", "pause";
    Resume => "resume", "resume";
    Restart => "restart", "restart";
    Failover => "failover", "failover";
    Heal => "heal", "heal";
    TimePasses => "Let time pass:", "Laisser passer le temps :";
    SimTime => "Simulated time: {}", "Temps simulé : {}";
    Allowed => "This lesson allows: {}", "Cette leçon permet : {}";
    AllowedAll => "This lesson allows every action and command.", "Cette leçon permet toutes les actions et commandes.";
    NotAllowed => "(error) `{}` is not part of this lesson. Allowed: {}",
        "(error) `{}` ne fait pas partie de cette leçon. Permis : {}";
    NotAllowedTitle => "Not part of this lesson", "Ne fait pas partie de cette leçon";
    Console => "Console", "Console";
    ConsoleHelp => "Redis commands go to the chosen node (`B> GET k` picks another); steps like `kill A`, `run 5s`, `partition A / B,C` work too.",
        "Les commandes Redis vont au nœud choisi (`B> GET k` en choisit un autre) ; les étapes comme `kill A`, `run 5s`, `partition A / B,C` marchent aussi.";
    ConsoleTarget => "Send to", "Envoyer à";
    Messages => "Messages on the wire", "Messages en transit";
    NoMessages => "No message in flight.", "Aucun message en transit.";
    Jobs => "redis-cli jobs", "Tâches redis-cli";
    NoJobs => "No job running.", "Aucune tâche en cours.";
    Done => "done", "fait";
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every key has a text in both languages, and both texts take the same values.
    #[test]
    fn every_key_has_both_languages_with_the_same_placeholders() {
        for &msg in Msg::ALL {
            let (en, fr) = (msg.text(Lang::En), msg.text(Lang::Fr));
            assert!(!en.trim().is_empty(), "{msg:?} has no English text");
            assert!(!fr.trim().is_empty(), "{msg:?} has no French text");
            assert_eq!(
                en.matches("{}").count(),
                fr.matches("{}").count(),
                "{msg:?}: the English and French texts take different numbers of values"
            );
        }
    }

    /// No French text was left in English by mistake (single words such as `kill`, the
    /// redis-cli verbs, are the same on purpose).
    #[test]
    fn french_texts_are_translated() {
        let same: Vec<Msg> = Msg::ALL
            .iter()
            .copied()
            .filter(|m| m.text(Lang::En) == m.text(Lang::Fr))
            .filter(|m| m.text(Lang::En).split_whitespace().count() > 1)
            .collect();
        assert!(same.is_empty(), "untranslated: {same:?}");
    }

    #[test]
    fn fill_puts_values_in_order() {
        assert_eq!(fill("Lesson {} of {}", &["3", "14"]), "Lesson 3 of 14");
        assert_eq!(fill("no values", &["x"]), "no values");
        assert_eq!(Lang::parse("fr"), Some(Lang::Fr));
        assert_eq!(Lang::parse("de"), None);
    }
}
