"""Validating NewsML-G2 documents against IPTC's official XSD, which newsroom never bundles.

Where the schema comes from, in order:

1. the folder the caller names (``schemas=``, ``newsroom validate --schemas DIR``). It holds
   ``NewsML-G2_2.35-spec-All-Power.xsd`` and ``xml.xsd`` directly or in a ``newsml-g2/``
   subfolder; when ``nitf-3-6.xsd`` (with ``nitf-3-6-ruby-include.xsd`` and ``xml.xsd``) sits
   there too, or in ``nitf/``, NITF bodies inside ``inlineXML`` are validated as well;
2. the folder named by the environment variable ``NEWSROOM_NEWSML_SCHEMAS``;
3. the cache (``$NEWSROOM_CACHE_DIR``, else ``$XDG_CACHE_HOME/newsroom`` or ``~/.cache/newsroom``,
   then ``schemas/newsml-g2-2.35``), which :func:`cached_schemas` fills once from IPTC's site,
   logging a warning that says so (the exporter's ``validate`` option never downloads). NITF 3.6
   is fetched into it too, from IPTC's GitHub repository, the first time a document with an NITF
   body is validated. A download that fails is not tried again in the same process, and gives up
   after :data:`DOWNLOAD_TIMEOUT` seconds.

A document that declares a DTD is refused as the reader refuses it (a DTD can read local files or
expand entities without limit), and an NITF body is never called valid unless the NITF XSD was
loaded to check it: without one, the body is reported as unchecked.

The schema decides structure and types. What it cannot see is checked in code: an XHTML body is
one ``html`` root in the XHTML namespace, built only from HTML elements (an un-namespaced
``<html>`` would silently pass the lax ``inlineXML`` as a NewsML-G2 element). Every problem is a
:class:`newsroom.Violation` whose message starts with its line.
"""

from __future__ import annotations

import codecs
import logging
import os
import re
import tempfile
import time
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
IPTC_NITF: Final = "https://raw.githubusercontent.com/iptc/newsml-g2/7f172b01af0c343aacb1e1297ac0e75debabb4a7/examples/"
"""IPTC ships NITF 3.6 (its last release) with NewsML-G2, in its repository's ``examples/`` folder."""
NITF_DOWNLOADS: Final = (
    (NITF_XSD, IPTC_NITF + NITF_XSD),
    ("nitf-3-6-ruby-include.xsd", IPTC_NITF + "nitf-3-6-ruby-include.xsd"),
)
"""The NITF 3.6 files the cache holds beside ``xml.xsd`` once an NITF body needed them."""
DOWNLOAD_TIMEOUT: Final = 15.0
"""Seconds one download may take in all before it is given up."""

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
    """The body at ``url``, or :class:`TimeoutError` once :data:`DOWNLOAD_TIMEOUT` seconds are spent."""
    deadline = time.monotonic() + DOWNLOAD_TIMEOUT
    opener = urllib.request.build_opener()  # reads the proxy settings now, not at the first download
    with opener.open(url, timeout=DOWNLOAD_TIMEOUT) as response:
        chunks: list[bytes] = []
        while chunk := response.read(1 << 16):
            chunks.append(chunk)
            if time.monotonic() > deadline:
                msg = f"gave up after {DOWNLOAD_TIMEOUT:g} s"
                raise TimeoutError(msg)
    return b"".join(chunks)


_FAILED_DOWNLOADS: list[str] = []
"""Why this process's download failed, if one did: no other is tried (the network is down)."""


def _offline_advice(folder: Path) -> str:
    return (
        f"pass --schemas DIR (schemas=DIR from Python; a folder holding {G2_XSD} and xml.xsd, and "
        f"{NITF_XSD} for NITF bodies), set ${ENV_SCHEMAS}, or download the files by hand into {folder}"
    )


def _download(folder: Path, files: tuple[tuple[str, str], ...], fetch: Callable[[str], bytes], what: str) -> None:
    """Fetch ``files`` into ``folder``, checking each is an XML Schema and writing it atomically."""
    if _FAILED_DOWNLOADS:
        msg = f"{_FAILED_DOWNLOADS[0]} (not tried again in this run); {_offline_advice(folder)}"
        raise newsroom.NewsroomError(msg)
    folder.mkdir(parents=True, exist_ok=True)
    for name, url in files:
        log.warning("downloading IPTC's %s schema %s into %s (once)", what, url, folder)
        try:
            data = fetch(url)
        except OSError as exc:  # no network, a proxy that never answers, HTTP errors: remembered
            reason = "timed out" if isinstance(exc, TimeoutError) else str(exc)
            _FAILED_DOWNLOADS.append(f"could not download {url}: {reason}")
            msg = f"{_FAILED_DOWNLOADS[0]}; {_offline_advice(folder)}"
            raise newsroom.NewsroomError(msg) from exc
        try:
            root = etree.fromstring(data, safe_parser())
        except etree.XMLSyntaxError as exc:
            msg = f"could not download {url}: {exc}; download it by hand into {folder}, or pass a schema folder"
            raise newsroom.NewsroomError(msg) from exc
        if root.tag != _XS_SCHEMA:
            msg = f"{url} is not an XML Schema (its root is {root.tag!r}); download it by hand into {folder}"
            raise newsroom.NewsroomError(msg)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        Path(tmp).replace(folder / name)


def cached_schemas(*, download: bool = True, fetch: Callable[[str], bytes] | None = None, nitf: bool = False) -> Path:
    """The cache folder, after downloading IPTC's XSD into it if it is not there yet.

    The download happens once per machine and is logged as a warning naming the source and the
    folder. Each file is checked (it must be an XML Schema) and written atomically. A download
    that fails (no network, a proxy that never answers: :data:`DOWNLOAD_TIMEOUT`) is remembered:
    later calls in the same process fail at once with the same reason instead of waiting again.

    Args:
        download: Whether missing files may be fetched.
        fetch: Returns the bytes at a URL (default: the network, with :data:`DOWNLOAD_TIMEOUT`).
        nitf: Also fetch NITF 3.6 if it is missing; a failure to is only logged, since the
            NewsML-G2 schema works without it (NITF bodies are then reported as unchecked).

    Raises:
        newsroom.NewsroomError: the cache is empty and ``download`` is false, or the download failed.
    """
    fetch = fetch or _fetch
    folder = cache_dir()
    missing = tuple((name, url) for name, url in DOWNLOADS if not (folder / name).is_file())
    if missing and not download:
        msg = (
            f"the NewsML-G2 schema is not cached in {folder}; `newsroom validate FILE` downloads it the "
            f"first time it runs, or pass schemas=FOLDER (a folder holding {G2_XSD} and xml.xsd)"
        )
        raise newsroom.NewsroomError(msg)
    if missing:
        _download(folder, missing, fetch, f"NewsML-G2 {v.STANDARD_VERSION}")
    nitf_missing = tuple((name, url) for name, url in NITF_DOWNLOADS if not (folder / name).is_file())
    if nitf and nitf_missing and download:
        try:
            _download(folder, nitf_missing, fetch, "NITF 3.6")
        except newsroom.NewsroomError as exc:
            log.warning("NITF bodies cannot be checked: %s", exc)
    return folder


def default_folder(*, download: bool, nitf: bool = False) -> Path:
    """The schema folder when the caller names none: the environment's, else the cache."""
    named = os.environ.get(ENV_SCHEMAS)
    if named:
        return Path(named)
    return cached_schemas(download=download, nitf=nitf)


_SCHEMAS: dict[tuple[str, bool], etree.XMLSchema] = {}
_XS_SCHEMA: Final = "{http://www.w3.org/2001/XMLSchema}schema"


def _schema_document(path: Path) -> etree._ElementTree:
    """``path`` parsed, or a clear error naming it when it is not an XML Schema (a saved 404 page...)."""
    try:
        doc = etree.parse(str(path), safe_parser())
    except (OSError, etree.XMLSyntaxError) as exc:
        problem = f"is not readable XML ({exc})"
    else:
        if doc.getroot().tag == _XS_SCHEMA:
            return doc
        problem = f"is not an XML Schema (its root is {doc.getroot().tag!r})"
    cache = cache_dir().resolve()
    if path.resolve().is_relative_to(cache):
        fix = f"delete it (or the whole cache folder {cache}) and it is downloaded again"
    else:
        fix = f"replace it with IPTC's file, or fix the schema folder {path.parent}"
    msg = f"the schema file {path} {problem}; {fix}"
    raise newsroom.NewsroomError(msg)


def load_schema(folder: Path | None = None, *, nitf: bool = True, download: bool = True) -> etree.XMLSchema:
    """The compiled NewsML-G2 schema from ``folder`` (see the module docs), loaded once per process.

    With ``nitf`` (the default) and an NITF XSD in the folder, the schema also validates NITF
    inside ``inlineXML``; without one, NITF bodies are skipped as the G2 schema's lax content.
    """
    files = find_schemas(folder if folder is not None else default_folder(download=download))
    key = (str(files.g2.resolve()), nitf and files.nitf is not None)
    schema = _SCHEMAS.get(key)
    if schema is None:
        doc = _schema_document(files.g2)
        parts = [files.g2.parent / "xml.xsd"]
        if key[1] and files.nitf is not None:
            parts += [files.nitf, files.nitf.parent / "nitf-3-6-ruby-include.xsd"]
        for part in parts:  # each file the schema includes: a broken one is named, not a traceback
            if part.is_file():
                _schema_document(part)
        if key[1] and files.nitf is not None:
            driver = (
                '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">'
                f'<xs:import namespace="{v.NAR}" schemaLocation="{files.g2.resolve().as_uri()}"/>'
                f'<xs:import namespace="{v.NITF}" schemaLocation="{files.nitf.resolve().as_uri()}"/>'
                "</xs:schema>"
            )
            doc = etree.ElementTree(etree.fromstring(driver, safe_parser()))
        try:
            schema = etree.XMLSchema(doc)
        except etree.XMLSchemaParseError as exc:
            msg = f"the schema in {files.g2.parent} does not load: {exc}"
            raise newsroom.NewsroomError(msg) from exc
        _SCHEMAS[key] = schema
    return schema


def _one_root(
    inline: etree._Element, children: list[etree._Element], rule: str, tag: str, namespace: str
) -> Iterator[newsroom.Violation]:
    """The problem of an ``inlineXML`` that does not hold exactly one ``tag`` element, if it has one."""
    if len(children) != 1 or children[0].tag != tag:
        found = ", ".join(str(c.tag) for c in children) or "nothing"
        local = tag.rpartition("}")[2]
        yield newsroom.Violation(
            rule=rule,
            message=f"line {inline.sourceline}: an {rule.upper()} inlineXML must hold one {local} element in the "
            f"{namespace}, not {found}",
        )


def _xhtml_problems(root: etree._Element) -> Iterator[newsroom.Violation]:
    for inline in root.iter(f"{{{v.NAR}}}inlineXML"):
        kind = inline.get("contenttype")
        children = [c for c in inline if isinstance(c.tag, str)]
        if kind == v.CONTENT_TYPE_NITF:
            # inlineXML is the schema's lax wildcard: an NITF root misspelt or out of its
            # namespace would never be checked by the NITF XSD, so it is a problem of its own.
            # (An empty one, as in IPTC's LISTING_1, claims nothing.)
            if children:
                yield from _one_root(inline, children, "nitf", f"{{{v.NITF}}}nitf", f"NITF namespace ({v.NITF})")
            continue
        if kind != v.CONTENT_TYPE_XHTML:
            continue
        root_problems = list(_one_root(inline, children, "xhtml", f"{{{v.XHTML}}}html", "XHTML namespace"))
        if root_problems:
            yield from root_problems
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


def _parse(content: bytes) -> etree._Element | newsroom.Violation:
    """The document's root, or the problem that stops it being read (a DTD is refused as the reader does)."""
    from newsroom_newsml.reading import parse  # here: reading imports this module

    try:
        return parse(content, "")
    except newsroom.ReadError as exc:
        if exc.line is not None:  # not well-formed: the message already starts "line N: "
            return newsroom.Violation(rule="well-formed", message=str(exc))
        found = [at for at in (content.find(b"<!DOCTYPE"), content.find(b"<!ENTITY")) if at >= 0]
        line = content.count(b"\n", 0, min(found)) + 1 if found else 1  # 1: a DTD in UTF-16
        return newsroom.Violation(rule="dtd", message=f"line {line}: {exc}")


def _nitf_bodies(root: etree._Element) -> list[etree._Element]:
    """The ``inlineXML`` elements that carry an NITF body."""
    return [
        inline
        for inline in root.iter(f"{{{v.NAR}}}inlineXML")
        if inline.get("contenttype") == v.CONTENT_TYPE_NITF
        or any(isinstance(c.tag, str) and etree.QName(c).namespace == v.NITF for c in inline)
    ]


def validate(content: bytes, schemas: Path | None = None, *, download: bool = True) -> tuple[newsroom.Violation, ...]:
    """Every problem in a NewsML-G2 document: well-formedness, the XSD, then the XHTML rules.

    A document that declares a DTD is refused (rule ``dtd``), as the reader refuses it. An NITF
    body is only called valid when the NITF 3.6 XSD checked it: when the schema folder has none
    (and the cache could not fetch it), each NITF ``inlineXML`` is a problem (rule ``nitf``).

    Args:
        content: The document (a newsItem, packageItem, newsMessage or catalog).
        schemas: The schema folder; ``None`` uses ``$NEWSROOM_NEWSML_SCHEMAS`` or the cache.
        download: Whether an empty cache may be filled from IPTC's site.
    """
    doc = _parse(content)
    if isinstance(doc, newsroom.Violation):
        return (doc,)
    nitf_bodies = _nitf_bodies(doc)
    folder = schemas if schemas is not None else default_folder(download=download, nitf=bool(nitf_bodies))
    schema = load_schema(folder)
    problems: list[newsroom.Violation] = []
    try:
        valid = schema.validate(doc)
    except etree.XMLSchemaValidateError as exc:  # libxml2 gave up on this document
        problems.append(
            newsroom.Violation(rule="schema", message=f"line {doc.sourceline}: the schema could not check it: {exc}")
        )
    else:
        if not valid:
            problems.extend(
                newsroom.Violation(rule="schema", message=f"line {e.line}: {e.message}") for e in schema.error_log
            )
    if nitf_bodies and find_schemas(folder).nitf is None:
        why = f"no {NITF_XSD} in {folder} or {folder / 'nitf'}"
        if _FAILED_DOWNLOADS and schemas is None:
            why += f" ({_FAILED_DOWNLOADS[0]})"
        problems.extend(
            newsroom.Violation(
                rule="nitf",
                message=f"line {inline.sourceline}: this NITF body was not checked: {why}; pass a schema folder "
                f"holding NITF 3.6 ({NITF_XSD}, nitf-3-6-ruby-include.xsd, xml.xsd), e.g. --schemas DIR",
            )
            for inline in nitf_bodies
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
        msg = (
            f"cannot validate the NITF rendition of {what}: no {NITF_XSD} in {folder} or {folder / 'nitf'}; "
            f"pass schemas=FOLDER holding NITF 3.6 ({NITF_XSD}, nitf-3-6-ruby-include.xsd, xml.xsd) beside "
            f"the NewsML-G2 XSD"
        )
        if schemas is None and not os.environ.get(ENV_SCHEMAS):
            msg += ", or fill the cache: `newsroom validate FILE` on an item with an NITF body downloads it once"
        raise newsroom.ExportError(msg, format="newsml-g2")
    if problems:
        listed = "; ".join(p.message for p in problems[:10])
        more = f" (and {len(problems) - 10} more)" if len(problems) > 10 else ""  # noqa: PLR2004
        msg = f"the NewsML-G2 item for {what} is not valid: {listed}{more}"
        raise newsroom.ExportError(msg, format="newsml-g2")


# A root element of NewsML-G2, with or without a namespace prefix (<nar:newsMessage ...>).
_ROOT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:newsItem|packageItem|newsMessage|catalog)[\s>/]")


def _as_utf8(head: bytes) -> bytes:
    """``head`` re-encoded as UTF-8 when it is UTF-16 (by its byte order mark or its first ``<``)."""
    if head.startswith((codecs.BOM_UTF16_LE, b"<\x00")):
        return head.decode("utf-16-le", errors="ignore").encode()
    if head.startswith((codecs.BOM_UTF16_BE, b"\x00<")):
        return head.decode("utf-16-be", errors="ignore").encode()
    return head


def is_newsml(head: bytes) -> bool:
    """Whether a document starting with ``head`` is NewsML-G2 (an item, package, message or catalog)."""
    head = _as_utf8(head)
    return v.NAR.encode() in head and _ROOT.search(head) is not None


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
