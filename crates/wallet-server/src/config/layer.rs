//! Where a setting comes from: the flag, then the environment variable, then the file,
//! then the default — the first that gives a value wins (crates/wallet-server/README.md
//! *Configuration*). Flags that clap also reads from the environment arrive as flags.

use std::str::FromStr;

use super::error::ConfigError;

/// The environment variable `name`, unless unset or blank.
#[must_use]
pub fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// The first of `flag`, the environment variable `var` (parsed) and `file`; `None` when
/// none gives a value (the caller applies the default).
///
/// # Errors
/// [`ConfigError::Invalid`] naming `var` when its value does not parse as a `T`.
pub fn layered<T: FromStr>(
    flag: Option<T>,
    var: &str,
    file: Option<T>,
) -> Result<Option<T>, ConfigError> {
    if flag.is_some() {
        return Ok(flag);
    }
    // A string is taken as written (a pepper's spaces are part of it); a number may be
    // padded with spaces.
    match env(var) {
        Some(v) => v
            .parse()
            .or_else(|_| v.trim().parse())
            .map(Some)
            .map_err(|_| {
                ConfigError::Invalid(format!(
                    "{var}={v:?} is not a whole non-negative number; set it to e.g. 60"
                ))
            }),
        None => Ok(file),
    }
}

/// A duration in whole seconds, at least one: the first of `var` and `file`, else
/// `default`.
///
/// # Errors
/// [`ConfigError::Invalid`] for zero, a value past `i64`, or one that does not parse.
pub fn secs(var: &str, file: Option<u64>, default: u64) -> Result<i64, ConfigError> {
    let v = layered(None, var, file)?.unwrap_or(default);
    if v == 0 {
        return Err(ConfigError::Invalid(format!(
            "{var} must be at least 1 second"
        )));
    }
    i64::try_from(v).map_err(|_| {
        ConfigError::Invalid(format!(
            "{var} is too large; use at most a few days in seconds"
        ))
    })
}

/// A switch: `1`, `true`, `on` or `yes` in `var` is on, any other value off; unset, the
/// file's value, else `default`.
#[must_use]
pub fn switch(var: &str, file: Option<bool>, default: bool) -> bool {
    match env(var) {
        Some(v) => matches!(v.as_str(), "1" | "true" | "on" | "yes"),
        None => file.unwrap_or(default),
    }
}

/// A comma-separated list in `var`, trimmed, appended to the file's.
#[must_use]
pub fn list(var: &str, mut file: Vec<String>) -> Vec<String> {
    if let Some(extra) = env(var) {
        file.extend(extra.split(',').map(|v| v.trim().to_owned()));
    }
    file
}

#[cfg(test)]
mod tests {
    use super::layered;

    #[test]
    fn strings_are_taken_as_written_and_numbers_may_be_padded() {
        let var = "BC_TEST_LAYER_PADDED_VALUE";
        std::env::set_var(var, " 60 ");
        assert_eq!(layered::<u32>(None, var, None).expect("ok"), Some(60));
        assert_eq!(
            layered::<String>(None, var, None).expect("ok").as_deref(),
            Some(" 60 ")
        );
        std::env::remove_var(var);
    }

    #[test]
    fn the_flag_wins_then_the_file() {
        let var = "BC_TEST_LAYER_UNSET_VARIABLE";
        assert_eq!(layered(Some(1u32), var, Some(2)).expect("ok"), Some(1));
        assert_eq!(layered(None, var, Some(2u32)).expect("ok"), Some(2));
        assert_eq!(layered::<u32>(None, var, None).expect("ok"), None);
    }
}
