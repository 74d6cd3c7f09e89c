//! A derived text whose bytes remember the spans of the original they came from.

/// A derived text whose bytes map back to spans of the original.
#[derive(Debug, Default, Clone)]
pub struct Mapped {
    /// The derived text.
    pub text: String,
    /// Where each stretch of `text` came from, in order of `at`.
    pub(super) segments: Vec<Segment>,
}

/// A stretch of derived text starting at byte `at` that came from `start..end` of the
/// original: byte for byte when `linear` (lower-cased ASCII), else as a whole (a word,
/// a folded character). With `gap`, its first byte is the space before a word, which
/// came from the empty span at `start` (one segment per word instead of two: words are
/// most of what folding writes).
#[derive(Debug, Clone, Copy)]
pub(super) struct Segment {
    pub(super) at: u32,
    pub(super) start: u32,
    pub(super) end: u32,
    pub(super) linear: bool,
    pub(super) gap: bool,
}

impl Mapped {
    pub(super) fn with_capacity(bytes: usize, segments: usize) -> Mapped {
        Mapped {
            text: String::with_capacity(bytes),
            segments: Vec::with_capacity(segments),
        }
    }

    /// Starts a segment, at the end of the text, for text that came as a whole from
    /// `start..end` of the original; with `gap`, after a space from the empty span at
    /// `start`.
    #[inline]
    pub(super) fn open_segment(&mut self, start: usize, end: usize, gap: bool) {
        self.segments.push(Segment {
            at: self.text.len() as u32,
            start: start as u32,
            end: end as u32,
            linear: false,
            gap,
        });
    }

    /// Appends text that came, as a whole, from `start..end` of the original.
    #[inline]
    pub(super) fn push_str(&mut self, text: &str, start: usize, end: usize) {
        self.open_segment(start, end, false);
        self.text.push_str(text);
    }

    /// Appends a space, from the empty span at `start`, then a word from `start..end`.
    #[inline]
    pub(super) fn push_spaced(&mut self, word: &str, start: usize, end: usize) {
        self.open_segment(start, end, true);
        self.text.push(' ');
        self.text.push_str(word);
    }

    /// Whether the text so far ends in a space (words and bars need none before them).
    #[inline]
    pub(super) fn ends_in_space(&self) -> bool {
        self.text.as_bytes().last() == Some(&b' ')
    }

    /// Appends one character that came from `start..end` of the original.
    #[inline]
    pub(super) fn push(&mut self, c: char, start: usize, end: usize) {
        let mut buf = [0; 4];
        self.push_str(c.encode_utf8(&mut buf), start, end);
    }

    /// Appends lower-cased ASCII that maps byte for byte onto the original from `start`.
    pub(super) fn push_ascii(&mut self, ascii: &str, start: usize) {
        let at = self.text.len() as u32;
        match self.segments.last_mut() {
            Some(last) if last.linear && last.end == start as u32 => {
                last.end += ascii.len() as u32;
            }
            _ => self.segments.push(Segment {
                at,
                start: start as u32,
                end: (start + ascii.len()) as u32,
                linear: true,
                gap: false,
            }),
        }
        let from = self.text.len();
        self.text.push_str(ascii);
        self.text[from..].make_ascii_lowercase();
    }

    /// The original span behind the derived byte at `at`.
    pub(super) fn span_of(&self, at: usize) -> (usize, usize) {
        let i = self.segments.partition_point(|s| s.at as usize <= at);
        self.segment_span(i.wrapping_sub(1), at)
    }

    pub(super) fn segment_span(&self, index: usize, at: usize) -> (usize, usize) {
        let Some(seg) = self.segments.get(index) else {
            return (0, 0);
        };
        if seg.linear {
            let s = seg.start as usize + (at - seg.at as usize);
            (s, (s + 1).min(seg.end as usize))
        } else if seg.gap && at == seg.at as usize {
            (seg.start as usize, seg.start as usize)
        } else {
            (seg.start as usize, seg.end as usize)
        }
    }

    /// The original span behind the derived bytes `start..end`.
    pub fn origin(&self, start: usize, end: usize) -> (usize, usize) {
        if self.text.is_empty() {
            return (0, 0);
        }
        let last = self.text.len() - 1;
        let s = start.min(last);
        let e = end.saturating_sub(1).clamp(s, last);
        (self.span_of(s).0, self.span_of(e).1)
    }
}

/// Reads origins of increasing positions without searching from the start each time.
pub(super) struct Cursor<'a> {
    pub(super) mapped: &'a Mapped,
    pub(super) index: usize,
}

impl Cursor<'_> {
    /// The original span behind the derived byte at `at`, which must not go backwards.
    pub(super) fn span_of(&mut self, at: usize) -> (usize, usize) {
        let segs = &self.mapped.segments;
        while self.index + 1 < segs.len() && segs[self.index + 1].at as usize <= at {
            self.index += 1;
        }
        self.mapped.segment_span(self.index, at)
    }
}
