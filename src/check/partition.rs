//! `--partition K/N`: the share of the book's pages one job of a CI matrix
//! checks, so that N jobs together check every page exactly once and
//! `docs-check merge` joins their reports.
//!
//! Two ways to split, as cargo-nextest's `--partition` names them:
//! - `count:K/N` (also plain `K/N`): the pages that have blocks to run, in
//!   book order, dealt out in turn: page i (0-based) goes to job `i % N + 1`. Even
//!   shares; adding a page moves the pages after it to other jobs.
//! - `hash:K/N`: a page goes to job `h % N + 1` where `h` is a hash of its
//!   path in the book's source folder (`intro.md`; FNV-1a, then
//!   MurmurHash3's finalizer). A page stays in its job when others are
//!   added, at the cost of shares less even.
//!
//! Pages, not blocks, are split: a page's blocks share a sandbox and run
//! in order. Both ways depend only on the book, never on the machine.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// How pages are dealt to the jobs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scheme {
    Count,
    Hash,
}

/// Job `index` of `count` (1-based), and how pages are dealt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Partition {
    pub scheme: Scheme,
    pub index: usize,
    pub count: usize,
}

impl Partition {
    /// Does this job check the page at `position` in the book (0-based,
    /// every page of SUMMARY.md counted) with `source` its path in the
    /// source folder?
    pub fn selects(&self, position: usize, source: &str) -> bool {
        let slot = match self.scheme {
            Scheme::Count => position % self.count,
            Scheme::Hash => (hash(source) % self.count as u64) as usize,
        };
        slot + 1 == self.index
    }
}

/// A page path's hash: stable across Rust versions and machines (unlike
/// std's hasher). FNV-1a alone is not enough: its low bits follow the low
/// bits of the bytes (its lowest bit is their parity), so `% 2` of similar
/// names is lopsided; MurmurHash3's 64-bit finalizer mixes every bit into
/// the low ones.
fn hash(path: &str) -> u64 {
    let mut h = fnv1a(path.as_bytes());
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// 64-bit FNV-1a.
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

impl fmt::Display for Partition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = match self.scheme {
            Scheme::Count => "count",
            Scheme::Hash => "hash",
        };
        write!(f, "{scheme}:{}/{}", self.index, self.count)
    }
}

impl FromStr for Partition {
    type Err = String;

    /// The error says what is wrong, without the value (clap names it).
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = |why: &str| {
            format!("{why}; expected K/N, count:K/N or hash:K/N with 1 <= K <= N, like 1/2")
        };
        let (scheme, rest) = match s.split_once(':') {
            Some(("count", rest)) => (Scheme::Count, rest),
            Some(("hash", rest)) => (Scheme::Hash, rest),
            Some((other, _)) => {
                return Err(bad(&format!("unknown way to split `{other}`")));
            }
            None => (Scheme::Count, s),
        };
        let (k, n) = rest
            .split_once('/')
            .ok_or_else(|| bad("no `/` between K and N"))?;
        let number = |v: &str| v.trim().parse::<usize>().ok();
        let (Some(index), Some(count)) = (number(k), number(n)) else {
            return Err(bad("K and N must be whole numbers"));
        };
        if count == 0 || index == 0 || index > count {
            return Err(bad("K must be from 1 to N"));
        }
        Ok(Partition {
            scheme,
            index,
            count,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_and_bad_ones() {
        let p: Partition = "2/3".parse().unwrap();
        assert_eq!((p.scheme, p.index, p.count), (Scheme::Count, 2, 3));
        assert_eq!(p.to_string(), "count:2/3");
        let h: Partition = "hash:1/2".parse().unwrap();
        assert_eq!(h.to_string(), "hash:1/2");
        for bad in ["0/2", "3/2", "1/0", "1", "a/b", "slice:1/2", "1/-2", ""] {
            let e = bad.parse::<Partition>().unwrap_err();
            assert!(
                e.contains("; expected K/N, count:K/N or hash:K/N"),
                "{bad}: {e}"
            );
        }
    }

    #[test]
    fn every_page_is_in_exactly_one_job() {
        let pages: Vec<String> = (0..50).map(|i| format!("chapter-{i}/page.md")).collect();
        for scheme in [Scheme::Count, Scheme::Hash] {
            let count = 4;
            let mut shares = vec![0; count];
            for (i, page) in pages.iter().enumerate() {
                let jobs: Vec<usize> = (1..=count)
                    .filter(|&index| {
                        Partition {
                            scheme,
                            index,
                            count,
                        }
                        .selects(i, page)
                    })
                    .collect();
                assert_eq!(jobs.len(), 1, "{scheme:?} {page}");
                shares[jobs[0] - 1] += 1;
            }
            assert!(shares.iter().all(|&s| s > 0), "{scheme:?} {shares:?}");
            if scheme == Scheme::Count {
                assert_eq!(shares, [13, 13, 12, 12]);
            }
        }
    }

    #[test]
    fn similar_names_spread_over_two_jobs() {
        let names = ["one.md", "two.md", "three.md", "four.md", "five.md"];
        let first = names.iter().filter(|n| hash(n).is_multiple_of(2)).count();
        assert!((1..names.len()).contains(&first), "{first}");
    }

    #[test]
    fn the_hash_is_fnv1a() {
        // The published FNV-1a 64 test vectors.
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
