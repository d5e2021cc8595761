//! A JWT that Core handed out (or the user gave) and when to renew it, read from its `exp` and
//! `iat` claims. They are read unverified: only Core can check the signature, and a wrong time
//! costs one refused request, after which the token is renewed as before.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;

use crate::source::Secret;

/// How long before its expiry a token is renewed: room for a request in flight and for a clock a
/// little off from Core's. Never more than a tenth of the token's life, so that a short-lived
/// token is used before it is renewed.
const RENEW_BEFORE_S: f64 = 30.0;

/// Claims past this size are not a token Core made (its claims are ~200 bytes).
const CLAIMS_LIMIT: usize = 4096;

pub(super) struct Token {
    secret: Secret,
    expires: Option<f64>,
    renew_at: Option<f64>,
}

impl Token {
    pub(super) fn new(secret: Secret) -> Token {
        let claims = claims(secret.expose());
        let expires = claims.as_ref().and_then(|c| c.exp);
        let renew_at = expires.map(|exp| {
            let life = claims.as_ref().and_then(|c| c.iat).map(|iat| exp - iat);
            let before = life
                .filter(|l| *l > 0.0)
                .map_or(RENEW_BEFORE_S, |l| (l / 10.0).min(RENEW_BEFORE_S));
            exp - before
        });
        Token {
            secret,
            expires,
            renew_at,
        }
    }

    pub(super) fn secret(&self) -> &Secret {
        &self.secret
    }

    /// Whether the token is expired, or about to be, at `now`, as far as its claims tell.
    pub(super) fn stale(&self, now: SystemTime) -> bool {
        self.renew_at.is_some_and(|at| seconds(now) >= at)
    }

    /// When the token expired, if its claims say it has by `now`.
    pub(super) fn expired(&self, now: SystemTime) -> Option<SystemTime> {
        let exp = self.expires.filter(|&exp| seconds(now) >= exp)?;
        Some(UNIX_EPOCH + Duration::from_secs_f64(exp))
    }
}

#[derive(Deserialize)]
struct Claims {
    exp: Option<f64>,
    iat: Option<f64>,
}

/// The claims of a JWT (`header.claims.signature`), when they hold a plausible `exp`.
fn claims(jwt: &str) -> Option<Claims> {
    let mut parts = jwt.split('.');
    let (_, payload, _) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || payload.len() > CLAIMS_LIMIT {
        return None;
    }
    let bytes = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    let claims: Claims = serde_json::from_slice(&bytes).ok()?;
    // A time a SystemTime can hold on every platform: 1970 to 9999.
    let plausible = |t: &f64| t.is_finite() && (0.0..253_402_300_800.0).contains(t);
    Some(Claims {
        exp: Some(claims.exp.filter(plausible)?),
        iat: claims.iat.filter(plausible),
    })
}

fn seconds(t: SystemTime) -> f64 {
    t.duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(claims: &str) -> Secret {
        Secret::new(format!(
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.{}.c2ln",
            URL_SAFE_NO_PAD.encode(claims)
        ))
    }

    fn at(s: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(s)
    }

    #[test]
    fn a_core_token_is_renewed_thirty_seconds_before_it_expires() {
        // Claims of a real Core login (shared/protocols/datarhei-samples/login-*.json).
        let token = Token::new(jwt(
            r#"{"exi":600,"exp":1795494906,"iat":1795494306,"iss":"datarhei-core","sub":"admin","usefor":"access"}"#,
        ));
        assert!(!token.stale(at(1_795_494_875)));
        assert!(token.stale(at(1_795_494_876)));
        assert_eq!(token.expired(at(1_795_494_905)), None);
        assert_eq!(token.expired(at(1_795_494_907)), Some(at(1_795_494_906)));
    }

    #[test]
    fn a_short_lived_token_is_renewed_in_its_last_tenth() {
        let token = Token::new(jwt(r#"{"exp":1000,"iat":980}"#));
        assert!(!token.stale(at(997)));
        assert!(token.stale(at(998)));
        let no_iat = Token::new(jwt(r#"{"exp":1000}"#));
        assert!(!no_iat.stale(at(969)) && no_iat.stale(at(970)));
    }

    #[test]
    fn tokens_without_a_plausible_expiry_are_used_until_refused() {
        for token in [
            Secret::new("not-a-jwt"),
            Secret::new("a.b.c"),
            Secret::new("a.b.c.d"),
            jwt(r#"{"sub":"admin"}"#),
            jwt(r#"{"exp":"soon"}"#),
            jwt(r#"{"exp":-5}"#),
            jwt(r#"{"exp":1e300}"#),
            jwt("[1]"),
        ] {
            let token = Token::new(token);
            assert!(
                !token.stale(at(u64::MAX / 4)),
                "{}",
                token.secret().expose()
            );
            assert_eq!(token.expired(at(u64::MAX / 4)), None);
        }
    }
}
