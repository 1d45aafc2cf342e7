"""Inline text in and out of the three markups a NewsML-G2 item holds.

A story's inline nodes (:class:`newsroom.Text`, :class:`~newsroom.Span`, :class:`~newsroom.Link`,
:class:`~newsroom.LineBreak`) become:

- XHTML in the body rendition: ``em strong q sub sup``, ``a href title``, ``br``;
- NITF in the optional second rendition: ``em`` (``em class="strong|sub|sup"`` for the kinds
  NITF has no element for), ``q``, ``a``, ``br``;
- the NewsML-G2 "block" markup of ``description``, ``edNote`` and ``usageTerms``, which allows only
  ``a``, ``span``, ``br``: spans carry the kind as their class (``span class="em"``).

Reading goes the other way and is forgiving: unknown elements are unwrapped to their text (so
an NITF ``<person>`` keeps its words), ``b``/``i``/``cite`` count as strong/em/em, and a link whose
target is not http(s) or mailto keeps its text but loses the link. Nothing here decides where a
block goes; :mod:`newsroom_newsml.bodies` does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Final, TypeAlias, cast

from lxml.builder import ElementMaker

import newsroom
from newsroom_newsml.vocabulary import NAR, NITF, XHTML


if TYPE_CHECKING:
    from lxml import etree


__all__ = ["E_NAR", "E_NITF", "E_XHTML", "nar_inline", "nitf_inline", "read_inline", "xhtml_inline"]

E_NAR: Final = ElementMaker(namespace=NAR, nsmap={None: NAR})
"""Builds NewsML-G2 elements."""
E_XHTML: Final = ElementMaker(namespace=XHTML, nsmap={None: XHTML})
"""Builds XHTML elements."""
E_NITF: Final = ElementMaker(namespace=NITF, nsmap={None: NITF})
"""Builds NITF elements."""

Child: TypeAlias = "str | etree._Element"  # noqa: SLF001 - lxml names its element type _Element
"""What an ElementMaker call takes as content: text or an element."""

_SPAN_KINDS: Final = frozenset(("em", "strong", "q", "sub", "sup"))
_ALIASES: Final = {"b": "strong", "i": "em", "cite": "em", "strong": "strong", "em": "em"}


def _children(
    nodes: Iterable[Any],
    span: Callable[[str, list[Child]], etree._Element],
    link: Callable[[newsroom.Link, list[Child]], etree._Element],
    br: Callable[[], etree._Element],
) -> list[Child]:
    out: list[Child] = []
    for node in nodes:
        if isinstance(node, newsroom.Text):
            out.append(node.text)
        elif isinstance(node, newsroom.Span):
            out.append(span(node.kind, _children(node.children, span, link, br)))
        elif isinstance(node, newsroom.Link):
            out.append(link(node, _children(node.children, span, link, br)))
        else:
            out.append(br())
    return out


def _xhtml_span(kind: str, content: list[Child]) -> etree._Element:
    return cast("etree._Element", getattr(E_XHTML, kind)(*content))  # noqa: SLF001 - lxml's element type


def _xhtml_link(node: newsroom.Link, content: list[Child]) -> etree._Element:
    attrs = {"href": node.href, "title": node.title} if node.title else {"href": node.href}
    return E_XHTML.a(*content, **attrs)


def _xhtml_br() -> etree._Element:
    return E_XHTML.br()


def xhtml_inline(text: newsroom.InlineText) -> list[Child]:
    """``text`` as XHTML content for an ElementMaker call (``E_XHTML.p(*xhtml_inline(t))``)."""
    return _children(text.nodes, _xhtml_span, _xhtml_link, _xhtml_br)


def _nar_span(kind: str, content: list[Child]) -> etree._Element:
    return E_NAR.span(*content, {"class": kind})


def _nar_link(node: newsroom.Link, content: list[Child]) -> etree._Element:
    # NewsML-G2's <a> has no title attribute, so a link title does not survive in metadata text.
    return E_NAR.a(*content, href=node.href)


def _nar_br() -> etree._Element:
    return E_NAR.br()


def nar_inline(text: newsroom.InlineText) -> list[Child]:
    """``text`` as NewsML-G2 block content (``a``, ``span class=KIND``, ``br``)."""
    return _children(text.nodes, _nar_span, _nar_link, _nar_br)


def _nitf_span(kind: str, content: list[Child]) -> etree._Element:
    if kind == "q":
        return E_NITF.q(*content)
    if kind == "em":
        return E_NITF.em(*content)
    return E_NITF.em(*content, {"class": kind})


def _nitf_link(node: newsroom.Link, content: list[Child]) -> etree._Element:
    attrs = {"href": node.href, "title": node.title} if node.title else {"href": node.href}
    return E_NITF.a(*content, **attrs)


def _nitf_br() -> etree._Element:
    return E_NITF.br()


def nitf_inline(text: newsroom.InlineText) -> list[Child]:
    """``text`` as NITF enriched text (``em``, ``q``, ``a``, ``br``)."""
    return _children(text.nodes, _nitf_span, _nitf_link, _nitf_br)


# What each inline element is, by local name: a span kind, "a", "br", or (em and span) "?" for
# a kind named by the class. Anything else is unwrapped to its words.
_LOCAL_KINDS: Final = {
    "br": "br",
    "a": "a",
    "em": "em?",
    "span": "span?",
    **{kind: kind for kind in _SPAN_KINDS if kind != "em"},
    **{alias: kind for alias, kind in _ALIASES.items() if alias not in {"em", "strong"}},
}
# The same by tag for the three markups (and no namespace): no local-name slicing in the
# common case. A tag in any other namespace is still read by its local name.
_TAG_KINDS: Final = {
    (f"{{{ns}}}{name}" if ns else name): kind for ns in (XHTML, NITF, NAR, "") for name, kind in _LOCAL_KINDS.items()
}
_Text: Final = newsroom.Text
_Span: Final = newsroom.Span
_Link: Final = newsroom.Link
_LineBreak: Final = newsroom.LineBreak


def read_inline(el: etree._Element, *, skip: Callable[[etree._Element], bool] | None = None) -> list[Any]:
    """The inline nodes of ``el``'s content, in any of the three markups; ``skip`` drops children.

    The result is a list of :class:`newsroom.Text`, :class:`newsroom.Span`,
    :class:`newsroom.Link` and :class:`newsroom.LineBreak` ready for
    :class:`newsroom.InlineText`, which checks them and normalises white space. Neighbouring text
    (around a comment, or an element unwrapped to its words) is already joined into one run, so
    nodes that need no white-space fixing pass InlineText's check without being rebuilt.
    """
    out: list[Any] = []
    text = _walk(el, out, el.text or "", skip) if len(el) else el.text
    if text:
        out.append(_Text(text))
    return out


def _walk(el: etree._Element, out: list[Any], text: str, skip: Callable[[etree._Element], bool] | None) -> str:
    """Append the nodes of ``el``'s children to ``out``.

    ``text`` is the run of text not yet written before the first child; the run left after the
    last child is returned, so text continues across unwrapped elements and comments.
    """
    for child in el:
        tag = child.tag
        if type(tag) is str and (skip is None or not skip(child)):
            kind = _TAG_KINDS.get(tag) or _LOCAL_KINDS.get(tag.rpartition("}")[2])
            if kind == "em?" or kind == "span?":  # noqa: PLR1714 - two compares beat a set here
                # NITF em and NewsML-G2 span say their kind in the class; a bare NITF em is emphasis.
                cls = child.get("class")
                kind = cls if cls in _SPAN_KINDS else ("em" if kind == "em?" else None)
            if kind is None:  # not inline markup: its words only
                if len(child):
                    text = _walk(child, out, text + (child.text or ""), None)
                elif child.text:
                    text += child.text
            elif kind == "br":
                if text:
                    out.append(_Text(text))
                    text = ""
                out.append(_LineBreak())
            else:
                inner: tuple[Any, ...] | list[Any]
                if len(child):
                    inner = []
                    rest = _walk(child, inner, child.text or "", None)
                    if rest:
                        inner.append(_Text(rest))
                else:  # the common case: just words
                    words = child.text
                    inner = (_Text(words),) if words else ()
                if kind == "a":
                    try:
                        node: Any = _Link(
                            href=(child.get("href") or "").strip(), children=inner, title=child.get("title") or None
                        )
                    except newsroom.ValidationError:
                        text = _unwrap(inner, out, text)  # a javascript: or relative link keeps its words
                        node = None
                else:
                    node = _Span(kind=kind, children=inner)  # type: ignore[arg-type] # a span kind here
                if node is not None:
                    if text:
                        out.append(_Text(text))
                        text = ""
                    out.append(node)
        tail = child.tail
        if tail:
            text += tail
    return text


def _unwrap(nodes: Iterable[Any], out: list[Any], text: str) -> str:
    """Append ``nodes`` to ``out`` as if their element were not there; returns the pending text."""
    for node in nodes:
        if type(node) is _Text:
            text += node.text
        else:
            if text:
                out.append(_Text(text))
                text = ""
            out.append(node)
    return text
