"""The core's rendition checkers: proof that every owed link is in the output.

Registered as a built-in plugin implementing ``newsroom_check_rendition``. It reads:

- HTML (``text/html``): a *visible* ``<a href>`` to the required host: not in a comment,
  ``<head>``, ``<template>``, ``<noscript>`` or ``<script>``, not under ``hidden``,
  ``aria-hidden="true"``, a hiding style (``display:none``, ``visibility:hidden``,
  ``opacity:0``, ``font-size:0``, clipping or moving it off-screen) given inline or by a rule
  of the page's own ``<style>`` sheets, or a well-known hiding class (``sr-only``,
  ``visually-hidden``, ``d-none``...), and with text;
- XML (``*/xml``, ``*+xml``): an element named ``a`` or ``link`` (any namespace) whose
  ``href`` points there;
- JSON (``*/json``, ``*+json``): a string value that is or contains the URL;
- plain text (``text/*``): the URL itself, with its scheme.

Other media types (PDF, ICML...) are left to the plugins that produce them. Parsing is safe:
no network, no DTDs, no entity expansion.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

import orjson
from lxml import etree, html

from newsroom.articles import Article
from newsroom.attribution import Obligation, text_satisfies, unpaid
from newsroom.exporting import CheckReport, Rendition, Violation
from newsroom.hookspecs import hookimpl


__all__ = ["HIDING_CLASSES", "html_links", "json_strings", "safe_xml_parser", "xml_links"]

# Declarations that take an element out of sight. One is enough, wherever it is in the block.
_HIDDEN_STYLE = re.compile(
    r"(?<![\w-])(?:"
    r"display\s*:\s*none"
    r"|visibility\s*:\s*(?:hidden|collapse)"
    r"|opacity\s*:\s*0*(?:\.0+)?\s*(?:;|!|$)"
    r"|font-size\s*:\s*0*(?:\.0+)?(?:px|em|rem|pt|%)?\s*(?:;|!|$)"
    r"|clip\s*:\s*rect\(\s*0"
    r"|clip-path\s*:\s*inset\(\s*(?:50%|100%)"
    r"|(?:left|top|right|text-indent)\s*:\s*-\d{3,}"
    r"|transform\s*:\s*scale\(\s*0\s*\)"
    r")",
    re.IGNORECASE,
)
_INVISIBLE_TAGS = frozenset({"head", "template", "noscript", "script", "style", "title"})
# Utility classes that hide an element in the common CSS frameworks (Bootstrap, Tailwind,
# Foundation, WordPress, HTML5 Boilerplate). Their sheets are usually external, so the names are
# taken at their word.
HIDING_CLASSES: frozenset[str] = frozenset(
    {
        "sr-only",
        "visually-hidden",
        "visuallyhidden",
        "screen-reader-text",
        "show-for-sr",
        "element-invisible",
        "hidden",
        "d-none",
        "invisible",
        "is-hidden",
        "hide",
    }
)
"""Class names the HTML proof treats as hiding an element, whatever the page's stylesheets say."""


def safe_xml_parser() -> etree.XMLParser:
    """An lxml parser that never touches the network, loads no DTD and expands no entities."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def _hidden(el: Any, by_sheet: set[Any]) -> bool:
    for node in (el, *el.iterancestors()):
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag.lower() in _INVISIBLE_TAGS or node in by_sheet:
            return True
        if node.get("hidden") is not None or (node.get("aria-hidden") or "").lower() == "true":
            return True
        if _HIDDEN_STYLE.search(node.get("style") or ""):
            return True
        classes = node.get("class")
        if classes and not HIDING_CLASSES.isdisjoint(classes.lower().split()):
            return True
    return False


_CSS_COMMENT = re.compile(r"/\*.*?(?:\*/|$)", re.DOTALL)
_CSS_PUNCTUATION = re.compile(r"[{};]")


def _hiding_rules(css: str) -> Iterator[str]:
    """The selectors of the rules in a stylesheet that hide what they select.

    Rules inside ``@media print`` (and other media that are not a screen) are left out: they do
    not hide anything on the page a reader sees. Other at-rules (``@media screen``,
    ``@supports``...) are read through.
    """
    css = _CSS_COMMENT.sub(" ", css)
    other_media: list[bool] = []  # one per open at-rule block: whether it is for other media
    start = 0
    while (found := _CSS_PUNCTUATION.search(css, start)) is not None:  # from one brace or ";" to the next
        at = found.start()
        char = css[at]
        if char == "{":
            prelude = css[start:at].strip()
            outer = bool(other_media and other_media[-1])
            if prelude.startswith("@"):
                other_media.append(outer or _not_screen(prelude))
                start = at + 1
                continue
            end = css.find("}", at)
            if end == -1:
                return
            if not outer and _HIDDEN_STYLE.search(css[at + 1 : end] + ";"):
                yield from (sel.strip() for sel in prelude.split(",") if sel.strip())
            start = end + 1
            continue
        if char == "}" and other_media:
            other_media.pop()
        start = at + 1  # after "}" or the ";" that ends @import, @charset...


def _not_screen(prelude: str) -> bool:
    """Whether an at-rule's block applies to other media only (``@media print``, ``speech``...)."""
    text = prelude.lower()
    if not text.startswith("@media"):
        return False
    media = text.removeprefix("@media")
    return not any(word in media for word in ("screen", "all", "(")) and media.strip() != ""


def _hidden_by_sheets(doc: Any) -> set[Any]:
    """The elements the page's own ``<style>`` sheets hide (external sheets are not fetched)."""
    from cssselect import HTMLTranslator, SelectorError
    from cssselect.xpath import ExpressionError

    hidden: set[Any] = set()
    translator = HTMLTranslator()
    for style in doc.iter("style"):
        for selector in _hiding_rules(style.text or ""):
            if "::" in selector:  # a pseudo-element hides generated content, not the element
                continue
            try:
                path = translator.css_to_xpath(selector)
            except (SelectorError, ExpressionError):  # :hover and the like: hidden only now and then
                continue
            hidden.update(el for el in doc.xpath(path) if isinstance(el.tag, str))
    return hidden


def html_links(content: bytes) -> Iterator[str]:
    """The targets of the visible, non-empty links in an HTML document."""
    if not content.strip():
        return
    doc = html.document_fromstring(content)
    by_sheet = _hidden_by_sheets(doc)
    for a in doc.iter("a"):
        href = a.get("href")
        if href and not _hidden(a, by_sheet) and (a.text_content().strip() or a.find(".//img") is not None):
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


def json_strings(value: Any) -> list[str]:
    """Every string in a JSON value, keys excluded, in document order."""
    return _strings(value, "")


def _strings(value: Any, needle: str) -> list[str]:
    """The strings in a JSON value that contain ``needle``, keys excluded, in document order.

    One loop over a stack, no recursion and no generator: a story's JSON has hundreds of
    values, and the proof runs after every export.
    """
    out: list[str] = []
    stack = [value]
    pop, push = stack.pop, stack.extend
    while stack:
        item = pop()
        kind = type(item)
        if kind is str:
            if needle in item:
                out.append(item)
        elif kind is dict:
            push(reversed(item.values()))
        elif kind is list:
            push(reversed(item))
        elif isinstance(item, str):  # a str subclass, from a hand-made value
            if needle in item:
                out.append(item)
        elif isinstance(item, Mapping):
            push(reversed(list(item.values())))
        elif isinstance(item, (list, tuple)):
            push(reversed(item))
    return out


def _json_unpaid(rendition: Rendition, owed: tuple[Obligation, ...]) -> tuple[Obligation, ...]:
    """The obligations no string value of a JSON (or JSON Lines) rendition pays.

    Every document is parsed (a malformed one raises) and its decoded values are read, never
    the text: a URL in an object key, in a value a duplicate key replaces, or spelled with
    escapes is judged as a reader of the JSON would see it.
    """
    text = rendition.content.decode("utf-8")
    lines = text.splitlines() if rendition.media_type.startswith("application/x-ndjson") else [text]
    # Only strings that hold a URL can pay an obligation: the body text is passed over quickly.
    strings = [s for line in lines if line.strip() for s in _strings(orjson.loads(line), "://")]
    return tuple(o for o in owed if not any(text_satisfies(s, o) for s in strings))


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
            return _report(checker, _json_unpaid(rendition, owed), "JSON's values")
        text = rendition.content.decode("utf-8")
        return _report(checker, tuple(o for o in owed if not text_satisfies(text, o)), "text")
    except (etree.LxmlError, ValueError) as exc:  # syntax errors, "Document is empty", bad UTF-8
        return CheckReport(
            checker=checker,
            proves_attribution=False,
            violations=(Violation(rule="well-formed", message=f"cannot parse the {kind}: {exc}"),),
        )
