"""Review 5 of the native JSON readers: every bad story is a ValidationError or a ReadError naming
the field or line, and one bad line never stops a JSON Lines stream."""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from typing import Any

import pytest

import newsroom
from newsroom import Article, ReadError, ValidationError
from newsroom.articles import Paragraph, Person, Section
from newsroom.inline import InlineText, Link, Text
from newsroom.testing import plugin_host, sample_article


HOST = plugin_host()
GOOD_A = b'{"format_version":1,"guid":"a","headline":"A"}\n'
GOOD_C = b'{"format_version":1,"guid":"c","headline":"C"}\n'
LONG = "9" * 5000


def doc(**fields: Any) -> dict[str, Any]:
    return {"format_version": 1, "guid": "g", "headline": "H", **fields}


def refused(value: str | bytes | Mapping[str, Any]) -> ValidationError:
    read = newsroom.from_dict if isinstance(value, Mapping) else newsroom.loads
    with pytest.raises(ValidationError) as info:
        read(value)  # type: ignore[arg-type]
    return info.value


def read(reader: str, data: bytes) -> list[Article | ReadError]:
    return list(HOST.reader(reader).read(io.BytesIO(data), source="in.jsonl"))


def read_between(bad: bytes) -> ReadError:
    """Read ``bad`` as line 2 of three; the good lines around it must both be read."""
    items = read("jsonl", GOOD_A + bad + GOOD_C)
    assert [type(item) for item in items] == [Article, ReadError, Article]
    assert [item.guid for item in items if isinstance(item, Article)] == ["a", "c"]
    error = items[1]
    assert isinstance(error, ReadError)
    assert error.line == 2
    assert error.source == "in.jsonl"
    return error


# --------------------------------------------------------------------------- 1. names that are not text


@pytest.mark.parametrize(
    ("where", "value", "path", "rule"),
    [
        ("byline", 5, "bylines[0].name", "must be text, not int"),
        ("byline", None, "bylines[0].name", "must be text, not NoneType"),
        ("byline", [], "bylines[0].name", "must be text, not list"),
        ("byline", {}, "bylines[0].name", "must be text, not dict"),
        ("byline", 1.5, "bylines[0].name", "must be text, not float"),
        ("section", 5, "section.name", "must be text, not int"),
        ("section", None, "section.name", "must be text, not NoneType"),
        ("section", ["x"], "section.name", "must be text, not list"),
    ],
)
def test_a_name_that_is_not_text_is_named_when_the_slug_is_left_out(
    where: str, value: object, path: str, rule: str
) -> None:
    data = doc(bylines=[{"name": value}]) if where == "byline" else doc(section={"name": value})
    error = refused(json.dumps(data))
    assert (error.path, error.rule) == (path, rule)


@pytest.mark.parametrize("cls", [Person, Section])
@pytest.mark.parametrize("value", [5, None, ["x"]])
def test_the_model_names_a_bad_name_too(cls: type, value: object) -> None:
    with pytest.raises(ValidationError) as info:
        cls(name=value)
    assert info.value.path == "name"
    assert info.value.rule == f"must be text, not {type(value).__name__}"


def test_a_name_still_gives_the_slug() -> None:
    assert Person(name="Jane Doe").slug == "jane-doe"
    assert Section(name="World").slug == "world"
    assert Person(name="!!!").slug == "person"


def test_jsonl_reports_a_bad_name_and_reads_on() -> None:
    error = read_between(b'{"guid":"b","headline":"B","bylines":[{"name":5}]}\n')
    assert str(error) == "in.jsonl:2: bylines[0].name: must be text, not int"


# --------------------------------------------------------------------------- defence in depth


def test_jsonl_turns_any_failure_of_one_line_into_a_read_error(monkeypatch: pytest.MonkeyPatch) -> None:
    real = newsroom.from_json

    def from_json(text: str | bytes) -> Article:
        if b'"guid":"b"' in (text if isinstance(text, bytes) else text.encode()):
            msg = "a bug"
            raise KeyError(msg)
        return real(text)

    monkeypatch.setattr(newsroom, "from_json", from_json)
    error = read_between(b'{"guid":"b","headline":"B"}\n')
    assert "KeyError" in str(error)
    assert "a bug" in str(error)
    assert "bug in newsroom" in str(error)


def test_json_reader_turns_any_failure_into_a_read_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def loads(text: str | bytes) -> Article:
        raise AttributeError(text[:3])

    monkeypatch.setattr(newsroom, "loads", loads)
    (error,) = read("json", b'{"guid":"b","headline":"B"}')
    assert isinstance(error, ReadError)
    assert error.source == "in.jsonl"
    assert "AttributeError" in str(error)


# --------------------------------------------------------------------------- 2. integers too long


@pytest.mark.parametrize(
    ("text", "path"),
    [
        (f'{{"guid":"g","headline":"H","urgency":{LONG}}}', "urgency"),
        (f'{{"guid":"g","headline":"H","version":-{LONG}}}', "version"),
        (f'{{"guid":"g","headline":"H","extra":{{"n":{LONG}}}}}', "extra.n"),
        (f'{{"guid":"g","headline":"H","body":[{{"type":"heading","text":"x","level":{LONG}}}]}}', "body[0].level"),
        (f'{{"guid":"g","headline":"H","located":{{"name":"T","latitude":{LONG}}}}}', "located.latitude"),
    ],
)
def test_an_integer_too_long_to_read_names_its_field(text: str, path: str) -> None:
    for given in (text, text.encode()):
        error = refused(given)
        assert error.path == path
        assert error.rule == "an integer of 5,000 digits is too long to read (at most 4,300)"


def test_parse_json_names_the_long_integer_too() -> None:
    with pytest.raises(ValidationError, match=r"^\[1\]: an integer of 5,000 digits"):
        newsroom.parse_json(f"[1, {LONG}]")
    assert newsroom.parse_json("[" + "9" * 4300 + "]") == [int("9" * 4300)]  # the limit itself is read


def test_jsonl_reports_a_long_integer_and_reads_on() -> None:
    error = read_between(f'{{"guid":"b","headline":"B","urgency":{LONG}}}\n'.encode())
    assert str(error).startswith("in.jsonl:2: urgency: an integer of 5,000 digits is too long to read")


# --------------------------------------------------------------------------- 3. lone surrogates


@pytest.mark.parametrize(
    ("text", "path"),
    [
        ('{"guid":"g","headline":"x\\ud800y"}', "headline"),
        ('{"guid":"g","headline":"H","body":[{"type":"paragraph","text":"x\\udc00"}]}', "body[0].text"),
        ('{"guid":"g","headline":"H","keywords":["a","\\udfff"]}', "keywords[1]"),
        ('{"guid":"g","headline":"H","extra":{"k":"\\ud83d"}}', "extra.k"),
        ('{"guid":"g","headline":"x\ud800y"}', "headline"),  # in a str, not escaped
    ],
)
def test_a_lone_surrogate_is_refused_naming_the_field(text: str, path: str) -> None:
    error = refused(text)
    assert error.path == path
    assert error.rule.startswith("contains a lone surrogate (")
    assert error.rule.endswith("which no UTF-8 file can hold")


def test_a_lone_surrogate_in_a_field_name_is_refused() -> None:
    error = refused('{"guid":"g","headline":"H","extra":{"k\\ud800":"v"}}')
    assert error.path == "extra"
    assert "field name 'k\\ud800' contains a lone surrogate" in error.rule


def test_a_surrogate_pair_is_text() -> None:
    story = newsroom.loads('{"guid":"g","headline":"face \\ud83d\\ude00"}')
    assert story.headline == "face \U0001f600"
    assert newsroom.loads(newsroom.dumps(story)) == story


def test_surrogate_bytes_are_not_utf8() -> None:
    """UTF-8 bytes of a surrogate (CESU-8) were decoded with surrogatepass, then no export could write them."""
    error = refused(b'{"guid":"g","headline":"x\xed\xa0\x80y"}')
    assert error.rule.startswith("not UTF-8 text")
    with pytest.raises(UnicodeDecodeError):
        newsroom.parse_json(b'["\xed\xa0\x80"]')


def test_other_encodings_the_standard_library_reads_still_read() -> None:
    assert newsroom.loads('{"guid":"g","headline":"utf16"}'.encode("utf-16")).headline == "utf16"
    assert newsroom.loads(b'\xef\xbb\xbf{"guid":"g","headline":"bom"}').headline == "bom"


def test_jsonl_reports_surrogates_and_bad_bytes_and_reads_on() -> None:
    error = read_between(b'{"guid":"b","headline":"B\\ud800"}\n')
    assert str(error).startswith("in.jsonl:2: headline: contains a lone surrogate ('\\ud800')")
    error = read_between(b'{"guid":"b","headline":"B\xed\xa0\x80"}\n')
    assert str(error).startswith("in.jsonl:2: not UTF-8 text")


# --------------------------------------------------------------------------- 4. control characters in a link


@pytest.mark.parametrize("char", ["\x01", "\x7f", "\x9f", "\x0b"])
def test_a_link_href_with_a_control_character_is_refused(char: str) -> None:
    href = f"https://x.com/a{char}b"
    with pytest.raises(ValidationError) as info:
        Link(href=href, children=[Text("a")])
    assert info.value.path == "href"
    assert info.value.rule == f"link href {href!r} contains control characters"


def test_a_url_field_with_a_control_character_is_refused() -> None:
    with pytest.raises(ValidationError) as info:
        Article(guid="g", headline="H", canonical_url="https://x.com/a\x01b")
    assert info.value.path == "canonical_url"
    assert "contains control characters" in info.value.rule


def test_a_link_round_trips_through_markup() -> None:
    link = Link(href="https://x.com/a?b=1&c=2", children=[Text("a")], title="t")
    story = Article(guid="g", headline="H", body=[Paragraph(text=InlineText([link]))])
    assert newsroom.loads(newsroom.dumps(story)) == story


def test_markup_still_drops_a_control_character_in_an_href() -> None:
    """Markup is cleaned before it is parsed, as scraped text always was: the href is read without it."""
    paragraph = Paragraph(text='<a href="https://x.com/a\x01b">a</a>')
    (link,) = paragraph.text.nodes
    assert isinstance(link, Link)
    assert link.href == "https://x.com/ab"


# --------------------------------------------------------------------------- 5. JSONL columns


@pytest.mark.parametrize("ending", [b"\n", b"\r\n", b""])
def test_jsonl_syntax_error_column_is_the_lines_own(ending: bytes) -> None:
    line = b'{"guid":"b","headline":"B"'
    items = read("jsonl", GOOD_A + line + ending)
    error = items[1]
    assert isinstance(error, ReadError)
    assert str(error) == "in.jsonl:2: not JSON: Expecting ',' delimiter (column 27)"


def test_jsonl_syntax_error_inside_the_line_keeps_its_column() -> None:
    error = read_between(b'{"guid":"b" "headline":"B"}\r\n')
    assert str(error) == "in.jsonl:2: not JSON: Expecting ',' delimiter (column 13)"


# --------------------------------------------------------------------------- 6. paths and JSON's terms


@pytest.mark.parametrize(
    ("keywords", "path", "rule"),
    [
        (5, "keywords", "must be a list of text, not int"),
        (True, "keywords", "must be a list of text, not bool"),
        ({"a": 1}, "keywords", "must be a list of text, not dict"),
        (["a", 1], "keywords[1]", "must be text, not int"),
        (["a", "b", None], "keywords[2]", "must be text, not NoneType"),
    ],
)
def test_bad_keywords_are_named(keywords: object, path: str, rule: str) -> None:
    error = refused(doc(keywords=keywords))
    assert (error.path, error.rule) == (path, rule)


def test_keywords_that_were_read_still_are() -> None:
    assert newsroom.from_dict(doc(keywords=["a", " b ", "a", ""])).keywords == ("a", "b")
    assert newsroom.from_dict(doc(keywords="solo")).keywords == ("solo",)
    assert newsroom.from_dict(doc(keywords=None)).keywords == ()
    assert Article(guid="g", headline="H", keywords=iter(["x"])).keywords == ("x",)
    with pytest.raises(ValidationError, match=r"^keywords: must be a list of text, not dict$"):
        Article(guid="g", headline="H", keywords={"a": "b"})


@pytest.mark.parametrize(
    ("block", "path", "kind"),
    [
        ({"type": "paragraph", "text": [[1]]}, "body[1].text", "list"),
        ({"type": "paragraph", "text": 5}, "body[1].text", "int"),
        ({"type": "paragraph", "text": []}, "body[1].text", "list"),
        ({"type": "heading", "text": ["a"], "level": 2}, "body[1].text", "list"),
        ({"type": "list", "items": ["a", [1]]}, "body[1].items[1]", "list"),
        ({"type": "list", "items": ["a", 5]}, "body[1].items[1]", "int"),
        ({"type": "blockquote", "paragraphs": [None]}, "body[1].paragraphs[0]", "NoneType"),
        ({"type": "image", "src": "https://x.com/i.jpg", "caption": 5}, "body[1].caption", "int"),
        ({"type": "image", "src": "https://x.com/i.jpg", "caption": []}, "body[1].caption", "list"),
    ],
)
def test_an_inline_value_must_be_markup_text(block: dict[str, Any], path: str, kind: str) -> None:
    error = refused(doc(body=[{"type": "paragraph", "text": "ok"}, block]))
    assert (error.path, error.rule) == (path, f"must be markup text (a string), not {kind}")


def test_bad_markup_in_a_string_keeps_its_own_message() -> None:
    error = refused(doc(body=[{"type": "paragraph", "text": "<script>x</script>"}]))
    assert error.path == "body[0].text"
    assert error.rule.startswith("tag <script> is not allowed")
    error = refused(doc(body=[{"type": "paragraph", "text": " "}]))
    assert (error.path, error.rule) == ("body[0].text", "must not be empty")


# --------------------------------------------------------------------------- 7. the documented promise


def test_jsonl_reads_every_good_line_around_every_kind_of_bad_one() -> None:
    """docs/formats/json.md: a bad line becomes a ReadError naming the line, and reading goes on."""
    bad = [
        b'{"guid":"b","headline":"B","bylines":[{"name":5}]}',  # a name that is not text
        b'{"guid":"b","headline":"B","section":{"name":null}}',
        f'{{"guid":"b","headline":"B","urgency":{LONG}}}'.encode(),  # an integer too long
        b'{"guid":"b","headline":"B\\ud800"}',  # a lone surrogate
        b'{"guid":"b","headline":"\xed\xa0\x80"}',  # surrogate bytes: not UTF-8
        b'{"guid":"b","headline":"B"',  # not JSON
        b'{"guid":"b","headline":"B","keywords":5}',
        b'{"guid":"b","headline":"B","body":[{"type":"paragraph","text":[[1]]}]}',
        b"[1, 2]",
    ]
    good = newsroom.dumps(sample_article(), indent=None).encode()
    data = b"".join(line + b"\r\n" + good + b"\n" for line in bad)
    items = read("jsonl", data)
    assert len(items) == 2 * len(bad)
    assert all(isinstance(item, ReadError) for item in items[::2])
    assert [item.line for item in items[::2] if isinstance(item, ReadError)] == list(range(1, 2 * len(bad), 2))
    assert all(item == sample_article() for item in items[1::2])
    for item in items[::2]:
        assert "bug in newsroom" not in str(item)  # every one is an expected, named error


def test_the_model_page_shows_the_real_message() -> None:
    data = newsroom.to_dict(Article(guid="g", headline="H", body=[{"type": "image", "src": "https://x.com/i"}]))
    data["body"][0]["src"] = "ftp://example.com/vote.jpg"
    error = refused(data)
    assert str(error) == "body[0].src: URL 'ftp://example.com/vote.jpg' is not http or https"
