//! The renderer's static files, behind checks tower-http's `ServeDir` does not make: no dotfiles, nothing
//! reached through a link that leaves the folder, no redirect that could name another host, and absurdly long
//! paths answered without touching the file system.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use percent_encoding::percent_decode_str;
use tower_http::services::ServeDir;
use tower_service::Service as _;

/// Longest request path served (bytes, before decoding); longer ones get `414`.
const MAX_PATH_BYTES: usize = 2048;
/// Longest file or folder name on common file systems; a longer segment cannot name a file.
const MAX_SEGMENT_BYTES: usize = 255;

/// The static folder, resolved once at start.
#[derive(Debug, Clone)]
pub(crate) struct StaticFiles {
    root: Arc<PathBuf>,
    serve: ServeDir,
}

impl StaticFiles {
    /// `dir` is resolved now (links included), so later checks compare against its real location.
    pub(crate) fn new(dir: &Path) -> std::io::Result<Self> {
        let root = std::fs::canonicalize(dir)?;
        Ok(Self {
            serve: ServeDir::new(&root).append_index_html_on_directories(true),
            root: Arc::new(root),
        })
    }

    pub(crate) async fn respond(mut self, request: Request) -> Response {
        let path = request.uri().path();
        if path.len() > MAX_PATH_BYTES {
            return (StatusCode::URI_TOO_LONG, "path too long").into_response();
        }
        let Some(segments) = segments(path) else {
            return not_found();
        };
        if !self.inside_root(&segments, path.ends_with('/')).await {
            return not_found();
        }
        // Origin form only: an absolute-form target (`GET http://other/js`) would otherwise be echoed into
        // the `Location` of the folder redirect.
        let (mut parts, body) = request.into_parts();
        let path_and_query = parts
            .uri
            .path_and_query()
            .map_or("/", |p| p.as_str())
            .to_owned();
        let Ok(uri) = Uri::builder().path_and_query(path_and_query).build() else {
            return not_found();
        };
        parts.uri = uri;
        match self.serve.call(Request::from_parts(parts, body)).await {
            Ok(response) => response.map(Body::new),
            Err(never) => match never {},
        }
    }

    /// The real location of the file (or folder and its `index.html`) must be inside the root: a link
    /// pointing out of it is not followed.
    async fn inside_root(&self, segments: &[String], folder_request: bool) -> bool {
        let mut path = PathBuf::from(self.root.as_path());
        path.extend(segments);
        let Ok(real) = tokio::fs::canonicalize(&path).await else {
            return false;
        };
        if !real.starts_with(self.root.as_path()) {
            return false;
        }
        let is_dir = tokio::fs::metadata(&real).await.is_ok_and(|m| m.is_dir());
        if folder_request && is_dir {
            // A missing index is ServeDir's 404; a present one must be inside too.
            return match tokio::fs::canonicalize(real.join("index.html")).await {
                Ok(index) => index.starts_with(self.root.as_path()),
                Err(_) => true,
            };
        }
        true
    }
}

/// The decoded path segments, or `None` for a path that may not be served: a segment starting with `.`
/// (dotfiles, `..`), an empty segment (`//js`, which `ServeDir` would redirect to the protocol-relative
/// `//js/`), a backslash or NUL, a name too long to exist, or bytes that are not UTF-8. `%2F` counts as a
/// separator, as it does for `ServeDir`.
fn segments(path: &str) -> Option<Vec<String>> {
    let decoded = percent_decode_str(path).decode_utf8().ok()?;
    let rest = decoded.strip_prefix('/')?;
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    if rest.is_empty() {
        return Some(Vec::new());
    }
    rest.split('/')
        .map(|segment| {
            let allowed = !segment.is_empty()
                && !segment.starts_with('.')
                && segment.len() <= MAX_SEGMENT_BYTES
                && !segment.contains(['\\', '\0']);
            allowed.then(|| segment.to_owned())
        })
        .collect()
}

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "not found").into_response()
}

#[cfg(test)]
mod tests {
    use super::segments;

    #[test]
    fn paths_that_may_not_be_served() {
        assert_eq!(segments("/"), Some(vec![]));
        assert_eq!(
            segments("/js/main.js"),
            Some(vec!["js".to_owned(), "main.js".to_owned()])
        );
        assert_eq!(segments("/js/"), Some(vec!["js".to_owned()]));
        for bad in [
            "/.secret",
            "/js/.git/config",
            "/%2esecret",
            "/js%2F.env",
            "/..",
            "/a/../b",
            "//js",
            "/js//main.js",
            "/a%5Cb",
            "/a%00",
            "/%ff",
            "",
        ] {
            assert_eq!(segments(bad), None, "{bad}");
        }
        assert_eq!(segments(&format!("/{}", "a".repeat(256))), None);
        assert!(segments(&format!("/{}", "a".repeat(255))).is_some());
    }
}
