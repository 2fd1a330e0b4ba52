//! Progress on stderr while a long run goes on, and Ctrl-C.
//!
//! Progress shows only when stderr is a terminal and the run has taken more than
//! [`PROGRESS_AFTER`] of wall time, so it never mixes with JSON or CSV on stdout nor with
//! short runs. Ctrl-C during a run that can stop early sets a flag the run's loop reads: it
//! stops and prints what it measured so far, then `brook` exits with status 130. Elsewhere
//! (and at a second Ctrl-C) `brook` exits at once with status 130.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Wall time before the progress bar shows.
pub const PROGRESS_AFTER: Duration = Duration::from_secs(2);
/// Least wall time between two redraws.
const REDRAW_EVERY: Duration = Duration::from_millis(200);
/// Exit status after Ctrl-C (128 + SIGINT, as shells report it).
pub const INTERRUPTED_EXIT: u8 = 130;

static INTERRUPTED: AtomicBool = AtomicBool::new(false);
static INTERRUPTIBLE: AtomicBool = AtomicBool::new(false);

/// Installs the Ctrl-C handler (once, at start).
pub fn install_ctrl_c() {
    // An error means another handler is installed: the default then applies.
    let _ = ctrlc::set_handler(|| {
        if !INTERRUPTIBLE.load(Ordering::SeqCst) || INTERRUPTED.swap(true, Ordering::SeqCst) {
            std::process::exit(i32::from(INTERRUPTED_EXIT));
        }
    });
}

/// From now on Ctrl-C sets [`interrupted`] instead of exiting: the caller's loop stops.
pub fn interruptible() {
    INTERRUPTIBLE.store(true, Ordering::SeqCst);
}

/// Whether Ctrl-C was pressed during an interruptible run.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// A progress bar over `total` units that appears after [`PROGRESS_AFTER`] on a terminal.
pub struct Progress {
    started: Instant,
    last_draw: Instant,
    total: u64,
    terminal: bool,
    template: &'static str,
    bar: Option<ProgressBar>,
}

impl Progress {
    /// `template` is indicatif's, e.g. `"{bar:30} {pos}/{len} virtual ms {msg}"`.
    pub fn new(total: u64, template: &'static str) -> Self {
        let now = Instant::now();
        Progress {
            started: now,
            last_draw: now,
            total,
            terminal: std::io::stderr().is_terminal(),
            template,
            bar: None,
        }
    }

    /// Wall time since the start.
    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// Moves to `done` units; `message` is computed only when the bar is drawn.
    pub fn update(&mut self, done: u64, message: impl FnOnce() -> String) {
        if !self.terminal || self.last_draw.elapsed() < REDRAW_EVERY {
            return;
        }
        if self.bar.is_none() {
            if self.started.elapsed() < PROGRESS_AFTER {
                return;
            }
            let bar = ProgressBar::with_draw_target(Some(self.total), ProgressDrawTarget::stderr());
            if let Ok(style) = ProgressStyle::with_template(self.template) {
                bar.set_style(style);
            }
            self.bar = Some(bar);
        }
        self.last_draw = Instant::now();
        if let Some(bar) = &self.bar {
            bar.set_position(done.min(self.total));
            bar.set_message(message());
        }
    }

    /// Removes the bar (before the result is printed).
    pub fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}
