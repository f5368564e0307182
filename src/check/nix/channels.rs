//! Channels: the sets of input overrides a flake example is checked against.

use crate::config::InputRefs;
use std::collections::BTreeMap;

/// One set of input overrides a flake is checked against, named after the
/// input references that make it differ from the others.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Channel {
    pub name: String,
    /// `--override-input NAME REF` pairs.
    pub overrides: Vec<(String, String)>,
}

/// The channels of `[check.nix]` (each input's references, every
/// combination) with the command line's `NAME REF` pairs, which replace an
/// input's references.
pub fn channels(config: &BTreeMap<String, InputRefs>, cli: &[String]) -> Vec<Channel> {
    let mut merged: BTreeMap<String, Vec<String>> = config
        .iter()
        .map(|(n, r)| (n.clone(), r.refs()))
        .filter(|(_, r)| !r.is_empty())
        .collect();
    for pair in cli.chunks(2) {
        if let [name, reference] = pair {
            merged.insert(name.clone(), vec![reference.clone()]);
        }
    }
    let mut combos: Vec<Vec<(String, String)>> = vec![Vec::new()];
    for (name, refs) in &merged {
        combos = combos
            .into_iter()
            .flat_map(|c| {
                refs.iter().map(move |r| {
                    let mut c = c.clone();
                    c.push((name.clone(), r.clone()));
                    c
                })
            })
            .collect();
    }
    let several: Vec<&String> = merged
        .iter()
        .filter(|(_, r)| r.len() > 1)
        .map(|(n, _)| n)
        .collect();
    combos
        .into_iter()
        .map(|overrides| {
            let named: Vec<String> = overrides
                .iter()
                .filter(|(n, _)| {
                    if several.is_empty() {
                        n == "nixpkgs"
                    } else {
                        several.contains(&n)
                    }
                })
                .map(|(_, r)| channel_label(r))
                .collect();
            let name = if named.is_empty() {
                "default".to_string()
            } else {
                named.join("+")
            };
            Channel { name, overrides }
        })
        .collect()
}

/// `nixpkgs-unstable` for `github:NixOS/nixpkgs/nixpkgs-unstable` (or
/// `...?ref=nixpkgs-unstable`); the last path part of a `path:` reference.
pub fn channel_label(reference: &str) -> String {
    let (base, query) = reference.split_once('?').unwrap_or((reference, ""));
    if let Some(r) = query
        .split('&')
        .find_map(|kv| kv.strip_prefix("ref="))
        .filter(|r| !r.is_empty())
    {
        return r.to_string();
    }
    if let Some((scheme, rest)) = base.split_once(':')
        && matches!(scheme, "github" | "gitlab" | "sourcehut")
    {
        let parts: Vec<&str> = rest.split('/').collect();
        return match parts.as_slice() {
            [_, _, r, ..] => r.to_string(),
            [_, repo] => repo.to_string(),
            _ => reference.to_string(),
        };
    }
    base.trim_end_matches('/')
        .rsplit('/')
        .next()
        .filter(|s| !s.is_empty())
        .unwrap_or(reference)
        .to_string()
}
