//! `tracer completions SHELL` and the hidden `tracer man --out DIR`: shell completions and man
//! pages made from the same clap definitions as the parser, so they cannot drift from it.
//! `cargo xtask deb` runs both and installs the output (the errors' hints point at the docs, so
//! the package must carry them).

use std::{io::Write as _, path::PathBuf, process::ExitCode};

use anyhow::Context as _;
use clap::Command;

#[derive(clap::Args)]
#[command(about = "Print shell completions (bash, zsh, fish, elvish, powershell) to stdout")]
pub struct CompletionsArgs {
    shell: clap_complete::Shell,
}

#[derive(clap::Args)]
#[command(
    about = "Print the JSON Schema of a trace line, the summary JSON or report.json",
    long_about = "Print the JSON Schema (draft 2020-12) of a trace line, the summary JSON or \
                  report.json, generated from the types that write them; docs/schemas/ holds \
                  the same files. With --out-dir, write all three there."
)]
pub struct SchemaArgs {
    /// Which format's schema to print.
    #[arg(required_unless_present = "out_dir")]
    format: Option<tracer::schema::Format>,
    /// Write every format's schema into this directory (trace.schema.json, …) instead.
    #[arg(long, conflicts_with = "format")]
    out_dir: Option<PathBuf>,
}

#[derive(clap::Args)]
pub struct ManArgs {
    /// Directory the pages are written to (tracer.1, tracer-check.1, tracer-vm-check.1, …).
    #[arg(long)]
    out: PathBuf,
}

pub fn completions(args: CompletionsArgs, mut cmd: Command) -> anyhow::Result<ExitCode> {
    let mut buf = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "tracer", &mut buf);
    std::io::stdout()
        .write_all(&buf)
        .context("writing to stdout")?;
    Ok(ExitCode::SUCCESS)
}

pub fn schema(args: SchemaArgs) -> anyhow::Result<ExitCode> {
    use tracer::schema::{Format, schema_text};
    match (args.format, args.out_dir) {
        (Some(format), _) => std::io::stdout()
            .write_all(schema_text(format).as_bytes())
            .context("writing to stdout")?,
        (None, Some(dir)) => {
            for format in Format::ALL {
                let path = dir.join(format.file_name());
                std::fs::write(&path, schema_text(format)).with_context(|| {
                    format!(
                        "cannot write {}; check the directory exists and is writable",
                        path.display()
                    )
                })?;
            }
        }
        (None, None) => unreachable!("clap requires a format or --out-dir"),
    }
    Ok(ExitCode::SUCCESS)
}

/// One page per command and subcommand, named as man(1) expects (`man tracer-vm-check`).
pub fn man(args: ManArgs, cmd: Command) -> anyhow::Result<ExitCode> {
    std::fs::create_dir_all(&args.out).with_context(|| {
        format!(
            "cannot create {}; check the parent exists and is writable",
            args.out.display()
        )
    })?;
    let mut cmd = cmd;
    cmd.build();
    let mut written = 0;
    write_pages(&cmd, "tracer", &args.out, &mut written)?;
    tracing::info!(pages = written, dir = %args.out.display(), "man pages written");
    Ok(ExitCode::SUCCESS)
}

fn write_pages(
    cmd: &Command,
    name: &str,
    dir: &std::path::Path,
    written: &mut usize,
) -> anyhow::Result<()> {
    if cmd.is_hide_set() {
        return Ok(());
    }
    let mut buf = Vec::new();
    clap_mangen::Man::new(cmd.clone())
        .title(name.to_uppercase())
        .render(&mut buf)
        .with_context(|| format!("rendering the man page of {name}"))?;
    let path = dir.join(format!("{name}.1"));
    std::fs::write(&path, buf).with_context(|| format!("writing {}", path.display()))?;
    *written += 1;
    for sub in cmd.get_subcommands() {
        if sub.get_name() == "help" {
            continue;
        }
        write_pages(sub, &format!("{name}-{}", sub.get_name()), dir, written)?;
    }
    Ok(())
}
