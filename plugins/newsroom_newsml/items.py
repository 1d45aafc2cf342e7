"""The ``newsml-g2`` exporter: one story as one NewsML-G2 2.35 text ``newsItem``.

The item is built with lxml's ElementMaker in the schema's order (the envelope and
``itemMeta`` are strict sequences; ``contentMeta`` is two ordered blocks). Every QCode goes
through :meth:`_Item.qcode`, which records its scheme alias, and an item whose aliases are not
all declared (by IPTC's catalog or the provider catalog) is refused, naming the field. Times come
from the story or from ``ExportContext.now``, never from the system clock, and always carry their
time zone.

How the pipeline's protection rules shape the item: the exporter is ``public`` (internal fields
such as the editor's note and history notes never reach it, and a killed story arrives as its
kill notice) and ``carries_embargo`` (an embargoed story is exported, marked ``embargoed``, with
an editorial note stating the embargo; a published story stays ``stat:usable`` throughout, so the
embargo lifting needs no new version).

Text goes in as the schema types it: single-line ``g2normalizedString`` elements (``name``,
``keyword``, ``slugline``, ``creditline``, ``fileName``) get their tabs and line breaks collapsed
to one space (:func:`one_line`), and the ``BlockType`` elements (``description``, ``edNote``,
``copyrightNotice``) carry a line break as ``<br/>`` (:func:`block`).
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final
from urllib.parse import quote

from lxml import etree

import newsroom
from newsroom_newsml import vocabulary as v
from newsroom_newsml.bodies import nitf_document, xhtml_document
from newsroom_newsml.markup import E_NAR, Child, nar_inline


__all__ = [
    "NewsMLExporter",
    "Settings",
    "bad_text",
    "block",
    "build_item",
    "file_name",
    "iso",
    "newsroom_version",
    "one_line",
    "raise_for_bad_text",
]

_QCODE: Final = re.compile(r"^[^\s:]+:\S+$")
_NCNAME: Final = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
XS: Final = "http://www.w3.org/2001/XMLSchema"

CPPROLES: Final = frozenset({"author", "correspondent", "editor", "producer"})
"""Person roles with an IPTC content production party role of the same name."""
CREATOR_ROLES: Final = frozenset({"author", "correspondent", "writer", "reporter"})
"""Person roles that make a ``creator``; everyone else is a ``contributor``."""

_MONTHS: Final = {
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    "ru": [
        "января",
        "февраля",
        "марта",
        "апреля",
        "мая",
        "июня",
        "июля",
        "августа",
        "сентября",
        "октября",
        "ноября",
        "декабря",
    ],
    "az": [
        "yanvar",
        "fevral",
        "mart",
        "aprel",
        "may",
        "iyun",
        "iyul",
        "avqust",
        "sentyabr",
        "oktyabr",
        "noyabr",
        "dekabr",
    ],
}

_VERSION: list[str] = []


def newsroom_version() -> str:
    """Newsroom's installed version, looked up once (for ``itemMeta/generator``)."""
    if not _VERSION:
        _VERSION.append(str(newsroom.__version__))
    return _VERSION[0]


def iso(value: datetime) -> str:
    """An aware datetime as an ``xs:dateTime`` with its offset (``2026-01-16T07:01:00+00:00``).

    ``xs:dateTime`` offsets are whole minutes; a time whose offset is not (local mean time, such as
    Amsterdam's ``+00:19:32`` before 1937) is written in UTC instead.
    """
    offset = value.utcoffset()
    if offset is None:  # the model forbids it; a guard for hand-built values
        msg = f"{value.isoformat()} has no time zone"
        raise newsroom.ValidationError("time", msg)
    if offset.seconds % 60 or offset.microseconds:
        value = value.astimezone(UTC)
    return value.isoformat()


_LAYOUT: Final = re.compile(r"[ \t\n\r]*[\t\n\r][ \t\n\r]*")


def one_line(text: str) -> str:
    r"""``text`` as a ``g2normalizedString``: a white-space run holding a tab or line break becomes a space.

    The schema's pattern ``[\S ]*`` allows no white space but the space in names, keywords, the
    slugline, the credit line and the file name; other text is returned as it is.
    """
    if "\t" in text or "\n" in text or "\r" in text:
        return _LAYOUT.sub(" ", text)
    return text


def block(text: str) -> list[Child]:
    """``text`` as ``BlockType`` content (``description``, ``edNote``, ``copyrightNotice``): ``<br/>`` for a break."""
    if "\n" not in text:
        return [text]
    out: list[Child] = []
    for i, line in enumerate(text.split("\n")):
        if i:
            out.append(E_NAR.br())
        if line:
            out.append(line)
    return out


@functools.lru_cache(maxsize=4096)
def file_name(guid: str) -> str:
    """The file name of every version of the item or package ``guid``: a slug of it and a short hash.

    Derived from the guid alone, so a correction that changes the headline, or a kill that
    replaces the story with its notice, keeps the name (``urn-newsroom-example-com-42-1a2b3c4d.xml``);
    the hash keeps guids that slug alike apart.
    """
    slug = newsroom.make_slug(guid, max_length=80) or "item"
    digest = hashlib.sha256(guid.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"{slug}-{digest}.xml"


# XML 1.0 characters: no C0 control but tab, line feed and carriage return; no surrogate; no U+FFFE, U+FFFF.
_NOT_XML: Final = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def raise_for_bad_text(value: object, exc: Exception | None, where: str = "") -> None:
    """Raise an :class:`newsroom.ExportError` naming the field of ``value`` that XML cannot hold, if any."""
    found = bad_text(value, where)
    if found is not None:
        where, char = found
        msg = (
            f"{where}: character U+{ord(char):04X} cannot be written in XML 1.0 "
            "(no control characters but tab and line breaks, no lone surrogates, no U+FFFE or U+FFFF)"
        )
        raise newsroom.ExportError(msg, format="newsml-g2") from exc


def bad_text(value: object, where: str = "") -> tuple[str, str] | None:
    """The first text in ``value`` (a story's :func:`newsroom.to_dict` form) that XML cannot hold.

    Returns the field's path (``summary``, ``body[2].text``) and the character, or ``None``. For
    error messages only: it walks the whole story.
    """
    if isinstance(value, str):
        found = _NOT_XML.search(value)
        return (where or "text", found.group()) if found else None
    if isinstance(value, Mapping):
        items: Iterable[tuple[str, object]] = (
            (f"{where}.{key}" if where else str(key), item) for key, item in value.items()
        )
    elif isinstance(value, (list, tuple)):
        items = ((f"{where}[{i}]", item) for i, item in enumerate(value))
    else:
        return None
    for path, item in items:
        found_in = bad_text(item, path)
        if found_in:
            return found_in
    return None


def decimal(value: float) -> str:
    """A float as an ``xs:decimal`` (no exponent) that reads back to the same float."""
    text = format(Decimal(repr(value)), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def printed_dateline(dateline: newsroom.Dateline, language: str) -> str:
    """The dateline as printed: ``TOKYO, January 16`` (``16 января`` in Russian)."""
    if dateline.date is None:
        return dateline.place
    lang = language.split("-", maxsplit=1)[0].lower()
    months = _MONTHS.get(lang)
    if months is None:
        return f"{dateline.place}, {dateline.date.isoformat()}"
    month = months[dateline.date.month - 1]
    if lang == "en":
        return f"{dateline.place}, {month} {dateline.date.day}"
    return f"{dateline.place}, {dateline.date.day} {month}"


def _bool(options: Mapping[str, Any], key: str) -> bool:
    value = options.get(key, False)
    if not isinstance(value, bool):
        msg = f"option {key!r} must be true or false, not {value!r}"
        raise newsroom.ExportError(msg, format="newsml-g2")
    return value


def _str(options: Mapping[str, Any], key: str) -> str | None:
    value = options.get(key)
    if value is not None and (not isinstance(value, str) or not value.strip()):
        msg = f"option {key!r} must be non-empty text, not {value!r}"
        raise newsroom.ExportError(msg, format="newsml-g2")
    return value


@dataclass(frozen=True)
class Settings:
    """The exporter's options, checked. Build with :meth:`from_options`."""

    nitf: bool = False
    """Add an NITF 3.6 rendition after the XHTML one."""
    validate: bool = False
    """Validate the item against the NewsML-G2 XSD before returning it (slow; off by default)."""
    schemas: Path | None = None
    """The folder holding the XSD for ``validate`` (see :mod:`newsroom_newsml.validation`)."""
    catalog_url: str | None = None
    """Where the publisher hosts :func:`~newsroom_newsml.provider_catalog`; else it goes inline."""
    scheme_base: str = v.DEFAULT_SCHEME_BASE
    """The start of newsroom's own scheme URIs."""
    schemes: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    """Extra scheme aliases (alias to URI) for concepts outside IPTC's catalog; not one it or newsroom declares."""
    id_prefix: str = ""
    """Put in front of every ``id`` in the item, so items in one message never share one."""

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> Settings:
        """Check ``ExportContext.options``; raises :class:`newsroom.ExportError` naming a bad one."""
        if not options:
            return _DEFAULT_SETTINGS
        unknown = sorted(set(options) - OPTIONS)
        if unknown:
            msg = f"unknown option(s) {', '.join(unknown)}; newsml-g2 takes {', '.join(sorted(OPTIONS))}"
            raise newsroom.ExportError(msg, format="newsml-g2")
        schemes = options.get("schemes") or {}
        if not isinstance(schemes, Mapping) or not all(
            isinstance(k, str) and _NCNAME.match(k) and isinstance(u, str) and u for k, u in schemes.items()
        ):
            example = "{'myco': 'https://example.com/cv/'}"
            msg = f"option 'schemes' must map scheme aliases to URIs, e.g. {example}, not {schemes!r}"
            raise newsroom.ExportError(msg, format="newsml-g2")
        for alias in sorted(schemes):
            if alias in v.IPTC_ALIASES or alias in v.PROVIDER_SCHEMES:
                owner = "IPTC's catalog" if alias in v.IPTC_ALIASES else "newsroom's provider catalog"
                msg = (
                    f"option 'schemes' cannot declare {alias!r}: {owner} already declares it, and one alias "
                    "must name one scheme; pick another alias for your scheme"
                )
                raise newsroom.ExportError(msg, format="newsml-g2")
        schemas = options.get("schemas")
        if schemas is not None and not isinstance(schemas, (str, Path)):
            msg = f"option 'schemas' must be a folder path, not {schemas!r}"
            raise newsroom.ExportError(msg, format="newsml-g2")
        # Text that ends up in the item: refused here, naming the option, rather than by lxml.
        raise_for_bad_text(dict(schemes), None, "option 'schemes'")
        for name in ("catalog_url", "scheme_base"):
            raise_for_bad_text(options.get(name), None, f"option {name!r}")
        prefix = _str(options, "id_prefix") or ""
        if prefix and not _NCNAME.match(prefix):
            msg = (
                f"option 'id_prefix' must start with a letter and hold only letters, digits, '-', '_', '.': {prefix!r}"
            )
            raise newsroom.ExportError(msg, format="newsml-g2")
        return cls(
            nitf=_bool(options, "nitf"),
            validate=_bool(options, "validate"),
            schemas=Path(schemas) if schemas is not None else None,
            catalog_url=_str(options, "catalog_url"),
            scheme_base=_str(options, "scheme_base") or v.DEFAULT_SCHEME_BASE,
            schemes=MappingProxyType(dict(sorted(schemes.items()))),
            id_prefix=prefix,
        )


_DEFAULT_SETTINGS: Final = Settings()
OPTIONS: Final = frozenset({"nitf", "validate", "schemas", "catalog_url", "scheme_base", "schemes", "id_prefix"})
"""The exporter's option names."""


def pub_status(article: newsroom.Article) -> str:
    """The item's ``pubStatus``: canceled when killed, usable when published, otherwise withheld.

    A published story under embargo is usable too, as in IPTC's LISTING_1: the embargo is carried
    by ``embargoed`` (and an ``edNote``), so the status does not change when the embargo lifts, and
    the same guid and version never say two things. Withheld covers a story not yet published and
    one taken down (``unpublish`` keeps the version, so a partner is best sent a kill).
    """
    if article.state is newsroom.PublishState.KILLED:
        return "stat:canceled"
    if article.state is newsroom.PublishState.PUBLISHED:
        return "stat:usable"
    return "stat:withheld"


def version_created(article: newsroom.Article, now: datetime) -> datetime:
    """When this version was made: modified, else published, else first created, else now."""
    return article.modified or article.published or article.first_created or now


class _Item:
    """One item under construction: collects the QCode aliases it uses, and mints ids."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.aliases: dict[str, str] = {}
        """Each scheme alias used, with the first field that used it."""

    def qcode(self, code: str, where: str) -> str:
        if not _QCODE.match(code):
            msg = f"{where}: {code!r} is not a QCode (an alias, a colon, then a code without spaces)"
            raise newsroom.ExportError(msg, format="newsml-g2")
        self.aliases.setdefault(code.split(":", 1)[0], where)
        return code

    def qcodes(self, codes: Iterable[str], where: str) -> str:
        return " ".join(self.qcode(c, where) for c in codes)

    def id(self, local: str) -> str:
        return self.settings.id_prefix + local

    def undeclared(self) -> list[tuple[str, str]]:
        declared = v.IPTC_ALIASES | set(v.PROVIDER_SCHEMES) | set(self.settings.schemes)
        return [(alias, where) for alias, where in self.aliases.items() if alias not in declared]

    def provider_aliases(self) -> list[str]:
        return [a for a in v.PROVIDER_SCHEMES if a in self.aliases]


def catalog_element(
    aliases: Iterable[str], base: str, extra: Mapping[str, str], *, definitions: bool = False
) -> etree._Element:
    """A ``catalog`` declaring newsroom's ``aliases`` (under ``base``) and ``extra`` ones.

    Inline catalogs name each scheme; the hosted one (``definitions``) also defines it.
    """
    schemes: list[Child] = []
    for alias in aliases:
        name, definition = v.PROVIDER_SCHEMES[alias]
        described = (E_NAR.name(name), E_NAR.definition(definition)) if definitions else (E_NAR.name(name),)
        schemes.append(E_NAR.scheme(*described, alias=alias, uri=f"{base}{alias}:"))
    schemes.extend(E_NAR.scheme(alias=alias, uri=uri) for alias, uri in extra.items())
    return E_NAR.catalog(*schemes)


def _name(text: str) -> etree._Element:
    return E_NAR.name(one_line(text))


def _usage_terms(source: newsroom.Source, where: str) -> etree._Element:
    policy = source.policy
    url = source.required_link
    if policy is None or url is None:  # pragma: no cover - callers pass sources with a policy
        msg = f"{where}: has no attribution policy"
        raise newsroom.ValidationError(where, msg)
    lead: Child = (
        E_NAR.span(policy.notice, {"class": "policy"})
        if policy.notice
        else E_NAR.span("Use only with a visible hyperlink to the source:")
    )
    # The class says the link's scope, and whether the credit text was set or is the source's name.
    classes = f"{policy.scope.value} credit" if policy.credit is not None else policy.scope.value
    link = E_NAR.a(policy.credit or source.name, {"href": url, "class": classes})
    return E_NAR.usageTerms(lead, " ", link)


def _rights(item: _Item, article: newsroom.Article, source_ids: Mapping[int, str]) -> list[etree._Element]:
    out: list[etree._Element] = []
    first: list[Child] = []
    if article.rights is not None:
        holder = E_NAR.copyrightHolder(_name(article.rights.holder))
        if article.rights.holder_url:
            holder.set("uri", article.rights.holder_url)
        first.append(holder)
        if article.rights.notice:
            first.append(E_NAR.copyrightNotice(*block(article.rights.notice)))
    if article.publisher is not None and article.publisher.policy is not None:
        first.append(_usage_terms(article.publisher, "publisher.policy"))
    if first:
        out.append(E_NAR.rightsInfo(*first))
    for index, ref in source_ids.items():
        # A source's terms cover the whole item (rightsInfo without idrefs, which would scope
        # them to the element they name); an extension property says whose terms they are.
        where = f"sources[{index}].policy"
        whose = E_NAR.rightsInfoExtProperty(rel=item.qcode("nrprop:termsOf", where), literal=ref)
        out.append(E_NAR.rightsInfo(_usage_terms(article.sources[index], where), whose))
    return out


def _provider(item: _Item, publisher: newsroom.Source | None) -> etree._Element:
    if publisher is None:
        return E_NAR.provider(qcode=item.qcode("nrprov:unspecified", "publisher"))
    content: list[Child] = [_name(publisher.name)]
    if publisher.url:  # the story's own page at the publisher
        content.append(E_NAR.remoteInfo(href=publisher.url, contenttype="text/html"))
    if publisher.home:
        return E_NAR.provider(*content, uri=publisher.home)
    return E_NAR.provider(*content, qcode=item.qcode("nrprov:unspecified", "publisher"))


def _media_link(item: _Item, image: newsroom.Image, where: str) -> etree._Element:
    content: list[Child] = []
    if image.caption:
        content.append(E_NAR.description(*nar_inline(image.caption), role=item.qcode("drol:caption", where)))
    if image.credit:
        content.append(E_NAR.creditline(one_line(image.credit)))
    attrs = {"rel": item.qcode("irel:associatedWith", where), "href": image.src}
    if image.alt:
        attrs["title"] = image.alt
    return E_NAR.link(*content, attrs)


def _item_meta(item: _Item, article: newsroom.Article, now: datetime, name: str) -> etree._Element:
    meta: list[Child] = [
        E_NAR.itemClass(qcode=item.qcode("ninat:text", "itemClass")),
        _provider(item, article.publisher),
        E_NAR.versionCreated(iso(version_created(article, now))),
    ]
    if article.first_created:
        meta.append(E_NAR.firstCreated(iso(article.first_created)))
    # A kill notice takes effect at once: an embargo on it would make a partner hold the kill.
    killed = article.state is newsroom.PublishState.KILLED
    if article.embargo_until and not killed:
        meta.append(E_NAR.embargoed(iso(article.embargo_until)))
    meta.append(E_NAR.pubStatus(qcode=item.qcode(pub_status(article), "state")))
    meta.append(E_NAR.fileName(name))
    meta.append(E_NAR.generator("newsroom", versioninfo=newsroom_version()))
    if article.section is not None:
        meta.append(
            E_NAR.service(_name(article.section.name), qcode=item.qcode(f"nrsec:{article.section.path}", "section"))
        )
    # Always (the same version says the same thing before and after), but not on a kill notice.
    if article.embargo_until and not killed:
        meta.append(
            E_NAR.edNote(
                f"Embargoed until {iso(article.embargo_until)}. Not for publication before then.",
                role=item.qcode("nrrole:embargo", "embargo_until"),
            )
        )
    for i, correction in enumerate(article.corrections, start=1):
        where = f"corrections[{i - 1}]"
        local = f"c{i}v{correction.version}" if correction.version else f"c{i}"
        meta.append(
            E_NAR.edNote(
                *block(correction.text),
                id=item.id(local),
                role=item.qcode(f"nrrole:{correction.kind.value}", where),
                modified=iso(correction.at),
            )
        )
    if article.version > 1:
        corrected = any(c.version == article.version for c in article.corrections)
        meta.extend(
            version_signals(
                item, article.guid, article.version, "sig:correction" if corrected else "sig:update", v.MEDIA_TYPE_ITEM
            )
        )
    if article.canonical_url:
        meta.append(
            E_NAR.link(
                rel=item.qcode("irel:seeAlso", "canonical_url"), href=article.canonical_url, contenttype="text/html"
            )
        )
    meta.extend(_media_link(item, image, f"media[{i}]") for i, image in enumerate(article.media))
    return E_NAR.itemMeta(*meta)


def version_signals(item: _Item, guid: str, version: int, signal: str, media_type: str) -> list[etree._Element]:
    """The ``signal`` of a later version and its ``irel:previousVersion`` link (items and packages)."""
    return [
        E_NAR.signal(qcode=item.qcode(signal, "version")),
        E_NAR.link(
            rel=item.qcode("irel:previousVersion", "version"),
            residref=guid,
            version=str(version - 1),
            contenttype=media_type,
        ),
    ]


def _located(item: _Item, place: newsroom.Place) -> etree._Element:
    content: list[Child] = [_name(place.name)]
    if place.region:
        content.append(E_NAR.broader(_name(place.region), type=item.qcode("loctyp:CountryArea", "located.region")))
    if place.country:
        content.append(
            E_NAR.broader(
                type=item.qcode("loctyp:Country", "located.country"),
                qcode=item.qcode(f"iso3166-1a2:{place.country}", "located.country"),
            )
        )
    if place.latitude is not None and place.longitude is not None:
        content.append(
            E_NAR.geoAreaDetails(E_NAR.position(latitude=decimal(place.latitude), longitude=decimal(place.longitude)))
        )
    located = E_NAR.located(*content, type=item.qcode("cpnat:geoArea", "located"))
    if place.uri:
        located.set("uri", place.uri)
    return located


def _person(item: _Item, person: newsroom.Person, where: str) -> etree._Element:
    roles = []
    if person.role not in CPPROLES:
        roles.append(f"nrrole:person.{quote(person.role, safe='')}")
    if person.role in CPPROLES:
        roles.append(f"cpprole:{person.role}")
    elif person.role in CREATOR_ROLES:
        roles.append("cpprole:author")
    attrs = {"role": item.qcodes(roles, f"{where}.role"), "qcode": item.qcode(f"nrperson:{person.slug}", where)}
    if person.url:
        attrs["uri"] = person.url
    tag = E_NAR.creator if person.role in CREATOR_ROLES else E_NAR.contributor
    return tag(_name(person.name), attrs)


def _info_source(item: _Item, source: newsroom.Source, where: str, ident: str | None) -> etree._Element:
    role = "cpprole:originfo" if source.role is newsroom.SourceRole.VIA else "cpprole:contentSource"
    content: list[Child] = [_name(source.name)]
    if source.url:
        content.append(E_NAR.remoteInfo(href=source.url, contenttype="text/html"))
    attrs = {"role": item.qcode(role, f"{where}.role")}
    if ident:
        attrs["id"] = ident
    if source.home:
        attrs["uri"] = source.home
    return E_NAR.infoSource(*content, attrs)


def _ext(item: _Item, rel: str, value: str, datatype: str, where: str) -> etree._Element:
    return E_NAR.contentMetaExtProperty(rel=item.qcode(f"nrprop:{rel}", where), value=value, valuedatatype=datatype)


def _content_meta(
    item: _Item, article: newsroom.Article, source_ids: Mapping[int, str], dateline: str | None
) -> etree._Element:
    meta: list[Child] = []
    if article.urgency is not None:
        meta.append(E_NAR.urgency(str(article.urgency)))
    if article.first_created:
        meta.append(E_NAR.contentCreated(iso(article.first_created)))
    if article.modified:
        meta.append(E_NAR.contentModified(iso(article.modified)))
    # The first of the two unordered blocks: where, who, from where.
    if article.located is not None:
        meta.append(_located(item, article.located))
    meta.extend(_person(item, p, f"bylines[{i}]") for i, p in enumerate(article.bylines))
    meta.extend(_info_source(item, s, f"sources[{i}]", source_ids.get(i)) for i, s in enumerate(article.sources))
    # The second block: what it is about and how it reads.
    meta.append(E_NAR.language({"tag": article.language}))
    if article.genre is not None:
        meta.append(E_NAR.genre(_name(article.genre.label), qcode=item.qcode(article.genre.code, "genre.code")))
    meta.extend(
        E_NAR.subject(
            _name(c.label),
            type=item.qcode(v.CONCEPT_NATURES.get(c.code.partition(":")[0], "cpnat:abstract"), "subjects"),
            qcode=item.qcode(c.code, f"subjects[{i}].code"),
        )
        for i, c in enumerate(article.subjects)
    )
    meta.extend(E_NAR.keyword(one_line(k)) for k in article.keywords)
    if article.slugline:
        meta.append(E_NAR.slugline(one_line(article.slugline)))
    meta.append(E_NAR.headline(article.headline))
    if article.deck:
        meta.append(E_NAR.headline(article.deck, role=item.qcode("nrrole:deck", "deck")))
    if article.kicker:
        meta.append(E_NAR.headline(article.kicker, role=item.qcode("nrrole:kicker", "kicker")))
    if dateline:
        meta.append(E_NAR.dateline(dateline))
    byline = article.byline()
    if byline:
        meta.append(E_NAR.by(byline))
    if article.summary:
        meta.append(E_NAR.description(*block(article.summary), role=item.qcode("drol:summary", "summary")))
    if article.published:
        meta.append(_ext(item, "published", iso(article.published), "xs:dateTime", "published"))
    if article.dateline is not None:
        meta.append(_ext(item, "datelinePlace", article.dateline.place, "xs:string", "dateline.place"))
        if article.dateline.date is not None:
            meta.append(_ext(item, "datelineDate", article.dateline.date.isoformat(), "xs:date", "dateline.date"))
    return E_NAR.contentMeta(*meta)


def build_item(
    article: newsroom.Article,
    *,
    now: datetime,
    attribution: Iterable[newsroom.AttributionLine],
    settings: Settings,
) -> etree._Element:
    """The ``newsItem`` element for ``article``.

    Raises:
        newsroom.ExportError: a QCode is malformed, or its scheme alias is declared nowhere (the
            message names the field and says how to declare it).
    """
    item = _Item(settings)
    lines = tuple(attribution)
    source_ids = {i: item.id(f"src{i + 1}") for i, s in enumerate(article.sources) if s.policy is not None}
    dateline = printed_dateline(article.dateline, article.language) if article.dateline is not None else None

    rights = _rights(item, article, source_ids)
    item_meta = _item_meta(item, article, now, file_name(article.guid))
    content_meta = _content_meta(item, article, source_ids, dateline)
    renditions = [
        E_NAR.inlineXML(
            xhtml_document(article, lines), contenttype=v.CONTENT_TYPE_XHTML, wordcount=str(article.word_count())
        )
    ]
    if settings.nitf:
        renditions.append(E_NAR.inlineXML(nitf_document(article, lines, dateline), contenttype=v.CONTENT_TYPE_NITF))

    bad = item.undeclared()
    if bad:
        alias, where = bad[0]
        msg = (
            f"{where}: scheme alias {alias!r} is declared neither by the IPTC catalog aliases newsroom uses "
            f"nor by the provider catalog; declare it with options={{'schemes': {{{alias!r}: 'its scheme URI'}}}}"
        )
        raise newsroom.ExportError(msg, format="newsml-g2")

    catalogs: list[Child] = [E_NAR.catalogRef(href=v.IPTC_CATALOG_URL)]
    provider = item.provider_aliases()
    if settings.catalog_url:
        catalogs.append(E_NAR.catalogRef(href=settings.catalog_url))
        provider = []
    if provider or settings.schemes:
        catalogs.append(catalog_element(provider, settings.scheme_base, settings.schemes))

    nsmap: dict[str | None, str] = {None: v.NAR}
    if article.published or article.dateline is not None:
        nsmap["xs"] = XS  # the prefix of valuedatatype QNames
    maker = E_NAR if len(nsmap) == 1 else _maker(nsmap)
    root: etree._Element = maker.newsItem(
        *catalogs,
        *rights,
        item_meta,
        content_meta,
        E_NAR.contentSet(*renditions),
        {
            "guid": article.guid,
            "version": str(article.version),
            "standard": v.STANDARD,
            "standardversion": v.STANDARD_VERSION,
            "conformance": v.CONFORMANCE,
            f"{{{v.XML}}}lang": article.language,
        },
    )
    return root


def _maker(nsmap: dict[str | None, str]) -> Any:
    from lxml.builder import ElementMaker

    return ElementMaker(namespace=v.NAR, nsmap=nsmap)


def id_prefix_for(guid: str, version: int) -> str:
    """A short, stable id prefix for one version of one story (``i3f2a9c1d-``)."""
    return "i" + hashlib.sha256(f"{guid}\n{version}".encode()).hexdigest()[:8] + "-"


def serialize(root: etree._Element) -> bytes:
    """UTF-8 bytes with an XML declaration, no pretty-printing (white space is content in XHTML)."""
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


class NewsMLExporter:
    """Exports a story as a NewsML-G2 2.35 text ``newsItem``.

    Options (``export(..., options={...})``): ``nitf`` (add an NITF 3.6 rendition), ``validate``
    (check the item against the XSD, from ``schemas`` or the cache), ``catalog_url`` (where the
    publisher hosts the provider catalog), ``scheme_base``, ``schemes`` (extra scheme aliases),
    ``id_prefix``.
    """

    name = "newsml-g2"
    media_type = v.MEDIA_TYPE_ITEM
    suffix = ".xml"
    public = True
    """Internal fields never reach a partner, and a killed story reaches it as its kill notice."""
    carries_embargo = True
    """``embargoed`` (and an ``edNote`` stating it) tells the partner to hold the story."""
    description = "IPTC NewsML-G2 2.35 text newsItem (XHTML body, optional NITF)"

    def export(self, article: newsroom.Article, context: newsroom.ExportContext) -> newsroom.Rendition:
        """Render ``article``; deterministic for a given story, clock and options."""
        settings = Settings.from_options(context.options)
        try:
            root = build_item(article, now=context.now, attribution=context.attribution, settings=settings)
            content = serialize(root)
        except ValueError as exc:  # lxml refuses text XML cannot hold: say which field holds it
            raise_for_bad_text(newsroom.to_dict(article), exc)
            raise
        if settings.validate:
            from newsroom_newsml.validation import check_or_raise

            check_or_raise(content, settings.schemas, nitf=settings.nitf, what=f"{article.guid} v{article.version}")
        return newsroom.Rendition(
            content=content, media_type=self.media_type, filename=file_name(article.guid), format=self.name
        )
