//! Masking secrets in recorded command lines (`record --mask-secrets`).
//!
//! A trace is attached to a public bug: a `--password=…` in a daemon's argv must not travel
//! with it. The rule is the checker's own ([`super::describe::secret_in_argv`]), applied one
//! argument (or key and value pair) at a time, so that a masked trace still shows the key and
//! `****`, which the "secret in argv" check still finds. Environment values are not recorded at
//! all (getenv events carry names only), so argv is all there is to mask.

use super::describe::secret_in_argv;

/// What the header's `masked` lists when masking was on.
pub const MASKED_FIELDS: &[&str] = &["exec.argv", "target.argv"];

/// The mask the checker writes.
const MASK: &str = "****";

/// Masks secret values in `argv` in place; true when anything was masked.
pub fn mask_argv(argv: &mut [String]) -> bool {
    let Some((program, args)) = argv.split_first_mut() else {
        return false;
    };
    let program = program.clone();
    let alone = |a: &str| secret_in_argv(&[program.clone(), a.to_owned()]);
    let mut changed = false;
    for i in 0..args.len() {
        if let Some(masked) = alone(&args[i]) {
            // `program ARG` with ARG masked (a `key=value`, or a `sh -c "… --key value"`).
            args[i] = masked[program.len()..].trim_start().to_owned();
            changed = true;
        } else if i + 1 < args.len()
            && alone(&args[i + 1]).is_none()
            && args[i + 1] != MASK
            && secret_in_argv(&[program.clone(), args[i].clone(), args[i + 1].clone()]).is_some()
        {
            // `--password VALUE`: the key alone is no secret, the pair is.
            args[i + 1] = MASK.to_owned();
            changed = true;
        }
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::mask_argv;

    fn masked(argv: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = argv.iter().map(|s| (*s).to_owned()).collect();
        mask_argv(&mut v);
        v
    }

    #[test]
    fn masks_values_not_keys() {
        assert_eq!(
            masked(&["db", "--password=hunter2", "--user", "bob"]),
            ["db", "--password=****", "--user", "bob"]
        );
        assert_eq!(
            masked(&["db", "--token", "abc", "--verbose"]),
            ["db", "--token", "****", "--verbose"]
        );
        assert_eq!(
            masked(&["sh", "-c", "mysql --password s3cret -e 'x'"]),
            ["sh", "-c", "mysql --password **** -e 'x'"]
        );
        assert_eq!(masked(&["cat", "/etc/passwd"]), ["cat", "/etc/passwd"]);
        // Still found by the checker after masking.
        assert!(super::secret_in_argv(&masked(&["db", "--password=x"])).is_some());
    }
}
