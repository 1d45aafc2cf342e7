"""The newsml-g2 exporter: schema-valid items, the field mapping, versions, embargo, kill, rules.

Every item built here is validated against IPTC's NewsML-G2 2.35 XSD from the shared folder (with
NITF 3.6 for NITF renditions). The schema is compiled once per process.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from lxml import etree
from tests.conftest import need_shared

import newsroom
import newsroom_newsml
from newsroom.testing import EDITOR, FixedClock, articles, check_exporter, plugin_host, sample_article
from newsroom_newsml.validation import load_schema


NAR = "http://iptc.org/std/nar/2006-10-01/"
XHTML = "http://www.w3.org/1999/xhtml"
NITF = "http://iptc.org/std/NITF/2006-10-18/"
NS = {"n": NAR, "x": XHTML, "t": NITF}
MEDIA_TYPE = "application/vnd.iptc.g2.newsitem+xml"


def schemas() -> Path:
    return need_shared("schemas")


def assert_valid(content: bytes) -> etree._Element:
    """The document validates against NewsML-G2 2.35 (+ NITF 3.6); return its root."""
    schema = load_schema(schemas())
    doc = etree.fromstring(content)
    if not schema.validate(doc):
        pytest.fail("not valid NewsML-G2 2.35:\n" + "\n".join(f"line {e.line}: {e.message}" for e in schema.error_log))
    return doc


def publish(story: newsroom.Article, clock: FixedClock) -> newsroom.Article:
    for verb in (newsroom.submit, newsroom.approve, newsroom.publish):
        clock.advance(minutes=1)
        story = verb(story, actor=EDITOR, clock=clock)
    return story


def export(story: newsroom.Article, clock: FixedClock, **options: object) -> bytes:
    return newsroom.export(story, "newsml-g2", clock=clock, host=plugin_host(), options=options).content


def child_names(el: etree._Element) -> list[str]:
    return [etree.QName(c).localname for c in el if isinstance(c.tag, str)]


def text(root: etree._Element, path: str) -> str | None:
    return root.findtext(path, namespaces=NS)


def find_one(root: etree._Element, path: str) -> etree._Element:
    """The first element at ``path`` under ``root``; fails the test when there is none."""
    found = root.find(path, NS)
    assert found is not None, f"no {path} in <{etree.QName(root).localname}>"
    return found


def must_get(el: etree._Element, name: str) -> str:
    """The value of attribute ``name``; fails the test when the element lacks it."""
    value = el.get(name)
    assert value is not None, f"<{etree.QName(el).localname}> has no {name} attribute"
    return value


def must_text(root: etree._Element, path: str) -> str:
    """The text at ``path`` under ``root``; fails the test when there is no such element."""
    value = text(root, path)
    assert value is not None, f"no {path} in <{etree.QName(root).localname}>"
    return value


@pytest.fixture
def published(clock: FixedClock) -> newsroom.Article:
    return publish(sample_article(clock=clock), clock)


# --------------------------------------------------------------------------- the contract


def test_registered_with_its_media_type_and_flags(host: newsroom.PluginHost) -> None:
    exporter = host.exporter("newsml-g2")
    assert exporter.media_type == MEDIA_TYPE
    assert exporter.suffix == ".xml"
    assert newsroom.exporter_flag(exporter, "public") is True
    assert newsroom.exporter_flag(exporter, "carries_embargo") is True


def test_exporter_contract_and_determinism(
    host: newsroom.PluginHost, published: newsroom.Article, clock: FixedClock
) -> None:
    rendition = check_exporter("newsml-g2", published, host=host, clock=clock)
    # The file name comes from the guid (urn:newsroom:caliber.az:20260116:japan-italy), not the slugline.
    assert rendition.filename.startswith("urn-newsroom-caliber-az-20260116-japan-italy-")
    assert rendition.filename.endswith(".xml")
    assert text(etree.fromstring(rendition.content), "n:itemMeta/n:fileName") == rendition.filename
    again = newsroom.export(published, "newsml-g2", clock=FixedClock(clock.now), host=plugin_host())
    assert again.content == rendition.content
    later = newsroom.export(published, "newsml-g2", clock=FixedClock(clock.now + timedelta(days=3)), host=host)
    assert later.content == rendition.content, "a published story's item does not depend on the export time"


# --------------------------------------------------------------------------- valid items


def test_sample_story_is_valid_with_every_block_type_and_nitf(published: newsroom.Article, clock: FixedClock) -> None:
    kinds = {block.kind for block in published.body}
    assert kinds == set(newsroom.BLOCK_TYPES), "the sample must hold every block type"
    root = assert_valid(export(published, clock, nitf=True))
    renditions = root.findall("n:contentSet/n:inlineXML", NS)
    assert [r.get("contenttype") for r in renditions] == ["application/xhtml+xml", "application/nitf+xml"]
    assert child_names(renditions[1]) == ["nitf"]
    body = root.find("n:contentSet/n:inlineXML/x:html/x:body", NS)
    assert body is not None
    # One element per block type, nothing flattened.
    assert root.find(".//x:body/x:h2/x:em", NS) is not None
    assert root.find(".//x:body/x:blockquote/x:p", NS) is not None
    assert text(root, ".//x:body/x:blockquote/x:footer") == "Sanae Takaichi"
    assert root.find(".//x:body/x:aside[@class='pullquote']/x:p", NS) is not None
    assert [li.xpath("string()") for li in root.findall(".//x:body/x:ol/x:li", NS)][2] == "H2O & m2"
    assert root.find(".//x:body/x:ol/x:li/x:sub", NS) is not None
    img = root.find(".//x:body/x:figure/x:img", NS)
    assert img is not None
    assert (img.get("src"), img.get("width"), img.get("height")) == (
        "https://caliber.az/media/meeting.jpg",
        "1200",
        "800",
    )
    assert root.find(".//x:figcaption/x:q", NS) is not None
    assert text(root, ".//x:figcaption/x:small[@class='credit']") == "Kyodo"
    embed = root.find(".//x:body/x:figure[@class='embed']", NS)
    assert embed is not None
    assert embed.get("data-media") == "video"
    assert find_one(embed, "x:a").get("href") == "https://www.youtube.com/watch?v=abc123"
    assert root.find(".//x:body/x:p/x:a[@href='mailto:desk@example.com']", NS) is not None
    assert root.find(".//x:body/x:p/x:br", NS) is not None
    assert root.find(".//x:body/x:p/x:strong", NS) is not None
    # The NITF rendition has the same blocks in NITF's terms.
    nitf = renditions[1][0]
    assert nitf.find(".//t:body.content/t:hl2", NS) is not None
    assert nitf.find(".//t:body.content/t:bq/t:credit", NS) is not None
    assert nitf.find(".//t:body.content/t:ol/t:li", NS) is not None
    assert must_get(find_one(nitf, ".//t:media[@media-type='image']/t:media-reference"), "source").endswith(
        "meeting.jpg"
    )
    assert text(nitf, ".//t:hedline/t:hl1") == published.headline


def test_nitf_body_is_checked_by_the_nitf_schema(published: newsroom.Article, clock: FixedClock) -> None:
    """The combined schema really looks inside the NITF rendition (garbage there is caught)."""
    content = export(published, clock, nitf=True)
    broken = content.replace(b"<body.content>", b"<body.content><bogus/>", 1)
    schema = load_schema(schemas())
    assert not schema.validate(etree.fromstring(broken))
    assert "bogus" in str(schema.error_log)


def test_embargoed_story_is_exported_usable_and_embargoed(clock: FixedClock) -> None:
    until = clock.now + timedelta(hours=6)
    story = publish(attrs.evolve(sample_article(clock=clock), embargo_until=until), clock)
    root = assert_valid(export(story, clock))
    meta = find_one(root, "n:itemMeta")
    names = child_names(meta)
    assert names.index("embargoed") < names.index("pubStatus"), "embargoed comes before pubStatus (Superdesk's bug)"
    assert datetime.fromisoformat(must_text(meta, "n:embargoed")) == until
    # As in IPTC's LISTING_1: the embargo is carried by embargoed, the status is usable, so the
    # same guid and version say the same thing before and after the embargo lifts.
    assert find_one(meta, "n:pubStatus").get("qcode") == "stat:usable"
    assert "Embargoed until" in (text(meta, "n:edNote[@role='nrrole:embargo']") or "")
    # After the embargo the same story is still usable, and still says when the embargo was.
    clock.advance(hours=7)
    after = find_one(assert_valid(export(story, clock)), "n:itemMeta")
    assert find_one(after, "n:pubStatus").get("qcode") == "stat:usable"
    assert after.find("n:embargoed", NS) is not None
    assert text(after, "n:edNote[@role='nrrole:embargo']") == text(meta, "n:edNote[@role='nrrole:embargo']")


def test_correction_is_version_two_with_a_correction_signal(published: newsroom.Article, clock: FixedClock) -> None:
    clock.advance(minutes=30)
    corrected = newsroom.correct(
        published,
        text="An earlier version misspelt the Italian prime minister's name.",
        actor=EDITOR,
        clock=clock,
        deck="Leaders agree a special strategic partnership, Meloni says",
    )
    assert corrected.version == 2
    root = assert_valid(export(corrected, clock))
    assert root.get("version") == "2"
    assert root.get("guid") == published.guid
    meta = find_one(root, "n:itemMeta")
    assert [s.get("qcode") for s in meta.findall("n:signal", NS)] == ["sig:correction"]
    note = meta.find("n:edNote[@role='nrrole:correction']", NS)
    assert note is not None
    assert note.text == "An earlier version misspelt the Italian prime minister's name."
    assert datetime.fromisoformat(must_get(note, "modified")) == clock.now
    link = find_one(meta, "n:link[@rel='irel:previousVersion']")
    assert (link.get("residref"), link.get("version")) == (published.guid, "1")
    names = child_names(meta)
    assert names.index("edNote") < names.index("signal") < names.index("link")
    assert datetime.fromisoformat(must_text(meta, "n:versionCreated")) == clock.now


def test_update_signals_update_and_first_version_signals_nothing(
    published: newsroom.Article, clock: FixedClock
) -> None:
    first = find_one(assert_valid(export(published, clock)), "n:itemMeta")
    assert first.find("n:signal", NS) is None
    assert first.find("n:link[@rel='irel:previousVersion']", NS) is None
    clock.advance(minutes=5)
    updated = newsroom.update(published, actor=EDITOR, clock=clock, deck="New deck")
    meta = find_one(assert_valid(export(updated, clock)), "n:itemMeta")
    assert [s.get("qcode") for s in meta.findall("n:signal", NS)] == ["sig:update"]


def test_killed_story_is_a_new_canceled_version_with_only_its_notice(
    published: newsroom.Article, clock: FixedClock
) -> None:
    clock.advance(hours=1)
    killed = newsroom.kill(
        published, reason="legal: defamation claim", notice="This story was withdrawn.", actor=EDITOR, clock=clock
    )
    content = export(killed, clock, nitf=True)
    root = assert_valid(content)
    assert root.get("version") == str(published.version + 1)
    meta = find_one(root, "n:itemMeta")
    assert find_one(meta, "n:pubStatus").get("qcode") == "stat:canceled"
    assert text(meta, "n:edNote[@role='nrrole:retraction']") == "This story was withdrawn."
    assert find_one(meta, "n:link[@rel='irel:previousVersion']").get("version") == str(published.version)
    xhtml = find_one(root, ".//x:body")
    assert [p.xpath("string()") for p in xhtml.findall("x:p", NS) if p.get("class") != "attribution"] == [
        "This story was withdrawn."
    ]
    assert b"Sanae Takaichi" not in content, "the killed text must not go out"
    assert b"defamation" not in content, "the kill reason is internal"


def test_internal_fields_never_reach_the_item(published: newsroom.Article, clock: FixedClock) -> None:
    assert published.ed_note
    content = export(published, clock)
    assert published.ed_note.encode() not in content
    assert b"views" not in content, "extra is not carried"


def test_russian_story(clock: FixedClock) -> None:
    story = attrs.evolve(
        sample_article(clock=clock, language="ru"),
        headline="Япония и Италия договорились о сотрудничестве",
        dateline=newsroom.Dateline(place="ТОКИО", date=date(2026, 1, 16)),
    )
    story = publish(story, clock)
    root = assert_valid(export(story, clock))
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "ru"
    assert find_one(root, "n:contentMeta/n:language").get("tag") == "ru"
    assert text(root, "n:contentMeta/n:headline") == "Япония и Италия договорились о сотрудничестве"
    assert text(root, "n:contentMeta/n:dateline") == "ТОКИО, 16 января"
    assert text(root, "n:contentMeta/n:by") == "Авторы: Aghakazim Guliyev и Jane Roe"
    assert must_text(root, ".//x:p[@class='attribution']").startswith("Источник: ")


# --------------------------------------------------------------------------- the mapping


def test_envelope_and_item_meta_order(published: newsroom.Article, clock: FixedClock) -> None:
    root = assert_valid(export(published, clock))
    assert root.get("standard") == "NewsML-G2"
    assert root.get("standardversion") == "2.35"
    assert root.get("conformance") == "power"
    assert root.get("guid") == published.guid
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    assert child_names(root) == [
        "catalogRef", "catalog", "rightsInfo", "rightsInfo", "itemMeta", "contentMeta", "contentSet"
    ]  # fmt: skip
    assert child_names(find_one(root, "n:itemMeta")) == [
        "itemClass", "provider", "versionCreated", "firstCreated", "pubStatus", "fileName", "generator",
        "service", "link", "link",
    ]  # fmt: skip
    meta = find_one(root, "n:itemMeta")
    assert find_one(meta, "n:itemClass").get("qcode") == "ninat:text"
    assert find_one(meta, "n:provider").get("uri") == "https://news.example.com"
    assert text(meta, "n:provider/n:name") == "Example News"
    assert find_one(meta, "n:service").get("qcode") == "nrsec:world"
    assert find_one(meta, "n:link[@rel='irel:seeAlso']").get("href") == published.canonical_url
    lead = find_one(meta, "n:link[@rel='irel:associatedWith']")
    assert (lead.get("href"), lead.get("title")) == ("https://caliber.az/media/lead.jpg", "Leaders at the table")


def test_content_meta_mapping(published: newsroom.Article, clock: FixedClock) -> None:
    meta = find_one(assert_valid(export(published, clock)), "n:contentMeta")
    names = child_names(meta)
    assert names[:3] == ["urgency", "contentCreated", "contentModified"]
    first_block = {"located", "creator", "contributor", "infoSource"}
    second_block = {"language", "genre", "subject", "keyword", "slugline", "headline", "dateline", "by", "description"}
    last_first = max(i for i, n in enumerate(names) if n in first_block)
    first_second = min(i for i, n in enumerate(names) if n in second_block)
    assert last_first < first_second, "contentMeta's two blocks are in schema order"
    assert text(meta, "n:urgency") == "4"
    located = find_one(meta, "n:located")
    assert text(located, "n:name") == "Tokyo"
    assert located.find("n:broader[@qcode='iso3166-1a2:JP']", NS) is not None
    position = find_one(located, "n:geoAreaDetails/n:position")
    assert (float(must_get(position, "latitude")), float(must_get(position, "longitude"))) == (35.68, 139.69)
    creators = meta.findall("n:creator", NS)
    assert [(text(c, "n:name"), c.get("role")) for c in creators] == [
        ("Aghakazim Guliyev", "cpprole:author"),
        ("Jane Roe", "cpprole:correspondent"),
    ]
    assert creators[1].get("uri") == "https://example.com/jane"
    sources = meta.findall("n:infoSource", NS)
    assert [(text(s, "n:name"), s.get("role")) for s in sources] == [
        ("Caliber.Az", "cpprole:contentSource"),
        ("Japanese media", "cpprole:originfo"),
    ]
    assert find_one(meta, "n:genre").get("qcode") == "genre:Current"
    subject = find_one(meta, "n:subject")
    assert (subject.get("qcode"), text(subject, "n:name")) == ("medtop:11000000", "politics")
    assert [k.text for k in meta.findall("n:keyword", NS)] == ["Japan", "Italy", "Ukraine"]
    assert text(meta, "n:slugline") == "japan-italy-talks"
    headlines = [(h.get("role"), h.text) for h in meta.findall("n:headline", NS)]
    assert headlines == [
        (None, published.headline),
        ("nrrole:deck", "Leaders agree a special strategic partnership"),
        ("nrrole:kicker", "Diplomacy"),
    ]
    assert text(meta, "n:dateline") == "TOKYO, January 16"
    assert text(meta, "n:by") == "By Aghakazim Guliyev and Jane Roe"
    assert text(meta, "n:description[@role='drol:summary']") == published.summary


def test_rights_and_attribution(published: newsroom.Article, clock: FixedClock) -> None:
    content = export(published, clock)
    root = assert_valid(content)
    rights = root.findall("n:rightsInfo", NS)
    assert text(rights[0], "n:copyrightHolder/n:name") == "Caliber.az"
    assert text(rights[0], "n:copyrightNotice") == "Caliber.az © 2026"
    terms = find_one(rights[1], "n:usageTerms")
    assert "only if there is a hyperlink to Caliber.az" in terms.xpath("string()")
    assert find_one(terms, "n:a").get("href") == "https://caliber.az"
    # The source's terms cover the whole item: no idrefs (which would scope them to the element
    # named); an extension property names the infoSource whose terms they are.
    assert rights[1].get("idrefs") is None
    whose = find_one(rights[1], "n:rightsInfoExtProperty[@rel='nrprop:termsOf']")
    assert find_one(root, f".//n:infoSource[@id='{whose.get('literal')}']/n:name").text == "Caliber.Az"
    body_link = find_one(root, ".//x:p[@class='attribution']/x:a")
    assert body_link.get("href") == "https://caliber.az"
    # The core's XML proof (the one every export runs) finds the link.
    owed = newsroom.obligations(published)
    assert owed
    assert all(any(newsroom.href_satisfies(h, o) for h in _hrefs(root)) for o in owed)


def _hrefs(root: etree._Element) -> list[str]:
    return [
        href
        for el in root.iter()
        if isinstance(el.tag, str) and etree.QName(el).localname in {"a", "link"} and (href := el.get("href"))
    ]


def test_all_times_carry_a_time_zone(clock: FixedClock) -> None:
    draft = attrs.evolve(sample_article(clock=clock), embargo_until=datetime(2026, 1, 20, 9, 0, tzinfo=UTC))
    story = newsroom.correct(publish(draft, clock), text="Fixed.", actor=EDITOR, clock=clock)
    root = assert_valid(export(story, clock))
    zoned = re.compile(r"T\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
    stamps = [
        el.text
        for el in root.iter()
        if isinstance(el.tag, str)
        and etree.QName(el).localname
        in {"versionCreated", "firstCreated", "embargoed", "contentCreated", "contentModified"}
    ]
    stamps += [el.get("modified") for el in root.iter(f"{{{NAR}}}edNote") if el.get("modified")]
    stamps += [
        el.get("value")
        for el in root.iter(f"{{{NAR}}}contentMetaExtProperty")
        if el.get("valuedatatype") == "xs:dateTime"
    ]
    assert len(stamps) >= 6
    assert all(zoned.search(s or "") for s in stamps), stamps


def test_every_qcode_alias_is_declared(published: newsroom.Article, clock: FixedClock) -> None:
    """Every alias used is in IPTC's catalog 41 (read from the file) or the item's own catalog."""
    catalog = etree.parse(str(need_shared("schemas", "newsml-g2", "catalog.IPTC-G2-Standards_41.xml")))
    iptc = {s.get("alias") for s in catalog.iter(f"{{{NAR}}}scheme")}
    for story in (published, newsroom.kill(published, reason="x", actor=EDITOR, clock=clock)):
        root = assert_valid(export(story, clock))
        own = {s.get("alias") for s in root.iter(f"{{{NAR}}}scheme")}
        used = set()
        for el in root.iter():
            if not isinstance(el.tag, str) or etree.QName(el).namespace != NAR:
                continue
            for attr in ("qcode", "role", "type", "rel", "mode"):
                used |= {code.split(":", 1)[0] for code in (el.get(attr) or "").split()}
        assert used, "no QCodes found"
        assert used <= iptc | own, f"undeclared aliases: {used - iptc - own}"
        assert not own & iptc, "newsroom's aliases must not shadow IPTC's"


def test_iptc_aliases_the_plugin_uses_are_in_catalog_41() -> None:
    catalog = etree.parse(str(need_shared("schemas", "newsml-g2", "catalog.IPTC-G2-Standards_41.xml")))
    iptc = {s.get("alias") for s in catalog.iter(f"{{{NAR}}}scheme")}
    assert iptc >= newsroom_newsml.vocabulary.IPTC_ALIASES
    assert not set(newsroom_newsml.vocabulary.PROVIDER_SCHEMES) & iptc


def test_undeclared_scheme_is_refused_naming_the_field(clock: FixedClock) -> None:
    story = attrs.evolve(sample_article(clock=clock), subjects=[newsroom.Concept(code="myco:1234", label="Local")])
    with pytest.raises(newsroom.ExportError, match=r"subjects\[0\]\.code: scheme alias 'myco'"):
        export(story, clock)
    root = assert_valid(export(story, clock, schemes={"myco": "https://news.example.com/cv/topics/"}))
    declared = find_one(root, "n:catalog/n:scheme[@alias='myco']")
    assert declared.get("uri") == "https://news.example.com/cv/topics/"


def test_hosted_provider_catalog(published: newsroom.Article, clock: FixedClock) -> None:
    url = "https://news.example.com/newsml/catalog.newsroom_1.xml"
    root = assert_valid(export(published, clock, catalog_url=url))
    assert [c.get("href") for c in root.findall("n:catalogRef", NS)][1] == url
    assert root.find("n:catalog", NS) is None
    hosted = assert_valid(newsroom_newsml.provider_catalog())
    assert {s.get("alias") for s in hosted.findall("n:scheme", NS)} == set(newsroom_newsml.vocabulary.PROVIDER_SCHEMES)
    assert all(s.find("n:definition", NS) is not None for s in hosted.findall("n:scheme", NS))


def test_bad_options_are_refused(published: newsroom.Article, clock: FixedClock) -> None:
    with pytest.raises(newsroom.ExportError, match="unknown option"):
        export(published, clock, nitff=True)
    with pytest.raises(newsroom.ExportError, match="'nitf' must be true or false"):
        export(published, clock, nitf="yes")
    with pytest.raises(newsroom.ExportError, match="id_prefix"):
        export(published, clock, id_prefix="1 bad")


def test_validate_option(published: newsroom.Article, clock: FixedClock, tmp_path: Path) -> None:
    content = export(published, clock, nitf=True, validate=True, schemas=str(schemas()))
    assert_valid(content)
    g2_only = tmp_path / "g2"
    g2_only.mkdir()
    for name in ("NewsML-G2_2.35-spec-All-Power.xsd", "xml.xsd"):
        (g2_only / name).write_bytes(need_shared("schemas", "newsml-g2", name).read_bytes())
    export(published, clock, validate=True, schemas=str(g2_only))
    with pytest.raises(newsroom.ExportError, match=r"no nitf-3-6\.xsd"):
        export(published, clock, nitf=True, validate=True, schemas=str(g2_only))
    with pytest.raises(newsroom.ExportError, match=r"holds no NewsML-G2_2\.35"):
        export(published, clock, validate=True, schemas=str(tmp_path))


def test_story_without_publisher_or_rights(clock: FixedClock) -> None:
    story = newsroom.Article.draft(guid="urn:example:bare", headline="Bare", body=["Just text."], clock=clock)
    root = assert_valid(export(story, clock))
    assert root.find("n:rightsInfo", NS) is None
    assert find_one(root, "n:itemMeta/n:provider").get("qcode") == "nrprov:unspecified"
    assert find_one(root, "n:itemMeta/n:pubStatus").get("qcode") == "stat:withheld", "a draft is never usable"


# --------------------------------------------------------------------------- every valid story


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(story=articles())
def test_every_valid_story_exports_to_a_valid_item(story: newsroom.Article) -> None:
    clock = FixedClock(datetime(2030, 1, 1, tzinfo=UTC))
    rendition = newsroom.export(story, "newsml-g2", clock=clock, host=_HOST, options={"nitf": True})
    root = assert_valid(rendition.content)
    assert root.get("guid") == story.guid
    assert root.get("version") == str(story.version)
    status = find_one(root, "n:itemMeta/n:pubStatus").get("qcode")
    if story.state is newsroom.PublishState.KILLED:
        assert status == "stat:canceled"
    elif story.state is newsroom.PublishState.PUBLISHED:  # embargoed or not: embargoed carries that
        assert status == "stat:usable"
    else:
        assert status == "stat:withheld"
    assert (root.find("n:itemMeta/n:signal", NS) is not None) == (story.version > 1)


_HOST = plugin_host()
