"""newsroom.convert(): inputs, readers, names, layouts, skip/force, failures, reports, executors."""

from __future__ import annotations

import io
import json
import os
import shutil
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import newsroom
from newsroom import converting
from newsroom.audit import entry_hash
from newsroom.converting import ConvertStatus, FailureStage
from newsroom.testing import FixedClock, plugin_host, sample_article


DATA = Path(__file__).parent / "data" / "scraped"
NOW = datetime(2026, 2, 1, 12, 0, tzinfo=UTC)


def story(
    n: int, *, headline: str | None = None, section: str | newsroom.Section | None = "World", **changes: Any
) -> newsroom.Article:
    base = sample_article(clock=FixedClock())
    fields: dict[str, Any] = {
        "guid": f"urn:test:{n}",
        "headline": headline or f"Story number {n} about the budget",
        "slugline": None,
        "section": newsroom.Section(name=section) if isinstance(section, str) else section,
    }
    fields.update(changes)
    return attrs.evolve(base, **fields)


def write_jsonl(path: Path, stories: list[newsroom.Article], bad: dict[int, str] | None = None) -> Path:
    lines = [newsroom.dumps(s, indent=None) for s in stories]
    for index, text in sorted((bad or {}).items()):
        lines.insert(index, text)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def run(*args: object, **kwargs: object) -> list[converting.ConvertResult]:
    kwargs.setdefault("now", NOW)
    kwargs.setdefault("jobs", 1)
    return list(newsroom.convert(*args, **kwargs))  # type: ignore[arg-type]


# --------------------------------------------------------------------------- JSON Lines


def test_bad_lines_are_reported_and_the_rest_converted(tmp_path: Path) -> None:
    stories = [story(i) for i in range(12)]
    bad = {3: "{not json", 8: '{"format_version": 1, "guid": "x", "headline": ""}'}
    source = write_jsonl(tmp_path / "in.jsonl", stories, bad)
    results = run(source, to=["json"], out=tmp_path / "out")

    failed = [r for r in results if r.status is ConvertStatus.FAILED]
    assert [(r.input, r.line, r.stage) for r in failed] == [
        (str(source), 4, FailureStage.READ),
        (str(source), 9, FailureStage.READ),
    ]
    assert "not JSON" in (failed[0].reason or "")
    assert "headline" in (failed[1].reason or "")
    done = [r for r in results if r.status is ConvertStatus.DONE]
    assert [r.guid for r in done] == [s.guid for s in stories]
    # Each line's story number and line are reported; stories keep their input order.
    assert [r.line for r in results] == list(range(1, 15))
    for result, original in zip(done, stories, strict=True):
        (path,) = result.paths
        assert newsroom.loads(Path(path).read_bytes()) == original


def test_stdin_is_json_lines(tmp_path: Path) -> None:
    stories = [story(i) for i in range(3)]
    data = "\n".join(newsroom.dumps(s, indent=None) for s in stories).encode() + b"\n"
    results = run("-", to="json", out=tmp_path / "out", stdin=io.BytesIO(data))
    assert [(r.input, r.line, r.status) for r in results] == [("-", n, ConvertStatus.DONE) for n in (1, 2, 3)]


def test_articles_can_be_passed_directly(tmp_path: Path) -> None:
    results = run([story(1), story(2, section=None)], to=["json"], out=tmp_path)
    assert [r.where for r in results] == ["<stories>#1", "<stories>#2"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "story-number-2-about-the-budget.json",
        "world_story-number-1-about-the-budget.json",
    ]


# --------------------------------------------------------------------------- names and layouts


def test_names_are_unique_in_input_order(tmp_path: Path) -> None:
    same = [story(i, headline="Budget passes") for i in range(3)]
    results = run(same, to=["json"], out=tmp_path)
    names = [Path(r.paths[0]).name for r in results]
    assert names == ["world_budget-passes.json", "world_budget-passes-2.json", "world_budget-passes-3.json"]
    assert [newsroom.loads(Path(r.paths[0]).read_bytes()).guid for r in results] == [s.guid for s in same]


@pytest.mark.parametrize(
    ("layout", "expected"),
    [
        ("flat", "world-europe_budget-passes.json"),
        ("by-format", "json/world-europe_budget-passes.json"),
        ("by-section", "world/europe/budget-passes.json"),
    ],
)
def test_layouts(tmp_path: Path, layout: str, expected: str) -> None:
    europe = newsroom.Section(name="Europe", parent="world")
    results = run(
        [story(1, headline="Budget passes", section=europe)],
        to="json",
        out=tmp_path,
        layout=layout,
    )
    assert results[0].paths == (str(tmp_path / expected),)
    assert (tmp_path / expected).is_file()


def test_format_suffix_naming_in_a_shared_folder(host: newsroom.PluginHost) -> None:
    assert converting._relative("world_x", "json", ".json", converting.OutputLayout.FLAT) == "world_x.json"
    assert converting._relative("world_x", "newsml-g2", ".xml", converting.OutputLayout.FLAT) == "world_x.newsml-g2.xml"
    assert converting._relative("world_x", "ninjs", ".json", converting.OutputLayout.BY_FORMAT) == "ninjs/world_x.json"


# --------------------------------------------------------------------------- inputs and readers


def test_folders_globs_and_missing_inputs(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    (folder / "deeper").mkdir(parents=True)
    shutil.copy(DATA / "en_politics_two_bylines.txt", folder / "a.txt")
    shutil.copy(DATA / "ru_world.txt", folder / "deeper" / "b.txt")
    (folder / ".hidden.txt").write_text("ignored")
    (folder / "notes.md").write_text("not a story")
    write_jsonl(folder / "c.jsonl", [story(1), story(2)])
    out = folder / "out"  # an output folder inside an input folder is never read
    first = run(folder, to="json", out=out)
    assert [(Path(r.input).name, r.reader, r.status) for r in first] == [
        ("a.txt", "scraped", ConvertStatus.DONE),
        ("c.jsonl", "jsonl", ConvertStatus.DONE),
        ("c.jsonl", "jsonl", ConvertStatus.DONE),
        ("b.txt", "scraped", ConvertStatus.DONE),
    ]
    again = run(
        [folder, str(folder / "*.txt"), str(tmp_path / "nope.txt"), str(tmp_path / "*.xyz")],
        to="json",
        out=out,
        force=True,
    )
    # a.txt appears once although the folder and the glob both name it.
    assert [Path(r.input).name for r in again] == ["a.txt", "c.jsonl", "c.jsonl", "b.txt", "nope.txt", "*.xyz"]
    assert [(r.stage, r.reason) for r in again[-2:]] == [
        (FailureStage.INPUT, "no such file or folder"),
        (FailureStage.INPUT, "no files match this pattern"),
    ]


def test_reader_detection_by_content_and_suffix(host: newsroom.PluginHost) -> None:
    readers = host.readers()
    page = (DATA / "ru_world.txt").read_bytes()[:4096]
    one = newsroom.dumps(story(1)).encode()
    many = b"\n".join(newsroom.dumps(story(i), indent=None).encode() for i in range(3))

    def picked(head: bytes, name: str) -> str | None:
        """The name of the reader picked for ``name`` starting with ``head`` (None when none is)."""
        reader = converting.pick_reader(head, name, readers)
        return None if reader is None else reader.name

    assert picked(page, "page.txt") == "scraped"
    assert picked(page, "page.dump") == "scraped"  # content, not suffix
    assert picked(one, "story.json") == "json"
    assert picked(one, "story.bin") == "json"
    assert picked(many, "stories.jsonl") == "jsonl"
    assert picked(b"garbage", "broken.json") == "json"  # suffix, to say why
    assert converting.pick_reader(b"garbage", "broken.xyz", readers) is None


def test_forced_reader_and_unknown_files(tmp_path: Path) -> None:
    odd = tmp_path / "page.dat"
    shutil.copy(DATA / "en_late_night_zone.txt", odd)
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"\x00\x01")
    results = run([odd, junk], to="json", out=tmp_path / "out")
    assert [(r.reader, r.status) for r in results] == [("scraped", ConvertStatus.DONE), (None, ConvertStatus.FAILED)]
    assert "no reader recognises this file" in (results[1].reason or "")
    forced = run(junk, to="json", out=tmp_path / "out", reader="scraped")
    assert forced[0].stage is FailureStage.READ
    assert "rights notice was not found" in (forced[0].reason or "")


def test_reader_options_reach_the_reader(tmp_path: Path) -> None:
    page = DATA / "en_late_night_zone.txt"
    (baku,) = run(page, to="json", out=tmp_path / "a")
    (utc,) = run(page, to="json", out=tmp_path / "b", reader_options={"scraped": {"zone": "UTC"}})
    published = [newsroom.loads(Path(r.paths[0]).read_bytes()).published for r in (baku, utc)]
    assert published == [datetime(2026, 2, 28, 20, 30, tzinfo=UTC), datetime(2026, 3, 1, 0, 30, tzinfo=UTC)]
    with pytest.raises(ValueError, match="unknown time zone"):
        newsroom.convert(page, to="json", out=tmp_path, reader_options={"scraped": {"zone": "Nowhere/City"}})
    with pytest.raises(ValueError, match="takes no options"):
        newsroom.convert(page, to="json", out=tmp_path, reader_options={"json": {"x": 1}})


def test_unknown_format_fails_before_anything_is_written(tmp_path: Path) -> None:
    with pytest.raises(newsroom.UnknownFormatError, match="no exporter named 'nope'"):
        newsroom.convert(DATA, to=["json", "nope"], out=tmp_path / "out")
    assert not (tmp_path / "out").exists()


# --------------------------------------------------------------------------- skip and force


def test_rerun_skips_up_to_date_outputs_and_force_rewrites(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [story(i) for i in range(5)])
    out = tmp_path / "out"
    first = run(source, to="json", out=out)
    assert {r.status for r in first} == {ConvertStatus.DONE}
    stamps = {p: p.stat().st_mtime_ns for p in out.iterdir()}

    second = run(source, to="json", out=out)
    assert {r.status for r in second} == {ConvertStatus.SKIPPED}
    assert [r.paths for r in second] == [r.paths for r in first]
    assert {p: p.stat().st_mtime_ns for p in out.iterdir()} == stamps

    forced = run(source, to="json", out=out, force=True)
    assert {r.status for r in forced} == {ConvertStatus.DONE}

    later = time.time_ns() + 10**9
    os.utime(source, ns=(later, later))  # the input changed after its outputs were written
    third = run(source, to="json", out=out)
    assert {r.status for r in third} == {ConvertStatus.DONE}


def test_a_missing_output_is_written_again(tmp_path: Path) -> None:
    same = [story(i, headline="Same name") for i in range(3)]
    source = write_jsonl(tmp_path / "in.jsonl", same)
    out = tmp_path / "out"
    run(source, to="json", out=out)
    (out / "world_same-name-2.json").unlink()
    again = run(source, to="json", out=out)
    assert [r.status for r in again] == [ConvertStatus.SKIPPED, ConvertStatus.DONE, ConvertStatus.SKIPPED]
    assert newsroom.loads((out / "world_same-name-2.json").read_bytes()).guid == same[1].guid


# --------------------------------------------------------------------------- failures


class LinklessExporter:
    """Drops every link: the attribution proof must refuse it."""

    name = "linkless"
    media_type = "text/plain"
    suffix = ".txt"

    def export(self, article: newsroom.Article, context: newsroom.ExportContext) -> newsroom.Rendition:
        return newsroom.Rendition(
            content=article.headline.encode(), media_type="text/plain", filename="x.txt", format=self.name
        )


class ExplodingExporter:
    name = "exploding"
    media_type = "text/plain"
    suffix = ".txt"

    def export(self, article: newsroom.Article, context: newsroom.ExportContext) -> newsroom.Rendition:
        if "2" in article.guid:
            raise RuntimeError("boom")
        return newsroom.Rendition(
            content=f"{article.headline} https://caliber.az".encode(),
            media_type="text/plain",
            filename="x.txt",
            format=self.name,
        )


class Plugin:
    @newsroom.hookimpl
    def newsroom_register_exporters(self, register: newsroom.Registrar[newsroom.Exporter]) -> None:
        register(LinklessExporter())
        register(ExplodingExporter())


def test_export_and_attribution_failures_are_reported_per_format(tmp_path: Path) -> None:
    host = plugin_host(Plugin())
    results = run([story(1), story(2)], to=["json", "linkless", "exploding"], out=tmp_path, host=host)
    first, second = results
    assert first.status is ConvertStatus.FAILED
    by_format = {o.format: o for o in first.outputs}
    assert by_format["json"].status is ConvertStatus.DONE
    assert Path(by_format["json"].path or "").is_file()
    assert by_format["linkless"].stage is FailureStage.ATTRIBUTION
    assert by_format["linkless"].path is None
    assert by_format["exploding"].status is ConvertStatus.DONE
    assert first.stage is FailureStage.ATTRIBUTION
    assert "caliber.az" in (first.reason or "")
    assert {o.format: o.stage for o in second.outputs}["exploding"] is FailureStage.EXPORT
    assert "RuntimeError: boom" in (second.reason or "")
    assert not any(p.name.endswith(".linkless.txt") for p in tmp_path.iterdir())


def test_a_story_whose_history_does_not_verify_fails_validation(tmp_path: Path) -> None:
    clock = FixedClock()
    published = newsroom.publish(
        story(1), actor=newsroom.testing.EDITOR, clock=clock, workflow=newsroom.Workflow(review_required=False)
    )
    tampered = attrs.evolve(published, history=(attrs.evolve(published.history[0], actor="Somebody else"),))
    (ok, bad) = run([published, tampered], to="json", out=tmp_path)
    assert ok.status is ConvertStatus.DONE
    assert bad.stage is FailureStage.VALIDATE
    assert "history does not verify" in (bad.reason or "")


def test_fail_fast_stops_at_the_first_failure(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [story(i) for i in range(10)], {2: "{bad"})
    results = run(source, to="json", out=tmp_path / "out", fail_fast=True)
    assert [r.status for r in results] == [ConvertStatus.DONE, ConvertStatus.DONE, ConvertStatus.FAILED]
    assert len(list((tmp_path / "out").glob("*.json"))) == 2


def test_report_lists_every_story_per_input(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [story(i) for i in range(3)], {1: "[]"})
    report = tmp_path / "reports" / "run.json"
    results = run(
        [source, DATA / "ru_world.txt", tmp_path / "missing.txt"], to="json", out=tmp_path / "out", report=report
    )
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["formats"] == ["json"]
    assert data["summary"] == {"done": 4, "skipped": 0, "failed": 2, "stories": 6, "complete": True}
    assert [(i["input"], i["reader"], i["done"], i["failed"]) for i in data["inputs"]] == [
        (str(source), "jsonl", 3, 1),
        (str(DATA / "ru_world.txt"), "scraped", 1, 0),
        (str(tmp_path / "missing.txt"), None, 0, 1),
    ]
    assert [s["line"] for s in data["inputs"][0]["stories"]] == [1, 2, 3, 4]
    assert data["inputs"][0]["stories"][1]["status"] == "failed"
    assert data["inputs"][0]["stories"][0]["outputs"][0]["path"] == results[0].paths[0]


# --------------------------------------------------------------------------- temp files and executors


def test_stale_temporary_files_are_removed_and_live_ones_kept(tmp_path: Path) -> None:
    host = converting._hostname()
    dead = tmp_path / f".newsroom-{host}-999999999-abc123.tmp"
    live = tmp_path / f".newsroom-{host}-{os.getpid()}-def456.tmp"
    other = tmp_path / ".newsroom-elsewhere-1-xyz.tmp"
    for path in (dead, live, other):
        path.write_bytes(b"partial")
    old = time.time() - 2 * converting.STALE_TEMP_SECONDS
    os.utime(other, (old, old))
    run([story(1)], to="json", out=tmp_path)
    assert not dead.exists()
    assert live.exists()
    assert not other.exists()


def test_a_host_instance_cannot_go_to_other_processes(tmp_path: Path, host: newsroom.PluginHost) -> None:
    with pytest.raises(ValueError, match="picklable function"):
        newsroom.convert([story(1)], to="json", out=tmp_path, host=host, jobs=2)


def _stories_with_collisions(tmp_path: Path) -> list[Path]:
    stories = [story(i, headline=f"Budget talks {i % 40}", section=("World", "Economy")[i % 2]) for i in range(300)]
    sources = [
        write_jsonl(tmp_path / "a.jsonl", stories[:200], {50: "{broken"}),
        write_jsonl(tmp_path / "b.jsonl", stories[200:]),
    ]
    for page in ("en_politics_two_bylines.txt", "ru_world.txt", "en_awkward_characters.txt"):
        shutil.copy(DATA / page, tmp_path / page)
        sources.append(tmp_path / page)
    return sources


@pytest.fixture(params=["fork-when-safe", "forkserver"])
def start(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> tuple[str | None, list[str]]:
    """How worker processes start, and a list that records each pool's start method.

    ``fork-when-safe`` lets this process choose (on Linux, fork while it runs one thread);
    ``forkserver`` makes it look multi-threaded, as under a progress bar or a Dask client.
    """
    expected: str | None = None
    if request.param == "forkserver":
        monkeypatch.setattr(converting, "_single_threaded", lambda: False)
        expected = "forkserver"
    elif sys.platform == "linux" and converting._single_threaded():
        expected = "fork"
    used: list[str] = []
    choose = converting._Processes._context

    def spy(self: converting._Processes) -> object:
        context = choose(self)
        used.append(context.get_start_method())
        return context

    monkeypatch.setattr(converting._Processes, "_context", spy)
    return expected, used


def test_output_is_the_same_whatever_the_number_of_jobs(tmp_path: Path, start: tuple[str | None, list[str]]) -> None:
    sources = _stories_with_collisions(tmp_path)
    one = run(sources, to="json", out=tmp_path / "one", jobs=1)
    two = run(sources, to="json", out=tmp_path / "two", jobs=2)
    expected, used = start
    assert len(used) == 1, "jobs=2 runs one process pool"
    if expected is not None:
        assert used == [expected]
    assert len(one) == 304
    assert [(r.where, r.status, Path(r.paths[0]).name if r.paths else None) for r in one] == [
        (r.where, r.status, Path(r.paths[0]).name if r.paths else None) for r in two
    ]
    assert tree(tmp_path / "one") == tree(tmp_path / "two")
    assert sum(1 for r in two if r.status is ConvertStatus.FAILED) == 1


def test_json_lines_sent_to_workers_by_position_keep_lines_and_numbers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Workers get where their lines are and read them; cut small, with blank and CRLF lines,
    # a bad line, and no newline at the end, every story still gets its own line and number.
    monkeypatch.setattr(converting, "LINES_PER_TASK", 3)
    lines = [newsroom.dumps(story(i), indent=None) for i in range(11)]
    lines[4] += "\r"
    lines.insert(2, "")
    lines.insert(6, "   \t")
    lines.insert(9, "{broken")
    lines.insert(10, "\r")
    source = tmp_path / "in.jsonl"
    source.write_bytes("\n".join(lines).encode())
    expected = [n for n, text in enumerate(lines, start=1) if text.strip()]
    seen: list[int] = []
    one = run(source, to="json", out=tmp_path / "one", jobs=1)
    two = run(source, to="json", out=tmp_path / "two", jobs=2, progress=seen.append)
    assert [r.line for r in two] == expected
    assert [r.story for r in two] == list(range(1, len(expected) + 1))
    assert [(r.line, r.status, r.stage, r.reason, r.guid) for r in one] == [
        (r.line, r.status, r.stage, r.reason, r.guid) for r in two
    ]
    assert [r.line for r in two if r.status is ConvertStatus.FAILED] == [10]
    assert tree(tmp_path / "one") == tree(tmp_path / "two")
    assert sum(seen) == source.stat().st_size
    assert len(seen) > 3


def test_a_file_that_changes_under_a_run_is_a_read_failure(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_bytes(b'{"a": 1}\n\n{"b": 2}\r\n{"c": 3}')
    span = converting._SpanUnit(str(source), str(source), "jsonl", 9, 2, None, source.stat().st_size - 9)
    assert converting._span_lines(span).lines == ((3, b'{"b": 2}\r\n'), (4, b'{"c": 3}'))
    source.write_bytes(b'{"a": 1}\n')
    with pytest.raises(newsroom.ReadError, match=r"changed during the run.*line 2"):
        converting._span_lines(span)


def test_outputs_get_the_mode_the_umask_gives(tmp_path: Path) -> None:
    for umask, mode in ((0o027, 0o640), (0o002, 0o664)):
        old = os.umask(umask)
        try:
            results = run([story(1)], to="json", out=tmp_path / oct(umask), jobs=1)
        finally:
            os.umask(old)
        assert Path(results[0].paths[0]).stat().st_mode & 0o777 == mode


def test_workers_are_forked_only_from_a_single_threaded_process(tmp_path: Path) -> None:
    # A thread holding a lock at the moment of a fork would leave that lock held in the child.
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not converting._single_threaded()
        pool = converting._Processes.__new__(converting._Processes)
        pool.preload = ["newsroom"]
        assert pool._context().get_start_method() != "fork"
    finally:
        stop.set()
        thread.join()


def test_a_host_function_must_be_picklable_for_worker_processes(tmp_path: Path) -> None:
    def local_host() -> newsroom.PluginHost:  # a local function cannot be pickled
        return plugin_host()

    with pytest.raises(ValueError, match="host= must be picklable"):
        newsroom.convert([story(1)], to="json", out=tmp_path / "out", host=local_host, jobs=2)
    assert not (tmp_path / "out").exists()
    assert run([story(1)], to="json", out=tmp_path / "out", host=local_host)[0].status is ConvertStatus.DONE


def test_dask_executor_gives_the_same_results(tmp_path: Path) -> None:
    distributed = pytest.importorskip("dask.distributed", reason="the [dask] extra is not installed")
    sources = _stories_with_collisions(tmp_path)
    local = run(sources, to="json", out=tmp_path / "local", report=tmp_path / "local.json")
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster,
        distributed.Client(cluster) as client,
    ):
        remote = list(
            newsroom.convert(
                sources, to="json", out=tmp_path / "dask", client=client, now=NOW, report=tmp_path / "dask.json"
            )
        )
    assert [(r.where, r.status, r.reason) for r in local] == [(r.where, r.status, r.reason) for r in remote]
    assert tree(tmp_path / "local") == tree(tmp_path / "dask")
    local_report = json.loads((tmp_path / "local.json").read_text())
    dask_report = json.loads((tmp_path / "dask.json").read_text())
    assert dask_report["jobs"] == "dask"
    assert [(i["input"], i["done"], i["failed"]) for i in local_report["inputs"]] == [
        (i["input"], i["done"], i["failed"]) for i in dask_report["inputs"]
    ]
    assert local_report["summary"] == dask_report["summary"]


def test_progress_counts_every_input_byte(tmp_path: Path) -> None:
    sources = _stories_with_collisions(tmp_path)
    seen: list[int] = []
    run(sources, to="json", out=tmp_path / "out", progress=seen.append)
    assert sum(seen) == sum(p.stat().st_size for p in sources)
    assert converting.input_size(sources) == sum(p.stat().st_size for p in sources)
    assert converting.input_size("-") is None


def test_a_story_whose_content_was_changed_after_publishing_is_not_written(tmp_path: Path) -> None:
    clock = FixedClock()
    published = newsroom.publish(
        story(1), actor=newsroom.testing.EDITOR, clock=clock, workflow=newsroom.Workflow(review_required=False)
    )
    changed = attrs.evolve(published, headline="A headline nobody approved")
    (ok, bad) = run([published, changed], to="json", out=tmp_path)
    assert ok.status is ConvertStatus.DONE
    assert bad.status is ConvertStatus.FAILED
    assert "changed outside the workflow" in (bad.reason or "")
    assert [o.path for o in bad.outputs] == [None]
    assert len(list(tmp_path.glob("*.json"))) == 1


def test_an_emptied_seal_is_no_way_round_the_content_check(tmp_path: Path) -> None:
    published = newsroom.publish(
        story(1), actor=newsroom.testing.EDITOR, clock=FixedClock(), workflow=newsroom.Workflow(review_required=False)
    )
    blank = attrs.evolve(published.history[-1], content_hash="")
    blank = attrs.evolve(blank, entry_hash=entry_hash(blank))  # the chain itself still holds
    forged = attrs.evolve(published, headline="Forged, with a blank seal", history=(*published.history[:-1], blank))
    (result,) = run([forged], to="all", out=tmp_path)
    assert result.status is ConvertStatus.FAILED
    assert "changed outside the workflow" in (result.reason or "")
    assert list(tmp_path.rglob("*.json")) == []
    assert list(tmp_path.rglob("*.xml")) == []


def test_a_changed_story_is_not_reported_skipped_because_its_outputs_look_fresh(tmp_path: Path) -> None:
    published = newsroom.publish(
        story(1), actor=newsroom.testing.EDITOR, clock=FixedClock(), workflow=newsroom.Workflow(review_required=False)
    )
    source, out = tmp_path / "in.jsonl", tmp_path / "out"
    long_ago = (10**18, 10**18)  # older than any output
    write_jsonl(source, [published])
    os.utime(source, ns=long_ago)
    (first,) = run(source, to="json,newsml-g2", out=out)
    assert first.status is ConvertStatus.DONE
    before = tree(out)
    write_jsonl(source, [attrs.evolve(published, body=("A body nobody approved.",))])
    os.utime(source, ns=long_ago)  # the outputs still look newer than their input
    (second,) = run(source, to="json,newsml-g2", out=out)
    assert second.status is ConvertStatus.FAILED
    assert "changed outside the workflow" in (second.reason or "")
    assert tree(out) == before


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="ab/.\\", max_size=8), st.text(alphabet="ab/.\\", max_size=8))
def test_the_fast_path_helpers_are_os_path_join_and_dirname(folder: str, name: str) -> None:
    assert converting._join(folder, name) == os.path.join(folder, name)  # noqa: PTH118 - the function it stands for
    assert converting._folder_of(folder + name) == os.path.dirname(folder + name)  # noqa: PTH120 - the same
