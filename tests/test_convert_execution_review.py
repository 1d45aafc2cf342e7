"""convert() when things go wrong mid-run: dying workers, early stops, a killed parent."""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
import time
import types
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import attrs
import pytest

import newsroom
from newsroom import converting
from newsroom.converting import ConvertStatus, FailureStage
from newsroom.testing import FixedClock, plugin_host, sample_article


NOW = datetime(2026, 2, 1, 12, 0, tzinfo=UTC)


class _Crashing:
    """Kills its worker process (as a segfault or the OOM killer would) on a headline starting 'Die'."""

    name = "crashing"
    media_type = "text/plain"
    suffix = ".txt"
    description = "text, but the process dies on some stories"

    def export(self, article: newsroom.Article, context: newsroom.ExportContext) -> newsroom.Rendition:
        if article.headline.startswith("Die"):
            os._exit(3)
        lines = [article.headline, *(str(line) for line in context.attribution)]
        return newsroom.Rendition(
            content=("\n".join(lines) + "\n").encode(),
            media_type=self.media_type,
            filename=article.slug + self.suffix,
            format=self.name,
        )


@newsroom.hookimpl
def newsroom_register_exporters(register: newsroom.Registrar[newsroom.Exporter]) -> None:
    register(_Crashing())


def crashing_host() -> newsroom.PluginHost:
    """Every built-in plugin and the crashing exporter (module-level, so workers can build it)."""
    return plugin_host(sys.modules[__name__])


def stories_file(path: Path, headlines: list[str]) -> Path:
    base = sample_article(clock=FixedClock())
    lines = [
        newsroom.dumps(attrs.evolve(base, guid=f"urn:t:{i}", slugline=None, headline=h), indent=None)
        for i, h in enumerate(headlines)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def temps(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*.tmp"))


def test_a_story_that_kills_its_worker_fails_alone_with_its_line(tmp_path: Path) -> None:
    headlines = [f"Fine story {i}" for i in range(300)]
    headlines[130] = "Die here"
    source = stories_file(tmp_path / "in.jsonl", headlines)
    out = tmp_path / "out"
    results = list(newsroom.convert(source, to="crashing", out=out, jobs=2, host=crashing_host, now=NOW))
    assert len(results) == 300, "every story has its result, the dead worker's chunk included"
    failed = [r for r in results if r.status is ConvertStatus.FAILED]
    assert [(r.line, r.stage, r.guid) for r in failed] == [(131, FailureStage.WORKER, None)]
    assert failed[0].reason is not None
    assert "died" in failed[0].reason
    assert sum(r.status is ConvertStatus.DONE for r in results) == 299
    written = {p.read_text().split("\n")[0] for p in out.glob("*.txt")}
    assert written == {h for h in headlines if not h.startswith("Die")}
    assert temps(out) == [], "what the dead workers wrote is removed when the run ends"


def test_several_stories_that_kill_workers_do_not_stop_the_run(tmp_path: Path) -> None:
    headlines = [f"Fine story {i}" for i in range(400)]
    killers = {20, 150, 151, 280, 399}
    for k in killers:
        headlines[k] = "Die now"
    source = stories_file(tmp_path / "in.jsonl", headlines)
    out = tmp_path / "out"
    results = list(newsroom.convert(source, to="crashing", out=out, jobs=2, host=crashing_host, now=NOW))
    assert len(results) == 400
    assert sorted(r.line or 0 for r in results if r.status is ConvertStatus.FAILED) == sorted(k + 1 for k in killers)
    assert sum(r.status is ConvertStatus.DONE for r in results) == 400 - len(killers)
    assert temps(out) == []


def test_stories_that_kill_their_workers_at_the_very_start_fail_alone(tmp_path: Path) -> None:
    headlines = [f"Fine story {i}" for i in range(120)]
    for k in range(7):  # before any task has finished: the workers did start, the stories kill them
        headlines[k] = "Die now"
    source = stories_file(tmp_path / "in.jsonl", headlines)
    results = list(newsroom.convert(source, to="crashing", out=tmp_path / "out", jobs=2, host=crashing_host, now=NOW))
    failed = [r for r in results if r.status is ConvertStatus.FAILED]
    assert [r.line for r in failed] == list(range(1, 8))
    assert all("the worker running this story died" in (r.reason or "") for r in failed)
    assert sum(r.status is ConvertStatus.DONE for r in results) == 113


def host_that_cannot_start_in_a_worker() -> newsroom.PluginHost:
    """The crashing host here; in a worker process (forked, or from a forkserver), a plugin that cannot load."""
    if multiprocessing.parent_process() is not None:
        msg = "this plugin cannot load here"
        raise RuntimeError(msg)
    return crashing_host()


def test_workers_that_cannot_start_fail_the_stories_instead_of_raising(tmp_path: Path) -> None:
    source = stories_file(tmp_path / "in.jsonl", [f"Fine story {i}" for i in range(100)])
    results = list(
        newsroom.convert(source, to="crashing", out=tmp_path / "out", jobs=2, host=host_that_cannot_start_in_a_worker)
    )
    assert len(results) == 100
    assert all(r.status is ConvertStatus.FAILED and r.stage is FailureStage.WORKER for r in results)
    assert [r.line for r in results] == list(range(1, 101)), "each story is reported on its own line"
    # No worker ever started, so the run gave up on them instead of blaming every story.
    assert sum((r.reason or "").startswith("not converted: worker processes keep dying") for r in results) > 90


def test_fail_fast_leaves_no_temporary_files(tmp_path: Path) -> None:
    headlines = [f"Fine story {i}" for i in range(300)]
    source = stories_file(tmp_path / "in.jsonl", headlines)
    text = source.read_text(encoding="utf-8").split("\n")
    text.insert(5, "{oops")  # line 6 fails to read; everything around it is fine
    source.write_text("\n".join(text), encoding="utf-8")
    for jobs in (1, 2):
        out = tmp_path / f"out{jobs}"
        results = list(newsroom.convert(source, to="json", out=out, jobs=jobs, fail_fast=True, now=NOW))
        assert results[-1].status is ConvertStatus.FAILED
        assert results[-1].line == 6
        assert len(results) == 6
        assert temps(out) == [], f"jobs={jobs}"
        assert sorted(p.name for p in out.iterdir()) == sorted(r.paths[0].rsplit("/", 1)[-1] for r in results[:5])


def test_a_run_stopped_early_is_reported_incomplete(tmp_path: Path) -> None:
    source = stories_file(tmp_path / "in.jsonl", [f"Fine story {i}" for i in range(50)])
    out, report = tmp_path / "out", tmp_path / "report.json"
    run = newsroom.convert(source, to="json", out=out, jobs=1, report=report, now=NOW)
    first = next(run)
    assert first.status is ConvertStatus.DONE
    assert isinstance(run, types.GeneratorType)
    run.close()
    summary = json.loads(report.read_text(encoding="utf-8"))["summary"]
    assert summary["complete"] is False
    assert summary["stories"] == 1
    assert temps(out) == []
    # and a run that goes to its end is complete
    list(newsroom.convert(source, to="json", out=out, jobs=1, report=report, now=NOW))
    assert json.loads(report.read_text(encoding="utf-8"))["summary"]["complete"] is True


def test_a_worker_ends_when_the_process_that_started_it_is_gone() -> None:
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, check=True)
    pid = int(gone.stdout)
    start = time.monotonic()
    watcher = subprocess.run(
        [sys.executable, "-c", f"from newsroom.converting import _watch_parent; _watch_parent({pid}); print('back')"],
        capture_output=True,
        timeout=30,
        check=False,
    )
    assert watcher.returncode == 1
    assert b"back" not in watcher.stdout, "the process ends; it does not return to its work"
    assert time.monotonic() - start < 20  # a process start and a second of polling, with room


def test_a_worker_keeps_watching_a_live_parent() -> None:
    code = (
        "import os, threading, time\n"
        "from newsroom import converting\n"
        "threading.Thread(target=converting._watch_parent, args=(os.getppid(),), daemon=True).start()\n"
        "time.sleep(2.5 * converting._WATCH_SECONDS)\n"
        "print('alive')\n"
    )
    alive = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=30, check=True)
    assert alive.stdout.strip() == b"alive"


def test_pieces_cut_a_chunk_into_one_story_each(tmp_path: Path) -> None:
    source = stories_file(tmp_path / "in.jsonl", ["One", "Two", "Three"])
    size = source.stat().st_size
    span = converting._SpanUnit(str(source), str(source), "jsonl", 0, 1, None, size)
    pieces = converting._pieces(span)
    assert [converting._line_of(p) for p in pieces] == [1, 2, 3]
    assert sum(p.size for p in pieces) == size
    articles = converting._StoriesUnit("<stories>", (sample_article(), sample_article()), 0)
    assert [converting._guid_of(p) for p in converting._pieces(articles)] == [sample_article().guid] * 2


def _story_file(folder: Path, name: str, guid: str, headline: str = "Same headline") -> Path:
    story = attrs.evolve(sample_article(clock=FixedClock()), guid=guid, slugline=None, headline=headline)
    path = folder / name
    path.write_text(newsroom.dumps(story), encoding="utf-8")
    return path


def _holders(results: list[converting.ConvertResult]) -> dict[str, tuple[ConvertStatus, str]]:
    """Each story's status and the guid its output file really holds."""
    return {str(r.guid): (r.status, json.loads(Path(r.paths[0]).read_text(encoding="utf-8"))["guid"]) for r in results}


_MARKS = pytest.mark.skipif(
    not converting._XATTRS, reason="this OS has no extended attributes; re-runs fall back to file dates"
)


@_MARKS
def test_a_rerun_never_skips_a_file_another_story_wrote(tmp_path: Path) -> None:
    inputs, out = tmp_path / "in", tmp_path / "out"
    inputs.mkdir()
    _story_file(inputs, "b.json", "urn:B")
    assert [r.status for r in newsroom.convert([inputs], to="json", out=out, jobs=1)] == [ConvertStatus.DONE]
    # An input that sorts first arrives with an old date (as tar, cp -p or rsync -t keep it): it
    # takes the first name, whose file, newer than it, holds story B.
    a = _story_file(inputs, "a.json", "urn:A")
    os.utime(a, (1_600_000_000, 1_600_000_000))
    rerun = _holders(list(newsroom.convert([inputs], to="json", out=out, jobs=1)))
    assert rerun["urn:A"] == (ConvertStatus.DONE, "urn:A")
    assert rerun["urn:B"] == (ConvertStatus.DONE, "urn:B")
    # and now every file is its story's own, up to date
    again = _holders(list(newsroom.convert([inputs], to="json", out=out, jobs=2)))
    assert again == {"urn:A": (ConvertStatus.SKIPPED, "urn:A"), "urn:B": (ConvertStatus.SKIPPED, "urn:B")}


@_MARKS
def test_swapping_the_inputs_rewrites_both_files_then_skips(tmp_path: Path) -> None:
    inputs, out = tmp_path / "in", tmp_path / "out"
    inputs.mkdir()
    a, b = _story_file(inputs, "a.json", "urn:A"), _story_file(inputs, "b.json", "urn:B")
    list(newsroom.convert([a, b], to="json", out=out, jobs=1))
    swapped = _holders(list(newsroom.convert([b, a], to="json", out=out, jobs=1)))
    assert swapped == {"urn:A": (ConvertStatus.DONE, "urn:A"), "urn:B": (ConvertStatus.DONE, "urn:B")}
    again = _holders(list(newsroom.convert([b, a], to="json", out=out, jobs=1)))
    assert again == {"urn:A": (ConvertStatus.SKIPPED, "urn:A"), "urn:B": (ConvertStatus.SKIPPED, "urn:B")}


@_MARKS
def test_without_marks_a_rerun_rewrites_rather_than_trusts_a_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_args: object) -> None:
        raise OSError(95, "Operation not supported")

    monkeypatch.setattr(os, "setxattr", refuse, raising=False)
    inputs, out = tmp_path / "in", tmp_path / "out"
    inputs.mkdir()
    _story_file(inputs, "a.json", "urn:A", headline="First")
    first = list(newsroom.convert([inputs], to="json", out=out, jobs=1))
    assert [r.status for r in first] == [ConvertStatus.DONE]
    second = list(newsroom.convert([inputs], to="json", out=out, jobs=1))
    assert [r.status for r in second] == [ConvertStatus.DONE], "no mark: the file cannot be shown to be this story's"
    assert json.loads(Path(second[0].paths[0]).read_text(encoding="utf-8"))["guid"] == "urn:A"


def test_stories_that_kill_their_workers_one_after_another_fail_alone(tmp_path: Path) -> None:
    headlines = [f"Fine story {i}" for i in range(300)]
    killers = set(range(100, 107))  # seven in a row: more pools lost than the give-up limit, all explained
    for k in killers:
        headlines[k] = "Die now"
    source = stories_file(tmp_path / "in.jsonl", headlines)
    results = list(newsroom.convert(source, to="crashing", out=tmp_path / "out", jobs=2, host=crashing_host, now=NOW))
    failed = [r for r in results if r.status is ConvertStatus.FAILED]
    assert sorted(r.line or 0 for r in failed) == sorted(k + 1 for k in killers)
    assert all("died" in (r.reason or "") for r in failed)
    assert len(results) == 300


def test_rebuilt_pools_are_forked_like_the_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    methods: list[str] = []
    choose = converting._Processes._context

    def recorded(self: converting._Processes) -> Any:
        context = choose(self)
        methods.append(context.get_start_method())
        return context

    monkeypatch.setattr(converting._Processes, "_context", recorded)
    single_threaded = converting._single_threaded() and sys.platform == "linux"
    headlines = [f"Fine story {i}" for i in range(200)]
    headlines[50] = "Die now"
    source = stories_file(tmp_path / "in.jsonl", headlines)
    list(newsroom.convert(source, to="crashing", out=tmp_path / "out", jobs=2, host=crashing_host, now=NOW))
    assert len(methods) > 1, "the dying worker made the run start new pools"
    assert set(methods) == {methods[0]}, "a broken pool's manager thread must not make new pools use the forkserver"
    if single_threaded:  # (other tests may leave threads running, and then every pool uses the forkserver)
        assert methods[0] == "fork"


@_MARKS
def test_a_story_with_a_very_long_guid_is_marked_with_a_digest(tmp_path: Path) -> None:
    inputs, out = tmp_path / "in", tmp_path / "out"
    inputs.mkdir()
    _story_file(inputs, "a.json", "urn:long:" + "x" * 5000)
    _story_file(inputs, "b.json", "urn:B")
    first = list(newsroom.convert([inputs], to="json", out=out, jobs=1))
    marks = {r.guid: os.getxattr(r.paths[0], "user.newsroom.story") for r in first}  # type: ignore[attr-defined,unused-ignore]
    assert marks["urn:B"] == b"urn:B v1"
    long_mark = marks["urn:long:" + "x" * 5000]
    assert long_mark.startswith(b"sha256:")
    assert len(long_mark) < 100
    again = list(newsroom.convert([inputs], to="json", out=out, jobs=1))
    assert [r.status for r in again] == [ConvertStatus.SKIPPED, ConvertStatus.SKIPPED]


@_MARKS
def test_one_file_that_cannot_be_marked_leaves_the_others_marked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = os.setxattr  # type: ignore[attr-defined,unused-ignore]

    def too_big_for_one(fd: int, name: str, value: bytes, *args: Any) -> None:
        if value.startswith(b"urn:A "):
            raise OSError(7, "Argument list too long")  # E2BIG: this value, not the file system
        real(fd, name, value, *args)

    monkeypatch.setattr(os, "setxattr", too_big_for_one)
    inputs, out = tmp_path / "in", tmp_path / "out"
    inputs.mkdir()
    _story_file(inputs, "a.json", "urn:A", headline="First")
    _story_file(inputs, "b.json", "urn:B", headline="Second")
    list(newsroom.convert([inputs], to="json", out=out, jobs=1))
    again = {r.guid: r.status for r in newsroom.convert([inputs], to="json", out=out, jobs=1)}
    assert again == {"urn:A": ConvertStatus.DONE, "urn:B": ConvertStatus.SKIPPED}


def test_temporary_files_belong_to_the_process_that_renames_them(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, check=True)
    names = {}
    for owner, pid in (("alive", os.getpid()), ("gone", int(gone.stdout))):
        config = converting._Config(
            token=f"{owner:0<32}",
            started_ns=0,
            formats=("json",),
            suffixes={"json": ".json"},
            out=str(out),
            layout=converting.OutputLayout.FLAT,
            force=False,
            now=NOW,
            reader_options={},
            export_options={},
            host_factory=None,
            owner=(converting._hostname(), pid),
        )
        # A worker process (here: this one) writes the file; the name says who will rename it.
        names[owner] = Path(converting._write_temp(converting._State(config), str(out), b"{}")).name
    converting._remove_stale_temps(str(out))
    assert sorted(p.name for p in out.iterdir()) == [names["alive"]], "only the dead run's file is removed"


def test_ctrl_c_in_the_command_reaches_the_run_as_an_interrupt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from newsroom import convert_command
    from newsroom.cli import main

    seen: list[str] = []
    real_start = convert_command._start

    def watched(*args: Any) -> Any:
        results = real_start(*args)

        def relay() -> Any:
            try:
                yield from results
            except BaseException as exc:
                seen.append(type(exc).__name__)  # what the run's generator is told when it stops
                raise

        return relay()

    def interrupted(result: converting.ConvertResult) -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr(convert_command, "_start", watched)
    monkeypatch.setattr(convert_command, "_failure_line", interrupted)  # Ctrl-C while a failure is printed
    source = stories_file(tmp_path / "in.jsonl", ["Fine story"])
    source.write_text("{oops\n" + source.read_text(encoding="utf-8"), encoding="utf-8")
    status = main(["convert", str(source), "--to", "json", "--out", str(tmp_path / "out"), "--jobs", "1"])
    assert status == convert_command.INTERRUPTED == 130
    assert seen == ["KeyboardInterrupt"], "the run learns it was interrupted, not merely closed"
    assert "newsroom convert: interrupted after " in capsys.readouterr().err
