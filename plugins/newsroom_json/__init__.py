"""Built-in plugin: newsroom's native JSON, one story per file, and JSON Lines for streams.

The exporter ``json`` writes the lossless native form (see :mod:`newsroom.serialization`),
with history and internal fields: it is an interchange and archive format, not a public one,
and it carries embargoes. The readers ``json`` and ``jsonl`` read it back; ``jsonl`` streams
one story per line, so memory does not grow with the file, and reports a bad line without
stopping: not JSON, not UTF-8, not a valid story, or nested too deeply to read (deeper than
Python's recursion limit allows). Any other failure while reading one story (a bug, in newsroom
or a plugin it calls) is reported the same way, as a ReadError for that story, so that one bad
line never costs the stories after it.

Like every plugin, this one uses only newsroom's public API.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO

import orjson

import newsroom


__all__ = ["JsonExporter", "JsonLinesReader", "JsonReader"]


class JsonExporter:
    """Exports the native JSON form of a story."""

    name = "json"
    media_type = "application/json"
    suffix = ".json"
    public = False
    carries_embargo = True
    description = "newsroom's native JSON: lossless, versioned, with history"

    def export(self, article: newsroom.Article, context: newsroom.ExportContext) -> newsroom.Rendition:
        """Render ``article`` as indented UTF-8 JSON ending in a newline (as :func:`newsroom.dumps`).

        The exporter takes no options: the archive form is one, so that every copy of a story is
        byte-identical. An option is refused with :class:`newsroom.ExportError` naming it, rather
        than ignored (``indnt`` or ``indent`` would otherwise seem to work).
        """
        if context.options:
            names = ", ".join(sorted(map(str, context.options)))
            msg = (
                f"unknown option(s) {names}; json takes no options (it always writes indented UTF-8 JSON; "
                "use newsroom.dumps(story, indent=None) for one compact line)"
            )
            raise newsroom.ExportError(msg, format=self.name)
        try:  # the bytes straight from orjson, as newsroom.dumps writes them, without a round trip via str
            content = orjson.dumps(newsroom.to_dict(article), option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
        except orjson.JSONEncodeError:  # e.g. an integer beyond 64 bits: the standard library's way
            content = (newsroom.dumps(article, indent=2) + "\n").encode("utf-8")
        return newsroom.Rendition(
            content=content,
            media_type=self.media_type,
            filename=article.slug + self.suffix,
            format=self.name,
        )


def _first_char(head: bytes) -> bytes:
    return head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]


class JsonReader:
    """Reads one story in native JSON."""

    name = "json"
    suffixes = (".json",)
    description = "one story in newsroom's native JSON"

    def sniff(self, head: bytes, filename: str) -> bool:  # noqa: ARG002
        """A JSON object that carries ``format_version`` and sits alone in its file."""
        return _first_char(head) == b"{" and b'"format_version"' in head and b"}\n{" not in head

    def read(self, stream: IO[bytes], *, source: str) -> Iterator[newsroom.Article | newsroom.ReadError]:
        """Yield the story, or a ReadError naming the field or line (or saying it nests too deeply)."""
        try:
            article = newsroom.loads(stream.read())  # a ValidationError for every bad input, deep nesting too
        except newsroom.ValidationError as exc:
            yield newsroom.ReadError(str(exc), source=source)
        except Exception as exc:  # noqa: BLE001 - defence in depth: a bug is reported, not raised mid-stream
            yield newsroom.ReadError(_unexpected(exc), source=source)
        else:
            yield article


class JsonLinesReader:
    """Streams stories from JSON Lines, one native-JSON story per line."""

    name = "jsonl"
    suffixes = (".jsonl", ".ndjson")
    description = "JSON Lines: one native-JSON story per line, streamed"
    line_oriented = True
    """Each non-blank line is one story on its own, so bulk conversion may split the file."""

    def sniff(self, head: bytes, filename: str) -> bool:  # noqa: ARG002
        """Several JSON objects, one per line."""
        lines = [line for line in head.splitlines() if line.strip()]
        return (
            _first_char(head) == b"{" and len(lines) > 1 and all(line.lstrip().startswith(b"{") for line in lines[:-1])
        )

    def read(self, stream: IO[bytes], *, source: str) -> Iterator[newsroom.Article | newsroom.ReadError]:
        """Yield each line's story, or a ReadError naming the line; blank lines are skipped."""
        for number, raw in enumerate(stream, start=1):
            if raw.strip():
                yield _read_line(raw, source, number)


_TOO_DEEP = "nested too deeply to read (deeper than Python's recursion limit allows)"


def _read_line(raw: bytes, source: str, number: int) -> newsroom.Article | newsroom.ReadError:
    """One line's story, or a ReadError naming the line: every failure is reported, none raised."""
    try:
        return newsroom.from_json(raw)
    except json.JSONDecodeError as exc:
        return newsroom.ReadError(f"not JSON: {_json_problem(exc, raw)}", source=source, line=number)
    except UnicodeDecodeError as exc:
        return newsroom.ReadError(f"not UTF-8 text: {exc.reason}", source=source, line=number)
    except newsroom.ValidationError as exc:
        return newsroom.ReadError(str(exc), source=source, line=number)
    except RecursionError:  # deeply nested arrays, or inline markup nested deeper than Python recurses
        return newsroom.ReadError(_TOO_DEEP, source=source, line=number)
    except Exception as exc:  # noqa: BLE001 - defence in depth: a bug costs this line, not the rest of the file
        return newsroom.ReadError(_unexpected(exc), source=source, line=number)


def _json_problem(exc: json.JSONDecodeError, raw: bytes) -> str:
    """The parser's message and column, as if the line had no line ending.

    The ending is stripped only here, on the error path: the parser would otherwise place an
    error at the end of the text (an unclosed brace) at column 1 of a second line.
    """
    text = raw.rstrip(b"\r\n")
    if text != raw:
        try:
            newsroom.parse_json(text)
        except json.JSONDecodeError as again:
            exc = again
        except Exception:  # noqa: BLE001, S110 - keep the first report
            pass
    return f"{exc.msg} (column {exc.colno})"


def _unexpected(exc: Exception) -> str:
    """A ReadError's message for a failure newsroom does not expect: the story is skipped, the cause shown."""
    return f"could not read the story ({type(exc).__name__}: {exc}); please report this as a bug in newsroom"


@newsroom.hookimpl
def newsroom_register_exporters(register: newsroom.Registrar[newsroom.Exporter]) -> None:
    """Register the ``json`` exporter."""
    register(JsonExporter())


@newsroom.hookimpl
def newsroom_register_readers(register: newsroom.Registrar[newsroom.Reader]) -> None:
    """Register the ``json`` and ``jsonl`` readers."""
    register(JsonReader())
    register(JsonLinesReader())
