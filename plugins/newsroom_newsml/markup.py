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


def _local(el: etree._Element) -> str | None:
    tag = el.tag
    if not isinstance(tag, str):  # a comment or processing instruction
        return None
    return tag.rpartition("}")[2]


def read_inline(el: etree._Element, *, skip: Callable[[etree._Element], bool] | None = None) -> list[Any]:
    """The inline nodes of ``el``'s content, in any of the three markups; ``skip`` drops children.

    The result is a list of :class:`newsroom.Text`, :class:`newsroom.Span`,
    :class:`newsroom.Link` and :class:`newsroom.LineBreak` ready for
    :class:`newsroom.InlineText`, which normalises white space.
    """
    out: list[Any] = []
    if el.text:
        out.append(newsroom.Text(el.text))
    for child in el:
        name = _local(child)
        if name is not None and not (skip is not None and skip(child)):
            out.extend(_read_child(child, name))
        if child.tail:
            out.append(newsroom.Text(child.tail))
    return out


def _read_child(child: etree._Element, name: str) -> list[Any]:
    if name == "br":
        return [newsroom.LineBreak()]
    kind = _ALIASES.get(name, name)
    if name in {"em", "span"}:
        # NITF em and NewsML-G2 span say their kind in the class; a bare NITF em is emphasis.
        cls = child.get("class")
        kind = cls if cls in _SPAN_KINDS else ("em" if name == "em" else "")
    inner = read_inline(child)
    if kind in _SPAN_KINDS:
        return [newsroom.Span(kind=cast("Any", kind), children=tuple(inner))]
    if name == "a":
        href = (child.get("href") or "").strip()
        try:
            return [newsroom.Link(href=href, children=tuple(inner), title=child.get("title") or None)]
        except newsroom.ValidationError:
            return inner  # a javascript: or relative link keeps its words only
    return inner
