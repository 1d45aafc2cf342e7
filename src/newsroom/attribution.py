"""Attribution as data: what a source demands, what a story owes, and how to tell it was paid.

A :class:`Source` may carry an :class:`AttributionPolicy` ("any use of materials is allowed
only if there is a hyperlink to Caliber.az"). :func:`obligations` works out every link a
story owes, from its publisher and from each source it uses; exporters place the ready-made
:class:`AttributionLine`; after every export the core proves each link is present in the
rendition (see :mod:`newsroom.proofs`).

This module is part of the model: it must never import lxml, a plugin or the CLI.
"""

from __future__ import annotations

import enum
import functools
import ipaddress
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Final, NamedTuple
from urllib.parse import unquote, urlsplit

import attrs

from newsroom.errors import ValidationError
from newsroom.validators import clean_text, enum_value, http_url, init_keys, non_empty, optional_str, optional_text


if TYPE_CHECKING:
    from newsroom.articles import Article


__all__ = [
    "AttributionLine",
    "AttributionPolicy",
    "LinkScope",
    "Obligation",
    "Source",
    "SourceRole",
    "attribution_lines",
    "host_of",
    "href_satisfies",
    "obligations",
    "text_satisfies",
    "unpaid",
    "urls_in_text",
]


class LinkScope(enum.StrEnum):
    """What the required hyperlink must point at."""

    SITE = "site"
    """Any page on the source's site (its host or a subdomain of it)."""
    STORY = "story"
    """Exactly the original story's URL."""


class SourceRole(enum.StrEnum):
    """How a source contributed to a story."""

    SOURCE = "source"
    """Material was taken from it directly."""
    VIA = "via"
    """It is credited as the route the news came by ("reports via Japanese media")."""


def _scope_conv(value: LinkScope | str) -> LinkScope:
    return enum_value(LinkScope, value, "scope")


def _role_conv(value: SourceRole | str) -> SourceRole:
    return enum_value(SourceRole, value, "role")


@attrs.frozen(kw_only=True)
class AttributionPolicy:
    """A source's condition for using its material."""

    scope: LinkScope = attrs.field(default=LinkScope.SITE, converter=_scope_conv)
    """Whether the link must go to the site or to the original story."""
    credit: str | None = attrs.field(default=None, converter=optional_text, validator=optional_str)
    """The credit text to show with the link; defaults to the source's name."""
    notice: str | None = attrs.field(default=None, converter=optional_text, validator=optional_str)
    """The policy as the source words it, kept for the record and for rights fields."""


def _policy_conv(value: AttributionPolicy | Mapping[str, Any] | None) -> AttributionPolicy | None:
    if value is None or isinstance(value, AttributionPolicy):
        return value
    if isinstance(value, Mapping):
        init_keys(AttributionPolicy, value, "policy")
        try:
            return AttributionPolicy(**value)
        except ValidationError as exc:
            raise exc.within("policy") from None
        except TypeError as exc:
            raise ValidationError("policy", f"cannot build AttributionPolicy: {exc}") from None
    raise ValidationError("policy", f"must be an AttributionPolicy, not {type(value).__name__}")


@attrs.frozen(kw_only=True)
class Source:
    """Where a story's material came from."""

    name: str = attrs.field(converter=clean_text, validator=non_empty)
    """The source's name as credited, e.g. ``Caliber.Az``."""
    home: str | None = attrs.field(default=None, validator=http_url)
    """The source's home page, e.g. ``https://caliber.az``."""
    url: str | None = attrs.field(default=None, validator=http_url)
    """The original story this material comes from, when known."""
    policy: AttributionPolicy | None = attrs.field(default=None, converter=_policy_conv)
    """The source's attribution rule, if it has one."""
    role: SourceRole = attrs.field(default=SourceRole.SOURCE, converter=_role_conv)
    """Direct source, or a "via" credit."""

    @policy.validator
    def _check_policy(self, _attr: object, policy: Any) -> None:
        if policy is None:
            return
        if policy.scope is LinkScope.SITE and self.home is None and self.url is None:
            raise ValidationError("policy", f"source {self.name!r} requires a link to its site, so give it a home URL")
        if policy.scope is LinkScope.STORY and self.url is None:
            raise ValidationError(
                "policy", f"source {self.name!r} requires a link to the original story, so give it a url"
            )

    @property
    def required_link(self) -> str | None:
        """The URL a rendition must link to, or ``None`` if the source has no policy."""
        if self.policy is None:
            return None
        if self.policy.scope is LinkScope.STORY:
            return self.url
        return self.home or _site_of(self.url)


def _site_of(url: str | None) -> str | None:
    if url is None:
        return None
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"


@functools.lru_cache(maxsize=4096)
def host_of(url: str) -> str:
    r"""The host a browser reads in the http(s) URL ``url``: lowercase, Unicode, no leading ``www.``.

    The host is read as the WHATWG URL standard reads it: backslashes are slashes
    (``https://evil.example\@caliber.az/`` goes to ``evil.example``), it is percent-decoded and
    mapped as UTS #46 maps it (``ｃａｌｉｂｅｒ。az`` is ``caliber.az``), and ``xn--`` labels are
    decoded. ``""`` when a browser would read no host there, or would not read ``url`` as an
    http(s) URL whatever page it is on (``https:caliber.az`` is relative on an https page).
    """
    link = _parse(url)
    return "" if link is None else link.host


class _Link(NamedTuple):
    """An http(s) URL as a browser reads it, fragment left out."""

    scheme: str
    """``http`` or ``https``."""
    host: str
    """As :func:`host_of` gives it; ``""`` when it is no valid host."""
    port: int | None
    """``None`` for the scheme's default port, :data:`_NO_PORT` for an impossible one."""
    path: str
    """As written, backslashes read as slashes."""
    query: str
    """As written, ``""`` when there is none."""


_NO_PORT: Final = -1
_DEFAULT_PORTS: Final = {"http": 80, "https": 443}
# A scheme and at least two slashes (or backslashes): what makes an http(s) link mean the same on
# any page. With fewer ("https:/caliber.az"), a page of the same scheme reads a relative link.
_START: Final = re.compile(r"([Hh][Tt][Tt][Pp][Ss]?):[/\\]{2}[/\\]*")
# Where the authority (user name, host and port) ends.
_AUTHORITY_END: Final = re.compile(r"[/\\?#]")
# What browsers strip around a link target: C0 controls and the space, not other white space.
_URL_STRIP: Final = "".join(map(chr, range(0x21)))
# What browsers drop anywhere in a link target.
_TAB_NEWLINE: Final = str.maketrans("", "", "\t\n\r")
# No host holds one of these (WHATWG's forbidden domain code points), even once percent-decoded.
_FORBIDDEN: Final = re.compile(r"[\x00-\x20#%/:<>?@\[\\\]^|\x7f]")


def _parse(url: str) -> _Link | None:
    """``url`` read as browsers read an http(s) link, or ``None`` if it is not one on every page."""
    url = url.strip(_URL_STRIP)
    if "\t" in url or "\n" in url or "\r" in url:
        url = url.translate(_TAB_NEWLINE)
    start = _START.match(url)
    if start is None:
        return None
    scheme = start.group(1).lower()
    end = _AUTHORITY_END.search(url, start.end())
    cut = len(url) if end is None else end.start()
    # The host follows the last "@" of the authority: what precedes it is a user name.
    host, port = _host_port(url[start.end() : cut].rpartition("@")[2], scheme)
    rest, _, _ = url[cut:].partition("#")
    path, _, query = rest.partition("?")
    return _Link(scheme=scheme, host=host, port=port, path=path.replace("\\", "/") or "/", query=query)


def _host_port(authority: str, scheme: str) -> tuple[str, int | None]:
    """The host and port of ``host[:port]``, as :class:`_Link` holds them."""
    colon = authority.find(":", authority.rfind("]") + 1)  # an IPv6 address has colons in brackets
    text, digits = (authority, "") if colon == -1 else (authority[:colon], authority[colon + 1 :])
    port: int | None = None
    if digits:
        # Leading zeros are allowed (":0443" is 443); beyond five digits more, no port (nor int()).
        significant = digits.lstrip("0")
        number = digits.isascii() and digits.isdigit() and len(significant) <= 5  # noqa: PLR2004
        port = int(significant or "0") if number else _NO_PORT
        if port > 65535:  # noqa: PLR2004 - the highest port
            port = _NO_PORT
        elif port == _DEFAULT_PORTS[scheme]:
            port = None
    return _read_host(text), port


def _read_host(text: str) -> str:
    """The host ``text`` as :func:`host_of` gives it, or ``""`` if a browser would refuse it."""
    if text.startswith("["):
        if not text.endswith("]") or "%" in text:
            return ""
        try:
            return f"[{ipaddress.IPv6Address(text[1:-1]).compressed}]"
        except ValueError:
            return ""
    if "%" in text:
        try:
            text = unquote(text, errors="strict")
        except UnicodeDecodeError:
            return ""
    host = text.lower() if text.isascii() else _map_host(text)
    if not host or _FORBIDDEN.search(host):
        return ""
    labels = host.split(".")
    if len(labels) > 1 and not labels[-1]:  # "caliber.az." is caliber.az
        labels.pop()
    if "" in labels:  # ".caliber.az", "caliber..az": no name to look up
        return ""
    if _NUMBER.fullmatch(labels[-1]):  # "0x7f.1" is 127.0.0.1, and "x.08" is no host
        return _ipv4(labels)
    host = ".".join(labels)
    if "xn--" in host:
        host = _unicode_host(host)
    if not host.isascii() and not _bidi_ok(host):
        return ""
    return host.removeprefix("www.")


_RTL: Final = frozenset({"R", "AL"})
_RTL_ALLOWED: Final = frozenset({"R", "AL", "AN", "EN", "ES", "CS", "ET", "ON", "BN", "NSM"})
_LTR_ALLOWED: Final = frozenset({"L", "EN", "ES", "CS", "ET", "ON", "BN", "NSM"})


def _bidi_ok(host: str) -> bool:
    """Whether ``host`` keeps the IDNA Bidi rule (RFC 5893), which browsers apply through UTS #46."""
    classes = [[unicodedata.bidirectional(c) for c in label] for label in host.split(".")]
    if not any(k in _RTL or k == "AN" for label in classes for k in label):
        return True  # not a Bidi domain name: no rule to keep
    for label in classes:
        if not label:
            continue
        ending = [k for k in label if k != "NSM"][-1:]
        if label[0] in _RTL:
            if not set(label) <= _RTL_ALLOWED or ending[0] not in {"R", "AL", "EN", "AN"}:
                return False
            if "EN" in label and "AN" in label:
                return False
        elif label[0] == "L":
            if not set(label) <= _LTR_ALLOWED or ending[0] not in {"L", "EN"}:
                return False
        else:
            return False
    return True


_NUMBER: Final = re.compile(r"[0-9]+|0[Xx][0-9A-Fa-f]*")


def _ipv4(parts: list[str]) -> str:
    """The IPv4 address written as ``parts`` (decimal, octal ``017`` or hex ``0x7f``), or ``""``."""
    if len(parts) > 4:  # noqa: PLR2004 - four bytes
        return ""
    numbers: list[int] = []
    for part in parts:
        if not _NUMBER.fullmatch(part):  # int() also takes "+1", "-1", "1_2" and other scripts' digits
            return ""
        digits, base = part, 10
        if part[:2] in ("0x", "0X"):
            digits, base = part[2:], 16
        elif len(part) > 1 and part[0] == "0":
            digits, base = part[1:], 8
        try:
            numbers.append(int(digits, base) if digits else 0)
        except ValueError:  # "08"
            return ""
    *high, low = numbers
    if any(n > 255 for n in high) or low >= 256 ** (5 - len(numbers)):  # noqa: PLR2004 - a byte
        return ""
    return str(ipaddress.IPv4Address(low + sum(n << (8 * (3 - i)) for i, n in enumerate(high))))


# UTS #46 maps these to ".", as browsers do: "caliber。az" is caliber.az.
_FULL_STOPS: Final = frozenset("\u3002\uff0e\uff61")
# UTS #46 keeps these as they are, where case folding would change them.
_KEPT: Final = frozenset("ßς")
# Categories no host holds: controls, format characters (UTS #46 drops some, such as the soft
# hyphen, and refuses others), separators, surrogates, private use and unassigned code points.
_NO_HOST_CATEGORIES: Final = frozenset({"Cc", "Cf", "Cn", "Co", "Cs", "Zl", "Zp", "Zs"})
# Others that UTS #46 drops or refuses, or that its versions map differently (ẞ: "ss" or "ß").
_NO_HOST_CHARS: Final = re.compile(
    "[\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u1e9e\u2ff0-\u2fff\u3164"
    "\ufe00-\ufe0f\uffa0\ufffc\ufffd\U000e0100-\U000e01ef]"
)


def _map_host(text: str) -> str:
    """A non-ASCII host mapped as UTS #46 maps it, or ``""`` where that is not certain.

    Each character becomes its NFKC case fold (``ｃ`` and ``Ｃ`` are ``c``, ``Ⓒ`` is ``c``), the
    ideographic and full-width full stops become ``.``, and the result is put in NFC. A host
    holding a character that UTS #46 refuses, drops or maps by version is refused: so is one
    whose character maps to a full stop other than these (``․``, ``⒈``: browsers refuse them)
    or to a character no host may hold (``／`` is ``/``). Refusing is the safe way: it can only
    leave an obligation unpaid, never pay one for a host the link does not reach.
    """
    if _NO_HOST_CHARS.search(text):
        return ""
    out: list[str] = []
    for char in text:
        if char.isascii() or char in _KEPT:
            out.append(char.lower())
        elif char in _FULL_STOPS:
            out.append(".")
        elif unicodedata.category(char) in _NO_HOST_CATEGORIES:
            return ""
        else:
            mapped = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", char).casefold())
            if "." in mapped or not _FULL_STOPS.isdisjoint(mapped):
                return ""
            out.append(mapped)
    host = unicodedata.normalize("NFC", "".join(out))
    # UTS #46 refuses a label that starts with a combining mark.
    if any(label and unicodedata.category(label[0]).startswith("M") for label in host.split(".")):
        return ""
    return host


def _unicode_host(host: str) -> str:
    """``host`` with its IDNA (punycode) labels decoded, or ``""`` if one cannot be read.

    Only a label that decodes to non-ASCII text and encodes back to itself is decoded (a real
    international name); one that decodes to ASCII (``xn--caliber-``, which the raw codec reads
    as ``caliber``) stays as written, so it never passes for another host; one that does not
    decode, or decodes to what UTS #46 would map or refuse, makes no host, as for browsers.
    """
    labels = []
    for label in host.split("."):
        decoded = label
        if label.startswith("xn--"):
            try:
                text = label[4:].encode("ascii").decode("punycode")
            except (UnicodeError, ValueError):
                return ""
            if not text.isascii():
                if _map_host(text) != text or "xn--" + text.encode("punycode").decode() != label:
                    return ""
                decoded = text
        labels.append(decoded)
    return ".".join(labels)


@attrs.frozen(kw_only=True)
class Obligation:
    """One link a story owes, and to whom."""

    source: str
    """The name of the source that demands it."""
    url: str
    """The link to place."""
    scope: LinkScope
    """``site``: any link to the host counts; ``story``: exactly this URL."""
    credit: str
    """The text to show with the link."""
    notice: str | None = None
    """The source's own wording of its rule."""

    @property
    def host(self) -> str:
        """The host every satisfying link must point at."""
        return host_of(self.url)

    def describe(self) -> str:
        """A short description for error messages."""
        what = f"a hyperlink to {self.host}" if self.scope is LinkScope.SITE else f"a hyperlink to {self.url}"
        return f"{what} (required by {self.source})"


@attrs.frozen(kw_only=True)
class AttributionLine:
    """A ready-made credit for an exporter to place: ``Source: Caliber.Az`` + its URL."""

    label: str
    """The localised lead word, e.g. ``Source`` or ``Источник``."""
    credit: str
    """Who is credited."""
    url: str
    """Where the link goes."""

    @property
    def text(self) -> str:
        """Label and credit, without the URL: ``Source: Caliber.Az``."""
        return f"{self.label}: {self.credit}"

    def __str__(self) -> str:
        return f"{self.text} ({self.url})"


_LABELS = {"en": "Source", "ru": "Источник", "az": "Mənbə"}


def obligations(article: Article) -> tuple[Obligation, ...]:
    """Every link ``article`` owes: its publisher's policy, then each source's, without repeats."""
    seen: set[tuple[bool, str]] = set()
    owed: list[Obligation] = []
    for source in _policy_sources(article):
        url = source.required_link
        if url is None or source.policy is None:  # pragma: no cover - Source validates this
            continue
        scope = source.policy.scope
        site = scope is LinkScope.SITE
        key = (site, host_of(url) if site else url)  # a bool, not the enum: its hash is Python code
        if key in seen:
            continue
        seen.add(key)
        owed.append(
            Obligation(
                source=source.name,
                url=url,
                scope=scope,
                credit=source.policy.credit or source.name,
                notice=source.policy.notice,
            )
        )
    return tuple(owed)


def _policy_sources(article: Article) -> Iterator[Source]:
    if article.publisher is not None and article.publisher.policy is not None:
        yield article.publisher
    for source in article.sources:
        if source.policy is not None:
            yield source


def attribution_lines(article: Article, owed: tuple[Obligation, ...] | None = None) -> tuple[AttributionLine, ...]:
    """The credit lines an exporter must place, in the story's language (en, ru, az; else en).

    ``owed`` is ``obligations(article)`` when the caller has it already.
    """
    label = _LABELS.get(article.language.split("-")[0].lower(), _LABELS["en"])
    return tuple(
        AttributionLine(label=label, credit=o.credit, url=o.url)
        for o in (obligations(article) if owed is None else owed)
    )


def href_satisfies(href: str, obligation: Obligation) -> bool:
    """Whether a hyperlink target pays ``obligation``."""
    return _pays(href, obligation.url, obligation.scope is LinkScope.STORY)


@functools.lru_cache(maxsize=8192)
def _pays(href: str, url: str, story: bool) -> bool:
    # Cached: a bulk run checks the same links (a publisher's home page) story after story. The
    # scope comes as a bool (story scope or not): an enum member hashes in Python code.
    if story:
        key = _norm_url(href)
        return key is not None and key == _norm_url(url)
    link = _parse(href)
    if link is None or not link.host or link.port == _NO_PORT:  # e.g. "https://[x", ":99999": no link
        return False
    want = host_of(url)
    return bool(want) and (link.host == want or link.host.endswith("." + want))


@functools.lru_cache(maxsize=4096)
def _norm_url(url: str) -> str | None:
    """``url`` as compared for a story-scope link, or ``None`` if it is no link to follow.

    Scheme, host and port make the origin, which must be the story's own: ``:443`` is the
    https default written out, but another port, or ``http`` for ``https``, is another origin.
    The host is Unicode and the path and query are percent-decoded: a renderer may write
    ``https://caliber.az/az/post/xəbər`` as ``.../x%C9%99b%C9%99r`` and ``пример.рф`` as
    ``xn--e1afmkfd.xn--p1ai``, the same link. The path's dot segments are resolved, as
    browsers do (``/az/x/../post/1`` is ``/az/post/1``), and a trailing slash does not count.
    """
    link = _parse(url)
    if link is None or not link.host or link.port == _NO_PORT:
        return None
    path, query = _resolve_dots(link.path), link.query
    if "%" in path or "%" in query:
        path, query = _unescape(path), _unescape(query)
    port = "" if link.port is None else f":{link.port}"
    return f"{link.scheme}://{link.host}{port}{path.rstrip('/')}?{query}"


_SINGLE_DOT: Final = frozenset({".", "%2e"})
_DOUBLE_DOT: Final = frozenset({"..", ".%2e", "%2e.", "%2e%2e"})


def _resolve_dots(path: str) -> str:
    """``path`` with its ``.`` and ``..`` segments (``%2e`` is a dot there) resolved, as browsers do."""
    if "." not in path and "%2" not in path:
        return path
    segments = path.split("/")[1:]
    out: list[str] = []
    last = len(segments) - 1
    for i, segment in enumerate(segments):
        dots = segment.lower()
        if dots in _DOUBLE_DOT:
            if out:
                out.pop()
        elif dots not in _SINGLE_DOT:
            out.append(segment)
            continue
        if i == last:  # "/a/." and "/a/b/.." end in a slash: "/a/"
            out.append("")
    return "/" + "/".join(out)


_ESCAPES: Final = re.compile(r"(?:%[0-9A-Fa-f]{2})+")
_UNRESERVED: Final = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


def _unescape(text: str) -> str:
    """Percent-escapes decoded where that changes no meaning (RFC 3986 6.2.2.2).

    Unreserved characters and UTF-8 encoded non-ASCII text are decoded (``%C9%99`` is ``ə``);
    reserved ones stay escaped, in upper case (``%2F`` is not ``/``, ``%3d`` is ``%3D``).
    """

    def run(match: re.Match[str]) -> str:
        data = bytes.fromhex(match.group().replace("%", ""))
        out: list[str] = []
        i = 0
        while i < len(data):
            byte = data[i]
            if byte < 0x80:  # noqa: PLR2004 - ASCII
                out.append(chr(byte) if byte in _UNRESERVED else f"%{byte:02X}")
                i += 1
                continue
            j = i
            while j < len(data) and data[j] >= 0x80:  # noqa: PLR2004 - a run of non-ASCII bytes
                j += 1
            try:
                out.append(data[i:j].decode("utf-8"))
            except UnicodeDecodeError:
                out.append("".join(f"%{b:02X}" for b in data[i:j]))
            i = j
        return "".join(out)

    return _ESCAPES.sub(run, text)


_URL_TAIL = re.compile(r"[^\s<>\"'()\[\]{}]+")
# Quotation marks and apostrophes of any language (ASCII ones never get into the tail).
_QUOTES = "‘’‚‛“”„‟«»‹›「」『』＂＇"
# A host ends at its first quotation mark or apostrophe ("https://caliber.az’a istinadən",
# "“https://caliber.az”—he said", "https://caliber.az«"), dash or ellipsis: none is allowed in
# a host name (IDNA).
_HOST = re.compile(f"[^/?#{_QUOTES}—–…]*")
_QUOTE = re.compile(f"[{_QUOTES}]")
# After a quotation mark inside the path, what goes on with the URL (".../o’brien-says",
# ".../„Bild“-Zeitung"); anything else (the end of the text, a space, a dash, a comma, another
# quotation mark) ends the URL at the mark. A full stop, colon or question mark goes on only
# when a letter or digit follows it (".../„Bild“.html").
_PATH_GOES_ON = frozenset("-_~/#%&=+@*$")
_PATH_GOES_ON_BEFORE_WORD = frozenset(".:?")
# The closing marks of each opening quotation mark. In a path, a closing mark that pairs with the
# last opening one is part of the URL whatever follows it (".../«a»,b", ".../„Bild“"). Pairs do
# not nest: an opening mark inside a pair means the first one opened none.
_CLOSING_MARKS: Final = {
    "«": "»",
    "»": "«",
    "‹": "›",
    "›": "‹",
    "“": "”",
    "„": "“”",
    "‘": "’",
    "‚": "‘’",
    "「": "」",
    "『": "』",
}
# Sentence punctuation, an ellipsis and closing quotation marks of any language after a URL are
# not part of it: "«https://caliber.az»", "“https://caliber.az/x”.".
_TRAILING = ".,;:!?…»”’“‘›"


def _path_goes_on(text: str, after: int, end: int) -> bool:
    """Whether the URL goes on past a quotation mark in its path, ``after`` being the next index."""
    if after >= end:
        return False
    char = text[after]
    if char.isalnum() or char in _PATH_GOES_ON:
        return True
    return char in _PATH_GOES_ON_BEFORE_WORD and after + 1 < end and text[after + 1].isalnum()


def _url_end(text: str, host_start: int, end: int) -> tuple[int, int]:
    """Where the URL whose host starts at ``host_start`` ends, its tail running up to ``end``.

    Second, where its last quotation mark that closes a pair ends (``0`` if none does):
    trailing punctuation is dropped up to there, not beyond (".../«a»." is ``.../«a»``).
    """
    if text[host_start:end].isascii():  # the usual URL: no quotation mark, dash or ellipsis (none is ASCII)
        return end, 0
    if text.find("@", host_start, end) != -1:
        # "https://user:pa’ss@example.com/": the host follows the user name, as browsers read it.
        authority = _AUTHORITY_END.search(text, host_start, end)
        at = text.rfind("@", host_start, end if authority is None else authority.start())
        if at != -1:
            host_start = at + 1
    host = _HOST.match(text, host_start, end)
    host_end = host.end() if host is not None else host_start
    if host_end < end and text[host_end] not in "/?#":
        return host_end, 0  # a quotation mark, dash or ellipsis ends the host, and the URL with it
    closing = ""  # the closing marks of the quotation mark opened last in the path
    kept = 0
    for mark in _QUOTE.finditer(text, host_end, end):
        char = mark.group()
        if char in closing:
            closing = ""
            kept = mark.end()
            continue
        goes_on = _path_goes_on(text, mark.end(), end)
        if char in _CLOSING_MARKS:  # pairs do not nest: an opening mark ends the wait for a closing one
            closing = _CLOSING_MARKS[char] if goes_on else ""
        if not goes_on:
            return mark.start(), kept
    return end, kept


def urls_in_text(text: str) -> list[str]:
    r"""The http(s) URLs printed in ``text``, with their scheme, text glued after them dropped.

    A URL is ``https?://`` (case-blind) and what follows up to a space or one of ``<>"'()[]{}``,
    but its host ends at a quotation mark, apostrophe, dash or ellipsis
    ("https://caliber.az’a istinadən"). The host is what follows the last ``@`` before the path,
    as browsers read it, so a user name or password may hold those ("https://user:pa’ss@x.example/").
    A quotation mark in its path ends it unless the path goes on after it (".../o’brien-says",
    ".../„Bild“-Zeitung" stay whole; ".../x”—he said" does not) or it closes a pair opened in the
    path (".../«a»,b" stays whole; pairs do not nest); and sentence punctuation and closing
    quotation marks at its end are dropped, but not such a pair's closing mark (".../«a»." is
    ``.../«a»``). The search is for ``://`` (a case-blind pattern cannot use a fast literal
    search, and takes ten times longer over a page).
    """
    if len(text) <= _SHORT:  # a value that is a URL (a source's home, a byline's page): they recur
        return list(_short_urls(text))
    return _urls_in_text(text)


_SHORT: Final = 300


@functools.lru_cache(maxsize=4096)
def _short_urls(text: str) -> tuple[str, ...]:
    return tuple(_urls_in_text(text))


def _urls_in_text(text: str) -> list[str]:
    out: list[str] = []
    at = text.find("://")
    while at != -1:
        # casefold(), as a case-blind match does, reads the long s of "httpſ" as "s".
        if at >= 5 and text[at - 5 : at].casefold() == "https":  # noqa: PLR2004 - len("https")
            start = at - 5
        elif at >= 4 and text[at - 4 : at].casefold() == "http":  # noqa: PLR2004 - len("http")
            start = at - 4
        else:
            at = text.find("://", at + 3)
            continue
        tail = _URL_TAIL.match(text, at + 3)
        if tail is None:
            at = text.find("://", at + 3)
            continue
        cut, kept = _url_end(text, at + 3, tail.end())
        url = text[start:cut].rstrip(_TRAILING)
        if start + len(url) < kept:  # a closing quotation mark that pairs with one in the path stays
            url = text[start:kept]
        if len(url) > at + 3 - start:  # something after the "://"
            out.append(url)
        # Text glued after a URL may hold the next one: "“https://a.example”“https://b.example”".
        at = text.find("://", max(cut, at + 3))
    return out


def text_satisfies(text: str, obligation: Obligation) -> bool:
    """Whether plain text prints a URL that pays ``obligation`` (the URL itself, with its scheme)."""
    return any(href_satisfies(url, obligation) for url in urls_in_text(text))


def unpaid(hrefs: Iterable[str], owed: Iterable[Obligation]) -> tuple[Obligation, ...]:
    """The obligations that none of ``hrefs`` pays."""
    links = tuple(hrefs)
    missing = []
    for o in owed:  # plain loops: the proof runs after every export
        url, story = o.url, o.scope is LinkScope.STORY
        for h in links:
            if _pays(h, url, story):
                break
        else:
            missing.append(o)
    return tuple(missing)
