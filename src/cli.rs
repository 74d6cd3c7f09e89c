//! The command line: serve (the default), migrate, user, demo, rules, import, commenter,
//! privacy.

use std::io::{BufRead, IsTerminal};
use std::net::TcpListener;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};

use crate::config::Settings;
use crate::domain::Role;
use crate::import;
use crate::moderation::RuleSet;
use crate::service::corpus::{self, CorpusLine, CorpusPost};
use crate::service::rules::RulesSource;
use crate::service::training;
use crate::service::users::Actor;
use crate::service::{ServiceError, setup, users};
use crate::service::{fine_tune, personal_data, recheck};
use crate::storage::{self, DbConn};

/// `println!` that returns an error instead of panicking when standard output is gone
/// (`townhall rules test … | head` closes the pipe early).
macro_rules! say {
    () => {
        say!("")
    };
    ($($arg:tt)*) => {
        std::io::Write::write_fmt(&mut std::io::stdout().lock(), format_args!("{}\n", format_args!($($arg)*)))
            .context("writing to standard output")?
    };
}

/// `print!` with the same care as [`say!`].
macro_rules! say_raw {
    ($($arg:tt)*) => {
        std::io::Write::write_fmt(&mut std::io::stdout().lock(), format_args!($($arg)*))
            .context("writing to standard output")?
    };
}

/// Townhall: a blog with moderated comments.
#[derive(Debug, Parser)]
#[command(name = "townhall", version, about, long_about = None)]
pub struct Cli {
    /// Settings file (default: ./townhall.toml if it exists). Every setting can also be
    /// given as a TOWNHALL_<NAME> environment variable; see docs/src/running/settings.md.
    #[arg(long, global = true, env = "TOWNHALL_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// What to do (default: serve).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web site (migrates the database and does first-start setup first).
    Serve {
        /// Listen on this address instead of the `bind` setting, e.g. 0.0.0.0:8080.
        #[arg(long, value_name = "HOST:PORT")]
        bind: Option<String>,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage staff accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Load the demo posts into a site that has no posts.
    Demo,
    /// Check the moderation rules and run comments through them.
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Bring content across from another blog.
    #[command(subcommand)]
    Import(ImportCommand),
    /// A reader's personal data, by the e-mail they commented with.
    #[command(subcommand)]
    Commenter(CommenterCommand),
    /// The retention of readers' personal data.
    #[command(subcommand)]
    Privacy(PrivacyCommand),
}

/// A reader's personal data (UK GDPR requests).
#[derive(Debug, Subcommand)]
pub enum CommenterCommand {
    /// Write everything kept about an e-mail address as one JSON document (recorded in
    /// the audit log).
    Export {
        /// The address the reader commented with.
        email: String,
        /// Write to this file instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Erase everything kept about an e-mail address, everywhere, for good.
    Erase {
        /// The address the reader commented with.
        email: String,
        /// What becomes of their published comments: `remove`, or `keep` under
        /// "[name removed]".
        #[arg(long, value_name = "remove|keep")]
        published: String,
        /// Do not ask for confirmation.
        #[arg(long)]
        yes: bool,
    },
}

/// Retention commands.
#[derive(Debug, Subcommand)]
pub enum PrivacyCommand {
    /// Forget now what is past its retention period (the server does it every hour).
    Purge,
}

/// Import commands.
#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Import a WordPress export (the WXR file from Tools → Export): authors, posts,
    /// pages, categories and tags, and comments. Running it again with the same or a
    /// newer export adds only what is new. A bad file changes nothing.
    Wordpress {
        /// The export file (.xml).
        #[arg(value_name = "FILE.xml")]
        file: PathBuf,
        /// Read and check everything and print the report, but save nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

/// Moderation rule commands. They read the rules from `--dir`, else the `rules_dir`
/// setting, else the rules built into the binary.
#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Validate the rule files; errors name the file, line and problem.
    Lint {
        /// The rules folder.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Judge comments: JSON Lines on stdin (or the stored comments, with --from-db), one
    /// JSON verdict per line on stdout.
    Check {
        /// Posts (JSON Lines with id, title, tags, body) that comment lines refer to by id.
        #[arg(long, value_name = "FILE", conflicts_with = "from_db")]
        posts: Option<PathBuf>,
        /// Judge the comments stored in the database instead of stdin, without changing
        /// them; each verdict line also gives the comment's stored status.
        #[arg(long)]
        from_db: bool,
        /// With --from-db: only the comments imported from WordPress.
        #[arg(long, requires = "from_db")]
        imported: bool,
        /// The rules folder.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Train the civility, abuse, spam and allegation models from labelled lines and write them (manifest and
    /// weights) into the rules folder's models/ (or --out). The same data gives the same files.
    Train {
        /// The public data sets (hateval, toxic_spans, toxigen, sms_spam .jsonl).
        #[arg(long, value_name = "DIR", default_value = "../shared/training")]
        data: PathBuf,
        /// The lines this project wrote (civil-comments, abuse-written, adverts-written,
        /// allegations-written .jsonl).
        #[arg(long, value_name = "DIR", default_value = "training")]
        own: PathBuf,
        /// Posts whose sentences count as civil lines (JSON Lines with a body).
        #[arg(long, value_name = "FILE", default_value = "demo/posts.jsonl")]
        posts: PathBuf,
        /// The date written into the manifests (default: today, UTC).
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: Option<String>,
        /// Where to write models/ (default: the rules folder).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Fine-tune the models in force on this site's moderator decisions instead (no
        /// training files needed); writes a complete rules folder to rules_dir (or --out),
        /// never into a source checkout.
        #[arg(long)]
        from_db: bool,
    },
    /// Score a labelled corpus: leak, false-reject, auto-publish rates, accuracy per category.
    Test {
        /// Posts (JSON Lines).
        #[arg(long, value_name = "FILE")]
        posts: PathBuf,
        /// Labelled comments (JSON Lines with expected, acceptable, harmful, category).
        #[arg(long, value_name = "FILE")]
        corpus: PathBuf,
        /// The rules folder.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

/// Staff account commands.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a staff account.
    Add {
        /// Sign-in e-mail.
        #[arg(long)]
        email: String,
        /// Name shown on posts.
        #[arg(long)]
        name: String,
        /// What the account may do.
        #[arg(long, value_enum, default_value = "author")]
        role: Role,
        /// Read the password from the first line of standard input instead of prompting;
        /// without either, a random password is generated and printed once.
        #[arg(long)]
        password_stdin: bool,
    },
    /// List staff accounts.
    List,
    /// Set an account's password (and sign it out everywhere).
    SetPassword {
        /// The account's e-mail.
        email: String,
        /// Read the password from the first line of standard input instead of prompting.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Disable an account (it can no longer sign in; its posts stay).
    Disable {
        /// The account's e-mail.
        email: String,
    },
    /// Re-enable a disabled account.
    Enable {
        /// The account's e-mail.
        email: String,
    },
    /// Turn off an account's two-factor sign-in (its owner lost their phone and their
    /// recovery codes); they sign in with their password alone and can set it up again.
    ResetTwoFactor {
        /// The account's e-mail.
        email: String,
    },
}

fn read_password(from_stdin: bool, allow_generate: bool) -> Result<(String, bool)> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("reading the password from standard input")?;
        let pw = line.trim_end_matches(['\r', '\n']).to_owned();
        return Ok((pw, false));
    }
    if std::io::stdin().is_terminal() {
        let pw = rpassword::prompt_password("New password: ")?;
        let again = rpassword::prompt_password("Repeat it: ")?;
        if pw != again {
            bail!("the two passwords do not match");
        }
        return Ok((pw, false));
    }
    if allow_generate {
        return Ok((crate::service::auth::random_password(), true));
    }
    bail!("no password given: use --password-stdin, or run in a terminal to be prompted")
}

fn explain(e: ServiceError) -> anyhow::Error {
    match e {
        ServiceError::Invalid(fields) => {
            anyhow::anyhow!(fields.0.into_values().collect::<Vec<_>>().join(" "))
        }
        ServiceError::NotFound => anyhow::anyhow!("no such account"),
        other => anyhow::anyhow!(other),
    }
}

/// A migrated database's connection, for one command.
fn connect(settings: &Settings) -> Result<storage::PooledConn> {
    let target = settings.db_target()?;
    storage::migrate(&target)?;
    let pool = storage::open_pool(&target, 1)?;
    pool.get().context("connecting to the database")
}

fn with_db<T>(
    settings: &Settings,
    f: impl FnOnce(&mut DbConn) -> Result<T, ServiceError>,
) -> Result<T> {
    f(&mut *connect(settings)?).map_err(explain)
}

fn now() -> chrono::NaiveDateTime {
    chrono::Utc::now().naive_utc()
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    let mut settings = Settings::load(cli.config.as_deref())?;
    match cli.command.unwrap_or(Command::Serve { bind: None }) {
        Command::Serve { bind } => {
            if let Some(b) = bind {
                settings.bind = b;
                settings = settings.validated()?;
            }
            serve(settings)
        }
        Command::Migrate => {
            let target = settings.db_target()?;
            let applied = storage::migrate(&target)?;
            if applied.is_empty() {
                say!("The database ({}) is up to date.", target.redacted());
            } else {
                say!(
                    "Applied {} migration(s) to {}: {}",
                    applied.len(),
                    target.redacted(),
                    applied.join(", ")
                );
            }
            Ok(())
        }
        Command::Demo => {
            let n = with_db(&settings, |c| setup::load_demo(c, now()))?;
            say!("Loaded {n} demo posts.");
            Ok(())
        }
        Command::User(cmd) => user_command(&settings, cmd),
        Command::Rules(cmd) => rules_command(&settings, cmd),
        Command::Import(ImportCommand::Wordpress { file, dry_run }) => {
            import_wordpress(&settings, &file, dry_run)
        }
        Command::Commenter(cmd) => commenter_command(&settings, cmd),
        Command::Privacy(PrivacyCommand::Purge) => {
            let keep = personal_data::Retention::from(&settings);
            let done = with_db(&settings, |c| personal_data::purge(c, &keep, now()))?;
            say!(
                "Forgot {} full addresses, {} browser descriptions, the text and details of {} rejected comments, {} unconfirmed subscriptions and the details of {} reporters.",
                done.addresses,
                done.user_agents,
                done.rejected,
                done.unconfirmed,
                done.reports
            );
            Ok(())
        }
    }
}

fn commenter_command(settings: &Settings, cmd: CommenterCommand) -> Result<()> {
    match cmd {
        CommenterCommand::Export { email, out } => {
            let whose = personal_data::Whose::Email(email);
            let export = with_db(settings, |c| personal_data::export(c, None, &whose, now()))?;
            match out {
                Some(path) => {
                    std::fs::write(&path, &export.json)
                        .with_context(|| format!("writing {}", path.display()))?;
                    say!(
                        "Wrote {} rows about {} to {}.",
                        export.rows,
                        export.email_key,
                        path.display()
                    );
                }
                None => say!("{}", export.json),
            }
        }
        CommenterCommand::Erase {
            email,
            published,
            yes,
        } => {
            let Some(published) = personal_data::PublishedComments::parse(&published) else {
                bail!("--published must be `remove` or `keep`");
            };
            if !yes {
                if !std::io::stdin().is_terminal() {
                    bail!("erasing cannot be undone: add --yes, or run in a terminal to confirm");
                }
                say_raw!("Erase everything kept about {email}, for good? Type ERASE to go on: ");
                let mut line = String::new();
                std::io::stdin().lock().read_line(&mut line)?;
                if line.trim() != "ERASE" {
                    bail!("nothing was erased");
                }
            }
            let whose = personal_data::Whose::Email(email.clone());
            let done = with_db(settings, |c| {
                personal_data::erase(c, None, &whose, published, now())
            })?;
            say!(
                "Erased {email}: {} comments removed, {} kept under \"{}\", {} other rows deleted, {} notes and messages cleaned.",
                done.removed,
                done.kept,
                personal_data::NAME_REMOVED,
                done.rows,
                done.scrubbed
            );
        }
    }
    Ok(())
}

fn import_wordpress(settings: &Settings, file: &Path, dry_run: bool) -> Result<()> {
    let (rules, _) = load_rules(settings, None)?;
    let limits = rules.limits();
    let opts = import::Options {
        now: now(),
        ip_retention_days: settings.ip_retention_days,
        ipv4_prefix: limits.ipv4_prefix,
        ipv6_prefix: limits.ipv6_prefix,
        dry_run,
    };
    let mut conn = connect(settings)?;
    let mut reporter = import::progress::Reporter::new();
    let result = import::import_file(&mut conn, file, &opts, &mut |p| reporter.update(p));
    reporter.finish();
    let report = result.context("the import stopped and the database is unchanged")?;
    say_raw!("{report}");
    Ok(())
}

fn load_rules(settings: &Settings, dir: Option<PathBuf>) -> Result<(RuleSet, String)> {
    let source = match dir {
        Some(d) if !d.is_dir() => bail!("{} is not a folder", d.display()),
        Some(d) => RulesSource::Dir(d),
        None => RulesSource::pick(&settings.rules_dir),
    };
    let rules = source
        .load()
        .with_context(|| format!("moderation rules in {}", source.describe()))?;
    Ok((rules, source.describe()))
}

fn read_posts(path: Option<&Path>) -> Result<Vec<CorpusPost>> {
    let Some(path) = path else {
        return Ok(Vec::new());
    };
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    corpus::parse_lines(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}

/// Writes one JSON object per line on standard output.
fn print_json_lines<T: serde::Serialize>(items: &[T]) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    for item in items {
        serde_json::to_writer(&mut stdout, item)?;
        std::io::Write::write_all(&mut stdout, b"\n")?;
    }
    Ok(())
}

fn rules_command(settings: &Settings, cmd: RulesCommand) -> Result<()> {
    match cmd {
        RulesCommand::Train {
            date,
            out,
            from_db: true,
            ..
        } => {
            let date = date.unwrap_or_else(|| chrono::Utc::now().format("%Y-%m-%d").to_string());
            let source = RulesSource::pick(&settings.rules_dir);
            let rules = source
                .load()
                .with_context(|| format!("moderation rules in {}", source.describe()))?;
            let decisions = with_db(settings, fine_tune::site_decisions)?;
            let out = out.unwrap_or_else(|| settings.rules_dir.clone());
            let mut tuned = Vec::new();
            for outcome in fine_tune::fine_tune(&rules, &decisions, &date) {
                match outcome {
                    fine_tune::Outcome::Tuned(t) => tuned.push(*t),
                    fine_tune::Outcome::Skipped { path, why } => {
                        say!("{path}: left as it is: {why}");
                    }
                }
            }
            fine_tune::write(&out, &source.read()?, &tuned)?;
            for t in &tuned {
                say!("{}: fine-tuned; {}", out.join(&t.path).display(), t.figures);
            }
            Ok(())
        }
        RulesCommand::Train {
            data,
            own,
            posts,
            date,
            out,
            ..
        } => {
            let plan = training::TrainPlan {
                public: data,
                own,
                posts: posts.is_file().then_some(posts),
                date: date.unwrap_or_else(|| chrono::Utc::now().format("%Y-%m-%d").to_string()),
            };
            let out = out.unwrap_or_else(|| settings.rules_dir.clone());
            for trained in training::train_all(&plan)? {
                let path = training::write(&out, &trained)?;
                let m = &trained.model.manifest;
                say!(
                    "{}: suggested hold_at {:.3}, reject_at {:.3}",
                    path.display(),
                    m.suggested.hold_at,
                    m.suggested.reject_at
                );
                for (k, v) in &m.validation {
                    say!("  {k}: {v}");
                }
            }
            Ok(())
        }
        RulesCommand::Lint { dir } => {
            let (rules, from) = load_rules(settings, dir)?;
            say!(
                "{} rules OK in {from} (version {}).",
                rules.rules().len(),
                rules.version()
            );
            Ok(())
        }
        RulesCommand::Check {
            dir,
            from_db: true,
            imported,
            ..
        } => {
            let (rules, _) = load_rules(settings, dir)?;
            let stored = with_db(settings, |c| recheck::stored(c, imported))?;
            let out =
                corpus::replay(&rules, &stored.posts, &stored.lines).map_err(anyhow::Error::msg)?;
            let annotated = out
                .into_iter()
                .map(|o| stored.annotate(o))
                .collect::<Result<Vec<_>, _>>()?;
            print_json_lines(&annotated)
        }
        RulesCommand::Check { posts, dir, .. } => {
            let (rules, _) = load_rules(settings, dir)?;
            let posts = read_posts(posts.as_deref())?;
            let mut input = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut input)
                .context("reading standard input")?;
            let lines: Vec<CorpusLine> =
                corpus::parse_lines(&input).map_err(|e| anyhow::anyhow!("stdin {e}"))?;
            let out = corpus::replay(&rules, &posts, &lines).map_err(anyhow::Error::msg)?;
            print_json_lines(&out)
        }
        RulesCommand::Test {
            posts,
            corpus: file,
            dir,
        } => {
            let (rules, _) = load_rules(settings, dir)?;
            let posts = read_posts(Some(&posts))?;
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            let lines: Vec<CorpusLine> = corpus::parse_lines(&text)
                .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
            let out = corpus::replay(&rules, &posts, &lines).map_err(anyhow::Error::msg)?;
            say_raw!("{}", corpus::score(&lines, &out));
            Ok(())
        }
    }
}

fn user_command(settings: &Settings, cmd: UserCommand) -> Result<()> {
    match cmd {
        UserCommand::Add {
            email,
            name,
            role,
            password_stdin,
        } => {
            let (pw, generated) = read_password(password_stdin, true)?;
            let u = with_db(settings, |c| {
                users::create(c, Actor::CommandLine, &email, &name, role, Some(&pw), now())
            })?;
            say!(
                "Created {} account {} ({}).",
                u.role.as_str(),
                u.email,
                u.display_name
            );
            if generated {
                say!("Password (shown once): {pw}");
            }
        }
        UserCommand::List => {
            let list = with_db(settings, |c| Ok(storage::users::list(c)?))?;
            say!("{:<32} {:<10} {:<9} NAME", "E-MAIL", "ROLE", "STATUS");
            for u in list {
                let status = if u.disabled {
                    "disabled"
                } else if u.password_hash.is_none() {
                    "no login"
                } else {
                    "active"
                };
                say!(
                    "{:<32} {:<10} {:<9} {}",
                    u.email,
                    u.role.as_str(),
                    status,
                    u.display_name
                );
            }
        }
        UserCommand::SetPassword {
            email,
            password_stdin,
        } => {
            let (pw, _) = read_password(password_stdin, false)?;
            with_db(settings, |c| {
                let u = users::by_email(c, &email)?;
                users::set_password(c, Actor::CommandLine, u.id, &pw, now())
            })?;
            say!("Password changed for {email}; its sessions were signed out.");
        }
        UserCommand::Disable { email } => {
            with_db(settings, |c| {
                let u = users::by_email(c, &email)?;
                users::set_disabled(c, Actor::CommandLine, u.id, true, now())
            })?;
            say!("Disabled {email}.");
        }
        UserCommand::Enable { email } => {
            with_db(settings, |c| {
                let u = users::by_email(c, &email)?;
                users::set_disabled(c, Actor::CommandLine, u.id, false, now())
            })?;
            say!("Enabled {email}.");
        }
        UserCommand::ResetTwoFactor { email } => {
            with_db(settings, |c| {
                let u = users::by_email(c, &email)?;
                crate::service::two_factor::reset_from_command_line(c, u.id, now())
            })?;
            say!("Two-factor sign-in is off for {email}; they can set it up again.");
        }
    }
    Ok(())
}

fn serve(settings: Settings) -> Result<()> {
    let addr = settings.bind_addr()?;
    let base = settings.base_url.clone();
    let target = settings.db_target()?;
    tracing::info!(database = %target.redacted(), "opening the database");
    let (state, first) = crate::startup::prepare(settings)?;
    if let Some((email, generated)) = &first.admin_created {
        say!();
        say!("  First start: created the admin account {email}.");
        match generated {
            Some(pw) => say!("  Its password (shown only this once): {pw}"),
            None => say!("  Its password is the one in TOWNHALL_ADMIN_PASSWORD."),
        }
        say!("  Sign in at {base}/login");
        say!();
    }
    if first.demo_posts > 0 {
        tracing::info!(posts = first.demo_posts, "loaded demo content");
    }
    let listener = TcpListener::bind(addr).with_context(|| format!("cannot listen on {addr}"))?;
    tracing::info!(%addr, url = %base, "Townhall is serving");
    let server = crate::startup::run(listener, state)?;
    actix_web::rt::System::new().block_on(server)?;
    Ok(())
}
