//! An import's progress for the person waiting: on a terminal a bar with the counts and
//! the time left, otherwise (a log, a pipe) a plain line every few seconds.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::Progress;

/// How often a plain progress line is written when there is no terminal.
const LINE_EVERY: Duration = Duration::from_secs(5);

/// Shows progress on standard error.
pub struct Reporter {
    bar: Option<ProgressBar>,
    terminal: bool,
    started: Instant,
    last_line: Instant,
}

impl Default for Reporter {
    fn default() -> Self {
        Self::new()
    }
}

impl Reporter {
    /// A bar if standard error is a terminal, plain lines if not.
    pub fn new() -> Self {
        let now = Instant::now();
        Reporter {
            bar: None,
            terminal: std::io::stderr().is_terminal(),
            started: now,
            last_line: now,
        }
    }

    fn counts(p: &Progress) -> String {
        format!("{} posts and pages, {} comments", p.items, p.comments)
    }

    /// Shows how far the import has got.
    pub fn update(&mut self, p: &Progress) {
        if self.terminal {
            let bar = self.bar.get_or_insert_with(|| {
                let bar = ProgressBar::with_draw_target(
                    Some(p.total_bytes),
                    ProgressDrawTarget::stderr(),
                );
                if let Ok(style) = ProgressStyle::with_template(
                    "{spinner} [{elapsed_precise}] {wide_bar} {percent:>3}% {msg} (ETA {eta})",
                ) {
                    bar.set_style(style);
                }
                bar
            });
            bar.set_position(p.bytes);
            bar.set_message(Self::counts(p));
        } else if self.last_line.elapsed() >= LINE_EVERY {
            self.last_line = Instant::now();
            let share = p.bytes as f64 / p.total_bytes.max(1) as f64;
            let spent = self.started.elapsed().as_secs_f64();
            let left = if share > 0.0 {
                spent / share - spent
            } else {
                0.0
            };
            eprintln!(
                "import: {:.0}% of the file read, {}, about {left:.0} s left",
                share * 100.0,
                Self::counts(p)
            );
        }
    }

    /// Takes the bar off the screen (the report follows).
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
