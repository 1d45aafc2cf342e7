"""The audit trail: a sealed history verifies, and each kind of tampering is found at the right entry."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import newsroom
import newsroom.serialization
from newsroom import Article, AuditError, PublishState, Workflow, verify
from newsroom.audit import canonical_json, content_hash, entry_hash
from newsroom.testing import EDITOR, FixedClock, articles, sample_article


REVIEW = Workflow(review_required=True, permissions=None)


@pytest.fixture
def chain(clock: FixedClock) -> Article:
    """submit, approve, publish, update, correct: five sealed entries."""
    story = sample_article(clock=clock)
    for verb in (newsroom.submit, newsroom.approve, newsroom.publish):
        clock.advance(minutes=10)
        story = verb(story, actor=EDITOR, clock=clock, workflow=REVIEW, note=f"{verb.__name__} note")
    clock.advance(minutes=10)
    story = newsroom.update(story, actor=EDITOR, clock=clock, workflow=REVIEW, deck="A new deck")
    clock.advance(minutes=10)
    story = newsroom.correct(story, text="Name fixed.", actor=EDITOR, clock=clock, workflow=REVIEW, headline="Fixed")
    assert len(story.history) == 5
    return story


def with_history(story: Article, history: list[newsroom.HistoryEntry]) -> Article:
    return attrs.evolve(story, history=tuple(history))


class TestCleanChain:
    """A story moved only by transitions verifies."""

    def test_verifies(self, chain: Article) -> None:
        report = verify(chain)
        assert report.ok
        assert (report.index, report.problem) == (None, None)
        assert report.entries == 5
        assert report.guid == chain.guid
        report.raise_for_problem()

    def test_links(self, chain: Article) -> None:
        assert chain.history[0].prev_hash == ""
        for before, after in zip(chain.history, chain.history[1:], strict=False):
            assert after.prev_hash == before.entry_hash
        assert all(entry.entry_hash == entry_hash(entry) for entry in chain.history)
        assert chain.history[-1].content_hash == content_hash(chain)

    def test_a_draft_without_history_verifies(self) -> None:
        report = verify(sample_article())
        assert report.ok
        assert report.entries == 0

    def test_survives_the_json_round_trip(self, chain: Article) -> None:
        assert verify(newsroom.loads(newsroom.dumps(chain))).ok

    def test_editing_a_draft_is_not_tampering(self, clock: FixedClock) -> None:
        story = newsroom.submit(sample_article(clock=clock), actor=EDITOR, clock=clock, workflow=REVIEW)
        story = newsroom.send_back(story, actor=EDITOR, clock=clock, workflow=REVIEW)
        assert story.state is PublishState.DRAFT
        assert verify(attrs.evolve(story, headline="Rewritten by the author")).ok


class TestTampering:
    """Each kind of tampering is reported at the first entry that does not match."""

    @pytest.mark.parametrize(
        "change",
        [{"headline": "Edited after publication"}, {"body": ["Entirely new text."]}, {"urgency": 1}, {"version": 9}],
        ids=["headline", "body", "urgency", "version"],
    )
    def test_edited_published_content(self, chain: Article, change: dict[str, Any]) -> None:
        report = verify(attrs.evolve(chain, **change))
        assert not report.ok
        assert report.index == len(chain.history) - 1
        assert report.problem
        if "version" not in change:
            assert "outside the workflow" in report.problem

    @pytest.mark.parametrize("removed", range(4))
    def test_removed_entry(self, chain: Article, removed: int) -> None:
        history = list(chain.history)
        del history[removed]
        report = verify(with_history(chain, history))
        assert not report.ok
        assert report.index == removed

    @pytest.mark.parametrize("first", range(4))
    def test_reordered_entries(self, chain: Article, first: int) -> None:
        history = list(chain.history)
        history[first], history[first + 1] = history[first + 1], history[first]
        report = verify(with_history(chain, history))
        assert not report.ok
        assert report.index == first

    @pytest.mark.parametrize("index", range(5))
    def test_changed_actor(self, chain: Article, index: int) -> None:
        history = list(chain.history)
        history[index] = attrs.evolve(history[index], actor="Someone Else")
        report = verify(with_history(chain, history))
        assert not report.ok
        assert report.index == index

    @pytest.mark.parametrize("index", range(5))
    def test_changed_note(self, chain: Article, index: int) -> None:
        history = list(chain.history)
        history[index] = attrs.evolve(history[index], note="A different reason")
        assert verify(with_history(chain, history)).index == index

    @pytest.mark.parametrize("index", range(5))
    def test_changed_time(self, chain: Article, index: int) -> None:
        history = list(chain.history)
        history[index] = attrs.evolve(history[index], at=history[index].at.replace(year=2020))
        assert verify(with_history(chain, history)).index == index

    def test_resealed_entry_breaks_the_next_link(self, chain: Article) -> None:
        history = list(chain.history)
        forged = attrs.evolve(history[1], actor="Someone Else")
        history[1] = attrs.evolve(forged, entry_hash=entry_hash(forged))
        assert verify(with_history(chain, history)).index == 2

    def test_raise_for_problem(self, chain: Article) -> None:
        report = verify(attrs.evolve(chain, headline="Edited"))
        with pytest.raises(AuditError) as info:
            report.raise_for_problem()
        assert info.value.index == report.index
        assert chain.guid in str(info.value)


class TestContentHash:
    """The content hash follows the content, not the state or history."""

    def test_stable(self) -> None:
        assert content_hash(sample_article()) == content_hash(sample_article())

    def test_changes_with_content(self) -> None:
        story = sample_article()
        assert content_hash(attrs.evolve(story, deck="Other")) != content_hash(story)

    def test_ignores_history(self, chain: Article) -> None:
        assert content_hash(chain) == chain.history[-1].content_hash


class TestCanonicalJson:
    """Hashes are taken over the standard library's canonical JSON, however it is produced."""

    @staticmethod
    def stdlib(data: object) -> bytes:
        return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")

    @settings(max_examples=300, deadline=None)
    @given(
        st.recursive(
            st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False) | st.text(),
            lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
            max_leaves=15,
        )
    )
    def test_same_bytes_as_the_standard_library(self, data: object) -> None:
        try:
            expected = self.stdlib(data)
        except UnicodeEncodeError:  # a lone surrogate: no hash can be taken either way
            with pytest.raises((UnicodeEncodeError, ValueError)):
                canonical_json(data)
            return
        assert canonical_json(data) == expected

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(articles())
    def test_every_story_hashes_as_before(self, story: Article) -> None:
        data = newsroom.serialization.content_dict(story)
        assert canonical_json(data) == self.stdlib(data)

    def test_small_floats_are_spelled_the_standard_way(self) -> None:
        place = newsroom.Place(name="Null Island", latitude=1e-05, longitude=0.0)
        story = attrs.evolve(sample_article(), located=place)
        assert b'"latitude":1e-05' in canonical_json(newsroom.serialization.content_dict(story))

    def test_a_story_changed_behind_the_model_after_its_audit_is_caught(self, chain: Article) -> None:
        story = chain
        assert verify(story).ok
        object.__setattr__(story, "headline", "Changed behind the model's back")
        report = verify(story)
        assert not report.ok
        assert "changed outside the workflow" in (report.problem or "")

    def test_a_value_that_contains_itself_raises_as_the_library_does(self) -> None:
        loop: list[object] = []
        loop.append(loop)
        with pytest.raises(ValueError, match="Circular reference"):
            canonical_json(loop)


DESK = Workflow(review_required=False, permissions=None)


def sealed_with_extra(monkeypatch: pytest.MonkeyPatch, clock: FixedClock) -> Article:
    """A story published (with extra) as before extra became internal: its seal takes extra in."""
    from newsroom import audit

    def sealed_the_old_way(article: Article) -> str:
        data = newsroom.serialization.content_dict(article)
        data.pop("ed_note", None)
        return audit._digest(data)  # the digest the old hash used

    draft = attrs.evolve(sample_article(clock=clock), extra={"views": "12"})
    monkeypatch.setattr(audit, "content_hash", sealed_the_old_way)
    story = newsroom.publish(draft, actor=EDITOR, clock=clock, workflow=DESK)
    monkeypatch.undo()
    return story


def test_stories_sealed_with_extra_in_their_hash_still_verify(monkeypatch: pytest.MonkeyPatch) -> None:
    # Before extra became internal, the content hash took it in: such histories must still verify.
    clock = FixedClock()
    desk = DESK
    story = sealed_with_extra(monkeypatch, clock)
    assert content_hash(story) != story.history[-1].content_hash  # recorded the old way
    assert verify(story).ok
    assert newsroom.export(story, "json", clock=clock).content
    clock.advance(minutes=5)
    updated = newsroom.update(story, actor=EDITOR, clock=clock, workflow=desk, deck="A new deck")
    assert verify(updated).ok
    assert content_hash(updated) == updated.history[-1].content_hash  # sealed the new way from now on
    # A story sealed the old way still has its extra checked: changing it is tampering.
    tampered = attrs.evolve(story, extra={"views": "13"})
    assert not verify(tampered).ok


def test_a_story_sealed_with_extra_can_have_its_extra_updated(monkeypatch: pytest.MonkeyPatch) -> None:
    # attrs.evolve would break such a seal, so update is the way, and it re-seals the new way.
    clock = FixedClock()
    desk = DESK
    story = sealed_with_extra(monkeypatch, clock)
    assert not verify(attrs.evolve(story, extra={"views": "13"})).ok
    clock.advance(minutes=5)
    updated = newsroom.update(story, actor=EDITOR, clock=clock, workflow=desk, extra={"views": "13"})
    assert dict(updated.extra) == {"views": "13"}
    assert verify(updated).ok
    assert verify(attrs.evolve(updated, extra={"views": "14"})).ok  # sealed the new way now


@pytest.mark.parametrize("field", ["content_hash", "prev_hash", "entry_hash"])
@pytest.mark.parametrize("value", [123, 1.5e23, "abc", "A" * 64, "g" * 64, "0" * 63, None])
def test_history_digests_are_hex_sha256_or_empty(chain: Article, field: str, value: Any) -> None:
    data = newsroom.to_dict(chain)
    data["history"][0][field] = value
    with pytest.raises(newsroom.ValidationError) as info:
        newsroom.from_dict(data)
    assert info.value.path == f"history[0].{field}"
    assert "SHA-256 digest" in info.value.rule
    good = data["history"][0] | {field: "0" * 64}
    assert getattr(newsroom.from_dict(data | {"history": [good, *data["history"][1:]]}).history[0], field) == "0" * 64


# --------------------------------------------------------------------------- times against the history


def resealed(story: Article, history: list[newsroom.HistoryEntry], *, content: Article | None = None) -> Article:
    """``story`` with ``history`` chained and sealed afresh, the last entry over ``content``'s hash.

    What a forger (or a workflow other than newsroom's) could make: every hash matches, so only
    the checks of what the entries say can find the fault.
    """
    out: list[newsroom.HistoryEntry] = []
    for i, entry in enumerate(history):
        if i == len(history) - 1:
            entry = attrs.evolve(entry, content_hash=content_hash(content or story))  # noqa: PLW2901
        entry = attrs.evolve(entry, prev_hash=out[-1].entry_hash if out else "")  # noqa: PLW2901
        out.append(attrs.evolve(entry, entry_hash=entry_hash(entry)))
    return attrs.evolve(story, history=tuple(out))


class TestTimes:
    """Entry times never run backwards, and the times the workflow sets agree with its moves."""

    def test_an_entry_dated_before_the_one_before_it(self, chain: Article) -> None:
        history = list(chain.history)
        history[3] = attrs.evolve(history[3], at=history[2].at - timedelta(seconds=1))
        report = verify(resealed(chain, history))
        assert report.index == 3
        assert report.problem == (
            f"history[3] (update) is dated {history[3].at.isoformat()}, before history[2] (publish, "
            f"{history[2].at.isoformat()}): time cannot run backwards"
        )
        with pytest.raises(AuditError, match="time cannot run backwards"):
            report.raise_for_problem()

    def test_times_are_compared_as_instants(self, chain: Article) -> None:
        history = list(chain.history)
        baku = timezone(timedelta(hours=4))
        # The same moment at another offset reads as a later wall-clock time, and is no step back.
        history[1] = attrs.evolve(history[1], at=history[0].at.astimezone(baku))
        assert verify(resealed(chain, history)).ok
        history[1] = attrs.evolve(history[1], at=(history[0].at - timedelta(minutes=1)).astimezone(baku))
        assert verify(resealed(chain, history)).index == 1

    def test_entries_at_the_same_time_verify(self, clock: FixedClock) -> None:
        story = sample_article(clock=clock)
        for verb in (newsroom.submit, newsroom.approve, newsroom.publish):  # the clock never moves
            story = verb(story, actor=EDITOR, clock=clock, workflow=REVIEW)
        assert len({entry.at for entry in story.history}) == 1
        assert verify(story).ok

    def test_published_cleared_after_publication(self, chain: Article) -> None:
        changed = attrs.evolve(chain, published=None)
        for story in (changed, resealed(changed, list(chain.history))):
            report = verify(story, content=False)
            assert report.index == 2
            assert report.problem == (
                f"the story has no published time, but history[2] (publish) published it at "
                f"{chain.history[2].at.isoformat()}; publish sets published, and no move clears it"
            )
        assert verify(changed).index == 2  # named before the content check would say "changed"

    @pytest.mark.parametrize("shift", [timedelta(minutes=-1), timedelta(minutes=1), None])
    def test_modified_that_is_not_the_last_new_version(self, chain: Article, shift: timedelta | None) -> None:
        assert chain.modified == chain.history[4].at  # correct, the last move to make a version
        modified = None if shift is None else chain.history[4].at + shift
        forged = resealed(attrs.evolve(chain, modified=modified), list(chain.history))
        report = verify(forged)
        assert report.index == 4
        said = "has no modified time" if modified is None else f"says modified {modified.isoformat()}"
        assert report.problem == (
            f"the story {said}, but history[4] (correct) made version 3 at {chain.history[4].at.isoformat()}; "
            "publish, update, correct and kill set modified to their own time"
        )

    def test_modified_after_moves_that_make_no_version(self, chain: Article, clock: FixedClock) -> None:
        clock.advance(minutes=10)
        down = newsroom.unpublish(chain, actor=EDITOR, clock=clock, workflow=REVIEW)
        clock.advance(minutes=10)
        up = newsroom.republish(down, actor=EDITOR, clock=clock, workflow=REVIEW)
        assert up.modified == chain.modified == chain.history[4].at  # unpublish, republish keep it
        assert verify(up).ok
        forged = resealed(attrs.evolve(up, modified=up.history[-1].at), list(up.history))
        assert verify(forged).index == 4

    def test_scheduled_for_while_scheduled(self, clock: FixedClock) -> None:
        story = sample_article(clock=clock)
        for verb in (newsroom.submit, newsroom.approve):
            story = verb(story, actor=EDITOR, clock=clock, workflow=REVIEW)
        due = clock.now + timedelta(hours=2)
        scheduled = newsroom.schedule(story, at=due, actor=EDITOR, clock=clock, workflow=REVIEW)
        assert verify(scheduled).ok
        at = scheduled.history[2].at.isoformat()
        for wrong, said in [(None, "is empty"), (scheduled.history[2].at, f"is {at}")]:
            forged = resealed(attrs.evolve(scheduled, scheduled_for=wrong), list(scheduled.history))
            report = verify(forged)
            assert report.index == 2
            assert report.problem == (
                f"scheduled_for {said}, but history[2] (schedule) scheduled the story at {at} for a later time"
            )
        published = newsroom.publish(scheduled, actor=EDITOR, clock=clock, workflow=REVIEW)
        assert published.scheduled_for is None
        assert verify(published).ok

    def test_scheduled_for_after_publication(self, chain: Article) -> None:
        due = chain.history[-1].at + timedelta(days=1)
        forged = resealed(attrs.evolve(chain, scheduled_for=due), list(chain.history))
        report = verify(forged)
        assert report.index == 2
        assert report.problem == (
            f"scheduled_for is {due.isoformat()}, but history[2] (publish) cleared it, and no move after a publish sets it"
        )

    def test_a_drafts_own_times_are_not_the_historys(self, clock: FixedClock) -> None:
        # Before the first publish these times belong to the draft: a story first published
        # elsewhere keeps its published time, and publish keeps it too. Nothing to say of them.
        story = newsroom.submit(sample_article(clock=clock), actor=EDITOR, clock=clock, workflow=REVIEW)
        story = newsroom.send_back(story, actor=EDITOR, clock=clock, workflow=REVIEW)
        earlier = clock.now - timedelta(days=3)
        imported = attrs.evolve(story, published=earlier, modified=earlier, scheduled_for=clock.now)
        assert verify(imported).ok
        clock.advance(minutes=5)
        live = newsroom.publish(imported, actor=EDITOR, clock=clock, workflow=DESK)
        assert live.published == earlier
        assert live.modified == live.history[-1].at
        assert live.scheduled_for is None
        assert verify(live).ok

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        draft=articles(with_history=False),
        times=st.fixed_dictionaries(
            {},
            optional={
                name: st.datetimes(
                    min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.timezones()
                )
                for name in ("first_created", "published", "modified", "scheduled_for")
            },
        ),
        steps=st.lists(st.integers(0, 2**16), max_size=8),
        start=st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.timezones()),
    )
    def test_every_story_the_workflow_makes_verifies(
        self, draft: Article, times: dict[str, Any], steps: list[int], start: datetime
    ) -> None:
        # Whatever times the draft had (imported, set by hand), every walk of legal moves verifies.
        from newsroom.testing import _walk  # the walk testing.articles() takes

        story = _walk(attrs.evolve(draft, **times), steps, start)
        assert verify(story).ok, verify(story).problem
        assert verify(newsroom.loads(newsroom.dumps(story))).ok
