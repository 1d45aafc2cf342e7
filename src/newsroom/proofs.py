"""The core's rendition checkers: proof that every owed link is in the output.

Registered as a built-in plugin implementing ``newsroom_check_rendition``. It reads:

- HTML (``text/html``): a *visible* ``<a href>`` to the required host: not in a comment,
  ``<head>``, ``<template>``, ``<noscript>`` or ``<script>``, not under ``hidden``,
  ``aria-hidden="true"``, a hiding style (``display:none``, ``visibility:hidden``,
  ``opacity:0``, transparent text, ``font-size:0``, clipping, a zero-size box or moving it
  off-screen) given inline or by a rule of the page's own ``<style>`` sheets (parsed with
  tinycss2, selectors matched with cssselect), or a well-known hiding class (``sr-only``,
  ``visually-hidden``, ``d-none``...), and with text;
- XML (``*/xml``, ``*+xml``): an element named ``a`` or ``link`` (any namespace) whose
  ``href`` points there;
- JSON (``*/json``, ``*+json``): a string value that is or contains the URL;
- Markdown (``text/markdown``): rendered as CommonMark (markdown-it-py, with raw HTML and
  linkify's bare ``http(s)`` URLs), then read as HTML: a comment, a link reference definition
  nobody uses, or a hidden ``<div>`` pays nothing, as no reader sees a link there;
- plain text (other ``text/*``): the URL itself, with its scheme.

Other media types (PDF, ICML...) are left to the plugins that produce them. Parsing is safe:
no network, no DTDs, no entity expansion.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from typing import Any

import orjson
import tinycss2
from lxml import etree, html

from newsroom.articles import Article
from newsroom.attribution import _TRAILING as URL_TRAILING
from newsroom.attribution import Obligation, text_satisfies, unpaid, urls_in_text
from newsroom.exporting import CheckReport, Rendition, Violation
from newsroom.hookspecs import hookimpl


__all__ = ["HIDING_CLASSES", "html_links", "json_strings", "markdown_links", "safe_xml_parser", "xml_links"]

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


# --------------------------------------------------------------------------- what CSS hides


def _tokens(values: list[Any]) -> list[Any]:
    return [t for t in values if t.type not in {"whitespace", "comment"}]


def _number(token: Any) -> float | None:
    """A number, dimension or percentage token's value (a unitless 0 is a length too)."""
    return float(token.value) if token.type in {"number", "dimension", "percentage"} else None


def _zero_area_rect(args: list[Any]) -> bool:
    values = [_number(t) for t in _tokens(args) if t.type != "literal"]  # commas are literals
    if len(values) != 4 or None in values:  # noqa: PLR2004 - top, right, bottom, left
        return False
    top, right, bottom, left = values
    return bottom <= top or right <= left  # type: ignore[operator]


def _function_hides(name: str, function: Any) -> bool:
    fname = function.lower_name
    args = [t for t in _tokens(function.arguments) if t.type != "literal"]
    numbers = [_number(t) for t in args]
    if name == "clip":
        return fname == "rect" and _zero_area_rect(function.arguments)
    if name == "clip-path":
        if fname == "inset":
            return any(t.type == "percentage" and t.value >= 50 for t in args[:1])  # noqa: PLR2004
        return fname in {"circle", "ellipse"} and bool(numbers) and numbers[0] == 0
    if name == "transform":
        return fname in {"scale", "scalex", "scaley", "scale3d"} and any(n == 0 for n in numbers)
    return False


def _font_size_of_shorthand(values: list[Any]) -> float | None:
    """The size in a ``font`` shorthand: the number before ``/``, else the last number."""
    tokens = _tokens(values)
    for i, token in enumerate(tokens):
        if token.type == "literal" and token.value == "/" and i:
            return _number(tokens[i - 1])
    numbers = [n for t in tokens if (n := _number(t)) is not None]
    return numbers[-1] if numbers else None


_FAR_OFF = -999.0  # px: where "off-screen" positioning puts an element
# Pixels per unit; font-relative units at the usual 16px, the viewport's at a small 800px.
_PX = {"px": 1.0, "em": 16.0, "rem": 16.0, "ex": 8.0, "ch": 8.0, "pt": 4 / 3, "pc": 16.0}
_PX |= {"in": 96.0, "cm": 96 / 2.54, "mm": 96 / 25.4, "q": 96 / 101.6, "vw": 8.0, "vh": 8.0}


def _pixels(token: Any) -> float:
    """A length in pixels, roughly; 0 for anything that is not a length."""
    if token.type != "dimension":
        return 0.0
    return float(token.value) * _PX.get(token.lower_unit, 1.0)


class _Look:
    """What a block of declarations does to an element's visibility."""

    __slots__ = ("font_size", "hides")

    def __init__(self, declarations: list[Any]) -> None:
        self.hides = False
        self.font_size: float | None = None  # set when the block sets a font size
        props: dict[str, list[Any]] = {}
        for declaration in declarations:
            if declaration.type == "declaration":
                props[declaration.lower_name] = _tokens(declaration.value)
        for name, tokens in props.items():
            if not tokens:
                continue
            first = tokens[0]
            word = first.lower_value if first.type == "ident" else None
            number = _number(first)
            if name in {"font-size", "font"}:
                size = number if name == "font-size" else _font_size_of_shorthand(tokens)
                if size is not None:
                    self.font_size = size
            elif (
                (name == "display" and word == "none")
                or (name == "visibility" and word in {"hidden", "collapse"})
                or (name == "content-visibility" and word == "hidden")
                or (name in {"opacity", "scale"} and number is not None and number <= 0)
                or (name in {"color", "-webkit-text-fill-color"} and word == "transparent")
                or (name in {"left", "top", "right", "text-indent"} and _pixels(first) <= _FAR_OFF)
                or (first.type == "function" and _function_hides(name, first))
            ):
                self.hides = True
        overflow = props.get("overflow", [])
        if overflow and overflow[0].type == "ident" and overflow[0].lower_value in {"hidden", "clip"}:
            for name in ("width", "height", "max-width", "max-height"):
                extent = props.get(name)
                if extent and _number(extent[0]) == 0:
                    self.hides = True


@functools.lru_cache(maxsize=1024)
def _inline_look(style: str) -> _Look:
    """What an element's own ``style`` attribute does (the same styles recur across pages)."""
    return _Look(tinycss2.parse_declaration_list(style, skip_comments=True, skip_whitespace=True))


_OTHER_MEDIA = frozenset({"print", "speech", "aural", "braille", "embossed", "handheld", "projection", "tty", "tv"})


def _for_screens(media: str) -> bool:
    """Whether a media query list (``print``, ``not print``, ``screen and (...)``) can apply on a screen.

    Unknown media types count as screens, and so does a negated query with conditions
    (``not screen and (max-width: 600px)`` applies to wide screens): where it cannot be sure,
    the proof lets a rule hide the link.
    """
    for query in media.lower().split(","):
        words = query.split()
        if not words:
            return True  # an empty query is "all"
        negated = words[0] == "not"
        if words[0] in {"not", "only"}:
            words = words[1:]
        kind = words[0] if words and not words[0].startswith("(") else "all"
        screen = kind not in _OTHER_MEDIA
        conditions = len(words) > 1 or (bool(words) and words[0].startswith("("))
        if (not screen or conditions) if negated else screen:
            return True
    return False


def _join(parents: list[str], selector: str) -> list[str]:
    """A nested rule's selectors, written out under each parent's (CSS nesting)."""
    if not parents:
        return [selector]
    if "&" in selector:
        return [selector.replace("&", parent) for parent in parents]
    return [f"{parent} {selector}" for parent in parents]


def _styled(rules: list[Any], parents: list[str]) -> Iterator[tuple[str, _Look]]:
    """Each selector of a sheet (or a nested block) with what its declarations do.

    Rules for other media than a screen (``@media print``) are left out; ``@supports``,
    ``@layer``, ``@container`` and the like are read through.
    """
    declarations = []
    for rule in rules:
        if rule.type == "declaration":
            declarations.append(rule)
        elif rule.type == "qualified-rule":
            selectors = [part.strip() for part in tinycss2.serialize(rule.prelude).split(",") if part.strip()]
            below = [joined for sel in selectors for joined in _join(parents, sel)]
            inner = tinycss2.parse_blocks_contents(rule.content, skip_comments=True, skip_whitespace=True)
            yield from _styled(inner, below)
        elif rule.type == "at-rule" and rule.content is not None:
            keyword = rule.lower_at_keyword
            if keyword == "media" and not _for_screens(tinycss2.serialize(rule.prelude)):
                continue
            if keyword in {"media", "supports", "layer", "container", "scope", "document"}:
                inner = tinycss2.parse_blocks_contents(rule.content, skip_comments=True, skip_whitespace=True)
                yield from _styled(inner, parents)
    if declarations and parents:
        look = _Look(declarations)
        if look.hides or look.font_size is not None:
            for selector in parents:
                yield selector, look


_PSEUDO_ELEMENT = re.compile(
    r"::|:(?:before|after|first-line|first-letter|marker|placeholder|selection)\b", re.IGNORECASE
)
_PSEUDO_CLASS = re.compile(r":[\w-]+(?:\((?:[^()]|\([^()]*\))*\))?")


def _select(doc: Any, selector: str, translator: Any) -> list[Any]:
    """The elements ``selector`` matches.

    Where cssselect cannot read a pseudo-class, the selector without its pseudo-classes is used:
    it matches more, so the proof errs on the side of calling a link hidden.
    """
    path = _xpath(selector, translator)
    return [] if path is None else [el for el in doc.xpath(path) if isinstance(el.tag, str)]


@functools.lru_cache(maxsize=4096)
def _xpath(selector: str, translator: Any) -> str | None:
    from cssselect import SelectorError
    from cssselect.xpath import ExpressionError

    for attempt in (selector, _PSEUDO_CLASS.sub("", selector)):
        if not attempt.strip():
            return None
        try:
            path = translator.css_to_xpath(attempt)
            etree.XPath(path)  # one cssselect writes but lxml cannot run counts as unreadable
        except (SelectorError, ExpressionError, etree.XPathError):
            continue
        return str(path)
    return None


@functools.cache
def _translator() -> Any:
    from cssselect import HTMLTranslator

    return HTMLTranslator()


class _Sheets:
    """What the page's own ``<style>`` sheets do to its elements (external sheets are not fetched)."""

    def __init__(self, doc: Any) -> None:
        self.looks: dict[Any, list[_Look]] = {}
        translator = _translator()
        for style in doc.iter("style"):
            if any(a.tag in {"template", "noscript"} for a in style.iterancestors()):
                continue  # inert, or not applied where scripts run
            if not _for_screens(style.get("media") or "all"):
                continue
            for selector, look in _sheet(style.text or ""):
                for el in _select(doc, selector, translator):
                    self.looks.setdefault(el, []).append(look)


@functools.lru_cache(maxsize=64)
def _sheet(css: str) -> tuple[tuple[str, _Look], ...]:
    """The selectors of a sheet that hide or size what they select.

    Cached: an exporter's pages share their sheet, and parsing CSS in Python costs milliseconds.
    """
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    # A pseudo-element styles generated content, not the element.
    return tuple((selector, look) for selector, look in _styled(rules, []) if not _PSEUDO_ELEMENT.search(selector))


_ASCII_SPACE = re.compile(r"[ \t\n\f\r]+")


def _hidden(el: Any, sheets: _Sheets) -> bool:
    """Whether ``el`` is out of sight: by its place, its attributes, its style, its classes or the sheets.

    A ``font-size`` of 0 hides only where no element between it and ``el`` sets a size again
    (the old trick against gaps between inline blocks).
    """
    sized = False
    child = None  # the node below ``node`` on the way up
    for node in (el, *el.iterancestors()):
        tag = node.tag.lower() if isinstance(node.tag, str) else ""
        if tag in _INVISIBLE_TAGS:
            return True
        # The browser's own sheet: a dialog shows only when open, and a closed details element
        # shows its summary only.
        if tag == "dialog" and node.get("open") is None:
            return True
        if tag == "details" and node.get("open") is None and not _is_summary(child, node):
            return True
        if node.get("hidden") is not None or (node.get("aria-hidden") or "").lower() == "true":
            return True
        classes = node.get("class")
        if classes and not HIDING_CLASSES.isdisjoint(_ASCII_SPACE.split(classes)):
            return True
        looks = list(sheets.looks.get(node, ()))
        style = node.get("style")
        if style:
            looks.append(_inline_look(style))  # last: it wins over the sheets
        for look in looks:
            if look.hides:
                return True
        sizes = [look.font_size for look in looks if look.font_size is not None]
        if sizes and not sized:
            if sizes[-1] <= 0:
                return True
            sized = True
        child = node
    return False


def _is_summary(child: Any, details: Any) -> bool:
    """Whether ``child`` (a child of ``details``, or None) is the summary a closed details shows: its first."""
    if child is None or not isinstance(child.tag, str) or child.tag.lower() != "summary":
        return False
    first = next((c for c in details if isinstance(c.tag, str) and c.tag.lower() == "summary"), None)
    return first is child


def html_links(content: bytes) -> Iterator[str]:
    """The targets of the visible, non-empty links in an HTML document."""
    if not content.strip():
        return
    doc = html.document_fromstring(content)
    sheets = _Sheets(doc)
    for a in doc.iter("a"):
        href = a.get("href")
        if href and not _hidden(a, sheets) and (a.text_content().strip() or a.find(".//img") is not None):
            yield href


@functools.cache
def _markdown() -> Any:
    """The CommonMark renderer for the Markdown proof: raw HTML kept, bare http(s) URLs linked."""
    from markdown_it import MarkdownIt

    renderer = MarkdownIt("commonmark", {"html": True, "linkify": True}).enable("linkify")
    if renderer.linkify is not None:  # present: linkify-it-py is a dependency
        renderer.linkify.set({"fuzzy_link": False, "fuzzy_email": False})  # "caliber.az" alone is no link
    return renderer


def markdown_links(content: bytes) -> Iterator[str]:
    """The targets of the visible links of a Markdown document, as a CommonMark renderer shows it.

    A bare URL that linkify turns into a link drops only the closing quotation marks and
    sentence punctuation a printed URL drops (see :func:`newsroom.urls_in_text`):
    "«https://caliber.az/x»" links to ``.../x``, not ``.../x»``, while
    "https://caliber.az/«x»" keeps the mark that closes the pair opened in its path. Any other target is the
    renderer's own, as a reader clicks it.
    """
    renderer = _markdown()
    env: dict[str, Any] = {}
    tokens = renderer.parse(content.decode("utf-8"), env)
    for token in tokens:
        children = token.children or []
        for i, child in enumerate(children[:-1]):
            if child.type == "link_open" and child.markup == "linkify" and children[i + 1].type == "text":
                shown = children[i + 1].content
                printed = urls_in_text(shown)  # where a printed URL ends: a closing mark of a pair stays
                whole = printed and shown.startswith(printed[0]) and not shown[len(printed[0]) :].strip(URL_TRAILING)
                kept = printed[0] if whole else shown.rstrip(URL_TRAILING)
                if kept != shown and "://" in kept:
                    href = renderer.normalizeLink(kept)
                    if renderer.validateLink(href):
                        child.attrSet("href", href)
                        children[i + 1].content = kept
    rendered = renderer.renderer.render(tokens, renderer.options, env)
    page = f'<html><head><meta charset="utf-8"></head><body>{rendered}</body></html>'
    yield from html_links(page.encode("utf-8"))


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
    """Every string in a JSON value, keys excluded, in document order.

    One loop over a stack, no recursion: any depth is read. Hand-made values may hold str
    subclasses, other mappings and tuples.
    """
    out: list[str] = []
    stack = [value]
    pop, push = stack.pop, stack.extend
    while stack:
        item = pop()
        kind = type(item)
        if kind is str:
            out.append(item)
        elif kind is dict:
            push(reversed(item.values()))
        elif kind is list:
            push(reversed(item))
        elif isinstance(item, str):  # a str subclass, from a hand-made value
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
    content = rendition.content  # orjson reads the bytes, and refuses any that are not UTF-8
    # JSON Lines end at "\n" only: splitlines() would also cut at U+2028 inside a string. Only
    # JSON's own white space makes a blank line.
    lines = content.split(b"\n") if rendition.media_type.startswith("application/x-ndjson") else [content]
    # Only strings that hold a URL can pay an obligation: the body text is passed over quickly.
    strings = [s for line in lines if line and not line.isspace() for s in _url_strings(orjson.loads(line))]
    return unpaid([url for s in strings for url in urls_in_text(s)], owed)


def _url_strings(document: Any) -> list[str]:
    """The strings of a parsed JSON document that hold ``://``, level by level.

    Each level's containers give the next level's items in one ``extend``: faster than a
    recursive walk or a stack (leaves are never pushed one by one), and any depth is read.
    """
    out: list[str] = []
    level = [document]
    while level:
        below: list[Any] = []
        for item in level:
            kind = type(item)
            if kind is str:
                if "://" in item:
                    out.append(item)
            elif kind is dict:
                below.extend(item.values())
            elif kind is list:
                below.extend(item)
        level = below
    return out


def _report(checker: str, missing: tuple[Obligation, ...], medium: str) -> CheckReport:
    if not missing:
        return _clean(checker)
    return CheckReport(
        checker=checker,
        proves_attribution=True,
        violations=tuple(
            Violation(rule="attribution", message=f"{o.describe()} is missing from the {medium}") for o in missing
        ),
    )


@functools.lru_cache(maxsize=16)
def _clean(checker: str) -> CheckReport:
    """The report of a checker that found every owed link: one frozen object serves every story."""
    return CheckReport(checker=checker, proves_attribution=True)


@functools.lru_cache(maxsize=64)
def _kind(media_type: str) -> str | None:
    base = media_type.split(";", maxsplit=1)[0].strip().lower()
    if base == "text/html":
        return "html"
    if base.endswith(("/xml", "+xml")):
        return "xml"
    if base.endswith(("/json", "+json")) or base == "application/x-ndjson":
        return "json"
    if base in {"text/markdown", "text/x-markdown"}:
        return "markdown"
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
        if kind == "markdown":
            missing = unpaid(markdown_links(rendition.content), owed)
            return _report(checker, missing, "rendered Markdown's visible links")
        text = rendition.content.decode("utf-8")
        return _report(checker, tuple(o for o in owed if not text_satisfies(text, o)), "text")
    except (etree.LxmlError, ValueError) as exc:  # syntax errors, "Document is empty", bad UTF-8
        return CheckReport(
            checker=checker,
            proves_attribution=False,
            violations=(Violation(rule="well-formed", message=f"cannot parse the {kind}: {exc}"),),
        )
