//! The integration suite: the real app over real HTTP, on SQLite and on PostgreSQL.

mod support;

mod appeals;
mod auth;
mod browser;
mod caching;
mod cli;
mod comments;
mod engine_bars;
mod feeds;
mod fuzz;
mod harm;
mod hostile;
mod import;
mod mail;
mod page_cache;
mod premoderation;
mod privacy;
mod publishing;
mod queue;
mod replica;
mod reports;
mod resilience;
mod rules;
mod scaleout;
mod security;
mod site;
mod threads;
mod volume;
