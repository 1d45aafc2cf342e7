"""The export pipeline, and the contract exporters and readers are written against.

:func:`export` runs, for one story and one format:

1. the ``newsroom_prepare_article`` hooks, which may return an evolved story;
2. the protection rules: an embargoed story reaches only formats that carry embargoes
   (unless a named override is given, which is recorded); a locked story whose content no
   longer matches its sealed history reaches no format; a killed story reaches public
   formats only as its kill notice; internal fields (editor's notes, history notes) never
   reach a public format;
3. the exporter, which returns a :class:`Rendition`;
4. the ``newsroom_check_rendition`` hooks: every link the story owes must be proved present,
   and any checker's violation stops the rendition from being returned.

Exporters are pure: the same story, options and clock give byte-identical output. This module
never writes files; :mod:`newsroom.converting` does.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, datetime
from types import MappingProxyType
from typing import IO, TYPE_CHECKING, Any, Final, Protocol, TypeVar, runtime_checkable

import attrs

from newsroom.articles import Article, Paragraph
from newsroom.attribution import AttributionLine, Obligation, attribution_lines, obligations
from newsroom.errors import (
    AttributionError,
    ExportError,
    ProtectedContentError,
    ReadError,
    RenditionCheckError,
    ValidationError,
)
from newsroom.inline import InlineText
from newsroom.states import LOCKED_STATES, Actor, PublishState
from newsroom.validators import is_bool, non_empty, str_set


if TYPE_CHECKING:
    from newsroom.plugins import PluginHost


__all__ = [
    "CheckReport",
    "ExportContext",
    "ExportRecord",
    "Exporter",
    "Reader",
    "Registrar",
    "Rendition",
    "Violation",
    "export",
    "exporter_flag",
    "kill_notice",
    "public_view",
    "system_clock",
]

T_contra = TypeVar("T_contra", contravariant=True)


def system_clock() -> datetime:
    """The current time in UTC; the default clock where none is injected."""
    return datetime.now(UTC)


class Registrar(Protocol[T_contra]):
    """The ``register`` callable the host passes to registration hooks."""

    def __call__(self, item: T_contra, /) -> None:
        """Register one exporter or reader."""


# A media type as RFC 6838 names them (type "/" subtype), with optional parameters after ";".
_MT_PART: Final = r"[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*"
_MEDIA_TYPE: Final = re.compile(rf"^{_MT_PART}/{_MT_PART}(?:\s*;.*)?\Z", re.DOTALL)


def is_media_type(value: object) -> bool:
    """Whether ``value`` is a media type: ``type/subtype``, optionally with ``; parameters``."""
    if not isinstance(value, str):
        return False
    return _known_media_type(value) if len(value) <= _SHORT_MEDIA_TYPE else _MEDIA_TYPE.match(value) is not None


_SHORT_MEDIA_TYPE: Final = 255


@functools.lru_cache(maxsize=256)
def _known_media_type(value: str) -> bool:
    """``is_media_type`` for text, cached: a run renders thousands of renditions of a few types."""
    return _MEDIA_TYPE.match(value) is not None


def _is_bytes(_inst: object, attr: Any, value: Any) -> None:
    if not isinstance(value, bytes):
        raise ValidationError(attr.name, f"must be bytes (encode text first), not {type(value).__name__}")


def _text(_inst: object, attr: Any, value: Any) -> None:
    if not isinstance(value, str):
        raise ValidationError(attr.name, f"must be text, not {type(value).__name__}")


def _media_type(_inst: object, attr: Any, value: Any) -> None:
    if not isinstance(value, str):
        raise ValidationError(attr.name, f"must be a media type (type/subtype, e.g. 'text/plain'), not {value!r}")
    if not is_media_type(value):
        raise ValidationError(attr.name, f"{value!r} is not a media type (type/subtype, e.g. 'text/plain')")


def _plain_filename(_inst: object, attr: Any, value: Any) -> None:
    if not isinstance(value, str) or not value:
        raise ValidationError(attr.name, f"must be a file name, not {value!r}")
    if "/" in value or "\\" in value or "\0" in value or value in {".", ".."}:
        raise ValidationError(
            attr.name, f"{value!r} is not a plain file name: no folders ('/' or '\\'), NUL, '.' or '..'"
        )


def _of_type(cls: type[Any], what: str) -> Callable[[Any, Any, Any], None]:
    """A validator: every item of the (tuple) value is a ``cls``."""

    def validate(_inst: object, attr: Any, value: Any) -> None:
        for i, item in enumerate(value):
            if not isinstance(item, cls):
                raise ValidationError(f"{attr.name}[{i}]", f"must be a {what}, not {type(item).__name__}")

    return validate


@attrs.frozen(kw_only=True)
class Rendition:
    r"""One story in one format: the bytes, and how to name and serve them.

    Checked at construction: ``content`` is bytes, ``media_type`` is ``type/subtype``,
    ``filename`` is a plain file name (no ``/`` or ``\``, not ``.`` or ``..``), and
    ``format`` is not empty; otherwise :class:`~newsroom.ValidationError` names the field.
    """

    content: bytes = attrs.field(repr=lambda b: f"<{len(b)} bytes>", validator=_is_bytes)
    """The output."""
    media_type: str = attrs.field(validator=_media_type)
    """Its media type, e.g. ``application/json``."""
    filename: str = attrs.field(validator=_plain_filename)
    """A suggested file name (slug and suffix), no folders."""
    format: str = attrs.field(validator=non_empty)
    """The exporter's name."""
    overrides: frozenset[str] = attrs.field(factory=frozenset, converter=str_set)
    """Protection overrides the caller used for this export (recorded, never silent)."""

    @property
    def sha256(self) -> str:
        """The SHA-256 of ``content``."""
        return hashlib.sha256(self.content).hexdigest()

    def text(self) -> str:
        """The content decoded as UTF-8."""
        return self.content.decode("utf-8")


def _frozen_options(value: Mapping[str, Any]) -> Mapping[str, Any]:
    if type(value) is dict and not value:  # the usual: no options; one read-only mapping serves all
        return _NO_OPTIONS
    return MappingProxyType(dict(value))


_NO_OPTIONS: Final[Mapping[str, Any]] = MappingProxyType({})


def _violations(value: Any) -> Any:
    """Any iterable of violations as a tuple; text or a non-iterable is left for the validator to name."""
    if type(value) is tuple:  # the usual: already a tuple (empty, mostly)
        return value
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        return value
    return tuple(value)


def _sequence(_inst: object, attr: Any, value: Any) -> None:
    if not isinstance(value, tuple):
        raise ValidationError(attr.name, f"must be a list of newsroom.Violation, not {type(value).__name__}")


@attrs.frozen(kw_only=True)
class ExportContext:
    """What an exporter may know besides the story."""

    now: datetime
    """The export time, from the injected clock. Exporters never read the system clock."""
    attribution: tuple[AttributionLine, ...] = ()
    """Ready-made credit lines to place; each one's URL must appear as a link."""
    owed: tuple[Obligation, ...] = ()
    """The obligations behind those lines."""
    options: Mapping[str, Any] = attrs.field(factory=dict, converter=_frozen_options)
    """Exporter-specific options."""
    actor: Actor | None = None
    """Who asked for the export, if known."""
    overrides: frozenset[str] = attrs.field(factory=frozenset, converter=str_set)
    """Protection overrides that took effect for this export: ``embargo`` means the story is
    going out before its embargo in a format that cannot carry it. An exporter should mark it
    where its format has room (e.g. HTML ``<meta name="newsroom:override" content="embargo">``);
    the core records it either way, in :attr:`Rendition.overrides` and the export record."""


@runtime_checkable
class Exporter(Protocol):
    """What an exporter plugin registers.

    Besides these members, the pipeline reads two optional flags (see :func:`exporter_flag`):
    ``public`` (default ``True``: the output is for readers, so internal fields are removed
    and kills show only the notice) and ``carries_embargo`` (default ``False``: the format
    cannot tell a receiver to hold the story, so embargoed stories are refused).
    """

    @property
    def name(self) -> str:
        """The format's name, e.g. ``json``; unique among installed exporters."""

    @property
    def media_type(self) -> str:
        """The media type of its output."""

    @property
    def suffix(self) -> str:
        """The file suffix, with its dot, e.g. ``.json``."""

    def export(self, article: Article, context: ExportContext) -> Rendition:
        """Render ``article``; must be deterministic and must not do I/O."""
        ...


@runtime_checkable
class Reader(Protocol):
    """What a reader plugin registers: turns bytes into stories."""

    @property
    def name(self) -> str:
        """The input format's name, e.g. ``jsonl``; unique among installed readers."""

    @property
    def suffixes(self) -> tuple[str, ...]:
        """File suffixes it takes, with dots."""

    def sniff(self, head: bytes, filename: str) -> bool:
        """Whether input starting with ``head`` (the first few KiB) is in this format."""
        ...

    def read(self, stream: IO[bytes], *, source: str) -> Iterator[Article | ReadError]:
        """Yield each story, or a :class:`~newsroom.errors.ReadError` for each bad one.

        A reader that takes several stories per file keeps going after a bad one; it raises
        ``ReadError`` itself only when the whole input is unreadable.
        """
        ...


def exporter_flag(exporter: Exporter, flag: str) -> bool:
    """Read an exporter's optional ``public`` or ``carries_embargo`` flag, with its default."""
    defaults = {"public": True, "carries_embargo": False}
    return bool(getattr(exporter, flag, defaults[flag]))


@attrs.frozen(kw_only=True)
class Violation:
    """A problem a checker found in a rendition."""

    rule: str = attrs.field(validator=non_empty)
    """``attribution`` for a missing link; otherwise the checker's rule name (``schema``...)."""
    message: str = attrs.field(validator=_text)
    """What is wrong, and where (line numbers where the medium has them)."""


@attrs.frozen(kw_only=True)
class CheckReport:
    """One checker's verdict on one rendition."""

    checker: str = attrs.field(validator=non_empty)
    """Who checked."""
    proves_attribution: bool = attrs.field(default=False, validator=is_bool)
    """Whether this checker looked for every owed link (and so its silence proves them)."""
    violations: tuple[Violation, ...] = attrs.field(
        factory=tuple, converter=_violations, validator=[_sequence, _of_type(Violation, "newsroom.Violation")]
    )
    """What it found wrong."""


@attrs.frozen(kw_only=True)
class ExportRecord:
    """A successful export, as told to ``newsroom_export_done``."""

    guid: str
    """The story."""
    version: int
    """Its version."""
    state: PublishState
    """Its state when exported."""
    format: str
    """The exporter's name."""
    at: datetime
    """When (from the export's clock)."""
    sha256: str
    """The rendition's hash."""
    actor: str | None = None
    """Who asked, if known."""
    overrides: frozenset[str] = frozenset()
    """Protection overrides that took effect (``embargo``: exported before the embargo lifted)."""
    content_hash: str = ""
    """For a locked story (approved or later), the content hash its last history entry sealed
    and the export checked; empty for drafts, whose text is not yet under the audit."""
    history_head: str = ""
    """The ``entry_hash`` of the story's last history entry, empty if it has none. An export
    log that keeps it anchors the hash chain: a history rewritten after the export no longer
    contains it (see :mod:`newsroom.export_log`)."""


_WITHDRAWN = {"en": "This story has been withdrawn", "ru": "Материал отозван", "az": "Bu material geri çağırılıb"}


def kill_notice(article: Article) -> Article:
    """The public face of a killed story: its notice, and none of the killed text."""
    notices = [c.text for c in article.corrections if c.kind.value == "retraction"]
    text = notices[-1] if notices else _WITHDRAWN["en"] + "."
    headline = _WITHDRAWN.get(article.language.split("-")[0].lower(), _WITHDRAWN["en"])
    return attrs.evolve(
        article,
        headline=headline,
        kicker=None,
        deck=None,
        summary=text,
        slugline=None,
        body=(Paragraph(text=InlineText.plain(text)),),
        media=(),
        keywords=(),
        dateline=None,
        corrections=tuple(c for c in article.corrections if c.kind.value == "retraction")[-1:],
        extra={},
    )


def _plain_inline(text: str) -> Any:
    from newsroom.inline import InlineText

    return InlineText.plain(text)


INTERNAL: Final = "internal"
"""The attrs metadata key that marks a model field as internal (``metadata={"internal": True}``).

Internal fields (``Article.ed_note``, ``Article.extra``, ``HistoryEntry.note``: editors' notes,
metadata newsroom does not interpret, kill reasons and review comments) are emptied by
:func:`public_view` before any public exporter sees the story.
A new internal field needs only the mark, and a default to empty it to.
"""


def _internal_defaults(cls: type[Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for field in attrs.fields(cls):
        if not field.metadata.get(INTERNAL):
            continue
        default = field.default
        if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
            default = default.factory()
        out[field.name] = default
    return out


def public_view(article: Article) -> Article:
    """``article`` without its internal fields: every field marked :data:`INTERNAL` is emptied.

    Today these are the editor's note, ``extra`` (metadata newsroom keeps but does not interpret)
    and every history entry's note (a kill's reason, a reviewer's comment). The history entries
    keep their hashes, so a public rendition's history no longer verifies; the audit is done on
    the native JSON.
    """
    from newsroom.states import HistoryEntry

    story_fields = _internal_defaults(type(article))
    entry_fields = _internal_defaults(HistoryEntry)
    changes = {k: v for k, v in story_fields.items() if getattr(article, k) != v}
    if any(getattr(h, k) != v for h in article.history for k, v in entry_fields.items()):
        changes["history"] = tuple(attrs.evolve(h, **entry_fields) for h in article.history)
    return attrs.evolve(article, **changes) if changes else article


def export(
    article: Article,
    format: str,
    *,
    clock: Callable[[], datetime] | None = None,
    options: Mapping[str, Any] | None = None,
    actor: Actor | None = None,
    overrides: Iterable[str] = (),
    host: PluginHost | None = None,
) -> Rendition:
    """Render ``article`` as ``format``, enforce the protection rules, and prove attribution.

    Args:
        article: The story.
        format: An installed exporter's name (see ``newsroom plugins``).
        clock: Returns "now"; defaults to the system clock in UTC.
        options: Exporter-specific options.
        actor: Who asks, for the export record.
        overrides: Named protection overrides: ``embargo`` lets an embargoed story into a
            format that cannot carry the embargo. One that takes effect is recorded in the
            rendition, the exporter's context and the export record.
        host: The plugin host; defaults to :func:`newsroom.default_host`.

    Raises:
        UnknownFormatError: No exporter has that name.
        ProtectedContentError: The embargo rule refuses the export, or a locked story's
            content was changed outside the workflow.
        AttributionError: The rendition lacks a link the story owes. Nothing is returned.
        RenditionCheckError: Another checker refused the rendition.
        ExportError: The exporter failed.
    """
    if host is None:
        from newsroom.plugins import default_host

        host = default_host()
    exporter = host.exporter(format)
    now = (clock or system_clock)()
    asked = frozenset(overrides)
    unknown = asked - OVERRIDES
    if unknown:
        msg = f"unknown override(s) {', '.join(sorted(unknown))}; the only override is 'embargo'"
        raise ExportError(msg, format=format)
    # The protection rules decide on the story itself, before any plugin has touched it.
    used = _embargo(article, exporter, now, asked)
    sealed = _sealed_content(article, exporter)
    owed = obligations(article)
    context = ExportContext(
        now=now,
        attribution=attribution_lines(article, owed),
        owed=owed,
        options=options or {},
        actor=actor,
        overrides=used,
    )
    prepared = host.prepare_article(article, exporter, context)
    if prepared is not article:
        late = _embargo(prepared, exporter, now, asked)  # a plugin may have added an embargo
        if late - used:
            used |= late
            context = attrs.evolve(context, overrides=used)
    prepared = _protect(article, prepared, exporter)
    try:
        rendition = exporter.export(prepared, context)
    except (ExportError, AttributionError):
        raise
    except Exception as exc:
        msg = f"exporter {format!r} failed on {article.guid}: {type(exc).__name__}: {exc}"
        raise ExportError(msg, format=format) from exc
    if not isinstance(rendition, Rendition):  # a third-party exporter may ignore its type hints
        msg = f"exporter {format!r} returned {type(rendition).__name__}, not a Rendition"  # type: ignore[unreachable]
        raise ExportError(msg, format=format)
    if rendition.format != format:
        msg = (
            f"exporter {format!r} returned a rendition whose format is {rendition.format!r}; "
            f"a rendition's format must be its exporter's name ({format!r})"
        )
        raise ExportError(msg, format=format)
    if used - rendition.overrides:
        rendition = attrs.evolve(rendition, overrides=rendition.overrides | used)
    _check(host, rendition, prepared, owed)
    if host.wants_export_records:  # the record (and the content's hash) only for someone who listens
        host.export_done(
            ExportRecord(
                guid=article.guid,
                version=article.version,
                state=article.state,
                format=format,
                at=now,
                sha256=rendition.sha256,
                actor=actor.name if actor else None,
                overrides=used,
                content_hash=sealed,
                history_head=article.history[-1].entry_hash if article.history else "",
            )
        )
    return rendition


OVERRIDES: Final = frozenset({"embargo"})
"""The protection overrides :func:`export` accepts. There is none for kills or internal fields."""


def _embargo(article: Article, exporter: Exporter, now: datetime, asked: frozenset[str]) -> frozenset[str]:
    """Refuse an embargoed story to a format that cannot carry the embargo, unless overridden.

    Returns the overrides that took effect.
    """
    if not article.is_embargoed(now) or exporter_flag(exporter, "carries_embargo"):
        return frozenset()
    if "embargo" in asked:
        return frozenset({"embargo"})
    until = article.embargo_until.isoformat()  # type: ignore[union-attr]
    msg = (
        f"{article.guid} is embargoed until {until} (now is {now.isoformat()}); the {exporter.name!r} format "
        "cannot carry an embargo. Export it after the embargo, use a format that carries embargoes "
        "(newsml-g2, json), or pass overrides={'embargo'} to break it deliberately; the break is recorded"
    )
    raise ProtectedContentError(msg, format=exporter.name)


def _sealed_content(article: Article, exporter: Exporter) -> str:
    """The content hash of a locked story, after checking it matches its last history entry.

    A published (or approved, scheduled, unpublished, killed) story changes text only through
    update or correct; one edited any other way is refused by every format, so what goes out
    is always what the history recorded. Drafts pass. A locked story's last entry must hold a
    content hash (every transition seals one), so an emptied one is refused like a wrong one.
    """
    if article.state not in LOCKED_STATES or not article.history:
        return ""
    from newsroom import audit  # here: audit imports this module's neighbours

    recorded = article.history[-1].content_hash
    if not audit.content_matches(article, recorded):
        i = len(article.history) - 1
        msg = (
            f"{article.guid} is {article.state.value}, but its content differs from what history[{i}] "
            f"({article.history[i].action.value}) recorded: it was changed outside the workflow. "
            "Export the recorded story, or change it with update or correct"
        )
        raise ProtectedContentError(msg, format=exporter.name)
    return recorded


def _protect(original: Article, prepared: Article, exporter: Exporter) -> Article:
    """What a public format may see: a killed story's notice only, and no internal field.

    Decided on the story as it was given (``original``), so a prepare hook cannot undo a kill.
    """
    if not exporter_flag(exporter, "public"):
        return prepared
    if PublishState.KILLED in {original.state, prepared.state}:
        prepared = kill_notice(prepared)
    return public_view(prepared)


def _check(host: PluginHost, rendition: Rendition, article: Article, owed: tuple[Obligation, ...]) -> None:
    reports = host.check_rendition(rendition, article, owed)
    attribution = [v for r in reports for v in r.violations if v.rule == "attribution"]
    if attribution:
        raise AttributionError(
            f"{rendition.format} rendition of {article.guid} is not written: "
            + "; ".join(v.message for v in attribution),
            missing=[v.message for v in attribution],
        )
    other = [f"{r.checker}: {v.message}" for r in reports for v in r.violations]
    if owed and not any(r.proves_attribution for r in reports):
        # A checker that could not read the output says why; otherwise no checker knows the type.
        reason = (
            "the checkers could not read it (" + "; ".join(other) + ")"
            if other
            else f"no checker can prove attribution in {rendition.media_type}; the plugin that adds this "
            "media type must also implement newsroom_check_rendition for it"
        )
        raise AttributionError(
            f"{rendition.format} rendition of {article.guid} is not written: {reason}",
            missing=[o.describe() for o in owed],
        )
    if other:
        raise RenditionCheckError(
            f"{rendition.format} rendition of {article.guid} failed its checks: " + "; ".join(other),
            format=rendition.format,
            violations=other,
        )
