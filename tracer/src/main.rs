//! The `tracer` command line. Thin: parsing, logging set-up and exit codes; the work is in the
//! library. Exit codes: 0 success; 1 a claim is contradicted (`check`); 2 bad input or an
//! infrastructure failure (each with a one-line message and a hint); 3 inconclusive (`check`).

mod cli;

use std::process::ExitCode;

use clap::{CommandFactory as _, Parser, Subcommand};

/// `0.1.0 (commit 0123456789ab)`, set by build.rs: a question about a verdict needs the code that
/// judged, and a version number alone does not name it between releases.
const VERSION: &str = env!("TRACER_VERSION");

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "tracer",
    version = VERSION,
    about = "Record what a package's daemons really do, and check review claims against it"
)]
struct Cli {
    /// More log output on stderr (-v: info, -vv: debug). RUST_LOG overrides.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    verbose: u8,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Record(cli::record::Args),
    Summarize(cli::summarize::Args),
    Claims(cli::claims::Args),
    Check(cli::check::Args),
    Vm(cli::vm::Args),
    Diff(cli::diff::Args),
    Harden(cli::harden::Args),
    Completions(cli::docs::CompletionsArgs),
    Schema(cli::docs::SchemaArgs),
    /// Write the man pages (what `cargo xtask deb` installs).
    #[command(hide = true)]
    Man(cli::docs::ManArgs),
}

/// Exit code for bad input and infrastructure failures.
const EXIT_ERROR: u8 = 2;

fn main() -> ExitCode {
    tracer::alloc::tune();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let code = if err.use_stderr() { EXIT_ERROR } else { 0 };
            let _ = err.print();
            return ExitCode::from(code);
        }
    };
    init_logging(cli.verbose);
    let result = match cli.command {
        Command::Record(args) => cli::record::run(args),
        Command::Summarize(args) => cli::summarize::run(args),
        Command::Claims(args) => cli::claims::run(args),
        Command::Check(args) => cli::check::run(args),
        Command::Vm(args) => cli::vm::run(args),
        Command::Diff(args) => cli::diff::run(args),
        Command::Harden(args) => cli::harden::run(args),
        Command::Completions(args) => cli::docs::completions(args, Cli::command()),
        Command::Schema(args) => cli::docs::schema(args),
        Command::Man(args) => cli::docs::man(args, Cli::command()),
    };
    cli::progress::finish();
    match result {
        Ok(code) => code,
        Err(err) => {
            // Not eprintln!: it panics when stderr fails (a full disk under a log file).
            use std::io::Write as _;
            let _ = writeln!(std::io::stderr(), "tracer: error: {err:#}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

fn init_logging(verbose: u8) {
    use tracing_subscriber::{Layer as _, filter::filter_fn, layer::SubscriberExt as _};
    let default = match verbose {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    let progress = tracer::vm::PROGRESS;
    // Without -v, still where a run of minutes is (cli/progress.rs).
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        tracing_subscriber::EnvFilter::new(format!("{default},{progress}=info"))
    });
    let terminal = std::io::IsTerminal::is_terminal(&std::io::stderr());
    // On a terminal without -v, progress is the live line and not also a log line.
    let live = terminal && verbose == 0;
    let is_progress = move |meta: &tracing::Metadata<'_>| meta.target() == progress;
    let fmt = tracing_subscriber::fmt::layer()
        .with_writer(cli::progress::AroundBar)
        .with_target(false)
        // A log line that cannot be written is dropped: by default tracing-subscriber reports
        // that with eprintln!, which panics when stderr itself failed. In a VM the recorder's
        // stderr is a file the package under review can fill, and a panic would end the
        // recording.
        .log_internal_errors(false)
        // Colour only on a terminal, and never under NO_COLOR: a log attached to a bug or
        // kept by CI must not carry escape sequences.
        .with_ansi(terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()))
        .with_filter(filter_fn(move |meta| !(live && is_progress(meta))));
    let registry = tracing_subscriber::registry().with(filter).with(fmt);
    let live_line = live.then(|| cli::progress::LiveLine.with_filter(filter_fn(is_progress)));
    tracing::subscriber::set_global_default(registry.with(live_line))
        .expect("the only subscriber, set once at start");
}
