"""Slugs: transliteration, the word-boundary length cap, and uniqueness against existing slugs."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from slugify import slugify

from newsroom import make_slug, unique_slug
from newsroom.slugs import DEFAULT_MAX_LENGTH, _ascii_slug


SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
UNCAPPED = 10**6


def capped_at_word(full: str, limit: int) -> str:
    """The longest run of whole words of ``full`` that fits in ``limit`` (a lone long first word is cut)."""
    out = ""
    for word in full.split("-"):
        candidate = f"{out}-{word}" if out else word
        if len(candidate) > limit:
            return out or word[:limit]
        out = candidate
    return out


class TestMakeSlug:
    """make_slug transliterates and caps at a word boundary."""

    @pytest.mark.parametrize(
        ("text", "slug"),
        [
            ("Япония и Италия договорились", "iaponiia-i-italiia-dogovorilis"),
            ("Japan, Italy unite on Ukraine!", "japan-italy-unite-on-ukraine"),
            ("Azərbaycan və Türkiyə", "azerbaycan-ve-turkiye"),
            ("  Déjà   vu — encore  ", "deja-vu-encore"),
            ("Straße", "strasse"),
            ("100% sure: 3 > 2", "100-sure-3-2"),
        ],
    )
    def test_examples(self, text: str, slug: str) -> None:
        assert make_slug(text) == slug

    def test_nothing_to_keep(self) -> None:
        assert make_slug("!!! ???") == ""

    @pytest.mark.parametrize("limit", [1, 5, 10, 11, 12, 17, 18, 24, 100])
    def test_cap_at_a_word_boundary(self, limit: int) -> None:
        text = "Japan, Italy unite on Ukraine, advanced defence projects"
        full = make_slug(text, max_length=UNCAPPED)
        assert make_slug(text, max_length=limit) == capped_at_word(full, limit)

    def test_default_cap(self) -> None:
        text = " ".join(["word"] * 40)
        slug = make_slug(text)
        assert len(slug) <= DEFAULT_MAX_LENGTH
        assert slug == capped_at_word(make_slug(text, max_length=UNCAPPED), DEFAULT_MAX_LENGTH)

    def test_bad_limit(self) -> None:
        with pytest.raises(ValueError, match="at least 1"):
            make_slug("x", max_length=0)

    @settings(max_examples=200, deadline=None)
    @given(st.text(max_size=120), st.integers(1, 100))
    def test_always_lowercase_ascii_within_the_cap(self, text: str, limit: int) -> None:
        slug = make_slug(text, max_length=limit)
        assert len(slug) <= limit
        assert slug == "" or SLUG.fullmatch(slug)
        full = make_slug(text, max_length=UNCAPPED)
        assert slug == capped_at_word(full, limit)

    @settings(max_examples=500, deadline=None)
    @given(
        st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=127), max_size=120)
        | st.text(alphabet="aZ09 ,.'-_/&#;:!?\"\t", max_size=60),
        st.integers(1, 100),
    )
    def test_ascii_fast_path_is_slugify(self, text: str, limit: int) -> None:
        # ASCII text skips python-slugify; the result must be slugify's to the character.
        expected = slugify(text, max_length=limit, word_boundary=True, save_order=True)
        assert make_slug(text, max_length=limit) == expected
        if "&" not in text:
            assert _ascii_slug(text, limit) == expected


class TestUniqueSlug:
    """unique_slug numbers a taken slug, and never grows past the cap."""

    def test_free_slug_is_kept(self) -> None:
        assert unique_slug("budget", {"other"}) == "budget"

    def test_numbering(self) -> None:
        taken = {"budget"}
        assert unique_slug("budget", taken) == "budget-2"
        taken |= {"budget-2", "budget-3"}
        assert unique_slug("budget", taken) == "budget-4"

    def test_works_with_any_collection(self) -> None:
        assert unique_slug("a", ["a", "a-2"]) == "a-3"
        assert unique_slug("a", frozenset({"a"})) == "a-2"

    def test_suffix_never_exceeds_the_cap(self) -> None:
        slug = "japan-italy-talks"
        result = unique_slug(slug, {slug}, max_length=len(slug))
        assert len(result) <= len(slug)
        assert result == "japan-italy-2"

    def test_shortened_at_a_word_boundary(self) -> None:
        assert unique_slug("japan-italy", {"japan-italy"}, max_length=11) == "japan-2"

    def test_single_long_word_is_cut(self) -> None:
        word = "supercalifragilistic"
        assert unique_slug(word, {word}, max_length=len(word)) == word[: len(word) - 2] + "-2"

    def test_a_slug_over_the_cap_is_cut_first(self) -> None:
        assert unique_slug("japan-italy-talks", set(), max_length=12) == "japan-italy"
        assert unique_slug("japan-italy-talks", {"japan-italy"}, max_length=12) == "japan-2"

    def test_impossible(self) -> None:
        taken = {"a", *(str(n) for n in range(2, 10))}
        with pytest.raises(ValueError, match="fits in 1"):
            unique_slug("a", taken, max_length=1)

    @settings(max_examples=200, deadline=None)
    @given(
        st.from_regex(SLUG, fullmatch=True).filter(lambda s: len(s) <= 60),
        st.integers(1, 60),
        st.lists(st.integers(2, 12), max_size=8),
    )
    def test_unique_and_within_the_cap(self, slug: str, limit: int, taken_numbers: list[int]) -> None:
        base = capped_at_word(slug, limit)
        existing = {base} | {f"{base}-{n}" for n in taken_numbers}
        try:
            result = unique_slug(slug, existing, max_length=limit)
        except ValueError:
            assert limit <= 3  # only tiny caps run out of room
            return
        assert result not in existing
        assert len(result) <= limit
        assert SLUG.fullmatch(result)
