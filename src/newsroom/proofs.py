"""The core's rendition checkers: proof that every owed link is in the output.

Registered as a built-in plugin implementing ``newsroom_check_rendition``. It reads:

- HTML (``text/html``): a *visible* ``<a href>`` to the required host: not in a comment,
  ``<head>``, ``<template>``, ``<noscript>`` or ``<script>``, not under ``hidden``,
  ``aria-hidden="true"`` or an inline ``display:none`` / ``visibility:hidden``, and with text;
- XML (``*/xml``, ``*+xml``): an element named ``a`` or ``link`` (any namespace) whose
  ``href`` points there;
- JSON (``*/json``, ``*+json``): a string value that is or contains the URL;
- plain text (``text/*``): the URL itself, with its scheme.

Other media types (PDF, ICML...) are left to the plugins that produce them. Parsing is safe:
no network, no DTDs, no entity expansion.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import orjson
from lxml import etree, html

from newsroom.articles import Article
from newsroom.attribution import Obligation, text_satisfies, unpaid
from newsroom.exporting import CheckReport, Rendition, Violation
from newsroom.hookspecs import hookimpl


__all__ = ["html_links", "json_strings", "safe_xml_parser", "xml_links"]

_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_INVISIBLE_TAGS = frozenset({"head", "template", "noscript", "script", "style", "title"})


def safe_xml_parser() -> etree.XMLParser:
    """An lxml parser that never touches the network, loads no DTD and expands no entities."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def _hidden(el: Any) -> bool:
    for node in (el, *el.iterancestors()):
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag.lower() in _INVISIBLE_TAGS:
            return True
        if node.get("hidden") is not None or (node.get("aria-hidden") or "").lower() == "true":
            return True
        if _HIDDEN_STYLE.search(node.get("style") or ""):
            return True
    return False


def html_links(content: bytes) -> Iterator[str]:
    """The targets of the visible, non-empty links in an HTML document."""
    if not content.strip():
        return
    doc = html.document_fromstring(content)
    for a in doc.iter("a"):
        href = a.get("href")
        if href and not _hidden(a) and (a.text_content().strip() or a.find(".//img") is not None):
            yield href


def xml_links(content: bytes) -> Iterator[str]:
    """The ``href`` of every element named ``a`` or ``link``, in any namespace."""
    root = etree.fromstring(content, safe_xml_parser())
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        if etree.QName(el).localname in {"a", "link"}:
            href = el.get("href")
            if href:
                yield href


def json_strings(value: Any) -> Iterator[str]:
    """Every string in a JSON value, keys excluded, in document order."""
    stack = [value]  # one loop, no recursion: a story's JSON has hundreds of values
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(reversed(item.values()))
        elif isinstance(item, list):
            stack.extend(reversed(item))


def _report(checker: str, missing: tuple[Obligation, ...], medium: str) -> CheckReport:
    return CheckReport(
        checker=checker,
        proves_attribution=True,
        violations=tuple(
            Violation(rule="attribution", message=f"{o.describe()} is missing from the {medium}") for o in missing
        ),
    )


def _kind(media_type: str) -> str | None:
    base = media_type.split(";", maxsplit=1)[0].strip().lower()
    if base == "text/html":
        return "html"
    if base.endswith(("/xml", "+xml")):
        return "xml"
    if base.endswith(("/json", "+json")) or base == "application/x-ndjson":
        return "json"
    if base.startswith("text/"):
        return "text"
    return None


@hookimpl(trylast=True)
def newsroom_check_rendition(
    rendition: Rendition,
    article: Article,  # noqa: ARG001 - part of the hook's signature
    owed: tuple[Obligation, ...],
) -> CheckReport | None:
    """Prove attribution in HTML, XML, JSON and plain-text renditions."""
    kind = _kind(rendition.media_type)
    if kind is None:
        return None
    checker = f"newsroom.proofs:{kind}"
    try:
        if kind == "html":
            return _report(checker, unpaid(html_links(rendition.content), owed), "page's visible links")
        if kind == "xml":
            return _report(checker, unpaid(xml_links(rendition.content), owed), "document's link and a elements")
        if kind == "json":
            text = rendition.content.decode("utf-8")
            lines = text.splitlines() if rendition.media_type.startswith("application/x-ndjson") else [text]
            # Only strings that hold a URL can pay an obligation: skip the body text quickly.
            strings = [s for line in lines if line.strip() for s in json_strings(orjson.loads(line)) if "://" in s]
            missing = tuple(o for o in owed if not any(text_satisfies(s, o) for s in strings))
            return _report(checker, missing, "JSON's values")
        text = rendition.content.decode("utf-8")
        return _report(checker, tuple(o for o in owed if not text_satisfies(text, o)), "text")
    except (etree.LxmlError, ValueError) as exc:  # syntax errors, "Document is empty", bad UTF-8
        return CheckReport(
            checker=checker,
            proves_attribution=False,
            violations=(Violation(rule="well-formed", message=f"cannot parse the {kind}: {exc}"),),
        )
