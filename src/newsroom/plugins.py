"""The plugin host: a manager factory, the built-in list, and a typed facade over pluggy.

:func:`make_plugin_manager` adds the hook specs, registers the built-ins named in
:data:`BUILTIN_PLUGINS`, then loads third-party plugins from the ``newsroom`` entry-point
group, then checks every plugin (:func:`check_plugins`). Because pluggy calls the most recently registered
implementation first, third-party plugins run before the built-ins. Plugins can be disabled
by name (the module name of a built-in, the entry-point name of a third-party plugin), through
the ``disabled`` argument or ``NEWSROOM_DISABLE_PLUGINS=a,b``.

:class:`PluginHost` is the only code that touches ``pm.hook``, so everything else stays
``mypy --strict`` clean. It calls each implementation on its own (to name the plugin in errors
and traces), so it does its own tracing under ``NEWSROOM_TRACE_PLUGINS``. There is no global
manager: :func:`default_host` makes one lazily for the convenience functions, and tests build
their own.
"""

from __future__ import annotations

import importlib
import inspect
import os
import re
import sys
import warnings
from collections.abc import Iterable, Mapping
from importlib import metadata
from types import MappingProxyType
from typing import Any, Final, TypeVar

import attrs
import pluggy

from newsroom import hookspecs
from newsroom.articles import Article
from newsroom.attribution import Obligation
from newsroom.errors import (
    AttributionError,
    DuplicateFormatError,
    ExportError,
    PluginError,
    RenditionCheckError,
    UnknownFormatError,
)
from newsroom.exporting import (
    CheckReport,
    ExportContext,
    Exporter,
    ExportRecord,
    Reader,
    Rendition,
    is_media_type,
)
from newsroom.validating import Validator


__all__ = [
    "BUILTIN_PLUGINS",
    "PluginHost",
    "PluginInfo",
    "check_plugins",
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

FORMAT_NAME: Final = re.compile(r"[a-z0-9][a-z0-9_-]*")
"""What an exporter's, reader's or validator's ``name`` must fully match: it names output files
and folders and is chosen on the command line (``--to a,b``, ``--reader-option NAME.KEY=VALUE``),
so no capitals, spaces, commas, dots or slashes (``json``, ``newsml-g2``, ``jsonl``)."""

RESERVED_NAMES: Final = frozenset({"all"})
"""Exporter names that ``--to`` gives another meaning (``--to all`` is every exporter)."""

FILE_SUFFIX: Final = re.compile(r"(?:\.[A-Za-z0-9]+)+")
"""What an exporter's ``suffix`` (and each of a reader's ``suffixes``) must fully match: a dot
and letters or digits, possibly in several parts (``.json``, ``.xml``, ``.tar.gz``)."""

_NAME_RULE: Final = "lowercase letters, digits, '.', '_' and '-', starting with a letter or digit (e.g. 'newsml-g2')"
_SUFFIX_RULE: Final = "a dot and letters or digits, e.g. '.json' or '.tar.gz'"

# The members each kind must have: (name, whether it is a method).
_MEMBERS: Final = {
    "exporter": (("name", False), ("media_type", False), ("suffix", False), ("export", True)),
    "reader": (("name", False), ("suffixes", False), ("sniff", True), ("read", True)),
    "validator": (("name", False), ("sniff", True), ("validate", True)),
}


def _disabled_from_env() -> set[str]:
    return {name.strip() for name in os.environ.get(DISABLE_ENV, "").split(",") if name.strip()}


def _one_line(exc: BaseException) -> str:
    """An exception as one line: its type and its message with line breaks joined by ``; ``."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return f"{type(exc).__name__}: {'; '.join(lines)}" if lines else type(exc).__name__


def _disable_hint(name: str) -> str:
    return f"fix or uninstall it, or disable it with {DISABLE_ENV}={name}"


def _entry_point_label(name: str) -> str:
    """``'name' (entry point 'module' of distribution 1.0)`` for an entry-point plugin, else ``'name'``."""
    for ep, dist in _newsroom_entry_points():
        if ep.name == name:
            return f"{name!r} (entry point {ep.value!r} of {dist.metadata['name']} {dist.version})"
    return repr(name)


def _newsroom_entry_points() -> Iterable[tuple[metadata.EntryPoint, metadata.Distribution]]:
    """Every entry point in the ``newsroom`` group with its distribution, in pluggy's order."""
    for dist in list(metadata.distributions()):
        for ep in dist.entry_points:
            if ep.group == hookspecs.PROJECT:
                yield ep, dist


def _load_entry_points(pm: pluggy.PluginManager) -> None:
    """Load the ``newsroom`` entry points; one that cannot load is a :class:`PluginError` naming it."""
    try:
        pm.load_setuptools_entrypoints(hookspecs.PROJECT)
    except Exception as exc:
        invalid = isinstance(exc, pluggy.PluginValidationError)
        what = "does not meet the hook contract" if invalid else "cannot be loaded"
        # Some pluggy versions keep the name of a plugin they could not register; otherwise the
        # culprit is the first entry point pluggy neither registered nor skipped.
        kept = pm.get_name(exc.plugin) if isinstance(exc, pluggy.PluginValidationError) else None
        found = [
            (ep, dist)
            for ep, dist in _newsroom_entry_points()
            if ep.name == kept or (kept is None and pm.get_plugin(ep.name) is None and not pm.is_blocked(ep.name))
        ][:1]
        if not found:
            msg = (
                f"a plugin in the {hookspecs.PROJECT!r} entry-point group {what}: {_one_line(exc)}; "
                f"find it with `pip list` and disable it with {DISABLE_ENV}=<entry-point name>"
            )
            raise PluginError(msg) from exc
        ep, dist = found[0]
        msg = (
            f"plugin {ep.name!r} (entry point {ep.value!r} of {dist.metadata['name']} {dist.version}) "
            f"{what}: {_one_line(exc)}; {_disable_hint(ep.name)}"
        )
        raise PluginError(msg) from exc


def _register(pm: pluggy.PluginManager, plugin: object, name: str, *, hint: bool) -> None:
    """``pm.register``, with a hook whose arguments break the contract a :class:`PluginError`."""
    try:
        pm.register(plugin, name=name)
    except pluggy.PluginValidationError as exc:
        with_hint = f"; {_disable_hint(name)}" if hint else ""
        msg = f"plugin {name!r} does not meet the hook contract: {_one_line(exc)}{with_hint}"
        raise PluginError(msg) from exc


def check_plugins(pm: pluggy.PluginManager) -> None:
    """Check every plugin registered on ``pm`` against the hook contract.

    Refused, each with a :class:`PluginError` naming the plugin: an implementation of a hook
    newsroom does not have (a typo), a hook wrapper (newsroom calls each implementation on its
    own, so wrappers would never run), and a function named like a hook (``newsroom_*``) but not
    marked with ``@newsroom.hookimpl``, which would otherwise be silently ignored.
    """
    entry_point_names = {pm.get_name(plugin) for plugin, _dist in pm.list_plugin_distributions()}

    def label(name: str) -> str:
        return _entry_point_label(name) if name in entry_point_names else repr(name)

    def hint(name: str) -> str:
        return f"; {_disable_hint(name)}" if name in entry_point_names else ""

    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        name = pm.get_name(exc.plugin) or repr(exc.plugin)
        msg = f"plugin {label(name)} implements a hook newsroom does not have: {_one_line(exc)}{hint(name)}"
        raise PluginError(msg) from exc
    for name, plugin in pm.list_name_plugin():
        if plugin is None:
            continue
        unmarked = []
        for attr in dir(plugin):
            if not attr.startswith("newsroom_"):
                continue
            value = inspect.getattr_static(plugin, attr, None)
            if isinstance(value, (staticmethod, classmethod)):
                value = value.__func__
            if not inspect.isroutine(value):
                continue
            opts = pm.parse_hookimpl_opts(plugin, attr)
            if opts is None:
                unmarked.append(attr)
            elif opts.get("wrapper") or opts.get("hookwrapper"):
                msg = (
                    f"plugin {label(name)} implements {attr} as a hook wrapper; newsroom calls each "
                    f"implementation on its own, so wrappers are not supported{hint(name)}"
                )
                raise PluginError(msg)
        if unmarked:
            msg = (
                f"plugin {label(name)} defines {', '.join(unmarked)} without @newsroom.hookimpl, so newsroom "
                f"would never call it: mark it with @newsroom.hookimpl (or rename it if it is not a hook){hint(name)}"
            )
            raise PluginError(msg)


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
    disable_env: bool = True,
) -> pluggy.PluginManager:
    """Build a plugin manager: specs, built-ins, extra ``plugins``, entry points, check.

    Args:
        builtins: Module names to register as built-ins.
        entry_points: Whether to load plugins from the ``newsroom`` entry-point group.
        disabled: Plugin names not to load.
        plugins: Extra plugin objects or modules to register (handy in tests and scripts).
        disable_env: Whether to also leave out the plugins named in ``NEWSROOM_DISABLE_PLUGINS``.

    Raises:
        PluginError: A built-in cannot be imported; an entry point cannot be loaded; a plugin
            implements an unknown hook, asks for an argument a hook does not have, or defines
            a ``newsroom_*`` function without ``@newsroom.hookimpl`` (see :func:`check_plugins`).
            The message names the plugin, and for an installed one how to disable it.
    """
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    blocked = set(disabled) | (_disabled_from_env() if disable_env else set())
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
        _register(pm, module, name, hint=False)
    for plugin in plugins:
        _register(pm, plugin, _extra_name(pm, plugin), hint=False)
    if entry_points:
        _load_entry_points(pm)
    check_plugins(pm)
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


class _Owner:
    """The name of the plugin behind ``impl``, looked up when first shown (a trace or an error)."""

    __slots__ = ("host", "impl")

    def __init__(self, host: PluginHost, impl: pluggy.HookImpl) -> None:
        self.host = host
        self.impl = impl

    def __str__(self) -> str:
        return self.host._owner(self.impl)  # noqa: SLF001 - the host's own helper


@attrs.define
class PluginHost:
    """A typed facade over a plugin manager: the rest of newsroom calls hooks through this.

    Build one with ``PluginHost(make_plugin_manager(...))``; exporters and readers are
    collected on first use and cached.
    """

    pm: pluggy.PluginManager
    _exporters: dict[str, tuple[Exporter, str]] | None = attrs.field(default=None, init=False)
    _readers: dict[str, tuple[Reader, str]] | None = attrs.field(default=None, init=False)

    def _collect(self, hook_name: str, kind: str) -> dict[str, tuple[Any, str]]:
        found: dict[str, tuple[Any, str]] = {}
        hook = getattr(self.pm.hook, hook_name)
        # Call each implementation on its own, in pluggy's order, to know who registered what.
        for impl in reversed(hook.get_hookimpls()):
            owner = self._owner(impl)

            def register(item: Any, owner: str = owner) -> None:
                problem = _contract_problem(kind, item)
                if problem is not None:
                    msg = (
                        f"plugin {owner} registered {_describe(item)}, which is not a valid {kind}: {problem} "
                        f"(see newsroom.{kind.title()})"
                    )
                    raise PluginError(msg)
                name = item.name
                if name in found:
                    raise DuplicateFormatError(kind, name, found[name][1], owner)
                found[name] = (item, owner)

            try:
                self._invoke(hook_name, impl, owner, register=register)
            except PluginError:
                raise
            except Exception as exc:
                msg = f"plugin {owner}'s {hook_name} failed: {_one_line(exc)}"
                raise PluginError(msg) from exc
        return found

    def _owner(self, impl: pluggy.HookImpl) -> str:
        return self.pm.get_name(impl.plugin) or repr(impl.plugin)

    def _invoke(self, hook_name: str, impl: pluggy.HookImpl, owner: object, **kwargs: Any) -> Any:
        """Call one implementation with only the arguments it asks for, traced like pluggy's calls.

        With ``NEWSROOM_TRACE_PLUGINS`` set, each call is written to standard error: the hook,
        the plugin in brackets, the arguments, then ``finish ... -->`` and the result (or
        ``raised`` and the error).
        """
        if getattr(self.pm.trace.root, "_writer", None) is None:  # not tracing: the hot path, just the call
            return impl.function(*(kwargs[name] for name in impl.argnames))
        trace = self.pm.trace.root.get("hook")
        trace.root.indent += 1
        try:
            trace(hook_name, f"({owner})", kwargs)
            try:
                result = impl.function(*(kwargs[name] for name in impl.argnames))
            except BaseException as exc:
                trace("raised", hook_name, f"({owner})", "-->", _one_line(exc))
                raise
            trace("finish", hook_name, f"({owner})", "-->", result)
            return result
        finally:
            trace.root.indent -= 1

    def _exporter_table(self) -> dict[str, tuple[Exporter, str]]:
        if self._exporters is None:
            self._exporters = self._collect("newsroom_register_exporters", "exporter")
        return self._exporters

    def _reader_table(self) -> dict[str, tuple[Reader, str]]:
        if self._readers is None:
            self._readers = self._collect("newsroom_register_readers", "reader")
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
        table = self._collect("newsroom_register_validators", "validator")
        return MappingProxyType({name: table[name][0] for name in sorted(table)})

    def prepare_article(self, article: Article, exporter: Exporter, context: ExportContext) -> Article:
        """Run every ``newsroom_prepare_article`` implementation in turn.

        Raises:
            PluginError: An implementation raised (other than a deliberate
                :class:`~newsroom.ExportError` or :class:`~newsroom.AttributionError`, which pass
                through) or returned something other than an article or ``None``; the message
                names the plugin and the hook.
        """
        hook_name = "newsroom_prepare_article"
        for impl in reversed(self.pm.hook.newsroom_prepare_article.get_hookimpls()):
            owner = _Owner(self, impl)  # looked up only for a trace or an error
            try:
                result = self._invoke(hook_name, impl, owner, article=article, exporter=exporter, context=context)
            except (ExportError, AttributionError):
                raise
            except Exception as exc:
                msg = f"plugin {owner}'s {hook_name} failed on {article.guid}: {_one_line(exc)}"
                raise PluginError(msg) from exc
            if result is None:
                continue
            if not isinstance(result, Article):
                msg = f"plugin {owner}'s {hook_name} returned {type(result).__name__}, not an Article"
                raise PluginError(msg)
            article = result
        return article

    def check_rendition(
        self, rendition: Rendition, article: Article, owed: tuple[Obligation, ...]
    ) -> list[CheckReport]:
        """Every checker's report on ``rendition`` (checkers that pass on its media type omitted).

        Raises:
            RenditionCheckError: A checker raised (other than a deliberate
                :class:`~newsroom.ExportError` or :class:`~newsroom.AttributionError`, which pass
                through) or returned something other than a :class:`~newsroom.CheckReport` or
                ``None``; the message names the plugin and the hook. The rendition is not
                returned, since it was not checked.
        """
        hook_name = "newsroom_check_rendition"
        reports = []
        for impl in reversed(self.pm.hook.newsroom_check_rendition.get_hookimpls()):
            owner = _Owner(self, impl)  # looked up only for a trace or an error
            try:
                result = self._invoke(hook_name, impl, owner, rendition=rendition, article=article, owed=owed)
            except (ExportError, AttributionError):
                raise
            except Exception as exc:
                problem = f"plugin {owner}'s {hook_name} failed: {_one_line(exc)}"
                raise _check_failed(rendition, article, problem) from exc
            if result is None:
                continue
            if not isinstance(result, CheckReport):
                problem = f"plugin {owner}'s {hook_name} returned {type(result).__name__}, not a CheckReport or None"
                raise _check_failed(rendition, article, problem)
            reports.append(result)
        return reports

    @property
    def wants_export_records(self) -> bool:
        """Whether any plugin implements ``newsroom_export_done`` (else no record need be made)."""
        return bool(self.pm.hook.newsroom_export_done.get_hookimpls())

    def export_done(self, record: ExportRecord) -> None:
        """Tell every ``newsroom_export_done`` implementation about a finished export.

        The export has already passed every check, so a listener that raises does not fail it:
        the error becomes a :class:`RuntimeWarning` naming the plugin, and the other listeners
        are still told.
        """
        hook_name = "newsroom_export_done"
        for impl in reversed(self.pm.hook.newsroom_export_done.get_hookimpls()):
            owner = self._owner(impl)
            try:
                self._invoke(hook_name, impl, owner, record=record)
            except Exception as exc:  # noqa: BLE001 - a listener's failure is reported, not raised
                warnings.warn(
                    f"plugin {owner}'s {hook_name} failed on the {record.format} export of {record.guid} "
                    f"v{record.version}: {_one_line(exc)}; the export itself succeeded",
                    RuntimeWarning,
                    stacklevel=4,
                )

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


def _check_failed(rendition: Rendition, article: Article, problem: str) -> RenditionCheckError:
    return RenditionCheckError(
        f"{rendition.format} rendition of {article.guid} is not written: {problem}",
        format=rendition.format,
        violations=(problem,),
    )


def _describe(item: object) -> str:
    """An item for a message: its class, and its name when it has a text one."""
    name = getattr(item, "name", None)
    return f"{type(item).__name__} {name!r}" if isinstance(name, str) else repr(item)


def _contract_problem(kind: str, item: object) -> str | None:
    """Why ``item`` is not a valid ``kind`` (exporter, reader, validator), or ``None``."""
    members = _MEMBERS[kind]
    missing = [member for member, _method in members if not hasattr(item, member)]
    if missing:
        return f"it has no {', '.join(missing)}"
    uncallable = [member for member, method in members if method and not callable(getattr(item, member))]
    if uncallable:
        return f"its {', '.join(uncallable)} {'is' if len(uncallable) == 1 else 'are'} not a method"
    name = getattr(item, "name", None)
    if not isinstance(name, str) or not FORMAT_NAME.fullmatch(name):
        return f"its name {name!r} is not a format name: {_NAME_RULE}"
    if kind == "exporter":
        if name in RESERVED_NAMES:
            return f"the name {name!r} is reserved (--to {name} means every exporter)"
        suffix = getattr(item, "suffix", None)
        if not isinstance(suffix, str) or not FILE_SUFFIX.fullmatch(suffix):
            return f"its suffix {suffix!r} is not a file suffix: {_SUFFIX_RULE}"
        media_type = getattr(item, "media_type", None)
        if not is_media_type(media_type):
            return f"its media_type {media_type!r} is not a media type (type/subtype, e.g. 'text/plain')"
    if kind == "reader":
        suffixes = getattr(item, "suffixes", None)
        if not isinstance(suffixes, (tuple, list, frozenset)) or not all(
            isinstance(x, str) and FILE_SUFFIX.fullmatch(x) for x in suffixes
        ):
            return f"its suffixes {suffixes!r} are not a tuple of file suffixes, each {_SUFFIX_RULE}"
    return None


_DEFAULT: list[PluginHost] = []


def default_host() -> PluginHost:
    """The plugin host the convenience functions use, made on first call with all plugins."""
    if not _DEFAULT:
        _DEFAULT.append(PluginHost(make_plugin_manager()))
    return _DEFAULT[0]
