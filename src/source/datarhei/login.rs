//! Logging in to Core: `POST /api/login`, `GET /api/login/refresh` and the tokens they hand
//! out (the login's client follows no redirect to another origin: `http::login_client`).

use std::time::SystemTime;

use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use reqwest::{Response, StatusCode};

use super::token::Token;
use super::{Datarhei, wire};
use crate::diag;
use crate::error::{Error, Result};
use crate::source::Secret;
use crate::source::http;

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
        // Core answers a wrong password only after a delay: a timeout now says so.
        self.logging_in = true;
        let resp = self.send(req).await;
        self.logging_in = false;
        let resp = resp.map_err(|e| {
            let timed_out = self.timeout_error().to_string();
            if e.to_string() == timed_out {
                self.login_timeout()
            } else {
                e
            }
        })?;
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
                let (user, password) = (user.clone(), password.clone());
                Err(self.refused_login(resp, (&user, password.expose())).await)
            }
            _ => Err(self.status_error(resp).await),
        }
    }

    /// A login refused, not in Core's words, when `--source` was not given may be another
    /// server's answer to a route it does not have: it is asked once what it is (with the same
    /// user and password, as Basic: an SRS's API answers no one else), and the error names the
    /// source to add. A 400 not in Core's words is no refusal of the password, `--source` given
    /// or not.
    async fn refused_login(&mut self, resp: Response, (user, password): (&str, &str)) -> Error {
        let bad_request = resp.status() == StatusCode::BAD_REQUEST;
        let (said, core_said) = self.server_said(resp).await;
        let refused = Error::Auth(format!(
            "login as '{user}' at {} failed ({said}): check --user and the password",
            self.host
        ));
        if core_said {
            return refused;
        }
        let host = &self.host;
        let hint = match self.kind_given {
            true => None,
            false => {
                self.asked = true;
                self.probe(Some((user, password))).await
            }
        };
        match hint {
            Some(hint) => Error::BadReply(format!(
                "{host} refused datarhei Core's login ({said}){hint}"
            )),
            None if bad_request => Error::BadReply(format!(
                "{host} answered datarhei Core's login with {said}, not in Core's words: check --url"
            )),
            None => refused,
        }
    }

    /// Trades the refresh token for a new access token; `false` when Core refuses it. The
    /// refresh token is kept until Core refuses it, so each renewal is not a password login.
    pub(super) async fn refresh_access(&mut self) -> Result<bool> {
        let Some(refresh) = self.refresh.as_ref().map(|t| t.secret().clone()) else {
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
            self.refresh = None;
            return Ok(false);
        }
        let tokens: wire::Tokens = self.read_small_json(resp, "refresh reply").await?;
        self.access = Some(self.server_token(tokens.access_token, "refresh reply")?);
        Ok(true)
    }

    /// Renews an access token whose claims say it has expired or is about to: with the refresh
    /// token unless that has expired too, else (or when Core refuses it) with a login.
    pub(super) async fn renew_early(&mut self, can_login: bool) -> Result<()> {
        diag::trace(format_args!(
            "{}: the access token expires soon: renewing it first",
            self.host
        ));
        let refresh_lasts = self
            .refresh
            .as_ref()
            .is_some_and(|t| !t.stale(SystemTime::now()));
        if refresh_lasts && self.refresh_access().await? {
            return Ok(());
        }
        if can_login {
            self.login().await?;
        }
        Ok(())
    }

    /// A token Core handed out, kept secret from here on; one that cannot go in an HTTP header
    /// is a bad reply, not the user's mistake.
    fn server_token(&self, token: String, what: &str) -> Result<Token> {
        let token = Secret::new(token);
        bearer(&token).map_err(|_| {
            Error::BadReply(format!(
                "{} sent a {what} whose token holds characters that cannot go in an HTTP header",
                self.host
            ))
        })?;
        Ok(Token::new(token))
    }
}

pub(super) fn bearer(token: &Secret) -> Result<HeaderValue> {
    http::bearer(token.expose())
}
