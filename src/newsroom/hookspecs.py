"""The plugin contract: pluggy markers and the typed specs of every ``newsroom_*`` hook.

Plugins implement hooks with :data:`hookimpl`; the built-ins in ``plugins/`` use exactly this
contract. Hooks are few and coarse: register exporters, register readers, prepare a story
before export, check a rendition after it, hear about finished exports, and register
validators that check finished files against official schemas. Exporters and
readers are objects behind protocols (:mod:`newsroom.exporting`), not one hook each.

Hooks are always called with keyword arguments. This module defines the contract only; it
must never register or call anything.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import pluggy


if TYPE_CHECKING:
    from newsroom.articles import Article
    from newsroom.attribution import Obligation
    from newsroom.exporting import CheckReport, ExportContext, Exporter, ExportRecord, Reader, Registrar, Rendition
    from newsroom.validating import Validator


__all__ = ["PROJECT", "hookimpl", "hookspec"]

PROJECT = "newsroom"
"""The pluggy project name, and the entry-point group third-party plugins use."""

hookspec = pluggy.HookspecMarker(PROJECT)
"""Marks a hook specification (used only in this module)."""

hookimpl = pluggy.HookimplMarker(PROJECT)
"""Marks a plugin's hook implementation: ``@newsroom.hookimpl``."""


@hookspec
def newsroom_register_exporters(register: Registrar[Exporter]) -> None:
    """Register the exporters this plugin provides.

    Called once, when the plugin host first needs the list of formats.

    Args:
        register: Call ``register(exporter)`` once per exporter object. An exporter has a
            unique ``name``, a ``media_type``, a file ``suffix`` and an ``export`` method
            (see :class:`newsroom.Exporter`).

    Returns:
        Nothing; results come through ``register``. Two plugins registering the same name
        is an error that names both.

    .. versionadded:: 0.1
    """


@hookspec
def newsroom_register_readers(register: Registrar[Reader]) -> None:
    """Register the readers (input formats) this plugin provides.

    Called once, when the plugin host first needs the list of readers.

    Args:
        register: Call ``register(reader)`` once per reader object. A reader has a unique
            ``name``, the file ``suffixes`` it takes, a ``sniff`` method and a ``read``
            method that yields articles (see :class:`newsroom.Reader`).

    Returns:
        Nothing; results come through ``register``. Duplicate names are an error.

    .. versionadded:: 0.1
    """


@hookspec
def newsroom_register_validators(register: Registrar[Validator]) -> None:
    """Register the validators (official-schema checks of finished files) this plugin provides.

    Called whenever a plugin host lists its validators (``newsroom validate``,
    :func:`newsroom.validate_document`); validators are not cached, so keep registration cheap
    and load schemas lazily, in ``validate``.

    Args:
        register: Call ``register(validator)`` once per validator object. A validator has a
            unique ``name`` (usually its format's), a ``sniff`` method that recognises its
            documents, and a ``validate`` method that returns one
            :class:`newsroom.Violation` per problem, each message starting with the line (see
            :class:`newsroom.Validator`).

    Returns:
        Nothing; results come through ``register``. Duplicate names are an error.

    .. versionadded:: 0.1
    """


@hookspec
def newsroom_prepare_article(article: Article, exporter: Exporter, context: ExportContext) -> Article | None:
    """Adjust a story just before ``exporter`` renders it.

    Called once per export, before the protection rules and the exporter. Implementations
    run in pluggy's order (last registered first); each sees the story as returned by the
    ones before it.

    Args:
        article: The story as it stands (possibly already adjusted by another plugin).
        exporter: The exporter about to run.
        context: The export's clock, options and attribution lines.

    Returns:
        A new :class:`newsroom.Article` (made with ``attrs.evolve``) to replace it, or
        ``None`` to leave it unchanged. The replacement is validated like any article.

    .. versionadded:: 0.1
    """


@hookspec
def newsroom_check_rendition(
    rendition: Rendition, article: Article, owed: tuple[Obligation, ...]
) -> CheckReport | None:
    """Inspect a finished rendition before anyone can write it.

    Called once per export, after the exporter. The core's own checkers prove attribution
    for HTML, XML, JSON and plain text; a plugin that adds a media type adds a checker that
    can prove attribution in it, and may add others (schema validation, house style).

    Args:
        rendition: The exporter's output (bytes, media type, file name, format name).
        article: The story as the exporter saw it.
        owed: The links the story must carry (empty when it owes none).

    Returns:
        ``None`` if this checker does not look at this media type; otherwise a
        :class:`newsroom.CheckReport` saying whether it proved attribution and listing any
        violations. All reports are combined: any attribution violation raises
        :class:`newsroom.AttributionError`, any other violation raises
        :class:`newsroom.RenditionCheckError`, and a story that owes links fails unless at
        least one report proves them.

    .. versionadded:: 0.1
    """


@hookspec
def newsroom_export_done(record: ExportRecord) -> None:
    """Hear that a rendition passed every check and was handed to the caller.

    Called once per successful export, e.g. to keep an export history of which versions went
    out in which formats.

    Args:
        record: The story's guid, version and state, the format, the time (from the
            export's clock), the actor if one was given, and the rendition's SHA-256.

    Returns:
        Nothing. All implementations are called. The export has already passed every check,
        so one that raises does not fail it: its error becomes a ``RuntimeWarning`` naming the
        plugin, and the others are still called.

    .. versionadded:: 0.1
    """


def hook_names() -> Iterable[str]:
    """The names of every hook in this contract, in definition order."""
    return [name for name in globals() if name.startswith("newsroom_")]
