//! The rule files on disk (or the copy shipped in the binary) and the rule set in force.
//! A broken edit keeps the previous rules running; `reload` says why it refused.

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use rust_embed::RustEmbed;

use crate::moderation::{RuleError, RuleSet, SourceFile};

/// The rule files shipped in the binary, used when the configured folder does not exist.
#[derive(RustEmbed)]
#[folder = "moderation-rules/"]
struct ShippedRules;

/// Why rule files could not be used.
#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    /// A file could not be read.
    #[error("{path}: {source}")]
    Read {
        /// Which file.
        path: String,
        /// The IO error.
        source: std::io::Error,
    },
    /// A file is not valid.
    #[error("{0}")]
    Invalid(#[from] RuleError),
}

/// Where the rules come from.
#[derive(Debug, Clone)]
pub enum RulesSource {
    /// A folder of rule files (editable without a rebuild).
    Dir(PathBuf),
    /// The copy compiled into the binary.
    Shipped,
}

impl RulesSource {
    /// The folder if it exists, else the shipped copy.
    pub fn pick(dir: &Path) -> RulesSource {
        if dir.is_dir() {
            RulesSource::Dir(dir.to_path_buf())
        } else {
            RulesSource::Shipped
        }
    }

    /// Reads every rule file (`*.toml`, `*.txt`, `*.model` and `*.weights`, recursively).
    pub fn read(&self) -> Result<Vec<SourceFile>, RulesError> {
        match self {
            RulesSource::Shipped => Ok(ShippedRules::iter()
                .filter(|name| SourceFile::is_rule_file(name))
                .filter_map(|name| {
                    let file = ShippedRules::get(&name)?;
                    Some(SourceFile {
                        name: name.to_string(),
                        text: String::from_utf8_lossy(&file.data).into_owned(),
                    })
                })
                .collect()),
            RulesSource::Dir(dir) => {
                let mut files = Vec::new();
                read_dir_into(dir, dir, &mut files)?;
                files.sort_by(|a, b| a.name.cmp(&b.name));
                Ok(files)
            }
        }
    }

    /// A cheap token that changes whenever a file changes (names, sizes, modification times).
    pub fn stamp(&self) -> String {
        let RulesSource::Dir(dir) = self else {
            return String::new();
        };
        let mut parts = Vec::new();
        stamp_dir(dir, &mut parts);
        parts.sort();
        parts.join("\n")
    }

    /// Reads and compiles.
    pub fn load(&self) -> Result<RuleSet, RulesError> {
        Ok(RuleSet::compile(&self.read()?)?)
    }

    /// For log lines.
    pub fn describe(&self) -> String {
        match self {
            RulesSource::Dir(d) => d.display().to_string(),
            RulesSource::Shipped => "the rules built into this binary".into(),
        }
    }
}

fn read_dir_into(root: &Path, dir: &Path, out: &mut Vec<SourceFile>) -> Result<(), RulesError> {
    let read_err = |path: &Path, source| RulesError::Read {
        path: path.display().to_string(),
        source,
    };
    for entry in std::fs::read_dir(dir).map_err(|e| read_err(dir, e))? {
        let path = entry.map_err(|e| read_err(dir, e))?.path();
        if path.is_dir() {
            read_dir_into(root, &path, out)?;
            continue;
        }
        let name = SourceFile::name_in(root, &path);
        if !SourceFile::is_rule_file(&name) {
            continue;
        }
        let bytes = std::fs::read(&path).map_err(|e| read_err(&path, e))?;
        let text = String::from_utf8(bytes).map_err(|_| {
            RulesError::Invalid(RuleError {
                file: name.clone(),
                line: 0,
                message: "the file is not valid UTF-8".into(),
            })
        })?;
        out.push(SourceFile { name, text });
    }
    Ok(())
}

fn stamp_dir(dir: &Path, parts: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            stamp_dir(&path, parts);
        } else if let Ok(meta) = entry.metadata() {
            let modified = meta
                .modified()
                .ok()
                .and_then(|m| m.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            parts.push(format!("{}:{}:{}", path.display(), meta.len(), modified));
        }
    }
}

/// The rule set in force, swapped atomically on reload.
#[derive(Debug)]
pub struct LiveRules {
    source: RulesSource,
    current: RwLock<Arc<RuleSet>>,
    stamp: RwLock<String>,
}

impl LiveRules {
    /// Loads the rules once; start-up fails if they are broken.
    pub fn load(source: RulesSource) -> Result<LiveRules, RulesError> {
        let stamp = source.stamp();
        let rules = source.load()?;
        Ok(LiveRules {
            source,
            current: RwLock::new(Arc::new(rules)),
            stamp: RwLock::new(stamp),
        })
    }

    /// Wraps an already compiled rule set (tests, the CLI).
    pub fn fixed(rules: RuleSet) -> LiveRules {
        LiveRules {
            source: RulesSource::Shipped,
            current: RwLock::new(Arc::new(rules)),
            stamp: RwLock::new(String::new()),
        }
    }

    /// The rules to judge the next comment with.
    pub fn current(&self) -> Arc<RuleSet> {
        match self.current.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Where they come from.
    pub fn source(&self) -> &RulesSource {
        &self.source
    }

    /// Reloads now. On error the previous rules stay in force.
    pub fn reload(&self) -> Result<(), RulesError> {
        let stamp = self.source.stamp();
        let rules = self.source.load()?;
        if let Ok(mut guard) = self.current.write() {
            *guard = Arc::new(rules);
        }
        if let Ok(mut guard) = self.stamp.write() {
            *guard = stamp;
        }
        Ok(())
    }

    /// Reloads if a file changed since the last load; `None` when nothing changed.
    pub fn reload_if_changed(&self) -> Option<Result<(), RulesError>> {
        let stamp = self.source.stamp();
        let unchanged = self.stamp.read().map(|s| *s == stamp).unwrap_or(false);
        if unchanged {
            return None;
        }
        // Remember the stamp even when the edit is broken, so it is reported once.
        if let Ok(mut guard) = self.stamp.write() {
            *guard = stamp;
        }
        Some(self.source.load().map(|rules| {
            if let Ok(mut guard) = self.current.write() {
                *guard = Arc::new(rules);
            }
        }))
    }
}

/// Keeps the rules current: every `every`, or at once on SIGHUP, reloads them if a file
/// changed (SIGHUP reloads even when nothing seems to have changed). A broken edit is
/// logged with its file and line, and the previous rules stay in force. The thread
/// ends when the app drops its rules.
pub fn watch(rules: &Arc<LiveRules>, every: std::time::Duration) {
    if matches!(rules.source(), RulesSource::Shipped) {
        return;
    }
    let hangup = Arc::new(std::sync::atomic::AtomicBool::new(false));
    #[cfg(unix)]
    if let Err(e) = signal_hook::flag::register(signal_hook::consts::SIGHUP, hangup.clone()) {
        tracing::warn!(error = %e, "cannot listen for SIGHUP; rule files are still watched");
    }
    let weak = Arc::downgrade(rules);
    let spawned = std::thread::Builder::new()
        .name("rules-watch".into())
        .spawn(move || {
            loop {
                std::thread::sleep(every);
                let Some(rules) = weak.upgrade() else {
                    return;
                };
                let outcome = if hangup.swap(false, std::sync::atomic::Ordering::Relaxed) {
                    Some(rules.reload())
                } else {
                    rules.reload_if_changed()
                };
                match outcome {
                    None => {}
                    Some(Ok(())) => tracing::info!(
                        rules = %rules.source().describe(),
                        version = rules.current().version(),
                        "moderation rules reloaded"
                    ),
                    Some(Err(e)) => tracing::error!(
                        rules = %rules.source().describe(),
                        error = %e,
                        "moderation rules NOT reloaded: the previous rules stay in force until the files are fixed"
                    ),
                }
            }
        });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "cannot start the rule watcher; rules load only at start-up");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn copy_shipped(to: &Path) {
        for file in RulesSource::Shipped.read().expect("shipped") {
            let path = to.join(&file.name);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).expect("mkdir");
            }
            std::fs::write(path, file.text).expect("write");
        }
    }

    #[test]
    fn an_edit_is_picked_up_and_a_broken_one_keeps_the_previous_rules() {
        let dir = tempfile::tempdir().expect("tempdir");
        copy_shipped(dir.path());
        let live = LiveRules::load(RulesSource::Dir(dir.path().to_path_buf())).expect("load");
        let first = live.current().version().to_string();
        assert!(live.reload_if_changed().is_none(), "nothing changed");

        let toml = dir.path().join("house-rules.toml");
        let text = std::fs::read_to_string(&toml).expect("read");
        std::fs::write(
            &toml,
            text.replace("kind = \"volume\"", "kind = \"nonsense\""),
        )
        .expect("write");
        let err = live
            .reload_if_changed()
            .expect("a change")
            .expect_err("broken");
        assert!(err.to_string().contains("house-rules.toml:"), "{err}");
        assert_eq!(
            live.current().version(),
            first,
            "the previous rules stay in force"
        );

        std::fs::write(&toml, text.replace("limit = 5", "limit = 3")).expect("write");
        live.reload_if_changed().expect("a change").expect("valid");
        assert_ne!(live.current().version(), first);
    }
}
