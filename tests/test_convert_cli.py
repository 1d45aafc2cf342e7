"""`newsroom convert` from the command line: the seed's facts, exit codes, output, and a killed run."""

from __future__ import annotations

import argparse
import io
import json
import os
import pty
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import attrs
import pytest
from tests.conftest import need_shared

import newsroom
from newsroom import convert_command
from newsroom.cli import main
from newsroom.testing import FixedClock, sample_article


DATA = Path(__file__).parent / "data" / "scraped"
SEED_NAME = "world_japan-italy-unite-on-ukraine-advanced-defence-projects-in-landmark-talks.json"


def cli(*argv: object) -> int:
    return main([str(a) for a in argv])


def jsonl(path: Path, count: int, bad: dict[int, str] | None = None) -> Path:
    base = sample_article(clock=FixedClock())
    with path.open("w", encoding="utf-8") as stream:
        for i in range(count):
            if bad and i in bad:
                stream.write(bad[i] + "\n")
            story = attrs.evolve(base, guid=f"urn:test:{i}", slugline=None, headline=f"Council meets on item {i}")
            stream.write(newsroom.dumps(story, indent=None) + "\n")
    return path


def test_seed_to_json_yields_the_page_facts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seed = need_shared("seeds", "000_cf31b5b404e68b4a.txt")
    assert cli("convert", seed, "--to", "json", "--out", tmp_path / "out") == 0
    assert "done 1, skipped 0, failed 0" in capsys.readouterr().out
    (written,) = (tmp_path / "out").iterdir()
    assert written.name == SEED_NAME
    data = json.loads(written.read_text(encoding="utf-8"))

    assert data["headline"] == "Japan, Italy unite on Ukraine, advanced defence projects in landmark talks"
    assert data["section"] == {"name": "World", "slug": "world", "description": "The most important world news"}
    assert datetime.fromisoformat(data["published"]) == datetime(2026, 1, 16, 7, 1, tzinfo=UTC)
    assert data["published"].endswith("+04:00")
    assert [p["name"] for p in data["bylines"]] == ["Aghakazim Guliyev"]
    assert data.get("language", "en") == "en"
    assert data["extra"] == {"views": "11"}
    assert data["slugline"] == "japan-italy-unite-on-ukraine-advanced-defence-projects-in-landmark-talks"
    assert data.get("state", "draft") == "draft"
    caliber, via = data["sources"]
    assert (caliber["name"], caliber["home"]) == ("Caliber.Az", "https://caliber.az")
    assert caliber["policy"]["notice"] == "Any use of materials is allowed only if there is a hyperlink to Caliber.az"
    assert caliber["policy"].get("scope", "site") == "site"
    assert (via["name"], via["role"]) == ("Japanese media", "via")
    paragraphs = [b["text"] for b in data["body"]]
    assert len(paragraphs) == 11
    assert all(b["type"] == "paragraph" for b in data["body"])
    assert not any(p.startswith(("By ", "Views", "Caliber.Az")) or p in {"A+", "A-"} for p in paragraphs)
    story = newsroom.loads(written.read_bytes())
    assert [o.host for o in newsroom.obligations(story)] == ["caliber.az"]


def test_failures_give_exit_status_1_and_name_the_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = jsonl(tmp_path / "in.jsonl", 5, {2: "{oops"})
    report = tmp_path / "report.json"
    status = cli(
        "convert", source, DATA / "broken_no_date.txt", "--to", "json", "--out", tmp_path / "out", "--report", report
    )
    captured = capsys.readouterr()
    assert status == 1
    assert f"FAILED {source}:3: read: not JSON" in captured.err
    assert f"FAILED {DATA / 'broken_no_date.txt'}: read: not a scraped news page: the date line" in captured.err
    assert "done 5, skipped 0, failed 2" in captured.out
    assert json.loads(report.read_text())["summary"]["failed"] == 2
    assert len(list((tmp_path / "out").glob("*.json"))) == 5


def test_quiet_prints_only_failures(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = jsonl(tmp_path / "in.jsonl", 3)
    assert cli("convert", source, "--to", "all", "--out", tmp_path / "out", "--quiet") == 0
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("", "")
    formats = set(newsroom.default_host().exporters())
    assert len(list((tmp_path / "out").iterdir())) == 3 * len(formats)


def test_skip_force_and_fail_fast_flags(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = jsonl(tmp_path / "in.jsonl", 4, {1: "[1]"})
    out = tmp_path / "out"
    assert cli("convert", source, "--to", "json", "--out", out, "--jobs", "1") == 1
    assert cli("convert", source, "--to", "json", "--out", out, "--jobs", "1") == 1
    assert "done 0, skipped 4, failed 1" in capsys.readouterr().out
    assert cli("convert", source, "--to", "json", "--out", out, "--force") == 1
    assert "done 4, skipped 0, failed 1" in capsys.readouterr().out
    assert cli("convert", source, "--to", "json", "--out", out, "--force", "--fail-fast") == 1
    assert "done 1, skipped 0, failed 1" in capsys.readouterr().out


def test_layout_reader_and_reader_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    odd = tmp_path / "page.scraped"
    odd.write_bytes((DATA / "en_late_night_zone.txt").read_bytes())
    out = tmp_path / "out"
    argv = ["convert", odd, "--to", "json", "--out", out, "--from", "scraped", "--layout", "by-section"]
    assert cli(*argv, "--reader-option", "scraped.zone=UTC") == 0
    story = newsroom.loads((out / "incidents" / "power-cut-hits-three-districts-overnight.json").read_bytes())
    assert story.published == datetime(2026, 3, 1, 0, 30, tzinfo=UTC)
    assert cli(*argv, "--reader-option", "scraped.zone") == 2
    assert "READER.KEY=VALUE" in capsys.readouterr().err
    assert cli("convert", odd, "--to", "nope", "--out", out) == 2
    assert "no exporter named 'nope'" in capsys.readouterr().err


def test_scheduler_runs_on_a_dask_cluster(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    distributed = pytest.importorskip("dask.distributed", reason="the [dask] extra is not installed")
    source = jsonl(tmp_path / "in.jsonl", 20, {7: "{bad"})
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
    ) as cluster:
        status = cli(
            "convert", source, "--to", "json", "--out", tmp_path / "out", "--scheduler", cluster.scheduler_address
        )
    captured = capsys.readouterr()
    assert status == 1
    assert "done 20, skipped 0, failed 1" in captured.out
    assert f"FAILED {source}:8: read" in captured.err


def _env() -> dict[str, str]:
    root = Path(__file__).resolve().parents[1]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(root / "src"), str(root / "plugins"), env.get("PYTHONPATH", "")])
    return env


def test_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    source = jsonl(tmp_path / "in.jsonl", 30)
    leader, follower = pty.openpty()
    env = _env() | {"COLUMNS": "160", "TERM": "xterm"}
    command = [sys.executable, "-m", "newsroom", "convert", str(source), "--to", "json", "--out", str(tmp_path / "out")]
    with subprocess.Popen(command, stderr=follower, stdout=subprocess.PIPE, env=env) as proc:
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        stdout = proc.stdout.read() if proc.stdout else b""
    os.close(leader)
    screen = b"".join(chunks).decode("utf-8", "replace")
    assert proc.returncode == 0
    assert "converting" in screen
    assert "30 stories" in screen
    assert "/s" in screen
    assert b"done 30" in stdout


def test_the_bar_runs_no_thread_so_workers_can_be_forked(tmp_path: Path) -> None:
    # A timer thread would make --jobs start its workers from the forkserver, a third of a second
    # slower; the bar is redrawn from the results instead, and still shows them.
    source = jsonl(tmp_path / "in.jsonl", 3)
    args = argparse.Namespace(scheduler=None, inputs=[str(source)], reader=None, out=str(tmp_path / "out"))
    screen = io.StringIO()
    bar = convert_command._Bar(args, screen)
    before = set(threading.enumerate())  # other tests may leave threads of their own running
    bar.start()
    try:
        assert set(threading.enumerate()) == before
        time.sleep(convert_command._REDRAW_SECONDS)
        bar.advance(source.stat().st_size)
        bar.story(dict.fromkeys(newsroom.ConvertStatus, 1))
    finally:
        bar.stop()
    assert "3 stories" in screen.getvalue()
    assert "100%" in screen.getvalue()


def test_a_killed_run_leaves_only_complete_files_and_a_rerun_finishes(tmp_path: Path) -> None:
    total = 2500
    source = jsonl(tmp_path / "in.jsonl", total)
    out = tmp_path / "out"
    command = [
        sys.executable,
        "-m",
        "newsroom",
        "convert",
        str(source),
        "--to",
        "json",
        "--out",
        str(out),
        "--jobs",
        "2",
    ]
    proc = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_env(), start_new_session=True
    )
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if out.is_dir() and sum(1 for _ in out.glob("*.json")) >= 300:
                break
            time.sleep(0.005)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the run finished before it could be killed; make it longer"

    visible = [p for p in out.iterdir() if not p.name.startswith(".")]
    assert 0 < len(visible) < total
    guids = {f"urn:test:{i}" for i in range(total)}
    for path in visible:
        assert path.suffix == ".json"
        assert newsroom.loads(path.read_bytes()).guid in guids  # complete and valid, never half-written
    hidden = [p for p in out.iterdir() if p.name.startswith(".")]
    assert all(p.name.startswith(".newsroom-") and p.name.endswith(".tmp") for p in hidden)

    rerun = subprocess.run([*command, "--quiet"], env=_env(), capture_output=True, text=True, check=False, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    files = sorted(out.iterdir())
    assert len(files) == total
    assert not any(p.name.startswith(".") for p in files)  # stale temporary files were removed
    assert {newsroom.loads(p.read_bytes()).guid for p in files} == guids


def test_the_examples_convert_into_every_format(tmp_path: Path) -> None:
    examples = Path(__file__).resolve().parents[1] / "examples"
    results = list(newsroom.convert(examples, to="all", out=tmp_path, jobs=1))
    assert len(results) >= 20
    assert {r.status for r in results} == {newsroom.ConvertStatus.DONE}
    assert {r.reader for r in results} == {"scraped", "json", "jsonl", "newsml-g2"}
    stories = [newsroom.loads(Path(p).read_bytes()) for r in results for p in r.paths if p.endswith(".json")]
    assert {s.language for s in stories} == {"en", "ru"}
    assert len({s.section.path for s in stories if s.section}) >= 8
    assert {len(s.bylines) for s in stories} >= {0, 1, 2, 3}
    # The examples show the workflow too: drafts, published stories with updates and
    # corrections, a kill and an embargo, each with a history that verifies.
    assert {s.state for s in stories} >= {
        newsroom.PublishState.DRAFT,
        newsroom.PublishState.PUBLISHED,
        newsroom.PublishState.KILLED,
    }
    assert {h.action for s in stories for h in s.history} >= {
        newsroom.Action.UPDATE,
        newsroom.Action.CORRECT,
        newsroom.Action.KILL,
    }
    assert any(s.embargo_until is not None for s in stories)
    assert all(newsroom.verify(s).ok for s in stories)


def test_two_runs_into_one_folder_do_not_corrupt_each_other(tmp_path: Path) -> None:
    total = 400
    source = jsonl(tmp_path / "in.jsonl", total)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "newsroom", "convert", str(source), "--to", "json", "--out", str(out), "--force"]
    runs = [
        subprocess.Popen([*command, "--jobs", str(jobs)], env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for jobs in (1, 2)
    ]
    for proc in runs:
        proc.communicate(timeout=300)
        assert proc.returncode == 0
    files = sorted(out.iterdir())
    assert len(files) == total
    assert not any(p.name.startswith(".") for p in files)
    assert {newsroom.loads(p.read_bytes()).guid for p in files} == {f"urn:test:{i}" for i in range(total)}
