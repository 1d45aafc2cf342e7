"""Review fixes on convert()'s input side: pipes and FIFOs, what folders and globs leave out, argument checks."""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import attrs
import pytest

import newsroom
from newsroom import converting
from newsroom.cli import main
from newsroom.converting import ConvertStatus, FailureStage
from newsroom.testing import FixedClock, sample_article


DATA = Path(__file__).parent / "data" / "scraped"
NOW = datetime(2026, 2, 1, 12, 0, tzinfo=UTC)
needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="os.mkfifo is not available on this platform")


def story(n: int, *, paragraphs: int = 0) -> newsroom.Article:
    base = sample_article(clock=FixedClock())
    extra = tuple(
        newsroom.Paragraph(text=f"Paragraph {i} of story {n}: the council weighs the budget line by line.")
        for i in range(paragraphs)
    )
    return attrs.evolve(
        base,
        guid=f"urn:review:{n}",
        headline=f"Council story number {n}",
        slugline=None,
        body=base.body + extra,
    )


def jsonl_bytes(stories: list[newsroom.Article]) -> bytes:
    return "".join(newsroom.dumps(s, indent=None) + "\n" for s in stories).encode()


def run(*args: Any, **kwargs: Any) -> list[converting.ConvertResult]:
    kwargs.setdefault("now", NOW)
    kwargs.setdefault("jobs", 1)
    return list(newsroom.convert(*args, **kwargs))


def files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def cli(*argv: object) -> int:
    return main([str(a) for a in argv])


@contextlib.contextmanager
def fifo(path: Path, data: bytes) -> Iterator[Path]:
    """A FIFO at ``path`` that a thread fills with ``data`` once a reader opens it.

    Afterwards the thread keeps opening and closing the FIFO for writing, so that code that
    wrongly opens it a second time reads an empty stream instead of waiting forever.
    """
    os.mkfifo(path)
    errors: list[BaseException] = []
    done = threading.Event()

    def write() -> None:
        try:
            with path.open("wb") as stream:  # blocks until the reader opens the FIFO
                stream.write(data)
        except BrokenPipeError as exc:  # the reader went away early: the test then fails below
            errors.append(exc)
        while not done.wait(0.05):
            with contextlib.suppress(OSError):  # ENXIO: nobody is waiting to read
                os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    try:
        yield path
    finally:
        done.set()
        writer.join(timeout=10)
        if writer.is_alive():  # nobody opened the FIFO: release the writer
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
            os.close(fd)
            writer.join(timeout=10)
    assert not errors, errors


# --------------------------------------------------------------------------- 1. pipes and FIFOs


@needs_fifo
def test_a_fifo_of_json_lines_loses_no_story(tmp_path: Path) -> None:
    stories = [story(i) for i in range(40)]
    data = jsonl_bytes(stories)
    assert len(data) > 4 * converting.SNIFF_BYTES  # the head read for detection is a small part

    with fifo(tmp_path / "wire", data) as path:
        results = run(path, to="json", out=tmp_path / "out")

    assert [(r.status, r.reader, r.line) for r in results] == [
        (ConvertStatus.DONE, "jsonl", i + 1) for i in range(len(stories))
    ]
    assert [r.guid for r in results] == [s.guid for s in stories]
    # The same bytes from a regular file give the same files, byte for byte.
    regular = tmp_path / "wire.jsonl"
    regular.write_bytes(data)
    run(regular, to="json", out=tmp_path / "from-file")
    assert files(tmp_path / "out") == files(tmp_path / "from-file")
    for name in files(tmp_path / "out"):
        assert (tmp_path / "out" / name).read_bytes() == (tmp_path / "from-file" / name).read_bytes()


@needs_fifo
def test_a_fifo_holding_one_json_story_is_read_whole(tmp_path: Path) -> None:
    big = story(1, paragraphs=60)
    data = newsroom.dumps(big).encode()
    assert len(data) > 2 * converting.SNIFF_BYTES

    with fifo(tmp_path / "one", data) as path:
        (result,) = run(path, to="json", out=tmp_path / "out")

    assert (result.status, result.reader, result.guid) == (ConvertStatus.DONE, "json", big.guid)
    assert newsroom.loads(Path(result.paths[0]).read_text()).body == big.body


@needs_fifo
def test_a_fifo_is_planned_like_stdin_even_for_other_processes(tmp_path: Path) -> None:
    """A pipe cannot be read again by a worker: its lines travel, never a position in it."""
    stories = [story(i) for i in range(70)]
    host = newsroom.default_host()
    with fifo(tmp_path / "wire", jsonl_bytes(stories)) as path:
        planner = converting._Planner(host, None, str(tmp_path / "out"), None, by_position=True)
        units = list(planner.units(str(path)))
    assert all(isinstance(u, converting._LinesUnit) for u in units)
    lines = [number for u in units if isinstance(u, converting._LinesUnit) for number, _ in u.lines]
    assert lines == list(range(1, len(stories) + 1))
    assert {u.mtime_ns for u in units if isinstance(u, converting._LinesUnit)} == {None}  # always written


@needs_fifo
def test_input_size_of_a_fifo_is_unknown(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    regular = tmp_path / "a.jsonl"
    regular.write_bytes(jsonl_bytes([story(1)]))
    assert converting.input_size([regular]) == regular.stat().st_size
    assert converting.input_size([regular, tmp_path / "pipe"]) is None


# --------------------------------------------------------------------------- 2. globs and the output folder


def test_a_glob_leaves_out_the_output_folder(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    (archive / "2019").mkdir(parents=True)
    for i in range(3):
        (archive / f"s{i}.json").write_text(newsroom.dumps(story(i)))
    (archive / "2019" / "s3.json").write_text(newsroom.dumps(story(3)))
    pattern = str(archive / "**" / "*.json")
    out = archive / "out"

    first = run(pattern, to="json", out=out)
    assert [r.status for r in first] == [ConvertStatus.DONE] * 4
    written = files(out)
    assert len(written) == 4
    for _ in range(2):
        again = run(pattern, to="json", out=out)
        assert sorted(r.input for r in again) == sorted(r.input for r in first)
        assert [r.status for r in again] == [ConvertStatus.SKIPPED] * 4
        assert files(out) == written


def test_a_glob_that_only_matches_the_output_folder_fails(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "old.json").write_text(newsroom.dumps(story(1)))
    (result,) = run(str(tmp_path / "*" / "*.json"), to="json", out=out)
    assert (result.status, result.stage) == (ConvertStatus.FAILED, FailureStage.INPUT)
    assert "no files to read match this pattern" in (result.reason or "")
    assert "output folder" in (result.reason or "")
    assert files(out) == ["old.json"]


# --------------------------------------------------------------------------- 3. folders with nothing to read


def test_a_folder_without_story_files_is_a_failed_input(tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "readme.md").write_text("not a story")
    (folder / ".hidden.json").write_text(newsroom.dumps(story(1)))
    (result,) = run(folder, to="json", out=tmp_path / "out")
    assert (result.input, result.status, result.stage) == (str(folder), ConvertStatus.FAILED, FailureStage.INPUT)
    reason = result.reason or ""
    assert reason.startswith("no files a reader takes (suffixes ")
    for reader in newsroom.default_host().readers().values():
        for suffix in reader.suffixes:
            assert suffix in reason


def test_an_empty_folder_and_an_empty_glob_both_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert cli("convert", empty, "--to", "json", "--out", tmp_path / "out", "--jobs", "1") == 1
    assert f"FAILED {empty}: input: no files a reader takes" in capsys.readouterr().err
    assert cli("convert", tmp_path / "*.jsonl", "--to", "json", "--out", tmp_path / "out", "--jobs", "1") == 1
    assert "no files match this pattern" in capsys.readouterr().err


def test_a_forced_reader_takes_every_file_in_a_folder(tmp_path: Path) -> None:
    dumps = tmp_path / "dumps"
    dumps.mkdir()
    pages = ["en_politics_two_bylines.txt", "ru_world.txt"]
    for i, page in enumerate(pages):
        shutil.copy(DATA / page, dumps / f"page{i}.dump")
    (dumps / ".partial.dump").write_text("hidden files are still left out")

    detected = run(dumps, to="json", out=tmp_path / "out")  # .dump is no reader's suffix
    assert [(r.status, r.stage) for r in detected] == [(ConvertStatus.FAILED, FailureStage.INPUT)]

    forced = run(dumps, to="json", out=tmp_path / "out", reader="scraped")
    assert [(Path(r.input).name, r.reader, r.status) for r in forced] == [
        ("page0.dump", "scraped", ConvertStatus.DONE),
        ("page1.dump", "scraped", ConvertStatus.DONE),
    ]
    expected = sum((dumps / f"page{i}.dump").stat().st_size for i in range(len(pages)))
    assert converting.input_size(dumps, reader="scraped", out=tmp_path / "out") == expected

    hidden_only = tmp_path / "hidden-only"
    hidden_only.mkdir()
    (hidden_only / ".x.dump").write_text("hidden")
    (result,) = run(hidden_only, to="json", out=tmp_path / "out", reader="scraped")
    assert (result.status, result.reason) == (
        ConvertStatus.FAILED,
        "no files in this folder (hidden files are left out)",
    )


def test_out_equal_to_the_input_folder_reads_nothing_and_says_why(tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    folder.mkdir()
    (folder / "a.json").write_text(newsroom.dumps(story(1)))
    (result,) = run(folder, to="json", out=folder)
    assert (result.status, result.stage) == (ConvertStatus.FAILED, FailureStage.INPUT)
    assert "it is the output folder" in (result.reason or "")
    assert files(folder) == ["a.json"]  # nothing read, nothing written
    # An output folder inside the input folder is left out, and the rest is read.
    (ok,) = run(folder, to="json", out=folder / "out")
    assert (ok.status, ok.input) == (ConvertStatus.DONE, str(folder / "a.json"))


# --------------------------------------------------------------------------- 4. the report is no input


def test_a_report_inside_the_input_folder_is_not_read_on_the_next_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("a.json").write_text(newsroom.dumps(story(1)))
    first = run(".", to="json", out="out", report="report.json")
    assert [(r.input, r.status) for r in first] == [(f".{os.sep}a.json", ConvertStatus.DONE)]
    assert Path("report.json").is_file()

    again = run(".", to="json", out="out", report="report.json", force=True)
    assert [(r.input, r.status) for r in again] == [(f".{os.sep}a.json", ConvertStatus.DONE)]
    # Nor through a glob, nor under another spelling of the same path.
    globbed = run("*.json", to="json", out="out", report=tmp_path / "report.json", force=True)
    assert [(r.input, r.status) for r in globbed] == [("a.json", ConvertStatus.DONE)]
    assert converting.input_size(".", out="out", report="report.json") == Path("a.json").stat().st_size


# --------------------------------------------------------------------------- 5. and 6. argument checks


def test_a_naive_now_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    source = tmp_path / "a.json"
    source.write_text(newsroom.dumps(story(1)))
    with pytest.raises(ValueError, match=r"^now must be a time-zone-aware datetime"):
        newsroom.convert(source, to="json", out=tmp_path / "out", now=datetime(2026, 1, 1))
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("out", "report", "message"),
    [
        ("afile", None, r"the output folder '.*afile' cannot be made: '.*afile' exists and is not a folder"),
        ("afile/sub", None, r"the output folder '.*afile/sub' cannot be made: '.*afile' exists and is not a folder"),
        ("out", "adir", r"the report '.*adir' is a folder; name a file"),
        ("out", "afile/r.json", r"the report '.*afile/r.json' cannot be written: '.*afile' exists and is not a folder"),
    ],
    ids=["out-is-a-file", "out-under-a-file", "report-is-a-folder", "report-under-a-file"],
)
def test_unusable_out_and_report_paths_are_usage_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], out: str, report: str | None, message: str
) -> None:
    source = tmp_path / "a.json"
    source.write_text(newsroom.dumps(story(1)))
    (tmp_path / "afile").write_text("a file")
    (tmp_path / "adir").mkdir()
    before = files(tmp_path)
    report_path = tmp_path / report if report else None

    with pytest.raises(ValueError, match=message):
        newsroom.convert(source, to="json", out=tmp_path / out, report=report_path)

    extra = ["--report", report_path] if report_path else []
    assert cli("convert", source, "--to", "json", "--out", tmp_path / out, "--jobs", "1", *extra) == 2
    err = capsys.readouterr().err
    assert err.startswith("newsroom convert: error: ")
    assert "Traceback" not in err
    assert files(tmp_path) == before  # found before anything is written
    assert not (tmp_path / "out").exists()
