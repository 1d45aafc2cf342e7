"""Slugs: the one place newsroom turns text into URL-safe names.

This is the only module that imports python-slugify. Everything else calls
:func:`make_slug` and :func:`unique_slug`, so a story's slug is the same whichever part of the
library made it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection

from slugify import slugify, smart_truncate


__all__ = ["DEFAULT_MAX_LENGTH", "make_slug", "unique_slug"]

DEFAULT_MAX_LENGTH = 80
"""Slugs are cut at a word boundary to this many characters by default."""

# Letters the transliteration table drops or breaks words at: Azerbaijani schwa
# ("Azərbaycan" would become "az-rbaycan").
_REPLACEMENTS = (("ə", "e"), ("Ə", "E"))


def make_slug(text: str, *, max_length: int = DEFAULT_MAX_LENGTH) -> str:
    """Make a lowercase ASCII slug, transliterating other scripts.

    Words are never cut in half: a slug longer than ``max_length`` ends at the last whole
    word that fits (a single word longer than the limit is cut).

    >>> make_slug("Япония и Италия договорились")
    'iaponiia-i-italiia-dogovorilis'
    >>> make_slug("Japan, Italy unite on Ukraine", max_length=18)
    'japan-italy-unite'
    """
    if max_length < 1:
        msg = f"max_length must be at least 1, not {max_length}"
        raise ValueError(msg)
    return _slug(text, max_length)


@functools.lru_cache(maxsize=16384)
def _slug(text: str, max_length: int) -> str:
    # Cached: a bulk run asks for the same story's slug several times (file name, output
    # name), and names of sections and people recur across stories.
    if text.isascii() and "&" not in text:
        return _ascii_slug(text, max_length)
    return str(slugify(text, max_length=max_length, word_boundary=True, save_order=True, replacements=_REPLACEMENTS))


_THOUSANDS = re.compile(r"(?<=\d),(?=\d)")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def _ascii_slug(text: str, max_length: int) -> str:
    """python-slugify's result for ASCII text with no ``&`` (no entities), in a fifth of the time.

    What slugify does to such text comes down to this: quotes and every other run of
    characters but letters and digits become one dash, a comma between digits goes
    ("1,000" is "1000"), and the result is cut at a word boundary. A property test holds the
    two equal.
    """
    text = text.lower()
    if "," in text:
        text = _THOUSANDS.sub("", text)
    text = _NOT_ALNUM.sub("-", text).strip("-")
    return str(smart_truncate(text, max_length, word_boundary=True, separator="-", save_order=True))


def unique_slug(slug: str, existing: Collection[str], *, max_length: int = DEFAULT_MAX_LENGTH) -> str:
    """Return ``slug``, or ``slug-2``, ``slug-3``... whichever is not in ``existing``.

    The result never exceeds ``max_length``: the base is shortened instead, at a word boundary
    where one fits.

    >>> unique_slug("budget", {"budget", "budget-2"})
    'budget-3'

    Raises:
        ValueError: No unique slug fits in ``max_length`` characters.
    """
    if max_length < 1:
        msg = f"max_length must be at least 1, not {max_length}"
        raise ValueError(msg)
    slug = _cut(slug, max_length)
    if slug not in existing:
        return slug
    n = 2
    while True:
        suffix = f"-{n}"
        room = max_length - len(suffix)
        base = _cut(slug, room) if room > 0 else ""
        candidate = base + suffix if base else str(n)
        if len(candidate) > max_length:
            msg = f"no unique slug for {slug!r} fits in {max_length} characters"
            raise ValueError(msg)
        if candidate not in existing:
            return candidate
        n += 1


def _cut(slug: str, room: int) -> str:
    """``slug`` cut to ``room`` characters, at the last word boundary that fits if there is one."""
    if len(slug) <= room:
        return slug
    head = slug[:room]
    if slug[room] != "-" and "-" in head.strip("-"):
        head = head.rsplit("-", 1)[0]
    return head.rstrip("-")
