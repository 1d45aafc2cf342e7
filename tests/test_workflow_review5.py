"""Review 5 of the workflow: managed fields, time order, empty updates, clearer errors, JSON options."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import attrs
import pytest

import newsroom
from newsroom import Action, ValidationError, Workflow, transition
from newsroom.testing import EDITOR, FixedClock, sample_article


NO_REVIEW = Workflow(review_required=False)


def published(clock: FixedClock, **fields: Any) -> newsroom.Article:
    """The sample story, published at the clock's time (history: submit, approve, publish)."""
    story = attrs.evolve(sample_article(clock=clock), **fields)
    for verb in (newsroom.submit, newsroom.approve, newsroom.publish):
        clock.advance(minutes=1)
        story = verb(story, actor=EDITOR, clock=clock)
    return story


# --------------------------------------------------------------------------- managed fields


@pytest.mark.parametrize("field", ["published", "modified", "first_created", "scheduled_for"])
@pytest.mark.parametrize("verb", ["update", "correct"])
def test_times_the_workflow_sets_are_refused(field: str, verb: str, clock: FixedClock) -> None:
    story = published(clock)
    clock.advance(minutes=5)
    when = datetime(2001, 1, 1, tzinfo=UTC)
    extra: dict[str, Any] = {"text": "A name was misspelt."} if verb == "correct" else {}
    with pytest.raises(ValidationError, match="is managed by the workflow") as info:
        getattr(newsroom, verb)(story, actor=EDITOR, clock=clock, deck="New deck", **{field: when}, **extra)
    assert info.value.path == field


def test_the_same_value_of_a_managed_time_changes_nothing(clock: FixedClock) -> None:
    story = published(clock)
    clock.advance(minutes=1)
    after = newsroom.update(story, actor=EDITOR, clock=clock, deck="New deck", published=story.published)
    assert after.published == story.published
    assert after.modified == clock.now
    assert story.published is not None
    with pytest.raises(ValidationError) as info:  # the same moment written as text is a change of type
        newsroom.update(story, actor=EDITOR, clock=clock, deck="New deck", published=story.published.isoformat())
    assert info.value.path == "published"


def test_scheduled_for_names_the_verbs_that_set_it(clock: FixedClock) -> None:
    story = published(clock)
    with pytest.raises(ValidationError, match="schedule sets it, unschedule and publish clear it"):
        newsroom.update(story, actor=EDITOR, clock=clock, scheduled_for=clock.now + timedelta(days=1))


def test_an_update_stamps_modified_from_the_clock(clock: FixedClock) -> None:
    story = published(clock)
    clock.advance(hours=1)
    after = newsroom.update(story, actor=EDITOR, clock=clock, deck="New deck")
    assert after.modified == after.history[-1].at == clock.now
    assert after.published == story.published
    assert after.first_created == story.first_created
    assert newsroom.verify(after).ok


def test_an_embargo_cannot_be_added_to_a_story_that_has_been_public(clock: FixedClock) -> None:
    story = published(clock)
    with pytest.raises(ValidationError, match="has been public since") as info:
        newsroom.update(story, actor=EDITOR, clock=clock, embargo_until=clock.now + timedelta(hours=2))
    assert info.value.path == "embargo_until"
    assert story.published is not None
    assert story.published.isoformat() in str(info.value)


def test_a_lifted_embargo_cannot_be_moved(clock: FixedClock) -> None:
    lifts = clock.now + timedelta(hours=1)
    story = published(clock, embargo_until=lifts)
    clock.advance(hours=2)
    with pytest.raises(ValidationError, match=re.escape(f"has been public since {lifts.isoformat()}")):
        newsroom.update(story, actor=EDITOR, clock=clock, embargo_until=clock.now + timedelta(hours=2))
    with pytest.raises(ValidationError, match="embargo_until"):
        newsroom.update(story, actor=EDITOR, clock=clock, embargo_until=None)


def test_a_withheld_story_may_move_or_lift_its_embargo(clock: FixedClock) -> None:
    story = published(clock, embargo_until=clock.now + timedelta(hours=3))
    assert story.is_embargoed(clock.now)
    clock.advance(minutes=10)
    later = clock.now + timedelta(hours=6)
    moved = newsroom.update(story, actor=EDITOR, clock=clock, embargo_until=later)
    assert (moved.embargo_until, moved.version) == (later, story.version + 1)
    clock.advance(minutes=10)
    lifted = newsroom.update(moved, actor=EDITOR, clock=clock, embargo_until=None)
    assert lifted.embargo_until is None
    assert not lifted.is_embargoed(clock.now)


def test_an_unchanged_embargo_is_no_change_of_the_embargo(clock: FixedClock) -> None:
    lifts = clock.now + timedelta(hours=1)
    story = published(clock, embargo_until=lifts)
    clock.advance(hours=2)
    after = newsroom.update(story, actor=EDITOR, clock=clock, embargo_until=lifts, deck="New deck")
    assert after.embargo_until == lifts


# --------------------------------------------------------------------------- time order


def test_a_clock_before_the_last_move_is_refused(clock: FixedClock) -> None:
    story = published(clock)
    last = story.history[-1].at
    back = FixedClock(last - timedelta(days=3))
    with pytest.raises(ValidationError) as info:
        newsroom.update(story, actor=EDITOR, clock=back, deck="New deck")
    err = info.value
    assert err.path == "clock"
    assert back.now.isoformat() in err.rule
    assert last.isoformat() in err.rule
    assert "history[2], publish" in err.rule


@pytest.mark.parametrize("action", [Action.UNPUBLISH, Action.CORRECT, Action.KILL])
def test_every_move_keeps_time_in_order(action: Action, clock: FixedClock) -> None:
    story = published(clock)
    back = FixedClock(clock.now - timedelta(seconds=1))
    kwargs: dict[str, Any] = {"note": "legal"}
    if action is Action.CORRECT:
        kwargs["correction"] = ("correction", "Fixed.")
    with pytest.raises(ValidationError, match="time cannot run backwards"):
        transition(story, action, actor=EDITOR, clock=back, **kwargs)


def test_a_draft_without_history_takes_any_time(clock: FixedClock) -> None:
    draft = sample_article(clock=clock)
    early = FixedClock(clock.now - timedelta(days=1))
    assert newsroom.submit(draft, actor=EDITOR, clock=early).history[-1].at == early.now


def test_moves_at_the_same_instant_are_allowed(clock: FixedClock) -> None:
    story = sample_article(clock=clock)
    for verb in (newsroom.submit, newsroom.approve, newsroom.publish):
        story = verb(story, actor=EDITOR, clock=clock)  # a FixedClock that never advances
    story = newsroom.update(story, actor=EDITOR, clock=clock, deck="Same minute")
    assert {entry.at for entry in story.history} == {clock.now}
    assert newsroom.verify(story).ok


# --------------------------------------------------------------------------- empty updates


def test_an_update_without_changes_is_refused(clock: FixedClock) -> None:
    story = published(clock)
    with pytest.raises(ValidationError, match="update changes nothing") as info:
        newsroom.update(story, actor=EDITOR, clock=clock)
    assert info.value.path == "changes"


def test_an_update_to_the_same_values_is_refused(clock: FixedClock) -> None:
    story = published(clock)
    same_body = list(story.body)  # a list, not the story's tuple: converted again, and equal
    with pytest.raises(ValidationError, match=r"update changes nothing: every field given \(body, headline\)"):
        newsroom.update(story, actor=EDITOR, clock=clock, headline=story.headline, body=same_body)


def test_an_update_with_one_real_change_among_same_values_passes(clock: FixedClock) -> None:
    story = published(clock)
    after = newsroom.update(story, actor=EDITOR, clock=clock, headline=story.headline, deck="Another deck")
    assert after.version == story.version + 1


def test_a_correction_needs_no_field_change(clock: FixedClock) -> None:
    story = published(clock)
    after = newsroom.correct(story, text="The talks were on Thursday.", kind="clarification", actor=EDITOR, clock=clock)
    assert after.version == story.version + 1
    assert after.corrections[-1].text == "The talks were on Thursday."


# --------------------------------------------------------------------------- clearer errors


def test_kill_without_a_reason_names_the_reason_argument(clock: FixedClock) -> None:
    story = published(clock)
    with pytest.raises(newsroom.GuardError) as info:
        newsroom.kill(story, reason="", notice="Withdrawn.", actor=EDITOR, clock=clock)
    assert "kill(reason=...)" in info.value.reasons[0]


def test_a_misspelt_action_is_a_validation_error_listing_the_allowed_ones(clock: FixedClock) -> None:
    story = newsroom.approve(
        newsroom.submit(sample_article(clock=clock), actor=EDITOR, clock=clock), actor=EDITOR, clock=clock
    )
    with pytest.raises(ValidationError) as info:
        transition(story, "publsh", actor=EDITOR, clock=clock)
    err = info.value
    assert isinstance(err, newsroom.NewsroomError)
    assert err.path == "action"
    assert "'publsh' is not an action" in err.rule
    assert "allowed actions from approved: send_back, schedule, publish, spike" in err.rule
    with pytest.raises(ValidationError, match="allowed actions from approved"):
        newsroom.can_transition(story, "publsh")


def test_a_killed_story_says_no_action_is_allowed(clock: FixedClock) -> None:
    story = published(clock)
    dead = newsroom.kill(story, reason="legal", actor=EDITOR, clock=clock)
    with pytest.raises(ValidationError, match=r"allowed actions from killed: none \(the state is final\)"):
        transition(dead, 7, actor=EDITOR, clock=clock)  # type: ignore[arg-type]


@pytest.mark.parametrize("actor", ["Sam", None, {"name": "Sam", "roles": ["editor"]}])
def test_an_actor_must_be_an_actor(actor: Any, clock: FixedClock) -> None:
    story = sample_article(clock=clock)
    with pytest.raises(ValidationError, match=r"must be a newsroom\.Actor, not") as info:
        newsroom.publish(story, actor=actor, clock=clock, workflow=NO_REVIEW)
    assert info.value.path == "actor"
    assert type(actor).__name__ in info.value.rule
    if actor is not None:  # can_transition without an actor asks the table only
        with pytest.raises(ValidationError, match=r"newsroom\.Actor"):
            newsroom.can_transition(story, "submit", actor=actor)


def test_without_permissions_an_actor_is_still_checked(clock: FixedClock) -> None:
    story = sample_article(clock=clock)
    with pytest.raises(ValidationError, match="actor"):
        newsroom.submit(story, actor="Sam", clock=clock, workflow=Workflow(permissions=None))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("fields", "path", "rule"),
    [
        ({"section": {"nme": "World"}}, "section", "unknown field(s): nme"),
        ({"section": {"name": "World", "slg": "w", "descr": "x"}}, "section", "unknown field(s): descr, slg"),
        ({"section": {}}, "section.name", "is required but missing"),
        ({"bylines": [{"name": "Jane"}, {"nam": "Joe"}]}, "bylines[1]", "unknown field(s): nam"),
        ({"body": [{"type": "image", "srx": "https://x.test/a.jpg"}]}, "body[0]", "unknown field(s): srx"),
        ({"body": [{"type": "image"}]}, "body[0].src", "is required but missing"),
        ({"sources": [{"name": "AP", "policy": {"notic": "link"}}]}, "sources[0].policy", "unknown field(s): notic"),
    ],
)
def test_a_bad_mapping_reads_like_from_dict(fields: dict[str, Any], path: str, rule: str) -> None:
    with pytest.raises(ValidationError) as info:
        newsroom.Article(guid="urn:x:1", headline="Talks", **fields)
    assert (info.value.path, info.value.rule) == (path, rule)
    assert "cannot build" not in str(info.value)


def test_from_dict_says_the_same_as_the_constructor() -> None:
    with pytest.raises(ValidationError) as built:
        newsroom.Article(guid="urn:x:1", headline="Talks", section={"nme": "World"})
    data = {"format_version": 1, "guid": "urn:x:1", "headline": "Talks", "section": {"nme": "World"}}
    with pytest.raises(ValidationError) as read:
        newsroom.from_dict(data)
    assert (built.value.path, built.value.rule) == (read.value.path, read.value.rule)


# --------------------------------------------------------------------------- JSON exporter options


@pytest.mark.parametrize("options", [{"indnt": 2}, {"indent": "x"}, {"indent": 2}, {"nitf": True, "zz": 1}])
def test_the_json_exporter_refuses_options(options: dict[str, Any], clock: FixedClock) -> None:
    story = sample_article(clock=clock)
    with pytest.raises(newsroom.ExportError) as info:
        newsroom.export(story, "json", clock=clock, options=options)
    err = info.value
    assert err.format == "json"
    assert type(err) is newsroom.ExportError
    for name in options:
        assert name in str(err)
    assert "json takes no options" in str(err)


def test_the_json_exporter_without_options_still_exports(clock: FixedClock) -> None:
    story = sample_article(clock=clock)
    empty: dict[str, Any] = {}
    for options in (None, empty):
        rendition = newsroom.export(story, "json", clock=clock, options=options)
        assert newsroom.loads(rendition.content) == story


def test_managed_fields_given_as_they_are_change_nothing_and_are_accepted() -> None:
    # A CMS form or a partner's sync sends the whole record back with the change in it.
    clock = FixedClock()
    desk = newsroom.Workflow(review_required=False, permissions=None)
    story = newsroom.publish(sample_article(clock=clock), actor=EDITOR, clock=clock, workflow=desk)
    clock.advance(minutes=5)
    updated = newsroom.update(
        story,
        actor=EDITOR,
        clock=clock,
        workflow=desk,
        deck="A new deck",
        first_created=story.first_created,
        published=story.published,
        modified=story.modified,
        version=story.version,
        guid=story.guid,
    )
    assert updated.version == story.version + 1
    assert updated.modified == clock()  # the workflow still sets it
    assert updated.published == story.published
    assert newsroom.verify(updated).ok
    with pytest.raises(newsroom.ValidationError, match="modified: is managed by the workflow"):
        newsroom.update(story, actor=EDITOR, clock=clock, workflow=desk, deck="D", modified=clock())


@pytest.mark.parametrize("change", [{"extra": {"views": "9"}}, {"ed_note": "legal ok"}])
def test_an_update_of_internal_fields_only_makes_no_new_version(change: dict[str, Any]) -> None:
    clock = FixedClock()
    desk = newsroom.Workflow(review_required=False, permissions=None)
    story = newsroom.publish(sample_article(clock=clock), actor=EDITOR, clock=clock, workflow=desk)
    clock.advance(minutes=5)
    with pytest.raises(newsroom.ValidationError, match="only internal fields change") as caught:
        newsroom.update(story, actor=EDITOR, clock=clock, workflow=desk, **change)
    assert "attrs.evolve" in str(caught.value)
    annotated = attrs.evolve(story, **change)  # the way to annotate: the seal still holds
    assert newsroom.verify(annotated).ok
    # With a public change beside it, the update goes through.
    updated = newsroom.update(story, actor=EDITOR, clock=clock, workflow=desk, deck="New", **change)
    assert updated.version == story.version + 1


def test_a_managed_time_sent_back_in_the_repeated_hour_changes_nothing() -> None:
    from zoneinfo import ZoneInfo

    berlin = ZoneInfo("Europe/Berlin")
    at = datetime(2025, 10, 26, 2, 30, tzinfo=berlin, fold=1)  # the second 02:30 of that night
    clock = FixedClock(now=at)
    desk = Workflow(review_required=False, permissions=None)
    story = newsroom.publish(sample_article(clock=clock), actor=EDITOR, clock=clock, workflow=desk)
    clock.now = at.astimezone(UTC) + timedelta(minutes=5)  # wall-clock arithmetic would lose the fold
    after = newsroom.update(story, actor=EDITOR, clock=clock, workflow=desk, deck="New deck", published=at)
    assert after.published == story.published
