"""Attribution as data: what a source demands, what a story owes, and how to tell it was paid.

A :class:`Source` may carry an :class:`AttributionPolicy` ("any use of materials is allowed
only if there is a hyperlink to Caliber.az"). :func:`obligations` works out every link a
story owes, from its publisher and from each source it uses; exporters place the ready-made
:class:`AttributionLine`; after every export the core proves each link is present in the
rendition (see :mod:`newsroom.proofs`).

This module is part of the model: it must never import lxml, a plugin or the CLI.
"""

from __future__ import annotations

import contextlib
import enum
import functools
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlsplit

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
    r"""The lowercase host of ``url`` without a leading ``www.``, in Unicode (``xn--`` labels decoded).

    A backslash counts as a slash, as browsers read http(s) URLs: the host of
    ``https://evil.example\@caliber.az/`` is ``evil.example``.
    """
    host = (urlsplit(_browser_slashes(url.strip())).hostname or "").lower().rstrip(".")
    if "xn--" in host:
        host = _unicode_host(host)
    return host.removeprefix("www.")


def _browser_slashes(url: str) -> str:
    """``url`` with backslashes before its query or fragment read as slashes, as browsers do."""
    if "\\" not in url:
        return url
    cut = min((i for i in (url.find("?"), url.find("#")) if i != -1), default=len(url))
    return url[:cut].replace("\\", "/") + url[cut:]


# What browsers strip around a link target: C0 controls and the space, not other white space.
_URL_STRIP: Final = "".join(map(chr, range(0x21)))


def _unicode_host(host: str) -> str:
    """``host`` with its IDNA (punycode) labels decoded.

    Only a label that decodes to non-ASCII text and encodes back to itself is decoded (a real
    international name); anything else (``xn--caliber-``, which the raw codec reads as
    ``caliber``) stays as written, so it never passes for another host.
    """
    labels = []
    for label in host.split("."):
        decoded = label
        if label.startswith("xn--"):
            with contextlib.suppress(UnicodeError, ValueError):
                text = label[4:].encode("ascii").decode("punycode")
                if not text.isascii() and text == text.lower() and "xn--" + text.encode("punycode").decode() == label:
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
    seen: set[tuple[str, str]] = set()
    owed: list[Obligation] = []
    for source in _policy_sources(article):
        url = source.required_link
        if url is None or source.policy is None:  # pragma: no cover - Source validates this
            continue
        scope = source.policy.scope
        key = (scope.value, host_of(url) if scope is LinkScope.SITE else url)
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
    return _pays(href, obligation.url, obligation.scope)


@functools.lru_cache(maxsize=8192)
def _pays(href: str, url: str, scope: LinkScope) -> bool:
    # Cached: a bulk run checks the same links (a publisher's home page) story after story.
    href = href.strip(_URL_STRIP)  # as browsers do: a no-break space before it makes a relative link
    if not href.lower().startswith(("http://", "https://")):
        return False
    try:
        urlsplit(_browser_slashes(href)).port  # noqa: B018 - an impossible port (99999, abc) raises: no link
        if scope is LinkScope.STORY:
            return _norm_url(href) == _norm_url(url)
        host = host_of(href)
    except ValueError:  # a malformed link (e.g. "https://[x") pays nothing, and must not stop the check
        return False
    want = host_of(url)
    return host == want or host.endswith("." + want)


def _norm_url(url: str) -> str:
    """``url`` as compared for a story-scope link: Unicode host, path and query percent-decoded.

    A renderer may write ``https://caliber.az/az/post/xəbər`` as ``.../x%C9%99b%C9%99r`` and
    ``пример.рф`` as ``xn--e1afmkfd.xn--p1ai``: the same link.
    """
    parts = urlsplit(_browser_slashes(url.strip()))
    host = host_of(url)
    path, query = parts.path, parts.query
    if "%" in path or "%" in query:
        path, query = _unescape(path), _unescape(query)
    return f"{host}{path.rstrip('/')}?{query}"


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


def _url_end(text: str, host_start: int, end: int) -> int:
    """Where the URL whose host starts at ``host_start`` ends, its tail running up to ``end``."""
    if text[host_start:end].isascii():  # the usual URL: no quotation mark, dash or ellipsis (none is ASCII)
        return end
    host = _HOST.match(text, host_start, end)
    host_end = host.end() if host is not None else host_start
    if host_end < end and text[host_end] not in "/?#":
        return host_end  # a quotation mark, dash or ellipsis ends the host, and the URL with it
    for mark in _QUOTE.finditer(text, host_end, end):
        if not _path_goes_on(text, mark.end(), end):
            return mark.start()
    return end


def urls_in_text(text: str) -> list[str]:
    r"""The http(s) URLs printed in ``text``, with their scheme, text glued after them dropped.

    A URL is ``https?://`` (case-blind) and what follows up to a space or one of ``<>"'()[]{}``,
    but its host ends at a quotation mark, apostrophe, dash or ellipsis
    ("https://caliber.az’a istinadən"); a quotation mark in its path ends it unless the path goes
    on after it (".../o’brien-says", ".../„Bild“-Zeitung" stay whole; ".../x”—he said" does not);
    and sentence punctuation and closing quotation marks at its end are dropped. The search is
    for ``://`` (a case-blind pattern cannot use a fast literal search, and takes ten times
    longer over a page).
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
        cut = _url_end(text, at + 3, tail.end())
        url = text[start:cut].rstrip(_TRAILING)
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
    return tuple(o for o in owed if not any(href_satisfies(h, o) for h in links))
