//! The command line: which subcommand runs, and the flags `serve` and `demo` share (each
//! also read from its environment variable by clap).

use std::path::PathBuf;

/// Which subcommand runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Serve,
    Demo,
}

/// Flags shared by `serve` and `demo`. Each also reads its environment variable.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct Cli {
    /// TOML configuration file (merchants, keys, policy, origins).
    #[arg(long, env = "BC_CONFIG")]
    pub config: Option<PathBuf>,
    /// Address to listen on, e.g. 127.0.0.1:8080 (port 0 picks a free port).
    #[arg(long, env = "BC_LISTEN")]
    pub listen: Option<String>,
    /// sqlite://path, sqlite::memory: or postgres://… (DATABASE_URL is also read).
    #[arg(long, env = "BC_DATABASE_URL")]
    pub database: Option<String>,
    /// The widget's Trunk output directory, served under /balance-checkout/.
    #[arg(long, env = "BC_WIDGET_DIR")]
    pub widget_dir: Option<PathBuf>,
    /// Demo only: address of the demo shop, a second origin (default 127.0.0.1:8081, or
    /// port 0 when `--listen` picks its port; 0 picks a free port).
    #[arg(long, env = "BC_SHOP_LISTEN")]
    pub shop_listen: Option<String>,
    /// Demo only: another origin whose pages may embed the demo merchant's checkout
    /// (`http://127.0.0.1:5000`; repeatable). `serve` takes a merchant's origins from
    /// `[[merchants]] allowed_origins` in `--config` instead.
    #[arg(long = "allow-origin", value_name = "ORIGIN")]
    pub allow_origin: Vec<String>,
}

/// The demo shop's address when none is given: `127.0.0.1:8081`, or port 0 on the
/// wallet's host when the wallet's own port is chosen by the system (tests run many
/// demos at once).
#[must_use]
pub fn default_shop_listen(wallet_listen: &str) -> String {
    match wallet_listen.rsplit_once(':') {
        Some((host, "0")) => format!("{host}:0"),
        _ => "127.0.0.1:8081".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::default_shop_listen;

    #[test]
    fn the_demo_shop_listens_next_to_the_wallet() {
        assert_eq!(default_shop_listen("127.0.0.1:8080"), "127.0.0.1:8081");
        assert_eq!(default_shop_listen("127.0.0.1:0"), "127.0.0.1:0");
    }
}
