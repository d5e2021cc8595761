//! Logging in to Core: `POST /api/login`, `GET /api/login/refresh`, the tokens they hand out,
//! and the redirect rules that keep the password and the refresh token at the origin `--url`
//! names.

use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use reqwest::{StatusCode, Url, redirect};

use super::{Datarhei, wire};
use crate::config::Secret;
use crate::diag;
use crate::error::{Error, Result};
use crate::source::net;

const MAX_REDIRECTS: usize = 5;

impl Datarhei {
    pub(super) async fn login(&mut self) -> Result<()> {
        let (Some(user), Some(password)) = (&self.credentials.user, &self.credentials.password)
        else {
            return Ok(());
        };
        let body = serde_json::json!({ "username": user, "password": password.expose() });
        let req = self
            .login_http
            .post(self.endpoint("/api/login", None))
            .header(CONTENT_TYPE, "application/json")
            .header(ACCEPT, "application/json")
            .body(body.to_string());
        let resp = self.send(req).await?;
        match resp.status() {
            StatusCode::OK => {
                let tokens: wire::Tokens = self.read_small_json(resp, "login reply").await?;
                self.access = Some(self.server_token(tokens.access_token, "login reply")?);
                self.refresh = tokens
                    .refresh_token
                    .map(|t| self.server_token(t, "login reply"))
                    .transpose()?;
                Ok(())
            }
            // The route exists only when Core's auth is on: no login is needed.
            StatusCode::NOT_FOUND => {
                diag::trace(format_args!(
                    "{}: /api/login does not exist: auth is disabled, continuing without a token",
                    self.host
                ));
                Ok(())
            }
            StatusCode::BAD_REQUEST | StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
                let said = self.server_words(resp).await;
                Err(Error::Auth(format!(
                    "login as '{user}' at {} failed ({said}): check --user and the password",
                    self.host
                )))
            }
            _ => Err(self.status_error(resp).await),
        }
    }

    /// Trades the refresh token for a new access token; `false` when Core refuses it.
    pub(super) async fn refresh_access(&mut self) -> Result<bool> {
        let Some(refresh) = self.refresh.take() else {
            return Ok(false);
        };
        let req = self
            .login_http
            .get(self.endpoint("/api/login/refresh", None))
            .header(ACCEPT, "application/json")
            .header(AUTHORIZATION, bearer(&refresh)?);
        let resp = self.send(req).await?;
        if resp.status() != StatusCode::OK {
            diag::trace(format_args!(
                "{}: token refresh refused ({})",
                self.host,
                resp.status()
            ));
            return Ok(false);
        }
        let tokens: wire::Tokens = self.read_small_json(resp, "refresh reply").await?;
        self.access = Some(self.server_token(tokens.access_token, "refresh reply")?);
        Ok(true)
    }

    /// A token Core handed out, kept secret from here on; one that cannot go in an HTTP header
    /// is a bad reply, not the user's mistake.
    fn server_token(&self, token: String, what: &str) -> Result<Secret> {
        let token = Secret::new(token);
        bearer(&token).map_err(|_| {
            Error::BadReply(format!(
                "{} sent a {what} whose token holds characters that cannot go in an HTTP header",
                self.host
            ))
        })?;
        Ok(token)
    }
}

pub(super) fn bearer(token: &Secret) -> Result<HeaderValue> {
    let mut value = HeaderValue::from_str(&format!("Bearer {}", token.expose())).map_err(|_| {
        Error::Usage("the token holds characters that cannot go in an HTTP header".into())
    })?;
    value.set_sensitive(true);
    Ok(value)
}

/// Follows a few redirects, never from https down to http (reqwest already drops the
/// Authorization header when the host changes); with `same_origin`, none to another scheme, host
/// or port either: a 307/308 would re-send the login's body, password included, over there.
pub(super) fn redirect_policy(same_origin: bool) -> redirect::Policy {
    redirect::Policy::custom(move |attempt| {
        let downgrade = attempt.url().scheme() == "http"
            && attempt.previous().iter().any(|u| u.scheme() == "https");
        let first = attempt.previous().first().map(Url::origin);
        if same_origin && first.is_some_and(|o| o != attempt.url().origin()) {
            let to = net::host_label(attempt.url());
            attempt.error(OtherOrigin(to))
        } else if downgrade {
            attempt.error("refusing a redirect from https to http")
        } else if attempt.previous().len() > MAX_REDIRECTS {
            attempt.error("too many redirects")
        } else {
            attempt.follow()
        }
    })
}

/// Raised by the login's redirect policy: the redirect leads to this other `host:port`.
#[derive(Debug, thiserror::Error)]
#[error("redirect to another origin ({0})")]
pub(super) struct OtherOrigin(pub String);
