"""convert after the fourth review: stories across processes, Ctrl-C, odd names, unsafe places.

Each test is a case a reviewer reproduced: Article objects failing in worker pools (they could
not be pickled), Ctrl-C from a terminal losing the report and leaving temporary files, a file
name that is not UTF-8 stopping a reported run, names beyond 255 bytes, a report that replaced
its input, an output folder that cannot be made, and unknown formats beside ``all``.
"""

from __future__ import annotations

import io
import json
import os
import pickle
import signal
import subprocess
import sys
import time
from pathlib import Path

import attrs
import pytest
from tests.test_convert_cli import _env, jsonl

import newsroom
from newsroom import cli
from newsroom.testing import EDITOR, FixedClock, sample_article


def published() -> newsroom.Article:
    clock = FixedClock()
    story = sample_article(clock=clock)
    for verb in (newsroom.submit, newsroom.approve, newsroom.publish):
        story = verb(story, actor=EDITOR, clock=clock)
    return story


def test_stories_pickle_whole_with_their_read_only_mappings() -> None:
    story = attrs.evolve(published(), extra={"views": "11"})
    again = pickle.loads(pickle.dumps(story))
    assert again == story
    assert again.extra == {"views": "11"}
    with pytest.raises(TypeError):
        again.extra["views"] = "12"  # still read-only
    context = newsroom.ExportContext(now=FixedClock()(), options={"nitf": True})
    assert pickle.loads(pickle.dumps(context)) == context


def test_article_objects_convert_in_worker_processes(tmp_path: Path) -> None:
    base = sample_article()
    stories = [attrs.evolve(base, guid=f"urn:x:{i}", headline=f"Item {i}", slugline=None) for i in range(200)]
    results = list(newsroom.convert(stories, to="json", out=tmp_path / "out", jobs=2))
    assert [r.status for r in results] == [newsroom.ConvertStatus.DONE] * 200
    written = sorted((tmp_path / "out").iterdir())
    assert len(written) == 200
    assert {newsroom.loads(p.read_bytes()).guid for p in written} == {s.guid for s in stories}


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_from_a_terminal_writes_the_report_and_leaves_no_temporary_file(tmp_path: Path, jobs: str) -> None:
    total = 6000
    source = jsonl(tmp_path / "in.jsonl", total)
    out, report = tmp_path / "out", tmp_path / "reports" / "run.json"
    command = [sys.executable, "-m", "newsroom", "convert", str(source), "--to", "all", "--out", str(out)]
    command += ["--jobs", jobs, "--report", str(report)]
    proc = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env(), start_new_session=True, text=True
    )
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if out.is_dir() and sum(1 for _ in out.glob("*.json")) >= 200:
                break
            time.sleep(0.005)
        assert proc.poll() is None, "the run finished before it could be interrupted; make it longer"
        os.killpg(proc.pid, signal.SIGINT)  # what a terminal does: the whole process group
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    assert "newsroom convert: interrupted after " in err
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["summary"]["complete"] is False
    assert 0 < data["summary"]["done"] < total
    leftovers = [p for p in (*out.rglob(".*"), *report.parent.iterdir()) if p.name.endswith(".tmp")]
    assert leftovers == []
    # Every file the report calls done is there and whole.
    done = [out["path"] for entry in data["inputs"] for story in entry["stories"] for out in story["outputs"]]
    assert len(done) == data["summary"]["done"] * len(data["formats"])
    for path in done:
        assert Path(path).stat().st_size > 0


def test_a_file_name_that_is_not_utf8_is_reported_not_fatal(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    story = newsroom.dumps(sample_article())
    (folder / "good.json").write_text(story, encoding="utf-8")
    odd = os.fsdecode(b"caf\xe9.json")
    (folder / odd).write_text(story.replace("urn:", "urn:odd:", 1), encoding="utf-8")
    report = tmp_path / "report.json"
    results = list(newsroom.convert(folder, to="json", out=tmp_path / "out", jobs=1, report=report))
    assert [r.status for r in results] == [newsroom.ConvertStatus.DONE] * 2
    data = json.loads(report.read_text(encoding="utf-8"))
    assert {entry["input"] for entry in data["inputs"]} == {str(folder / "good.json"), str(folder / odd)}
    assert data["summary"]["done"] == 2


def long_story(i: int) -> newsroom.Article:
    section = newsroom.Section(
        name="Statements",
        slug="ministry-of-foreign-affairs-statements-and-briefings-archive",
        parent="world/europe/eastern-europe-caucasus-and-central-asia-regional-politics/"
        "azerbaijan-armenia-peace-process-negotiations",
    )
    headline = "Azerbaijan and Armenia exchange the draft peace treaty texts in Almaty after talks " + "x" * (i % 2)
    return attrs.evolve(sample_article(), guid=f"urn:long:{i}", headline=headline, slugline=None, section=section)


@pytest.mark.parametrize("layout", ["flat", "by-format", "by-section"])
def test_names_stay_within_the_file_systems_limit_and_unique(tmp_path: Path, layout: str) -> None:
    stories = [long_story(i) for i in range(3)]  # two of them have the same slug
    results = list(newsroom.convert(stories, to="all", out=tmp_path / "out", jobs=1, layout=layout))
    assert [r.status for r in results] == [newsroom.ConvertStatus.DONE] * 3
    paths = [Path(p) for r in results for p in r.paths]
    assert len(set(paths)) == len(paths) == 3 * len(results[0].paths)
    for path in paths:
        assert path.exists()
        assert all(len(part.encode()) <= 255 for part in path.relative_to(tmp_path).parts)
    again = list(newsroom.convert(stories, to="all", out=tmp_path / "out", jobs=1, layout=layout))
    assert [r.paths for r in again] == [r.paths for r in results], "the same names on a re-run"


def run_cli(*argv: str) -> tuple[int, str]:
    err = io.StringIO()
    saved = sys.stderr
    sys.stderr = err
    try:
        status = cli.main(["convert", *argv], out=io.StringIO())
    finally:
        sys.stderr = saved
    return status, err.getvalue()


def test_a_report_never_replaces_an_input(tmp_path: Path) -> None:
    source = jsonl(tmp_path / "victim.jsonl", 5)
    before = source.read_bytes()
    status, err = run_cli(str(source), "--to", "json", "--out", str(tmp_path / "out"), "--report", str(source))
    assert status == 2
    assert "would replace a file that is not a newsroom report" in err
    assert source.read_bytes() == before
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
    # A report from an earlier run is replaced, as before.
    report = tmp_path / "report.json"
    for _ in range(2):
        status, err = run_cli(str(source), "--to", "json", "--out", str(tmp_path / "out"), "--report", str(report))
        assert status == 0, err
    assert json.loads(report.read_text(encoding="utf-8"))["summary"]["stories"] == 5


def test_places_that_cannot_be_made_are_usage_errors(tmp_path: Path) -> None:
    source = jsonl(tmp_path / "in.jsonl", 1)
    status, err = run_cli(str(source), "--to", "json", "--out", str(tmp_path / ("x" * 300)))
    assert status == 2
    assert "the output folder" in err
    assert "cannot be made" in err
    status, err = run_cli(
        str(source), "--to", "json", "--out", str(tmp_path / "out"), "--report", str(tmp_path / ("y" * 300) / "r.json")
    )
    assert status == 2
    assert "its folder" in err
    assert "cannot be made" in err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_unknown_formats_beside_all_are_refused(tmp_path: Path) -> None:
    source = jsonl(tmp_path / "in.jsonl", 1)
    with pytest.raises(newsroom.UnknownFormatError, match="jsn"):
        newsroom.convert(source, to="all,jsn", out=tmp_path / "out")


def test_calling_convert_makes_nothing_until_the_run_starts(tmp_path: Path) -> None:
    source = jsonl(tmp_path / "in.jsonl", 2)
    results = newsroom.convert(source, to="json", out=tmp_path / "never" / "made", report=tmp_path / "rep" / "r.json")
    assert not (tmp_path / "never").exists()
    assert not (tmp_path / "rep").exists()
    assert len(list(results)) == 2
    assert (tmp_path / "rep" / "r.json").is_file()


def test_an_empty_report_file_is_replaced(tmp_path: Path) -> None:
    source = jsonl(tmp_path / "in.jsonl", 2)
    report = tmp_path / "report.json"
    report.touch()  # as `mktemp` leaves it
    assert len(list(newsroom.convert(source, to="json", out=tmp_path / "out", report=report, jobs=1))) == 2
    assert json.loads(report.read_text(encoding="utf-8"))["summary"]["stories"] == 2
