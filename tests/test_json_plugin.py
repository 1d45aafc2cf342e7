"""The built-in native JSON plugin: the json exporter, and the json and jsonl readers."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import attrs
import pytest
from hypothesis import HealthCheck, given, settings

import newsroom
from newsroom import Article, ReadError, Workflow
from newsroom.plugins import PluginHost
from newsroom.testing import EDITOR, FixedClock, articles, check_exporter, plugin_host, sample_article


HOST = plugin_host()  # module level: hypothesis tests must not use function-scoped fixtures
SMALL_DESK = Workflow(review_required=False, permissions=None)


def published(clock: FixedClock) -> Article:
    return newsroom.publish(sample_article(clock=clock), actor=EDITOR, clock=clock, workflow=SMALL_DESK, note="ok")


def read_all(host: PluginHost, reader: str, data: bytes, source: str = "input") -> list[Article | ReadError]:
    return list(host.reader(reader).read(io.BytesIO(data), source=source))


class TestExporter:
    """The json exporter meets the exporter contract and writes the lossless native form."""

    def test_contract(self, host: PluginHost, clock: FixedClock) -> None:
        story = published(clock)
        rendition = check_exporter("json", story, host=host, clock=clock)
        assert rendition.media_type == "application/json"
        assert rendition.filename == f"{story.slug}.json"
        assert rendition.content.endswith(b"\n")
        assert newsroom.loads(rendition.content) == story

    def test_keeps_internal_fields_and_history(self, host: PluginHost, clock: FixedClock) -> None:
        story = published(clock)
        data = json.loads(newsroom.export(story, "json", clock=clock, host=host).content)
        assert data["ed_note"] == story.ed_note
        assert data["history"][-1]["note"] == "ok"

    def test_killed_story_is_archived_whole(self, host: PluginHost, clock: FixedClock) -> None:
        story = newsroom.kill(published(clock), reason="legal", actor=EDITOR, clock=clock, workflow=SMALL_DESK)
        assert newsroom.loads(newsroom.export(story, "json", clock=clock, host=host).content) == story

    def test_carries_embargoes(self, host: PluginHost, clock: FixedClock) -> None:
        story = attrs.evolve(sample_article(clock=clock), embargo_until=clock.now + timedelta(days=1))
        rendition = newsroom.export(story, "json", clock=clock, host=host)
        assert rendition.overrides == frozenset()
        assert newsroom.loads(rendition.content).embargo_until == story.embargo_until

    def test_flags(self, host: PluginHost) -> None:
        exporter = host.exporter("json")
        assert not newsroom.exporter_flag(exporter, "public")
        assert newsroom.exporter_flag(exporter, "carries_embargo")

    @settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(articles())
    def test_every_valid_story(self, story: Article) -> None:
        rendition = check_exporter("json", story, host=HOST)
        assert newsroom.loads(rendition.content) == story
        assert rendition.content == (newsroom.dumps(story, indent=2) + "\n").encode("utf-8")  # the same bytes


class TestJsonReader:
    """One story per file."""

    def test_reads(self, host: PluginHost, clock: FixedClock) -> None:
        story = published(clock)
        assert read_all(host, "json", newsroom.dumps(story).encode()) == [story]

    def test_bad_field(self, host: PluginHost) -> None:
        data = newsroom.to_dict(sample_article())
        data["bylines"][1]["name"] = ""
        (result,) = read_all(host, "json", json.dumps(data).encode(), source="story.json")
        assert isinstance(result, ReadError)
        assert result.source == "story.json"
        assert "bylines[1].name" in str(result)
        assert str(result).startswith("story.json: ")

    @pytest.mark.parametrize("data", [b"{oops", b"\xff\xfe\x00", b""])
    def test_unreadable(self, host: PluginHost, data: bytes) -> None:
        (result,) = read_all(host, "json", data, source="bad.json")
        assert isinstance(result, ReadError)
        assert result.source == "bad.json"

    def test_sniff(self, host: PluginHost) -> None:
        reader = host.reader("json")
        one = newsroom.dumps(sample_article()).encode()
        assert reader.sniff(one[:4096], "story.json")
        assert reader.sniff(b"\xef\xbb\xbf \n" + one[:4096], "story.json")
        two = newsroom.dumps(sample_article(), indent=None).encode()
        assert not reader.sniff(two + b"\n" + two, "stories.jsonl")
        assert not reader.sniff(b'{"title": "not ours"}', "x.json")
        assert not reader.sniff(b"<html></html>", "x.json")

    def test_suffixes(self, host: PluginHost) -> None:
        assert ".json" in host.reader("json").suffixes


class TestJsonLinesReader:
    """Many stories, one per line; a bad line is reported by number and the rest still read."""

    def test_a_long_number_is_kept_to_the_last_digit(self, host: PluginHost) -> None:
        data = newsroom.to_dict(sample_article())
        data["extra"] = {"wire_id": "NUMBER"}
        line = json.dumps(data).replace('"NUMBER"', "12345678901234567890123")  # a JSON number, not text
        (story,) = read_all(host, "jsonl", line.encode() + b"\n")
        assert isinstance(story, Article)
        assert story.extra["wire_id"] == "12345678901234567890123"

    def lines(self, clock: FixedClock) -> tuple[list[bytes], list[Article]]:
        first = sample_article(clock=clock)
        second = attrs.evolve(sample_article(clock=clock, language="ru"), guid="urn:test:second")
        bad_field = newsroom.to_dict(sample_article())
        bad_field["body"][0]["text"] = '<a href="javascript:x">x</a>'
        lines = [
            newsroom.dumps(first, indent=None).encode(),  # line 1
            b"",  # line 2: blank, skipped
            b'{"format_version": 1, "guid": ',  # line 3: not JSON
            json.dumps(bad_field).encode(),  # line 4: a bad field
            b'{"guid": "x", "headline": "\xff"}',  # line 5: not UTF-8
            b"   ",  # line 6: blank
            newsroom.dumps(second, indent=None).encode(),  # line 7
        ]
        return lines, [first, second]

    def test_keeps_going_and_numbers_lines(self, host: PluginHost, clock: FixedClock) -> None:
        lines, stories = self.lines(clock)
        results = read_all(host, "jsonl", b"\n".join(lines) + b"\n", source="feed.jsonl")
        assert [r for r in results if isinstance(r, Article)] == stories
        errors = [r for r in results if isinstance(r, ReadError)]
        assert [e.line for e in errors] == [3, 4, 5]
        assert all(e.source == "feed.jsonl" for e in errors)
        assert str(errors[0]).startswith("feed.jsonl:3: ")
        assert "not JSON" in str(errors[0])
        assert "body[0].text" in str(errors[1])
        assert "UTF-8" in str(errors[2])
        assert [type(r) for r in results] == [Article, ReadError, ReadError, ReadError, Article]

    def test_crlf_and_no_final_newline(self, host: PluginHost, clock: FixedClock) -> None:
        story = sample_article(clock=clock)
        line = newsroom.dumps(story, indent=None).encode()
        assert read_all(host, "jsonl", line + b"\r\n" + line) == [story, story]

    def test_sniff(self, host: PluginHost, clock: FixedClock) -> None:
        reader = host.reader("jsonl")
        lines, _stories = self.lines(clock)
        line = lines[0]
        assert reader.sniff(line + b"\n" + line + b"\n", "feed.jsonl")
        assert not reader.sniff(newsroom.dumps(sample_article()).encode(), "story.json")
        assert not reader.sniff(line, "one.jsonl")
        assert not reader.sniff(b"a,b,c\n1,2,3\n", "data.csv")

    def test_suffixes(self, host: PluginHost) -> None:
        assert {".jsonl", ".ndjson"} <= set(host.reader("jsonl").suffixes)
