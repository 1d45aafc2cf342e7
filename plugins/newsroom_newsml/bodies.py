"""The story body in the item's ``contentSet``: XHTML (always) and NITF 3.6 (on request).

XHTML is the lossless rendition: one ``html`` root in the XHTML namespace, the headline as
``title`` and ``h1``, then one element per body block, then the attribution lines the story
owes as ``<p class="attribution">Source: <a href=...>...</a></p>``. Each block type has one
shape, which the reader maps back:

==============  ==================================================================================
block           XHTML
==============  ==================================================================================
Paragraph       ``<p>``
Heading         ``<h2>`` to ``<h6>``
BlockQuote      ``<blockquote cite=URL><p>...</p><footer>cite</footer></blockquote>``
PullQuote       ``<aside class="pullquote"><p>...</p><footer>attribution</footer></aside>``
ListBlock       ``<ol>``/``<ul>`` with ``<li>``
Image           ``<figure><img src alt width height/><figcaption>caption <small class="credit">``
Embed           ``<figure class="embed" data-media=... data-provider=...><a href=URL class=title>``
                ``<figcaption>description</figcaption></figure>``
==============  ==================================================================================

NITF is the agencies' classic body: ``hedline``, ``byline``, ``dateline``, ``abstract`` in
``body.head``, blocks in ``body.content`` (``p hl2 bq ol ul media``), the attribution lines as a
``tagline`` in ``body.end``. The reader takes NITF when an item has no XHTML rendition, as IPTC's
own examples do.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from copy import deepcopy
from typing import Any, Final

from lxml import etree

import newsroom
from newsroom_newsml.markup import E_NITF, E_XHTML, Child, nitf_inline, read_inline, xhtml_inline
from newsroom_newsml.vocabulary import XHTML, XML


__all__ = ["nitf_document", "read_nitf", "read_xhtml", "xhtml_document"]

_EMBED_MEDIA: Final = ("link", "video", "audio", "post")


# --------------------------------------------------------------------------- XHTML out


def _x_paragraph(block: newsroom.Paragraph) -> etree._Element:
    return E_XHTML.p(*xhtml_inline(block.text))


def _x_heading(block: newsroom.Heading) -> etree._Element:
    return getattr(E_XHTML, f"h{block.level}")(*xhtml_inline(block.text))  # type: ignore[no-any-return]


def _x_blockquote(block: newsroom.BlockQuote) -> etree._Element:
    content: list[Child] = [E_XHTML.p(*xhtml_inline(p)) for p in block.paragraphs]
    if block.cite:
        content.append(E_XHTML.footer(block.cite))
    if block.cite_url:
        return E_XHTML.blockquote(*content, cite=block.cite_url)
    return E_XHTML.blockquote(*content)


def _x_pullquote(block: newsroom.PullQuote) -> etree._Element:
    content: list[Child] = [E_XHTML.p(*xhtml_inline(block.text))]
    if block.attribution:
        content.append(E_XHTML.footer(block.attribution))
    return E_XHTML.aside(*content, {"class": "pullquote"})


def _x_list(block: newsroom.ListBlock) -> etree._Element:
    items = [E_XHTML.li(*xhtml_inline(item)) for item in block.items]
    return E_XHTML.ol(*items) if block.ordered else E_XHTML.ul(*items)


def _x_image(block: newsroom.Image) -> etree._Element:
    attrs = {"src": block.src, "alt": block.alt}
    if block.width is not None:
        attrs["width"] = str(block.width)
    if block.height is not None:
        attrs["height"] = str(block.height)
    content: list[Child] = [E_XHTML.img(attrs)]
    caption: list[Child] = xhtml_inline(block.caption) if block.caption else []
    if block.credit:
        caption.extend((" ", E_XHTML.small(block.credit, {"class": "credit"})))
    if caption:
        content.append(E_XHTML.figcaption(*caption))
    return E_XHTML.figure(*content)


def _x_embed(block: newsroom.Embed) -> etree._Element:
    attrs = {"class": "embed", "data-media": block.media}
    if block.provider:
        attrs["data-provider"] = block.provider
    # The link's class says whether its text is the title or the URL shown for want of one.
    if block.title:
        link = E_XHTML.a(block.title, {"href": block.url, "class": "title"})
    else:
        link = E_XHTML.a(block.url, {"href": block.url, "class": "url"})
    content: list[Child] = [link]
    if block.description:
        content.append(E_XHTML.figcaption(block.description))
    return E_XHTML.figure(*content, attrs)


_XHTML_BLOCKS: Final[dict[str, Callable[[Any], etree._Element]]] = {
    "paragraph": _x_paragraph,
    "heading": _x_heading,
    "blockquote": _x_blockquote,
    "pullquote": _x_pullquote,
    "list": _x_list,
    "image": _x_image,
    "embed": _x_embed,
}


def xhtml_document(article: newsroom.Article, attribution: Iterable[newsroom.AttributionLine]) -> etree._Element:
    """The body as one XHTML ``html`` element: headline, blocks, then the owed attribution lines."""
    blocks: list[Child] = [E_XHTML.h1(article.headline)]
    blocks.extend(_XHTML_BLOCKS[block.kind](block) for block in article.body)
    blocks.extend(
        E_XHTML.p(f"{line.label}: ", E_XHTML.a(line.credit, href=line.url), {"class": "attribution"})
        for line in attribution
    )
    return E_XHTML.html(
        E_XHTML.head(E_XHTML.title(article.headline)), E_XHTML.body(*blocks), {f"{{{XML}}}lang": article.language}
    )


# --------------------------------------------------------------------------- NITF out


def _n_paragraph(block: newsroom.Paragraph) -> etree._Element:
    return E_NITF.p(*nitf_inline(block.text))


def _n_heading(block: newsroom.Heading) -> etree._Element:
    if block.level == 2:  # noqa: PLR2004 - NITF's hl2 is the first level below the headline
        return E_NITF.hl2(*nitf_inline(block.text))
    return E_NITF.hl2(*nitf_inline(block.text), {"class": f"h{block.level}"})


def _n_blockquote(block: newsroom.BlockQuote) -> etree._Element:
    content: list[Child] = [E_NITF.block(*(E_NITF.p(*nitf_inline(p)) for p in block.paragraphs))]
    if block.cite and block.cite_url:
        content.append(E_NITF.credit(E_NITF.a(block.cite, href=block.cite_url)))
    elif block.cite_url:  # the URL as a link, so it reads back as the URL, not as a name
        content.append(E_NITF.credit(E_NITF.a(block.cite_url, href=block.cite_url)))
    elif block.cite:
        content.append(E_NITF.credit(block.cite))
    return E_NITF.bq(*content)


def _n_pullquote(block: newsroom.PullQuote) -> etree._Element:
    content: list[Child] = [E_NITF.block(E_NITF.p(*nitf_inline(block.text)))]
    if block.attribution:
        content.append(E_NITF.credit(block.attribution))
    return E_NITF.bq(*content, {"class": "pullquote"})


def _n_list(block: newsroom.ListBlock) -> etree._Element:
    items = [E_NITF.li(*nitf_inline(item)) for item in block.items]
    return E_NITF.ol(*items) if block.ordered else E_NITF.ul(*items)


def _n_image(block: newsroom.Image) -> etree._Element:
    ref = {"source": block.src, "alternate-text": block.alt}
    if block.width is not None:
        ref["width"] = str(block.width)
    if block.height is not None:
        ref["height"] = str(block.height)
    content: list[Child] = [E_NITF("media-reference", ref)]
    if block.caption:
        content.append(E_NITF("media-caption", *nitf_inline(block.caption)))
    if block.credit:
        content.append(E_NITF("media-producer", block.credit))
    return E_NITF.media(*content, {"media-type": "image"})


def _n_embed(block: newsroom.Embed) -> etree._Element:
    ref = {"source": block.url}
    if block.title:
        ref["name"] = block.title
    content: list[Child] = [E_NITF("media-reference", ref)]
    if block.description:
        content.append(E_NITF("media-caption", block.description))
    if block.provider:
        content.append(E_NITF("media-producer", block.provider))
    return E_NITF.media(*content, {"media-type": block.media, "class": "embed"})


_NITF_BLOCKS: Final[dict[str, Callable[[Any], etree._Element]]] = {
    "paragraph": _n_paragraph,
    "heading": _n_heading,
    "blockquote": _n_blockquote,
    "pullquote": _n_pullquote,
    "list": _n_list,
    "image": _n_image,
    "embed": _n_embed,
}


def nitf_document(
    article: newsroom.Article, attribution: Iterable[newsroom.AttributionLine], dateline: str | None
) -> etree._Element:
    """The body as an NITF 3.6 ``nitf`` element (valid against ``nitf-3-6.xsd``)."""
    hedline: list[Child] = [E_NITF.hl1(article.headline)]
    if article.deck:
        hedline.append(E_NITF.hl2(article.deck))
    head: list[Child] = [E_NITF.hedline(*hedline)]
    byline = article.byline()
    if byline:
        head.append(E_NITF.byline(byline))
    if dateline:
        head.append(E_NITF.dateline(dateline))
    if article.summary:
        head.append(E_NITF.abstract(E_NITF.p(article.summary)))
    body: list[Child] = [
        E_NITF("body.head", *head),
        E_NITF("body.content", *(_NITF_BLOCKS[block.kind](block) for block in article.body)),
    ]
    lines = list(attribution)
    if lines:
        tagline: list[Child] = []
        for i, line in enumerate(lines):
            tagline.extend((("; " if i else "") + f"{line.label}: ", E_NITF.a(line.credit, href=line.url)))
        body.append(E_NITF("body.end", E_NITF.tagline(*tagline)))
    return E_NITF.nitf(E_NITF.head(E_NITF.title(article.headline)), E_NITF.body(*body))


# --------------------------------------------------------------------------- reading


def _local(el: etree._Element) -> str:
    tag = el.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _first(elements: Iterable[etree._Element], name: str) -> etree._Element | None:
    """The first of ``elements`` whose local name is ``name``, in any namespace or none."""
    return next((el for el in elements if _local(el) == name), None)


def _classes(el: etree._Element) -> set[str]:
    return set((el.get("class") or "").split())


def _inline(el: etree._Element, skip: Callable[[etree._Element], bool] | None = None) -> newsroom.InlineText:
    return newsroom.InlineText(read_inline(el, skip=skip))


def _text(el: etree._Element | None) -> str | None:
    if el is None:
        return None
    # HTML collapses ASCII white space only: a no-break or Ogham space mark is a character.
    return _ASCII_WS.sub(" ", "".join(el.itertext())).strip(" ") or None


_ASCII_WS: Final = re.compile(r"[ \t\n\r\f]+")


def _http(value: str | None) -> str | None:
    value = (value or "").strip()
    return value if value.lower().startswith(("http://", "https://")) else None


def _int(value: str | None) -> int | None:
    try:
        number = int(value or "")
    except ValueError:
        return None
    return number if number > 0 else None


def _paragraph(el: etree._Element) -> Iterator[newsroom.Block]:
    text = _inline(el)
    if text:
        yield newsroom.Paragraph(text=text)


_X_P: Final = f"{{{XHTML}}}p"
_X_BODY: Final = f"{{{XHTML}}}body"


def read_xhtml(html: etree._Element) -> list[newsroom.Block]:
    """The body blocks of an XHTML rendition (the ``html`` element, or any container of blocks)."""
    body = next(html.iterchildren(_X_BODY), None)
    return list(_xhtml_blocks(body if body is not None else html))


# Elements that are running text, not blocks: inside a container they join the words around
# them into one paragraph ("<div>The mayor said <a>the plan</a> would change.</div>").
_X_INLINE: Final = frozenset(
    {
        "a",
        "abbr",
        "b",
        "bdi",
        "bdo",
        "br",
        "cite",
        "code",
        "data",
        "del",
        "dfn",
        "em",
        "font",
        "i",
        "ins",
        "kbd",
        "mark",
        "q",
        "s",
        "samp",
        "small",
        "span",
        "strong",
        "sub",
        "sup",
        "time",
        "tt",
        "u",
        "var",
        "wbr",
    }
)
# What makes an element a block (or holds one): an inline element around any of these, as in
# <a href><img/></a> or <font><p>...</p></font>, is read as a container of blocks.
_X_BLOCKISH: Final = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "div",
        "dl",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "img",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "ul",
    }
)


def _xhtml_blocks(container: etree._Element) -> Iterator[newsroom.Block]:
    """The blocks of ``container``, as a browser lays them out.

    Text and inline elements between blocks (the container's own text, a tail after a block)
    form a paragraph of their own, as HTML's anonymous block boxes do, so no words are lost.
    """
    inline_text, paragraph = newsroom.InlineText, newsroom.Paragraph
    lead = container.text
    run: list[str | etree._Element] | None = [lead] if lead and not lead.isspace() else None
    for el in container:
        if el.tag == _X_P:  # the common case first, without the general dispatch
            if run is not None:
                yield from _run_paragraph(run)
                run = None
            if el.get("class") != "attribution":
                text = inline_text(read_inline(el))
                if text.nodes:
                    yield paragraph(text=text)
        else:
            name = _local(el)
            if not name:
                pass  # a comment or processing instruction: no text, no break (its tail counts)
            elif name in _X_INLINE and not _holds_blocks(el):
                if run is not None:
                    run.append(el)
                elif name not in {"br", "wbr"}:  # a line break opens no paragraph
                    run = [el]
            elif name in _X_INLINE:  # around blocks: split, as a browser splits an inline box
                for piece, is_block in _pieces(el):
                    if not is_block:
                        run = [piece] if run is None else [*run, piece]
                        continue
                    if run is not None:
                        yield from _run_paragraph(run)
                        run = None
                    yield from _xhtml_block(piece, _local(piece))
            else:
                if run is not None:
                    yield from _run_paragraph(run)
                    run = None
                yield from _xhtml_block(el, name)
        tail = el.tail
        if tail is not None and (run is not None or not tail.isspace()):
            if run is None:
                run = [tail]
            else:
                run.append(tail)
    if run is not None:
        yield from _run_paragraph(run)


def _pieces(el: etree._Element) -> Iterator[tuple[etree._Element, bool]]:
    """The inline element ``el``, which holds blocks, split around them: ``(piece, is_block)``.

    ``<span>A <p>B</p> C</span>`` gives a ``span`` holding "A ", the ``p``, and a ``span``
    holding " C": the words on each side stay in their own paragraph, with ``el``'s markup (an
    ``em`` stays emphasis), and join the text around ``el`` (a browser lays out "x <span>A <p>B</p>
    C</span> y" as "x A", "B", "C y"). Inline children that hold blocks are split the same way.
    """

    def fresh(text: str | None) -> etree._Element:
        piece = etree.Element(el.tag, dict(el.attrib))
        piece.text = text
        return piece

    def add_text(piece: etree._Element, text: str | None) -> None:
        if not text:
            return
        if len(piece):
            piece[-1].tail = (piece[-1].tail or "") + text
        else:
            piece.text = (piece.text or "") + text

    piece = fresh(el.text)
    for child in el:
        name = _local(child)
        if not name:  # a comment or processing instruction: only its tail is text
            pass
        elif name in _X_INLINE and not _holds_blocks(child):
            copy = deepcopy(child)
            copy.tail = None
            piece.append(copy)
        elif name in _X_INLINE:
            for inner, is_block in _pieces(child):
                if is_block:
                    yield piece, False
                    yield inner, True
                    piece = fresh(None)
                else:
                    piece.append(inner)
        else:
            yield piece, False
            yield child, True
            piece = fresh(None)
        add_text(piece, child.tail)
    yield piece, False


def _holds_blocks(el: etree._Element) -> bool:
    """Whether the inline element ``el`` wraps a block or an image (then it is read as a container)."""
    return len(el) > 0 and any(_local(d) in _X_BLOCKISH for d in el.iterdescendants())


def _run_paragraph(run: list[str | etree._Element]) -> Iterator[newsroom.Block]:
    """The paragraph of a run of loose text and inline elements (their tails are in the run)."""
    holder = etree.Element(_X_P)
    last: etree._Element | None = None
    for part in run:
        if isinstance(part, str):
            if last is None:
                holder.text = (holder.text or "") + part
            else:
                last.tail = (last.tail or "") + part
        else:
            last = deepcopy(part)
            last.tail = None
            holder.append(last)
    if "".join(holder.itertext()).strip():  # an empty <b></b> or <a href></a> is no paragraph
        yield from _paragraph(holder)


def _xhtml_block(el: etree._Element, name: str) -> Iterator[newsroom.Block]:
    """The blocks of one block-level element ``el`` (local name ``name``)."""
    classes = _classes(el)
    if name == "p":
        if "attribution" not in classes:
            yield from _paragraph(el)
    elif name in {"h2", "h3", "h4", "h5", "h6"}:
        text = _inline(el)
        if text:
            yield newsroom.Heading(text=text, level=int(name[1]))
    elif name == "blockquote":
        yield from _x_read_quote(el)
    elif name == "aside" and "pullquote" in classes:
        yield from _x_read_pullquote(el)
    elif name in {"ol", "ul"}:
        items = [t for li in el if _local(li) == "li" and (t := _inline(li))]
        if items:
            yield newsroom.ListBlock(items=items, ordered=name == "ol")
    elif name == "figure":
        yield from _x_read_figure(el, classes)
    elif name == "img":
        yield from _image(
            el.get("src"),
            alt=el.get("alt"),
            caption=None,
            credit=None,
            width=el.get("width"),
            height=el.get("height"),
        )
    elif name in {"", "h1", "head", "title", "script", "style"}:
        return  # comments; the headline is metadata; scripts and styles are never content
    elif len(el):
        yield from _xhtml_blocks(el)  # div, section, article, main...: their blocks
    else:
        yield from _paragraph(el)


def _x_read_quote(el: etree._Element) -> Iterator[newsroom.Block]:
    paragraphs = [t for p in el if _local(p) == "p" and (t := _inline(p))]
    if not paragraphs:
        text = _inline(el, skip=lambda c: _local(c) == "footer")
        paragraphs = [text] if text else []
    if paragraphs:
        footer = next((c for c in el if _local(c) == "footer"), None)
        yield newsroom.BlockQuote(paragraphs=paragraphs, cite=_text(footer), cite_url=_http(el.get("cite")))


def _x_read_pullquote(el: etree._Element) -> Iterator[newsroom.Block]:
    p = next((c for c in el if _local(c) == "p"), None)
    text = _inline(p) if p is not None else _inline(el, skip=lambda c: _local(c) == "footer")
    if text:
        footer = next((c for c in el if _local(c) == "footer"), None)
        yield newsroom.PullQuote(text=text, attribution=_text(footer))


def _x_read_figure(el: etree._Element, classes: set[str]) -> Iterator[newsroom.Block]:
    caption = next((c for c in el if _local(c) == "figcaption"), None)
    if "embed" in classes:
        link = next((c for c in el if _local(c) == "a"), None)
        url = _http(link.get("href") if link is not None else None)
        if url is None:
            return
        title = _text(link)
        marked = link.get("class") if link is not None else None
        if marked == "url" or (marked is None and title == url):
            title = None  # the URL shown in place of a title (unmarked in files from newsroom 0.1)
        media = el.get("data-media")
        yield newsroom.Embed(
            url=url,
            title=title,
            description=_text(caption),
            provider=el.get("data-provider"),
            media=media if media in _EMBED_MEDIA else "link",
        )
        return
    img = next((c for c in el.iter(f"{{{XHTML}}}img")), None)
    if img is None:
        yield from _xhtml_blocks(el)
        return
    credit_el = None
    text = None
    if caption is not None:
        credit_el = next((c for c in caption if _local(c) == "small" and "credit" in _classes(c)), None)
        text = _inline(caption, skip=lambda c: c is credit_el) or None
    yield from _image(
        img.get("src"),
        alt=img.get("alt"),
        caption=text,
        credit=_text(credit_el),
        width=img.get("width"),
        height=img.get("height"),
    )


def _image(
    src: str | None,
    *,
    alt: str | None,
    caption: newsroom.InlineText | None,
    credit: str | None,
    width: str | None,
    height: str | None,
) -> Iterator[newsroom.Block]:
    url = _http(src)
    if url is None:
        # A relative source ("photo.jpg", common in NITF) points into a package this reader
        # does not have: no output could show it, so the image is left out, not the story.
        return
    yield newsroom.Image(src=url, alt=alt or "", caption=caption, credit=credit, width=_int(width), height=_int(height))


def read_nitf(nitf: etree._Element) -> list[newsroom.Block]:
    """The body blocks of an NITF document's ``body.content`` (all of them, in order)."""
    blocks: list[newsroom.Block] = []
    for content in nitf.iter():  # by local name: NITF is sometimes written without its namespace
        if _local(content) == "body.content":
            blocks.extend(_nitf_blocks(content))
    return blocks


def _nitf_blocks(container: etree._Element) -> Iterator[newsroom.Block]:
    for el in container:
        name = _local(el)
        if name == "p":
            yield from _paragraph(el)
        elif name == "hl2":
            text = _inline(el)
            if text:
                level = el.get("class", "")
                yield newsroom.Heading(text=text, level=int(level[1]) if level in {"h3", "h4", "h5", "h6"} else 2)
        elif name == "bq":
            yield from _n_read_quote(el)
        elif name in {"ol", "ul"}:
            items = [t for li in el if _local(li) == "li" and (t := _inline(li))]
            if items:
                yield newsroom.ListBlock(items=items, ordered=name == "ol")
        elif name == "media":
            yield from _n_read_media(el)
        elif name in {"block", "fn", "note"}:
            yield from _nitf_blocks(el)
        elif name in {"hr", "table", "nitf-table", "dl", "pre"}:
            yield from _paragraph(el) if name == "pre" else ()
        elif name:
            yield from _paragraph(el)


def _n_read_quote(el: etree._Element) -> Iterator[newsroom.Block]:
    # By local name, as everywhere in NITF: it is sometimes written without its namespace.
    paragraphs = [t for p in el.iter() if _local(p) == "p" and (t := _inline(p))]
    credit = next((c for c in el if _local(c) == "credit"), None)
    cite = _text(credit)
    if "pullquote" in _classes(el):
        if paragraphs:
            yield newsroom.PullQuote(text=paragraphs[0], attribution=cite)
        return
    if paragraphs:
        link = _first(credit.iter(), "a") if credit is not None else None
        url = _http(link.get("href")) if link is not None else None
        if cite is not None and cite == url:
            cite = None
        yield newsroom.BlockQuote(paragraphs=paragraphs, cite=cite, cite_url=url)


def _n_read_media(el: etree._Element) -> Iterator[newsroom.Block]:
    ref = _first(el, "media-reference")
    if ref is None:
        return
    caption = _first(el, "media-caption")
    producer = _text(_first(el, "media-producer"))
    kind = el.get("media-type", "")
    if kind == "image" and "embed" not in _classes(el):
        yield from _image(
            ref.get("source"),
            alt=ref.get("alternate-text"),
            caption=(_inline(caption) or None) if caption is not None else None,
            credit=producer,
            width=ref.get("width"),
            height=ref.get("height"),
        )
        return
    url = _http(ref.get("source"))
    if url is not None:
        yield newsroom.Embed(
            url=url,
            title=ref.get("name") or None,
            description=_text(caption),
            provider=producer,
            media=kind if kind in _EMBED_MEDIA else "link",
        )
