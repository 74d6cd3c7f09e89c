//! The shipped rule files, read from `moderation-rules/` at the repository root, for the
//! engine's own tests and bench (the engine reads no files; the app embeds these).

use std::path::Path;

use super::SourceFile;

/// Every rule file (`*.toml`, `*.txt`, `*.model`, `*.weights`), named by its path inside
/// the folder, in name order.
pub fn shipped() -> Vec<SourceFile> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../moderation-rules");
    let mut files = Vec::new();
    read_into(&root, &root, &mut files);
    files.sort_by(|a, b| a.name.cmp(&b.name));
    files
}

fn read_into(root: &Path, dir: &Path, out: &mut Vec<SourceFile>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("a folder entry").path();
        if path.is_dir() {
            read_into(root, &path, out);
            continue;
        }
        let name = SourceFile::name_in(root, &path);
        if SourceFile::is_rule_file(&name) {
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            out.push(SourceFile { name, text });
        }
    }
}
