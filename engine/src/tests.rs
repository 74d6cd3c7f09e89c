//! The shipped rules against the evasion tricks and innocent look-alikes the house
//! rules name, and the combination logic.

use super::*;

#[path = "../support/shipped.rs"]
mod shipped;

fn rules() -> RuleSet {
    match RuleSet::compile(&shipped::shipped()) {
        Ok(r) => r,
        Err(e) => panic!("shipped rules do not load: {e}"),
    }
}

struct Case<'a> {
    body: &'a str,
    author: &'a str,
    honeypot: &'a str,
    timing: FormTiming,
    parent: Option<&'a str>,
    prior: Vec<Prior>,
    standing: Standing,
    closed: bool,
    /// Published comments and recent decided ones; `None` for an unknown history.
    history: Option<(u32, Vec<Decided>)>,
}

impl<'a> Case<'a> {
    fn body(body: &'a str) -> Self {
        Case {
            body,
            author: "Sam Reader",
            honeypot: "",
            timing: FormTiming::Seconds(90.0),
            parent: None,
            prior: Vec::new(),
            standing: Standing::Normal,
            closed: false,
            history: None,
        }
    }

    fn judge(&self, rules: &RuleSet) -> Verdict {
        let identity = Identity::new("sam@example.org", "192.0.2.10".parse().ok(), 24, 64);
        let tags = vec!["housing".to_string(), "asylum".to_string()];
        let staff = vec!["Alex Editor".to_string()];
        evaluate(
            rules,
            &Submission {
                author: self.author,
                email: "sam@example.org",
                website: "",
                body: self.body,
                honeypot: self.honeypot,
                timing: self.timing,
            },
            &Facts {
                post: PostContext {
                    title: "Asylum housing in London",
                    body: "Hotels, councils and the move-on period for refugees in London boroughs.",
                    tags: &tags,
                },
                parent: self.parent,
                identity: &identity,
                prior: &self.prior,
                thread_flood_closed: self.closed,
                standing: self.standing,
                staff_names: &staff,
                lessons: &[],
                history: self.history.as_ref().map(|(published, recent)| History {
                    published: *published,
                    recent,
                }),
            },
        )
    }
}

fn verdict(body: &str) -> Verdict {
    Case::body(body).judge(&rules())
}

fn rule_ids(v: &Verdict) -> Vec<&str> {
    v.hits.iter().map(|h| h.rule.as_str()).collect()
}

#[test]
fn every_evasion_trick_is_caught() {
    let rules = rules();
    let cases = [
        ("plain", "The council housing team are fucking useless."),
        ("case", "The council housing team are FuCkInG useless."),
        (
            "nfkc fullwidth",
            "The council housing team are ｆｕｃｋｉｎｇ useless.",
        ),
        ("accents", "The council housing team are fúçkíng useless."),
        ("cyrillic", "The council housing team are fuсking useless."),
        ("greek", "The council housing team are fυcking useless."),
        (
            "zero width",
            "The council housing team are f\u{200b}u\u{200c}c\u{200d}king useless.",
        ),
        (
            "soft hyphen",
            "The council housing team are fuc\u{ad}king useless.",
        ),
        ("leet @", "The housing officer is a tw@t."),
        ("leet 4", "The housing officer is a tw4t."),
        ("leet 0 and 1", "Sh1t housing, sh0dd1ly run. Sh1t."),
        ("leet 3", "Housing for refugees? B3llend politics."),
        ("leet $ and 5", "What a load of $hit, and 5hite housing."),
        ("slang plural", "The housing on this estate is sh1tz."),
        ("dots after a", "The housing officer is a t.w.a.t, frankly."),
        ("v for u", "Khan is a useless fvcking disgrace on housing."),
        (
            "dots",
            "Landlords doing this are c.u.n.t.s, every one of them.",
        ),
        (
            "spaces",
            "The Home Office can go f u c k itself over housing.",
        ),
        ("dashes", "The Home Office can go f-u-c-k itself."),
        (
            "mask",
            "What an absolute f*cking joke this housing policy is.",
        ),
        ("double mask", "Housing policy is sh*t."),
        (
            "repeats",
            "Fuuuuuck the housing rules and the shiiiiit politicians.",
        ),
        ("repeats slur", "Send the raaaagheads back."),
        ("compound", "The motherfuckers at the Home Office know it."),
        ("compound 2", "Absolute clusterfuck of a housing scheme."),
    ];
    for (trick, body) in cases {
        let v = Case::body(body).judge(&rules);
        assert_eq!(
            v.action,
            Action::Reject,
            "{trick}: {body:?} → {:?}",
            rule_ids(&v)
        );
        let hit = &v.hits[0];
        let ev = hit.evidence.as_ref().expect("evidence");
        assert_eq!(
            &body[ev.start..ev.end],
            ev.text,
            "{trick}: evidence is a span of what was written"
        );
        assert_eq!(hit.house_rule, 1, "{trick}");
    }
}

#[test]
fn innocent_words_containing_rude_ones_are_published() {
    let rules = rules();
    let cases = [
        "I grew up in Scunthorpe and now work on housing for refugees in London.",
        "Asylum housing in Essex, Sussex and Middlesex is run by the same contractor.",
        "The council's housing assessment took three weeks for the refugee family.",
        "A classic case of the Home Office moving refugees between hotels.",
        "A cocktail of rising rents and slow councils keeps refugees in hotels.",
        "Housing in London would not look out of place in Dickens.",
        "The analysis of asylum hotels in this post matches what our council sees.",
        "I'm from Penistone; our council housed two refugee families last year.",
        "We cooked shitake mushrooms with the refugee family we host in London.",
        "Cllr Hancock has championed housing for refugees in our borough.",
        "Our hotel in Clitheroe hosted asylum seekers; the council was helpful.",
        "Sexual violence survivors in asylum hotels need safe housing from councils.",
        "Many women in the asylum hotels had survived rape; councils must house them safely.",
        "The title deeds of the refugee housing association were passed to the council.",
        "Rooms in asylum hotels often have no cooking facilities, say London councils.",
        "Homelessness among refugees in London boroughs doubled after the move-on period.",
        "Therapists in Sussex say housing fear keeps refugees from seeing a GP.",
    ];
    for body in cases {
        let v = Case::body(body).judge(&rules);
        assert_eq!(v.action, Action::Publish, "{body:?} → {:?}", rule_ids(&v));
    }
}

#[test]
fn insults_aimed_at_a_person_are_rejected_but_criticism_is_not() {
    let rules = rules();
    for body in [
        "Nobody cares about your shelter, you sanctimonious idiot.",
        "Stop whining about housing, you entitled cow.",
        "You're a thick racist moron and your opinion on hotels is worthless.",
    ] {
        assert_eq!(
            Case::body(body).judge(&rules).action,
            Action::Reject,
            "{body}"
        );
    }
    for body in [
        "The housing minister's plan for asylum hotels is a disgrace and should be scrapped.",
        "Thank you, the council housing team were brilliant with our refugee family.",
        "You are entitled to your view on asylum hotels, but the figures say otherwise.",
    ] {
        let v = Case::body(body).judge(&rules);
        assert_eq!(v.action, Action::Publish, "{body} → {:?}", rule_ids(&v));
    }
}

#[test]
fn threats_are_rejected_but_harm_from_policy_is_not() {
    let rules = rules();
    for body in [
        "Someone should burn down the hotel where they put these people.",
        "Doctors who treat them should be dragged out and strung up.",
        "I know where your office in Southwark is. Be careful walking home.",
    ] {
        assert_eq!(
            Case::body(body).judge(&rules).action,
            Action::Reject,
            "{body}"
        );
    }
    for body in [
        "The 28-day move-on rule kills: refugees leave hotels for the street.",
        "A careless joke about immigration officers in a hospital could kill someone.",
    ] {
        let v = Case::body(body).judge(&rules);
        assert_eq!(v.action, Action::Publish, "{body} → {:?}", rule_ids(&v));
    }
}

#[test]
fn a_stereotype_disputed_is_counter_speech_and_one_asserted_or_endorsed_is_not() {
    let rules = rules();
    for body in [
        "Not all refugees are criminals, and the hotel residents in London prove it.",
        "It is a myth that refugees are scroungers: most in London hotels want to work.",
        "Stop calling people illegals in the asylum housing debate, please.",
    ] {
        let v = Case::body(body).judge(&rules);
        assert_eq!(v.action, Action::Publish, "{body} → {:?}", rule_ids(&v));
    }
    // Disputed, but in words a person should still read: held, never rejected.
    let v = verdict("The idea that refugees are a plague is what got my uncle attacked.");
    assert_eq!(v.action, Action::Hold, "{:?}", rule_ids(&v));
    for body in [
        "Refugees are criminals, every one of them in those hotels.",
        "People say refugees are criminals and honestly they are right.",
        "Not all refugees are criminals, most of them are just vermin.",
    ] {
        let v = Case::body(body).judge(&rules);
        assert_ne!(v.action, Action::Publish, "{body}");
    }
}

#[test]
fn legal_risk_is_held_never_rejected_or_published() {
    let rules = rules();
    for body in [
        "The housing charity Fernleigh Trust fiddled the books and kept half the grant money.",
        "Councillor Ashworth took money from a developer to block the refugee hostel.",
        "The landlord charged over the hotel fire is guilty; his trial next month is a formality.",
    ] {
        let v = Case::body(body).judge(&rules);
        assert_eq!(v.action, Action::Hold, "{body} → {:?}", rule_ids(&v));
        assert_eq!(v.hits[0].house_rule, 2);
    }
}

#[test]
fn spam_signals() {
    let rules = rules();
    let mut c = Case::body("I really like this post about housing. Keep it up!");
    c.honeypot = "http://bestdealz.example";
    assert_eq!(rule_ids(&c.judge(&rules)), ["spam.honeypot"]);

    let mut c = Case::body("Nice article about housing, thank you for sharing.");
    c.timing = FormTiming::Seconds(1.1);
    let v = c.judge(&rules);
    assert_eq!(
        (v.action, rule_ids(&v)),
        (Action::Hold, vec!["spam.too_fast"])
    );
    for timing in [
        FormTiming::Missing,
        FormTiming::Invalid,
        FormTiming::Replayed,
    ] {
        c.timing = timing;
        assert_eq!(rule_ids(&c.judge(&rules)), ["spam.form_token"]);
    }

    let v = verdict("Cheap housing help: https://rank1-housing-deals.xyz/offer");
    assert_eq!(v.action, Action::Reject);
    assert_eq!(rule_ids(&v)[0], "spam.blocked_domain");
    let v = verdict("Asylum housing advice for London councils: https://bit.ly/3xYz");
    assert_eq!(
        (v.action, rule_ids(&v)),
        (Action::Hold, vec!["spam.shortener"])
    );
    let v = verdict(
        "On asylum housing see https://www.refugeecouncil.org.uk and https://www.shelter.org.uk",
    );
    assert_eq!((v.action, rule_ids(&v)), (Action::Hold, vec!["spam.links"]));
    let v = verdict("The council's own guide to asylum housing: https://www.gov.uk/housing");
    assert_eq!(v.action, Action::Publish);
    let v = verdict(
        "Learn English FAST! Online classes from £5, use code LONDON20 for 20% off. WhatsApp +44 7700 900123.",
    );
    assert_eq!(v.action, Action::Reject);
    assert!(
        rule_ids(&v).contains(&"civility.advert"),
        "{:?}",
        rule_ids(&v)
    );
    let v = verdict("THE HOME OFFICE MUST STOP MOVING REFUGEES BETWEEN HOTELS IN LONDON NOW");
    assert_eq!(rule_ids(&v), ["spam.shouting"]);
}

#[test]
fn impersonation_through_the_name_field() {
    let rules = rules();
    for author in [
        "Admin",
        "Moderator",
        "MRN Team",
        "Migrants' Rights Network",
        "Alex Editor",
        "ＡＤＭＩＮ",
    ] {
        let mut c = Case::body("Comments on the housing post are now closed for refugees.");
        c.author = author;
        let v = c.judge(&rules);
        assert_eq!(v.action, Action::Hold, "{author} → {:?}", rule_ids(&v));
    }
}

#[test]
fn off_topic_is_held_and_short_or_foreign_comments_are_not() {
    let rules = rules();
    let v = verdict("Anyone recommend a good recipe for banana bread that doesn't use eggs?");
    assert_eq!(
        (v.action, rule_ids(&v)),
        (Action::Hold, vec!["relevance.off_topic"])
    );
    for body in [
        "Thank you for this.",
        "Dziękuję za ten artykuł. Moja mama czeka na miejsce na kursie angielskiego w Ealing.",
        "شكراً على هذا المقال. وصلت عائلتي من سوريا عام ٢٠١٦",
    ] {
        assert_eq!(verdict(body).action, Action::Publish, "{body}");
    }
    let mut reply =
        Case::body("Ring them in August because places in the evening groups go within a week.");
    reply.parent = Some("Are there any evening ESOL groups in Croydon? My husband works days.");
    assert_eq!(
        reply.judge(&rules).action,
        Action::Publish,
        "a reply is judged against its parent too"
    );
}

fn prior(email: &str, ip: &str, body: &str, age: i64) -> Prior {
    named_prior(email, ip, "Someone Else", body, age)
}

fn named_prior(email: &str, ip: &str, author: &str, body: &str, age: i64) -> Prior {
    Prior {
        identity: Identity::new(email, ip.parse().ok(), 24, 64),
        author: author.to_owned(),
        age_seconds: age,
        fingerprint: Fingerprint::of(body),
        action: Action::Publish,
    }
}

/// The volume hit's evidence (what moderators see).
fn volume_evidence<'v>(v: &'v Verdict, rule: &str) -> &'v str {
    v.hits
        .iter()
        .find(|h| h.rule == rule)
        .and_then(|h| h.evidence.as_ref())
        .map_or("", |e| e.text.as_str())
}

const STRANGERS: [&str; 6] = [
    "Priya Shah",
    "Tom",
    "Anonymous",
    "Sam",
    "Sam Rogers",
    "J. Okafor",
];

#[test]
fn strangers_on_one_network_are_not_one_person() {
    let rules = rules();
    let mut c =
        Case::body("Another point on housing for refugees leaving asylum hotels in London.");
    // Six other people in one office: the same /24, one of them the very same address,
    // one also called Sam; each wrote their own comment.
    c.prior = STRANGERS
        .iter()
        .enumerate()
        .map(|(i, name)| {
            named_prior(
                &format!("colleague{i}@example.net"),
                if i == 0 { "192.0.2.10" } else { "192.0.2.77" },
                name,
                &format!("My own view number {i}: councils need more notice about refugees."),
                3600,
            )
        })
        .collect();
    let v = c.judge(&rules);
    assert_eq!(v.action, Action::Publish, "{:?}", rule_ids(&v));
}

#[test]
fn one_e_mail_over_the_limit_is_held_from_any_network() {
    let rules = rules();
    let mut c =
        Case::body("Another point on housing for refugees leaving asylum hotels in London.");
    c.prior = (0..4)
        .map(|i| {
            prior(
                "SAM+x@example.org",
                "198.51.100.1",
                &format!("point {i}"),
                60,
            )
        })
        .collect();
    assert_eq!(c.judge(&rules).action, Action::Publish, "the 5th is fine");
    c.prior
        .push(prior("sam@example.org", "203.0.113.9", "point 5", 60));
    let v = c.judge(&rules);
    assert_eq!(rule_ids(&v), ["volume.person"], "the 6th, by e-mail");
    assert_eq!(
        volume_evidence(&v, "volume.person"),
        "comment 6 from this person on this post within 24 hours; linked by: same e-mail (5)"
    );
    c.prior.iter_mut().for_each(|p| p.age_seconds = 25 * 3600);
    assert_eq!(
        c.judge(&rules).action,
        Action::Publish,
        "outside the 24-hour window"
    );
    c.prior.iter_mut().for_each(|p| p.age_seconds = 60);
    c.standing = Standing::Trusted;
    assert_eq!(
        c.judge(&rules).action,
        Action::Publish,
        "trusted commenters skip soft rules"
    );
}

#[test]
fn similar_names_on_one_network_are_one_person() {
    let rules = rules();
    let mut c =
        Case::body("Another point on housing for refugees leaving asylum hotels in London.");
    c.prior = ["S. Reader", "Sam R", "SR", "sam reader", "Reader, Sam"]
        .iter()
        .enumerate()
        .map(|(i, name)| {
            named_prior(
                &format!("sr{i}@example.net"),
                &format!("192.0.2.{}", 50 + i),
                name,
                &format!("housing point {i}"),
                3600,
            )
        })
        .collect();
    let v = c.judge(&rules);
    assert_eq!(
        (v.action, rule_ids(&v)),
        (Action::Hold, vec!["volume.person"])
    );
    let evidence = volume_evidence(&v, "volume.person");
    assert!(
        evidence.contains("similar name ‘S. Reader’ on 192.0.2.0/24"),
        "{evidence}"
    );
    // The same names from another network are not corroborated by a network.
    for p in &mut c.prior {
        p.identity.network = "198.51.100.0/24".into();
    }
    assert_eq!(c.judge(&rules).action, Action::Publish);
}

#[test]
fn near_duplicate_text_on_one_network_is_one_person() {
    let rules = rules();
    let body = "Councils must be told the day asylum is granted, or refugees leaving hotels in London end up homeless.";
    let mut c = Case::body(body);
    // Two hours ago: outside the flood rule's hour, inside the volume rule's day.
    c.prior = (0..5)
        .map(|i| {
            named_prior(
                &format!("copy{i}@example.net"),
                &format!("192.0.2.{}", 100 + i),
                &format!("Writer {i}"),
                &format!("{body} Please{}", "!".repeat(i)),
                7200,
            )
        })
        .collect();
    let v = c.judge(&rules);
    assert_eq!(rule_ids(&v), ["volume.person"]);
    assert!(
        volume_evidence(&v, "volume.person")
            .ends_with("linked by: near-duplicate text on 192.0.2.0/24 (5)")
    );
    for p in &mut c.prior {
        p.identity.network = "203.0.113.0/24".into();
    }
    assert_eq!(
        c.judge(&rules).action,
        Action::Publish,
        "the same text from other networks is the flood rule's business"
    );
}

#[test]
fn a_group_cluster_needs_corroboration() {
    let rules = rules();
    let mut c = Case::body("More on refugees leaving asylum hotels in London for council housing.");
    // sam's address used from a second network, where nine other people post too.
    c.prior = vec![named_prior(
        "sam@example.org",
        "198.51.100.7",
        "Sam Reader",
        "a",
        7200,
    )];
    c.prior.extend((0..9).map(|i| {
        named_prior(
            &format!("friend{i}@example.net"),
            "198.51.100.20",
            &format!("Friend {i}"),
            &format!("b{i}"),
            7200,
        )
    }));
    let v = c.judge(&rules);
    assert_eq!(
        v.action,
        Action::Publish,
        "a shared network joins nobody to the cluster: {:?}",
        rule_ids(&v)
    );
    // Now they are linked, comment to comment: one "S. Reader" (a similar name to sam's
    // comment there), and eight copies of that one's campaign text.
    let campaign = "Write to your MP today: councils need notice before refugees are evicted from asylum hotels.";
    c.prior[1] = named_prior(
        "friend0@example.net",
        "198.51.100.20",
        "S. Reader",
        campaign,
        7200,
    );
    for (i, p) in c.prior.iter_mut().enumerate().skip(2) {
        *p = named_prior(
            &format!("friend{i}@example.net"),
            "198.51.100.20",
            &format!("Friend {i}"),
            &format!("{campaign} #{i}"),
            7200,
        );
    }
    let v = c.judge(&rules);
    assert_eq!(
        rule_ids(&v),
        ["volume.group"],
        "the cluster holds, the person (2 linked comments) does not"
    );
    let evidence = volume_evidence(&v, "volume.group");
    assert!(
        evidence.contains("same e-mail")
            && evidence.contains("similar name ‘S. Reader’ on 198.51.100.0/24")
            && evidence.contains("near-duplicate text on 198.51.100.0/24 (8)"),
        "{evidence}"
    );
}

#[test]
fn volume_reasons_never_name_or_count_other_commenters() {
    let rules = rules();
    for rule in rules.rules().iter().filter(|r| r.id.starts_with("volume.")) {
        let reason = rule.reason.to_lowercase();
        assert!(
            !reason.chars().any(|c| c.is_ascii_digit())
                && !reason.contains("group")
                && !reason.contains("network")
                && !reason.contains("you have already"),
            "{}: {reason}",
            rule.id
        );
    }
}

#[test]
fn the_fifth_near_duplicate_closes_the_thread() {
    let rules = rules();
    let campaign = "Stop NHS charging now! Nobody should be too frightened to see a doctor. End data sharing with the Home Office. #PatientsNotPassports";
    let mut c = Case::body(
        "stop nhs charging NOW. nobody should be too scared to see a doctor. End data sharing with the Home Office!",
    );
    c.prior = (0..3)
        .map(|i| {
            prior(
                &format!("p{i}@example.net"),
                &format!("203.0.{i}.1"),
                campaign,
                600,
            )
        })
        .collect();
    let v = c.judge(&rules);
    assert!(
        !v.close_thread && v.action == Action::Publish,
        "the 4th is judged on its merits"
    );
    c.prior
        .push(prior("p9@example.net", "203.0.9.1", campaign, 600));
    let v = c.judge(&rules);
    assert!(v.close_thread);
    assert_eq!((v.action, v.hits[0].house_rule.number()), (Action::Hold, 5));
    c.prior.iter_mut().for_each(|p| p.age_seconds = 7200);
    assert!(!c.judge(&rules).close_thread, "outside the hour");
    let mut later = Case::body("A different comment about asylum housing in London.");
    later.closed = true;
    assert_eq!(rule_ids(&later.judge(&rules)), ["flood.thread_closed"]);
}

#[test]
fn trusted_commenters_still_meet_the_hard_rules_and_banned_ones_are_rejected() {
    let rules = rules();
    let mut c = Case::body("The housing officer is a fucking disgrace.");
    c.standing = Standing::Trusted;
    assert_eq!(c.judge(&rules).action, Action::Reject);
    let mut c = Case::body("A polite comment on asylum housing in London.");
    c.standing = Standing::Banned;
    assert_eq!(rule_ids(&c.judge(&rules)), ["standing.banned"]);
}

#[test]
fn verdicts_explain_themselves() {
    let v = verdict("What a load of shit this housing policy is.");
    let hit = &v.hits[0];
    assert_eq!(hit.rule, "civility.swearing");
    assert_eq!(hit.house_rule, 1);
    assert!(!hit.summary.is_empty() && !hit.reason.is_empty());
    assert_eq!(hit.evidence.as_ref().map(|e| e.text.as_str()), Some("shit"));
    assert!(v.engine_version.starts_with("2026."));
    assert!(v.score >= 10.0);
}

#[test]
fn hostile_input_never_panics() {
    let rules = rules();
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/badinput/blns.txt"
    );
    let blns = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    for line in blns.lines().chain([
        "",
        "\u{0}",
        "*",
        "* * *",
        "f * * *",
        "@@@",
        "1 1 1 1",
        "ǅ\u{301}\u{302}",
    ]) {
        let v = Case::body(line).judge(&rules);
        for h in &v.hits {
            if let Some(e) = &h.evidence
                && e.field == Field::Body
            {
                assert!(line.get(e.start..e.end).is_some(), "{line:?}");
            }
        }
    }
}

#[test]
fn hostile_names_never_panic_the_volume_rules() {
    let rules = rules();
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/badinput/blns.txt"
    );
    let blns = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let names: Vec<&str> = blns.lines().chain(["", "MH", "M.", "ǅ\u{301}"]).collect();
    for chunk in names.chunks(10) {
        let mut c =
            Case::body("Another point on housing for refugees leaving asylum hotels in London.");
        c.author = chunk[0];
        c.prior = chunk
            .iter()
            .enumerate()
            .map(|(i, name)| named_prior(&format!("h{i}@example.net"), "192.0.2.1", name, name, 60))
            .collect();
        let _ = c.judge(&rules);
    }
}

/// A rule set with one hold-level word rule and a model that reads "vermin" as abuse.
fn with_model(model_action: &str) -> RuleSet {
    with_model_and(model_action, "")
}

/// [`with_model`] with more keys for the model rule.
fn with_model_and(model_action: &str, model_keys: &str) -> RuleSet {
    use super::model::{FeatureSettings, Model};
    let features = FeatureSettings {
        buckets: 1 << 16,
        ..FeatureSettings::default()
    };
    let mut weights = vec![0.0; features.buckets as usize];
    for b in features.extract(" vermin ").buckets {
        weights[b as usize] = 8.0;
    }
    let manifest = super::model::Manifest {
        bias: -3.0,
        ..super::model::test_manifest(features)
    };
    let (manifest, weights) = Model::new(manifest, weights).to_files();
    let toml = format!(
        r#"
[engine]
version = "t"

[[rule]]
id = "civility.word"
house_rule = 1
kind = "words"
lists = ["lists/vile.txt"]
fields = ["body", "author"]
action = "hold"
summary = "A vile word."
reason = "it uses a vile word."

[[rule]]
id = "civility.model"
house_rule = 1
kind = "model"
model = "models/t.model"
hold_at = 0.5
reject_at = 0.9
action = "{model_action}"
summary = "The model reads it as abuse."
reason = "it reads as abusive."
{model_keys}
"#
    );
    let file = |name: &str, text: String| SourceFile {
        name: name.into(),
        text,
    };
    RuleSet::compile(&[
        file("house-rules.toml", toml),
        file("lists/vile.txt", "vile\n".into()),
        file("models/t.model", manifest),
        file("models/t.weights", weights),
    ])
    .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn a_model_holds_alone_and_rejects_only_beside_a_rule_with_evidence_in_the_comment() {
    let rules = with_model("reject");
    let v = Case::body("They are vermin, all of them.").judge(&rules);
    assert_eq!(
        (v.action, rule_ids(&v)),
        (Action::Hold, vec!["civility.model"])
    );
    let evidence = v.hits[0].evidence.as_ref().expect("evidence");
    assert_eq!(evidence.text, "vermin");
    assert!(
        v.hits[0].summary.contains("“vermin”"),
        "{}",
        v.hits[0].summary
    );
    assert!(
        v.hits[0].summary.contains("holds at 0.50"),
        "{}",
        v.hits[0].summary
    );

    let v = Case::body("They are vile vermin, all of them.").judge(&rules);
    assert_eq!(v.action, Action::Reject, "{:?}", rule_ids(&v));
    assert_eq!(
        v.deciding_hit().map(|h| h.rule.as_str()),
        Some("civility.model")
    );

    // Evidence in the name field does not count: the comment itself must show it.
    let mut c = Case::body("They are vermin, all of them.");
    c.author = "vile";
    assert_eq!(c.judge(&rules).action, Action::Hold);

    assert_eq!(
        Case::body("They are neighbours, all of them.")
            .judge(&rules)
            .action,
        Action::Publish
    );
}

#[test]
fn a_hostile_sentence_in_a_long_civil_comment_is_read_in_its_sentence_group() {
    let civil = "The council should publish its figures on housing support each quarter. ";
    let body = format!("{}They are vermin. {}", civil.repeat(20), civil.repeat(20));
    let whole = Case::body(&body).judge(&with_model("hold"));
    assert_eq!(
        whole.action,
        Action::Publish,
        "diluted by the whole comment"
    );
    let grouped = Case::body(&body).judge(&with_model_and("hold", "sentence_group = 15"));
    assert_eq!(grouped.action, Action::Hold, "{:?}", rule_ids(&grouped));
    let evidence = grouped.hits[0].evidence.as_ref().expect("evidence");
    assert_eq!(evidence.text, "vermin");
    assert!(
        grouped.hits[0]
            .summary
            .contains("for the sentences around its strongest word"),
        "{}",
        grouped.hits[0].summary
    );
    // A short comment is one group: the same score either way.
    let short = Case::body("They are neighbours, all of them.");
    assert_eq!(
        short
            .judge(&with_model_and("hold", "sentence_group = 15"))
            .action,
        Action::Publish
    );
    let e = RuleSet::compile(&[SourceFile {
        name: "house-rules.toml".into(),
        text: "[engine]\nversion = \"t\"\n\n[[rule]]\nid = \"m\"\nhouse_rule = 1\nkind = \"model\"\nmodel = \"models/t.model\"\nhold_at = 0.5\nreject_at = 0.9\nsentence_group = 1\naction = \"hold\"\nsummary = \"s\"\nreason = \"r\"\n".into(),
    }])
    .expect_err("a group of one word is refused");
    assert!(e.to_string().contains("sentence_group"), "{e}");
}

#[test]
fn a_model_whose_action_is_publish_only_notes() {
    let rules = with_model("publish");
    let v = Case::body("They are vile vermin, all of them.").judge(&rules);
    assert_eq!(v.action, Action::Hold, "the word rule still holds");
    let model = v
        .hits
        .iter()
        .find(|h| h.rule == "civility.model")
        .expect("noted");
    assert_eq!(model.action, Action::Publish);
    let v = Case::body("They are vermin.").judge(&rules);
    assert_eq!(v.action, Action::Publish);
    assert_eq!(rule_ids(&v), ["civility.model"]);
}

#[test]
fn a_missing_or_damaged_model_is_refused_naming_its_file() {
    let toml = "[engine]\nversion = \"t\"\n\n[[rule]]\nid = \"m\"\nhouse_rule = 1\nkind = \"model\"\nmodel = \"models/gone.model\"\nhold_at = 0.5\nreject_at = 0.9\naction = \"hold\"\nsummary = \"s\"\nreason = \"r\"\n";
    let e = RuleSet::compile(&[SourceFile {
        name: "house-rules.toml".into(),
        text: toml.into(),
    }])
    .unwrap_err();
    assert_eq!(e.file, "models/gone.model");
    assert!(e.message.contains("not found"), "{e}");
    let e = RuleSet::compile(&[
        SourceFile {
            name: "house-rules.toml".into(),
            text: toml.into(),
        },
        SourceFile {
            name: "models/gone.model".into(),
            text: "weights = \"gone.weights\"\nformat = 1\n".into(),
        },
        SourceFile {
            name: "models/gone.weights".into(),
            text: "AAAA\n".into(),
        },
    ])
    .unwrap_err();
    assert_eq!(e.file, "models/gone.model");
    assert!(e.message.contains("not a model manifest"), "{e}");
}

#[test]
fn the_shipped_models_tables_and_their_bank_fit_in_32_mb() {
    let rules = rules();
    let bytes: usize = rules
        .rules()
        .iter()
        .filter_map(|r| match &r.check {
            super::rules::Check::Model(kind) => Some(kind.model.table_bytes()),
            _ => None,
        })
        .sum::<usize>()
        + rules.bank.as_ref().map_or(0, |b| b.table_bytes());
    assert!(bytes > 0, "the shipped rules have models");
    assert!(bytes <= 32 << 20, "{bytes} bytes");
}

#[test]
fn a_live_case_is_held_and_one_that_is_over_is_not() {
    let live = verdict(
        "The trial at Snaresbrook Crown Court starts on Monday and he is obviously guilty.",
    );
    assert_eq!(live.action, Action::Hold, "{:?}", rule_ids(&live));
    assert!(rule_ids(&live).contains(&"legal.sub_judice"));
    let over = verdict(
        "The landlord was convicted at Southwark Crown Court last year and fined for the overcrowding.",
    );
    assert!(
        !rule_ids(&over).contains(&"legal.sub_judice"),
        "{:?}",
        rule_ids(&over)
    );
}

#[test]
fn the_models_read_a_body_without_its_trusted_links() {
    let rules = rules();
    let body = "Register with a GP: https://www.nhs.uk/nhs-services/gps/ and https://cheap-pills.example.top/buy";
    let seen = engine::model_view(&rules, body).words.text;
    assert!(!seen.contains("nhs"), "{seen}");
    assert!(
        seen.contains("register") && seen.contains("pills"),
        "{seen}"
    );
    assert_eq!(
        engine::model_view(&rules, "no links here").words.text,
        normalize::fold("no links here").words.text
    );
}

/// Decided comments `days` ago each; `rejected` of them (the most recent) rejected.
fn decided(ages_days: &[i64], rejected: usize) -> Vec<Decided> {
    ages_days
        .iter()
        .enumerate()
        .map(|(i, d)| Decided {
            age_seconds: d * 86_400,
            rejected: i < rejected,
        })
        .collect()
}

const CIVIL: &str = "A polite comment on asylum housing in London and the move-on period.";

#[test]
fn the_newcomer_rule_is_off_as_shipped_and_holds_until_enough_are_published() {
    let mut c = Case::body(CIVIL);
    c.history = Some((0, Vec::new()));
    assert_eq!(c.judge(&rules()).action, Action::Publish, "off as shipped");

    let files: Vec<SourceFile> = shipped::shipped()
        .into_iter()
        .map(|mut f| {
            if f.name == "house-rules.toml" {
                f.text = f.text.replace("until_approved = 0", "until_approved = 2");
            }
            f
        })
        .collect();
    let on = RuleSet::compile(&files).unwrap_or_else(|e| panic!("{e}"));
    let v = c.judge(&on);
    assert_eq!(v.action, Action::Hold);
    let hit = &v.hits[0];
    assert_eq!(hit.rule, "history.newcomer");
    assert_eq!(hit.house_rule, 1);
    assert!(hit.reason.contains("new to this site"), "{}", hit.reason);
    assert_eq!(
        hit.evidence.as_ref().map(|e| (e.field, e.text.as_str())),
        Some((
            Field::Context,
            "0 of their comments published so far; comments are held until 2 are"
        ))
    );
    c.history = Some((1, Vec::new()));
    assert_eq!(c.judge(&on).action, Action::Hold, "one of two");
    c.history = Some((2, Vec::new()));
    assert_eq!(c.judge(&on).action, Action::Publish, "two published");
    c.history = None;
    assert_eq!(c.judge(&on).action, Action::Publish, "an unknown history");
    c.history = Some((0, Vec::new()));
    c.standing = Standing::Trusted;
    assert_eq!(c.judge(&on).action, Action::Publish, "trusted");
}

#[test]
fn the_rejections_rule_holds_half_or_more_of_at_least_three_recent_decided_comments() {
    let rules = rules();
    assert_eq!(rules.limits().history_seconds, 90 * 86_400);
    let mut c = Case::body(CIVIL);
    for (published, recent, action, why) in [
        (1, decided(&[1, 2, 3], 2), Action::Hold, "2 of 3 rejected"),
        (2, decided(&[1, 2, 3, 4], 2), Action::Hold, "half of 4"),
        (2, decided(&[1, 2, 3], 1), Action::Publish, "1 of 3"),
        (0, decided(&[1, 2], 2), Action::Publish, "only 2 decided"),
        (
            1,
            decided(&[1, 2, 200], 2),
            Action::Publish,
            "the third is too old",
        ),
        (
            1,
            decided(&[100, 120, 130], 3),
            Action::Publish,
            "all too old",
        ),
    ] {
        c.history = Some((published, recent));
        let v = c.judge(&rules);
        assert_eq!(v.action, action, "{why}: {:?}", rule_ids(&v));
        if action == Action::Hold {
            assert_eq!(rule_ids(&v), ["history.rejections"], "{why}");
        }
    }
    c.history = Some((1, decided(&[1, 2, 3], 2)));
    let v = c.judge(&rules);
    assert!(
        v.hits[0]
            .reason
            .contains("recent comments were not published")
    );
    assert_eq!(
        v.hits[0].evidence.as_ref().map(|e| e.text.as_str()),
        Some("2 of their 3 comments decided in the last 90 days were rejected")
    );
    c.standing = Standing::Trusted;
    assert_eq!(c.judge(&rules).action, Action::Publish, "trusted");
    c.standing = Standing::Normal;
    c.history = None;
    assert_eq!(
        c.judge(&rules).action,
        Action::Publish,
        "an unknown history"
    );
}

#[test]
fn the_history_kinds_check_their_keys() {
    let rule = |keys: &str| {
        let toml = format!(
            "[engine]\nversion = \"t\"\n\n[[rule]]\nid = \"h\"\nhouse_rule = 1\n{keys}\naction = \"hold\"\nsummary = \"s\"\nreason = \"r\"\n"
        );
        RuleSet::compile(&[SourceFile {
            name: "house-rules.toml".into(),
            text: toml,
        }])
        .map(|_| ())
        .map_err(|e| e.to_string())
    };
    assert_eq!(rule("kind = \"newcomer\"\nuntil_approved = 3"), Ok(()));
    let missing = rule("kind = \"newcomer\"").unwrap_err();
    assert!(missing.contains("needs `until_approved`"), "{missing}");
    let negative = rule("kind = \"newcomer\"\nuntil_approved = -1").unwrap_err();
    assert!(negative.starts_with("house-rules.toml:"), "{negative}");
    let ok = "kind = \"rejected_share\"\nshare = 0.5\nmin_decided = 3\nrecent_days = 90";
    assert_eq!(rule(ok), Ok(()));
    for (from, to, says) in [
        (
            "share = 0.5",
            "share = 1.5",
            "share must be above 0 and at most 1",
        ),
        (
            "min_decided = 3",
            "min_decided = 0",
            "min_decided must be at least 1",
        ),
        (
            "recent_days = 90",
            "recent_days = 0",
            "recent_days must be above 0",
        ),
        ("recent_days = 90", "", "needs `recent_days`"),
    ] {
        let e = rule(&ok.replace(from, to)).unwrap_err();
        assert!(e.contains(says) && e.contains("rule `h`"), "{to}: {e}");
    }
}
