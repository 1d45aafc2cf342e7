"""``newsroom convert``: the command-line face of :func:`newsroom.convert`.

It parses arguments, runs the library's generator and shows what happens: a progress bar with
rate and time left when stderr is a terminal, plain lines otherwise (each failure, a line of
progress every few seconds), and a summary. The exit status is 1 if any story failed. Kept
apart from :mod:`newsroom.cli` so the command's code has one home; only ``cli.py`` imports it.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator
from typing import Any, TextIO

from newsroom.converting import ConvertResult, ConvertStatus, OutputLayout, PlaceError, convert, input_size
from newsroom.errors import NewsroomError


__all__ = ["add_parser", "run"]

PLAIN_PROGRESS_SECONDS = 5.0
"""How often the plain (non-terminal) output prints a progress line."""


def add_parser(sub: Any) -> None:
    """Add the ``convert`` subcommand to the ``newsroom`` parser's subparsers."""
    p = sub.add_parser(
        "convert",
        help="convert stories (files, folders, globs, - for JSON Lines on stdin) into formats",
        description="Convert stories into every requested format, in parallel; outputs are written "
        "atomically and re-runs skip outputs newer than their input.",
    )
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="files, folders, glob patterns, or - for stdin")
    p.add_argument("--to", required=True, metavar="FORMAT[,FORMAT...]", help="output formats, or 'all'")
    p.add_argument("--out", required=True, metavar="DIR", help="output folder")
    p.add_argument("--from", dest="reader", metavar="READER", help="force this reader (default: detect)")
    p.add_argument(
        "--layout", choices=[layout.value for layout in OutputLayout], default="flat", help="how outputs are arranged"
    )
    p.add_argument("--jobs", type=int, metavar="N", help="worker processes (default: one per core)")
    p.add_argument("--force", action="store_true", help="rewrite outputs even when newer than their input")
    p.add_argument("--fail-fast", action="store_true", help="stop at the first failed story")
    p.add_argument("--report", metavar="FILE", help="write a JSON report of every story, per input")
    p.add_argument("--quiet", action="store_true", help="no progress and no summary; failures only")
    p.add_argument("--scheduler", metavar="ADDRESS", help="run on a Dask cluster, e.g. tcp://host:8786")
    p.add_argument(
        "--reader-option",
        action="append",
        default=[],
        metavar="READER.KEY=VALUE",
        help="an option for a reader, e.g. scraped.zone=Europe/Moscow (repeatable)",
    )
    p.set_defaults(run=run)


def _reader_options(items: list[str]) -> dict[str, dict[str, str]]:
    options: dict[str, dict[str, str]] = {}
    for item in items:
        name, dot, rest = item.partition(".")
        key, eq, value = rest.partition("=")
        if not (name and dot and key and eq):
            msg = f"--reader-option {item!r}: write READER.KEY=VALUE, e.g. scraped.zone=Europe/Moscow"
            raise ValueError(msg)
        options.setdefault(name, {})[key] = value
    return options


def _failure_line(result: ConvertResult) -> str:
    stage = f"{result.stage.value}: " if result.stage else ""
    return f"FAILED {result.where}: {stage}{result.reason}\n"


INTERRUPTED = 130
"""The exit status after Ctrl-C (128 + SIGINT, as shells report it)."""


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Run ``newsroom convert``; returns 1 if any story failed, else 0."""
    err = sys.stderr
    counts = dict.fromkeys(ConvertStatus, 0)
    show_bar = not args.quiet and err.isatty()
    bar = _Bar(args, err) if show_bar else None
    try:
        results = _start(args, bar)
    except NewsroomError:
        raise
    except ValueError as exc:
        err.write(f"newsroom convert: error: {exc}\n")
        return 2
    started = last = time.monotonic()
    unusable: PlaceError | None = None
    try:
        if bar:
            bar.start()
        for result in results:
            counts[result.status] += 1
            if result.status is ConvertStatus.FAILED:
                if bar:
                    bar.print(_failure_line(result))
                else:
                    err.write(_failure_line(result))
            if bar:
                bar.story(counts)
            elif not args.quiet and time.monotonic() - last >= PLAIN_PROGRESS_SECONDS:
                last = time.monotonic()
                err.write(f"{_counts(counts)} ({sum(counts.values()) / (last - started):.0f} stories/s)\n")
    except KeyboardInterrupt:
        # Let the run know it is an interrupt (it then waits for no task in flight), then stop.
        try:
            results.throw(KeyboardInterrupt)  # type: ignore[attr-defined]
        except (KeyboardInterrupt, StopIteration):
            pass  # the run stopped as asked
        except Exception as exc:  # noqa: BLE001 - the interrupt still wins; the cleanup error is shown
            err.write(f"newsroom convert: error while stopping: {exc}\n")
        # A shell's own convention for a run stopped by Ctrl-C: status 130, and no traceback.
        err.write(f"newsroom convert: interrupted after {_counts(counts)}\n")
        return INTERRUPTED
    except PlaceError as exc:
        # An output folder or report that the system refuses only when it is made (/proc/x, a
        # path beyond PATH_MAX): a usage error like the places convert() refuses up front.
        unusable = exc
    finally:
        if bar:
            bar.stop()
    if unusable is not None:
        err.write(f"newsroom convert: error: {unusable}\n")
        return 2
    if not args.quiet:
        seconds = time.monotonic() - started
        out.write(f"{_counts(counts)} in {seconds:.1f}s -> {args.out}\n")
    return 1 if counts[ConvertStatus.FAILED] else 0


def _start(args: argparse.Namespace, bar: _Bar | None) -> Iterator[ConvertResult]:
    return convert(
        args.inputs,
        to=args.to,
        out=args.out,
        reader=args.reader,
        layout=args.layout,
        jobs=args.jobs,
        force=args.force,
        fail_fast=args.fail_fast,
        report=args.report,
        scheduler=args.scheduler,
        reader_options=_reader_options(args.reader_option),
        progress=bar.advance if bar else None,
    )


def _counts(counts: dict[ConvertStatus, int]) -> str:
    return ", ".join(f"{status.value} {counts[status]}" for status in ConvertStatus)


_REDRAW_SECONDS = 0.1


class _Bar:
    """A rich progress bar on stderr: input bytes for the bar and time left, stories for the rate."""

    def __init__(self, args: argparse.Namespace, err: TextIO) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn

        total = None
        if args.scheduler is None:
            try:
                report = getattr(args, "report", None)
                total = input_size(args.inputs, reader=args.reader, out=args.out, report=report)
            except Exception:  # noqa: BLE001 - the bar is a nicety; convert() reports real errors
                total = None
        self.progress = Progress(
            TextColumn("converting"),
            BarColumn(),
            TaskProgressColumn(),
            TextColumn("{task.fields[stories]} stories, {task.fields[rate]} /s"),
            TextColumn("[red]{task.fields[failed]} failed"),
            TimeRemainingColumn(),
            console=Console(file=err),
            transient=False,
            # Redrawn from the results as they come, not by rich's timer thread: a running thread
            # would make the worker processes start from the forkserver (see converting), which
            # costs a third of a second.
            auto_refresh=False,
            # Nor are stdout and stderr redirected through the bar: forked workers would inherit
            # the redirection and redraw a stale bar. Failures are printed through the bar itself.
            redirect_stdout=False,
            redirect_stderr=False,
        )
        self.task = self.progress.add_task("convert", total=total, stories=0, rate="-", failed=0)
        self.started = time.monotonic()
        self.drawn = 0.0

    def start(self) -> None:
        self.progress.start()

    def stop(self) -> None:
        self.progress.stop()

    def print(self, line: str) -> None:
        self.progress.console.print(line.rstrip("\n"), markup=False, highlight=False)

    def advance(self, size: int) -> None:
        self.progress.advance(self.task, size)
        self._draw()

    def story(self, counts: dict[ConvertStatus, int]) -> None:
        done = sum(counts.values())
        elapsed = max(time.monotonic() - self.started, 1e-9)
        self.progress.update(self.task, stories=done, rate=f"{done / elapsed:.0f}", failed=counts[ConvertStatus.FAILED])
        self._draw()

    def _draw(self) -> None:
        now = time.monotonic()
        if now - self.drawn >= _REDRAW_SECONDS:  # ten times a second, like rich's own timer
            self.drawn = now
            self.progress.refresh()
