//! The integration suite: the real app over real HTTP, on SQLite and on PostgreSQL.

mod support;

mod auth;
mod browser;
mod cli;
mod comments;
mod feeds;
mod hostile;
mod import;
mod mail;
mod publishing;
mod queue;
mod resilience;
mod rules;
mod site;
mod threads;
