//! `domains`: a link, in the body or the website field, to a listed domain or suffix.

use super::{Compiling, Judging, Kind, Outcome, evidence};
use crate::rules::domain_of;
use crate::{Field, matchers};

/// A link (in the body or website field) to a listed domain.
#[derive(Debug)]
pub struct Domains {
    /// Domains (`example.com`) and suffixes (`.xyz`).
    pub domains: Vec<String>,
}

impl Kind for Domains {
    fn compile(cx: &mut Compiling) -> Result<Self, crate::RuleError> {
        Ok(Domains {
            domains: cx.list_entries()?.into_iter().map(domain_of).collect(),
        })
    }

    fn judge(&self, j: &Judging) -> Outcome {
        let texts = j.texts;
        let body_links = texts.body_links.iter().cloned().map(|l| (Field::Body, l));
        let site_links = matchers::links(texts.submission.website)
            .into_iter()
            .map(|l| (Field::Website, l));
        body_links.chain(site_links).find_map(|(field, link)| {
            self.domains
                .iter()
                .any(|d| matchers::host_matches(&link.host, d))
                .then_some(())?;
            j.fire(evidence(field, texts.raw(field), link.start, link.end))
        })
    }
}
