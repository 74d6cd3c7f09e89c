//! Townhall: a blog with moderated comments for a small advocacy NGO.
//!
//! Dependencies point one way: `http → service → {domain, moderation, storage}`.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod cli;
pub mod clock;
pub mod config;
pub mod domain;
#[cfg(feature = "fuzzing")]
pub mod fuzzing;
pub mod http;
pub mod import;
/// The house-rules engine, a crate of its own (`engine/`) so the compiler keeps it pure.
pub use townhall_engine as moderation;
pub mod service;
pub mod startup;
pub mod storage;
