"""The audit trail: a hash chain over a story's history, and its verification.

Each :class:`~newsroom.states.HistoryEntry` stores the SHA-256 of the story's content after
the move, the hash of the entry before it, and its own hash over both and its fields. A story
whose history was edited, reordered or cut, whose entries' times run backwards, whose
``published``, ``modified`` or ``scheduled_for`` disagree with the moves that set them, or whose
locked text was changed outside the workflow, fails :func:`verify`, which names the first entry
that does not match.

This module computes and checks hashes only; it does no I/O.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

import attrs
import orjson

from newsroom.errors import AuditError
from newsroom.states import LOCKED_STATES, MOVES, Action, HistoryEntry, Move, PublishState


if TYPE_CHECKING:
    from newsroom.articles import Article


__all__ = [
    "AuditReport",
    "canonical_json",
    "content_hash",
    "content_matches",
    "entry_hash",
    "internal_fields",
    "seal",
    "verify",
]


def canonical_json(data: Any) -> bytes:
    """The bytes every hash is taken over: compact JSON, keys sorted, UTF-8 characters as they are.

    That is ``json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))``,
    which the stored hashes were made with. orjson writes the very same bytes ten times faster,
    except for floats that Python writes with an exponent (``1e-05``, where orjson writes
    ``0.00001``): a value that holds one, or anything orjson refuses, takes the standard
    library's way. A property test holds the two to the same bytes.
    """
    if _alike(data):
        try:
            return orjson.dumps(data, option=orjson.OPT_SORT_KEYS)
        except orjson.JSONEncodeError:  # an integer beyond 64 bits, a key that is not text...
            pass
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _alike(data: Any) -> bool:
    """Whether orjson writes ``data`` as the standard library does.

    It does for text (of str subclasses such as a StrEnum too), whole numbers, booleans and
    null, and for floats that Python spells without an exponent: repr() switches to one below
    1e-4 and from 1e16, and in between the shortest digits are spelled alike (coordinates such
    as 35.6895 stay on the fast path).
    """
    from newsroom.serialization import odd_values  # here: serialization builds on the model, audit on states

    odd = odd_values(data)
    if odd is None:
        return False
    for item in odd:
        if type(item) is float:
            if item != 0 and not 1e-4 <= abs(item) < 1e16:  # noqa: PLR2004
                return False
        elif not isinstance(item, str):
            return False
    return True


def _digest(data: Any) -> str:
    return hashlib.sha256(canonical_json(data)).hexdigest()


def content_hash(article: Article) -> str:
    """SHA-256 of what the story says: everything but its state, history and internal fields.

    Internal fields (marked ``metadata={"internal": True}``, e.g. the editor's note) are left
    out, so editors can keep annotating a published story; notes made with a transition are
    in the history, which the chain covers.
    """
    return _content_digest(article, internal_fields(type(article)))


def content_matches(article: Article, recorded: str) -> bool:
    """Whether ``article``'s content is what a history entry recorded as ``recorded``.

    ``extra`` became internal (left out of the hash) after stories were sealed with it in; such
    a story is checked the way it was sealed, so its history still verifies.
    """
    if content_hash(article) == recorded:
        return True
    return bool(article.extra) and _content_digest(article, internal_fields(type(article)) - {"extra"}) == recorded


def _content_digest(article: Article, left_out: frozenset[str]) -> str:
    # Computed afresh each time, never kept per object: the audit must see a story changed
    # behind the model's back (with object.__setattr__) as changed.
    from newsroom.serialization import content_dict

    data = content_dict(article)
    for name in left_out:
        data.pop(name, None)
    return _digest(data)


def internal_fields(cls: type) -> frozenset[str]:
    """The names of ``cls``'s fields marked internal (``metadata={"internal": True}``)."""
    names = _INTERNAL.get(cls)
    if names is None:
        names = _INTERNAL[cls] = frozenset(f.name for f in attrs.fields(cls) if f.metadata.get("internal"))
    return names


_INTERNAL: dict[type, frozenset[str]] = {}


def entry_hash(entry: HistoryEntry) -> str:
    """SHA-256 over an entry's fields, including its content and previous hashes."""
    return _digest(
        {
            "action": entry.action.value,
            "from": entry.from_state.value,
            "to": entry.to_state.value,
            "at": entry.at.isoformat(),
            "actor": entry.actor,
            "version": entry.version,
            "note": entry.note,
            "content": entry.content_hash,
            "prev": entry.prev_hash,
        }
    )


def seal(entry: HistoryEntry, article: Article, previous: HistoryEntry | None) -> HistoryEntry:
    """Return ``entry`` with its content hash (of ``article``), previous hash and own hash."""
    sealed = attrs.evolve(entry, content_hash=content_hash(article), prev_hash=previous.entry_hash if previous else "")
    return attrs.evolve(sealed, entry_hash=entry_hash(sealed))


@attrs.frozen(kw_only=True)
class AuditReport:
    """The result of :func:`verify`."""

    guid: str
    """The story checked."""
    entries: int
    """How many history entries were checked."""
    index: int | None = None
    """The first entry that does not match, or ``None`` when the chain verifies."""
    problem: str | None = None
    """What does not match."""

    @property
    def ok(self) -> bool:
        """Whether the whole chain verified."""
        return self.problem is None

    def raise_for_problem(self) -> None:
        """Raise :class:`~newsroom.errors.AuditError` if the chain did not verify."""
        if self.problem is not None:
            raise AuditError(f"{self.guid}: {self.problem}", index=self.index)


def verify(article: Article, *, content: bool = True) -> AuditReport:
    """Check ``article``'s history chain, and its content against the last entry where locked.

    The chain: each entry follows the one before it (hashes, states, versions), and no entry
    is dated before the one before it. The times the workflow sets must agree with the moves
    that set them: ``published`` once a publish is recorded, ``modified`` equal to the time of
    the last publish, update, correct or kill, and ``scheduled_for`` after the schedule that set
    it while scheduled, and empty once published.

    ``content=False`` checks the chain only, for a caller that checks the content itself
    anyway (:func:`newsroom.export` refuses a locked story whose content was changed).
    """
    history = article.history
    previous: HistoryEntry | None = None
    first_publish: int | None = None  # the move that set ``published``
    last_stamp: int | None = None  # the last move that set ``modified``
    for i, entry in enumerate(history):
        expected_prev = previous.entry_hash if previous else ""
        if entry.prev_hash != expected_prev:
            what = "an entry before it was removed, reordered or changed"
            return _bad(article, i, f"history[{i}] ({entry.action.value}) does not follow the entry before it: {what}")
        if not entry.entry_hash:
            return _bad(article, i, f"history[{i}] ({entry.action.value}) was never sealed: no transition made it")
        if entry_hash(entry) != entry.entry_hash:
            return _bad(article, i, f"history[{i}] ({entry.action.value}) was changed after it was recorded")
        start = previous.to_state if previous else PublishState.DRAFT
        if entry.from_state is not start:
            return _bad(
                article, i, f"history[{i}] starts from {entry.from_state.value}, but the story was {start.value}"
            )
        move = _table_move(entry)
        if move is None:
            return _bad(
                article,
                i,
                f"history[{i}] records {entry.action.value} from {entry.from_state.value} to "
                f"{entry.to_state.value}, which is not a move of the workflow table",
            )
        if previous is not None and entry.version != previous.version + move.new_version:
            return _bad(
                article,
                i,
                f"history[{i}] ({entry.action.value}) records version {entry.version}, but after version "
                f"{previous.version} this move makes version {previous.version + move.new_version}",
            )
        if previous is not None and entry.at < previous.at:
            return _bad(
                article,
                i,
                f"history[{i}] ({entry.action.value}) is dated {entry.at.isoformat()}, before history[{i - 1}] "
                f"({previous.action.value}, {previous.at.isoformat()}): time cannot run backwards",
            )
        if entry.action is Action.PUBLISH and first_publish is None:
            first_publish = i
        if entry.action is Action.PUBLISH or move.new_version:
            last_stamp = i
        previous = entry
    # The model ties state to history at construction; these catch what bypassed it.
    last_state = previous.to_state if previous else PublishState.DRAFT
    if article.state is not last_state:
        i = len(history) - 1
        return _bad(
            article, max(i, 0), f"the story is {article.state.value}, but its history leaves it {last_state.value}"
        )
    if previous is not None and article.version != previous.version:
        i = len(history) - 1
        return _bad(
            article, i, f"the story says version {article.version}, but history[{i}] recorded {previous.version}"
        )
    times = _times_problem(article, first_publish, last_stamp)
    if times is not None:
        return _bad(article, *times)
    if (
        content
        and previous is not None
        and article.state in LOCKED_STATES
        and not content_matches(article, previous.content_hash)
    ):
        i = len(history) - 1
        return _bad(
            article,
            i,
            f"the story's content differs from what history[{i}] ({previous.action.value}) recorded: "
            "it was changed outside the workflow (use update or correct)",
        )
    return AuditReport(guid=article.guid, entries=len(history))


def _times_problem(article: Article, first_publish: int | None, last_stamp: int | None) -> tuple[int, str] | None:
    """Where the times the workflow sets disagree with the moves that set them, and how.

    Only what every workflow move guarantees is checked. Before the first publish these times
    are the draft's own (a story first published elsewhere keeps its ``published``), so nothing
    is said of them; after it the story is locked and update and correct refuse them.
    """
    history = article.history
    if first_publish is not None and article.published is None:
        at = history[first_publish].at.isoformat()
        return first_publish, (
            f"the story has no published time, but history[{first_publish}] (publish) published it at {at}; "
            "publish sets published, and no move clears it"
        )
    if last_stamp is not None:
        stamp = history[last_stamp]
        if article.modified != stamp.at:
            said = f"says modified {article.modified.isoformat()}" if article.modified else "has no modified time"
            return last_stamp, (
                f"the story {said}, but history[{last_stamp}] ({stamp.action.value}) made version {stamp.version} at "
                f"{stamp.at.isoformat()}; publish, update, correct and kill set modified to their own time"
            )
    if not history:
        return None
    last = len(history) - 1
    scheduled = article.scheduled_for
    if article.state is PublishState.SCHEDULED and (scheduled is None or scheduled <= history[last].at):
        said = f"is {scheduled.isoformat()}" if scheduled else "is empty"
        return last, (
            f"scheduled_for {said}, but history[{last}] ({history[last].action.value}) scheduled the story at "
            f"{history[last].at.isoformat()} for a later time"
        )
    if first_publish is not None and scheduled is not None:
        return first_publish, (
            f"scheduled_for is {scheduled.isoformat()}, but history[{first_publish}] (publish) cleared it, "
            "and no move after a publish sets it"
        )
    return None


def _table_move(entry: HistoryEntry) -> Move | None:
    for move in MOVES:
        if move.source is entry.from_state and move.action is entry.action and move.target is entry.to_state:
            return move
    return None


def _bad(article: Article, index: int, problem: str) -> AuditReport:
    return AuditReport(guid=article.guid, entries=len(article.history), index=index, problem=problem)
