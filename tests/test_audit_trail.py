"""The audit trail end to end: tampered story files, the export log, and ``newsroom audit``.

Unit tests of the hash chain itself live in ``test_audit.py``; these work on files, the way an
auditor would: story JSON edited on disk, a log written by real exports, and the CLI's report.
"""

from __future__ import annotations

import json
import multiprocessing
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import attrs
import pytest

import newsroom
from newsroom.audit import entry_hash
from newsroom.cli import main
from newsroom.export_log import record_to_json
from newsroom.testing import EDITOR, FixedClock, sample_article


def history_of_five(clock: FixedClock, steps: int = 5) -> newsroom.Article:
    """submit, approve, publish, update, correct: five entries, version 3 (or the first ``steps``)."""
    story = sample_article(clock=clock)
    verbs: list[tuple[Callable[..., newsroom.Article], dict[str, str]]] = [
        (newsroom.submit, {}),
        (newsroom.approve, {"note": "Fine by the desk"}),
        (newsroom.publish, {}),
        (newsroom.update, {"deck": "A new deck"}),
        (newsroom.correct, {"text": "A name was misspelt.", "headline": "Corrected headline"}),
    ]
    for verb, kwargs in verbs[:steps]:
        clock.advance(minutes=10)
        story = verb(story, actor=EDITOR, clock=clock, **kwargs)
    return story


@pytest.fixture
def story() -> newsroom.Article:
    return history_of_five(FixedClock())


def write(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def audit(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    status = main(["audit", *args])
    return status, capsys.readouterr().out


# --------------------------------------------------------------------------- tampered files


def test_an_untouched_story_passes(tmp_path: Path, story: newsroom.Article, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "story.json"
    path.write_text(newsroom.dumps(story), encoding="utf-8")
    status, out = audit(capsys, str(path))
    assert status == 0
    assert out == f"{path}: ok (5 entries, version 3, published)\n"


def tampered(story: newsroom.Article, how: str) -> tuple[dict[str, Any], int]:
    """The story's JSON edited outside the workflow, and the first entry that must fail."""
    data = json.loads(newsroom.dumps(story))
    history = data["history"]
    if how == "edited text":
        data["body"][0]["text"] = "Something the story never said."
        return data, 4
    if how == "edited headline of a past version":  # the chain still verifies; the last entry does not
        data["headline"] = "Japan and Italy fall out"
        return data, 4
    if how == "removed entry":
        del history[1]
        return data, 1
    if how == "reordered entries":
        history[1], history[2] = history[2], history[1]
        return data, 1
    if how == "changed actor":
        history[3]["actor"] = "Mallory"
        return data, 3
    if how == "changed note":
        history[1]["note"] = "Legal never saw it"
        return data, 1
    if how == "changed time":
        history[2]["at"] = "2026-01-01T00:00:00+00:00"
        return data, 2
    if how == "removed first entry":
        del history[0]
        return data, 0
    raise AssertionError(how)


HOW = [
    "edited text",
    "edited headline of a past version",
    "removed entry",
    "reordered entries",
    "changed actor",
    "changed note",
    "changed time",
    "removed first entry",
]


@pytest.mark.parametrize("how", HOW)
def test_newsroom_audit_reports_the_first_entry_that_does_not_match(
    tmp_path: Path, story: newsroom.Article, capsys: pytest.CaptureFixture[str], how: str
) -> None:
    data, first_bad = tampered(story, how)
    good = tmp_path / "good.json"
    good.write_text(newsroom.dumps(story), encoding="utf-8")
    bad = write(tmp_path / "bad.json", data)
    status, out = audit(capsys, str(good), str(bad))
    assert status == 1
    lines = out.splitlines()
    assert lines[0].startswith(f"{good}: ok")
    assert lines[1].startswith(f"{bad}: FAILED at entry {first_bad}: ")
    report = newsroom.verify(newsroom.loads(bad.read_bytes()))
    assert report.index == first_bad
    with pytest.raises(newsroom.AuditError) as caught:
        report.raise_for_problem()
    assert caught.value.index == first_bad


def test_an_unreadable_file_is_reported_and_the_rest_still_audited(
    tmp_path: Path, story: newsroom.Article, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    good = tmp_path / "good.json"
    good.write_text(newsroom.dumps(story), encoding="utf-8")
    status, out = audit(capsys, str(broken), str(good))
    assert status == 1
    assert out.splitlines()[0].startswith(f"{broken}: cannot read:")
    assert out.splitlines()[1].startswith(f"{good}: ok")


# --------------------------------------------------------------------------- the export log


class Wire:
    """A public text format that cannot carry an embargo, standing in for HTML, feeds and the like."""

    name, media_type, suffix, public, carries_embargo = "wire-test", "text/plain", ".txt", True, False

    def export(self, article: newsroom.Article, context: newsroom.ExportContext) -> newsroom.Rendition:
        text = "\n".join([article.headline, article.plain_text(), *(line.url for line in context.attribution)])
        return newsroom.Rendition(content=text.encode(), media_type="text/plain", filename="s.txt", format=self.name)


class WirePlugin:
    @newsroom.hookimpl
    def newsroom_register_exporters(self, register: Any) -> None:
        register(Wire())


def exported(
    story: newsroom.Article, log: Path, clock: FixedClock, *formats: str, **kwargs: Any
) -> list[newsroom.Rendition]:
    plugins = [newsroom.ExportLog(log), WirePlugin()]
    host = newsroom.PluginHost(newsroom.make_plugin_manager(plugins=plugins, entry_points=False))
    return [newsroom.export(story, f, clock=clock, host=host, actor=EDITOR, **kwargs) for f in formats]


def test_every_export_is_logged_with_what_went_out(tmp_path: Path) -> None:
    clock = FixedClock()
    story = history_of_five(clock)
    log = tmp_path / "exports.jsonl"
    (rendition,) = exported(story, log, clock, "json")
    (line,) = log.read_text(encoding="utf-8").splitlines()
    record = json.loads(line)
    assert record == {
        "log": 1,
        "guid": story.guid,
        "version": 3,
        "state": "published",
        "format": "json",
        "at": clock.now.isoformat(),
        "actor": EDITOR.name,
        "sha256": rendition.sha256,
        "overrides": [],
        "content_hash": story.history[-1].content_hash,
        "history_head": story.history[-1].entry_hash,
    }
    (read,) = newsroom.read_export_log(log)
    assert isinstance(read, newsroom.ExportRecord)
    assert record_to_json(read) == record


def test_a_failed_export_is_not_logged(tmp_path: Path) -> None:
    clock = FixedClock()
    story = attrs.evolve(history_of_five(clock), headline="Tampered")
    log = tmp_path / "exports.jsonl"
    with pytest.raises(newsroom.ProtectedContentError):
        exported(story, log, clock, "json")
    assert not log.exists()


def test_a_bad_log_line_is_named_and_the_rest_read(tmp_path: Path) -> None:
    clock = FixedClock()
    story = history_of_five(clock)
    log = tmp_path / "exports.jsonl"
    exported(story, log, clock, "json")
    good = log.read_text(encoding="utf-8")
    bad_time = json.loads(good) | {"at": "2026-01-16T07:00:00"}
    log.write_text(good + "\n{oops\n" + json.dumps(bad_time) + "\n" + good, encoding="utf-8")
    items = list(newsroom.read_export_log(log))
    assert [type(i).__name__ for i in items] == ["ExportRecord", "ReadError", "ReadError", "ExportRecord"]
    assert [i.line for i in items if isinstance(i, newsroom.ReadError)] == [3, 4]
    assert "no time zone" in str(items[2])


def _append_many(path: str, worker: int, count: int) -> None:
    log = newsroom.ExportLog(path)
    for i in range(count):
        log.newsroom_export_done(
            newsroom.ExportRecord(
                guid=f"urn:w{worker}:{i}",
                version=1,
                state=newsroom.PublishState.PUBLISHED,
                format="json",
                at=datetime(2026, 1, 1, tzinfo=UTC),
                sha256="0" * 64,
                actor="x" * 300,
            )
        )


def test_appends_from_several_processes_never_interleave(tmp_path: Path) -> None:
    log = tmp_path / "exports.jsonl"
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_append_many, args=(str(log), w, 200)) for w in range(3)]
    for p in workers:
        p.start()
    for p in workers:
        p.join(timeout=60)
        assert p.exitcode == 0
    items = list(newsroom.read_export_log(log))
    assert all(isinstance(i, newsroom.ExportRecord) for i in items)
    assert sorted(i.guid for i in items if isinstance(i, newsroom.ExportRecord)) == sorted(
        f"urn:w{w}:{i}" for w in range(3) for i in range(200)
    )


def test_the_export_history_of_a_story(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clock = FixedClock()
    story = sample_article(clock=clock)
    log = tmp_path / "exports.jsonl"
    exported(story, log, clock, "json")  # a draft, exported before any transition
    for verb in (newsroom.submit, newsroom.approve, newsroom.publish):
        clock.advance(minutes=10)
        story = verb(story, actor=EDITOR, clock=clock)
    exported(story, log, clock, "json", "wire-test")
    clock.advance(hours=1)
    story = newsroom.update(story, actor=EDITOR, clock=clock, deck="New deck")
    exported(story, log, clock, "wire-test")
    other = newsroom.submit(sample_article(clock=clock), actor=EDITOR, clock=clock)
    exported(attrs.evolve(other, guid="urn:other"), log, clock, "json")  # another story, not listed

    checks = newsroom.check_exports(
        story, [r for r in newsroom.read_export_log(log) if isinstance(r, newsroom.ExportRecord)]
    )
    assert [(c.record.version, c.record.format, c.ok) for c in checks] == [
        (1, "json", True),
        (1, "json", True),
        (1, "wire-test", True),
        (2, "wire-test", True),
    ]
    assert [c.entry for c in checks] == [None, 2, 2, 3]

    path = tmp_path / "story.json"
    path.write_text(newsroom.dumps(story), encoding="utf-8")
    status, out = audit(capsys, "--exports", str(log), str(path))
    assert status == 0
    lines = out.splitlines()
    assert lines[0] == f"{path}: ok (4 entries, version 2, published)"
    assert lines[1] == "  exports: 4 (v1: json, wire-test; v2: wire-test)"
    assert len(lines) == 6
    assert lines[5].split()[:3] == ["v2", "published", "wire-test"]
    assert f"by {EDITOR.name}" in lines[5]


def test_an_embargo_break_shows_in_the_export_history(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clock = FixedClock()
    story = sample_article(clock=clock)
    story = attrs.evolve(story, embargo_until=clock.now.replace(hour=23))
    for verb in (newsroom.submit, newsroom.approve, newsroom.publish):
        story = verb(story, actor=EDITOR, clock=clock)
    log = tmp_path / "exports.jsonl"
    exported(story, log, clock, "wire-test", overrides={"embargo"})
    path = tmp_path / "story.json"
    path.write_text(newsroom.dumps(story), encoding="utf-8")
    status, out = audit(capsys, "--exports", str(log), str(path))
    assert status == 0
    assert out.splitlines()[-1].endswith("override: embargo")


def test_a_history_cut_after_an_export_is_found(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clock = FixedClock()
    story = history_of_five(clock)
    log = tmp_path / "exports.jsonl"
    exported(story, log, clock, "json")
    # Version 3 went out; someone now presents version 2 as the last word, its correction gone.
    cut = history_of_five(FixedClock(), steps=4)
    assert cut.history == story.history[:4]
    assert newsroom.verify(cut).ok  # its own chain is fine
    path = tmp_path / "story.json"
    path.write_text(newsroom.dumps(cut), encoding="utf-8")
    status, out = audit(capsys, "--exports", str(log), str(path))
    assert status == 1
    assert f"{path}: export log MISMATCH: version 3 went out as json" in out
    assert "the history was rewritten or cut after the export" in out


def test_a_rewritten_and_resealed_history_is_found(tmp_path: Path) -> None:
    clock = FixedClock()
    story = history_of_five(clock)
    log = tmp_path / "exports.jsonl"
    exported(story, log, clock, "json")
    # A forger who holds the library rewrites the approver's note and re-seals the chain.
    history = list(story.history)
    history[1] = attrs.evolve(history[1], note="Approved by legal")
    for i in range(1, len(history)):
        entry = attrs.evolve(history[i], prev_hash=history[i - 1].entry_hash)
        history[i] = attrs.evolve(entry, entry_hash=entry_hash(entry))
    forged = attrs.evolve(story, history=tuple(history))
    assert newsroom.verify(forged).ok  # the chain alone cannot tell
    records = [r for r in newsroom.read_export_log(log) if isinstance(r, newsroom.ExportRecord)]
    (check,) = newsroom.check_exports(forged, records)
    assert not check.ok
    assert "does not contain" in (check.problem or "")
    (honest,) = newsroom.check_exports(story, records)
    assert honest.ok


def test_a_log_that_disagrees_with_the_history(tmp_path: Path) -> None:
    clock = FixedClock()
    story = history_of_five(clock)
    log = tmp_path / "exports.jsonl"
    exported(story, log, clock, "json")
    (record,) = [r for r in newsroom.read_export_log(log) if isinstance(r, newsroom.ExportRecord)]
    (check,) = newsroom.check_exports(story, [attrs.evolve(record, version=2)])
    assert "left the story at version 3" in (check.problem or "")
    (check,) = newsroom.check_exports(story, [attrs.evolve(record, content_hash="0" * 64)])
    assert "the log or the history was edited" in (check.problem or "")
    (check,) = newsroom.check_exports(story, [attrs.evolve(record, history_head="", version=9)])
    assert "only at version 3" in (check.problem or "")


def test_a_missing_or_bad_log_on_the_command_line(
    tmp_path: Path, story: newsroom.Article, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "story.json"
    path.write_text(newsroom.dumps(story), encoding="utf-8")
    assert main(["audit", "--exports", str(tmp_path / "none.jsonl"), str(path)]) == 2
    assert "cannot read the export log" in capsys.readouterr().err
    log = tmp_path / "exports.jsonl"
    log.write_text("[1]\n", encoding="utf-8")
    status, out = audit(capsys, "--exports", str(log), str(path))
    assert status == 1
    assert f"{log}:1: not an export record" in out
    assert "  exports: none logged" in out
