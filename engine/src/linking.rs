//! Which earlier comments on a post are the submitter's, for the volume rules (house
//! rule 4). Pure: the caller hands in the earlier comments with their e-mail keys,
//! networks, names and fingerprints.
//!
//! Two comments are linked when
//! - their e-mail keys match (a person *is* an e-mail key), or
//! - they come from one network (the /24 or /64 holds the exact address too) **and**
//!   something corroborates it: a similar name ([`similar_names`]) or near-duplicate
//!   text (the flood rule's notion: estimated word-set Jaccard at or above the rule's
//!   `similarity`, on comments of at least [`MIN_DUPLICATE_WORDS`] distinct words, so
//!   that two short "Thank you!" replies link nobody).
//!
//! A shared network, exact address or browser never links two people on its own:
//! offices, libraries and mobile carriers put strangers behind all three.
//!
//! `volume.person` counts the comments linked to the submitter: those under their e-mail
//! key; those on one network with one of those comments (or the submission) that
//! corroborate it; and then those under an e-mail key so found (the e-mail key seen
//! before with this person). It never chains further, so one similar name cannot pull
//! in a stranger's whole history. `volume.group` follows links from comment to comment
//! as far as they go (a small group on one network writing the same campaign text, one
//! person with several addresses), with the same links.

use std::collections::BTreeMap;

use super::identity::{NameKey, similar_names};
use super::{Fingerprint, Identity, Prior};

/// Comments shorter than this (distinct words) are never near-duplicates for linking.
pub const MIN_DUPLICATE_WORDS: usize = 8;

/// One comment as the linking sees it.
#[derive(Debug, Clone, Copy)]
pub struct Comment<'a> {
    /// E-mail key and network.
    pub identity: &'a Identity,
    /// The name as typed.
    pub author: &'a str,
    /// Its near-duplicate fingerprint.
    pub fingerprint: &'a Fingerprint,
}

impl<'a> From<&'a Prior> for Comment<'a> {
    fn from(p: &'a Prior) -> Comment<'a> {
        Comment {
            identity: &p.identity,
            author: &p.author,
            fingerprint: &p.fingerprint,
        }
    }
}

/// Why an earlier comment was linked; moderators see these, commenters never do.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Signal {
    /// The same e-mail key as a comment already linked (or the submission).
    SameEmail,
    /// A similar name on the same network; the name as that comment typed it.
    SimilarName {
        /// The network both came from.
        network: String,
        /// The linked comment's name.
        name: String,
    },
    /// Near-duplicate text on the same network.
    NearDuplicate {
        /// The network both came from.
        network: String,
    },
}

/// The links found for a set of earlier comments.
#[derive(Debug, Clone, Default)]
pub struct Links {
    /// For each earlier comment, in the order given: why it is linked, if it is.
    pub signals: Vec<Option<Signal>>,
    /// The search stopped once `count` reached the limit asked for (so there may be more).
    pub stopped: bool,
}

impl Links {
    /// How many earlier comments are linked.
    pub fn count(&self) -> usize {
        self.signals.iter().filter(|s| s.is_some()).count()
    }

    /// "same e-mail (3); similar name 'M. Hosseini' on 203.0.113.0/24; near-duplicate
    /// text on 203.0.113.0/24 (2)": what linked them, for moderators.
    pub fn describe(&self) -> String {
        let mut tally: BTreeMap<&Signal, usize> = BTreeMap::new();
        for s in self.signals.iter().flatten() {
            *tally.entry(s).or_default() += 1;
        }
        const SHOWN: usize = 6;
        let mut parts: Vec<String> = tally
            .iter()
            .take(SHOWN)
            .map(|(s, n)| {
                let what = match s {
                    Signal::SameEmail => "same e-mail".to_owned(),
                    Signal::SimilarName { network, name } => {
                        format!("similar name ‘{}’ on {network}", shorten(name))
                    }
                    Signal::NearDuplicate { network } => {
                        format!("near-duplicate text on {network}")
                    }
                };
                if *n > 1 {
                    format!("{what} ({n})")
                } else {
                    what
                }
            })
            .collect();
        if tally.len() > SHOWN {
            parts.push(format!("{} more", tally.len() - SHOWN));
        }
        parts.join("; ")
    }
}

fn shorten(name: &str) -> String {
    const MAX: usize = 40;
    let name = name.trim();
    if name.chars().count() <= MAX {
        name.to_owned()
    } else {
        let cut: String = name.chars().take(MAX).collect();
        format!("{cut}…")
    }
}

/// Names, folded once each and only when needed.
struct Names<'a> {
    comments: &'a [Comment<'a>],
    keys: Vec<Option<NameKey>>,
}

impl<'a> Names<'a> {
    fn new(comments: &'a [Comment<'a>]) -> Names<'a> {
        Names {
            comments,
            keys: vec![None; comments.len()],
        }
    }

    fn get(&mut self, i: usize) -> &NameKey {
        let author = self.comments[i].author;
        self.keys[i].get_or_insert_with(|| NameKey::new(author))
    }
}

/// Why `b` is linked to `a` through their shared network, if it is.
fn corroborated(names: &mut Names, a: usize, b: usize, similarity: f32) -> Option<Signal> {
    let (ca, cb) = (names.comments[a], names.comments[b]);
    if !ca.identity.same_network(cb.identity) {
        return None;
    }
    let network = || cb.identity.network.clone();
    let name_a = names.get(a).clone();
    if similar_names(&name_a, names.get(b)) {
        return Some(Signal::SimilarName {
            network: network(),
            name: cb.author.to_owned(),
        });
    }
    let (fa, fb) = (ca.fingerprint, cb.fingerprint);
    (fa.words() >= MIN_DUPLICATE_WORDS
        && fb.words() >= MIN_DUPLICATE_WORDS
        && fa.similarity(fb) >= similarity)
        .then(|| Signal::NearDuplicate { network: network() })
}

/// The earlier comments (`prior`, newest first) that are the submitter's (`me`): see
/// the module text. Only the submission and the newest `anchors - 1` comments under its
/// e-mail key are compared with the others, which bounds the work on a busy network.
pub fn person(me: Comment, prior: &[Comment], similarity: f32, anchors: usize) -> Links {
    let all: Vec<Comment> = std::iter::once(me).chain(prior.iter().copied()).collect();
    let mut names = Names::new(&all);
    let mut signals: Vec<Option<Signal>> = vec![None; all.len()];
    // 1. The same e-mail key: the same person, from any network.
    let mut own = vec![0];
    for i in 1..all.len() {
        if all[i].identity.same_email(me.identity) {
            signals[i] = Some(Signal::SameEmail);
            own.push(i);
        }
    }
    // The submission and their most recent comments (`prior` comes newest first).
    own.truncate(anchors.max(1));
    // 2. One network with one of those, corroborated.
    let mut found = Vec::new();
    for (i, signal) in signals.iter_mut().enumerate().skip(1) {
        if signal.is_some() {
            continue;
        }
        *signal = own
            .iter()
            .find_map(|&a| corroborated(&mut names, a, i, similarity));
        if signal.is_some() {
            found.push(i);
        }
    }
    // 3. The e-mail keys so found: their other comments are the same person too.
    for i in 1..all.len() {
        if signals[i].is_none()
            && found
                .iter()
                .any(|&f| all[f].identity.same_email(all[i].identity))
        {
            signals[i] = Some(Signal::SameEmail);
        }
    }
    signals.remove(0);
    Links {
        signals,
        stopped: false,
    }
}

/// The earlier comments in the submitter's cluster: links followed from comment to
/// comment. Stops once `stop_at` comments are in (the rule fires; the rest would only
/// cost time), which bounds the work to `stop_at` × the comments.
pub fn group(me: Comment, prior: &[Comment], similarity: f32, stop_at: usize) -> Links {
    let all: Vec<Comment> = std::iter::once(me).chain(prior.iter().copied()).collect();
    let mut names = Names::new(&all);
    let mut signals: Vec<Option<Signal>> = vec![None; all.len()];
    let mut inside = vec![false; all.len()];
    inside[0] = true;
    let mut queue = vec![0];
    let mut count = 0;
    let mut stopped = false;
    'search: while let Some(a) = queue.pop() {
        for b in 1..all.len() {
            if inside[b] {
                continue;
            }
            let signal = if all[a].identity.same_email(all[b].identity) {
                Some(Signal::SameEmail)
            } else {
                corroborated(&mut names, a, b, similarity)
            };
            if signal.is_some() {
                inside[b] = true;
                signals[b] = signal;
                queue.push(b);
                count += 1;
                if count >= stop_at {
                    stopped = true;
                    break 'search;
                }
            }
        }
    }
    signals.remove(0);
    Links { signals, stopped }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct C {
        identity: Identity,
        author: String,
        fingerprint: Fingerprint,
    }

    fn c(email: &str, ip: &str, author: &str, body: &str) -> C {
        C {
            identity: Identity::new(email, ip.parse().ok(), 24, 64),
            author: author.to_owned(),
            fingerprint: Fingerprint::of(body),
        }
    }

    fn view(c: &C) -> Comment<'_> {
        Comment {
            identity: &c.identity,
            author: &c.author,
            fingerprint: &c.fingerprint,
        }
    }

    fn person_of(me: &C, prior: &[C]) -> Links {
        let prior: Vec<Comment> = prior.iter().map(view).collect();
        person(view(me), &prior, 0.5, 6)
    }

    fn group_of(me: &C, prior: &[C], stop_at: usize) -> Links {
        let prior: Vec<Comment> = prior.iter().map(view).collect();
        group(view(me), &prior, 0.5, stop_at)
    }

    const CAMPAIGN: &str = "Stop NHS charging now! Nobody should be too frightened to see a doctor. End data sharing with the Home Office.";

    #[test]
    fn a_shared_network_or_address_alone_links_nobody() {
        let me = c(
            "new@example.org",
            "203.0.113.41",
            "Priya",
            "A first comment about housing.",
        );
        let prior: Vec<C> = (0..8)
            .map(|i| {
                c(
                    &format!("p{i}@example.org"),
                    "203.0.113.41",
                    &format!("Person {i}"),
                    &format!("Comment number {i} on council housing waiting lists."),
                )
            })
            .collect();
        assert_eq!(person_of(&me, &prior).count(), 0);
        assert_eq!(group_of(&me, &prior, 100).count(), 0);
    }

    #[test]
    fn each_corroboration_links_on_one_network_only() {
        let me = c("maryam.h@example.com", "203.0.113.41", "Maryam H", CAMPAIGN);
        let prior = [
            c("MARYAM.H+blog@example.com", "198.51.100.1", "Someone", "x"),
            c("m.hosseini@example.org", "203.0.113.42", "M. Hosseini", "y"),
            c("other@example.org", "203.0.113.99", "Chris", CAMPAIGN),
            c("far@example.org", "192.0.2.1", "M. Hosseini", CAMPAIGN),
            c("stranger@example.org", "203.0.113.41", "Sam", "z"),
        ];
        let links = person_of(&me, &prior);
        assert_eq!(
            links.signals,
            [
                Some(Signal::SameEmail),
                Some(Signal::SimilarName {
                    network: "203.0.113.0/24".into(),
                    name: "M. Hosseini".into()
                }),
                Some(Signal::NearDuplicate {
                    network: "203.0.113.0/24".into()
                }),
                None,
                None,
            ]
        );
        assert_eq!(
            links.describe(),
            "same e-mail; similar name ‘M. Hosseini’ on 203.0.113.0/24; near-duplicate text on 203.0.113.0/24"
        );
    }

    #[test]
    fn names_used_with_the_e_mail_before_corroborate() {
        // "Maryam" alone is not similar to "M. Hosseini", but this e-mail key wrote as
        // "Maryam H" before, which is.
        let me = c("maryam.h@example.com", "203.0.113.57", "Maryam", "a");
        let prior = [
            c("maryam.h@example.com", "203.0.113.41", "Maryam H", "b"),
            c("m.hosseini@example.org", "203.0.113.42", "M. Hosseini", "c"),
            c("mh.londonmum@example.com", "203.0.113.41", "Londonmum", "d"),
        ];
        let links = person_of(&me, &prior);
        assert_eq!(links.count(), 2, "{:?}", links.signals);
        assert!(links.signals[2].is_none());
    }

    #[test]
    fn an_e_mail_key_found_by_corroboration_brings_its_other_comments() {
        let me = c("a@example.com", "203.0.113.5", "Maryam Hosseini", "a");
        let prior = [
            c("b@example.com", "203.0.113.6", "M. Hosseini", "b"),
            // The same key as the one above, from elsewhere, under another name.
            c("b@example.com", "192.0.2.1", "Mo", "c"),
            // But a similar name seen only through that comment is not followed.
            c("c@example.com", "192.0.2.2", "Mo", "d"),
        ];
        let links = person_of(&me, &prior);
        assert_eq!(
            links.signals[1..],
            [Some(Signal::SameEmail), None],
            "{:?}",
            links.signals
        );
    }

    #[test]
    fn short_texts_are_not_near_duplicates_for_linking() {
        let me = c("a@example.com", "203.0.113.5", "Ann", "Thank you for this!");
        let prior = [c(
            "b@example.com",
            "203.0.113.6",
            "Bo",
            "Thank you for this.",
        )];
        assert_eq!(person_of(&me, &prior).count(), 0);
    }

    #[test]
    fn the_group_follows_links_from_comment_to_comment() {
        // me ~ a by name; a ~ b by text; b ~ c by e-mail: one cluster, but only `a` is
        // the submitter's as a person.
        let me = c(
            "me@example.com",
            "203.0.113.5",
            "Sam Reader",
            "a short note",
        );
        let prior = [
            c("a@example.com", "203.0.113.6", "S. Reader", CAMPAIGN),
            c("b@example.com", "203.0.113.7", "Jo", CAMPAIGN),
            c("b@example.com", "192.0.2.7", "Jo", "another point entirely"),
            c(
                "d@example.com",
                "192.0.2.8",
                "Kim",
                "another point entirely",
            ),
        ];
        assert_eq!(person_of(&me, &prior).count(), 1);
        let g = group_of(&me, &prior, 100);
        assert_eq!(g.count(), 3, "{:?}", g.signals);
        assert!(!g.stopped && g.signals[3].is_none());
        let g = group_of(&me, &prior, 2);
        assert!(g.stopped && g.count() == 2);
    }

    #[test]
    fn the_description_counts_and_stays_short() {
        let links = Links {
            signals: vec![
                Some(Signal::SameEmail),
                None,
                Some(Signal::SameEmail),
                Some(Signal::NearDuplicate {
                    network: "192.0.2.0/24".into(),
                }),
            ],
            stopped: false,
        };
        assert_eq!(
            links.describe(),
            "same e-mail (2); near-duplicate text on 192.0.2.0/24"
        );
        assert_eq!(shorten(&"x".repeat(50)).chars().count(), 41);
    }
}
