"""Scraped pages after the fourth review: guids of long headlines, language, wrapped headlines, credits.

Each case is one a reviewer reproduced on pages in the site's layout (built by
``tests.test_scraped_review.page``).
"""

from __future__ import annotations

import io

import pytest
from tests.test_scraped_review import FIRST, names, page, read, ru_page, texts

import newsroom
from newsroom_scraped import ScrapedPageReader


LONG = "Azerbaijan and Uzbekistan sign landmark agreement on the Trans-Caspian International Transport Route as "


def test_long_headlines_that_start_alike_get_different_guids() -> None:
    first = read(page([FIRST], headline=LONG + "Armenia welcomes the deal"))
    second = read(page([FIRST], headline=LONG + "Russia voices concern"))
    assert first.slugline == second.slugline, "both slugs are cut at the same word"
    assert first.guid != second.guid
    # The same page read twice is the same story, and a short headline keeps its plain guid.
    assert read(page([FIRST], headline=LONG + "Armenia welcomes the deal")).guid == first.guid
    short = read(page([FIRST]))
    assert short.guid == "tag:caliber.az,2026-01-16:en/world/talks-resume-in-almaty"


def test_one_azerbaijani_word_does_not_make_an_english_story_azerbaijani() -> None:
    story = read(page([FIRST, "The Baku daily Xalq qəzeti also covered the talks."]))
    assert story.language == "en"
    assert ":en/" in story.guid
    azerbaijani = "Əliyev və Mirziyoyev Daşkənddə görüşdülər. Tərəflər əməkdaşlığı müzakirə etdilər."
    assert read(page([azerbaijani], headline="Əliyev və Mirziyoyev görüşdü")).language == "az"


def test_a_wrapped_headline_without_its_section_line_is_refused() -> None:
    text = page(
        [FIRST],
        section=None,
        controls=False,
        headline="Japan, Italy unite on Ukraine, advanced defence\nprojects in landmark talks",
    )
    with pytest.raises(newsroom.ReadError, match="the section line"):
        list(ScrapedPageReader().read(io.BytesIO(text.encode()), source="t.txt"))
    # A section line in capitals (or repeated in the footer) still opens a wrapped headline.
    story = read(page([FIRST], controls=False, headline="Japan, Italy unite on Ukraine\nin landmark talks"))
    assert (story.section.name if story.section else None, story.headline) == (
        "World",
        "Japan, Italy unite on Ukraine in landmark talks",
    )


@pytest.mark.parametrize("line", ["Caliber.az (c) 2026", "Copyright 2026 Caliber.az", "Caliber.az © 2026."])
def test_copyright_lines_without_the_sign_are_copyright_lines(line: str) -> None:
    text = page([FIRST], controls=False).replace("Caliber.az © 2026. .", line)
    story = read(text)
    assert story.section is not None
    assert (story.section.name, story.headline) == ("World", "Talks resume in Almaty")
    assert story.rights is not None
    assert story.rights.notice == line.rstrip(" .")


@pytest.mark.parametrize(
    ("views", "count"), [("Views: 1,234", "1234"), ("Views: 1.234", "1234"), ("Views: 1 234", "1234")]
)
def test_view_counts_with_grouped_thousands(views: str, count: str) -> None:
    story = read(page([FIRST], views=views))
    assert story.extra["views"] == count
    assert texts(story) == [FIRST]
    assert names(story) == ["Anar Aliyev"]


def test_credits_only_and_quoted_names_whole() -> None:
    body = [
        FIRST,
        "Citizens can report via the hotline 112 or the app.",
        "The ministry reported via “Kyodo News”, officials said.",
    ]
    story = read(page(body))
    assert [s.name for s in story.sources if s.role is newsroom.SourceRole.VIA] == ["Kyodo News"]
    ru = read(ru_page(["Об этом сообщает Caliber.Az со ссылкой на агентство «Интерфакс»."], byline=None))
    assert [s.name for s in ru.sources if s.role is newsroom.SourceRole.VIA] == ["агентство «Интерфакс»"]


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("US ELECTIONS", "US Elections"),
        ("CIS", "CIS"),
        ("EU & NATO", "EU & NATO"),
        ("SOCIETY AND CULTURE", "Society and Culture"),
    ],
)
def test_section_names_keep_initialisms(line: str, name: str) -> None:
    story = read(page([FIRST], section=line))
    assert story.section is not None
    assert story.section.name == name


@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        ("By Prof. Dr. Elnur Aliyev", ["Prof. Dr. Elnur Aliyev"]),
        ("By Jane Roe in Baku", ["Jane Roe"]),
        ("By Anar Aliyev and Jane Roe in New York.", ["Anar Aliyev", "Jane Roe"]),
        ("By Caliber.Az staff", ["Caliber.Az staff"]),
        ("By Anar\u00a0Aliyev", ["Anar Aliyev"]),
    ],
)
def test_more_real_bylines(byline: str, expected: list[str]) -> None:
    story = read(page([FIRST], byline=byline))
    assert names(story) == expected
    assert texts(story) == [FIRST]


@pytest.mark.parametrize("line", ["By staff", "By Monday in Baku", "By Tuesday staff", "By the desk in Baku"])
def test_lines_that_still_read_as_sentences(line: str) -> None:
    story = read(page([FIRST], byline=line))
    assert names(story) == []
    assert texts(story) == [FIRST, line]


@pytest.mark.parametrize(
    ("sentence", "credited"),
    [
        ("The agency reports via “Kyodo News” that the talks failed.", ["Kyodo News"]),
        ("It was reported via “Telegram” on Friday.", ["Telegram"]),
        ("Caliber.Az reports via Ernst and Young.", ["Ernst and Young"]),
        ("Об этом сообщается со ссылкой на Министерство науки и образования.", ["Министерство науки и образования"]),
        ("It reported via «an unclosed quote", []),
        ("reports via „x " * 5000, []),  # long and unclosed: read in linear time, no name
    ],
)
def test_credited_names_end_with_their_clause(sentence: str, credited: list[str]) -> None:
    story = read(page([FIRST, sentence]))
    assert [s.name for s in story.sources if s.role is newsroom.SourceRole.VIA] == credited


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("By AFP in Baku", ["AFP"]),
        ("By Sunset in Gaza.", []),
        ("By Decree in Baku.", []),
        ("Автор: Петров в Москве.", []),
    ],
)
def test_a_filing_place_after_one_word_is_a_phrase_unless_an_agency(line: str, expected: list[str]) -> None:
    story = read(page([FIRST], byline=line))
    assert names(story) == expected
    assert texts(story) == ([FIRST] if expected else [FIRST, line])


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("US-IRAN TALKS", "US-Iran Talks"),
        ("NATO-RUSSIA", "NATO-Russia"),
        ("ABOUT US", "About Us"),
        ("WHAT IT MEANS", "What It Means"),
        ("G7/G20", "G7/G20"),
    ],
)
def test_initialisms_in_parts_and_words_that_only_look_like_them(line: str, name: str) -> None:
    story = read(page([FIRST], section=line))
    assert story.section is not None
    assert story.section.name == name


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("İQTİSADİYYAT", "İqtisadiyyat"),
        ("SİYASƏT", "Siyasət"),
        ("DÜNYA", "Dünya"),
        ("İNFRASTRUKTUR VƏ İNVESTİSİYA", "İnfrastruktur və investisiya"),
        ("IRAQ", "Iraq"),  # the dotless capital: "ı" in lower case, "I" again at the start
        ("ŞİMALI QAFQAZ", "Şimalı qafqaz"),
    ],
)
def test_azerbaijani_section_names_keep_dotted_and_dotless_i(line: str, name: str) -> None:
    azerbaijani = "Əliyev və Mirziyoyev Daşkənddə görüşdülər. Tərəflər əməkdaşlığı müzakirə etdilər."
    story = read(page([azerbaijani], headline="Əliyev və Mirziyoyev görüşdü", section=line))
    assert story.language == "az"
    assert story.section is not None
    assert story.section.name == name
    assert "\u0307" not in story.section.name  # no combining dot above from "İ".lower()
