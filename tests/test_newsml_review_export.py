"""Review fixes in the newsml-g2 exporter: schema-valid text and times, stable statuses and names.

Every item, package and message built here is validated against IPTC's NewsML-G2 2.35 XSD from
the shared folder. Expected values are worked out from the story and the schema's rules (the
``[\\S ]*`` pattern of ``g2normalizedString``, whole-minute ``xs:dateTime`` offsets), never copied
from the exporter's output.
"""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from tests.conftest import need_shared
from tests.test_newsml_read import back, carried, read_one, render, rich_stories, words

import newsroom
import newsroom_newsml
from newsroom.testing import EDITOR, FixedClock, plugin_host, sample_article
from newsroom_newsml.items import iso
from newsroom_newsml.validation import load_schema


NAR = "http://iptc.org/std/nar/2006-10-01/"
NS = {"n": NAR}
_HOST = plugin_host()
_NOT_G2_NORMALIZED = re.compile(r"[\t\n\r]")
_XS_DATETIME = re.compile(r"^-?\d{4,}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


def assert_valid(content: bytes) -> etree._Element:
    """The document validates against NewsML-G2 2.35 (+ NITF 3.6); return its root."""
    schema = load_schema(need_shared("schemas"))
    doc = etree.fromstring(content)
    if not schema.validate(doc):
        pytest.fail("not valid NewsML-G2 2.35:\n" + "\n".join(f"line {e.line}: {e.message}" for e in schema.error_log))
    return doc


def publish(story: newsroom.Article, clock: FixedClock) -> newsroom.Article:
    for verb in (newsroom.submit, newsroom.approve, newsroom.publish):
        clock.advance(minutes=1)
        story = verb(story, actor=EDITOR, clock=clock)
    return story


def export(story: newsroom.Article, clock: FixedClock, **options: Any) -> newsroom.Rendition:
    return newsroom.export(story, "newsml-g2", clock=clock, host=_HOST, options=options)


def item(story: newsroom.Article, clock: FixedClock, **options: Any) -> etree._Element:
    return assert_valid(export(story, clock, **options).content)


def find_one(root: etree._Element, path: str) -> etree._Element:
    found = root.find(path, NS)
    assert found is not None, f"no {path} in <{etree.QName(root).localname}>"
    return found


def status(root: etree._Element) -> str | None:
    return find_one(root, "n:itemMeta/n:pubStatus").get("qcode")


def read(content: bytes) -> newsroom.Article:
    (story,) = newsroom_newsml.NewsMLReader().read(io.BytesIO(content), source="test.xml")
    assert isinstance(story, newsroom.Article), story
    return story


# --------------------------------------------------------------------------- 1. one-line text


def test_tab_in_the_slugline_is_written_as_a_space_and_the_item_is_valid(clock: FixedClock) -> None:
    story = attrs.evolve(sample_article(clock=clock), slugline="JAPAN\tITALY")
    root = item(story, clock)
    assert root.findtext("n:contentMeta/n:slugline", namespaces=NS) == "JAPAN ITALY"
    assert read(etree.tostring(root)).slugline == "JAPAN ITALY"


messy = st.lists(st.tuples(words, st.text(alphabet=" \t\n", min_size=1, max_size=3)), min_size=1, max_size=4).map(
    lambda parts: "".join(w + sep for w, sep in parts) + "end"
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=messy)
def test_every_g2_normalized_string_element_holds_one_line(text: str) -> None:
    """name, keyword, slugline, creditline: the schema allows no tab or line break in them."""
    clock = FixedClock()
    base = sample_article(clock=clock)
    image = newsroom.Image(src="https://example.com/a.jpg", alt="alt", credit=text)
    story = attrs.evolve(
        base,
        slugline=text,
        keywords=[text],
        bylines=[newsroom.Person(name=text, role="author")],
        sources=[*base.sources, newsroom.Source(name=text)],
        subjects=[newsroom.Concept(code="medtop:11000000", label=text)],
        section=newsroom.Section(name=text, slug="world"),
        rights=newsroom.Rights(holder=text),
        located=newsroom.Place(name=text),
        media=[image],
    )
    root = item(story, clock)
    expected = story.slugline
    assert expected is not None
    for tag in ("slugline", "keyword", "creditline", "name"):
        written = [e.text or "" for e in root.iter(f"{{{NAR}}}{tag}")]
        assert written, f"no {tag} written"
        for value in written:
            assert not _NOT_G2_NORMALIZED.search(value), (tag, value)
    contents = {
        "slugline": root.findtext("n:contentMeta/n:slugline", namespaces=NS),
        "keyword": root.findtext("n:contentMeta/n:keyword", namespaces=NS),
        "creator": root.findtext("n:contentMeta/n:creator/n:name", namespaces=NS),
        "service": root.findtext("n:itemMeta/n:service/n:name", namespaces=NS),
        "holder": root.findtext("n:rightsInfo/n:copyrightHolder/n:name", namespaces=NS),
        "creditline": root.findtext(".//n:link/n:creditline", namespaces=NS),
    }
    for where, found in contents.items():
        assert found is not None, where
        assert found.split() == expected.split(), f"{where}: the words and their order are kept"


# --------------------------------------------------------------------------- 2. times


def test_offset_with_seconds_is_written_in_utc(clock: FixedClock) -> None:
    amsterdam = datetime(1930, 5, 1, 12, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
    assert amsterdam.utcoffset() == timedelta(minutes=19, seconds=32), "local mean time, the case under test"
    correction = newsroom.Correction(kind="correction", text="Fixed.", at=amsterdam)
    story = attrs.evolve(
        sample_article(clock=clock),
        first_created=amsterdam,
        modified=amsterdam + timedelta(hours=1),
        embargo_until=amsterdam + timedelta(days=1),
        corrections=[correction],
    )
    root = item(story, clock)
    times = {
        "n:itemMeta/n:versionCreated": story.modified,
        "n:itemMeta/n:firstCreated": amsterdam,
        "n:itemMeta/n:embargoed": story.embargo_until,
        "n:contentMeta/n:contentCreated": amsterdam,
        "n:contentMeta/n:contentModified": story.modified,
    }
    for path, expected in times.items():
        written = root.findtext(path, namespaces=NS) or ""
        assert written.endswith("+00:00"), (path, written)
        assert expected is not None
        assert datetime.fromisoformat(written) == expected.astimezone(UTC), path
    note = find_one(root, "n:itemMeta/n:edNote[@role='nrrole:correction']")
    assert datetime.fromisoformat(note.get("modified") or "") == amsterdam.astimezone(UTC)


def test_whole_minute_offsets_are_kept(clock: FixedClock) -> None:
    kathmandu = datetime(2026, 1, 16, 12, 0, tzinfo=ZoneInfo("Asia/Kathmandu"))
    root = item(attrs.evolve(sample_article(clock=clock), first_created=kathmandu), clock)
    assert root.findtext("n:itemMeta/n:firstCreated", namespaces=NS) == "2026-01-16T12:00:00+05:45"


@settings(max_examples=200, deadline=None)
@given(
    when=st.datetimes(
        min_value=datetime(1800, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.timezones(), allow_imaginary=False
    )
)
def test_every_zoned_time_is_an_xs_datetime_of_the_same_instant(when: datetime) -> None:
    written = iso(when)
    assert _XS_DATETIME.match(written), written
    assert datetime.fromisoformat(written).astimezone(UTC) == when.astimezone(UTC)


# --------------------------------------------------------------------------- 3. pubStatus


def test_embargoed_story_has_one_status_for_its_one_version(clock: FixedClock) -> None:
    story = publish(attrs.evolve(sample_article(clock=clock), embargo_until=clock.now + timedelta(hours=2)), clock)
    before = item(story, FixedClock(clock.now))
    after = item(story, FixedClock(clock.now + timedelta(hours=3)))
    key = [(r.get("guid"), r.get("version"), status(r)) for r in (before, after)]
    assert key[0] == key[1] == (story.guid, "1", "stat:usable")
    for root in (before, after):
        assert datetime.fromisoformat(find_one(root, "n:itemMeta/n:embargoed").text or "") == story.embargo_until
    notes = [r.find("n:itemMeta/n:edNote[@role='nrrole:embargo']", NS) for r in (before, after)]
    assert [n.text if n is not None else None for n in notes] == [notes[0].text if notes[0] is not None else None] * 2
    assert notes[0] is not None
    assert "Not for publication before" in (notes[0].text or "")


def test_draft_is_withheld_and_kill_is_canceled(clock: FixedClock) -> None:
    draft = attrs.evolve(sample_article(clock=clock), embargo_until=clock.now + timedelta(hours=2))
    assert status(item(draft, clock)) == "stat:withheld"
    killed = newsroom.kill(publish(sample_article(clock=clock), clock), reason="legal", actor=EDITOR, clock=clock)
    assert status(item(killed, clock)) == "stat:canceled"


def test_unpublished_story_is_withheld_at_the_same_version(clock: FixedClock) -> None:
    """The documented limitation: the core keeps the version on unpublish (a kill takes it down)."""
    story = publish(sample_article(clock=clock), clock)
    down = newsroom.unpublish(story, actor=EDITOR, clock=clock)
    assert down.version == story.version
    assert status(item(down, clock)) == "stat:withheld"
    doc = Path(__file__).resolve().parents[1] / "docs" / "formats" / "newsml-g2.md"
    assert "Unpublishing does not raise the story's version" in doc.read_text(encoding="utf-8")


# --------------------------------------------------------------------------- 4. line breaks


def test_line_breaks_in_block_elements_are_br_and_read_back(clock: FixedClock) -> None:
    correction = newsroom.Correction(kind="clarification", text="First.\nSecond.", at=clock.now)
    story = attrs.evolve(
        sample_article(clock=clock),
        summary="Para one.\n\nPara two.",
        rights=newsroom.Rights(holder="H", notice="Line 1\nLine 2"),
        corrections=[correction],
    )
    root = item(story, clock)
    summary = find_one(root, "n:contentMeta/n:description[@role='drol:summary']")
    assert [etree.QName(c).localname for c in summary] == ["br", "br"]
    assert len(find_one(root, "n:rightsInfo/n:copyrightNotice").findall("n:br", NS)) == 1
    assert len(find_one(root, "n:itemMeta/n:edNote[@role='nrrole:clarification']").findall("n:br", NS)) == 1
    got = read(etree.tostring(root))
    assert got.summary == "Para one.\n\nPara two."
    assert got.rights is not None
    assert got.rights.notice == "Line 1\nLine 2"
    assert [c.text for c in got.corrections] == ["First.\nSecond."]


def test_pretty_printed_block_with_br_reads_as_lines() -> None:
    doc = (
        f'<newsItem xmlns="{NAR}" guid="urn:x:1" version="1" standard="NewsML-G2" standardversion="2.35">'
        "<itemMeta><itemClass qcode='ninat:text'/><provider qcode='nprov:X'/>"
        "<versionCreated>2026-01-01T10:00:00Z</versionCreated></itemMeta>"
        "<contentMeta><headline>H</headline><description role='drol:summary'>\n    First line,\n    still first."
        "<br/>\n    <!-- a comment -->Second <span>line</span>.\n  </description></contentMeta></newsItem>"
    ).encode()
    assert read(doc).summary == "First line, still first.\nSecond line."


def lines_of(draw: st.DrawFn) -> str:
    parts = draw(st.lists(words, min_size=2, max_size=4))
    breaks = draw(st.lists(st.sampled_from(["\n", "\n\n"]), min_size=len(parts) - 1, max_size=len(parts) - 1))
    text = parts[0] + "".join(b + p for b, p in zip(breaks, parts[1:], strict=True))
    return newsroom.Rights(holder="x", notice=text).notice or ""  # as the model cleans it


@st.composite
def multiline_stories(draw: st.DrawFn) -> newsroom.Article:
    """rich_stories() with multi-line text in every block element: summary, notice, corrections."""
    story = draw(rich_stories())
    correction = newsroom.Correction(
        kind=draw(st.sampled_from(["correction", "clarification", "retraction"])),
        text=lines_of(draw),
        at=datetime(2031, 1, 2, 3, 4, 5, tzinfo=UTC),
    )
    holder = story.rights.holder if story.rights else "Holder"
    return attrs.evolve(
        story,
        summary=lines_of(draw),
        rights=newsroom.Rights(holder=holder, notice=lines_of(draw)),
        corrections=[*story.corrections, correction],
    )


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(story=multiline_stories())
def test_round_trip_keeps_line_breaks_in_block_elements(story: newsroom.Article) -> None:
    assert story.summary is not None
    assert "\n" in story.summary
    now = datetime(2031, 5, 1, 12, 0, tzinfo=UTC)
    got = read_one(render(story, now))
    assert back(got) == carried(story, now)


# --------------------------------------------------------------------------- 5. file names


def test_file_name_is_the_same_for_every_version_of_a_story(clock: FixedClock) -> None:
    story = publish(attrs.evolve(sample_article(clock=clock), slugline=None), clock)
    first = export(story, clock)
    corrected = newsroom.correct(story, text="Headline fixed.", actor=EDITOR, clock=clock, headline="A new headline")
    killed = newsroom.kill(corrected, reason="legal", actor=EDITOR, clock=clock)
    names = []
    for version in (story, corrected, killed):
        rendition = export(version, clock)
        root = assert_valid(rendition.content)
        assert root.findtext("n:itemMeta/n:fileName", namespaces=NS) == rendition.filename
        names.append(rendition.filename)
    assert [v.version for v in (story, corrected, killed)] == [1, 2, 3]
    assert names == [first.filename] * 3
    # Readable: the guid urn:newsroom:caliber.az:20260116:japan-italy, as a slug, then a hash.
    assert re.fullmatch(r"urn-newsroom-caliber-az-20260116-japan-italy-[0-9a-f]{8}\.xml", first.filename)


def test_guids_that_slug_alike_get_different_file_names(clock: FixedClock) -> None:
    names = {
        export(attrs.evolve(sample_article(clock=clock), guid=g), clock).filename for g in ("urn:x:a.b", "urn:x:a-b")
    }
    assert len(names) == 2
    assert all(n.startswith("urn-x-a-b-") for n in names)


def test_package_versions_share_a_file_name_and_a_later_one_is_made_now(clock: FixedClock) -> None:
    story = publish(sample_article(clock=clock), clock)
    created = clock.now
    v1 = newsroom.Edition(guid="urn:ed:1", title="Morning", articles=[story], created=created)
    v2 = attrs.evolve(v1, title="Morning, updated", version=2)
    later = FixedClock(created + timedelta(hours=3))
    first = newsroom_newsml.package(v1, clock=later, host=_HOST)
    second = newsroom_newsml.package(v2, clock=later, host=_HOST)
    assert first.filename == second.filename
    assert first.filename.startswith("urn-ed-1-")
    meta1 = find_one(assert_valid(first.content), "n:itemMeta")
    meta2 = find_one(assert_valid(second.content), "n:itemMeta")
    assert datetime.fromisoformat(meta1.findtext("n:versionCreated", namespaces=NS) or "") == created
    assert datetime.fromisoformat(meta2.findtext("n:versionCreated", namespaces=NS) or "") == later.now
    assert datetime.fromisoformat(meta2.findtext("n:firstCreated", namespaces=NS) or "") == created


# --------------------------------------------------------------------------- 7. priority


@pytest.mark.parametrize("priority", [True, False, 3.0, "3", 0, 10])
def test_message_priority_must_be_a_whole_number_from_1_to_9(priority: Any, clock: FixedClock) -> None:
    story = publish(sample_article(clock=clock), clock)
    with pytest.raises(newsroom.ExportError, match=r"priority.*whole number from 1 \(highest\) to 9"):
        newsroom_newsml.message([story], clock=clock, host=_HOST, priority=priority)


@pytest.mark.parametrize("priority", [1, 9])
def test_message_priority_in_range_is_written(priority: int, clock: FixedClock) -> None:
    story = publish(sample_article(clock=clock), clock)
    root = assert_valid(newsroom_newsml.message([story], clock=clock, host=_HOST, priority=priority).content)
    assert root.findtext("n:header/n:priority", namespaces=NS) == str(priority)


# --------------------------------------------------------------------------- 8. schemes


@pytest.mark.parametrize("alias", ["medtop", "stat", "nrrole", "nrperson"])
def test_schemes_cannot_redeclare_a_declared_alias(alias: str, clock: FixedClock) -> None:
    with pytest.raises(newsroom.ExportError, match=rf"option 'schemes' cannot declare '{alias}'"):
        export(sample_article(clock=clock), clock, schemes={alias: "https://evil.example/"})


def test_schemes_may_declare_a_new_alias(clock: FixedClock) -> None:
    root = item(sample_article(clock=clock), clock, schemes={"myco": "https://example.com/cv/"})
    assert [s.get("uri") for s in root.findall("n:catalog/n:scheme[@alias='myco']", NS)] == ["https://example.com/cv/"]
    assert root.findall("n:catalog/n:scheme[@alias='medtop']", NS) == []


# --------------------------------------------------------------------------- 9. subject types


def test_subject_type_follows_what_the_scheme_says(clock: FixedClock) -> None:
    subjects = [
        newsroom.Concept(code="medtop:11000000", label="politics"),
        newsroom.Concept(code="geonames:1850147", label="Tokyo"),
        newsroom.Concept(code="iso3166-1a2:IT", label="Italy"),
        newsroom.Concept(code="nrperson:giorgia-meloni", label="Giorgia Meloni"),
        newsroom.Concept(code="wikidata:Q90", label="Paris"),
    ]
    story = attrs.evolve(sample_article(clock=clock), subjects=subjects)
    root = item(story, clock)
    types = {s.get("qcode"): s.get("type") for s in root.findall("n:contentMeta/n:subject", NS)}
    assert types == {
        "medtop:11000000": "cpnat:abstract",
        "geonames:1850147": "cpnat:geoArea",
        "iso3166-1a2:IT": "cpnat:geoArea",
        "nrperson:giorgia-meloni": "cpnat:person",
        "wikidata:Q90": "cpnat:abstract",  # Wikidata does not say what Q90 is
    }
    assert read(etree.tostring(root)).subjects == story.subjects


# --------------------------------------------------------------------------- 10. text XML cannot hold


XML_CANNOT_HOLD = pytest.mark.parametrize(
    ("where", "change"),
    [
        ("summary", lambda c: {"summary": f"a{c}b"}),
        ("body[0].text", lambda c: {"body": [f"a{c}b"]}),
        ("bylines[0].name", lambda c: {"bylines": [{"name": f"A{c}"}]}),
        ("keywords[0]", lambda c: {"keywords": [f"k{c}"]}),
    ],
)


@pytest.mark.parametrize("char", ["\ufffe", "\uffff"])
@XML_CANNOT_HOLD
def test_text_xml_cannot_hold_is_refused_naming_the_field(
    char: str, where: str, change: Any, clock: FixedClock
) -> None:
    story = attrs.evolve(sample_article(clock=clock), **change(char))
    with pytest.raises(newsroom.ExportError) as caught:
        export(story, clock)
    assert str(caught.value).startswith(f"{where}: character U+{ord(char):04X} ")


@XML_CANNOT_HOLD
def test_a_lone_surrogate_never_reaches_the_exporter(where: str, change: Any, clock: FixedClock) -> None:
    # No UTF-8 text holds one, so the model refuses it when the story is built, at the same path.
    with pytest.raises(newsroom.ValidationError) as caught:
        attrs.evolve(sample_article(clock=clock), **change("\ud800"))
    assert caught.value.path == where
    assert caught.value.rule.startswith("contains a lone surrogate ('\\ud800')")


def test_edition_title_xml_cannot_hold_is_refused_naming_the_field(clock: FixedClock) -> None:
    story = publish(sample_article(clock=clock), clock)
    edition = newsroom.Edition(guid="urn:ed:bad", title="Morning\ufffe", articles=[story])
    with pytest.raises(newsroom.ExportError, match=r"^title: character U\+FFFE "):
        newsroom_newsml.package(edition, clock=clock, host=_HOST)
