"""The story model: construction-time validation, derived values, Section, Edition, drafts."""

from __future__ import annotations

import math
import re
import struct
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import newsroom
from newsroom import (
    Article,
    BlockQuote,
    Concept,
    Correction,
    CorrectionKind,
    Dateline,
    Edition,
    Embed,
    Heading,
    Image,
    ListBlock,
    Paragraph,
    Person,
    Place,
    PullQuote,
    Section,
    Source,
    ValidationError,
)
from newsroom.testing import FixedClock, sample_article
from newsroom.validators import clean_text


AWARE = datetime(2026, 1, 16, 7, 1, tzinfo=UTC)
NAIVE = datetime(2026, 1, 16, 7, 1)  # no time zone: the point of the tests


def story(**fields: Any) -> Article:
    """A minimal valid story with ``fields`` on top."""
    base: dict[str, Any] = {"guid": "urn:test:1", "headline": "Headline"}
    return Article(**{**base, **fields})


def raises_at(path: str, fragment: str, build: Any) -> ValidationError:
    """Call ``build`` and check it raises a ValidationError at ``path`` whose rule mentions ``fragment``."""
    with pytest.raises(ValidationError) as info:
        build()
    err = info.value
    assert err.path == path, f"path {err.path!r} != {path!r} ({err})"
    assert fragment in err.rule, f"{fragment!r} not in rule {err.rule!r}"
    assert str(err) == f"{path}: {err.rule}"
    return err


JS = "javascript:alert(1)"

# (label, fields for Article, expected path, fragment of the rule)
BAD_ARTICLES: list[tuple[str, dict[str, Any], str, str]] = [
    ("empty headline", {"headline": ""}, "headline", "must not be empty"),
    ("blank headline", {"headline": "   \t "}, "headline", "must not be empty"),
    ("headline not text", {"headline": 42}, "headline", "int"),
    ("two-line headline", {"headline": "One\nTwo"}, "headline", "one line"),
    ("empty guid", {"guid": ""}, "guid", "must not be empty"),
    ("version zero", {"version": 0}, "version", "0"),
    ("version bool", {"version": True}, "version", "True"),
    ("bad language", {"language": "english!"}, "language", "'english!'"),
    ("empty language", {"language": ""}, "language", "BCP 47"),
    ("one-letter language", {"language": "e"}, "language", "'e'"),
    ("urgency 0", {"urgency": 0}, "urgency", "not 0"),
    ("urgency 10", {"urgency": 10}, "urgency", "not 10"),
    ("urgency bool", {"urgency": True}, "urgency", "True"),
    ("urgency text", {"urgency": "5"}, "urgency", "'5'"),
    ("canonical ftp", {"canonical_url": "ftp://example.com/x"}, "canonical_url", "'ftp://example.com/x'"),
    ("canonical relative", {"canonical_url": "/world/x"}, "canonical_url", "'/world/x'"),
    ("canonical no host", {"canonical_url": "https://"}, "canonical_url", "no host"),
    ("canonical space", {"canonical_url": "https://example.com/a b"}, "canonical_url", "spaces"),
    (
        "javascript link in body[3]",
        {"body": ["a", "b", "c", f'<a href="{JS}">x</a>']},
        "body[3].text",
        f"link href {JS!r} is not http(s) or mailto",
    ),
    (
        "javascript link in a list item",
        {"body": [{"type": "list", "items": ["ok", f'<a href="{JS}">x</a>']}]},
        "body[0].items[1]",
        repr(JS),
    ),
    (
        "javascript link in a quote",
        {"body": [{"type": "blockquote", "paragraphs": [f'<a href="{JS}">x</a>']}]},
        "body[0].paragraphs[0]",
        repr(JS),
    ),
    (
        "javascript link in a caption",
        {"body": [{"type": "image", "src": "https://e.com/a.jpg", "caption": f'<a href="{JS}">x</a>'}]},
        "body[0].caption",
        repr(JS),
    ),
    ("script tag", {"body": ["<script>alert(1)</script>"]}, "body[0].text", "<script>"),
    ("unknown block type", {"body": [{"type": "table", "rows": []}]}, "body[0].type", "'table'"),
    ("block without type", {"body": [{"text": "x"}]}, "body[0].type", "None"),
    ("block not a dict", {"body": ["ok", 42]}, "body[1]", "int"),
    ("unknown block field", {"body": [{"type": "paragraph", "text": "x", "colour": "red"}]}, "body[0]", "colour"),
    ("empty paragraph", {"body": [""]}, "body[0].text", "must not be empty"),
    ("comment-only paragraph", {"body": ["<!-- nothing -->"]}, "body[0].text", "must not be empty"),
    ("heading level 1", {"body": [{"type": "heading", "text": "x", "level": 1}]}, "body[0].level", "not 1"),
    ("heading level 7", {"body": [{"type": "heading", "text": "x", "level": 7}]}, "body[0].level", "not 7"),
    ("heading level text", {"body": [{"type": "heading", "text": "x", "level": "2"}]}, "body[0].level", "'2'"),
    ("empty quote", {"body": [{"type": "blockquote", "paragraphs": []}]}, "body[0].paragraphs", "at least 1"),
    ("empty list", {"body": [{"type": "list", "items": []}]}, "body[0].items", "at least 1"),
    ("empty list item", {"body": [{"type": "list", "items": ["a", " "]}]}, "body[0].items[1]", "empty"),
    ("empty pull quote", {"body": [{"type": "pullquote", "text": ""}]}, "body[0].text", "empty"),
    ("image without src", {"body": [{"type": "image", "src": None}]}, "body[0].src", "required"),
    ("image javascript src", {"body": [{"type": "image", "src": JS}]}, "body[0].src", repr(JS)),
    ("image alt number", {"body": [{"type": "image", "src": "https://e.com/a", "alt": 3}]}, "body[0].alt", "int"),
    ("image width 0", {"body": [{"type": "image", "src": "https://e.com/a", "width": 0}]}, "body[0].width", "0"),
    (
        "image height bool",
        {"body": [{"type": "image", "src": "https://e.com/a", "height": True}]},
        "body[0].height",
        "True",
    ),
    (
        "embed media gif",
        {"body": [{"type": "embed", "url": "https://e.com", "media": "gif"}]},
        "body[0].media",
        "'gif'",
    ),
    ("embed mailto", {"body": [{"type": "embed", "url": "mailto:a@b.c"}]}, "body[0].url", "mailto"),
    (
        "quote cite url",
        {"body": [{"type": "blockquote", "paragraphs": ["x"], "cite_url": "x"}]},
        "body[0].cite_url",
        "'x'",
    ),
    ("byline empty name", {"bylines": [{"name": "A"}, {"name": ""}]}, "bylines[1].name", "must not be empty"),
    ("byline javascript url", {"bylines": [{"name": "A", "url": JS}]}, "bylines[0].url", repr(JS)),
    ("byline not a person", {"bylines": ["Jane"]}, "bylines[0]", "str"),
    ("byline unknown field", {"bylines": [{"name": "A", "twitter": "@a"}]}, "bylines[0]", "twitter"),
    ("section slug capitals", {"section": {"name": "World", "slug": "World"}}, "section.slug", "'World'"),
    ("section parent path", {"section": {"name": "Europe", "parent": "World/"}}, "section.parent", "'World/'"),
    ("section empty name", {"section": {"name": ""}}, "section.name", "empty"),
    ("located country", {"located": {"name": "Tokyo", "country": "JPN"}}, "located.country", "'JPN'"),
    ("located latitude", {"located": {"name": "Tokyo", "latitude": 91}}, "located.latitude", "91"),
    ("located longitude", {"located": {"name": "Tokyo", "longitude": -180.5}}, "located.longitude", "-180.5"),
    ("located latitude text", {"located": {"name": "Tokyo", "latitude": "north"}}, "located.latitude", "'north'"),
    ("located uri", {"located": {"name": "Tokyo", "uri": "geonames:1850147"}}, "located.uri", "geonames"),
    ("dateline date text", {"dateline": {"place": "TOKYO", "date": "2026-01-16"}}, "dateline.date", "2026-01-16"),
    ("dateline date datetime", {"dateline": {"place": "TOKYO", "date": AWARE}}, "dateline.date", "datetime"),
    ("dateline empty", {"dateline": {"place": ""}}, "dateline.place", "empty"),
    ("subject code", {"subjects": [{"code": "politics", "label": "Politics"}]}, "subjects[0].code", "'politics'"),
    ("subject label", {"subjects": [{"code": "medtop:11000000", "label": ""}]}, "subjects[0].label", "empty"),
    ("genre code", {"genre": {"code": "", "label": "Current"}}, "genre.code", "empty"),
    ("keyword not text", {"keywords": ["a", 3]}, "keywords[1]", "int"),
    ("media javascript", {"media": [{"src": JS}]}, "media[0].src", repr(JS)),
    ("rights empty holder", {"rights": {"holder": ""}}, "rights.holder", "empty"),
    ("rights holder url", {"rights": {"holder": "X", "holder_url": "x.com"}}, "rights.holder_url", "'x.com'"),
    ("publisher home", {"publisher": {"name": "P", "home": "www.p.com"}}, "publisher.home", "'www.p.com'"),
    ("source without name", {"sources": [{"name": ""}]}, "sources[0].name", "empty"),
    ("source role", {"sources": [{"name": "S", "role": "origin"}]}, "sources[0].role", "'origin'"),
    (
        "site policy without a home",
        {"sources": [{"name": "Caliber.Az", "policy": {}}]},
        "sources[0].policy",
        "home URL",
    ),
    (
        "story policy without a url",
        {"sources": [{"name": "Caliber.Az", "home": "https://caliber.az", "policy": {"scope": "story"}}]},
        "sources[0].policy",
        "original story",
    ),
    (
        "policy scope",
        {"sources": [{"name": "C", "home": "https://c.az", "policy": {"scope": "page"}}]},
        "sources[0].policy.scope",
        "'page'",
    ),
    (
        "policy not a policy",
        {"sources": [{"name": "C", "home": "https://c.az", "policy": "link"}]},
        "sources[0].policy",
        "str",
    ),
    ("correction kind", {"corrections": [{"kind": "oops", "text": "x", "at": AWARE}]}, "corrections[0].kind", "'oops'"),
    (
        "correction naive",
        {"corrections": [{"kind": "correction", "text": "x", "at": NAIVE}]},
        "corrections[0].at",
        "time zone",
    ),
    (
        "correction text",
        {"corrections": [{"kind": "correction", "text": "", "at": AWARE}]},
        "corrections[0].text",
        "empty",
    ),
    (
        "correction version",
        {"corrections": [{"kind": "correction", "text": "x", "at": AWARE, "version": 0}]},
        "corrections[0].version",
        "0",
    ),
    ("state bogus", {"state": "live"}, "state", "'live'"),
    ("state without history", {"state": "published"}, "state", "history is empty"),
    (
        "history entry action",
        {"history": [{"action": "go", "from_state": "draft", "to_state": "in_review", "at": AWARE, "actor": "A"}]},
        "history[0].action",
        "'go'",
    ),
    (
        "history entry naive",
        {"history": [{"action": "submit", "from_state": "draft", "to_state": "in_review", "at": NAIVE, "actor": "A"}]},
        "history[0].at",
        "time zone",
    ),
    (
        "history entry version",
        {
            "history": [
                {
                    "action": "submit",
                    "from_state": "draft",
                    "to_state": "in_review",
                    "at": AWARE,
                    "actor": "A",
                    "version": 0,
                }
            ]
        },
        "history[0].version",
        "0",
    ),
    ("kicker number", {"kicker": 5}, "kicker", "int"),
    ("kicker zero", {"kicker": 0}, "kicker", "int"),
    ("ed_note list", {"ed_note": ["check"]}, "ed_note", "list"),
    ("section parent number", {"section": {"name": "Europe", "parent": 7}}, "section.parent", "int"),
    (
        "caption credit number",
        {"body": [{"type": "image", "src": "https://e.com/a", "credit": 3}]},
        "body[0].credit",
        "int",
    ),
    ("list ordered text", {"body": [{"type": "list", "items": ["a"], "ordered": "yes"}]}, "body[0].ordered", "'yes'"),
    (
        "policy credit number",
        {"sources": [{"name": "C", "home": "https://c.az", "policy": {"credit": 1}}]},
        "sources[0].policy.credit",
        "int",
    ),
    ("extra value list", {"extra": {"views": [1]}}, "extra.views", "list"),
    ("extra value bool", {"extra": {"flag": True}}, "extra.flag", "bool"),
    ("extra not a mapping", {"extra": ["views"]}, "extra", "list"),
]

NAIVE_FIELDS = ["first_created", "published", "modified", "embargo_until", "scheduled_for"]


class TestArticleRejectsBadInput:
    """Every rule of the model raises ValidationError naming the field path and the rule."""

    @pytest.mark.parametrize(
        ("fields", "path", "fragment"), [c[1:] for c in BAD_ARTICLES], ids=[c[0] for c in BAD_ARTICLES]
    )
    def test_bad_field(self, fields: dict[str, Any], path: str, fragment: str) -> None:
        raises_at(path, fragment, lambda: story(**fields))

    @pytest.mark.parametrize("field", NAIVE_FIELDS)
    def test_naive_datetimes_are_rejected(self, field: str) -> None:
        err = raises_at(field, "no time zone", lambda: story(**{field: NAIVE}))
        assert NAIVE.isoformat() in err.rule

    @pytest.mark.parametrize("field", NAIVE_FIELDS)
    def test_non_datetimes_are_rejected(self, field: str) -> None:
        raises_at(field, "str", lambda: story(**{field: "2026-01-16T07:01:00+00:00"}))

    @pytest.mark.parametrize("field", NAIVE_FIELDS)
    def test_aware_datetimes_in_any_zone_are_kept(self, field: str) -> None:
        baku = datetime(2026, 1, 16, 11, 1, tzinfo=timezone(timedelta(hours=4)))
        kept = getattr(story(**{field: baku}), field)
        assert kept == AWARE
        assert kept.utcoffset() == timedelta(hours=4)

    def test_the_exact_message_for_a_javascript_link(self) -> None:
        with pytest.raises(ValidationError) as info:
            story(body=["a", "b", "c", f'<a href="{JS}">x</a>'])
        assert str(info.value) == f"body[3].text: link href {JS!r} is not http(s) or mailto"

    def test_validation_error_is_a_value_error_and_a_newsroom_error(self) -> None:
        with pytest.raises(ValueError, match="urgency") as info:
            story(urgency=0)
        assert isinstance(info.value, newsroom.NewsroomError)

    def test_enum_fields_take_their_values_and_members(self) -> None:
        for value in ("retraction", CorrectionKind.RETRACTION):
            assert Correction(kind=value, text="x", at=AWARE).kind is CorrectionKind.RETRACTION

    @pytest.mark.parametrize("tag", ["en", "en-GB", "az-Latn-AZ", "x-private"])
    def test_a_language_tag_seen_before_is_still_checked_the_same(self, tag: str) -> None:
        assert story(language=tag).language == tag
        assert story(language=tag).language == tag  # the second time from the set of tags seen
        raises_at("language", "BCP 47", lambda: story(language=tag + "-"))

    def test_unknown_keyword_is_a_type_error(self) -> None:
        with pytest.raises(TypeError, match="colour"):
            story(colour="red")


# Block and value constructors called directly: the path is the field name.
BAD_VALUES: list[tuple[str, Any, str, str]] = [
    ("heading level", lambda: Heading(text="x", level=1), "level", "not 1"),
    ("heading empty", lambda: Heading(text=""), "text", "empty"),
    ("paragraph bad link", lambda: Paragraph(text='<a href="ftp://x.org">x</a>'), "text", "'ftp://x.org'"),
    ("paragraph onclick", lambda: Paragraph(text='<em onclick="x()">x</em>'), "text", "onclick"),
    ("blockquote empty", lambda: BlockQuote(paragraphs=[]), "paragraphs", "at least 1"),
    ("list empty", lambda: ListBlock(items=[]), "items", "at least 1"),
    ("pullquote unclosed", lambda: PullQuote(text="<q>x"), "text", "never closed"),
    ("image src", lambda: Image(src="data:image/png;base64,AAAA"), "src", "data:"),
    ("embed media", lambda: Embed(url="https://e.com", media="gif"), "media", "'gif'"),
    ("person url", lambda: Person(name="A", url="mailto:a@b.c"), "url", "mailto"),
    ("person role", lambda: Person(name="A", role=""), "role", "empty"),
    ("place country", lambda: Place(name="X", country="J1"), "country", "'J1'"),
    ("concept code", lambda: Concept(code="medtop 1", label="x"), "code", "'medtop 1'"),
    ("correction kind", lambda: Correction(kind="erratum", text="x", at=AWARE), "kind", "'erratum'"),
    ("correction kind list", lambda: Correction(kind=["x"], text="x", at=AWARE), "kind", "['x'] is not one of"),  # type: ignore[arg-type]
    ("correction kind case", lambda: Correction(kind="Correction", text="x", at=AWARE), "kind", "'Correction'"),
    ("source role", lambda: Source(name="S", role=1), "role", "1 is not one of: source, via"),  # type: ignore[arg-type]
    ("dateline date", lambda: Dateline(place="X", date="today"), "date", "'today'"),  # type: ignore[arg-type]
    ("section slug", lambda: Section(name="World", slug="world news"), "slug", "'world news'"),
    ("source home", lambda: Source(name="S", home="caliber.az"), "home", "'caliber.az'"),
]


class TestValueClassesRejectBadInput:
    """Blocks and small values built directly name their own field."""

    @pytest.mark.parametrize(("build", "path", "fragment"), [c[1:] for c in BAD_VALUES], ids=[c[0] for c in BAD_VALUES])
    def test_bad_value(self, build: Any, path: str, fragment: str) -> None:
        raises_at(path, fragment, build)


class TestEvolveRevalidates:
    """attrs.evolve runs the same validators as construction."""

    def test_bad_urgency(self) -> None:
        raises_at("urgency", "not 12", lambda: attrs.evolve(sample_article(), urgency=12))

    def test_bad_link_in_new_body(self) -> None:
        raises_at(
            "body[1].text", repr(JS), lambda: attrs.evolve(sample_article(), body=["fine", f'<a href="{JS}">x</a>'])
        )

    def test_naive_time(self) -> None:
        raises_at("modified", "no time zone", lambda: attrs.evolve(sample_article(), modified=NAIVE))

    def test_block_evolve(self) -> None:
        raises_at("level", "not 9", lambda: attrs.evolve(Heading(text="x"), level=9))

    def test_state_cannot_change_without_a_matching_history_entry(self) -> None:
        raises_at("state", "history", lambda: attrs.evolve(sample_article(), state=newsroom.PublishState.PUBLISHED))

    def test_text_is_cleaned_on_evolve(self) -> None:
        changed = attrs.evolve(sample_article(), deck="  Leaders\x0b agree  ")
        assert changed.deck == "Leaders agree"


class TestCleaning:
    """Text fields are trimmed, stripped of control characters and normalised."""

    def test_control_characters_are_removed(self) -> None:
        assert story(headline="Japan\x00 and\x07 Italy\x85").headline == "Japan and Italy"

    def test_nfc(self) -> None:
        decomposed = "Mu\u0308nchen"
        assert story(headline=decomposed).headline == "M\u00fcnchen"

    def test_optional_text_empty_becomes_none(self) -> None:
        assert story(kicker="   ").kicker is None

    def test_keywords_deduplicated_and_trimmed(self) -> None:
        assert story(keywords=["Japan", " Japan ", "", "Italy"]).keywords == ("Japan", "Italy")

    def test_a_lone_string_is_one_keyword(self) -> None:
        assert story(keywords="Japan").keywords == ("Japan",)

    def test_country_is_upper_cased(self) -> None:
        assert Place(name="Tokyo", country="jp").country == "JP"

    def test_extra_values_become_text(self) -> None:
        assert dict(story(extra={"views": 11, "score": 1.5}).extra) == {"score": "1.5", "views": "11"}


class TestBody:
    """Body items are typed blocks; strings and dicts are accepted and converted."""

    def test_strings_become_paragraphs(self) -> None:
        article = story(body=["One", "<em>Two</em>"])
        assert [type(b) for b in article.body] == [Paragraph, Paragraph]
        second = article.body[1]
        assert isinstance(second, Paragraph)
        assert second.text.plain_text() == "Two"

    @pytest.mark.parametrize("kind", sorted(newsroom.BLOCK_TYPES))
    def test_dicts_become_the_named_block(self, kind: str) -> None:
        minimal: dict[str, dict[str, Any]] = {
            "paragraph": {"text": "x"},
            "heading": {"text": "x"},
            "blockquote": {"paragraphs": ["x"]},
            "pullquote": {"text": "x"},
            "list": {"items": ["x"]},
            "image": {"src": "https://e.com/a.jpg"},
            "embed": {"url": "https://e.com"},
        }
        block = story(body=[{"type": kind, **minimal[kind]}]).body[0]
        assert type(block) is newsroom.BLOCK_TYPES[kind]
        assert block.kind == kind

    def test_block_types_cover_every_block_class(self) -> None:
        classes: set[type[newsroom.Block]] = {Paragraph, Heading, BlockQuote, PullQuote, ListBlock, Image, Embed}
        assert set(newsroom.BLOCK_TYPES.values()) == classes
        assert all(newsroom.BLOCK_TYPES[c.kind] is c for c in classes)

    def test_empty_caption_is_none(self) -> None:
        assert Image(src="https://e.com/a", caption="").caption is None
        assert Image(src="https://e.com/a", caption="<!-- x -->").caption is None


class TestByline:
    """The display byline is derived from the bylines and localised."""

    @pytest.mark.parametrize(
        ("names", "expected"),
        [
            ([], ""),
            (["Ann Lee"], "By Ann Lee"),
            (["Ann Lee", "Bo Chan"], "By Ann Lee and Bo Chan"),
            (["Ann Lee", "Bo Chan", "Cy Diaz"], "By Ann Lee, Bo Chan and Cy Diaz"),
            (["A", "B", "C", "D"], "By A, B, C and D"),
        ],
    )
    def test_english(self, names: list[str], expected: str) -> None:
        assert story(bylines=[{"name": n} for n in names]).byline() == expected

    @pytest.mark.parametrize(
        ("names", "expected"),
        [
            (["Анна"], "Автор: Анна"),
            (["Анна", "Борис"], "Авторы: Анна и Борис"),
            (["Анна", "Борис", "Вера"], "Авторы: Анна, Борис и Вера"),
        ],
    )
    def test_russian(self, names: list[str], expected: str) -> None:
        article = story(language="ru", bylines=[{"name": n} for n in names])
        assert article.byline() == expected

    def test_language_argument_overrides_and_regions_fall_back(self) -> None:
        article = story(language="en-GB", bylines=[{"name": "A"}, {"name": "B"}])
        assert article.byline() == "By A and B"
        assert article.byline("ru-RU") == "Авторы: A и B"

    def test_unknown_language_uses_english(self) -> None:
        assert story(language="de", bylines=[{"name": "A"}, {"name": "B"}]).byline() == "By A and B"

    def test_only_writers_are_named_when_there_are_writers(self) -> None:
        article = story(
            bylines=[{"name": "Ann", "role": "photographer"}, {"name": "Bo"}, {"name": "Cy", "role": "correspondent"}]
        )
        assert article.byline() == "By Bo and Cy"

    def test_without_writers_everyone_is_named(self) -> None:
        article = story(bylines=[{"name": "Ann", "role": "photographer"}, {"name": "Ed", "role": "editor"}])
        assert article.byline() == "By Ann and Ed"

    def test_join_names(self) -> None:
        assert newsroom.join_names(["A", "B", "C"]) == "A, B and C"
        assert newsroom.join_names(["A", "B"], "ru") == "A и B"
        assert newsroom.join_names(["A"]) == "A"
        assert newsroom.join_names([]) == ""


class TestPlainText:
    """plain_text() gives the body without markup, one block per paragraph."""

    def test_blocks_separated_by_blank_lines(self) -> None:
        article = story(
            body=[
                Paragraph(text="Hello <strong>world</strong> &amp; <a href='https://e.com'>friends</a>"),
                Heading(text="A <em>head</em>"),
                ListBlock(items=["one", "t<sub>2</sub>"]),
                BlockQuote(paragraphs=["q1", "q2"]),
                PullQuote(text="<q>pull</q>"),
                Image(src="https://e.com/i.jpg", caption="Cap<em>tion</em>", credit="Kyodo"),
                Image(src="https://e.com/j.jpg"),
                Embed(url="https://e.com/v", title="Video", description="Desc"),
            ]
        )
        expected = [
            "Hello world & friends",
            "A head",
            "one\nt2",
            "q1\n\nq2",
            "pull",
            "Caption Kyodo",
            "Video Desc https://e.com/v",
        ]
        assert article.plain_text() == "\n\n".join(expected)
        assert "<" not in article.plain_text()

    def test_line_break_is_a_newline(self) -> None:
        assert Paragraph(text="a<br>b").plain_text() == "a\nb"

    def test_word_count(self) -> None:
        assert story(body=["one two", "three <em>four</em> five"]).word_count() == 5


class TestSection:
    """A section's path and what it covers."""

    def test_slug_from_name(self) -> None:
        section = Section(name="World News")
        assert section.slug == "world-news"
        assert section.path == "world-news"

    def test_path_with_parent(self) -> None:
        section = Section(name="Europe", parent="world")
        assert section.path == "world/europe"

    def test_deep_parent(self) -> None:
        assert Section(name="Baltics", parent="world/europe").path == "world/europe/baltics"

    @pytest.mark.parametrize(
        ("path", "covered"),
        [
            ("world/europe", True),
            ("world/europe/baltics", True),
            ("world", False),
            ("world/europeans", False),
            ("world/asia", False),
            ("europe", False),
        ],
    )
    def test_covers(self, path: str, covered: bool) -> None:
        assert Section(name="Europe", parent="world").covers(path) is covered

    def test_a_root_covers_its_children(self) -> None:
        world = Section(name="World")
        assert world.covers("world/europe")
        assert not world.covers("worldwide")


class TestEdition:
    """An edition keeps its stories in running order, each once."""

    def test_order_is_kept(self) -> None:
        stories = [story(guid=f"urn:test:{i}") for i in (3, 1, 2)]
        edition = Edition(guid="urn:edition:1", title="Front", articles=stories)
        assert [a.guid for a in edition.articles] == ["urn:test:3", "urn:test:1", "urn:test:2"]

    def test_duplicates_are_rejected(self) -> None:
        stories = [story(guid="urn:test:a"), story(guid="urn:test:b"), story(guid="urn:test:a", headline="Other")]
        err = raises_at("articles[2]", "appears twice", lambda: Edition(guid="e", title="Front", articles=stories))
        assert "urn:test:a" in err.rule

    def test_non_articles_are_rejected(self) -> None:
        raises_at(
            "articles[1]",
            "dict",
            lambda: Edition(guid="e", title="Front", articles=[story(), {"guid": "x"}]),  # type: ignore[list-item]
        )

    def test_bad_url_and_time(self) -> None:
        raises_at("url", "'front'", lambda: Edition(guid="e", title="Front", articles=[], url="front"))
        raises_at("created", "time zone", lambda: Edition(guid="e", title="Front", articles=[], created=NAIVE))

    def test_section_from_mapping(self) -> None:
        edition = Edition(guid="e", title="World", articles=[], section={"name": "World"})
        assert edition.section == Section(name="World")


class TestDraft:
    """Article.draft starts a new story."""

    def test_defaults(self, clock: FixedClock) -> None:
        article = Article.draft(headline="Hello", clock=clock)
        assert article.state is newsroom.PublishState.DRAFT
        assert article.version == 1
        assert article.history == ()
        assert article.first_created == clock.now
        assert article.guid.startswith("urn:uuid:")

    def test_fresh_guid_each_time(self) -> None:
        assert Article.draft(headline="a").guid != Article.draft(headline="a").guid

    def test_without_clock_no_creation_time(self) -> None:
        assert Article.draft(headline="a").first_created is None

    def test_given_guid_and_time_are_kept(self, clock: FixedClock) -> None:
        earlier = clock.now - timedelta(days=1)
        article = Article.draft(headline="a", guid="tag:x,2026:1", clock=clock, first_created=earlier)
        assert article.guid == "tag:x,2026:1"
        assert article.first_created == earlier

    def test_draft_validates(self) -> None:
        raises_at("headline", "empty", lambda: Article.draft(headline=""))


class TestDerived:
    """slug, via, is_embargoed, Concept.scheme."""

    def test_slug_prefers_slugline(self) -> None:
        assert story(headline="Japan and Italy agree", slugline="jp-it talks").slug == "jp-it-talks"
        assert story(headline="Japan and Italy agree").slug == "japan-and-italy-agree"

    def test_slug_of_text_without_letters(self) -> None:
        assert story(headline="!!!").slug == "story"

    def test_via(self) -> None:
        via = Source(name="Japanese media", role="via")
        article = story(sources=[Source(name="Kyodo"), via])
        assert article.via == (via,)

    def test_is_embargoed(self) -> None:
        article = story(embargo_until=AWARE)
        assert article.is_embargoed(AWARE - timedelta(seconds=1))
        assert not article.is_embargoed(AWARE)
        assert not article.is_embargoed(AWARE + timedelta(hours=1))
        assert not story().is_embargoed(AWARE)

    def test_embargo_compares_instants_across_zones(self) -> None:
        baku = timezone(timedelta(hours=4))
        article = story(embargo_until=datetime(2026, 1, 16, 12, 0, tzinfo=baku))  # 08:00 UTC
        assert article.is_embargoed(datetime(2026, 1, 16, 7, 59, tzinfo=UTC))
        assert not article.is_embargoed(datetime(2026, 1, 16, 8, 0, tzinfo=UTC))

    def test_concept_scheme(self) -> None:
        assert Concept(code="medtop:11000000", label="politics").scheme == "medtop"

    def test_person_slug(self) -> None:
        assert Person(name="Aghakazim Guliyev").slug == "aghakazim-guliyev"
        assert Person(name="???").slug == "person"

    def test_dateline_accepts_a_date(self) -> None:
        assert Dateline(place="TOKYO", date=date(2026, 1, 16)).date == date(2026, 1, 16)

    def test_model_is_frozen(self) -> None:
        article = story()
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            article.headline = "x"  # type: ignore[misc]


# --------------------------------------------------------------------------- lone surrogates

LONE = "\ud800"  # half of a UTF-16 pair: no character, and no UTF-8 text can hold it

# (path, the fields that put ``text`` at that path): every text field of a story, nested ones too.
TEXT_FIELDS: list[tuple[str, Any]] = [
    ("guid", lambda t: {"guid": t}),
    ("language", lambda t: {"language": t}),
    ("headline", lambda t: {"headline": t}),
    *[(name, lambda t, name=name: {name: t}) for name in ("kicker", "deck", "slugline", "summary", "ed_note")],
    ("keywords[1]", lambda t: {"keywords": ["fine", t]}),
    ("section.name", lambda t: {"section": {"name": t}}),
    ("section.description", lambda t: {"section": {"name": "World", "description": t}}),
    ("section.slug", lambda t: {"section": {"name": "World", "slug": t}}),
    ("section.parent", lambda t: {"section": {"name": "World", "parent": t}}),
    ("bylines[0].name", lambda t: {"bylines": [{"name": t}]}),
    ("bylines[0].role", lambda t: {"bylines": [{"name": "A", "role": t}]}),
    ("bylines[0].url", lambda t: {"bylines": [{"name": "A", "url": f"https://e.com/{t}"}]}),
    ("dateline.place", lambda t: {"dateline": {"place": t}}),
    ("located.name", lambda t: {"located": {"name": t}}),
    ("located.region", lambda t: {"located": {"name": "Tokyo", "region": t}}),
    ("subjects[0].label", lambda t: {"subjects": [{"code": "medtop:11000000", "label": t}]}),
    ("genre.code", lambda t: {"genre": {"code": f"genre:{t}", "label": "Current"}}),
    ("rights.holder", lambda t: {"rights": {"holder": t}}),
    ("rights.notice", lambda t: {"rights": {"holder": "H", "notice": t}}),
    ("publisher.name", lambda t: {"publisher": {"name": t}}),
    ("sources[0].name", lambda t: {"sources": [{"name": t}]}),
    ("sources[0].home", lambda t: {"sources": [{"name": "S", "home": f"https://e.com/{t}"}]}),
    (
        "sources[0].policy.credit",
        lambda t: {"sources": [{"name": "S", "url": "https://e.com/", "policy": {"credit": t}}]},
    ),
    (
        "sources[0].policy.notice",
        lambda t: {"sources": [{"name": "S", "url": "https://e.com/", "policy": {"notice": t}}]},
    ),
    ("corrections[0].text", lambda t: {"corrections": [{"kind": "correction", "text": t, "at": AWARE}]}),
    ("canonical_url", lambda t: {"canonical_url": f"https://e.com/{t}"}),
    ("media[0].src", lambda t: {"media": [{"src": f"https://e.com/{t}.jpg"}]}),
    ("media[0].alt", lambda t: {"media": [{"src": "https://e.com/a.jpg", "alt": t}]}),
    ("media[0].caption", lambda t: {"media": [{"src": "https://e.com/a.jpg", "caption": t}]}),
    ("media[0].credit", lambda t: {"media": [{"src": "https://e.com/a.jpg", "credit": t}]}),
    ("body[0].text", lambda t: {"body": [t]}),
    ("body[0].text", lambda t: {"body": [f"<em>{t}</em>"]}),
    ("body[0].text", lambda t: {"body": [f'<a href="https://e.com/" title="{t}">x</a>']}),
    ("body[0].text", lambda t: {"body": [f'<a href="https://e.com/{t}">x</a>']}),
    ("body[0].text", lambda t: {"body": [{"type": "heading", "text": t}]}),
    ("body[0].paragraphs[0]", lambda t: {"body": [{"type": "blockquote", "paragraphs": [t]}]}),
    ("body[0].cite", lambda t: {"body": [{"type": "blockquote", "paragraphs": ["q"], "cite": t}]}),
    ("body[0].attribution", lambda t: {"body": [{"type": "pullquote", "text": "q", "attribution": t}]}),
    ("body[0].items[0]", lambda t: {"body": [{"type": "list", "items": [t]}]}),
    ("body[0].title", lambda t: {"body": [{"type": "embed", "url": "https://e.com/", "title": t}]}),
    ("body[0].description", lambda t: {"body": [{"type": "embed", "url": "https://e.com/", "description": t}]}),
    ("body[0].provider", lambda t: {"body": [{"type": "embed", "url": "https://e.com/", "provider": t}]}),
    ("extra.views", lambda t: {"extra": {"views": t}}),
    ("extra", lambda t: {"extra": {t: "11"}}),
]


class TestLoneSurrogates:
    """Text no UTF-8 file can hold is refused when the story is built, naming the field."""

    @pytest.mark.parametrize(("path", "fields"), TEXT_FIELDS, ids=[f"{i}-{p}" for i, (p, _) in enumerate(TEXT_FIELDS)])
    def test_every_text_field_refuses_one(self, path: str, fields: Any) -> None:
        story(**fields("ok"))  # the same text without the surrogate is fine
        err = raises_at(
            path,
            "contains a lone surrogate ('\\ud800'), which no UTF-8 text can hold",
            lambda: story(**fields(f"ok{LONE}")),
        )
        assert LONE not in str(err)  # the message itself can be written anywhere

    @pytest.mark.parametrize(("path", "fields"), TEXT_FIELDS[:12], ids=[p for p, _ in TEXT_FIELDS[:12]])
    def test_evolve_refuses_one_too(self, path: str, fields: Any) -> None:
        raises_at(path, "lone surrogate", lambda: attrs.evolve(sample_article(), **fields(f"{LONE}x")))

    def test_history_edition_and_actor_text(self) -> None:
        entry: dict[str, Any] = {"action": "submit", "from_state": "draft", "to_state": "in_review", "at": AWARE}
        raises_at("actor", "lone surrogate", lambda: newsroom.HistoryEntry(**entry, actor=f"Ed{LONE}"))
        raises_at("note", "lone surrogate", lambda: newsroom.HistoryEntry(**entry, actor="Ed", note=LONE))
        raises_at("name", "lone surrogate", lambda: newsroom.Actor(name=f"Ed{LONE}"))
        raises_at("title", "lone surrogate", lambda: Edition(guid="e", title=f"T{LONE}", articles=[]))
        raises_at("guid", "lone surrogate", lambda: Edition(guid=f"e{LONE}", title="T", articles=[]))

    @settings(max_examples=300, deadline=None)
    @given(
        before=st.text(st.characters(categories=["L", "N", "P", "Zs"]), max_size=12),
        lone=st.characters(categories=["Cs"]),
        after=st.text(st.characters(categories=["L", "N", "P", "Zs"]), max_size=12),
        where=st.sampled_from(TEXT_FIELDS),
    )
    def test_anywhere_in_any_text(self, before: str, lone: str, after: str, where: Any) -> None:
        path, fields = where
        with pytest.raises(ValidationError) as info:
            story(**fields(f"a{before}{lone}{after}"))
        assert info.value.path == path
        assert f"contains a lone surrogate ({lone!a}), which no UTF-8 text can hold" in info.value.rule

    @given(st.text(st.characters(exclude_categories=["Cs"]), max_size=30))
    def test_text_without_one_is_never_refused(self, text: str) -> None:
        cleaned = clean_text(text)
        assert type(cleaned) is str
        assert cleaned == clean_text(cleaned)

    def test_a_surrogate_pair_written_as_one_character_is_text(self) -> None:
        face = "face \U0001f600"
        assert story(headline=face, extra={"mood": face}).headline == face

    def test_a_control_character_beside_one_does_not_hide_it(self) -> None:
        raises_at("headline", "lone surrogate", lambda: story(headline=f"a\x07{LONE}\nb"))
        raises_at("body[0].text", "lone surrogate", lambda: story(body=[f"a\x07{LONE}\nb"]))


# --------------------------------------------------------------------------- numbers in extra


class TestExtraNumbers:
    """``extra`` keeps numbers as text, so only numbers that have a text form readers take back."""

    @pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, float("-nan")])
    def test_non_finite_floats_are_refused(self, value: float) -> None:
        err = raises_at("extra.score", "must be text or a finite number", lambda: story(extra={"score": value}))
        assert err.rule.endswith(f"not {value!r}")

    def test_the_first_bad_key_is_named(self) -> None:
        raises_at("extra.b", "finite", lambda: story(extra={"a": 1.5, "b": math.inf, "c": math.nan}))

    @given(st.floats(allow_nan=False, allow_infinity=False) | st.integers(-(10**30), 10**30))
    def test_finite_numbers_are_kept_as_python_writes_them(self, value: float) -> None:
        kept = story(extra={"n": value}).extra["n"]
        assert kept == str(value)
        assert type(value)(kept) == value

    @pytest.mark.parametrize(
        "value",
        [
            struct.unpack("<d", struct.pack("<Q", 0x7FF8_0000_0000_0001))[0],  # a NaN with a payload
            struct.unpack("<d", struct.pack("<Q", 0xFFF0_0000_0000_0001))[0],  # a signalling NaN, negative
            type("Measure", (float,), {})(math.inf),  # a float subclass
        ],
        ids=["payload-nan", "negative-nan", "subclass-inf"],
    )
    def test_any_non_finite_float_is_refused(self, value: float) -> None:
        raises_at("extra.n", "finite", lambda: story(extra={"n": value}))

    def test_an_integer_too_long_to_write_is_refused(self) -> None:
        raises_at("extra.n", "too long to write as text", lambda: story(extra={"n": 10**5000}))

    def test_text_that_reads_nan_stays_text(self) -> None:
        assert story(extra={"n": "nan"}).extra["n"] == "nan"  # text is the caller's, not a number


# --------------------------------------------------------------------------- offsets with seconds

AMSTERDAM_1930 = datetime(1930, 5, 1, 12, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))  # +00:19:32, local mean time


def whole_minutes(value: datetime) -> bool:
    offset = value.utcoffset()
    assert offset is not None
    return offset % timedelta(minutes=1) == timedelta(0)


def every_time_of(article: Article) -> list[datetime]:
    times = [getattr(article, name) for name in NAIVE_FIELDS]
    times += [c.at for c in article.corrections] + [e.at for e in article.history]
    return [t for t in times if t is not None]


class TestOffsetsWithSeconds:
    """RFC 3339 and xs:dateTime offsets are hours and minutes: other times are kept in UTC, exactly."""

    @pytest.mark.parametrize(
        "zone",
        [
            ZoneInfo("Europe/Amsterdam"),
            timezone(timedelta(minutes=19, seconds=32)),  # as read from "+00:19:32"
            timezone(-timedelta(minutes=19, seconds=32)),
            timezone(timedelta(hours=1, microseconds=5)),
        ],
        ids=["zoneinfo", "fixed", "negative", "microseconds"],
    )
    @pytest.mark.parametrize("field", NAIVE_FIELDS)
    def test_every_article_time_is_held_in_utc(self, field: str, zone: Any) -> None:
        local = datetime(1930, 5, 1, 12, 0, tzinfo=zone)
        kept = getattr(story(**{field: local}), field)
        assert kept == local  # the same instant, to the microsecond
        assert kept.utcoffset() == timedelta(0)
        assert kept.isoformat().endswith("+00:00")

    def test_correction_history_and_edition_times_too(self) -> None:
        correction = Correction(kind="correction", text="x", at=AMSTERDAM_1930)
        entry = newsroom.HistoryEntry(
            action="submit", from_state="draft", to_state="in_review", at=AMSTERDAM_1930, actor="Ed"
        )
        edition = Edition(guid="e", title="T", articles=[], created=AMSTERDAM_1930)
        for kept in (correction.at, entry.at, edition.created):
            assert kept == AMSTERDAM_1930
            assert kept is not None
            assert kept.isoformat() == "1930-05-01T11:40:28+00:00"

    @pytest.mark.parametrize(
        ("zone", "offset"),
        [("Asia/Kathmandu", "+05:45"), ("Asia/Baku", "+04:00"), ("America/St_Johns", "-03:30"), ("UTC", "+00:00")],
    )
    def test_whole_minute_offsets_are_kept(self, zone: str, offset: str) -> None:
        kept = story(modified=datetime(2026, 1, 16, 12, 0, tzinfo=ZoneInfo(zone))).modified
        assert kept is not None
        assert kept.isoformat() == f"2026-01-16T12:00:00{offset}"

    def test_a_fixed_whole_minute_zone_is_kept_as_given(self) -> None:
        given_time = datetime(2026, 1, 16, 12, 0, tzinfo=timezone(timedelta(hours=4)))
        assert story(modified=given_time).modified is given_time

    @settings(max_examples=300, deadline=None)
    @given(
        when=st.datetimes(
            min_value=datetime(1800, 1, 1),
            max_value=datetime(2200, 1, 1),
            timezones=st.timezones(),
            allow_imaginary=False,
        )
    )
    def test_any_zoned_time_is_an_rfc3339_time_of_the_same_instant(self, when: datetime) -> None:
        article = story(published=when, corrections=[Correction(kind="correction", text="x", at=when)])
        for kept in (article.published, article.corrections[0].at):
            assert kept is not None
            assert kept.astimezone(UTC) == when.astimezone(UTC)  # == is never true in a repeated hour
            assert whole_minutes(kept)
            assert RFC3339.match(kept.isoformat()), kept.isoformat()

    def test_the_workflow_records_such_a_time_in_utc(self) -> None:
        clock = FixedClock(now=AMSTERDAM_1930)
        desk = newsroom.Workflow(review_required=False, permissions=None)
        draft = attrs.evolve(sample_article(clock=clock), first_created=AMSTERDAM_1930)
        live = newsroom.publish(draft, actor=newsroom.testing.EDITOR, clock=clock, workflow=desk)
        times = every_time_of(live)
        assert len(times) == 4  # first_created, published, modified, the publish entry
        assert all(t == AMSTERDAM_1930 and t.utcoffset() == timedelta(0) for t in times)
        assert newsroom.verify(live).ok


RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{6})?[+-]\d\d:\d\d$")
