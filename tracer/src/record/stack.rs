//! The combined stack of each BPF program's chain of BPF-to-BPF calls, counted the way the
//! kernel's verifier counts it (`check_max_stack_depth`, Linux 6.1): each frame's depth rounded
//! up to 32 bytes (at least 32), summed along the deepest chain of calls from the program's
//! entry, at most 512 in all. A program over it loads on a newer kernel (6.18 counts the same
//! but prunes differently) and is refused on the Debian guest's 6.1, which is how the open and
//! file exit chains once reached 768 and made the raw dispatch fall back.
//!
//! The object is read as the loader reads it: program sections, the functions in `.text` that
//! programs call (`call` with `src_reg` 1, `BPF_PSEUDO_CALL`; or a callback's address loaded
//! with `src_reg` 4, `BPF_PSEUDO_FUNC`), each found by its relocation or, without one, as a
//! pc-relative call in the same section. A function's own depth is the deepest slot below r10
//! it uses: a load or store at `r10 - N`, or a pointer made from r10 (`rX = r10; rX += -N`)
//! and passed to a helper or used for an access. A tail call starts a new program: it does not
//! add to the chain, but a function that makes one may not be called with 256 bytes or more
//! of the callers' stack in use (the verifier's other rule there).
//!
//! Only the tests use it: `cargo xtask test` runs them over the object the recorder embeds.

use std::collections::BTreeMap;

use object::{Object, ObjectSection, ObjectSymbol, RelocationTarget, SectionKind, SymbolKind};

/// The verifier's limit on a chain's combined stack (`MAX_BPF_STACK`).
pub const MAX_STACK: u32 = 512;
/// The verifier's limit on the callers' stack when a callee makes a tail call.
pub const TAIL_CALL_CALLERS_MAX: u32 = 256;
/// At most this many frames in a chain (`MAX_CALL_FRAMES`).
pub const MAX_FRAMES: usize = 8;

const INSN: usize = 8;
const BPF_PSEUDO_CALL: u8 = 1;
const BPF_PSEUDO_FUNC: u8 = 4;
const BPF_FUNC_TAIL_CALL: i32 = 12;

/// One function of the object: a program's entry or a function programs call.
#[derive(Debug, Clone)]
pub struct Function {
    pub name: String,
    /// Its section's index and its byte offset in it.
    pub section: usize,
    pub address: u64,
    /// A program (in a section of its own kind), not a function in `.text`.
    pub program: bool,
    /// The deepest stack slot it uses, in bytes below r10.
    pub depth: u32,
    pub tail_call: bool,
    /// The functions it calls (indexes into the list).
    pub calls: Vec<usize>,
}

/// A call whose target could not be found among the functions: an object the analysis does
/// not understand, never a chain quietly left short.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum StackError {
    #[error("not an ELF object the analysis reads: {0}")]
    Parse(String),
    #[error("{function}: a call at byte {offset} to an unknown function ({target})")]
    UnknownCallee {
        function: String,
        offset: u64,
        target: String,
    },
}

/// A program's deepest chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgramStack {
    pub program: String,
    /// Its own depth, unrounded.
    pub own: u32,
    /// The chain's combined stack: each frame rounded up to 32.
    pub combined: u32,
    /// The chain from the program down, each function with its own depth.
    pub chain: Vec<(String, u32)>,
    /// Why the verifier would refuse it, if it would.
    pub refused: Option<String>,
}

impl ProgramStack {
    /// `open_exit -> read_user_str(64) -> …`, with each frame's own bytes.
    pub fn chain_text(&self) -> String {
        self.chain
            .iter()
            .map(|(name, depth)| format!("{}({depth})", short_name(name)))
            .collect::<Vec<_>>()
            .join(" -> ")
    }
}

/// A Rust symbol's last path element (`_ZN…12emit_open_as17h…E` → `emit_open_as`); other
/// names as they are.
pub fn short_name(name: &str) -> &str {
    let Some(body) = name.strip_prefix("_ZN").and_then(|n| n.strip_suffix('E')) else {
        return name;
    };
    // Length-prefixed elements; the last one is the hash `17h<16 hex>`.
    let mut rest = body;
    let mut elements = Vec::new();
    while let Some(len_end) = rest.find(|c: char| !c.is_ascii_digit()) {
        let Ok(len) = rest[..len_end].parse::<usize>() else {
            break;
        };
        let Some(element) = rest.get(len_end..len_end + len) else {
            break;
        };
        elements.push(element);
        rest = &rest[len_end + len..];
    }
    match elements.as_slice() {
        [.., last, hash] if hash.starts_with('h') => last,
        [.., last] => last,
        [] => name,
    }
}

/// The verifier's frame size for a depth: rounded up to 32, at least 32.
pub fn frame(depth: u32) -> u32 {
    depth.max(1).div_ceil(32) * 32
}

/// What one instruction slot is.
struct Insn {
    code: u8,
    dst: u8,
    src: u8,
    off: i16,
    imm: i32,
}

fn insn(bytes: &[u8]) -> Insn {
    Insn {
        code: bytes[0],
        dst: bytes[1] & 0x0f,
        src: bytes[1] >> 4,
        off: i16::from_le_bytes([bytes[2], bytes[3]]),
        imm: i32::from_le_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]),
    }
}

/// A call a function makes: at which slot, and how.
pub struct CallSite {
    pub slot: usize,
    pub imm: i32,
    pub how: Site,
}

/// How a function reaches another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Site {
    /// A `call` with `src_reg` 1 (`BPF_PSEUDO_CALL`); `imm` counts slots.
    Call,
    /// A callback's address (`ld_imm64`, `imm` a byte offset) marked `BPF_PSEUDO_FUNC`.
    Callback,
    /// An `ld_imm64` with `src_reg` 0: in an object file this is how a callback's address
    /// is written (the loader sets `BPF_PSEUDO_FUNC` when it relocates it against code), and
    /// also how a map or a constant is. Only a relocation against a code section makes it a
    /// callback. Missing it once hid `bpf_loop`'s callback frame, and a chain 6.1 refused at
    /// 544 bytes was counted at 512.
    MaybeCallback,
}

/// Deepens `depth` to a slot `offset` bytes from r10.
fn note(offset: i64, depth: &mut i64) {
    if offset < 0 {
        *depth = (*depth).max(-offset);
    }
}

/// A function's own depth, whether it makes a tail call, and its calls, from its instructions.
pub fn scan(code: &[u8]) -> (u32, bool, Vec<CallSite>) {
    // Registers holding r10 plus an offset (r10 itself: 0).
    let mut from_fp: [Option<i64>; 11] = [None; 11];
    from_fp[10] = Some(0);
    let mut depth: i64 = 0;
    let mut tail_call = false;
    let mut calls = Vec::new();
    let slots = code.len() / INSN;
    let mut slot = 0;
    while slot < slots {
        let i = insn(&code[slot * INSN..slot * INSN + INSN]);
        let class = i.code & 0x07;
        let (dst, src) = (usize::from(i.dst.min(10)), usize::from(i.src.min(10)));
        match class {
            // LD: only ld_imm64 (two slots) is left in eBPF.
            0x00 if i.code == 0x18 => {
                let how = match i.src {
                    BPF_PSEUDO_FUNC => Some(Site::Callback),
                    0 => Some(Site::MaybeCallback),
                    _ => None,
                };
                if let Some(how) = how {
                    calls.push(CallSite {
                        slot,
                        imm: i.imm,
                        how,
                    });
                }
                if dst != 10 {
                    from_fp[dst] = None;
                }
                slot += 1;
            }
            // LDX: dst = *(src + off).
            0x01 => {
                if let Some(base) = from_fp[src] {
                    note(base + i64::from(i.off), &mut depth);
                }
                if dst != 10 {
                    from_fp[dst] = None;
                }
            }
            // ST, STX (and atomics): *(dst + off) = ….
            0x02 | 0x03 => {
                if let Some(base) = from_fp[dst] {
                    note(base + i64::from(i.off), &mut depth);
                }
                // An atomic fetch writes its result into src.
                if class == 0x03 && i.code & 0xe0 == 0xc0 && i.imm & 0x01 != 0 && src != 10 {
                    from_fp[src] = None;
                }
            }
            // ALU, ALU64.
            0x04 | 0x07 => {
                let op = i.code & 0xf0;
                let by_reg = i.code & 0x08 != 0;
                let alu64 = class == 0x07;
                if dst != 10 {
                    from_fp[dst] = match (alu64, op, by_reg) {
                        // mov: a copy of r10 (or of a pointer made from it).
                        (true, 0xb0, true) => from_fp[src],
                        // add / sub of a constant to such a pointer.
                        (true, 0x00, false) => from_fp[dst].map(|b| b + i64::from(i.imm)),
                        (true, 0x10, false) => from_fp[dst].map(|b| b - i64::from(i.imm)),
                        _ => None,
                    };
                    if let Some(b) = from_fp[dst] {
                        note(b, &mut depth);
                    }
                }
            }
            // JMP: calls; the other jumps write no register.
            0x05 if i.code == 0x85 => {
                if i.src == BPF_PSEUDO_CALL {
                    calls.push(CallSite {
                        slot,
                        imm: i.imm,
                        how: Site::Call,
                    });
                } else if i.src == 0 && i.imm == BPF_FUNC_TAIL_CALL {
                    tail_call = true;
                }
                // r0–r5 do not survive a call.
                for r in &mut from_fp[0..=5] {
                    *r = None;
                }
            }
            _ => {}
        }
        slot += 1;
    }
    (depth.clamp(0, i64::from(u32::MAX)) as u32, tail_call, calls)
}

/// The deepest chain from `start`, with the verifier's refusal if it has one.
pub fn deepest(functions: &[Function], start: usize) -> ProgramStack {
    struct Best {
        combined: u32,
        path: Vec<usize>,
        refused: Option<String>,
    }
    fn walk(functions: &[Function], at: usize, above: u32, path: &mut Vec<usize>) -> Best {
        let f = &functions[at];
        let mut refused = None;
        if path.len() > 1 && f.tail_call && above >= TAIL_CALL_CALLERS_MAX {
            refused = Some(format!(
                "{} makes a tail call with {above} bytes of its callers' stack in use (at most {})",
                short_name(&f.name),
                TAIL_CALL_CALLERS_MAX - 1
            ));
        }
        let here = above + frame(f.depth);
        if here > MAX_STACK && refused.is_none() {
            refused = Some(format!(
                "combined stack size of {} calls is {here} (at most {MAX_STACK})",
                path.len()
            ));
        }
        if path.len() > MAX_FRAMES && refused.is_none() {
            refused = Some(format!(
                "the call stack of {} frames is too deep",
                path.len()
            ));
        }
        let stop = refused.is_some();
        let mut best = Best {
            combined: here,
            path: path.clone(),
            refused,
        };
        // The verifier stops at the first frame over the limit, and says so with that frame's
        // figures: so does this.
        if stop {
            return best;
        }
        for &callee in &f.calls {
            if path.contains(&callee) {
                // Recursion: the verifier refuses it outright; the chain ends here.
                best.refused.get_or_insert_with(|| {
                    format!("{} calls itself back", short_name(&functions[callee].name))
                });
                continue;
            }
            path.push(callee);
            let below = walk(functions, callee, here, path);
            path.pop();
            let worse = (below.refused.is_some() && best.refused.is_none())
                || (below.refused.is_some() == best.refused.is_some()
                    && below.combined > best.combined);
            if worse {
                best = below;
            }
        }
        best
    }
    let mut path = vec![start];
    let best = walk(functions, start, 0, &mut path);
    ProgramStack {
        program: functions[start].name.clone(),
        own: functions[start].depth,
        combined: best.combined,
        chain: best
            .path
            .iter()
            .map(|&i| (functions[i].name.clone(), functions[i].depth))
            .collect(),
        refused: best.refused,
    }
}

/// Every program of an eBPF object with its deepest chain, sorted by name.
pub fn programs(object: &[u8]) -> Result<Vec<ProgramStack>, StackError> {
    let functions = functions(object)?;
    let mut out: Vec<ProgramStack> = (0..functions.len())
        .filter(|&i| functions[i].program)
        .map(|i| deepest(&functions, i))
        .collect();
    out.sort_by(|a, b| a.program.cmp(&b.program));
    Ok(out)
}

/// The object's functions with their depths and resolved calls.
pub fn functions(object: &[u8]) -> Result<Vec<Function>, StackError> {
    let file = object::File::parse(object).map_err(|e| StackError::Parse(e.to_string()))?;
    let mut functions = Vec::new();
    // (section, offset) → function, and each function's code and calls.
    let mut at: BTreeMap<(usize, u64), usize> = BTreeMap::new();
    let mut sites = Vec::new();
    for sym in file.symbols() {
        if sym.kind() != SymbolKind::Text || sym.size() == 0 {
            continue;
        }
        let Some(section_index) = sym.section_index() else {
            continue;
        };
        let section = file
            .section_by_index(section_index)
            .map_err(|e| StackError::Parse(e.to_string()))?;
        let section_name = section.name().unwrap_or("");
        let data = section
            .data()
            .map_err(|e| StackError::Parse(e.to_string()))?;
        let start = sym.address() as usize;
        let code = data
            .get(start..start + sym.size() as usize)
            .ok_or_else(|| StackError::Parse(format!("{:?} outside its section", sym.name())))?;
        let (depth, tail_call, calls) = scan(code);
        at.insert((section_index.0, sym.address()), functions.len());
        sites.push(calls);
        functions.push(Function {
            name: sym.name().unwrap_or("?").to_owned(),
            section: section_index.0,
            address: sym.address(),
            program: !section_name.starts_with(".text"),
            depth,
            tail_call,
            calls: Vec::new(),
        });
    }
    // Each section's relocations by offset: (symbol's section, its address, section symbol?,
    // a code section?).
    let mut relocs: BTreeMap<(usize, u64), (usize, u64, bool, bool)> = BTreeMap::new();
    for section in file.sections() {
        for (offset, reloc) in section.relocations() {
            let RelocationTarget::Symbol(index) = reloc.target() else {
                continue;
            };
            let Ok(sym) = file.symbol_by_index(index) else {
                continue;
            };
            let Some(target_section) = sym.section_index() else {
                continue;
            };
            let code = file
                .section_by_index(target_section)
                .is_ok_and(|s| s.kind() == SectionKind::Text);
            relocs.insert(
                (section.index().0, offset),
                (
                    target_section.0,
                    sym.address(),
                    sym.kind() == SymbolKind::Section,
                    code,
                ),
            );
        }
    }
    for (i, calls) in sites.into_iter().enumerate() {
        let (section, base) = (functions[i].section, functions[i].address);
        let mut callees = Vec::new();
        for call in calls {
            let offset = base + (call.slot * INSN) as u64;
            let reloc = relocs.get(&(section, offset));
            let by_address = match call.how {
                Site::Call => false,
                Site::Callback => true,
                // A map, a constant or a global's address: no call.
                Site::MaybeCallback if !reloc.is_some_and(|r| r.3) => continue,
                Site::MaybeCallback => true,
            };
            let target = match reloc {
                // A call to the section's symbol: `imm` counts slots from the section's start,
                // minus one (aya-obj's relocation reads it so); a callback's address is a byte
                // offset.
                Some(&(s, address, true, _)) if by_address => (s, address + call.imm as u64),
                Some(&(s, address, true, _)) => (s, address + (i64::from(call.imm) + 1) as u64 * 8),
                Some(&(s, address, false, _)) => (s, address),
                // No relocation: pc-relative in the same section.
                None => (
                    section,
                    (offset as i64 + (i64::from(call.imm) + 1) * INSN as i64) as u64,
                ),
            };
            let callee = at.get(&target).ok_or_else(|| StackError::UnknownCallee {
                function: functions[i].name.clone(),
                offset,
                target: format!("section {} byte {}", target.0, target.1),
            })?;
            if !callees.contains(callee) {
                callees.push(*callee);
            }
        }
        functions[i].calls = callees;
    }
    Ok(functions)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One instruction's bytes.
    fn ins(code: u8, dst: u8, src: u8, off: i16, imm: i32) -> [u8; 8] {
        let [o0, o1] = off.to_le_bytes();
        let [i0, i1, i2, i3] = imm.to_le_bytes();
        [code, dst | src << 4, o0, o1, i0, i1, i2, i3]
    }

    /// `*(u64 *)(r10 - depth) = r1`.
    fn store(depth: i16) -> [u8; 8] {
        ins(0x7b, 10, 1, -depth, 0)
    }

    /// A pc-relative `call` from `slot` to `target`.
    fn call(slot: usize, target: usize) -> [u8; 8] {
        ins(0x85, 0, BPF_PSEUDO_CALL, 0, target as i32 - slot as i32 - 1)
    }

    const EXIT: [u8; 8] = [0x95, 0, 0, 0, 0, 0, 0, 0];

    fn function(name: &str, code: &[[u8; 8]], program: bool) -> Function {
        let bytes: Vec<u8> = code.iter().flatten().copied().collect();
        let (depth, tail_call, _) = scan(&bytes);
        Function {
            name: name.to_owned(),
            section: 0,
            address: 0,
            program,
            depth,
            tail_call,
            calls: Vec::new(),
        }
    }

    /// The depth comes from the deepest slot used directly or through a pointer made from
    /// r10; calls and tail calls are found; ld_imm64 takes two slots.
    #[test]
    fn scan_reads_depths_calls_and_tail_calls() {
        let code: Vec<u8> = [
            store(24),
            // r1 = r10; r1 += -200: a pointer passed to a helper.
            ins(0xbf, 1, 10, 0, 0),
            ins(0x07, 1, 0, 0, -200),
            ins(0x85, 0, 0, 0, 4), // a helper call clobbers r1
            ins(0x07, 1, 0, 0, -400),
            // ld_imm64 whose second slot looks like a call: not one.
            ins(0x18, 2, 0, 0, 0),
            ins(0x85, 0, BPF_PSEUDO_CALL, 0, 7),
            call(7, 9),
            ins(0x85, 0, 0, 0, BPF_FUNC_TAIL_CALL),
            EXIT,
        ]
        .iter()
        .flatten()
        .copied()
        .collect();
        let (depth, tail_call, calls) = scan(&code);
        assert_eq!(depth, 200);
        assert!(tail_call);
        let sites: Vec<_> = calls.iter().map(|c| (c.slot, c.imm, c.how)).collect();
        // The ld_imm64 is a callback only if a relocation against code says so.
        assert_eq!(sites, [(5, 0, Site::MaybeCallback), (7, 1, Site::Call)]);
    }

    /// Linux 6.1 refused the open exit chain at 768 bytes (a 256-byte program calling a
    /// function of 512, from the copy of the configuration on the stack) and accepts 480; the
    /// check says so, naming the program and its chain.
    #[test]
    fn a_chain_over_512_is_refused_and_one_at_480_passes() {
        let mut before = vec![
            function("open_exit_raw", &[store(256), call(1, 0), EXIT], true),
            function("emit_open_as", &[store(512), EXIT], false),
        ];
        before[0].calls = vec![1];
        let refused = deepest(&before, 0);
        assert_eq!(refused.combined, 768);
        assert_eq!(
            refused.refused.as_deref(),
            Some("combined stack size of 2 calls is 768 (at most 512)")
        );
        assert_eq!(
            refused.chain_text(),
            "open_exit_raw(256) -> emit_open_as(512)"
        );

        let mut after = vec![
            function("open_exit_raw", &[store(20), EXIT], true),
            function("emit_open_as", &[store(300), EXIT], false),
            function("read_user_str", &[store(120), EXIT], false),
        ];
        after[0].calls = vec![1];
        after[1].calls = vec![2];
        let fits = deepest(&after, 0);
        assert_eq!((fits.combined, fits.refused), (32 + 320 + 128, None));
        assert_eq!(fits.combined, 480);
    }

    /// The deepest of several callees counts; a tail call adds nothing to the chain, but a
    /// callee making one under 256 bytes of callers' stack is refused.
    #[test]
    fn the_deepest_callee_counts_and_tail_calls_under_a_deep_stack_are_refused() {
        let mut f = vec![
            function("prog", &[store(8), EXIT], true),
            function("shallow", &[store(8), EXIT], false),
            function("deep", &[store(100), EXIT], false),
        ];
        f[0].calls = vec![1, 2];
        let s = deepest(&f, 0);
        assert_eq!((s.combined, s.chain.len()), (32 + 128, 2));
        assert_eq!(s.chain[1].0, "deep");

        let tail = ins(0x85, 0, 0, 0, BPF_FUNC_TAIL_CALL);
        let mut g = vec![
            function("prog", &[store(256), EXIT], true),
            function("dispatch", &[tail, EXIT], false),
        ];
        g[0].calls = vec![1];
        let s = deepest(&g, 0);
        assert_eq!(s.combined, 288);
        assert!(
            s.refused
                .as_deref()
                .is_some_and(|r| r.contains("tail call")),
            "{s:?}"
        );
    }

    #[test]
    fn rust_symbols_are_shortened() {
        assert_eq!(
            short_name("_ZN11tracer_ebpf6probes4file12emit_open_as17h0123456789abcdefE"),
            "emit_open_as"
        );
        assert_eq!(short_name("open_exit"), "open_exit");
    }

    /// Every program the recorder embeds fits Linux 6.1's stack limit along each of its call
    /// chains. Prints each program's figures (`--nocapture`).
    #[test]
    fn every_embedded_program_fits_the_6_1_stack_limit() {
        let object = crate::record::loader::object()
            .expect("this build has no eBPF object (AYA_BUILD_SKIP): nothing to check");
        let programs = programs(object).expect("the embedded object");
        assert!(programs.len() > 10, "{} programs", programs.len());
        println!(
            "{:28} {:>5} {:>8}  chain (own bytes)",
            "program", "own", "combined"
        );
        for p in &programs {
            println!(
                "{:28} {:>5} {:>8}  {}",
                p.program,
                p.own,
                p.combined,
                p.chain_text()
            );
        }
        let refused: Vec<String> = programs
            .iter()
            .filter_map(|p| {
                p.refused
                    .as_ref()
                    .map(|why| format!("{}: {why}: {}", p.program, p.chain_text()))
            })
            .collect();
        assert!(
            refused.is_empty(),
            "programs Linux 6.1's verifier would refuse:\n{}",
            refused.join("\n")
        );
        // The exit programs that once went over are found and measured, not missed.
        for name in ["open_exit", "open_exit_raw", "file_exit_raw"] {
            assert!(
                programs.iter().any(|p| p.program == name),
                "{name} not found"
            );
        }
    }
}
