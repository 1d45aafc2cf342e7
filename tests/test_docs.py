"""The documentation is tested: its examples run, and Sphinx builds it without a warning.

Every ```` ```python ```` block in ``docs/**/*.md`` and ``README.md`` is executed. The blocks of one
file run in order in one namespace (as a reader would type them), in a fresh temporary working
directory. Two markers, each on the line right before a block, change that:

- ``<!-- no-run -->``: the block is not executed (for fragments that cannot run on their own;
  use it sparingly);
- ``<!-- file: NAME -->``: the block is written to ``NAME`` in the working directory instead of
  being executed, and that directory is put on ``sys.path``, so later blocks can import it. This
  is how the plugin guide's example plugin (its module and its ``pyproject.toml``) is tested.

The Sphinx build runs once per session, in a subprocess, with ``-W --keep-going``; the workflow
page it produces is checked against :data:`newsroom.MOVES`.
"""

from __future__ import annotations

import html
import importlib.util
import os
import re
import subprocess
import sys
import tomllib
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import newsroom
from newsroom import plugins as newsroom_plugins


ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
MARKDOWN = [*sorted(p for p in DOCS.rglob("*.md") if "_build" not in p.parts), ROOT / "README.md"]

NO_RUN = "<!-- no-run -->"
FILE_MARKER = re.compile(r"^<!-- file: (?P<name>[\w./-]+) -->$")
FENCE = re.compile(r"^(?P<fence>`{3,}|~{3,})(?P<info>[^`]*)$")


@dataclass(frozen=True)
class Block:
    """One fenced code block of a Markdown file."""

    path: Path
    line: int
    """The 1-based line of the opening fence."""
    language: str
    code: str
    marker: str | None
    """The marker line right before the fence, if any."""

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def code_blocks(path: Path) -> Iterator[Block]:
    """Every fenced code block in ``path``, with its language and the marker before it."""
    lines = path.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        opening = FENCE.match(lines[i])
        if not opening:
            i += 1
            continue
        fence, info = opening.group("fence"), opening.group("info").strip()
        start = i
        body: list[str] = []
        i += 1
        while i < len(lines) and not (lines[i].startswith(fence) and not lines[i].strip(fence[0]).strip()):
            body.append(lines[i])
            i += 1
        if i == len(lines):
            pytest.fail(f"{path.relative_to(ROOT)}:{start + 1}: code fence is never closed")
        i += 1
        previous = lines[start - 1].strip() if start > 0 else ""
        marker = previous if previous == NO_RUN or FILE_MARKER.match(previous) else None
        language = info.split()[0] if info else ""
        yield Block(path, start + 1, language, "\n".join(body) + "\n", marker)


def python_blocks(path: Path) -> list[Block]:
    return [b for b in code_blocks(path) if b.language == "python"]


@pytest.fixture
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A temporary working directory on ``sys.path``; modules imported from it are forgotten after."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    before = set(sys.modules)
    try:
        yield tmp_path
    finally:
        for name in set(sys.modules) - before:
            module = sys.modules.get(name)
            if module is not None and str(getattr(module, "__file__", "") or "").startswith(str(tmp_path)):
                del sys.modules[name]
        importlib.invalidate_caches()


def run_markdown(path: Path, workdir: Path, *, execute: bool = True) -> dict[str, object]:
    """Run the Python blocks of ``path`` in order in one namespace; return the namespace.

    With ``execute=False`` only the ``<!-- file: -->`` blocks are written.
    """
    namespace: dict[str, object] = {"__name__": f"docs_{path.stem}"}
    for block in code_blocks(path):
        if block.marker == NO_RUN:
            continue
        if block.marker and (m := FILE_MARKER.match(block.marker)):
            target = workdir / m.group("name")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(block.code, encoding="utf-8")
            importlib.invalidate_caches()
            continue
        if block.language != "python" or not execute:
            continue
        # Pad with blank lines so tracebacks point at the line in the Markdown file.
        source = "\n" * block.line + block.code
        try:
            exec(compile(source, str(block.path), "exec"), namespace)
        except Exception as exc:  # noqa: BLE001 - any failure of an example is reported with its line
            lines = [f.lineno for f in traceback.extract_tb(exc.__traceback__) if f.filename == str(block.path)]
            where = f"{block.path.relative_to(ROOT)}:{lines[-1]}" if lines else block.where
            shown = "".join(traceback.format_exception(exc)[-3:])
            pytest.fail(f"the example at {where} failed: {type(exc).__name__}: {exc}\n{shown}", pytrace=False)
    return namespace


@pytest.mark.parametrize("path", MARKDOWN, ids=lambda p: str(p.relative_to(ROOT)))
def test_python_examples_run(path: Path, isolated: Path) -> None:
    """Every Python block of the page runs, in order, without an error."""
    run_markdown(path, isolated)


def test_examples_are_found() -> None:
    """The block finder sees the pages' examples, so the test above cannot pass by finding none."""
    found = {p.name: len(python_blocks(p)) for p in MARKDOWN}
    for page in ("README.md", "tutorial.md", "model.md", "workflow.md", "attribution.md", "plugins.md", "hooks.md"):
        assert found.get(page, 0) >= 1, f"{page} has no Python example"


def test_no_run_is_rare() -> None:
    """Opting out of execution stays the exception: at most one Python block in ten."""
    blocks = [b for p in MARKDOWN for b in python_blocks(p)]
    skipped = [b.where for b in blocks if b.marker == NO_RUN]
    assert len(skipped) * 10 <= len(blocks), f"too many <!-- no-run --> Python blocks: {skipped}"


def test_markers_sit_on_code_blocks() -> None:
    """A marker not followed by a code fence is a mistake (it would silently do nothing)."""
    for path in MARKDOWN:
        lines = path.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines, start=1):
            if line.strip() == NO_RUN or FILE_MARKER.match(line.strip()):
                following = lines[number] if number < len(lines) else ""
                assert FENCE.match(following), f"{path.relative_to(ROOT)}:{number}: marker is not right before a fence"


def test_block_finder_reads_markers_and_fences(tmp_path: Path) -> None:
    """The parser that drives these tests handles markers, languages and longer fences."""
    page = tmp_path / "page.md"
    page.write_text(
        "# Page\n\n```python\na = 1\n```\n\n<!-- no-run -->\n```python\nraise SystemExit\n```\n\n"
        "<!-- file: pkg/mod.py -->\n````python\nx = '```'\n````\n\n```sh\nls\n```\n",
        encoding="utf-8",
    )
    blocks = list(code_blocks(page))
    assert [(b.language, b.marker, b.line) for b in blocks] == [
        ("python", None, 3),
        ("python", NO_RUN, 8),
        ("python", "<!-- file: pkg/mod.py -->", 13),
        ("sh", None, 17),
    ]
    assert blocks[2].code == "x = '```'\n"
    namespace = run_markdown(page, tmp_path)
    assert namespace["a"] == 1
    assert (tmp_path / "pkg" / "mod.py").read_text(encoding="utf-8") == "x = '```'\n"


# --------------------------------------------------------------------------- the plugin guide


def test_plugin_guide_entry_point_is_loaded(isolated: Path) -> None:
    """The guide's pyproject.toml really plugs its package into the ``newsroom`` entry-point group.

    Installing it would need the network, so the test writes the metadata pip would write (a
    ``.dist-info`` with the guide's entry points) next to the guide's module, and builds a plugin
    manager that loads entry points, as ``newsroom`` itself does.
    """
    run_markdown(DOCS / "plugins.md", isolated, execute=False)
    project = tomllib.loads((isolated / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    entry_points = project["entry-points"]["newsroom"]
    assert entry_points, "the guide's pyproject.toml declares no newsroom entry point"
    dist_info = isolated / f"{project['name'].replace('-', '_')}-{project['version']}.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {project['name']}\nVersion: {project['version']}\n", encoding="utf-8"
    )
    (dist_info / "entry_points.txt").write_text(
        "[newsroom]\n" + "".join(f"{name} = {target}\n" for name, target in entry_points.items()), encoding="utf-8"
    )
    importlib.invalidate_caches()

    host = newsroom.PluginHost(newsroom.make_plugin_manager(entry_points=True))
    listed = {info.name: info for info in host.plugins()}
    for name in entry_points:
        assert name in listed, f"entry point {name!r} was not loaded; loaded: {sorted(listed)}"
        assert listed[name].version == project["version"]
        assert not listed[name].builtin
        assert listed[name].exporters, f"plugin {name!r} registers no exporter"


# --------------------------------------------------------------------------- the workflow page


def _docs_extension() -> Any:
    """The docs' Sphinx extension module, loaded from its file."""
    spec = importlib.util.spec_from_file_location("newsroom_docs", DOCS / "_ext" / "newsroom_docs.py")
    assert spec is not None
    assert spec.loader is not None
    ext = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ext)
    return ext


def test_workflow_diagram_code_has_one_edge_per_move() -> None:
    """The docs extension draws exactly one edge per row of MOVES, and nothing else."""
    ext = _docs_extension()
    edges = _edges(ext.diagram_code())
    assert sorted(edges) == sorted((m.source.value, m.target.value, m.action.value) for m in newsroom.MOVES), (
        "the diagram's edges differ from MOVES"
    )
    review_edges = _edges(ext.diagram_code(review_required=True))
    assert sorted(review_edges) == sorted(
        (m.source.value, m.target.value, m.action.value) for m in newsroom.Workflow(review_required=True).moves()
    )
    assert len(review_edges) < len(edges), "the review-required diagram should leave out the small-desk moves"
    assert [row[:3] for row in ext.table_rows()] == [
        (m.source.value, m.action.value, m.target.value) for m in newsroom.MOVES
    ]


EDGE = re.compile(r"^\s*(?P<src>\w+) --> (?P<dst>\w+): (?P<label>.+)$")


def _edges(code: str) -> list[tuple[str, str, str]]:
    """One (source, target, action) per move drawn; an edge label may list several moves."""
    edges = []
    for line in code.splitlines():
        if m := EDGE.match(line):
            edges += [(m["src"], m["dst"], part.split()[0]) for part in m["label"].split(" / ")]
    return edges


def test_parallel_moves_share_one_drawn_edge() -> None:
    """Mermaid draws one edge per pair of states, so moves between the same two states share it."""
    ext = _docs_extension()
    pairs = [line.split(":")[0].strip() for line in ext.diagram_code().splitlines() if EDGE.match(line)]
    assert len(pairs) == len(set(pairs)), "two drawn edges join the same states; Mermaid would drop one"


# --------------------------------------------------------------------------- the Sphinx build


@pytest.fixture(scope="session")
def built_docs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the HTML docs once, exactly as CI does, and return the output folder."""
    if importlib.util.find_spec("sphinx") is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("sphinx is not installed; install the dev dependency group")
        pytest.skip("sphinx is not installed (it is in the 'docs' dependency group)")
    out = tmp_path_factory.mktemp("docs")
    command = [
        sys.executable,
        "-m",
        "sphinx",
        "-W",
        "--keep-going",
        "-q",
        "-b",
        "html",
        "-d",
        str(out / "doctrees"),
        str(DOCS),
        str(out / "html"),
    ]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
    if result.returncode != 0:
        pytest.fail(f"sphinx-build -W failed (exit {result.returncode}):\n{result.stdout}\n{result.stderr}")
    return out / "html"


def test_sphinx_build_has_no_warnings(built_docs: Path) -> None:
    """``sphinx-build -W --keep-going -b html docs ...`` succeeds, so there is no warning."""
    assert (built_docs / "index.html").is_file()
    for page in ("tutorial", "model", "workflow", "attribution", "plugins", "hooks", "api", "benchmarks"):
        assert (built_docs / f"{page}.html").is_file(), f"{page}.html was not built"


def test_built_workflow_page_draws_every_move(built_docs: Path) -> None:
    """The built workflow page carries one diagram edge and one table row per move of MOVES."""
    page = (built_docs / "workflow.html").read_text(encoding="utf-8")
    diagrams = re.findall(r'<pre\s+class="mermaid[^"]*"[^>]*>(.*?)</pre>', page, re.DOTALL)
    assert diagrams, "the workflow page has no Mermaid diagram"
    edges = _edges(html.unescape(diagrams[0]))
    expected = sorted((m.source.value, m.target.value, m.action.value) for m in newsroom.MOVES)
    assert sorted(edges) == expected

    tables = re.findall(r'<table class="[^"]*workflow-table[^"]*".*?</table>', page, re.DOTALL)
    assert tables, "the workflow page has no table of moves"
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", tables[0], re.DOTALL)[1:]
    cells = [
        [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", r, re.DOTALL)] for r in rows
    ]
    assert [tuple(c[:3]) for c in cells] == [(m.source.value, m.action.value, m.target.value) for m in newsroom.MOVES]


def test_built_hook_reference_names_every_hook(built_docs: Path) -> None:
    """The built hook reference shows every hook of the contract."""
    page = html.unescape((built_docs / "hooks.html").read_text(encoding="utf-8"))
    pm = newsroom.make_plugin_manager(builtins=(), entry_points=False)
    for name in (n for n in dir(pm.hook) if n.startswith("newsroom_")):
        assert name in page, f"hook {name} is missing from the built hooks page"


def test_built_api_page_documents_every_public_name(built_docs: Path) -> None:
    """Every name in ``newsroom.__all__`` has an entry on the API page (``newsroom.<name>``)."""
    page = (built_docs / "api.html").read_text(encoding="utf-8")
    ids = set(re.findall(r'id="(newsroom\.[\w.]+)"', page))
    missing = [name for name in newsroom.__all__ if f"newsroom.{name}" not in ids]
    assert not missing, f"add these public names to docs/api.md: {', '.join(missing)}"


def test_built_plugin_guide_lists_every_builtin(built_docs: Path) -> None:
    """The built plugin guide's table names every module of BUILTIN_PLUGINS and its formats."""
    page = (built_docs / "plugins.html").read_text(encoding="utf-8")
    tables = re.findall(r'<table class="[^"]*builtin-plugins[^"]*".*?</table>', page, re.DOTALL)
    assert tables, "the plugin guide has no table of built-in plugins"
    host = newsroom.PluginHost(newsroom.make_plugin_manager(entry_points=False))
    exporters = {info.name: info.exporters for info in host.plugins()}
    for name in newsroom_plugins.BUILTIN_PLUGINS:
        assert f">{name}<" in tables[0], f"the built-in plugin {name} is missing from docs/plugins.md"
        for exporter in exporters[name]:
            assert f">{exporter}<" in tables[0]
