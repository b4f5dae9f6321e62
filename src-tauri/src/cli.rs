//! The desk app's command line: where the store lives, overrides of the saved settings for one
//! start, and the demo mode. Meant for admins and tests; staff just start the app.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;

use crate::settings::{self, Settings};

/// `labdesk`: the front-desk console of a computer lab.
#[derive(Debug, Clone, Default, PartialEq, Eq, Parser)]
#[command(name = "labdesk", version, about)]
pub struct Options {
    /// Keep the store (`labdesk.db`), `settings.json`, `desk.json` and the logs in DIR instead
    /// of the app's data and config folders.
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// Listen for PCs on ADDR (IP:PORT) instead of the saved setting, for this start only.
    #[arg(long, value_name = "ADDR", value_parser = parse_listen)]
    pub listen: Option<SocketAddr>,

    /// Warn each PC this long before its session ends, instead of the saved setting: a
    /// comma-separated list like `60s,5m` (units s, m, h; plain numbers are seconds).
    #[arg(long, value_name = "LEADS", value_parser = parse_leads)]
    pub warn_before: Option<Leads>,

    /// Open a throwaway demo desk: the lab's PCs from the fixture, simulated PCs, and a few
    /// short sessions with warnings and expiries within a minute. Nothing is kept.
    #[arg(long)]
    pub demo: bool,
}

/// Warning leads in seconds, longest first (a newtype so that clap takes the list as one value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leads(pub Vec<i64>);

fn parse_listen(text: &str) -> Result<SocketAddr, String> {
    text.trim()
        .parse()
        .map_err(|_| format!("bad listen address {text:?}; use IP:PORT, for example 0.0.0.0:7700"))
}

fn parse_leads(text: &str) -> Result<Leads, String> {
    settings::parse_leads(text)
        .map(Leads)
        .map_err(|error| error.to_string())
}

impl Options {
    /// True when the app runs on the default store in the app's own folders; only then is it
    /// the one desk of this user, which a second start should bring forward.
    pub fn uses_default_store(&self) -> bool {
        self.data_dir.is_none() && !self.demo
    }

    /// `saved` with this start's command-line overrides applied.
    pub fn apply(&self, saved: Settings) -> Settings {
        let mut settings = saved;
        if let Some(listen) = self.listen {
            settings.listen = listen.to_string();
        }
        if let Some(Leads(leads)) = &self.warn_before {
            settings.warning_leads_secs = leads.clone();
        }
        settings
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Options, clap::Error> {
        Options::try_parse_from(std::iter::once("labdesk").chain(args.iter().copied()))
    }

    #[test]
    fn no_flags_mean_the_default_store_and_saved_settings() {
        let options = parse(&[]).unwrap();
        assert!(options.uses_default_store());
        let saved = Settings::default();
        assert_eq!(options.apply(saved.clone()), saved, "nothing overridden");
    }

    #[test]
    fn flags_override_the_saved_settings_for_one_start() {
        let options = parse(&[
            "--data-dir",
            "/tmp/desk",
            "--listen",
            "127.0.0.1:0",
            "--warn-before",
            "60s,5m",
        ])
        .unwrap();
        assert!(
            !options.uses_default_store(),
            "a data dir is a different desk"
        );
        let settings = options.apply(Settings::default());
        assert_eq!(settings.listen, "127.0.0.1:0");
        assert_eq!(settings.warning_leads_secs, vec![300, 60]);
    }

    #[test]
    fn bad_flags_say_what_to_write() {
        let error = parse(&["--listen", "everywhere"]).unwrap_err().to_string();
        assert!(error.contains("use IP:PORT"), "{error}");
        let error = parse(&["--warn-before", "soon"]).unwrap_err().to_string();
        assert!(error.contains("like 60s, 5m or 1h"), "{error}");
    }
}
