"""Packages (an Edition as a packageItem) and messages (a batch as a newsMessage).

Every package and message built here is validated against the NewsML-G2 2.35 XSD.
"""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import attrs
import pytest
from lxml import etree
from tests.conftest import need_shared

import newsroom
import newsroom_newsml
from newsroom.testing import EDITOR, FixedClock, plugin_host, sample_article
from newsroom_newsml.validation import load_schema


NAR = "http://iptc.org/std/nar/2006-10-01/"
NS = {"n": NAR}


def assert_valid(content: bytes) -> etree._Element:
    schema = load_schema(need_shared("schemas"))
    doc = etree.fromstring(content)
    if not schema.validate(doc):
        pytest.fail("not valid NewsML-G2 2.35:\n" + "\n".join(f"line {e.line}: {e.message}" for e in schema.error_log))
    return doc


def find_one(root: etree._Element, path: str) -> etree._Element:
    """The first element at ``path`` under ``root``; fails the test when there is none."""
    found = root.find(path, NS)
    assert found is not None, f"no {path} in <{etree.QName(root).localname}>"
    return found


def must_text(root: etree._Element, path: str) -> str:
    """The text at ``path`` under ``root``; fails the test when there is no such element."""
    value = root.findtext(path, namespaces=NS)
    assert value is not None, f"no {path} in <{etree.QName(root).localname}>"
    return value


def publish(story: newsroom.Article, clock: FixedClock) -> newsroom.Article:
    for verb in (newsroom.submit, newsroom.approve, newsroom.publish):
        clock.advance(minutes=1)
        story = verb(story, actor=EDITOR, clock=clock)
    return story


def story(clock: FixedClock, n: int, **changes: Any) -> newsroom.Article:
    base = attrs.evolve(
        sample_article(clock=clock),
        guid=f"urn:example:story:{n}",
        headline=f"Story number {n}",
        summary=f"The summary of story {n}.",
        **changes,
    )
    return publish(base, clock)


@pytest.fixture
def edition(clock: FixedClock) -> newsroom.Edition:
    first = story(clock, 1)
    embargoed = story(clock, 2, embargo_until=clock.now + timedelta(days=1))
    killed = newsroom.kill(
        story(clock, 3), reason="defamation claim", notice="Story 3 was withdrawn.", actor=EDITOR, clock=clock
    )
    return newsroom.Edition(
        guid="urn:example:edition:world-2026-01-16",
        title="World, 16 January 2026",
        articles=[first, embargoed, killed],
        section=first.section,
        created=clock.now,
        url="https://news.example.com/world/",
    )


# --------------------------------------------------------------------------- packages


def test_package_is_a_valid_composite_in_running_order(edition: newsroom.Edition, clock: FixedClock) -> None:
    rendition = newsroom_newsml.package(edition, clock=clock, host=plugin_host())
    assert rendition.media_type == "application/vnd.iptc.g2.packageitem+xml"
    # Named after the guid (urn:example:edition:world-2026-01-16), so every version has one name.
    assert rendition.filename.startswith("urn-example-edition-world-2026-01-16-")
    assert rendition.filename.endswith(".xml")
    root = assert_valid(rendition.content)
    assert etree.QName(root).localname == "packageItem"
    assert (root.get("guid"), root.get("version")) == (edition.guid, "1")
    meta = find_one(root, "n:itemMeta")
    assert find_one(meta, "n:itemClass").get("qcode") == "ninat:composite"
    assert meta.findtext("n:title", namespaces=NS) == "World, 16 January 2026"
    assert find_one(meta, "n:link[@rel='irel:seeAlso']").get("href") == "https://news.example.com/world/"
    group_set = find_one(root, "n:groupSet")
    (group,) = group_set.findall("n:group", NS)
    assert group_set.get("root") == group.get("id")
    assert group.get("mode") == "pgrmod:seq"
    refs = group.findall("n:itemRef", NS)
    assert [(r.get("residref"), r.get("version")) for r in refs] == [(a.guid, str(a.version)) for a in edition.articles]
    assert {r.get("contenttype") for r in refs} == {"application/vnd.iptc.g2.newsitem+xml"}
    summary = [
        (
            find_one(r, "n:itemClass").get("qcode"),
            find_one(r, "n:pubStatus").get("qcode"),
            r.findtext("n:title", namespaces=NS),
            r.findtext("n:description[@role='drol:summary']", namespaces=NS),
        )
        for r in refs
    ]
    assert summary == [
        ("ninat:text", "stat:usable", "Story number 1", "The summary of story 1."),
        # Published under embargo: usable, the embargo is in the item's embargoed (LISTING_1).
        ("ninat:text", "stat:usable", "Story number 2", "The summary of story 2."),
        ("ninat:text", "stat:canceled", "This story has been withdrawn", "Story 3 was withdrawn."),
    ]
    assert all(find_one(r, "n:provider").get("uri") == "https://news.example.com" for r in refs)


def test_package_carries_the_links_its_stories_owe(edition: newsroom.Edition, clock: FixedClock) -> None:
    root = assert_valid(newsroom_newsml.package(edition, clock=clock, host=plugin_host()).content)
    rights = root.findall("n:rightsInfo", NS)
    refs = {r.get("id") for r in root.iter(f"{{{NAR}}}itemRef")}
    assert len(rights) == 3
    for info in rights:
        assert info.get("idrefs") in refs
        assert find_one(info, "n:usageTerms/n:a").get("href") == "https://caliber.az"


def test_package_goes_through_the_rendition_checkers(edition: newsroom.Edition, clock: FixedClock) -> None:
    seen: list[str] = []

    class Strict:
        @newsroom.hookimpl
        def newsroom_check_rendition(self, rendition: newsroom.Rendition) -> newsroom.CheckReport | None:
            seen.append(rendition.media_type)
            if rendition.media_type != "application/vnd.iptc.g2.packageitem+xml":
                return None
            return newsroom.CheckReport(checker="strict", violations=[newsroom.Violation(rule="house", message="no")])

    with pytest.raises(newsroom.RenditionCheckError, match="strict: no"):
        newsroom_newsml.package(edition, clock=clock, host=plugin_host(Strict()))
    assert seen.count("application/vnd.iptc.g2.newsitem+xml") == 3, "each story was exported through the pipeline"


def test_package_version_two_signals_an_update(edition: newsroom.Edition, clock: FixedClock) -> None:
    second = attrs.evolve(edition, version=2)
    meta = find_one(
        assert_valid(newsroom_newsml.package(second, clock=clock, host=plugin_host()).content), "n:itemMeta"
    )
    assert find_one(meta, "n:signal").get("qcode") == "sig:update"
    link = find_one(meta, "n:link[@rel='irel:previousVersion']")
    assert (link.get("residref"), link.get("version")) == (edition.guid, "1")


# --------------------------------------------------------------------------- messages


def test_message_of_an_edition_and_a_story(edition: newsroom.Edition, clock: FixedClock) -> None:
    extra = story(clock, 4)
    rendition = newsroom_newsml.message([edition, extra], clock=clock, host=plugin_host(), sender="news.example.com")
    assert rendition.media_type == "application/vnd.iptc.g2.newsmessage+xml"
    root = assert_valid(rendition.content)
    header = find_one(root, "n:header")
    assert header.findtext("n:sent", namespaces=NS) == clock.now.isoformat()
    assert header.findtext("n:sender", namespaces=NS) == "news.example.com"
    assert must_text(header, "n:transmitId").startswith("urn:newsroom:transmit:")
    items = find_one(root, "n:itemSet")
    assert [(etree.QName(i).localname, i.get("guid")) for i in items] == [
        ("packageItem", edition.guid),
        *[("newsItem", a.guid) for a in edition.articles],
        ("newsItem", extra.guid),
    ]
    ids = [el.get("id") for el in root.iter() if isinstance(el.tag, str) and el.get("id")]
    assert len(ids) == len(set(ids)) > 5, "ids are unique across the whole message"
    # Read back: the package is skipped, every story comes back.
    stories = list(newsroom_newsml.NewsMLReader().read(io.BytesIO(rendition.content), source="m.xml"))
    assert [e for e in stories if isinstance(e, newsroom.ReadError)] == []
    assert [s.guid for s in stories if isinstance(s, newsroom.Article)] == [
        *[a.guid for a in edition.articles],
        extra.guid,
    ]


def test_message_is_deterministic_and_its_id_follows_its_content(edition: newsroom.Edition, clock: FixedClock) -> None:
    host = plugin_host()
    one = newsroom_newsml.message([edition], clock=clock, host=host)
    again = newsroom_newsml.message([edition], clock=FixedClock(clock.now), host=plugin_host())
    assert one.content == again.content
    other = newsroom_newsml.message([edition.articles[0]], clock=clock, host=host)
    ids = [etree.fromstring(r.content).findtext("n:header/n:transmitId", namespaces=NS) for r in (one, other)]
    assert ids[0] != ids[1]
    named = newsroom_newsml.message([edition.articles[0]], clock=clock, host=host, transmit_id="batch-17")
    assert etree.fromstring(named.content).findtext("n:header/n:transmitId", namespaces=NS) == "batch-17"


def test_message_sends_each_story_version_once(edition: newsroom.Edition, clock: FixedClock) -> None:
    first = edition.articles[0]
    exported = newsroom.export(first, "newsml-g2", clock=clock, host=plugin_host())
    rendition = newsroom_newsml.message([first, edition, first], clock=clock, host=plugin_host())
    root = assert_valid(rendition.content)
    guids = [i.get("guid") for i in find_one(root, "n:itemSet")]
    assert guids.count(first.guid) == 1
    assert len(guids) == 1 + 1 + 2
    # A story exported beforehand (no id prefix) travels as it is.
    alone = assert_valid(newsroom_newsml.message([exported], clock=clock, host=plugin_host()).content)
    assert find_one(alone, "n:itemSet/n:newsItem").get("guid") == first.guid


def test_clashing_ids_are_refused(clock: FixedClock) -> None:
    host = plugin_host()
    a = newsroom.export(story(clock, 5), "newsml-g2", clock=clock, host=host)
    b = newsroom.export(story(clock, 6), "newsml-g2", clock=clock, host=host)
    with pytest.raises(
        newsroom.ExportError, match="id 'src1' appears in both urn:example:story:5 v1 and urn:example:story:6"
    ):
        newsroom_newsml.message([a, b], clock=clock, host=host)


def test_message_header_options(clock: FixedClock) -> None:
    host = plugin_host()
    one = story(clock, 7)
    root = assert_valid(newsroom_newsml.message([one], clock=clock, host=host, priority=2, atomic=True).content)
    header = find_one(root, "n:header")
    assert header.findtext("n:priority", namespaces=NS) == "2"
    assert find_one(header, "n:signal").get("qcode") == "nmsig:atomic"
    with pytest.raises(newsroom.ExportError, match="priority"):
        newsroom_newsml.message([one], clock=clock, host=host, priority=10)
    with pytest.raises(newsroom.ExportError, match="at least one item"):
        newsroom_newsml.message([], clock=clock, host=host)
    as_json = newsroom.export(one, "json", clock=clock, host=host)
    with pytest.raises(newsroom.ExportError, match="not application/json"):
        newsroom_newsml.message([as_json], clock=clock, host=host)


def test_message_validate_option(edition: newsroom.Edition, clock: FixedClock) -> None:
    schemas = str(need_shared("schemas"))
    rendition = newsroom_newsml.message(
        [edition], clock=clock, host=plugin_host(), options={"validate": True, "schemas": schemas, "nitf": True}
    )
    root = assert_valid(rendition.content)
    assert len(root.findall(".//n:inlineXML[@contenttype='application/nitf+xml']", NS)) == 3


def test_embargo_and_kill_protection_apply_to_message_items(edition: newsroom.Edition, clock: FixedClock) -> None:
    content = newsroom_newsml.message([edition], clock=clock, host=plugin_host()).content
    assert b"defamation" not in content, "the kill reason stays internal"
    assert content.count(b"Check the spelling of Takaichi") == 0, "editor's notes stay internal"
    killed = find_one(etree.fromstring(content), f"n:itemSet/n:newsItem[@guid='{edition.articles[2].guid}']")
    assert find_one(killed, "n:itemMeta/n:pubStatus").get("qcode") == "stat:canceled"


def test_validate_without_the_schema_fails_clearly(
    edition: newsroom.Edition, clock: FixedClock, tmp_path: Path
) -> None:
    with pytest.raises(newsroom.ExportError, match="cannot validate"):
        newsroom_newsml.package(
            edition, clock=clock, host=plugin_host(), options={"validate": True, "schemas": str(tmp_path)}
        )
