"""The plugin host: manager order, disabling, duplicates, bad registrations, and the public-API rule."""

from __future__ import annotations

import ast
import importlib
import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest

import newsroom
from newsroom import DuplicateFormatError, PluginError, PluginHost, make_plugin_manager
from newsroom.plugins import BUILTIN_PLUGINS, DISABLE_ENV, default_host
from newsroom.testing import plugin_host, registered


ROOT = Path(__file__).resolve().parents[1]
PLUGINS = ROOT / "plugins"
SRC = ROOT / "src" / "newsroom"


class TextExporter:
    """A minimal valid exporter."""

    media_type = "text/plain"
    suffix = ".txt"

    def __init__(self, name: str) -> None:
        self.name = name

    def export(self, article: newsroom.Article, context: newsroom.ExportContext) -> newsroom.Rendition:
        return newsroom.Rendition(content=b"x", media_type=self.media_type, filename="x.txt", format=self.name)


class ExporterPlugin:
    def __init__(self, *items: Any) -> None:
        self.items = items

    @newsroom.hookimpl
    def newsroom_register_exporters(self, register: Any) -> None:
        for item in self.items:
            register(item)


class ReaderPlugin:
    def __init__(self, *items: Any) -> None:
        self.items = items

    @newsroom.hookimpl
    def newsroom_register_readers(self, register: Any) -> None:
        for item in self.items:
            register(item)


class JsonlAgain:
    name = "jsonl"
    suffixes = (".jsonl",)

    def sniff(self, head: bytes, filename: str) -> bool:
        return False

    def read(self, stream: Any, *, source: str) -> Iterator[Any]:
        yield from ()


def names_in_order(pm: Any) -> list[str]:
    return [name for name, plugin in pm.list_name_plugin() if plugin is not None]


@pytest.fixture
def fake_distribution(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """An installed third-party plugin, found through the ``newsroom`` entry-point group."""
    module = f"newsroom_fake_ep_{tmp_path.name.replace('-', '_')}"
    (tmp_path / f"{module}.py").write_text(
        textwrap.dedent(
            """
            import newsroom

            class Exporter:
                name = "fake-ep"
                media_type = "text/plain"
                suffix = ".txt"

                def export(self, article, context):
                    return newsroom.Rendition(content=b"x", media_type="text/plain", filename="x.txt", format="fake-ep")

            @newsroom.hookimpl
            def newsroom_register_exporters(register):
                register(Exporter())
            """
        )
    )
    dist = tmp_path / "newsroom_fake_ep-1.2.3.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: newsroom-fake-ep\nVersion: 1.2.3\n")
    (dist / "entry_points.txt").write_text(f"[newsroom]\nfake-ep = {module}\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.invalidate_caches()
    yield {"name": "fake-ep", "module": module, "version": "1.2.3"}
    sys.modules.pop(module, None)


class TestManager:
    """make_plugin_manager: specs, built-ins, extras, entry points, check."""

    def test_builtins_first_in_declared_order(self) -> None:
        extra = ExporterPlugin(TextExporter("extra"))
        pm = make_plugin_manager(entry_points=False, plugins=[extra])
        names = names_in_order(pm)
        assert names[: len(BUILTIN_PLUGINS)] == list(BUILTIN_PLUGINS)
        assert names[len(BUILTIN_PLUGINS) :] == [pm.get_name(extra)]

    def test_entry_points_come_after_builtins_and_run_first(self, fake_distribution: dict[str, str]) -> None:
        pm = make_plugin_manager()
        names = names_in_order(pm)
        assert fake_distribution["name"] in names
        assert names.index(fake_distribution["name"]) > max(names.index(b) for b in BUILTIN_PLUGINS)
        # pluggy calls the most recently registered implementation first.
        impls = pm.hook.newsroom_register_exporters.get_hookimpls()
        assert pm.get_name(impls[-1].plugin) == fake_distribution["name"]
        host = PluginHost(pm)
        assert "fake-ep" in host.exporters()
        (info,) = [i for i in host.plugins() if i.name == fake_distribution["name"]]
        assert info.version == fake_distribution["version"]
        assert not info.builtin
        assert info.exporters == ("fake-ep",)
        assert info.hooks == ("newsroom_register_exporters",)

    def test_entry_point_disabled_by_name(self, fake_distribution: dict[str, str]) -> None:
        pm = make_plugin_manager(disabled=[fake_distribution["name"]])
        assert fake_distribution["name"] not in names_in_order(pm)
        assert "fake-ep" not in PluginHost(pm).exporters()

    def test_entry_point_disabled_by_environment(
        self, fake_distribution: dict[str, str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv(DISABLE_ENV, fake_distribution["name"])
        assert "fake-ep" not in PluginHost(make_plugin_manager()).exporters()

    def test_without_entry_points(self, fake_distribution: dict[str, str]) -> None:
        assert fake_distribution["name"] not in names_in_order(make_plugin_manager(entry_points=False))

    def test_unknown_hook_is_refused(self) -> None:
        class Typo:
            @newsroom.hookimpl
            def newsroom_register_exporter(self, register: Any) -> None:  # missing "s"
                pass

        with pytest.raises(PluginError, match="newsroom_register_exporter"):
            make_plugin_manager(entry_points=False, plugins=[Typo()])

    def test_missing_builtin(self) -> None:
        with pytest.raises(PluginError, match="newsroom_no_such_plugin"):
            make_plugin_manager(builtins=("newsroom_no_such_plugin",), entry_points=False)

    def test_default_host_is_made_once(self) -> None:
        assert default_host() is default_host()


class TestDisabling:
    """Plugins can be disabled by name, in code or through the environment."""

    def test_by_argument(self) -> None:
        pm = make_plugin_manager(entry_points=False, disabled=["newsroom_json"])
        assert "newsroom_json" not in names_in_order(pm)
        assert "json" not in PluginHost(pm).exporters()
        assert "newsroom.proofs" in names_in_order(pm)

    def test_by_environment(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv(DISABLE_ENV, " newsroom_json , newsroom.proofs ")
        names = names_in_order(make_plugin_manager(entry_points=False))
        assert "newsroom_json" not in names
        assert "newsroom.proofs" not in names
        assert set(names) == set(BUILTIN_PLUGINS) - {"newsroom_json", "newsroom.proofs"}

    def test_testing_host(self) -> None:
        host = plugin_host(disabled=("newsroom_json",))
        assert "json" not in host.exporters()
        assert "json" not in host.readers()


class TestDuplicates:
    """Two plugins claiming one name is an error that names both."""

    def test_exporter(self) -> None:
        host = plugin_host()
        with (
            registered(ExporterPlugin(TextExporter("json")), host, name="copycat"),
            pytest.raises(DuplicateFormatError) as info,
        ):
            host.exporters()
        err = info.value
        assert err.name == "json"
        assert {err.first, err.second} == {"newsroom_json", "copycat"}
        assert "newsroom_json" in str(err)
        assert "copycat" in str(err)
        assert DISABLE_ENV in str(err)

    def test_reader(self) -> None:
        host = plugin_host()
        with registered(ReaderPlugin(JsonlAgain()), host, name="copycat"), pytest.raises(DuplicateFormatError) as info:
            host.reader("jsonl")
        assert {info.value.first, info.value.second} == {"newsroom_json", "copycat"}

    def test_within_one_plugin(self) -> None:
        host = plugin_host(builtins=())
        twice = ExporterPlugin(TextExporter("a"), TextExporter("a"))
        with registered(twice, host, name="twice"), pytest.raises(DuplicateFormatError) as info:
            host.exporters()
        assert info.value.first == info.value.second == "twice"


class TestInvalidRegistrations:
    """Only objects that meet the protocol can be registered."""

    @pytest.mark.parametrize(
        "item",
        [
            object(),
            "json",
            TextExporter(""),
            type("NoExport", (), {"name": "x", "media_type": "t/p", "suffix": ".x"})(),
        ],
        ids=["object", "string", "empty-name", "no-export-method"],
    )
    def test_exporter(self, item: Any) -> None:
        host = plugin_host(builtins=())
        with registered(ExporterPlugin(item), host, name="sloppy"), pytest.raises(PluginError) as info:
            host.exporters()
        assert "sloppy" in str(info.value)
        assert "not a valid exporter" in str(info.value)

    def test_reader(self) -> None:
        host = plugin_host(builtins=())
        with registered(ReaderPlugin(TextExporter("x")), host, name="sloppy"), pytest.raises(PluginError) as info:
            host.readers()
        assert "not a valid reader" in str(info.value)


def hook_names_of(module: Any) -> set[str]:
    return {
        name for name in dir(module) if name.startswith("newsroom_") and hasattr(getattr(module, name), "newsroom_impl")
    }


def registered_by(module: Any, hook: str) -> list[str]:
    found: list[Any] = []
    function = getattr(module, hook, None)
    if function is not None:
        function(register=found.append)
    return sorted(item.name for item in found)


class TestPluginInfo:
    """PluginHost.plugins() describes what is loaded."""

    def test_builtins(self) -> None:
        host = plugin_host()
        infos = {info.name: info for info in host.plugins()}
        assert set(infos) == set(BUILTIN_PLUGINS)
        for name in BUILTIN_PLUGINS:
            module = importlib.import_module(name)
            info = infos[name]
            assert info.builtin
            assert info.version == metadata.version("newsroom-editorial")
            assert set(info.hooks) == hook_names_of(module)
            assert list(info.exporters) == registered_by(module, "newsroom_register_exporters")
            assert list(info.readers) == registered_by(module, "newsroom_register_readers")

    def test_json_plugin(self) -> None:
        (info,) = [i for i in plugin_host().plugins() if i.name == "newsroom_json"]
        assert info.exporters == ("json",)
        assert info.readers == ("json", "jsonl")

    def test_extra_plugin(self) -> None:
        extra = ExporterPlugin(TextExporter("extra"))
        host = plugin_host(extra)
        (info,) = [i for i in host.plugins() if i.name == host.pm.get_name(extra)]
        assert not info.builtin
        assert info.exporters == ("extra",)

    def test_exporters_sorted_and_cached(self) -> None:
        host = plugin_host(ExporterPlugin(TextExporter("zz"), TextExporter("aa")))
        names = list(host.exporters())
        assert names == sorted(names)
        assert host.exporter("zz") is host.exporters()["zz"]


# --------------------------------------------------------------------------- import rules


def plugin_packages() -> list[str]:
    return sorted(p.name for p in PLUGINS.iterdir() if (p / "__init__.py").exists())


def public_api_violations(source: str, own: str, others: set[str]) -> list[str]:
    """What a plugin module imports or touches that is not newsroom's public API."""
    public = set(newsroom.__all__) | {"testing", "__version__"}
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                top = alias.name.split(".")[0]
                if alias.name.startswith("newsroom.") and alias.name != "newsroom.testing":
                    found.append(f"line {node.lineno}: import {alias.name}")
                elif top in others:
                    found.append(f"line {node.lineno}: import {alias.name} (another plugin)")
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            top = module.split(".")[0]
            if node.level > 1:
                found.append(f"line {node.lineno}: relative import above the {own} package")
            elif node.level == 0 and module == "newsroom":
                found += [f"line {node.lineno}: newsroom.{a.name}" for a in node.names if a.name not in public]
            elif node.level == 0 and module.startswith("newsroom.") and module != "newsroom.testing":
                found.append(f"line {node.lineno}: from {module} import ...")
            elif node.level == 0 and top in others:
                found.append(f"line {node.lineno}: from {module} import ... (another plugin)")
        elif (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "newsroom"
            and node.attr not in public
        ):
            found.append(f"line {node.lineno}: newsroom.{node.attr}")
    return found


class TestPluginsUsePublicApi:
    """Built-in plugins import only newsroom's public API, and never each other."""

    def test_there_are_plugins_to_check(self) -> None:
        assert "newsroom_json" in plugin_packages()

    @pytest.mark.parametrize("package", plugin_packages())
    def test_package(self, package: str) -> None:
        others = set(plugin_packages()) - {package}
        problems = []
        for path in sorted((PLUGINS / package).rglob("*.py")):
            problems += [
                f"{path.relative_to(ROOT)}: {p}" for p in public_api_violations(path.read_text(), package, others)
            ]
        assert problems == []

    @pytest.mark.parametrize(
        "source",
        [
            "from newsroom.serialization import converter",
            "import newsroom.articles",
            "from newsroom import content_hash_of_secret_things",
            "import newsroom\nx = newsroom.serialization.converter",
            "import newsroom_other",
            "from newsroom_other.sub import thing",
            "from ..newsroom_other import thing",
        ],
    )
    def test_the_rule_catches(self, source: str) -> None:
        assert public_api_violations(source, "newsroom_mine", {"newsroom_other"})

    @pytest.mark.parametrize(
        "source",
        [
            "import newsroom",
            "from newsroom import Article, export, hookimpl",
            "from newsroom.testing import plugin_host",
            "import newsroom.testing",
            "from . import sibling",
            "from .sub import thing",
            "import newsroom\nx = newsroom.Article",
        ],
    )
    def test_the_rule_allows(self, source: str) -> None:
        assert public_api_violations(source, "newsroom_mine", {"newsroom_other"}) == []


MODEL_MODULES = ("articles", "states", "attribution", "inline", "validators")
FORBIDDEN = ("lxml", "pluggy", "newsroom.plugins", "newsroom.cli", "newsroom.proofs", "newsroom.hookspecs")


def forbidden(module: str) -> bool:
    return module.startswith("newsroom_") or any(module == f or module.startswith(f + ".") for f in FORBIDDEN)


class TestModelIsPure:
    """The model modules never import lxml, the plugin machinery, a plugin or the CLI."""

    @pytest.mark.parametrize("name", MODEL_MODULES)
    def test_direct_imports(self, name: str) -> None:
        tree = ast.parse((SRC / f"{name}.py").read_text())
        imported: list[str] = []
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                imported += [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.append(node.module)
                imported += [f"{node.module}.{a.name}" for a in node.names]
        assert [m for m in imported if forbidden(m)] == []

    def test_at_run_time(self) -> None:
        # Load the model without the package's __init__ (which re-exports everything), use it,
        # and look at what ended up imported: deferred imports inside functions count too.
        script = textwrap.dedent(
            f"""
            import json, sys, types
            from datetime import datetime, timedelta, timezone
            package = types.ModuleType("newsroom")
            package.__path__ = [{str(SRC)!r}]
            sys.modules["newsroom"] = package
            from newsroom import {", ".join(MODEL_MODULES)}
            from newsroom.articles import Article
            from newsroom.attribution import attribution_lines, href_satisfies, obligations
            from newsroom.states import Actor, Workflow, transition

            now = datetime(2026, 1, 16, tzinfo=timezone.utc)
            story = Article(
                guid="g", headline="h", body=["<em>x</em>"], section={{"name": "World"}},
                sources=[{{"name": "C", "home": "https://c.az", "policy": {{}}}}],
            )
            desk = Workflow(review_required=False, permissions=None)
            story = transition(story, "publish", actor=Actor(name="a"), clock=lambda: now, workflow=desk)
            story = transition(story, "kill", note="r", actor=Actor(name="a"), clock=lambda: now + timedelta(1), workflow=desk)
            assert href_satisfies("https://c.az", obligations(story)[0]) and attribution_lines(story)
            print(json.dumps(sorted(sys.modules)))
            """
        )
        result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stderr
        loaded = json.loads(result.stdout)
        assert "newsroom.articles" in loaded
        assert [m for m in loaded if forbidden(m)] == []
