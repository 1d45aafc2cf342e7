"""Inline text: the small allowed markup set, its parsing, and the markup round trip."""

from __future__ import annotations

import html
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsroom import InlineText, LineBreak, Link, Span, Text, ValidationError
from newsroom.inline import LINK_SCHEMES, SPAN_KINDS, SpanKind


def nodes(markup: str) -> tuple[Any, ...]:
    return InlineText.parse(markup).nodes


class TestAllowedMarkup:
    """Each allowed element becomes its node."""

    @pytest.mark.parametrize("tag", SPAN_KINDS)
    def test_spans(self, tag: SpanKind) -> None:
        assert nodes(f"a <{tag}>b</{tag}> c") == (Text("a "), Span(kind=tag, children=(Text("b"),)), Text(" c"))

    @pytest.mark.parametrize(("alias", "kind"), [("i", "em"), ("b", "strong"), ("cite", "em"), ("EM", "em")])
    def test_aliases_and_case(self, alias: str, kind: SpanKind) -> None:
        assert nodes(f"<{alias}>x</{alias}>") == (Span(kind=kind, children=(Text("x"),)),)

    @pytest.mark.parametrize("br", ["<br>", "<br/>", "<br />", "<BR>"])
    def test_line_break(self, br: str) -> None:
        assert nodes(f"a{br}b") == (Text("a"), LineBreak(), Text("b"))

    @pytest.mark.parametrize(
        "href", ["https://caliber.az/en/post/1", "http://example.com", "mailto:desk@example.com", "HTTPS://E.COM"]
    )
    def test_links(self, href: str) -> None:
        assert nodes(f'<a href="{href}">x</a>') == (Link(href=href, children=(Text("x"),)),)

    def test_link_title_and_quoting_styles(self) -> None:
        expected = (Link(href="https://e.com/?a=1&b=2", children=(Text("x"),), title='say "hi"'),)
        assert nodes('<a href="https://e.com/?a=1&amp;b=2" title="say &quot;hi&quot;">x</a>') == expected
        assert nodes("<a href='https://e.com/?a=1&amp;b=2' title='say \"hi\"'>x</a>") == expected

    def test_unquoted_attribute(self) -> None:
        assert nodes("<a href=https://e.com>x</a>") == (Link(href="https://e.com", children=(Text("x"),)),)

    def test_nesting(self) -> None:
        parsed = nodes('<strong>a <em>b <a href="https://e.com">c</a></em></strong>')
        link = Link(href="https://e.com", children=(Text("c"),))
        assert parsed == (Span(kind="strong", children=(Text("a "), Span(kind="em", children=(Text("b "), link)))),)

    def test_harmless_presentation_attributes_are_dropped(self) -> None:
        assert nodes('<em class="x" lang="en">y</em>') == (Span(kind="em", children=(Text("y"),)),)
        assert nodes('<a href="https://e.com" target="_blank" rel="noopener">y</a>') == (
            Link(href="https://e.com", children=(Text("y"),)),
        )

    def test_link_schemes_are_the_documented_ones(self) -> None:
        assert set(LINK_SCHEMES) == {"http", "https", "mailto"}


class TestRejected:
    """Anything outside the set is refused with a message naming it."""

    @pytest.mark.parametrize(
        "tag", ["script", "img", "style", "iframe", "div", "span", "p", "u", "object", "svg", "table", "font"]
    )
    def test_other_tags(self, tag: str) -> None:
        with pytest.raises(ValidationError, match=f"<{tag}> is not allowed") as info:
            InlineText.parse(f"a <{tag}>b</{tag}>")
        for allowed in (*SPAN_KINDS, "a", "br"):
            assert allowed in info.value.rule

    def test_self_closing_img(self) -> None:
        with pytest.raises(ValidationError, match="<img>"):
            InlineText.parse('x <img src="https://e.com/a.png"/>')

    @pytest.mark.parametrize(
        ("markup", "attribute"),
        [
            ('<em onclick="steal()">x</em>', "onclick"),
            ('<a href="https://e.com" onmouseover="x()">x</a>', "onmouseover"),
            ('<strong style="color:red">x</strong>', "style"),
            ('<a href="https://e.com" style="display:none">x</a>', "style"),
            ('<q src="https://e.com">x</q>', "src"),
            ("<em ONLOAD=x>y</em>", "onload"),
        ],
    )
    def test_dangerous_attributes(self, markup: str, attribute: str) -> None:
        with pytest.raises(ValidationError, match=f"attribute '{attribute}' is not allowed"):
            InlineText.parse(markup)

    @pytest.mark.parametrize(
        "href",
        [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "data:text/html,<b>x</b>",
            "vbscript:x",
            "ftp://e.com/file",
            "/relative/path",
            "//e.com/protocol-relative",
            "https://",
            "https://e.com/a b",
            "mailto:nobody",
        ],
    )
    def test_bad_hrefs(self, href: str) -> None:
        with pytest.raises(ValidationError) as info:
            InlineText.parse(f'<a href="{html.escape(href)}">x</a>')
        assert repr(href) in info.value.rule

    def test_link_needs_href(self) -> None:
        with pytest.raises(ValidationError, match="needs an href"):
            InlineText.parse('<a title="t">x</a>')

    @pytest.mark.parametrize(
        ("markup", "message"),
        [
            ("<em>never closed", "<em> is never closed"),
            ("<em><strong>x</em></strong>", "</em> does not match: expected </strong>"),
            ("stray</em>", "</em> does not match: expected no closing tag"),
            ("<strong>a</em>", "</em> does not match: expected </strong>"),
            ("broken <em tag", "malformed tag"),
            ("x </", "malformed tag"),
            ("x <!doctype html>", "malformed tag"),
        ],
    )
    def test_structure_errors(self, markup: str, message: str) -> None:
        with pytest.raises(ValidationError) as info:
            InlineText.parse(markup)
        assert message in info.value.rule

    def test_bad_node_types(self) -> None:
        with pytest.raises(ValidationError, match="not str"):
            InlineText([Text("a"), "b"])
        with pytest.raises(ValidationError, match="not int"):
            InlineText(42)

    @pytest.mark.parametrize(
        "tree",
        [
            [Text(5)],  # type: ignore[arg-type]
            [Span(kind="em", children=["bare string"])],  # type: ignore[list-item]
            [Span(kind="em", children=[Link(href="https://e.com", children=[object()])])],  # type: ignore[list-item]
        ],
        ids=["text-not-str", "string-in-span", "object-in-nested-link"],
    )
    def test_bad_nested_nodes(self, tree: list[Any]) -> None:
        with pytest.raises(ValidationError):
            InlineText(tree)

    def test_bad_span_kind_node(self) -> None:
        with pytest.raises(ValidationError, match="'u'"):
            Span(kind="u", children=())  # type: ignore[arg-type]

    def test_bad_link_node(self) -> None:
        with pytest.raises(ValidationError, match="javascript"):
            Link(href="javascript:x", children=())


class TestTextHandling:
    """Entities, literal characters, white space and control characters."""

    @pytest.mark.parametrize(
        ("markup", "plain"),
        [
            ("a &amp; b", "a & b"),
            ("&lt;em&gt;not markup&lt;/em&gt;", "<em>not markup</em>"),
            ("&copy; 2026 &#8212; &#x41;", "\u00a9 2026 \u2014 A"),
            ("AT&T", "AT&T"),
            ("1 < 2 and 3 > 2", "1 < 2 and 3 > 2"),
            ("x<2", "x<2"),
        ],
    )
    def test_entities_and_literal_characters(self, markup: str, plain: str) -> None:
        parsed = InlineText.parse(markup)
        assert parsed.plain_text() == plain
        assert all(isinstance(n, Text) for n in parsed.nodes)

    def test_escaped_tag_is_text_not_markup(self) -> None:
        assert InlineText.parse("&lt;script&gt;").nodes == (Text("<script>"),)

    def test_comments_are_dropped(self) -> None:
        assert InlineText.parse("a<!-- note to self -->b").plain_text() == "ab"

    def test_white_space_collapses_and_trims(self) -> None:
        assert InlineText.parse("  a \t\n b  ").plain_text() == "a b"
        assert InlineText.parse("  a <em> b </em>  c ").plain_text() == "a  b  c"

    def test_space_inside_a_span_is_kept(self) -> None:
        assert InlineText.parse("Hello<em> world</em>").plain_text() == "Hello world"

    def test_no_break_space_is_kept(self) -> None:
        assert InlineText.parse("10\u00a0km").plain_text() == "10\u00a0km"

    @pytest.mark.parametrize("control", ["\x00", "\x01", "\x07", "\x0b", "\x1f", "\x7f", "\x85", "\x9f"])
    def test_control_characters_are_removed(self, control: str) -> None:
        for build in (InlineText.parse, InlineText.plain, lambda s: InlineText([Text(s)])):
            assert build(f"a{control}b <em>c</em>").plain_text().startswith("ab ")

    def test_control_characters_inside_markup(self) -> None:
        parsed = InlineText.parse("<em>a\x00b</em>")
        assert parsed.nodes == (Span(kind="em", children=(Text("ab"),)),)

    def test_empty(self) -> None:
        for empty in ("", "   ", "<!-- -->"):
            parsed = InlineText.parse(empty)
            assert parsed.nodes == ()
            assert not parsed

    def test_str_is_plain_text(self) -> None:
        assert str(InlineText.parse("a <em>b</em>")) == "a b"


class TestPlain:
    """InlineText.plain keeps literal text: nothing in it is markup."""

    @pytest.mark.parametrize("text", ["a < b & c", "<em>x</em>", "&amp;", "<script>alert(1)</script>", "AT&T <b>"])
    def test_literal(self, text: str) -> None:
        wrapped = InlineText.plain(text)
        assert wrapped.nodes == (Text(text),)
        assert wrapped.plain_text() == text
        assert InlineText.parse(wrapped.markup()) == wrapped

    def test_white_space(self) -> None:
        assert InlineText.plain("  a \n b ").nodes == (Text("a b"),)


class TestLinks:
    """links() yields every link, depth first, in reading order."""

    def test_order_and_nesting(self) -> None:
        parsed = InlineText.parse(
            '<a href="https://one.example">1</a> <em>x <a href="https://two.example">2</a></em> '
            '<strong><q><a href="mailto:three@example.com">3</a></q></strong>'
        )
        assert [link.href for link in parsed.links()] == [
            "https://one.example",
            "https://two.example",
            "mailto:three@example.com",
        ]

    def test_none(self) -> None:
        assert list(InlineText.parse("no <em>links</em>").links()) == []


class TestMarkup:
    """markup() writes the canonical form that parses back to the same nodes."""

    def test_canonical_form(self) -> None:
        parsed = InlineText.parse("<B>x</B> <i>y</i><br/>&copy;")
        assert parsed.markup() == "<strong>x</strong> <em>y</em><br>\u00a9"

    def test_escapes(self) -> None:
        words, href, title = "a < b & c > d", "https://e.com/?a=1&b=2", '"t"'
        text = InlineText([Text(words), Link(href=href, children=[Text("l")], title=title)])
        expected = f'{html.escape(words, quote=False)}<a href="{html.escape(href)}" title="{html.escape(title)}">l</a>'
        assert text.markup() == expected
        assert InlineText(text.markup()) == text


_text = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"]),  # any character but lone surrogates
    max_size=12,
)
_hosts = st.from_regex(r"[a-z][a-z0-9-]{0,8}\.(org|az|example)", fullmatch=True)
_hrefs = st.one_of(
    st.builds(
        lambda scheme, host, path, query: f"{scheme}://{host}/{path}{query}",
        st.sampled_from(["http", "https"]),
        _hosts,
        st.from_regex(r"[A-Za-z0-9._~%/-]{0,10}", fullmatch=True),
        st.sampled_from(["", "?a=1&b=2", '?q="x\'"<>', "#frag"]),
    ),
    st.builds(lambda user, host: f"mailto:{user}@{host}", st.from_regex(r"[a-z]{1,6}", fullmatch=True), _hosts),
)
_nodes = st.recursive(
    st.one_of(st.builds(Text, _text), st.just(LineBreak())),
    lambda children: st.one_of(
        st.builds(lambda k, c: Span(kind=k, children=c), st.sampled_from(SPAN_KINDS), st.lists(children, max_size=4)),
        st.builds(
            lambda h, c, t: Link(href=h, children=c, title=t),
            _hrefs,
            st.lists(children, max_size=3),
            st.none() | _text,
        ),
    ),
    max_leaves=12,
)


class TestRoundTrip:
    """The markup round trip holds for any node tree."""

    @settings(max_examples=300, deadline=None)
    @given(st.lists(_nodes, max_size=6))
    def test_markup_round_trip(self, tree: list[Any]) -> None:
        x = InlineText(tree)
        assert InlineText(x.markup()) == x
        assert InlineText(x.markup()).markup() == x.markup()
        assert [link.href for link in InlineText(x.markup()).links()] == [link.href for link in x.links()]

    @settings(max_examples=200, deadline=None)
    @given(_text)
    def test_plain_round_trip(self, text: str) -> None:
        x = InlineText.plain(text)
        assert InlineText(x.markup()) == x
        assert all(isinstance(n, Text) for n in x.nodes)


class TestLoneSurrogates:
    """No UTF-8 text holds a lone surrogate: inline text refuses one however it is given."""

    @pytest.mark.parametrize(
        "build",
        [
            lambda c: InlineText.parse(f"a{c}b"),
            lambda c: InlineText.parse(f"<em>a{c}</em>"),
            lambda c: InlineText.parse(f"a\x07{c}  b"),  # beside what cleaning removes or collapses
            lambda c: InlineText.parse(f'<a href="https://e.com/" title="t{c}">x</a>'),
            lambda c: InlineText.plain(f"a < b {c}"),
            lambda c: InlineText([Text(f"a{c}")]),  # nodes that are otherwise normal
            lambda c: InlineText([Text("a "), Span(kind="em", children=(Text(c),))]),
            lambda c: InlineText([Link(href="https://e.com/", children=(Text("x"),), title=f"t{c}")]),
            lambda c: InlineText([Link(href=f"https://e.com/{c}", children=(Text("x"),))]),
        ],
        ids=["markup", "in-a-span", "with-controls", "link-title", "plain", "node", "nested-node", "title", "href"],
    )
    @pytest.mark.parametrize("lone", [chr(0xD800), chr(0xDBFF), chr(0xDC00), chr(0xDFFF)], ids=ascii)
    def test_refused(self, build: Any, lone: str) -> None:
        with pytest.raises(ValidationError) as info:
            build(lone)
        assert f"contains a lone surrogate ({lone!a}), which no UTF-8 text can hold" in info.value.rule

    @settings(max_examples=200, deadline=None)
    @given(st.lists(_nodes, min_size=1, max_size=4), st.characters(categories=["Cs"]))
    def test_refused_in_any_tree(self, tree: list[Any], lone: str) -> None:
        with pytest.raises(ValidationError, match="lone surrogate"):
            InlineText([*tree, Span(kind="em", children=(Text(f"x{lone}"),))])
