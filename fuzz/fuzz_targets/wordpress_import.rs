//! The WordPress importer on the input as an export file, into a real SQLite database:
//! no panic, a refused file leaves the database untouched (see
//! `townhall::fuzzing::wordpress_import`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| townhall::fuzzing::wordpress_import(data));
