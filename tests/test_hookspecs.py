"""The hook contract is complete: every hook is documented, specified and tested.

The first tests read the hooks from a real plugin manager (not from a list kept here), so a new
hook in ``newsroom.hookspecs`` fails them until it has

- a section in ``docs/hooks.md`` headed by its signature, built from the spec's argument names
  (``## newsroom_check_rendition(rendition, article, owed)``), as datasette does;
- a docstring with ``Args:`` naming every argument, and ``Returns:``;
- a ``test_hook_<name>`` test that implements the hook (``def newsroom_<name>(``) and runs it.

The ``test_hook_*`` tests below are those tests for the current hooks: each registers a small
plugin on a fresh host and checks what the hook changes.
"""

from __future__ import annotations

import ast
import functools
import inspect
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

import newsroom
from newsroom import hookspecs
from newsroom.testing import EDITOR, FixedClock, plugin_host, registered, sample_article


ROOT = Path(__file__).resolve().parents[1]
HOOKS_PAGE = ROOT / "docs" / "hooks.md"
TESTS = Path(__file__).resolve().parent


def _specs() -> dict[str, tuple[tuple[str, ...], Any]]:
    pm = newsroom.make_plugin_manager(builtins=(), entry_points=False)
    specs = {}
    for name in dir(pm.hook):
        caller = getattr(pm.hook, name)
        spec = getattr(caller, "spec", None)
        if name.startswith("_") or spec is None:
            continue
        specs[name] = (tuple(spec.argnames), spec.function)
    return specs


SPECS = _specs()
HOOK_NAMES = sorted(SPECS)


def signature(name: str) -> str:
    """The heading a hook's section must have: its name and its arguments, in order."""
    return f"{name}({', '.join(SPECS[name][0])})"


def test_the_manager_sees_every_hook_in_the_spec_module() -> None:
    """Introspecting the manager finds exactly the hooks ``newsroom.hookspecs`` defines."""
    assert HOOK_NAMES, "the plugin manager has no hook specs"
    assert set(HOOK_NAMES) == set(hookspecs.hook_names())
    assert all(name.startswith("newsroom_") for name in HOOK_NAMES)


# --------------------------------------------------------------------------- documentation


def _page_headings() -> list[str]:
    return [line[3:].strip() for line in HOOKS_PAGE.read_text(encoding="utf-8").splitlines() if line.startswith("## ")]


@pytest.mark.parametrize("name", HOOK_NAMES)
def test_hook_has_a_section_headed_by_its_signature(name: str) -> None:
    """docs/hooks.md has a ``## newsroom_x(a, b)`` section for the hook."""
    assert signature(name) in _page_headings(), f"docs/hooks.md needs a section headed '## {signature(name)}'"


@pytest.mark.parametrize("name", HOOK_NAMES)
def test_hook_section_shows_the_spec_docstring(name: str) -> None:
    """The hook's section renders the spec's own docstring (autodoc), so the two cannot drift."""
    page = HOOKS_PAGE.read_text(encoding="utf-8")
    assert f"\n## {signature(name)}\n" in page, f"docs/hooks.md has no section for {name}"
    start = page.index(f"## {signature(name)}")
    end = page.find("\n## ", start + 1)
    section = page[start : end if end != -1 else len(page)]
    assert f".. autofunction:: newsroom.hookspecs.{name}" in section


def test_hooks_page_documents_no_hook_that_does_not_exist() -> None:
    """Every hook-like heading on the page is the current signature of a real hook."""
    documented = [h for h in _page_headings() if h.startswith("newsroom_")]
    current = {signature(name) for name in HOOK_NAMES}
    stale = [h for h in documented if h not in current]
    assert not stale, f"docs/hooks.md has sections for hooks or signatures that no longer exist: {stale}"
    assert len(documented) == len(set(documented)), "docs/hooks.md documents a hook twice"


def _docstring_sections(doc: str) -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in doc.splitlines():
        header = re.fullmatch(r"(\w+):", line.strip())
        if header and not line.startswith(" "):
            current = sections.setdefault(header.group(1), [])
        elif current is not None:
            current.append(line)
    return sections


@pytest.mark.parametrize("name", HOOK_NAMES)
def test_hook_docstring_has_args_and_returns(name: str) -> None:
    """The spec says when it runs, documents every argument under Args:, and has Returns:."""
    argnames, function = SPECS[name]
    doc = inspect.getdoc(function) or ""
    summary = doc.split("\n\n", 1)[0]
    assert summary.strip(), f"{name} has no docstring"
    sections = _docstring_sections(doc)
    assert "Returns" in sections, f"{name}'s docstring has no Returns: section"
    assert "".join(sections["Returns"]).strip(), f"{name}'s Returns: section is empty"
    if argnames:
        assert "Args" in sections, f"{name}'s docstring has no Args: section"
        documented = {m.group(1) for line in sections["Args"] if (m := re.match(r"^    (\w+):", line))}
        assert documented == set(argnames), f"{name}'s Args: documents {sorted(documented)}, not {list(argnames)}"


# --------------------------------------------------------------------------- tests exist


@functools.cache
def _test_functions() -> tuple[tuple[Path, str, str], ...]:
    """Every test function under tests/: its file, name and source."""
    found: list[tuple[Path, str, str]] = []
    for path in sorted(TESTS.rglob("test_*.py")):
        source = path.read_text(encoding="utf-8")
        found.extend(
            (path, node.name, ast.get_source_segment(source, node) or "")
            for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
        )
    return tuple(found)


@pytest.mark.parametrize("name", HOOK_NAMES)
def test_hook_has_a_test_that_implements_it(name: str) -> None:
    """A ``test_hook_<name>`` test exists and defines an implementation of the hook it tests."""
    short = name.removeprefix("newsroom_")
    tests = [text for _path, test, text in _test_functions() if test.startswith(f"test_hook_{short}")]
    assert tests, f"no test named test_hook_{short}* in tests/"
    assert any(re.search(rf"def {name}\(", text) for text in tests), (
        f"test_hook_{short}* must implement {name} (def {name}(...)) and run it"
    )


# --------------------------------------------------------------------------- the hooks, exercised


class UpperExporter:
    """A tiny public text exporter that places the attribution lines."""

    name = "test-upper"
    media_type = "text/plain"
    suffix = ".txt"

    def export(self, article: newsroom.Article, context: newsroom.ExportContext) -> newsroom.Rendition:
        lines = [article.headline.upper(), *article.keywords, *(str(line) for line in context.attribution)]
        return newsroom.Rendition(
            content="\n".join(lines).encode(),
            media_type=self.media_type,
            filename=article.slug + self.suffix,
            format=self.name,
        )


class UpperPlugin:
    @newsroom.hookimpl
    def newsroom_register_exporters(self, register: Any) -> None:
        register(UpperExporter())


def test_hook_register_exporters() -> None:
    """Registered exporters are listed and used; a clash names both plugins; junk is refused."""

    class Second:
        @newsroom.hookimpl
        def newsroom_register_exporters(self, register: Any) -> None:
            register(UpperExporter())

    class Junk:
        @newsroom.hookimpl
        def newsroom_register_exporters(self, register: Any) -> None:
            register(object())

    host = plugin_host(UpperPlugin())
    assert isinstance(host.exporter("test-upper"), UpperExporter)
    assert "json" in host.exporters()  # the built-ins are still there
    clock = FixedClock()
    story = sample_article(clock=clock)
    assert newsroom.export(story, "test-upper", clock=clock, host=host).text().startswith(story.headline.upper())

    with pytest.raises(newsroom.DuplicateFormatError) as clash:
        plugin_host(UpperPlugin(), Second()).exporters()
    assert {clash.value.first, clash.value.second} == {"UpperPlugin", "Second"}
    assert "UpperPlugin" in str(clash.value)
    assert "Second" in str(clash.value)

    with pytest.raises(newsroom.PluginError, match="Junk"):
        plugin_host(Junk()).exporters()

    assert "test-upper" not in plugin_host(UpperPlugin(), disabled=("UpperPlugin",)).exporters()


class LinesReader:
    """Reads one story per line: ``headline|body``."""

    name = "test-lines"
    suffixes = (".lines",)

    def sniff(self, head: bytes, filename: str) -> bool:
        return filename.endswith(".lines") and b"|" in head

    def read(self, stream: Any, *, source: str) -> Iterator[newsroom.Article | newsroom.ReadError]:
        for number, raw in enumerate(stream, start=1):
            headline, _, body = raw.decode().strip().partition("|")
            if not body:
                yield newsroom.ReadError("no body after '|'", source=source, line=number)
                continue
            yield newsroom.Article(guid=f"urn:test:{number}", headline=headline, body=[body])


def test_hook_register_readers() -> None:
    """A registered reader is found by name and reads stories; duplicate names are refused."""

    class ReaderPlugin:
        @newsroom.hookimpl
        def newsroom_register_readers(self, register: Any) -> None:
            register(LinesReader())

    host = plugin_host(ReaderPlugin())
    reader = host.reader("test-lines")
    assert "test-lines" in host.readers()
    items = list(reader.read(io.BytesIO(b"One|First.\nTwo\nThree|Third.\n"), source="feed.lines"))
    assert [type(i) for i in items] == [newsroom.Article, newsroom.ReadError, newsroom.Article]
    first, bad, third = items
    assert isinstance(third, newsroom.Article)
    assert third.headline == "Three"
    assert isinstance(bad, newsroom.ReadError)
    assert bad.line == 2
    assert isinstance(first, newsroom.Article)

    with pytest.raises(newsroom.UnknownFormatError, match="test-lines"):
        plugin_host().reader("test-lines")
    with pytest.raises(newsroom.DuplicateFormatError, match="test-lines"):
        plugin_host(ReaderPlugin(), ReaderPlugin()).readers()


def test_hook_register_validators() -> None:
    """A registered validator is chosen by name or by sniffing, and its violations come back."""

    class PipesValidator:
        name = "test-pipes"

        def sniff(self, head: bytes, filename: str) -> bool:
            return head.startswith(b"|")

        def validate(
            self, content: bytes, *, source: str, schemas: Path | None = None
        ) -> tuple[newsroom.Violation, ...]:
            return tuple(
                newsroom.Violation(rule="schema", message=f"{source} line {n}: does not end with '|'")
                for n, line in enumerate(content.splitlines(), start=1)
                if not line.endswith(b"|")
            )

    class ValidatorPlugin:
        @newsroom.hookimpl
        def newsroom_register_validators(self, register: Any) -> None:
            register(PipesValidator())

    host = plugin_host(ValidatorPlugin())
    assert "test-pipes" in host.validators()
    name, problems = newsroom.validate_document(b"|a|\n|b\n", source="t.txt", host=host)
    assert name == "test-pipes"
    assert [p.message for p in problems] == ["t.txt line 2: does not end with '|'"]
    assert newsroom.validate_document(b"|a|\n", source="t.txt", host=host, format="test-pipes") == ("test-pipes", ())
    with pytest.raises(newsroom.UnknownFormatError):
        newsroom.validate_document(b"no pipes", source="t.txt", host=host)
    with pytest.raises(newsroom.DuplicateFormatError, match="test-pipes"):
        plugin_host(ValidatorPlugin(), ValidatorPlugin()).validators()


def test_hook_prepare_article() -> None:
    """Each implementation sees the story as the one before left it; None keeps it; junk is refused."""
    calls: list[str] = []

    class AddKeyword:
        @newsroom.hookimpl
        def newsroom_prepare_article(self, article: newsroom.Article) -> newsroom.Article:
            calls.append("add")
            return attrs.evolve(article, keywords=(*article.keywords, "house"))

    class LooksOnly:
        # Registered before AddKeyword, so it runs after it and must see the keyword.
        @newsroom.hookimpl
        def newsroom_prepare_article(self, article: newsroom.Article, exporter: Any, context: Any) -> None:
            calls.append("look")
            assert "house" in article.keywords
            assert exporter.name == "test-upper"
            assert isinstance(context, newsroom.ExportContext)

    class Broken:
        @newsroom.hookimpl
        def newsroom_prepare_article(self, article: newsroom.Article) -> object:
            return article.headline

    clock = FixedClock()
    story = sample_article(clock=clock)
    host = plugin_host(UpperPlugin(), LooksOnly(), AddKeyword())
    text = newsroom.export(story, "test-upper", clock=clock, host=host).text()
    assert calls == ["add", "look"]
    assert "house" in text.splitlines()
    assert "house" not in story.keywords  # the caller's story is untouched

    with registered(Broken(), host, name="broken"), pytest.raises(newsroom.PluginError, match="broken"):
        newsroom.export(story, "test-upper", clock=clock, host=host)


def test_hook_check_rendition() -> None:
    """Checkers see the rendition and what is owed; their violations stop the export."""
    seen: list[tuple[str, tuple[str, ...]]] = []

    class Watcher:
        @newsroom.hookimpl
        def newsroom_check_rendition(
            self, rendition: newsroom.Rendition, article: newsroom.Article, owed: tuple[newsroom.Obligation, ...]
        ) -> None:
            seen.append((rendition.format, tuple(o.url for o in owed)))
            assert article.guid == story.guid

    class NoShouting:
        @newsroom.hookimpl
        def newsroom_check_rendition(self, rendition: newsroom.Rendition) -> newsroom.CheckReport | None:
            if rendition.format != "test-upper":
                return None
            return newsroom.CheckReport(
                checker="no-shouting", violations=[newsroom.Violation(rule="style", message="headline in capitals")]
            )

    class ClaimsMissingLink:
        @newsroom.hookimpl
        def newsroom_check_rendition(self, rendition: newsroom.Rendition) -> newsroom.CheckReport:
            violation = newsroom.Violation(rule="attribution", message="no link to caliber.az in the footer")
            return newsroom.CheckReport(checker="strict", proves_attribution=True, violations=[violation])

    clock = FixedClock()
    story = sample_article(clock=clock)
    host = plugin_host(UpperPlugin(), Watcher())
    newsroom.export(story, "json", clock=clock, host=host)
    assert seen == [("json", tuple(o.url for o in newsroom.obligations(story)))]

    with registered(NoShouting(), host), pytest.raises(newsroom.RenditionCheckError) as refused:
        newsroom.export(story, "test-upper", clock=clock, host=host)
    assert refused.value.violations == ("no-shouting: headline in capitals",)
    newsroom.export(story, "json", clock=clock, host=host)  # NoShouting returned None for JSON

    with registered(ClaimsMissingLink(), host), pytest.raises(newsroom.AttributionError) as missing:
        newsroom.export(story, "json", clock=clock, host=host)
    assert missing.value.missing == ("no link to caliber.az in the footer",)


def test_hook_export_done() -> None:
    """Every export that passes its checks is reported once, with the rendition's hash; failures are not."""
    records: list[newsroom.ExportRecord] = []

    class Log:
        @newsroom.hookimpl
        def newsroom_export_done(self, record: newsroom.ExportRecord) -> None:
            records.append(record)

    class Refuse:
        @newsroom.hookimpl
        def newsroom_check_rendition(self) -> newsroom.CheckReport:
            return newsroom.CheckReport(checker="refuse", violations=[newsroom.Violation(rule="x", message="no")])

    clock = FixedClock()
    story = newsroom.publish(
        sample_article(clock=clock), actor=EDITOR, clock=clock, workflow=newsroom.Workflow(review_required=False)
    )
    host = plugin_host(Log())
    clock.advance(minutes=3)
    rendition = newsroom.export(story, "json", clock=clock, actor=EDITOR, host=host)
    [record] = records
    assert (record.guid, record.version, record.state, record.format) == (story.guid, 1, story.state, "json")
    assert record.sha256 == rendition.sha256
    assert record.at == clock.now
    assert record.actor == EDITOR.name

    with registered(Refuse(), host), pytest.raises(newsroom.RenditionCheckError):
        newsroom.export(story, "json", clock=clock, host=host)
    assert len(records) == 1
