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

/// A sentence of the page kept as what it says rather than in words: a message and the
/// values for its `{}`. A console line or a lesson console's answer stored this way is written
/// when shown, so it follows the page when the learner switches language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    pub msg: Msg,
    pub values: Vec<String>,
}

impl Note {
    pub fn new(msg: Msg, values: &[&str]) -> Note {
        Note {
            msg,
            values: values.iter().map(|v| v.to_string()).collect(),
        }
    }

    /// The note in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        let values: Vec<&str> = self.values.iter().map(String::as_str).collect();
        fill(lang.t(self.msg), &values)
    }
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
        "Redis Cluster simulé dans votre navigateur\u{202f}: chaque nœud applique les vraies règles de Redis.";
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
    StepFwdTitle => "Step to the next event (→)", "Aller à l'évènement suivant (→)";
    Speed => "Speed", "Vitesse";
    // Scenario bar
    Seed => "Seed", "Graine";
    Reset => "Reset", "Réinitialiser";
    ReducedMotion => "Reduce motion", "Réduire les animations";
    Share => "Share link", "Partager le lien";
    ShareLink => "Link to this exact moment", "Lien vers cet instant précis";
    // Help
    ShortcutsTitle => "Keyboard shortcuts", "Raccourcis clavier";
    ShortcutsOff => "Shortcuts are off while you type in a field.",
        "Les raccourcis sont désactivés pendant la saisie dans un champ.";
    CloseEsc => "Close (Esc)", "Fermer (Échap)";
    // Panels
    BeliefsTitle => "Node beliefs", "Ce que croient les nœuds";
    BeliefsHint => "Select a node to see the cluster as it sees it: every node has its own, sometimes wrong, picture.",
        "Sélectionnez un nœud pour voir le cluster comme il le voit\u{202f}: chaque nœud a sa propre image, parfois fausse.";
    BeliefsOf => "What {} believes", "Ce que croit {}";
    // The playground's panels
    SimulatedTime => "Simulated time ", "Temps simulé ";
    LaggingTitle => "The simulator cannot keep up with this speed", "Le simulateur ne suit pas cette vitesse";
    RunningBehind => " (running behind)", " (en retard)";
    JumpAhead => "Jump ahead", "Avancer de";
    ClusterLabel => "Cluster", "Cluster";
    ShortcutsButton => "Keyboard shortcuts (?)", "Raccourcis clavier (?)";
    PresetOne => "{} masters × {} replica ({} nodes)", "{} maîtres × {} réplique ({} nœuds)";
    PresetMany => "{} masters × {} replicas ({} nodes)", "{} maîtres × {} répliques ({} nœuds)";
    ConsoleSub => " redis-cli to a simulated node", " redis-cli vers un nœud simulé";
    ConnectedTo => "Connected to", "Connecté à";
    FollowRedirections => " follow redirections", " suivre les redirections";
    Clear => "Clear", "Effacer";
    ConsoleOutput => "Console output", "Sortie de la console";
    CommonCommands => "Common commands", "Commandes courantes";
    ArgumentsToType => "Arguments still to type", "Arguments restant à taper";
    // The consoles' own notes (redis-cli's and Redis's texts stay as they print them)
    ConsoleHelpNote => "Type Redis commands (GET, SET, CLUSTER NODES, CLUSTER INFO, CLUSTER SLOTS…). HELP <command> shows its syntax (HELP ZRANGE, HELP CLUSTER SETSLOT), HELP @<group> lists a group (HELP @cluster); the line under the prompt hints the arguments still to type. Tick -c to follow MOVED/ASK like `redis-cli -c`; `redis-cli -c -p 7001` also switches node and mode. ↑/↓: history.",
        "Tapez des commandes Redis (GET, SET, CLUSTER NODES, CLUSTER INFO, CLUSTER SLOTS…). HELP <commande> montre sa syntaxe (HELP ZRANGE, HELP CLUSTER SETSLOT), HELP @<groupe> liste un groupe (HELP @cluster)\u{202f}; la ligne sous l'invite indique les arguments restant à taper. Cochez -c pour suivre MOVED/ASK comme `redis-cli -c`\u{202f}; `redis-cli -c -p 7001` change aussi de nœud et de mode. ↑/↓\u{202f}: historique.";
    NotePaused => "(no reply: {} at {} is paused, like a process stopped with SIGSTOP; redis-cli would wait)",
        "(pas de réponse\u{202f}: {} à {} est suspendu, comme un processus arrêté par SIGSTOP\u{202f}; redis-cli attendrait)";
    NoteWaiting => "(waiting: the node will reply later, for example after WAIT)",
        "(en attente\u{202f}: le nœud répondra plus tard, par exemple après WAIT)";
    NoteRedirects => "(stopped after {} redirections)", "(arrêt après {} redirections)";
    NoteNoPort => "No simulated node listens on port {}.", "Aucun nœud simulé n'écoute sur le port {}.";
    NoHelp => "No help for '{}': Redis 7.0 has no such command or group (try HELP ZRANGE, HELP CLUSTER SETSLOT or HELP @cluster).",
        "Pas d'aide pour «\u{202f}{}\u{202f}»\u{202f}: Redis 7.0 n'a ni commande ni groupe de ce nom (essayez HELP ZRANGE, HELP CLUSTER SETSLOT ou HELP @cluster).";
    NoLua => "ERR scripting is not available in this page: its build has no Lua engine (run clusterlab-node for EVAL and FUNCTION)",
        "ERR les scripts ne sont pas disponibles dans cette page\u{202f}: elle est construite sans moteur Lua (lancez clusterlab-node pour EVAL et FUNCTION)";
    LessonHelp => "Redis commands go to the chosen node; HELP <command> shows the syntax of one this lesson allows (HELP GET, HELP CLUSTER), HELP @<group> lists them by group (HELP @cluster), HELP <step> a lesson step (HELP kill); the line under the prompt hints the arguments still to type.",
        "Les commandes Redis vont au nœud choisi\u{202f}; HELP <commande> montre la syntaxe d'une commande que cette leçon permet (HELP GET, HELP CLUSTER), HELP @<groupe> les liste par groupe (HELP @cluster), HELP <étape> une étape de leçon (HELP kill)\u{202f}; la ligne sous l'invite indique les arguments restant à taper.";
    StepHelp => "Lesson step: `{}`", "Étape de leçon\u{202f}: `{}`";
    HintRefused => "{}: not part of this lesson", "{}\u{202f}: ne fait pas partie de cette leçon";
    HintWaitStep => "lesson step: wait {} (Redis's WAIT is not part of this lesson)",
        "étape de leçon\u{202f}: wait {} (le WAIT de Redis ne fait pas partie de cette leçon)";
    // What a lesson step takes after its verb (the console's hint and HELP)
    UsageNode => "NODE", "NŒUD";
    UsagePartition => "NODE,NODE… / NODE,NODE…", "NŒUD,NŒUD… / NŒUD,NŒUD…";
    UsageCut => "FROM>TO", "DE>VERS";
    UsageFailover => "REPLICA [force|takeover]", "RÉPLIQUE [force|takeover]";
    UsageRun => "DURATION", "DURÉE";
    UsageWait => "CONDITION [within DURATION]", "CONDITION [within DURÉE]";
    UsageClient => "COMMAND [ARG …]", "COMMANDE [ARG …]";
    UsageReshard => "FROM -> TO COUNT", "DE -> VERS NOMBRE";
    UsageAddNode => "NAME", "NOM";
    UsageAddReplica => "NEW of MASTER", "NOUVEAU of MAÎTRE";
    FaultsHint => "Select a node (click it, or Tab to it and press Enter) to crash, restart, pause or isolate it.", "Sélectionnez un nœud (cliquez dessus, ou Tab puis Entrée) pour l'arrêter, le redémarrer, le suspendre ou l'isoler.";
    RestartTitle => "start it again; it keeps its nodes.conf (r)", "le relancer\u{202f}; il garde son nodes.conf (r)";
    RestartButton => "Restart", "Redémarrer";
    ResumeButton => "Resume", "Reprendre";
    IsolateTitle => "cut it off from everyone (i)", "le couper de tous les autres (i)";
    Isolate => "Isolate", "Isoler";
    NoWire => "No message on the wire right now: step (→) until one is sent.", "Aucun message en transit\u{202f}: avancez (→) jusqu'à ce qu'un message parte.";
    Drop => "Drop", "Perdre";
    Faults => "Faults", "Pannes";
    NodeLabel => "Node", "Nœud";
    NoneChoice => "(none)", "(aucun)";
    PartitionLegend => "Partition: cut these nodes off from the others", "Partition\u{202f}: couper ces nœuds des autres";
    Cut => "Cut", "Couper";
    HealAll => "Heal all cuts", "Réparer toutes les coupures";
    FaultsOn => "Faults on {}", "Pannes sur {}";
    CrashNode => "Crash {}", "Arrêter {}";
    DropLabel => "Drop {}", "Perdre {}";
    Grow => "Grow", "Agrandir";
    GrowSub => " redis-cli --cluster, simulated", " redis-cli --cluster, simulé";
    AddNode => "Add a node (add-node, then rebalance)", "Ajouter un nœud (add-node, puis rebalance)";
    MoveSlots => "Move ", "Déplacer ";
    SlotsToMove => "slots to move", "slots à déplacer";
    SlotsFrom => " slots from ", " slots de ";
    SlotsTo => " to ", " vers ";
    Reshard => "Reshard", "Resharder";
    Running => "running", "en cours";
    FailedWith => "failed: {}", "échec\u{202f}: {}";
    JobMoved => "{} · {} slots, {} keys moved", "{} · {} slots, {} clés déplacés";
    JobAddNode => "add-node {} ({}), then rebalance", "add-node {} ({}), puis rebalance";
    JobReshard => "reshard {} slots {} → {}", "reshard de {} slots {} → {}";
    JobAddReplica => "add-node {} ({}) --cluster-slave of {}", "add-node {} ({}) --cluster-slave, réplique de {}";
    JobSlotStep => "slot {} {} → {}: {}", "slot {} {} → {}\u{202f}: {}";
    JobWaitJoin => "waiting until every node knows the new one", "attente que tous les nœuds connaissent le nouveau";
    JobLoad => "reading CLUSTER NODES from every node", "lecture de CLUSTER NODES sur chaque nœud";
    KeyTracer => "Key tracer", "Traceur de clé";
    Key => "Key", "Clé";
    Hashed => "Hashed: ", "Haché\u{202f}: ";
    SlotWord => "Slot ", "Slot ";
    OwnerTitle => "Owner (highest configEpoch claiming it)", "Propriétaire (le plus grand configEpoch qui le revendique)";
    Nobody => "nobody", "personne";
    SlotNotCovered => " (slot not covered)", " (slot non couvert)";
    BytesTagged => "Bytes (only the hash tag is hashed)", "Octets (seul le hash tag est haché)";
    BytesWhole => "Bytes (no hash tag: the whole key is hashed)", "Octets (pas de hash tag\u{202f}: toute la clé est hachée)";
    AtAddr => " at {}", " sur {}";
    Legend => "Legend", "Légende";
    MessageTypes => "Message types", "Types de messages";
    NodeShapes => "Node shapes and states", "Formes et états des nœuds";
    Master => "master", "maître";
    Replica => "replica", "réplique";
    ReplicaOf => "replica of {}", "réplique de {}";
    StateCrashed => "crashed", "arrêté";
    StatePaused => "paused", "suspendu";
    StateAsleep => "asleep in DEBUG SLEEP until {}", "endormi par DEBUG SLEEP jusqu'à {}";
    StateFlag => "{} ({} of {})", "{} ({} sur {})";
    LegendPfail => "fail? (PFAIL): dashed ring", "fail? (PFAIL)\u{202f}: anneau en pointillés";
    LegendFail => "FAIL: thick ring and cross", "FAIL\u{202f}: anneau épais et croix";
    NetworkCut => "network cut", "coupure réseau";
    LegendReplication => "replication stream", "flux de réplication";
    LegendMigration => "key migration (MIGRATE)", "migration de clés (MIGRATE)";
    LegendNote => "Messages are drawn slower than they travel: a simulated hop takes 1–3 ms.", "Les messages sont dessinés plus lentement qu'ils ne voyagent\u{202f}: un saut simulé prend 1 à 3\u{a0}ms.";
    SlotMap => "Slot map", "Carte des slots";
    SlotMapSub => " 16384 slots, 256 per row", " 16384 slots, 256 par ligne";
    OwnerDown => "owner down", "propriétaire arrêté";
    Uncovered => "uncovered", "non couvert";
    Migrating => "migrating / importing", "migrating / importing (en migration)";
    TracedKey => "traced key", "clé tracée";
    Crashed => " (crashed)", " (arrêté)";
    MarkCrashed => "✕ crashed", "✕ arrêté";
    MarkPaused => "‖ paused", "‖ suspendu";
    MarkAsleep => "‖ asleep (DEBUG SLEEP)", "‖ endormi (DEBUG SLEEP)";
    Paused => " (paused)", " (suspendu)";
    SlotServedOne => "Slot {}: served by {} ({}){}, {} key", "Slot {}\u{202f}: servi par {} ({}){}, {} clé";
    SlotServedMany => "Slot {}: served by {} ({}){}, {} keys", "Slot {}\u{202f}: servi par {} ({}){}, {} clés";
    SlotUncovered => "Slot {}: not covered by any master", "Slot {}\u{202f}: couvert par aucun maître";
    SlotHover => "Hover or tap a slot, or type its number.", "Survolez ou touchez un slot, ou tapez son numéro.";
    SlotMapLabel => "Slot map: {} owners, {} slots uncovered. The text view lists the ranges.", "Carte des slots\u{202f}: {} propriétaires, {} slots non couverts. La vue texte liste les plages.";
    Timeline => "Timeline", "Chronologie";
    GoToTime => "Go to simulated time", "Aller au temps simulé";
    HideRoutine => "Hide routine events (failure reports, gossip introductions, slot bindings)", "Masquer les évènements de routine (rapports de panne, présentations par gossip, attributions de slots)";
    EventLog => "Event log", "Journal des évènements";
    TextView => "Text view of the cluster", "Vue texte du cluster";
    NodeCol => "node", "nœud";
    AddressCol => "address", "adresse";
    RoleCol => "role", "rôle";
    StateCol => "state", "état";
    RangesByOwner => "Slot ranges by owner", "Plages de slots par propriétaire";
    NetworkCuts => "Network cuts: ", "Coupures réseau\u{202f}: ";
    TwinCaption => "{} nodes, {} running, {} with cluster_state:ok", "{} nœuds, {} en marche, {} avec cluster_state:ok";
    SlotsNotCovered => "{} slots not covered", "{} slots non couverts";
    DrawnInFlight => "{} messages drawn in flight.", "{} messages dessinés en transit.";
    PingTimes => "Ping and pong times are simulated ms here (Redis prints unix ms).", "Les temps de ping et pong sont ici en ms simulées (Redis affiche des ms unix).";
    FailureReports => "Failure reports", "Rapports de panne";
    Election => "Election", "Élection";
    NoElection => "No election: only a replica whose master is FAIL runs one.", "Pas d'élection\u{202f}: seule une réplique dont le maître est FAIL en lance une.";
    RankNote => " (0 = most up-to-date replica, goes first)", " (0 = la réplique la plus à jour, qui passe en premier)";
    VoteRequest => "vote request", "demande de vote";
    ManualFailover => "manual failover", "basculement manuel";
    ElectionKind => "kind", "type";
    VotedFor => "Voted for a replica of: ", "A voté pour une réplique de\u{202f}: ";
    NodeTableOf => "The node table of {}", "La table des nœuds de {}";
    Connected => "connected", "connecté";
    Disconnected => "disconnected", "déconnecté";
    ClusterNodesOn => "CLUSTER NODES on {}", "CLUSTER NODES sur {}";
    SuspectsNobody => "{} suspects nobody. A node is flagged fail? after no PONG for node_timeout ({}).", "{} ne soupçonne personne. Un nœud est marqué fail? après node_timeout sans PONG ({}).";
    NotSuspected => " not suspected here · ", " pas soupçonné ici · ";
    Flagged => " flagged {} · ", " marqué {} · ";
    OfMastersNeeded => "{} of {} masters needed", "{} sur {} maîtres nécessaires";
    ReportsAbout => "failure reports about {}", "rapports de panne sur {}";
    ReportFrom => "report from {}, {} old, expires in {}", "rapport de {}, âgé de {}, expire dans {}";
    Sent => "sent", "envoyée";
    InTime => "in {}", "dans {}";
    OfNeeded => "{} of {} needed", "{} sur {} nécessaires";
    Ago => "{} ({} ago)", "{} (il y a {})";
    ClusterViewTitle => "Cluster view", "Vue du cluster";
    ClusterSummary => "{} nodes: {} running, {} report cluster_state:ok. {} slots uncovered.", "{} nœuds\u{202f}: {} en marche, {} signalent cluster_state:ok. {} slots non couverts.";
    SelectFirst => "Select a node first (click it, or Tab to it and press Enter).",
        "Sélectionnez d'abord un nœud (cliquez dessus, ou Tab puis Entrée).";
    // Narration of cluster events (the caption under the cluster view)
    NarratePfail => "{} flags {} as PFAIL (fail?): no PONG within node_timeout.",
        "{} marque {} PFAIL (fail?)\u{202f}: pas de PONG dans le délai node_timeout.";
    NarrateFail => "{} marks {} as FAIL: {} of {} needed masters agree, and tells everyone.",
        "{} marque {} FAIL\u{202f}: {} maîtres sur les {} nécessaires sont d'accord, et le dit à tous.";
    NarrateFailCleared => "{} clears the FAIL flag of {}: “{}”", "{} retire le drapeau FAIL de {}\u{202f}: «\u{202f}{}\u{202f}»";
    NarrateFailoverStart => "{} schedules an election in {} ms (rank {}) to replace its master.",
        "{} prévoit une élection dans {}\u{a0}ms (rang {}) pour remplacer son maître.";
    NarrateFailoverBlocked => "{} cannot fail over: “{}”", "{} ne peut pas lancer de basculement\u{202f}: «\u{202f}{}\u{202f}»";
    NarrateVoteRequested => "{} asks the masters for votes (FAILOVER_AUTH_REQUEST, epoch {}).",
        "{} demande leurs votes aux maîtres (FAILOVER_AUTH_REQUEST, epoch {}).";
    NarrateVoteGranted => "{} votes for {} in epoch {}.", "{} vote pour {} à l'epoch {}.";
    NarratePromoted => "{} wins the election and becomes a master in place of {} (configEpoch {}).",
        "{} gagne l'élection et devient maître à la place de {} (configEpoch {}).";
    NarrateRole => "{} is now a replica of {}.", "{} est maintenant une réplique de {}.";
    NarrateClusterState => "{} reports cluster_state:{}.", "{} signale cluster_state:{}.";
    NarrateElectionExpired => "{}'s election for epoch {} timed out without a majority.",
        "L'élection de {} pour l'epoch {} a expiré sans majorité.";
    NarrateEpochCollision => "{} and {} had the same configEpoch; {} moves to {}.",
        "{} et {} avaient le même configEpoch\u{202f}; {} passe à {}.";
    NarrateReplicaMigrated => "{} migrates to orphaned master {}.", "{} migre vers le maître orphelin {}.";
    LinkOtherVersion => "This link was made by another version of the simulator: replaying it does not lead to the same moment. Showing the default scenario.",
        "Ce lien a été fait par une autre version du simulateur\u{202f}: le rejouer ne mène pas au même instant. Affichage du scénario par défaut.";
    LinkBad => "This link could not be opened: {}. Showing the default scenario.",
        "Ce lien n'a pas pu être ouvert\u{202f}: {}. Affichage du scénario par défaut.";
    OpenedShared => "Opened a shared run: {} at {}.", "Exécution partagée ouverte\u{202f}: {} à {}.";
    // Keyboard shortcuts
    KeyPlay => "play or pause", "lecture ou pause";
    KeyStep => "step to the next event (in a lesson: Forward)", "aller à l'évènement suivant (dans une leçon\u{202f}: Suivant)";
    KeyBack => "step back one event (in a lesson: Back)", "reculer d'un évènement (dans une leçon\u{202f}: Retour)";
    KeySpeed => "faster / slower", "plus vite / plus lentement";
    KeySelect => "focus a node, select it", "atteindre un nœud, le sélectionner";
    KeyCrash => "crash the selected node", "arrêter le nœud sélectionné";
    KeyRestart => "restart the selected node", "redémarrer le nœud sélectionné";
    KeyPause => "pause or resume the selected node", "suspendre ou reprendre le nœud sélectionné";
    KeyIsolate => "isolate the selected node", "isoler le nœud sélectionné";
    KeyHeal => "heal every network cut", "réparer toutes les coupures réseau";
    KeyConsole => "go to the console", "aller à la console";
    KeyHelp => "show or hide this help", "afficher ou masquer cette aide";
    // Lessons: picker
    Lessons => "Lessons", "Leçons";
    LessonsTitle => "The course", "Le cours";
    LeaveLesson => "Leave the lesson", "Quitter la leçon";
    Close => "Close", "Fermer";
    MarkDone => "done", "terminée";
    MarkStarted => "started", "commencée";
    MarkNew => "not started", "pas commencée";
    Continue => "Continue at step {}", "Reprendre à l'étape {}";
    Export => "Export progress", "Exporter la progression";
    ExportHelp => "Copy this text or download the file; import it on another computer or browser.",
        "Copiez ce texte ou téléchargez le fichier\u{202f}; importez-le sur un autre ordinateur ou navigateur.";
    Download => "Download clusterlab-progress.json", "Télécharger clusterlab-progress.json";
    Import => "Import progress", "Importer une progression";
    ImportHelp => "Paste an exported progress text (or pick its file), then Import. What you already did is kept.",
        "Collez un texte de progression exporté (ou choisissez son fichier), puis Importer. Ce que vous avez déjà fait est conservé.";
    ImportButton => "Import", "Importer";
    ImportFile => "Progress file", "Fichier de progression";
    Imported => "Progress imported: {} lessons.", "Progression importée\u{202f}: {} leçons.";
    ImportBad => "This is not a clusterlab progress export ({}). Nothing was changed.",
        "Ce n'est pas un export de progression clusterlab ({}). Rien n'a été modifié.";
    BadLesson => "This lesson file has an error: {}", "Ce fichier de leçon contient une erreur\u{202f}: {}";
    NoSuchLesson => "There is no lesson “{}” in this course; showing the playground.",
        "Il n'y a pas de leçon «\u{202f}{}\u{202f}» dans ce cours\u{202f}; affichage du bac à sable.";
    LoadingLessonTexts => "Loading lesson texts… {} %", "Chargement des textes des leçons… {}\u{a0}%";
    LessonTextsFailed => "The lesson texts could not be loaded ({}). Open Lessons again to retry.",
        "Les textes des leçons n'ont pas pu être chargés ({}). Rouvrez Leçons pour réessayer.";
    // Why a share link or a progress export could not be read (inside LinkBad, ImportBad)
    LinkNotPreset => "the scenario \"{}\" is not MASTERSxREPLICAS", "le scénario «\u{202f}{}\u{202f}» n'est pas de la forme MAÎTRESxRÉPLIQUES";
    LinkNoMasters => "the scenario \"{}\" has no master count", "le scénario «\u{202f}{}\u{202f}» ne donne pas le nombre de maîtres";
    LinkNoReplicas => "the scenario \"{}\" has no replica count", "le scénario «\u{202f}{}\u{202f}» ne donne pas le nombre de répliques";
    LinkPresetSize => "the scenario {} is outside 1 to {} nodes", "le scénario {} n'a pas entre 1 et {} nœuds";
    LinkVersion => "it was made by another version of the playground ({}; this one reads {})", "il a été fait par une autre version du bac à sable ({}\u{202f}; celle-ci lit {})";
    LinkNotLink => "it is not a playground link", "ce n'est pas un lien du bac à sable";
    LinkNoValue => "the part \"{}\" has no value", "la partie «\u{202f}{}\u{202f}» n'a pas de valeur";
    LinkSeed => "the seed \"{}\" is not a number", "la graine «\u{202f}{}\u{202f}» n'est pas un nombre";
    LinkChecksum => "its checksum \"{}\" is not hexadecimal", "sa somme de contrôle «\u{202f}{}\u{202f}» n'est pas hexadécimale";
    LinkUnknownPart => "it has an unknown part \"{}\"", "il contient une partie inconnue, «\u{202f}{}\u{202f}»";
    LinkNoScenario => "it names no scenario", "il ne nomme aucun scénario";
    LinkNoSeed => "it has no seed", "il n'a pas de graine";
    LinkBadNode => "action {} names a node that does not exist", "l'action {} nomme un nœud qui n'existe pas";
    LinkOrder => "action {} is out of order", "l'action {} n'est pas à sa place dans l'ordre";
    LinkTimeActions => "its time does not match its list of actions", "son instant ne correspond pas à sa liste d'actions";
    LinkTimeBefore => "its time is before its last action", "son instant précède sa dernière action";
    LinkBadTime => "the time \"{}\" is not STEPS.ACTIONS.MS", "l'instant «\u{202f}{}\u{202f}» n'est pas de la forme PAS.ACTIONS.MS";
    LinkBadAction => "the action \"{}\" cannot be read", "l'action «\u{202f}{}\u{202f}» est illisible";
    ProgressEmpty => "the text is empty", "le texte est vide";
    ProgressNoFormat => "no \"format\": \"{}\" field", "pas de champ «\u{202f}format\u{202f}» valant «\u{202f}{}\u{202f}»";
    ProgressContent => "unexpected content: {}", "contenu inattendu\u{202f}: {}";
    ProgressNewer => "made by a newer clusterlab (version {}, this one reads {})", "fait par un clusterlab plus récent (version {}, celui-ci lit la {})";
    // Lessons: player
    LessonOf => "Lesson {} of {}", "Leçon {} sur {}";
    LessonNav => "Lesson navigation", "Navigation dans la leçon";
    Back => "Back", "Retour";
    Forward => "Forward", "Suivant";
    Position => "Step {} of {}", "Étape {} sur {}";
    RunBlock => "Run", "Exécuter";
    RunAgain => "Run again", "Exécuter à nouveau";
    Objectives => "Objectives", "Objectifs";
    Objective => "Objective", "Objectif";
    ObjectiveMet => "met", "atteint";
    ObjectiveOpen => "not yet", "pas encore";
    ObjectiveFailed => "failed: go Back or start again", "échoué\u{202f}: revenez en arrière ou recommencez";
    WhyNot => "Why not yet: {}", "Pourquoi pas encore\u{202f}: {}";
    Observed => "Now: {}", "Actuellement\u{202f}: {}";
    AllMet => "Every objective is met. Well done!", "Tous les objectifs sont atteints. Bravo\u{202f}!";
    NextHint => "Show a hint", "Afficher un indice";
    MoreHint => "Another hint", "Un autre indice";
    NoMoreHints => "No more hints: the solution is next.", "Plus d'indices\u{202f}: la solution est la suite.";
    Hint => "Hint {} of {}", "Indice {} sur {}";
    ShowSolution => "Show the solution", "Afficher la solution";
    SolutionConfirm => "Show the solution? It plays these steps on your cluster; try the hints first.",
        "Afficher la solution\u{202f}? Elle joue ces étapes sur votre cluster\u{202f}; essayez d'abord les indices.";
    SolutionYes => "Yes, play the solution", "Oui, jouer la solution";
    Cancel => "Cancel", "Annuler";
    SolutionTitle => "Solution", "Solution";
    SolutionProgress => "Playing the solution… step {} of {}, {} simulated",
        "Lecture de la solution… étape {} sur {}, {} de temps simulé";
    RunProgress => "Running {}… {} simulated", "Exécution de {}… {} de temps simulé";
    SolutionDone => "The solution played ({} s simulated).", "La solution a été jouée ({}\u{a0}s simulées).";
    ScenarioPending => "Press Forward to play this step.", "Appuyez sur Suivant pour jouer cette étape.";
    Right => "Right.", "Exact.";
    Wrong => "Not quite.", "Pas tout à fait.";
    // Lessons: the cluster side
    Actions => "Actions", "Actions";
    SelectNode => "Select a node (click it, or Tab to it and press Enter) to act on it.",
        "Sélectionnez un nœud (cliquez dessus, ou Tab puis Entrée) pour agir dessus.";
    OnNode => "On {}:", "Sur {}\u{202f}:";
    Kill => "kill", "kill";
    PauseNode => "pause", "pause";
    Resume => "resume", "resume";
    Restart => "restart", "restart";
    Failover => "failover", "failover";
    Heal => "heal", "heal";
    TimePasses => "Let time pass:", "Laisser passer le temps\u{202f}:";
    SimTime => "Simulated time: {}", "Temps simulé\u{202f}: {}";
    Allowed => "This lesson allows: {}", "Cette leçon permet\u{202f}: {}";
    AllowedAll => "This lesson allows every action and command.", "Cette leçon permet toutes les actions et commandes.";
    NotAllowed => "(error) `{}` is not part of this lesson. Allowed: {}",
        "(error) `{}` ne fait pas partie de cette leçon. Permis\u{202f}: {}";
    NotAllowedTitle => "Not part of this lesson", "Ne fait pas partie de cette leçon";
    Console => "Console", "Console";
    ConsoleHelp => "Redis commands go to the chosen node (`B> GET k` picks another); steps like `kill A`, `run 5s`, `partition A / B,C` work too; `HELP` says what this lesson allows.",
        "Les commandes Redis vont au nœud choisi (`B> GET k` en choisit un autre)\u{202f}; les étapes comme `kill A`, `run 5s`, `partition A / B,C` marchent aussi\u{202f}; `HELP` dit ce que cette leçon permet.";
    ConsoleTarget => "Send to", "Envoyer à";
    Messages => "Messages on the wire", "Messages en transit";
    NoMessages => "No message in flight.", "Aucun message en transit.";
    FlightText => "{} {} → {}, arrives at {}", "{} {} → {}, arrive à {}";
    Jobs => "redis-cli jobs", "Tâches redis-cli";
    Done => "done", "fait";
    // Plots (experiments computed in the page)
    PlotConvergence => "Gossip convergence vs cluster size", "Convergence du gossip selon la taille du cluster";
    PlotFailover => "Failover time vs cluster-node-timeout", "Durée du basculement selon cluster-node-timeout";
    XMasters => "masters", "maîtres";
    XNodeTimeout => "cluster-node-timeout (s)", "cluster-node-timeout (en s)";
    YSeconds => "seconds", "secondes";
    YFlags => "flags per minute", "marquages par minute";
    SeriesKnown => "every node knows the new node", "tous les nœuds connaissent le nouveau nœud";
    SeriesFailAgreed => "FAIL agreed", "FAIL décidé";
    SeriesPromoted => "replica promoted", "réplique promue";
    SeriesNewOwner => "every node sees the new owner", "tous les nœuds voient le nouveau propriétaire";
    SeriesFalsePfail => "false PFAIL flags", "faux marquages PFAIL";
    SeriesFalseFail => "false FAIL flags", "faux marquages FAIL";
    TimeoutGuide => "y = node timeout", "y = délai node timeout";
    PlotBusCost => "Bus traffic vs cluster size", "Trafic du bus selon la taille du cluster";
    XNodes => "nodes", "nœuds";
    YPerSecond => "messages per second", "messages par seconde";
    YKilobytes => "kB per second", "ko par seconde";
    YMegabytes => "MB per second", "Mo par seconde";
    SeriesBusPerNode => "bus traffic sent per node", "trafic du bus envoyé par nœud";
    SeriesBusTotal => "bus traffic, whole cluster", "trafic du bus, cluster entier";
    SeriesPingsPerNode => "PINGs + PONGs sent per node", "PING + PONG envoyés par nœud";
    SeriesFailEverywhere => "every node flags the dead master FAIL", "tous les nœuds marquent le maître mort FAIL";
    GuideBusFloor => "Redis's rules, floor: one PING a second", "règles de Redis, plancher\u{202f}: un PING par seconde";
    GuideBusCeiling => "Redis's rules, ceiling: every peer each node timeout / 2 ({} s)",
        "règles de Redis, plafond\u{202f}: chaque pair toutes les node timeout / 2 ({}\u{a0}s)";
    GuidePingFloor => "floor: 1 PING + 1 PONG a second", "plancher\u{202f}: 1 PING + 1 PONG par seconde";
    GuidePingCeiling => "ceiling: every peer each node timeout / 2 ({} s)",
        "plafond\u{202f}: chaque pair toutes les node timeout / 2 ({}\u{a0}s)";
    ChartTitle => "{}: {}", "{}\u{202f}: {}";
    PointText => "{}: {} {}, median {}{} (min {}, max {}) over {} runs",
        "{}\u{202f}: {} {}, médiane {}{} (min {}, max {}) sur {} exécutions";
    PlotTable => "Table: median (min–max)", "Tableau\u{202f}: médiane (min–max)";
    RunExperiment => "Run the experiment", "Lancer l'expérience";
    RunExperimentAgain => "Run again", "Relancer";
    RunsDoneLabel => "runs done", "exécutions terminées";
    RunsProgress => "{} of {} runs", "{} exécutions sur {}";
    RunsDone => "done: {} runs", "terminé\u{202f}: {} exécutions";
    ExplainConvergence => "A new node is MEET'ed into one node of a formed cluster (no replicas, node timeout 15 s); the others learn of it only from gossip sections. Each point: the time until every node knows it, over 5 seeds (median, whisker from min to max). Each node pings about one peer a second, so seconds are roughly heartbeat rounds.",
        "Un nouveau nœud est présenté par MEET à un nœud d'un cluster déjà formé (sans répliques, délai node timeout de 15\u{a0}s)\u{202f}; les autres ne l'apprennent que par les sections gossip. Chaque point\u{202f}: le temps qu'il faut pour que tous les nœuds le connaissent, sur 5 graines (médiane, moustache du min au max). Chaque nœud envoie un ping à environ un pair par seconde\u{202f}: une seconde correspond à peu près à un tour de battements de cœur.";
    ExplainFailover => "3 masters with a replica each. Top: master A is killed; the time until a majority agrees it FAILed, until A1 is promoted, and until every node maps A's slots to A1. Bottom: one minute of a healthy cluster on a network with up to 400 ms latency spikes and 1% loss: every PFAIL or FAIL flag raised there is false.",
        "3 maîtres avec une réplique chacun. En haut\u{202f}: le maître A est arrêté\u{202f}; le temps qu'il faut pour qu'une majorité le déclare FAIL, pour que A1 soit promu, puis pour que tous les nœuds attribuent les slots de A à A1. En bas\u{202f}: une minute d'un cluster sain sur un réseau avec des pics de latence jusqu'à 400\u{a0}ms et 1\u{a0}% de pertes\u{202f}: tout marquage PFAIL ou FAIL levé là est faux.";
    ExplainBusCost => "Clusters of 6 to 500 nodes (half masters, one replica each, node timeout 15 s), started formed. Over one node timeout of a healthy cluster: the bus bytes and the PINGs + PONGs each node sends. Then a master is killed: the time until every other node flags it FAIL. Every message carries a 2256-byte header (2048 bytes of it the slot bitmap) and max(3, N/10) gossip entries of 104 bytes; each node PINGs one random peer a second, plus any peer it has not heard from for half the node timeout. The dashed lines are those rules: the floor (one PING a second) and the ceiling (every peer each node timeout / 2). 3 seeds per size (median, whisker from min to max); the big clusters take minutes. 1000 nodes need more memory than a page has (their start holds a million PINGs in flight): measured natively, each node sends about 3.2 MB/s, the cluster 3.2 GB/s.",
        "Des clusters de 6 à 500 nœuds (moitié de maîtres, une réplique chacun, délai node timeout de 15\u{a0}s), démarrés déjà formés. Pendant un délai node timeout d'un cluster sain\u{202f}: les octets du bus et les PING + PONG que chaque nœud envoie. Puis un maître est arrêté\u{202f}: le temps qu'il faut pour que tous les autres nœuds le marquent FAIL. Chaque message porte un en-tête de 2256\u{a0}octets (dont 2048 pour la table des slots) et max(3, N/10) entrées gossip de 104\u{a0}octets\u{202f}; chaque nœud envoie un PING à un pair tiré au hasard chaque seconde, plus à tout pair dont il n'a pas eu de nouvelles depuis la moitié du délai node timeout. Les lignes en tirets sont ces règles\u{202f}: le plancher (un PING par seconde) et le plafond (chaque pair toutes les node timeout / 2). 3 graines par taille (médiane, moustache du min au max)\u{202f}; les grands clusters prennent quelques minutes. 1000 nœuds demandent plus de mémoire qu'une page n'en a (leur démarrage met un million de PING en vol)\u{202f}: mesuré en natif, chaque nœud envoie environ 3,2\u{a0}Mo/s, le cluster 3,2\u{a0}Go/s.";
    Experiments => "Experiments", "Expériences";
    ExperimentsSub => " many simulated runs, plotted", " de nombreuses exécutions simulées, en courbes";
    WhichExperiment => "Which experiment", "Quelle expérience";
    // Comparing a native trace with the simulator
    TraceTitle => "Compare a real run", "Comparer avec une vraie exécution";
    TraceSub => " a native --trace file next to the simulator", " un fichier --trace natif face au simulateur";
    TraceIntro => "Import the JSON lines that clusterlab-node nodes write with ", "Importez les lignes JSON qu'écrivent les nœuds clusterlab-node lancés avec ";
    TraceIntroEnd => " (merged, with the operator's kill line: see scripts/record-native-trace.sh). The simulator runs the same cluster, node timeout and kill, and both runs are lined up on the kill.",
        " (fusionnées, avec la ligne kill de l'opérateur\u{202f}: voir scripts/record-native-trace.sh). Le simulateur exécute le même cluster, avec le même délai node timeout et le même kill, et les deux exécutions sont alignées sur le kill.";
    TraceFile => "Trace file ", "Fichier de trace ";
    TraceDrop => " or drop it here", " ou déposez-le ici";
    TracePaste => "…or paste its lines", "…ou collez ses lignes";
    TraceLines => "trace lines", "lignes de trace";
    TracePasteGo => "Compare pasted lines", "Comparer les lignes collées";
    PastedText => "pasted text", "texte collé";
    TraceSeed => "Simulation seed ", "Graine de la simulation ";
    TraceTooBig => "{}: larger than 20 MB, not a failover trace", "{}\u{202f}: plus de 20\u{a0}Mo, ce n'est pas une trace de basculement";
    TraceUnreadable => "{}: the browser could not read the file as text", "{}\u{202f}: le navigateur n'a pas pu lire le fichier comme du texte";
    TraceSummary => "{}: {} masters with {} replica(s) each, cluster-node-timeout {} ms; master {}{} killed{}. Simulated the same with seed {}.",
        "{}\u{202f}: {} maîtres avec {} réplique(s) chacun, cluster-node-timeout {}\u{a0}ms\u{202f}; maître {}{} arrêté{}. Même scénario simulé avec la graine {}.";
    TraceKillEstimated => " (no kill line: placed node timeout before the first PFAIL)", " (pas de ligne kill\u{202f}: placé un délai node timeout avant le premier PFAIL)";
    TraceEventsTitle => "Why did each event happen?", "Pourquoi chaque évènement\u{202f}?";
    TraceEventsHint => "The imported run's events (routine ones left out), worded as the playground's log. Why? shows the Redis rule behind one, the numbers that decided it and its causes, linked within this file. A trace written before events carried those numbers is explained without them; times count from the file's first line.",
        "Les évènements de l'exécution importée (sans les routiniers), dits comme dans le journal du bac à sable. Pourquoi\u{202f}? montre la règle de Redis derrière l'un d'eux, les nombres qui l'ont décidé et ses causes, liées dans ce fichier. Une trace écrite avant que les évènements portent ces nombres est expliquée sans eux\u{202f}; les heures comptent depuis la première ligne du fichier.";
    TraceNames => "Nodes are named as the simulator names them: masters A, B, C… in port order, each master's replicas A1, A2…; in the file: {}.",
        "Les nœuds sont nommés comme le simulateur les nomme\u{202f}: maîtres A, B, C… dans l'ordre des ports, répliques de chaque maître A1, A2…\u{202f}; dans le fichier\u{202f}: {}.";
    TraceEventsError => "{}: its events cannot be explained: {}", "{}\u{202f}: ses évènements ne peuvent pas être expliqués\u{202f}: {}";
    WhyButton => "Why?", "Pourquoi\u{202f}?";
    TraceTimeline => "Recorded and simulated failover, seconds after the kill", "Basculement enregistré et simulé, en secondes après le kill";
    KeyVotes => "election, votes", "élection, votes";
    KeyPromoted => "promoted", "promue";
    AfterKill => "After the kill", "Après le kill";
    MomentCol => "moment", "moment";
    Recorded => "recorded", "enregistré";
    Simulated => "simulated", "simulé";
    SimMinusRec => "simulated − recorded", "simulé − enregistré";
    BothRunsEvents => "Events, both runs", "Évènements des deux exécutions";
    MomentPfail => "first node flags it PFAIL", "premier nœud à le marquer PFAIL";
    MomentFail => "FAIL agreed (first node)", "FAIL décidé (premier nœud)";
    MomentFailAll => "every live node flags it FAIL", "tous les nœuds en marche le marquent FAIL";
    MomentFailoverStart => "replica schedules its election", "la réplique planifie son élection";
    MomentVoteRequested => "replica asks for votes", "la réplique demande des votes";
    MomentPromoted => "replica promoted", "réplique promue";
    ShowSteps => "Show steps", "Afficher les étapes";
    HideSteps => "Hide steps", "Masquer les étapes";
    StepAt => "at {}: {}", "à {} : {}";
    StepNext => "Next: {}", "Ensuite : {}";
    QuizGate => "Answer the question first: commit to a prediction, then watch what really happens.",
        "Répondez d’abord à la question : engagez-vous sur une prédiction, puis regardez ce qui se passe vraiment.";
    PickNodeTip => "Answer by clicking the node in the cluster view, or below.", "Répondez en cliquant sur le nœud dans la vue du cluster, ou ci-dessous.";
    WhyTitle => "Why did it happen?",
        "Pourquoi ?";
    WhyHint => "Select an event in the event log, the sequence diagram or a node's recent events to see the Redis rule behind it, the numbers that decided it and what caused it.",
        "Sélectionnez un évènement dans le journal, le diagramme de séquence ou les derniers évènements d'un nœud pour voir la règle de Redis qui l'a produit, les nombres qui l'ont décidé et ce qui l'a causé.";
    WhyExplain => "Why? Explain this event",
        "Pourquoi ? Expliquer cet évènement";
    WhyRule => "Redis rule, in cluster.c:",
        "Règle de Redis, dans cluster.c :";
    WhyNoRule => "No rule of its own: an epoch changes as a side effect of the event before it.",
        "Pas de règle propre : un epoch change par effet de bord de l'évènement précédent.";
    WhyCauses => "Caused by",
        "Causé par";
    WhyNoCause => "No earlier event of this run is recorded as its cause.",
        "Aucun évènement antérieur de cette exécution n'est enregistré comme sa cause.";
    WhyFollow => "Explain this earlier event",
        "Expliquer cet évènement antérieur";
    WhyRootFault => "The fault at the root: {}",
        "La panne à l'origine : {}";
    WhyClose => "Close",
        "Fermer";
    WhyRecent => "Recent events of {} (select one to see why)",
        "Derniers évènements de {} (sélectionnez-en un pour voir pourquoi)";
    WhyMarks => "State changes in view (select one to see why)",
        "Changements d'état visibles (sélectionnez-en un pour voir pourquoi)";
    WhyFaultKill => "{}: {} was killed (kill -9)",
        "{} : {} a été tué (kill -9)";
    WhyFaultPause => "{}: {} was paused (kill -STOP)",
        "{} : {} a été suspendu (kill -STOP)";
    WhyFaultPartition => "{}: network partition {}",
        "{} : partition réseau {}";
    WhyFaultCut => "{}: one-way cut {} → {}",
        "{} : coupure à sens unique {} → {}";
    WhyFaultLoss => "{}: {} of the messages lost",
        "{} : {} des messages perdus";
    WhyPingUnanswered => "{} sent a PING at {} that {} has not answered, and heard nothing from it for {}: more than node_timeout ({}), so it flags it PFAIL.",
        "{} a envoyé, à {}, un PING auquel {} n'a pas répondu, et n'en a rien reçu depuis {} : plus que node_timeout ({}), il le marque donc PFAIL.";
    WhyOwnPfail => "{} itself has flagged {} PFAIL since {}.",
        "{} a lui-même marqué {} PFAIL depuis {}.";
    WhyReport => "Failure report from master {}, last refreshed at {}.",
        "Rapport de panne du maître {}, renouvelé pour la dernière fois à {}.";
    WhyQuorum => "{} masters agree; {} needed (a majority of the slot-serving masters). {} is a replica: it does not count itself.",
        "{} maîtres sont d'accord ; il en faut {} (la majorité des maîtres qui servent des slots). {} est une réplique : elle ne se compte pas.";
    WhyQuorumWithMe => "{} masters agree, itself included; {} needed (a majority of the slot-serving masters). {} is a master: its own PFAIL counts.",
        "{} maîtres sont d'accord, lui compris ; il en faut {} (la majorité des maîtres qui servent des slots). {} est un maître : son propre PFAIL compte.";
    WhyFailMessage => "A FAIL message from {} forced the flag: the sender had counted the majority, so nothing is counted here.",
        "Un message FAIL de {} a imposé le drapeau : l'émetteur avait compté la majorité, rien n'est recompté ici.";
    WhyGossiped => "Master {} flagged {} as failing in the gossip section of a message it sent here.",
        "Le maître {} a signalé {} comme défaillant dans la section gossip d'un message envoyé ici.";
    WhyElectionDelay => "{} waited {} = {} fixed + {} random + {} × {} for rank {} (replicas with a larger replication offset rank first; its offset was {}).",
        "{} a attendu {} = {} fixes + {} aléatoires + {} × {} pour le rang {} (les répliques à l'offset de réplication plus grand passent d'abord ; son offset était {}).";
    WhyManualStart => "Manual failover (CLUSTER FAILOVER): the election starts at once, rank 0, no delay.",
        "Basculement manuel (CLUSTER FAILOVER) : l'élection démarre aussitôt, rang 0, sans délai.";
    WhyEpoch => "Election epoch: {}.",
        "Epoch de l'élection : {}.";
    WhyMasterFailing => "{}, the master to replace, is flagged FAIL in {}'s view.",
        "{}, le maître à remplacer, est marqué FAIL du point de vue de {}.";
    WhyVotes => "{} votes of the {} needed (a majority of the slot-serving masters).",
        "{} votes sur les {} nécessaires (la majorité des maîtres qui servent des slots).";
    WhyRedisSays => "Redis logs: “{}”",
        "Redis écrit dans son journal : « {} »";
    WhyReachable => "{} of {} slot-serving masters reachable (majority: {}).",
        "{} maîtres sur {} qui servent des slots sont joignables (majorité : {}).";
    WhyUnassigned => "{} slots have no owner.",
        "{} slots n'ont pas de propriétaire.";
    WhyFailedOwner => "{} is FAIL and still owns slots (cluster-require-full-coverage yes).",
        "{} est FAIL et possède encore des slots (cluster-require-full-coverage yes).";
    WhyStateOk => "So cluster_state is ok.",
        "Donc cluster_state vaut ok.";
    WhyStateFail => "So cluster_state is fail: this node refuses queries with CLUSTERDOWN.",
        "Donc cluster_state vaut fail : ce nœud refuse les requêtes avec CLUSTERDOWN.";
    WhyCollision => "{} and {} both had configEpoch {}; {} has the smaller node ID, so it takes the new epoch {}.",
        "{} et {} avaient tous deux le configEpoch {} ; {} a le plus petit ID de nœud, il prend donc le nouvel epoch {}.";
    // A lesson's sequence diagram, stepped event by event
    SequenceTitle => "Messages", "Messages";
    SequenceSub => " the last {} of simulated time, by node", " les {} de temps simulé les plus récents, par nœud";
    SequenceLabel => "Sequence diagram: {}.", "Diagramme de séquence\u{202f}: {}.";
    SequenceEmpty => "no messages", "aucun message";
    SeqPrev => "Previous event", "Évènement précédent";
    SeqNext => "Next event", "Évènement suivant";
    SeqHelp => "Step through the state changes and the messages that carry a decision; the selected one is circled.",
        "Parcourez les changements d'état et les messages porteurs d'une décision\u{202f}; celui qui est sélectionné est entouré.";
    SeqStopOf => "Event {} of {}", "Évènement {} sur {}";
    SeqMessage => "{} from {} to {}: sent at {}, delivered at {}", "{} de {} à {}\u{202f}: envoyé à {}, reçu à {}";
    SeqMessageFlying => "{} from {} to {}: sent at {}, still on the wire", "{} de {} à {}\u{202f}: envoyé à {}, encore en transit";
    AtTime => "{}: {}", "{}\u{202f}: {}";
    NarrateFailHeard => "{} marks {} as FAIL: {} told it so (a FAIL message).",
        "{} marque {} FAIL\u{202f}: {} le lui a annoncé (un message FAIL).";
    NarrateFailFlag => "{} marks {} as FAIL.", "{} marque {} FAIL.";
    // The event log: every other trace entry as a sentence (Redis's own log texts quoted)
    LogMeet => "{} sends a MEET to {}.", "{} envoie un MEET à {}.";
    LogNodeAdded => "{} adds {} to its table of nodes.", "{} ajoute {} à sa table des nœuds.";
    LogNodeRemoved => "{} forgets {}.", "{} oublie {}.";
    LogPfailCleared => "{} hears from {} again and clears its PFAIL flag.",
        "{} a de nouveau des nouvelles de {} et retire son drapeau PFAIL.";
    LogFailReport => "{} notes that {} reports {} as failing.", "{} note que {} signale {} en panne.";
    LogVoteDenied => "{} refuses its vote to {}: “{}”", "{} refuse son vote à {}\u{202f}: «\u{202f}{}\u{202f}»";
    LogVoteReceived => "{} gets the vote of {} ({} of {} needed).", "{} reçoit le vote de {} ({} sur {} nécessaires).";
    LogEpoch => "{} now has currentEpoch {} and configEpoch {}.", "{} a maintenant currentEpoch {} et configEpoch {}.";
    LogSlotOwner => "{} learns that {} serves slots {}.", "{} apprend que {} sert les slots {}.";
    LogRoleMaster => "{} is now a master.", "{} est maintenant un maître.";
    LogUpdateSent => "{} sends an UPDATE about {} to {}.", "{} envoie un UPDATE sur {} à {}.";
    LogManualFailover => "{} (manual failover): “{}”", "{} (basculement manuel)\u{202f}: «\u{202f}{}\u{202f}»";
    // A lesson's client panel
    ClientTitle => "Client slot cache", "Cache des slots du client";
    ClientSub => " what a redis-py-like client believes, next to the cluster", " ce que croit un client du type redis-py, face au cluster";
    ClientNone => "No client yet: a `client` step (`client SET k v`) makes one, and it loads the slot map with CLUSTER SLOTS.",
        "Pas encore de client\u{202f}: une étape `client` (`client SET k v`) en crée un, qui charge la carte des slots avec CLUSTER SLOTS.";
    ClientCounters => "{} MOVED, {} ASK, {} slot map loads (CLUSTER SLOTS), {} commands done",
        "{} MOVED, {} ASK, {} chargements de la carte (CLUSTER SLOTS), {} commandes terminées";
    ClientStale => "{} slots are stale: a command there is redirected with MOVED.",
        "{} slots périmés\u{202f}: une commande sur l'un d'eux est redirigée par MOVED.";
    ClientFresh => "Every cached slot points at its owner.", "Chaque slot en cache pointe vers son propriétaire.";
    ColSlots => "slots", "slots";
    ColClient => "client believes", "le client croit";
    ColCluster => "owner now", "propriétaire actuel";
    Unknown => "unknown", "inconnu";
    MoreRanges => "… and {} more ranges", "… et {} autres plages";
    // Scrubbing a lesson's timeline
    ViewingPast => "Showing the cluster at {} (the lesson is at {}).", "Affichage du cluster à {} (la leçon est à {}).";
    BackToNow => "Back to now", "Revenir au présent";
    // What an objective's check sees now
    SeenPromotedYes => "{} promoted: yes", "{} promu\u{202f}: oui";
    SeenPromotedNo => "{} promoted: not yet", "{} promu\u{202f}: pas encore";
    SeenEvents => "{} such events", "{} évènements de ce type";
    SeenJobsDone => "jobs done", "tâches terminées";
    SeenJobsRunning => "jobs running", "tâches en cours";
    SeenUp => "{} is up", "{} est en marche";
    SeenDown => "{} is down", "{} est arrêté";
    SeenValue => "{} is {}", "{} vaut {}";
    SeenNone => "none", "aucun";
    SeenDisputed => "disputed (the nodes disagree)", "contesté (les nœuds ne sont pas d'accord)";
    SeenMaster => "master", "maître";
    SeenReplica => "replica", "réplique";
    SeenProcessDown => "down", "arrêté";
    SeenUnknown => "unknown", "inconnu";
    SeenNoNode => "there is no node {}", "il n'y a pas (encore) de nœud {}";
    // The lesson engine's errors (clusterlab_core::lesson), English as the core words them:
    // `view_model::errors` recognises them and gives the French.
    ErrDuration => "expected a duration like 500ms or 20s, found `{}`", "une durée comme `500ms` ou `20s` était attendue, trouvé `{}`";
    ErrQuote => "unclosed double quote", "guillemet double non fermé";
    ErrOneNode => "`{}` takes one node name, e.g. `{}`", "`{}` prend un nom de nœud, par exemple `{}`";
    ErrNeedsCommand => "`{}>` needs a command", "`{}>` attend une commande";
    ErrEmptyStep => "empty step", "étape vide";
    ErrPartition => "`partition` wants groups like `A,A1 / B,C`", "`partition` attend des groupes comme `A,A1 / B,C`";
    ErrCut => "`cut` wants `from>to`, e.g. `cut A>B`", "`cut` attend `de>vers`, par exemple `cut A>B`";
    ErrFailoverMode => "`failover`: unknown mode `{}` (force, takeover)", "`failover`\u{202f}: mode inconnu `{}` (force, takeover)";
    ErrFailoverWants => "`failover` wants a replica, e.g. `failover A1 force`", "`failover` attend une réplique, par exemple `failover A1 force`";
    ErrRun => "`run` wants a duration, e.g. `run 20s`", "`run` attend une durée, par exemple `run 20s`";
    ErrWithin => "`within` wants one duration", "`within` attend une seule durée";
    ErrSlotCount => "`reshard`: `{}` is not a slot count", "`reshard`\u{202f}: `{}` n'est pas un nombre de slots";
    ErrReshard => "`reshard` wants `FROM -> TO COUNT`, e.g. `reshard A -> D 100`", "`reshard` attend `DE -> VERS NOMBRE`, par exemple `reshard A -> D 100`";
    ErrUnknownStep => "unknown step `{}` (kill, pause, resume, restart, partition, cut, heal, failover, run, wait, client, reshard, add-node, add-replica, rebalance, or `A> COMMAND`)",
        "étape inconnue `{}` (`kill`, `pause`, `resume`, `restart`, `partition`, `cut`, `heal`, `failover`, `run`, `wait`, `client`, `reshard`, `add-node`, `add-replica`, `rebalance` ou `A> COMMANDE`)";
    ErrNoNode => "there is no node {}", "il n'y a pas de nœud {}";
    ErrPaused => "{} is paused (SIGSTOP): no reply until it is resumed", "{} est suspendu (SIGSTOP)\u{202f}: pas de réponse avant sa reprise";
    ErrNoAnswer => "{} did not answer within 10 s", "{} n'a pas répondu en 10\u{a0}s";
    ErrClientNoAnswer => "the client got no answer within 30 s", "le client n'a pas eu de réponse en 30\u{a0}s";
    ClientErrorPrefix => "(client error)", "(erreur du client)";
    ErrClientTtl => "TTL exhausted: redirected or retried too many times",
        "TTL épuisé\u{202f}: redirigé ou réessayé trop de fois";
    ErrClientSlot => "slot {} is not covered by the cluster", "le slot {} n'est couvert par aucun nœud du cluster";
    ErrClientCrossSlot => "keys in request don't hash to the same slot",
        "les clés de la requête ne tombent pas dans le même slot";
    ErrClientUnreachable => "could not connect to {}", "connexion impossible à {}";
    ErrClientNoNode => "no startup node answered CLUSTER SLOTS", "aucun nœud de départ n'a répondu à CLUSTER SLOTS";
    ErrNotRunning => "node {} is not running", "le nœud {} n'est pas en marche";
    ErrEmptyLine => "empty line", "ligne vide";
    ErrBuilding => "building the cluster: {}", "construction du cluster\u{202f}: {}";
    ErrJobFailed => "{} failed: {}", "{} a échoué\u{202f}: {}";
    ErrStillWaiting => "still waiting after {} ms ({})", "toujours en attente après {}\u{a0}ms ({})";
    // A --trace file's errors (clusterlab_core::trace_file), recognised the same way.
    FileError => "{}: {}", "{}\u{202f}: {}";
    ErrTraceLine => "line {}: {}", "ligne {}\u{202f}: {}";
    ErrNotJson => "not JSON ({})", "pas du JSON ({})";
    // serde_json's syntax errors inside "not JSON (…)": the English is serde's own wording
    JsonExpectedValue => "expected value", "une valeur était attendue";
    JsonExpectedIdent => "expected ident", "mot inconnu (true, false ou null attendu)";
    JsonExpected => "expected {} or {}", "{} ou {} attendu";
    JsonExpectedOne => "expected {}", "{} attendu";
    JsonEofValue => "EOF while parsing a value", "le texte s'arrête au milieu d'une valeur";
    JsonEofObject => "EOF while parsing an object", "le texte s'arrête au milieu d'un objet";
    JsonEofString => "EOF while parsing a string", "le texte s'arrête au milieu d'une chaîne";
    JsonEofList => "EOF while parsing a list", "le texte s'arrête au milieu d'une liste";
    JsonTrailing => "trailing characters", "caractères en trop après la valeur";
    JsonKeyString => "key must be a string", "une clé doit être une chaîne";
    JsonNumber => "invalid number", "nombre invalide";
    JsonEscape => "invalid escape", "séquence d'échappement invalide";
    JsonSyntax => "invalid JSON", "syntaxe JSON invalide";
    JsonColumn => "{} at column {}", "{}, colonne {}";
    ErrTms => "`t_ms` must be a non-negative integer, found {}", "`t_ms` doit être un entier positif ou nul, trouvé {}";
    ErrMissingField => "missing `{}`", "`{}` manque";
    ErrNotString => "`{}` must be a non-empty string, found {}", "`{}` doit être une chaîne non vide, trouvé {}";
    ErrUnknownEvent => "unknown event `{}`", "évènement inconnu `{}`";
    ErrNoLines => "the file holds no trace lines", "le fichier ne contient aucune ligne de trace";
    ErrTimeouts => "the nodes ran with different node timeouts: {} ms", "les nœuds tournaient avec des délais node timeout différents\u{202f}: {}\u{a0}ms";
    ErrNoTimeout => "the trace does not say the node timeout (no `formed` or `start` line)", "la trace ne donne pas le délai node timeout (pas de ligne `formed` ni `start`)";
    ErrNoKill => "the trace has no `kill` line and no node was flagged FAIL: no failover to compare", "la trace n'a pas de ligne `kill` et aucun nœud n'a été marqué FAIL\u{202f}: aucun basculement à comparer";
    ErrFailNoPfail => "{} was flagged FAIL without a PFAIL first", "{} a été marqué FAIL sans PFAIL auparavant";
    ErrFormedNo => "`formed` has no `{}`", "`formed` n'a pas de `{}`";
    ErrKilledNotIn => "the killed node {} is not in a {} cluster", "le nœud arrêté {} n'est pas dans un cluster {}";
    ErrKilledNoStart => "the killed node {} has no `start` line", "le nœud arrêté {} n'a pas de ligne `start`";
    ErrStartNoPort => "`start` has no `port`", "`start` n'a pas de `port`";
    ErrOrphanReplicas => "some replicas replicate a node that has no `start` line", "des répliques répliquent un nœud qui n'a pas de ligne `start`";
    ErrUneven => "masters have different numbers of replicas ({}); the simulator builds even clusters", "les maîtres ont des nombres de répliques différents ({})\u{202f}; le simulateur ne construit que des clusters réguliers";
    ErrCliUsage => "this console's redis-cli runs {} (fix also takes {}; other redis-cli work is a lesson step: reshard, rebalance, add-node)",
        "le redis-cli de cette console lance {} (fix accepte aussi {}\u{202f}; le reste du travail de redis-cli est une étape de leçon\u{202f}: reshard, rebalance, add-node)";
    ErrCliAddr => "[ERR] Invalid arguments: `{}` is not host:port, e.g. 127.0.0.1:7000",
        "[ERR] Arguments invalides\u{202f}: `{}` n'est pas de la forme hôte:port, par exemple 127.0.0.1:7000";
    ErrNoSimNode => "no node {} in the simulation", "pas de nœud {} dans la simulation";
    // The beliefs panel's node table (CLUSTER NODES fields, named in the reader's language)
    ColFlags => "flags", "drapeaux";
    ColMaster => "master", "maître";
    ColPingSent => "ping sent", "ping envoyé";
    ColPongAge => "pong age", "âge du pong";
    ColEpoch => "epoch", "epoch";
    ColLink => "link", "lien";
    DiffersFromTruth => "≠ truth: {}", "≠ réalité\u{202f}: {}";
    Rank => "rank", "rang";
    PauseToDrop => "Pause (or step) to see the messages on the wire and drop one.",
        "Mettez en pause (ou avancez pas à pas) pour voir les messages en transit et en supprimer un.";
    // Where a node's belief differs from the truth, and its FAIL verdict
    DiffReallyMaster => "{} is really a master", "{} est en réalité un maître";
    DiffReallyReplica => "{} is really a replica", "{} est en réalité une réplique";
    DiffCrashedUnflagged => "{} is crashed but not flagged yet", "{} est arrêté mais pas encore marqué";
    DiffPausedUnflagged => "{} is paused but not flagged yet", "{} est suspendu mais pas encore marqué";
    DiffRunning => "{} is actually running", "{} tourne en réalité";
    DiffEpoch => "its configEpoch is really {}", "son configEpoch est en réalité {}";
    DiffSlots => "{} really serves {}", "{} sert en réalité {}";
    VerdictFail => "{} is FAIL for {}.", "{} est FAIL pour {}.";
    VerdictNoPfail => "{} has not flagged {} fail? itself yet: it marks FAIL only then.",
        "{} n'a pas encore marqué lui-même {} fail?\u{202f}: il ne marque FAIL qu'ensuite.";
    VerdictMajority => "Majority reached: {} marks {} FAIL at its next check.",
        "Majorité atteinte\u{202f}: {} marque {} FAIL à sa prochaine vérification.";
    VerdictOneMore => "1 more master report needed for FAIL.", "Encore 1 rapport de maître nécessaire pour FAIL.";
    VerdictMore => "{} more master reports needed for FAIL.", "Encore {} rapports de maîtres nécessaires pour FAIL.";
    // Trace comparison: a lane mark's event, after the node's name
    TraceKill => "is killed", "est arrêté (kill -9)";
    TraceKillGuessed => "is killed (time estimated)", "est arrêté (heure estimée)";
    TracePfail => "flags {} PFAIL", "marque {} PFAIL";
    TraceFail => "flags {} FAIL", "marque {} FAIL";
    TraceFailoverStart => "schedules its election", "planifie son élection";
    TraceVoteRequested => "asks for votes", "demande des votes";
    TraceVoteGranted => "votes for {}", "vote pour {}";
    TracePromoted => "is promoted in place of {}", "est promu à la place de {}";
    TracePromotedAlone => "is promoted", "est promu";
    FormingJoining => "Forming {} nodes as redis-cli --cluster create does: MEETs sent, {} of them know every other node (simulated {})…",
        "Formation de {} nœuds comme le fait redis-cli --cluster create\u{202f}: MEET envoyés, {} d'entre eux connaissent tous les autres nœuds (simulé {})…";
    FormingSettling => "Forming {} nodes: configured, {} of them say cluster_state:ok (simulated {})…",
        "Formation de {} nœuds\u{202f}: configurés, {} d'entre eux disent cluster_state:ok (simulé {})…";
    // The big-cluster view (state/big.rs, components/big_cluster.rs).
    BigTitle => "{} nodes, simulated in a background thread", "{} nœuds, simulés dans un fil d'exécution à part";
    BigExplain => "Above 200 nodes the simulator runs in a Web Worker, so the page never waits for it, and each shard is drawn as an arc: its master on the outer ring, its replica inside. A node turns amber while running nodes flag it PFAIL and red while they flag it FAIL, darker the more of them do. Click an arc, or choose a node, to see what it believes. The console, time travel and the lessons use clusters of up to 200 nodes.",
        "Au-delà de 200 nœuds, le simulateur tourne dans un Web Worker, pour que la page ne l'attende jamais, et chaque shard est dessiné comme un arc\u{202f}: son maître sur l'anneau extérieur, sa réplique à l'intérieur. Un nœud devient orange quand des nœuds en marche le marquent PFAIL et rouge quand ils le marquent FAIL, d'autant plus foncé qu'ils sont nombreux. Cliquez sur un arc, ou choisissez un nœud, pour voir ce qu'il croit. La console, le retour dans le temps et les leçons utilisent des clusters de 200 nœuds au plus.";
    BigLoading => "Loading the simulation thread…", "Chargement du fil de simulation…";
    BigLoaded => "Starting {} nodes from their nodes.conf files…", "Démarrage de {} nœuds à partir de leurs fichiers nodes.conf…";
    BigStarting => "The {} nodes loaded their nodes.conf and run Redis's rules: each connects to every other and PINGs it. {} of them say cluster_state:ok (simulated {}); until all do, the worker runs as fast as it can.",
        "Les {} nœuds ont chargé leur nodes.conf et suivent les règles de Redis\u{202f}: chacun se connecte à tous les autres et leur envoie un PING. {} d'entre eux disent cluster_state:ok (simulé {})\u{202f}; jusqu'à ce que tous le disent, le worker va aussi vite que possible.";
    BigBehind => "The worker simulates {}× real time, slower than asked: the bus of {} nodes carries PINGs and PONGs with {} gossip entries each, and its work grows as the square of the nodes.",
        "Le worker simule {}× le temps réel, moins vite que demandé\u{202f}: le bus de {} nœuds transporte des PING et des PONG de {} entrées gossip chacun, et son travail croît comme le carré du nombre de nœuds.";
    BigReady => "Ready {} after the start, in real time.", "Prêt {} après le démarrage, en temps réel.";
    BigFailed => "The big cluster stopped: {}", "Le grand cluster s'est arrêté\u{202f}: {}";
    BigStats => "Simulated {} · {}× real time · {} PINGs + PONGs per simulated second · bus {} MB per simulated second",
        "Simulé {} · {}× le temps réel · {} PING + PONG par seconde simulée · bus {}\u{a0}Mo par seconde simulée";
    BigCounts => "{} nodes running · {} masters · {} flagged PFAIL by some node · {} flagged FAIL by some node",
        "{} nœuds en marche · {} maîtres · {} marqués PFAIL par au moins un nœud · {} marqués FAIL par au moins un nœud";
    BigSpeed => "Speed", "Vitesse";
    BigSpeedMax => "as fast as it can", "aussi vite que possible";
    BigNode => "Node", "Nœud";
    BigNoNode => "(none)", "(aucun)";
    BigPickHint => "Click an arc, or choose a node, to see what it believes.", "Cliquez sur un arc, ou choisissez un nœud, pour voir ce qu'il croit.";
    BigCanvas => "The {} nodes as arcs, one sector per shard", "Les {} nœuds en arcs, un secteur par shard";
    BigLog => "What happened", "Ce qui s'est passé";
    BigBeliefMaster => "{}: master, configEpoch {}, currentEpoch {}", "{}\u{202f}: maître, configEpoch {}, currentEpoch {}";
    BigBeliefReplica => "{}: replica of {}, currentEpoch {}", "{}\u{202f}: réplique de {}, currentEpoch {}";
    BigBeliefTable => "knows {} nodes, {} links up, cluster_state:{}", "connaît {} nœuds, {} liens établis, cluster_state:{}";
    BigBeliefPfail => "flags PFAIL: {}", "marque PFAIL\u{202f}: {}";
    BigBeliefFail => "flags FAIL: {}", "marque FAIL\u{202f}: {}";
    BigBeliefNobody => "nobody", "personne";
    BigBeliefMore => "{} and {} more", "{} et {} autres";
    BigBeliefElection => "election for epoch {}: rank {}, {} of {} votes", "élection pour l'epoch {}\u{202f}: rang {}, {} votes sur {}";
    BigBeliefDown => "{} is not running: its table is nobody's belief now.", "{} ne tourne pas\u{202f}: sa table n'est plus la croyance de personne.";
    BigMomentReady => "every node says cluster_state:ok", "tous les nœuds disent cluster_state:ok";
    BigMomentCrashed => "{} killed (kill -9)", "{} arrêté (kill -9)";
    BigMomentRestarted => "{} restarted from its nodes.conf", "{} redémarré à partir de son nodes.conf";
    BigMomentFirstPfail => "{} is the first to flag {} PFAIL (no PONG within the node timeout)", "{} est le premier à marquer {} PFAIL (aucun PONG pendant le délai node timeout)";
    BigMomentDeclared => "{} flags {} FAIL: {} failure reports from masters, {} needed; it broadcasts FAIL",
        "{} marque {} FAIL\u{202f}: {} rapports de panne de maîtres, {} nécessaires\u{202f}; il diffuse FAIL";
    BigMomentEverywhere => "every running node flags {} FAIL, {} after the first", "tous les nœuds en marche marquent {} FAIL, {} après le premier";
    BigMomentPromoted => "{} won its election (epoch {}) and is a master now", "{} a gagné son élection (epoch {}) et il est maintenant maître";
    BigMomentCleared => "{} clears FAIL on {}: it answers again", "{} lève FAIL sur {}\u{202f}: il répond de nouveau";
}

/// The French checks shared by the tests of every module that writes French (the UI strings
/// here, the consoles' notes and hints, the views' sentences, the lesson walk): the same
/// checker as the lesson files' (`clusterlab_core::lesson::french`).
#[cfg(test)]
pub mod french {
    use clusterlab_core::lesson::french::{
        course_glossary, glossary_misses, typography, without_code,
    };

    /// What breaks French typography (a narrow no-break space before `:` `;` `?` `!` and
    /// inside « », a no-break space between a number and its unit: `15 s`, `500 ms`) or the
    /// course glossary (a word of its `avoid` column) in one text the page shows in French.
    /// Code spans, quotations and words in capitals (Redis's command and message names,
    /// `CLUSTER FAILOVER`, `FAILOVER_AUTH_REQUEST`) are left out of the glossary check.
    pub fn faults(text: &str) -> Vec<String> {
        lesson_faults(text, &[])
    }

    /// [`faults`] in a lesson, whose `allow` list (step verbs such as `failover`, command
    /// names), quoted in its refusals and help, is code.
    pub fn lesson_faults(text: &str, allow: &[String]) -> Vec<String> {
        let text = match allow.is_empty() {
            true => text.to_string(),
            false => text.replace(&allow.join(", "), "`allow`"),
        };
        // Names that end in a question mark: Redis's flag `fail?` and the `?` key.
        let prose = without_code(&text)
            .replace("fail?", "fail")
            .replace("(?)", "");
        let mut out = typography(&prose);
        out.extend(glossary_misses(
            &without_capitals(&without_quotes(&prose)),
            &course_glossary(),
        ));
        out
    }

    /// `text` without what it quotes between « »: someone else's words (Redis's log lines,
    /// what the learner typed), which the glossary does not govern.
    fn without_quotes(text: &str) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(open) = rest.find('«') {
            out.push_str(&rest[..open]);
            match rest[open..].find('»') {
                Some(close) => rest = &rest[open + close + '»'.len_utf8()..],
                None => rest = "",
            }
        }
        out.push_str(rest);
        out
    }

    /// `text` without its words in capitals.
    fn without_capitals(text: &str) -> String {
        text.split_whitespace()
            .filter(|w| {
                let letters: Vec<char> = w.chars().filter(|c| c.is_alphabetic()).collect();
                letters.len() < 2 || !letters.iter().all(|c| c.is_uppercase())
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::french::faults;
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

    /// The step verbs are buttons named after what the console accepts (`failover A1`): they
    /// stay as the command is typed, like a code span in a lesson.
    const COMMAND_NAMES: [Msg; 6] = [
        Msg::Kill,
        Msg::PauseNode,
        Msg::Resume,
        Msg::Restart,
        Msg::Failover,
        Msg::Heal,
    ];

    /// A French text as the page shows it: its `{}` filled with a number, so that a value
    /// meeting its unit (`{} ms`) is checked as `12 ms` is.
    fn shown(msg: Msg) -> String {
        let values = vec!["12"; msg.text(Lang::Fr).matches("{}").count()];
        fill(msg.text(Lang::Fr), &values)
    }

    /// Every French UI string follows French typography and the course glossary
    /// (`lessons/glossary.tsv`), with the lesson files' own checker.
    #[test]
    fn french_texts_follow_french_typography_and_the_glossary() {
        let bad: Vec<String> = Msg::ALL
            .iter()
            .filter(|m| !COMMAND_NAMES.contains(m))
            .flat_map(|&m| {
                let text = shown(m);
                faults(&text)
                    .into_iter()
                    .map(move |f| format!("{m:?}: {f}: {text:?}"))
            })
            .collect();
        assert!(bad.is_empty(), "{bad:#?}");
        // The check itself catches each fault.
        for wrong in [
            "Objectif : fait",
            "Objectif: fait",
            "« mot »",
            "dans 15 s.",
            "500 ms",
            "Bravo !",
            "un Failover manuel",
            "la réplique et ses slaves",
        ] {
            assert!(!faults(wrong).is_empty(), "{wrong}");
        }
        for right in [
            "Bravo\u{202f}! «\u{202f}mot\u{202f}» en 15\u{a0}s.",
            "`failover A1` puis basculement",
            "FAILOVER_AUTH_REQUEST et CLUSTER FAILOVER",
        ] {
            assert!(faults(right).is_empty(), "{right}: {:?}", faults(right));
        }
    }

    #[test]
    fn fill_puts_values_in_order() {
        assert_eq!(fill("Lesson {} of {}", &["3", "14"]), "Lesson 3 of 14");
        assert_eq!(fill("no values", &["x"]), "no values");
        assert_eq!(Lang::parse("fr"), Some(Lang::Fr));
        assert_eq!(Lang::parse("de"), None);
    }
}
