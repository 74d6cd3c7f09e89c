//! A rendered page cut at its per-reader placeholders (`reader_tokens`), kept by the page
//! cache and put together again for every request: as it is, or gzip-compressed.
//!
//! Compression happens once per kept page, not once per reader. Each part is deflated on
//! its own and ends with a sync flush, so it stops on a byte boundary; each reader's tokens
//! go between the parts as stored (uncompressed) blocks of the same deflate stream, and the
//! gzip checksum is combined from the parts' own. The result is one ordinary gzip member
//! (RFC 1951/1952). Compressing a 200-comment thread afresh for every reader cost more than
//! everything else about serving it: 12,000 home pages a second fell to 1,600 once the
//! request asked for gzip, as every browser does.

use std::io::Write;
use std::sync::OnceLock;

use actix_web::web::Bytes;
use flate2::Compression;
use flate2::write::DeflateEncoder;

/// A page in parts, with the token that goes after each part but the last.
pub struct PageParts {
    parts: Vec<Bytes>,
    /// Which token (an index into the tokens given) follows each part.
    slots: Vec<usize>,
    gzip: OnceLock<Gzipped>,
}

/// The parts deflated, and a CRC-32 of each part's text.
struct Gzipped {
    blocks: Vec<Bytes>,
    crcs: Vec<crc32fast::Hasher>,
}

/// gzip's header: deflate, no name or time, unknown system.
const GZIP_HEADER: [u8; 10] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];

impl PageParts {
    /// Cuts `body` at the placeholders found in it: `(start, end, token)` in order.
    pub fn cut(body: Bytes, found: impl IntoIterator<Item = (usize, usize, usize)>) -> Self {
        let (mut parts, mut slots, mut at) = (Vec::new(), Vec::new(), 0);
        for (start, end, token) in found {
            parts.push(body.slice(at..start));
            slots.push(token);
            at = end;
        }
        parts.push(body.slice(at..));
        PageParts {
            parts,
            slots,
            gzip: OnceLock::new(),
        }
    }

    /// The length of the page without its placeholders, in bytes.
    pub fn len(&self) -> usize {
        self.parts.iter().map(Bytes::len).sum()
    }

    /// True when the page has no text at all.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// True when the page has places for tokens.
    pub fn has_slots(&self) -> bool {
        !self.slots.is_empty()
    }

    /// The page with these tokens in its places.
    pub fn plain(&self, tokens: &[String]) -> Bytes {
        if let [whole] = &self.parts[..] {
            return whole.clone();
        }
        let mut out = Vec::with_capacity(self.len() + 256);
        for (i, part) in self.parts.iter().enumerate() {
            out.extend_from_slice(part);
            out.extend_from_slice(self.token(tokens, i));
        }
        out.into()
    }

    /// True once [`compress`](Self::compress) has run.
    pub fn is_compressed(&self) -> bool {
        self.gzip.get().is_some()
    }

    /// Deflates every part (milliseconds for a long page: run it off the async workers).
    pub fn compress(&self) {
        self.gzip.get_or_init(|| Gzipped {
            blocks: self
                .parts
                .iter()
                .enumerate()
                .map(|(i, p)| deflate(p, i + 1 == self.parts.len()))
                .collect(),
            crcs: self
                .parts
                .iter()
                .map(|p| {
                    let mut h = crc32fast::Hasher::new();
                    h.update(p);
                    h
                })
                .collect(),
        });
    }

    /// The page with these tokens in its places, as one gzip member; `None` until
    /// [`compress`](Self::compress) has run.
    pub fn gzipped(&self, tokens: &[String]) -> Option<Bytes> {
        let g = self.gzip.get()?;
        let mut out = Vec::with_capacity(g.blocks.iter().map(Bytes::len).sum::<usize>() + 512);
        out.extend_from_slice(&GZIP_HEADER);
        let mut crc = crc32fast::Hasher::new();
        let mut len = 0usize;
        for (i, (block, part_crc)) in g.blocks.iter().zip(&g.crcs).enumerate() {
            out.extend_from_slice(block);
            crc.combine(part_crc);
            len += self.parts[i].len();
            let token = self.token(tokens, i);
            stored_blocks(&mut out, token);
            crc.update(token);
            len += token.len();
        }
        out.extend_from_slice(&crc.finalize().to_le_bytes());
        // ISIZE is the length modulo 2^32 (RFC 1952).
        out.extend_from_slice(&(len as u32).to_le_bytes());
        Some(out.into())
    }

    /// The token that follows part `i` (nothing after the last part, or if none was given).
    fn token<'a>(&self, tokens: &'a [String], i: usize) -> &'a [u8] {
        self.slots
            .get(i)
            .and_then(|&t| tokens.get(t))
            .map_or(&[], |t| t.as_bytes())
    }
}

/// `data` as raw deflate: the last part ends the stream, the others end with a sync flush
/// (on a byte boundary, the stream still open).
fn deflate(data: &[u8], last: bool) -> Bytes {
    let mut e = DeflateEncoder::new(
        Vec::with_capacity(data.len() / 4 + 64),
        Compression::default(),
    );
    // Writing into a Vec cannot fail.
    let _ = e.write_all(data);
    if last {
        return e.finish().unwrap_or_default().into();
    }
    let _ = e.flush();
    std::mem::take(e.get_mut()).into()
}

/// `data` as stored deflate blocks (not final), each starting on a byte boundary.
fn stored_blocks(out: &mut Vec<u8>, data: &[u8]) {
    for chunk in data.chunks(usize::from(u16::MAX)) {
        let len = chunk.len() as u16;
        // BFINAL 0, BTYPE 00 (stored), then padding to the byte.
        out.push(0);
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(chunk);
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    fn gunzip(b: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(b)
            .read_to_end(&mut out)
            .expect("valid gzip");
        out
    }

    fn page(text: &str, marks: &[&str]) -> PageParts {
        let mut found = Vec::new();
        for (token, mark) in marks.iter().enumerate() {
            found.extend(
                text.match_indices(mark)
                    .map(|(at, m)| (at, at + m.len(), token)),
            );
        }
        found.sort();
        PageParts::cut(Bytes::from(text.to_owned()), found)
    }

    #[test]
    fn tokens_go_into_their_places_plain_and_gzipped() {
        let long = "comment text ".repeat(5000);
        let text = format!("<form>[A]</form>{long}<input value=\"[B]\">[A] end");
        let p = page(&text, &["[A]", "[B]"]);
        assert!(p.has_slots());
        let tokens = ["csrf-token".to_owned(), "x".repeat(70_000)];
        let want = text.replace("[A]", &tokens[0]).replace("[B]", &tokens[1]);
        assert_eq!(p.plain(&tokens), want.as_bytes());
        assert!(p.gzipped(&tokens).is_none(), "not compressed yet");
        p.compress();
        let gz = p.gzipped(&tokens).expect("compressed");
        assert_eq!(gunzip(&gz), want.as_bytes(), "one valid gzip member");
        // The page compressed, the tokens (one of them longer than a stored block) as they are.
        let kept = want.len() - tokens[1].len();
        assert!(
            gz.len() < tokens[1].len() + kept / 5,
            "compressed: {} of {}",
            gz.len(),
            want.len()
        );
        // Another reader, other tokens, the same kept parts.
        let other = ["other".to_owned(), String::new()];
        let want = text.replace("[A]", "other").replace("[B]", "");
        assert_eq!(
            gunzip(&p.gzipped(&other).expect("compressed")),
            want.as_bytes()
        );
    }

    #[test]
    fn a_page_without_places_is_one_part() {
        for text in ["", "a public page"] {
            let p = page(text, &["[A]"]);
            assert!(!p.has_slots());
            assert_eq!(p.plain(&[]), text.as_bytes());
            p.compress();
            assert_eq!(
                gunzip(&p.gzipped(&[]).expect("compressed")),
                text.as_bytes()
            );
        }
    }
}
