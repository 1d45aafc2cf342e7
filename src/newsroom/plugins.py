"""The plugin host: a manager factory, the built-in list, and a typed facade over pluggy.

:func:`make_plugin_manager` adds the hook specs, registers the built-ins named in
:data:`BUILTIN_PLUGINS`, then loads third-party plugins from the ``newsroom`` entry-point
group, then runs ``check_pending()``. Because pluggy calls the most recently registered
implementation first, third-party plugins run before the built-ins. Plugins can be disabled
by name (the module name of a built-in, the entry-point name of a third-party plugin), through
the ``disabled`` argument or ``NEWSROOM_DISABLE_PLUGINS=a,b``.

:class:`PluginHost` is the only code that touches ``pm.hook``, so everything else stays
``mypy --strict`` clean. There is no global manager: :func:`default_host` makes one lazily
for the convenience functions, and tests build their own.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable, Iterable, Mapping
from importlib import metadata
from types import MappingProxyType
from typing import Any, Final, TypeVar

import attrs
import pluggy

from newsroom import hookspecs
from newsroom.articles import Article
from newsroom.attribution import Obligation
from newsroom.errors import DuplicateFormatError, PluginError, UnknownFormatError
from newsroom.exporting import CheckReport, ExportContext, Exporter, ExportRecord, Reader, Rendition
from newsroom.validating import Validator


__all__ = [
    "BUILTIN_PLUGINS",
    "PluginHost",
    "PluginInfo",
    "default_host",
    "make_plugin_manager",
]

BUILTIN_PLUGINS: Final = (
    "newsroom.proofs",
    "newsroom_json",
    "newsroom_scraped",
    "newsroom_newsml",
)
"""Modules registered as plugins by default, in order. They ship in the core wheel."""

DISABLE_ENV: Final = "NEWSROOM_DISABLE_PLUGINS"
TRACE_ENV: Final = "NEWSROOM_TRACE_PLUGINS"

T = TypeVar("T")


def _disabled_from_env() -> set[str]:
    return {name.strip() for name in os.environ.get(DISABLE_ENV, "").split(",") if name.strip()}


def _extra_name(pm: pluggy.PluginManager, plugin: object) -> str:
    """A readable name for an extra plugin: its ``__name__``, else its class name, numbered if taken."""
    base = getattr(plugin, "__name__", None) or type(plugin).__name__
    name, n = base, 2
    while pm.get_plugin(name) is not None:
        name, n = f"{base}-{n}", n + 1
    return name


def make_plugin_manager(
    *,
    builtins: Iterable[str] = BUILTIN_PLUGINS,
    entry_points: bool = True,
    disabled: Iterable[str] = (),
    plugins: Iterable[object] = (),
) -> pluggy.PluginManager:
    """Build a plugin manager: specs, built-ins, extra ``plugins``, entry points, check.

    Args:
        builtins: Module names to register as built-ins.
        entry_points: Whether to load plugins from the ``newsroom`` entry-point group.
        disabled: Plugin names not to load (also read from ``NEWSROOM_DISABLE_PLUGINS``).
        plugins: Extra plugin objects or modules to register (handy in tests and scripts).

    Raises:
        PluginError: A built-in cannot be imported, or a plugin implements an unknown hook.
    """
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    blocked = set(disabled) | _disabled_from_env()
    for name in blocked:
        pm.set_blocked(name)
    for name in builtins:
        if name in blocked:
            continue
        try:
            module = importlib.import_module(name)
        except ImportError as exc:
            msg = f"built-in plugin {name!r} cannot be imported: {exc}"
            raise PluginError(msg) from exc
        pm.register(module, name=name)
    for plugin in plugins:
        pm.register(plugin, name=_extra_name(pm, plugin))
    if entry_points:
        pm.load_setuptools_entrypoints(hookspecs.PROJECT)
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        msg = f"a plugin implements a hook newsroom does not have: {exc}"
        raise PluginError(msg) from exc
    if os.environ.get(TRACE_ENV):
        pm.trace.root.setwriter(sys.stderr.write)  # stdout carries command output (JSON, schemas)
        pm.enable_tracing()
    return pm


@attrs.frozen(kw_only=True)
class PluginInfo:
    """One loaded plugin, as ``newsroom plugins`` lists it."""

    name: str
    """The plugin's registered name."""
    version: str
    """Its distribution's version (newsroom's own for built-ins)."""
    builtin: bool
    """Whether it ships with newsroom."""
    hooks: tuple[str, ...]
    """The hooks it implements."""
    exporters: tuple[str, ...] = ()
    """The exporter names it registers."""
    readers: tuple[str, ...] = ()
    """The reader names it registers."""


def _newsroom_version() -> str:
    try:
        return metadata.version("newsroom-editorial")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0+unknown"


@attrs.define
class PluginHost:
    """A typed facade over a plugin manager: the rest of newsroom calls hooks through this.

    Build one with ``PluginHost(make_plugin_manager(...))``; exporters and readers are
    collected on first use and cached.
    """

    pm: pluggy.PluginManager
    _exporters: dict[str, tuple[Exporter, str]] | None = attrs.field(default=None, init=False)
    _readers: dict[str, tuple[Reader, str]] | None = attrs.field(default=None, init=False)

    def _collect(self, hook_name: str, kind: str, check: Callable[[Any], bool]) -> dict[str, tuple[Any, str]]:
        found: dict[str, tuple[Any, str]] = {}
        hook = getattr(self.pm.hook, hook_name)
        # Call each implementation on its own, in pluggy's order, to know who registered what.
        for impl in reversed(hook.get_hookimpls()):
            owner = self.pm.get_name(impl.plugin) or repr(impl.plugin)

            def register(item: Any, owner: str = owner) -> None:
                if not check(item):
                    msg = (
                        f"plugin {owner} registered {item!r}, which is not a valid {kind} (see newsroom.{kind.title()})"
                    )
                    raise PluginError(msg)
                name = item.name
                if name in found:
                    raise DuplicateFormatError(kind, name, found[name][1], owner)
                found[name] = (item, owner)

            _call(impl, register=register)
        return found

    def _exporter_table(self) -> dict[str, tuple[Exporter, str]]:
        if self._exporters is None:
            self._exporters = self._collect("newsroom_register_exporters", "exporter", _is_exporter)
        return self._exporters

    def _reader_table(self) -> dict[str, tuple[Reader, str]]:
        if self._readers is None:
            self._readers = self._collect("newsroom_register_readers", "reader", _is_reader)
        return self._readers

    def exporters(self) -> Mapping[str, Exporter]:
        """Every installed exporter by name, sorted by name."""
        table = self._exporter_table()
        return MappingProxyType({name: table[name][0] for name in sorted(table)})

    def readers(self) -> Mapping[str, Reader]:
        """Every installed reader by name, sorted by name."""
        table = self._reader_table()
        return MappingProxyType({name: table[name][0] for name in sorted(table)})

    def exporter(self, name: str) -> Exporter:
        """The exporter called ``name``; raises :class:`UnknownFormatError` naming the installed ones."""
        table = self._exporter_table()
        if name not in table:
            raise UnknownFormatError("exporter", name, table)
        return table[name][0]

    def reader(self, name: str) -> Reader:
        """The reader called ``name``; raises :class:`UnknownFormatError` naming the installed ones."""
        table = self._reader_table()
        if name not in table:
            raise UnknownFormatError("reader", name, table)
        return table[name][0]

    def validators(self) -> Mapping[str, Validator]:
        """Every installed validator by name, sorted by name (collected afresh on each call)."""
        table = self._collect("newsroom_register_validators", "validator", _is_validator)
        return MappingProxyType({name: table[name][0] for name in sorted(table)})

    def prepare_article(self, article: Article, exporter: Exporter, context: ExportContext) -> Article:
        """Run every ``newsroom_prepare_article`` implementation in turn."""
        for impl in reversed(self.pm.hook.newsroom_prepare_article.get_hookimpls()):
            result = _call(impl, article=article, exporter=exporter, context=context)
            if result is None:
                continue
            if not isinstance(result, Article):
                owner = self.pm.get_name(impl.plugin)
                msg = f"plugin {owner}'s newsroom_prepare_article returned {type(result).__name__}, not an Article"
                raise PluginError(msg)
            article = result
        return article

    def check_rendition(
        self, rendition: Rendition, article: Article, owed: tuple[Obligation, ...]
    ) -> list[CheckReport]:
        """Every checker's report on ``rendition`` (checkers that pass on its media type omitted)."""
        results = self.pm.hook.newsroom_check_rendition(rendition=rendition, article=article, owed=owed)
        return [r for r in results if r is not None]

    @property
    def wants_export_records(self) -> bool:
        """Whether any plugin implements ``newsroom_export_done`` (else no record need be made)."""
        return bool(self.pm.hook.newsroom_export_done.get_hookimpls())

    def export_done(self, record: ExportRecord) -> None:
        """Tell every ``newsroom_export_done`` implementation about a finished export."""
        self.pm.hook.newsroom_export_done(record=record)

    def plugins(self) -> list[PluginInfo]:
        """Every loaded plugin with its version, hooks, exporters and readers."""
        dists = {id(plugin): dist for plugin, dist in self.pm.list_plugin_distributions()}
        exporters = self._exporter_table()
        readers = self._reader_table()
        out = []
        for name, plugin in sorted(self.pm.list_name_plugin(), key=lambda p: p[0]):
            if plugin is None:
                continue
            dist = dists.get(id(plugin))
            hooks = tuple(sorted(h.name for h in self.pm.get_hookcallers(plugin) or ()))
            out.append(
                PluginInfo(
                    name=name,
                    version=dist.version if dist is not None else _newsroom_version(),
                    builtin=name in BUILTIN_PLUGINS,
                    hooks=hooks,
                    exporters=tuple(sorted(n for n, (_e, owner) in exporters.items() if owner == name)),
                    readers=tuple(sorted(n for n, (_r, owner) in readers.items() if owner == name)),
                )
            )
        return out


def _call(impl: pluggy.HookImpl, **kwargs: Any) -> Any:
    """Call one implementation as pluggy would: with only the arguments it asks for."""
    return impl.function(*(kwargs[name] for name in impl.argnames))


def _is_exporter(item: object) -> bool:
    return isinstance(item, Exporter) and isinstance(getattr(item, "name", None), str) and bool(item.name)


def _is_reader(item: object) -> bool:
    return isinstance(item, Reader) and isinstance(getattr(item, "name", None), str) and bool(item.name)


def _is_validator(item: object) -> bool:
    return isinstance(item, Validator) and isinstance(getattr(item, "name", None), str) and bool(item.name)


_DEFAULT: list[PluginHost] = []


def default_host() -> PluginHost:
    """The plugin host the convenience functions use, made on first call with all plugins."""
    if not _DEFAULT:
        _DEFAULT.append(PluginHost(make_plugin_manager()))
    return _DEFAULT[0]
