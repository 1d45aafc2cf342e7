"""The export history: which versions of a story went out, in which formats, and when.

:class:`ExportLog` is an opt-in plugin. Registered on a plugin host, it hears every successful
export through the ``newsroom_export_done`` hook and appends one JSON line to its file: the
story's guid, version and state, the format, the time (from the export's clock), the actor,
the rendition's SHA-256, any protection override that took effect, and two anchors into the
story's hash chain (the sealed content hash and the last entry's hash). Each record is one
``write`` to a file opened with ``O_APPEND``, so parallel exporters never interleave or
half-write a line.

:func:`read_export_log` reads a log back, and :func:`check_exports` holds a story against it:
a log that says version 3 went out after a history entry the story no longer has means the
history was rewritten or cut after the export. Keep the log somewhere the stories' editors
cannot rewrite, and it anchors their hash chains.

This module does file I/O only in :class:`ExportLog` and :func:`read_export_log`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import attrs

from newsroom.errors import ReadError
from newsroom.exporting import ExportRecord
from newsroom.hookspecs import hookimpl
from newsroom.states import PublishState


if TYPE_CHECKING:
    from newsroom.articles import Article


__all__ = ["LOG_VERSION", "ExportCheck", "ExportLog", "check_exports", "read_export_log", "record_to_json"]

LOG_VERSION: Final = 1
"""The version of the log's line format, written in every record as ``log``."""


def record_to_json(record: ExportRecord) -> dict[str, Any]:
    """One export record as the JSON object the log stores."""
    return {
        "log": LOG_VERSION,
        "guid": record.guid,
        "version": record.version,
        "state": record.state.value,
        "format": record.format,
        "at": record.at.isoformat(),
        "actor": record.actor,
        "sha256": record.sha256,
        "overrides": sorted(record.overrides),
        "content_hash": record.content_hash,
        "history_head": record.history_head,
    }


def _record_from_json(data: Any) -> ExportRecord:
    if not isinstance(data, dict):
        msg = f"a record must be a JSON object, not {type(data).__name__}"
        raise TypeError(msg)
    if data.get("log") != LOG_VERSION:
        msg = f"unknown log format {data.get('log')!r} (this newsroom reads {LOG_VERSION})"
        raise ValueError(msg)
    at = datetime.fromisoformat(data["at"])
    if at.utcoffset() is None:
        msg = f"time {data['at']!r} has no time zone"
        raise ValueError(msg)
    version = data["version"]
    if not isinstance(version, int) or version < 1:
        msg = f"version must be a whole number from 1, not {version!r}"
        raise ValueError(msg)
    return ExportRecord(
        guid=str(data["guid"]),
        version=version,
        state=PublishState(data["state"]),
        format=str(data["format"]),
        at=at,
        sha256=str(data["sha256"]),
        actor=None if data.get("actor") is None else str(data["actor"]),
        overrides=frozenset(str(o) for o in data.get("overrides", ())),
        content_hash=str(data.get("content_hash", "")),
        history_head=str(data.get("history_head", "")),
    )


@attrs.define
class ExportLog:
    """A plugin that appends every successful export to a JSON Lines file.

    Register it on the host that exports::

        log = ExportLog("exports.jsonl")
        host = newsroom.PluginHost(newsroom.make_plugin_manager(plugins=[log]))

    ``newsroom audit --exports exports.jsonl story.json`` then shows which versions of the
    story went out, in which formats, and checks them against its history.
    """

    path: Path = attrs.field(converter=Path)
    """The log file; created on the first export, appended to after."""
    fsync: bool = False
    """Whether to flush every record to disk before the export returns (slower, crash-safe)."""

    @hookimpl
    def newsroom_export_done(self, record: ExportRecord) -> None:
        """Append ``record`` as one line, in one ``write`` to a file opened for appending."""
        data = (json.dumps(record_to_json(record), ensure_ascii=False, separators=(",", ":")) + "\n").encode()
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            view = memoryview(data)
            while view:  # a regular file takes a short line whole; the loop guards odd file systems
                view = view[os.write(fd, view) :]
            if self.fsync:
                os.fsync(fd)
        finally:
            os.close(fd)


def read_export_log(path: str | Path) -> Iterator[ExportRecord | ReadError]:
    """Yield each record of the log at ``path``, or a :class:`ReadError` naming a bad line.

    Blank lines are skipped. A bad line does not stop the rest.

    Raises:
        OSError: The file cannot be opened.
    """
    path = Path(path)
    with path.open("rb") as stream:
        for number, raw in enumerate(stream, start=1):
            if not raw.strip():
                continue
            try:
                yield _record_from_json(json.loads(raw))
            except (ValueError, TypeError, KeyError) as exc:
                problem = f"missing field {exc}" if isinstance(exc, KeyError) else str(exc)
                yield ReadError(f"not an export record: {problem}", source=str(path), line=number)


@attrs.frozen(kw_only=True)
class ExportCheck:
    """One logged export of a story, held against the story's history."""

    record: ExportRecord
    """What the log says went out."""
    entry: int | None = None
    """The index of the history entry the export followed, if the story still has it."""
    problem: str | None = None
    """Why the record does not match the story, or ``None``."""

    @property
    def ok(self) -> bool:
        """Whether the record matches the story's history."""
        return self.problem is None


def check_exports(article: Article, records: Iterable[ExportRecord]) -> tuple[ExportCheck, ...]:
    """Hold every logged export of ``article`` (matched by guid) against its history.

    A record whose ``history_head`` is no longer in the story's history, or sits at another
    version, means the history was rewritten or cut after that export. A record without one
    (a story exported before its first transition) is checked by version only.
    """
    by_hash = {entry.entry_hash: i for i, entry in enumerate(article.history) if entry.entry_hash}
    out = []
    for record in records:
        if record.guid != article.guid:
            continue
        what = f"version {record.version} went out as {record.format} at {record.at.isoformat()}"
        if record.history_head:
            index = by_hash.get(record.history_head)
            if index is None:
                problem = (
                    f"{what} after history entry {record.history_head[:12]}…, which this story's history "
                    "does not contain: the history was rewritten or cut after the export"
                )
                out.append(ExportCheck(record=record, problem=problem))
                continue
            entry = article.history[index]
            if record.content_hash and record.content_hash != entry.content_hash:
                problem = (
                    f"{what}, and the log's content hash differs from what history[{index}] sealed: "
                    "the log or the history was edited"
                )
                out.append(ExportCheck(record=record, entry=index, problem=problem))
                continue
            if entry.version != record.version or entry.to_state is not record.state:
                problem = (
                    f"{what} ({record.state.value}), but the history entry it followed, history[{index}], "
                    f"left the story at version {entry.version} ({entry.to_state.value})"
                )
                out.append(ExportCheck(record=record, entry=index, problem=problem))
                continue
            out.append(ExportCheck(record=record, entry=index))
        elif record.version > article.version:
            problem = f"{what}, but the story is only at version {article.version}"
            out.append(ExportCheck(record=record, problem=problem))
        else:
            out.append(ExportCheck(record=record))
    return tuple(out)
