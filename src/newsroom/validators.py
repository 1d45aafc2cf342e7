"""Small, named attrs validators and converters shared by the model.

Each validator raises :class:`~newsroom.errors.ValidationError` naming the field and the
rule. Nothing here knows a file format or does I/O.
"""

from __future__ import annotations

import enum
import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, TypeVar
from urllib.parse import urlsplit

import attrs

from newsroom.errors import ValidationError


__all__ = [
    "RefusedText",
    "aware_datetime",
    "bcp47",
    "check_url",
    "clean_text",
    "enum_value",
    "fixed_offset",
    "http_url",
    "init_keys",
    "is_bool",
    "matches",
    "min_items",
    "non_empty",
    "not_text",
    "number_in",
    "one_of",
    "optional_str",
    "optional_text",
    "required_http_url",
    "schema_hint",
    "str_set",
    "str_tuple",
    "surrogate_rule",
    "to_tuple",
    "url_with_scheme",
    "whole_number",
]

T = TypeVar("T")
E = TypeVar("E", bound=enum.Enum)
V = TypeVar("V", bound=Callable[..., None])

# C0 and C1 controls other than tab and newline: scraping leaves them behind (e.g. \v).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Well-formed BCP 47 (RFC 5646) tags: language, script, region, variants, extensions, private use.
_BCP47 = re.compile(
    r"^(?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4,8})"
    r"(?:-[a-z]{4})?"
    r"(?:-(?:[a-z]{2}|\d{3}))?"
    r"(?:-(?:[a-z\d]{5,8}|\d[a-z\d]{3}))*"
    r"(?:-[a-wyz\d](?:-[a-z\d]{2,8})+)*"
    r"(?:-x(?:-[a-z\d]{1,8})+)?$"
    r"|^x(?:-[a-z\d]{1,8})+$",
    re.IGNORECASE,
)


# Lone surrogates (U+D800 to U+DFFF) are halves of UTF-16 pairs, not characters. No UTF-8 text can
# hold one, so no format could write a story that did. str.isprintable() is False for them, so
# only text that already fails that fast check, and is not ASCII, is ever looked at; and then
# encoding it as UTF-8, which fails for a lone surrogate only, is several times faster than a search.


def surrogate_rule(text: str, what: str = "") -> str | None:
    """The rule ``text`` breaks if it holds a lone surrogate (``what`` names it in the message), else ``None``.

    Only text that is neither :meth:`str.isprintable` nor ASCII can hold one: callers check that first.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return _lone_surrogate(text[exc.start], what)
    return None


def _lone_surrogate(char: str, what: str = "") -> str:
    return f"{what}{' ' if what else ''}contains a lone surrogate ({char!a}), which no UTF-8 text can hold"


class RefusedText:
    """What :func:`clean_text` returns for text no story can hold, for the field's validator to name.

    A converter does not know its field; the field's validator does, and it already names any
    value that is not text (see :func:`not_text`). Carrying the refusal there this way costs
    ordinary text nothing.
    """

    __slots__ = ("rule",)

    def __init__(self, rule: str) -> None:
        self.rule = rule

    def __repr__(self) -> str:
        return f"RefusedText({self.rule!r})"


def not_text(value: object) -> str:
    """The rule a value that is not text breaks: the refusal :func:`clean_text` carried, or its type."""
    if type(value) is RefusedText:
        return value.rule
    return f"must be text, not {type(value).__name__}"


def clean_text(value: str) -> str:
    """Strip surrounding whitespace and remove control characters from a string.

    Other values pass through untouched so that the type validator can name them. Text holding a
    lone surrogate becomes a :class:`RefusedText`, which the validator names in the same way.
    """
    if not isinstance(value, str):  # attrs hands converters anything at run time
        return value  # type: ignore[unreachable]
    if not value.isprintable():  # fast gate: most text has no controls, tabs, newlines or surrogates
        value = _CONTROL.sub("", value)
        if not value.isascii():
            try:
                value.encode("utf-8")  # surrogate_rule(), without the call
            except UnicodeEncodeError as exc:
                return RefusedText(_lone_surrogate(value[exc.start]))  # type: ignore[return-value]
    value = value.strip()
    return value if unicodedata.is_normalized("NFC", value) else unicodedata.normalize("NFC", value)


def optional_text(value: str | None) -> str | None:
    """Like :func:`clean_text`, but an empty string becomes ``None``."""
    if value is None:
        return None
    if not isinstance(value, str):
        return value  # type: ignore[unreachable]  # left for the optional_str validator to name
    return clean_text(value) or None


def optional_str(_inst: object, attr: Any, value: Any) -> None:
    """The value is ``None`` or text."""
    if value is not None and not isinstance(value, str):
        raise ValidationError(attr.name, not_text(value))


def is_bool(_inst: object, attr: Any, value: Any) -> None:
    """The value is ``True`` or ``False``."""
    if not isinstance(value, bool):
        raise ValidationError(attr.name, f"must be true or false, not {value!r}")


def to_tuple(value: Iterable[T] | None) -> tuple[T, ...]:
    """Turn any iterable (or ``None``) into a tuple; a lone string is one item, not characters."""
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)  # type: ignore[return-value]
    return tuple(value)


def str_tuple(value: Iterable[str]) -> tuple[str, ...]:
    """A converter: any iterable of strings as a tuple (a lone string is one item)."""
    return to_tuple(value)


def str_set(value: Iterable[str]) -> frozenset[str]:
    """A converter: any iterable of strings as a frozenset (a lone string is one item)."""
    if type(value) is frozenset:  # the usual: already one (empty, mostly)
        return value
    return frozenset(to_tuple(value))


def schema_hint(validator: V, **keywords: Any) -> V:
    """Mark ``validator`` with the JSON Schema keywords that say the same (``minimum=1``...).

    The JSON Schema of the native form is generated from the model; each field's validators lend
    it their rule, so the schema and the model never disagree. A hint may only be as strict as
    the validator, never stricter: the schema must accept every story the model accepts.
    """
    validator.json_schema = keywords  # type: ignore[attr-defined]
    return validator


def non_empty(_inst: object, attr: Any, value: Any) -> None:
    """The value is a non-empty string."""
    if not isinstance(value, str):
        raise ValidationError(attr.name, not_text(value))
    if not value:
        raise ValidationError(attr.name, "must not be empty")


schema_hint(non_empty, minLength=1)


def aware_datetime(_inst: object, attr: Any, value: Any) -> None:
    """The value is ``None`` or a datetime that carries a time zone."""
    if value is None:
        return
    if not isinstance(value, datetime):
        if isinstance(value, RefusedText):  # from fixed_offset
            raise ValidationError(attr.name, value.rule)
        raise ValidationError(attr.name, f"must be a datetime, not {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError(
            attr.name, f"{value.isoformat()} has no time zone; give one, e.g. {value.isoformat()}+00:00"
        )


def url_with_scheme(*schemes: str) -> Callable[[object, Any, object], None]:
    """A validator: the value is ``None`` or an absolute URL with one of ``schemes`` and a host."""
    allowed = " or ".join(schemes)

    def validate(_inst: object, attr: Any, value: Any) -> None:
        if value is None:
            return
        check_url(value, schemes, attr.name, allowed)

    validate.__name__ = f"url_with_scheme({allowed})"
    return validate


def check_url(
    value: object, schemes: tuple[str, ...], path: str, allowed: str | None = None, *, what: str = "URL"
) -> None:
    """Raise :class:`ValidationError` at ``path`` unless ``value`` is a URL with one of ``schemes``.

    ``what`` names the value in the message (``URL``, or ``link href`` for inline links).
    """
    if not isinstance(value, str):
        raise ValidationError(path, f"URL must be text, not {type(value).__name__}")
    problem = _url_problem(value, schemes, allowed or " or ".join(schemes), what)
    if problem is not None:
        raise ValidationError(path, problem)


@functools.lru_cache(maxsize=4096)
def _url_problem(value: str, schemes: tuple[str, ...], allowed: str, what: str) -> str | None:
    """What is wrong with a URL, or ``None``. Cached: the same source and section URLs recur."""
    if not value.isprintable():
        if _CONTROL.search(value):  # no URL holds one; markup would drop it
            return f"{what} {value!r} contains control characters"
        rule = surrogate_rule(value, f"{what} {value!a}")
        if rule is not None:
            return rule
    try:
        parts = urlsplit(value)
    except ValueError as exc:
        return f"{value!r} is not a URL ({exc})"
    scheme = parts.scheme.lower()
    if scheme not in schemes:
        return f"{what} {value!r} is not {allowed}"
    if scheme == "mailto":
        if "@" not in parts.path:
            return f"mailto link {value!r} has no address"
    elif not parts.hostname or value.split(None, 1) != [value]:
        return f"URL {value!r} has no host or contains spaces"
    return None


http_url = url_with_scheme("http", "https")


def required_http_url(_inst: object, attr: Any, value: Any) -> None:
    """The value is an absolute http(s) URL (``None`` is refused)."""
    if value is None:
        raise ValidationError(attr.name, "is required: give an http(s) URL")
    check_url(value, ("http", "https"), attr.name, "http or https")


def enum_value(cls: type[E], value: object, path: str) -> E:
    """Convert ``value`` to a member of ``cls``, or raise :class:`ValidationError` at ``path`` listing the members."""
    if isinstance(value, cls):
        return value
    try:
        # The members by value, as Enum keeps them: a dictionary hit instead of Enum's __call__.
        member = cls._value2member_map_.get(value)
    except TypeError:  # an unhashable value is no member
        member = None
    if member is not None:
        return member  # type: ignore[return-value]
    try:
        return cls(value)
    except ValueError:
        listed = ", ".join(str(m.value) for m in cls)
        raise ValidationError(path, f"{value!r} is not one of: {listed}") from None


def whole_number(low: int, high: int | None = None) -> Callable[[Any, Any, Any], None]:
    """A validator: the value is an ``int`` (not a bool) from ``low`` (to ``high``, inclusive)."""
    span = f"from {low} to {high}" if high is not None else f"from {low}"

    def validate(_inst: object, attr: Any, value: Any) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or value < low or (high is not None and value > high):
            raise ValidationError(attr.name, f"must be a whole number {span}, not {value!r}")

    return schema_hint(validate, minimum=low, **({"maximum": high} if high is not None else {}))


def number_in(low: float, high: float) -> Callable[[Any, Any, Any], None]:
    """A validator: the value is ``None`` or a number (not a bool) from ``low`` to ``high``."""

    def validate(_inst: object, attr: Any, value: Any) -> None:
        if value is None:
            return
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
            raise ValidationError(attr.name, f"must be a number from {low:g} to {high:g}, not {value!r}")

    return validate


def matches(pattern: re.Pattern[str], what: str) -> Callable[[Any, Any, Any], None]:
    """A validator: the value is ``None`` or text matching ``pattern``; ``what`` describes it."""

    def validate(_inst: object, attr: Any, value: Any) -> None:
        if value is None:
            return
        if not isinstance(value, str) or not pattern.match(value):
            raise ValidationError(attr.name, f"{value!r} is not {what}")

    return validate


def one_of(*choices: str) -> Callable[[Any, Any, Any], None]:
    """A validator: the value is one of ``choices``."""
    listed = ", ".join(choices)

    def validate(_inst: object, attr: Any, value: Any) -> None:
        if value not in choices:
            raise ValidationError(attr.name, f"{value!r} is not one of: {listed}")

    return schema_hint(validate, enum=list(choices))


def min_items(count: int) -> Callable[[Any, Any, Any], None]:
    """A validator: the collection has at least ``count`` items."""

    def validate(_inst: object, attr: Any, value: Any) -> None:
        if len(value) < count:
            raise ValidationError(attr.name, f"needs at least {count} item{'s' if count != 1 else ''}")

    return schema_hint(validate, minItems=count)


def bcp47(_inst: object, attr: Any, value: Any) -> None:
    """The value is a well-formed BCP 47 language tag such as ``en``, ``en-GB`` or ``az-Latn``."""
    if type(value) is str and value in _GOOD_TAGS:  # the few tags a newsroom uses, seen before
        return
    if type(value) is RefusedText:
        raise ValidationError(attr.name, value.rule)
    if not isinstance(value, str) or not _BCP47.match(value):
        raise ValidationError(attr.name, f"{value!r} is not a BCP 47 language tag (e.g. 'en', 'ru', 'en-GB')")
    if len(_GOOD_TAGS) < 1024:  # noqa: PLR2004 - a bound, so odd inputs cannot grow it without end
        _GOOD_TAGS.add(value)


_GOOD_TAGS: set[str] = set()


@functools.cache
def _init_names(cls: type) -> tuple[frozenset[str], tuple[str, ...]]:
    """The keyword arguments of the attrs class ``cls``: all of them, and the required ones in order."""
    fields = [f for f in attrs.fields(cls) if f.init]
    return frozenset(str(f.alias) for f in fields), tuple(str(f.alias) for f in fields if f.default is attrs.NOTHING)


def init_keys(cls: type, item: Mapping[Any, Any], path: str) -> None:
    """Check that ``item`` can build the attrs class ``cls`` with ``cls(**item)``.

    Unknown and missing keys are said as :func:`newsroom.from_dict` says them
    (``section: unknown field(s): nme``, ``section.name: is required but missing``), not as the
    ``TypeError`` of ``__init__``.
    """
    names, required = _init_names(cls)
    unknown = sorted(k if isinstance(k, str) else repr(k) for k in item if k not in names)
    if unknown:
        raise ValidationError(path, f"unknown field(s): {', '.join(unknown)}")
    for name in required:
        if name not in item:
            raise ValidationError(f"{path}.{name}" if path else name, "is required but missing")


def fixed_offset(value: Any) -> Any:
    """Attrs converter: an aware datetime becomes the same moment at a fixed offset of whole minutes.

    The native JSON (like every format) keeps the offset, not the zone's name, and Python never
    calls an ambiguous local time in a named zone (the repeated hour when clocks go back) equal
    to the same moment at a fixed offset. Keeping offsets in the model makes every round trip
    compare equal. Anything else (naive times, non-datetimes) is left for the validator to name.

    An offset that is not a whole number of minutes (local mean time, such as Amsterdam's
    ``+00:19:32`` before 1937) cannot be written in RFC 3339 or ``xs:dateTime``, whose offsets
    are hours and minutes: such a time becomes the same moment in UTC, exactly.
    """
    if not isinstance(value, datetime):
        return value
    zone = value.tzinfo
    if zone is None or zone is UTC:
        return value
    if type(zone) is timezone:  # as read from text: fixed already, and most offsets were seen before
        if zone in _WHOLE_MINUTES:
            return value
        if _whole_minutes(zone.utcoffset(None)):
            if len(_WHOLE_MINUTES) < 1024:  # noqa: PLR2004 - a bound, so odd inputs cannot grow it without end
                _WHOLE_MINUTES.add(zone)
            return value
        return _in_utc(value)
    offset = value.utcoffset()
    if offset is None:
        return value
    if offset.seconds % 60 or offset.microseconds:  # not _whole_minutes(offset), without the call
        return _in_utc(value)
    return value.replace(tzinfo=timezone(offset), fold=0)


def _in_utc(value: datetime) -> datetime | RefusedText:
    """``value`` in UTC, or a refusal for the field's validator when that moment is beyond year 1-9999."""
    try:
        return value.astimezone(UTC)
    except OverflowError:
        return RefusedText(
            f"{value.isoformat()} is at an offset that is not whole minutes (RFC 3339 cannot write it), "
            "and the same moment in UTC falls outside the years 1 to 9999"
        )


def _whole_minutes(offset: timedelta) -> bool:
    # A negative offset is -1 day plus seconds, and a day is whole minutes: the test holds for it too.
    return not (offset.seconds % 60 or offset.microseconds)


_WHOLE_MINUTES: set[timezone] = set()
