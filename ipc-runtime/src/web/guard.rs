//! Request checks made before anything is served or upgraded: the `Host` header (DNS rebinding) and, for the
//! WebSocket, the `Origin` header (cross-site WebSocket hijacking: browsers let any page open a socket to
//! loopback, but they always say which origin it came from).

use axum::http::{HeaderMap, StatusCode, header};

/// Which origins may open a socket, and under which origin the trait's policy sees them.
#[derive(Debug, Clone)]
pub(crate) struct OriginPolicy {
    /// Origins of the pages this host serves itself.
    pub(crate) served: Vec<String>,
    /// The origin the service's allowlist checks for those pages; `None` keeps the browser's value.
    pub(crate) page_origin: Option<String>,
    /// Other origins allowed to connect (say a dev server on another port), passed through unchanged.
    pub(crate) extra: Vec<String>,
}

/// A refused request: status and a plain-text reason for the client (no secrets in it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refused {
    pub(crate) status: StatusCode,
    pub(crate) reason: String,
}

impl Refused {
    fn forbidden(reason: String) -> Self {
        Self {
            status: StatusCode::FORBIDDEN,
            reason,
        }
    }
}

/// Exact match of the `Host` header against the names the host was bound under.
pub(crate) fn check_host(headers: &HeaderMap, hosts: &[String]) -> Result<(), Refused> {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    if hosts.iter().any(|h| h == host) {
        Ok(())
    } else {
        Err(Refused {
            status: StatusCode::MISDIRECTED_REQUEST,
            reason: format!("unexpected Host header {host:?}"),
        })
    }
}

/// Exact match of the `Origin` header; a missing or opaque (`null`) origin fails closed. Returns the origin
/// the trait's policy will see.
pub(crate) fn check_origin(headers: &HeaderMap, policy: &OriginPolicy) -> Result<String, Refused> {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return Err(Refused::forbidden("missing Origin header".to_owned()));
    };
    let Ok(origin) = origin.to_str() else {
        return Err(Refused::forbidden("unreadable Origin header".to_owned()));
    };
    if policy.served.iter().any(|o| o == origin) {
        return Ok(policy
            .page_origin
            .clone()
            .unwrap_or_else(|| origin.to_owned()));
    }
    if policy.extra.iter().any(|o| o == origin) {
        return Ok(origin.to_owned());
    }
    Err(Refused::forbidden(format!(
        "origin {origin:?} may not connect"
    )))
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn headers(name: header::HeaderName, value: &str) -> HeaderMap {
        let mut map = HeaderMap::new();
        map.insert(name, HeaderValue::from_str(value).unwrap());
        map
    }

    fn policy(page_origin: Option<&str>) -> OriginPolicy {
        OriginPolicy {
            served: vec![
                "http://127.0.0.1:7000".to_owned(),
                "http://localhost:7000".to_owned(),
            ],
            page_origin: page_origin.map(str::to_owned),
            extra: vec!["http://127.0.0.1:5173".to_owned()],
        }
    }

    #[test]
    fn origin_is_matched_exactly_and_mapped() {
        let h = |o| headers(header::ORIGIN, o);
        assert_eq!(
            check_origin(&h("http://127.0.0.1:7000"), &policy(None)).unwrap(),
            "http://127.0.0.1:7000"
        );
        assert_eq!(
            check_origin(&h("http://localhost:7000"), &policy(Some("app://main"))).unwrap(),
            "app://main"
        );
        assert_eq!(
            check_origin(&h("http://127.0.0.1:5173"), &policy(Some("app://main"))).unwrap(),
            "http://127.0.0.1:5173"
        );
        for bad in [
            "http://127.0.0.1:7000.evil.example",
            "http://127.0.0.1:70",
            "https://127.0.0.1:7000",
            "null",
            "",
        ] {
            let refused = check_origin(&h(bad), &policy(None)).unwrap_err();
            assert_eq!(refused.status, StatusCode::FORBIDDEN, "{bad}");
        }
        assert_eq!(
            check_origin(&HeaderMap::new(), &policy(None))
                .unwrap_err()
                .reason,
            "missing Origin header"
        );
    }

    #[test]
    fn host_is_matched_exactly() {
        let hosts = ["127.0.0.1:7000".to_owned()];
        assert!(check_host(&headers(header::HOST, "127.0.0.1:7000"), &hosts).is_ok());
        assert!(check_host(&headers(header::HOST, "attacker.example:7000"), &hosts).is_err());
        assert!(check_host(&HeaderMap::new(), &hosts).is_err());
    }
}
