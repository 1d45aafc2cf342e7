"""The newsml-g2 reader: round trips, IPTC's own examples, messages, and hostile input.

The facts asserted for IPTC's examples were read from the files themselves (the shared
conformance folder), not from the reader's output.
"""

from __future__ import annotations

import io
import time
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from tests.conftest import need_shared

import newsroom
from newsroom.testing import EDITOR, FixedClock, articles, plugin_host, sample_article
from newsroom_newsml import NewsMLExporter, NewsMLReader
from newsroom_newsml.validation import load_schema


EXAMPLES = ("conformance", "newsml-g2-examples")


def read_bytes(content: bytes, reader: NewsMLReader | None = None) -> list[Any]:
    return list((reader or NewsMLReader()).read(io.BytesIO(content), source="test.xml"))


def read_one(content: bytes) -> newsroom.Article:
    items = read_bytes(content)
    assert len(items) == 1
    assert isinstance(items[0], newsroom.Article), items[0]
    return items[0]


def example(name: str) -> newsroom.Article:
    return read_one(need_shared(*EXAMPLES, name).read_bytes())


def render(story: newsroom.Article, now: datetime, **options: Any) -> bytes:
    """The exporter's output for exactly this story (no pipeline, so nothing is withheld), checked
    against the NewsML-G2 2.35 (+ NITF 3.6) schema."""
    context = newsroom.ExportContext(
        now=now, attribution=newsroom.attribution_lines(story), owed=newsroom.obligations(story), options=options
    )
    content = NewsMLExporter().export(story, context).content
    schema = load_schema(need_shared("schemas"))
    assert schema.validate(etree.fromstring(content)), str(schema.error_log)
    return content


def paragraphs(story: newsroom.Article) -> list[str]:
    return [b.plain_text() for b in story.body]


# --------------------------------------------------------------------------- round trip


def carried(story: newsroom.Article, now: datetime) -> dict[str, Any]:
    """The fields NewsML-G2 carries, as the reader must give them back (docs/formats/newsml-g2.md)."""
    return {
        "guid": story.guid,
        "version": story.version,
        "language": story.language,
        "headline": story.headline,
        "kicker": story.kicker,
        "deck": story.deck,
        "slugline": story.slugline,
        "summary": story.summary,
        "body": story.body,
        "section": (story.section.name, story.section.path) if story.section else None,
        "bylines": story.bylines,
        "dateline": story.dateline,
        "located": story.located,
        "keywords": story.keywords,
        "subjects": story.subjects,
        "genre": story.genre,
        "urgency": story.urgency,
        "first_created": story.first_created,
        "published": story.published,
        # Without a modified time the item's versionCreated (the next best time) comes back.
        "modified": story.modified or story.published or story.first_created or now,
        # A kill notice takes effect at once: it carries no embargo.
        "embargo_until": None if story.state is newsroom.PublishState.KILLED else story.embargo_until,
        "canonical_url": story.canonical_url,
        # Lead images keep src, alt, caption and credit; their pixel size is not carried.
        "media": tuple(attrs.evolve(m, width=None, height=None) for m in story.media),
        "rights": story.rights,
        "publisher": (story.publisher.name, story.publisher.home, story.publisher.policy) if story.publisher else None,
        "sources": story.sources,
        "corrections": story.corrections,
    }


def back(story: newsroom.Article) -> dict[str, Any]:
    out = carried(story, datetime.min.replace(tzinfo=UTC))
    out["modified"] = story.modified
    return out


words = st.text(alphabet=st.characters(categories=("L", "N", "Zs", "P")), min_size=1, max_size=20).filter(
    lambda w: w.strip() != ""
)
urls = st.from_regex(r"https://[a-z]{1,8}\.example\.(com|org)/[a-z0-9-]{0,12}", fullmatch=True)
policies = st.none() | st.builds(newsroom.AttributionPolicy, credit=st.none() | words, notice=st.none() | words)


@st.composite
def rich_stories(draw: st.DrawFn) -> newsroom.Article:
    """articles(), plus the fields it leaves empty: place, dateline, genre, lead images, rights..."""
    story = draw(articles())
    place = draw(
        st.none()
        | st.builds(
            newsroom.Place,
            name=words,
            country=st.none() | st.sampled_from(["JP", "AZ", "RU", "GB"]),
            region=st.none() | words,
            uri=st.none() | urls,
            latitude=st.floats(-90, 90),
            longitude=st.floats(-180, 180),
        )
    )
    home = draw(urls)
    return attrs.evolve(
        story,
        located=place,
        dateline=draw(st.none() | st.builds(newsroom.Dateline, place=words, date=st.none() | st.dates())),
        genre=draw(st.none() | st.builds(newsroom.Concept, code=st.just("genre:Current"), label=words)),
        media=draw(
            st.lists(
                st.builds(newsroom.Image, src=urls, alt=words, caption=st.none() | words, credit=st.none() | words),
                max_size=2,
            )
        ),
        rights=draw(
            st.none() | st.builds(newsroom.Rights, holder=words, notice=st.none() | words, holder_url=st.none() | urls)
        ),
        publisher=draw(st.none() | st.builds(newsroom.Source, name=words, home=st.just(home), policy=policies)),
        slugline=draw(st.none() | words),
        bylines=draw(
            st.lists(
                st.builds(
                    newsroom.Person,
                    name=words.filter(lambda w: any(c.isalnum() for c in w)),
                    url=st.none() | urls,
                    role=st.sampled_from(["author", "correspondent", "editor", "photographer", "fact checker"]),
                ),
                max_size=3,
            )
        ),
        urgency=draw(st.none() | st.integers(1, 9)),
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(story=rich_stories())
def test_round_trip_keeps_every_field_the_format_carries(story: newsroom.Article) -> None:
    now = datetime(2031, 5, 1, 12, 0, tzinfo=UTC)
    content = render(story, now, nitf=True)
    got = read_one(content)
    assert back(got) == carried(story, now)
    assert got.state is newsroom.PublishState.DRAFT, "a received story enters the workflow as a draft"
    assert got.history == ()


@pytest.mark.parametrize("space", ["\u1680", "\xa0", "\u2009"])
def test_unicode_spaces_in_one_line_values_come_back_as_written(space: str) -> None:
    # HTML collapses ASCII white space only: an Ogham space mark or a no-break space is a character.
    now = datetime(2031, 5, 1, 12, 0, tzinfo=UTC)
    image = newsroom.Image(src="https://a.example.org/p.jpg", alt="A", credit=f"0{space}0", caption=f"x{space}y")
    story = attrs.evolve(sample_article(), body=[*sample_article().body, image])
    got = read_one(render(story, now, nitf=True))
    assert back(got) == carried(story, now)
    read_image = [b for b in got.body if isinstance(b, newsroom.Image)][-1]
    assert read_image.credit == f"0{space}0"


def test_round_trip_of_the_sample_story(clock: FixedClock) -> None:
    story = sample_article(clock=clock)
    got = read_one(render(story, clock.now))
    assert back(got) == carried(story, clock.now)
    assert got.extra["newsml:pubStatus"] == "stat:withheld"
    assert got.ed_note is None, "the editor's note is never written, so it never comes back"


def test_round_trip_through_the_pipeline_of_a_killed_story(clock: FixedClock) -> None:
    story = sample_article(clock=clock)
    for verb in (newsroom.submit, newsroom.approve, newsroom.publish):
        clock.advance(minutes=1)
        story = verb(story, actor=EDITOR, clock=clock)
    killed = newsroom.kill(story, reason="legal", notice="Withdrawn: see our note.", actor=EDITOR, clock=clock)
    content = newsroom.export(killed, "newsml-g2", clock=clock, host=plugin_host()).content
    got = read_one(content)
    assert got.version == killed.version
    assert got.extra["newsml:pubStatus"] == "stat:canceled"
    assert paragraphs(got) == ["Withdrawn: see our note."]
    assert [(c.kind.value, c.text, c.version) for c in got.corrections] == [
        ("retraction", "Withdrawn: see our note.", killed.version)
    ]


# --------------------------------------------------------------------------- IPTC's examples


TEXT_ITEMS: dict[str, dict[str, Any]] = {
    "LISTING_1_A_NewsML-G2_News_Item.xml": {
        "guid": "urn:newsml:acmenews.com:20161018:US-FINANCE-FED",
        "version": 11,
        "language": "en-GB",
        "headline": 'Fed to halt QE to avert "bubble"',
        "first_created": datetime(2016, 10, 18, 13, 12, 21, tzinfo=timezone(timedelta(hours=-5))),
        "modified": datetime(2018, 10, 21, 16, 22, 45, tzinfo=timezone(timedelta(hours=-5))),
        "embargo_until": datetime(2018, 10, 23, 12, 0, tzinfo=UTC),
        "creators": [("Meredith Jameson", "http://www.example.com/staff/mjameson")],
        "body": [],
    },
    "LISTING_2_NewsML-G2_Text_Document.xml": {
        "guid": "urn:newsml:acmenews.com:20161121:US-FINANCE-FED",
        "version": 11,
        "language": "en-US",
        "headline": 'Fed to halt QE to avert "bubble"',
        "first_created": datetime(2016, 11, 21, 15, 21, 6, tzinfo=timezone(timedelta(hours=-5))),
        "modified": datetime(2018, 11, 21, 16, 22, 45, tzinfo=timezone(timedelta(hours=-5))),
        "creators": [("Meredith Jameson", "http://www.acmenews.com/staff/mjameson")],
        "body": [
            ("(New York, NY - October 21) Et, sent luptat luptat, commy Nim zzriureet", "ad ex el utat."),
            ("Ugiating ea feugait utat, venim velent nim quis nulluptat num", "esto cons dolutpat, si."),
        ],
    },
    "Receiver_View.xml": {
        "guid": "urn:newsml:NAG.com:20161121:US-FINANCE-FED",
        "version": 11,
        "language": "en-US",
        "headline": 'Fed to halt QE to avert "bubble"',
        "urgency": 5,
        "first_created": datetime(2016, 11, 21, 15, 21, 6, tzinfo=timezone(timedelta(hours=-5))),
        "modified": datetime(2018, 11, 21, 16, 22, 45, tzinfo=timezone(timedelta(hours=-5))),
        "creators": [("Meredith Jameson", "http://www.NAG.com/staff/mjameson")],
        "body": [
            ("(New York, NY - November 21) Et, sent luptat luptat, commy Nim zzriureet", "lum doloreet vulla."),
            ("Ugiating ea feugait utat, venim velent nim quis nulluptat num", "ercin utpatio dolorpercing."),
        ],
    },
    "LISTING_22_Sports_story_in_NewsML-G2NITF.xml": {
        "guid": "tag:xmlteam.com,2016:xt.5932656-preview",
        "version": 11,
        "language": "en-US",
        "headline": "Preview: Arizona Diamondbacks (29-23) at Philadelphia Phillies (26-24), 7:05 p.m.",
        "first_created": datetime(2016, 10, 19, 11, 15, tzinfo=timezone(timedelta(hours=-5))),
        "modified": datetime(2018, 10, 19, 11, 45, tzinfo=timezone(timedelta(hours=-4))),
        "creators": [("The Sports Network", None)],
        "summary": "A pair of teams coming off big weekend sweeps will square off tonight at Citizens Bank Park, "
        "where the Philadelphia Phillies welcome the Arizona Diamondbacks for the start of a three-game series.",
        "body": [
            ("(Sports Network) - A pair of teams coming off big weekend sweeps", "start of a three-game series."),
            ("The Phillies picked up some momentum", "all four of their games against the Houston Astros."),
            ("On Sunday, Livan Hernandez threw his first complete game", "to complete the sweep."),
            ("Arizona sends Doug Davis to the hill tonight", "each of his last three outings."),
            ("The Phillies, meanwhile, notched their first sweep", "a pair of two-run homers in the win."),
            ("Right-hander Freddy Garcia takes the hill", "0-2 over his last six starts."),
        ],
    },
    "LISTING_29_Hop_History.xml": {
        "guid": "urn:newsml:acmenews.com:20161019T1205:HOP-HISTORY-EXAMPLE",
        "version": 11,
        "language": "en-US",
        "headline": "urn:newsml:acmenews.com:20161019T1205:HOP-HISTORY-EXAMPLE",  # no headline: the guid stands in
        "modified": datetime(2018, 10, 19, 20, 15, tzinfo=UTC),
        "creators": [],
        "body": [],
    },
    "unittest_2.12_CR00156_add_link_property_to_rightsinfo.xml": {
        "guid": "simplest-test",
        "version": 1,
        "language": "en-GB",
        "headline": "simplest-test",
        "modified": datetime(2020, 6, 22, 12, 0, tzinfo=timezone(timedelta(hours=3))),
        "creators": [],
        "body": [],
    },
    "unittest_2.34_CR00219_datamining_in_rightsinfo_otherconstraints.xml": {
        "guid": "simplest-test",
        "version": 1,
        "language": "en-GB",
        "headline": "simplest-test",
        "modified": datetime(2024, 2, 23, 12, 0, tzinfo=timezone(timedelta(hours=3))),
        "creators": [],
        "body": [],
    },
}


@pytest.mark.parametrize("name", sorted(TEXT_ITEMS))
def test_iptc_text_item(name: str) -> None:
    facts = TEXT_ITEMS[name]
    story = example(name)
    assert story.guid == facts["guid"]
    assert story.version == facts["version"]
    assert story.language == facts["language"]
    assert story.headline == facts["headline"]
    assert story.first_created == facts.get("first_created")
    assert story.modified == facts["modified"]
    assert story.modified.utcoffset() == facts["modified"].utcoffset(), "the item's own offset is kept"
    assert story.embargo_until == facts.get("embargo_until")
    assert story.urgency == facts.get("urgency")
    assert [(p.name, p.url) for p in story.bylines] == facts["creators"]
    assert all(p.role == "author" for p in story.bylines)
    if "summary" in facts:
        assert story.summary == facts["summary"]
    texts = paragraphs(story)
    assert len(texts) == len(facts["body"])
    for text, (start, end) in zip(texts, facts["body"], strict=True):
        assert text.startswith(start), text
        assert text.endswith(end), text
        assert "\n" not in text, "pretty-printing white space is not content"


def test_iptc_listing_1_details() -> None:
    story = example("LISTING_1_A_NewsML-G2_News_Item.xml")
    assert story.slugline == "US-Finance-Fed"
    assert [(c.code, c.label) for c in story.subjects] == [
        ("medtop:04000000", "economy, business and finance"),
        ("medtop:20000523", "labour market"),
    ]
    assert story.genre == newsroom.Concept(code="genre:interview", label="Interview")
    assert story.located is not None
    assert (story.located.name, story.located.country, story.located.region) == ("Berlin", "DE", "Berlin")
    assert story.rights == newsroom.Rights(
        holder="Example Enews LLP",
        notice="Copyright 2017-18 Example Enews LLP, all rights reserved",
        holder_url="http://www.example.com/about.html#copyright",
    )
    assert story.ed_note is not None
    assert story.ed_note.startswith("Note to editors: STRICTLY EMBARGOED.")
    assert story.extra["newsml:usageTerms"] == "Not for use outside the United States"
    assert story.extra["newsml:signal"] == "sig:update"
    assert story.extra["newsml:service"] == "svc:uknews"
    assert [s.home for s in story.sources] == ["http://www.example.com"]


def test_iptc_listing_2_details() -> None:
    story = example("LISTING_2_NewsML-G2_Text_Document.xml")
    assert [(s.name, s.role.value) for s in story.sources] == [("Associated Press", "source")]
    assert story.located is not None
    assert story.located.name == "New York, NY"
    assert len(story.subjects) == 3
    assert story.publisher is not None
    assert story.publisher.home == "http://www.acmenews.com/about/"


def test_iptc_news_message() -> None:
    content = need_shared(*EXAMPLES, "unittest_NAR1.9_CR00127_extend_newsmessage_header.xml").read_bytes()
    (story,) = read_bytes(content)
    assert isinstance(story, newsroom.Article)
    assert story.guid == "simplest-test"
    assert story.modified == datetime(2020, 6, 22, 9, 0, tzinfo=UTC)
    assert story.body == ()


def test_iptc_abridged_message_gives_an_error_per_stub_item() -> None:
    """LISTING_24 is a template: its four newsItems are '.....' stubs, and its package has no guid."""
    results = read_bytes(
        need_shared(*EXAMPLES, "LISTING_24_News_Message_conveying_a_complete_News_Package.xml").read_bytes()
    )
    assert [type(r).__name__ for r in results] == ["ReadError"] * 4
    assert all("no itemMeta" in str(r) for r in results)
    assert [str(r).split(": ")[1] for r in results] == ["N1", "N2", "N3", "N4"]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("LISTING_6_Simple_NewsML-G2_Package.xml", "packageItem holds no story"),
        ("LISTING_23_SportsML-G2_Package.xml", "packageItem holds no story"),
        ("LISTING_7_Group_Set_example_showing_Hierarchical_Package_Structure.xml", "not a NewsML-G2 newsItem"),
        ("LISTING_25_An_NITF_marked-up_article_conveyed_in_inlineXML.xml", "not a NewsML-G2 newsItem"),
        ("LISTING_28_Illustrating_Located_Subject_and_Dateline.xml", "not a NewsML-G2 newsItem"),
    ],
)
def test_iptc_files_that_hold_no_story(name: str, message: str) -> None:
    with pytest.raises(newsroom.ReadError, match=message):
        read_bytes(need_shared(*EXAMPLES, name).read_bytes())


def test_every_example_file_is_covered() -> None:
    """Each file in the conformance folder is asserted on above, so none is read by luck."""
    names = {p.name for p in need_shared(*EXAMPLES).glob("*.xml")}
    covered = set(TEXT_ITEMS) | {
        "unittest_NAR1.9_CR00127_extend_newsmessage_header.xml",
        "LISTING_24_News_Message_conveying_a_complete_News_Package.xml",
        "LISTING_6_Simple_NewsML-G2_Package.xml",
        "LISTING_23_SportsML-G2_Package.xml",
        "LISTING_7_Group_Set_example_showing_Hierarchical_Package_Structure.xml",
        "LISTING_9_Group_Set_example_showing_a_SEQ_Package_Mode.xml",
        "LISTING_25_An_NITF_marked-up_article_conveyed_in_inlineXML.xml",
        "LISTING_28_Illustrating_Located_Subject_and_Dateline.xml",
    }
    assert names == covered


def test_iptc_listing_9_fragment_is_refused() -> None:
    with pytest.raises(newsroom.ReadError, match="not a NewsML-G2 newsItem"):
        read_bytes(need_shared(*EXAMPLES, "LISTING_9_Group_Set_example_showing_a_SEQ_Package_Mode.xml").read_bytes())


def test_sniff(host: newsroom.PluginHost) -> None:
    reader = host.reader("newsml-g2")
    assert reader.sniff(need_shared(*EXAMPLES, "LISTING_2_NewsML-G2_Text_Document.xml").read_bytes()[:4096], "x.xml")
    assert reader.sniff(render(sample_article(), datetime(2026, 1, 1, tzinfo=UTC))[:4096], "x.xml")
    assert not reader.sniff(b'{"format_version": 1}', "x.json")
    assert not reader.sniff(b"<html><body><p>Hi</p></body></html>", "x.xml")


# --------------------------------------------------------------------------- messages and bad items


def _item(guid: str, item_class: str = "ninat:text", headline: str = "A headline") -> str:
    return (
        f'<newsItem guid="{guid}" standard="NewsML-G2" standardversion="2.35">'
        f'<itemMeta><itemClass qcode="{item_class}"/><provider qcode="nprov:X"/>'
        f"<versionCreated>2026-01-01T10:00:00Z</versionCreated></itemMeta>"
        f"<contentMeta><headline>{headline}</headline></contentMeta></newsItem>"
    )


def _message(*items: str) -> bytes:
    return (
        '<newsMessage xmlns="http://iptc.org/std/nar/2006-10-01/"><header><sent>2026-01-01T10:00:00Z</sent></header>'
        f"<itemSet>{''.join(items)}</itemSet></newsMessage>"
    ).encode()


def test_message_keeps_going_after_a_bad_item() -> None:
    content = _message(
        _item("urn:a"),
        _item("urn:pic", item_class="ninat:picture"),
        '<conceptItem guid="urn:c"/>',
        _item("urn:b", headline="Second"),
    )
    results = read_bytes(content)
    assert [type(r).__name__ for r in results] == ["Article", "ReadError", "ReadError", "Article"]
    assert "urn:pic" in str(results[1])
    assert "ninat:picture" in str(results[1])
    assert results[1].line == 1
    assert "conceptItem is not a story" in str(results[2])
    assert [r.headline for r in results if isinstance(r, newsroom.Article)] == ["A headline", "Second"]


def test_a_bad_value_names_the_field() -> None:
    content = _message(_item("urn:a").replace("2026-01-01T10:00:00Z", "yesterday"))
    (error,) = read_bytes(content)
    assert isinstance(error, newsroom.ReadError)
    assert "itemMeta.versionCreated" in str(error)
    assert "'yesterday' is not a date-time" in str(error)


def test_times_without_a_zone_are_read_as_utc() -> None:
    content = _message(_item("urn:a").replace("2026-01-01T10:00:00Z", "2026-01-01T10:00:00"))
    (story,) = read_bytes(content)
    assert story.modified == datetime(2026, 1, 1, 10, 0, tzinfo=UTC)


# --------------------------------------------------------------------------- hostile input

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE newsItem [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="x" standard="NewsML-G2" standardversion="2.35">
<itemMeta><itemClass qcode="ninat:text"/><provider qcode="nprov:X"/>
<versionCreated>2026-01-01T00:00:00Z</versionCreated></itemMeta>
<contentMeta><headline>&secret;</headline></contentMeta></newsItem>"""

LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n<!ENTITY lol "lol">\n'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n'.encode() for i in range(1, 10)
    )
    + b']>\n<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="x"><contentMeta><headline>&lol9;</headline>'
    b"</contentMeta></newsItem>"
)


@pytest.mark.parametrize("document", [XXE, LAUGHS], ids=["xxe", "billion-laughs"])
def test_entity_attacks_are_refused_fast(document: bytes) -> None:
    start = time.perf_counter()
    with pytest.raises(newsroom.ReadError, match="declares a DTD"):
        read_bytes(document)
    assert time.perf_counter() - start < 0.5


def test_a_dtd_hidden_from_the_byte_scan_is_refused() -> None:
    with pytest.raises(newsroom.ReadError, match="declares a DTD"):
        read_bytes(
            XXE.replace(b'<?xml version="1.0"?>', b'<?xml version="1.0" encoding="UTF-16"?>').decode().encode("utf-16")
        )


def test_size_limit() -> None:
    content = render(sample_article(), datetime(2026, 1, 1, tzinfo=UTC))
    assert isinstance(read_bytes(content, NewsMLReader(max_bytes=len(content)))[0], newsroom.Article)
    with pytest.raises(newsroom.ReadError, match=f"larger than {len(content) - 1} bytes"):
        read_bytes(content, NewsMLReader(max_bytes=len(content) - 1))


def test_not_well_formed_names_the_line() -> None:
    with pytest.raises(newsroom.ReadError, match="not well-formed") as caught:
        read_bytes(b'<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/">\n<itemMeta>\n</newsItem>')
    assert caught.value.line == 3


def test_the_reader_never_touches_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """An external entity or schema location is never fetched (the socket module would be used)."""
    import socket

    def refuse(*_args: object, **_kwargs: object) -> None:
        pytest.fail("the reader opened a network connection")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    content = need_shared(*EXAMPLES, "LISTING_22_Sports_story_in_NewsML-G2NITF.xml").read_bytes()
    assert b"xsi:schemaLocation" in content
    assert isinstance(read_one(content), newsroom.Article)
    with pytest.raises(newsroom.ReadError):
        read_bytes(XXE.replace(b"file:///etc/passwd", b"http://example.com/x"))


def test_registered_and_read_through_the_host(host: newsroom.PluginHost, clock: FixedClock) -> None:
    reader = host.reader("newsml-g2")
    assert ".xml" in reader.suffixes
    story = attrs.evolve(sample_article(clock=clock), dateline=newsroom.Dateline(place="TOKYO", date=date(2026, 1, 16)))
    got = list(reader.read(io.BytesIO(render(story, clock.now)), source="s.xml"))
    first = got[0]
    assert isinstance(first, newsroom.Article), first
    assert first.dateline == story.dateline
