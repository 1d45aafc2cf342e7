r"""Parse a scraped news page (the text dump of a Caliber.az story) into an Article.

A page has these parts, in order (blank lines anywhere between them)::

    navigation junk            twitter, youtube, ..., search, WHAT ARE YOU LOOKING FOR ?
    the rights notice          Any use of materials is allowed only if there is a hyperlink to Caliber.az
    a copyright line           Caliber.az © 2026.            (optional)
    the section line           WORLD
    font-size controls         A+ / A-                       (optional)
    the headline               one line (a wrapped headline's lines are joined)
    the date line              16 January 2026 11:01         (site time; Asia/Baku by default)
    the body paragraphs        one per line
    the byline                 By A and B / Автор: А и Б     (optional)
    the source line            Caliber.Az                    (optional)
    the view counter           Views: 11 / Просмотров: 11
    share and print junk, then the section footer: the section line again and its description

The English and Russian editions differ only in wording, so both are recognised everywhere,
and the story's language is detected from its text. Parsing is line-based and never treats
text as markup: ``<`` and ``&`` stay characters. Control characters left by scraping are
removed before the text is split into lines (only ``\n``, ``\r\n`` and ``\r`` end a line):
every character Python's ``str.splitlines`` treats as a line break inside a line (vertical
tab, form feed, the separators ``\x1c``-``\x1e``, NEL ``\x85``, and U+2028/U+2029) becomes a
space, because it stood for a break between words; any other control character is dropped.

This module uses only newsroom's public API and does no I/O.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from functools import lru_cache
from typing import Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import newsroom


__all__ = ["DEFAULT_ZONE", "has_notice", "parse_page", "zone"]

DEFAULT_ZONE = "Asia/Baku"
"""The site's time zone: dates on Caliber.az pages are local time in Baku."""

# Every C0/C1 control except tab and newline, and the Unicode line and paragraph separators;
# \r is handled with line endings first.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
# The ones among them that Python's str.splitlines() breaks lines at: they separated words.
_BREAKS = frozenset("\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
_SPACES = re.compile(r"[ \t]{2,}|\t")

_NOTICES = (
    # (language of the wording, pattern); the group is the site the link must go to.
    ("en", re.compile(r"^Any use of materials is allowed only if there is a hyperlink to\s+(\S+?)\.?$", re.IGNORECASE)),
    (
        "ru",
        re.compile(
            r"^Любое использование материалов допускается только при наличии гиперссылки на\s+(\S+?)\.?$",
            re.IGNORECASE,
        ),
    ),
)

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "января", "январь"),
            ("february", "февраля", "февраль"),
            ("march", "марта", "март"),
            ("april", "апреля", "апрель"),
            ("may", "мая", "май"),
            ("june", "июня", "июнь"),
            ("july", "июля", "июль"),
            ("august", "августа", "август"),
            ("september", "сентября", "сентябрь"),
            ("october", "октября", "октябрь"),
            ("november", "ноября", "ноябрь"),
            ("december", "декабря", "декабрь"),
        ),
        start=1,
    )
    for name in names
}
_DATE = re.compile(r"^(\d{1,2})\s+([^\W\d_]+)\s+(\d{4}),?\s+(\d{1,2}):(\d{2})$")
# A copyright line: "© 2026 Caliber.az", "Caliber.az (c) 2026", "Copyright 2026 Caliber.az".
_COPYRIGHT = re.compile(r"©|\(c\)|\bcopyright\b|\bкопирайт\b", re.IGNORECASE)
_FONT_CONTROLS = frozenset({"A+", "A-", "A−", "A"})
# The count may group its thousands with spaces, commas or dots ("1 234", "1,234", "1.234").
_VIEWS = re.compile(r"^(?:Views|Просмотров|Просмотры)\s*:\s*(\d(?:[\d\s]|[,.](?=\d{3}))*)$", re.IGNORECASE)
_SHARE = re.compile(r"^share-line|^(?:Liked the story\?|Понравилась статья\?)", re.IGNORECASE)


def _words(*lines: str) -> frozenset[str]:
    return frozenset(word for line in lines for word in line.split())


_BYLINE = re.compile(r"^(?:By\s+|(?:Автор|Авторы)\s*:\s*)(?P<names>.+)$")
_NAME_SEPARATORS = re.compile(r"\s*,\s*(?:and\s+|и\s+)?|\s+(?:and|и|&)\s+")
_NAME_WORD = re.compile(r"^[^\W\d_]+(?:[.'’\-][^\W\d_]+)*\.?$")
_NAME_JOINER = re.compile(r"[-'’]")
# Lower-case words that belong inside names ("Charles de Gaulle", "Ilham Heydar oglu Aliyev").
_NAME_PARTICLES = _words(
    "al bin bint ben ibn el da das de del della der den di dos du la le van von ter zu y",
    "oglu oğlu ogly qizi qızı kizi kyzy uulu",
    "аль эль бин ибн бен де дель ван фон оглы оглу кызы гызы",
)
# Particles written onto the next part of the name: "al-Sharaa", "d’Estaing", "l'Aigle".
_NAME_PREFIXES = _NAME_PARTICLES | {"d", "l", "o"}
# Capitalised words that make a line read as a sentence ("By Azerbaijan And Armenia Had ...").
_SENTENCE_WORDS = _words(
    "the of and or nor but in on at to for with from into onto over under after before until",
    "had has have is are was were been be being who whom whose which what that this these those",
    "its their there than then when while where would could should must",
    "в во на по из за для что это как был была были было не",
)
# Capitalised words that open a time or manner phrase ("By Monday, ...", "By Contrast"). Many
# are also first names ("Novruz Mammadov", "Summer Said", "Christmas Abbott"), so they make a
# time only alone or followed by time words only ("By Monday Morning", "By Early March").
_PHRASE_OPENERS = _words(
    "monday tuesday wednesday thursday friday saturday sunday spring summer autumn fall winter",
    "christmas easter ramadan novruz today tomorrow tonight yesterday now then noon midnight",
    "next last early late mid end contrast comparison default design far law",
    "понедельник вторник среда четверг пятница суббота воскресенье",
)
# Month names are also first names ("June Smith", "Theresa May"), so only a name that is
# nothing but a month reads as a date ("By March, ...").
_MONTH_NAMES = frozenset(name for name in _MONTHS if name.isascii()) | {"sept"}
# Words that keep a phrase a time after an opener ("Monday Morning", "Christmas Eve", "Late May").
_TIME_WORDS = (
    _PHRASE_OPENERS
    | _MONTH_NAMES
    | _words("morning afternoon evening night day week weekend month year eve season quarter half time")
)
# A leading "The" names an organisation ("By The Associated Press") when capitalised words follow.
_ORGANISATION_ARTICLE = "The"
# What a byline organisation is called ("The Associated Press", "The Caliber.Az Staff"); without
# one of these, "By The Numbers" or "By The Way" is a heading or a phrase, not a byline.
_ORGANISATION_WORDS = _words(
    "press agency news newsroom staff desk editors editorial team bureau service wire",
    "times post journal herald guardian telegraph observer gazette tribune reporters correspondents",
    "network media group",
)
# Words that make "By The ..." a phrase when no organisation word names it: "By The Numbers",
# "By The Same Token". Other capitalised words after "The" name a publication ("The Economist").
_THE_PHRASE_WORDS = _words(
    "numbers number way ways book books same token new time times end record look looks sound",
    "sounds rules letter dozen dozens hundreds thousands millions billions hour hours minute",
    "minutes light grace power skin seat pants side score measure means standards",
)
# Titles before a name, with their full stop ("By Prof. Dr. Elnur Aliyev").
_NAME_TITLES = _words("prof dr mr mrs ms mx gen col capt lt sgt rev hon sen rep gov amb")
# Lower-case words that may close a byline's name: "By Caliber.Az staff".
_STAFF_WORDS = _words("staff correspondent correspondents reporter reporters writer writers team desk bureau")
# Where a byline says the story was filed: "By Jane Roe in Baku", "By Anar Aliyev in New York".
_FILED_FROM = re.compile(r"\s+(?:in|из|в)\s+[A-ZА-ЯЁ][\w.'’-]*(?:\s+[A-ZА-ЯЁ][\w.'’-]*){0,2}$")
# News agencies whose one-word name may stand before a filing place ("By Reuters in Baku"),
# where any other single word reads as a phrase ("By Sunset in Gaza", "By Decree in Baku").
# Names in capitals ("AFP", "TASS") and site names ("Caliber.Az", "Report.az") need no entry.
_NEWS_AGENCIES = _words(
    "reuters bloomberg interfax trend xinhua anadolu apa afp ap tass report caliber azertac azərtac",
    "turan kyodo yonhap efe ansa dpa upi sputnik ria",
    "рейтер блумберг интерфакс синьхуа анадолу тасс азертадж",
)
# Abbreviations that end a name with their own full stop ("Martin Luther King Jr.", "Esq.").
_NAME_ABBREVIATIONS = _words("jr sr jnr snr esq")
_MAX_NAME_WORDS = 6
# The longest part of dotted initials or letters that keep their own full stop ("J.R.", "Ph.D.").
_MAX_DOTTED_PART = 2
# Initialisms a section name keeps in capitals ("US ELECTIONS" is "US Elections", not "Us"); "us"
# only as the first word ("ABOUT US" is "About Us"). Ambiguous ones ("IT") are left out. The
# Russian and Azerbaijani editions' own are kept too ("СНГ", not "Снг").
_ACRONYMS = _words(
    "usa uk eu un uae cis nato osce opec brics asean csto sco cop g7 g20 ai",
    "снг сша ес оон нато обсе опек брикс асеан одкб шос еаэс рф оаэ кнр фрг мвф вто воз сми ии мид аэс юнеско",
    "abş ab bmt mdb atət",
)
# Letters joined by "&" stay as written ("Q&A", "M&A", "R&D"), not "Q&a".
_AMPERSAND_JOINED = re.compile(r"^[^\W\d_]{1,4}(?:&[^\W\d_]{1,4})+$")
# Words a title keeps in lower case unless they come first.
_SMALL_WORDS = _words(
    "a an and as at but by for from in into nor of on or over per the to via vs with",
    "и в во на по с из к для",
)
_MAX_ABBREVIATION = 3
_MAX_BYLINE = 200
_SITE_LIKE = re.compile(r"^[^\W_][\w-]*(?:\.[^\W_][\w-]*)+$")
# A credit of the form "... reports via Japanese media" / "... со ссылкой на агентство «Интерфакс»".
# The clause runs to the next sentence punctuation, at most 80 characters (so the search stays
# linear); quotation marks inside it are kept, a name in them whole. "report via" (the verb's
# bare form: "Citizens can report via the hotline") is no credit.
_VIA_CLAUSE = r"(?P<via>[^.,;:!?()\n]{1,80})"
_VIA = (
    re.compile(r"\breport(?:s|ed)\s+via\s+" + _VIA_CLAUSE, re.IGNORECASE),
    re.compile(r"\bсо\s+ссылкой\s+на\s+" + _VIA_CLAUSE, re.IGNORECASE),
)
# Where a credited name ends inside its clause ("via Kyodo that the talks failed"), and what
# joins two names ("«Известия» и РБК", "Telegram and X").
_VIA_END = re.compile(r"\s+(?:that|saying|что)\s.*$")
_CLOSING_QUOTE = {"«": "»", "“": "”", "„": "“", '"': '"'}
_MAX_VIA_WORDS = 6
_CYRILLIC_SHARE = 0.3
_SCHWA_SHARE = 0.02
_FOOTER_JUNK = frozenset({"loading", "загрузка"})
_LANGUAGE_SAMPLE = 600
_UNCUT = 100_000  # a slug length no headline reaches: the whole headline's slug
_DIGEST = 10  # hex digits of a cut headline's digest in its guid


@lru_cache(maxsize=32)
def zone(name: str) -> tzinfo:
    """The time zone called ``name`` (IANA, e.g. ``Asia/Baku``); ValueError if unknown."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        msg = f"unknown time zone {name!r}; give an IANA name such as 'Asia/Baku' or 'Europe/Moscow'"
        raise ValueError(msg) from exc


def _lines(text: str) -> list[str]:
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if _CONTROL.search(text):
        # Line-break characters inside a line (Word's manual break is \v) become spaces, so
        # words stay apart; every other control character is dropped.
        text = _CONTROL.sub(_drop_control, text)
    if "\t" in text or "  " in text:
        text = _SPACES.sub(" ", text)
    return [line.strip() for line in text.split("\n")]


def _drop_control(m: re.Match[str]) -> str:
    return " " if m.group(0) in _BREAKS else ""


def _fail(what: str, source: str) -> newsroom.ReadError:
    return newsroom.ReadError(f"not a scraped news page: {what}", source=source)


def _notice(lines: Sequence[str], source: str) -> tuple[int, str, str]:
    for i, line in enumerate(lines):
        if not line:
            continue
        for _lang, pattern in _NOTICES:
            m = pattern.match(line)
            if m:
                return i, line, m.group(1)
    msg = (
        "the rights notice was not found (a line such as 'Any use of materials is allowed only if there "
        "is a hyperlink to Caliber.az' or 'Любое использование материалов допускается только при наличии "
        "гиперссылки на Caliber.az')"
    )
    raise _fail(msg, source)


def has_notice(text: str) -> bool:
    """Whether ``text`` has a rights-notice line of a known edition (used to sniff pages)."""
    return any(pattern.match(line.strip()) for line in text.splitlines() for _lang, pattern in _NOTICES)


def _date(line: str, zone_: tzinfo, source: str) -> datetime | None:
    """The date on ``line``, ``None`` if the line is not date-shaped; ReadError if it is impossible."""
    m = _DATE.match(line)
    if m is None:
        return None
    day, month_name, year, hour, minute = m.groups()
    month = _MONTHS.get(month_name.lower())
    if month is None:
        raise _fail(f"the date line {line!r} has no known month name (English or Russian)", source)
    try:
        return datetime(int(year), month, int(day), int(hour), int(minute), tzinfo=zone_)
    except ValueError as exc:
        raise _fail(f"the date line {line!r} is not a real date and time ({exc})", source) from None


def _section_name(line: str, language: str) -> str:
    # The site prints section names in capitals with CSS; the dump keeps the capitals. English
    # names get title case with small words in lower case ("Society and Culture"); others,
    # sentence case ("Общество и культура"). Initialisms stay in capitals in both ("US
    # Elections", "Новости СНГ"), and so do letters joined by "&" ("Q&A").
    if not line.isupper():
        return line
    english = language == "en"
    out: list[str] = []
    for k, word in enumerate(line.split()):
        if k and word.lower() in _SMALL_WORDS:
            out.append(word.lower())
            continue
        parts = _PARTS.split(word)
        turkic = language in _DOTTED_I
        out.append(
            "".join(
                _cased(part, first=k == 0, capital=english or (k == 0 and i == 0), turkic=turkic)
                for i, part in enumerate(parts)
            )
        )
    return " ".join(out)


# Languages whose dotted and dotless I are letters of their own: İ/i and I/ı, not I/i.
_DOTTED_I: Final = frozenset({"az", "tr"})
_TURKIC_LOWER: Final = str.maketrans({"İ": "i", "I": "ı"})
_TURKIC_UPPER: Final = str.maketrans({"i": "İ", "ı": "I"})


_PARTS = re.compile(r"([-/])")  # split() keeps the separators


def _cased(part: str, *, first: bool, capital: bool, turkic: bool = False) -> str:
    """One part of a section name's word in capitals: an initialism stays so ("US" only first, "Q&A").

    Any other part is capitalised when ``capital`` (title case, or the first word), else lower case.
    In Azerbaijani and Turkish, İ and I lower to i and ı ("İQTİSADİYYAT" is "İqtisadiyyat").
    """
    if part in {"-", "/"}:
        return part
    lower = part.translate(_TURKIC_LOWER).lower() if turkic else part.lower()
    if lower in _ACRONYMS or (first and lower == "us") or _AMPERSAND_JOINED.match(part):
        return part
    if not capital:
        return lower
    head = lower[:1].translate(_TURKIC_UPPER) if turkic else lower[:1]
    return head.upper() + lower[1:]


def _byline_names(line: str) -> list[str] | None:
    """The names on a byline line, or ``None`` when the line only looks like one.

    Every name must be a short run of capitalised words, with name particles ("de", "van",
    "al", "oglu", ...) and hyphens or apostrophes inside words allowed; a leading "The" is
    allowed before capitalised words only (an organisation: "The Associated Press"). One full
    stop may end the line ("By Anar Aliyev."): it is dropped, unless it belongs to an initial or
    to "Jr.". A line that reads like a sentence is body: a lower-case word that is not a
    particle, a capitalised function word ("Had", "The" inside a name), a digit, punctuation
    other than a name's (a full stop elsewhere only after an initial or a short abbreviation),
    or a name that is a time ("By Monday, ...", "By March", "By Monday Morning"). A word that
    opens a time is a first name when a name follows ("By Novruz Mammadov"). Where the story
    was filed ("in Baku") is left out; before it, a one-word name must be a news agency's
    ("By Reuters in Baku", "By AFP in Baku"), else the line is a phrase ("By Sunset in Gaza").
    """
    if len(line) > _MAX_BYLINE:
        return None
    m = _BYLINE.match(line)
    if m is None:
        return None
    text = " ".join(m.group("names").split())  # a no-break space between names' words is a space
    if text.endswith(".") and not _own_full_stop(text.rsplit(None, 1)[-1]):
        text = text[:-1]  # the line's full stop, not part of the last name
    place = _FILED_FROM.search(text)
    if place is not None:
        text = text[: place.start()]  # "By Jane Roe in Baku": where the story was filed, not a name
    names = [n.strip() for n in _NAME_SEPARATORS.split(text)]
    if not names or any(not _is_name(n) for n in names):
        return None
    if place is not None and any(len(n.split()) < 2 and not _is_agency(n) for n in names):  # noqa: PLR2004
        return None  # "By Sunset in Gaza.": a phrase; "By Jane Roe in Baku", "By Reuters in Baku": bylines
    return names


def _is_agency(word: str) -> bool:
    """Whether a one-word name is a news agency's: known ("Reuters"), in capitals ("AFP"), or a site."""
    return word.isupper() or word.lower() in _NEWS_AGENCIES or _SITE_LIKE.match(word) is not None


def _own_full_stop(word: str) -> bool:
    """Whether the full stop ending ``word`` is the name's own: an initial ("R.") or "Jr."."""
    stem = word[:-1]
    if stem.endswith("."):
        return False  # "Jr.." : the line's full stop follows the abbreviation's
    # An abbreviation of its own ("Jr."), an initial ("R.") or dotted initials and letters
    # ("J.R.", "Ph.D."). A dotted name ("Caliber.Az", "A.Smith", "В.Петров") ends with a word,
    # so its stop is the line's.
    parts = stem.split(".")
    return (
        stem.lower() in _NAME_ABBREVIATIONS
        or len(stem) == 1
        or (len(parts) > 1 and all(1 <= len(part) <= _MAX_DOTTED_PART for part in parts))
    )


def _is_name(name: str) -> bool:
    words = name.split()
    if not 1 <= len(words) <= _MAX_NAME_WORDS:
        return False
    organisation = len(words) > 1 and words[0] == _ORGANISATION_ARTICLE
    if organisation:
        words = words[1:]
        lowered = [word.lower() for word in words]
        if not any(word in _ORGANISATION_WORDS for word in lowered) and any(
            word in _THE_PHRASE_WORDS for word in lowered
        ):
            return False  # "By The Numbers", "By The Same Token": a phrase, not "The Economist"
    core = words[:-1] if len(words) > 1 and words[-1] in _STAFF_WORDS else words  # "Monday staff": a time
    if _is_time(core, organisation=organisation):
        return False
    capitalised = False
    last = words[-1]
    for word in words:
        if not _NAME_WORD.match(word):
            return False  # digits, or punctuation that no name has
        if (
            word[-1] == "."
            and len(word) - word.count(".") > _MAX_ABBREVIATION
            and word[:-1].lower() not in _NAME_TITLES
        ):
            return False  # a sentence's full stop, not an initial's, an abbreviation's or a title's
        if word[0].isupper():
            if word.lower() in _SENTENCE_WORDS:
                return False
            capitalised = True
        elif last is word and capitalised and word in _STAFF_WORDS:
            pass  # "Caliber.Az staff", "Reuters correspondent"
        elif organisation or (word not in _NAME_PARTICLES and not _particle_joined(word)):
            return False
    return capitalised


def _is_time(words: Sequence[str], *, organisation: bool) -> bool:
    """Whether a name's ``words`` read as a time: "Monday", "March", "Monday Morning", "The End"."""
    first = words[0].lower().rstrip(".")
    if organisation:
        return all(word.lower().rstrip(".") in _TIME_WORDS for word in words)
    if len(words) == 1:
        return first in _PHRASE_OPENERS or first in _MONTH_NAMES
    return first in _PHRASE_OPENERS and all(word.lower().rstrip(".") in _TIME_WORDS for word in words[1:])


def _particle_joined(word: str) -> bool:
    """Whether ``word`` is a particle joined to a capitalised part: "al-Sharaa", "d’Estaing"."""
    m = _NAME_JOINER.search(word)
    return m is not None and word[: m.start()] in _NAME_PREFIXES and word[m.end() : m.end() + 1].isupper()


def _language(text: str) -> str:
    # Script share over a sample tells the editions apart. Counted on the UTF-8 bytes, where
    # every Cyrillic letter of Russian starts with 0xD0 or 0xD1: much cheaper than a regex.
    sample = text[:_LANGUAGE_SAMPLE]
    encoded = sample.encode("utf-8")
    cyrillic = encoded.count(0xD0) + encoded.count(0xD1)
    if cyrillic >= _CYRILLIC_SHARE * len(sample):
        return "ru"
    # Azerbaijani's most frequent vowel; one Azerbaijani name in an English story is not enough.
    schwa = sample.count("ə") + sample.count("Ə")
    if schwa >= _SCHWA_SHARE * len(sample):
        return "az"
    return "en"


def _via(paragraphs: Sequence[str]) -> list[str]:
    found: list[str] = []
    for text in paragraphs:
        if "via " not in text and "ссылкой на" not in text:  # skip the regexes for most paragraphs
            continue
        for pattern in _VIA:
            for m in pattern.finditer(text):
                via = _credited(_VIA_END.sub("", m.group("via")))
                if via is not None and via not in found:
                    found.append(via)
    return found


def _unclosed(text: str) -> bool:
    """Whether ``text`` opens a quotation it does not close («…», “…”, „…“, "…")."""
    low_opened = "„" in text and not ("“" in text or "”" in text)
    high_opened = "“" in text and "”" not in text and "„" not in text
    return text.count("«") != text.count("»") or low_opened or high_opened or text.count('"') % 2 == 1


def _credited(name: str) -> str | None:
    """The name of one credited source, or ``None`` when ``name`` reads as no name."""
    via = name.strip(" \t'’")
    closing = _CLOSING_QUOTE.get(via[:1])
    if closing is not None and closing in via[1:]:  # a quoted name: “Kyodo News” (words after it are not)
        via = via[1 : via.index(closing, 1)].strip()
    # A name: a few words, no digits (not "the hotline 112"), no quotation mark left open.
    if not via or len(via.split()) > _MAX_VIA_WORDS or any(c.isdigit() for c in via):
        return None
    if _unclosed(via):
        return None
    return via


def _paragraph(text: str) -> newsroom.Paragraph:
    # Text is never markup. Without '<' or '&' a string reads as exactly its characters (and
    # takes the model's fast path); otherwise wrap it as plain text so '<' stays a character.
    if "<" in text or "&" in text:
        return newsroom.Paragraph(text=newsroom.InlineText.plain(text))
    return newsroom.Paragraph(text=text)


def _home_of(site: str) -> str:
    host = site.strip().rstrip("./").lower()
    host = re.sub(r"^https?://", "", host)
    return f"https://{host}"


@dataclass(slots=True)
class _Parts:
    """What a page's lines say, before it becomes an Article."""

    notice: str
    site: str
    copyright: str | None
    section: str
    headline: str
    published: datetime
    paragraphs: list[str]
    names: list[str]
    source_name: str | None
    views: str | None
    description: str | None


def _decode(data: bytes | str, source: str) -> str:
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        msg = f"not UTF-8 text (byte {exc.start}); save the page as UTF-8"
        raise newsroom.ReadError(msg, source=source) from None


def _find_date(lines: Sequence[str], start: int, tz: tzinfo, source: str) -> tuple[int, datetime]:
    """The date line: the first line after the notice that reads as a date."""
    for i in range(start, len(lines)):
        if lines[i] and (found := _date(lines[i], tz, source)) is not None:
            return i, found
    raise _fail("the date line was not found after the headline (e.g. '16 January 2026 11:01')", source)


def _head(lines: Sequence[str], notice_at: int, date_at: int, source: str) -> tuple[str | None, str, str]:
    """Between the notice and the date: copyright, section, font controls, headline."""
    head = [line for line in lines[notice_at + 1 : date_at] if line]
    copyright_line = head.pop(0) if head and _COPYRIGHT.search(head[0]) else None
    controls = [k for k, line in enumerate(head) if line in _FONT_CONTROLS]
    if controls:
        section_lines, headline_lines = head[: controls[0]], head[controls[-1] + 1 :]
    elif len(head) == 1 and not _is_section_line(head[0], lines[date_at + 1 :]):
        # One line and no font controls: a headline, unless it reads as the section line.
        section_lines, headline_lines = [], head
    elif head and _is_section_line(head[0], lines[date_at + 1 :]):
        section_lines, headline_lines = head[:1], head[1:]
    else:
        # No font controls, and the first line is neither in capitals nor repeated in the
        # footer: it may be the first line of a wrapped headline. Guessing would cut the
        # headline and invent a section, so the page is refused.
        section_lines, headline_lines = [], head
    if not section_lines:
        raise _fail("the section line (e.g. 'WORLD') was not found between the rights notice and the headline", source)
    if not headline_lines:
        raise _fail("the headline was not found between the section line and the date line", source)
    return copyright_line, section_lines[-1], " ".join(headline_lines)


def _is_section_line(line: str, footer: Sequence[str]) -> bool:
    """Whether ``line`` reads as a section line: printed in capitals, or repeated in the footer."""
    # ``footer`` is everything after the date line: the footer repeats the section line.
    wanted = line.lower()
    return line.isupper() or any(other.lower() == wanted for other in footer)


def _end(lines: Sequence[str], date_at: int, source: str) -> tuple[int, str | None]:
    """The end of the story: the view counter (and its count), else the share line."""
    for i in range(date_at + 1, len(lines)):
        if m := _VIEWS.match(lines[i]):
            return i, "".join(c for c in m.group(1) if c.isdigit())
    for i in range(date_at + 1, len(lines)):
        if _SHARE.match(lines[i]):
            return i, None
    msg = (
        "the end of the story was not found: no view counter ('Views: 11' / 'Просмотров: 11') "
        "or share line after the body"
    )
    raise _fail(msg, source)


def _description(lines: Sequence[str], end_at: int, section_line: str) -> str | None:
    """The footer repeats the section line; the next line describes the section."""
    wanted = section_line.lower()
    for i in range(len(lines) - 1, end_at, -1):
        if lines[i].lower() == wanted:
            description = next((line for line in lines[i + 1 :] if line), None)
            if description is None or description.lower() in _FOOTER_JUNK:
                return None
            return description
    return None


def _parts(text: str, source: str, tz: tzinfo) -> _Parts:
    lines = _lines(text)
    notice_at, notice, site = _notice(lines, source)
    date_at, published = _find_date(lines, notice_at + 1, tz, source)
    copyright_line, section_line, headline = _head(lines, notice_at, date_at, source)
    end_at, views = _end(lines, date_at, source)

    # Backwards from the end: the source line, then the byline; the rest is body.
    tail = [line for line in lines[date_at + 1 : end_at] if line]
    source_name = None
    if tail and (tail[-1].lower() == site.lower() or _SITE_LIKE.match(tail[-1])):
        source_name = tail.pop()
    names: list[str] = []
    if tail and (found := _byline_names(tail[-1])) is not None:
        names = found
        tail.pop()
    if not tail:
        raise _fail("no body paragraphs were found between the date line and the byline", source)
    return _Parts(
        notice=notice,
        site=site,
        copyright=copyright_line,
        section=section_line,
        headline=headline,
        published=published,
        paragraphs=tail,
        names=names,
        source_name=source_name,
        views=views,
        description=_description(lines, end_at, section_line),
    )


def parse_page(data: bytes | str, *, source: str, zone_name: str = DEFAULT_ZONE) -> newsroom.Article:
    """Turn one scraped page into an Article.

    Args:
        data: The page, as UTF-8 bytes or text.
        source: The file name, for error messages.
        zone_name: The IANA time zone the page's date line is in.

    Raises:
        ReadError: A part of the page was not found; the message names it.
    """
    text = _decode(data, source)
    try:
        tz = zone(zone_name)
    except ValueError as exc:
        raise newsroom.ReadError(str(exc), source=source) from None
    page = _parts(text, source, tz)

    language = _language(page.headline + "\n" + "\n".join(page.paragraphs))
    home = _home_of(page.site)
    policy = newsroom.AttributionPolicy(scope=newsroom.LinkScope.SITE, notice=page.notice)
    sources = [newsroom.Source(name=page.source_name or page.site, home=home, policy=policy)]
    sources.extend(newsroom.Source(name=via, role=newsroom.SourceRole.VIA) for via in _via(page.paragraphs))
    section = newsroom.Section(name=_section_name(page.section, language), description=page.description)
    slug = newsroom.make_slug(page.headline) or "story"
    # The guid names the story by its slug; a slug cut short could name two stories (long
    # headlines that start alike on the same day), so a cut one gets the full headline's digest.
    key = slug
    if newsroom.make_slug(page.headline, max_length=_UNCUT) != slug:
        key = f"{slug}-{hashlib.sha256(page.headline.encode()).hexdigest()[:_DIGEST]}"
    rights = None
    if page.copyright is not None:
        holder = _COPYRIGHT.split(page.copyright, 1)[0].strip() or page.site
        rights = newsroom.Rights(holder=holder, notice=page.copyright.rstrip(" ."), holder_url=home)
    try:
        return newsroom.Article(
            guid=f"tag:{home.removeprefix('https://')},{page.published:%Y-%m-%d}:{language}/{section.slug}/{key}",
            language=language,
            headline=page.headline,
            slugline=slug,
            body=[_paragraph(p) for p in page.paragraphs],
            section=section,
            bylines=[newsroom.Person(name=n) for n in page.names],
            published=page.published,
            rights=rights,
            sources=sources,
            extra={"views": page.views} if page.views is not None else {},
        )
    except newsroom.ValidationError as exc:
        raise newsroom.ReadError(f"the page does not make a valid story: {exc}", source=source) from None
