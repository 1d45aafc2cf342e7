"""The newsml-g2 reader's inline text: what foreign markup becomes, and the DTD scan's edge cases.

Expected values are worked out by hand from the rules in ``newsroom_newsml.markup`` (unknown
elements give their words, a link that is not http(s) or mailto gives its words, white space
collapses as HTML renders it), not copied from the reader's output.
"""

from __future__ import annotations

import io
from typing import Any

import pytest

import newsroom
from newsroom import LineBreak, Link, Span, Text
from newsroom_newsml import NewsMLReader


NAR = "http://iptc.org/std/nar/2006-10-01/"
XHTML = "http://www.w3.org/1999/xhtml"


def item(body: str, *, item_meta: str = "") -> bytes:
    return (
        f'<newsItem xmlns="{NAR}" guid="urn:x" standard="NewsML-G2" standardversion="2.35">'
        '<itemMeta><itemClass qcode="ninat:text"/><provider qcode="nprov:X"/>'
        f"<versionCreated>2026-01-01T10:00:00Z</versionCreated>{item_meta}</itemMeta>"
        "<contentMeta><headline>H</headline></contentMeta>"
        '<contentSet><inlineXML contenttype="application/xhtml+xml">'
        f'<html xmlns="{XHTML}"><body>{body}</body></html>'
        "</inlineXML></contentSet></newsItem>"
    ).encode()


def read(content: bytes) -> newsroom.Article:
    (story,) = NewsMLReader().read(io.BytesIO(content), source="test.xml")
    assert isinstance(story, newsroom.Article), story
    return story


def paragraph_nodes(body: str) -> tuple[Any, ...]:
    (block,) = read(item(body)).body
    assert isinstance(block, newsroom.Paragraph)
    return block.text.nodes


def test_words_of_unwrapped_elements_and_around_comments_join_one_run() -> None:
    nodes = paragraph_nodes(
        "<p>Talks <span>went</span><!-- an editor's note --> well, "
        '<abbr>EU</abbr> <a href="javascript:steal()">officials</a> <i>said</i>.</p>'
    )
    assert nodes == (Text("Talks went well, EU officials "), Span(kind="em", children=(Text("said"),)), Text("."))


def test_nested_markup_and_line_breaks() -> None:
    link = Link(href="https://example.com/a", children=(Text("b "), Span(kind="strong", children=(Text("c"),))))
    nodes = paragraph_nodes('<p><em>a <a href=" https://example.com/a ">b <b>c</b></a></em> d<br/>e</p>')
    assert nodes == (Span(kind="em", children=(Text("a "), link)), Text(" d"), LineBreak(), Text("e"))


def test_a_bad_link_inside_markup_keeps_its_markup_and_words() -> None:
    nodes = paragraph_nodes('<p>x <a href="/relative">y <q>z</q> w</a> v</p>')
    assert nodes == (Text("x y "), Span(kind="q", children=(Text("z"),)), Text(" w v"))


def test_pretty_printed_paragraphs_collapse_white_space() -> None:
    nodes = paragraph_nodes("<p>\n    First line,\n    <em>  stressed  </em>\n    and\tthe end.\n  </p>")
    assert nodes == (Text("First line, "), Span(kind="em", children=(Text(" stressed "),)), Text(" and the end."))


def test_span_kinds_come_from_the_class_in_block_markup() -> None:
    link = (
        '<link rel="irel:associatedWith" href="https://example.com/p.jpg" title="A photo"><description>'
        'A <span class="strong">big</span> <span class="nope">small</span> <a href="https://example.com/">deal</a>'
        "</description></link>"
    )
    (image,) = read(item("<p>x</p>", item_meta=link)).media
    assert image.caption is not None
    assert image.caption.nodes == (
        Text("A "),
        Span(kind="strong", children=(Text("big"),)),
        Text(" small "),
        Link(href="https://example.com/", children=(Text("deal"),)),
    )


@pytest.mark.parametrize("bangs", [0, 5, 200])
def test_a_dtd_is_refused_however_many_exclamation_marks_come_first(bangs: int) -> None:
    before = b"<!--" + b"!" * bangs + b"-->"
    content = b'<?xml version="1.0"?>' + before + b'<!DOCTYPE newsItem [<!ENTITY e "x">]>' + item("<p>Hi!</p>")
    with pytest.raises(newsroom.ReadError, match="declares a DTD"):
        list(NewsMLReader().read(io.BytesIO(content), source="test.xml"))


@pytest.mark.parametrize("bangs", [0, 5, 200])
def test_exclamation_marks_alone_are_no_dtd(bangs: int) -> None:
    story = read(item("<p>Hi" + "!" * bangs + " <!-- wow! --></p>"))
    assert story.body[0].plain_text() == "Hi" + "!" * bangs
