"""The native JSON form: lossless round trip, its JSON Schema, and errors that name the field."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import jsonschema
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import newsroom
from newsroom import Article, ValidationError, Workflow, dumps, from_dict, json_schema, loads, to_dict
from newsroom.serialization import FORMAT_VERSION, content_dict
from newsroom.testing import EDITOR, FixedClock, articles, sample_article


SCHEMA = json_schema()
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
SMALL_DESK = Workflow(review_required=False, permissions=None)


def schema_errors(data: Any) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in VALIDATOR.iter_errors(data)]


def features(article: Article) -> set[str]:
    """What an article exercises, for checking the strategy's reach."""
    found = {f"block:{b.kind}" for b in article.body}
    found |= {f"correction:{c.kind.value}" for c in article.corrections}
    found |= {f"state:{article.state.value}"}
    found |= {f"action:{h.action.value}" for h in article.history}
    found |= {f"scope:{s.policy.scope.value}" for s in article.sources if s.policy}
    optional = ("dateline", "located", "genre", "rights", "publisher", "slugline", "embargo_until", "ed_note")
    found |= {name for name in optional if getattr(article, name) is not None}
    found |= {
        name
        for name in ("media", "subjects", "keywords", "extra", "bylines", "corrections", "history")
        if getattr(article, name)
    }
    return found


REQUIRED_FEATURES = {
    *(f"block:{kind}" for kind in newsroom.BLOCK_TYPES),
    "correction:correction",
    "correction:retraction",
    "corrections",
    "history",
    "state:draft",
    "state:published",
    "state:killed",
    "action:correct",
    "action:update",
    "action:kill",
    "scope:site",
    "scope:story",
    "dateline",
    "located",
    "media",
    "rights",
    "publisher",
}


def round_trip(article: Article) -> None:
    text = dumps(article)
    assert loads(text) == article
    assert loads(text.encode("utf-8")) == article
    data = json.loads(text)
    assert schema_errors(data) == []
    assert from_dict(data) == article
    assert dumps(loads(text)) == text


class TestRoundTrip:
    """loads(dumps(a)) == a for every valid article."""

    @settings(max_examples=75, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(articles())
    def test_property(self, article: Article) -> None:
        for feature in sorted(features(article)):
            event(feature)
        round_trip(article)

    def test_the_strategy_reaches_every_feature(self) -> None:
        # A fixed sample (derandomized, so the same on every run) must exercise every feature
        # the round trip has to cover; the round trip is checked on it too.
        seen: set[str] = set()

        @settings(
            max_examples=100,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        )
        @given(articles())
        def collect(article: Article) -> None:
            seen.update(features(article))
            round_trip(article)

        collect()
        assert REQUIRED_FEATURES - seen == set()

    @pytest.mark.parametrize("language", ["en", "ru", "az"])
    def test_sample_through_the_workflow(self, language: str, clock: FixedClock) -> None:
        story = sample_article(clock=clock, language=language)
        round_trip(story)
        story = newsroom.publish(story, actor=EDITOR, clock=clock, workflow=SMALL_DESK, note="go")
        round_trip(story)
        clock.advance(hours=1)
        story = newsroom.correct(story, text="A name was misspelt.", actor=EDITOR, clock=clock, workflow=SMALL_DESK)
        round_trip(story)
        clock.advance(hours=1)
        story = newsroom.kill(story, reason="legal", actor=EDITOR, clock=clock, workflow=SMALL_DESK)
        round_trip(story)
        assert newsroom.verify(loads(dumps(story))).ok


class TestJsonForm:
    """The layout of the native JSON."""

    def test_format_version_first(self) -> None:
        data = to_dict(sample_article())
        assert next(iter(data)) == "format_version"
        assert data["format_version"] == FORMAT_VERSION

    def test_defaults_are_left_out_but_identity_and_state_are_written(self) -> None:
        assert to_dict(Article(guid="urn:x", headline="Hi")) == {
            "format_version": FORMAT_VERSION,
            "guid": "urn:x",
            "version": 1,
            "language": "en",
            "headline": "Hi",
            "state": "draft",
        }

    def test_blocks_carry_their_type(self) -> None:
        story = sample_article()
        assert [b["type"] for b in to_dict(story)["body"]] == [b.kind for b in story.body]

    def test_inline_text_is_markup(self) -> None:
        story = Article(guid="urn:x", headline="Hi", body=["a <i>b</i> &amp; c"])
        assert to_dict(story)["body"] == [{"type": "paragraph", "text": "a <em>b</em> &amp; c"}]

    def test_derived_slugs_are_written(self) -> None:
        story = Article(guid="urn:x", headline="Hi", section={"name": "World News"}, bylines=[{"name": "Ann Lee"}])
        data = to_dict(story)
        assert data["section"]["slug"] == "world-news"
        assert data["bylines"][0]["slug"] == "ann-lee"

    def test_unicode_is_kept(self) -> None:
        text = dumps(Article(guid="urn:x", headline="Япония и Италия договорились"))
        assert "Япония и Италия договорились" in text

    def test_content_dict_leaves_out_state_and_history(self, clock: FixedClock) -> None:
        story = newsroom.publish(sample_article(clock=clock), actor=EDITOR, clock=clock, workflow=SMALL_DESK)
        content = content_dict(story)
        assert "state" not in content
        assert "history" not in content
        assert content["headline"] == story.headline


class TestSchema:
    """The JSON Schema is valid, complete and strict."""

    def test_schema_is_valid(self) -> None:
        jsonschema.Draft202012Validator.check_schema(SCHEMA)
        assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"

    def test_every_field_is_described(self) -> None:
        assert set(SCHEMA["properties"]) == {"format_version"} | {f.name for f in attrs.fields(Article)}
        for kind, cls in newsroom.BLOCK_TYPES.items():
            definition = SCHEMA["$defs"][cls.__name__]
            assert definition["properties"]["type"] == {"const": kind}
            assert set(definition["properties"]) == {"type"} | {f.name for f in attrs.fields(cls)}

    @pytest.mark.parametrize(
        "change",
        [
            lambda d: d.update(colour="red"),
            lambda d: d.pop("headline"),
            lambda d: d.update(format_version=2),
            lambda d: d["body"][0].update(type="table"),
            lambda d: d["body"][1].update(extra_field=1),
            lambda d: d.update(urgency="high"),
            lambda d: d.update(state="live"),
            lambda d: d["bylines"][0].pop("name"),
        ],
        ids=["unknown-field", "no-headline", "version", "block-type", "block-field", "urgency", "state", "byline-name"],
    )
    def test_schema_rejects(self, change: Callable[[dict[str, Any]], Any]) -> None:
        data = to_dict(sample_article())
        assert schema_errors(data) == []
        change(data)
        assert schema_errors(data) != []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d.update(urgency=0), "urgency"),
        (lambda d: d.update(urgency=10), "urgency"),
        (lambda d: d.update(version=0), "version"),
        (lambda d: d.update(headline=""), "headline"),
        (lambda d: d.update(guid=""), "guid"),
        (lambda d: d["body"].append({"type": "heading", "text": "H", "level": 1}), "level"),
        (lambda d: d["body"].append({"type": "heading", "text": "H", "level": 7}), "level"),
        (lambda d: d["body"].append({"type": "list", "items": [], "ordered": False}), "items"),
        (lambda d: d["body"].append({"type": "embed", "url": "https://x.example/v", "media": "gif"}), "media"),
        (lambda d: d["section"].update(name=""), "name"),
    ],
)
def test_the_schema_refuses_what_the_model_refuses(change: Callable[[dict[str, Any]], Any], field: str) -> None:
    # The schema's rules come from the model's validators: a partner's validator and loads agree.
    data = to_dict(sample_article())
    change(data)
    with pytest.raises(ValidationError) as caught:
        from_dict(data)
    assert field in caught.value.path
    assert schema_errors(data) != []


def corrected(clock: FixedClock) -> dict[str, Any]:
    story = newsroom.publish(sample_article(clock=clock), actor=EDITOR, clock=clock, workflow=SMALL_DESK)
    clock.advance(hours=1)
    story = newsroom.correct(story, text="Fixed.", actor=EDITOR, clock=clock, workflow=SMALL_DESK)
    return to_dict(story)


def set_at(data: dict[str, Any], path: list[Any], value: Any) -> None:
    target: Any = data
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value


# (where to put it, the bad value, the path the error must name, a fragment of the rule)
BAD_FIELDS: list[tuple[list[Any], Any, str, str]] = [
    (["bylines", 1, "name"], "", "bylines[1].name", "empty"),
    (["bylines", 0, "url"], "javascript:alert(1)", "bylines[0].url", "javascript"),
    (["body", 0, "text"], '<a href="javascript:alert(1)">x</a>', "body[0].text", "javascript"),
    (["body", 0, "text"], 42, "body[0].text", "int"),
    (["body", 2, "type"], "table", "body[2].type", "'table'"),
    (["body", 1, "level"], 9, "body[1].level", "9"),
    (["body", 4, "items"], [], "body[4].items", "at least 1"),
    (["body", 5, "src"], "ftp://x.org/a.jpg", "body[5].src", "ftp"),
    (["body", 3], "just text", "body[3]", "str"),
    (["located", "latitude"], 100, "located.latitude", "100"),
    (["history", 0, "action"], "go", "history[0].action", "'go'"),
    (["history", 1, "at"], "yesterday", "history[1].at", "'yesterday'"),
    (["corrections", 0, "kind"], "erratum", "corrections[0].kind", "'erratum'"),
    (["sources", 0, "policy", "scope"], "page", "sources[0].policy.scope", "'page'"),
    (["first_created"], "2026-01-16T07:01:00", "first_created", "time zone"),
    (["first_created"], 123, "first_created", "int"),
    (["dateline", "date"], "16 Jan", "dateline.date", "'16 Jan'"),
    (["subjects", 0], "politics", "subjects[0]", ""),
    (["urgency"], "high", "urgency", "'high'"),
    (["state"], "live", "state", "'live'"),
    (["extra", "views"], [1], "extra.views", "list"),
    (["language"], "english!", "language", "'english!'"),
]


class TestErrors:
    """Bad input names the field path, or the line and column for broken JSON."""

    @pytest.mark.parametrize(("where", "value", "path", "fragment"), BAD_FIELDS, ids=[b[2] for b in BAD_FIELDS])
    def test_bad_field(self, where: list[Any], value: Any, path: str, fragment: str, clock: FixedClock) -> None:
        data = corrected(clock)
        set_at(data, where, value)
        attempts: tuple[Callable[[], Article], ...] = (lambda: from_dict(data), lambda: loads(json.dumps(data)))
        for attempt in attempts:
            with pytest.raises(ValidationError) as info:
                attempt()
            assert info.value.path == path, str(info.value)
            assert fragment in info.value.rule

    @pytest.mark.parametrize(
        ("where", "path"),
        [
            ([], ""),
            (["body", 0], "body[0]"),
            (["bylines", 0], "bylines[0]"),
            (["sources", 0, "policy"], "sources[0].policy"),
        ],
    )
    def test_unknown_fields(self, where: list[Any], path: str, clock: FixedClock) -> None:
        data = corrected(clock)
        target: Any = data
        for step in where:
            target = target[step]
        target["colour"] = "red"
        with pytest.raises(ValidationError) as info:
            from_dict(data)
        assert info.value.path == path
        assert "colour" in info.value.rule

    def test_missing_field(self) -> None:
        with pytest.raises(ValidationError) as info:
            from_dict({"format_version": FORMAT_VERSION, "guid": "urn:x"})
        assert info.value.path == "headline"

    @pytest.mark.parametrize("version", [2, 0, "1", None, 1.5, 1.0, True])
    def test_format_version(self, version: Any) -> None:
        data = to_dict(sample_article())
        data["format_version"] = version
        with pytest.raises(ValidationError) as info:
            from_dict(data)
        assert info.value.path == "format_version"
        assert repr(version) in info.value.rule

    def test_format_version_may_be_left_out(self) -> None:
        data = to_dict(sample_article())
        del data["format_version"]
        assert from_dict(data) == sample_article()

    @pytest.mark.parametrize("text", ["[]", '"story"', "42", "null"])
    def test_not_an_object(self, text: str) -> None:
        with pytest.raises(ValidationError, match="JSON object"):
            loads(text)

    def test_syntax_error_names_line_and_column(self) -> None:
        text = dumps(sample_article())
        pos = text.index('"headline"')
        broken = text[:pos] + "@" + text[pos:]
        line = text.count("\n", 0, pos) + 1
        column = pos - text.rfind("\n", 0, pos)
        with pytest.raises(ValidationError, match="not JSON") as info:
            loads(broken)
        assert info.value.path == f"line {line} column {column}"

    def test_trailing_comma(self) -> None:
        with pytest.raises(ValidationError) as info:
            loads('{\n  "guid": "x",\n  "headline": "y",\n}')
        assert info.value.path == "line 4 column 1"

    def test_bad_utf8(self) -> None:
        with pytest.raises(ValidationError, match="UTF-8"):
            loads(b'{"guid": "x", "headline": "\xff"}')

    def test_errors_do_not_change_the_input(self, clock: FixedClock) -> None:
        data = corrected(clock)
        data["bylines"][1]["name"] = ""
        before = copy.deepcopy(data)
        with pytest.raises(ValidationError):
            from_dict(data)
        assert data == before


class TestParseJson:
    """parse_json gives the standard library's values and errors, whichever parser ran."""

    @settings(max_examples=300, deadline=None)
    @given(
        st.recursive(
            st.none()
            | st.booleans()
            | st.integers(-(2**90), 2**90)
            | st.floats(allow_nan=False, allow_infinity=False)
            | st.text(),
            lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
            max_leaves=15,
        ),
        st.booleans(),
    )
    def test_same_values_as_the_standard_library(self, value: object, as_bytes: bool) -> None:
        text = json.dumps(value, ensure_ascii=False)
        data = text.encode("utf-8", "surrogatepass") if as_bytes else text
        if any("\ud800" <= char <= "\udfff" for char in text):
            # A lone surrogate: no UTF-8 text (in bytes), and no story can hold one (in a str).
            with pytest.raises(UnicodeDecodeError if as_bytes else ValidationError):
                newsroom.parse_json(data)
            return
        expected = json.loads(data)
        got = newsroom.parse_json(data)
        assert got == expected
        assert json.dumps(got) == json.dumps(expected)  # the same types too (an int stays an int)

    @pytest.mark.parametrize(
        "number", ["12345678901234567890123", "-9223372036854775809", "18446744073709551616", "1" * 40]
    )
    def test_integers_beyond_64_bits_stay_integers(self, number: str) -> None:
        assert newsroom.parse_json(f'{{"n": {number}}}'.encode()) == {"n": int(number)}

    def test_errors_are_the_standard_librarys(self) -> None:
        with pytest.raises(json.JSONDecodeError, match="Expecting property name enclosed in double quotes") as info:
            newsroom.parse_json(b'{"a": 1,}')
        assert (info.value.lineno, info.value.colno) == (1, 9)


# --------------------------------------------------------------------------- named time zones

_ZONES = ["Europe/London", "America/New_York", "Asia/Baku", "Australia/Lord_Howe", "Asia/Kolkata"]


@pytest.mark.parametrize(
    ("zone", "wall"),
    [
        ("Europe/London", (2026, 10, 25, 1, 30)),  # the hour that happens twice when clocks go back
        ("America/New_York", (2026, 11, 1, 1, 30)),
        ("Europe/London", (2026, 3, 29, 1, 30)),  # the hour that never happens
    ],
)
@pytest.mark.parametrize("fold", [0, 1])
def test_times_in_a_named_zone_round_trip_equal(zone: str, wall: tuple[int, int, int, int, int], fold: int) -> None:
    year, month, day, hour, minute = wall
    local = datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(zone), fold=fold)
    story = Article(guid="g", headline="H", embargo_until=local, first_created=local)
    assert story.embargo_until is not None
    assert story.embargo_until.utcoffset() == local.utcoffset()  # the same moment, at its own offset
    assert story.embargo_until.timestamp() == local.timestamp()
    assert loads(dumps(story)) == story


@settings(max_examples=200, deadline=None)
@given(
    moment=st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1)),
    zone=st.sampled_from(_ZONES),
    fold=st.sampled_from([0, 1]),
)
def test_any_named_zone_time_round_trips(moment: Any, zone: str, fold: int) -> None:
    local = moment.replace(tzinfo=ZoneInfo(zone), fold=fold)
    story = Article(guid="g", headline="H", modified=local)
    assert loads(dumps(story)) == story


# --------------------------------------------------------------------------- from_json


def _scalar_paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _scalar_paths(v, (*path, k))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _scalar_paths(v, (*path, i))]
    return [path]


def _outcome(read: Callable[[str | bytes], Article], text: str | bytes) -> tuple[str, Any]:
    try:
        return ("article", read(text))
    except Exception as exc:  # noqa: BLE001 - the kind and message are what is compared
        return (type(exc).__name__, str(exc))


def _with_number_at(data: dict[str, Any], path: tuple[Any, ...], number: str) -> str:
    """``data`` as JSON text with the value at ``path`` spelled ``number`` (which Python may not hold)."""
    changed = copy.deepcopy(data)
    target = changed
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = "\x00marker\x00"
    return json.dumps(changed, ensure_ascii=False).replace('"\\u0000marker\\u0000"', number)


def _the_slow_way(text: str | bytes) -> Article:
    return from_dict(newsroom.parse_json(text))


# Numbers where orjson and the standard library part ways (integers beyond 64 bits become floats
# in orjson), and values of the wrong kind: from_json must answer as from_dict(parse_json(...)).
_ODD_NUMBERS = [
    "123456789012345678901234",
    "-123456789012345678901234",
    "18446744073709551616",
    "9" * 5000,
    "1e400",
    "1.5",
    "NaN",
    "true",
    "null",
]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(story=articles(), pick=st.integers(min_value=0), number=st.sampled_from(_ODD_NUMBERS))
def test_from_json_answers_as_from_dict_of_parse_json(story: Article, pick: int, number: str) -> None:
    data = to_dict(story)
    data["extra"] = {"n": 1}  # extra takes any number, so an integer orjson made a float shows there
    data.setdefault("located", {"name": "Baku", "latitude": 40.4, "longitude": 49.8})
    paths = _scalar_paths(data)
    for path in (paths[pick % len(paths)], ("extra", "n")):
        text = _with_number_at(data, path, number)
        for raw in (text, text.encode()):
            assert _outcome(newsroom.from_json, raw) == _outcome(_the_slow_way, raw)
    assert newsroom.from_json(newsroom.dumps(story)) == story


def test_from_json_answers_as_from_dict_of_parse_json_at_every_field() -> None:
    data = to_dict(sample_article(clock=FixedClock()))
    data["extra"] = {"n": 1}
    data["located"] = {"name": "Baku", "latitude": 40.4, "longitude": 49.8}
    for path in _scalar_paths(data):
        for number in _ODD_NUMBERS[:4]:
            text = _with_number_at(data, path, number)
            assert _outcome(newsroom.from_json, text) == _outcome(_the_slow_way, text), (path, number)


def test_from_json_keeps_a_long_integer_in_extra_exact() -> None:
    text = '{"format_version": 1, "guid": "g", "headline": "H", "extra": {"id": 123456789012345678901234}}'
    assert newsroom.from_json(text).extra["id"] == "123456789012345678901234"
    assert newsroom.loads(text).extra["id"] == "123456789012345678901234"


def test_from_json_raises_what_parse_json_raises() -> None:
    with pytest.raises(json.JSONDecodeError):
        newsroom.from_json('{"format_version": 1,')
    with pytest.raises(UnicodeDecodeError):
        newsroom.from_json(b'{"guid": "\xff"}')
    with pytest.raises(ValidationError, match=r"headline"):
        newsroom.from_json('{"format_version": 1, "guid": "g", "headline": "\\ud800"}')
    with pytest.raises(ValidationError, match=r"^headline: must be text, not int$") as info:
        newsroom.from_json('{"format_version": 1, "guid": "g", "headline": 5}')
    assert info.value.__context__ is None, "the second, exact reading is not chained to the first"


# --------------------------------------------------------------------------- times and numbers the JSON cannot carry

_RFC3339_OFFSET = re.compile(r"[+-]\d\d:\d\d$")  # RFC 3339's time-numoffset: hours and minutes only


def _times_written(data: Any) -> list[str]:
    """Every time in a story's JSON (as the model's own field names place them)."""
    found = [data[name] for name in ("first_created", "published", "modified", "embargo_until") if name in data]
    found += [c["at"] for c in data.get("corrections", [])] + [h["at"] for h in data.get("history", [])]
    return found


def test_a_time_read_with_seconds_in_its_offset_is_written_in_utc() -> None:
    text = (
        '{"format_version": 1, "guid": "g", "headline": "H", "modified": "1930-05-01T12:00:00+00:19:32",'
        ' "corrections": [{"kind": "correction", "text": "t", "at": "1930-05-01T12:00:00.250000-00:19:32"}]}'
    )
    story = loads(text)
    assert story.modified == datetime.fromisoformat("1930-05-01T12:00:00+00:19:32")  # the instant, exactly
    data = json.loads(dumps(story))
    assert data["modified"] == "1930-05-01T11:40:28+00:00"
    assert data["corrections"][0]["at"] == "1930-05-01T12:19:32.250000+00:00"
    assert loads(dumps(story)) == story


@settings(max_examples=200, deadline=None)
@given(
    when=st.datetimes(
        min_value=datetime(1800, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.timezones(), allow_imaginary=False
    )
)
def test_every_time_written_has_an_rfc3339_offset(when: datetime) -> None:
    clock = FixedClock(now=when)
    draft = attrs.evolve(sample_article(clock=clock), first_created=when, embargo_until=when)
    story = newsroom.correct(
        newsroom.publish(draft, actor=EDITOR, clock=clock, workflow=SMALL_DESK),
        text="Fixed.",
        actor=EDITOR,
        clock=clock,
        workflow=SMALL_DESK,
        deck="A new deck",
    )
    data = json.loads(dumps(story))
    written = _times_written(data)
    assert len(written) == 7  # first_created, published, modified, embargo_until, a correction, two entries
    for text in written:
        assert _RFC3339_OFFSET.search(text), text
        assert datetime.fromisoformat(text).astimezone(UTC) == when.astimezone(UTC)
    assert loads(dumps(story)) == story
    assert newsroom.verify(loads(dumps(story))).ok


@pytest.mark.parametrize(
    ("literal", "shown"), [("NaN", "nan"), ("Infinity", "inf"), ("-Infinity", "-inf"), ("1e400", "inf")]
)
def test_extra_refuses_numbers_json_cannot_write(literal: str, shown: str) -> None:
    # The standard library reads NaN and the infinities (and 1e400 as infinity); no story holds them.
    with pytest.raises(ValidationError) as info:
        loads(f'{{"format_version": 1, "guid": "g", "headline": "H", "extra": {{"views": 11, "v": {literal}}}}}')
    assert info.value.path == "extra.v"
    assert info.value.rule == f"must be text or a finite number, not {shown}"


def test_jsonl_reports_a_non_finite_extra_value_and_reads_on() -> None:
    import io

    lines = b'{"guid":"a","headline":"A"}\n{"guid":"b","headline":"B","extra":{"v":NaN}}\n{"guid":"c","headline":"C"}\n'
    results = list(newsroom.default_host().reader("jsonl").read(io.BytesIO(lines), source="in.jsonl"))
    assert [type(r).__name__ for r in results] == ["Article", "ReadError", "Article"]
    assert str(results[1]) == "in.jsonl:2: extra.v: must be text or a finite number, not nan"
