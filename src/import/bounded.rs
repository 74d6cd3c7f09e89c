//! A byte filter in front of the XML parser that bounds what one XML event can hold.
//! quick-xml reads a whole text run or CDATA section into memory before it hands it
//! out, so without this a 50 MB post body is 50 MB in the parser's buffer whatever the
//! reader then keeps. Text, CDATA and comment bytes past the cap are dropped here, never
//! buffered (the reader learns of the cut from [`Bounded::cuts_before`]); markup past
//! its own cap (a tag, a declaration) is an error, since no export needs one that long.
//!
//! The filter knows just enough of XML's lexical structure to be sure the bytes it
//! drops are character data: it never drops inside a tag, a reference or a UTF-8
//! sequence, and it keeps every delimiter, so what the parser sees stays well formed.

use std::io::{self, BufRead, Read};

/// Longest tag, processing instruction or document type declaration, in bytes.
const MARKUP_CAP: usize = 64 * 1024;

/// Longest entity or character reference the filter waits for before it may cut.
const REFERENCE_CAP: u8 = 64;

/// Where in the XML the filter is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lex {
    /// Character data; the length of an open `&…;` reference, if one is open.
    Text { reference: Option<u8> },
    /// Just after `<`.
    Open,
    /// Just after `<!`.
    Bang,
    /// Just after `<!-`.
    CommentOpen,
    /// In a start or end tag; the quote an attribute value is open with.
    Tag { quote: Option<u8> },
    /// In `<?…?>`; whether the last byte was `?`.
    Pi { question: bool },
    /// In `<![CDATA[…]]>` or `<!--…-->`, which end with `delimiter`; how many of its
    /// repeated first byte came last.
    Section {
        delimiter: &'static [u8; 3],
        seen: u8,
    },
    /// In `<!DOCTYPE…>`: an open quote and the depth of the internal subset's `[…]`.
    Doctype { quote: Option<u8>, depth: u32 },
}

/// Character data with no reference open.
const TEXT: Lex = Lex::Text { reference: None };

/// Reads XML from `inner`, keeping at most `cap` bytes of any one run of character data.
pub struct Bounded<R> {
    inner: R,
    cap: usize,
    /// Filtered bytes waiting to be read, from `start`.
    out: Vec<u8>,
    start: usize,
    /// Filtered bytes handed out before `out`.
    handed: u64,
    lex: Lex,
    /// Bytes of the current construct seen so far (kept or not).
    len: usize,
    /// Dropping the rest of the current run.
    dropping: bool,
    /// Where bytes were dropped: the filtered offset they were dropped before, and how
    /// many input bytes had been dropped in all up to there. A cut needs `cap` bytes of
    /// input, so this stays small.
    cuts: Vec<(u64, u64)>,
    /// The inner reader's bytes being filtered.
    chunk: Vec<u8>,
}

impl<R: BufRead> Bounded<R> {
    /// A filter keeping at most `cap` bytes of a text run, CDATA section or comment.
    pub fn new(inner: R, cap: usize) -> Self {
        Bounded {
            inner,
            cap,
            out: Vec::with_capacity(64 * 1024),
            start: 0,
            handed: 0,
            lex: TEXT,
            len: 0,
            dropping: false,
            cuts: Vec::new(),
            chunk: Vec::with_capacity(64 * 1024),
        }
    }

    /// The input offset of a filtered offset (for error messages and progress).
    pub fn input_offset(&self, filtered: u64) -> u64 {
        match self.cuts.partition_point(|&(at, _)| at <= filtered) {
            0 => filtered,
            i => filtered + self.cuts[i - 1].1,
        }
    }

    /// How many runs were cut before a filtered offset.
    pub fn cuts_before(&self, filtered: u64) -> usize {
        self.cuts.partition_point(|&(at, _)| at <= filtered)
    }

    fn enter(&mut self, lex: Lex) {
        self.lex = lex;
        self.len = 0;
        self.dropping = false;
    }

    fn drop_byte(&mut self) {
        let here = self.handed + self.out.len() as u64;
        match self.cuts.last_mut() {
            Some((at, total)) if *at == here => *total += 1,
            last => {
                let total = last.map_or(0, |&mut (_, t)| t) + 1;
                self.cuts.push((here, total));
            }
        }
    }

    /// A byte of character data: kept, or dropped once the run is past the cap (only
    /// where `may_cut` and at the start of a character, so what is kept stays UTF-8).
    fn data(&mut self, b: u8, may_cut: bool) {
        self.len += 1;
        if !self.dropping && self.len > self.cap && may_cut && (b & 0xC0) != 0x80 {
            self.dropping = true;
        }
        if self.dropping {
            self.drop_byte();
        } else {
            self.out.push(b);
        }
    }

    /// A byte of markup: kept; too much of it is an error.
    fn markup(&mut self, b: u8) -> io::Result<()> {
        self.len += 1;
        if self.len > MARKUP_CAP {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("a tag or declaration longer than {MARKUP_CAP} bytes"),
            ));
        }
        self.out.push(b);
        Ok(())
    }

    /// Ends a CDATA section or comment: its closing delimiter goes out whole even when
    /// the bytes before were dropped.
    fn close(&mut self, delimiter: &[u8; 3]) {
        if self.dropping {
            self.out.extend_from_slice(delimiter);
        } else {
            self.out.push(delimiter[2]);
        }
        self.enter(TEXT);
    }

    fn step(&mut self, b: u8) -> io::Result<()> {
        match self.lex {
            Lex::Text { reference } => {
                if b == b'<' {
                    self.enter(Lex::Open);
                    return self.markup(b);
                }
                self.data(b, reference.is_none());
                let reference = match (reference, b) {
                    (_, b'&') => Some(0),
                    (Some(n), c)
                        if n < REFERENCE_CAP
                            && (c.is_ascii_alphanumeric()
                                || matches!(c, b'#' | b'_' | b'-' | b'.' | b':')) =>
                    {
                        Some(n + 1)
                    }
                    _ => None,
                };
                self.lex = Lex::Text { reference };
            }
            Lex::Open => {
                self.lex = match b {
                    b'!' => Lex::Bang,
                    b'?' => Lex::Pi { question: false },
                    _ => return self.tag(None, b),
                };
                self.markup(b)?;
            }
            Lex::Bang => match b {
                b'[' => {
                    // The section's own `CDATA[` is counted with its text: the cap is
                    // far above it, so it is never cut.
                    self.enter(Lex::Section {
                        delimiter: b"]]>",
                        seen: 0,
                    });
                    self.data(b, false);
                }
                b'-' => {
                    self.lex = Lex::CommentOpen;
                    self.markup(b)?;
                }
                b'D' | b'd' => {
                    self.lex = Lex::Doctype {
                        quote: None,
                        depth: 0,
                    };
                    self.markup(b)?;
                }
                _ => return self.tag(None, b),
            },
            Lex::CommentOpen => {
                if b != b'-' {
                    return self.tag(None, b);
                }
                self.enter(Lex::Section {
                    delimiter: b"-->",
                    seen: 0,
                });
                self.out.push(b);
            }
            Lex::Tag { quote } => return self.tag(quote, b),
            Lex::Pi { question } => {
                self.markup(b)?;
                if question && b == b'>' {
                    self.enter(TEXT);
                } else {
                    self.lex = Lex::Pi {
                        question: b == b'?',
                    };
                }
            }
            Lex::Section { delimiter, seen } => {
                if seen >= 2 && b == delimiter[2] {
                    self.close(delimiter);
                } else {
                    self.data(b, true);
                    let seen = if b == delimiter[0] {
                        (seen + 1).min(2)
                    } else {
                        0
                    };
                    self.lex = Lex::Section { delimiter, seen };
                }
            }
            Lex::Doctype { quote, depth } => {
                self.markup(b)?;
                let (quote, depth) = match (quote, b) {
                    (Some(q), c) if c == q => (None, depth),
                    (Some(_), _) => (quote, depth),
                    (None, b'"' | b'\'') => (Some(b), depth),
                    (None, b'[') => (None, depth + 1),
                    (None, b']') => (None, depth.saturating_sub(1)),
                    (None, b'>') if depth == 0 => {
                        self.enter(TEXT);
                        return Ok(());
                    }
                    _ => (quote, depth),
                };
                self.lex = Lex::Doctype { quote, depth };
            }
        }
        Ok(())
    }

    /// A byte of a tag: quoted attribute values may hold `>`.
    fn tag(&mut self, quote: Option<u8>, b: u8) -> io::Result<()> {
        self.markup(b)?;
        match (quote, b) {
            (Some(q), c) if c == q => self.lex = Lex::Tag { quote: None },
            (Some(_), _) => self.lex = Lex::Tag { quote },
            (None, b'"' | b'\'') => self.lex = Lex::Tag { quote: Some(b) },
            (None, b'>') => self.enter(TEXT),
            (None, _) => self.lex = Lex::Tag { quote: None },
        }
        Ok(())
    }
}

impl<R: BufRead> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Bounded<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        while self.start == self.out.len() {
            self.handed += self.out.len() as u64;
            self.out.clear();
            self.start = 0;
            let available = self.inner.fill_buf()?;
            if available.is_empty() {
                break;
            }
            // A bounded slice at a time keeps `out` small whatever the inner buffer is.
            let n = available.len().min(self.chunk.capacity().max(1));
            self.chunk.clear();
            self.chunk.extend_from_slice(&available[..n]);
            self.inner.consume(n);
            for i in 0..n {
                self.step(self.chunk[i])?;
            }
        }
        Ok(&self.out[self.start..])
    }

    fn consume(&mut self, amount: usize) {
        self.start = (self.start + amount).min(self.out.len());
    }
}
