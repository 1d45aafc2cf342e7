"""Checking finished files against their format's official schema: the validator contract.

A plugin that knows a format's schema registers a :class:`Validator` through the
``newsroom_register_validators`` hook. :func:`validate_document` picks the validator for a document
(by name, or by asking each one to ``sniff`` it) and returns what it found. The ``newsroom
validate`` command is a thin loop over this function; the core itself knows no schema.

Validators never bundle a schema: they take a folder the caller names, or fetch the official
one into a cache, saying so. This module never reads files or touches the network itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from newsroom.errors import UnknownFormatError


if TYPE_CHECKING:
    from newsroom.exporting import Violation
    from newsroom.plugins import PluginHost


__all__ = ["Validator", "validate_document"]


@runtime_checkable
class Validator(Protocol):
    """What a validator plugin registers: checks a document against its format's schema."""

    @property
    def name(self) -> str:
        """The format's name, e.g. ``newsml-g2``; unique among installed validators."""

    def sniff(self, head: bytes, filename: str) -> bool:
        """Whether a document starting with ``head`` (the first few KiB) is in this format."""
        ...

    def validate(self, content: bytes, *, source: str, schemas: Path | None = None) -> tuple[Violation, ...]:
        """Every problem in ``content``; empty when it is valid.

        Args:
            content: The whole document.
            source: Its name for messages (a file name).
            schemas: A folder holding the official schema files; ``None`` lets the validator use
                its cache (and fill it once, saying so).

        Returns:
            One :class:`~newsroom.Violation` per problem, its message starting with the line
            (``line 12: Element 'pubStatus': This element is not expected...``). A bad document
            (not well-formed, a refused DTD) is a problem, never an exception; a part of the
            document the validator could not check (its schema is missing) is a problem too, so
            an empty result always means everything was checked. A validator that cannot get
            its schema raises :class:`~newsroom.NewsroomError` saying what to do.
        """
        ...


def validate_document(
    content: bytes,
    *,
    source: str,
    host: PluginHost,
    format: str | None = None,
    schemas: Path | None = None,
) -> tuple[str, tuple[Violation, ...]]:
    """Validate one document; return the validator's name and the problems it found.

    Args:
        content: The document's bytes.
        source: Its name, for messages and for sniffing (the suffix).
        host: The plugin host whose validators to use.
        format: A validator's name; without it, the first validator whose ``sniff`` accepts the
            document is used.
        schemas: The folder with the official schema files, passed to the validator.

    Raises:
        UnknownFormatError: No validator has that name, or none recognises the document.
    """
    validators = host.validators()
    if format is not None:
        if format not in validators:
            raise UnknownFormatError("validator", format, validators)
        chosen = validators[format]
    else:
        head = content[:8192]
        found = [v for v in validators.values() if v.sniff(head, source)]
        if not found:
            error = UnknownFormatError("validator", source, validators)
            error.args = (
                (
                    f"no validator recognises {source}; installed: {', '.join(error.known) or 'none'} "
                    "(name one with format=..., or --format on the command line)"
                ),
            )
            raise error
        chosen = found[0]
    return chosen.name, chosen.validate(content, source=source, schemas=schemas)
