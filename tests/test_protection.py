"""The protection rules around every exporter, and the absence of back doors in the model.

The exporter-wide tests are parametrised over every exporter installed when the tests are
collected (built-ins and entry points), so an exporter added later is covered without anyone
editing this file; a small stand-in public text format (``teletext-test``) is always among
them. What each exporter *saw* is captured with a ``newsroom_check_rendition``
hook, which the pipeline calls with the story exactly as the exporter got it; its output is
searched as bytes, as text, and inside zlib streams and zip members (PDF, EPUB, IDML...).
"""

from __future__ import annotations

import io
import json
import re
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from datetime import timedelta
from typing import Any

import attrs
import pytest

import newsroom
from newsroom import Action, PublishState
from newsroom.audit import seal
from newsroom.exporting import INTERNAL, kill_notice, public_view
from newsroom.states import HistoryEntry
from newsroom.testing import EDITOR, FixedClock, sample_article


class Teletext:
    """A stand-in public exporter that cannot carry an embargo (plain text with the credit URL)."""

    name = "teletext-test"
    media_type = "text/plain"
    suffix = ".txt"
    public = True
    carries_embargo = False

    def export(self, article: newsroom.Article, context: newsroom.ExportContext) -> newsroom.Rendition:
        lines = [article.headline, article.plain_text(), *(f"{a.text} {a.url}" for a in context.attribution)]
        if "embargo" in context.overrides:
            lines.append("[released before its embargo by override]")
        return newsroom.Rendition(
            content="\n".join(lines).encode(),
            media_type=self.media_type,
            filename=article.slug + self.suffix,
            format=self.name,
        )


class TeletextPlugin:
    @newsroom.hookimpl
    def newsroom_register_exporters(self, register: Any) -> None:
        register(Teletext())


def host_with(*plugins: object) -> newsroom.PluginHost:
    """Built-ins, entry points, the stand-in public format, and ``plugins``."""
    return newsroom.PluginHost(newsroom.make_plugin_manager(plugins=(TeletextPlugin(), *plugins)))


INSTALLED = host_with()
EXPORTERS = sorted(INSTALLED.exporters())
"""Every exporter installed now (built-ins and entry points), plus the stand-in ``teletext-test``."""


def _flag(name: str, flag: str) -> bool:
    return newsroom.exporter_flag(INSTALLED.exporter(name), flag)


PUBLIC = [name for name in EXPORTERS if _flag(name, "public")]


class Seen:
    """A checker plugin that records the story each exporter was given."""

    def __init__(self) -> None:
        self.articles: list[newsroom.Article] = []

    @newsroom.hookimpl
    def newsroom_check_rendition(
        self, rendition: newsroom.Rendition, article: newsroom.Article, owed: tuple[newsroom.Obligation, ...]
    ) -> None:
        self.articles.append(article)


def texts(content: bytes) -> Iterator[str]:
    """The output as text, plus any zlib stream or zip member inside it, as text."""
    yield content.decode("utf-8", "replace")
    yield content.decode("latin-1")
    if content[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            for member in archive.namelist():
                yield from texts(archive.read(member))
    for match in re.finditer(rb"stream\r?\n", content):
        try:
            yield zlib.decompressobj().decompress(content[match.end() : match.end() + 10_000_000]).decode("latin-1")
        except zlib.error:
            continue


def contains(content: bytes, marker: str) -> bool:
    return any(marker.lower() in text.lower() for text in texts(content))


# --------------------------------------------------------------------------- internal fields


def internal_fields(cls: type[Any]) -> list[str]:
    return [f.name for f in attrs.fields(cls) if f.metadata.get(INTERNAL)]


def test_the_known_internal_fields_are_marked() -> None:
    assert {"ed_note", "extra"} <= set(internal_fields(newsroom.Article))
    assert {"note"} <= set(internal_fields(HistoryEntry))


def marked_story(clock: FixedClock) -> tuple[newsroom.Article, list[str]]:
    """A published story with a unique marker in every internal field of the story and its history."""
    markers: list[str] = []

    def mark(what: str) -> str:
        markers.append(f"zqx{what}q")
        return markers[-1]

    story = sample_article(clock=clock)
    for name in internal_fields(newsroom.Article):
        kind = attrs.fields_dict(newsroom.Article)[name].type
        change: dict[str, Any]  # the field name is only known here
        if kind in (str, str | None, "str", "str | None"):
            change = {name: mark(name.replace("_", ""))}
        else:
            assert kind in (Mapping[str, str], "Mapping[str, str]"), f"teach this test to fill Article.{name}"
            change = {name: {mark(f"{name}key"): mark(f"{name}value")}}
        story = attrs.evolve(story, **change)
    entry_fields = internal_fields(HistoryEntry)
    assert entry_fields == ["note"], "teach this test to fill the new internal fields of HistoryEntry"
    steps: list[tuple[Any, dict[str, Any]]] = [
        (newsroom.submit, {}),
        (newsroom.send_back, {}),  # a reviewer's comment
        (newsroom.submit, {}),
        (newsroom.approve, {}),
        (newsroom.publish, {}),
        (newsroom.update, {"deck": "An updated deck"}),
        (newsroom.correct, {"text": "A name was misspelt."}),
    ]
    for verb, kwargs in steps:
        clock.advance(minutes=5)
        story = verb(story, actor=EDITOR, clock=clock, note=mark(f"note{len(markers)}"), **kwargs)
    return story, markers


@pytest.mark.parametrize("format", PUBLIC)
def test_no_internal_field_reaches_a_public_format(format: str) -> None:
    clock = FixedClock()
    story, markers = marked_story(clock)
    dumped = newsroom.dumps(story)
    assert all(m in dumped for m in markers)  # they are in the story itself
    seen = Seen()
    rendition = newsroom.export(story, format, clock=clock, host=host_with(seen))
    (given,) = seen.articles
    given_dump = newsroom.dumps(given)
    for marker in markers:
        assert marker not in given_dump, f"{format} was given the internal {marker}"
        assert not contains(rendition.content, marker), f"{format} output contains the internal {marker}"


@pytest.mark.parametrize("format", PUBLIC)
def test_no_internal_field_of_a_killed_story_reaches_a_public_format(format: str) -> None:
    clock = FixedClock()
    story, markers = marked_story(clock)
    reason = "zqxkillreasonq"
    story = newsroom.kill(story, reason=reason, actor=EDITOR, clock=clock)
    seen = Seen()
    rendition = newsroom.export(story, format, clock=clock, host=host_with(seen))
    given_dump = newsroom.dumps(seen.articles[0])
    for marker in [*markers, reason]:
        assert marker not in given_dump, f"{format} was given the internal {marker}"
        assert not contains(rendition.content, marker), f"{format} output contains the internal {marker}"


def test_the_native_json_is_an_archive_and_keeps_internal_fields() -> None:
    clock = FixedClock()
    story, markers = marked_story(clock)
    assert not _flag("json", "public")
    text = newsroom.export(story, "json", clock=clock, host=host_with()).text()
    assert all(m in text for m in markers)


def test_public_view_empties_every_internal_field() -> None:
    story, markers = marked_story(FixedClock())
    view = public_view(story)
    assert view.ed_note is None
    assert all(h.note is None for h in view.history)
    assert not any(m in newsroom.dumps(view) for m in markers)
    assert [h.entry_hash for h in view.history] == [h.entry_hash for h in story.history]
    assert public_view(view) is view


# --------------------------------------------------------------------------- kills


def killed_story(clock: FixedClock) -> newsroom.Article:
    story = sample_article(clock=clock)
    body = (*story.body, newsroom.Paragraph(text="zqxkilledbody in the last paragraph"))
    media = (newsroom.Image(src="https://caliber.az/media/x.jpg", alt="zqxkilledalt", caption="zqxkilledcaption"),)
    story = attrs.evolve(
        story,
        body=body,
        media=media,
        headline="Zqxkilledheadline talks",
        kicker="zqxkilledkicker",
        deck="zqxkilleddeck",
        summary="zqxkilledsummary",
        slugline="zqxkilledslug",
        keywords=["zqxkilledkeyword"],
        extra={"seo": "zqxkilledextra"},
    )
    for verb in (newsroom.submit, newsroom.approve, newsroom.publish):
        clock.advance(minutes=5)
        story = verb(story, actor=EDITOR, clock=clock)
    story = newsroom.correct(story, text="zqxkilledcorrection was wrong", actor=EDITOR, clock=clock)
    return newsroom.kill(story, reason="Defamation", notice="Withdrawn on legal advice.", actor=EDITOR, clock=clock)


@pytest.mark.parametrize("format", PUBLIC)
def test_a_killed_story_reaches_a_public_format_only_as_its_notice(format: str) -> None:
    clock = FixedClock()
    story = killed_story(clock)
    assert "zqxkilledbody" in newsroom.dumps(story)
    seen = Seen()
    rendition = newsroom.export(story, format, clock=clock, host=host_with(seen))
    (given,) = seen.articles
    assert given.plain_text() == "Withdrawn on legal advice."
    assert given.state is PublishState.KILLED
    assert "zqxkilled" not in newsroom.dumps(given).lower()
    assert not contains(rendition.content, "zqxkilled"), f"{format} output contains the killed text"


def test_a_prepare_hook_cannot_undo_a_kill() -> None:
    class Revive:
        @newsroom.hookimpl
        def newsroom_prepare_article(self, article: newsroom.Article, exporter: Any, context: Any) -> Any:
            return attrs.evolve(article, headline="zqxkilledrevived")

    clock = FixedClock()
    story = killed_story(clock)
    seen = Seen()
    for name in PUBLIC:
        seen.articles.clear()
        rendition = newsroom.export(story, name, clock=clock, host=host_with(Revive(), seen))
        assert "zqxkilled" not in newsroom.dumps(seen.articles[0]).lower()
        assert not contains(rendition.content, "zqxkilled")


def test_kill_notice_keeps_nothing_of_the_killed_text() -> None:
    story = killed_story(FixedClock())
    notice = kill_notice(story)
    assert "zqxkilled" not in newsroom.dumps(notice).lower()
    assert [c.text for c in notice.corrections] == ["Withdrawn on legal advice."]
    assert (notice.guid, notice.version, notice.state) == (story.guid, story.version, story.state)


# --------------------------------------------------------------------------- embargoes


def embargoed_story(clock: FixedClock) -> newsroom.Article:
    story = attrs.evolve(sample_article(clock=clock), embargo_until=clock.now + timedelta(hours=2))
    for verb in (newsroom.submit, newsroom.approve, newsroom.publish):  # published, withheld until then
        clock.advance(minutes=5)
        story = verb(story, actor=EDITOR, clock=clock)
    assert story.state is PublishState.PUBLISHED
    assert "withheld until" in (story.history[-1].note or "")
    return story


@pytest.mark.parametrize("format", EXPORTERS)
def test_an_embargoed_story_reaches_only_formats_that_carry_the_embargo(format: str) -> None:
    clock = FixedClock()
    story = embargoed_story(clock)
    log: list[newsroom.ExportRecord] = []

    class Records:
        @newsroom.hookimpl
        def newsroom_export_done(self, record: newsroom.ExportRecord) -> None:
            log.append(record)

    host = host_with(Records())
    if _flag(format, "carries_embargo"):
        rendition = newsroom.export(story, format, clock=clock, host=host)
        assert rendition.overrides == frozenset()
        assert log[-1].overrides == frozenset()
        return
    with pytest.raises(newsroom.ProtectedContentError, match=r"embargoed until .* cannot carry an embargo") as caught:
        newsroom.export(story, format, clock=clock, host=host)
    assert caught.value.format == format
    assert "overrides={'embargo'}" in str(caught.value)
    assert log == []
    rendition = newsroom.export(story, format, clock=clock, host=host, overrides={"embargo"}, actor=EDITOR)
    assert rendition.overrides == {"embargo"}
    assert (log[-1].overrides, log[-1].actor) == (frozenset({"embargo"}), EDITOR.name)
    clock.advance(hours=3)  # the embargo has lifted
    assert newsroom.export(story, format, clock=clock, host=host).overrides == frozenset()


def test_the_embargo_rule_with_a_public_format_and_the_override_it_shows() -> None:
    clock = FixedClock()
    story = embargoed_story(clock)
    host = host_with()
    with pytest.raises(newsroom.ProtectedContentError, match="'teletext-test' format cannot carry an embargo"):
        newsroom.export(story, "teletext-test", clock=clock, host=host)
    rendition = newsroom.export(story, "teletext-test", clock=clock, host=host, overrides={"embargo"})
    assert rendition.overrides == {"embargo"}
    assert "released before its embargo" in rendition.text()
    # An override that has nothing to override is not recorded.
    clock.advance(hours=3)
    rendition = newsroom.export(story, "teletext-test", clock=clock, host=host, overrides={"embargo"})
    assert rendition.overrides == frozenset()
    assert "released before its embargo" not in rendition.text()


def test_a_prepare_hook_that_adds_an_embargo_is_held_to_it() -> None:
    clock = FixedClock()

    class Embargo:
        @newsroom.hookimpl
        def newsroom_prepare_article(self, article: newsroom.Article, exporter: Any, context: Any) -> Any:
            return attrs.evolve(article, embargo_until=clock.now + timedelta(hours=1))

    story = sample_article(clock=clock)
    host = host_with(Embargo())
    with pytest.raises(newsroom.ProtectedContentError):
        newsroom.export(story, "teletext-test", clock=clock, host=host)
    assert newsroom.export(story, "teletext-test", clock=clock, host=host, overrides={"embargo"}).overrides == {
        "embargo"
    }


def test_unknown_overrides_are_refused() -> None:
    with pytest.raises(newsroom.ExportError, match=r"unknown override.*kill"):
        newsroom.export(sample_article(), "json", overrides={"kill"}, host=host_with())


# --------------------------------------------------------------------------- no back door


def published(clock: FixedClock) -> newsroom.Article:
    story = sample_article(clock=clock)
    for verb in (newsroom.submit, newsroom.approve, newsroom.publish):
        clock.advance(minutes=5)
        story = verb(story, actor=EDITOR, clock=clock)
    return story


@pytest.mark.parametrize("state", list(PublishState), ids=str)
def test_evolve_cannot_change_the_state(state: PublishState) -> None:
    story = published(FixedClock())
    if state is story.state:
        assert attrs.evolve(story, state=state) == story
        return
    with pytest.raises(newsroom.ValidationError, match="states change only through transitions"):
        attrs.evolve(story, state=state)


def test_a_story_cannot_be_built_in_a_state_without_its_history() -> None:
    for state in set(PublishState) - {PublishState.DRAFT}:
        with pytest.raises(newsroom.ValidationError, match="history is empty"):
            newsroom.Article(guid="urn:x", headline="H", state=state)
    story = published(FixedClock())
    with pytest.raises(newsroom.ValidationError):
        attrs.evolve(story, history=())
    with pytest.raises(newsroom.ValidationError):
        attrs.evolve(story, history=story.history[:-1])  # the last entry left it published, not approved


def test_reading_cannot_change_the_state() -> None:
    story = published(FixedClock())
    data = newsroom.to_dict(story)
    data["state"] = "killed"
    with pytest.raises(newsroom.ValidationError, match="state"):
        newsroom.from_dict(data)


def test_a_forged_entry_read_from_json_fails_the_audit() -> None:
    clock = FixedClock()
    story = published(clock)
    data = json.loads(newsroom.dumps(story))
    forged = dict(data["history"][-1])
    forged.update(action="kill", from_state="published", to_state="killed", version=2)
    data["history"].append(forged)
    data["state"] = "killed"
    read = newsroom.loads(json.dumps(data))
    report = newsroom.verify(read)
    assert not report.ok
    assert report.index == len(read.history) - 1


def test_a_forged_sealed_entry_for_a_move_the_table_lacks_fails_the_audit() -> None:
    clock = FixedClock()
    story = newsroom.submit(sample_article(clock=clock), actor=EDITOR, clock=clock)
    entry = HistoryEntry(
        action=Action.PUBLISH, from_state="in_review", to_state="published", at=clock.now, actor="Mallory"
    )
    staged = attrs.evolve(story, state=PublishState.PUBLISHED, history=(*story.history, entry))
    forged = attrs.evolve(staged, history=(*story.history, seal(entry, staged, story.history[-1])))
    report = newsroom.verify(forged)
    assert (report.ok, report.index) == (False, 1)
    assert "not a move of the workflow table" in (report.problem or "")


def test_a_forged_version_fails_the_audit() -> None:
    clock = FixedClock()
    story = published(clock)
    entry = HistoryEntry(
        action=Action.UPDATE, from_state="published", to_state="published", at=clock.now, actor="Mallory", version=7
    )
    staged = attrs.evolve(story, version=7, history=(*story.history, entry))
    forged = attrs.evolve(staged, history=(*story.history, seal(entry, staged, story.history[-1])))
    report = newsroom.verify(forged)
    assert not report.ok
    assert "after version 1 this move makes version 2" in (report.problem or "")


def test_bypassing_the_frozen_class_is_caught_by_the_audit() -> None:
    story = published(FixedClock())
    object.__setattr__(story, "state", PublishState.DRAFT)  # what no API does
    report = newsroom.verify(story)
    assert not report.ok
    assert "but its history leaves it published" in (report.problem or "")
    other = published(FixedClock())
    object.__setattr__(other, "version", 5)
    assert not newsroom.verify(other).ok


@pytest.mark.parametrize("field", ["state", "history", "version", "guid", "corrections"])
def test_actions_cannot_change_what_the_workflow_manages(field: str) -> None:
    clock = FixedClock()
    story = published(clock)
    with pytest.raises(newsroom.ValidationError, match=field):
        newsroom.transition(story, "update", actor=EDITOR, clock=clock, changes={field: getattr(story, field)})


def story_in(state: PublishState, clock: FixedClock) -> newsroom.Article:
    """A story in ``state``, reached by the shortest path of the table from a draft."""
    reached = {PublishState.DRAFT: sample_article(clock=clock)}
    while state not in reached:
        for move in newsroom.MOVES:
            if move.source in reached and move.target not in reached and move.review is not False:
                kwargs: dict[str, Any] = {"at": clock.now + timedelta(days=1)} if move.action is Action.SCHEDULE else {}
                if move.action is Action.KILL:
                    kwargs["note"] = "reason"
                story = reached[move.source]
                reached[move.target] = newsroom.transition(story, move.action, actor=EDITOR, clock=clock, **kwargs)
    return reached[state]


@pytest.mark.parametrize(
    "move", [m for m in newsroom.MOVES if m.action not in {Action.UPDATE, Action.CORRECT}], ids=repr
)
def test_only_update_and_correct_change_content(move: newsroom.Move) -> None:
    clock = FixedClock()
    story = story_in(move.source, clock)
    workflow = newsroom.Workflow(review_required=move.review is not False)
    with pytest.raises(newsroom.ValidationError, match="only update and correct"):
        newsroom.transition(story, move.action, actor=EDITOR, clock=clock, workflow=workflow, changes={"deck": "x"})


def test_published_text_changes_through_update_and_correct_which_record_who() -> None:
    clock = FixedClock()
    story = published(clock)
    copy = newsroom.Actor(name="Cory Copy", roles={"copy_editor"}, desks=["world"])
    story = newsroom.update(story, actor=copy, clock=clock, headline="A better headline")
    story = newsroom.correct(story, text="The date was wrong.", actor=EDITOR, clock=clock, deck="Right date")
    assert [h.actor for h in story.history[-2:]] == ["Cory Copy", EDITOR.name]
    assert (story.headline, story.deck, story.version) == ("A better headline", "Right date", 3)
    assert newsroom.verify(story).ok


def test_published_text_changed_any_other_way_is_found_and_goes_nowhere() -> None:
    clock = FixedClock()
    story = published(clock)
    tampered = attrs.evolve(story, headline="Something it never said")
    report = newsroom.verify(tampered)
    assert (report.ok, report.index) == (False, len(story.history) - 1)
    assert "changed outside the workflow" in (report.problem or "")
    # The next transition will not seal the edited text as if the workflow had made it...
    with pytest.raises(newsroom.GuardError, match="changed outside the workflow"):
        newsroom.update(tampered, actor=EDITOR, clock=clock, deck="x")
    with pytest.raises(newsroom.GuardError, match="changed outside the workflow"):
        newsroom.unpublish(tampered, actor=EDITOR, clock=clock)
    # ...and no format exports it.
    for name in EXPORTERS:
        with pytest.raises(newsroom.ProtectedContentError, match="changed outside the workflow"):
            newsroom.export(tampered, name, clock=clock, host=host_with())


def test_the_editors_note_is_not_the_storys_text() -> None:
    clock = FixedClock()
    story = published(clock)
    annotated = attrs.evolve(story, ed_note="Watch for a follow-up from Rome")
    assert newsroom.verify(annotated).ok
    assert newsroom.update(annotated, actor=EDITOR, clock=clock, deck="x").ed_note == annotated.ed_note


def test_a_draft_may_be_edited_freely() -> None:
    clock = FixedClock()
    story = newsroom.send_back(
        newsroom.submit(sample_article(clock=clock), actor=EDITOR, clock=clock), actor=EDITOR, clock=clock
    )
    edited = attrs.evolve(story, headline="Reworked")
    assert newsroom.verify(edited).ok
    assert newsroom.submit(edited, actor=EDITOR, clock=clock).headline == "Reworked"
