//! Appeals and honesty: a rejected commenter asks for a review from the signed link they
//! were shown, moderators answer in the queue's Appeals tab and the answer is e-mailed
//! (over real SMTP); forged tokens and second requests are refused; a moderator's edit
//! is shown publicly and its approval e-mail does not quote the edited text as theirs;
//! a comment sent to a closed post is kept on the 409 page with the closing note.

use townhall::config::Settings;
use townhall::storage::appeals as stored_appeals;
use townhall::storage::moderation as records;

use crate::both_backends;
use crate::comments::*;
use crate::mail::{Received, SmtpSink, mail_settings, mailer, now, tick};
use crate::queue::{audit_actions, events, held, staff, status_of};
use crate::support::*;

/// A comment the engine rejects under house rule 1.
pub(crate) const RUDE: &str =
    "Oh fuck you, the housing waiting list in Hackney is not the council's fault.";
/// What Sam says when asking for a review.
pub(crate) const EXPLANATION: &str =
    "I was swearing at the waiting list, not at anyone here. Please read it again.";
/// Shown when someone asks a second time.
const ALREADY_ASKED: &str = "You have already asked for a review of this comment. A moderator looks at each request once; if you left your e-mail address, the decision is sent to it.";

/// The mail apps, allowing two review requests a day per commenter.
fn appeal_settings(s: &mut Settings) {
    mail_settings(s);
    s.appeals_per_day = 2;
}

fn sam() -> Reader {
    Reader {
        name: "Sam".into(),
        email: "sam@example.org".into(),
        ip: "203.0.113.5".into(),
    }
}

/// Sends `body` from the form as a browser would; it must be rejected. Returns the
/// comment's review link as the page offers it.
pub(crate) fn rejected_by_form(
    app: &TestApp,
    slug: &str,
    post_id: i64,
    who: &Reader,
    body: &str,
) -> String {
    let sent = send(
        app,
        slug,
        post_id,
        &who.ip,
        &csrf(app),
        &fields(who, body),
        false,
    );
    assert_eq!(sent.status, 422, "{}", sent.body);
    assert!(
        sent.text(".appeal-offer")
            .contains("ask a moderator to review it"),
        "{}",
        sent.body
    );
    let link = sent.attrs(".appeal-offer a", "href");
    assert_eq!(link.len(), 1, "one review link: {}", sent.body);
    link[0].clone()
}

/// The token in a review link.
fn token_of(link: &str) -> &str {
    link.split_once("token=").map_or("", |p| p.1)
}

/// Asks for a review from `link` in `reader`'s browser (with this browser's CSRF token,
/// whether or not the page still shows the form).
pub(crate) fn ask(reader: &Browser, link: &str, explanation: &str) -> Page {
    let csrf = reader.get("/login").csrf();
    reader.post(
        "/appeal",
        &[
            ("token", token_of(link)),
            ("explanation", explanation),
            ("csrf_token", &csrf),
        ],
    )
}

fn appeal_count(app: &TestApp, comment_id: i64) -> usize {
    usize::from(
        stored_appeals::for_comment(&mut app.db(), comment_id)
            .expect("query")
            .is_some(),
    )
}

/// The messages sent to `to` after the first `skip`.
fn mail_to(sink: &SmtpSink, skip: usize, to: &str) -> Vec<Received> {
    sink.messages()
        .into_iter()
        .skip(skip)
        .filter(|m| m.rcpt == [to])
        .collect()
}

both_backends! {
    settings = appeal_settings;

    fn a_rejected_comment_is_appealed_and_published_with_one_e_mail_back(app) {
        let sink = SmtpSink::start();
        let mailer = mailer(&app, Some(&sink));
        let (id, slug) = housing_post(&app);
        let link = rejected_by_form(&app, &slug, id, &sam(), RUDE);
        assert!(link.starts_with("/appeal?token="), "{link}");

        // Sam's review page: the text, the rule and its reason, and the form.
        let reader = app.browser();
        let page = reader.get(&link);
        assert_eq!(page.status, 200, "{}", page.body);
        assert_eq!(page.text(".appeal-comment"), RUDE);
        let why = page.text(".appeal-why");
        assert!(why.starts_with("It breaks house rule 1: "), "{why}");
        assert_eq!(page.attrs("form.appeal-ask-form input[name=csrf_token]", "value").len(), 1);
        // Without the form's token, nothing is recorded.
        let forged = reader.post("/appeal", &[("token", token_of(&link)), ("explanation", EXPLANATION)]);
        assert_eq!(forged.status, 403);
        // An empty explanation is refused beside the field.
        let empty = ask(&reader, &link, "   ");
        assert_eq!(empty.status, 422, "{}", empty.body);
        assert_eq!(empty.text("#explanation-error"), "Please say why you think your comment should be published.");
        assert!(stored_appeals::open(&mut app.db(), 10).expect("open").is_empty(), "nothing recorded yet");

        let asked = ask(&reader, &link, EXPLANATION);
        assert_eq!(asked.status, 303, "{}", asked.body);
        assert_eq!(asked.location(), link);
        let page = reader.get(&link);
        assert!(page.text(".appeal-status").starts_with("You asked for a review on "), "{}", page.body);
        assert_eq!(page.text(".appeal-explanation"), EXPLANATION);
        assert!(page.attrs("form.appeal-ask-form", "action").is_empty(), "no second form");

        // A second request is refused, saying why, and the first is kept as it was.
        let again = ask(&reader, &link, "Please, again.");
        assert_eq!(again.status, 409, "{}", again.body);
        assert_eq!(again.text(".appeal-refusal"), ALREADY_ASKED);
        let open = stored_appeals::open(&mut app.db(), 10).expect("open");
        assert_eq!(open.len(), 1);
        assert_eq!(open[0].explanation, EXPLANATION);
        let comment = open[0].comment_id;

        // In the Appeals tab: the verdict with its evidence, the history, and the appeal.
        let m = staff(&app, "moderator", 1);
        let tab = m.get("/admin/queue?tab=appeals");
        assert_eq!(tab.status, 200, "{}", tab.body);
        assert_eq!(tab.attrs(".queue-tabs a[aria-current=page]", "href"), ["/admin/queue?tab=appeals"]);
        assert_eq!(m.get("/admin/queue").text(".queue-tabs a[href='/admin/queue?tab=appeals']"), "Appeals (1)", "seen from every tab");
        let item = format!("#appeal-{}", open[0].id);
        assert_eq!(tab.text(&format!("{item} .queue-body")), RUDE);
        assert!(tab.texts(&format!("{item} .queue-hits code")).iter().any(|r| r.starts_with("civility.")), "{}", tab.body);
        assert!(tab.text(&format!("{item} mark")).to_lowercase().contains("fuck"), "the evidence is marked: {}", tab.body);
        assert!(tab.text(&format!("{item} .appeal-verdict")).contains("automatic verdict: reject"), "{}", tab.body);
        assert_eq!(tab.text(&format!("{item} .appeal-explanation")), format!("Their explanation: {EXPLANATION}"));
        assert_eq!(tab.attrs(&format!("{item} select[name=rule] option[selected]"), "value"), ["1"], "the rule it was rejected under");
        assert!(tab.texts(".queue-item").len() == 1, "only the appeal is listed");
        // The comment's own staff page shows the request too.
        let staff_page = m.get(&format!("/admin/comments/{comment}"));
        assert!(staff_page.text(".comment-appeal").contains("waiting in the Appeals tab"), "{}", staff_page.body);
        assert_eq!(staff_page.text(".comment-appeal .appeal-explanation"), EXPLANATION);

        let before = sink.messages().len();
        let decided = m.submit("/admin/queue?tab=appeals", &format!("/admin/appeals/{}", open[0].id), &[("outcome", "publish"), ("note", "Fair enough: it is aimed at the list.")]);
        assert_eq!(decided.status, 303, "{}", decided.body);
        assert_eq!(decided.location(), "/admin/queue?tab=appeals&done=appeal-published");
        assert_eq!(status_of(&app, comment), "published");
        assert_eq!(events(&app, comment), ["approve"], "the queue's own decision");
        let audit = audit_actions(&app);
        assert_eq!(audit[..2], ["appeal.published", "comment.approve"], "{audit:?}");
        let tab = m.get(decided.location());
        assert_eq!(tab.text(".notice-ok"), "Appeal decided: the comment is published, and its writer is told.");
        assert_eq!(tab.text(".queue-empty"), "No appeals are waiting.");
        assert_eq!(tab.text(".queue-tabs a[aria-current=page]"), "Appeals");
        // Deciding it again changes nothing.
        let twice = m.submit("/admin/queue", &format!("/admin/appeals/{}", open[0].id), &[("outcome", "uphold"), ("rule", "1")]);
        assert_eq!(twice.status, 409, "{}", twice.body);
        assert_eq!(status_of(&app, comment), "published");

        // One message back to Sam: the review's answer, not a second approval notice.
        tick(&app, &mailer, "w", now());
        let to_sam = mail_to(&sink, before, "sam@example.org");
        assert_eq!(to_sam.len(), 1, "{to_sam:?}");
        assert_eq!(to_sam[0].subject(), "[Townhall] Your comment on \"Council housing waiting lists in Hackney\" is published after review");
        assert_eq!(to_sam[0].header("x-townhall-kind"), "appeal");
        assert!(to_sam[0].body.contains("> Fair enough: it is aimed at the list."), "{}", to_sam[0].body);
        assert!(to_sam[0].body.contains(&format!("{}/posts/{slug}#comment-{comment}", app.base)), "{}", to_sam[0].body);
        assert!(app.browser().get(&format!("/posts/{slug}")).text(&format!("#comment-{comment} .comment-text")).contains("waiting list"));
        assert!(reader.get(&link).text(".appeal-status").starts_with("This comment is published"), "{}", reader.get(&link).body);
    }

    fn an_upheld_rejection_is_mailed_back_and_cannot_be_appealed_again(app) {
        let sink = SmtpSink::start();
        let mailer = mailer(&app, Some(&sink));
        let (id, slug) = housing_post(&app);
        let who = sam();
        // The script-driven form gets the review link in its JSON answer.
        let (status, v) = send_json(&app, &slug, id, &who, &csrf(&app), &fields(&who, RUDE));
        assert_eq!(status, 422, "{v}");
        let comment = v["id"].as_i64().expect("an id");
        let link = v["appeal_url"].as_str().expect("a review link").to_owned();
        assert!(link.starts_with("/appeal?token="), "{v}");
        let reader = app.browser();
        assert_eq!(ask(&reader, &link, EXPLANATION).status, 303);
        let appeal = stored_appeals::for_comment(&mut app.db(), comment).expect("q").expect("an appeal");

        let m = staff(&app, "moderator", 1);
        let before = sink.messages().len();
        let decided = m.submit("/admin/queue?tab=appeals", &format!("/admin/appeals/{}", appeal.id), &[("outcome", "uphold"), ("rule", "1"), ("note", "Swearing at readers is not allowed.")]);
        assert_eq!(decided.status, 303, "{}", decided.body);
        assert_eq!(status_of(&app, comment), "rejected");
        assert_eq!(events(&app, comment), ["reject"]);
        let ev = records::events_of(&mut app.db(), comment).expect("events");
        assert_eq!(ev[0].0.house_rule, Some(1));
        assert_eq!(audit_actions(&app)[..2], ["appeal.upheld", "comment.reject"]);
        let row = stored_appeals::find(&mut app.db(), appeal.id).expect("q").expect("row");
        assert_eq!(row.outcome().map(|o| o.as_str()), Some("upheld"));
        assert!(row.decided_at.is_some() && row.decided_by.is_some());

        tick(&app, &mailer, "w", now());
        let to_sam = mail_to(&sink, before, "sam@example.org");
        assert_eq!(to_sam.len(), 1, "{to_sam:?}");
        assert!(to_sam[0].body.contains("so it stays unpublished"), "{}", to_sam[0].body);
        assert!(to_sam[0].body.contains("> Swearing at readers is not allowed."), "{}", to_sam[0].body);

        // The page says so; asking again is refused.
        let page = reader.get(&link);
        assert!(page.text(".appeal-status").contains("stays unpublished"), "{}", page.body);
        assert_eq!(page.text(".appeal-note"), "The moderator's note: Swearing at readers is not allowed.");
        let again = ask(&reader, &link, "Please look again.");
        assert_eq!(again.status, 409);
        assert_eq!(again.text(".appeal-refusal"), ALREADY_ASKED);
    }

    fn forged_or_borrowed_review_links_are_refused(app) {
        let (id, slug) = housing_post(&app);
        let link = rejected_by_form(&app, &slug, id, &sam(), RUDE);
        let token = token_of(&link).to_owned();
        let (comment, sig) = token.split_once('.').expect("id.signature");
        let comment: i64 = comment.parse().expect("an id");
        // Someone else's published comment: its writer's link is not Sam's to make.
        let other = publish(&app, &slug, id, &reader(2), HOUSING_COMMENTS[0], None);
        let reader = app.browser();
        for forged in [
            format!("{other}.{sig}"),
            format!("{comment}.{}", sig.replace(|c: char| c.is_ascii_alphabetic(), "A")),
            format!("0{comment}.{sig}"),
            "1.AAAA".to_owned(),
            String::new(),
        ] {
            let page = reader.get(&format!("/appeal?token={forged}"));
            assert_eq!(page.status, 400, "{forged}: {}", page.body);
            assert!(page.body.contains("This review link is not valid"), "{}", page.body);
            let csrf = reader.get(&link).csrf();
            let sent = reader.post("/appeal", &[("token", forged.as_str()), ("explanation", EXPLANATION), ("csrf_token", &csrf)]);
            assert_eq!(sent.status, 400, "{forged}: {}", sent.body);
        }
        assert_eq!(appeal_count(&app, comment) + appeal_count(&app, other), 0, "nothing recorded");

        // A published comment has nothing to review, and a held one is already waiting.
        let published = townhall::service::appeals::link(SECRET.as_bytes(), other);
        assert!(reader.get(&published).text(".appeal-status").starts_with("This comment is published"));
        assert_eq!(ask(&reader, &published, EXPLANATION).status, 409);
        let waiting = held(&app, &slug, id, &crate::comments::reader(3));
        let waiting_link = townhall::service::appeals::link(SECRET.as_bytes(), waiting);
        let refused = ask(&reader, &waiting_link, EXPLANATION);
        assert_eq!(refused.status, 409);
        assert_eq!(refused.text(".appeal-refusal"), "This comment is already waiting for a moderator to review it.");

        // Two requests a day per commenter here: the third waits, with the text kept.
        assert_eq!(ask(&reader, &link, EXPLANATION).status, 303);
        let second = rejected_by_form(&app, &slug, id, &sam(), "Fuck off, all of you, the housing list in Hackney is a joke.");
        assert_eq!(ask(&reader, &second, EXPLANATION).status, 303);
        let third = rejected_by_form(&app, &slug, id, &sam(), "What a load of shit about the Hackney housing waiting list, fuck this.");
        let limited = ask(&reader, &third, "A third explanation.");
        assert_eq!(limited.status, 429, "{}", limited.body);
        assert!(limited.text(".appeal-refusal").starts_with("You have asked for several reviews today."));
        assert_eq!(limited.text("#appeal-explanation"), "A third explanation.");
    }

    fn an_edited_comment_says_so_and_its_approval_e_mail_does_not_quote_it(app) {
        let sink = SmtpSink::start();
        let mailer = mailer(&app, Some(&sink));
        let (id, slug) = housing_post(&app);
        let untouched = publish(&app, &slug, id, &reader(2), HOUSING_COMMENTS[0], None);
        let a = held(&app, &slug, id, &reader(1));
        let m = staff(&app, "moderator", 1);
        let fixed = "The council housing waiting list figures for Hackney are worth reading.";
        let before = {
            tick(&app, &mailer, "w", now());
            sink.messages().len()
        };
        let sent = m.submit(&format!("/admin/comments/{a}"), &format!("/admin/comments/{a}/edit"), &[("body", fixed), ("note", "links removed"), ("approve", "1")]);
        assert_eq!(sent.status, 303, "{}", sent.body);

        let public = app.browser().get(&format!("/posts/{slug}"));
        assert_eq!(public.text(&format!("#comment-{a} .comment-edited")), "edited by a moderator");
        assert_eq!(public.text(&format!("#comment-{a} .comment-text")), fixed);
        assert!(public.texts(&format!("#comment-{untouched} .comment-edited")).is_empty(), "only edited comments say so");

        tick(&app, &mailer, "w", now() + chrono::Duration::hours(1));
        let to_writer = mail_to(&sink, before, "reader1@example.org");
        assert_eq!(to_writer.len(), 1, "{to_writer:?}");
        assert_eq!(to_writer[0].subject(), "[Townhall] Your comment on \"Council housing waiting lists in Hackney\" is published");
        assert!(to_writer[0].body.contains("A moderator edited your comment before publishing it"), "{}", to_writer[0].body);
        assert!(!to_writer[0].body.contains("worth reading"), "the edited text is not quoted as theirs: {}", to_writer[0].body);
        assert!(to_writer[0].body.contains(&format!("#comment-{a}")));
    }

    fn a_comment_sent_to_a_closed_post_is_kept_with_the_closing_note(app) {
        let (id, slug) = housing_post(&app);
        let note = "Comments are closed while the case is before the court.";
        let closed = app.submit("/admin/threads", &format!("/admin/posts/{id}/comments"), &[("mode", "closed"), ("note", note)]);
        assert_eq!(closed.status, 303, "{}", closed.body);
        let who = reader(1);
        let body = "I waited <three> years & my \"sister\" waited four: the waiting list is far too long.";
        let sent = send(&app, &slug, id, &who.ip, &csrf(&app), &fields(&who, body), false);
        assert_eq!(sent.status, 409, "{}", sent.body);
        assert!(sent.text("p").contains("Comments on this post are closed"), "{}", sent.body);
        assert_eq!(sent.text("textarea.kept-comment"), body, "the text, escaped and whole");
        assert_eq!(sent.attrs("textarea.kept-comment", "readonly").len(), 1);
        assert_eq!(sent.text(".comments-closed"), note);
        assert_eq!(sent.attrs("a.back-to-post", "href"), [format!("/posts/{slug}")]);
        assert_eq!(sent.text("a.back-to-post"), "Back to “Council housing waiting lists in Hackney”");
        // The script-driven form still gets its JSON refusal.
        let (status, v) = send_json(&app, &slug, id, &who, &csrf(&app), &fields(&who, body));
        assert_eq!(status, 409);
        assert_eq!(v["error"]["message"], "Comments on this post are closed.");
    }
}
