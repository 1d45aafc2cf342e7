"""The ``newsml-g2`` reader: NewsML-G2 text items back into stories.

It reads a ``newsItem``, or a ``newsMessage`` whose ``itemSet`` holds items, and yields one
draft :class:`newsroom.Article` per text item (a received story enters the workflow as a draft;
its ``pubStatus`` and signals are kept in ``extra``). Packages are skipped inside a message (they
hold references, not stories), and a non-text item gives a :class:`newsroom.ReadError` without
stopping the rest.

Everything the exporter writes comes back (see the field table in ``docs/formats/newsml-g2.md``).
Foreign items are read by the same rules, with fallbacks where IPTC's examples leave things out:
a headline from the NITF ``hl1``, the item's ``title``, the slugline, and at last the guid; times
without a zone are taken as UTC; an NITF body when there is no XHTML one.

Parsing is safe and bounded: no network, no DTD (a document that declares one is refused before
parsing, which stops XXE and "billion laughs" attacks), no entity expansion, no huge-tree mode,
and a size limit (:attr:`NewsMLReader.max_bytes`).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import IO, Any, ClassVar, Final, TypeAlias
from urllib.parse import unquote, urlsplit

from lxml import etree

import newsroom
from newsroom_newsml import vocabulary as v
from newsroom_newsml.bodies import read_nitf, read_xhtml
from newsroom_newsml.markup import read_inline
from newsroom_newsml.validation import is_newsml, safe_parser


__all__ = ["MAX_BYTES", "NewsMLReader", "read_articles"]

MAX_BYTES: Final = 32 * 1024 * 1024
"""The default size limit: far above any news item, far below what hurts a server."""


def _n(local: str) -> str:
    return f"{{{v.NAR}}}{local}"


NEWS_ITEM, PACKAGE_ITEM, NEWS_MESSAGE = _n("newsItem"), _n("packageItem"), _n("newsMessage")
ITEM_META, CONTENT_META, CONTENT_SET, RIGHTS_INFO = (
    _n("itemMeta"),
    _n("contentMeta"),
    _n("contentSet"),
    _n("rightsInfo"),
)
NAME, A, SPAN = _n("name"), _n("a"), _n("span")
_COPYRIGHT_HOLDER, _COPYRIGHT_NOTICE, _USAGE_TERMS = _n("copyrightHolder"), _n("copyrightNotice"), _n("usageTerms")
_RIGHTS_EXT = _n("rightsInfoExtProperty")
_XHTML_HTML: Final = f"{{{v.XHTML}}}html"
_NAR_PREFIX: Final = f"{{{v.NAR}}}"
_NITF_NITF: Final = f"{{{v.NITF}}}nitf"
XML_LANG: Final = f"{{{v.XML}}}lang"
_CORRECTION_ID: Final = re.compile(r"c\d+v(\d+)$")
_MODEL_QCODE: Final = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*:[A-Za-z0-9_.\-]+$")
_CORRECTION_ROLES: Final = {"nrrole:correction", "nrrole:clarification", "nrrole:retraction"}
_CPPROLES: Final = frozenset({"author", "correspondent", "editor", "producer"})


# The local names the reader compares with, by tag: a dictionary hit instead of slicing the tag.
# Elements in other namespaces still go by their local name.
_NAR_NAMES: Final = {
    _n(name): name
    for name in ("itemMeta", "contentMeta", "contentSet", "description", "creditline", "remoteInfo", "inlineData")
}


def _local(el: etree._Element) -> str:
    tag = el.tag
    if type(tag) is not str:  # a comment or processing instruction
        return ""
    return _NAR_NAMES.get(tag) or tag.rpartition("}")[2]


_RUNS: Final = re.compile(r"[ \t\n\r]+")


_BR: Final = _n("br")
# The elements whose <br/> is a line break in the model's text (NewsML-G2's BlockType ones).
_BLOCKS: Final = frozenset(_n(name) for name in ("description", "edNote", "copyrightNotice", "usageTerms"))


def _text(el: etree._Element | None) -> str | None:
    """The element's text; ``None`` when empty.

    Text laid out over several lines (pretty-printed XML) has its white-space runs, tabs
    included, collapsed to one space; text on one line is kept as it is, tabs too, so the
    model's own values come back exactly.
    A NewsML-G2 ``<br/>`` is a line break in the block elements (``description``, ``edNote``,
    ``copyrightNotice``, ``usageTerms``) and a space anywhere else (a one-line value).
    """
    if el is None:
        return None
    # Most metadata elements hold just text: no iterator needed for them.
    if len(el) and next(el.iter(_BR), None) is not None:
        return _block_text(el, "\n" if el.tag in _BLOCKS else " ")
    text = "".join(el.itertext()) if len(el) else el.text
    if not text:
        return None
    if "\n" in text or "\r" in text:
        text = _RUNS.sub(" ", text)
    return text.strip(" ") or None


def _block_text(el: etree._Element, separator: str) -> str | None:
    """The text of an element holding ``<br/>``: its lines, each laid out as :func:`_text` does."""
    lines = [""]

    def walk(parent: etree._Element) -> None:
        for child in parent:
            if child.tag == _BR:
                lines.append("")
            elif type(child.tag) is str:  # not a comment: its words
                lines[-1] += child.text or ""
                walk(child)
            lines[-1] += child.tail or ""

    lines[0] = el.text or ""
    walk(el)
    out = [_RUNS.sub(" ", line).strip(" ") if "\n" in line or "\r" in line else line for line in lines]
    text = separator.join(out)
    if separator == " ":  # one line: no run of spaces where the break was
        text = _RUNS.sub(" ", text)
    return text.strip(" \n") or None


def _child(el: etree._Element, tag: str) -> etree._Element | None:
    """The first child with ``tag``: a loop, as lxml's tag filters cost more on a few children."""
    for child in el:
        if child.tag == tag:
            return child
    return None


def _name(el: etree._Element) -> str | None:
    if not len(el):
        return None
    first = el[0]  # where the name nearly always is
    return _text(first if first.tag == NAME else _child(el, NAME))


def _http(value: str | None) -> str | None:
    value = (value or "").strip()
    return value if value.lower().startswith(("http://", "https://")) and " " not in value else None


def _host(uri: str) -> str:
    return urlsplit(uri).hostname or uri


def _code(qcode: str | None) -> str | None:
    return qcode.split(":", 1)[1] if qcode and ":" in qcode else qcode


def _roles(el: etree._Element) -> list[str]:
    return (el.get("role") or "").split()


# A truncated date (NewsML-G2's TruncatedDateTimePropType): a year, a month, or a day, with an
# optional zone that says nothing about a day's start and is left out.
_TRUNCATED = re.compile(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?(?:Z|[+-]\d{2}:\d{2})?")


# xs:dateTime's end of day: 24:00:00, its fraction (if any) all zeros, with an optional zone.
_END_OF_DAY = re.compile(r"(\d{4}-\d{2}-\d{2})T24:00:00(?:\.0+)?(Z|[+-]\d{2}:\d{2})?")


def _time(text: str | None, where: str) -> datetime | None:
    """An ``xs:dateTime``, a date, a year-month or a year as an aware datetime (its start).

    A missing zone is taken as UTC.
    """
    text = (text or "").strip()
    if not text:
        return None
    try:
        if "T" not in text:
            match = _TRUNCATED.fullmatch(text)
            if match is None:
                raise ValueError(text)  # noqa: TRY301 - one message for every bad form, below
            year, month, day = match.groups()
            return datetime(int(year), int(month or 1), int(day or 1), tzinfo=UTC)
        end_of_day = _END_OF_DAY.fullmatch(text)
        if end_of_day is not None:  # xs:dateTime's 24:00:00: the next day's midnight
            day, zone_ = end_of_day.groups()
            value = datetime.fromisoformat(f"{day}T00:00:00{zone_ or ''}") + timedelta(days=1)
        else:
            value = datetime.fromisoformat(text)
    except ValueError:
        msg = f"{text!r} is not a date-time, a date, a year-month or a year"
        raise newsroom.ValidationError(where, msg) from None
    except OverflowError:  # 9999-12-31T24:00:00: the next day's midnight is in the year 10000
        msg = f"{text!r} is past the latest date-time that can be held (the end of 9999-12-31)"
        raise newsroom.ValidationError(where, msg) from None
    return value if value.utcoffset() is not None else value.replace(tzinfo=UTC)


def _number(text: str | None, where: str) -> float:
    """An ``xs:double`` attribute's value."""
    try:
        return float(text or "")
    except ValueError:
        raise newsroom.ValidationError(where, f"{text!r} is not a number") from None


_Handler: TypeAlias = "Callable[[_Story, etree._Element], None]"  # noqa: SLF001 - lxml's element type
_Handlers: TypeAlias = "tuple[dict[object, _Handler], dict[str, _Handler]]"
"""Handlers for the children of one element: by tag (in the NewsML-G2 namespace) and by local name."""


def _handlers(**by_local: _Handler) -> _Handlers:
    """The handlers by tag in the NewsML-G2 namespace, and by local name for other namespaces."""
    return {_n(name): handler for name, handler in by_local.items()}, by_local


class _Story:
    """The fields of one item, gathered in one pass over its elements."""

    def __init__(self, item: etree._Element) -> None:
        self.item = item
        self.fields: dict[str, Any] = {}
        self.extra: dict[str, str] = {}
        self.ed_notes: list[str] = []
        self.corrections: list[newsroom.Correction] = []
        self.sources: list[dict[str, Any]] = []
        self.source_ids: dict[str, int] = {}
        self.bylines: list[newsroom.Person] = []
        self.media: list[newsroom.Image] = []
        self.publisher: dict[str, Any] | None = None
        self.version_created: datetime | None = None
        self.headline: str | None = None
        self.title: str | None = None
        self.dateline_text: str | None = None
        self.dateline_parts: dict[str, str] = {}
        self.body: list[newsroom.Block] | None = None
        self.nitf_headline: str | None = None
        self.subjects: list[newsroom.Concept] = []
        self.keywords: list[str] = []

    # ----------------------------------------------------------------- itemMeta

    def _read(self, parent: etree._Element, handlers: _Handlers) -> None:
        """Hand each child of ``parent`` to its handler, found by tag or, off the namespace, local name."""
        by_tag, by_local = handlers
        for el in parent:
            tag = el.tag
            handler = by_tag.get(tag)
            if handler is None:
                if type(tag) is not str or tag.startswith(_NAR_PREFIX):
                    continue  # a comment, or an element the reader does not use
                handler = by_local.get(tag.rpartition("}")[2])
                if handler is None:
                    continue
            handler(self, el)

    def item_meta(self, meta: etree._Element) -> None:
        self._read(meta, self._ITEM_META)

    def _item_class(self, el: etree._Element) -> None:
        kind = el.get("qcode") or el.get("uri") or ""
        if kind not in {"ninat:text", "http://cv.iptc.org/newscodes/ninature/text"}:
            msg = f"the item is {kind or 'of no class'}, not a text item (ninat:text)"
            raise newsroom.ValidationError("itemMeta.itemClass", msg)

    def _version_created(self, el: etree._Element) -> None:
        self.version_created = _time(el.text, "itemMeta.versionCreated")

    def _first_created(self, el: etree._Element) -> None:
        self.fields["first_created"] = _time(el.text, "itemMeta.firstCreated")

    def _embargoed(self, el: etree._Element) -> None:
        self.fields["embargo_until"] = _time(el.text, "itemMeta.embargoed")

    def _pub_status(self, el: etree._Element) -> None:
        self.extra["newsml:pubStatus"] = el.get("qcode") or el.get("uri") or ""

    def _title(self, el: etree._Element) -> None:
        self.title = self.title or _text(el)

    def _signal(self, el: etree._Element) -> None:
        signals = [s for s in (self.extra.get("newsml:signal", ""), el.get("qcode") or el.get("uri")) if s]
        self.extra["newsml:signal"] = " ".join(signals)

    def _provider(self, el: etree._Element) -> None:
        name = _name(el)
        uri = _http(el.get("uri"))
        remote = next((c for c in el if _local(c) == "remoteInfo"), None)
        url = _http(remote.get("href")) if remote is not None else None
        if el.get("qcode") == "nrprov:unspecified":
            if name:
                self.publisher = {"name": name, "url": url}
            return
        label = name or (_host(uri) if uri else _code(el.get("qcode")) or el.get("uri"))
        if label:
            self.publisher = {"name": label, "home": uri, "url": url}

    def _service(self, el: etree._Element) -> None:
        qcode = el.get("qcode") or ""
        if qcode.startswith("nrsec:"):
            path = qcode.removeprefix("nrsec:")
            parent, _, slug = path.rpartition("/")
            self.fields["section"] = newsroom.Section(name=_name(el) or slug, slug=slug, parent=parent or None)
        elif qcode or el.get("uri"):
            self.extra["newsml:service"] = qcode or el.get("uri") or ""

    def _ed_note(self, el: etree._Element) -> None:
        roles = list(_roles(el))
        correction = [role for role in roles if role in _CORRECTION_ROLES]  # the first one written wins
        if "nrrole:embargo" in roles:
            return  # written from embargoed, which is read on its own
        text = _text(el)
        if not text:
            return
        if correction:
            match = _CORRECTION_ID.search(el.get("id") or "")
            at = _time(el.get("modified"), "itemMeta.edNote.modified") or self.version_created
            self.corrections.append(
                newsroom.Correction(
                    kind=correction[0].removeprefix("nrrole:"),
                    text=text,
                    at=at or datetime(1970, 1, 1, tzinfo=UTC),
                    version=int(match.group(1)) if match else None,
                )
            )
        else:
            self.ed_notes.append(text)

    def _link(self, el: etree._Element) -> None:
        rel = el.get("rel")
        href = _http(el.get("href"))
        if href is None:
            return
        if rel == "irel:seeAlso" and el.get("contenttype") == "text/html" and "canonical_url" not in self.fields:
            self.fields["canonical_url"] = href
        elif rel == "irel:associatedWith":
            caption = next((c for c in el if _local(c) == "description"), None)
            text = newsroom.InlineText(read_inline(caption)) if caption is not None else None
            self.media.append(
                newsroom.Image(
                    src=href,
                    alt=el.get("title") or "",
                    caption=text or None,
                    credit=_text(next((c for c in el if _local(c) == "creditline"), None)),
                )
            )

    # ----------------------------------------------------------------- contentMeta

    def content_meta(self, meta: etree._Element) -> None:
        self.subjects = []
        self.keywords = []
        self._read(meta, self._CONTENT_META)
        self.fields["subjects"] = tuple(self.subjects)
        self.fields["keywords"] = self.keywords

    def _urgency(self, el: etree._Element) -> None:
        text = (el.text or "").strip()
        if text.isdigit() and 1 <= int(text) <= 9:  # noqa: PLR2004 - the scale is 1 to 9
            self.fields["urgency"] = int(text)

    def _content_created(self, el: etree._Element) -> None:
        if self.fields.get("first_created") is None:  # itemMeta's firstCreated comes first
            self.fields["first_created"] = _time(el.text, "contentMeta.contentCreated")

    def _content_modified(self, el: etree._Element) -> None:
        self.fields["modified"] = _time(el.text, "contentMeta.contentModified")

    def _creator(self, el: etree._Element) -> None:
        self._person(el, creator=True)

    def _contributor(self, el: etree._Element) -> None:
        self._person(el, creator=False)

    def _language(self, el: etree._Element) -> None:
        tag = el.get("tag")
        if tag:
            self.fields["language"] = tag

    def _genre(self, el: etree._Element) -> None:
        code = el.get("qcode") or ""
        if "genre" not in self.fields and _MODEL_QCODE.match(code):
            self.fields["genre"] = newsroom.Concept(code=code, label=_name(el) or code)

    def _subject(self, el: etree._Element) -> None:
        code = el.get("qcode") or ""
        if _MODEL_QCODE.match(code):
            self.subjects.append(newsroom.Concept(code=code, label=_name(el) or code))

    def _keyword(self, el: etree._Element) -> None:
        if word := _text(el):
            self.keywords.append(word)

    def _slugline(self, el: etree._Element) -> None:
        self.fields["slugline"] = _text(el)

    def _dateline(self, el: etree._Element) -> None:
        self.dateline_text = _text(el)

    def _description(self, el: etree._Element) -> None:
        roles = _roles(el)
        if "drol:summary" in roles or (not roles and "summary" not in self.fields):
            self.fields["summary"] = _text(el)

    def _located(self, el: etree._Element) -> None:
        fields: dict[str, Any] = {"name": _name(el) or _code(el.get("qcode")) or el.get("uri") or ""}
        fields["uri"] = _http(el.get("uri"))
        for broader in el.iter(_n("broader")):
            qcode = broader.get("qcode") or ""
            kind = (broader.get("type") or "").lower()
            if qcode.startswith("iso3166-1a2:"):
                fields["country"] = qcode.removeprefix("iso3166-1a2:")
            elif (
                "countryarea" in kind or "statprov" in kind or "reg" in qcode.split(":")[0]
            ) and "region" not in fields:
                fields["region"] = _name(broader) or _code(qcode)
        position = el.find(f"{_n('geoAreaDetails')}/{_n('position')}")
        if position is not None:
            fields["latitude"] = _number(position.get("latitude", "nan"), "located.latitude")
            fields["longitude"] = _number(position.get("longitude", "nan"), "located.longitude")
        if fields["name"]:
            self.fields["located"] = newsroom.Place(**fields)

    def _person(self, el: etree._Element, *, creator: bool) -> None:
        roles = _roles(el)
        role = None
        for r in roles:
            if r.startswith("nrrole:person."):
                role = unquote(r.removeprefix("nrrole:person."))
                break
        else:
            for r in roles:
                if r.removeprefix("cpprole:") in _CPPROLES:
                    role = r.removeprefix("cpprole:")
                    break
            else:
                role = "author" if creator else "contributor"
        qcode = el.get("qcode") or ""
        name = _name(el) or _code(qcode) or el.get("uri")
        if not name:
            return
        fields: dict[str, Any] = {"name": name, "role": role, "url": _http(el.get("uri"))}
        if qcode.startswith("nrperson:"):
            fields["slug"] = qcode.removeprefix("nrperson:")
        self.bylines.append(newsroom.Person(**fields))

    def _info_source(self, el: etree._Element) -> None:
        uri = _http(el.get("uri"))
        name = _name(el) or (_host(uri) if uri else None) or _code(el.get("qcode"))
        if not name:
            return
        remote = None
        for child in el:
            if _local(child) == "remoteInfo":
                remote = child
                break
        role = newsroom.SourceRole.VIA if "cpprole:originfo" in _roles(el) else newsroom.SourceRole.SOURCE
        if el.get("id"):
            self.source_ids[el.get("id") or ""] = len(self.sources)
        self.sources.append(
            {"name": name, "home": uri, "url": _http(remote.get("href")) if remote is not None else None, "role": role}
        )

    def _headline(self, el: etree._Element) -> None:
        roles = _roles(el)
        text = _text(el)
        if not text:
            return
        if "nrrole:deck" in roles:
            self.fields["deck"] = text
        elif "nrrole:kicker" in roles:
            self.fields["kicker"] = text
        elif self.headline is None:
            self.headline = text

    def _ext(self, el: etree._Element) -> None:
        rel, value = el.get("rel"), el.get("value")
        if value is None:
            return
        if rel == "nrprop:published":
            self.fields["published"] = _time(value, "contentMeta.contentMetaExtProperty")
        elif rel in {"nrprop:datelinePlace", "nrprop:datelineDate"}:
            self.dateline_parts[rel] = value

    # What each child of itemMeta and contentMeta (by local name) sets; other children are not read.
    _ITEM_META: ClassVar[_Handlers] = _handlers(
        itemClass=_item_class,
        provider=_provider,
        versionCreated=_version_created,
        firstCreated=_first_created,
        embargoed=_embargoed,
        pubStatus=_pub_status,
        service=_service,
        title=_title,
        edNote=_ed_note,
        signal=_signal,
        link=_link,
    )
    _CONTENT_META: ClassVar[_Handlers] = _handlers(
        urgency=_urgency,
        contentCreated=_content_created,
        contentModified=_content_modified,
        located=_located,
        creator=_creator,
        contributor=_contributor,
        infoSource=_info_source,
        language=_language,
        genre=_genre,
        subject=_subject,
        keyword=_keyword,
        slugline=_slugline,
        headline=_headline,
        dateline=_dateline,
        description=_description,
        contentMetaExtProperty=_ext,
    )

    # ----------------------------------------------------------------- rights and content

    def rights(self, rights: etree._Element) -> None:
        refs = (rights.get("idrefs") or "").split()  # how newsroom 0.1 tied a source's terms
        holder = notice_el = None
        for child in rights:  # one pass (a tag filter costs more than it saves on a few children)
            tag = child.tag
            if tag == _COPYRIGHT_HOLDER:
                holder = holder if holder is not None else child
            elif tag == _COPYRIGHT_NOTICE:
                notice_el = notice_el if notice_el is not None else child
            elif tag == _RIGHTS_EXT and child.get("rel") == "nrprop:termsOf" and child.get("literal"):
                refs.append(child.get("literal") or "")
        if holder is not None and not refs:
            uri = _http(holder.get("uri"))
            name = _name(holder) or (_host(uri) if uri else None)
            if name:
                self.fields["rights"] = newsroom.Rights(holder=name, notice=_text(notice_el), holder_url=uri)
        for terms in rights.iter(_USAGE_TERMS):
            link = _child(terms, A)
            if link is None or not _http(link.get("href")):
                text = _text(terms)
                if text:
                    joined = " ".join(t for t in (self.extra.get("newsml:usageTerms"), text) if t)
                    self.extra["newsml:usageTerms"] = joined
                continue
            targets = [self.sources[self.source_ids[r]] for r in refs if r in self.source_ids]
            if not refs and self.publisher is not None:
                targets = [self.publisher]
            for target in targets:
                target["policy"] = _policy(terms, link, target)

    def content_set(self, content: etree._Element) -> None:
        xhtml = nitf = None
        for rendition in content:
            for child in rendition:
                tag = child.tag
                if type(tag) is str:  # the first element, past any comment
                    break
            else:
                continue
            if tag == _XHTML_HTML and xhtml is None:
                xhtml = child
            elif tag == _NITF_NITF and nitf is None:
                nitf = child
            elif xhtml is None and rendition.get("contenttype") == v.CONTENT_TYPE_XHTML:
                xhtml = child
            elif nitf is None and (rendition.get("contenttype") == v.CONTENT_TYPE_NITF or _local(child) == "nitf"):
                nitf = child  # NITF written without its namespace (it then takes NewsML-G2's)
        if nitf is not None:
            hl1 = next((el for el in nitf.iter() if _local(el) == "hl1"), None)
            self.nitf_headline = _text(hl1)
        if xhtml is not None:
            self.body = read_xhtml(xhtml)
        elif nitf is not None:
            self.body = read_nitf(nitf)
        else:
            data = next((r for r in content if _local(r) == "inlineData" and r.text), None)
            if data is not None:
                paragraphs = [newsroom.InlineText.plain(p) for p in re.split(r"\n[ \t\r\f]*\n", data.text or "")]
                self.body = [newsroom.Paragraph(text=p) for p in paragraphs if p and not str(p).isspace()]

    # ----------------------------------------------------------------- the story

    def article(self) -> newsroom.Article:
        item = self.item
        guid = (item.get("guid") or "").strip()
        if not guid:
            raise newsroom.ValidationError("guid", "the item has no guid")
        try:
            version = int(item.get("version") or "1")
        except ValueError:
            msg = f"{item.get('version')!r} is not a whole number"
            raise newsroom.ValidationError("version", msg) from None
        fields = self.fields
        fields.setdefault("language", item.get(XML_LANG) or "en")
        fields["headline"] = self.headline or self.nitf_headline or self.title or fields.get("slugline") or guid
        if fields.get("modified") is None and self.version_created is not None:
            fields["modified"] = self.version_created
        if self.dateline_parts.get("nrprop:datelinePlace"):
            day = self.dateline_parts.get("nrprop:datelineDate")
            on = _time(day, "dateline.date") if day else None
            fields["dateline"] = newsroom.Dateline(
                place=self.dateline_parts["nrprop:datelinePlace"], date=on.date() if on else None
            )
        elif self.dateline_text:
            fields["dateline"] = newsroom.Dateline(place=self.dateline_text)
        if self.publisher is not None:
            fields["publisher"] = newsroom.Source(**self.publisher)
        # Tuples of built values: the Article takes them as they are (lists are converted item by item).
        return newsroom.Article(
            guid=guid,
            version=version,
            body=tuple(self.body or ()),
            bylines=tuple(self.bylines),
            sources=tuple(newsroom.Source(**s) for s in self.sources),
            corrections=tuple(self.corrections),
            media=tuple(self.media),
            ed_note="\n\n".join(self.ed_notes) or None,
            extra=self.extra,
            **fields,
        )


def _policy(terms: etree._Element, link: etree._Element, source: dict[str, Any]) -> newsroom.AttributionPolicy:
    href = _http(link.get("href")) or ""
    classes = (link.get("class") or "").split()
    scope = None
    for c in classes:
        if c in {"site", "story"}:
            scope = c
            break
    if scope is None:  # a foreign item: the link itself tells
        scope = "story" if source.get("url") and href == source.get("url") else "site"
    if scope == "site" and not source.get("home") and not source.get("url"):
        source["home"] = href
    if scope == "story" and not source.get("url"):
        source["url"] = href
    credit = _text(link)
    if "credit" not in classes and credit == source.get("name"):
        credit = None
    notice = None
    for span in terms.iter(SPAN):
        if span.get("class") == "policy":
            notice = _text(span)
            break
    return newsroom.AttributionPolicy(scope=scope, credit=credit, notice=notice)


def item_article(item: etree._Element) -> newsroom.Article:
    """The story in one ``newsItem`` element.

    Raises:
        newsroom.ValidationError: the item is not a text item, or a value breaks a model rule.
    """
    children = list(item)
    if not any(el.tag == ITEM_META for el in children):
        raise newsroom.ValidationError("itemMeta", "the item has no itemMeta, which every NewsML-G2 item needs")
    story = _Story(item)
    rights: list[etree._Element] = []
    for el in children:
        tag = el.tag
        if tag == RIGHTS_INFO:
            rights.append(el)
            continue
        name = _local(el)
        if name == "itemMeta":
            story.item_meta(el)
        elif name == "contentMeta":
            story.content_meta(el)
        elif name == "contentSet":
            story.content_set(el)
    # Rights last: policies attach to the publisher and sources read above.
    for el in rights:
        story.rights(el)
    return story.article()


_PARSERS = threading.local()


def _parser() -> etree.XMLParser:
    """This thread's safe parser (an lxml parser may be reused, but not shared between threads)."""
    parser: etree.XMLParser | None = getattr(_PARSERS, "parser", None)
    if parser is None:
        parser = _PARSERS.parser = safe_parser()
    return parser


def _declares_dtd(data: bytes) -> bool:
    """``b"<!DOCTYPE" in data or b"<!ENTITY" in data``, at a fraction of the cost for most items.

    A search for one byte is far faster than for a string starting with ``<``, which is all over
    XML; most items have few ``!`` or none, so each is looked at instead.
    """
    at = data.find(b"!")
    for _ in range(64):  # beyond that many, two plain searches are the faster way
        if at == -1:
            return False
        if at and data[at - 1] == 0x3C and data.startswith((b"DOCTYPE", b"ENTITY"), at + 1):  # noqa: PLR2004 - "<"
            return True
        at = data.find(b"!", at + 1)
    return b"<!DOCTYPE" in data or b"<!ENTITY" in data


# libxml2 repeats the position in its messages ("... nam line 69, line 69, column 11"); the
# error already says the line. Its advice to set XML_PARSE_HUGE is for lxml's callers, not users.
_POSITION: Final = re.compile(r"(?:,?\s*line \d+)+, column \d+$")
_HUGE_ADVICE: Final = re.compile(r",\s*use XML_PARSE_HUGE option")


def _syntax_message(exc: etree.XMLSyntaxError) -> str:
    """The parser's message for ``exc`` without the repeated position, with the column kept once."""
    text = _HUGE_ADVICE.sub(" (the limit for a safe read)", _POSITION.sub("", exc.msg or str(exc)).rstrip(" ,"))
    column = exc.position[1]
    return f"{text} (column {column})" if column else text


def parse(data: bytes, source: str) -> etree._Element:
    """The root element of ``data``, parsed safely.

    Raises:
        newsroom.ReadError: the document declares a DTD, or is not well-formed XML.
    """
    if _declares_dtd(data):
        msg = (
            "the document declares a DTD, which NewsML-G2 never needs; refused "
            "(DTDs can read local files or expand entities without limit)"
        )
        raise newsroom.ReadError(msg, source=source)
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise newsroom.ReadError(
            f"not well-formed XML: {_syntax_message(exc)}", source=source, line=exc.lineno
        ) from None
    if root.getroottree().docinfo.internalDTD is not None:  # e.g. a DTD in UTF-16, missed by the byte scan
        msg = "the document declares a DTD, which NewsML-G2 never needs; refused"
        raise newsroom.ReadError(msg, source=source)
    return root


def _one(item: etree._Element, source: str) -> newsroom.Article | newsroom.ReadError:
    try:
        return item_article(item)
    except (newsroom.ValidationError, ValueError) as exc:  # a value no rule above named: still this item only
        where = item.get("guid") or "an item without a guid"
        return newsroom.ReadError(f"{where}: {exc}", source=source, line=item.sourceline)


def read_articles(root: etree._Element, source: str) -> Iterator[newsroom.Article | newsroom.ReadError]:
    """Each story of a parsed ``newsItem`` or ``newsMessage``, or a ReadError per bad item.

    Raises:
        newsroom.ReadError: the root is neither a newsItem nor a newsMessage.
    """
    if root.tag == NEWS_ITEM:
        yield _one(root, source)
        return
    if root.tag == NEWS_MESSAGE:
        for item_set in root.iterchildren(_n("itemSet")):
            for item in item_set:
                if item.tag == NEWS_ITEM:
                    yield _one(item, source)
                elif item.tag == PACKAGE_ITEM or not isinstance(item.tag, str):
                    continue  # a package references stories; the stories come as their own items
                else:
                    msg = f"a {_local(item)} is not a story; only newsItems are read"
                    yield newsroom.ReadError(msg, source=source, line=item.sourceline)
        return
    if root.tag == PACKAGE_ITEM:
        msg = "a packageItem holds no story, only references to newsItems; read those items instead"
    else:
        msg = f"the root element is {root.tag!r}, not a NewsML-G2 newsItem or newsMessage"
    raise newsroom.ReadError(msg, source=source, line=root.sourceline)


class NewsMLReader:
    """Reads NewsML-G2 text items, alone or in a newsMessage, into draft stories."""

    name = "newsml-g2"
    suffixes = (".xml",)
    description = "IPTC NewsML-G2 newsItem or newsMessage (XHTML or NITF bodies)"

    def __init__(self, max_bytes: int = MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        """Inputs larger than this are refused before parsing."""

    def sniff(self, head: bytes, filename: str) -> bool:  # noqa: ARG002 - the content decides
        """XML in the NewsML-G2 namespace with an item or message root."""
        return is_newsml(head)

    def read(self, stream: IO[bytes], *, source: str) -> Iterator[newsroom.Article | newsroom.ReadError]:
        """Yield each text item's story, or a ReadError for each bad item.

        Raises:
            newsroom.ReadError: the input is too large, declares a DTD, is not well-formed, or
                is not a newsItem or newsMessage.
        """
        data = stream.read(self.max_bytes + 1)
        if len(data) > self.max_bytes:
            msg = f"the input is larger than {self.max_bytes} bytes; refused (raise NewsMLReader.max_bytes to allow it)"
            raise newsroom.ReadError(msg, source=source)
        yield from read_articles(parse(data, source), source)
