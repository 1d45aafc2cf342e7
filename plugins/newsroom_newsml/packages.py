"""Packages and messages: an Edition as a ``packageItem``, a batch as a ``newsMessage``.

The :class:`newsroom.Exporter` contract renders one story, so these are functions of this
plugin, not exporters. They keep every guarantee an export has:

- each story goes through :func:`newsroom.export` (prepare hooks, embargo and kill protection,
  internal fields removed, the exporter, the attribution proof), and the package's summaries
  (headline, summary, status, usage terms) are taken from that exported item, so a killed story
  is listed by its notice and one not yet published as withheld;
- the finished package or message is proved again by the rendition checkers for every story it
  carries or lists: a package repeats each story's ``usageTerms`` (with the required link) in a
  ``rightsInfo`` that points at its ``itemRef``;
- ids are made per story version (:func:`newsroom_newsml.items.id_prefix_for`) and checked to be
  unique across a whole message, since ``xs:ID`` is document-wide.

The result is a :class:`newsroom.Rendition` like any export's.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from lxml import etree

import newsroom
from newsroom_newsml import vocabulary as v
from newsroom_newsml.items import (
    Settings,
    _Item,
    catalog_element,
    file_name,
    id_prefix_for,
    iso,
    newsroom_version,
    one_line,
    raise_for_bad_text,
    serialize,
    version_signals,
)
from newsroom_newsml.markup import E_NAR, Child


__all__ = ["message", "package"]

Clock = Callable[[], datetime]


def _n(local: str) -> str:
    return f"{{{v.NAR}}}{local}"


def _export(
    article: newsroom.Article, now: datetime, host: newsroom.PluginHost, options: Mapping[str, Any]
) -> tuple[newsroom.Rendition, etree._Element]:
    opts = {**options, "id_prefix": id_prefix_for(article.guid, article.version)}
    rendition = newsroom.export(article, "newsml-g2", clock=lambda: now, host=host, options=opts)
    return rendition, etree.fromstring(rendition.content)


def _prove(host: newsroom.PluginHost, rendition: newsroom.Rendition, article: newsroom.Article) -> None:
    """Run the rendition checkers on a package or message for one story it carries."""
    owed = newsroom.obligations(article)
    reports = host.check_rendition(rendition, article, owed)
    missing = [v.message for r in reports for v in r.violations if v.rule == "attribution"]
    if owed and not missing and not any(r.proves_attribution for r in reports):
        missing = [o.describe() for o in owed]
    if missing:
        msg = f"{rendition.format} {rendition.filename} is not written: " + "; ".join(missing)
        raise newsroom.AttributionError(msg, missing=missing)
    other = [f"{r.checker}: {v.message}" for r in reports for v in r.violations]
    if other:
        msg = f"{rendition.filename} failed its checks: " + "; ".join(other)
        raise newsroom.RenditionCheckError(msg, format=rendition.format, violations=other)


def _item_ref(item: _Item, root: etree._Element, ref_id: str) -> etree._Element:
    """An ``itemRef`` to an exported item, with its summary copied from the item itself."""
    meta = root.find(_n("itemMeta"))
    content = root.find(_n("contentMeta"))
    children: list[Child] = [E_NAR.itemClass(qcode=item.qcode("ninat:text", "articles"))]
    if meta is not None:
        for tag in ("provider", "pubStatus"):
            found = meta.find(_n(tag))
            if found is not None:
                children.append(copy.deepcopy(found))
                if found.get("qcode"):
                    item.qcode(found.get("qcode") or "", f"articles.{tag}")
    if content is not None:
        headline = next((h for h in content.iterchildren(_n("headline")) if not h.get("role")), None)
        if headline is not None:
            children.append(E_NAR.title("".join(headline.itertext())))
        summary = next((d for d in content.iterchildren(_n("description")) if d.get("role") == "drol:summary"), None)
        if summary is not None:
            children.append(copy.deepcopy(summary))
            item.qcode("drol:summary", "articles.summary")
    return E_NAR.itemRef(
        *children,
        id=ref_id,
        residref=root.get("guid") or "",
        version=root.get("version") or "1",
        contenttype=v.MEDIA_TYPE_ITEM,
    )


def _usage_terms(root: etree._Element) -> list[etree._Element]:
    return [copy.deepcopy(t) for t in root.iter(_n("usageTerms")) if t.find(_n("a")) is not None]


def _package_meta(item: _Item, edition: newsroom.Edition, now: datetime) -> list[Child]:
    """The package's ``itemMeta`` children."""
    publishers = {a.publisher for a in edition.articles}
    publisher = publishers.pop() if len(publishers) == 1 else None
    if publisher is not None and publisher.home:
        provider = E_NAR.provider(E_NAR.name(one_line(publisher.name)), uri=publisher.home)
    else:
        provider = E_NAR.provider(qcode=item.qcode("nrprov:unspecified", "publisher"))
    meta: list[Child] = [
        E_NAR.itemClass(qcode=item.qcode("ninat:composite", "itemClass")),
        provider,
        # Like a story's: version 1 was made when the edition was created; a later version, now.
        E_NAR.versionCreated(iso(edition.created if edition.created and edition.version == 1 else now)),
    ]
    if edition.created:
        meta.append(E_NAR.firstCreated(iso(edition.created)))
    meta.append(E_NAR.pubStatus(qcode=item.qcode("stat:usable", "pubStatus")))
    meta.append(E_NAR.generator("newsroom", versioninfo=newsroom_version()))
    if edition.section is not None:
        meta.append(
            E_NAR.service(
                E_NAR.name(one_line(edition.section.name)),
                qcode=item.qcode(f"nrsec:{edition.section.path}", "section"),
            )
        )
    meta.append(E_NAR.title(edition.title))
    if edition.version > 1:
        meta.extend(version_signals(item, edition.guid, edition.version, "sig:update", v.MEDIA_TYPE_PACKAGE))
    if edition.url:
        meta.append(E_NAR.link(rel=item.qcode("irel:seeAlso", "url"), href=edition.url, contenttype="text/html"))
    return meta


def _package(
    edition: newsroom.Edition,
    now: datetime,
    host: newsroom.PluginHost,
    options: Mapping[str, Any],
) -> tuple[newsroom.Rendition, list[tuple[newsroom.Article, newsroom.Rendition]]]:
    settings = Settings.from_options(options)
    prefix = id_prefix_for(edition.guid, edition.version)
    item = _Item(Settings(scheme_base=settings.scheme_base, schemes=settings.schemes, id_prefix=prefix))
    exported = [(a, *_export(a, now, host, options)) for a in edition.articles]

    refs: list[etree._Element] = []
    rights: list[etree._Element] = []
    for n, (_article, _rendition, root) in enumerate(exported, start=1):
        ref_id = item.id(f"r{n}")
        refs.append(_item_ref(item, root, ref_id))
        terms = _usage_terms(root)
        if terms:
            rights.append(E_NAR.rightsInfo(*terms, idrefs=ref_id))

    try:
        meta = _package_meta(item, edition, now)
        content_meta: list[Child] = []
        if edition.created:
            content_meta.append(E_NAR.contentCreated(iso(edition.created)))
        content_meta.append(E_NAR.headline(edition.title))
    except ValueError as exc:  # lxml refuses text XML cannot hold: say which field holds it
        section = {"name": edition.section.name} if edition.section else None
        raise_for_bad_text({"guid": edition.guid, "title": edition.title, "section": section}, exc)
        raise
    group_id = item.id("G1")
    group = E_NAR.group(
        *refs, id=group_id, role=item.qcode("nrrole:main", "group"), mode=item.qcode("pgrmod:seq", "group")
    )
    catalogs: list[Child] = [E_NAR.catalogRef(href=v.IPTC_CATALOG_URL)]
    provider_aliases = item.provider_aliases()
    if settings.catalog_url:
        catalogs.append(E_NAR.catalogRef(href=settings.catalog_url))
        provider_aliases = []
    if provider_aliases or settings.schemes:
        catalogs.append(catalog_element(provider_aliases, settings.scheme_base, settings.schemes))
    root = E_NAR.packageItem(
        *catalogs,
        *rights,
        E_NAR.itemMeta(*meta),
        E_NAR.contentMeta(*content_meta),
        E_NAR.groupSet(group, root=group_id),
        {
            "guid": edition.guid,
            "version": str(edition.version),
            "standard": v.STANDARD,
            "standardversion": v.STANDARD_VERSION,
            "conformance": v.CONFORMANCE,
        },
    )
    content = serialize(root)
    if settings.validate:
        from newsroom_newsml.validation import check_or_raise

        check_or_raise(content, settings.schemas, nitf=False, what=f"package {edition.guid}")
    rendition = newsroom.Rendition(
        content=content, media_type=v.MEDIA_TYPE_PACKAGE, filename=file_name(edition.guid), format="newsml-g2"
    )
    for article, _r, _root in exported:
        _prove(host, rendition, article)
    return rendition, [(a, r) for a, r, _root in exported]


def package(
    edition: newsroom.Edition,
    *,
    clock: Clock | None = None,
    host: newsroom.PluginHost | None = None,
    options: Mapping[str, Any] | None = None,
) -> newsroom.Rendition:
    """An Edition as a NewsML-G2 ``packageItem``: its stories in running order.

    The package (``ninat:composite``) has one group, ``mode="pgrmod:seq"``, whose ``itemRef``
    elements point at each story's newsItem (``residref`` = guid, with its ``version``) and carry
    its summary: item class, provider, publishing status, headline as ``title``, and the summary
    as ``description role="drol:summary"``.

    Args:
        edition: The stories, in order.
        clock: "Now", for the package's time and each story's export; defaults to the system clock.
        host: The plugin host; defaults to :func:`newsroom.default_host`.
        options: The ``newsml-g2`` exporter's options (``validate``, ``schemas``, ``catalog_url``...).

    Raises:
        newsroom.ExportError: a story cannot be exported (embargo, checks...), or validation failed.
        newsroom.AttributionError: the package lacks a link a story owes.
    """
    now = (clock or newsroom.system_clock)()
    return _package(edition, now, host or newsroom.default_host(), options or {})[0]


def _parse_rendition(rendition: newsroom.Rendition) -> etree._Element:
    if rendition.media_type not in {v.MEDIA_TYPE_ITEM, v.MEDIA_TYPE_PACKAGE}:
        msg = f"a newsMessage carries NewsML-G2 items, not {rendition.media_type} ({rendition.filename})"
        raise newsroom.ExportError(msg, format="newsml-g2")
    return etree.fromstring(rendition.content)


def _check_ids(roots: Iterable[etree._Element]) -> None:
    seen: dict[str, str] = {}
    for root in roots:
        where = f"{root.get('guid')} v{root.get('version') or 1}"
        for el in root.iter():
            ident = el.get("id") if isinstance(el.tag, str) else None
            if ident is None:
                continue
            if ident in seen:
                msg = (
                    f"id {ident!r} appears in both {seen[ident]} and {where}: ids must be unique across a "
                    "newsMessage (pass stories, not pre-exported renditions, or one version of each story once)"
                )
                raise newsroom.ExportError(msg, format="newsml-g2")
            seen[ident] = where


def message(
    items: Iterable[newsroom.Article | newsroom.Edition | newsroom.Rendition],
    *,
    clock: Clock | None = None,
    host: newsroom.PluginHost | None = None,
    options: Mapping[str, Any] | None = None,
    sender: str | None = None,
    transmit_id: str | None = None,
    priority: int | None = None,
    atomic: bool = False,
) -> newsroom.Rendition:
    """A batch as one NewsML-G2 ``newsMessage`` of complete items.

    Args:
        items: Stories (exported here), editions (their package, then their stories) and
            already exported ``newsml-g2`` renditions, in order. A story version that appears
            twice is sent once.
        clock: "Now": the header's ``sent``, and each story's export time.
        host: The plugin host; defaults to :func:`newsroom.default_host`.
        options: The ``newsml-g2`` exporter's options for the stories.
        sender: The ``sender`` in the header (a name or domain).
        transmit_id: The ``transmitId``; by default a hash of the items, so the same batch
            always gets the same id.
        priority: The message's priority, a whole number from 1 (highest) to 9.
        atomic: Add ``signal nmsig:atomic``: the receiver must process the items as one unit.

    Raises:
        newsroom.ExportError: a story cannot be exported, two items share an id, ``priority`` is not
            a whole number from 1 to 9, or validation failed.
        newsroom.AttributionError: the message lacks a link a story owes.
    """
    given: object = priority  # checked at run time: True, 3.0 or "3" would write a schema-invalid priority
    if given is not None and (type(given) is bool or not isinstance(given, int) or not 1 <= given <= 9):  # noqa: PLR2004
        msg = f"message(priority=...) must be a whole number from 1 (highest) to 9, not {priority!r}"
        raise newsroom.ExportError(msg, format="newsml-g2")
    raise_for_bad_text(sender, None, "message(sender=...)")
    raise_for_bad_text(transmit_id, None, "message(transmit_id=...)")
    now = (clock or newsroom.system_clock)()
    host = host or newsroom.default_host()
    opts = dict(options or {})
    roots: list[etree._Element] = []
    stories: list[newsroom.Article] = []
    seen: set[tuple[str, str]] = set()

    def add(root: etree._Element) -> None:
        key = (root.get("guid") or "", root.get("version") or "1")
        if key not in seen:
            seen.add(key)
            roots.append(root)

    for entry in items:
        if isinstance(entry, newsroom.Article):
            add(_export(entry, now, host, opts)[1])
            stories.append(entry)
        elif isinstance(entry, newsroom.Edition):
            pkg, members = _package(entry, now, host, opts)
            add(etree.fromstring(pkg.content))
            for article, rendition in members:
                add(etree.fromstring(rendition.content))
                stories.append(article)
        else:
            add(_parse_rendition(entry))
    if not roots:
        raise newsroom.ExportError("a newsMessage needs at least one item", format="newsml-g2")
    _check_ids(roots)

    bodies = [etree.tostring(r) for r in roots]
    digest = hashlib.sha256(b"\0".join(bodies)).hexdigest()
    header: list[Child] = [E_NAR.sent(iso(now)), E_NAR.catalogRef(href=v.IPTC_CATALOG_URL)]
    if sender:
        header.append(E_NAR.sender(sender))
    header.append(E_NAR.transmitId(transmit_id or f"urn:newsroom:transmit:{digest[:32]}"))
    if priority is not None:
        header.append(E_NAR.priority(str(priority)))
    if atomic:
        header.append(E_NAR.signal(qcode="nmsig:atomic"))
    root = E_NAR.newsMessage(E_NAR.header(*header), E_NAR.itemSet(*roots))
    content = serialize(root)
    settings = Settings.from_options(opts)
    if settings.validate:
        from newsroom_newsml.validation import check_or_raise

        check_or_raise(content, settings.schemas, nitf=settings.nitf, what="the newsMessage")
    rendition = newsroom.Rendition(
        content=content, media_type=v.MEDIA_TYPE_MESSAGE, filename=f"message-{digest[:12]}.xml", format="newsml-g2"
    )
    for story in stories:
        _prove(host, rendition, story)
    return rendition
