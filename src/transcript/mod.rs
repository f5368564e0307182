//! Console transcripts: `$ command` lines, their `> ` continuation lines and
//! the output expected after each, parsed once ([`parse()`]) into commands
//! whose expected output is a list of typed [`Expectation`]s, and matched
//! against what a command printed ([`matching`]).
//!
//! Rules (the user's view is in `content/contributing.md`):
//! - a line starting with `$ ` starts a command; a `> ` line right after it
//!   continues it where bash itself would prompt (after a `\`, in a heredoc,
//!   inside a quote), and in a `trycmd` block always ([`Dialect`]); a line
//!   after one ending in `\` continues it too. The `> ` prompt is dropped
//!   from the command bash runs and kept in the transcript's lines;
//! - a `? STATUS` line right after a command says how it must exit
//!   ([`Status`]: `success`, `failed`, `interrupted`, `skipped`, `N`);
//! - the lines after a command, up to the next `$ `, are its expected output;
//!   with no such lines the command must print nothing (trycmd's rule), so
//!   no transcript turns its own check off;
//! - what a command prints on stdout and on stderr is compared as one
//!   stream, interleaved as a terminal shows it;
//! - each expected line is made an [`Expectation`] by the first rule of the
//!   [`Rules`] registry that takes it (`...`, the `(re)`, `(glob)`, `(esc)`
//!   suffixes, `[..]`, else literal; `(no-eol)` on the last line), and the
//!   lines between `(unordered)` and `(end)` are one group in any order;
//! - actual output is normalized first ([`output::normalize`]): ANSI escape
//!   codes are removed and trailing spaces ignored; a carriage return keeps
//!   what a terminal would show (the text after the last `\r`); trailing
//!   blank lines are ignored on both sides. It matches as printed or with
//!   its sandbox paths and the book's values redacted ([`redact`]), and
//!   [`compare()`] gives the redacted form a report shows and `--bless`
//!   writes.
//!
//! Users: the checker (`check::run`'s console runner), `--bless`
//! (`check::bless`) and, for its lines, the console highlighting of the site.

pub mod compare;
pub mod expectation;
pub mod matching;
pub mod output;
pub mod parse;
pub mod redact;

pub use compare::{Compared, compare};
pub use expectation::{Expectation, LineRule, Rules};
pub use matching::{blessed_lines, diff, ends_as_expected, matches};
pub use parse::{
    Command, Dialect, Line, LineKind, Status, has_command, is_transcript, lines, lines_in, parse,
    parse_block,
};
pub use redact::Redactions;

#[cfg(test)]
mod tests;
