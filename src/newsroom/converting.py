"""Bulk conversion: many stories in, every requested format out, in parallel, never half-written.

:func:`convert` is a streaming generator: it yields one :class:`ConvertResult` per story, in
input order, whatever the number of worker processes. The work is split like this:

- The **parent** expands the inputs (files, folders, globs, ``-`` for stdin, or Article
  objects) in a fixed order, picks a reader for each file (``reader=`` forces one), and cuts
  line-oriented inputs (JSON Lines) into chunks of lines, so a huge file streams through
  bounded memory and spreads over every worker. A file's chunk travels to a worker as where
  it lies in the file (the worker reads it); only stdin's lines travel themselves.
- A **worker** (a local process, a Dask worker, or the parent itself for ``jobs=1``) reads
  its stories, checks each one's audit chain, exports it to each format through the full
  :func:`~newsroom.export` pipeline (protection rules and attribution proofs included), and
  writes each rendition to a temporary file *in the target folder*. It never names the
  final file.
- The parent takes the workers' results back in input order, gives each story a unique name
  made from its section and slug (``world_japan-italy-talks``; a later story with the same
  name gets ``-2``), and renames each temporary file onto its final name with
  :func:`os.replace`, which is atomic. Because names are given in input order, the output
  is the same whatever the number of jobs.

So a run killed at any moment leaves complete files under their final names, and at worst
hidden ``.newsroom-*.tmp`` files, which the next run into the same folder removes once the
process that wrote them is gone. A re-run skips every output newer than its input (unless
``force``), so it finishes the job. Two runs into one folder never write into the same file;
the last rename wins. One bad story never stops the rest: each failure is reported with its
file, line or story number, the stage (``read``, ``validate``, ``export``, ``attribution``,
``write``) and the reason.

The temporary-then-rename scheme protects against a killed process, not against power loss:
files are not fsynced (that would cost milliseconds per file).

This module never prints; the CLI (``newsroom convert``) is a thin layer over it.
"""

# Paths stay strings on the hot path: thousands of files a second, and pathlib objects cost.
# ruff: noqa: PTH100, PTH103, PTH105, PTH108, PTH110, PTH112, PTH116, PTH118, PTH119, PTH120, PTH123, PTH207

from __future__ import annotations

import contextlib
import enum
import errno
import glob
import hashlib
import io
import itertools
import json
import os
import pickle
import re
import signal
import socket
import stat
import sys
import tempfile
import threading
import time
import types
import uuid
from array import array
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, Final, NamedTuple, TypeAlias

import attrs

from newsroom.articles import Article
from newsroom.audit import verify
from newsroom.errors import AttributionError, ExportError, NewsroomError, ReadError, ValidationError
from newsroom.exporting import Reader, export
from newsroom.plugins import PluginHost, default_host, make_plugin_manager


__all__ = [
    "ConvertResult",
    "ConvertStatus",
    "FailureStage",
    "OutputLayout",
    "OutputResult",
    "convert",
    "input_size",
    "pick_reader",
]

HostSpec: TypeAlias = "PluginHost | Callable[[], PluginHost] | None"
StoriesInput: TypeAlias = "str | os.PathLike[str] | Article | Iterable[str | os.PathLike[str] | Article]"

SNIFF_BYTES: Final = 4096
"""How much of each file the readers' ``sniff`` sees."""
LINES_PER_TASK: Final = 64
"""Stories of a line-oriented input sent to a worker at once."""
BYTES_PER_TASK: Final = 1 << 20
"""A task is cut after this many input bytes, whatever its story count."""
FILES_PER_TASK: Final = 16
"""Small single-story files sent to a worker at once."""
STALE_TEMP_SECONDS: Final = 3600
"""A temporary file older than this is left over from a dead run, whoever wrote it."""

_TEMP_PREFIX: Final = ".newsroom-"
_TEMP_SUFFIX: Final = ".tmp"
_TEMP_NAME = re.compile(r"^\.newsroom-(?P<host>.+)-(?P<pid>\d+)-[a-z0-9_]+\.tmp$")
_GLOB_CHARS = re.compile(r"[*?\[]")
_MIN_PARALLEL_TASKS = 2
_DASK_CLOSE_SECONDS: Final = 30.0
"""How long a Dask run stopped early waits for its tasks in flight, to remove what they wrote."""
_MAX_REBUILDS: Final = 10  # pools lost in a row (each story is tried twice) before giving up


class ConvertStatus(enum.StrEnum):
    """What happened to a story (or one of its outputs)."""

    DONE = "done"
    """Written."""
    SKIPPED = "skipped"
    """Every output already existed and was newer than the input."""
    FAILED = "failed"
    """Something went wrong; ``reason`` says what."""


class FailureStage(enum.StrEnum):
    """Where a story failed."""

    INPUT = "input"
    """The input could not be found or no reader takes it."""
    READ = "read"
    """The reader could not turn the input into a story."""
    VALIDATE = "validate"
    """The story is not valid (e.g. its audit chain does not verify)."""
    EXPORT = "export"
    """The exporter failed or refused (embargo, a checker)."""
    ATTRIBUTION = "attribution"
    """The rendition lacked a link the story owes, so it was not written."""
    WRITE = "write"
    """The file could not be written."""
    WORKER = "worker"
    """The worker process running the story died."""


class OutputLayout(enum.StrEnum):
    """How output files are arranged under the output folder."""

    FLAT = "flat"
    """``out/world_japan-italy-talks.json``, ``out/world_japan-italy-talks.newsml-g2.xml``."""
    BY_FORMAT = "by-format"
    """``out/json/world_japan-italy-talks.json``, ``out/newsml-g2/world_japan-italy-talks.xml``."""
    BY_SECTION = "by-section"
    """``out/world/japan-italy-talks.json``; sub-sections nest (``out/world/europe/...``)."""


@attrs.frozen(kw_only=True)
class OutputResult:
    """One story in one format."""

    format: str
    """The exporter's name."""
    path: str | None
    """The output file (for a skipped output, the existing one); ``None`` if never named."""
    status: ConvertStatus
    """Written, skipped as up to date, or failed."""
    reason: str | None = None
    """Why it failed."""
    stage: FailureStage | None = None
    """Where it failed."""


@attrs.frozen(kw_only=True)
class ConvertResult:
    """What happened to one story: where it came from, what was written, what went wrong."""

    input: str
    """The input file as given or found (``-`` for stdin, ``<stories>`` for Article objects)."""
    story: int | None
    """The story's number in its input, from 1; ``None`` when the whole input failed."""
    line: int | None = None
    """Its line in the input, for line-oriented inputs (JSON Lines)."""
    reader: str | None = None
    """The reader that read it."""
    guid: str | None = None
    """The story's guid, once read."""
    status: ConvertStatus
    """Done, skipped, or failed (if any output failed, the story failed)."""
    stage: FailureStage | None = None
    """Where it failed."""
    reason: str | None = None
    """Why it failed, naming the format where one did."""
    outputs: tuple[OutputResult, ...] = ()
    """One entry per requested format (empty when the story was never read)."""

    @property
    def formats(self) -> tuple[str, ...]:
        """The formats this story was converted to (or tried)."""
        return tuple(o.format for o in self.outputs)

    @property
    def paths(self) -> tuple[str, ...]:
        """The output files written or kept."""
        return tuple(o.path for o in self.outputs if o.path is not None and o.status is not ConvertStatus.FAILED)

    @property
    def where(self) -> str:
        """``file:line``, ``file#story`` or ``file``: where to look."""
        if self.line is not None:
            return f"{self.input}:{self.line}"
        if self.story is not None and self.input == "<stories>":
            return f"{self.input}#{self.story}"
        return self.input

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON-ready data (as written to the report)."""
        return {
            "story": self.story,
            "line": self.line,
            "guid": self.guid,
            "status": self.status.value,
            "stage": self.stage.value if self.stage else None,
            "reason": self.reason,
            "outputs": [
                {
                    "format": o.format,
                    "path": o.path,
                    "status": o.status.value,
                    **({"reason": o.reason, "stage": o.stage.value if o.stage else None} if o.reason else {}),
                }
                for o in self.outputs
            ],
        }


# --------------------------------------------------------------------------- configuration


@attrs.frozen(kw_only=True)
class _Config:
    """Everything a worker needs; sent once per worker (or with each Dask task)."""

    token: str
    started_ns: int
    formats: tuple[str, ...]
    suffixes: Mapping[str, str]
    out: str
    layout: OutputLayout
    force: bool
    now: datetime
    reader_options: Mapping[str, Mapping[str, Any]]
    export_options: Mapping[str, Mapping[str, Any]]
    host_factory: Callable[[], PluginHost] | None
    owner: tuple[str, int] = attrs.field(factory=lambda: (_hostname(), os.getpid()))
    """The host and pid of the process that runs the conversion and renames its files."""


class _State:
    """A worker's plugin host and configured readers, built once per process and run."""

    def __init__(self, config: _Config, host: PluginHost | None = None) -> None:
        self.config = config
        if host is None:
            host = config.host_factory() if config.host_factory is not None else _fresh_host()
        self.host = host
        self._readers: dict[str, Reader] = {}
        # Temporary names: host and pid (so a later run can tell whether the writer is gone),
        # a token of this state, and a counter: unique without asking the OS for random names.
        self.temp_prefix = _run_temp_prefix(config) + f"{uuid.uuid4().hex[:6]}_"
        self.temp_count = itertools.count(1)
        self.folders: set[str] = set()
        """Output folders this state has made or found (each run has few: one per section at most)."""
        self.marks = _XATTRS
        """Whether output files get their story's mark (until a file system refuses one)."""

    def reader(self, name: str) -> Reader:
        if name not in self._readers:
            self._readers[name] = _configured(self.host.reader(name), self.config.reader_options.get(name))
        return self._readers[name]

    def clock(self) -> datetime:
        return self.config.now


def _fresh_host() -> PluginHost:
    return PluginHost(make_plugin_manager())


def _configured(reader: Reader, options: Mapping[str, Any] | None) -> Reader:
    if not options:
        return reader
    with_options = getattr(reader, "with_options", None)
    if with_options is None:
        msg = f"reader {reader.name!r} takes no options (it has no with_options method)"
        raise ValueError(msg)
    configured = with_options(**options)
    if not isinstance(configured, Reader):
        msg = f"reader {reader.name!r}.with_options returned {type(configured).__name__}, not a Reader"
        raise TypeError(msg)
    return configured


_UMASK: list[int] = []


def _umask() -> int:
    if not _UMASK:
        mask = os.umask(0o022)
        os.umask(mask)
        _UMASK.append(mask)
    return _UMASK[0]


def _hostname() -> str:
    return re.sub(r"[^A-Za-z0-9.]", "_", socket.gethostname()) or "host"


def _line_oriented(reader: Reader) -> bool:
    """Whether each non-blank line is one independent story (see the JSON Lines reader)."""
    return bool(getattr(reader, "line_oriented", False))


# --------------------------------------------------------------------------- units of work


class _FileUnit(NamedTuple):
    """A file read whole by one reader (one or more stories)."""

    input: str
    path: str
    reader: str
    mtime_ns: int | None
    size: int


class _LinesUnit(NamedTuple):
    """Some lines of a line-oriented stream (stdin): ``(line number, raw line)`` pairs."""

    input: str
    reader: str
    lines: tuple[tuple[int, bytes], ...]
    mtime_ns: int | None
    size: int


class _SpanUnit(NamedTuple):
    """Some lines of a line-oriented file, by position: the worker reads them itself.

    Sending the worker where its lines are, rather than the lines, spares the parent reading
    and pickling every byte of the input and the pipe to the worker carrying it all.
    """

    input: str
    path: str
    reader: str
    start: int
    """Offset of the first byte."""
    first: int
    """Line number of the first line."""
    mtime_ns: int | None
    size: int
    """Bytes from ``start``: whole lines, blank ones included."""


class _BytesUnit(NamedTuple):
    """A whole input already in memory (stdin read by a reader that takes whole streams)."""

    input: str
    reader: str
    data: bytes
    size: int


class _StoriesUnit(NamedTuple):
    """Article objects handed to :func:`convert` directly."""

    input: str
    articles: tuple[Article, ...]
    size: int


class _FailedInput(NamedTuple):
    """An input that failed before any reading (missing, no reader)."""

    input: str
    stage: FailureStage
    reason: str
    reader: str | None = None
    size: int = 0


_Unit: TypeAlias = "_FileUnit | _LinesUnit | _SpanUnit | _BytesUnit | _StoriesUnit"


class _Out(NamedTuple):
    format: str
    tmp: str | None
    fresh: bool
    stage: FailureStage | None
    error: str | None
    target: str | None = None
    """Where the output goes under the story's first-choice stem (the parent may give another)."""


class _Story(NamedTuple):
    line: int | None
    guid: str | None
    stem: str | None
    stage: FailureStage | None
    error: str | None
    outs: tuple[_Out, ...]
    owner: bytes | None = None
    """The story's mark on its output files (see :func:`_owner`)."""


# --------------------------------------------------------------------------- naming


def _stem(article: Article, layout: OutputLayout) -> str:
    slug = article.slug
    if article.section is None:
        return _fit(slug)
    if layout is OutputLayout.BY_SECTION:
        return "/".join(_fit(part) for part in f"{article.section.path}/{slug}".split("/"))
    return _fit(f"{article.section.path.replace('/', '-')}_{slug}")


# File systems take names of up to 255 bytes. A stem leaves room for a "-N" that makes it unique
# and the longest format suffix; a longer one is cut and told apart from others by a digest.
_MAX_STEM_BYTES: Final = 200
_STEM_DIGEST: Final = 10


def _fit(name: str) -> str:
    """``name``, or a shortened one that stays unique (a cut and the digest of the whole)."""
    data = name.encode()
    if len(data) <= _MAX_STEM_BYTES:
        return name
    digest = hashlib.sha256(data).hexdigest()[:_STEM_DIGEST]
    cut = data[: _MAX_STEM_BYTES - _STEM_DIGEST - 1].decode("utf-8", "ignore").rstrip("-_")
    return f"{cut}-{digest}"


def _relative(stem: str, format: str, suffix: str, layout: OutputLayout) -> str:
    if layout is OutputLayout.BY_FORMAT:
        return f"{format}/{stem}{suffix}"
    if suffix.lstrip(".") == format:
        return f"{stem}{suffix}"
    return f"{stem}.{format}{suffix}"


_SEPARATORS: Final = (os.sep, os.altsep) if os.altsep else (os.sep,)


def _join(folder: str, relative: str) -> str:
    """``os.path.join(folder, relative)`` for a relative name: a tenth of its time, per file.

    An absolute ``relative`` (refused by :func:`_output_path`) takes ``os.path.join``'s way.
    """
    if os.sep != "/" or not folder or relative.startswith(_SEPARATORS):
        return os.path.join(folder, relative)
    return folder + relative if folder.endswith(_SEPARATORS) else f"{folder}/{relative}"


def _folder_of(path: str) -> str:
    """``os.path.dirname(path)`` for a path made by :func:`_join` under a folder: faster, per file."""
    head = path.rpartition("/")[0] if os.sep == "/" else ""
    return head if head and not head.endswith("/") else os.path.dirname(path)


def _output_path(config: _Config, stem: str, format: str) -> str:
    """Where ``format``'s file for ``stem`` goes; raises :class:`ExportError` if that is not inside --out.

    Exporter names and suffixes are checked when plugins register them, and stems come from
    checked slugs and sections; this is the last guard that nothing is written elsewhere.
    """
    relative = _relative(stem, format, config.suffixes[format], config.layout)
    path = _join(config.out, relative)
    # Inside --out unless the name is absolute or climbs out (cheaper than commonpath, per file).
    if (".." in relative or relative[:1] in "/\\.") and (
        relative.startswith(("/", "\\")) or ".." in relative.replace("\\", "/").split("/") or not relative.strip("/.")
    ):
        msg = (
            f"the {format} output would be written at {path!r}, which is not inside the output folder "
            f"{config.out!r}; nothing was written for it (check the {format!r} exporter's name and suffix, "
            "and the story's section and slug)"
        )
        raise ExportError(msg, format=format)
    return path


_MASK_64: Final = (1 << 64) - 1


class _Names:
    """Unique stems in input order.

    Only an 8-byte hash of each name is kept, in a flat open-addressing table (16 bytes a
    name at most), so a run over millions of stories does not grow the parent's memory much.
    """

    def __init__(self) -> None:
        self._slots = array("Q", bytes(8 * 1024))  # 0 marks an empty slot
        self._used = 0

    @staticmethod
    def _key(stem: str) -> int:
        # Python's own 64-bit string hash (SipHash, keyed per process): the table lives in one
        # process for one run, and a collision is as unlikely as with an 8-byte digest.
        return (hash(stem) & _MASK_64) or 1

    def _slot(self, key: int) -> tuple[int, bool]:
        slots = self._slots
        mask = len(slots) - 1
        i = key & mask
        while True:
            value = slots[i]
            if value == 0:
                return i, False
            if value == key:
                return i, True
            i = (i + 1) & mask

    def _grow(self) -> None:
        old = self._slots
        self._slots = array("Q", bytes(16 * len(old)))
        for value in old:
            if value:
                self._slots[self._slot(value)[0]] = value

    def claim(self, stem: str) -> str:
        """``stem``, or ``stem-2``, ``stem-3``... whichever no earlier story of this run has."""
        candidate, n = stem, 1
        while True:
            key = self._key(candidate)
            i, taken = self._slot(key)
            if not taken:
                break
            n += 1
            candidate = f"{stem}-{n}"
        if 2 * (self._used + 1) > len(self._slots):
            self._grow()
            i = self._slot(key)[0]
        self._slots[i] = key
        self._used += 1
        return candidate


# --------------------------------------------------------------------------- the worker side


def _classify(exc: BaseException) -> FailureStage:
    if isinstance(exc, AttributionError):
        return FailureStage.ATTRIBUTION
    if isinstance(exc, ValidationError):
        return FailureStage.VALIDATE
    if isinstance(exc, ReadError):
        return FailureStage.READ
    if isinstance(exc, OSError):
        return FailureStage.WRITE
    return FailureStage.EXPORT


def _message(exc: BaseException) -> str:
    text = str(exc)
    if isinstance(exc, NewsroomError):
        return text
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


# Which story an output holds, kept with the file (an extended attribute), so a re-run skips a
# file only when this very story wrote it: names follow input order, and when the order changes
# (or an earlier input arrives) a name can point at another story's file. Where the OS has no
# extended attributes (macOS, Windows) the check falls back to the file's date alone.
_OWNER_ATTR: Final = "user.newsroom.story"
_XATTRS: Final = hasattr(os, "setxattr") and hasattr(os, "getxattr")
_NO_XATTRS: Final = frozenset({errno.ENOTSUP, errno.EOPNOTSUPP, errno.EPERM})


def _owner(article: Article) -> bytes:
    """The mark of ``article`` on its outputs: its guid (a digest of a long one) and version.

    Bounded, as file systems limit an attribute's size (ext4: one block).
    """
    guid = article.guid
    if len(guid) > _MAX_MARKED_GUID:
        guid = "sha256:" + hashlib.sha256(guid.encode()).hexdigest()
    return f"{guid} v{article.version}".encode()


_MAX_MARKED_GUID: Final = 200


def _fresh(path: str, mtime_ns: int | None, before_ns: int | None = None, owner: bytes | None = None) -> bool:
    """Whether ``path`` is at least as new as its input (and, given ``before_ns``, older than it).

    Given ``owner``, also whether the file is marked as that story's (never, where the file
    system keeps no mark).
    """
    if mtime_ns is None:
        return False
    try:
        written = os.stat(path).st_mtime_ns
    except OSError:
        return False
    if written < mtime_ns or (before_ns is not None and written >= before_ns):
        return False
    if owner is None or not _XATTRS:
        return True
    try:
        return os.getxattr(path, _OWNER_ATTR) == owner
    except OSError:  # no mark: written by an older version, another tool, or a file system without them
        return False


_TEMP_FLAGS: Final = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


def _write_temp(state: _State, directory: str, content: bytes, owner: bytes | None = None) -> str:
    """Write ``content`` to a new temporary file in ``directory``; returns its path.

    A plain ``os.open`` with ``O_EXCL`` and a counter name costs a third of
    :func:`tempfile.mkstemp` (no random names, no file object, no ``fchmod``: the mode is
    ``0o666`` less the umask, as for any new file), which shows at thousands of files a second.
    """
    if directory not in state.folders:
        os.makedirs(directory, exist_ok=True)
        state.folders.add(directory)
    remade = False
    while True:
        tmp = _join(directory, f"{state.temp_prefix}{next(state.temp_count)}{_TEMP_SUFFIX}")
        try:
            fd = os.open(tmp, _TEMP_FLAGS, 0o666)
            break
        except FileExistsError:  # never made by this state: take the next number
            continue
        except FileNotFoundError:
            if remade:
                raise
            os.makedirs(directory, exist_ok=True)  # the folder was removed under us
            remade = True
    try:
        view = memoryview(content)
        while view:
            view = view[os.write(fd, view) :]
        if owner is not None and state.marks:
            try:
                os.setxattr(fd, _OWNER_ATTR, owner)  # type: ignore[attr-defined,unused-ignore]
            except OSError as exc:  # no mark on this file: a re-run rewrites it rather than trust it
                if exc.errno in _NO_XATTRS:
                    state.marks = False  # this file system keeps none: stop trying
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    os.close(fd)
    return tmp


def _process(state: _State, article: Article, line: int | None, mtime_ns: int | None) -> _Story:
    config = state.config
    stem = _stem(article, config.layout)
    targets: list[tuple[str, str | None]] = []
    outside: dict[str, str] = {}
    for fmt in config.formats:
        try:
            targets.append((fmt, _output_path(config, stem, fmt)))
        except ExportError as exc:
            targets.append((fmt, None))
            outside[fmt] = str(exc)
    # Only a file from an earlier run can be up to date: one this run wrote belongs to an
    # earlier story with the same name, and this story will get another name.
    owner = _owner(article)
    fresh = [
        target is not None and not config.force and _fresh(target, mtime_ns, config.started_ns, owner)
        for _fmt, target in targets
    ]
    # Every export checks a locked story's content against its history; the audit checks it
    # here only when some output is skipped as up to date (one content hash, not two).
    report = verify(article, content=any(fresh))
    if not report.ok:
        msg = f"history does not verify at entry {report.index}: {report.problem}"
        return _Story(line, article.guid, None, FailureStage.VALIDATE, msg, ())
    outs = []
    for (fmt, target), is_fresh in zip(targets, fresh, strict=True):
        if target is None:
            outs.append(_Out(fmt, None, fresh=False, stage=FailureStage.WRITE, error=outside[fmt]))
            continue
        if is_fresh:
            outs.append(_Out(fmt, None, fresh=True, stage=None, error=None))
            continue
        try:
            rendition = export(article, fmt, clock=state.clock, options=config.export_options.get(fmt), host=state.host)
        except Exception as exc:  # noqa: BLE001 - one bad story never stops the rest
            outs.append(_Out(fmt, None, fresh=False, stage=_classify(exc), error=_message(exc)))
            continue
        try:
            tmp = _write_temp(state, _folder_of(target), rendition.content, owner)
        except OSError as exc:
            outs.append(_Out(fmt, None, fresh=False, stage=FailureStage.WRITE, error=_message(exc)))
            continue
        outs.append(_Out(fmt, tmp, fresh=False, stage=None, error=None, target=target))
    return _Story(line, article.guid, stem, None, None, tuple(outs), owner)


def _read_all(
    state: _State, reader_name: str, stream: IO[bytes], *, source: str, line: int | None, mtime_ns: int | None
) -> list[_Story]:
    stories: list[_Story] = []
    try:
        reader = state.reader(reader_name)
        for item in reader.read(stream, source=source):
            if isinstance(item, Article):
                stories.append(_process(state, item, line, mtime_ns))
            elif isinstance(item, BaseException):
                where = line if line is not None else getattr(item, "line", None)
                stage = FailureStage.VALIDATE if isinstance(item, ValidationError) else FailureStage.READ
                stories.append(_Story(where, None, None, stage, _bare(item), ()))
            else:  # a third-party reader may ignore its type hints
                msg = f"reader {reader_name!r} yielded {type(item).__name__}, not an Article or ReadError"  # type: ignore[unreachable]
                stories.append(_Story(line, None, None, FailureStage.READ, msg, ()))
    except Exception as exc:  # noqa: BLE001 - a broken input is one failure, not a crash
        stage = FailureStage.VALIDATE if isinstance(exc, ValidationError) else FailureStage.READ
        where = line if line is not None else getattr(exc, "line", None)
        stories.append(_Story(where, None, None, stage, _bare(exc), ()))
    return stories


def _bare(exc: BaseException) -> str:
    """The error's message without the ``source:line:`` prefix the result already carries."""
    if isinstance(exc, ReadError):
        text = str(exc)
        where = exc.source or ""
        if exc.line is not None:
            where = f"{where}:{exc.line}" if where else f"line {exc.line}"
        if where and text.startswith(where + ": "):
            return text[len(where) + 2 :]
        return text
    return _message(exc)


def _run_unit(state: _State, unit: _Unit) -> list[_Story]:
    if isinstance(unit, _FileUnit):
        try:
            stream = open(unit.path, "rb")  # noqa: SIM115 - closed below, errors reported
        except OSError as exc:
            return [_Story(None, None, None, FailureStage.READ, f"cannot open: {exc.strerror or exc}", ())]
        with stream:
            return _read_all(state, unit.reader, stream, source=unit.input, line=None, mtime_ns=unit.mtime_ns)
    if isinstance(unit, _SpanUnit):
        span = unit
        try:
            unit = _span_lines(span)
        except OSError as exc:
            return [_Story(span.first, None, None, FailureStage.READ, f"cannot read: {exc.strerror or exc}", ())]
        except ReadError as exc:
            return [_Story(span.first, None, None, FailureStage.READ, str(exc), ())]
    if isinstance(unit, _LinesUnit):
        stories: list[_Story] = []
        for number, raw in unit.lines:
            stories.extend(
                _read_all(state, unit.reader, io.BytesIO(raw), source=unit.input, line=number, mtime_ns=unit.mtime_ns)
            )
        return stories
    if isinstance(unit, _BytesUnit):
        return _read_all(state, unit.reader, io.BytesIO(unit.data), source=unit.input, line=None, mtime_ns=None)
    return [_process(state, article, None, None) for article in unit.articles]


def _span_lines(unit: _SpanUnit) -> _LinesUnit:
    """Read a span's lines (blank ones left out, as when the parent sends lines)."""
    with open(unit.path, "rb") as stream:
        stream.seek(unit.start)
        data = stream.read(unit.size)
    if len(data) != unit.size:
        msg = (
            f"the file changed during the run: {unit.size} bytes from offset {unit.start} "
            f"(line {unit.first}) were planned, {len(data)} are there"
        )
        raise ReadError(msg)
    lines = []
    number, position = unit.first, 0
    while position < len(data):
        end = data.find(b"\n", position) + 1 or len(data)
        raw = data[position:end]
        if not raw.isspace():
            lines.append((number, raw))
        number, position = number + 1, end
    return _LinesUnit(unit.input, unit.reader, tuple(lines), unit.mtime_ns, unit.size)


_Task: TypeAlias = "tuple[_Unit, ...]"
_WORKER: dict[str, _State] = {}


def _state_for(config: _Config) -> _State:
    state = _WORKER.get(config.token)
    if state is None:
        _WORKER.clear()  # one run at a time per worker process; drop older runs' hosts
        state = _WORKER[config.token] = _State(config)
    return state


def _init_worker(config: _Config, parent: int | None = None, started: Any = None) -> None:
    # Ctrl-C in a terminal reaches the whole process group. The run is the parent's to stop:
    # a worker that took the interrupt would hand it to its task's future instead of a result.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _state_for(config)
    if parent is not None:
        threading.Thread(target=_watch_parent, args=(parent,), name="newsroom-parent-watch", daemon=True).start()
    if started is not None:
        started.value = 1  # a worker could start: deaths from here on are the stories'


def _watch_parent(pid: int) -> None:
    """End this worker once the process that started the run is gone (killed, say).

    Otherwise a worker whose parent was killed waits for work for ever, and the temporary files
    it wrote are never removed: a later run removes only those of processes that are gone.
    """
    while _pid_alive(pid):
        time.sleep(_WATCH_SECONDS)
    os._exit(1)


_WATCH_SECONDS: Final = 1.0


def _run_task(config: _Config | None, task: _Task) -> list[list[_Story]]:
    """Run one task in a worker: each unit's stories, in order."""
    state = _state_for(config) if config is not None else next(iter(_WORKER.values()))
    return [_run_unit(state, unit) for unit in task]


def _run_task_in_pool(task: _Task) -> list[list[_Story]]:
    return _run_task(None, task)


# --------------------------------------------------------------------------- inputs


def _out_root(out: str) -> str:
    return os.path.realpath(out)


def _inside(real: str, root: str) -> bool:
    """Whether the real path ``real`` is the real path ``root`` or lies under it."""
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


def _walk(
    folder: str, suffixes: frozenset[str] | None, skip: str, leave_out: frozenset[str] = frozenset()
) -> Iterator[str]:
    """Files under ``folder`` with one of ``suffixes`` (any file for ``None``), in a fixed order.

    Hidden files and folders, the output folder ``skip`` and the files ``leave_out`` (real
    paths: the report) are left out.
    """
    names = {os.path.basename(p) for p in leave_out}
    for root, dirs, files in os.walk(folder):
        if _inside(os.path.realpath(root), skip):
            dirs[:] = []
            continue
        dirs[:] = sorted(
            d for d in dirs if not d.startswith(".") and not _inside(os.path.realpath(os.path.join(root, d)), skip)
        )
        for name in sorted(files):
            if name.startswith(".") or (suffixes is not None and not _suffix_match(name, suffixes)):
                continue
            path = os.path.join(root, name)
            if name in names and os.path.realpath(path) in leave_out:
                continue
            yield path


def _suffix_match(name: str, suffixes: frozenset[str]) -> bool:
    lower = name.lower()
    return any(lower.endswith(s) for s in suffixes)


def _nothing_in_folder(folder: str, suffixes: frozenset[str] | None, skip: str) -> str:
    """Why a folder gave no files to read."""
    if suffixes is None:
        reason = "no files in this folder (hidden files are left out)"
    else:
        reason = f"no files a reader takes (suffixes {', '.join(sorted(suffixes)) or 'none'}) in this folder"
    if _inside(os.path.realpath(folder), skip):
        reason += "; it is the output folder (or inside it), which is never read"
    return reason


def _paths(
    item: str, suffixes: frozenset[str] | None, skip: str, leave_out: frozenset[str] = frozenset()
) -> Iterator[str | _FailedInput]:
    """The files an input names, or why it names none.

    ``suffixes`` limits what folders give (``None``: every file); the output folder ``skip``
    and the files ``leave_out`` (real paths) are left out of folders and glob matches. A
    file named as such is always read.
    """
    if item == "-":
        yield item
    elif os.path.isdir(item):
        found = False
        for path in _walk(item, suffixes, skip, leave_out):
            found = True
            yield path
        if not found:
            yield _FailedInput(item, FailureStage.INPUT, _nothing_in_folder(item, suffixes, skip))
    elif os.path.exists(item):
        yield item
    elif _GLOB_CHARS.search(item):
        matches = sorted(glob.glob(item, recursive=True))
        if not matches:
            yield _FailedInput(item, FailureStage.INPUT, "no files match this pattern")
            return
        found = False
        for match in matches:
            if os.path.isdir(match):
                for path in _walk(match, suffixes, skip, leave_out):
                    found = True
                    yield path
            elif not os.path.basename(match).startswith("."):
                real = os.path.realpath(match)
                if not _inside(real, skip) and real not in leave_out:
                    found = True
                    yield match
        if not found:
            reason = "no files to read match this pattern (hidden files, the output folder and the report are left out"
            reason += ")" if suffixes is None else f"; in folders, only suffixes {', '.join(sorted(suffixes))})"
            yield _FailedInput(item, FailureStage.INPUT, reason)
    else:
        yield _FailedInput(item, FailureStage.INPUT, "no such file or folder")


def pick_reader(head: bytes, filename: str, readers: Mapping[str, Reader]) -> Reader | None:
    """The reader for a file, by its suffix and its content.

    In order: a reader that takes the suffix and recognises the content (its ``sniff``
    accepts ``head``); else the only reader that takes the suffix; else a reader that
    recognises the content (``page.dump`` holding a scraped page); else ``None``. Ties go to
    the first by name, so the choice never depends on plugin load order.
    """
    by_suffix = [r for r in readers.values() if _suffix_match(filename, frozenset(s.lower() for s in r.suffixes))]
    sniffed = []
    for reader in readers.values():
        with contextlib.suppress(Exception):  # a broken sniff must not stop detection
            if reader.sniff(head, filename):
                sniffed.append(reader)
    both = [r for r in sniffed if r in by_suffix]
    if both:
        return both[0]
    if len(by_suffix) == 1:
        return by_suffix[0]
    if sniffed:
        return sniffed[0]
    return None


def _is_input(item: object) -> bool:
    return isinstance(item, (str, os.PathLike))


def _items(stories: Any) -> Iterator[str | Article]:
    if _is_input(stories) or isinstance(stories, Article):
        stories = [stories]
    for item in stories:
        if isinstance(item, Article):
            yield item
        elif _is_input(item):
            yield os.fspath(item)
        else:
            msg = f"convert() takes file names, folders, globs, '-' or Articles, not {type(item).__name__}"
            raise TypeError(msg)


class _Planner:
    """Turns the inputs into tasks, lazily and in order."""

    def __init__(
        self,
        host: PluginHost,
        forced: str | None,
        out: str,
        stdin: IO[bytes] | None,
        *,
        by_position: bool,
        report: str | None = None,
    ) -> None:
        self.readers = host.readers()
        self.forced = host.reader(forced) if forced else None
        self.host = host
        # A forced reader takes every file in a folder, whatever its suffix.
        self.suffixes = None if self.forced else frozenset(s.lower() for r in self.readers.values() for s in r.suffixes)
        self.skip = _out_root(out)
        self.leave_out = frozenset({os.path.realpath(report)}) if report else frozenset()
        """The report, which a folder or glob must not give back as a story on the next run."""
        self.stdin = stdin
        self.by_position = by_position
        """Send other processes where a file's lines are (:class:`_SpanUnit`), not the lines."""
        self.seen: set[str] = set()

    def units(self, stories: Any) -> Iterator[_Unit | _FailedInput]:
        pending: list[Article] = []
        for item in _items(stories):
            if isinstance(item, Article):
                pending.append(item)
                if len(pending) >= LINES_PER_TASK:
                    yield _StoriesUnit("<stories>", tuple(pending), 0)
                    pending = []
                continue
            if pending:
                yield _StoriesUnit("<stories>", tuple(pending), 0)
                pending = []
            for path in _paths(item, self.suffixes, self.skip, self.leave_out):
                if isinstance(path, _FailedInput):
                    yield path
                elif path == "-":
                    yield from self._stdin()
                else:
                    real = os.path.realpath(path)
                    if real in self.seen:
                        continue
                    self.seen.add(real)
                    yield from self._file(path)
        if pending:
            yield _StoriesUnit("<stories>", tuple(pending), 0)

    def _stdin(self) -> Iterator[_Unit | _FailedInput]:
        stream = self.stdin if self.stdin is not None else sys.stdin.buffer
        reader = self.forced or self.readers.get("jsonl")
        if reader is None:
            yield _FailedInput(
                "-", FailureStage.INPUT, "no reader for stdin: install the JSON Lines reader or pass reader="
            )
            return
        if _line_oriented(reader):
            yield from self._lines("-", reader.name, stream, None)
        else:
            data = stream.read()
            yield _BytesUnit("-", reader.name, data, len(data))

    def _no_reader(self, path: str) -> _FailedInput:
        names = ", ".join(self.readers) or "none"
        return _FailedInput(
            path,
            FailureStage.INPUT,
            f"no reader recognises this file (installed readers: {names}); choose one with --from",
        )

    def _file(self, path: str) -> Iterator[_Unit | _FailedInput]:
        try:
            info = os.stat(path)
        except OSError as exc:
            yield _FailedInput(path, FailureStage.INPUT, f"cannot open: {exc.strerror or exc}")
            return
        if not stat.S_ISREG(info.st_mode):
            yield from self._stream(path)
            return
        try:
            with open(path, "rb") as stream:
                head = stream.read(SNIFF_BYTES)
        except OSError as exc:
            yield _FailedInput(path, FailureStage.INPUT, f"cannot open: {exc.strerror or exc}")
            return
        reader = self.forced or pick_reader(head, os.path.basename(path), self.readers)
        if reader is None:
            yield self._no_reader(path)
            return
        if _line_oriented(reader):
            try:
                with open(path, "rb") as stream:
                    if self.by_position:
                        yield from self._spans(path, reader.name, stream, info.st_mtime_ns)
                    else:
                        yield from self._lines(path, reader.name, stream, info.st_mtime_ns)
            except OSError as exc:
                yield _FailedInput(path, FailureStage.INPUT, f"cannot read: {exc.strerror or exc}", reader.name)
        else:
            yield _FileUnit(path, path, reader.name, info.st_mtime_ns, info.st_size)

    def _stream(self, path: str) -> Iterator[_Unit | _FailedInput]:
        """A pipe, FIFO or device (``<(zcat a.gz)``): its bytes can be read only once.

        It is opened once; the head read for detection is put back in front of the rest, and it
        is then read like stdin: line by line for a line-oriented reader, else whole. It has no
        file date, so its outputs are always written.
        """
        try:
            stream = open(path, "rb")  # noqa: SIM115 - closed below, errors reported
        except OSError as exc:
            yield _FailedInput(path, FailureStage.INPUT, f"cannot open: {exc.strerror or exc}")
            return
        with stream:
            reader = None
            try:
                head = stream.read(SNIFF_BYTES)
                reader = self.forced or pick_reader(head, os.path.basename(path), self.readers)
                if reader is None:
                    yield self._no_reader(path)
                elif _line_oriented(reader):
                    # The head's last line may be cut: complete it, then go on with the rest.
                    first = io.BytesIO(head + stream.readline())
                    yield from self._lines(path, reader.name, itertools.chain(first, stream), None)
                else:
                    data = head + stream.read()
                    yield _BytesUnit(path, reader.name, data, len(data))
            except OSError as exc:
                name = reader.name if reader is not None else None
                yield _FailedInput(path, FailureStage.INPUT, f"cannot read: {exc.strerror or exc}", name)

    @staticmethod
    def _lines(source: str, reader: str, stream: Iterable[bytes], mtime_ns: int | None) -> Iterator[_LinesUnit]:
        batch: list[tuple[int, bytes]] = []
        size = 0
        for number, raw in enumerate(stream, start=1):
            size += len(raw)
            if raw.isspace():
                continue
            batch.append((number, raw))
            if len(batch) >= LINES_PER_TASK or size >= BYTES_PER_TASK:
                yield _LinesUnit(source, reader, tuple(batch), mtime_ns, size)
                batch, size = [], 0
        if batch or size:
            yield _LinesUnit(source, reader, tuple(batch), mtime_ns, size)

    @staticmethod
    def _spans(path: str, reader: str, stream: IO[bytes], mtime_ns: int | None) -> Iterator[_SpanUnit]:
        """The file cut like :meth:`_lines` cuts a stream, by position only."""
        start, first, count, size = 0, 1, 0, 0
        for number, raw in enumerate(stream, start=1):
            size += len(raw)
            if raw.isspace():
                continue
            count += 1
            if count >= LINES_PER_TASK or size >= BYTES_PER_TASK:
                yield _SpanUnit(path, path, reader, start, first, mtime_ns, size)
                start, first, count, size = start + size, number + 1, 0, 0
        if count or size:
            yield _SpanUnit(path, path, reader, start, first, mtime_ns, size)


def _tasks(units: Iterator[_Unit | _FailedInput]) -> Iterator[_Task | _FailedInput]:
    """Group small file units into tasks; chunks of lines and stories are tasks already."""
    files: list[_Unit] = []
    size = 0
    for unit in units:
        if isinstance(unit, _FileUnit):
            files.append(unit)
            size += unit.size
            if len(files) >= FILES_PER_TASK or size >= BYTES_PER_TASK:
                yield tuple(files)
                files, size = [], 0
            continue
        if files:
            yield tuple(files)
            files, size = [], 0
        yield unit if isinstance(unit, _FailedInput) else (unit,)
    if files:
        yield tuple(files)


def input_size(
    stories: StoriesInput,
    *,
    reader: str | None = None,
    out: str | os.PathLike[str] = "out",
    report: str | os.PathLike[str] | None = None,
) -> int | None:
    """The total size in bytes of the files :func:`convert` would read, for progress bars.

    ``None`` when the inputs include stdin, pipes or Article objects, whose size is not known
    ahead.
    """
    total = 0
    suffixes: frozenset[str] | None = None
    host = default_host()
    if reader:
        host.reader(reader)
    else:
        suffixes = frozenset(s.lower() for r in host.readers().values() for s in r.suffixes)
    skip = _out_root(os.fspath(out))
    leave_out = frozenset({os.path.realpath(report)}) if report is not None else frozenset()
    for item in _items(stories):
        if isinstance(item, Article) or item == "-":
            return None
        for path in _paths(item, suffixes, skip, leave_out):
            if isinstance(path, str) and path != "-":
                try:
                    info = os.stat(path)
                except OSError:
                    continue
                if not stat.S_ISREG(info.st_mode):
                    return None
                total += info.st_size
    return total


# --------------------------------------------------------------------------- executors


class _Serial:
    """Runs every task in this process, one after the other (``jobs=1``)."""

    def __init__(self, state: _State) -> None:
        self.state = state

    def run(self, tasks: Iterator[_Task | _FailedInput]) -> Iterator[tuple[_Task | _FailedInput, Any]]:
        for task in tasks:
            if isinstance(task, _FailedInput):
                yield task, None
                continue
            yield task, [_run_unit(self.state, unit) for unit in task]

    def close(self, _on_abandoned: Callable[[Any], None]) -> None:
        return


class _GaveUpError(RuntimeError):
    """No more worker pools are started: they die with no story to blame."""


class _Died(NamedTuple):
    """A task that could not even be submitted (the pool cannot be started again)."""

    exc: BaseException


def _pieces(unit: _Unit) -> list[_Unit]:
    """``unit`` cut into units of one story each, where it can be (a whole file cannot)."""
    if isinstance(unit, _SpanUnit):
        unit = _span_lines(unit)
    if isinstance(unit, _LinesUnit):
        return [unit._replace(lines=(line,), size=len(line[1])) for line in unit.lines]
    if isinstance(unit, _StoriesUnit):
        return [unit._replace(articles=(article,), size=0) for article in unit.articles]
    return [unit]


def _line_of(unit: _Unit) -> int | None:
    if isinstance(unit, _LinesUnit) and unit.lines:
        return unit.lines[0][0]
    return unit.first if isinstance(unit, _SpanUnit) else None


def _guid_of(unit: _Unit) -> str | None:
    return unit.articles[0].guid if isinstance(unit, _StoriesUnit) and unit.articles else None


class _Bounded:
    """Submits tasks to a pool with a bounded number in flight, and hands results back in order."""

    def __init__(self, in_flight: int) -> None:
        self.in_flight = max(2, in_flight)
        self.pending: deque[tuple[_Task | _FailedInput, Any]] = deque()

    def submit(self, task: _Task) -> Any:
        raise NotImplementedError

    def result(self, future: Any) -> Any:
        raise NotImplementedError

    def run(self, tasks: Iterator[_Task | _FailedInput]) -> Iterator[tuple[_Task | _FailedInput, Any]]:
        for task in tasks:
            self.pending.append((task, None if isinstance(task, _FailedInput) else self._submit(task)))
            while len(self.pending) >= self.in_flight:
                yield self._next()
        while self.pending:
            yield self._next()

    def _submit(self, task: _Task) -> Any:
        try:
            return self.submit(task)
        except Exception as exc:  # noqa: BLE001 - e.g. no pool can be started: the task fails, the run goes on
            return _Died(exc)

    def _outcome(self, future: Any) -> Any:
        if isinstance(future, _Died):
            raise future.exc
        return self.result(future)

    def _next(self) -> tuple[_Task | _FailedInput, Any]:
        task, future = self.pending[0]
        if future is None or isinstance(task, _FailedInput):
            self.pending.popleft()
            return task, None
        try:
            outcome = self._outcome(future)
        except Exception as exc:  # noqa: BLE001 - a dead worker fails its task, not the run
            self.pending.popleft()
            # When a worker dies, every task in flight fails with it; give each one more try
            # on fresh workers. A task that fails again is run one story at a time, so only a
            # story that kills its worker fails, with its own line.
            try:
                retry = self.resubmit(task, exc)
            except Exception:  # noqa: BLE001 - no retry then: each story on its own
                retry = None
            if retry is not None:
                with contextlib.suppress(Exception):
                    return task, self._outcome(retry)
            return task, self._isolate(task)
        # Only now: interrupted while waiting (Ctrl-C), the task is still pending, and closing
        # the run hands its outcome over for cleanup.
        self.pending.popleft()
        return task, outcome

    def _isolate(self, task: _Task) -> list[list[_Story]]:
        """``task``'s outcome with each story run on its own; a story whose worker dies fails alone."""
        outcome: list[list[_Story]] = []
        for unit in task:
            try:
                pieces = _pieces(unit)
            except (OSError, ReadError) as error:
                line = unit.first if isinstance(unit, _SpanUnit) else None
                outcome.append([_Story(line, None, None, FailureStage.READ, _message(error), ())])
                continue
            stories: list[_Story] = []
            for piece in pieces:
                for attempt in (1, 2):  # twice: another task in flight may have killed the pool
                    try:
                        stories.extend(self._outcome(self._submit((piece,)))[0])
                        break
                    except Exception as died:  # noqa: BLE001 - this story kills its worker
                        if isinstance(died, _GaveUpError):
                            reason = f"not converted: {died}"
                        elif attempt == 2:  # noqa: PLR2004
                            reason = f"the worker running this story died: {_message(died)}"
                            self.culprit_found()
                        else:
                            continue
                        failed = _Story(_line_of(piece), _guid_of(piece), None, FailureStage.WORKER, reason, ())
                        stories.append(failed)
                        break
            outcome.append(stories)
        return outcome

    def resubmit(self, task: _Task, exc: BaseException) -> Any:
        """Submit ``task`` again after ``exc``, or return ``None`` when a retry cannot help."""
        del task, exc
        return None

    def culprit_found(self) -> None:
        """A story was shown to kill its worker (run alone, twice)."""

    def abandon(self, on_abandoned: Callable[[Any], None]) -> None:
        """Wait for what is still running and hand its outcome over for cleanup."""
        while self.pending:
            _task, future = self.pending.popleft()
            if future is None or isinstance(future, _Died):
                continue
            with contextlib.suppress(Exception):
                on_abandoned(self.result(future))


class _Processes(_Bounded):
    """A local process pool (``jobs`` > 1)."""

    def __init__(self, config: _Config, jobs: int, host: PluginHost) -> None:
        super().__init__(jobs * 3)
        self.jobs, self.config = jobs, config
        self.preload = ["newsroom", "newsroom.converting", *_plugin_modules(host)]
        self.rebuilds = 0
        self.deaths = 0
        """Tasks whose worker died (their temporary files are removed when the run ends)."""
        self.retried: set[int] = set()
        self.started: Any = None
        """1 once a worker of the current pool has started (its initializer ran). A lock-free
        shared byte, new with each pool (made by that pool's start method): a lock held by a
        worker that is killed would stay held for ever."""
        self.pool = self._pool()

    def _pool(self) -> Any:
        from concurrent.futures import ProcessPoolExecutor

        context = self._context()
        self.started = context.RawValue("b", 0)
        return ProcessPoolExecutor(
            max_workers=self.jobs,
            mp_context=context,
            initializer=_init_worker,
            initargs=(self.config, os.getpid(), self.started),
        )

    def _context(self) -> Any:
        """``fork`` where it is safe, else ``forkserver`` (else ``spawn``).

        A forked worker starts in milliseconds with every module this process has imported; a
        forkserver's first worker waits for a fresh interpreter to import newsroom and the
        plugins (a third of a second, a tenth of a 20,000-story run on two cores). Forking is
        only safe while this process has a single thread (a lock held by another thread at the
        fork stays locked in the child), and only the default on Linux, so elsewhere, or with a
        progress-bar or Dask thread running, the workers come from the forkserver, which has the
        plugins preloaded.
        """
        import multiprocessing

        methods = multiprocessing.get_all_start_methods()
        if "fork" in methods and sys.platform == "linux" and _single_threaded():
            return multiprocessing.get_context("fork")
        if "forkserver" in methods:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(self.preload)  # no effect once the server runs
            return context
        return multiprocessing.get_context("spawn")

    def submit(self, task: _Task) -> Any:
        from concurrent.futures.process import BrokenProcessPool

        try:
            return self.pool.submit(_run_task_in_pool, task)
        except BrokenProcessPool:
            self._rebuild()
            return self.pool.submit(_run_task_in_pool, task)

    def _rebuild(self) -> None:
        if self.rebuilds >= _MAX_REBUILDS:
            msg = f"worker processes keep dying ({self.rebuilds} pools lost in a row, no story to blame); giving up"
            raise _GaveUpError(msg)
        self.rebuilds += 1
        # Wait for the broken pool to wind down (its workers are gone): its manager thread
        # would otherwise still run, and the next pool would come from the forkserver.
        self.pool.shutdown(wait=True, cancel_futures=True)
        if sys.platform == "linux" and threading.active_count() == 1:  # where the next pool may fork
            for _ in range(50):  # its threads are joined, but the system takes a moment to end them
                if _single_threaded():
                    break
                time.sleep(0.01)
        self.pool = self._pool()

    def culprit_found(self) -> None:
        # The pool that ran the story is not rebuilt yet. If its workers could start, they can
        # run: the deaths are the story's. Workers that never started (a plugin that cannot
        # load, say) may never start: those deaths still count.
        if self.started is not None and self.started.value:
            self.rebuilds = 0

    def resubmit(self, task: _Task, exc: BaseException) -> Any:
        from concurrent.futures.process import BrokenProcessPool

        if not isinstance(exc, BrokenProcessPool) or id(task) in self.retried:
            return None
        self.retried.add(id(task))
        if self._is_broken():
            self._rebuild()
        return self.pool.submit(_run_task_in_pool, task)

    def _is_broken(self) -> bool:
        return bool(getattr(self.pool, "_broken", False))

    def result(self, future: Any) -> Any:
        try:
            outcome = future.result()
        except Exception:
            self.deaths += 1
            raise
        self.rebuilds = 0  # pools lost in a row: a task that finishes shows the workers can run
        return outcome

    def close(self, on_abandoned: Callable[[Any], None]) -> None:
        for _task, future in self.pending:
            if future is not None and not isinstance(future, _Died):
                future.cancel()
        self.abandon(on_abandoned)
        self.pool.shutdown(wait=True, cancel_futures=True)


class _Dask(_Bounded):
    """Tasks on a Dask distributed cluster; the client's workers need this package and a shared folder."""

    def __init__(self, config: _Config, client: Any) -> None:
        try:
            ncores = sum(client.ncores().values())
        except Exception:  # noqa: BLE001 - a client without workers yet still takes tasks
            ncores = 1
        super().__init__(max(ncores, 1) * 3)
        self.client = client
        self.config = config

    def submit(self, task: _Task) -> Any:
        return self.client.submit(_run_task, self.config, task, pure=False)

    def result(self, future: Any) -> Any:
        return future.result()

    def close(self, on_abandoned: Callable[[Any], None]) -> None:
        # A task a Dask worker has started keeps running when its future is cancelled, and what
        # it writes would be left behind: wait a while for the tasks in flight (a few per core)
        # and remove what each wrote; cancel the rest, whose files the next run removes once
        # they are stale. After Ctrl-C, nothing is waited for.
        futures = [f for _task, f in self.pending if f is not None and not isinstance(f, _Died)]
        self.pending.clear()
        if futures and not isinstance(sys.exc_info()[1], KeyboardInterrupt):
            from distributed import wait

            with contextlib.suppress(Exception):
                wait(futures, timeout=_DASK_CLOSE_SECONDS)  # type: ignore[no-untyped-call]
        for future in futures:
            with contextlib.suppress(Exception):
                if future.status == "finished":
                    on_abandoned(future.result())
                else:
                    future.cancel()


def _single_threaded() -> bool:
    """Whether this process runs one thread, counting threads Python did not start."""
    if threading.active_count() != 1:
        return False
    try:
        return len(os.listdir("/proc/self/task")) == 1  # noqa: PTH208 - a count, no Path objects needed
    except OSError:
        return False


def _plugin_modules(host: PluginHost) -> list[str]:
    """The modules that define the host's plugins, for a forkserver to import once for all workers."""
    names = []
    for _name, plugin in host.pm.list_name_plugin():
        if plugin is None:
            continue
        module = plugin.__name__ if isinstance(plugin, types.ModuleType) else type(plugin).__module__
        if module in sys.modules and module != "__main__" and module not in names:
            names.append(module)  # importable by name: a module loaded from a path is not
    return names


def _check_picklable(factory: Callable[[], PluginHost]) -> None:
    """Refuse a host function the workers cannot receive, before anything runs.

    Forked workers would not need it pickled, forkserver ones do; checking always keeps the
    behaviour the same however the workers start.
    """
    try:
        pickle.dumps(factory)
    except Exception as exc:
        msg = (
            f"host= must be picklable to reach worker processes ({_message(exc)}); "
            "pass a module-level function, or use jobs=1"
        )
        raise ValueError(msg) from exc


def _dask_client(scheduler: str) -> Any:
    try:
        import importlib

        distributed = importlib.import_module("dask.distributed")
    except ImportError as exc:
        msg = "the Dask executor needs dask.distributed: pip install 'newsroom-editorial[dask]'"
        raise ImportError(msg) from exc
    return distributed.Client(scheduler)


# --------------------------------------------------------------------------- temp files


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    with contextlib.suppress(OSError):
        status = Path(f"/proc/{pid}/stat").read_text()
        return status.rsplit(")", 1)[-1].split()[0] != "Z"  # a zombie writes nothing more
    return True


def _run_temp_prefix(config: _Config) -> str:
    """How this run's temporary files are named: by its owner and its token.

    The owner is the process that ran :func:`convert` and renames the files, so no other run
    takes them for a dead run's while it lives, even when the worker that wrote one has died.
    """
    host, pid = config.owner
    return f"{_TEMP_PREFIX}{host}-{pid}-{config.token[:8]}"


def _remove_run_temps(out: str, prefix: str) -> None:
    """Remove what is left of this run's temporary files (a dead worker's), once it is over."""
    for root, _dirs, files in os.walk(out):
        for name in files:
            if name.startswith(prefix) and name.endswith(_TEMP_SUFFIX):
                with contextlib.suppress(OSError):
                    os.unlink(os.path.join(root, name))


def _remove_stale_temps(out: str) -> int:
    """Remove temporary files that dead runs left in ``out``; returns how many."""
    if not os.path.isdir(out):
        return 0
    me, removed, now = _hostname(), 0, time.time()
    for root, _dirs, files in os.walk(out):
        for name in files:
            m = _TEMP_NAME.match(name)
            if m is None:
                continue
            path = os.path.join(root, name)
            try:
                old = now - os.stat(path).st_mtime > STALE_TEMP_SECONDS
            except OSError:
                continue
            if old or (m.group("host") == me and not _pid_alive(int(m.group("pid")))):
                with contextlib.suppress(OSError):
                    os.unlink(path)
                    removed += 1
    return removed


def _discard(stories: Any) -> None:
    """Remove the temporary files of results that will never be renamed."""
    if not isinstance(stories, list):
        return
    for unit_stories in stories:
        for story in unit_stories:
            for out in story.outs:
                if out.tmp:
                    with contextlib.suppress(OSError):
                        os.unlink(out.tmp)


# --------------------------------------------------------------------------- the report


@contextlib.contextmanager
def _interrupts_held() -> Iterator[None]:
    """Hold Ctrl-C (and SIGTERM) back for a few statements that must happen together.

    A signal that arrives meanwhile is delivered right after, so the run still stops at once.
    Only the main thread receives Python's signals; elsewhere, or without ``pthread_sigmask``,
    nothing is held.
    """
    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not threading.main_thread():
        yield
        return
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


class _Report:
    """Streams the JSON report to a temporary file, renamed into place when the run ends."""

    def __init__(self, path: str, meta: Mapping[str, Any]) -> None:
        self.path = path
        directory = _report_folder(path)
        fd, self.tmp = tempfile.mkstemp(
            dir=directory, prefix=f"{_TEMP_PREFIX}{_hostname()}-{os.getpid()}-", suffix=_TEMP_SUFFIX
        )
        # A file name that is not UTF-8 (a surrogate-escaped str) is written as a JSON \u escape,
        # which reads back as the same name, instead of stopping the run.
        self.stream = os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace")
        try:
            if hasattr(os, "fchmod"):
                os.fchmod(fd, 0o666 & ~_umask())
            head = json.dumps(dict(meta), ensure_ascii=False, indent=2)
            self.stream.write(head[:-2] + ',\n  "inputs": [')
        except BaseException:
            self.abort()  # no report begun: no temporary file left either
            raise
        self.current: str | None = None
        self.counts: dict[str, int] = {}
        self.totals = {s.value: 0 for s in ConvertStatus}
        self.first_input = True

    def add(self, result: ConvertResult) -> None:
        # Each story's text is written with one call, so a Ctrl-C between two stories never
        # leaves half an entry (or a lone comma) in the report; the counts move with it.
        new_input = result.input != self.current
        parts: list[str] = []
        if new_input:
            parts.append(self._closing())
            parts.append("" if self.first_input else ",")
            parts.append(
                f'\n    {{"input": {json.dumps(result.input, ensure_ascii=False)}, '
                f'"reader": {json.dumps(result.reader)}, "stories": ['
            )
        else:
            parts.append(",")
        parts.append("\n      " + json.dumps(result.to_dict(), ensure_ascii=False))
        text = "".join(parts)
        with _interrupts_held():  # the entry and the counts the summary gives go together
            self.stream.write(text)
            if new_input:
                self.first_input = False
                self.current = result.input
                self.counts = {s.value: 0 for s in ConvertStatus}
            self.counts[result.status.value] += 1
            self.totals[result.status.value] += 1

    def _closing(self) -> str:
        """The text that closes the current input's entry ("" when there is none)."""
        if self.current is None:
            return ""
        counts = ", ".join(f'"{k}": {v}' for k, v in self.counts.items())
        return f"\n    ], {counts}}}"

    def finish(self, complete: bool) -> None:
        """Close the report with its summary (the counts of the stories it lists) and put it in place."""
        summary: dict[str, Any] = dict(self.totals)
        summary["stories"] = sum(self.totals.values())
        summary["complete"] = complete
        self.stream.write(self._closing() + "\n  ],\n  " + json.dumps({"summary": summary})[1:-1] + "\n}\n")
        self.stream.close()
        os.replace(self.tmp, self.path)

    def abort(self) -> None:
        with contextlib.suppress(OSError):
            self.stream.close()
        with contextlib.suppress(OSError):
            os.unlink(self.tmp)


# --------------------------------------------------------------------------- the entry point


def _formats(host: PluginHost, to: str | Sequence[str]) -> tuple[str, ...]:
    names = [n.strip() for n in to.split(",")] if isinstance(to, str) else [str(n).strip() for n in to]
    names = [n for n in names if n]
    if not names:
        msg = "no output format given: pass to=['json', ...] or to='all'"
        raise ValueError(msg)
    for name in names:
        if name != "all":
            host.exporter(name)  # raises UnknownFormatError naming the installed ones, with "all" too
    if "all" in names:
        return tuple(host.exporters())
    out: list[str] = []
    for name in names:
        host.exporter(name)  # raises UnknownFormatError naming the installed ones
        if name not in out:
            out.append(name)
    return tuple(out)


def _aggregate(outputs: Sequence[OutputResult]) -> tuple[ConvertStatus, FailureStage | None, str | None]:
    if len(outputs) == 1 and outputs[0].status is ConvertStatus.DONE:  # the usual: one format, written
        return ConvertStatus.DONE, None, None
    failed = [o for o in outputs if o.status is ConvertStatus.FAILED]
    if failed:
        reason = "; ".join(f"{o.format}: {o.reason}" for o in failed)
        return ConvertStatus.FAILED, failed[0].stage, reason
    if outputs and all(o.status is ConvertStatus.SKIPPED for o in outputs):
        return ConvertStatus.SKIPPED, None, None
    return ConvertStatus.DONE, None, None


class _Run:
    """The parent's side of one conversion: names, renames, results, counts."""

    def __init__(self, config: _Config, state: _State) -> None:
        self.config = config
        self.state = state
        self.names = _Names()
        self.numbers: dict[str, int] = {}
        self.counts = {s.value: 0 for s in ConvertStatus}

    def _number(self, source: str) -> int:
        self.numbers[source] = self.numbers.get(source, 0) + 1
        return self.numbers[source]

    def failed_input(self, failure: _FailedInput) -> ConvertResult:
        return ConvertResult(
            input=failure.input,
            story=None,
            reader=failure.reader,
            status=ConvertStatus.FAILED,
            stage=failure.stage,
            reason=failure.reason,
        )

    def results(self, unit: _Unit, stories: list[_Story]) -> Iterator[ConvertResult]:
        reader = getattr(unit, "reader", None)
        mtime_ns = getattr(unit, "mtime_ns", None)
        for position, story in enumerate(stories):
            number = self._number(unit.input)
            if story.stem is None:
                yield ConvertResult(
                    input=unit.input,
                    story=number,
                    line=story.line,
                    reader=reader,
                    guid=story.guid,
                    status=ConvertStatus.FAILED,
                    stage=story.stage,
                    reason=story.error,
                )
                continue
            stem = self.names.claim(story.stem)
            if len(story.outs) > 1:
                with _interrupts_held():  # a story's files are placed together: all of them, or none
                    outputs = [self._place(unit, position, story, o, stem=stem, mtime_ns=mtime_ns) for o in story.outs]
            else:
                outputs = [self._place(unit, position, story, o, stem=stem, mtime_ns=mtime_ns) for o in story.outs]
            status, stage, reason = _aggregate(outputs)
            yield ConvertResult(
                input=unit.input,
                story=number,
                line=story.line,
                reader=reader,
                guid=story.guid,
                status=status,
                stage=stage,
                reason=reason,
                outputs=tuple(outputs),
            )

    def _place(
        self, unit: _Unit, position: int, story: _Story, out: _Out, *, stem: str, mtime_ns: int | None
    ) -> OutputResult:
        config = self.config
        if out.error is not None:
            return OutputResult(
                format=out.format, path=None, status=ConvertStatus.FAILED, reason=out.error, stage=out.stage
            )
        tmp = out.tmp
        try:
            target = out.target
            if target is None or stem != story.stem:  # the parent gave the story another name
                target = _output_path(config, stem, out.format)
        except ExportError as exc:
            if tmp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
            return OutputResult(
                format=out.format, path=None, status=ConvertStatus.FAILED, reason=str(exc), stage=FailureStage.WRITE
            )
        if out.fresh:
            if stem == story.stem or _fresh(target, mtime_ns, owner=story.owner):
                return OutputResult(format=out.format, path=target, status=ConvertStatus.SKIPPED)
            # The worker found the story's first-choice name up to date, but in this run the
            # name belongs to an earlier story: export again under the name it was given.
            redo = self._redo(unit, position, out.format)
            if redo.error is not None or redo.tmp is None:
                return OutputResult(
                    format=out.format, path=None, status=ConvertStatus.FAILED, reason=redo.error, stage=redo.stage
                )
            tmp = redo.tmp
        elif stem != story.stem and not config.force and _fresh(target, mtime_ns, owner=story.owner):
            # The story's first-choice name held another story's file, so it was exported; the
            # name it was given holds its own, up to date.
            with contextlib.suppress(OSError):
                os.unlink(tmp)  # type: ignore[arg-type]
            return OutputResult(format=out.format, path=target, status=ConvertStatus.SKIPPED)
        try:
            os.replace(tmp, target)  # type: ignore[arg-type]
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.unlink(tmp)  # type: ignore[arg-type]
            return OutputResult(
                format=out.format,
                path=None,
                status=ConvertStatus.FAILED,
                reason=_message(exc),
                stage=FailureStage.WRITE,
            )
        return OutputResult(format=out.format, path=target, status=ConvertStatus.DONE)

    def _redo(self, unit: _Unit, position: int, format: str) -> _Out:
        forced = attrs.evolve(self.config, force=True, formats=(format,))
        state = _State(forced, host=self.state.host)
        if isinstance(unit, _SpanUnit):
            try:
                unit = _span_lines(unit)
            except (OSError, ReadError) as exc:
                return _Out(format, None, fresh=False, stage=FailureStage.READ, error=_message(exc))
        if isinstance(unit, _LinesUnit):
            # Read only the story's own line again (a line-oriented reader gives one story a line).
            stories = _run_unit(state, unit._replace(lines=unit.lines[position : position + 1]))
            position = 0
        else:
            stories = _run_unit(state, unit)
        keep = stories[position].outs[0] if position < len(stories) and stories[position].outs else None
        for i, other in enumerate(stories):
            if i != position:
                _discard([[other]])
        if keep is None:
            return _Out(format, None, fresh=False, stage=FailureStage.EXPORT, error="the story could not be read again")
        return keep

    def count(self, result: ConvertResult) -> None:
        self.counts[result.status.value] += 1


def _not_a_folder(path: str) -> str | None:
    """The first of ``path`` and its parents that exists and is not a folder, if any."""
    current = os.path.abspath(path)
    while not os.path.isdir(current):
        if os.path.lexists(current):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            break
        current = parent
    return None


def _check_places(out: str, report: str | None) -> None:
    """Fail now, before anything is written, if the output folder or the report cannot be made.

    A name too long or a folder that cannot be written to is a usage error here, not a
    traceback from the run; nothing is made until the run starts.
    """
    blocker = _not_a_folder(out)
    if blocker is not None:
        msg = f"the output folder {out!r} cannot be made: {blocker!r} exists and is not a folder"
        raise ValueError(msg)
    folder = None
    if report is not None:
        if os.path.isdir(report):
            msg = f"the report {report!r} is a folder; name a file, e.g. {os.path.join(report, 'report.json')!r}"
            raise ValueError(msg)
        folder = _report_folder(report)
        blocker = _not_a_folder(folder)
        if blocker is not None:
            msg = f"the report {report!r} cannot be written: {blocker!r} exists and is not a folder"
            raise ValueError(msg)
        if os.path.isfile(report) and not _is_report(report):  # noqa: PTH113 - Path.is_file raises on a name too long
            msg = (
                f"the report {report!r} would replace a file that is not a newsroom report (an input, perhaps); "
                "name another file, or remove it first"
            )
            raise ValueError(msg)
        _check_creatable(folder, f"the report {report!r}: its folder")
    _check_creatable(out, "the output folder")


def _check_creatable(folder: str, what: str) -> None:
    """Raise ValueError unless ``folder`` exists or could be made, and could be written to."""
    # The real path: "link/.." is the folder above the link's target, not the folder holding it.
    path = os.path.realpath(folder)
    parts = Path(path).parts
    existing = path
    while not os.path.isdir(existing):
        parent = os.path.dirname(existing)
        if parent == existing:
            break
        existing = parent
    try:
        longest = os.pathconf(existing, "PC_NAME_MAX")
    except (OSError, ValueError, AttributeError):  # no pathconf (Windows), or no such name
        longest = 255
    too_long = next((part for part in parts if len(os.fsencode(part)) > longest), None)
    if too_long is not None:
        msg = f"{what} {folder!r} cannot be made: the name {too_long[:40]!r}... is longer than {longest} bytes"
        raise ValueError(msg)
    if not os.access(existing, os.W_OK | os.X_OK):
        msg = f"{what} {folder!r} cannot be written to: no permission in {existing!r}"
        raise ValueError(msg)


class PlaceError(ValueError):
    """The output folder or the report cannot be made, found when the run starts.

    :func:`convert` checks the places before it returns, but some refusals only show when a
    folder or file is made (``/proc/x``, a path beyond ``PATH_MAX``, ``link/..`` through a
    symbolic link into a folder that cannot be written); the run's first step raises this then,
    before any input is read. The message names the place and the system's reason.
    """


def _make_folder(folder: str, what: str) -> str | None:
    """Make ``folder`` (and its parents) if need be, or raise :class:`PlaceError`.

    Returns the topmost folder it made (``None`` when ``folder`` was there), so that a run that
    cannot start takes back what it made.
    """
    top = None
    probe = os.path.abspath(folder)
    # Through "..", the folders made are not those the text names (a link's target's parent):
    # none is taken back then.
    climbs = ".." in Path(folder).parts
    while not climbs and not os.path.lexists(probe):
        top, parent = probe, os.path.dirname(probe)
        if parent == probe:  # pragma: no cover - the root always exists
            break
        probe = parent
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        if exc.filename is not None and os.fsdecode(exc.filename) != folder and exc.errno != errno.ENAMETOOLONG:
            reason = f"{reason}: {os.fsdecode(exc.filename)!r}"  # the parent that could not be made
        msg = f"{what} {folder!r} cannot be made: {reason}"
        _unmake(folder, top)  # the parents it made before the refusal
        raise PlaceError(msg) from None
    return top


def _unmake(folder: str, top: str | None) -> None:
    """Remove ``folder`` and its parents up to ``top`` (made by :func:`_make_folder`) while empty."""
    if top is None:
        return
    path = os.path.abspath(folder)
    while len(path) >= len(top):
        try:
            Path(path).rmdir()
        except OSError:  # not there, or not empty: something else put a file in it
            if os.path.lexists(path):
                return
        path = os.path.dirname(path)


def _open_report(path: str, meta: Mapping[str, Any]) -> _Report:
    """Start the report at ``path`` (its folder made if need be), or raise :class:`PlaceError`."""
    folder = _report_folder(path)
    made = _make_folder(folder, f"the report {path!r}: its folder")
    try:
        return _Report(path, meta)
    except OSError as exc:
        _unmake(folder, made)
        # The system's reason alone: the file it names is the report's temporary file.
        msg = f"the report {path!r} cannot be written: {exc.strerror or exc}"
        raise PlaceError(msg) from None


def _report_folder(path: str) -> str:
    """The folder the report goes in, as the system finds it ("link/../r.json": above the link's target).

    The report's temporary file is made there, so it is renamed into place on the same file system.
    """
    return os.path.realpath(os.path.dirname(path) or os.curdir)


_REPORT_HEAD: Final = b'{\n  "newsroom": '


def _is_report(path: str) -> bool:
    """Whether ``path`` holds a report of an earlier run, or nothing (``mktemp``): a new run may replace it."""
    try:
        with open(path, "rb") as stream:
            head = stream.read(len(_REPORT_HEAD))
            return head in {b"", _REPORT_HEAD}
    except OSError:
        return False


def convert(
    stories: StoriesInput,
    *,
    to: str | Sequence[str],
    out: str | os.PathLike[str] = "out",
    reader: str | None = None,
    layout: OutputLayout | str = OutputLayout.FLAT,
    jobs: int | None = None,
    force: bool = False,
    fail_fast: bool = False,
    report: str | os.PathLike[str] | None = None,
    client: Any = None,
    scheduler: str | None = None,
    host: PluginHost | Callable[[], PluginHost] | None = None,
    reader_options: Mapping[str, Mapping[str, Any]] | None = None,
    export_options: Mapping[str, Mapping[str, Any]] | None = None,
    now: datetime | None = None,
    stdin: IO[bytes] | None = None,
    progress: Callable[[int], None] | None = None,
) -> Iterator[ConvertResult]:
    """Convert stories into files, yielding one :class:`ConvertResult` per story, in input order.

    Args:
        stories: Files (pipes and FIFOs too), folders (searched recursively for files a
            reader takes, or for every file with ``reader``), glob patterns, ``-`` for JSON
            Lines on stdin, or :class:`~newsroom.Article` objects; one of them or an iterable
            of them. Folders and glob matches leave out hidden files, the output folder and
            the report; a folder or glob that gives no file is a failed input.
        to: Format names (``["json", "newsml-g2"]``, ``"json,newsml-g2"``) or ``"all"``.
        out: The output folder.
        reader: Force this reader for every input instead of detecting by suffix and content.
        layout: ``flat``, ``by-format`` or ``by-section`` (see :class:`OutputLayout`).
        jobs: Worker processes; default one per core. ``1`` runs in this process.
        force: Rewrite outputs even when they are newer than their input.
        fail_fast: Stop after the first failed story (what was written stays).
        report: Write a JSON report here: per input, each story's result, and a summary.
        client: A ``dask.distributed.Client``: run the work on its cluster instead.
        scheduler: A Dask scheduler address (``tcp://host:8786``): connect a client to it.
        host: The plugin host, or a picklable function returning one (needed for
            ``jobs`` > 1 and Dask, since a host cannot cross process boundaries).
        reader_options: Options per reader name, e.g. ``{"scraped": {"zone": "Europe/Moscow"}}``,
            passed to the reader's ``with_options``.
        export_options: Options per format, passed to :func:`~newsroom.export`.
        now: The export time every story gets (default: when the run starts), so one run's
            outputs agree with each other. It must be time-zone aware.
        stdin: The stream ``-`` reads (default ``sys.stdin.buffer``).
        progress: Called with the number of input bytes finished, as the run goes.

    Raises:
        UnknownFormatError: A format or reader is not installed (before anything is written).
        ValueError: Conflicting or bad arguments: a naive ``now``, an output folder or a
            report path that cannot be made (a file where a folder must be, or the reverse).
    """
    layout = OutputLayout(layout)
    if client is not None and scheduler is not None:
        msg = "give either client= or scheduler=, not both"
        raise ValueError(msg)
    if isinstance(host, PluginHost):
        if client is not None or scheduler is not None or (jobs is not None and jobs > 1):
            msg = (
                "a PluginHost cannot be sent to other processes; pass host= a picklable function that "
                "returns it (a module-level def), or use jobs=1"
            )
            raise ValueError(msg)
        jobs = 1
        parent_host, factory = host, None
    else:
        factory = host
        if factory is not None and client is None and scheduler is None and jobs != 1:
            _check_picklable(factory)
        parent_host = factory() if factory is not None else default_host()
    if jobs is not None and jobs < 1:
        msg = f"jobs must be at least 1, not {jobs}"
        raise ValueError(msg)
    formats = _formats(parent_host, to)
    if reader is not None:
        parent_host.reader(reader)
    for name, options in (reader_options or {}).items():
        _configured(parent_host.reader(name), options)  # bad options fail now, not in every worker
    out_dir = os.fspath(out)
    report_path = os.fspath(report) if report is not None else None
    if now is not None and now.utcoffset() is None:
        msg = f"now must be a time-zone-aware datetime (e.g. datetime(2026, 1, 1, tzinfo=UTC)), not {now!r}"
        raise ValueError(msg)
    _check_places(out_dir, report_path)
    config = _Config(
        token=uuid.uuid4().hex,
        started_ns=time.time_ns(),
        formats=formats,
        suffixes={f: parent_host.exporter(f).suffix for f in formats},
        out=out_dir,
        layout=layout,
        force=force,
        now=now or datetime.now(UTC),
        reader_options={k: dict(v) for k, v in (reader_options or {}).items()},
        export_options={k: dict(v) for k, v in (export_options or {}).items()},
        host_factory=factory,
    )
    return _convert(
        config,
        _State(config, host=parent_host),
        stories,
        reader=reader,
        jobs=jobs,
        fail_fast=fail_fast,
        report=report_path,
        client=client,
        scheduler=scheduler,
        stdin=stdin,
        progress=progress,
    )


def _make_places(config: _Config, report: str | None, jobs: int | str) -> _Report | None:
    """Make the output folder and start the report; a run that cannot start leaves no empty folder."""
    made = _make_folder(config.out, "the output folder")
    if not report:
        return None
    meta = {
        "newsroom": _version(),
        "out": config.out,
        "formats": list(config.formats),
        "layout": config.layout.value,
        "jobs": jobs,
        "now": config.now.isoformat(),
    }
    try:
        return _open_report(report, meta)
    except PlaceError:
        _unmake(config.out, made)
        raise


def _convert(
    config: _Config,
    state: _State,
    stories: Any,
    *,
    reader: str | None,
    jobs: int | None,
    fail_fast: bool,
    report: str | None,
    client: Any,
    scheduler: str | None,
    stdin: IO[bytes] | None,
    progress: Callable[[int], None] | None,
) -> Iterator[ConvertResult]:
    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    # The places are made first, so one that cannot be made stops the run before any input is
    # read or any worker started (a PlaceError, a usage error for the command line).
    writer = _make_places(config, report, "dask" if client is not None or scheduler is not None else workers)
    own_client = None
    executor: _Serial | _Processes | _Dask
    try:
        _remove_stale_temps(config.out)
        if scheduler is not None:
            client = own_client = _dask_client(scheduler)
        planner = _Planner(
            state.host, reader, config.out, stdin, by_position=client is not None or workers > 1, report=report
        )
        tasks = _tasks(planner.units(stories))
        run = _Run(config, state)
        if client is not None:
            executor = _Dask(config, client)
        else:
            # A single task is not worth starting processes for.
            first = list(_take(tasks, _MIN_PARALLEL_TASKS))
            tasks = _chain(first, tasks)
            executor = (
                _Serial(state)
                if workers == 1 or len(first) < _MIN_PARALLEL_TASKS
                else _Processes(config, workers, state.host)
            )
    except BaseException:
        if writer is not None:
            writer.abort()
        if own_client is not None:
            with contextlib.suppress(Exception):
                own_client.close()
        raise
    stopped = finished = interrupted = False
    placing: Any = None  # the outcome whose temporary files are being renamed, until all are
    try:
        for task, outcome in executor.run(tasks):
            placing = outcome
            for result in _task_results(run, task, outcome):
                run.count(result)
                if writer is not None:
                    writer.add(result)
                yield result
                if fail_fast and result.status is ConvertStatus.FAILED:
                    stopped = True
                    break
            if stopped:
                break
            placing = None
            if progress is not None:
                progress(_task_size(task))
        else:
            finished = True
    except KeyboardInterrupt:
        interrupted = True
        raise
    finally:
        # Stopped early (fail-fast, an error, or the caller closed the generator): the stories of
        # this outcome not yet placed leave no temporary files (placed ones are renamed already).
        _discard(placing)
        _end_run(config, executor, own_client, writer, complete=finished, interrupted=interrupted)


def _end_run(
    config: _Config,
    executor: _Serial | _Processes | _Dask,
    own_client: Any,
    writer: _Report | None,
    *,
    complete: bool,
    interrupted: bool = False,
) -> None:
    """Stop the workers, remove what dead ones wrote, and finish the report.

    Each step runs even when the one before was interrupted (Ctrl-C while the workers stop), so
    the report is written and no temporary file is left behind.
    """
    try:
        executor.close(_discard)
    finally:
        try:
            if getattr(executor, "deaths", 0):
                _remove_run_temps(config.out, _run_temp_prefix(config))  # what the workers that died had written
            elif interrupted:
                # Ctrl-C lands anywhere: in a story half done, or between a task's end and the
                # renames its results would have made. Only this run's files are removed.
                _remove_run_temps(config.out, _run_temp_prefix(config))
            if own_client is not None:
                with contextlib.suppress(Exception):
                    own_client.close()
        finally:
            _finish_report(writer, complete=complete)


def _finish_report(writer: _Report | None, *, complete: bool) -> None:
    """Write the report's summary and put the report in place (or remove its temporary file)."""
    if writer is not None:
        try:
            writer.finish(complete)
        except BaseException:
            writer.abort()
            raise


def _task_results(run: _Run, task: _Task | _FailedInput, outcome: Any) -> Iterator[ConvertResult]:
    if isinstance(task, _FailedInput):
        yield run.failed_input(task)
    else:
        for unit, stories in zip(task, outcome, strict=True):
            yield from run.results(unit, stories)


def _task_size(task: _Task | _FailedInput) -> int:
    if isinstance(task, _FailedInput):
        return task.size
    return sum(unit.size for unit in task)


def _take(items: Iterator[Any], n: int) -> Iterator[Any]:
    for _ in range(n):
        try:
            yield next(items)
        except StopIteration:
            return


def _chain(first: list[Any], rest: Iterator[Any]) -> Iterator[Any]:
    yield from first
    yield from rest


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("newsroom-editorial")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0+unknown"
