//! Pattern 2's main side: the one folder the app may read, and opening a name picked from its listing.

use std::io::Read as _;
use std::path::{Path, PathBuf};

use crate::demo::{FileEntry, FileError, OpenedFile};

/// Bytes of a file shown in the page.
const PREVIEW_BYTES: u64 = 400;

/// A folder the renderer may pick files from. Only plain files directly inside it are offered.
#[derive(Debug, Clone)]
pub struct Folder {
    root: PathBuf,
}

impl Folder {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The folder's plain files, sorted by name. Symlinks and sub-folders are left out, so nothing listed
    /// can point outside the folder.
    pub fn list(&self) -> Result<Vec<FileEntry>, FileError> {
        let unreadable = |e: std::io::Error| FileError::Unreadable {
            reason: e.kind().to_string(),
        };
        let mut entries = Vec::new();
        for entry in std::fs::read_dir(&self.root).map_err(unreadable)? {
            let entry = entry.map_err(unreadable)?;
            let kind = entry.file_type().map_err(unreadable)?;
            let Ok(name) = entry.file_name().into_string() else {
                continue;
            };
            if kind.is_file() && !name.starts_with('.') {
                let len = entry.metadata().map_err(unreadable)?.len();
                // Sizes go to JavaScript as numbers; saturate rather than lose precision silently.
                entries.push(FileEntry {
                    name,
                    bytes: u32::try_from(len).unwrap_or(u32::MAX),
                });
            }
        }
        entries.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(entries)
    }

    /// Opens `name` if, and only if, it is in the current listing: the renderer picks, the main side
    /// decides what "allowed" means.
    pub fn open(&self, name: &str) -> Result<OpenedFile, FileError> {
        if name.is_empty() || name.contains(['/', '\\']) || name == "." || name == ".." {
            return Err(FileError::OutsideFolder {
                name: name.to_owned(),
            });
        }
        let entry = self
            .list()?
            .into_iter()
            .find(|e| e.name == name)
            .ok_or_else(|| FileError::NotFound {
                name: name.to_owned(),
            })?;
        let unreadable = |e: std::io::Error| FileError::Unreadable {
            reason: e.kind().to_string(),
        };
        let file = std::fs::File::open(self.root.join(&entry.name)).map_err(unreadable)?;
        let mut head = Vec::new();
        file.take(PREVIEW_BYTES)
            .read_to_end(&mut head)
            .map_err(unreadable)?;
        Ok(OpenedFile {
            name: entry.name,
            bytes: entry.bytes,
            preview: String::from_utf8_lossy(&head).into_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder() -> (Folder, PathBuf) {
        let dir = std::env::temp_dir().join(format!("ipc-examples-files-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        std::fs::write(dir.join("b.txt"), "bee").unwrap();
        std::fs::write(dir.join("a.md"), "# A\n").unwrap();
        std::fs::write(dir.join(".hidden"), "no").unwrap();
        (Folder::new(&dir), dir)
    }

    #[test]
    fn lists_plain_files_sorted_and_opens_only_those() {
        let (folder, dir) = folder();
        let names: Vec<_> = folder.list().unwrap().into_iter().map(|e| e.name).collect();
        assert_eq!(names, ["a.md", "b.txt"]);
        let opened = folder.open("b.txt").unwrap();
        assert_eq!((opened.bytes, opened.preview.as_str()), (3, "bee"));
        assert_eq!(
            folder.open("c.txt"),
            Err(FileError::NotFound {
                name: "c.txt".to_owned()
            })
        );
        assert_eq!(
            folder.open("sub"),
            Err(FileError::NotFound {
                name: "sub".to_owned()
            })
        );
        assert_eq!(
            folder.open(".hidden"),
            Err(FileError::NotFound {
                name: ".hidden".to_owned()
            })
        );
        for outside in ["../b.txt", "..", "/etc/passwd", "sub/x", ""] {
            assert_eq!(
                folder.open(outside),
                Err(FileError::OutsideFolder {
                    name: outside.to_owned()
                }),
                "{outside}"
            );
        }
        std::fs::remove_dir_all(dir).unwrap();
    }
}
