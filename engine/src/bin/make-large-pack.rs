//! `make-large-pack [--seed N] [--codes N] [--trees N]`: writes a large, valid procedure pack to
//! standard output, for benchmarks and stress tests of loading, validation and code search (F18, F3).
//!
//! ```text
//! cargo run -p incident-engine --release --bin make-large-pack -- --seed 42 --codes 5000 --trees 500 > large.json
//! ```
//!
//! The same seed always gives the same bytes: the random numbers come from a small SplitMix64
//! generator in this file, and nothing is read from the clock or the environment. Every part of the
//! pack is built with the engine's own wire types, so a change to the schema breaks this build
//! rather than producing a pack the widget refuses.
//!
//! The pack obeys every rule the validator checks: ids are unique, every reference resolves, each
//! tree is acyclic with every question reachable and every outcome used, conditions only look at
//! questions asked earlier on every path, and an outcome whose code fires a trigger with a priority
//! is at least that urgent. Titles, questions and advice are composed from word lists so that code
//! search has realistic, overlapping words to work on. Defaults: seed 42, 5000 codes, 500 trees
//! (about 3.6 MB). The loader refuses packs over 5 MB, which this reaches at about 7,000 codes and
//! 700 trees: larger settings are for testing that refusal.

use std::io::{BufWriter, Write};
use std::process::ExitCode;

use incident_engine::pack::*;

const USAGE: &str = "usage: make-large-pack [--seed N] [--codes N] [--trees N]
  --seed N    the random seed (default 42); the same seed gives the same pack
  --codes N   incident codes, 1 to 1000000 (default 5000)
  --trees N   decision trees, 0 to 100000 (default 500)
The pack is written to standard output as compact JSON.";

/// What to generate.
struct Settings {
    seed: u64,
    codes: usize,
    trees: usize,
}

fn parse_args(args: &[String]) -> Result<Option<Settings>, String> {
    let mut settings = Settings {
        seed: 42,
        codes: 5000,
        trees: 500,
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        if arg == "-h" || arg == "--help" {
            return Ok(None);
        }
        // "--name value" or "--name=value".
        let (name, value) = match arg.split_once('=') {
            Some((name, value)) => (name, Some(value.to_owned())),
            None => (arg.as_str(), None),
        };
        let (lo, hi) = match name {
            "--seed" => (0, u64::MAX),
            "--codes" => (1, 1_000_000),
            "--trees" => (0, 100_000),
            _ => return Err(format!("unknown argument \"{arg}\"")),
        };
        let value = match value {
            Some(value) => value,
            None => args
                .next()
                .ok_or_else(|| format!("{name} needs a value"))?
                .clone(),
        };
        let n = match value.parse::<u64>() {
            Ok(n) if (lo..=hi).contains(&n) => n,
            _ => {
                return Err(format!(
                    "{name} must be a whole number from {lo} to {hi}, not \"{value}\""
                ))
            }
        };
        match name {
            "--seed" => settings.seed = n,
            "--codes" => settings.codes = n as usize,
            _ => settings.trees = n as usize,
        }
    }
    Ok(Some(settings))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let settings = match parse_args(&args) {
        Ok(Some(settings)) => settings,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("make-large-pack: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let pack = generate(&settings);
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let written = serde_json::to_writer(&mut out, &pack)
        .map_err(std::io::Error::from)
        .and_then(|()| out.write_all(b"\n"))
        .and_then(|()| out.flush());
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("make-large-pack: writing the pack: {e}");
            ExitCode::FAILURE
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Randomness

/// SplitMix64: tiny, fast and good enough for test data; the same seed gives the same sequence on
/// every platform.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n`; `n` must not be 0.
    fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// A number in `lo..=hi`.
    fn between(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// True `percent` times in a hundred.
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }

    /// `count` distinct indices below `n` (all of them when `count >= n`), in random order.
    fn sample(&mut self, n: usize, count: usize) -> Vec<usize> {
        let mut all: Vec<usize> = (0..n).collect();
        self.shuffle(&mut all);
        all.truncate(count.min(n));
        all
    }
}

// ---------------------------------------------------------------------------------------------
// Word lists. Kept one entry to a line (rustfmt would spread each over several), so that the
// lists read as tables.

use words::*;

#[rustfmt::skip]
mod words {
    use incident_engine::pack::{Medium, MessageStructure};

    /// Services: (id, name, description).
    pub const SERVICES: [(&str, &str, &str); 6] = [
        ("highways", "Highways and transport", "Roads, footways, bridges, street lighting and traffic signals."),
        ("housing", "Housing repairs", "Emergency repairs to council and housing association homes and blocks."),
        ("environment", "Environmental services", "Spills, fly-tipping, pests, noise, trees and open spaces."),
        ("public-safety", "Public safety and buildings", "Dangerous structures, insecure buildings and public events."),
        ("care", "Care and welfare", "Welfare concerns about adults and children, and alarms in sheltered housing."),
        ("utilities", "Utilities liaison", "Gas, water and power faults passed to the companies that own them."),
    ];

    /// Priorities, most urgent first: (id, name, deploy minutes, attend minutes).
    pub const PRIORITIES: [(&str, &str, u32, u32); 5] = [
        ("P1", "Immediate: danger to life", 5, 15),
        ("P2", "Emergency: serious risk to people or property", 15, 60),
        ("P3", "Urgent: attend the same day", 60, 240),
        ("P4", "Priority: attend within a day", 240, 1440),
        ("P5", "Routine: booked by the daytime team", 1440, 10080),
    ];

    /// Resource types: (id, name, skills).
    pub const RESOURCE_TYPES: [(&str, &str, [&str; 3]); 8] = [
        ("highways-crew", "Highways crew", ["signing and guarding", "road closure", "pothole repair"]),
        ("repairs-operative", "Repairs operative", ["plumbing", "joinery", "boarding up"]),
        ("electrician", "Electrician", ["make safe", "street lighting", "door entry"]),
        ("environmental-officer", "Environmental officer", ["spill response", "noise monitoring", "pest control"]),
        ("building-control", "Building control surveyor", ["dangerous structures", "cordons", "structural assessment"]),
        ("welfare-officer", "Welfare officer", ["safeguarding", "welfare visit", "emergency accommodation"]),
        ("tree-surgeon", "Tree surgeon", ["chainsaw", "working at height", "clearance"]),
        ("drainage-team", "Drainage team", ["jetting", "pumping", "sandbags"]),
    ];

    /// Escalation levels, lowest first: (id, name, held by, boundary).
    pub const LEVELS: [(&str, &str, &str, &str); 4] = [
        ("team-leader", "Team leader", "The contact-centre team leader on shift", "Anything the handler is unsure of; repeat calls; a caller asking for a manager."),
        ("duty-manager", "Duty manager", "The service duty manager on the out-of-hours rota", "Danger to life, a vulnerable person at risk, resources not available within target."),
        ("senior-on-call", "Senior manager on call", "A head of service on the out-of-hours rota", "Several incidents at once, media interest, a road or building closed overnight."),
        ("strategic-commander", "Strategic commander", "The director on call", "A major incident has been declared."),
    ];

    /// A channel: (id, name, medium, use when, max length, structure, phonetic).
    pub type ChannelRow = (&'static str, &'static str, Medium, &'static str, Option<u32>, MessageStructure, bool);

    pub const CHANNELS: [ChannelRow; 6] = [
        ("voice", "The caller", Medium::Voice, "Talking to the caller on this call.", None, MessageStructure::Free, true),
        ("radio", "Operations radio", Medium::Radio, "Tasking a crew already on the road.", None, MessageStructure::Methane, true),
        ("phone", "Telephone", Medium::Phone, "Escalation and urgent tasking that needs a spoken acknowledgement.", None, MessageStructure::Sbar, true),
        ("sms", "Text message", Medium::Sms, "Updates to callers and alerts to on-call staff.", Some(160), MessageStructure::Free, false),
        ("email", "E-mail", Medium::Email, "Handovers to daytime teams; never for anything urgent.", None, MessageStructure::Sbar, false),
        ("data", "Job system", Medium::Data, "Routine jobs to contractors and partner systems.", Some(2000), MessageStructure::Free, false),
    ];

    /// Legislation: (id, title, effect, checklist).
    pub const LEGISLATION: [(&str, &str, &str, [&str; 2]); 8] = [
        ("highways-act-1980", "Highways Act 1980", "The highway authority must keep the highway safe to use: dangers are made safe and signed promptly.", ["Record the exact position of the defect.", "Record when it was reported."]),
        ("housing-act-2004", "Housing Act 2004 (housing health and safety rating system)", "Serious hazards in homes must be dealt with; record the hazard and who is at risk.", ["Record the hazard described.", "Record who is at particular risk."]),
        ("epa-1990", "Environmental Protection Act 1990", "Statutory nuisances and deposits of waste must be investigated.", ["Record what has been deposited or emitted.", "Record how long it has been going on."]),
        ("care-act-2014-s42", "Care Act 2014, section 42", "Concerns that an adult with care needs is at risk of abuse or neglect must be passed to adult social care.", ["Record the concern in the caller's words.", "Record whether the adult is in immediate danger."]),
        ("cca-2004", "Civil Contingencies Act 2004", "In an emergency the council works with the other responders under the local resilience forum's plans.", ["Record which other responders are involved.", "Record the time a major incident was declared."]),
        ("hswa-1974", "Health and Safety at Work etc. Act 1974", "Staff and contractors must not be sent into danger without a safe system of work.", ["Pass on every hazard known to the responders.", "Record any lone-working arrangements."]),
        ("ukgdpr-dpa-2018", "UK GDPR and the Data Protection Act 2018", "Record only what is needed, and never disclose one person's details to another.", ["Record only the personal details the incident needs.", "Do not record details of third parties without need."]),
        ("equality-act-2010", "Equality Act 2010", "Reasonable adjustments for disabled callers; nobody treated less favourably for a protected characteristic.", ["Ask whether the caller needs any adjustments.", "Record communication needs."]),
    ];

    /// External organisations: (id, name, when, address). Local numbers are from Ofcom's ranges
    /// kept for drama, so none of them rings anyone.
    pub const ORGANISATIONS: [(&str, &str, &str, &str); 10] = [
        ("police-999", "Police (999)", "Crime in progress, violence or danger to life.", "999"),
        ("police-101", "Police non-emergency (101)", "Crime already over, or anti-social behaviour without danger.", "101"),
        ("fire-999", "Fire and rescue service (999)", "Fire, smoke, people trapped, chemical spills.", "999"),
        ("ambulance-999", "Ambulance service (999)", "Anyone seriously ill or injured.", "999"),
        ("gas-emergency", "National Gas Emergency Service", "Any smell of gas or carbon monoxide alarm.", "0800 111 999"),
        ("power-105", "Electricity network operator (105)", "Power cuts and damaged overhead lines or substations.", "105"),
        ("water-company", "Water company", "Burst mains, loss of supply and public sewer flooding.", "0808 157 0123"),
        ("environment-agency", "Environment Agency incident line", "Pollution of rivers and land, and flooding from main rivers.", "0800 80 70 60"),
        ("adult-social-care", "Adult social care out of hours", "An adult with care needs at risk.", "0113 496 0123"),
        ("childrens-services", "Children's services out of hours", "A child at risk.", "0113 496 0456"),
    ];

    /// An incident kind: (title, keywords, service index, base priority index, resource type
    /// indices, legislation indices, organisation indices to notify).
    pub type Kind = (&'static str, [&'static str; 3], usize, usize, &'static [usize], &'static [usize], &'static [usize]);

    pub const KINDS: [Kind; 30] = [
        ("Flooding", ["flood", "water", "standing water"], 2, 2, &[7], &[0, 4], &[7]),
        ("Fallen tree", ["tree", "branch", "fallen"], 2, 2, &[6, 0], &[0], &[]),
        ("Gas smell", ["gas", "smell", "fumes"], 5, 0, &[1], &[5], &[4]),
        ("Water leak", ["leak", "water", "dripping"], 1, 2, &[1], &[1], &[]),
        ("Power failure", ["power", "electricity", "no lights"], 5, 3, &[2], &[1], &[5]),
        ("Road collapse", ["hole", "collapse", "road"], 0, 1, &[0, 4], &[0], &[]),
        ("Abandoned vehicle", ["car", "vehicle", "abandoned"], 0, 4, &[0], &[0], &[1]),
        ("Fly-tipping", ["rubbish", "dumped", "waste"], 2, 4, &[3], &[2], &[]),
        ("Noise nuisance", ["noise", "music", "party"], 2, 4, &[3], &[2, 6], &[]),
        ("Lift failure", ["lift", "stuck", "elevator"], 1, 2, &[2], &[1, 7], &[]),
        ("Streetlight out", ["streetlight", "dark", "lamp"], 0, 4, &[2], &[0], &[]),
        ("Damaged railings", ["railings", "barrier", "fence"], 0, 3, &[0], &[0], &[]),
        ("Loose manhole cover", ["manhole", "cover", "drain"], 0, 2, &[0, 7], &[0], &[6]),
        ("Chemical spill", ["chemical", "spill", "liquid"], 2, 1, &[3], &[2, 5], &[2, 7]),
        ("Smoke alarm sounding", ["alarm", "smoke", "beeping"], 1, 1, &[1], &[1, 5], &[2]),
        ("Insecure building", ["insecure", "door open", "broken window"], 3, 3, &[1], &[1], &[]),
        ("Graffiti", ["graffiti", "paint", "offensive"], 2, 4, &[3], &[2], &[]),
        ("Burst water main", ["burst", "main", "gushing"], 5, 1, &[7], &[0], &[6]),
        ("Blocked drain", ["blocked", "drain", "gully"], 0, 3, &[7], &[0], &[]),
        ("Sewage overflow", ["sewage", "smell", "overflow"], 5, 2, &[7], &[1, 2], &[6]),
        ("Stray dog", ["dog", "stray", "animal"], 2, 3, &[3], &[2], &[]),
        ("Dangerous structure", ["wall", "unsafe", "cracked"], 3, 1, &[4], &[1, 5], &[2]),
        ("Oil spill", ["oil", "diesel", "slippery"], 0, 2, &[0, 3], &[0, 2], &[7]),
        ("Ice on the footway", ["ice", "slippery", "frost"], 0, 3, &[0], &[0], &[]),
        ("Traffic signal fault", ["traffic lights", "signals", "junction"], 0, 2, &[2], &[0], &[1]),
        ("Bridge strike", ["bridge", "lorry", "struck"], 0, 1, &[0, 4], &[0, 4], &[1]),
        ("Door entry failure", ["door entry", "intercom", "fob"], 1, 3, &[2], &[1, 7], &[]),
        ("Heating failure", ["heating", "boiler", "cold"], 1, 2, &[1], &[1, 7], &[]),
        ("Carbon monoxide alarm", ["carbon monoxide", "CO alarm", "headache"], 5, 0, &[1], &[1, 5], &[4, 2]),
        ("Welfare concern", ["welfare", "not seen", "worried"], 4, 1, &[5], &[3, 6], &[8]),
    ];

    /// Where: (phrase, keyword).
    pub const PLACES: [(&str, &str); 30] = [
        ("near a school", "school"),
        ("on the highway", "highway"),
        ("in a tower block", "flats"),
        ("at the bus station", "bus station"),
        ("at a care home", "care home"),
        ("on a footpath", "footpath"),
        ("in a park", "park"),
        ("at a level crossing", "level crossing"),
        ("in a multi-storey car park", "car park"),
        ("by the river", "river"),
        ("in a shopping centre", "shopping centre"),
        ("at a hospital entrance", "hospital"),
        ("on a housing estate", "estate"),
        ("in a communal stairwell", "stairwell"),
        ("at a retail park", "retail park"),
        ("on the ring road", "ring road"),
        ("near a playground", "playground"),
        ("in an underpass", "underpass"),
        ("at a sheltered housing scheme", "sheltered housing"),
        ("beside the canal", "canal"),
        ("outside a pub", "pub"),
        ("at the railway station", "station"),
        ("on a cycle path", "cycle path"),
        ("in a cemetery", "cemetery"),
        ("at a leisure centre", "leisure centre"),
        ("on a country lane", "lane"),
        ("in the town centre", "town centre"),
        ("at an industrial estate", "industrial estate"),
        ("near a GP surgery", "surgery"),
        ("on a roundabout", "roundabout"),
    ];

    /// Qualifiers: (phrase, keyword, change in priority index: negative is more urgent).
    pub const QUALIFIERS: [(&str, &str, i32); 10] = [
        ("", "", 0),
        ("", "", 0),
        (", injuries reported", "injured", -1),
        (", several homes affected", "homes", -1),
        (", repeat report", "again", 1),
        (", vulnerable person involved", "vulnerable", -1),
        (", at night", "night", 0),
        (" during a storm", "storm", 0),
        (", blocking access", "blocked", -1),
        (", spreading", "spreading", -1),
    ];

    pub const YES_NO_QUESTIONS: [&str; 26] = [
        "Is anyone injured?",
        "Is anyone trapped?",
        "Is the road blocked?",
        "Can anyone smell gas?",
        "Is water getting into a building?",
        "Are there children nearby?",
        "Is anyone elderly, disabled or otherwise vulnerable involved?",
        "Is the caller at the scene now?",
        "Is it getting worse?",
        "Is there any smoke or fire?",
        "Are electrical cables or fittings involved?",
        "Can people be kept away from the area?",
        "Has this been reported before?",
        "Could anything fall on people or vehicles?",
        "Is a vehicle involved?",
        "Is anyone without heating or power?",
        "Is access for emergency vehicles blocked?",
        "Is there any sign of fuel or chemicals?",
        "Is the caller somewhere away from the danger?",
        "Are animals involved?",
        "Is a school, hospital or care home affected?",
        "Is it a danger to traffic?",
        "Is more than one home affected?",
        "Is the water deeper than the kerb?",
        "Have the police or fire service already been?",
        "Is the caller able to stay on the line?",
    ];

    /// Choice questions: (question, options as (id, label)).
    pub const CHOICE_QUESTIONS: [(&str, &[(&str, &str)]); 12] = [
        ("When did it start?", &[("now", "Happening now"), ("hour", "Within the last hour"), ("today", "Earlier today"), ("days", "Going on for days")]),
        ("Where exactly is it?", &[("road", "On the road"), ("footway", "On a footway"), ("building", "Inside a building"), ("open", "On open land")]),
        ("How is the caller connected to it?", &[("witness", "Passer-by or witness"), ("resident", "Resident affected"), ("owner", "Owner or manager"), ("staff", "Professional on scene")]),
        ("What can the caller see?", &[("smoke", "Smoke"), ("water", "Water"), ("debris", "Debris"), ("nothing", "Nothing visible")]),
        ("How large is the area affected?", &[("small", "Smaller than a car"), ("medium", "About the size of a house"), ("large", "Larger than a house")]),
        ("Is the site open to the public?", &[("open", "Open to the public"), ("restricted", "Restricted access"), ("closed", "Closed")]),
        ("What is the weather doing?", &[("dry", "Dry"), ("rain", "Raining"), ("wind", "High winds"), ("ice", "Freezing")]),
        ("Who owns the land or building, if known?", &[("council", "The council"), ("private", "A private owner"), ("association", "A housing association"), ("unknown", "Not known")]),
        ("How is the caller coping?", &[("calm", "Calm"), ("worried", "Worried"), ("distressed", "Distressed")]),
        ("What kind of vehicle is involved?", &[("car", "Car or van"), ("lorry", "Lorry or bus"), ("bike", "Motorbike or bicycle"), ("none", "No vehicle")]),
        ("How did the caller find out?", &[("saw", "Saw it happen"), ("found", "Came across it"), ("told", "Was told by someone")]),
        ("What time of day is it happening?", &[("day", "Daytime"), ("evening", "Evening"), ("night", "Overnight")]),
    ];

    /// Number questions: (question, unit, min, max, thresholds from highest).
    pub const NUMBER_QUESTIONS: [(&str, &str, u32, u32, [u32; 2]); 10] = [
        ("How many people are affected?", "people", 0, 500, [10, 3]),
        ("How many minutes has it been going on?", "minutes", 0, 1440, [60, 15]),
        ("How deep is the water, in centimetres?", "cm", 0, 300, [30, 10]),
        ("How many vehicles are involved?", "vehicles", 0, 50, [3, 1]),
        ("How many homes are affected?", "homes", 0, 1000, [20, 5]),
        ("How far is the caller from it, in metres?", "metres", 0, 5000, [500, 50]),
        ("On which floor is it? Enter 0 for the ground floor.", "floor", 0, 40, [10, 3]),
        ("How old is the person at risk?", "years", 0, 120, [75, 65]),
        ("How many hours has it been without power or heating?", "hours", 0, 168, [24, 4]),
        ("How wide is the hole or crack, in centimetres?", "cm", 0, 500, [50, 10]),
    ];

    pub const TEXT_QUESTIONS: [&str; 8] = [
        "Describe what the caller can see.",
        "What is the exact location, with the nearest landmark?",
        "What has the caller already done?",
        "Who else is there with the caller?",
        "What is the caller's concern, in their own words?",
        "Describe any vehicles, with registrations if known.",
        "How can the responders get access?",
        "Note any hazards the responders should know about.",
    ];

    pub const GUIDANCE: [&str; 6] = [
        "Ask this before anything else that is not about danger.",
        "Read the question as written; do not suggest an answer.",
        "If the caller does not know, choose the safer answer.",
        "This decides the priority: check the answer back with the caller.",
        "Record the caller's words in the narrative as well.",
        "Keep the caller talking while you listen for danger.",
    ];

    /// Advice templates; `#` is where the object goes.
    pub const ADVICE_TEMPLATES: [&str; 9] = [
        "Keep everyone away from the #.",
        "Please stay well back from the #.",
        "Do not touch or try to move the #.",
        "Close doors and windows facing the #.",
        "Wait somewhere warm and dry, away from the #.",
        "Call us back at once if anything changes with the #.",
        "If you can, warn other people about the # from a distance.",
        "Note where the crew can find the #.",
        "{organisation} is sending a team to deal with the #.",
    ];

    pub const ADVICE_OBJECTS: [&str; 16] = [
        "water", "fallen tree", "damaged cables", "broken glass", "spilt liquid", "smoke",
        "loose masonry", "hole in the road", "vehicle", "damaged railings", "exposed wiring",
        "sewage", "debris", "animal", "ice", "damaged wall",
    ];

    pub const ADVICE_TAILS: [&str; 4] = [
        "",
        " If anyone is hurt, call 999.",
        " We will call you back if we need more details.",
        " Keep your phone with you in case the crew needs directions.",
    ];

    /// Advice limits that apply everywhere: (rule, patterns). No advice template uses these words.
    pub const GENERAL_LIMITS: [(&str, &[&str]); 8] = [
        ("Never promise an arrival time.", &["promis*", "guarantee*", "within the hour", "any minute now"]),
        ("Never offer or discuss compensation.", &["compensat*", "we will pay", "claim against"]),
        ("Do not give medical advice; refer to 999 or NHS 111.", &["diagnos*", "paracetamol", "you will be fine"]),
        ("Never blame the caller.", &["your fault", "you caused", "should have known"]),
        ("Never discuss another person's details.", &["evict*", "their tenancy", "their record"]),
        ("Do not guess at the cause or who is responsible.", &["deliberate*", "arson*", "vandals did"]),
        ("Never tell a caller to tackle a fire.", &["put it out yourself", "fire extinguisher", "throw water on"]),
        ("Never tell a caller to move an injured person.", &["move them", "lift them", "sit them up"]),
    ];

    pub const LIMIT_SUBJECTS: [&str; 15] = [
        "building", "road", "bridge", "wall", "tree", "ceiling", "structure", "lift", "water",
        "wiring", "roof", "footway", "embankment", "chimney", "balcony",
    ];

    pub const LIMIT_PREDICATES: [&str; 4] = ["is safe", "is stable", "will not collapse", "cannot fall"];

    pub const ZONES: [&str; 6] = ["North", "South", "East", "West", "Central", "Rural"];

    pub const PHONETIC: [&str; 12] = [
        "Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot", "Golf", "Hotel", "India", "Juliet",
        "Kilo", "Lima",
    ];

    pub const OUTCOME_REASONS: [&str; 6] = [
        "The answers show a risk to people that needs a crew at this priority.",
        "Property is being damaged and the damage will spread without a response.",
        "Nobody is at risk now, so the job can wait for the target at this priority.",
        "A vulnerable person is involved, so the response is raised.",
        "The caller's answers match the procedure for this code.",
        "Access or traffic is affected, so the highway must be made safe.",
    ];
}

// ---------------------------------------------------------------------------------------------
// The pack

fn generate(settings: &Settings) -> PackFile {
    let mut rng = Rng(settings.seed);
    let channel_ids: Vec<String> = CHANNELS.iter().map(|c| c.0.to_owned()).collect();
    let level_ids: Vec<String> = LEVELS.iter().map(|l| l.0.to_owned()).collect();

    let advice = advice(&mut rng, settings.codes, &level_ids);
    let (codes, kind_of_code) = codes(&mut rng, settings.codes, advice.sets.len());
    let (triggers, priority_cap) = triggers(&mut rng, &codes, &level_ids);
    let trees = (0..settings.trees)
        .map(|t| {
            tree(
                &mut rng,
                t,
                &codes,
                &kind_of_code,
                &priority_cap,
                advice.sets.len(),
            )
        })
        .collect();

    PackFile {
        format: PACK_FORMAT.to_owned(),
        version: format!("large-{}", settings.seed),
        organisation: Organisation {
            id: "large-benchmark".to_owned(),
            name: "Largeshire Joint Contact Centre".to_owned(),
            services: SERVICES
                .iter()
                .map(|&(id, name, description)| Service {
                    id: id.to_owned(),
                    name: name.to_owned(),
                    description: description.to_owned(),
                    hours: Some("All day, every day".to_owned()),
                })
                .collect(),
        },
        wording: Wording {
            greeting: "{organisation}, {agent} speaking. Is anyone in danger right now?".to_owned(),
            closing: "Thank you for calling {organisation}. If anything changes or anyone is in danger, call 999."
                .to_owned(),
            control_phrases: control_phrases(),
        },
        priorities: PRIORITIES
            .iter()
            .map(|&(id, name, deploy, attend)| Priority {
                id: id.to_owned(),
                name: name.to_owned(),
                description: format!("Deploy within {deploy} minutes and attend within {attend} minutes."),
                deploy_within_minutes: deploy,
                attend_within_minutes: attend,
            })
            .collect(),
        codes,
        trees,
        safety_net: vec![
            SafetyNetQuestion {
                id: "danger".to_owned(),
                question: "Is anyone in danger right now?".to_owned(),
                label: Some("Someone in danger now".to_owned()),
                if_yes: SafetyNetAction {
                    priority: Some("P1".to_owned()),
                    escalation: Some("duty-manager".to_owned()),
                    vulnerable: false,
                    advice: Some(advice.items[0].id.clone()),
                    reason: "Danger to life comes first.".to_owned(),
                },
            },
            SafetyNetQuestion {
                id: "vulnerable".to_owned(),
                question: "Is anyone involved elderly, disabled, unwell or a child?".to_owned(),
                label: Some("Vulnerable person".to_owned()),
                if_yes: SafetyNetAction {
                    priority: None,
                    escalation: None,
                    vulnerable: true,
                    advice: None,
                    reason: "A vulnerable person changes the response.".to_owned(),
                },
            },
            SafetyNetQuestion {
                id: "trapped".to_owned(),
                question: "Is anyone trapped or unable to get out?".to_owned(),
                label: None,
                if_yes: SafetyNetAction {
                    priority: Some("P2".to_owned()),
                    escalation: None,
                    vulnerable: false,
                    advice: None,
                    reason: "Someone trapped needs help at once.".to_owned(),
                },
            },
        ],
        advice,
        escalation: Escalation {
            levels: LEVELS
                .iter()
                .enumerate()
                .map(|(i, &(id, name, held_by, boundary))| EscalationLevel {
                    id: id.to_owned(),
                    name: name.to_owned(),
                    held_by: held_by.to_owned(),
                    boundary: boundary.to_owned(),
                    channels: if i == 0 {
                        vec!["voice".to_owned(), "phone".to_owned()]
                    } else {
                        vec!["phone".to_owned(), "sms".to_owned(), "email".to_owned()]
                    },
                })
                .collect(),
            triggers,
        },
        resources: resources(&mut rng, settings.codes, &channel_ids),
        external_organisations: ORGANISATIONS
            .iter()
            .map(|&(id, name, when, address)| ExternalOrganisation {
                id: id.to_owned(),
                name: name.to_owned(),
                when: when.to_owned(),
                procedure: vec![
                    format!("Call {address} and give the exact location and what is happening."),
                    "Record their reference and the time in the log.".to_owned(),
                ],
                contacts: vec![Contact {
                    channel: "phone".to_owned(),
                    address: address.to_owned(),
                }],
            })
            .collect(),
        channels: CHANNELS
            .iter()
            .map(|&(id, name, medium, use_when, max_length, structure, phonetic)| Channel {
                id: id.to_owned(),
                name: name.to_owned(),
                medium,
                use_when: use_when.to_owned(),
                max_length,
                structure,
                phonetic,
                banned_abbreviations: if medium == Medium::Sms || medium == Medium::Voice {
                    vec![BannedAbbreviation {
                        abbreviation: "ASAP".to_owned(),
                        say_instead: "the target time for this priority".to_owned(),
                    }]
                } else {
                    Vec::new()
                },
                may_carry: None,
                preferred_for: Vec::new(),
            })
            .collect(),
        legislation: LEGISLATION
            .iter()
            .map(|&(id, title, effect, checklist)| Legislation {
                id: id.to_owned(),
                title: title.to_owned(),
                effect: effect.to_owned(),
                checklist: checklist
                    .iter()
                    .enumerate()
                    .map(|(k, text)| ChecklistItem {
                        id: format!("{id}-{}", k + 1),
                        text: (*text).to_owned(),
                        when: None,
                    })
                    .collect(),
            })
            .collect(),
        complaints: [
            ("late", "Responder late or did not attend", "team-leader"),
            ("attitude", "How the handler spoke to the caller", "team-leader"),
            ("advice", "Advice given was wrong", "duty-manager"),
            ("data", "Personal information mishandled", "senior-on-call"),
        ]
        .iter()
        .map(|&(id, name, level)| ComplaintCategory {
            id: id.to_owned(),
            name: name.to_owned(),
            handler_may: vec![
                "Apologise and record the complaint in the caller's words.".to_owned(),
                "Explain how the complaint will be handled.".to_owned(),
            ],
            escalate_to: level.to_owned(),
            respond_within_days: Some(10),
        })
        .collect(),
        targets: Targets {
            answer_seconds: Some(20),
            code_seconds: Some(120),
            deploy_minutes: Some(15),
            acknowledge_minutes: Some(5),
            update_interval_minutes: Some(30),
        },
        retention: Default::default(),
        fields: Vec::new(),
        routes: Vec::new(),
        calendar: None,
        notice_kinds: Vec::new(),
    }
}

fn control_phrases() -> Vec<ControlPhrase> {
    [
        ("calm-1", ControlKind::Calming, "I'm {agent}, and I'm here to help. Let's take this one step at a time."),
        ("calm-2", ControlKind::Calming, "You're doing really well. Stay on the line with me."),
        ("persist-1", ControlKind::RepetitivePersistence, "I need you to stay away from it. Please stay away from it."),
        ("persist-2", ControlKind::RepetitivePersistence, "I need the exact address before I can send help. What is the exact address?"),
        ("redirect-1", ControlKind::Redirecting, "I understand. To get help to you, I need to ask a few quick questions first."),
        ("redirect-2", ControlKind::Redirecting, "I've noted that. Let's come back to what is happening now."),
        ("abuse-1", ControlKind::AbusiveCaller, "I want to help, but I won't accept abusive language. If it continues I will end the call."),
        ("abuse-2", ControlKind::AbusiveCaller, "I'm ending this call because of the language used. Please call {organisation} back if you need help."),
        ("silent-1", ControlKind::SilentCaller, "This is {organisation}. I can't hear you. If you can't speak, press any key."),
        ("silent-2", ControlKind::SilentCaller, "I still can't hear anyone, so I'm ending this call. In an emergency, call 999."),
    ]
    .iter()
    .map(|&(id, kind, text)| ControlPhrase {
        id: id.to_owned(),
        kind,
        text: text.to_owned(),
    })
    .collect()
}

/// Advice items, sets and limits, scaled to the number of codes.
fn advice(rng: &mut Rng, codes: usize, level_ids: &[String]) -> Advice {
    let item_count = (codes / 5).max(40);
    let mut items = vec![AdviceItem {
        id: "adv-0000".to_owned(),
        kind: AdviceKind::MustSay,
        text: "If anyone is in danger, hang up and call 999 now.".to_owned(),
        replaces: Vec::new(),
    }];
    for i in 1..item_count {
        let template = rng.pick(&ADVICE_TEMPLATES);
        let object = rng.pick(&ADVICE_OBJECTS);
        let tail = rng.pick(&ADVICE_TAILS);
        let text = format!("{}{tail}", template.replace('#', object));
        items.push(AdviceItem {
            id: format!("adv-{i:04}"),
            kind: if rng.chance(40) {
                AdviceKind::MustSay
            } else {
                AdviceKind::MaySay
            },
            text,
            replaces: Vec::new(),
        });
    }

    let mut limits: Vec<AdviceLimit> = GENERAL_LIMITS
        .iter()
        .enumerate()
        .map(|(i, &(rule, patterns))| AdviceLimit {
            id: format!("lim-{i:03}"),
            rule: rule.to_owned(),
            patterns: patterns.iter().map(|p| (*p).to_owned()).collect(),
            instead: Some(items[0].id.clone()),
            may_go_further: None,
            everywhere: true,
        })
        .collect();
    let specific = ((codes / 100).max(12)).min(LIMIT_SUBJECTS.len() * LIMIT_PREDICATES.len());
    for (k, pick) in rng
        .sample(LIMIT_SUBJECTS.len() * LIMIT_PREDICATES.len(), specific)
        .into_iter()
        .enumerate()
    {
        let subject = LIMIT_SUBJECTS[pick / LIMIT_PREDICATES.len()];
        let predicate = LIMIT_PREDICATES[pick % LIMIT_PREDICATES.len()];
        limits.push(AdviceLimit {
            id: format!("lim-{:03}", GENERAL_LIMITS.len() + k),
            rule: format!("Do not tell a caller that the {subject} {predicate}."),
            patterns: vec![
                format!("the {subject} {predicate}"),
                format!("{subject} {predicate}"),
            ],
            instead: Some(items[rng.below(items.len())].id.clone()),
            may_go_further: if rng.chance(30) {
                Some(rng.pick(level_ids).clone())
            } else {
                None
            },
            everywhere: false,
        });
    }

    let set_count = (codes / 10).max(20);
    let sets = (0..set_count)
        .map(|s| {
            let object = rng.pick(&ADVICE_OBJECTS);
            let own_limits = rng.between(0, 2);
            let own_items = rng.between(2, 5);
            AdviceSet {
                id: format!("set-{s:04}"),
                title: format!("Advice about the {object} ({})", s + 1),
                items: rng
                    .sample(items.len(), own_items)
                    .into_iter()
                    .map(|i| items[i].id.clone())
                    .collect(),
                limits: rng
                    .sample(limits.len() - GENERAL_LIMITS.len(), own_limits)
                    .into_iter()
                    .map(|l| limits[GENERAL_LIMITS.len() + l].id.clone())
                    .collect(),
            }
        })
        .collect();
    Advice {
        items,
        sets,
        limits,
    }
}

/// The codes, and for each the index of its kind in `KINDS`.
fn codes(rng: &mut Rng, count: usize, set_count: usize) -> (Vec<IncidentCode>, Vec<usize>) {
    let width = count.to_string().len().max(4);
    let mut kinds = Vec::with_capacity(count);
    let codes = (0..count)
        .map(|i| {
            let k = rng.below(KINDS.len());
            kinds.push(k);
            let (kind, kind_words, service, base, resources, laws, notify) = KINDS[k];
            let (place, place_word) = *rng.pick(&PLACES);
            let (qualifier, qualifier_word, shift) = *rng.pick(&QUALIFIERS);
            let priority = (base as i32 + shift).clamp(0, PRIORITIES.len() as i32 - 1) as usize;
            let mut keywords: Vec<String> = kind_words.iter().map(|w| (*w).to_owned()).collect();
            keywords.push(place_word.to_owned());
            if !qualifier_word.is_empty() {
                keywords.push(qualifier_word.to_owned());
            }
            let mut fields = vec![LogField::Location, LogField::Narrative];
            let extra = rng.between(1, 4);
            for f in rng.sample(LogField::ALL.len(), extra) {
                if !fields.contains(&LogField::ALL[f]) {
                    fields.push(LogField::ALL[f]);
                }
            }
            fields.sort();
            IncidentCode {
                code: format!("GEN-{:0width$}", i + 1),
                title: format!("{kind} {place}{qualifier}"),
                service: SERVICES[service].0.to_owned(),
                default_priority: PRIORITIES[priority].0.to_owned(),
                keywords,
                response_plan: resources
                    .iter()
                    .map(|&r| ResponsePlanItem {
                        resource_type: RESOURCE_TYPES[r].0.to_owned(),
                        count: if priority <= 1 {
                            rng.between(1, 3) as u32
                        } else {
                            1
                        },
                        capacity: None,
                        alternatives: Vec::new(),
                        skills: Vec::new(),
                    })
                    .collect(),
                advice_set: if rng.chance(85) {
                    Some(format!("set-{:04}", rng.below(set_count)))
                } else {
                    None
                },
                required_fields: fields,
                legislation: laws.iter().map(|&l| LEGISLATION[l].0.to_owned()).collect(),
                notify: notify
                    .iter()
                    .map(|&o| ORGANISATIONS[o].0.to_owned())
                    .collect(),
                routes: Vec::new(),
                deadlines: Vec::new(),
            }
        })
        .collect();
    (codes, kinds)
}

/// Escalation triggers, and for each code the least urgent priority index its outcomes may have
/// (a trigger on codes with a `priority` sets it).
fn triggers(
    rng: &mut Rng,
    codes: &[IncidentCode],
    level_ids: &[String],
) -> (Vec<EscalationTrigger>, Vec<usize>) {
    let least_urgent = PRIORITIES.len() - 1;
    let mut cap = vec![least_urgent; codes.len()];
    let rank = |id: &str| {
        PRIORITIES
            .iter()
            .position(|p| p.0 == id)
            .unwrap_or(least_urgent)
    };
    let mut triggers = vec![
        trigger(
            "t-priority",
            "duty-manager",
            "Every immediate call is seen by the duty manager.",
            TriggerCondition::PriorityAtLeast("P1".to_owned()),
            None,
        ),
        trigger(
            "t-keywords",
            "duty-manager",
            "The caller used words that suggest danger to life.",
            TriggerCondition::Keywords(vec![
                "trapped".to_owned(),
                "not breathing".to_owned(),
                "explosion".to_owned(),
                "collapsed".to_owned(),
            ]),
            None,
        ),
        trigger(
            "t-elapsed",
            "team-leader",
            "The call has been open too long.",
            TriggerCondition::ElapsedMinutes(15),
            None,
        ),
        trigger(
            "t-vulnerable",
            "team-leader",
            "A vulnerable person is involved.",
            TriggerCondition::VulnerableCaller,
            None,
        ),
        trigger(
            "t-repeat",
            "team-leader",
            "The same caller or place has called repeatedly.",
            TriggerCondition::RepeatCaller {
                calls: 3,
                within_hours: 24,
            },
            None,
        ),
        trigger(
            "t-major",
            "strategic-commander",
            "A major incident has been declared.",
            TriggerCondition::MajorIncident,
            None,
        ),
    ];
    // Triggers on codes: a few per thousand codes, each naming up to 10 codes already at least as
    // urgent as the trigger's priority.
    let groups = (codes.len() / 250).max(2);
    for g in 0..groups {
        let priority = g % 2; // P1 or P2
        let eligible: Vec<usize> = (0..codes.len())
            .filter(|&c| rank(&codes[c].default_priority) <= priority)
            .collect();
        if eligible.is_empty() {
            continue;
        }
        let chosen: Vec<usize> = rng
            .sample(eligible.len(), 10)
            .into_iter()
            .map(|e| eligible[e])
            .collect();
        for &c in &chosen {
            cap[c] = cap[c].min(priority);
        }
        let level: &String = rng.pick(&level_ids[1..]);
        triggers.push(trigger(
            &format!("t-codes-{:03}", g + 1),
            level,
            "These codes always go to a manager.",
            TriggerCondition::Codes(chosen.iter().map(|&c| codes[c].code.clone()).collect()),
            Some(PRIORITIES[priority].0.to_owned()),
        ));
    }
    (triggers, cap)
}

fn trigger(
    id: &str,
    level: &str,
    reason: &str,
    when: TriggerCondition,
    priority: Option<String>,
) -> EscalationTrigger {
    EscalationTrigger {
        id: id.to_owned(),
        level: level.to_owned(),
        reason: reason.to_owned(),
        when,
        priority,
    }
}

fn resources(rng: &mut Rng, codes: usize, channel_ids: &[String]) -> Resources {
    let unit_count = (codes / 50).max(12);
    let units = (0..unit_count)
        .map(|u| {
            let t = u % RESOURCE_TYPES.len();
            let (type_id, _, skills) = RESOURCE_TYPES[t];
            let status = match rng.below(10) {
                0..=4 => UnitStatus::Available,
                5..=6 => UnitStatus::OnCall,
                7..=8 => UnitStatus::Committed,
                _ => UnitStatus::OffDuty,
            };
            let mut channels = vec![channel_ids[1].clone(), channel_ids[2].clone()];
            if rng.chance(50) {
                channels.push(channel_ids[3].clone());
            }
            let skill_count = rng.between(1, 3);
            let flight = rng.between(1, 9);
            ResourceUnit {
                id: format!("unit-{:04}", u + 1),
                call_sign: format!(
                    "{} {}-{flight}",
                    PHONETIC[t % PHONETIC.len()],
                    u / RESOURCE_TYPES.len() + 1
                ),
                resource_type: type_id.to_owned(),
                skills: rng
                    .sample(skills.len(), skill_count)
                    .into_iter()
                    .map(|s| skills[s].to_owned())
                    .collect(),
                zone: rng.pick(&ZONES).to_string(),
                status,
                channels,
                hours: None,
                capacity: None,
            }
        })
        .collect();
    Resources {
        types: RESOURCE_TYPES
            .iter()
            .map(|&(id, name, skills)| ResourceType {
                id: id.to_owned(),
                name: name.to_owned(),
                description: format!("{name}: {}.", skills.join(", ")),
                capacity_unit: None,
            })
            .collect(),
        units,
        allocation_rules: Some("The nearest available unit of the planned type first; on-call units when none is available.".to_owned()),
    }
}

// ---------------------------------------------------------------------------------------------
// Trees

/// Where an answer leads while a tree is being built: a later question, or an outcome chosen once
/// every answer is known (so that every outcome can be made to be used).
#[derive(Clone, Copy)]
enum Target {
    Node(usize),
    Outcome,
}

/// A question's answer before its targets are final.
enum Shape {
    Choice(usize),
    YesNo,
    Number(usize, Vec<NumberBranchShape>),
    Text,
}

#[derive(Clone, Copy)]
enum NumberBranchShape {
    AtLeast(u32),
    Below(u32),
}

fn tree(
    rng: &mut Rng,
    index: usize,
    codes: &[IncidentCode],
    kind_of_code: &[usize],
    priority_cap: &[usize],
    set_count: usize,
) -> DecisionTree {
    let n = rng.between(4, 12);
    let kind = rng.below(KINDS.len());
    let (kind_title, kind_words, ..) = KINDS[kind];
    let (place, place_word) = *rng.pick(&PLACES);

    // Shapes: every kind of answer appears often; questions drawn without repeats where possible.
    let mut yes_no = rng.sample(YES_NO_QUESTIONS.len(), n);
    let mut choice = rng.sample(CHOICE_QUESTIONS.len(), n);
    let mut number = rng.sample(NUMBER_QUESTIONS.len(), n);
    let mut text = rng.sample(TEXT_QUESTIONS.len(), n);
    let mut shapes = Vec::with_capacity(n);
    let mut questions = Vec::with_capacity(n);
    for _ in 0..n {
        let roll = rng.below(100);
        let (shape, question) = if roll < 35 {
            let q = yes_no
                .pop()
                .unwrap_or_else(|| rng.below(YES_NO_QUESTIONS.len()));
            (Shape::YesNo, YES_NO_QUESTIONS[q].to_owned())
        } else if roll < 65 {
            let q = choice
                .pop()
                .unwrap_or_else(|| rng.below(CHOICE_QUESTIONS.len()));
            (Shape::Choice(q), CHOICE_QUESTIONS[q].0.to_owned())
        } else if roll < 85 {
            let q = number
                .pop()
                .unwrap_or_else(|| rng.below(NUMBER_QUESTIONS.len()));
            let (_, _, min, max, [high, low]) = NUMBER_QUESTIONS[q];
            let branches = match rng.below(4) {
                0 => vec![NumberBranchShape::AtLeast(high)],
                1 => vec![
                    NumberBranchShape::AtLeast(high),
                    NumberBranchShape::AtLeast(low),
                ],
                2 => vec![
                    NumberBranchShape::AtLeast(high),
                    NumberBranchShape::Below(low),
                ],
                _ => vec![NumberBranchShape::Below(low.max(min + 1).min(max))],
            };
            (Shape::Number(q, branches), NUMBER_QUESTIONS[q].0.to_owned())
        } else {
            let q = text
                .pop()
                .unwrap_or_else(|| rng.below(TEXT_QUESTIONS.len()));
            (Shape::Text, TEXT_QUESTIONS[q].to_owned())
        };
        shapes.push(shape);
        questions.push(question);
    }

    // Targets: each question leads on to the next on one answer (so every question is reachable
    // from the first), and elsewhere to a later question or an outcome (so there are no cycles).
    // The last question leads only to outcomes.
    let mut targets: Vec<Vec<Target>> = Vec::with_capacity(n);
    for (i, shape) in shapes.iter().enumerate() {
        let edges = match shape {
            Shape::Choice(q) => CHOICE_QUESTIONS[*q].1.len(),
            Shape::YesNo => 2,
            Shape::Number(_, branches) => branches.len() + 1,
            Shape::Text => 1,
        };
        // Only a choice has several answers that carry on to the next question; a yes/no or a
        // number that went the same way on every answer would be a question without a purpose.
        let several_may_continue = matches!(shape, Shape::Choice(_));
        let mut list: Vec<Target> = (0..edges)
            .map(|_| {
                if i + 1 == n {
                    return Target::Outcome;
                }
                match rng.below(10) {
                    0..=4 => Target::Outcome,
                    5..=7 if i + 2 < n => Target::Node(rng.between(i + 2, n - 1)),
                    _ if several_may_continue => Target::Node(i + 1),
                    _ => Target::Outcome,
                }
            })
            .collect();
        if i + 1 < n {
            let main = rng.below(edges);
            list[main] = Target::Node(i + 1);
        }
        targets.push(list);
    }

    // Which questions are asked before question j on every path: only those may be named in j's
    // ask_if (removing such a question cuts j off from the start).
    let dominators: Vec<Vec<usize>> = (0..n)
        .map(|j| {
            (0..j)
                .filter(|&d| !reachable_without(&targets, d, j))
                .collect()
        })
        .collect();

    // ask_if with skip_to on about one question in five (never the first).
    let mut ask_if: Vec<Option<(Condition, Target)>> = (0..n).map(|_| None).collect();
    for j in 1..n {
        if !rng.chance(20) {
            continue;
        }
        let candidates: Vec<usize> = dominators[j]
            .iter()
            .copied()
            .filter(|&d| !matches!(shapes[d], Shape::Text))
            .collect();
        if candidates.is_empty() {
            continue;
        }
        let simple = |rng: &mut Rng| {
            let d = *rng.pick(&candidates);
            let node = format!("q{}", d + 1);
            match &shapes[d] {
                Shape::Choice(q) => Condition::Answered {
                    node,
                    is: rng.pick(CHOICE_QUESTIONS[*q].1).0.to_owned(),
                },
                Shape::YesNo => Condition::Answered {
                    node,
                    is: if rng.chance(50) { "yes" } else { "no" }.to_owned(),
                },
                Shape::Number(q, _) => Condition::AtLeast {
                    node,
                    value: f64::from(*rng.pick(&NUMBER_QUESTIONS[*q].4)),
                },
                Shape::Text => unreachable!("text questions are filtered out"),
            }
        };
        let condition = match rng.below(20) {
            0..=11 => simple(rng),
            12..=14 => Condition::Not(Box::new(simple(rng))),
            15..=17 => Condition::Any(vec![simple(rng), simple(rng)]),
            _ => Condition::All(vec![simple(rng), simple(rng)]),
        };
        // Skipping goes on to the next question (an edge j already has) or ends the tree.
        let skip = if j + 1 < n && rng.chance(70) {
            Target::Node(j + 1)
        } else {
            Target::Outcome
        };
        ask_if[j] = Some((condition, skip));
    }

    // Outcomes: as many as there are answers that end the tree (2 to 6), each used at least once.
    let mut slots: Vec<(usize, Option<usize>)> = Vec::new(); // (question, edge or skip_to)
    for (i, list) in targets.iter().enumerate() {
        for (e, t) in list.iter().enumerate() {
            if matches!(t, Target::Outcome) {
                slots.push((i, Some(e)));
            }
        }
        if let Some((_, Target::Outcome)) = ask_if[i] {
            slots.push((i, None));
        }
    }
    let outcome_count = rng.between(2, 6).min(slots.len());
    rng.shuffle(&mut slots);
    let mut outcome_of: Vec<Vec<usize>> = targets.iter().map(|l| vec![0; l.len()]).collect();
    let mut skip_outcome: Vec<usize> = vec![0; n];
    // The first `outcome_count` slots take one outcome each, so every outcome is used; the rest
    // take an outcome none of their question's other answers leads to, where there is one
    // (skip_to may share an answer's outcome).
    let mut taken: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (s, &(i, edge)) in slots.iter().enumerate().take(outcome_count) {
        if edge.is_some() {
            taken[i].push(s);
        }
    }
    for (s, &(i, edge)) in slots.iter().enumerate() {
        let o = if s < outcome_count {
            s
        } else if edge.is_none() {
            rng.below(outcome_count)
        } else {
            let mut o = rng.below(outcome_count);
            for _ in 0..outcome_count {
                if !taken[i].contains(&o) {
                    break;
                }
                o = (o + 1) % outcome_count;
            }
            taken[i].push(o);
            o
        };
        match edge {
            Some(e) => outcome_of[i][e] = o,
            None => skip_outcome[i] = o,
        }
    }
    let next = |i: usize, e: usize| match targets[i][e] {
        Target::Node(j) => Next::Node(format!("q{}", j + 1)),
        Target::Outcome => Next::Outcome(format!("out{}", outcome_of[i][e] + 1)),
    };

    let nodes = (0..n)
        .map(|i| {
            let answer = match &shapes[i] {
                Shape::Choice(q) => Answer::Choice {
                    options: CHOICE_QUESTIONS[*q]
                        .1
                        .iter()
                        .enumerate()
                        .map(|(e, &(id, label))| AnswerOption {
                            id: id.to_owned(),
                            label: label.to_owned(),
                            next: next(i, e),
                        })
                        .collect(),
                },
                Shape::YesNo => Answer::YesNo {
                    yes: next(i, 0),
                    no: next(i, 1),
                },
                Shape::Number(q, branches) => {
                    let (_, unit, min, max, _) = NUMBER_QUESTIONS[*q];
                    Answer::Number {
                        unit: unit.to_owned(),
                        min: f64::from(min),
                        max: f64::from(max),
                        branches: branches
                            .iter()
                            .enumerate()
                            .map(|(e, b)| match *b {
                                NumberBranchShape::AtLeast(v) => NumberBranch {
                                    at_least: Some(f64::from(v)),
                                    below: None,
                                    next: next(i, e),
                                },
                                NumberBranchShape::Below(v) => NumberBranch {
                                    at_least: None,
                                    below: Some(f64::from(v)),
                                    next: next(i, e),
                                },
                            })
                            .collect(),
                        otherwise: next(i, branches.len()),
                    }
                }
                Shape::Text => Answer::Text { next: next(i, 0) },
            };
            let (ask_if, skip_to) = match &ask_if[i] {
                None => (None, None),
                Some((condition, skip)) => (
                    Some(condition.clone()),
                    Some(match skip {
                        Target::Node(j) => Next::Node(format!("q{}", j + 1)),
                        Target::Outcome => Next::Outcome(format!("out{}", skip_outcome[i] + 1)),
                    }),
                ),
            };
            TreeNode {
                id: format!("q{}", i + 1),
                question: questions[i].clone(),
                give_now: Vec::new(),
                guidance: if rng.chance(25) {
                    Some(rng.pick(&GUIDANCE).to_string())
                } else {
                    None
                },
                ask_if,
                skip_to,
                answer,
            }
        })
        .collect();

    // Outcome codes: mostly codes of the tree's own kind, so search and trees agree.
    let same_kind: Vec<usize> = (0..codes.len())
        .filter(|&c| kind_of_code[c] == kind)
        .collect();
    let outcomes = (0..outcome_count)
        .map(|o| {
            let c = if !same_kind.is_empty() && rng.chance(80) {
                *rng.pick(&same_kind)
            } else {
                rng.below(codes.len())
            };
            let base = PRIORITIES
                .iter()
                .position(|p| p.0 == codes[c].default_priority)
                .unwrap_or(0);
            let shifted = (base as i32 + rng.between(0, 3) as i32 - 1).max(0) as usize;
            let priority = shifted.min(priority_cap[c]).min(PRIORITIES.len() - 1);
            Outcome {
                id: format!("out{}", o + 1),
                code: codes[c].code.clone(),
                priority: PRIORITIES[priority].0.to_owned(),
                advice_set: if rng.chance(30) {
                    Some(format!("set-{:04}", rng.below(set_count)))
                } else {
                    None
                },
                escalation: if priority <= 1 && rng.chance(40) {
                    Some(LEVELS[1].0.to_owned())
                } else {
                    None
                },
                reason: rng.pick(&OUTCOME_REASONS).to_string(),
                notify: Vec::new(),
                routes: Vec::new(),
                continue_to: None,
            }
        })
        .collect();

    DecisionTree {
        id: format!("tree-{:04}", index + 1),
        title: format!("{kind_title} {place}: assessment {}", index + 1),
        keywords: kind_words
            .iter()
            .map(|w| (*w).to_owned())
            .chain(std::iter::once(place_word.to_owned()))
            .collect(),
        start: "q1".to_owned(),
        give_now: Vec::new(),
        nodes,
        outcomes,
    }
}

/// Whether question `to` can be reached from the first question when question `without` is
/// removed. Trees are small (at most 12 questions), so a plain search is enough.
fn reachable_without(targets: &[Vec<Target>], without: usize, to: usize) -> bool {
    if without == 0 {
        return false;
    }
    let mut seen = vec![false; targets.len()];
    let mut stack = vec![0];
    while let Some(i) = stack.pop() {
        if i == to {
            return true;
        }
        if seen[i] || i == without {
            continue;
        }
        seen[i] = true;
        for t in &targets[i] {
            if let Target::Node(j) = t {
                stack.push(*j);
            }
        }
    }
    false
}
