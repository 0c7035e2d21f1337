//! Where the host listens, and the origins and `Host` values that address it.

use std::net::{IpAddr, SocketAddr};

/// The host's own address as a page sees it: the `Origin` its pages send and the `Host` they ask for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Served {
    pub(crate) origins: Vec<String>,
    pub(crate) hosts: Vec<String>,
    /// The URL to print (without the token).
    pub(crate) base_url: String,
}

/// Refuses a non-loopback address unless forced: anything else on the network could reach the socket, and
/// the token would be the only barrier left.
pub(crate) fn check_bind(addr: SocketAddr, force_non_loopback: bool) -> Result<(), String> {
    if addr.ip().is_loopback() || force_non_loopback {
        Ok(())
    } else {
        Err(format!(
            "refusing to bind {addr}: the web host serves loopback only (127.0.0.1 or ::1); \
             call WebHostBuilder::force_non_loopback() if you really mean to expose it"
        ))
    }
}

/// Names a browser may use for the bound address. `localhost` is included for loopback binds because it is
/// what people type; it is still the same machine.
pub(crate) fn served(addr: SocketAddr) -> Served {
    let port = addr.port();
    let literal = match addr.ip() {
        IpAddr::V4(ip) => ip.to_string(),
        IpAddr::V6(ip) => format!("[{ip}]"),
    };
    let mut names = vec![literal.clone()];
    if addr.ip().is_loopback() {
        names.push("localhost".to_owned());
    }
    let mut hosts: Vec<String> = names.iter().map(|n| format!("{n}:{port}")).collect();
    if port == 80 {
        // Browsers leave the default port out of `Host` and `Origin`.
        hosts.extend(names.iter().cloned());
    }
    let origins = hosts.iter().map(|h| format!("http://{h}")).collect();
    Served {
        origins,
        hosts,
        base_url: format!("http://{literal}:{port}/"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_only_unless_forced() {
        assert!(check_bind("127.0.0.1:0".parse().unwrap(), false).is_ok());
        assert!(check_bind("[::1]:0".parse().unwrap(), false).is_ok());
        let err = check_bind("0.0.0.0:8080".parse().unwrap(), false).unwrap_err();
        assert!(err.contains("loopback only"), "{err}");
        assert!(check_bind("192.168.1.2:0".parse().unwrap(), false).is_err());
        assert!(check_bind("0.0.0.0:8080".parse().unwrap(), true).is_ok());
    }

    #[test]
    fn served_names() {
        let v4 = served("127.0.0.1:4321".parse().unwrap());
        assert_eq!(
            v4.origins,
            ["http://127.0.0.1:4321", "http://localhost:4321"]
        );
        assert_eq!(v4.hosts, ["127.0.0.1:4321", "localhost:4321"]);
        assert_eq!(v4.base_url, "http://127.0.0.1:4321/");
        let v6 = served("[::1]:9".parse().unwrap());
        assert_eq!(v6.origins, ["http://[::1]:9", "http://localhost:9"]);
    }
}
