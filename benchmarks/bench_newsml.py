"""NewsML-G2 benchmarks: exporting and reading back a 600-word story.

- Export vs a minimal hand-written lxml ElementMaker build of the same document: the floor for
  building that tree in Python. The baseline gets every value ready-made (strings computed
  outside the timing) and must produce byte-identical output, so the ratio is the exporter's
  own cost (mapping, QCode checks, options) over the bare tree building.
- Reading back (the ``newsml-g2`` reader, to a validated Article) vs ``lxml.etree.fromstring`` on
  the same bytes. Informative floors beside it: parsing plus building the same Article from
  values already at hand (its body; then every model object in it), and parsing plus looking
  once at every element. A reader pays the walk and the model together, so their excesses over
  the parse add up: that sum is the least this design can reach.
- Each case runs alternately with its baseline (``harness.compare``), so background load is
  spread over both.
- IPTC's ``newsmlg2`` package (the ``bench`` dependency group) generating and parsing the same
  item, timed alongside as the peer figure; the line is skipped with a note when it is not
  installed.
"""

from __future__ import annotations

import importlib.util
import io
from collections.abc import Mapping
from typing import Any

import attrs
from harness import Result, best_of, compare
from lxml import etree
from lxml.builder import ElementMaker

import newsroom
import newsroom_newsml
from newsroom.testing import FixedClock, sample_article


NAR = "http://iptc.org/std/nar/2006-10-01/"
XHTML = "http://www.w3.org/1999/xhtml"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def story_600_words() -> newsroom.Article:
    """The sample story's metadata with a 600-word body of paragraphs, some with inline markup."""
    base = sample_article()
    sentence = "The two governments share concerns over trade practices, often criticised as economic coercion."
    marked = 'Both leaders <em>said</em> the <a href="https://caliber.az/en/post/1">talks</a> went well.'
    paragraphs = [" ".join([sentence] * 4) + " " + marked for _ in range(12)]
    story = newsroom.Article.draft(
        guid=base.guid,
        headline=base.headline,
        deck=base.deck,
        summary=base.summary,
        slugline=base.slugline,
        body=paragraphs,
        section=base.section,
        bylines=base.bylines,
        sources=base.sources,
        publisher=base.publisher,
        rights=base.rights,
        subjects=base.subjects,
        genre=base.genre,
        keywords=base.keywords,
        urgency=base.urgency,
        first_created=base.first_created,
        canonical_url=base.canonical_url,
    )
    assert story.word_count() >= 600
    return story


def _inline(maker: Any, text: newsroom.InlineText) -> list[Any]:
    out: list[Any] = []
    for node in text.nodes:
        if isinstance(node, newsroom.Text):
            out.append(node.text)
        elif isinstance(node, newsroom.Span):
            out.append(getattr(maker, node.kind)(*_inline(maker, newsroom.InlineText(node.children))))
        elif isinstance(node, newsroom.Link):
            out.append(maker.a(*_inline(maker, newsroom.InlineText(node.children)), href=node.href))
        else:
            out.append(maker.br())
    return out


def hand_built_inputs(story: newsroom.Article, context: newsroom.ExportContext) -> dict[str, Any]:
    """Every value the hand-written build needs, computed once, outside the timing."""
    return {
        "story": story,
        "now": context.now.isoformat(),
        "created": story.first_created.isoformat() if story.first_created else "",
        "version": newsroom_newsml.items.newsroom_version(),
        "file_name": newsroom_newsml.items.file_name(story.guid),
        "words": str(story.word_count()),
        "byline": story.byline(),
        "paragraphs": [b.text for b in story.body if isinstance(b, newsroom.Paragraph)],
        "line": context.attribution[0],
        "source": story.sources[0],
    }


def hand_built(d: dict[str, Any]) -> bytes:
    """The same newsItem, written out element by element with no mapping logic at all."""
    e = ElementMaker(namespace=NAR, nsmap={None: NAR})
    x = ElementMaker(namespace=XHTML, nsmap={None: XHTML})
    s: newsroom.Article = d["story"]
    src: newsroom.Source = d["source"]
    line: newsroom.AttributionLine = d["line"]
    assert s.rights is not None
    assert s.publisher is not None
    assert s.section is not None
    assert s.genre is not None
    assert s.first_created is not None
    assert src.policy is not None
    root = e.newsItem(
        e.catalogRef(href="http://www.iptc.org/std/catalog/catalog.IPTC-G2-Standards_41.xml"),
        e.catalog(
            *(
                e.scheme(e.name(name), alias=alias, uri=f"urn:newsroom-editorial:cv:{alias}:")
                for alias, name in (
                    ("nrrole", "newsroom roles"),
                    ("nrprop", "newsroom properties"),
                    ("nrsec", "newsroom sections"),
                    ("nrperson", "newsroom people"),
                )
            )
        ),
        e.rightsInfo(e.copyrightHolder(e.name(s.rights.holder)), e.copyrightNotice(s.rights.notice or "")),
        e.rightsInfo(
            e.usageTerms(
                e.span(src.policy.notice or "", {"class": "policy"}),
                " ",
                e.a(src.name, {"href": src.required_link or "", "class": "site"}),
            ),
            e.rightsInfoExtProperty(rel="nrprop:termsOf", literal="src1"),
        ),
        e.itemMeta(
            e.itemClass(qcode="ninat:text"),
            e.provider(e.name(s.publisher.name), uri=s.publisher.home or ""),
            e.versionCreated(d["created"]),
            e.firstCreated(d["created"]),
            e.pubStatus(qcode="stat:withheld"),
            e.fileName(d["file_name"]),
            e.generator("newsroom", versioninfo=d["version"]),
            e.service(e.name(s.section.name), qcode=f"nrsec:{s.section.path}"),
            e.link(rel="irel:seeAlso", href=s.canonical_url or "", contenttype="text/html"),
        ),
        e.contentMeta(
            e.urgency(str(s.urgency)),
            e.contentCreated(d["created"]),
            *(
                e.creator(
                    e.name(p.name),
                    {"role": f"cpprole:{p.role}", "qcode": f"nrperson:{p.slug}", **({"uri": p.url} if p.url else {})},
                )
                for p in s.bylines
            ),
            e.infoSource(e.name(src.name), {"role": "cpprole:contentSource", "id": "src1", "uri": src.home or ""}),
            e.infoSource(e.name(s.sources[1].name), role="cpprole:originfo"),
            e.language({"tag": s.language}),
            e.genre(e.name(s.genre.label), qcode=s.genre.code),
            *(e.subject(e.name(c.label), type="cpnat:abstract", qcode=c.code) for c in s.subjects),
            *(e.keyword(k) for k in s.keywords),
            e.slugline(s.slugline or ""),
            e.headline(s.headline),
            e.headline(s.deck or "", role="nrrole:deck"),
            e.by(d["byline"]),
            e.description(s.summary or "", role="drol:summary"),
        ),
        e.contentSet(
            e.inlineXML(
                x.html(
                    x.head(x.title(s.headline)),
                    x.body(
                        x.h1(s.headline),
                        *(x.p(*_inline(x, text)) for text in d["paragraphs"]),
                        x.p(f"{line.label}: ", x.a(line.credit, href=line.url), {"class": "attribution"}),
                    ),
                    {XML_LANG: s.language},
                ),
                contenttype="application/xhtml+xml",
                wordcount=d["words"],
            )
        ),
        {
            "guid": s.guid,
            "version": str(s.version),
            "standard": "NewsML-G2",
            "standardversion": "2.35",
            "conformance": "power",
            XML_LANG: s.language,
        },
    )
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _peer_item(content: bytes) -> Any:
    """The item's core metadata built with IPTC's newsmlg2 API, and its body (an lxml element)."""
    import NewsMLG2  # type: ignore[import-untyped]

    source = etree.fromstring(content)
    item = NewsMLG2.NewsItem()
    item.guid = source.get("guid")
    item.version = source.get("version")
    item.standard = "NewsML-G2"
    item.standardversion = "2.35"
    item.conformance = "power"
    meta = NewsMLG2.ItemMeta()
    meta.itemclass.qcode = "ninat:text"
    meta.provider.uri = "https://news.example.com"
    meta.versioncreated = source.findtext(f".//{{{NAR}}}versionCreated")
    meta.pubstatus.qcode = "stat:withheld"
    item.itemmeta = meta
    content_meta = NewsMLG2.NewsItemContentMeta()
    content_meta.contentcreated = source.findtext(f".//{{{NAR}}}contentCreated")
    content_meta.headline = source.findtext(f".//{{{NAR}}}headline")
    content_meta.slugline = source.findtext(f".//{{{NAR}}}slugline")
    item.contentmeta = content_meta
    content_set = NewsMLG2.ContentSet()
    content_set.inlinexml = [NewsMLG2.InlineXML(xmlelement=source.find(f".//{{{NAR}}}inlineXML"))]
    item.contentset = content_set
    return item


def _plain_nodes(nodes: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    """Inline nodes as plain tuples, so the floor can build them afresh each time."""
    out: list[tuple[Any, ...]] = []
    for node in nodes:
        if isinstance(node, newsroom.Text):
            out.append(("text", node.text))
        elif isinstance(node, newsroom.Span):
            out.append(("span", node.kind, _plain_nodes(node.children)))
        elif isinstance(node, newsroom.Link):
            out.append(("link", node.href, _plain_nodes(node.children)))
        else:
            out.append(("br",))
    return out


def _build_nodes(plain: list[tuple[Any, ...]]) -> list[Any]:
    out: list[Any] = []
    for item in plain:
        if item[0] == "text":
            out.append(newsroom.Text(item[1]))
        elif item[0] == "span":
            out.append(newsroom.Span(kind=item[1], children=_build_nodes(item[2])))
        elif item[0] == "link":
            out.append(newsroom.Link(href=item[1], children=_build_nodes(item[2])))
        else:
            out.append(newsroom.LineBreak())
    return out


class _Make:
    """How to build one model object again: its class and its constructor's arguments."""

    __slots__ = ("cls", "kwargs")

    def __init__(self, cls: type, kwargs: dict[str, Any]) -> None:
        self.cls = cls
        self.kwargs = kwargs


def _recipe(value: Any) -> Any:
    """A model value as plain ingredients (tuples become lists), to build afresh in the timing."""
    if attrs.has(type(value)):
        return _Make(
            type(value), {f.name: _recipe(getattr(value, f.name)) for f in attrs.fields(type(value)) if f.init}
        )
    if type(value) is tuple:
        return [_recipe(item) for item in value]
    if isinstance(value, Mapping):
        return dict(value)
    return value


def _make(recipe: Any) -> Any:
    if type(recipe) is _Make:
        return recipe.cls(**{name: _make(value) for name, value in recipe.kwargs.items()})
    if type(recipe) is list:
        return tuple([_make(item) for item in recipe])
    return recipe


def run(quick: bool) -> list[Result]:
    story = story_600_words()
    clock = FixedClock()
    context = newsroom.ExportContext(
        now=clock(), attribution=newsroom.attribution_lines(story), owed=newsroom.obligations(story)
    )
    exporter = newsroom_newsml.NewsMLExporter()
    reader = newsroom_newsml.NewsMLReader()
    content = exporter.export(story, context).content
    inputs = hand_built_inputs(story, context)
    assert hand_built(inputs) == content, "the hand-written baseline must build the very same document"
    repeat, number = (3, 20) if quick else (7, 200)

    def export() -> object:
        return exporter.export(story, context)

    def baseline_build() -> object:
        return hand_built(inputs)

    def read() -> list[Any]:
        return list(reader.read(io.BytesIO(content), source="bench"))

    def baseline_parse() -> object:
        return etree.fromstring(content)

    got = read()[0]
    assert isinstance(got, newsroom.Article)
    ready = {f.name: getattr(got, f.name) for f in attrs.fields(newsroom.Article) if f.name not in {"state", "history"}}
    paragraphs = [_plain_nodes(b.text.nodes) for b in got.body if isinstance(b, newsroom.Paragraph)]

    def model_floor() -> object:
        # What any reader must pay: parse, then build and validate the same story (its inline
        # nodes, paragraphs and the Article) from values it already holds.
        etree.fromstring(content)
        body = [newsroom.Paragraph(text=newsroom.InlineText(_build_nodes(p))) for p in paragraphs]
        return newsroom.Article(**{**ready, "body": body})

    fields = {name: _recipe(value) for name, value in ready.items() if name != "body"}

    def model_floor_all() -> object:
        # The same, building every other model object (people, sources, rights...) afresh too.
        etree.fromstring(content)
        body = [newsroom.Paragraph(text=newsroom.InlineText(_build_nodes(p))) for p in paragraphs]
        return newsroom.Article(**{name: _make(value) for name, value in fields.items()}, body=body)

    assert model_floor_all() == got

    # Each case is timed alternately with its baseline, so background load is spread over both.
    rounds, per_round = (3, 20) if quick else (repeat * 3, number // 3 or 1)
    exported, build_base = compare(export, baseline_build, repeat=rounds, number=per_round)
    read_back, parse_base = compare(read, baseline_parse, repeat=rounds, number=per_round)
    floor, floor_base = compare(model_floor, baseline_parse, repeat=rounds, number=per_round)
    floor_all, floor_all_base = compare(model_floor_all, baseline_parse, repeat=rounds, number=per_round)

    def visit_floor() -> object:
        # What any reader of an lxml tree pays before it builds anything: parse, then look once at
        # every element's tag, text, tail and attributes (lxml makes a Python proxy for each).
        root = etree.fromstring(content)
        for el in root.iter():
            _ = el.tag, el.text, el.tail, el.items()
        return root

    visit, visit_base = compare(visit_floor, baseline_parse, repeat=rounds, number=per_round)
    results = [
        Result(
            "newsml: export a 600-word story vs hand-written ElementMaker build",
            exported,
            build_base,
            target=2.5,
        ),
        Result(
            "newsml: read it back to an Article vs lxml fromstring",
            read_back,
            parse_base,
            target=4.0,
        ),
        Result(
            "newsml: (floor) parse + build that Article from ready values vs lxml fromstring",
            floor,
            floor_base,
            target=float("inf"),
            note="informative: the model's own cost",
        ),
        Result(
            "newsml: (floor) parse + build every object of that Article from ready values",
            floor_all,
            floor_all_base,
            target=float("inf"),
            note="informative: with people, sources, rights",
        ),
        Result(
            "newsml: (floor) parse + look once at every element (tag, text, tail, attributes)",
            visit,
            visit_base,
            target=float("inf"),
            note="informative: the walk any lxml reader pays",
        ),
    ]
    if importlib.util.find_spec("NewsMLG2") is None:
        results.append(
            Result(
                "newsml peer: IPTC newsmlg2 (not installed; pip install --group bench)",
                0.0,
                1.0,
                target=float("inf"),
                note="skipped",
            )
        )
        return results
    import NewsMLG2

    peer_repeat, peer_number = (1, 2) if quick else (3, 10)

    def peer_generate() -> object:
        doc = NewsMLG2.NewsMLG2Document()
        doc.set_item(_peer_item(content))
        return doc.to_xml_string()

    def peer_parse() -> object:
        return NewsMLG2.NewsMLG2Document(content).get_item()

    results.extend(
        [
            Result(
                "newsml peer: IPTC newsmlg2 builds core metadata + body vs hand-written build",
                best_of(peer_generate, repeat=peer_repeat, number=peer_number),
                build_base,
                target=float("inf"),
                note="peer figure",
            ),
            Result(
                "newsml peer: IPTC newsmlg2 parses the item vs lxml fromstring",
                best_of(peer_parse, repeat=peer_repeat, number=peer_number),
                parse_base,
                target=float("inf"),
                note="peer figure",
            ),
        ]
    )
    return results
