//! The published JSON Schemas (docs/schemas/) are the ones the types generate, and real output
//! validates against them: every line of the examples' traces (real recordings in VMs), their
//! summaries, the reports `tracer vm check` wrote, and reports judged here from those traces.

use std::{
    io::{BufRead as _, BufReader},
    path::{Path, PathBuf},
};

use serde_json::Value;
use tracer::schema::{Format, schema, schema_text};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn validator(format: Format) -> jsonschema::Validator {
    let value = serde_json::to_value(schema(format)).expect("schema as JSON");
    jsonschema::validator_for(&value)
        .unwrap_or_else(|e| panic!("{format:?}: the schema is not a valid JSON Schema: {e}"))
}

fn assert_valid(v: &jsonschema::Validator, what: &str, instance: &Value) {
    let errors: Vec<String> = v
        .iter_errors(instance)
        .take(5)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{what}: {errors:#?}");
}

/// Example directories holding a real recording, each with the review it was judged against.
fn recorded_examples() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    for group in ["examples/vm", "examples/diff/mosquitto"] {
        for entry in std::fs::read_dir(root().join(group)).expect("examples") {
            let dir = entry.expect("entry").path();
            if dir.join("trace.jsonl.gz").exists() {
                dirs.push(dir);
            }
        }
    }
    dirs.sort();
    assert!(dirs.len() >= 5, "examples with traces: {dirs:?}");
    dirs
}

fn trace_lines(path: &Path) -> impl Iterator<Item = String> + use<> {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    BufReader::new(flate2::read::GzDecoder::new(file))
        .lines()
        .map(|l| l.expect("a trace line"))
}

#[test]
fn the_committed_schemas_are_the_generated_ones() {
    for format in Format::ALL {
        let path = root().join("docs/schemas").join(format.file_name());
        let committed =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(
            committed == schema_text(format),
            "{} is stale: run `cargo run -p tracer -- schema --out-dir docs/schemas`",
            path.display()
        );
    }
}

#[test]
fn every_line_of_real_traces_validates() {
    let v = validator(Format::Trace);
    for dir in recorded_examples() {
        let path = dir.join("trace.jsonl.gz");
        let mut kinds = std::collections::BTreeSet::new();
        let mut lines = 0;
        for (i, line) in trace_lines(&path).enumerate() {
            let value: Value = serde_json::from_str(&line).expect("JSON");
            assert_valid(&v, &format!("{} line {}", path.display(), i + 1), &value);
            if let Some(k) = value.get("kind").and_then(Value::as_str) {
                kinds.insert(k.to_owned());
            }
            lines += 1;
        }
        assert!(
            lines > 100 && kinds.len() > 5,
            "{}: {kinds:?}",
            path.display()
        );
    }
}

#[test]
fn summaries_and_reports_of_real_traces_validate() {
    let summary = validator(Format::Summary);
    let report = validator(Format::Report);
    for dir in recorded_examples() {
        let name = dir.display().to_string();
        let trace = tracer::trace::read_trace(&dir.join("trace.jsonl.gz")).expect("trace");
        let s = tracer::summary::summarize(&trace);
        assert_valid(
            &summary,
            &format!("{name}: summary"),
            &serde_json::to_value(&s).unwrap(),
        );

        // The report `tracer vm check` wrote, as committed.
        let written: Value = serde_json::from_str(
            &std::fs::read_to_string(dir.join("report.json")).expect("report.json"),
        )
        .expect("JSON");
        assert_valid(&report, &format!("{name}: report.json"), &written);

        // And one judged now from the same trace, with the claims it was judged against: the
        // example's review, or the claims file its report names.
        let claims = claims_of(&dir, &written);
        let options = tracer::CheckOptions::trace_only(&claims, None, &name);
        let judged = tracer::check(&trace, &claims, options).report;
        assert!(!judged.verdicts.is_empty(), "{name}: no claim judged");
        assert_valid(
            &report,
            &format!("{name}: judged report"),
            &serde_json::to_value(&judged).unwrap(),
        );
    }
}

fn claims_of(dir: &Path, report: &Value) -> tracer::claims::ClaimSet {
    for review in [dir.join("review.txt"), dir.join("../review.txt")] {
        if let Ok(text) = std::fs::read_to_string(&review) {
            return tracer::claims::extract(&text);
        }
    }
    let local = dir.join("claims.toml");
    let named = report["inputs"]["claims_file"]
        .as_str()
        .map(|f| root().join(f));
    let file = [Some(local), named]
        .into_iter()
        .flatten()
        .find(|p| p.exists())
        .unwrap_or_else(|| panic!("{}: no review or claims file", dir.display()));
    let parsed = tracer::claims::read_claims_file(&file).expect("claims file");
    tracer::claims::merge(tracer::claims::extract(""), parsed)
}

/// The schemas are not "anything goes": output that breaks the format fails them.
#[test]
fn broken_output_fails_the_schemas() {
    let v = validator(Format::Trace);
    let dir = &recorded_examples()[0];
    let mut lines = trace_lines(&dir.join("trace.jsonl.gz"));
    let header: Value = serde_json::from_str(&lines.next().unwrap()).unwrap();
    let event: Value = serde_json::from_str(&lines.next().unwrap()).unwrap();
    assert_valid(&v, "header", &header);
    assert_valid(&v, "event", &event);

    let mut bad = header.clone();
    bad["version"] = "1".into();
    assert!(!v.is_valid(&bad), "a string version passed");
    let mut bad = header.clone();
    bad.as_object_mut().unwrap().remove("kernel");
    assert!(!v.is_valid(&bad), "a header without kernel passed");
    let mut bad = event.clone();
    bad["kind"] = "teleport".into();
    assert!(!v.is_valid(&bad), "an unknown event kind passed");
    let mut bad = event.clone();
    bad["type"] = "banner".into();
    assert!(!v.is_valid(&bad), "an unknown line type passed");

    let r = validator(Format::Report);
    let mut report: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("report.json")).unwrap()).unwrap();
    assert_valid(&r, "report", &report);
    report["verdicts"][0]["status"] = "probably".into();
    assert!(!r.is_valid(&report), "an unknown verdict status passed");
}

/// `exercised.json` as `vm check` wrote it (an example's, from before `version` and `units`)
/// and as it writes it now (the oneshot fixture's) validates; a unit with a numeric type
/// does not.
#[test]
fn exercise_records_validate() {
    let v = validator(Format::Exercised);
    let mut files: Vec<PathBuf> = recorded_examples()
        .into_iter()
        .map(|d| d.join("exercised.json"))
        .filter(|p| p.exists())
        .collect();
    assert!(!files.is_empty(), "no example has an exercised.json");
    files.push(root().join("tracer/tests/fixtures/exercised-oneshot.json"));
    for path in &files {
        let text =
            std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let record: Value = serde_json::from_str(&text).unwrap();
        assert_valid(&v, &path.display().to_string(), &record);
    }
    let mut bad: Value =
        serde_json::from_str(&std::fs::read_to_string(files.last().unwrap()).unwrap()).unwrap();
    bad["units"]["powerjob.service"]["service_type"] = 1.into();
    assert!(!v.is_valid(&bad), "a numeric unit type passed");
}
