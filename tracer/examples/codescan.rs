//! The recorder's crypto code scan over files named on the command line (or one per line on
//! standard input): one tab-separated line per file (path, constants, instructions, imports,
//! unscanned, milliseconds), then how many files matched each signature. How docs/claims.md's
//! false-positive figures were measured:
//! `find /usr/bin /usr/sbin -type f | cargo run -p tracer --example codescan`.

use std::collections::BTreeMap;
use std::io::BufRead;
use std::time::Instant;

fn main() {
    let mut paths: Vec<String> = std::env::args().skip(1).collect();
    if paths.is_empty() {
        paths = std::io::stdin()
            .lock()
            .lines()
            .map_while(Result::ok)
            .collect();
    }
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let (mut elf, mut any, mut unscanned, mut scripts) = (0usize, 0usize, 0usize, 0usize);
    let start = Instant::now();
    for path in &paths {
        let t = Instant::now();
        let scan = tracer::record::codescan::scan_file(path);
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        if !scan.elf {
            // A Python `#!` script: only its crypto imports are looked for.
            if !scan.imports.is_empty() {
                *counts
                    .entry(format!("script imports {}", scan.imports.join("/")))
                    .or_default() += 1;
                scripts += 1;
                println!("{path}\t\t\t{}\t\t{ms:.1}", scan.imports.join(","));
            }
            continue;
        }
        elf += 1;
        unscanned += usize::from(scan.unscanned.is_some());
        let found: Vec<&String> = scan.constants.iter().chain(&scan.instructions).collect();
        any += usize::from(!found.is_empty());
        for f in found {
            *counts.entry(f.clone()).or_default() += 1;
        }
        println!(
            "{path}\t{}\t{}\t{}\t{}\t{ms:.1}",
            scan.constants.join(","),
            scan.instructions.join(","),
            scan.imports.join(","),
            scan.unscanned.as_deref().unwrap_or("")
        );
    }
    eprintln!(
        "{elf} ELF files scanned in {:.1} s; {any} with a finding; {unscanned} not wholly \
         scanned; {scripts} Python scripts with crypto imports",
        start.elapsed().as_secs_f64()
    );
    for (name, n) in counts {
        eprintln!("{name}\t{n}");
    }
}
