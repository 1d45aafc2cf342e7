"""Validating NewsML-G2 documents against IPTC's official XSD, which newsroom never bundles.

Where the schema comes from, in order:

1. the folder the caller names (``schemas=``, ``newsroom validate --schemas DIR``). It holds
   ``NewsML-G2_2.35-spec-All-Power.xsd`` and ``xml.xsd`` directly or in a ``newsml-g2/``
   subfolder; when ``nitf-3-6.xsd`` (with ``nitf-3-6-ruby-include.xsd`` and ``xml.xsd``) sits
   there too, or in ``nitf/``, NITF bodies inside ``inlineXML`` are validated as well;
2. the folder named by the environment variable ``NEWSROOM_NEWSML_SCHEMAS``;
3. the cache (``$NEWSROOM_CACHE_DIR``, else ``$XDG_CACHE_HOME/newsroom`` or ``~/.cache/newsroom``,
   then ``schemas/newsml-g2-2.35``), which :func:`cached_schemas` fills once from IPTC's site,
   logging a warning that says so (the exporter's ``validate`` option never downloads).

The schema decides structure and types. What it cannot see is checked in code: an XHTML body is
one ``html`` root in the XHTML namespace, built only from HTML elements (an un-namespaced
``<html>`` would silently pass the lax ``inlineXML`` as a NewsML-G2 element). Every problem is a
:class:`newsroom.Violation` whose message starts with its line.
"""

from __future__ import annotations

import logging
import os
import tempfile
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from lxml import etree

import newsroom
from newsroom_newsml import vocabulary as v


__all__ = [
    "G2_XSD",
    "NewsMLValidator",
    "SchemaFiles",
    "cached_schemas",
    "find_schemas",
    "load_schema",
    "safe_parser",
    "validate",
]

log = logging.getLogger("newsroom_newsml")

G2_XSD: Final = "NewsML-G2_2.35-spec-All-Power.xsd"
NITF_XSD: Final = "nitf-3-6.xsd"
ENV_SCHEMAS: Final = "NEWSROOM_NEWSML_SCHEMAS"
ENV_CACHE: Final = "NEWSROOM_CACHE_DIR"
IPTC_SPEC: Final = f"https://www.iptc.org/std/NewsML-G2/{v.STANDARD_VERSION}/specification/"
DOWNLOADS: Final = ((G2_XSD, IPTC_SPEC + G2_XSD), ("xml.xsd", IPTC_SPEC + "xml.xsd"))
"""The files the cache needs, and where IPTC publishes them."""

_HTML_ELEMENTS: Final = frozenset(
    [
        "html",
        "head",
        "title",
        "meta",
        "body",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "p",
        "blockquote",
        "footer",
        "header",
        "aside",
        "section",
        "article",
        "div",
        "main",
        "ol",
        "ul",
        "li",
        "dl",
        "dt",
        "dd",
        "figure",
        "figcaption",
        "img",
        "a",
        "em",
        "strong",
        "q",
        "sub",
        "sup",
        "br",
        "small",
        "span",
        "cite",
        "b",
        "i",
        "u",
        "s",
        "mark",
        "code",
        "pre",
        "hr",
        "abbr",
        "time",
        "table",
        "caption",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "th",
        "td",
    ]
)


def safe_parser() -> etree.XMLParser:
    """A parser that never touches the network, loads no DTD and expands no entity."""
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False
    )


@dataclass(frozen=True)
class SchemaFiles:
    """The schema files found in a folder."""

    g2: Path
    """The NewsML-G2 2.35 Power XSD."""
    nitf: Path | None
    """The NITF 3.6 XSD, if the folder has it."""


def _first(folder: Path, name: str, subfolder: str) -> Path | None:
    for candidate in (folder / name, folder / subfolder / name):
        if candidate.is_file():
            return candidate
    return None


def find_schemas(folder: Path) -> SchemaFiles:
    """The schema files in ``folder`` (or its ``newsml-g2/`` and ``nitf/`` subfolders).

    Raises:
        newsroom.NewsroomError: the folder has no NewsML-G2 2.35 XSD.
    """
    g2 = _first(folder, G2_XSD, "newsml-g2")
    if g2 is None:
        msg = (
            f"{folder} holds no {G2_XSD} (looked in it and in its newsml-g2/ subfolder); get it from "
            f"{IPTC_SPEC} with xml.xsd beside it, or leave out the folder to use the cache"
        )
        raise newsroom.NewsroomError(msg)
    return SchemaFiles(g2=g2, nitf=_first(folder, NITF_XSD, "nitf"))


def cache_dir() -> Path:
    """The folder the downloaded schema is kept in."""
    named = os.environ.get(ENV_CACHE)
    base = Path(named) if named else Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "newsroom"
    return base / "schemas" / f"newsml-g2-{v.STANDARD_VERSION}"


def _fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 - a fixed https URL
        data: bytes = response.read()
    return data


def cached_schemas(*, download: bool = True, fetch: Callable[[str], bytes] = _fetch) -> Path:
    """The cache folder, after downloading IPTC's XSD into it if it is not there yet.

    The download happens once per machine and is logged as a warning naming the source and the
    folder. Each file is checked (it must be an XML Schema) and written atomically.

    Raises:
        newsroom.NewsroomError: the cache is empty and ``download`` is false, or the download failed.
    """
    folder = cache_dir()
    missing = [(name, url) for name, url in DOWNLOADS if not (folder / name).is_file()]
    if not missing:
        return folder
    if not download:
        msg = (
            f"the NewsML-G2 schema is not cached in {folder}; run `newsroom validate` once to download it, "
            f"or pass schemas=FOLDER (a folder holding {G2_XSD} and xml.xsd)"
        )
        raise newsroom.NewsroomError(msg)
    folder.mkdir(parents=True, exist_ok=True)
    for name, url in missing:
        log.warning("downloading IPTC's NewsML-G2 %s schema %s into %s (once)", v.STANDARD_VERSION, url, folder)
        try:
            data = fetch(url)
            root = etree.fromstring(data, safe_parser())
        except (OSError, etree.XMLSyntaxError) as exc:
            msg = f"could not download {url}: {exc}; download it by hand into {folder}, or pass a schema folder"
            raise newsroom.NewsroomError(msg) from exc
        if root.tag != "{http://www.w3.org/2001/XMLSchema}schema":
            msg = f"{url} is not an XML Schema (its root is {root.tag!r}); download it by hand into {folder}"
            raise newsroom.NewsroomError(msg)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        Path(tmp).replace(folder / name)
    return folder


def default_folder(*, download: bool) -> Path:
    """The schema folder when the caller names none: the environment's, else the cache."""
    named = os.environ.get(ENV_SCHEMAS)
    if named:
        return Path(named)
    return cached_schemas(download=download)


_SCHEMAS: dict[tuple[str, bool], etree.XMLSchema] = {}


def load_schema(folder: Path | None = None, *, nitf: bool = True, download: bool = True) -> etree.XMLSchema:
    """The compiled NewsML-G2 schema from ``folder`` (see the module docs), loaded once per process.

    With ``nitf`` (the default) and an NITF XSD in the folder, the schema also validates NITF
    inside ``inlineXML``; without one, NITF bodies are skipped as the G2 schema's lax content.
    """
    files = find_schemas(folder if folder is not None else default_folder(download=download))
    key = (str(files.g2.resolve()), nitf and files.nitf is not None)
    schema = _SCHEMAS.get(key)
    if schema is None:
        if key[1] and files.nitf is not None:
            driver = (
                '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">'
                f'<xs:import namespace="{v.NAR}" schemaLocation="{files.g2.resolve().as_uri()}"/>'
                f'<xs:import namespace="{v.NITF}" schemaLocation="{files.nitf.resolve().as_uri()}"/>'
                "</xs:schema>"
            )
            doc = etree.ElementTree(etree.fromstring(driver, safe_parser()))
        else:
            doc = etree.parse(str(files.g2), safe_parser())
        try:
            schema = etree.XMLSchema(doc)
        except etree.XMLSchemaParseError as exc:
            msg = f"the schema in {files.g2.parent} does not load: {exc}"
            raise newsroom.NewsroomError(msg) from exc
        _SCHEMAS[key] = schema
    return schema


def _xhtml_problems(root: etree._Element) -> Iterator[newsroom.Violation]:
    for inline in root.iter(f"{{{v.NAR}}}inlineXML"):
        if inline.get("contenttype") != v.CONTENT_TYPE_XHTML:
            continue
        children = [c for c in inline if isinstance(c.tag, str)]
        if len(children) != 1 or children[0].tag != f"{{{v.XHTML}}}html":
            found = ", ".join(str(c.tag) for c in children) or "nothing"
            yield newsroom.Violation(
                rule="xhtml",
                message=f"line {inline.sourceline}: an XHTML inlineXML must hold one html element in the "
                f"XHTML namespace, not {found}",
            )
            continue
        for el in children[0].iter():
            if not isinstance(el.tag, str):
                continue
            qname = etree.QName(el)
            if qname.namespace != v.XHTML or qname.localname not in _HTML_ELEMENTS:
                yield newsroom.Violation(
                    rule="xhtml",
                    message=f"line {el.sourceline}: element {el.tag} does not belong in an XHTML body",
                )


def validate(content: bytes, schemas: Path | None = None, *, download: bool = True) -> tuple[newsroom.Violation, ...]:
    """Every problem in a NewsML-G2 document: well-formedness, the XSD, then the XHTML rules.

    Args:
        content: The document (a newsItem, packageItem, newsMessage or catalog).
        schemas: The schema folder; ``None`` uses ``$NEWSROOM_NEWSML_SCHEMAS`` or the cache.
        download: Whether an empty cache may be filled from IPTC's site.
    """
    try:
        doc = etree.fromstring(content, safe_parser())
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or 0
        return (newsroom.Violation(rule="well-formed", message=f"line {line}: {exc.msg}"),)
    schema = load_schema(schemas, download=download)
    problems: list[newsroom.Violation] = []
    if not schema.validate(doc):
        problems.extend(
            newsroom.Violation(rule="schema", message=f"line {e.line}: {e.message}") for e in schema.error_log
        )
    problems.extend(_xhtml_problems(doc))
    return tuple(problems)


def check_or_raise(content: bytes, schemas: Path | None, *, nitf: bool, what: str) -> None:
    """Validate an exporter's output; raise :class:`newsroom.ExportError` listing the problems.

    Never downloads: the exporter does no network I/O, so the schema must be in ``schemas``,
    ``$NEWSROOM_NEWSML_SCHEMAS`` or the cache already.
    """
    try:
        folder = schemas if schemas is not None else default_folder(download=False)
        files = find_schemas(folder)
        problems = validate(content, folder, download=False)
    except newsroom.NewsroomError as exc:
        raise newsroom.ExportError(f"cannot validate {what}: {exc}", format="newsml-g2") from exc
    if nitf and files.nitf is None:
        msg = f"cannot validate the NITF rendition of {what}: no {NITF_XSD} in {folder} or {folder / 'nitf'}"
        raise newsroom.ExportError(msg, format="newsml-g2")
    if problems:
        listed = "; ".join(p.message for p in problems[:10])
        more = f" (and {len(problems) - 10} more)" if len(problems) > 10 else ""  # noqa: PLR2004
        msg = f"the NewsML-G2 item for {what} is not valid: {listed}{more}"
        raise newsroom.ExportError(msg, format="newsml-g2")


def is_newsml(head: bytes) -> bool:
    """Whether a document starting with ``head`` is NewsML-G2 (an item, package, message or catalog)."""
    if v.NAR.encode() not in head:
        return False
    return any(tag in head for tag in (b"<newsItem", b"<packageItem", b"<newsMessage", b"<catalog", b":newsItem"))


class NewsMLValidator:
    """Validates NewsML-G2 documents (registered as the ``newsml-g2`` validator)."""

    name = "newsml-g2"
    description = "NewsML-G2 2.35 items, packages and messages against IPTC's XSD (+ NITF 3.6, XHTML rules)"

    def sniff(self, head: bytes, filename: str) -> bool:  # noqa: ARG002 - content decides, not the name
        """A document in the NewsML-G2 namespace whose root is an item, package, message or catalog."""
        return is_newsml(head)

    def validate(
        self,
        content: bytes,
        *,
        source: str,  # noqa: ARG002 - part of the protocol; messages carry lines
        schemas: Path | None = None,
    ) -> tuple[newsroom.Violation, ...]:
        """Every problem in ``content``; downloads IPTC's XSD once when no folder is given."""
        return validate(content, schemas, download=True)
