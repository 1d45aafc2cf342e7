"""Inline markup nested thousands of levels deep is a ValidationError, never a RecursionError."""

from __future__ import annotations

import pytest

import newsroom


DEEP = 5000


def test_deep_markup_is_refused_by_name() -> None:
    markup = "<em>" * DEEP + "x" + "</em>" * DEEP
    with pytest.raises(newsroom.ValidationError, match=r"^text: inline markup is nested too deeply"):
        newsroom.Paragraph(text=markup)


def test_deep_nodes_are_refused_by_name() -> None:
    node: newsroom.Inline = newsroom.Text("x")
    for _ in range(DEEP):
        node = newsroom.Span(kind="em", children=(node,))
    with pytest.raises(newsroom.ValidationError, match="nested too deeply"):
        newsroom.InlineText((node,))


def test_markup_nested_a_little_is_read() -> None:
    markup = "<em>" * 50 + "x" + "</em>" * 50
    text = newsroom.InlineText.parse(markup)
    depth, node = 0, text.nodes[0]
    while isinstance(node, newsroom.Span):
        depth, node = depth + 1, node.children[0]
    assert (depth, node) == (50, newsroom.Text("x"))
