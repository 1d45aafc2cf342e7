"""Inline text: the small, checked markup allowed inside body blocks.

A story's running text may carry emphasis, strong, links, line breaks, inline quotes, and
sub/superscript, and nothing else. Text is parsed from that HTML subset when a block is
built (or built from nodes directly) and kept as a tree of frozen nodes, so raw unchecked
HTML never reaches the model, and exporters walk nodes rather than re-parse strings.

This module must never import lxml or know any output format: ``markup()`` writes the model's
own input syntax back, which the native JSON stores.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator
from typing import Final, Literal, TypeAlias

import attrs

from newsroom.errors import ValidationError
from newsroom.validators import check_url, one_of, optional_str, optional_text, surrogate_rule


__all__ = [
    "LINK_SCHEMES",
    "SPAN_KINDS",
    "Inline",
    "InlineText",
    "LineBreak",
    "Link",
    "Span",
    "Text",
]

SpanKind: TypeAlias = Literal["em", "strong", "q", "sub", "sup"]
SPAN_KINDS: tuple[SpanKind, ...] = ("em", "strong", "q", "sub", "sup")
"""The inline elements other than links and line breaks, by their HTML tag names."""

LINK_SCHEMES = ("http", "https", "mailto")
"""The only URL schemes a link may use."""

# Common spellings a scraper or CMS hands us, mapped to the one tag the model keeps.
_ALIASES: dict[str, str] = {"i": "em", "b": "strong", "cite": "em"}
_ALLOWED = ", ".join(sorted({*SPAN_KINDS, "a", "br"}))


def _nodes(value: Iterable[Inline]) -> tuple[Inline, ...]:
    return tuple(value)


@attrs.frozen(kw_only=False)
class Text:
    """A run of plain characters (already unescaped)."""

    text: str


@attrs.frozen(kw_only=False)
class LineBreak:
    """A forced line break inside a block (``<br>``)."""


@attrs.frozen(kw_only=True)
class Span:
    """Emphasis, strong, an inline quote, or sub/superscript around other inline nodes."""

    kind: SpanKind = attrs.field(validator=one_of(*SPAN_KINDS))
    children: tuple[Inline, ...] = attrs.field(converter=_nodes)


def _validate_href(_inst: object, _attr: object, value: str) -> None:
    check_url(value, LINK_SCHEMES, "href", "http(s) or mailto", what="link href")


@attrs.frozen(kw_only=True)
class Link:
    """A hyperlink; ``href`` is http(s) or mailto."""

    href: str = attrs.field(validator=_validate_href)
    children: tuple[Inline, ...] = attrs.field(converter=_nodes)
    # Cleaned as markup parsing cleans it (trimmed, "" is None), so markup() round-trips.
    title: str | None = attrs.field(default=None, converter=optional_text, validator=optional_str)


Inline: TypeAlias = Text | LineBreak | Span | Link
"""One inline node."""

_TAG = re.compile(
    r"<(/?)([A-Za-z][A-Za-z0-9]*)((?:\s+[^\s=>/]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'>]+))?)*)\s*(/?)>"
)
_ATTR = re.compile(r"([^\s=>/]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'>]+)))?")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
# HTML collapses ASCII white space only; a no-break space or a thin space is kept as written.
_WS = re.compile(r"[ \t\n\r\f]+")
# Control characters other than the white space above are scraping debris (e.g. \v): removed.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


def is_plain(markup: str) -> bool:
    """Fast check: text with nothing to parse, remove or collapse (the common case)."""
    return (
        markup.isprintable()
        and "<" not in markup
        and "&" not in markup
        and "  " not in markup
        and markup[:1] != " "
        and markup[-1:] != " "
    )


def _collapse(text: str) -> str:
    """``_WS.sub(" ", text)``, skipped when there is nothing to collapse (most text: it is 20x faster)."""
    if "  " in text or "\n" in text or "\t" in text or "\r" in text or "\f" in text:
        return _WS.sub(" ", text)
    return text


def _clean(text: str) -> str:
    """``text`` without control characters; a lone surrogate is refused (no UTF-8 text holds one)."""
    if text.isprintable():
        return text
    if not text.isascii() and (rule := surrogate_rule(text)):
        raise ValidationError("", rule)
    return _CONTROL.sub("", text)


def _parse(markup: str) -> tuple[Inline, ...]:
    """Parse the inline HTML subset into nodes, raising ValidationError on anything else."""
    if is_plain(markup):
        return (Text(markup),) if markup else ()
    markup = _clean(markup)
    if "<" not in markup and "&" not in markup:
        text = _WS.sub(" ", markup).strip(" ")
        return (Text(text),) if text else ()
    markup = _COMMENT.sub("", markup)
    # Stack of (tag, attributes, children-so-far).
    stack: list[tuple[str, dict[str, str], list[Inline]]] = [("", {}, [])]
    pos = 0
    for m in _TAG.finditer(markup):
        _add_text(stack[-1][2], markup[pos : m.start()])
        pos = m.end()
        closing, name, raw_attrs, _selfclosing = m.group(1), m.group(2).lower(), m.group(3), m.group(4)
        name = _ALIASES.get(name, name)
        if name == "br":
            stack[-1][2].append(LineBreak())
            continue
        if name not in SPAN_KINDS and name != "a":
            raise ValidationError("", f"tag <{name}> is not allowed in text (allowed: {_ALLOWED})")
        if closing:
            if stack[-1][0] != name:
                open_tag = stack[-1][0]
                expected = f"</{open_tag}>" if open_tag else "no closing tag"
                raise ValidationError("", f"</{name}> does not match: expected {expected}")
            tag, attributes, children = stack.pop()
            stack[-1][2].append(_make(tag, attributes, children))
        else:
            stack.append((name, _attributes(name, raw_attrs), []))
    _add_text(stack[-1][2], markup[pos:])
    if len(stack) > 1:
        raise ValidationError("", f"<{stack[-1][0]}> is never closed")
    nodes = stack[0][2]
    return tuple(nodes) if _is_normal(nodes) else _normalise(nodes)


def _attributes(tag: str, raw: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for m in _ATTR.finditer(raw):
        name = m.group(1).lower()
        value = next((g for g in m.groups()[1:] if g is not None), "")
        found[name] = html.unescape(value).strip()
    allowed = {"href", "title"} if tag == "a" else set()
    extra = sorted(set(found) - allowed)
    if extra:
        # Drop harmless presentation attributes; refuse anything that could run code.
        dangerous = [a for a in extra if a.startswith("on") or a in {"style", "src"}]
        if dangerous:
            raise ValidationError("", f"attribute {dangerous[0]!r} is not allowed on <{tag}>")
    if tag == "a" and "href" not in found:
        raise ValidationError("", "<a> needs an href")
    return {k: v for k, v in found.items() if k in allowed}


def _make(tag: str, attributes: dict[str, str], children: list[Inline]) -> Inline:
    if tag == "a":
        try:
            return Link(href=attributes["href"], children=tuple(children), title=attributes.get("title") or None)
        except ValidationError as exc:
            raise ValidationError("", exc.rule) from None
    return Span(kind=tag, children=tuple(children))  # type: ignore[arg-type]


def _add_text(children: list[Inline], raw: str) -> None:
    if raw:
        if "<" in raw and re.search(r"<[A-Za-z/!]", raw):
            raise ValidationError("", f"malformed tag near {raw[raw.index('<') :][:30]!r}")
        children.append(Text(html.unescape(raw)))


# Anything _normalise would change in a text run: control characters (removed), ASCII white space
# other than a single space, and runs of spaces (collapsed); or refuse: lone surrogates.
_NOT_NORMAL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]|  ")


def _is_normal(nodes: list[Inline] | tuple[Inline, ...]) -> bool:
    """Whether ``nodes`` are well-formed and already as :func:`_normalise` would leave them.

    True only for known node types (exactly), text runs that are non-empty ``str`` with nothing to
    clean or collapse, no two text runs side by side, and no space at either end of the whole.
    It allocates nothing, so nodes built right (by a reader, say) cost one walk instead of a
    check, a rebuild and a comparison. Anything else gets False and takes the full path, which
    names what is wrong.
    """
    if not _runs_normal(nodes):
        return False
    if nodes:  # the text runs are non-empty strings here
        first, last = nodes[0], nodes[-1]
        if type(first) is Text and first.text[0] == " ":
            return False
        if type(last) is Text and last.text[-1] == " ":
            return False
    return True


def _runs_normal(nodes: list[Inline] | tuple[Inline, ...]) -> bool:
    """:func:`_is_normal` without the check of the ends (a space just inside a span is real)."""
    after_text = False
    for node in nodes:
        cls = type(node)
        if cls is Text:
            text = node.text  # type: ignore[union-attr]
            if after_text or type(text) is not str or not text:
                return False
            if not (text.isprintable() and "  " not in text) and _NOT_NORMAL.search(text) is not None:
                return False
            after_text = True
        elif cls is Span or cls is Link:
            children = node.children  # type: ignore[union-attr]
            if len(children) == 1 and type(only := children[0]) is Text:  # the usual: just words
                text = only.text
                if type(text) is not str or not text:
                    return False
                if not (text.isprintable() and "  " not in text) and _NOT_NORMAL.search(text) is not None:
                    return False
            elif not _runs_normal(children):
                return False
            after_text = False
        elif cls is LineBreak:
            after_text = False
        else:
            return False
    return True


def _normalise(nodes: list[Inline] | tuple[Inline, ...], *, top: bool = True) -> tuple[Inline, ...]:
    """Merge neighbouring text runs and collapse white space, as HTML rendering would.

    Only the outermost run is trimmed at its ends: a space just inside ``<em>`` is a real space.
    """
    # Nodes that come out unchanged are kept as they are: rebuilding them would validate every
    # link again (readers build nodes, then InlineText normalises them).
    out: list[Inline] = []
    for node in nodes:
        if isinstance(node, Text):
            text = _collapse(_clean(node.text))
            if out and isinstance(out[-1], Text):
                text = _collapse(out.pop().text + text)  # type: ignore[union-attr]
            if text:
                out.append(node if text is node.text else Text(text))
        elif isinstance(node, Span):
            children = _normalise(node.children, top=False)
            out.append(node if children == node.children else Span(kind=node.kind, children=children))
        elif isinstance(node, Link):
            children = _normalise(node.children, top=False)
            out.append(node if children == node.children else Link(href=node.href, children=children, title=node.title))
        else:
            out.append(node)
    if top and out and isinstance(out[0], Text):
        text = out[0].text.lstrip(" ")
        if not text:
            out.pop(0)
        elif text != out[0].text:
            out[0] = Text(text)
    if top and out and isinstance(out[-1], Text):
        text = out[-1].text.rstrip(" ")
        if not text:
            out.pop()
        elif text != out[-1].text:
            out[-1] = Text(text)
    return tuple(out)


_MAX_DEPTH_RULE: Final = "inline markup is nested too deeply to read (thousands of levels)"


def _to_nodes(value: object) -> tuple[Inline, ...]:
    try:
        if isinstance(value, str):
            return _parse(value)
        if isinstance(value, (tuple, list)):
            if _is_normal(value):  # the common case: nothing to fix, keep the nodes as they are
                return value if type(value) is tuple else tuple(value)
            _check_nodes(value)
            return _normalise(value)
    except RecursionError:  # the checks walk nested nodes recursively
        raise ValidationError("", _MAX_DEPTH_RULE) from None
    raise ValidationError("", f"inline text must be a string or nodes, not {type(value).__name__}")


def _check_nodes(nodes: Iterable[object]) -> None:
    """Nodes built by hand are checked all the way down (parsed ones are right by construction)."""
    for node in nodes:
        if isinstance(node, Text):
            if not isinstance(node.text, str):
                raise ValidationError("", f"a Text node holds text, not {type(node.text).__name__}")
        elif isinstance(node, (Span, Link)):
            _check_nodes(node.children)
        elif not isinstance(node, LineBreak):
            raise ValidationError("", f"inline node must be Text, Span, Link or LineBreak, not {type(node).__name__}")


@attrs.frozen(kw_only=False)
class InlineText:
    """Checked running text: plain characters with a few kinds of inline markup.

    Build it from markup (``InlineText.parse('Hi <em>there</em>')``), from plain text that is
    never interpreted as markup (``InlineText.plain('a < b & c')``), or from nodes.
    """

    nodes: tuple[Inline, ...] = attrs.field(converter=_to_nodes)

    @classmethod
    def parse(cls, markup: str) -> InlineText:
        """Parse the inline HTML subset; raises :class:`ValidationError` naming the problem."""
        return cls(markup)

    @classmethod
    def plain(cls, text: str) -> InlineText:
        """Wrap text that must be kept literally (``<`` and ``&`` stay characters)."""
        text = _WS.sub(" ", _clean(text)).strip(" ")
        return cls((Text(text),) if text else ())

    def plain_text(self) -> str:
        """The text without any markup; line breaks become newlines."""
        return "".join(_plain(self.nodes))

    def markup(self) -> str:
        """The canonical markup for these nodes; ``InlineText(x.markup()) == x``."""
        nodes = self.nodes
        if len(nodes) == 1 and type(nodes[0]) is Text:
            text = nodes[0].text
            if "&" in text or "<" in text or ">" in text:
                return html.escape(text, quote=False)
            return text
        return "".join(_markup(nodes))

    def links(self) -> Iterator[Link]:
        """Every link, depth first, in reading order."""
        yield from _links(self.nodes)

    def __bool__(self) -> bool:
        return bool(self.nodes)

    def __str__(self) -> str:
        return self.plain_text()


def _plain(nodes: tuple[Inline, ...]) -> Iterator[str]:
    for node in nodes:
        if isinstance(node, Text):
            yield node.text
        elif isinstance(node, LineBreak):
            yield "\n"
        else:
            yield from _plain(node.children)


def _markup(nodes: tuple[Inline, ...]) -> Iterator[str]:
    for node in nodes:
        if isinstance(node, Text):
            yield html.escape(node.text, quote=False)
        elif isinstance(node, LineBreak):
            yield "<br>"
        elif isinstance(node, Span):
            yield f"<{node.kind}>"
            yield from _markup(node.children)
            yield f"</{node.kind}>"
        else:
            title = f' title="{html.escape(node.title)}"' if node.title else ""
            yield f'<a href="{html.escape(node.href)}"{title}>'
            yield from _markup(node.children)
            yield "</a>"


def _links(nodes: tuple[Inline, ...]) -> Iterator[Link]:
    for node in nodes:
        if isinstance(node, Link):
            yield node
            yield from _links(node.children)
        elif isinstance(node, Span):
            yield from _links(node.children)


def to_inline(value: object) -> InlineText:
    """Attrs converter: accept an :class:`InlineText`, markup, or nodes."""
    if isinstance(value, InlineText):
        return value
    if isinstance(value, str) and is_plain(value):
        # The common case (a plain paragraph) needs no parsing: skip the converter's dispatch.
        return _PLAIN_INLINE(value)
    return InlineText(value)


def plain_inline(text: str) -> InlineText:
    """Wrap text already known to be plain (see :func:`is_plain`), skipping the converters."""
    nodes: tuple[Inline, ...] = ()
    if text:
        node = object.__new__(Text)
        object.__setattr__(node, "text", text)
        nodes = (node,)
    inline = object.__new__(InlineText)
    object.__setattr__(inline, "nodes", nodes)
    return inline


_PLAIN_INLINE = plain_inline


def to_optional_inline(value: object) -> InlineText | None:
    """Attrs converter for optional inline text: ``None`` and empty strings stay ``None``."""
    if value is None or value == "":
        return None
    return to_inline(value)
