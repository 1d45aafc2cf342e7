"""The newsroom command: plugins, schema, workflow and audit, with their exit codes."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import attrs
import jsonschema
import pytest

import newsroom
from newsroom import MOVES, Workflow
from newsroom.cli import main
from newsroom.testing import EDITOR, FixedClock, sample_article


VERSION = metadata.version("newsroom-editorial")


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()


class TestPlugins:
    """`newsroom plugins` lists what is installed, with versions."""

    def test_text(self) -> None:
        code, text = run("plugins")
        assert code == 0
        assert f"newsroom_json {VERSION} (built-in)" in text
        assert "exporters: json" in text
        assert "readers:   json, jsonl" in text
        formats = text.split("\nformats:\n", 1)[1]
        (json_row,) = [line.split() for line in formats.splitlines() if line.split()[:1] == ["json"]]
        assert json_row == ["json", "application/json", ".json"]

    def test_json(self) -> None:
        code, text = run("plugins", "--json")
        assert code == 0
        listed = {item["name"]: item for item in json.loads(text)}
        item = listed["newsroom_json"]
        assert item["version"] == VERSION
        assert item["builtin"] is True
        assert item["exporters"] == ["json"]
        assert item["readers"] == ["json", "jsonl"]
        assert "newsroom_register_exporters" in item["hooks"]
        assert "newsroom.proofs" in listed

    def test_disabled_plugin_is_not_listed(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("NEWSROOM_DISABLE_PLUGINS", "newsroom_json")
        _code, text = run("plugins", "--json")
        assert "newsroom_json" not in {item["name"] for item in json.loads(text)}


class TestSchema:
    """`newsroom schema` prints a valid JSON Schema that accepts the native JSON."""

    def test_schema(self) -> None:
        code, text = run("schema")
        assert code == 0
        schema = json.loads(text)
        jsonschema.Draft202012Validator.check_schema(schema)
        assert schema == newsroom.json_schema()
        validator = jsonschema.Draft202012Validator(schema)
        assert list(validator.iter_errors(newsroom.to_dict(sample_article()))) == []


class TestWorkflow:
    """`newsroom workflow` draws the table."""

    def test_mermaid(self) -> None:
        code, text = run("workflow")
        assert code == 0
        assert text == newsroom.workflow_mermaid(Workflow(review_required=True))

    @pytest.mark.parametrize("no_review", [False, True])
    def test_table(self, no_review: bool) -> None:
        code, text = run("workflow", "--format", "table", *(["--no-review"] if no_review else []))
        assert code == 0
        rows = [line.strip("|").split("|") for line in text.splitlines()[2:]]
        cells = {(r[0].strip(), r[1].strip().split()[0], r[2].strip(), r[3].strip()) for r in rows}
        moves = [m for m in MOVES if no_review or m.review is not False]
        assert len(rows) == len(moves)
        assert cells == {
            (m.source.value, m.action.value, m.target.value, "yes" if m.new_version else "") for m in moves
        }


class TestAudit:
    """`newsroom audit` verifies stories in native JSON; any failure makes the exit status 1."""

    @pytest.fixture
    def published(self, clock: FixedClock) -> newsroom.Article:
        story = sample_article(clock=clock)
        for verb in (newsroom.submit, newsroom.approve, newsroom.publish):
            clock.advance(minutes=5)
            story = verb(story, actor=EDITOR, clock=clock)
        return story

    def test_ok(self, tmp_path: Path, published: newsroom.Article) -> None:
        path = tmp_path / "story.json"
        path.write_text(newsroom.dumps(published), encoding="utf-8")
        code, text = run("audit", str(path))
        assert code == 0
        assert text == f"{path}: ok (3 entries, version {published.version}, published)\n"

    def test_tampered(self, tmp_path: Path, published: newsroom.Article) -> None:
        good = tmp_path / "good.json"
        good.write_text(newsroom.dumps(published), encoding="utf-8")
        bad = tmp_path / "bad.json"
        bad.write_text(newsroom.dumps(attrs.evolve(published, headline="Quietly rewritten")), encoding="utf-8")
        code, text = run("audit", str(good), str(bad))
        assert code == 1
        lines = text.splitlines()
        assert lines[0].startswith(f"{good}: ok")
        assert lines[1].startswith(f"{bad}: FAILED at entry {len(published.history) - 1}: ")

    def test_tampered_history_text(self, tmp_path: Path, published: newsroom.Article) -> None:
        data = newsroom.to_dict(published)
        data["history"][1]["actor"] = "Someone Else"
        path = tmp_path / "story.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        code, text = run("audit", str(path))
        assert code == 1
        assert f"{path}: FAILED at entry 1: " in text

    @pytest.mark.parametrize("content", ["{not json", '{"guid": "x"}'], ids=["syntax", "missing-headline"])
    def test_unreadable(self, tmp_path: Path, content: str) -> None:
        path = tmp_path / "broken.json"
        path.write_text(content, encoding="utf-8")
        code, text = run("audit", str(path))
        assert code == 1
        assert text.startswith(f"{path}: cannot read: ")

    def test_missing_file(self, tmp_path: Path) -> None:
        code, text = run("audit", str(tmp_path / "nowhere.json"))
        assert code == 1
        assert "cannot read" in text


class TestEntryPoint:
    """The command runs as a module and refuses bad usage."""

    def test_python_m(self) -> None:
        result = subprocess.run(
            [sys.executable, "-m", "newsroom", "workflow", "--format", "table"],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        assert "| draft | submit | in_review |" in result.stdout

    @pytest.mark.parametrize("argv", [[], ["frobnicate"], ["workflow", "--format", "svg"], ["audit"]])
    def test_usage_errors(self, argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
        with pytest.raises(SystemExit) as info:
            main(argv)
        assert info.value.code == 2
        assert "usage: newsroom" in capsys.readouterr().err
