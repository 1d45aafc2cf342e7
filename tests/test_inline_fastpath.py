"""InlineText built from nodes: the no-rebuild path for nodes that are already normal.

Nodes that need nothing merged, cleaned, collapsed or trimmed are kept as they are (a reader
builds them that way); anything else goes the full way. Both must give the same text, and the
short cut must never let through what the full way refuses or changes.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsroom import InlineText, LineBreak, Link, Paragraph, Span, Text, ValidationError
from newsroom.articles import plain_paragraph
from newsroom.inline import SPAN_KINDS


# Text runs mixing what normalising must fix (control characters, tabs, newlines, runs of
# spaces, spaces at the ends) with what it must keep (no-break and thin spaces, accents).
RUN_PIECES = ["a", "b c", " ", "  ", "\t", "\n", "\r\n", "\f", "\x0b", "\x00", "\x85", "\x9f", "\xa0", "\u2009", "é"]
runs = st.lists(st.sampled_from(RUN_PIECES), max_size=4).map("".join)


def trees(depth: int = 2) -> st.SearchStrategy[list[Any]]:
    leaf = st.one_of(runs.map(Text), st.just(LineBreak()))
    if depth == 0:
        return st.lists(leaf, max_size=4)
    inner = trees(depth - 1)
    span = st.builds(lambda kind, children: Span(kind=kind, children=children), st.sampled_from(SPAN_KINDS), inner)
    link = st.builds(lambda children: Link(href="https://example.com/a", children=children), inner)
    return st.lists(st.one_of(leaf, span, link), max_size=5)


def forced_full_way(nodes: list[Any]) -> InlineText:
    """The same nodes, plus an empty run: never normal, so they take the full normalising path."""
    return InlineText([*nodes, Text("")])


@settings(max_examples=300)
@given(trees())
def test_both_ways_give_the_same_text(nodes: list[Any]) -> None:
    assert InlineText(nodes) == forced_full_way(nodes)
    assert InlineText(tuple(nodes)) == forced_full_way(nodes)


@settings(max_examples=200)
@given(trees())
def test_the_result_is_normal(nodes: list[Any]) -> None:
    """Whatever the way, the result is a fixed point: no run to merge, clean, collapse or trim."""
    result = InlineText(nodes).nodes
    assert InlineText(result).nodes == result

    def check(level: tuple[Any, ...]) -> None:
        for before, after in itertools.pairwise(level):
            assert not (isinstance(before, Text) and isinstance(after, Text)), level
        for node in level:
            if isinstance(node, Text):
                assert node.text
                assert not any(c in node.text for c in "\t\n\r\f\x0b\x00\x85\x9f")
                assert "  " not in node.text
            elif isinstance(node, (Span, Link)):
                check(node.children)

    check(result)
    if result and isinstance(result[0], Text):
        assert not result[0].text.startswith(" ")
    if result and isinstance(result[-1], Text):
        assert not result[-1].text.endswith(" ")


def test_normal_nodes_are_kept_as_they_are() -> None:
    link = Link(href="https://example.com/a", children=(Text("talks"),))
    nodes = (Text("Both leaders "), Span(kind="em", children=(Text("said"),)), Text(" the "), link, Text(" went well."))
    assert InlineText(nodes).nodes is nodes
    assert InlineText(list(nodes)).nodes == nodes


@pytest.mark.parametrize(
    ("nodes", "expected"),
    [
        ([Text("a"), Text("b")], (Text("ab"),)),
        ([Text(" a")], (Text("a"),)),
        ([Text("a ")], (Text("a"),)),
        ([Text("a  b")], (Text("a b"),)),
        ([Text("a\nb")], (Text("a b"),)),
        ([Text("a\x0bb")], (Text("ab"),)),
        ([Text("a\x85b")], (Text("ab"),)),
        ([Text("")], ()),
        ([Span(kind="em", children=(Text("a"), Text("b")))], (Span(kind="em", children=(Text("ab"),)),)),
        ([Span(kind="em", children=(Text("a\tb"),))], (Span(kind="em", children=(Text("a b"),)),)),
        # A space just inside a span is a real space, and is kept.
        ([Text("a"), Span(kind="em", children=(Text(" b "),))], (Text("a"), Span(kind="em", children=(Text(" b "),)))),
        ([Text("a\xa0b")], (Text("a\xa0b"),)),
    ],
)
def test_what_needs_fixing_is_fixed(nodes: list[Any], expected: tuple[Any, ...]) -> None:
    assert InlineText(nodes).nodes == expected


@pytest.mark.parametrize(
    "nodes",
    [
        [Text(3)],  # type: ignore[arg-type]
        ["plain text"],
        [Span(kind="em", children=(Text("a"), 3))],  # type: ignore[arg-type]
        [Link(href="https://example.com/", children=(Span(kind="em", children=("a",)),))],  # type: ignore[arg-type]
    ],
)
def test_bad_nodes_are_refused_whatever_their_neighbours(nodes: list[Any]) -> None:
    with pytest.raises(ValidationError):
        InlineText(nodes)


PARAGRAPH_PIECES = [*RUN_PIECES, "<em>x</em>", "&amp;", "<", "&", "a < b", "<a href='javascript:x'>y</a>"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(PARAGRAPH_PIECES), max_size=5).map("".join) | st.text(max_size=30))
def test_plain_paragraph_is_the_constructor(text: str) -> None:
    # The short cut for plain paragraphs must build what Paragraph(text=...) builds, and refuse
    # what it refuses, with the same message.
    refused: str | None = None
    try:
        expected = Paragraph(text=text)
    except ValidationError as exc:
        refused = str(exc)
    if refused is not None:
        with pytest.raises(ValidationError) as info:
            plain_paragraph(text)
        assert str(info.value) == refused
        return
    got = plain_paragraph(text)
    assert got == expected
    assert type(got.text.nodes) is tuple
    assert [type(n) for n in got.text.nodes] == [type(n) for n in expected.text.nodes]
