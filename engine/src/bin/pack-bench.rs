//! `pack-bench FILE [RUNS]`: how long parsing and validating a pack takes, natively (F18).
//!
//! Prints the median, 95th percentile and fastest of RUNS (default 30) runs of `parse_pack`, beside
//! a baseline measured in the same run on the same bytes: serde_json reading them into an untyped
//! `Value` (the least any JSON reader must do). Then code search as the handler types: every
//! keystroke of a few queries (the same ones bench/interaction.mjs types in the widget), p50 and
//! p95 per keystroke, beside a baseline in the same run: a plain case-insensitive substring scan of
//! the titles (the least any search must do). Figures, not a test. The same work in wasm is
//! measured in the widget by scripts/bench.

use std::process::ExitCode;
use std::time::{Duration, Instant};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(file) = args.first() else {
        eprintln!("usage: pack-bench FILE [RUNS]");
        return ExitCode::from(2);
    };
    let runs: usize = match args.get(1).map(|r| r.parse()) {
        None => 30,
        Some(Ok(n)) if n > 0 => n,
        Some(_) => {
            eprintln!("RUNS must be a positive whole number");
            return ExitCode::from(2);
        }
    };
    let bytes = match std::fs::read(file) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{file}: {e}");
            return ExitCode::from(2);
        }
    };
    if let Err(e) = incident_engine::parse_pack(&bytes) {
        eprintln!("{file}: not a valid pack: {e}");
        return ExitCode::FAILURE;
    }
    // Interleaved, so a busy machine slows both alike.
    let mut pack_times = Vec::with_capacity(runs);
    let mut baseline_times = Vec::with_capacity(runs);
    let mut read_times = Vec::with_capacity(runs);
    let mut direct_times = Vec::with_capacity(runs);
    let mut validate_times = Vec::with_capacity(runs);
    for _ in 0..runs {
        // The two stages of parse_pack on their own: reading typed (as parse_pack reads: the
        // syntax checked, the tree built, read by hand from it), and validating.
        let started = Instant::now();
        let file: Option<incident_engine::PackFile> =
            incident_engine::pack::read_pack_file(&bytes).ok();
        read_times.push(started.elapsed());
        // The same read straight from the text by serde_json, as before the tree (issue 14).
        let started = Instant::now();
        let direct: Option<incident_engine::PackFile> = serde_json::from_slice(&bytes).ok();
        direct_times.push(started.elapsed());
        drop(direct);
        if let Some(file) = file {
            let started = Instant::now();
            let checked = incident_engine::validate(file);
            validate_times.push(started.elapsed());
            drop(checked);
        }
        let started = Instant::now();
        let value: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
        baseline_times.push(started.elapsed());
        drop(value);
        let started = Instant::now();
        let pack = incident_engine::parse_pack(&bytes);
        pack_times.push(started.elapsed());
        drop(pack);
    }
    let (p, b) = (summary(&mut pack_times), summary(&mut baseline_times));
    let (r, v) = (summary(&mut read_times), summary(&mut validate_times));
    let d = summary(&mut direct_times);
    println!(
        "pack-bench {file}: {} bytes, {runs} runs, native (release: {})",
        bytes.len(),
        !cfg!(debug_assertions)
    );
    println!(
        "{:<38} {:>10} {:>10} {:>10}",
        "", "median ms", "p95 ms", "min ms"
    );
    println!(
        "{:<38} {:>10.2} {:>10.2} {:>10.2}",
        "parse_pack (parse + validate)", p.0, p.1, p.2
    );
    let row = |label: &str, t: (f64, f64, f64)| {
        println!("{label:<38} {:>10.2} {:>10.2} {:>10.2}", t.0, t.1, t.2)
    };
    row("  of which: read into PackFile", r);
    row("  of which: validate", v);
    row("  the read by serde_json from the text", d);
    row("baseline: serde_json::Value", b);
    println!(
        "ratio to baseline (medians): {:.2}x; goal 15 ms at 1x CPU: {}",
        p.0 / b.0,
        if p.0 <= 15.0 { "met" } else { "not met" }
    );
    if let Ok(pack) = incident_engine::parse_pack(&bytes) {
        search_bench(&pack, runs);
    }
    ExitCode::SUCCESS
}

/// What is typed, one keystroke at a time (as in bench/interaction.mjs).
const QUERIES: [&str; 5] = [
    "sewage overflow",
    "GEN-12",
    "lift tower block",
    "carbon monoxide",
    "fly tipping night",
];

fn search_bench(pack: &incident_engine::Pack, runs: usize) {
    use incident_engine::call::search::CodeSearch;
    let titles: Vec<String> = pack
        .file()
        .codes
        .iter()
        .map(|c| format!("{} {}", c.code, c.title).to_lowercase())
        .collect();
    let mut search_times = Vec::new();
    let mut baseline_times = Vec::new();
    let mut found = 0usize;
    for _ in 0..runs.min(10) {
        for query in QUERIES {
            let mut search = CodeSearch::new(pack);
            for end in query.char_indices().map(|(i, c)| i + c.len_utf8()) {
                let typed = &query[..end];
                let started = Instant::now();
                let hits = search.search(typed, 20);
                search_times.push(started.elapsed());
                found += hits.len();
                let started = Instant::now();
                let lower = typed.to_lowercase();
                let words: Vec<&str> = lower.split_whitespace().collect();
                let hits = titles
                    .iter()
                    .enumerate()
                    .filter(|(_, t)| words.iter().all(|w| t.contains(w)))
                    .take(20)
                    .count();
                baseline_times.push(started.elapsed());
                found += hits;
            }
        }
    }
    let n = search_times.len();
    let (s, b) = (summary(&mut search_times), summary(&mut baseline_times));
    println!(
        "code search over {} codes, {n} keystrokes ({} results seen)",
        pack.file().codes.len(),
        found
    );
    println!(
        "{:<38} {:>10} {:>10} {:>10}",
        "", "median ms", "p95 ms", "min ms"
    );
    let row = |label: &str, t: (f64, f64, f64)| {
        println!("{label:<38} {:>10.3} {:>10.3} {:>10.3}", t.0, t.1, t.2)
    };
    row("CodeSearch::search (fuzzy, ranked)", s);
    row("baseline: substring scan of titles", b);
    println!(
        "goal p95 1 ms per keystroke (in wasm; see scripts/bench): natively {}",
        if s.1 <= 1.0 { "met" } else { "not met" }
    );
}

/// (median, p95, min) in milliseconds.
fn summary(times: &mut [Duration]) -> (f64, f64, f64) {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let at = |q: f64| ms(times[((times.len() - 1) as f64 * q).round() as usize]);
    (at(0.5), at(0.95), ms(times[0]))
}
