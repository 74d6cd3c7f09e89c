//! Delivery: SMTP (lettre, STARTTLS or TLS with rustls, with authentication) when
//! `smtp_url` is set, otherwise `.eml` files in `<data_dir>/outbox/` so a site without
//! mail still shows what it would have sent.

use std::path::PathBuf;
use std::time::Duration;

use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, Message};
use lettre::{SmtpTransport, Transport as _};

use crate::config::Settings;
use crate::storage::outbox::OutboxRow;

/// How long one SMTP conversation may take before it counts as a failed attempt.
const SMTP_TIMEOUT: Duration = Duration::from_secs(20);

/// Why the mailer could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// `smtp_url` was refused (the message never repeats the URL: it may hold a password).
    #[error("setting `smtp_url` is not usable: {0}")]
    SmtpUrl(String),
    /// `mail_from` is not an address.
    #[error(
        "setting `mail_from` is not an e-mail address like `Townhall <noreply@example.org>`: {0}"
    )]
    From(String),
}

/// Why one delivery failed.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct SendError {
    /// Retrying cannot help (a malformed address, a permanent SMTP refusal).
    pub permanent: bool,
    /// What went wrong, for the log and `last_error`.
    pub message: String,
}

impl SendError {
    fn permanent(message: impl Into<String>) -> Self {
        SendError {
            permanent: true,
            message: message.into(),
        }
    }

    fn transient(message: impl Into<String>) -> Self {
        SendError {
            permanent: false,
            message: message.into(),
        }
    }
}

enum Transport {
    Smtp(Box<SmtpTransport>),
    Files(PathBuf),
}

/// Sends stored messages; built once at start-up from the settings.
pub struct Mailer {
    transport: Transport,
    from: Mailbox,
    description: String,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Only the description: the transport holds the SMTP credentials.
        f.debug_struct("Mailer")
            .field("transport", &self.description)
            .finish()
    }
}

/// The SMTP URL for logs: scheme, host and port, never the user or password.
pub fn redacted_smtp_url(raw: &str) -> String {
    match url::Url::parse(raw.trim()) {
        Ok(u) => format!(
            "{}://{}{}",
            u.scheme(),
            u.host_str().unwrap_or("?"),
            u.port().map(|p| format!(":{p}")).unwrap_or_default()
        ),
        Err(_) => "an unreadable URL".to_owned(),
    }
}

/// Checks an SMTP URL the way the mailer will read it; the error says what is wrong
/// without repeating the URL's credentials.
pub fn check_smtp_url(raw: &str) -> Result<(), String> {
    smtp_transport(raw).map(|_| ()).map_err(|e| match e {
        MailError::SmtpUrl(problem) => problem,
        other => other.to_string(),
    })
}

fn smtp_transport(raw: &str) -> Result<SmtpTransport, MailError> {
    let url = url::Url::parse(raw.trim())
        .map_err(|e| MailError::SmtpUrl(format!("it is not a URL ({e})")))?;
    if !matches!(url.scheme(), "smtp" | "smtps") {
        return Err(MailError::SmtpUrl(format!(
            "use smtp://HOST:PORT (add ?tls=required for STARTTLS) or smtps://HOST:PORT, not {}://",
            url.scheme()
        )));
    }
    if let Some((_, tls)) = url.query_pairs().find(|(k, _)| k == "tls")
        && !matches!(tls.as_ref(), "required" | "opportunistic")
    {
        return Err(MailError::SmtpUrl(
            "the tls parameter must be `required` or `opportunistic`".into(),
        ));
    }
    // lettre's own errors name the problem, never the URL's credentials.
    let builder = SmtpTransport::from_url(raw.trim())
        .map_err(|e| MailError::SmtpUrl(format!("{} ({e})", redacted_smtp_url(raw))))?;
    Ok(builder.timeout(Some(SMTP_TIMEOUT)).build())
}

impl Mailer {
    /// The mailer the settings ask for.
    pub fn from_settings(settings: &Settings) -> Result<Mailer, MailError> {
        let from: Mailbox = settings
            .mail_from
            .parse()
            .map_err(|e| MailError::From(format!("{e}")))?;
        let (transport, description) = match settings.smtp_url.as_deref().map(str::trim) {
            Some(url) if !url.is_empty() => (
                Transport::Smtp(Box::new(smtp_transport(url)?)),
                format!("SMTP via {}", redacted_smtp_url(url)),
            ),
            _ => {
                let dir = settings.data_dir.join("outbox");
                let description = format!(
                    "no SMTP server configured (smtp_url): e-mail is written as .eml files to {}",
                    dir.display()
                );
                (Transport::Files(dir), description)
            }
        };
        Ok(Mailer {
            transport,
            from,
            description,
        })
    }

    /// Where messages go, safe for logs.
    pub fn describe(&self) -> &str {
        &self.description
    }

    /// The folder `.eml` files are written to, when there is no SMTP server.
    pub fn outbox_dir(&self) -> Option<&std::path::Path> {
        match &self.transport {
            Transport::Files(dir) => Some(dir),
            Transport::Smtp(_) => None,
        }
    }

    /// Builds the message for a stored row.
    pub fn build(&self, row: &OutboxRow) -> Result<Message, SendError> {
        let to: Mailbox = row
            .recipient
            .parse()
            .map_err(|e| SendError::permanent(format!("recipient address refused: {e}")))?;
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            // One Message-ID per stored message, however many times it is handed over:
            // a delivery repeated after a crash is then recognisably the same message.
            .message_id(Some(format!(
                "<townhall.{}.{}@{}>",
                row.id,
                row.created_at.and_utc().timestamp(),
                self.from.email.domain()
            )))
            .raw_header(subject_header(&row.subject))
            // Recipients can tell our messages apart and filter them.
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("X-Townhall-Kind"),
                row.kind.clone(),
            ))
            // RFC 3834: out-of-office replies should not answer a machine.
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("Auto-Submitted"),
                "auto-generated".to_owned(),
            ));
        if let Some(url) = &row.unsubscribe_url {
            // RFC 8058 one-click unsubscribe: the mail client POSTs to this address.
            builder = builder
                .raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("List-Unsubscribe"),
                    format!("<{url}>"),
                ))
                .raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                    "List-Unsubscribe=One-Click".to_owned(),
                ));
        }
        let message = match &row.body_html {
            Some(html) => builder.multipart(lettre::message::MultiPart::alternative_plain_html(
                row.body_text.clone(),
                html.clone(),
            )),
            None => builder
                .header(ContentType::TEXT_PLAIN)
                .body(row.body_text.clone()),
        };
        message.map_err(|e| SendError::permanent(format!("message could not be built: {e}")))
    }

    /// Delivers one stored message.
    pub fn send(&self, row: &OutboxRow) -> Result<(), SendError> {
        let message = self.build(row)?;
        match &self.transport {
            Transport::Smtp(smtp) => smtp.send(&message).map(|_| ()).map_err(|e| {
                let text = format!("SMTP: {e}");
                if e.is_permanent() {
                    SendError::permanent(text)
                } else {
                    SendError::transient(text)
                }
            }),
            Transport::Files(dir) => {
                std::fs::create_dir_all(dir).map_err(|e| {
                    SendError::transient(format!("cannot create {}: {e}", dir.display()))
                })?;
                let path = dir.join(format!("{:08}-{}.eml", row.id, row.kind));
                // Written aside and renamed, so a reader of the folder never sees half a file.
                let partial = path.with_extension("eml.part");
                std::fs::write(&partial, message.formatted())
                    .and_then(|()| std::fs::rename(&partial, &path))
                    .map_err(|e| {
                        SendError::transient(format!("cannot write {}: {e}", path.display()))
                    })
            }
        }
    }
}
/// The Subject header. lettre leaves ASCII words as typed, so a title holding
/// `=?utf-8?b?…?=` would reach mail clients as an encoded word they decode into text the
/// site never wrote; a subject with `=?` in it is therefore encoded whole (RFC 2047), and
/// reads back exactly as typed.
fn subject_header(subject: &str) -> HeaderValue {
    let name = HeaderName::new_from_ascii_str("Subject");
    if !subject.contains("=?") {
        return HeaderValue::new(name, subject.to_owned());
    }
    let mut encoded = String::new();
    let written = {
        let mut writer = email_encoding::headers::writer::EmailWriter::new(
            &mut encoded,
            "Subject: ".len(),
            0,
            false,
        );
        email_encoding::headers::rfc2047::encode(subject, &mut writer)
    };
    match written {
        // Only encoded words and folding: printable ASCII, already folded.
        Ok(()) => HeaderValue::dangerous_new_pre_encoded(name, subject.to_owned(), encoded),
        // Writing to a String cannot fail; were it to, the `=?` loses its meaning.
        Err(_) => HeaderValue::new(name, subject.replace("=?", "= ?")),
    }
}
