"""Publish states as one table, and the pure functions that move a story through it.

:data:`MOVES` is the whole workflow: every legal (state, action) pair and where it leads.
:func:`transition` checks the actor's permission, then the table, then the action's guards,
and returns a new :class:`~newsroom.articles.Article` with a hash-chained
:class:`HistoryEntry`. The verbs (:func:`submit`, :func:`publish`, :func:`kill`...) are thin
wrappers. Nothing here mutates anything or reads the clock itself: "now" comes from the
injected ``clock``.

This module is part of the model: it must never import lxml, a plugin or the CLI.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime, timedelta
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final, Protocol

import attrs

from newsroom.errors import GuardError, PermissionDenied, TransitionError, ValidationError
from newsroom.validators import (
    aware_datetime,
    clean_text,
    enum_value,
    fixed_offset,
    is_bool,
    non_empty,
    optional_str,
    optional_text,
    schema_hint,
    str_set,
    str_tuple,
    surrogate_rule,
    whole_number,
)


if TYPE_CHECKING:
    from newsroom.articles import Article


__all__ = [
    "MOVES",
    "PUBLIC_STATES",
    "Action",
    "Actor",
    "EmbargoRule",
    "HistoryEntry",
    "Move",
    "PermissionCheck",
    "PublishState",
    "Workflow",
    "allowed_actions",
    "approve",
    "can_transition",
    "correct",
    "kill",
    "publish",
    "republish",
    "schedule",
    "send_back",
    "spike",
    "submit",
    "transition",
    "unpublish",
    "unschedule",
    "unspike",
    "update",
    "workflow_mermaid",
]

Clock = Callable[[], datetime]


class PublishState(enum.StrEnum):
    """Where a story stands."""

    DRAFT = "draft"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    SCHEDULED = "scheduled"
    PUBLISHED = "published"
    UNPUBLISHED = "unpublished"
    KILLED = "killed"
    SPIKED = "spiked"


class Action(enum.StrEnum):
    """What an editor does to a story."""

    SUBMIT = "submit"
    SEND_BACK = "send_back"
    APPROVE = "approve"
    SCHEDULE = "schedule"
    UNSCHEDULE = "unschedule"
    PUBLISH = "publish"
    UPDATE = "update"
    CORRECT = "correct"
    UNPUBLISH = "unpublish"
    REPUBLISH = "republish"
    KILL = "kill"
    SPIKE = "spike"
    UNSPIKE = "unspike"


PUBLIC_STATES: Final = frozenset({PublishState.PUBLISHED, PublishState.KILLED})
"""States in which the story has been seen by the public (a killed story shows its notice)."""

LOCKED_STATES: Final = frozenset(
    {
        PublishState.APPROVED,
        PublishState.SCHEDULED,
        PublishState.PUBLISHED,
        PublishState.UNPUBLISHED,
        PublishState.KILLED,
    }
)
"""States in which the text may change only through a transition (update, correct, send back)."""


class Move:
    """One row of the table: ``action`` takes a story from ``source`` to ``target``."""

    __slots__ = ("action", "new_version", "review", "source", "target")

    def __init__(
        self,
        source: PublishState,
        action: Action,
        target: PublishState,
        *,
        review: bool | None = None,
        new_version: bool = False,
    ) -> None:
        self.source = source
        self.action = action
        self.target = target
        self.review = review
        """``False``: the move exists only where review is not required (small desks)."""
        self.new_version = new_version
        """Whether the move makes a new public version."""

    def __repr__(self) -> str:
        return f"Move({self.source.value} --{self.action.value}--> {self.target.value})"


S, A = PublishState, Action

MOVES: Final[tuple[Move, ...]] = (
    Move(S.DRAFT, A.SUBMIT, S.IN_REVIEW),
    Move(S.DRAFT, A.SCHEDULE, S.SCHEDULED, review=False),
    Move(S.DRAFT, A.PUBLISH, S.PUBLISHED, review=False),
    Move(S.DRAFT, A.SPIKE, S.SPIKED),
    Move(S.IN_REVIEW, A.SEND_BACK, S.DRAFT),
    Move(S.IN_REVIEW, A.APPROVE, S.APPROVED),
    Move(S.IN_REVIEW, A.SPIKE, S.SPIKED),
    Move(S.APPROVED, A.SEND_BACK, S.DRAFT),
    Move(S.APPROVED, A.SCHEDULE, S.SCHEDULED),
    Move(S.APPROVED, A.PUBLISH, S.PUBLISHED),
    Move(S.APPROVED, A.SPIKE, S.SPIKED),
    Move(S.SCHEDULED, A.UNSCHEDULE, S.APPROVED),
    Move(S.SCHEDULED, A.PUBLISH, S.PUBLISHED),
    Move(S.PUBLISHED, A.UPDATE, S.PUBLISHED, new_version=True),
    Move(S.PUBLISHED, A.CORRECT, S.PUBLISHED, new_version=True),
    Move(S.PUBLISHED, A.UNPUBLISH, S.UNPUBLISHED),
    Move(S.PUBLISHED, A.KILL, S.KILLED, new_version=True),
    Move(S.UNPUBLISHED, A.REPUBLISH, S.PUBLISHED),
    Move(S.UNPUBLISHED, A.KILL, S.KILLED, new_version=True),
    Move(S.SPIKED, A.UNSPIKE, S.DRAFT),
)
"""The workflow. Killed is final; spiked is left only by unspike."""

del S, A


class EmbargoRule(enum.StrEnum):
    """What publishing before the embargo does."""

    REFUSE = "refuse"
    """Refuse: schedule the story for its embargo time instead."""
    WITHHOLD = "withhold"
    """Publish, but the story is withheld from public formats until the embargo lifts."""


def _text_items(_inst: object, attr: Any, value: Any) -> None:
    """Every item is text that a UTF-8 file can hold."""
    for item in value:
        if not isinstance(item, str):
            raise ValidationError(attr.name, f"items must be text, not {type(item).__name__}")
        rule = None if item.isascii() else surrogate_rule(item, f"{item!a}")
        if rule is not None:
            raise ValidationError(attr.name, rule)


@attrs.frozen(kw_only=True)
class Actor:
    """Someone who acts on stories: a name, roles, and the desks (section paths) they work."""

    name: str = attrs.field(converter=clean_text, validator=non_empty)
    """How the actor is recorded in history."""
    roles: frozenset[str] = attrs.field(factory=frozenset, converter=str_set, validator=_text_items)
    """Role names, e.g. ``reporter``, ``editor``, ``legal``."""
    desks: tuple[str, ...] = attrs.field(factory=tuple, converter=str_tuple, validator=_text_items)
    """Section paths they work on; ``world`` covers ``world/europe``."""


class PermissionCheck(Protocol):
    """Anything that can refuse an actor a move (see :mod:`newsroom.permissions`)."""

    def refusal(self, actor: Actor, action: Action, state: PublishState, section: str | None) -> str | None:
        """Return the rule that refuses the move, or ``None`` if it is allowed."""


def _embargo_rule(value: EmbargoRule | str) -> EmbargoRule:
    return enum_value(EmbargoRule, value, "embargo")


def _default_permissions() -> PermissionCheck:
    # Deferred: newsroom.permissions imports this module's enums and the table above.
    from newsroom.permissions import DEFAULT_POLICY

    return DEFAULT_POLICY


@attrs.frozen(kw_only=True)
class Workflow:
    """A newsroom's workflow settings."""

    review_required: bool = attrs.field(default=True, validator=is_bool)
    """When false, drafts may be published or scheduled directly (small desks)."""
    embargo: EmbargoRule = attrs.field(default=EmbargoRule.WITHHOLD, converter=_embargo_rule)
    """What publishing before the embargo does."""
    permissions: PermissionCheck | None = attrs.field(factory=_default_permissions)
    """Who may do what: :data:`newsroom.permissions.DEFAULT_POLICY` unless given; ``None`` lets
    every actor make every legal move (for tools that replay or import history)."""

    def moves(self) -> tuple[Move, ...]:
        """The rows of :data:`MOVES` that apply under these settings."""
        if self.review_required:
            return tuple(m for m in MOVES if m.review is not False)
        return MOVES


DEFAULT_WORKFLOW: Final = Workflow()

KILL_NOTICES: Final = MappingProxyType(
    {
        "en": "This story has been withdrawn by the publisher.",
        "ru": "Материал отозван редакцией.",
        "az": "Bu material redaksiya tərəfindən geri çağırılıb.",
    }
)
"""The retraction notice a kill records when none is given, by language (English otherwise)."""

DEFAULT_KILL_NOTICE: Final = KILL_NOTICES["en"]
"""The English kill notice."""


def kill_notice_text(language: str) -> str:
    """The standard kill notice in ``language`` (its primary subtag), or English."""
    return KILL_NOTICES.get(language.split("-", maxsplit=1)[0].lower(), DEFAULT_KILL_NOTICE)


def _action_conv(value: Action | str) -> Action:
    return enum_value(Action, value, "action")


def _from_state_conv(value: PublishState | str) -> PublishState:
    return enum_value(PublishState, value, "from_state")


def _to_state_conv(value: PublishState | str) -> PublishState:
    return enum_value(PublishState, value, "to_state")


_HEX_DIGITS: Final = frozenset("0123456789abcdef")


def _digest(_inst: object, attr: Any, value: Any) -> None:
    """A SHA-256 digest in lowercase hex, or empty (not sealed)."""
    if type(value) is not str or (value and (len(value) != 64 or not _HEX_DIGITS.issuperset(value))):  # noqa: PLR2004
        raise ValidationError(attr.name, f"must be a SHA-256 digest (64 lowercase hex digits) or empty, not {value!r}")


schema_hint(_digest, pattern="^([0-9a-f]{64})?$")


@attrs.frozen(kw_only=True)
class HistoryEntry:
    """One transition, as recorded in the story's history."""

    action: Action = attrs.field(converter=_action_conv)
    """What was done."""
    from_state: PublishState = attrs.field(converter=_from_state_conv)
    """The state before."""
    to_state: PublishState = attrs.field(converter=_to_state_conv)
    """The state after."""
    at: datetime = attrs.field(converter=fixed_offset, validator=aware_datetime)
    """When."""
    actor: str = attrs.field(converter=clean_text, validator=non_empty)
    """Who."""
    version: int = attrs.field(default=1, validator=whole_number(1))
    """The story's version after the move."""
    note: str | None = attrs.field(
        default=None, converter=optional_text, validator=optional_str, metadata={"internal": True}
    )
    """Why, in the actor's words (a kill's reason, a reviewer's comment). Internal: never shown in
    a public rendition."""
    content_hash: str = attrs.field(default="", validator=_digest)
    """SHA-256 of the story's content after the move (see :mod:`newsroom.audit`)."""
    prev_hash: str = attrs.field(default="", validator=_digest)
    """The ``entry_hash`` of the entry before, empty for the first."""
    entry_hash: str = attrs.field(default="", validator=_digest)
    """SHA-256 over this entry's fields, chaining it to the one before."""


_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)


def _instant(moment: datetime) -> timedelta:
    """``moment`` as time since the epoch: exact, and compared as instants.

    Two times in the same named zone compare by their wall clocks, which ignores ``fold``: the
    second 01:30 of a night the clocks go back would come before the first 01:45.
    """
    return moment - _EPOCH


def allowed_actions(state: PublishState, workflow: Workflow = DEFAULT_WORKFLOW) -> tuple[Action, ...]:
    """The actions the table allows from ``state``."""
    return tuple(m.action for m in workflow.moves() if m.source is state)


def _move(state: PublishState, action: Action, workflow: Workflow) -> Move:
    for move in workflow.moves():
        if move.source is state and move.action is action:
            return move
    allowed = [a.value for a in allowed_actions(state, workflow)]
    message = None
    if any(m.source is state and m.action is action for m in MOVES):
        message = (
            f"cannot {action.value} a story that is {state.value} while review is required; "
            f"allowed actions from {state.value}: {', '.join(allowed)}"
        )
    raise TransitionError(state.value, action.value, allowed, message)


def _action_arg(action: object, state: PublishState, workflow: Workflow) -> Action:
    """``action`` as an :class:`Action`, or a ValidationError listing what is allowed from ``state``."""
    if isinstance(action, Action):
        return action
    member = Action._value2member_map_.get(action) if isinstance(action, str) else None
    if member is not None:
        return member  # type: ignore[return-value]
    allowed = ", ".join(a.value for a in allowed_actions(state, workflow)) or "none (the state is final)"
    every = ", ".join(a.value for a in Action)
    raise ValidationError(
        "action", f"{action!r} is not an action; allowed actions from {state.value}: {allowed} (all actions: {every})"
    )


def _check_actor(actor: object) -> None:
    # A name alone cannot be checked against the permissions; say which type is wanted.
    if not isinstance(actor, Actor):
        raise ValidationError(
            "actor",
            f"must be a newsroom.Actor, not {type(actor).__name__} ({actor!r}); "
            "e.g. newsroom.Actor(name='Sam Okafor', roles={'editor'}, desks=['world'])",
        )


def can_transition(
    article: Article, action: Action | str, *, actor: Actor | None = None, workflow: Workflow = DEFAULT_WORKFLOW
) -> bool:
    """Whether the table (and, given an actor, the permissions) allow ``action`` now.

    Guards that need the action's arguments (a schedule time, a kill reason) are not run.
    An ``action`` that is no :class:`Action` raises :class:`~newsroom.errors.ValidationError`.
    """
    action = _action_arg(action, article.state, workflow)
    if actor is not None:
        _check_actor(actor)
    if not any(m.source is article.state and m.action is action for m in workflow.moves()):
        return False
    if actor is not None and workflow.permissions is not None:
        section = article.section.path if article.section else None
        return workflow.permissions.refusal(actor, action, article.state, section) is None
    return True


def transition(
    article: Article,
    action: Action | str,
    *,
    actor: Actor,
    clock: Clock,
    workflow: Workflow = DEFAULT_WORKFLOW,
    note: str | None = None,
    changes: Mapping[str, Any] | None = None,
    at: datetime | None = None,
    correction: tuple[str, str] | None = None,
) -> Article:
    """Apply ``action`` to ``article`` and return the new story with a history entry.

    Order of checks: the actor's permission, the table, then the action's guards. Each
    failure raises a :class:`~newsroom.errors.TransitionError` subclass that says why and
    lists the actions that are allowed.

    Args:
        article: The story.
        action: What to do.
        actor: Who does it; recorded in history and checked against ``workflow.permissions``.
        clock: Returns "now" as an aware datetime.
        workflow: The newsroom's settings.
        note: The actor's note (required for kill, where it is the reason).
        changes: Field changes that come with an update or correction.
        at: The time for schedule.
        correction: ``(kind, text)`` for correct.
    """
    from newsroom import audit

    state = article.state
    action = _action_arg(action, state, workflow)
    _check_actor(actor)
    allowed = [a.value for a in allowed_actions(state, workflow)]
    if workflow.permissions is not None:
        section = article.section.path if article.section else None
        rule = workflow.permissions.refusal(actor, action, state, section)
        if rule is not None:
            raise PermissionDenied(state.value, action.value, allowed, actor.name, rule)
    move = _move(state, action, workflow)
    now = _now(article, action, clock)
    fields: dict[str, Any] = dict(changes or {})
    _check_arguments(article, action, fields, correction, now)
    if action is Action.KILL and correction is None:
        correction = ("retraction", kill_notice_text(article.language))
    reasons = list(_guards(article, action, now=now, at=at, note=note, correction=correction, workflow=workflow))
    reasons += _changed_outside_workflow(article)
    if reasons:
        raise GuardError(state.value, action.value, allowed, reasons)

    version = article.version + 1 if move.new_version else article.version
    fields["state"] = move.target
    fields["version"] = version
    if action is Action.SCHEDULE:
        fields["scheduled_for"] = at
    elif action in {Action.UNSCHEDULE, Action.PUBLISH}:
        fields["scheduled_for"] = None
    if action is Action.PUBLISH:
        fields.setdefault("published", article.published or now)
        fields.setdefault("modified", now)
    if move.new_version:
        fields.setdefault("modified", now)
    if correction is not None:
        from newsroom.articles import Correction

        kind, text = correction
        fields["corrections"] = (*article.corrections, Correction(kind=kind, text=text, at=now, version=version))
    if action is Action.PUBLISH and article.is_embargoed(now):
        note = (note + " " if note else "") + f"(withheld until {article.embargo_until.isoformat()})"  # type: ignore[union-attr]
    entry = HistoryEntry(
        action=action, from_state=state, to_state=move.target, at=now, actor=actor.name, version=version, note=note
    )
    # Build the new content first (history unchanged), then seal the entry against it.
    staged = attrs.evolve(article, history=(*article.history, entry), **fields)
    if action is Action.UPDATE:
        _check_changes(article, staged, changes or {})
    if action in {Action.UPDATE, Action.CORRECT}:
        # A new public version must still be publishable: no update may empty the body.
        reasons = list(_publishable(staged))
        if reasons:
            raise GuardError(state.value, action.value, allowed, reasons)
    sealed = audit.seal(entry, staged, article.history[-1] if article.history else None)
    return attrs.evolve(staged, history=(*article.history, sealed))


MANAGED_FIELDS: Final = frozenset(
    {"guid", "version", "state", "history", "corrections", "first_created", "published", "modified", "scheduled_for"}
)
"""Fields only the workflow sets: no update or correction may change them (``scheduled_for``
is set by schedule and cleared by unschedule and publish)."""


def _now(article: Article, action: Action, clock: Clock) -> datetime:
    """The clock's time, aware and not before the story's last move (it may equal it)."""
    now = clock()
    if not isinstance(now, datetime) or now.utcoffset() is None:  # type: ignore[redundant-expr]
        raise ValidationError("clock", f"must return an aware datetime, not {now!r}")
    if not article.history:
        return now
    last = article.history[-1]
    if now < last.at:
        i = len(article.history) - 1
        raise ValidationError(
            "clock",
            f"returned {now.isoformat()}, before the story's last move (history[{i}], {last.action.value}, at "
            f"{last.at.isoformat()}); {action.value} cannot happen before it: time cannot run backwards",
        )
    return now


def _check_arguments(
    article: Article,
    action: Action,
    fields: dict[str, Any],
    correction: tuple[str, str] | None,
    now: datetime,
) -> None:
    """Refuse what an action may not change; managed fields given as they already are are dropped."""
    for name in set(fields) & MANAGED_FIELDS:
        # A form or a partner's sync may send the whole record: a managed field given as it
        # already is changes nothing, and the workflow sets it as usual.
        value, current = fixed_offset(fields[name]), getattr(article, name)  # a zoned time as the model keeps it
        if type(value) is type(current) and value == current:
            del fields[name]
    forbidden = sorted(set(fields) & MANAGED_FIELDS)
    if forbidden:
        name = forbidden[0]
        rule = "is managed by the workflow and cannot be changed with an action"
        if name == "scheduled_for":
            rule += " (schedule sets it, unschedule and publish clear it)"
        raise ValidationError(name, rule)
    unknown = sorted(set(fields) - set(attrs.fields_dict(type(article))))
    if unknown:
        raise ValidationError(unknown[0], "is not a field of Article, so an action cannot change it")
    if fields and action not in {Action.UPDATE, Action.CORRECT}:
        raise ValidationError("changes", f"only update and correct change a story's content, not {action.value}")
    if "embargo_until" in fields and fields["embargo_until"] != article.embargo_until and not article.is_embargoed(now):
        # Update and correct act on published stories: once one has been public, no embargo can
        # take that back. While a published story is still withheld, its embargo may move.
        since = max((t for t in (article.published, article.embargo_until) if t is not None), default=None)
        when = f" since {since.isoformat()}" if since else ""
        raise ValidationError(
            "embargo_until",
            f"cannot change: the story has been public{when}; an embargo can be set or moved only "
            "before publication, or while a published story is still withheld under its embargo",
        )
    if correction is not None and action not in {Action.CORRECT, Action.KILL}:
        raise ValidationError("correction", f"only correct and kill record a correction, not {action.value}")


def _sealed_with_extra(article: Article) -> bool:
    """Whether the story's last seal took ``extra`` in (as before it became internal)."""
    from newsroom import audit

    return bool(article.history) and audit.content_hash(article) != article.history[-1].content_hash


def _check_changes(article: Article, staged: Article, changes: Mapping[str, Any]) -> None:
    """An update makes a new public version, so it must change something a reader sees."""
    changed = [
        name for name in changes if name not in MANAGED_FIELDS and getattr(staged, name) != getattr(article, name)
    ]
    from newsroom import audit

    internal = audit.internal_fields(type(article))
    if any(name not in internal for name in changed):
        return
    if changed and _sealed_with_extra(article):
        return  # sealed when extra was in the hash: only an update can change it and re-seal the story
    if changed:  # only internal fields: no new version for partners, and no seal needed to change them
        given = f"only internal fields change ({', '.join(sorted(changed))}), which no public version shows"
        hint = "change them with attrs.evolve(story, ...), which keeps the story's seal"
    else:
        given = f"every field given ({', '.join(sorted(changes))}) equals the story's" if changes else "no field given"
        hint = "pass the fields to change, e.g. headline=... or body=..."
    raise ValidationError("changes", f"update changes nothing: {given}; {hint}")


def _guards(
    article: Article,
    action: Action,
    *,
    now: datetime,
    at: datetime | None,
    note: str | None,
    correction: tuple[str, str] | None,
    workflow: Workflow,
) -> Iterable[str]:
    if action in {Action.PUBLISH, Action.SCHEDULE, Action.REPUBLISH}:
        yield from _publishable(article)
    if action is Action.SCHEDULE:
        if not isinstance(at, datetime):
            yield f"schedule needs a time (at=...), not {at!r}"
        elif at.utcoffset() is None:
            yield f"schedule time {at.isoformat()} has no time zone"
        elif _instant(at) <= _instant(now):
            yield f"schedule time {at.isoformat()} is not in the future (now is {now.isoformat()})"
        elif (
            article.embargo_until
            and _instant(at) < _instant(article.embargo_until)
            and workflow.embargo is EmbargoRule.REFUSE
        ):
            yield f"schedule time {at.isoformat()} is before the embargo ({article.embargo_until.isoformat()})"
    if action is Action.PUBLISH and article.is_embargoed(now) and workflow.embargo is EmbargoRule.REFUSE:
        when = article.embargo_until.isoformat()  # type: ignore[union-attr]
        yield f"the story is embargoed until {when}; schedule it for then, or use the 'withhold' embargo rule"
    if action is Action.KILL and not (note and note.strip()):
        yield "kill needs a reason (kill(reason=...), or note=... when calling transition)"
    if action is Action.CORRECT and (correction is None or not correction[1].strip()):
        yield "correct needs the correction's kind and text"


def _changed_outside_workflow(article: Article) -> list[str]:
    """A locked story whose content no longer matches its last sealed entry cannot move on.

    Otherwise the next transition would seal the edited text as if the workflow had made it.
    """
    from newsroom import audit

    if article.state not in LOCKED_STATES or not article.history or not article.history[-1].content_hash:
        return []
    last = article.history[-1]
    if audit.content_matches(article, last.content_hash):
        return []
    i = len(article.history) - 1
    reason = (
        f"the story's content differs from what history[{i}] ({last.action.value}) recorded: it was changed "
        "outside the workflow; start again from the recorded story and change it with update or correct"
    )
    return [reason]


def _publishable(article: Article) -> Iterable[str]:
    from newsroom.attribution import obligations

    if not article.headline.strip():
        yield "it needs a headline"
    if not article.body:
        yield "it needs a body"
    if article.section is None:
        yield "it needs a section"
    if not article.bylines and not article.sources and article.publisher is None:
        yield "it needs a byline or a source credit"
    for owed in obligations(article):
        if not owed.url:
            yield f"attribution to {owed.source} has no link to place"


# --------------------------------------------------------------------------- verbs


def submit(
    article: Article, *, actor: Actor, clock: Clock, workflow: Workflow = DEFAULT_WORKFLOW, note: str | None = None
) -> Article:
    """Send a draft for review."""
    return transition(article, Action.SUBMIT, actor=actor, clock=clock, workflow=workflow, note=note)


def send_back(
    article: Article, *, actor: Actor, clock: Clock, workflow: Workflow = DEFAULT_WORKFLOW, note: str | None = None
) -> Article:
    """Return a story in review (or approved) to its author as a draft."""
    return transition(article, Action.SEND_BACK, actor=actor, clock=clock, workflow=workflow, note=note)


def approve(
    article: Article, *, actor: Actor, clock: Clock, workflow: Workflow = DEFAULT_WORKFLOW, note: str | None = None
) -> Article:
    """Approve a story in review for publication."""
    return transition(article, Action.APPROVE, actor=actor, clock=clock, workflow=workflow, note=note)


def schedule(
    article: Article,
    *,
    at: datetime,
    actor: Actor,
    clock: Clock,
    workflow: Workflow = DEFAULT_WORKFLOW,
    note: str | None = None,
) -> Article:
    """Schedule publication at ``at``, which must lie in the future."""
    return transition(article, Action.SCHEDULE, actor=actor, clock=clock, workflow=workflow, note=note, at=at)


def unschedule(
    article: Article, *, actor: Actor, clock: Clock, workflow: Workflow = DEFAULT_WORKFLOW, note: str | None = None
) -> Article:
    """Take a scheduled story off the schedule (back to approved)."""
    return transition(article, Action.UNSCHEDULE, actor=actor, clock=clock, workflow=workflow, note=note)


def publish(
    article: Article, *, actor: Actor, clock: Clock, workflow: Workflow = DEFAULT_WORKFLOW, note: str | None = None
) -> Article:
    """Publish now (an approved or scheduled story, or a draft where review is not required)."""
    return transition(article, Action.PUBLISH, actor=actor, clock=clock, workflow=workflow, note=note)


def update(
    article: Article,
    *,
    actor: Actor,
    clock: Clock,
    workflow: Workflow = DEFAULT_WORKFLOW,
    note: str | None = None,
    **changes: Any,
) -> Article:
    """Publish a new version with ``changes`` (e.g. ``body=...``, ``headline=...``)."""
    return transition(article, Action.UPDATE, actor=actor, clock=clock, workflow=workflow, note=note, changes=changes)


def correct(
    article: Article,
    *,
    text: str,
    kind: str = "correction",
    actor: Actor,
    clock: Clock,
    workflow: Workflow = DEFAULT_WORKFLOW,
    note: str | None = None,
    **changes: Any,
) -> Article:
    """Publish a corrected version with ``changes`` and a correction record saying ``text``.

    ``kind`` is ``correction``, ``clarification`` or ``retraction``.
    """
    return transition(
        article,
        Action.CORRECT,
        actor=actor,
        clock=clock,
        workflow=workflow,
        note=note,
        changes=changes,
        correction=(kind, text),
    )


def unpublish(
    article: Article, *, actor: Actor, clock: Clock, workflow: Workflow = DEFAULT_WORKFLOW, note: str | None = None
) -> Article:
    """Take a story down without killing it; it can be republished."""
    return transition(article, Action.UNPUBLISH, actor=actor, clock=clock, workflow=workflow, note=note)


def republish(
    article: Article, *, actor: Actor, clock: Clock, workflow: Workflow = DEFAULT_WORKFLOW, note: str | None = None
) -> Article:
    """Put an unpublished story back up."""
    return transition(article, Action.REPUBLISH, actor=actor, clock=clock, workflow=workflow, note=note)


def kill(
    article: Article,
    *,
    reason: str,
    notice: str | None = None,
    actor: Actor,
    clock: Clock,
    workflow: Workflow = DEFAULT_WORKFLOW,
) -> Article:
    """Kill a story for good: a new version whose public form is only the kill notice.

    ``reason`` is internal (history); ``notice`` is what readers and partners see, recorded as a
    retraction. Without it a standard notice is used.
    """
    text = notice or kill_notice_text(article.language)
    return transition(
        article, Action.KILL, actor=actor, clock=clock, workflow=workflow, note=reason, correction=("retraction", text)
    )


def spike(
    article: Article, *, actor: Actor, clock: Clock, workflow: Workflow = DEFAULT_WORKFLOW, note: str | None = None
) -> Article:
    """Set an unpublished story aside (the newsroom's bin)."""
    return transition(article, Action.SPIKE, actor=actor, clock=clock, workflow=workflow, note=note)


def unspike(
    article: Article, *, actor: Actor, clock: Clock, workflow: Workflow = DEFAULT_WORKFLOW, note: str | None = None
) -> Article:
    """Bring a spiked story back as a draft."""
    return transition(article, Action.UNSPIKE, actor=actor, clock=clock, workflow=workflow, note=note)


def workflow_mermaid(workflow: Workflow | None = None) -> str:
    """The workflow as a Mermaid state diagram, drawn from :data:`MOVES`.

    Moves that exist only where review is not required are marked "(no review)", and moves that
    make a new public version "+1 version". Mermaid draws one edge per pair of states, so moves
    between the same two states (``published`` has two self-loops, update and correct) share one
    edge whose label lists each move, separated by a slash.
    """
    labels: dict[tuple[str, str], list[str]] = {}
    for m in workflow.moves() if workflow else MOVES:
        label = (
            m.action.value + (" (no review)" if m.review is False else "") + (" +1 version" if m.new_version else "")
        )
        labels.setdefault((m.source.value, m.target.value), []).append(label)
    lines = ["stateDiagram-v2", "    [*] --> draft"]
    lines += [f"    {source} --> {target}: {' / '.join(moves)}" for (source, target), moves in labels.items()]
    finals = sorted({s.value for s in PublishState} - {m.source.value for m in MOVES})
    lines += [f"    {state} --> [*]" for state in finals]
    return "\n".join(lines) + "\n"
