"""Review fixes for the scraped-page reader: strict bylines, line-break characters, section names and errors."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import newsroom
from newsroom_scraped import ScrapedPageReader, parse_page


EN_NOTICE = "Any use of materials is allowed only if there is a hyperlink to Caliber.az"
RU_NOTICE = "Любое использование материалов допускается только при наличии гиперссылки на Caliber.az"
LOOKALIKE = "By Monday, Azerbaijan and Armenia had exchanged draft texts."


def page(
    body: list[str],
    *,
    byline: str | None = "By Anar Aliyev",
    section: str | None = "WORLD",
    controls: bool = True,
    headline: str = "Talks resume in Almaty",
    date: str = "16 January 2026 11:01",
    notice: str = EN_NOTICE,
    views: str = "Views: 11",
    description: str = "The most important world news",
) -> str:
    """A page in the site's layout, with the parts given (``None`` leaves a part out)."""
    lines = ["twitter", "search", "WHAT ARE YOU LOOKING FOR ?", "", notice, "Caliber.az © 2026. ."]
    if section is not None:
        lines.append(section)
    if controls:
        lines += ["A+", "A-"]
    lines += ["", headline, "", date, ""]
    for paragraph in body:
        lines += [paragraph, ""]
    if byline is not None:
        lines += [byline, ""]
    lines += ["Caliber.Az", views, "", "share-lineLiked the story? Share it on social media!", "print"]
    if section is not None:
        lines += [section, description]
    lines.append("loading")
    return "\n".join(lines) + "\n"


def ru_page(body: list[str], *, byline: str | None, section: str = "МИР") -> str:
    return page(
        body,
        byline=byline,
        section=section,
        headline="Азербайджан и Армения обменялись проектами",
        date="16 января 2026 11:01",
        notice=RU_NOTICE,
        views="Просмотров: 11",
        description="Самые важные новости мира",
    )


def read(text: str) -> newsroom.Article:
    items = list(ScrapedPageReader().read(io.BytesIO(text.encode("utf-8")), source="t.txt"))
    assert len(items) == 1
    (story,) = items
    assert isinstance(story, newsroom.Article), story
    return story


def texts(story: newsroom.Article) -> list[str]:
    return [block.plain_text() for block in story.body]


def names(story: newsroom.Article) -> list[str]:
    return [person.name for person in story.bylines]


FIRST = "Talks resumed in Almaty on Friday."

# --------------------------------------------------------------------------- bylines: lookalikes stay body


@pytest.mark.parametrize(
    "last",
    [
        LOOKALIKE,
        "By Monday",
        "By Monday Morning",
        "By March",
        "By Christmas, both sides expect a signed text.",
        "By the end of the year, the corridor should carry ten million tonnes.",
        "By then, Baku and Yerevan had agreed.",
        "By 2030",
        "By Anar Aliyev!",
        "By Anar Aliyev..",  # one full stop may end a byline, not two
        "By Reuters. Baku Agreed.",  # a full stop inside the line ends a sentence
        "By Azerbaijan And Armenia Had Agreed",  # title case, but a function word reads as a sentence
        "By Monday and Tuesday",
        "By Monday.",
        "By March.",
        "By Christmas.",
        "By Contrast.",
        "By Monday Morning.",  # an opener followed by time words only is still a time
        "By Easter Sunday",
        "By Early March",
        "By Christmas Eve, the corridor was open.",
        "By Novruz, both sides had signed.",  # the holiday, not the first name: nothing follows it
        "By Ramadan, prices had risen.",
        "By The End",  # "The" before a time is not an organisation
        "By The Weekend",
        "By the Associated Press count, turnout was low.",
        "By The Associated Press count",  # a lower-case word after "The"
        "By The Office of the President",
        "By The Numbers",  # "The" and no word an organisation is called by: a heading or a phrase
        "By The Way",
        "By The Book",
        "By The Same Token",
        "By The New Year",
        "By The Time Baku Agreed",
        "Автор: доклада выступило министерство.",
        "Авторы: проекта и Министерство экономики",
    ],
)
def test_lines_that_only_look_like_bylines_stay_in_the_body(last: str) -> None:
    text = ru_page([FIRST, last], byline=None) if last.startswith("Автор") else page([FIRST, last], byline=None)
    story = read(text)
    assert story.bylines == ()
    assert story.byline() == ""
    assert texts(story) == [FIRST, last]


def test_reviewers_page_keeps_its_last_paragraph() -> None:
    text = page([FIRST, LOOKALIKE], byline=None)
    story = read(text)
    assert names(story) == []
    assert texts(story)[-1] == LOOKALIKE
    assert len(story.body) == 2


def test_lookalike_before_a_real_byline_is_body_and_the_byline_is_read() -> None:
    story = read(page([FIRST, LOOKALIKE], byline="By Leyla Mammadova and Rauf Hasanov"))
    assert names(story) == ["Leyla Mammadova", "Rauf Hasanov"]
    assert texts(story) == [FIRST, LOOKALIKE]


# --------------------------------------------------------------------------- bylines: real ones are read


@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        ("By Anar Aliyev", ["Anar Aliyev"]),
        ("By Reuters", ["Reuters"]),
        ("By A Writer", ["A Writer"]),
        ("By Leyla Mammadova and Rauf Hasanov", ["Leyla Mammadova", "Rauf Hasanov"]),
        ("By Leyla Mammadova & Rauf Hasanov", ["Leyla Mammadova", "Rauf Hasanov"]),
        ("By Anar Aliyev, Sabina Karimova and John O’Neill", ["Anar Aliyev", "Sabina Karimova", "John O’Neill"]),
        ("By Anar Aliyev, Sabina Karimova, and Tural Huseynov", ["Anar Aliyev", "Sabina Karimova", "Tural Huseynov"]),
        ("By Anar Aliyev, Sabina Karimova & Kamran Rzayev", ["Anar Aliyev", "Sabina Karimova", "Kamran Rzayev"]),
        ("By Charles de Gaulle and Ludwig van Beethoven", ["Charles de Gaulle", "Ludwig van Beethoven"]),
        ("By Ilham Heydar oglu Aliyev", ["Ilham Heydar oglu Aliyev"]),
        ("By Leyla Ilham qizi Mammadova", ["Leyla Ilham qizi Mammadova"]),
        ("By Mohammed bin Salman and Ahmed al-Sharaa", ["Mohammed bin Salman", "Ahmed al-Sharaa"]),
        ("By Valéry Giscard d’Estaing", ["Valéry Giscard d’Estaing"]),
        ("By Ursula von der Leyen", ["Ursula von der Leyen"]),
        ("By Jean-Pierre Dubois", ["Jean-Pierre Dubois"]),
        ("By Theresa May and June Smith", ["Theresa May", "June Smith"]),  # months as names
        ("By J. R. R. Tolkien", ["J. R. R. Tolkien"]),
        ("By Martin Luther King Jr.", ["Martin Luther King Jr."]),
        # first names that are also holidays, seasons, days or times of day
        ("By Novruz Mammadov", ["Novruz Mammadov"]),
        ("By Ramadan Sharif", ["Ramadan Sharif"]),
        ("By Summer Said", ["Summer Said"]),
        ("By Sunday Oguntola", ["Sunday Oguntola"]),
        ("By Autumn Brewington", ["Autumn Brewington"]),
        ("By Winter Kim", ["Winter Kim"]),
        ("By Easter Ross", ["Easter Ross"]),
        ("By Christmas Abbott", ["Christmas Abbott"]),
        ("By Noon Ahmed", ["Noon Ahmed"]),
        ("By Early Bird", ["Early Bird"]),
        ("By Novruz Mammadov and Ramadan Sharif", ["Novruz Mammadov", "Ramadan Sharif"]),
        # an organisation's leading "The" is part of its name
        ("By The Associated Press", ["The Associated Press"]),
        ("By The Caliber.Az Staff", ["The Caliber.Az Staff"]),
        ("By Anar Aliyev and The Associated Press", ["Anar Aliyev", "The Associated Press"]),
        # one full stop may end the line; an initial's or "Jr."'s stays with the name
        ("By Nicolas Sarkozy.", ["Nicolas Sarkozy"]),
        ("By Anar Aliyev.", ["Anar Aliyev"]),
        ("By Winter Kim.", ["Winter Kim"]),
        ("By The Associated Press.", ["The Associated Press"]),
        ("By Leyla Mammadova and Rauf Hasanov.", ["Leyla Mammadova", "Rauf Hasanov"]),
        ("By J. R. R. Tolkien.", ["J. R. R. Tolkien"]),
        ("By Martin Luther King Jr..", ["Martin Luther King Jr."]),
        ("By Anar Aliyev Ph.D.", ["Anar Aliyev Ph.D."]),  # dotted letters keep their own stop
        ("By J.R. Smith.", ["J.R. Smith"]),
        ("By Anar Aliyev Esq.", ["Anar Aliyev Esq."]),
        # a dotted name ends with a word, so the stop after it is the line's
        ("By Caliber.Az.", ["Caliber.Az"]),
        ("By Report.az.", ["Report.az"]),
        ("By A.Smith.", ["A.Smith"]),
        ("Автор: В.Петров.", ["В.Петров"]),
        # a publication called "The ..." with no organisation word
        ("By The Economist", ["The Economist"]),
        ("By The Independent.", ["The Independent"]),
        ("By The Atlantic and Anar Aliyev", ["The Atlantic", "Anar Aliyev"]),
        ("By The Hill", ["The Hill"]),
        ("By The Conversation", ["The Conversation"]),
    ],
)
def test_real_bylines_are_read(byline: str, expected: list[str]) -> None:
    story = read(page([FIRST], byline=byline))
    assert names(story) == expected
    assert texts(story) == [FIRST]


@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        ("Автор: Агаказим Гулиев", ["Агаказим Гулиев"]),
        ("Авторы: Нигяр Алиева и Эльвин Мамедов", ["Нигяр Алиева", "Эльвин Мамедов"]),
        ("Авторы: Нигяр Алиева, Эльвин Мамедов и Анар Алиев", ["Нигяр Алиева", "Эльвин Мамедов", "Анар Алиев"]),
        ("Автор: Ильхам Гейдар оглы Алиев", ["Ильхам Гейдар оглы Алиев"]),
        ("Автор: Анна-Мария Петрова", ["Анна-Мария Петрова"]),
        ("Автор: В. Петров", ["В. Петров"]),
        ("Автор: Анар Алиев.", ["Анар Алиев"]),
    ],
)
def test_russian_bylines_are_read(byline: str, expected: list[str]) -> None:
    body = "Стороны обменялись проектами текстов в понедельник."
    story = read(ru_page([body], byline=byline))
    assert story.language == "ru"
    assert names(story) == expected
    assert texts(story) == [body]


GIVEN = st.sampled_from(["Anar", "Leyla", "Sabina", "Rauf", "John", "Jean-Pierre", "Nigar", "Ahmed", "Mary", "Ilham"])
SURNAME = st.sampled_from(["Aliyev", "Mammadova", "O’Neill", "Hasanov", "Dubois", "al-Sharaa", "McLeod", "Smith"])
PARTICLE = st.sampled_from(["", "", "de", "van", "von der", "bin", "oglu", "qizi", "la"])
NAME = st.builds(
    lambda first, particle, last: " ".join(filter(None, (first, particle, last))), GIVEN, PARTICLE, SURNAME
)
JOINERS = st.sampled_from([" and ", ", ", " & ", ", and "])


@settings(max_examples=60, deadline=None)
@given(st.lists(NAME, min_size=1, max_size=4), st.data())
def test_generated_bylines_give_their_names(people: list[str], data: st.DataObject) -> None:
    line = people[0]
    for person in people[1:]:
        line += data.draw(JOINERS) + person
    story = read(page([FIRST], byline="By " + line))
    assert names(story) == people
    assert texts(story) == [FIRST]


# Words that open a time phrase and are also first names; people so named are still read.
OPENER_NAMES = st.sampled_from(["Novruz", "Ramadan", "Summer", "Sunday", "Autumn", "Winter", "Easter", "Noon", "Early"])
OPENER_NAME = st.builds(lambda first, last: f"{first} {last}", OPENER_NAMES, SURNAME)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(NAME, OPENER_NAME), min_size=1, max_size=4), st.data(), st.sampled_from(["", "."]))
def test_generated_bylines_with_a_closing_full_stop_give_their_names(
    people: list[str], data: st.DataObject, end: str
) -> None:
    line = people[0]
    for person in people[1:]:
        line += data.draw(JOINERS) + person
    story = read(page([FIRST], byline=f"By {line}{end}"))
    assert names(story) == people
    assert texts(story) == [FIRST]


TIME_OPENER = st.sampled_from(["Monday", "Sunday", "Summer", "Christmas", "Novruz", "Ramadan", "Noon", "Early", "Late"])
TIME_TAIL = st.lists(st.sampled_from(["Morning", "Evening", "Night", "Week", "Eve", "Day", "March", "May"]), max_size=2)


@settings(max_examples=60, deadline=None)
@given(TIME_OPENER, TIME_TAIL, st.sampled_from(["", ".", ", both sides had signed.", ", Baku and Yerevan agreed."]))
def test_a_time_phrase_is_never_a_byline(opener: str, tail: list[str], end: str) -> None:
    last = f"By {' '.join([opener, *tail])}{end}"
    story = read(page([FIRST, last], byline=None))
    assert story.bylines == ()
    assert texts(story) == [FIRST, last]


VERB_PHRASE = st.lists(
    st.sampled_from(["had", "exchanged", "draft", "texts", "agreed", "signed", "will", "report", "more", "than", "a"]),
    min_size=1,
    max_size=5,
)


@settings(max_examples=60, deadline=None)
@given(NAME, VERB_PHRASE, st.sampled_from(["", ".", ",", "!"]))
def test_a_lower_case_word_makes_the_line_a_sentence(name: str, tail: list[str], end: str) -> None:
    last = f"By {name} {' '.join(tail)}{end}"
    story = read(page([FIRST, last], byline=None))
    assert story.bylines == ()
    assert texts(story) == [FIRST, last]


def test_a_page_whose_byline_starts_with_a_holiday_name_reads_it_as_the_byline() -> None:
    path = Path(__file__).parent / "data" / "scraped" / "en_long_headline.txt"
    original = path.read_text(encoding="utf-8")
    assert "\nBy Kamran Rzayev\n" in original
    text = original.replace("\nBy Kamran Rzayev\n", "\nBy Novruz Mammadov\n")
    story = parse_page(text.encode("utf-8"), source=path.name)
    assert names(story) == ["Novruz Mammadov"]
    assert story.byline() == "By Novruz Mammadov"
    assert "By Novruz Mammadov" not in texts(story)
    assert not any("Novruz" in paragraph for paragraph in texts(story))
    assert texts(story) == [block.plain_text() for block in parse_page(original, source=path.name).body]


# --------------------------------------------------------------------------- characters Python breaks lines at

BREAKS = ["\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]


@pytest.mark.parametrize("char", BREAKS, ids=[f"U+{ord(c):04X}" for c in BREAKS])
def test_line_break_characters_inside_a_paragraph_become_spaces(char: str) -> None:
    assert char.join("ab").splitlines() == ["a", "b"]  # Python does treat it as a line break
    story = read(page([f"word{char}word and more", f"second{char} paragraph"], headline=f"Head{char}line"))
    assert texts(story) == ["word word and more", "second paragraph"]
    assert story.headline == "Head line"


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x1f", "\x7f", "\x9b"])
def test_other_control_characters_are_removed(char: str) -> None:
    story = read(page([f"clean{char}text here"]))
    assert texts(story) == ["cleantext here"]


WORD = st.text(st.characters(categories=["L", "N"], max_codepoint=0x4FF), min_size=1, max_size=8)
CONTROL = st.sampled_from([*BREAKS, "\x00", "\x01", "\x1b", "\x1f", "\x7f", "\x9f"])


@settings(max_examples=80, deadline=None)
@given(st.lists(st.lists(WORD, min_size=1, max_size=6), min_size=1, max_size=4), st.data())
def test_no_control_character_glues_words_or_splits_paragraphs(
    paragraphs: list[list[str]], data: st.DataObject
) -> None:
    body = []
    for words in paragraphs:
        text = words[0]
        for word in words[1:]:
            text += data.draw(st.lists(CONTROL, max_size=2).map("".join)) + " " + word
        # a line-break character between two words is a space, never nothing
        body.append("P " + text.replace(" ", data.draw(st.sampled_from([" ", *BREAKS]))))
    story = read(page(body, byline=None))
    got = texts(story)
    assert len(got) == len(paragraphs)  # no paragraph split or lost
    for words, text in zip(paragraphs, got, strict=True):
        assert text.split() == ["P", *words]
        assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F or c in "\u2028\u2029" for c in text)


# --------------------------------------------------------------------------- section names and errors


@pytest.mark.parametrize(
    ("line", "name", "slug"),
    [
        ("SOCIETY AND CULTURE", "Society and Culture", "society-and-culture"),
        ("THE WORLD IN BRIEF", "The World in Brief", "the-world-in-brief"),
        ("NEWS OF THE DAY", "News of the Day", "news-of-the-day"),
        ("NORTH-SOUTH CORRIDOR", "North-South Corridor", "north-south-corridor"),
        ("ANALYTICS", "Analytics", "analytics"),
        ("Mixed Case Kept", "Mixed Case Kept", "mixed-case-kept"),
    ],
)
def test_english_section_names_keep_small_words_lower_case(line: str, name: str, slug: str) -> None:
    story = read(page([FIRST], section=line))
    assert story.section is not None
    assert (story.section.name, story.section.slug) == (name, slug)


def test_russian_section_names_are_sentence_case() -> None:
    story = read(ru_page(["Стороны обменялись проектами текстов."], byline=None, section="ОБЩЕСТВО И КУЛЬТУРА"))
    assert story.section is not None
    assert story.section.name == "Общество и культура"


def test_a_page_without_its_section_line_names_the_section_line() -> None:
    text = page([FIRST], section=None, controls=False)
    with pytest.raises(newsroom.ReadError, match=r"the section line \(e\.g\. 'WORLD'\) was not found") as info:
        parse_page(text, source="nosection.txt")
    assert "the headline was not found" not in str(info.value)
    assert info.value.source == "nosection.txt"


def test_a_page_without_controls_still_reads_section_and_headline() -> None:
    story = read(page([FIRST], controls=False, section="POLITICS", description="Political news"))
    assert story.headline == "Talks resume in Almaty"
    assert story.section is not None
    assert (story.section.name, story.section.description) == ("Politics", "Political news")


def test_a_page_with_only_a_section_line_names_the_headline() -> None:
    # The one line between the notice and the date is in capitals and repeated in the footer.
    text = page([FIRST], controls=False, headline="")
    with pytest.raises(newsroom.ReadError, match="the headline was not found"):
        parse_page(text, source="noheadline.txt")
