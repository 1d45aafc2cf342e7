"""Review fixes for the JSON readers: input nested deeper than Python recurses is a bad line, not a crash."""

from __future__ import annotations

import io
import json
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import newsroom
from newsroom import Article, ReadError
from newsroom.testing import plugin_host, sample_article


HOST = plugin_host()  # module level: hypothesis tests must not use function-scoped fixtures
DEEP = sys.getrecursionlimit() * 5  # far beyond both orjson's 1,023 levels and Python's recursion
TOO_DEEP = "nested too deeply"


def good_line() -> bytes:
    return newsroom.dumps(sample_article(), indent=None).encode("utf-8")


def deep_markup_line() -> bytes:
    """Valid JSON whose first paragraph nests inline markup deeper than Python recurses."""
    data = newsroom.to_dict(sample_article())
    data["body"][0]["text"] = "<em>" * DEEP + "x" + "</em>" * DEEP
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def read(reader: str, data: bytes, source: str = "in.jsonl") -> list[Article | ReadError]:
    return list(HOST.reader(reader).read(io.BytesIO(data), source=source))


@pytest.mark.parametrize("opener", [b"[", b'{"a":'])
def test_jsonl_deep_line_is_a_read_error_and_reading_goes_on(opener: bytes) -> None:
    good = good_line()
    data = good + b"\n" + opener * DEEP + b"\n\n" + good + b"\n"
    items = read("jsonl", data)
    assert [type(item) for item in items] == [Article, ReadError, Article]
    error = items[1]
    assert isinstance(error, ReadError)
    assert error.line == 2
    assert error.source == "in.jsonl"
    assert TOO_DEEP in str(error)
    assert items[0] == items[2] == newsroom.loads(good)


def test_jsonl_deep_inline_markup_is_a_read_error_and_reading_goes_on() -> None:
    data = deep_markup_line() + b"\n" + good_line() + b"\n"
    first, second = read("jsonl", data)
    assert isinstance(first, ReadError)
    assert first.line == 1
    assert TOO_DEEP in str(first)
    assert isinstance(second, Article)


def test_json_reader_reports_a_deep_document() -> None:
    (item,) = read("json", b"[" * DEEP, source="deep.json")
    assert isinstance(item, ReadError)
    assert item.source == "deep.json"
    assert TOO_DEEP in str(item)


@pytest.mark.parametrize("text", [b"[" * DEEP, "[" * DEEP + "]" * DEEP, b'{"a":' * DEEP])
def test_loads_makes_deep_json_a_validation_error(text: str | bytes) -> None:
    with pytest.raises(newsroom.ValidationError, match=TOO_DEEP):
        newsroom.loads(text)


def test_loads_makes_deep_inline_markup_a_validation_error() -> None:
    with pytest.raises(newsroom.ValidationError, match=TOO_DEEP):
        newsroom.loads(deep_markup_line())


def test_loads_still_reads_what_orjson_nests() -> None:
    # Nesting orjson reads (within 1,023 levels) is not refused as too deep: it fails for what it is.
    with pytest.raises(newsroom.ValidationError, match="must be a JSON object") as info:
        newsroom.loads("[" * 1010 + "]" * 1010)
    assert TOO_DEEP not in str(info.value)


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.one_of(st.just("good"), st.integers(min_value=1, max_value=DEEP).map(lambda depth: "[" * depth)),
        min_size=1,
        max_size=6,
    )
)
def test_jsonl_yields_one_item_per_line_whatever_the_depth(lines: list[str]) -> None:
    good = good_line()
    data = b"\n".join(good if line == "good" else line.encode() for line in lines) + b"\n"
    items = read("jsonl", data)
    assert len(items) == len(lines)
    for number, (line, item) in enumerate(zip(lines, items, strict=True), start=1):
        if line == "good":
            assert isinstance(item, Article)
        else:
            assert isinstance(item, ReadError)
            assert item.line == number
            assert ("not JSON" in str(item)) or (TOO_DEEP in str(item))
