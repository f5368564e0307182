//! `background` blocks: a script started and left running while the
//! page's next blocks run (a server they talk to), ended with the page.
//!
//! - A background block runs in the page's host shell state (its working
//!   folder, exported variables) as a script with `set -e`, and passes once
//!   it has started. Nothing waits for it, so its `timeout` is the page's
//!   life: it is stopped when the page ends, whether its blocks passed,
//!   failed or timed out, and when docs-check is interrupted.
//! - Its processes live in a jail of their own ([`Jail::for_background`]):
//!   with bwrap, a PID namespace of their own (killing it ends all of them,
//!   whatever they did to their sessions); in the fallback, its sessions and
//!   [`BACKGROUND_ENV`]. So the end of a shell in the page's jail (a script
//!   that fails, even as `exit=` expects) ends that shell's leftovers but
//!   not the server; the page's commands join the background jail's network
//!   namespace where docs-check may join one (as root), so a server on
//!   the page's loopback is reachable; elsewhere each command has a
//!   loopback of its own, and a server is reached through a unix socket or
//!   files in the sandbox.
//! - Its output (stdout and stderr together, the last [`OUTPUT_CAP`] bytes)
//!   is read as it comes. When a later block of the page fails, each
//!   background block's output and state are put in that block's result;
//!   one that ended by itself with a non-zero status before the end of the
//!   page fails, with its output.
//! - Readiness is the next block's job, as it is the reader's: wait for the
//!   server in the page's own words (`until [ -S app.sock ]; do sleep
//!   0.1; done`), within that block's timeout. An attribute such as
//!   `ready=PORT` would make the check wait where a reader who copies the
//!   page does not, so a page that races for its readers would pass.
//!
//! [`BACKGROUND_ENV`]: crate::check::isolation::BACKGROUND_ENV
//! [`OUTPUT_CAP`]: crate::process::OUTPUT_CAP

use std::io::Read;
use std::os::fd::OwnedFd;
use std::process::Child;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::isolation::Jail;
use super::session::Session;
use crate::process::{Captured, exit_code};
use crate::report::BackgroundOutput;

/// The page's background blocks and their jail.
#[derive(Default)]
pub struct Background {
    /// Made at the page's first background block.
    jail: Option<Jail>,
    running: Vec<Running>,
}

struct Running {
    /// Line of the block.
    line: usize,
    child: Child,
    output: Arc<Mutex<Captured>>,
    reader: Option<JoinHandle<()>>,
}

impl Background {
    pub fn is_empty(&self) -> bool {
        self.running.is_empty()
    }

    /// Start the block at `line` (its `text`) with `session`'s state; the
    /// page's jail `page_jail` joins the background jail's network
    /// namespace. With `network`, the script gets the host's network.
    pub fn start(
        &mut self,
        line: usize,
        text: &str,
        session: &Session,
        page_jail: &mut Jail,
        network: bool,
    ) -> std::io::Result<()> {
        let jail = match &mut self.jail {
            Some(j) => j,
            None => {
                let mut jail = page_jail.for_background();
                page_jail.share_network_of(&mut jail)?;
                self.jail.insert(jail)
            }
        };
        let (mut read, write) = std::io::pipe()?;
        let write = OwnedFd::from(write);
        let child = session.start_background(text, jail, network, &write)?;
        jail.started(child.id());
        drop(write);
        let output = Arc::new(Mutex::new(Captured::default()));
        let sink = Arc::clone(&output);
        let reader = std::thread::spawn(move || {
            let mut buf = vec![0u8; 16 * 1024];
            loop {
                match read.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => lock(&sink).push(&buf[..n]),
                }
            }
        });
        self.running.push(Running {
            line,
            child,
            output,
            reader: Some(reader),
        });
        Ok(())
    }

    /// What each background block has printed so far, and whether it has
    /// ended (for a block that failed).
    pub fn snapshot(&mut self) -> Vec<BackgroundOutput> {
        self.running.iter_mut().map(Running::record).collect()
    }

    /// End every background process of the page; the blocks that had ended
    /// by themselves with a non-zero status, with what they printed.
    pub fn finish(&mut self) -> Vec<BackgroundOutput> {
        let failed: Vec<bool> = self
            .running
            .iter_mut()
            .map(|r| matches!(r.child.try_wait(), Ok(Some(s)) if !s.success()))
            .collect();
        drop(self.jail.take());
        let mut ended = Vec::new();
        for (mut r, failed) in std::mem::take(&mut self.running).into_iter().zip(failed) {
            r.stop();
            if failed {
                ended.push(r.record());
            }
        }
        ended
    }
}

impl Running {
    fn record(&mut self) -> BackgroundOutput {
        let exit = match self.child.try_wait() {
            Ok(Some(status)) => Some(exit_code(status)),
            _ => None,
        };
        let mut output = lock(&self.output).clone();
        output.trim();
        BackgroundOutput {
            line: self.line,
            exit_code: exit,
            output: output.text(),
            output_dropped: output.dropped,
        }
    }

    /// Kill and reap the process (its jail is ended first), and let the
    /// reader take what was left in the pipe, for a moment at most.
    fn stop(&mut self) {
        if !matches!(self.child.try_wait(), Ok(Some(_))) {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
        let until = Instant::now() + Duration::from_secs(1);
        if let Some(reader) = self.reader.take() {
            while !reader.is_finished() && Instant::now() < until {
                std::thread::sleep(Duration::from_millis(5));
            }
            if reader.is_finished() {
                let _ = reader.join();
            }
        }
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        drop(self.jail.take());
        for r in &mut self.running {
            r.stop();
        }
    }
}

fn lock(c: &Mutex<Captured>) -> std::sync::MutexGuard<'_, Captured> {
    c.lock().unwrap_or_else(|p| p.into_inner())
}
