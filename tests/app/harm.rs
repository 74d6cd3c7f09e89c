//! The harm classes that word lists alone let through, over HTTP on both backends: each
//! is held or rejected under its house rule with a reason the commenter can read, and a
//! civil comment on the same post, or one that quotes a stereotype to dispute it, is
//! published.

use serde_json::Value;
use townhall::storage::comments as stored;

use crate::both_backends;
use crate::comments::*;
use crate::support::*;

/// Sends `body` as a new reader; returns the JSON outcome.
fn outcome(app: &TestApp, slug: &str, id: i64, n: u32, name: Option<&str>, body: &str) -> Value {
    let token = csrf(app);
    let mut who = reader(n);
    if let Some(name) = name {
        who.name = name.into();
    }
    let (status, v) = send_json(app, slug, id, &who, &token, &fields(&who, body));
    assert!(status == 201 || status == 422, "{status} {v}");
    v
}

both_backends! {
    settings = comment_settings;

    fn each_class_of_harm_is_held_or_rejected_with_its_reason(app) {
        let (id, slug) = housing_post(&app);
        // (name, body, status, house rule, a rule that fired)
        let cases = [
            (None, "Someone should torch that asylum hostel on Mare Street tonight, petrol is cheap enough.", "rejected", 1, "harm.incitement"),
            (None, "These migrants are vermin crawling into our council flats and breeding.", "rejected", 1, "harm.dehumanising"),
            (None, "Fast UK visas, message me on t[.]me/fastvisa or see hxxps://visa-fast[.]top for prices.", "rejected", 3, "harm.spam_signals"),
            (None, "Councillor Brent Hale pocketed the housing grant money, everyone on the estate knows it.", "held", 2, "harm.allegation"),
            // No listed phrase: the allegation model alone holds it (a hold, never more).
            (None, "Councillor Ray Denby gave the Hackney housing repair contract to his brother-in-law's firm and nobody did any work.", "held", 2, "legal.allegation_model"),
            (Some("The Home Office"), "Applications for council housing in Hackney close on Friday.", "held", 1, "harm.impersonation_public"),
            // No listed word: the abuse model alone holds it (and never rejects alone).
            (None, "Nobody cares what a gormless, sour old hag like the author thinks about housing in Hackney.", "held", 1, "civility.abuse_model"),
            (None, "Shut up you stupid bitch, nobody asked you about housing in Hackney.", "rejected", 1, "civility.sexist_slur"),
            (None, "Refugees jump the housing queue in Hackney ahead of local families every single time.", "held", 1, "harm.implicit_hate"),
            // One hostile sentence in a long civil comment: read in its group of sentences.
            (None, "The housing list in Hackney is long and the council has sold off too much of its stock over the years. Families wait a decade for a flat. Honestly the lot of them in that hostel are filthy animals and I hope they rot. The council should build more homes instead of blaming people.", "held", 1, "civility.abuse_model"),
            // A slur reported to us, the speaker named after the quotation: held, never rejected.
            (None, "'Go home, you dirty Paki,' a man shouted at my mother outside the housing office in Hackney.", "held", 1, "civility.slur"),
        ];
        for (n, (name, body, status, rule, fired)) in cases.into_iter().enumerate() {
            let v = outcome(&app, &slug, id, 60 + n as u32, name, body);
            let stored = stored::find(&mut app.db(), v["id"].as_i64().expect("an id"))
                .expect("query")
                .expect("every submission is stored");
            assert_eq!(stored.body, body);
            assert_eq!(v["status"], status, "{body}: {v}");
            assert_eq!(v["house_rule"], rule, "{body}: {v}");
            assert!(rules_fired(&v).contains(&fired.to_string()), "{body}: {v}");
            let message = v["message"].as_str().unwrap_or_default();
            assert!(message.contains(&format!("house rule {rule}")) || status == "held", "{message}");
            assert!(!message.is_empty(), "{v}");
        }
        // Civil, and counter-speech that quotes a stereotype to dispute it: published.
        for (n, body) in [
            "The waiting list in Hackney is long because the council sold off its stock, not because of refugees.",
            "Not all refugees are criminals, and the families housed in Hackney prove it every day.",
            // Criticism of a named councillor's public plan, not an allegation: published.
            "Councillor Ray Denby's plan for Hackney housing is badly thought through and will leave families waiting even longer.",
        ]
        .into_iter()
        .enumerate()
        {
            let v = outcome(&app, &slug, id, 90 + n as u32, None, body);
            assert_eq!(v["status"], "published", "{body}: {v}");
        }
    }
}
