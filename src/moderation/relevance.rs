//! Comment-to-post similarity.
