//! XML bodies (nginx-rtmp's stat page, Icecast's admin answers): parsed whole with roxmltree,
//! which refuses DTDs and is bounded by a node limit, and read by tag names that ignore case
//! (Icecast 2.4 writes `<ID>`, 2.5 `<id>`). What a parse builds is estimated before it starts.

use roxmltree::{Document, Node, ParsingOptions};

use crate::mask::quoted;
use crate::source::decode::DecodeError;

/// Far above any real listing, far below what exhausts memory.
const NODES_LIMIT: u32 = 4_000_000;
/// At most this many `=` between two `<`, so at most this many attributes in one element:
/// roxmltree checks each attribute against the element's others (time quadratic in their
/// number: 1,000 a element parse 20× slower than plain elements), and these servers write two.
const ATTRIBUTES_LIMIT: usize = 64;

/// What roxmltree keeps for a node (an element, a text, a comment) and for an attribute
/// (measured: 72 bytes each, roxmltree 0.21).
pub(crate) const NODE: u64 = 72;
pub(crate) const ATTRIBUTE: u64 = 72;
/// The allocation of a text or attribute value that had to be unescaped (`&lt;`, a line break in
/// an attribute): its bytes count with the body's, its header and rounding here.
const UNESCAPED: u64 = 32;

/// At most what parsing `body` builds, and its rows once each element called `row` becomes
/// `per_row` bytes (the text they copy from the body is the caller's to count). Counted from
/// the bytes: a node per `<` that opens an element or a comment, a text node per `>` that no `<`
/// follows, an attribute per `=`. roxmltree reserves a node per `<`; a tree that outgrows that
/// (texts beside self-closed elements) is copied once into twice the room.
pub(crate) fn cost(body: &[u8], row: &str, per_row: u64) -> u64 {
    let (mut tags, mut opened, mut rows) = (0u64, 0u64, 0u64);
    for at in memchr::memchr_iter(b'<', body) {
        tags += 1;
        let rest = &body[at + 1..];
        if rest.first() == Some(&b'/') {
            continue;
        }
        opened += 1;
        // A name ends before the next `<` at the latest, so the names scanned never overlap.
        let end = rest
            .iter()
            .position(|&b| b.is_ascii_whitespace() || matches!(b, b'/' | b'>' | b'<'))
            .unwrap_or(rest.len());
        let name = &rest[..end];
        // The name without a namespace prefix, as `is` compares it.
        let local = name.rsplit(|&b| b == b':').next().unwrap_or(name);
        if local.eq_ignore_ascii_case(row.as_bytes()) {
            rows += 1;
        }
    }
    let texts = memchr::memchr_iter(b'>', body)
        .filter(|&at| body.get(at + 1).is_some_and(|&b| b != b'<'))
        .count() as u64;
    let attributes = memchr::memchr_iter(b'=', body).count() as u64;
    let nodes = opened + texts;
    let slots = if nodes > tags { nodes + tags } else { nodes };
    slots
        .saturating_mul(NODE)
        .saturating_add(attributes.saturating_mul(ATTRIBUTE))
        .saturating_add((texts + attributes).saturating_mul(UNESCAPED))
        .saturating_add(rows.saturating_mul(per_row))
}

/// Parses `body`; the body is bounded by `--max-body-size` before it gets here.
pub(crate) fn parse(body: &[u8]) -> Result<Document<'_>, DecodeError> {
    let text = std::str::from_utf8(body).map_err(|e| DecodeError::Syntax("XML", e.to_string()))?;
    linear(body)?;
    let options = ParsingOptions {
        allow_dtd: false,
        nodes_limit: NODES_LIMIT,
        ..ParsingOptions::default()
    };
    Document::parse_with_options(text, options).map_err(|e| match e {
        roxmltree::Error::UnexpectedEndOfStream | roxmltree::Error::UnclosedRootNode => {
            DecodeError::Truncated("XML")
        }
        // A body cut inside a name (`</`, `<cli`) fails as a bad token at the very end.
        other if other.pos() == end_of(text) => DecodeError::Truncated("XML"),
        other => DecodeError::Syntax("XML", quoted(&other)),
    })
}

/// Refuses what would make roxmltree's time grow faster than the body: many attributes in one
/// element, and namespaces (each element that declares one copies, and each prefixed name
/// searches, every namespace in scope). Neither server writes a namespace.
fn linear(body: &[u8]) -> Result<(), DecodeError> {
    if memchr::memmem::find(body, b"xmlns").is_some() {
        return Err(DecodeError::Shape(
            "an XML namespace (xmlns), which this server does not write".into(),
        ));
    }
    // No `<` inside an element's start tag (not even in an attribute's value): its attributes
    // are among the `=` before the next `<`.
    let crowded = body.split(|&b| b == b'<').any(|tag| {
        memchr::memchr_iter(b'=', tag)
            .nth(ATTRIBUTES_LIMIT)
            .is_some()
    });
    if crowded {
        return Err(DecodeError::Shape(format!(
            "an element with more than {ATTRIBUTES_LIMIT} attributes"
        )));
    }
    Ok(())
}

/// Where roxmltree places the end of `text`: rows counted by line feeds, columns by characters.
fn end_of(text: &str) -> roxmltree::TextPos {
    let row = 1 + text.bytes().filter(|&b| b == b'\n').count();
    let last = text.rsplit('\n').next().unwrap_or("");
    let col = 1 + last.chars().count();
    roxmltree::TextPos::new(
        u32::try_from(row).unwrap_or(u32::MAX),
        u32::try_from(col).unwrap_or(u32::MAX),
    )
}

/// The root element, which must be `name`.
pub(crate) fn root<'a, 'input>(
    doc: &'a Document<'input>,
    name: &str,
) -> Result<Node<'a, 'input>, DecodeError> {
    let root = doc.root_element();
    if is(root, name) {
        Ok(root)
    } else {
        let found = quoted(&root.tag_name().name());
        Err(DecodeError::Shape(format!(
            "<{found}> where <{name}> was expected"
        )))
    }
}

/// Whether `node` is an element called `name`, in any case.
pub(crate) fn is(node: Node<'_, '_>, name: &str) -> bool {
    node.is_element() && node.tag_name().name().eq_ignore_ascii_case(name)
}

/// The child elements called `name`.
pub(crate) fn children<'a, 'input: 'a>(
    node: Node<'a, 'input>,
    name: &'a str,
) -> impl Iterator<Item = Node<'a, 'input>> + 'a {
    node.children().filter(move |c| is(*c, name))
}

/// The first child element called `name`.
pub(crate) fn child<'a, 'input>(node: Node<'a, 'input>, name: &str) -> Option<Node<'a, 'input>> {
    node.children().find(|c| is(*c, name))
}

/// The trimmed text of the first child called `name` (empty for `<name/>`).
pub(crate) fn text<'a>(node: Node<'a, '_>, name: &str) -> Option<&'a str> {
    child(node, name).map(|c| c.text().unwrap_or("").trim())
}

/// The number in the child called `name`; `DecodeError::Shape` when it is there and not a number.
pub(crate) fn number<T: std::str::FromStr>(
    node: Node<'_, '_>,
    name: &str,
) -> Result<Option<T>, DecodeError> {
    match text(node, name) {
        None => Ok(None),
        Some(t) => t.parse().map(Some).map_err(|_| {
            let t = quoted(&format_args!("{t:?}"));
            DecodeError::Shape(format!("<{name}> holds {t}, not a number"))
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_and_case_blind() {
        assert_eq!(parse(b"<a><b>").err(), Some(DecodeError::Truncated("XML")));
        for cut in [
            "<a>\n<b>x</",
            "<a><cli",
            "<?xml version=\"1.0\"?>\n<a><b>é</b></",
        ] {
            assert_eq!(
                parse(cut.as_bytes()).err(),
                Some(DecodeError::Truncated("XML")),
                "{cut}"
            );
        }
        assert!(matches!(
            parse(b"<a></ b>").err(),
            Some(DecodeError::Syntax("XML", _))
        ));
        assert!(matches!(
            parse(b"<a></b>").err(),
            Some(DecodeError::Syntax("XML", _))
        ));
        let dtd = b"<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>";
        assert!(matches!(
            parse(dtd).err(),
            Some(DecodeError::Syntax("XML", _))
        ));
        assert!(matches!(
            parse(b"\xff<a/>").err(),
            Some(DecodeError::Syntax("XML", _))
        ));
        let doc = parse(b"<Top><ID> 7 </ID><id>8</id><n>x</n><e/></Top>").unwrap();
        let top = root(&doc, "top").unwrap();
        assert_eq!(text(top, "id"), Some("7"));
        assert_eq!(children(top, "ID").count(), 2);
        assert_eq!(number::<u64>(top, "id"), Ok(Some(7)));
        assert_eq!(number::<u64>(top, "missing"), Ok(None));
        assert!(matches!(
            number::<u64>(top, "n"),
            Err(DecodeError::Shape(_))
        ));
        assert_eq!(text(top, "e"), Some(""));
        assert!(matches!(root(&doc, "rtmp"), Err(DecodeError::Shape(_))));
    }

    #[test]
    fn what_would_parse_in_more_than_linear_time_is_refused() {
        let attributes = |n: usize| {
            let list: String = (0..n).map(|i| format!(" a{i}=\"\"")).collect();
            format!("<r><e{list}/></r>")
        };
        assert!(parse(attributes(ATTRIBUTES_LIMIT).as_bytes()).is_ok());
        assert_eq!(
            parse(attributes(ATTRIBUTES_LIMIT + 1).as_bytes()).err(),
            Some(DecodeError::Shape(
                "an element with more than 64 attributes".into()
            ))
        );
        assert_eq!(
            parse(br#"<r xmlns:p="u"><p:e/></r>"#).err(),
            Some(DecodeError::Shape(
                "an XML namespace (xmlns), which this server does not write".into()
            ))
        );
    }

    #[test]
    fn the_cost_counts_nodes_attributes_and_rows() {
        // Three elements, one text, one attribute; two rows (one in a namespace, any case).
        let body = br#"<a><Client x="1">t</Client><n:client/></a>"#;
        assert_eq!(
            cost(body, "client", 1000),
            4 * NODE + ATTRIBUTE + 2 * UNESCAPED + 2000
        );
        assert_eq!(
            cost(body, "other", 1000),
            4 * NODE + ATTRIBUTE + 2 * UNESCAPED
        );
        // A text beside each self-closed element: more nodes than `<`, so the tree was copied.
        let grown = b"<r><a/>x<a/>x</r>";
        assert_eq!(cost(grown, "a", 0), (5 + 4) * NODE + 2 * UNESCAPED);
        // A name that never ends is scanned once, not once per `<`.
        assert_eq!(cost(&[b'<'; 5], "client", 1000), 5 * NODE);
        assert_eq!(cost(b"", "client", 1000), 0);
    }
}
