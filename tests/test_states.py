"""The publish workflow: every (state, action) pair against MOVES, the guards, and the table itself."""

from __future__ import annotations

import re
from collections import deque
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import attrs
import pytest

import newsroom
from newsroom import (
    MOVES,
    Action,
    Actor,
    Article,
    EmbargoRule,
    GuardError,
    HistoryEntry,
    PermissionDenied,
    PublishState,
    TransitionError,
    ValidationError,
    Workflow,
    transition,
)
from newsroom.testing import EDITOR, FixedClock, sample_article


# The table is tested on its own: no permission policy (permissions are another module's tests).
REVIEW = Workflow(review_required=True, permissions=None)
SMALL_DESK = Workflow(review_required=False, permissions=None)


def table(review_required: bool) -> dict[tuple[PublishState, Action], Any]:
    """The legal moves as the table defines them: rows marked review=False exist only without review."""
    return {(m.source, m.action): m for m in MOVES if not (review_required and m.review is False)}


def shortest_paths() -> dict[PublishState, list[Action]]:
    """For each state, the shortest list of actions from draft, using moves that exist under review."""
    legal = table(review_required=True)
    paths: dict[PublishState, list[Action]] = {PublishState.DRAFT: []}
    queue = deque([PublishState.DRAFT])
    while queue:
        state = queue.popleft()
        for (source, action), move in legal.items():
            if source is state and move.target not in paths:
                paths[move.target] = [*paths[state], action]
                queue.append(move.target)
    return paths


PATHS = shortest_paths()


def arguments(action: Action, clock: FixedClock) -> dict[str, Any]:
    """What each action needs besides the story."""
    if action is Action.SCHEDULE:
        return {"at": clock.now + timedelta(hours=2)}
    if action is Action.KILL:
        return {"note": "legal risk"}
    if action is Action.CORRECT:
        return {"correction": ("correction", "The minister's name was misspelt."), "changes": {"deck": "Corrected"}}
    if action is Action.UPDATE:
        return {"changes": {"deck": "Updated deck"}, "note": "fresh quotes"}
    return {"note": f"{action.value} note"}


def story_in(state: PublishState, clock: FixedClock) -> Article:
    """The sample story moved along the shortest path to ``state``."""
    article = sample_article(clock=clock)
    for action in PATHS[state]:
        clock.advance(minutes=10)
        article = transition(article, action, actor=EDITOR, clock=clock, workflow=REVIEW, **arguments(action, clock))
    assert article.state is state
    return article


PAIRS = [(state, action, review) for review in (True, False) for state in PublishState for action in Action]


class TestEveryPair:
    """Each (state, action) pair does exactly what MOVES says, with and without review."""

    @pytest.mark.parametrize(
        ("state", "action", "review"),
        PAIRS,
        ids=[f"{s.value}-{a.value}-{'review' if r else 'desk'}" for s, a, r in PAIRS],
    )
    def test_pair(self, state: PublishState, action: Action, review: bool, clock: FixedClock) -> None:
        workflow = REVIEW if review else SMALL_DESK
        before = story_in(state, clock)
        clock.advance(minutes=10)
        args = arguments(action, clock)
        move = table(review).get((state, action))
        if move is None:
            with pytest.raises(TransitionError) as info:
                transition(before, action, actor=EDITOR, clock=clock, workflow=workflow, **args)
            err = info.value
            assert type(err) is TransitionError  # the table refused, not a guard or a permission
            allowed = sorted(a.value for (s, a) in table(review) if s is state)
            assert list(err.allowed) == allowed
            assert (err.state, err.action) == (state.value, action.value)
            message = str(err)
            assert action.value in message
            assert state.value in message
            for name in allowed:
                assert name in message
            if not allowed:
                assert "none" in message
            return

        after = transition(before, action, actor=EDITOR, clock=clock, workflow=workflow, **args)
        assert after.state is move.target
        assert after.history[:-1] == before.history
        assert len(after.history) == len(before.history) + 1
        entry = after.history[-1]
        assert entry.action is action
        assert entry.from_state is state
        assert entry.to_state is move.target
        assert entry.at == clock.now
        assert entry.actor == EDITOR.name
        assert entry.note == args.get("note")
        assert after.version == before.version + (1 if move.new_version else 0)
        assert entry.version == after.version
        assert entry.entry_hash
        assert newsroom.verify(after).ok
        assert after.guid == before.guid
        if "changes" in args:
            assert after.deck == args["changes"]["deck"]
        else:
            assert after.deck == before.deck
        if action is Action.SCHEDULE:
            assert after.scheduled_for == args["at"]


class TestTable:
    """MOVES is well formed."""

    @pytest.mark.parametrize("review", [True, False])
    def test_every_state_is_reachable_from_draft(self, review: bool) -> None:
        legal = table(review)
        seen = {PublishState.DRAFT}
        frontier = [PublishState.DRAFT]
        while frontier:
            state = frontier.pop()
            for (source, _action), move in legal.items():
                if source is state and move.target not in seen:
                    seen.add(move.target)
                    frontier.append(move.target)
        assert seen == set(PublishState)

    def test_killed_is_final_and_nothing_else_is(self) -> None:
        exits = {m.source for m in MOVES}
        assert PublishState.KILLED not in exits
        assert exits == set(PublishState) - {PublishState.KILLED}

    def test_no_pair_appears_twice(self) -> None:
        pairs = [(m.source, m.action) for m in MOVES]
        assert len(pairs) == len(set(pairs))

    def test_every_action_is_used(self) -> None:
        assert {m.action for m in MOVES} == set(Action)

    def test_new_versions_come_from_update_correct_and_kill(self) -> None:
        assert {m.action for m in MOVES if m.new_version} == {Action.UPDATE, Action.CORRECT, Action.KILL}

    def test_no_review_rows_start_at_draft(self) -> None:
        assert {m.source for m in MOVES if m.review is False} == {PublishState.DRAFT}

    def test_spiked_leaves_only_by_unspike(self) -> None:
        assert [(m.action, m.target) for m in MOVES if m.source is PublishState.SPIKED] == [
            (Action.UNSPIKE, PublishState.DRAFT)
        ]

    @pytest.mark.parametrize("review", [True, False])
    def test_allowed_actions_and_can_transition_follow_the_table(self, review: bool, clock: FixedClock) -> None:
        workflow = REVIEW if review else SMALL_DESK
        for state in PublishState:
            expected = {a for (s, a) in table(review) if s is state}
            assert set(newsroom.allowed_actions(state, workflow)) == expected
        draft = sample_article(clock=clock)
        for action in Action:
            assert newsroom.can_transition(draft, action, workflow=workflow) is (
                (PublishState.DRAFT, action) in table(review)
            )


class TestMermaid:
    """The diagram is drawn from the table: one edge per move."""

    EDGE = re.compile(r"^\s+(\w+) --> (\w+): (.+)$")

    def edges(self, text: str) -> list[tuple[str, str, str, str]]:
        """One (source, target, action, flags) per move; moves between two states share a drawn edge."""
        out = []
        for line in text.splitlines():
            if m := self.EDGE.match(line):
                for part in m[3].split(" / "):
                    action, _, rest = part.partition(" ")
                    out.append((m[1], m[2], action, rest))
        return out

    def test_one_drawn_edge_per_pair_of_states(self) -> None:
        drawn = [(m[1], m[2]) for line in newsroom.workflow_mermaid().splitlines() if (m := self.EDGE.match(line))]
        assert len(drawn) == len(set(drawn)), "Mermaid draws only one edge per pair of states"

    @pytest.mark.parametrize("workflow", [None, REVIEW, SMALL_DESK], ids=["table", "review", "desk"])
    def test_one_edge_per_move(self, workflow: Workflow | None) -> None:
        moves = [m for m in MOVES if not (workflow is not None and workflow.review_required and m.review is False)]
        edges = self.edges(newsroom.workflow_mermaid(workflow))
        assert len(edges) == len(moves)
        assert {(s, t, a) for s, t, a, _ in edges} == {(m.source.value, m.target.value, m.action.value) for m in moves}

    def test_labels_mark_flags(self) -> None:
        by_edge = {(s, t, a): rest for s, t, a, rest in self.edges(newsroom.workflow_mermaid())}
        for m in MOVES:
            rest = by_edge[m.source.value, m.target.value, m.action.value]
            assert ("no review" in rest) is (m.review is False)
            assert ("version" in rest) is m.new_version

    def test_start_and_final_states(self) -> None:
        text = newsroom.workflow_mermaid()
        assert text.startswith("stateDiagram-v2\n")
        assert "[*] --> draft" in text
        finals = set(PublishState) - {m.source for m in MOVES}
        for state in finals:
            assert f"{state.value} --> [*]" in text


@pytest.fixture
def ready(clock: FixedClock) -> Article:
    return sample_article(clock=clock)


def bare(**fields: Any) -> Article:
    return Article.draft(headline="Bare story", **fields)


class TestPublishGuards:
    """Publishing needs a body, a section, and a byline or source credit."""

    def test_all_reasons_are_listed(self, clock: FixedClock) -> None:
        with pytest.raises(GuardError) as info:
            newsroom.publish(bare(), actor=EDITOR, clock=clock, workflow=SMALL_DESK)
        reasons = info.value.reasons
        assert len(reasons) == 3
        assert any("body" in r for r in reasons)
        assert any("section" in r for r in reasons)
        assert any("byline" in r for r in reasons)
        assert all(r in str(info.value) for r in reasons)

    @pytest.mark.parametrize("missing", ["body", "section", "bylines"])
    def test_each_requirement(self, missing: str, clock: FixedClock) -> None:
        fields: dict[str, Any] = {"body": ["Text."], "section": {"name": "World"}, "bylines": [{"name": "A"}]}
        del fields[missing]
        with pytest.raises(GuardError) as info:
            newsroom.publish(bare(**fields), actor=EDITOR, clock=clock, workflow=SMALL_DESK)
        assert len(info.value.reasons) == 1
        assert missing.rstrip("s") in info.value.reasons[0]

    @pytest.mark.parametrize(
        "credit",
        [{"bylines": [{"name": "A"}]}, {"sources": [{"name": "Kyodo"}]}, {"publisher": {"name": "Example News"}}],
        ids=["byline", "source", "publisher"],
    )
    def test_a_byline_or_a_source_credit_is_enough(self, credit: dict[str, Any], clock: FixedClock) -> None:
        article = bare(body=["Text."], section={"name": "World"}, **credit)
        published = newsroom.publish(article, actor=EDITOR, clock=clock, workflow=SMALL_DESK)
        assert published.state is PublishState.PUBLISHED
        assert published.published == clock.now

    def test_republish_is_guarded_too(self, ready: Article, clock: FixedClock) -> None:
        down = story_in(PublishState.UNPUBLISHED, clock)
        assert newsroom.republish(down, actor=EDITOR, clock=clock, workflow=REVIEW).state is PublishState.PUBLISHED

    def test_publish_keeps_first_publication_time(self, clock: FixedClock) -> None:
        down = story_in(PublishState.UNPUBLISHED, clock)
        first = down.published
        clock.advance(hours=3)
        up = newsroom.republish(down, actor=EDITOR, clock=clock, workflow=REVIEW)
        assert up.published == first


class TestSchedule:
    """Schedule times lie in the future of the injected clock and carry a time zone."""

    @pytest.mark.parametrize("delta", [timedelta(0), timedelta(seconds=-1), timedelta(days=-400)])
    def test_not_in_the_future(self, delta: timedelta, ready: Article, clock: FixedClock) -> None:
        at = clock.now + delta
        with pytest.raises(GuardError, match="not in the future") as info:
            newsroom.schedule(ready, at=at, actor=EDITOR, clock=clock, workflow=SMALL_DESK)
        assert at.isoformat() in str(info.value)

    def test_the_injected_clock_decides(self, ready: Article) -> None:
        future_clock = FixedClock(datetime(2090, 1, 1, tzinfo=UTC))
        at = datetime(2080, 1, 1, tzinfo=UTC)  # future for the machine, past for this clock
        with pytest.raises(GuardError, match="not in the future"):
            newsroom.schedule(ready, at=at, actor=EDITOR, clock=future_clock, workflow=SMALL_DESK)
        past_clock = FixedClock(datetime(2001, 1, 1, tzinfo=UTC))
        at = datetime(2001, 1, 1, 0, 1, tzinfo=UTC)  # past for the machine, future for this clock
        scheduled = newsroom.schedule(ready, at=at, actor=EDITOR, clock=past_clock, workflow=SMALL_DESK)
        assert scheduled.scheduled_for == at

    def test_needs_a_time_zone(self, ready: Article, clock: FixedClock) -> None:
        at = datetime(2099, 1, 1)
        with pytest.raises(GuardError, match="no time zone"):
            newsroom.schedule(ready, at=at, actor=EDITOR, clock=clock, workflow=SMALL_DESK)

    def test_needs_a_time(self, ready: Article, clock: FixedClock) -> None:
        with pytest.raises(GuardError, match="needs a time"):
            transition(ready, "schedule", actor=EDITOR, clock=clock, workflow=SMALL_DESK)

    def test_unschedule_and_publish_clear_the_time(self, ready: Article, clock: FixedClock) -> None:
        at = clock.now + timedelta(hours=1)
        scheduled = newsroom.schedule(ready, at=at, actor=EDITOR, clock=clock, workflow=SMALL_DESK)
        assert newsroom.unschedule(scheduled, actor=EDITOR, clock=clock, workflow=SMALL_DESK).scheduled_for is None
        clock.advance(hours=1)
        published = newsroom.publish(scheduled, actor=EDITOR, clock=clock, workflow=SMALL_DESK)
        assert published.scheduled_for is None
        assert published.published == clock.now

    def test_scheduling_needs_a_publishable_story(self, clock: FixedClock) -> None:
        with pytest.raises(GuardError, match="body"):
            newsroom.schedule(bare(), at=clock.now + timedelta(hours=1), actor=EDITOR, clock=clock, workflow=SMALL_DESK)


class TestEmbargo:
    """Publishing before the embargo is refused or withheld, as the newsroom chooses."""

    def embargoed(self, clock: FixedClock) -> Article:
        return attrs.evolve(sample_article(clock=clock), embargo_until=clock.now + timedelta(hours=6))

    def test_refuse(self, clock: FixedClock) -> None:
        article = self.embargoed(clock)
        workflow = Workflow(review_required=False, embargo=EmbargoRule.REFUSE, permissions=None)
        with pytest.raises(GuardError, match="embargoed") as info:
            newsroom.publish(article, actor=EDITOR, clock=clock, workflow=workflow)
        assert article.embargo_until is not None
        assert article.embargo_until.isoformat() in str(info.value)
        clock.advance(hours=6)
        assert newsroom.publish(article, actor=EDITOR, clock=clock, workflow=workflow).state is PublishState.PUBLISHED

    def test_withhold(self, clock: FixedClock) -> None:
        article = self.embargoed(clock)
        workflow = Workflow(review_required=False, embargo="withhold", permissions=None)
        published = newsroom.publish(article, actor=EDITOR, clock=clock, workflow=workflow, note="go")
        assert published.state is PublishState.PUBLISHED
        assert article.embargo_until is not None
        note = published.history[-1].note or ""
        assert note.startswith("go ")
        assert f"withheld until {article.embargo_until.isoformat()}" in note
        assert published.is_embargoed(clock.now)

    def test_withhold_is_the_default(self) -> None:
        assert Workflow().embargo is EmbargoRule.WITHHOLD

    def test_no_note_after_the_embargo(self, clock: FixedClock) -> None:
        article = self.embargoed(clock)
        clock.advance(hours=7)
        published = newsroom.publish(article, actor=EDITOR, clock=clock, workflow=SMALL_DESK)
        assert published.history[-1].note is None

    def test_schedule_before_the_embargo(self, clock: FixedClock) -> None:
        article = self.embargoed(clock)
        assert article.embargo_until is not None
        refuse = Workflow(review_required=False, embargo="refuse", permissions=None)
        early = clock.now + timedelta(hours=1)
        with pytest.raises(GuardError, match="before the embargo"):
            newsroom.schedule(article, at=early, actor=EDITOR, clock=clock, workflow=refuse)
        on_time = newsroom.schedule(article, at=article.embargo_until, actor=EDITOR, clock=clock, workflow=refuse)
        assert on_time.scheduled_for == article.embargo_until
        withhold = Workflow(review_required=False, embargo="withhold", permissions=None)
        assert newsroom.schedule(article, at=early, actor=EDITOR, clock=clock, workflow=withhold).scheduled_for == early

    def test_bad_rule(self) -> None:
        with pytest.raises(ValidationError, match="'hold'") as info:
            Workflow(embargo="hold")
        assert info.value.path == "embargo"


class TestKill:
    """Kill needs a reason and makes a new version carrying a retraction notice."""

    @pytest.mark.parametrize("reason", ["", "   "])
    def test_needs_a_reason(self, reason: str, clock: FixedClock) -> None:
        published = story_in(PublishState.PUBLISHED, clock)
        with pytest.raises(GuardError, match="reason"):
            newsroom.kill(published, reason=reason, actor=EDITOR, clock=clock, workflow=REVIEW)

    @pytest.mark.parametrize("state", [PublishState.PUBLISHED, PublishState.UNPUBLISHED])
    def test_new_version_with_notice(self, state: PublishState, clock: FixedClock) -> None:
        before = story_in(state, clock)
        clock.advance(minutes=1)
        notice = "This article has been removed for legal reasons."
        killed = newsroom.kill(before, reason="court order", notice=notice, actor=EDITOR, clock=clock, workflow=REVIEW)
        assert killed.state is PublishState.KILLED
        assert killed.version == before.version + 1
        assert killed.history[-1].note == "court order"
        assert killed.corrections[:-1] == before.corrections
        retraction = killed.corrections[-1]
        assert retraction.kind is newsroom.CorrectionKind.RETRACTION
        assert retraction.text == notice
        assert retraction.at == clock.now
        assert retraction.version == killed.version

    def test_default_notice(self, clock: FixedClock) -> None:
        killed = newsroom.kill(
            story_in(PublishState.PUBLISHED, clock), reason="r", actor=EDITOR, clock=clock, workflow=REVIEW
        )
        assert killed.corrections[-1].kind is newsroom.CorrectionKind.RETRACTION
        assert killed.corrections[-1].text

    def test_transition_kill_records_a_retraction_too(self, clock: FixedClock) -> None:
        killed = transition(
            story_in(PublishState.PUBLISHED, clock), "kill", note="r", actor=EDITOR, clock=clock, workflow=REVIEW
        )
        assert [c.kind for c in killed.corrections] == [newsroom.CorrectionKind.RETRACTION]

    def test_killed_cannot_be_revived(self, clock: FixedClock) -> None:
        killed = story_in(PublishState.KILLED, clock)
        for verb in (newsroom.republish, newsroom.unspike, newsroom.publish):
            with pytest.raises(TransitionError, match="none"):
                verb(killed, actor=EDITOR, clock=clock, workflow=SMALL_DESK)


class TestCorrectAndUpdate:
    """Correct and update make new versions; correct adds a correction record."""

    @pytest.mark.parametrize("kind", list(newsroom.CorrectionKind))
    def test_correct(self, kind: newsroom.CorrectionKind, clock: FixedClock) -> None:
        before = story_in(PublishState.PUBLISHED, clock)
        clock.advance(hours=1)
        text = f"A {kind.value}: the summit was in Tokyo."
        after = newsroom.correct(
            before, text=text, kind=kind.value, actor=EDITOR, clock=clock, workflow=REVIEW, deck="Fixed deck"
        )
        assert after.version == before.version + 1
        assert after.deck == "Fixed deck"
        assert after.corrections == (
            *before.corrections,
            newsroom.Correction(kind=kind, text=text, at=clock.now, version=after.version),
        )
        assert after.modified == clock.now
        assert after.published == before.published

    def test_correct_needs_text(self, clock: FixedClock) -> None:
        with pytest.raises(GuardError, match="correction"):
            newsroom.correct(
                story_in(PublishState.PUBLISHED, clock), text=" ", actor=EDITOR, clock=clock, workflow=REVIEW
            )

    def test_correct_needs_a_known_kind(self, clock: FixedClock) -> None:
        with pytest.raises(ValidationError, match="'erratum'"):
            newsroom.correct(
                story_in(PublishState.PUBLISHED, clock),
                text="x",
                kind="erratum",
                actor=EDITOR,
                clock=clock,
                workflow=REVIEW,
            )

    def test_update(self, clock: FixedClock) -> None:
        before = story_in(PublishState.PUBLISHED, clock)
        clock.advance(hours=2)
        after = newsroom.update(
            before, actor=EDITOR, clock=clock, workflow=REVIEW, note="new quotes", headline="New headline", urgency=2
        )
        assert (after.headline, after.urgency) == ("New headline", 2)
        assert after.version == before.version + 1
        assert after.modified == clock.now
        assert after.published == before.published
        assert after.corrections == before.corrections
        assert after.history[-1].note == "new quotes"

    def test_changes_are_validated(self, clock: FixedClock) -> None:
        with pytest.raises(ValidationError) as info:
            newsroom.update(
                story_in(PublishState.PUBLISHED, clock), actor=EDITOR, clock=clock, workflow=REVIEW, urgency=0
            )
        assert info.value.path == "urgency"

    def test_update_cannot_empty_a_published_story(self, clock: FixedClock) -> None:
        with pytest.raises(GuardError, match="body"):
            newsroom.update(
                story_in(PublishState.PUBLISHED, clock), actor=EDITOR, clock=clock, workflow=REVIEW, body=[]
            )

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("guid", "urn:newsroom:another"),
            ("version", 7),
            ("state", PublishState.DRAFT),
            ("history", ()),
            ("corrections", ("a correction",)),
        ],
    )
    def test_managed_fields_are_refused(self, field: str, value: Any, clock: FixedClock) -> None:
        published = story_in(PublishState.PUBLISHED, clock)
        with pytest.raises(ValidationError, match="managed by the workflow") as info:
            newsroom.update(published, actor=EDITOR, clock=clock, workflow=REVIEW, deck="New", **{field: value})
        assert info.value.path == field

    @pytest.mark.parametrize("field", ["guid", "version", "state", "history", "corrections"])
    def test_managed_fields_given_as_they_are_change_nothing(self, field: str, clock: FixedClock) -> None:
        published = story_in(PublishState.PUBLISHED, clock)
        kept = {field: getattr(published, field)}
        with pytest.raises(ValidationError, match="update changes nothing") as info:
            newsroom.update(published, actor=EDITOR, clock=clock, workflow=REVIEW, **kept)
        assert info.value.path == "changes"
        after = newsroom.update(published, actor=EDITOR, clock=clock, workflow=REVIEW, deck="New", **kept)
        assert after.version == published.version + 1
        assert newsroom.verify(after).ok

    def test_unknown_fields_are_refused(self, clock: FixedClock) -> None:
        with pytest.raises(ValidationError) as info:
            newsroom.update(
                story_in(PublishState.PUBLISHED, clock), actor=EDITOR, clock=clock, workflow=REVIEW, colour="red"
            )
        assert info.value.path == "colour"

    def test_only_update_and_correct_take_changes(self, clock: FixedClock) -> None:
        published = story_in(PublishState.PUBLISHED, clock)
        with pytest.raises(ValidationError) as info:
            transition(published, "unpublish", actor=EDITOR, clock=clock, workflow=REVIEW, changes={"deck": "x"})
        assert info.value.path == "changes"

    def test_only_correct_and_kill_take_a_correction(self, clock: FixedClock) -> None:
        published = story_in(PublishState.PUBLISHED, clock)
        with pytest.raises(ValidationError) as info:
            transition(published, "update", actor=EDITOR, clock=clock, workflow=REVIEW, correction=("correction", "x"))
        assert info.value.path == "correction"


class TestStateIntegrity:
    """A story's state changes only through transitions."""

    def test_evolve_state_alone_is_refused(self, ready: Article) -> None:
        with pytest.raises(ValidationError) as info:
            attrs.evolve(ready, state=PublishState.PUBLISHED)
        assert info.value.path == "state"

    def test_evolve_must_match_the_last_entry(self, clock: FixedClock) -> None:
        published = story_in(PublishState.PUBLISHED, clock)
        with pytest.raises(ValidationError, match="last history entry") as info:
            attrs.evolve(published, state=PublishState.KILLED)
        assert info.value.path == "state"

    def test_forged_entry_fails_the_audit(self, clock: FixedClock) -> None:
        published = story_in(PublishState.PUBLISHED, clock)
        forged = HistoryEntry(
            action="kill", from_state="published", to_state="killed", at=clock.now, actor="Nobody", version=2
        )
        tampered = attrs.evolve(published, state=PublishState.KILLED, history=(*published.history, forged))
        report = newsroom.verify(tampered)
        assert not report.ok
        assert report.index == len(published.history)

    def test_clock_must_be_aware(self, ready: Article) -> None:
        with pytest.raises(ValidationError) as info:
            newsroom.submit(ready, actor=EDITOR, clock=lambda: datetime(2026, 1, 1), workflow=REVIEW)
        assert info.value.path == "clock"

    def test_transitions_do_not_change_the_input(self, ready: Article, clock: FixedClock) -> None:
        copy = attrs.evolve(ready)
        newsroom.submit(ready, actor=EDITOR, clock=clock, workflow=REVIEW)
        assert ready == copy
        assert ready.history == ()

    def test_actions_by_name(self, ready: Article, clock: FixedClock) -> None:
        assert transition(ready, "submit", actor=EDITOR, clock=clock, workflow=REVIEW).state is PublishState.IN_REVIEW
        with pytest.raises(ValueError, match="'launch'"):
            transition(ready, "launch", actor=EDITOR, clock=clock, workflow=REVIEW)


class _RefuseEverything:
    def __init__(self) -> None:
        self.calls: list[tuple[str, Action, PublishState, str | None]] = []

    def refusal(self, actor: Actor, action: Action, state: PublishState, section: str | None) -> str | None:
        self.calls.append((actor.name, action, state, section))
        return "interns may only read"


class TestPermissions:
    """The permission check runs first, and its refusal names the actor and the rule."""

    def test_refusal(self, ready: Article, clock: FixedClock) -> None:
        check = _RefuseEverything()
        workflow = Workflow(review_required=True, permissions=check)
        intern = Actor(name="Intern", roles={"intern"})
        with pytest.raises(PermissionDenied) as info:
            newsroom.submit(ready, actor=intern, clock=clock, workflow=workflow)
        assert info.value.actor == "Intern"
        assert info.value.rule == "interns may only read"
        assert "Intern" in str(info.value)
        assert check.calls == [
            ("Intern", Action.SUBMIT, PublishState.DRAFT, ready.section.path if ready.section else None)
        ]

    def test_permission_before_table(self, ready: Article, clock: FixedClock) -> None:
        workflow = Workflow(review_required=True, permissions=_RefuseEverything())
        with pytest.raises(PermissionDenied):
            transition(ready, "kill", note="x", actor=EDITOR, clock=clock, workflow=workflow)

    def test_can_transition_asks_the_check(self, ready: Article) -> None:
        workflow = Workflow(review_required=True, permissions=_RefuseEverything())
        assert newsroom.can_transition(ready, "submit", workflow=workflow)
        assert not newsroom.can_transition(ready, "submit", actor=EDITOR, workflow=workflow)

    def test_test_editor_may_do_the_whole_default_workflow(self, ready: Article, clock: FixedClock) -> None:
        article = ready
        for verb in (newsroom.submit, newsroom.approve, newsroom.publish):
            clock.advance(minutes=1)
            article = verb(article, actor=EDITOR, clock=clock)
        assert article.state is PublishState.PUBLISHED


# --------------------------------------------------------------------------- times compared as instants


def test_schedule_compares_instants_in_the_hour_the_clocks_go_back() -> None:
    from zoneinfo import ZoneInfo

    ny = ZoneInfo("America/New_York")
    desk = newsroom.Workflow(review_required=False, permissions=None)
    # The second 01:30 (06:30 UTC): 01:45 of the first pass (05:45 UTC) is already past.
    clock = FixedClock(datetime(2025, 11, 2, 1, 30, tzinfo=ny, fold=1))
    with pytest.raises(newsroom.GuardError, match="is not in the future"):
        newsroom.schedule(
            sample_article(clock=clock),
            at=datetime(2025, 11, 2, 1, 45, tzinfo=ny),
            actor=EDITOR,
            clock=clock,
            workflow=desk,
        )
    # The first 01:45 (05:45 UTC): the second 01:30 (06:30 UTC) is 45 minutes ahead.
    clock = FixedClock(datetime(2025, 11, 2, 1, 45, tzinfo=ny))
    story = newsroom.schedule(
        sample_article(clock=clock),
        at=datetime(2025, 11, 2, 1, 30, tzinfo=ny, fold=1),
        actor=EDITOR,
        clock=clock,
        workflow=desk,
    )
    assert story.scheduled_for == datetime(2025, 11, 2, 6, 30, tzinfo=UTC)
    assert newsroom.verify(story).ok, newsroom.verify(story).problem


@pytest.mark.parametrize(
    "moment",
    [
        datetime.min.replace(tzinfo=timezone(timedelta(seconds=30))),
        datetime.max.replace(tzinfo=timezone(-timedelta(seconds=30))),
    ],
)
def test_a_time_whose_utc_moment_is_out_of_range_is_a_field_error(moment: datetime) -> None:
    with pytest.raises(newsroom.ValidationError) as info:
        newsroom.Article(guid="g", headline="h", published=moment)
    assert info.value.path == "published"
    assert "outside the years 1 to 9999" in info.value.rule
    with pytest.raises(newsroom.ValidationError, match=r"^published: "):
        newsroom.loads('{"format_version": 1, "guid": "g", "headline": "h", "published": "' + moment.isoformat() + '"}')


@pytest.mark.parametrize(("field", "value"), [("roles", {"edit\ud800"}), ("desks", ("world", 3))])
def test_actor_roles_and_desks_are_text(field: str, value: Any) -> None:
    with pytest.raises(newsroom.ValidationError) as info:
        newsroom.Actor(name="Ann", **{field: value})
    assert info.value.path == field
