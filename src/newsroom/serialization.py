"""The native JSON form of the model, built with cattrs, and its JSON Schema.

The JSON is lossless: ``loads(dumps(article)) == article`` for every valid article. Each
document carries ``format_version`` so that later releases can read older files. Fields equal
to their default are left out; inline text is stored as its canonical markup; body blocks
carry a ``type`` key.

This module and the JSON plugin are the only places that import cattrs. It does no I/O.
"""

from __future__ import annotations

import enum
import json
import re
import sys
import types
import typing
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any, Final, Literal, TypeVar, get_args, get_origin

import attrs
import cattrs
import orjson
from cattrs.gen import make_dict_unstructure_fn, override

from newsroom.articles import BLOCK_TYPES, Article, Block, Edition, Paragraph, Person, Section, plain_paragraph
from newsroom.errors import ValidationError
from newsroom.inline import InlineText
from newsroom.states import HistoryEntry


__all__ = [
    "FORMAT_VERSION",
    "converter",
    "dumps",
    "from_dict",
    "from_json",
    "json_schema",
    "loads",
    "parse_json",
    "to_dict",
]

_T = TypeVar("_T")

FORMAT_VERSION: Final = 1
"""The version of the native JSON layout written by this release."""

_SCHEMA_ID = "https://newsroom-editorial.readthedocs.io/schema/article-1.json"


def _make_converter() -> cattrs.Converter:
    conv = cattrs.Converter(omit_if_default=True, forbid_extra_keys=True)
    conv.register_unstructure_hook(datetime, datetime.isoformat)
    conv.register_structure_hook(datetime, _structure_datetime)
    conv.register_unstructure_hook(date, date.isoformat)
    conv.register_structure_hook(date, _structure_date)
    conv.register_unstructure_hook(InlineText, InlineText.markup)
    conv.register_structure_hook(InlineText, _structure_inline)
    conv.register_unstructure_hook(types.MappingProxyType, dict)
    conv.register_structure_hook_func(lambda t: t == Mapping[str, str], lambda v, _t: v)
    conv.register_unstructure_hook(frozenset, sorted)

    for cls in BLOCK_TYPES.values():
        conv.register_unstructure_hook(cls, _tagged_unstructure(conv, cls))
        conv.register_structure_hook(cls, _fields_structure(conv, cls, tag=cls.kind))
    for cls in _model_classes():
        conv.register_structure_hook(cls, _fields_structure(conv, cls))
    conv.register_unstructure_hook(Block, lambda b: conv.unstructure(b, type(b)))
    block_hooks = {cls: conv.get_unstructure_hook(cls) for cls in BLOCK_TYPES.values()}

    def unstructure_body(body: tuple[Block, ...]) -> list[dict[str, Any]]:
        # Plain paragraphs are most of any story: write them directly.
        return [
            {"type": "paragraph", "text": b.text.markup()} if type(b) is Paragraph else block_hooks[type(b)](b)
            for b in body
        ]

    conv.register_unstructure_hook_func(lambda t: t == tuple[Block, ...], unstructure_body)
    structure_block = _structure_block(conv)
    conv.register_structure_hook(Block, structure_block)
    conv.register_structure_hook_func(lambda t: t == tuple[Block, ...], _structure_body(structure_block))

    for named in (Person, Section):
        # Derived slugs are written out: a later slugify must not move a published URL.
        conv.register_unstructure_hook(
            named,
            make_dict_unstructure_fn(named, conv, _cattrs_omit_if_default=True, slug=override(omit_if_default=False)),
        )

    # Hashes and history are written in full even when empty, so a chain reads the same everywhere.
    conv.register_unstructure_hook(
        HistoryEntry, make_dict_unstructure_fn(HistoryEntry, conv, _cattrs_omit_if_default=False)
    )
    conv.register_unstructure_hook(
        Article,
        # Identity, version, language and state are always written, even at their defaults:
        # a reader of the file should not need to know newsroom's defaults to see them.
        make_dict_unstructure_fn(
            Article,
            conv,
            _cattrs_omit_if_default=True,
            guid=override(omit_if_default=False),
            version=override(omit_if_default=False),
            language=override(omit_if_default=False),
            state=override(omit_if_default=False),
        ),
    )
    return conv


def _value_structurer(conv: cattrs.Converter, tp: Any) -> Callable[[Any], Any] | None:
    """How to turn a JSON value into a field's value, or ``None`` when the model takes it as is.

    Text, numbers, booleans, enums, inline markup and mappings go straight to the model's own
    converters and validators, which check them and name the field. Only what JSON cannot carry
    (times, dates) and nested model classes need work here.
    """
    args = [a for a in get_args(tp) if a is not type(None)] if get_origin(tp) in (typing.Union, types.UnionType) else []
    if args and set(args) != set(get_args(Block)):
        if len(args) == 1:
            inner = _value_structurer(conv, args[0])
            return None if inner is None else (lambda v: None if v is None else inner(v))
        return None
    if tp is datetime:
        return lambda v: _structure_datetime(v, datetime)
    if tp is date:
        return lambda v: _structure_date(v, date)
    if get_origin(tp) is tuple and get_args(tp)[:1] and attrs.has(get_args(tp)[0]):
        item_type = get_args(tp)[0]
        item = conv.get_structure_hook(item_type)

        return lambda value: _each(value, lambda v: item(v, item_type), "a list")
    if tp == tuple[Block, ...]:
        body = conv.get_structure_hook(tp)
        return lambda v: body(v, tp)
    if attrs.has(tp):
        hook = conv.get_structure_hook(tp)
        return lambda v: hook(v, tp)
    return None


def _fields_structure(conv: cattrs.Converter, cls: type, *, tag: str | None = None) -> Any:
    """A structure hook for a model class: check the keys, convert what JSON cannot carry, build.

    Building through the class's own ``__init__`` means every converter and validator of the
    model runs once, and its errors carry the field's path.
    """
    fields = attrs.fields(cls)
    names = frozenset(f.name for f in fields)
    required = tuple(f.name for f in fields if f.default is attrs.NOTHING)
    hints = typing.get_type_hints(cls)
    work: dict[str, Callable[[Any], Any]] = {}

    def prepare() -> dict[str, Callable[[Any], Any]]:
        # Resolved on first use: hooks for classes that refer to one another must all exist.
        if not work:
            for f in fields:
                fn = _value_structurer(conv, hints[f.name])
                if fn is not None:
                    work[f.name] = fn
            work.setdefault("", lambda v: v)  # marks "prepared" even for classes with no work
        return work

    what = f"a {tag} block" if tag else cls.__name__

    def structure(value: Any, _t: Any) -> Any:
        if not isinstance(value, Mapping):
            raise ValidationError("", f"{what} must be an object, not {type(value).__name__}")
        data = dict(value)
        if tag is not None:
            kind = data.pop("type", tag)
            if kind != tag:
                raise ValidationError("type", f"expected {tag!r}, not {kind!r}")
        extra = data.keys() - names
        if extra:
            raise ValidationError("", f"unknown field(s): {', '.join(sorted(extra))}")
        for name in required:
            if name not in data:
                raise ValidationError(name, "is required but missing")
        convert = work or prepare()
        for name, raw in data.items():
            fn = convert.get(name)
            if fn is not None:
                try:
                    data[name] = fn(raw)
                except ValidationError as exc:
                    raise exc.within(name) from None
        try:
            return cls(**data)
        except TypeError as exc:  # pragma: no cover - keys and required fields are checked above
            raise ValidationError("", f"cannot build {what}: {exc}") from None

    return structure


def _model_classes() -> tuple[type, ...]:
    """Every attrs class reachable from Article, except the blocks (tagged separately)."""
    seen: list[type] = []
    todo: list[Any] = [Article]
    while todo:
        tp = todo.pop()
        if attrs.has(tp) and isinstance(tp, type):
            if tp in seen or tp in BLOCK_TYPES.values():
                continue
            seen.append(tp)
            todo.extend(typing.get_type_hints(tp).values())
        else:
            todo.extend(get_args(tp))
    return tuple(seen)


def _tagged_unstructure(conv: cattrs.Converter, cls: type) -> Any:
    inner: Any = make_dict_unstructure_fn(cls, conv, _cattrs_omit_if_default=True)
    kind = cls.kind  # type: ignore[attr-defined]

    def unstructure(block: Any) -> dict[str, Any]:
        return {"type": kind, **inner(block)}

    return unstructure


def _structure_block(conv: cattrs.Converter) -> Any:
    by_kind = {kind: conv.get_structure_hook(cls) for kind, cls in BLOCK_TYPES.items()}

    def structure(value: Any, _t: Any) -> Block:
        if not isinstance(value, Mapping):
            raise ValidationError("", f"a body block must be an object, not {type(value).__name__}")
        kind = value.get("type")
        build = by_kind.get(kind) if isinstance(kind, str) else None
        if build is None:
            raise ValidationError("type", f"{kind!r} is not a block type ({', '.join(BLOCK_TYPES)})")
        return build(value, None)  # type: ignore[no-any-return]

    return structure


def _structure_body(structure_block: Any) -> Any:
    """Structure a body: one loop, with plain paragraphs (most of any story) built directly."""

    def block(item: Any) -> Block:
        if type(item) is dict and len(item) == 2 and item.get("type") == "paragraph" and "text" in item:  # noqa: PLR2004
            text = item["text"]
            try:
                return plain_paragraph(text)
            except ValidationError:
                if type(text) is str:
                    raise
                raise ValidationError("text", _MARKUP_RULE.format(type(text).__name__)) from None
        return structure_block(item, None)  # type: ignore[no-any-return]

    return lambda value, _t: _each(value, block, "a list of blocks")


def _each(value: Any, build: Callable[[Any], _T], what: str) -> tuple[_T, ...]:
    """Build every item of a JSON list, naming the index of the first bad one."""
    if not isinstance(value, list | tuple):
        raise ValidationError("", f"must be {what}, not {type(value).__name__}")
    out: list[_T] = []
    for i, item in enumerate(value):
        try:
            out.append(build(item))
        except ValidationError as exc:
            raise exc.within(f"[{i}]") from None
    return tuple(out)


def _structure_inline(value: Any, _t: Any) -> InlineText:
    """Inline text from JSON: markup in a string (the model also takes nodes, which JSON has not)."""
    if type(value) is str:
        return InlineText(value)
    if isinstance(value, InlineText):
        return value
    raise ValidationError("", _MARKUP_RULE.format(type(value).__name__))


_MARKUP_RULE: Final = "must be markup text (a string), not {}"


def _structure_datetime(value: Any, _t: Any) -> datetime:
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        raise ValidationError("", f"a time must be an ISO 8601 string, not {type(value).__name__}")
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise ValidationError("", f"{value!r} is not an ISO 8601 time such as 2026-01-16T11:01:00+04:00") from None


def _structure_date(value: Any, _t: Any) -> date:
    if not isinstance(value, str):
        raise ValidationError("", f"a date must be an ISO 8601 string, not {type(value).__name__}")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError("", f"{value!r} is not an ISO 8601 date such as 2026-01-16") from None


converter: Final = _make_converter()
"""The cattrs converter for the model; use it to (un)structure any model class."""


def to_dict(article: Article) -> dict[str, Any]:
    """The article as JSON-ready data, with ``format_version`` first."""
    return {"format_version": FORMAT_VERSION, **converter.unstructure(article, Article)}


def from_dict(data: Mapping[str, Any]) -> Article:
    """Build an article from :func:`to_dict` data.

    Raises:
        ValidationError: naming the first bad field's path, e.g. ``body[3].text``.
    """
    if not isinstance(data, Mapping):
        raise ValidationError("", f"a story must be a JSON object, not {type(data).__name__}")
    fields = dict(data)
    version = fields.pop("format_version", FORMAT_VERSION)
    if type(version) is not int or version != FORMAT_VERSION:  # true == 1 and 1.0 == 1 in Python
        raise ValidationError("format_version", f"{version!r} is not supported; this release reads {FORMAT_VERSION}")
    try:
        return converter.structure(fields, Article)
    except cattrs.BaseValidationError as exc:  # pragma: no cover - every model class has its own hook
        raise _first_error(exc) from None


def _first_error(exc: BaseException, path: str = "") -> ValidationError:
    """Turn cattrs' grouped errors into one ValidationError with the full field path."""
    if isinstance(exc, cattrs.BaseValidationError):
        for sub in exc.exceptions:
            step = ""
            for note in getattr(sub, "__notes__", ()):
                if isinstance(note, cattrs.AttributeValidationNote):
                    step = note.name
                elif isinstance(note, cattrs.IterableValidationNote):
                    step = f"[{note.index}]"
            joined = f"{path}.{step}" if path and step and not step.startswith("[") else path + step
            return _first_error(sub, joined)
    if isinstance(exc, ValidationError):
        return exc.within(path)
    if isinstance(exc, KeyError):
        return ValidationError(path, f"required field {exc.args[0]!r} is missing")
    if isinstance(exc, cattrs.ForbiddenExtraKeysError):
        return ValidationError(path, f"unknown field(s): {', '.join(sorted(exc.extra_fields))}")
    return ValidationError(path, str(exc) or type(exc).__name__)


def dumps(article: Article, *, indent: int | None = 2) -> str:
    """The article as native JSON text (UTF-8 characters kept, keys in model order).

    ``indent=None`` gives one compact line (for JSON Lines); ``2`` (the default) is indented.
    """
    data = to_dict(article)
    if indent in (None, 2):
        try:
            # orjson is several times faster than the standard library, and bulk runs feel it.
            return orjson.dumps(data, option=orjson.OPT_INDENT_2 if indent else 0).decode("utf-8")
        except orjson.JSONEncodeError:  # pragma: no cover - e.g. an integer beyond 64 bits
            pass
    return json.dumps(data, ensure_ascii=False, indent=indent)


def loads(text: str | bytes) -> Article:
    """Read an article from native JSON text.

    Raises:
        ValidationError: for bad JSON (naming line and column), a bad field, or a document
            nested deeper than Python's recursion limit allows.
    """
    try:
        return from_json(text)
    except json.JSONDecodeError as exc:
        raise ValidationError(f"line {exc.lineno} column {exc.colno}", f"not JSON: {exc.msg}") from None
    except UnicodeDecodeError as exc:
        raise ValidationError(f"byte {exc.start}", f"not UTF-8 text: {exc.reason}") from None
    except RecursionError:
        rule = "nested too deeply to read (deeper than Python's recursion limit allows)"
        raise ValidationError("", rule) from None


def from_json(text: str | bytes) -> Article:
    """Build an article from native JSON text: ``from_dict(parse_json(text))``, but faster.

    The same article, and the same exceptions with the same messages, as that pair; what a
    reader plugin that reports each kind of failure in its own words calls. :func:`loads`
    turns every failure into a :class:`~newsroom.ValidationError`.

    orjson's values go straight to :func:`from_dict` without the look at every value that
    :func:`parse_json` takes to find where orjson and the standard library differ: the model
    itself refuses those values (a float where it wants text or a whole number, a latitude
    beyond 90) except in ``extra``, which is looked at alone. Whatever fails is done again the
    exact way, so an error is the one ``from_dict(parse_json(text))`` gives.

    Raises:
        json.JSONDecodeError: the text is not JSON.
        UnicodeDecodeError: bytes that are not UTF-8.
        ValidationError: a bad field, a lone surrogate or an over-long integer, naming its path.
        RecursionError: nesting deeper than Python's recursion limit allows.
    """
    # The exact way is taken outside the except clauses, so its error is not chained to the first.
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError:
        value = _REFUSED
    if value is not _REFUSED:
        try:
            article = from_dict(value)
        except Exception:  # noqa: BLE001 - done again the exact way, for the exact error
            article = None
        if article is not None and not _maybe_long_integers(value.get("extra")):  # from_dict took extra: a dict
            return article
    return from_dict(parse_json(text))


def _maybe_long_integers(extra: dict[str, Any] | None) -> bool:
    """Whether ``extra`` holds a float as large as orjson makes an integer beyond 64 bits."""
    return bool(extra) and any(type(v) is float and not -_HUGE < v < _HUGE for v in extra.values())  # type: ignore[union-attr]


_REFUSED: Final = object()


def parse_json(text: str | bytes) -> Any:
    r"""Parse JSON text as the standard library does, but several times faster for most input.

    orjson parses it where it gives the same values: not where it refuses the text (so errors
    and the odd extension, such as ``NaN``, are the standard library's own), and not where it
    turned an integer beyond 64 bits into a float, which shows as a float of that size. One
    difference remains: a document nested 1,000 to 1,023 levels deep is read, where the
    standard library runs out of recursion.

    Two things the standard library reads are refused, as no story can hold them: a lone
    surrogate (``"\ud800"`` escaped, or in a ``str``), which no UTF-8 file can hold, and an
    integer of more digits than Python converts (4,300 by default). Bytes must be UTF-8 (the
    standard library's UTF-16 and UTF-32 are read too), without its ``surrogatepass``.

    Raises:
        json.JSONDecodeError: the text is not JSON, with the standard library's message,
            line and column.
        UnicodeDecodeError: bytes that are not UTF-8.
        ValidationError: a lone surrogate or an integer too long to read, naming where it is
            (``headline``, ``body[2].level``).
        RecursionError: the text nests arrays or objects deeper than orjson (1,023 levels) and
            Python's recursion limit allow; :func:`loads` reports it as a ValidationError.
    """
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError:  # orjson refuses lone surrogates and integers beyond a float: checked there
        return _parse_slowly(text)
    odd = odd_values(value)
    return json.loads(text) if odd is None or any(not -_HUGE < v < _HUGE for v in odd) else value


def _parse_slowly(text: str | bytes) -> Any:
    """The standard library's parse, refusing what no story can hold (see :func:`parse_json`)."""
    if not isinstance(text, str):
        # As json.loads decodes, but strictly: its "surrogatepass" would let a lone surrogate in.
        text = bytes(text).decode(json.detect_encoding(text))
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        raise
    except ValueError:  # an integer of more digits than int() converts: find where it is
        value = json.loads(text, parse_int=_parse_int)
    problem = _unreadable(value)
    if problem is not None:
        raise ValidationError(*problem)
    return value


class _LongInteger:
    """Stands in, while an error is found, for an integer of more digits than ``int()`` converts."""

    def __init__(self, digits: int) -> None:
        self.digits = digits


def _parse_int(digits: str) -> int | _LongInteger:
    try:
        return int(digits)
    except ValueError:
        return _LongInteger(len(digits.lstrip("-")))


_SURROGATE: Final = re.compile("[\ud800-\udfff]")


def _unreadable(value: Any) -> tuple[str, str] | None:
    """The path and rule of the first lone surrogate or over-long integer in parsed JSON, or ``None``.

    Only the slow path of :func:`parse_json` runs this, for text that orjson refused: orjson
    refuses both, so text it reads needs no check.
    """
    stack: list[tuple[Any, str]] = [(value, "")]
    while stack:
        item, path = stack.pop()
        kind = type(item)
        if kind is str:
            found = _SURROGATE.search(item)
            if found:
                return (
                    path,
                    f"contains a lone surrogate ({found.group()!a}), which no UTF-8 file can hold",
                )
        elif kind is dict:
            for key in item:
                found = _SURROGATE.search(key)
                if found:
                    return path, f"field name {key!a} contains a lone surrogate, which no UTF-8 file can hold"
            stack.extend((v, f"{path}.{k}" if path else k) for k, v in reversed(item.items()))
        elif kind is list:
            stack.extend((v, f"{path}[{i}]") for i, v in reversed(list(enumerate(item))))
        elif kind is _LongInteger:
            limit = sys.get_int_max_str_digits()
            return path, f"an integer of {item.digits:,} digits is too long to read (at most {limit:,})"
    return None


_HUGE: Final = float(2**63)  # orjson keeps integers within 64 bits; beyond, it gives floats
_MAX_VALUES: Final = 1_000_000


def odd_values(value: Any) -> list[Any] | None:
    """The values in nested dicts, lists and tuples that are not text, whole numbers, booleans or null.

    Floats, mostly: where orjson and the standard library can differ (parsing, and writing the
    canonical JSON of :mod:`newsroom.audit`). ``None`` for a structure of more than a million
    values, or one that contains itself, which only the standard library handles.
    """
    out: list[Any] = []
    stack = [value]
    pop, push = stack.pop, stack.extend
    budget = _MAX_VALUES
    while stack:
        budget -= 1
        if budget < 0:
            return None
        item = pop()
        kind = type(item)
        if kind is dict:
            push(item.values())
        elif kind is list or kind is tuple:
            push(item)
        elif kind is not str and kind is not int and kind is not bool and item is not None:
            out.append(item)
    return out


def content_dict(article: Article) -> dict[str, Any]:
    """The article's content: everything but its state and history (what an audit hashes)."""
    data = converter.unstructure(article, Article)
    data.pop("state", None)
    data.pop("history", None)
    return data  # type: ignore[no-any-return]


# --------------------------------------------------------------------------- JSON Schema


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the native JSON form, generated from the model."""
    defs: dict[str, Any] = {}
    root = _class_schema(Article, defs)
    root["properties"] = {"format_version": {"const": FORMAT_VERSION}, **root["properties"]}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": _SCHEMA_ID,
        "title": "newsroom Article",
        **root,
        "$defs": dict(sorted(defs.items())),
    }


def edition_schema() -> dict[str, Any]:  # pragma: no cover - reserved for editions in JSON
    """The schema of an edition (not yet a file format of its own)."""
    defs: dict[str, Any] = {}
    return {**_class_schema(Edition, defs), "$defs": defs}


def _class_schema(cls: type, defs: dict[str, Any]) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    props: dict[str, Any] = {}
    required: list[str] = []
    kind = getattr(cls, "kind", None)
    if isinstance(kind, str) and cls in BLOCK_TYPES.values():
        props["type"] = {"const": kind}
        required.append("type")
    for field in attrs.fields(cls):
        schema = _type_schema(hints[field.name], defs)
        rules = _validator_rules(field.validator)
        if rules:
            schema = {**schema, **rules}
        props[field.name] = schema
        if field.default is attrs.NOTHING:
            required.append(field.name)
    out: dict[str, Any] = {"type": "object", "properties": props, "additionalProperties": False}
    if required:
        out["required"] = required
    if cls.__doc__:
        out["description"] = cls.__doc__.strip().split("\n\n")[0].replace("\n", " ")
    return out


def _validator_rules(validator: Any) -> dict[str, Any]:
    """The JSON Schema keywords a field's validators lend it (see :func:`newsroom.validators.schema_hint`).

    Walks attrs' composed validators (a list, ``optional``), which keep theirs inside.
    """
    if validator is None:
        return {}
    rules: dict[str, Any] = dict(getattr(validator, "json_schema", None) or {})
    for inner in getattr(validator, "_validators", ()):  # a list of validators (attrs' and_)
        rules.update(_validator_rules(inner))
    inner = getattr(validator, "validator", None)  # attrs.validators.optional(...)
    if inner is not None:
        rules.update(_validator_rules(inner))
    return rules


def _ref(cls: type, defs: dict[str, Any]) -> dict[str, Any]:
    name = cls.__name__
    if name not in defs:
        defs[name] = {}  # reserve first: classes may refer to each other
        defs[name] = _class_schema(cls, defs)
    return {"$ref": f"#/$defs/{name}"}


def _type_schema(tp: Any, defs: dict[str, Any]) -> dict[str, Any]:
    origin = get_origin(tp)
    if tp is Block:
        return {"oneOf": [_ref(cls, defs) for cls in BLOCK_TYPES.values()]}
    if origin in (typing.Union, types.UnionType):
        args = get_args(tp)
        if set(args) == set(get_args(Block)):
            return _type_schema(Block, defs)
        return {"anyOf": [_type_schema(a, defs) for a in args]}
    if tp is type(None):
        return {"type": "null"}
    if tp is bool:
        return {"type": "boolean"}
    if tp is int:
        return {"type": "integer"}
    if tp is float:
        return {"type": "number"}
    if tp is str:
        return {"type": "string"}
    if tp is datetime:
        return {"type": "string", "format": "date-time"}
    if tp is date:
        return {"type": "string", "format": "date"}
    if tp is InlineText:
        return {
            "type": "string",
            "description": "inline markup: text with <em>, <strong>, <a href>, <br>, <q>, <sub>, <sup>",
        }
    if origin is Literal:
        return {"enum": list(get_args(tp))}
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return {"enum": [m.value for m in tp]}
    if origin in (tuple, frozenset):
        args = get_args(tp)
        return {"type": "array", "items": _type_schema(args[0], defs)}
    if origin in (Mapping, dict) or tp is Mapping:
        return {"type": "object", "additionalProperties": {"type": "string"}}
    if attrs.has(tp):
        return _ref(tp, defs)
    msg = f"no JSON Schema mapping for {tp!r}"  # pragma: no cover - guards new field types
    raise TypeError(msg)  # pragma: no cover
