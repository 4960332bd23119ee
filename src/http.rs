//! The HTTP that `post github` and `post gitlab` share: one blocking client that follows
//! no redirect, the next page of a paginated answer (`Link: <…>; rel="next"`), the check
//! that a next page is on the API's own origin before a token is sent there, and server
//! text made fit to quote in a message. What a status means is each forge's own business.
//!
//! ureq with rustls: blocking (one request at a time is all posting needs), no OpenSSL to
//! find on the runner, and it honours the usual proxy variables.

use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
}

/// A server's answer, whatever its status.
pub struct Answer {
    pub status: u16,
    pub body: String,
    headers: Vec<(String, String)>,
}

impl Answer {
    /// A header's value, by its lower-case name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The `rel="next"` target of the `Link` header.
    pub fn next_link(&self) -> Option<String> {
        self.header("link").and_then(next_link)
    }
}

pub struct Client {
    agent: ureq::Agent,
    /// Sent with every request: the token's header and the API's media type.
    headers: Vec<(String, String)>,
}

impl Client {
    pub fn new(headers: Vec<(String, String)>) -> Client {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            // A redirected POST becomes a GET whose answer would pass for the comment, and
            // a redirect may lead anywhere with the token: every 3xx is the caller's error.
            .max_redirects(0)
            .user_agent(concat!("ponder/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Client { agent, headers }
    }

    /// One request with a JSON body (or none); `Err` holds why no answer came.
    pub fn send(&self, method: Method, url: &str, body: Option<&str>) -> Result<Answer, String> {
        let mut response = match method {
            Method::Get => {
                let mut request = self.agent.get(url);
                for (name, value) in &self.headers {
                    request = request.header(name, value);
                }
                request.call()
            }
            Method::Post | Method::Put | Method::Patch => {
                let mut request = match method {
                    Method::Post => self.agent.post(url),
                    Method::Put => self.agent.put(url),
                    _ => self.agent.patch(url),
                };
                for (name, value) in &self.headers {
                    request = request.header(name, value);
                }
                request
                    .header("Content-Type", "application/json")
                    .send(body.unwrap_or(""))
            }
        }
        .map_err(|e| e.to_string())?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .filter_map(|(name, value)| {
                Some((
                    name.as_str().to_ascii_lowercase(),
                    value.to_str().ok()?.to_string(),
                ))
            })
            .collect();
        let body = response
            .body_mut()
            .with_config()
            .limit(32 * 1024 * 1024)
            .read_to_string()
            .map_err(|e| e.to_string())?;
        Ok(Answer {
            status,
            body,
            headers,
        })
    }
}

/// The `rel="next"` target of a `Link` header.
pub fn next_link(header: &str) -> Option<String> {
    header.split(',').find_map(|part| {
        let (target, params) = part.split_once(';')?;
        let is_next = params
            .split(';')
            .any(|p| p.trim().replace(' ', "") == "rel=\"next\"");
        let target = target.trim().strip_prefix('<')?.strip_suffix('>')?;
        is_next.then(|| target.to_string())
    })
}

/// Whether `link` is on the same origin (scheme, host, port) as `api_url`, with no user
/// information (`http://HOST:PORT@other/` names the host `other`).
pub fn same_origin(link: &str, api_url: &str) -> bool {
    let origin = |url: &str| -> Option<(String, String, u16)> {
        let uri: ureq::http::Uri = url.parse().ok()?;
        let authority = uri.authority()?;
        if authority.as_str().contains('@') {
            return None;
        }
        let scheme = uri.scheme_str()?.to_ascii_lowercase();
        let port = match (authority.port_u16(), scheme.as_str()) {
            (Some(port), _) => port,
            (None, "https") => 443,
            (None, "http") => 80,
            (None, _) => return None,
        };
        Some((scheme, authority.host().to_ascii_lowercase(), port))
    };
    match (origin(link), origin(api_url)) {
        (Some(link), Some(api)) => link == api,
        _ => false,
    }
}

/// Text from the server, fit to quote in a message: control characters blanked, at most
/// 300 characters.
pub fn printable(text: &str) -> String {
    let cleaned: String = crate::report::neutral::one_line(text)
        .chars()
        .take(300)
        .collect();
    cleaned.trim().to_string()
}

/// Checks that a write was answered as a forge answers one: `expected` (201 Created, 200
/// OK) and the comment or note itself, with the body that was sent (line ends as `\n`,
/// trailing space trimmed, as the forge stores it). Anything else (another 2xx, a proxy's
/// page) means the write may not have been made, and ponder must not say it was. Returns
/// the written item's id, or why the answer is not one.
pub fn written(answer: &Answer, expected: u16, sent: &str, forge: &str) -> Result<u64, String> {
    #[derive(serde::Deserialize)]
    struct Written {
        id: u64,
        #[serde(default)]
        body: Option<String>,
    }
    if answer.status != expected {
        return Err(format!(
            "status {} where {forge} answers {expected}",
            answer.status
        ));
    }
    let written: Written = serde_json::from_str(&answer.body)
        .map_err(|e| format!("not what {forge} answers a write with ({e})"))?;
    let same = |text: &str| text.replace("\r\n", "\n").trim_end().to_string();
    if written.body.as_deref().map(same) != Some(same(sent)) {
        return Err(format!(
            "what was written ({}) does not hold the report that was sent",
            written.id
        ));
    }
    Ok(written.id)
}

#[cfg(test)]
mod tests {
    use super::{next_link, same_origin};

    #[test]
    fn next_link_is_found_among_the_others() {
        let header = r#"<https://api.github.com/repositories/1/issues/2/comments?page=1>; rel="prev", <https://api.github.com/repositories/1/issues/2/comments?page=3>; rel="next", <https://api.github.com/repositories/1/issues/2/comments?page=9>; rel="last""#;
        assert_eq!(
            next_link(header).as_deref(),
            Some("https://api.github.com/repositories/1/issues/2/comments?page=3")
        );
        assert_eq!(next_link(r#"<https://x/a?page=1>; rel="first""#), None);
        assert_eq!(next_link("garbage"), None);
    }

    #[test]
    fn an_origin_is_scheme_host_and_port_without_user_information() {
        assert!(same_origin(
            "https://gitlab.com/api/v4/x?page=2",
            "https://gitlab.com/api/v4"
        ));
        assert!(same_origin(
            "https://GitLab.com:443/a",
            "https://gitlab.com"
        ));
        assert!(!same_origin("http://gitlab.com/a", "https://gitlab.com"));
        assert!(!same_origin(
            "https://gitlab.com@evil.example/a",
            "https://gitlab.com"
        ));
        assert!(!same_origin("https://evil.example/a", "https://gitlab.com"));
    }
}
