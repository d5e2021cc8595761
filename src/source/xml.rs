//! XML bodies (nginx-rtmp's stat page, Icecast's admin answers): parsed whole with roxmltree,
//! which refuses DTDs and is bounded by a node limit, and read by tag names that ignore case
//! (Icecast 2.4 writes `<ID>`, 2.5 `<id>`).
// Used by the new sources, registered by the lead after the layout change.

use roxmltree::{Document, Node, ParsingOptions};

use crate::source::web::Bad;

/// Far above any real listing, far below what exhausts memory.
const NODES_LIMIT: u32 = 4_000_000;

/// Parses `body`; the body is bounded by `--max-body-size` before it gets here.
pub fn parse(body: &[u8]) -> Result<Document<'_>, Bad> {
    let text = std::str::from_utf8(body).map_err(|e| Bad::Syntax("XML", e.to_string()))?;
    let options = ParsingOptions {
        allow_dtd: false,
        nodes_limit: NODES_LIMIT,
        ..ParsingOptions::default()
    };
    Document::parse_with_options(text, options).map_err(|e| match e {
        roxmltree::Error::UnexpectedEndOfStream | roxmltree::Error::UnclosedRootNode => {
            Bad::Truncated("XML")
        }
        // A body cut inside a name (`</`, `<cli`) fails as a bad token at the very end.
        other if other.pos() == end_of(text) => Bad::Truncated("XML"),
        other => Bad::Syntax("XML", other.to_string()),
    })
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
pub fn root<'a, 'input>(doc: &'a Document<'input>, name: &str) -> Result<Node<'a, 'input>, Bad> {
    let root = doc.root_element();
    if is(root, name) {
        Ok(root)
    } else {
        Err(Bad::Shape(format!(
            "<{}> where <{name}> was expected",
            root.tag_name().name()
        )))
    }
}

/// Whether `node` is an element called `name`, in any case.
pub fn is(node: Node<'_, '_>, name: &str) -> bool {
    node.is_element() && node.tag_name().name().eq_ignore_ascii_case(name)
}

/// The child elements called `name`.
pub fn children<'a, 'input: 'a>(
    node: Node<'a, 'input>,
    name: &'a str,
) -> impl Iterator<Item = Node<'a, 'input>> + 'a {
    node.children().filter(move |c| is(*c, name))
}

/// The first child element called `name`.
pub fn child<'a, 'input>(node: Node<'a, 'input>, name: &str) -> Option<Node<'a, 'input>> {
    node.children().find(|c| is(*c, name))
}

/// The trimmed text of the first child called `name` (empty for `<name/>`).
pub fn text<'a>(node: Node<'a, '_>, name: &str) -> Option<&'a str> {
    child(node, name).map(|c| c.text().unwrap_or("").trim())
}

/// The number in the child called `name`; `Bad::Shape` when it is there and not a number.
pub fn number<T: std::str::FromStr>(node: Node<'_, '_>, name: &str) -> Result<Option<T>, Bad> {
    match text(node, name) {
        None => Ok(None),
        Some(t) => t
            .parse()
            .map(Some)
            .map_err(|_| Bad::Shape(format!("<{name}> holds {t:?}, not a number"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_and_case_blind() {
        assert_eq!(parse(b"<a><b>").err(), Some(Bad::Truncated("XML")));
        for cut in [
            "<a>\n<b>x</",
            "<a><cli",
            "<?xml version=\"1.0\"?>\n<a><b>é</b></",
        ] {
            assert_eq!(
                parse(cut.as_bytes()).err(),
                Some(Bad::Truncated("XML")),
                "{cut}"
            );
        }
        assert!(matches!(
            parse(b"<a></ b>").err(),
            Some(Bad::Syntax("XML", _))
        ));
        assert!(matches!(
            parse(b"<a></b>").err(),
            Some(Bad::Syntax("XML", _))
        ));
        let dtd = b"<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>";
        assert!(matches!(parse(dtd).err(), Some(Bad::Syntax("XML", _))));
        assert!(matches!(
            parse(b"\xff<a/>").err(),
            Some(Bad::Syntax("XML", _))
        ));
        let doc = parse(b"<Top><ID> 7 </ID><id>8</id><n>x</n><e/></Top>").unwrap();
        let top = root(&doc, "top").unwrap();
        assert_eq!(text(top, "id"), Some("7"));
        assert_eq!(children(top, "ID").count(), 2);
        assert_eq!(number::<u64>(top, "id"), Ok(Some(7)));
        assert_eq!(number::<u64>(top, "missing"), Ok(None));
        assert!(matches!(number::<u64>(top, "n"), Err(Bad::Shape(_))));
        assert_eq!(text(top, "e"), Some(""));
        assert!(matches!(root(&doc, "rtmp"), Err(Bad::Shape(_))));
    }
}
