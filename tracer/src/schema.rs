//! JSON Schemas of the public output formats, generated from the very types that write them, so
//! a schema cannot drift from the output: the trace (one schema for every line), the summary
//! (`tracer summarize --json`), the report (`report.json`) and a `vm check` run's exercise
//! record (`exercised.json`).
//!
//! They describe what this version's reader accepts (schemars' deserialize contract), which is
//! what a file of this format version may hold: a field added later with a default, such as the
//! report's `findings.maintainer_removals`, is optional, since files written before it are still
//! version 1 and still read. The committed copies in docs/schemas/ are checked against this
//! module in tests, and real recordings are validated against them.

use schemars::{Schema, generate::SchemaSettings};

/// A published format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Each line of a trace file: header, event or footer (`type`).
    Trace,
    /// `tracer summarize --json`.
    Summary,
    /// `report.json` of `tracer check` and `tracer vm check`.
    Report,
    /// `exercised.json` of `tracer vm check` (what `tracer check --exercised` reads).
    Exercised,
}

impl Format {
    pub const ALL: [Format; 4] = [
        Format::Trace,
        Format::Summary,
        Format::Report,
        Format::Exercised,
    ];

    /// The file name of the committed copy in docs/schemas/.
    pub fn file_name(self) -> &'static str {
        match self {
            Format::Trace => "trace.schema.json",
            Format::Summary => "summary.schema.json",
            Format::Report => "report.schema.json",
            Format::Exercised => "exercised.schema.json",
        }
    }

    fn title_and_version(self) -> (&'static str, u32) {
        match self {
            Format::Trace => ("tracer trace line", crate::trace::FORMAT_VERSION),
            Format::Summary => ("tracer summary", crate::summary::SUMMARY_VERSION),
            Format::Report => ("tracer report", crate::report::REPORT_VERSION),
            Format::Exercised => (
                "tracer vm check exercise record",
                crate::verdict::witness::EXERCISED_VERSION,
            ),
        }
    }
}

/// The schema of `format` (JSON Schema draft 2020-12).
pub fn schema(format: Format) -> Schema {
    let generator = SchemaSettings::draft2020_12().into_generator();
    let mut schema = match format {
        Format::Trace => generator.into_root_schema_for::<crate::trace::Line>(),
        Format::Summary => generator.into_root_schema_for::<crate::summary::Summary>(),
        Format::Report => generator.into_root_schema_for::<crate::report::Report>(),
        Format::Exercised => generator.into_root_schema_for::<crate::verdict::witness::Exercised>(),
    };
    let (title, version) = format.title_and_version();
    schema.insert("title".into(), format!("{title}, version {version}").into());
    schema
}

/// [`schema`] as the committed file holds it: pretty JSON and a final newline.
pub fn schema_text(format: Format) -> String {
    let mut text = serde_json::to_string_pretty(&schema(format))
        .expect("a schema is plain JSON and always serializes");
    text.push('\n');
    text
}
