//! Broker addresses: `mqtt://`, `mqtts://`, `ws://` and `wss://` URLs.

use std::fmt;

/// How the console reaches the broker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    Mqtt,
    Mqtts,
    Ws,
    Wss,
}

impl Scheme {
    pub fn is_tls(self) -> bool {
        matches!(self, Self::Mqtts | Self::Wss)
    }

    fn default_port(self) -> u16 {
        match self {
            Self::Mqtt => 1883,
            Self::Mqtts => 8883,
            Self::Ws => 80,
            Self::Wss => 443,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Mqtt => "mqtt",
            Self::Mqtts => "mqtts",
            Self::Ws => "ws",
            Self::Wss => "wss",
        }
    }
}

/// A parsed broker URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokerUrl {
    pub scheme: Scheme,
    /// Host name or IP address (IPv6 without brackets).
    pub host: String,
    pub port: u16,
    /// The WebSocket path, e.g. `/mqtt`; empty for TCP.
    pub path: String,
}

/// Why a broker URL cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    #[error(
        "broker {0:?} has no scheme: write it as mqtts://host:port (TLS), mqtt://, ws:// or wss://"
    )]
    NoScheme(String),
    #[error("broker {url:?}: unknown scheme {scheme:?}; use mqtt, mqtts, ws or wss")]
    UnknownScheme { url: String, scheme: String },
    #[error("broker {0:?} has no host")]
    NoHost(String),
    #[error("broker {url:?}: port {port:?} is not a number from 1 to 65535")]
    BadPort { url: String, port: String },
}

impl BrokerUrl {
    pub fn parse(url: &str) -> Result<Self, UrlError> {
        let Some((scheme_text, rest)) = url.split_once("://") else {
            return Err(UrlError::NoScheme(url.to_owned()));
        };
        let scheme = match scheme_text.to_ascii_lowercase().as_str() {
            "mqtt" | "tcp" => Scheme::Mqtt,
            "mqtts" | "ssl" | "tls" => Scheme::Mqtts,
            "ws" => Scheme::Ws,
            "wss" => Scheme::Wss,
            _ => {
                return Err(UrlError::UnknownScheme {
                    url: url.to_owned(),
                    scheme: scheme_text.to_owned(),
                });
            }
        };
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        };
        let (host, port_text) = if let Some(bracketed) = authority.strip_prefix('[') {
            match bracketed.split_once(']') {
                Some((host, after)) => (host, after.strip_prefix(':')),
                None => return Err(UrlError::NoHost(url.to_owned())),
            }
        } else {
            match authority.rsplit_once(':') {
                Some((host, port)) => (host, Some(port)),
                None => (authority, None),
            }
        };
        if host.is_empty() {
            return Err(UrlError::NoHost(url.to_owned()));
        }
        let port = match port_text {
            None => scheme.default_port(),
            Some(text) => text
                .parse::<u16>()
                .ok()
                .filter(|&p| p != 0)
                .ok_or_else(|| UrlError::BadPort {
                    url: url.to_owned(),
                    port: text.to_owned(),
                })?,
        };
        let path = if matches!(scheme, Scheme::Ws | Scheme::Wss) && path.is_empty() {
            "/mqtt".to_owned()
        } else {
            path.to_owned()
        };
        Ok(Self {
            scheme,
            host: host.to_owned(),
            port,
            path,
        })
    }

    /// `host:port`, bracketing IPv6 addresses.
    pub fn authority(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

impl fmt::Display for BrokerUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}://{}{}",
            self.scheme.name(),
            self.authority(),
            self.path
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn production_url_parses() {
        let url = BrokerUrl::parse("mqtts://iot-partners-mpsa.com:8886").unwrap();
        assert_eq!(url.scheme, Scheme::Mqtts);
        assert_eq!(url.host, "iot-partners-mpsa.com");
        assert_eq!(url.port, 8886);
        assert!(url.scheme.is_tls());
    }

    #[test]
    fn default_ports_and_websocket_path() {
        assert_eq!(BrokerUrl::parse("mqtt://localhost").unwrap().port, 1883);
        assert_eq!(BrokerUrl::parse("mqtts://h").unwrap().port, 8883);
        let ws = BrokerUrl::parse("ws://127.0.0.1:9001").unwrap();
        assert_eq!(ws.path, "/mqtt");
        assert_eq!(ws.to_string(), "ws://127.0.0.1:9001/mqtt");
        assert_eq!(BrokerUrl::parse("wss://h/ws").unwrap().path, "/ws");
    }

    #[test]
    fn ipv6_hosts_are_bracketed() {
        let url = BrokerUrl::parse("mqtt://[::1]:1884").unwrap();
        assert_eq!(url.host, "::1");
        assert_eq!(url.authority(), "[::1]:1884");
    }

    #[test]
    fn bad_urls_say_how_to_fix_them() {
        assert!(
            BrokerUrl::parse("localhost:1883")
                .unwrap_err()
                .to_string()
                .contains("mqtts://host:port")
        );
        assert!(matches!(
            BrokerUrl::parse("http://h"),
            Err(UrlError::UnknownScheme { .. })
        ));
        assert!(matches!(
            BrokerUrl::parse("mqtt://:1883"),
            Err(UrlError::NoHost(_))
        ));
        assert!(matches!(
            BrokerUrl::parse("mqtt://h:99999"),
            Err(UrlError::BadPort { .. })
        ));
        assert!(matches!(
            BrokerUrl::parse("mqtt://h:0"),
            Err(UrlError::BadPort { .. })
        ));
    }
}
