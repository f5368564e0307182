//! Ctrl-C, SIGTERM and SIGHUP during a run: stop every page's commands,
//! remove the sandboxes (unless `--keep`), then exit as a signal would
//! (128 + SIGINT).

use std::time::Duration;

use super::{isolation, sandbox};

/// Install the handler. (Fails only when a handler is already set, which
/// is then left as it is.)
pub fn stop_on_signal(keep: bool) {
    let _ = ctrlc::set_handler(move || {
        isolation::kill_everything();
        if !keep {
            sandbox::remove_all();
        }
        eprintln!("docs-check: interrupted; the commands of every page were stopped");
        std::process::exit(130);
    });
}

/// On a signal, the handler ends the process with its own status: wait for
/// it, so that the pages' results, cut short, are not reported.
pub fn wait_while_stopping() {
    while isolation::stopping() {
        std::thread::sleep(Duration::from_millis(50));
    }
}
