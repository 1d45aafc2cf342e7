"""The built-in rendition checker: proving the owed link is present, medium by medium."""

from __future__ import annotations

import json

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsroom import CheckReport, LinkScope, Obligation, Rendition, text_satisfies
from newsroom.proofs import html_links, json_strings, newsroom_check_rendition, xml_links
from newsroom.testing import sample_article


CALIBER = Obligation(source="Caliber.Az", url="https://caliber.az", scope=LinkScope.SITE, credit="Caliber.Az")
KYODO = Obligation(source="Kyodo", url="https://english.kyodonews.net", scope=LinkScope.SITE, credit="Kyodo")
ARTICLE = sample_article()
SITE = CALIBER
URLISH = ["https://caliber.az", "HTTPS://www.Caliber.az/x", "https://evil.com/?u=https://caliber.az", "http://a.b"]


def check(content: str | bytes, media_type: str, owed: tuple[Obligation, ...] = (CALIBER,)) -> CheckReport | None:
    data = content.encode("utf-8") if isinstance(content, str) else content
    rendition = Rendition(content=data, media_type=media_type, filename="x", format="test")
    return newsroom_check_rendition(rendition=rendition, article=ARTICLE, owed=owed)


def proves(content: str | bytes, media_type: str, owed: tuple[Obligation, ...] = (CALIBER,)) -> bool:
    report = check(content, media_type, owed)
    assert report is not None
    assert report.proves_attribution
    assert all(v.rule == "attribution" for v in report.violations)
    return not report.violations


def page(body: str, head: str = "") -> str:
    return f"<!DOCTYPE html><html><head><title>t</title>{head}</head><body>{body}</body></html>"


LINK = '<a href="https://caliber.az/en/post/1">Caliber.Az</a>'


class TestHtml:
    """HTML needs a visible, non-empty <a href> to the required host."""

    @pytest.mark.parametrize(
        "body",
        [
            f"<p>Source: {LINK}</p>",
            '<p><a href="https://www.caliber.az"><img src="logo.png" alt=""></a></p>',
            f'<div style="color: red">{LINK}</div>',
            f'<div aria-hidden="false">{LINK}</div>',
            f"<footer><nav><ul><li>{LINK}</li></ul></nav></footer>",
        ],
    )
    def test_visible_link_passes(self, body: str) -> None:
        assert proves(page(body), "text/html")

    def test_media_type_parameters(self) -> None:
        assert proves(page(LINK), "text/html; charset=utf-8")

    def test_fragment_without_html_element(self) -> None:
        assert proves(f"<p>{LINK}</p>", "text/html")

    @pytest.mark.parametrize(
        "body",
        [
            "<p>No link at all, only the words Caliber.Az and https://caliber.az</p>",
            f"<!-- {LINK} --><p>text</p>",
            f"<div hidden>{LINK}</div>",
            f'<div aria-hidden="true"><p>{LINK}</p></div>',
            f'<div aria-hidden="TRUE">{LINK}</div>',
            f'<div style="display:none">{LINK}</div>',
            f'<div style="margin: 0; display : none">{LINK}</div>',
            f'<span style="visibility: hidden">{LINK}</span>',
            '<a href="https://caliber.az" style="display:none">Caliber.Az</a>',
            f"<template>{LINK}</template>",
            f"<noscript>{LINK}</noscript>",
            "<script>document.write('<a href=\"https://caliber.az\">x</a>')</script>",
            '<a href="https://caliber.az"></a>',
            '<a href="https://caliber.az">   </a>',
            '<a href="https://caliber.az.evil.com">Caliber.Az</a>',
            '<a href="https://notcaliber.az">Caliber.Az</a>',
            "<a>Caliber.Az</a>",
            '<a name="https://caliber.az">Caliber.Az</a>',
        ],
    )
    def test_hidden_or_wrong_link_fails(self, body: str) -> None:
        assert not proves(page(body), "text/html")

    @pytest.mark.parametrize(
        "body",
        [
            f'<span class="sr-only">{LINK}</span>',
            f'<div class="note visually-hidden">{LINK}</div>',
            f'<p class="d-none d-print-block">{LINK}</p>',
            f'<div style="opacity: 0">{LINK}</div>',
            f'<div style="font-size:0px;">{LINK}</div>',
            f'<div style="position:absolute; left:-9999px">{LINK}</div>',
            f'<div style="clip: rect(0 0 0 0); position: absolute">{LINK}</div>',
            f'<div style="clip: rect(1px, 1px, 1px, 1px); position: absolute">{LINK}</div>',
            f'<div style="content-visibility: hidden">{LINK}</div>',
            f'<div style="opacity: 0%">{LINK}</div>',
            f'<div style="display: /* a comment */ none">{LINK}</div>',
            f'<div style="transform: scale(0, 0)">{LINK}</div>',
            f'<div style="transform: scaleX(0)">{LINK}</div>',
            f'<div style="scale: 0">{LINK}</div>',
            f'<div style="font: 0/0 a">{LINK}</div>',
            f'<div style="clip-path: circle(0)">{LINK}</div>',
            f'<div style="max-height: 0; overflow: hidden">{LINK}</div>',
            f'<div style="color: transparent">{LINK}</div>',
            f'<div style="text-indent: -99em">{LINK}</div>',
        ],
    )
    def test_hiding_classes_and_styles_fail(self, body: str) -> None:
        assert not proves(page(body), "text/html")

    @pytest.mark.parametrize(
        ("css", "body"),
        [
            (".credit { display: none }", f'<p class="credit">{LINK}</p>'),
            ("footer a{visibility:hidden}", f"<footer>{LINK}</footer>"),
            ("/* x */ #src, .other { opacity: 0; }", f'<p id="src">{LINK}</p>'),
            ("@media screen { .m { display:none } }", f'<div class="m">{LINK}</div>'),
            ("@supports (display: grid) { .g { clip-path: inset(50%) } }", f'<div class="g">{LINK}</div>'),
            ('@charset "utf-8"; @import url(x.css); a[href*="caliber"] { display: none }', f"<p>{LINK}</p>"),
            ("@media not print { a { display: none } }", f"<p>{LINK}</p>"),
            ("<!-- a { display: none } -->", f"<p>{LINK}</p>"),
            ('.x::before { content: "/*" } a { display: none } .y { content: "*/" }', f"<p>{LINK}</p>"),
            ('a, b[title=";"] { display: none }', f"<p>{LINK}</p>"),
            ("a { display: none", f"<p>{LINK}</p>"),  # closed at the end of the sheet, as CSS does
            ('@media print { @font-face { font-family: "{" } } a { display: none }', f"<p>{LINK}</p>"),
            (".wrap { color: red; & a { display: none } }", f'<div class="wrap">{LINK}</div>'),
            ("@layer base { a { visibility: hidden } }", f"<p>{LINK}</p>"),
            ("a:any-link { display: none }", f"<p>{LINK}</p>"),  # unreadable to cssselect: read as "a"
            ("p { content-visibility: hidden }", f"<p>{LINK}</p>"),
        ],
    )
    def test_rules_of_the_pages_own_sheets_fail(self, css: str, body: str) -> None:
        assert not proves(page(body, head=f"<style>{css}</style>"), "text/html")

    @pytest.mark.parametrize(
        ("css", "body"),
        [
            ("@media print { .credit { display: none } }", f'<p class="credit">{LINK}</p>'),
            (".credit:hover { display: none }", f'<p class="credit">{LINK}</p>'),
            (".credit::after { display: none }", f'<p class="credit">{LINK}</p>'),
            (".credit { opacity: 0.5; font-size: 0.8em }", f'<p class="credit">{LINK}</p>'),
            (".other { display: none }", f'<p class="credit">{LINK}</p>'),
            ("p > { broken", f"<p>{LINK}</p>"),
            ("@media print and (min-width: 0) { a { display: none } }", f"<p>{LINK}</p>"),
            ("@media not screen { a { display: none } }", f"<p>{LINK}</p>"),
            ("a:before { display: none }", f"<p>{LINK}</p>"),
            ("a { opacity: ; }", f"<p>{LINK}</p>"),
            ("@keyframes fade { 0% { opacity: 0 } 100% { opacity: 1 } }", f"<p>{LINK}</p>"),
            (".row { font-size: 0 } .row p { font-size: 16px }", f'<div class="row"><p>{LINK}</p></div>'),
            ("p { color: red; & .other { display: none } }", f"<p>{LINK}</p>"),
            ("a { @media print { display: none } }", f"<p>{LINK}</p>"),
        ],
    )
    def test_rules_that_do_not_hide_it_pass(self, css: str, body: str) -> None:
        assert proves(page(body, head=f"<style>{css}</style>"), "text/html")

    @pytest.mark.parametrize(
        "page_html",
        [
            page(f"<p>{LINK}</p>", head='<style media="print">a { display: none }</style>'),
            page(f"<template><style>a {{ display: none }}</style></template><p>{LINK}</p>"),
            page(f'<div class="Hidden">{LINK}</div>'),  # class names are case-sensitive
            page(f'<div class="x\u00a0hide">{LINK}</div>'),  # a no-break space does not split classes
            page(f'<div style="font-size: 0"><span style="font-size: 1rem">{LINK}</span></div>'),
        ],
    )
    def test_sheets_and_classes_that_do_not_apply_pass(self, page_html: str) -> None:
        assert proves(page_html, "text/html")

    def test_link_in_head_fails(self) -> None:
        head = '<link rel="canonical" href="https://caliber.az"><meta property="og:url" content="https://caliber.az">'
        assert not proves(page("<p>text</p>", head=head), "text/html")

    def test_violation_names_the_host_and_source(self) -> None:
        report = check(page(f"<p>{LINK}</p>"), "text/html", (CALIBER, KYODO))
        assert report is not None
        (violation,) = report.violations
        assert violation.rule == "attribution"
        assert "english.kyodonews.net" in violation.message
        assert "Kyodo" in violation.message

    def test_html_links_lists_only_visible_targets(self) -> None:
        html = page(f'<a href="https://a.example">a</a><div hidden>{LINK}</div><a href="https://b.example">b</a>')
        assert list(html_links(html.encode())) == ["https://a.example", "https://b.example"]

    def test_empty_document(self) -> None:
        assert list(html_links(b"  \n")) == []
        assert not proves("", "text/html")


class TestXml:
    """XML needs an element named a or link, in any namespace, with the href."""

    @pytest.mark.parametrize(
        "document",
        [
            '<doc><p>Source: <a href="https://caliber.az">Caliber.Az</a></p></doc>',
            '<doc><link href="https://caliber.az/en/post/1" rel="source"/></doc>',
            '<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/"><link rel="irel:source" href="https://caliber.az"/></newsItem>',
            '<html xmlns="http://www.w3.org/1999/xhtml"><body><a href="https://caliber.az">x</a></body></html>',
            '<x:doc xmlns:x="urn:x"><x:a href="https://www.caliber.az">x</x:a></x:doc>',
            '<?xml version="1.0" encoding="UTF-8"?>\n<doc><a href="https://caliber.az">Калибр</a></doc>',
        ],
    )
    def test_link_passes(self, document: str) -> None:
        assert proves(document, "application/xml")

    @pytest.mark.parametrize(
        "media_type", ["application/xml", "text/xml", "application/vnd.iptc.g2.newsitem+xml", "application/atom+xml"]
    )
    def test_xml_media_types(self, media_type: str) -> None:
        assert proves('<doc><a href="https://caliber.az">x</a></doc>', media_type)
        assert not proves("<doc>https://caliber.az</doc>", media_type)

    @pytest.mark.parametrize(
        "document",
        [
            "<doc><p>https://caliber.az</p></doc>",
            '<doc><!-- <a href="https://caliber.az">x</a> --></doc>',
            '<doc><img src="https://caliber.az/logo.png"/></doc>',
            '<doc><a xlink:href="https://caliber.az" xmlns:xlink="http://www.w3.org/1999/xlink">x</a></doc>',
            '<doc><link href="https://caliber.az.evil.com"/></doc>',
            '<doc><source href="https://caliber.az"/></doc>',
        ],
    )
    def test_no_link_fails(self, document: str) -> None:
        assert not proves(document, "application/xml")

    def test_xml_links(self) -> None:
        document = b'<r xmlns:n="urn:n"><a href="1"/><n:link href="2"/><alink href="3"/><link/></r>'
        assert list(xml_links(document)) == ["1", "2"]


class TestJson:
    """JSON needs a string value that is or contains the URL."""

    @pytest.mark.parametrize(
        "value",
        [
            {"source": "https://caliber.az"},
            {"credit": "Source: Caliber.Az (https://caliber.az/en/post/1)"},
            {"a": [{"b": ["x", "https://www.caliber.az"]}]},
            ["https://caliber.az"],
            "https://caliber.az",
        ],
    )
    def test_string_passes(self, value: object) -> None:
        assert proves(json.dumps(value), "application/json")

    @pytest.mark.parametrize(
        "value",
        [
            {"https://caliber.az": "key only"},
            {"source": "caliber.az"},
            {"n": 1, "ok": True, "none": None},
            {"source": "https://caliber.az.evil.com"},
        ],
    )
    def test_no_string_fails(self, value: object) -> None:
        assert not proves(json.dumps(value), "application/json")

    def test_json_media_types(self) -> None:
        assert proves('{"@id": "https://caliber.az"}', "application/ld+json")
        assert not proves('{"@id": "x"}', "application/ld+json")

    def test_json_lines_end_at_newlines_only(self) -> None:
        # A line separator inside a string (written as itself, not escaped) is no line break.
        lines = '{"t": "a\u2028b https://caliber.az/ c\u0085d"}\n'
        assert proves(lines, "application/x-ndjson")

    def test_json_lines(self) -> None:
        lines = '{"a": "x"}\n\n{"b": "https://caliber.az"}\n'
        assert proves(lines, "application/x-ndjson")

    @pytest.mark.parametrize(
        ("text", "paid"),
        [
            # Escapes the text search cannot read: the walk over decoded values still finds them.
            ('{"source": "https:\\/\\/caliber.az"}', True),
            ('{"source": "\\u0068ttps://caliber.az"}', True),
            ('{"source": "https://caliber\\u002eaz"}', True),
            # A key is no value, however it is spaced or whatever it holds.
            ('{"https://caliber.az" : "x"}', False),
            ('{"https://caliber.az \\" quoted": 1}', False),
            ('{"https://caliber.az"\n:\t"x"}', False),
            # A value after a key that holds the URL, and an escaped quote before the URL.
            ('{"https://caliber.az/x": "https://caliber.az"}', True),
            ('{"q": "say \\"https://caliber.az\\" now"}', True),
            ('{"q": "https://caliber.az.evil.com", "r": "https://evil.com/?u=https://caliber.az"}', False),
            # A value a duplicate key replaces is never seen by a reader of the JSON.
            ('{"credit": "https://caliber.az/", "credit": "removed"}', False),
            ('{"links": ["https://caliber.az/"], "links": []}', False),
        ],
    )
    def test_values_as_a_reader_decodes_them(self, text: str, paid: bool) -> None:
        assert json.loads(text)  # each case is valid JSON
        assert proves(text, "application/json") is paid

    @settings(max_examples=300, deadline=None)
    @given(
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.sampled_from(URLISH) | st.text(max_size=8),
            lambda inner: (
                st.lists(inner, max_size=4)
                | st.dictionaries(st.sampled_from(URLISH) | st.text(max_size=5), inner, max_size=4)
            ),
            max_leaves=12,
        ),
        st.booleans(),
        st.booleans(),
    )
    def test_same_as_walking_every_value(self, value: object, ascii_only: bool, indent: bool) -> None:
        # However the document is spelled, the answer is the one its decoded values give.
        text = json.dumps(value, ensure_ascii=ascii_only, indent=2 if indent else None)
        walked = any(text_satisfies(s, SITE) for s in json_strings(value))
        assert proves(text, "application/json") is walked

    def test_a_deeply_nested_document_is_read_whole(self) -> None:
        # Deeper than Python's recursion allows: the walk goes level by level, without recursion.
        depth = 1000
        assert proves("[" * depth + '"https://caliber.az"' + "]" * depth, "application/json")
        assert not proves("[" * depth + '"https://evil.com"' + "]" * depth, "application/json")

    def test_json_strings_skips_keys(self) -> None:
        assert list(json_strings({"k": ["a", {"k2": "b"}, 3], "k3": "c"})) == ["a", "b", "c"]


class TestPlainText:
    """Plain text needs the URL itself, with its scheme."""

    def test_url_passes(self) -> None:
        assert proves("Japan and Italy...\n\nSource: Caliber.Az https://caliber.az\n", "text/plain")

    @pytest.mark.parametrize("text", ["Source: Caliber.Az", "Source: caliber.az", "www.caliber.az/en"])
    def test_without_scheme_fails(self, text: str) -> None:
        assert not proves(text, "text/plain")

    def test_other_text_types(self) -> None:
        assert proves("Source: https://caliber.az", "text/csv")
        assert proves("Source: https://caliber.az", "text/vnd.example; charset=utf-8")

    def test_every_obligation_is_checked(self) -> None:
        report = check("https://caliber.az", "text/plain", (CALIBER, KYODO))
        assert report is not None
        assert [v.message for v in report.violations] == [f"{KYODO.describe()} is missing from the text"]


class TestMarkdown:
    """Markdown is proved on what a CommonMark renderer shows: a visible link to the host."""

    @pytest.mark.parametrize(
        "text",
        [
            "# Talks\n\nSource: [Caliber.Az](https://caliber.az)\n",
            "Source: [Caliber.Az](<https://caliber.az/en/post/1>)\n",
            "Source: <https://caliber.az>\n",
            "Source: https://caliber.az\n",  # a bare URL is linked, as GitHub and linkify do
            "Source: [Caliber.Az][1]\n\n[1]: https://caliber.az\n",
            '<p>Source: <a href="https://caliber.az">Caliber.Az</a></p>\n',
        ],
    )
    def test_visible_link_passes(self, text: str) -> None:
        assert proves(text, "text/markdown")
        assert proves(text, "text/x-markdown; charset=utf-8")

    @pytest.mark.parametrize(
        ("text", "url", "scope"),
        [
            ("[Xəbər](https://caliber.az/az/post/xəbər)", "https://caliber.az/az/post/xəbər", LinkScope.STORY),
            ("Источник: https://caliber.az/ru/post/новости", "https://caliber.az/ru/post/новости", LinkScope.STORY),
            ("[Пример](https://пример.рф/путь)", "https://пример.рф", LinkScope.SITE),
            ("Mənbə: «https://caliber.az/en/post/1»", "https://caliber.az/en/post/1", LinkScope.STORY),
            (
                '<a href="https://caliber.az/az/post/xəbər">Caliber.Az</a>',
                "https://caliber.az/az/post/xəbər",
                LinkScope.STORY,
            ),
        ],
    )
    def test_non_ascii_links_pass_as_written(self, text: str, url: str, scope: LinkScope) -> None:
        # markdown-it writes such targets percent-encoded and in punycode: the same links.
        owed = (Obligation(source="S", url=url, scope=scope, credit="S"),)
        assert proves(text, "text/markdown", owed)

    @pytest.mark.parametrize(
        "text",
        [
            "See https://caliber.az%2F@evil.com/ here",  # the host a reader reaches is evil.com
            "Source: https://caliber.az/az/post/1%20evil",
            "Source: https://caliber.az/az/post/1(evil)",
            "Source: https://caliber.az/az/post/1'evil",
        ],
    )
    def test_a_bare_url_links_where_the_renderer_links(self, text: str) -> None:
        story = Obligation(source="S", url="https://caliber.az/az/post/1", scope=LinkScope.STORY, credit="S")
        assert not proves(text, "text/markdown", (story,))

    @pytest.mark.parametrize("medium", ["text/markdown", "text/plain"])
    def test_a_closing_mark_of_a_pair_in_the_path_stays_in_every_medium(self, medium: str) -> None:
        paired = Obligation(source="S", url="https://caliber.az/az/«a»", scope=LinkScope.STORY, credit="S")
        cut = Obligation(source="S", url="https://caliber.az/az/«a", scope=LinkScope.STORY, credit="S")
        assert proves("Source: https://caliber.az/az/«a».", medium, (paired,))
        assert not proves("Source: https://caliber.az/az/«a».", medium, (cut,))
        assert proves("Source: «https://caliber.az/az/x»", medium, (attrs.evolve(cut, url="https://caliber.az/az/x"),))

    def test_a_bare_url_with_parentheses_keeps_them(self) -> None:
        wiki = Obligation(
            source="W", url="https://en.wikipedia.org/wiki/Baku_(city)", scope=LinkScope.STORY, credit="W"
        )
        assert proves("Source: https://en.wikipedia.org/wiki/Baku_(city)", "text/markdown", (wiki,))

    def test_a_link_whose_text_is_a_no_break_space_cannot_be_seen(self) -> None:
        assert not proves("[&nbsp;](https://caliber.az)", "text/markdown")

    @pytest.mark.parametrize(
        "text",
        [
            "# Talks\n\n<!-- https://caliber.az -->\n",
            "# Talks\n\n[src]: https://caliber.az\n",  # a definition no link uses shows nothing
            "# Talks\n\n<div hidden>https://caliber.az</div>\n",
            '<div style="display:none"><a href="https://caliber.az">Caliber.Az</a></div>\n',
            "Source: `https://caliber.az`\n",  # code, not a link
            "```\nhttps://caliber.az\n```\n",
            "Source: caliber.az\n",  # no scheme: no link
            "Source: [](https://caliber.az)\n",  # a link with no text cannot be seen
        ],
    )
    def test_link_no_reader_sees_fails(self, text: str) -> None:
        report = check(text, "text/markdown")
        assert report is not None
        assert [v.message for v in report.violations] == [
            f"{CALIBER.describe()} is missing from the rendered Markdown's visible links"
        ]


class TestUnreadable:
    """Input the checker cannot parse is reported as a violation, and proves nothing."""

    @pytest.mark.parametrize(
        ("content", "media_type"),
        [
            (b"<doc><a href='https://caliber.az'>x</doc>", "application/xml"),
            (b"not xml at all", "application/xml"),
            (b'<!DOCTYPE d [<!ENTITY e SYSTEM "file:///etc/passwd">]><d><a href="&e;">x</a></d>', "application/xml"),
            (b'{"source": "https://caliber.az"', "application/json"),
            (b'{"a": 1}\n{oops}\n', "application/x-ndjson"),
            (b"\xff\xfe https://caliber.az", "text/plain"),
            (b'{"source": "\xff https://caliber.az"}', "application/json"),
            (b"<!-- nothing but a comment -->", "text/html"),
        ],
    )
    def test_reported(self, content: bytes, media_type: str) -> None:
        report = check(content, media_type)
        assert report is not None
        assert not report.proves_attribution
        (violation,) = report.violations
        assert violation.rule == "well-formed"
        assert "cannot parse" in violation.message


class TestOtherMediaTypes:
    """Media types the core does not know are left to the plugins that make them."""

    @pytest.mark.parametrize("media_type", ["application/pdf", "image/png", "application/vnd.adobe.indesign-icml"])
    def test_none(self, media_type: str) -> None:
        assert check(b"%PDF-1.7 https://caliber.az", media_type) is None

    def test_nothing_owed_still_reports(self) -> None:
        report = check("<p>no links</p>", "text/html", owed=())
        assert report is not None
        assert report.proves_attribution
        assert report.violations == ()


@pytest.mark.parametrize(
    ("markup", "shown"),
    [
        ('<dialog><a href="https://caliber.az">x</a></dialog>', False),
        ('<dialog open><a href="https://caliber.az">x</a></dialog>', True),
        ('<details><summary>s</summary><a href="https://caliber.az">x</a></details>', False),
        ('<details><summary>s <a href="https://caliber.az">x</a></summary></details>', True),
        ('<details><summary>s</summary><summary><a href="https://caliber.az">x</a></summary></details>', False),
        ('<details open><summary>s</summary><p><a href="https://caliber.az">x</a></p></details>', True),
        ('<details open><details><summary>s</summary><a href="https://caliber.az">x</a></details></details>', False),
    ],
)
def test_closed_dialogs_and_details_hide_their_links(markup: str, shown: bool) -> None:
    # The browser's own sheet hides a dialog that is not open, and a closed details element
    # shows only its (first) summary.
    page = f"<html><body><p>Story.</p>{markup}</body></html>".encode()
    assert list(html_links(page)) == (["https://caliber.az"] if shown else [])
