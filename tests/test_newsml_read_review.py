"""The newsml-g2 reader on partners' odd but valid items, and on bad values in one item of many."""

from __future__ import annotations

import codecs
import io
import re
from datetime import UTC, datetime
from typing import Any

import attrs
import pytest
from tests.conftest import need_shared

import newsroom
import newsroom_newsml
from newsroom.testing import EDITOR, FixedClock, sample_article
from newsroom_newsml import NewsMLReader
from newsroom_newsml.validation import is_newsml


LISTING_2 = ("conformance", "newsml-g2-examples", "LISTING_2_NewsML-G2_Text_Document.xml")
NITF_NS = b' xmlns="http://iptc.org/std/NITF/2006-10-18/"'


def read(content: bytes) -> list[Any]:
    return list(NewsMLReader().read(io.BytesIO(content), source="m.xml"))


def one(content: bytes) -> newsroom.Article:
    (story,) = read(content)
    assert isinstance(story, newsroom.Article), story
    return story


def test_an_nitf_body_written_without_its_namespace_is_read() -> None:
    listing = need_shared(*LISTING_2).read_bytes()
    assert NITF_NS in listing
    with_ns = one(listing)
    without = one(listing.replace(NITF_NS, b""))
    assert len(with_ns.body) == 2  # LISTING_2 has two paragraphs
    assert without.body == with_ns.body
    assert without.headline == with_ns.headline


@pytest.mark.parametrize(
    ("written", "read_as"),
    [
        ("2016-11", datetime(2016, 11, 1, tzinfo=UTC)),
        ("2016", datetime(2016, 1, 1, tzinfo=UTC)),
        ("2016-11-05", datetime(2016, 11, 5, tzinfo=UTC)),
        ("2016-11-05+02:00", datetime(2016, 11, 5, tzinfo=UTC)),
    ],
)
def test_a_truncated_date_is_the_start_of_its_period(written: str, read_as: datetime) -> None:
    listing = need_shared(*LISTING_2).read_bytes()
    truncated = re.sub(rb"<contentCreated>[^<]*<", f"<contentCreated>{written}<".encode(), listing)
    assert one(truncated).first_created == read_as


def test_a_date_that_is_no_date_fails_its_item_naming_the_field() -> None:
    listing = need_shared(*LISTING_2).read_bytes()
    bad = re.sub(rb"<contentCreated>[^<]*<", b"<contentCreated>16/11/2016<", listing)
    (error,) = read(bad)
    assert isinstance(error, newsroom.ReadError)
    assert "first_created" in str(error) or "contentCreated" in str(error)
    assert "16/11/2016" in str(error)


def test_an_image_with_a_relative_source_is_left_out_not_the_story() -> None:
    listing = need_shared(*LISTING_2).read_bytes()
    relative = listing.replace(
        b"<body.content>", b'<body.content><media media-type="image"><media-reference source="photo.jpg"/></media>', 1
    )
    assert relative != listing
    story = one(relative)
    assert story.body == one(listing).body
    assert not any(isinstance(block, newsroom.Image) for block in story.body)


def _published(guid: str, clock: FixedClock) -> newsroom.Article:
    story = attrs.evolve(sample_article(clock=clock), guid=guid)
    for verb in (newsroom.submit, newsroom.approve, newsroom.publish):
        clock.advance(minutes=1)
        story = verb(story, actor=EDITOR, clock=clock)
    return story


@pytest.mark.parametrize(
    ("good", "bad", "field"),
    [
        (b'latitude="35.68"', b'latitude="north"', "located.latitude"),
        (b'value="2026-01-16"', b'value="16/01/2026"', "dateline.date"),
    ],
)
def test_a_bad_value_fails_its_own_item_and_the_message_goes_on(good: bytes, bad: bytes, field: str) -> None:
    clock = FixedClock()
    first, second = _published("urn:test:1", clock), _published("urn:test:2", clock)
    message = newsroom_newsml.message([first, second], clock=clock).content
    assert message.count(good) == 2  # one in each item
    results = read(message.replace(good, bad, 1))
    assert isinstance(results[0], newsroom.ReadError)
    assert f"{field}:" in str(results[0])
    assert "urn:test:1" in str(results[0])
    assert isinstance(results[1], newsroom.Article)
    assert results[1].guid == "urn:test:2"


NAR = b"http://iptc.org/std/nar/2006-10-01/"


@pytest.mark.parametrize(
    "head",
    [
        b'<nar:packageItem xmlns:nar="' + NAR + b'" guid="x">',
        b'<nar:newsMessage xmlns:nar="' + NAR + b'">',
        b'<?xml version="1.0"?>\n<newsItem xmlns="' + NAR + b'" guid="x">',
        codecs.BOM_UTF16_LE + ('<newsItem xmlns="' + NAR.decode() + '">').encode("utf-16-le"),
        codecs.BOM_UTF16_BE + ('<newsMessage xmlns="' + NAR.decode() + '">').encode("utf-16-be"),
    ],
)
def test_newsml_is_recognised_with_a_prefix_or_in_utf16(head: bytes) -> None:
    assert is_newsml(head)


@pytest.mark.parametrize(
    "head",
    [
        b'<html xmlns="' + NAR + b'"><p>newsItem</p>',
        b'<newsItems xmlns="' + NAR + b'">',
        b"<newsItem>",  # not in the NewsML-G2 namespace
    ],
)
def test_other_documents_are_not_taken_for_newsml(head: bytes) -> None:
    assert not is_newsml(head)


def test_a_utf16_item_is_read() -> None:
    clock = FixedClock()
    story = _published("urn:test:utf16", clock)
    content = newsroom.export(story, "newsml-g2", clock=clock).content
    text = content.decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"', 1)
    utf16 = codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    assert is_newsml(utf16[:8192])
    back = one(utf16)
    assert (back.guid, back.headline, back.body) == (story.guid, story.headline, story.body)


def _xhtml_only(content: bytes) -> bytes:
    return content


def _nitf_only(content: bytes) -> bytes:
    """The item with its XHTML rendition removed, so the reader takes the NITF one."""
    from lxml import etree

    root = etree.fromstring(content)
    content_set = root.find("{http://iptc.org/std/nar/2006-10-01/}contentSet")
    assert content_set is not None
    assert content_set[0].get("contenttype") == "application/xhtml+xml"
    content_set.remove(content_set[0])
    return bytes(etree.tostring(root))


@pytest.mark.parametrize("rendition", [_xhtml_only, _nitf_only])
def test_quotes_and_embeds_whose_text_is_a_url_come_back_as_they_were(rendition: Any) -> None:
    body = (
        newsroom.BlockQuote(paragraphs=["Quoted words."], cite=None, cite_url="https://example.com/speech"),
        newsroom.BlockQuote(paragraphs=["Other words."], cite="A. Speaker", cite_url=None),
        newsroom.Embed(
            url="https://www.youtube.com/watch?v=x", title="https://www.youtube.com/watch?v=x", media="video"
        ),
        newsroom.Embed(url="https://www.youtube.com/watch?v=y", title=None, media="video"),
        newsroom.Embed(url="https://www.youtube.com/watch?v=z", title="Press conference", media="video"),
        newsroom.Paragraph(text="The end."),
    )
    story = attrs.evolve(sample_article(), body=body)
    content = newsroom.export(story, "newsml-g2", clock=FixedClock(), options={"nitf": True}).content
    assert one(rendition(content)).body == body


@pytest.mark.parametrize(
    ("home", "scope"),
    [
        ("https://news.example.com", None),
        (None, None),
        ("https://news.example.com", newsroom.LinkScope.SITE),  # a site-wide policy needs the home page
        ("https://news.example.com", newsroom.LinkScope.STORY),
        (None, newsroom.LinkScope.STORY),
    ],
)
def test_the_publishers_story_url_comes_back(home: str | None, scope: newsroom.LinkScope | None) -> None:
    policy = newsroom.AttributionPolicy(scope=scope) if scope is not None else None
    publisher = newsroom.Source(
        name="Example News", home=home, url="https://news.example.com/world/japan-italy-talks", policy=policy
    )
    story = attrs.evolve(sample_article(), publisher=publisher)
    content = newsroom.export(story, "newsml-g2", clock=FixedClock()).content
    assert one(content).publisher == publisher


def test_a_line_break_in_a_one_line_element_reads_as_one_space() -> None:
    clock = FixedClock()
    content = newsroom.export(_published("urn:test:br", clock), "newsml-g2", clock=clock).content
    headline = b"<headline>Japan, Italy unite on Ukraine"
    assert headline in content
    story = one(content.replace(headline, b"<headline>Japan, <br/>  Italy unite on Ukraine", 1))
    assert story.headline.startswith("Japan, Italy unite on Ukraine")


def test_a_kill_notice_says_nothing_of_the_embargo() -> None:
    clock = FixedClock()
    story = attrs.evolve(sample_article(clock=clock), guid="urn:test:kill", embargo_until=clock.now)
    for verb in (newsroom.submit, newsroom.approve, newsroom.publish):
        clock.advance(minutes=1)
        story = verb(story, actor=EDITOR, clock=clock)
    clock.advance(hours=1)
    killed = newsroom.kill(story, actor=EDITOR, clock=clock, reason="Legal")
    content = newsroom.export(killed, "newsml-g2", clock=clock).content
    assert b"stat:canceled" in content
    # A kill takes effect at once: no embargo for a partner to hold it by, and no note of one.
    assert b"Not for publication before" not in content
    assert b"<embargoed>" not in content
    published = newsroom.export(story, "newsml-g2", clock=clock).content
    assert b"Not for publication before" in published
    assert b"<embargoed>" in published
    assert one(content).embargo_until is None
