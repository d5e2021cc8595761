//! What in a URL, a query or an SRT stream id is a secret, and the one masking of it (`***`).
//! Sources mask once, where they build a session, so every renderer, `collect`'s lines, the
//! history store and `--listen` get the masked value; the stream's name stays visible wherever
//! it is not itself the secret.
//!
//! What counts as a secret (docs/local.md, "Secrets in URLs"):
//! - a URL's password (`rtmp://user:***@host/…`);
//! - a query value whose key names a secret: it holds `pass`, `pwd`, `token`, `secret`, `key`,
//!   `auth`, `sig`, `jwt` or `cred` (SRT's `passphrase`, `?token=`, `?key=`, MediaMTX's `?pass=`);
//! - RTMP's stream key: the last path segment after the application (`rtmp://host/live/***`),
//!   unless the URL carries its secret elsewhere (a password or such a query value: then that
//!   segment is the stream's name, as MediaMTX's `rtmp://host/cam?user=u&pass=p` has it);
//! - in an SRT `streamid`: under SRT's access control syntax (`#!::r=live/cam,m=publish,s=…`)
//!   `s`, the session token, and any key naming a secret (`r`, `m`, `u`, `h`, `t` stay); in
//!   MediaMTX's `publish:PATH:USER:PASS[:QUERY]` the password; elsewhere (datarhei Core's
//!   `NAME,mode:publish,token:…`) any `key:value` or `key=value` whose key names a secret; and a
//!   query inside it (`r=live/cam?secret=…`) as any query.

use std::borrow::Cow;

/// Whether a query key (or a stream id's key) names a secret.
fn is_secret_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    [
        "pass", "pwd", "token", "secret", "key", "auth", "sig", "jwt", "cred",
    ]
    .iter()
    .any(|s| k.contains(s))
}

/// The schemes whose last path segment is a stream key.
fn is_rtmp(scheme: &str) -> bool {
    ["rtmp", "rtmps", "rtmpt", "rtmpe", "rtmpte", "rtmpts"]
        .iter()
        .any(|s| scheme.eq_ignore_ascii_case(s))
}

/// A URL with its secrets masked; text that is no URL (a file path) as it is.
pub(crate) fn url(raw: &str) -> String {
    let Some((scheme, rest)) = raw.split_once("://") else {
        return raw.to_owned();
    };
    let (before_query, query) = match rest.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (rest, None),
    };
    let (authority, path) =
        before_query.split_at(before_query.find('/').unwrap_or(before_query.len()));
    let (authority, password) = match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _)) => (format!("{user}:***@{host}"), true),
            None => (authority.to_owned(), false),
        },
        None => (authority.to_owned(), false),
    };
    let (query, in_query) = match query {
        Some(q) => {
            let (masked, secret) = masked_query(q);
            (format!("?{masked}"), secret)
        }
        None => (String::new(), false),
    };
    let path = if is_rtmp(scheme) && !password && !in_query {
        stream_key_masked(path)
    } else {
        Cow::Borrowed(path)
    };
    format!("{scheme}://{authority}{path}{query}")
}

/// A query string (`a=1&pass=x`, MediaMTX's `query`) with its secret values masked.
pub(crate) fn query(raw: &str) -> String {
    masked_query(raw).0
}

/// The query masked, and whether it held a secret.
fn masked_query(raw: &str) -> (String, bool) {
    let mut secret = false;
    let pairs: Vec<Cow<'_, str>> = raw
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, _)) if is_secret_key(k) => {
                secret = true;
                Cow::Owned(format!("{k}=***"))
            }
            Some((k, v)) if k.eq_ignore_ascii_case("streamid") => {
                Cow::Owned(format!("{k}={}", stream_id(v)))
            }
            _ => Cow::Borrowed(pair),
        })
        .collect();
    (pairs.join("&"), secret)
}

/// An RTMP path with its stream key, the last segment after the application, masked.
fn stream_key_masked(path: &str) -> Cow<'_, str> {
    let segments: Vec<&str> = path.split('/').collect();
    let filled: Vec<usize> = (0..segments.len())
        .filter(|&i| !segments[i].is_empty())
        .collect();
    match filled.as_slice() {
        [_, .., last] => {
            let mut out = segments.clone();
            out[*last] = "***";
            Cow::Owned(out.join("/"))
        }
        _ => Cow::Borrowed(path),
    }
}

/// An SRT stream id with its secrets masked (see the module's list). A percent-encoded one is
/// read as ffmpeg reads it, decoded, and shown decoded but for `&`, which would end it in the
/// URL's query.
fn stream_id(raw: &str) -> String {
    stream_id_decoded(raw).replace('&', "%26")
}

fn stream_id_decoded(raw: &str) -> String {
    let decoded = match raw.contains('%') {
        true => super::http::percent_decoded(raw).unwrap_or_else(|| raw.to_owned()),
        false => raw.to_owned(),
    };
    if let Some(masked) = mediamtx_stream_id(&decoded) {
        return masked;
    }
    let (prefix, body) = match decoded.strip_prefix("#!::") {
        Some(body) => ("#!::", body),
        None => ("", decoded.as_str()),
    };
    // Items end at a comma, or at an `&` a decoded id may hold; each keeps its separator.
    let items: String = body
        .split_inclusive([',', '&'])
        .map(|item| {
            let (item, end) = match item.strip_suffix([',', '&']) {
                Some(bare) => (bare, &item[bare.len()..]),
                None => (item, ""),
            };
            stream_id_item(item, !prefix.is_empty()) + end
        })
        .collect();
    format!("{prefix}{items}")
}

/// One `key=value` (or Core's `key:value`) of a stream id; `s` is the session token under SRT's
/// access control syntax.
fn stream_id_item(item: &str, access_control: bool) -> String {
    for sep in ['=', ':'] {
        if let Some((key, _)) = item.split_once(sep)
            && (is_secret_key(key) || (access_control && key == "s"))
        {
            return format!("{key}{sep}***");
        }
    }
    match item.split_once('?') {
        Some((before, q)) => format!("{before}?{}", query(q)),
        None => item.to_owned(),
    }
}

/// MediaMTX's `publish:PATH[:QUERY]` or `publish:PATH:USER:PASS[:QUERY]` (`read:` alike).
fn mediamtx_stream_id(id: &str) -> Option<String> {
    let mut parts: Vec<Cow<'_, str>> = id.split(':').map(Cow::Borrowed).collect();
    if !matches!(parts.first().map(|p| p.as_ref()), Some("publish" | "read")) || parts.len() < 3 {
        return None;
    }
    let at_query = if parts.len() == 3 { 2 } else { 4 };
    if parts.len() >= 4 {
        parts[3] = Cow::Borrowed("***");
    }
    if let Some(q) = parts.get_mut(at_query) {
        *q = Cow::Owned(query(q));
    }
    Some(parts.join(":"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_and_secret_query_values_are_masked() {
        assert_eq!(
            url("rtmp://user:pw@host:1935/app/stream?token=abc&x=1"),
            "rtmp://user:***@host:1935/app/stream?token=***&x=1"
        );
        assert_eq!(url("http://u@h/p"), "http://u@h/p");
        assert_eq!(url("/tmp/a?b"), "/tmp/a?b");
        assert_eq!(
            url("https://cdn/x.m3u8?jwt=e.y.j&Signature=s&Expires=1"),
            "https://cdn/x.m3u8?jwt=***&Signature=***&Expires=1"
        );
        assert_eq!(query("user=u&pass=p&x"), "user=u&pass=***&x");
    }

    #[test]
    fn an_rtmp_stream_key_is_masked_where_it_is_the_secret() {
        let cases = [
            ("rtmp://h/live/KEY", "rtmp://h/live/***"),
            (
                "rtmps://a.rtmp.youtube.com:443/live2/KEY/",
                "rtmps://a.rtmp.youtube.com:443/live2/***/",
            ),
            ("RTMP://h/app/inst/KEY?x=1", "RTMP://h/app/inst/***?x=1"),
            ("rtmp://h/live", "rtmp://h/live"),
            ("rtmp://h", "rtmp://h"),
            // The secret is elsewhere: the last segment is the stream's name.
            (
                "rtmp://h/live/cam?user=u&pass=p",
                "rtmp://h/live/cam?user=u&pass=***",
            ),
            ("rtmp://u:p@h/live/cam", "rtmp://u:***@h/live/cam"),
            ("http://h/live/cam", "http://h/live/cam"),
        ];
        for (raw, masked) in cases {
            assert_eq!(url(raw), masked, "{raw}");
        }
    }

    /// What the fuzz target `local_ffmpeg` checks, on every mix of a few awkward pieces: no
    /// query pair of the masked URL whose key names a secret shows its value.
    #[test]
    fn no_secret_query_value_is_left_in_any_mix_of_separators() {
        let pieces = [
            "%26", "&", "=", ":", "?", ",", "pass", "s", "#!::", "x", "%3D", "publish",
        ];
        let mut mixes = vec![String::new()];
        for _ in 0..4 {
            mixes = mixes
                .iter()
                .flat_map(|m| pieces.iter().map(move |p| format!("{m}{p}")))
                .collect();
            for mix in &mixes {
                let masked = url(&format!("srt://h?streamid={mix}=v"));
                let query = masked.split_once('?').map_or("", |(_, q)| q);
                for (key, value) in query.split('&').filter_map(|p| p.split_once('=')) {
                    let secret = is_secret_key(key);
                    assert!(!secret || value == "***", "{mix:?} -> {masked:?}");
                }
            }
        }
    }

    #[test]
    fn srt_stream_ids_keep_the_name_and_lose_the_secret() {
        let cases = [
            (
                "srt://h:9000?streamid=#!::r=live/cam,m=publish,s=SECRET&passphrase=PP&latency=200",
                "srt://h:9000?streamid=#!::r=live/cam,m=publish,s=***&passphrase=***&latency=200",
            ),
            (
                "srt://h?streamid=#!::r=live/cam?secret=S,m=publish,u=bob,token=T",
                "srt://h?streamid=#!::r=live/cam?secret=***,m=publish,u=bob,token=***",
            ),
            (
                "srt://h:8890?streamid=publish:live:mobile:PASS",
                "srt://h:8890?streamid=publish:live:mobile:***",
            ),
            (
                "srt://h?streamid=read:live:u:PASS:token=T&x=1",
                "srt://h?streamid=read:live:u:***:token=***&x=1",
            ),
            (
                "srt://h?streamid=publish:live:token=T",
                "srt://h?streamid=publish:live:token=***",
            ),
            (
                "srt://h?streamid=live.stream,mode:publish,token:T",
                "srt://h?streamid=live.stream,mode:publish,token:***",
            ),
            (
                "srt://h?streamid=%23!%3A%3Ar%3Dlive%2Fcam%2Cs%3DSECRET",
                "srt://h?streamid=#!::r=live/cam,s=***",
            ),
            ("srt://h?streamid=live/cam", "srt://h?streamid=live/cam"),
            (
                "srt://h?streamid=%23!%3A%3Ar%3Dx%26token%3DT%2Cm%3Dpublish",
                "srt://h?streamid=#!::r=x%26token=***,m=publish",
            ),
        ];
        for (raw, masked) in cases {
            assert_eq!(url(raw), masked, "{raw}");
        }
    }
}
