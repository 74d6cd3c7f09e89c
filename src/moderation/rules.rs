//! The rule files: schema, loading from text, validation with file and line.

/// One rule file's name and contents, as the caller read it.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The file name relative to the rules folder, e.g. `house-rules.toml` or `lists/slurs.txt`.
    pub name: String,
    /// The file's text.
    pub text: String,
}

/// A rule file problem, naming the file, the line and what is wrong.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
#[error("{file}:{line}: {message}")]
pub struct RuleError {
    /// Which file.
    pub file: String,
    /// 1-based line (0 when the problem is not on one line).
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// The windows and prefixes the caller needs to gather facts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// How far back (seconds) the caller must look for earlier comments on the post.
    pub lookback_seconds: i64,
    /// IPv4 prefix length that makes a "network" for the volume rules.
    pub ipv4_prefix: u8,
    /// IPv6 prefix length that makes a "network".
    pub ipv6_prefix: u8,
}

/// The compiled rules, ready to evaluate comments.
#[derive(Debug)]
pub struct RuleSet {
    version: String,
    limits: Limits,
}

impl RuleSet {
    /// Parses, validates and compiles the rule files.
    pub fn compile(files: &[SourceFile]) -> Result<RuleSet, RuleError> {
        let _ = files;
        Ok(RuleSet {
            version: "stub".into(),
            limits: Limits {
                lookback_seconds: 24 * 3600,
                ipv4_prefix: 24,
                ipv6_prefix: 64,
            },
        })
    }

    /// The version string declared in the rule files (stored with each verdict).
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Windows and prefixes for gathering facts.
    pub fn limits(&self) -> Limits {
        self.limits
    }
}
