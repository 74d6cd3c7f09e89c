//! The house-rules engine's speed: one evaluation of a 2,000-character comment with
//! the full shipped rules, and loading (compiling) those rules; beside it, the baseline
//! most blogs use: WordPress's "disallowed comment keys", one case-insensitive regex per
//! listed word tried on each field in turn, over the same lists and the same comment.
//! Run with `cargo bench --bench engine` (from the repository root or `engine/`).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use townhall_engine::{
    Facts, FormTiming, Identity, PostContext, Prior, RuleSet, SourceFile, Standing, Submission,
    evaluate,
};

#[path = "../support/shipped.rs"]
mod shipped;
use shipped::shipped;

const POST_TITLE: &str = "The 28-day move-on period is pushing new refugees into homelessness";
const POST_BODY: &str = include_str!("post.md");

/// A civil, on-topic comment of 2,000 characters, made of real corpus comments (the
/// worst case: nothing fires early, every rule reads the whole text).
const COMMENT: &str = include_str!("comment.txt");

fn bench(c: &mut Criterion) {
    let files = shipped();
    let rules = RuleSet::compile(&files).expect("compile");
    let body = COMMENT;
    let tags = vec!["housing".to_string(), "refugees".to_string()];
    let identity = Identity::new("reader@example.org", "192.0.2.10".parse().ok(), 24, 64);
    let prior: Vec<Prior> = (0..20)
        .map(|i| Prior {
            identity: Identity::new(&format!("r{i}@example.org"), None, 24, 64),
            author: format!("Reader {i}"),
            age_seconds: 600,
            fingerprint: townhall_engine::Fingerprint::of(&format!(
                "earlier comment {i} about housing"
            )),
            action: townhall_engine::Action::Publish,
        })
        .collect();
    let submission = Submission {
        author: "Ruth Abernethy",
        email: "reader@example.org",
        website: "",
        body,
        honeypot: "",
        timing: FormTiming::Seconds(120.0),
    };
    let facts = Facts {
        post: PostContext {
            title: POST_TITLE,
            body: POST_BODY,
            tags: &tags,
        },
        parent: None,
        identity: &identity,
        prior: &prior,
        thread_flood_closed: false,
        standing: Standing::Normal,
        staff_names: &[],
        lessons: &[],
        history: None,
    };
    let v = evaluate(&rules, &submission, &facts);
    assert_eq!(v.action.as_str(), "publish", "{:?}", v.hits);
    c.bench_function("evaluate a 2,000-character comment", |b| {
        b.iter(|| evaluate(black_box(&rules), black_box(&submission), black_box(&facts)))
    });
    let baseline = disallowed_keys(&files);
    assert!(
        !baseline.matches(&submission),
        "the baseline must read the whole comment"
    );
    c.bench_function("baseline: one regex per listed word", |b| {
        b.iter(|| baseline.matches(black_box(&submission)))
    });
    c.bench_function("compile the shipped rules", |b| {
        b.iter(|| RuleSet::compile(black_box(&files)).expect("compile"))
    });
}

/// WordPress's `wp_check_comment_disallowed_list`: for each listed word, the pattern
/// `#word#iu` is tried on the name, e-mail, website and text until one matches.
struct DisallowedKeys(Vec<regex::Regex>);

impl DisallowedKeys {
    fn matches(&self, s: &Submission) -> bool {
        self.0.iter().any(|re| {
            [s.author, s.email, s.website, s.body]
                .iter()
                .any(|field| re.is_match(field))
        })
    }
}

/// Every entry of the shipped word lists that the civility and spam rules use.
fn disallowed_keys(files: &[townhall_engine::SourceFile]) -> DisallowedKeys {
    let listed = [
        "slurs",
        "swearing",
        "sexual",
        "impersonation",
        "abuse-ambiguous",
        "dog-whistles",
        "insults",
        "mild",
        "spam-phrases",
    ];
    let words = files
        .iter()
        .filter(|f| {
            listed
                .iter()
                .any(|l| f.name.ends_with(&format!("lists/{l}.txt")))
        })
        .flat_map(|f| f.text.lines())
        .map(|l| l.split('#').next().unwrap_or("").trim().trim_matches('*'))
        .filter(|w| !w.is_empty())
        .map(|w| regex::Regex::new(&format!("(?iu){}", regex::escape(w))).expect("regex"))
        .collect();
    DisallowedKeys(words)
}

criterion_group!(benches, bench);
criterion_main!(benches);
