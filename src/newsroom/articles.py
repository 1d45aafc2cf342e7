"""The story model: Article, its body blocks, and the small value classes around it.

Every class is frozen, slotted and keyword-only, and validates at construction, so an
``Article`` that exists is a valid one; ``attrs.evolve`` re-validates. Collections are
tuples. The model knows no file format and does no I/O; it must never import lxml, a plugin
or the CLI.

Errors name the field path and the rule: ``body[3].text: link href 'javascript:x' is not
http(s) or mailto``.
"""

from __future__ import annotations

import copyreg
import enum
import math
import re
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from types import MappingProxyType
from typing import Any, ClassVar, TypeAlias, TypeVar

import attrs

from newsroom.attribution import Source
from newsroom.errors import ValidationError
from newsroom.inline import Inline, InlineText, is_plain, plain_inline, to_inline
from newsroom.slugs import make_slug
from newsroom.states import HistoryEntry, PublishState
from newsroom.validators import (
    aware_datetime,
    bcp47,
    clean_text,
    enum_value,
    fixed_offset,
    http_url,
    init_keys,
    is_bool,
    matches,
    min_items,
    non_empty,
    not_text,
    number_in,
    one_of,
    optional_str,
    optional_text,
    required_http_url,
    schema_hint,
    surrogate_rule,
    to_tuple,
    url_with_scheme,
    whole_number,
)


__all__ = [
    "BLOCK_TYPES",
    "Article",
    "Block",
    "BlockQuote",
    "Concept",
    "Correction",
    "CorrectionKind",
    "Dateline",
    "Edition",
    "Embed",
    "Heading",
    "Image",
    "ListBlock",
    "Paragraph",
    "Person",
    "Place",
    "PullQuote",
    "Rights",
    "Section",
]

Clock: TypeAlias = Callable[[], datetime]
_T = TypeVar("_T")


def _text() -> Any:
    return attrs.field(converter=clean_text, validator=non_empty)


def _opt_text() -> Any:
    return attrs.field(default=None, converter=optional_text, validator=optional_str)


def _keywords_conv(value: Iterable[str] | None) -> tuple[str, ...]:
    if type(value) is not tuple and type(value) is not list:  # the usual two need no check
        value = _keyword_items(value)
    out: list[str] = []
    for i, item in enumerate(value):
        text = clean_text(item)
        if not isinstance(text, str):
            raise ValidationError(f"keywords[{i}]", not_text(text))
        if text and text not in out:
            out.append(text)
    return tuple(out)


def _keyword_items(value: object) -> tuple[Any, ...]:
    """Keywords given as something other than a list: ``None``, one string, or another iterable (not a mapping)."""
    if value is not None and (isinstance(value, Mapping) or not isinstance(value, Iterable)):
        raise ValidationError("keywords", f"must be a list of text, not {type(value).__name__}")
    return to_tuple(value)


def _build(cls: type, item: Any, path: str) -> Any:
    if isinstance(item, cls):
        return item
    if isinstance(item, Mapping):
        init_keys(cls, item, path)
        try:
            return cls(**item)
        except ValidationError as exc:
            raise exc.within(path) from None
        except TypeError as exc:
            raise ValidationError(path, f"cannot build {cls.__name__}: {exc}") from None
    raise ValidationError(path, f"must be a {cls.__name__}, not {type(item).__name__}")


def _build_all(cls: type[_T], value: Iterable[Any] | None, name: str) -> tuple[_T, ...]:
    if type(value) is tuple and all(type(item) is cls for item in value):
        return value  # already built: evolve and the JSON reader pass tuples of model objects
    return tuple(_build(cls, item, f"{name}[{i}]") for i, item in enumerate(to_tuple(value)))


def _build_one(cls: type[_T], value: Any, name: str) -> _T | None:
    return None if value is None else _build(cls, value, name)


def _inline_at(name: str, value: Any) -> InlineText:
    try:
        return to_inline(value)
    except ValidationError as exc:
        raise exc.within(name) from None


def _inlines_at(name: str, value: Iterable[Any] | None) -> tuple[InlineText, ...]:
    return tuple(_inline_at(f"{name}[{i}]", item) for i, item in enumerate(to_tuple(value)))


# Named converters, one per field: the attrs mypy plugin types __init__ from them.
def _text_conv(value: InlineText | str | Sequence[Inline]) -> InlineText:
    if type(value) is str and is_plain(value):  # most paragraphs: nothing to parse
        return plain_inline(value)
    return _inline_at("text", value)


def _caption_conv(value: InlineText | str | None) -> InlineText | None:
    # Markup that holds no text (a comment, white space) is no caption: None, as "" is.
    return None if value is None or value == "" else (_inline_at("caption", value) or None)


def _paragraphs_conv(value: Iterable[InlineText | str]) -> tuple[InlineText, ...]:
    return _inlines_at("paragraphs", value)


def _list_items_conv(value: Iterable[InlineText | str]) -> tuple[InlineText, ...]:
    return _inlines_at("items", value)


def _has_text(_inst: object, attr: Any, value: InlineText) -> None:
    if not value.nodes:
        raise ValidationError(attr.name, "must not be empty")


def _each_has_text(_inst: object, attr: Any, value: tuple[InlineText, ...]) -> None:
    for i, item in enumerate(value):
        if not item:
            raise ValidationError(f"{attr.name}[{i}]", "must not be empty")


# --------------------------------------------------------------------------- small values


@attrs.frozen(kw_only=True)
class Person:
    """Someone credited on a story."""

    name: str = _text()
    """The name as printed."""
    slug: str = attrs.field(converter=clean_text, validator=non_empty)
    """A URL-safe name, made from ``name`` when not given."""
    url: str | None = attrs.field(default=None, validator=http_url)
    """An author page or profile."""
    role: str = attrs.field(default="author", converter=clean_text, validator=non_empty)
    """What they did: ``author``, ``correspondent``, ``photographer``, ``editor``..."""

    @slug.default
    def _slug(self) -> str:
        # A name that is not text gets a stand-in slug, so that the name's own validator,
        # which runs after every default, names the field ("name: must be text, not int").
        name: object = self.name  # anything, at run time, until the validators run
        return (make_slug(name) if isinstance(name, str) else "") or "person"


_SLUG_PATH = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*(?:/[a-z0-9]+(?:-[a-z0-9]+)*)*$")


def _slug_path(_inst: object, attr: Any, value: Any) -> None:
    if value is not None and not _SLUG_PATH.match(value):
        raise ValidationError(attr.name, f"{value!r} is not a path of slugs such as 'world/europe'")


@attrs.frozen(kw_only=True)
class Section:
    """Where a story sits on the site and in the paper."""

    name: str = _text()
    """The name as shown, e.g. ``World``."""
    slug: str = attrs.field(converter=clean_text, validator=[non_empty, _slug_path])
    """URL-safe name, made from ``name`` when not given."""
    description: str | None = _opt_text()
    """One line about the section ("The most important world news")."""
    parent: str | None = attrs.field(default=None, converter=optional_text, validator=[optional_str, _slug_path])
    """The path of the parent section, e.g. ``world`` for ``world/europe``."""

    @slug.default
    def _slug(self) -> str:
        # As Person's: a name that is not text is left for its validator to name.
        name: object = self.name  # anything, at run time, until the validators run
        return (make_slug(name) if isinstance(name, str) else "") or "section"

    @property
    def path(self) -> str:
        """The full path, parent first: ``world/europe``."""
        return f"{self.parent}/{self.slug}" if self.parent else self.slug

    def covers(self, path: str) -> bool:
        """Whether ``path`` is this section or below it (``world`` covers ``world/europe``)."""
        return path == self.path or path.startswith(self.path + "/")


_ISO_COUNTRY = re.compile(r"^[A-Z]{2}$")


def _upper(value: str | None) -> str | None:
    return value.upper() if isinstance(value, str) else value


@attrs.frozen(kw_only=True)
class Place:
    """A named place, optionally with a country code and coordinates."""

    name: str = _text()
    """The place as written, e.g. ``Tokyo``."""
    country: str | None = attrs.field(
        default=None, converter=_upper, validator=matches(_ISO_COUNTRY, "an ISO 3166-1 alpha-2 country code like 'JP'")
    )
    """ISO 3166-1 alpha-2 country code, e.g. ``JP``."""
    region: str | None = _opt_text()
    """State, province or region."""
    uri: str | None = attrs.field(default=None, validator=http_url)
    """An identifier such as a GeoNames URI."""
    latitude: float | None = attrs.field(default=None, validator=number_in(-90.0, 90.0))
    """Degrees north."""
    longitude: float | None = attrs.field(default=None, validator=number_in(-180.0, 180.0))
    """Degrees east."""


def _calendar_date(_inst: object, attr: Any, value: Any) -> None:
    if value is not None and (not isinstance(value, date) or isinstance(value, datetime)):
        raise ValidationError(attr.name, f"must be a date (not a datetime or text), not {value!r}")


@attrs.frozen(kw_only=True)
class Dateline:
    """The place (and optionally date) a story was filed from, as printed: ``TOKYO, Jan 16``."""

    place: str = _text()
    """The place text."""
    date: date | None = attrs.field(default=None, validator=_calendar_date)
    """The filing date, when printed."""


_QCODE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*:[A-Za-z0-9_.\-]+$")


@attrs.frozen(kw_only=True)
class Concept:
    """A controlled-vocabulary term: an IPTC Media Topic, a genre, and the like.

    ``code`` is a QCode (``medtop:11000000``, ``genre:Current``); ``label`` is its name.
    """

    code: str = attrs.field(
        converter=clean_text, validator=[non_empty, matches(_QCODE, "a QCode such as 'medtop:11000000'")]
    )
    """The QCode: scheme alias, a colon, the term's code."""
    label: str = _text()
    """The human-readable name."""

    @property
    def scheme(self) -> str:
        """The scheme alias before the colon."""
        return self.code.split(":", 1)[0]


@attrs.frozen(kw_only=True)
class Rights:
    """Who holds the copyright, and the notice to print."""

    holder: str = _text()
    """The copyright holder."""
    notice: str | None = _opt_text()
    """The copyright notice, e.g. ``Caliber.az © 2026``."""
    holder_url: str | None = attrs.field(default=None, validator=http_url)
    """The holder's web address."""


class CorrectionKind(enum.StrEnum):
    """What kind of change a correction record announces."""

    CORRECTION = "correction"
    """A fact was wrong and has been fixed."""
    CLARIFICATION = "clarification"
    """Nothing was wrong, but something was unclear."""
    RETRACTION = "retraction"
    """The story, or a claim in it, is withdrawn."""


def _correction_kind(value: CorrectionKind | str) -> CorrectionKind:
    return enum_value(CorrectionKind, value, "kind")


@attrs.frozen(kw_only=True)
class Correction:
    """A published note that the story was corrected, clarified or retracted."""

    kind: CorrectionKind = attrs.field(converter=_correction_kind)
    """Correction, clarification or retraction."""
    text: str = _text()
    """The note as published to readers."""
    at: datetime = attrs.field(converter=fixed_offset, validator=aware_datetime)
    """When it was made."""
    version: int | None = attrs.field(default=None, validator=attrs.validators.optional(whole_number(1)))
    """The story version that carries it."""


# --------------------------------------------------------------------------- body blocks


@attrs.frozen(kw_only=True)
class Paragraph:
    """A paragraph of running text."""

    kind: ClassVar[str] = "paragraph"
    text: InlineText = attrs.field(converter=_text_conv, validator=_has_text)
    """The paragraph's text."""

    def plain_text(self) -> str:
        """The text without markup."""
        return self.text.plain_text()


def plain_paragraph(text: str) -> Paragraph:
    """``Paragraph(text=text)``, built without the constructor's dispatch when ``text`` is plain.

    Plain text (see :func:`newsroom.inline.is_plain`: printable, no markup, no white space to
    collapse) that is not empty passes every check ``Paragraph`` makes, so the paragraph is
    assembled directly; anything else goes through ``Paragraph(text=...)`` and its checks. Most
    paragraphs of a stored story are plain, and bulk reads build millions of them.
    """
    if type(text) is str and text and is_plain(text):
        paragraph = object.__new__(Paragraph)
        object.__setattr__(paragraph, "text", plain_inline(text))
        return paragraph
    return Paragraph(text=text)


@attrs.frozen(kw_only=True)
class Heading:
    """A subheading inside the body; level 2 to 6 (the headline is level 1)."""

    kind: ClassVar[str] = "heading"
    text: InlineText = attrs.field(converter=_text_conv, validator=_has_text)
    """The heading's text."""
    level: int = attrs.field(default=2, validator=whole_number(2, 6))
    """2 (highest) to 6."""

    def plain_text(self) -> str:
        """The text without markup."""
        return self.text.plain_text()


@attrs.frozen(kw_only=True)
class BlockQuote:
    """A quoted passage of one or more paragraphs, optionally credited."""

    kind: ClassVar[str] = "blockquote"
    paragraphs: tuple[InlineText, ...] = attrs.field(
        converter=_paragraphs_conv, validator=[min_items(1), _each_has_text]
    )
    """The quoted paragraphs."""
    cite: str | None = _opt_text()
    """Who or what is quoted."""
    cite_url: str | None = attrs.field(default=None, validator=http_url)
    """Where the quote comes from."""

    def plain_text(self) -> str:
        """The quoted text without markup, paragraphs separated by blank lines."""
        return "\n\n".join(p.plain_text() for p in self.paragraphs)


@attrs.frozen(kw_only=True)
class PullQuote:
    """A short quote lifted from the story for display."""

    kind: ClassVar[str] = "pullquote"
    text: InlineText = attrs.field(converter=_text_conv, validator=_has_text)
    """The quote."""
    attribution: str | None = _opt_text()
    """Who said it."""

    def plain_text(self) -> str:
        """The quote without markup."""
        return self.text.plain_text()


@attrs.frozen(kw_only=True)
class ListBlock:
    """A bulleted or numbered list."""

    kind: ClassVar[str] = "list"
    items: tuple[InlineText, ...] = attrs.field(converter=_list_items_conv, validator=[min_items(1), _each_has_text])
    """The list items."""
    ordered: bool = attrs.field(default=False, validator=is_bool)
    """Numbered when true."""

    def plain_text(self) -> str:
        """One item per line, without markup."""
        return "\n".join(i.plain_text() for i in self.items)


def _is_text(_inst: object, attr: Any, value: Any) -> None:
    if not isinstance(value, str):
        raise ValidationError(attr.name, not_text(value))


def _dimension(_inst: object, attr: Any, value: Any) -> None:
    if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 1):
        raise ValidationError(attr.name, f"must be a positive whole number of pixels, not {value!r}")


@attrs.frozen(kw_only=True)
class Image:
    """A picture, with its caption, credit and alternative text."""

    kind: ClassVar[str] = "image"
    src: str = attrs.field(validator=required_http_url)
    """The image file's URL."""
    alt: str = attrs.field(default="", converter=clean_text, validator=_is_text)
    """Alternative text for screen readers; empty only for decorative images."""
    caption: InlineText | None = attrs.field(default=None, converter=_caption_conv)
    """The caption."""
    credit: str | None = _opt_text()
    """The photographer or agency."""
    width: int | None = attrs.field(default=None, validator=_dimension)
    """Width in pixels."""
    height: int | None = attrs.field(default=None, validator=_dimension)
    """Height in pixels."""

    def plain_text(self) -> str:
        """The caption and credit without markup."""
        parts = [self.caption.plain_text() if self.caption else "", self.credit or ""]
        return " ".join(p for p in parts if p)


@attrs.frozen(kw_only=True)
class Embed:
    """An embedded post or video, or a link card to another page."""

    kind: ClassVar[str] = "embed"
    url: str = attrs.field(validator=required_http_url)
    """What is embedded or linked."""
    title: str | None = _opt_text()
    """The card's title."""
    description: str | None = _opt_text()
    """A line about it."""
    provider: str | None = _opt_text()
    """Who hosts it: ``YouTube``, ``X``..."""
    media: str = attrs.field(default="link", validator=one_of("link", "video", "audio", "post"))
    """``link`` (a link card), ``video``, ``audio`` or ``post`` (a social post)."""

    def plain_text(self) -> str:
        """The title, description and URL."""
        return " ".join(p for p in (self.title, self.description, self.url) if p)


Block: TypeAlias = Paragraph | Heading | BlockQuote | PullQuote | ListBlock | Image | Embed
"""One body block."""

BLOCK_TYPES: Mapping[str, type[Block]] = MappingProxyType(
    {cls.kind: cls for cls in (Paragraph, Heading, BlockQuote, PullQuote, ListBlock, Image, Embed)}
)
"""Block classes by their ``kind`` name, as used in JSON (``{"type": "paragraph", ...}``)."""


def _to_block(item: Any, path: str) -> Block:
    if isinstance(item, (Paragraph, Heading, BlockQuote, PullQuote, ListBlock, Image, Embed)):
        return item
    if isinstance(item, str):
        try:
            return plain_paragraph(item)
        except ValidationError as exc:
            raise exc.within(path) from None
    if isinstance(item, Mapping):
        fields = dict(item)
        kind = fields.pop("type", None)
        cls = BLOCK_TYPES.get(kind) if isinstance(kind, str) else None
        if cls is None:
            raise ValidationError(f"{path}.type", f"{kind!r} is not a block type ({', '.join(BLOCK_TYPES)})")
        return _build(cls, fields, path)  # type: ignore[no-any-return]
    raise ValidationError(path, f"a body block must be a Block, a dict or a string, not {type(item).__name__}")


_BLOCK_CLASSES: frozenset[type] = frozenset(BLOCK_TYPES.values())


def _to_body(value: Iterable[Any] | None) -> tuple[Block, ...]:
    if type(value) is tuple and all(type(item) in _BLOCK_CLASSES for item in value):
        return value  # already blocks (evolve, or the JSON reader): nothing to convert
    return tuple(_to_block(item, f"body[{i}]") for i, item in enumerate(to_tuple(value)))


# --------------------------------------------------------------------------- the story

_BYLINE = {
    "en": ("By {}", "By {}", " and ", ", "),
    "ru": ("Автор: {}", "Авторы: {}", " и ", ", "),
    "az": ("Müəllif: {}", "Müəlliflər: {}", " və ", ", "),
}
_BYLINE_ROLES = frozenset({"author", "correspondent", "writer", "reporter"})


def join_names(names: Iterable[str], language: str = "en") -> str:
    """Join names the way a byline does: ``A``, ``A and B``, ``A, B and C`` (localised)."""
    _one, _many, last_sep, sep = _BYLINE.get(language.split("-", maxsplit=1)[0].lower(), _BYLINE["en"])
    listed = list(names)
    if len(listed) <= 1:
        return "".join(listed)
    return sep.join(listed[:-1]) + last_sep + listed[-1]


_NO_EXTRA: Mapping[str, str] = MappingProxyType({})


def _read_only(items: dict[Any, Any]) -> Mapping[Any, Any]:
    """A read-only view of ``items`` (what pickle rebuilds a model's read-only mapping with)."""
    return MappingProxyType(items)


def _reduce_read_only(proxy: MappingProxyType[Any, Any]) -> tuple[Any, tuple[dict[Any, Any]]]:
    return _read_only, (dict(proxy),)


# The model keeps mappings read-only (``extra``, export options...), and the standard library
# cannot pickle a read-only mapping. Stories must cross process boundaries (worker pools, Dask),
# so pickle copies one as a new read-only mapping of the same items.
copyreg.pickle(MappingProxyType, _reduce_read_only)


def _to_extra(value: Mapping[str, Any] | None) -> Mapping[str, str]:
    if value is None or (type(value) is dict and not value):
        return _NO_EXTRA  # read-only, so one empty mapping serves every story
    if not isinstance(value, Mapping):
        raise ValidationError("extra", f"must be a mapping of names to text, not {type(value).__name__}")
    out: dict[str, str] = {}
    for key in sorted(value):
        if not isinstance(key, str) or not key:  # type: ignore[redundant-expr]
            raise ValidationError("extra", f"keys must be non-empty text, not {key!r}")
        if not key.isprintable() and (rule := surrogate_rule(key, f"key {key!a}")):
            raise ValidationError("extra", rule)
        out[key] = _extra_value(key, value[key])
    return MappingProxyType(out)


def _extra_value(key: str, item: object) -> str:
    """One value of ``extra`` as the text kept: text as given, a finite number as Python writes it."""
    if isinstance(item, str):
        if not item.isprintable() and (rule := surrogate_rule(item)):
            raise ValidationError(f"extra.{key}", rule)
        return str(item)
    if isinstance(item, bool) or not isinstance(item, (int, float)):
        raise ValidationError(f"extra.{key}", f"must be text or a number, not {type(item).__name__}")
    if isinstance(item, float) and not math.isfinite(item):
        # str() would keep 'nan' or 'inf': text that no reader of extra takes for a number.
        raise ValidationError(f"extra.{key}", f"must be text or a finite number, not {item!r}")
    try:
        return str(item)
    except ValueError:  # an integer of more digits than Python writes (4,300 by default)
        raise ValidationError(f"extra.{key}", "is an integer too long to write as text") from None


MOST_URGENT, LEAST_URGENT = 1, 9


def _urgency(_inst: object, attr: Any, value: Any) -> None:
    if value is not None and (
        isinstance(value, bool) or not isinstance(value, int) or not MOST_URGENT <= value <= LEAST_URGENT
    ):
        raise ValidationError(attr.name, f"must be a whole number from 1 (most urgent) to 9, not {value!r}")


def _version(_inst: object, attr: Any, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError(attr.name, f"must be a whole number from 1, not {value!r}")


schema_hint(_urgency, minimum=MOST_URGENT, maximum=LEAST_URGENT)
schema_hint(_version, minimum=1)


def _section_conv(value: Section | Mapping[str, Any] | None) -> Section | None:
    return _build_one(Section, value, "section")


def _dateline_conv(value: Dateline | Mapping[str, Any] | None) -> Dateline | None:
    return _build_one(Dateline, value, "dateline")


def _located_conv(value: Place | Mapping[str, Any] | None) -> Place | None:
    return _build_one(Place, value, "located")


def _genre_conv(value: Concept | Mapping[str, Any] | None) -> Concept | None:
    return _build_one(Concept, value, "genre")


def _rights_conv(value: Rights | Mapping[str, Any] | None) -> Rights | None:
    return _build_one(Rights, value, "rights")


def _publisher_conv(value: Source | Mapping[str, Any] | None) -> Source | None:
    return _build_one(Source, value, "publisher")


def _bylines_conv(value: Iterable[Person | Mapping[str, Any]] | None) -> tuple[Person, ...]:
    return _build_all(Person, value, "bylines")


def _subjects_conv(value: Iterable[Concept | Mapping[str, Any]] | None) -> tuple[Concept, ...]:
    return _build_all(Concept, value, "subjects")


def _media_conv(value: Iterable[Image | Mapping[str, Any]] | None) -> tuple[Image, ...]:
    return _build_all(Image, value, "media")


def _sources_conv(value: Iterable[Source | Mapping[str, Any]] | None) -> tuple[Source, ...]:
    return _build_all(Source, value, "sources")


def _corrections_conv(value: Iterable[Correction | Mapping[str, Any]] | None) -> tuple[Correction, ...]:
    return _build_all(Correction, value, "corrections")


def _state_conv(value: PublishState | str) -> PublishState:
    return enum_value(PublishState, value, "state")


def _history_conv(value: Iterable[HistoryEntry | Mapping[str, Any]] | None) -> tuple[HistoryEntry, ...]:
    return _build_all(HistoryEntry, value, "history")


def _new_guid() -> str:
    return f"urn:uuid:{uuid.uuid4()}"


@attrs.frozen(kw_only=True)
class Article:
    """A story: the one source of truth every exporter renders.

    Build a new one with :meth:`Article.draft`. Change a draft with ``attrs.evolve``; move it
    through the workflow with the verbs in :mod:`newsroom.states`, which record history.
    """

    guid: str = attrs.field(converter=clean_text, validator=non_empty)
    """A stable identifier, the same for every version: ``urn:uuid:...``, ``tag:...``."""
    version: int = attrs.field(default=1, validator=_version)
    """The public version, 1 at first, raised by each published update, correction or kill."""
    language: str = attrs.field(default="en", converter=clean_text, validator=bcp47)
    """The BCP 47 language tag of the text."""

    headline: str = _text()
    """The main headline."""
    kicker: str | None = _opt_text()
    """A short label over the headline ("Exclusive", "Analysis")."""
    deck: str | None = _opt_text()
    """The subheadline under the headline."""
    slugline: str | None = _opt_text()
    """The newsroom's working name for the story."""
    summary: str | None = _opt_text()
    """A one- or two-sentence summary for lists, feeds and search."""
    body: tuple[Block, ...] = attrs.field(factory=tuple, converter=_to_body)
    """The story's text as typed blocks."""

    section: Section | None = attrs.field(default=None, converter=_section_conv)
    """The section it belongs to."""
    bylines: tuple[Person, ...] = attrs.field(factory=tuple, converter=_bylines_conv)
    """The people credited, in order."""
    dateline: Dateline | None = attrs.field(default=None, converter=_dateline_conv)
    """The printed dateline."""
    located: Place | None = attrs.field(default=None, converter=_located_conv)
    """Where the story was filed from."""
    keywords: tuple[str, ...] = attrs.field(factory=tuple, converter=_keywords_conv)
    """Free keywords, without repeats."""
    subjects: tuple[Concept, ...] = attrs.field(factory=tuple, converter=_subjects_conv)
    """IPTC Media Topics (``medtop:...``) or other coded subjects."""
    genre: Concept | None = attrs.field(default=None, converter=_genre_conv)
    """The story's genre, e.g. ``genre:Current``."""
    urgency: int | None = attrs.field(default=None, validator=_urgency)
    """1 (flash) to 9 (lowest)."""

    first_created: datetime | None = attrs.field(default=None, converter=fixed_offset, validator=aware_datetime)
    """When the story was first created."""
    published: datetime | None = attrs.field(default=None, converter=fixed_offset, validator=aware_datetime)
    """When this story was (first) published."""
    modified: datetime | None = attrs.field(default=None, converter=fixed_offset, validator=aware_datetime)
    """When the current version was made."""
    embargo_until: datetime | None = attrs.field(default=None, converter=fixed_offset, validator=aware_datetime)
    """Not for the public before this moment."""
    scheduled_for: datetime | None = attrs.field(default=None, converter=fixed_offset, validator=aware_datetime)
    """When a scheduled story is due to be published (set by the schedule action)."""

    canonical_url: str | None = attrs.field(default=None, validator=http_url)
    """The story's page on the publisher's site."""
    media: tuple[Image, ...] = attrs.field(factory=tuple, converter=_media_conv)
    """Lead and gallery images (the first is the lead)."""
    rights: Rights | None = attrs.field(default=None, converter=_rights_conv)
    """Copyright holder and notice."""
    publisher: Source | None = attrs.field(default=None, converter=_publisher_conv)
    """Who publishes this story, with the publisher's own attribution policy."""
    sources: tuple[Source, ...] = attrs.field(factory=tuple, converter=_sources_conv)
    """Where the material came from, including "via" credits."""
    corrections: tuple[Correction, ...] = attrs.field(factory=tuple, converter=_corrections_conv)
    """Corrections, clarifications and retractions, oldest first."""

    state: PublishState = attrs.field(default=PublishState.DRAFT, converter=_state_conv)
    """Where the story stands in the workflow. Changed only by transitions."""
    history: tuple[HistoryEntry, ...] = attrs.field(factory=tuple, converter=_history_conv)
    """Every transition so far, oldest first, hash-chained (see :mod:`newsroom.audit`)."""
    ed_note: str | None = attrs.field(
        default=None, converter=optional_text, validator=optional_str, metadata={"internal": True}
    )
    """A note to editors. Internal: never shown in a public rendition."""
    extra: Mapping[str, str] = attrs.field(factory=dict, converter=_to_extra, hash=False, metadata={"internal": True})
    """Other metadata as text (e.g. ``views``), kept but not interpreted. Internal: never shown in a
    public rendition (the native JSON keeps it)."""

    @headline.validator
    def _one_line(self, attr: Any, value: Any) -> None:
        if "\n" in value:
            raise ValidationError(attr.name, "must be one line; put the rest in deck or summary")

    @history.validator
    def _state_matches_history(self, _attr: object, history: Any) -> None:
        if not history:
            if self.state is not PublishState.DRAFT:
                raise ValidationError(
                    "state", f"is {self.state.value} but history is empty; states change only through transitions"
                )
            return
        last = history[-1]
        if last.to_state is not self.state:
            raise ValidationError(
                "state",
                f"is {self.state.value} but the last history entry moved it to {last.to_state.value}; "
                "states change only through transitions",
            )

    @classmethod
    def draft(cls, *, headline: str, clock: Clock | None = None, guid: str | None = None, **fields: Any) -> Article:
        """Start a new story in the draft state, with a fresh ``urn:uuid`` guid.

        ``clock`` (a callable returning an aware datetime) sets ``first_created``; without it
        the field stays empty.
        """
        if clock is not None and "first_created" not in fields:
            fields["first_created"] = clock()
        return cls(guid=guid or _new_guid(), headline=headline, **fields)

    @property
    def slug(self) -> str:
        """The story's slug, from its slugline or else its headline."""
        return make_slug(self.slugline or self.headline) or "story"

    def byline(self, language: str | None = None) -> str:
        """The display byline, e.g. ``By A and B`` or ``Авторы: А и Б``; empty with no authors."""
        lang = (language or self.language).split("-")[0].lower()
        one, many, _last, _sep = _BYLINE.get(lang, _BYLINE["en"])
        names = [p.name for p in self.bylines if p.role in _BYLINE_ROLES] or [p.name for p in self.bylines]
        if not names:
            return ""
        return (one if len(names) == 1 else many).format(join_names(names, lang))

    def plain_text(self) -> str:
        """The body without markup, blocks separated by blank lines."""
        return "\n\n".join(text for block in self.body if (text := block.plain_text()))

    def word_count(self) -> int:
        """Words in the body."""
        return len(self.plain_text().split())

    @property
    def via(self) -> tuple[Source, ...]:
        """The "via" credits among the sources."""
        return tuple(s for s in self.sources if s.role.value == "via")

    def is_embargoed(self, at: datetime) -> bool:
        """Whether the story is still under embargo at ``at``."""
        return self.embargo_until is not None and at < self.embargo_until


def _ordered_articles(value: Iterable[Article]) -> tuple[Article, ...]:
    items = to_tuple(value)
    seen: set[str] = set()
    for i, item in enumerate(items):
        if not isinstance(item, Article):
            raise ValidationError(f"articles[{i}]", f"must be an Article, not {type(item).__name__}")
        if item.guid in seen:
            raise ValidationError(f"articles[{i}]", f"story {item.guid} appears twice in the edition")
        seen.add(item.guid)
    return items


@attrs.frozen(kw_only=True)
class Edition:
    """An ordered set of stories: a section front, a page, or a whole issue."""

    guid: str = attrs.field(converter=clean_text, validator=non_empty)
    """A stable identifier for the edition."""
    title: str = _text()
    """What it is called ("World, 16 January 2026")."""
    articles: tuple[Article, ...] = attrs.field(converter=_ordered_articles)
    """The stories in running order."""
    section: Section | None = attrs.field(default=None, converter=_section_conv)
    """The section this edition is a front for, if any."""
    version: int = attrs.field(default=1, validator=_version)
    """The edition's version."""
    created: datetime | None = attrs.field(default=None, converter=fixed_offset, validator=aware_datetime)
    """When the edition was made."""
    url: str | None = attrs.field(default=None, validator=url_with_scheme("http", "https"))
    """Its page on the site."""
