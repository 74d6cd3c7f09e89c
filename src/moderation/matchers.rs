//! Word lists, patterns, links, shouting and repeats.
