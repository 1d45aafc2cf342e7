"""The one error tree of newsroom.

Every error newsroom raises on purpose derives from :class:`NewsroomError`, so a caller
can catch them all in one place. Leaves also derive from the matching builtin, so code that
only knows ``ValueError`` or ``LookupError`` still works::

    NewsroomError
    ├── ValidationError (ValueError)        a field broke a rule: .path, .rule
    ├── TransitionError (ValueError)        the workflow table has no such move: .state, .action, .allowed
    │   ├── GuardError                      the move exists, but a guard refused it: .reasons
    │   └── PermissionDenied                the actor may not do this: .actor, .rule
    ├── AttributionError (ValueError)       a rendition lacks a required link: .missing
    ├── ReadError (ValueError)              input could not be read: .source, .line
    ├── ExportError (RuntimeError)          an exporter failed or refused: .format
    │   ├── ProtectedContentError           embargo / kill / internal-field rules refused
    │   └── RenditionCheckError             a checker plugin found a problem: .violations
    ├── PluginError (RuntimeError)          a plugin is broken or misconfigured
    │   ├── DuplicateFormatError            two plugins claim one format: .name, .first, .second
    │   └── UnknownFormatError (LookupError) no plugin provides the format: .name, .known
    ├── AuditError (ValueError)             a story's history does not verify: .index
    └── PolicyError (ValueError)            a permission policy is malformed: .source, .line, .problems

Messages say what is wrong and what to do next. This module must never import anything from
the rest of newsroom: it sits at the bottom of every import chain.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence


__all__ = [
    "AttributionError",
    "AuditError",
    "DuplicateFormatError",
    "ExportError",
    "GuardError",
    "NewsroomError",
    "PermissionDenied",
    "PluginError",
    "PolicyError",
    "ProtectedContentError",
    "ReadError",
    "RenditionCheckError",
    "TransitionError",
    "UnknownFormatError",
    "ValidationError",
]


class NewsroomError(Exception):
    """The root of every error newsroom raises on purpose."""


class ValidationError(NewsroomError, ValueError):
    """A value broke a rule of the model.

    ``path`` names the field, dotted and indexed from the outermost object
    (``body[3].text``); ``rule`` says what the value must be.
    """

    def __init__(self, path: str, rule: str) -> None:
        self.path = path
        self.rule = rule
        super().__init__(f"{path}: {rule}" if path else rule)

    def within(self, prefix: str) -> ValidationError:
        """Return the same error with ``prefix`` put in front of its path."""
        if not prefix:
            return self
        if not self.path:
            path = prefix
        elif self.path.startswith("["):
            path = prefix + self.path
        else:
            path = f"{prefix}.{self.path}"
        err = type(self)(path, self.rule)
        err.__cause__ = self.__cause__
        return err


class TransitionError(NewsroomError, ValueError):
    """The workflow has no move ``action`` from ``state``."""

    def __init__(self, state: str, action: str, allowed: Iterable[str], message: str | None = None) -> None:
        self.state = state
        self.action = action
        self.allowed = tuple(sorted(allowed))
        listed = ", ".join(self.allowed) or "none (the state is final)"
        super().__init__(message or f"cannot {action} a story that is {state}; allowed actions from {state}: {listed}")


class GuardError(TransitionError):
    """The move exists in the table, but the story does not meet its conditions."""

    def __init__(self, state: str, action: str, allowed: Iterable[str], reasons: Sequence[str]) -> None:
        self.reasons = tuple(reasons)
        super().__init__(state, action, allowed, f"cannot {action}: " + "; ".join(self.reasons))


class PermissionDenied(TransitionError):  # noqa: N818 - the name users expect, as in Django
    """The actor's roles or desks do not allow the move."""

    def __init__(self, state: str, action: str, allowed: Iterable[str], actor: str, rule: str) -> None:
        self.actor = actor
        self.rule = rule
        super().__init__(state, action, allowed, f"{actor} may not {action} a story that is {state}: {rule}")


class AttributionError(NewsroomError, ValueError):
    """A rendition does not carry a link its sources require. It is never written."""

    def __init__(self, message: str, missing: Sequence[str] = ()) -> None:
        self.missing = tuple(missing)
        super().__init__(message)


class ReadError(NewsroomError, ValueError):
    """Input could not be turned into a story. ``source`` and ``line`` say where."""

    def __init__(self, message: str, *, source: str | None = None, line: int | None = None) -> None:
        self.source = source
        self.line = line
        where = source or ""
        if line is not None:
            where = f"{where}:{line}" if where else f"line {line}"
        super().__init__(f"{where}: {message}" if where else message)


class ExportError(NewsroomError, RuntimeError):
    """An exporter failed or refused to render a story."""

    def __init__(self, message: str, *, format: str | None = None) -> None:
        self.format = format
        super().__init__(message)


class ProtectedContentError(ExportError):
    """The embargo, kill or internal-field rules refuse this export."""


class RenditionCheckError(ExportError):
    """A rendition checker found problems other than attribution (e.g. schema errors)."""

    def __init__(self, message: str, *, format: str | None = None, violations: Sequence[str] = ()) -> None:
        self.violations = tuple(violations)
        super().__init__(message, format=format)


class PluginError(NewsroomError, RuntimeError):
    """A plugin is broken or misconfigured."""


class DuplicateFormatError(PluginError):
    """Two plugins claim the same exporter or reader name."""

    def __init__(self, kind: str, name: str, first: str, second: str) -> None:
        self.name = name
        self.first = first
        self.second = second
        super().__init__(
            f"{kind} {name!r} is provided by both {first} and {second}; "
            f"disable one of them (NEWSROOM_DISABLE_PLUGINS={first} or NEWSROOM_DISABLE_PLUGINS={second})"
        )


class UnknownFormatError(PluginError, LookupError):
    """No installed plugin provides the requested format."""

    def __init__(self, kind: str, name: str, known: Iterable[str]) -> None:
        self.name = name
        self.known = tuple(sorted(known))
        super().__init__(
            f"no {kind} named {name!r}; installed: {', '.join(self.known) or 'none'} (see `newsroom plugins`)"
        )


class AuditError(NewsroomError, ValueError):
    """A story's history chain does not verify. ``index`` is the first bad entry."""

    def __init__(self, message: str, *, index: int | None = None) -> None:
        self.index = index
        super().__init__(message)


class PolicyError(NewsroomError, ValueError):
    """A permission policy (usually a TOML file) is malformed.

    ``problems`` lists every ``(line, problem)`` found, in line order; ``line`` is the first.
    The message has one ``source:line: problem`` row per problem.
    """

    def __init__(self, problems: Sequence[tuple[int, str]], *, source: str | None = None) -> None:
        self.problems = tuple(sorted(problems, key=lambda p: p[0]))
        self.source = source
        self.line = self.problems[0][0] if self.problems else None
        where = source or "policy"
        super().__init__("\n".join(f"{where}:{line}: {problem}" for line, problem in self.problems))
