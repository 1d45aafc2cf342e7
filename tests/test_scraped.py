"""The scraped-page reader: every fact of §1 on the seed and on our own pages, and bad input."""

from __future__ import annotations

import ast
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from tests.conftest import need_shared

import newsroom
from newsroom.testing import FixedClock
from newsroom_scraped import ScrapedPageReader, parse_page


DATA = Path(__file__).parent / "data" / "scraped"
PLUGIN = Path(__file__).resolve().parents[1] / "plugins" / "newsroom_scraped"


def read(path: Path, reader: newsroom.Reader | None = None) -> newsroom.Article:
    reader = reader or ScrapedPageReader()
    with path.open("rb") as stream:
        items = list(reader.read(stream, source=str(path)))
    assert len(items) == 1
    (item,) = items
    assert isinstance(item, newsroom.Article), item
    return item


def body_texts(article: newsroom.Article) -> list[str]:
    return [block.plain_text() for block in article.body]


# --------------------------------------------------------------------------- the seed


def test_seed_page_facts(host: newsroom.PluginHost) -> None:
    seed = need_shared("seeds", "000_cf31b5b404e68b4a.txt")
    reader = host.reader("scraped")
    assert reader.sniff(seed.read_bytes()[:4096], seed.name)
    story = read(seed, reader)

    assert story.headline == "Japan, Italy unite on Ukraine, advanced defence projects in landmark talks"
    assert story.section is not None
    assert (story.section.name, story.section.slug) == ("World", "world")
    assert story.section.description == "The most important world news"
    assert story.published == datetime(2026, 1, 16, 7, 1, tzinfo=UTC)
    offset = story.published.utcoffset()
    assert offset is not None
    assert offset.total_seconds() == 4 * 3600  # Baku time as printed
    assert [p.name for p in story.bylines] == ["Aghakazim Guliyev"]
    assert story.language == "en"
    assert story.slug == "japan-italy-unite-on-ukraine-advanced-defence-projects-in-landmark-talks"
    assert story.extra["views"] == "11"
    assert story.state is newsroom.PublishState.DRAFT
    assert story.history == ()

    texts = body_texts(story)
    assert len(texts) == 11
    assert texts[0].startswith("Japanese Prime Minister Sanae Takaichi and Italian Prime Minister Giorgia Meloni")
    assert texts[-1].startswith("Separately, European Union Foreign Policy Chief Kaja Kallas")
    assert "“special strategic partnership,”" in texts[1]
    chrome = (
        "twitter",
        "A+",
        "A-",
        "By Aghakazim",
        "Caliber.Az",
        "Views",
        "share-line",
        "print",
        "copy link",
        "loading",
    )
    assert not any(t == c or t.startswith(c) for t in texts for c in chrome)

    caliber = [s for s in story.sources if s.role is newsroom.SourceRole.SOURCE]
    assert [s.name for s in caliber] == ["Caliber.Az"]
    assert caliber[0].home == "https://caliber.az"
    assert caliber[0].policy is not None
    assert caliber[0].policy.notice == "Any use of materials is allowed only if there is a hyperlink to Caliber.az"
    owed = newsroom.obligations(story)
    assert [(o.host, o.scope) for o in owed] == [("caliber.az", newsroom.LinkScope.SITE)]
    assert [s.name for s in story.via] == ["Japanese media"]


def test_seed_exports_to_json_with_the_link_proved(host: newsroom.PluginHost, clock: FixedClock) -> None:
    story = read(need_shared("seeds", "000_cf31b5b404e68b4a.txt"))
    rendition = newsroom.export(story, "json", clock=clock, host=host)
    assert newsroom.loads(rendition.content) == story


# --------------------------------------------------------------------------- our own pages

PAGES = {
    "en_politics_two_bylines.txt": {
        "section": ("Politics", "politics", "Political news of Azerbaijan and the region"),
        "headline": "Baku and Tashkent sign transport and energy accords",
        "utc": datetime(2026, 2, 3, 10, 25, tzinfo=UTC),
        "bylines": ["Leyla Mammadova", "Rauf Hasanov"],
        "language": "en",
        "paragraphs": 3,
        "views": "318",
        "via": [],
        "source": "Caliber.Az",
    },
    "en_economy_three_bylines.txt": {
        "section": ("Economy", "economy", "Economic news: markets, energy and trade"),
        "headline": "Oil output steady as OPEC+ weighs spring quotas",
        "utc": datetime(2026, 2, 28, 5, 5, tzinfo=UTC),
        "bylines": ["Anar Aliyev", "Sabina Karimova", "John O’Neill"],
        "language": "en",
        "paragraphs": 3,
        "views": "1204",
        "via": ["Reuters"],
        "source": "Caliber.Az",
    },
    "en_no_byline_by_2030.txt": {
        "section": ("Region", "region", "News from the South Caucasus and Central Asia"),
        "headline": "Middle Corridor cargo doubles in a year",
        "utc": datetime(2026, 3, 12, 14, 40, tzinfo=UTC),
        "bylines": [],
        "language": "en",
        "paragraphs": 2,
        "views": "77",
        "via": [],
        "source": "Caliber.Az",
    },
    "ru_world.txt": {
        "section": ("Мир", "mir", "Самые важные мировые новости"),
        "headline": "Япония и Италия договорились о специальном стратегическом партнёрстве",
        "utc": datetime(2026, 1, 16, 7, 1, tzinfo=UTC),
        "bylines": ["Агаказим Гулиев"],
        "language": "ru",
        "paragraphs": 2,
        "views": "2531",
        "via": ["японские СМИ"],
        "source": "Caliber.Az",
    },
    "ru_two_authors.txt": {
        "section": ("Экономика", "ekonomika", "Экономические новости Азербайджана и мира"),
        "headline": "Азербайджан увеличил экспорт газа в Европу",
        "utc": datetime(2026, 4, 1, 4, 15, tzinfo=UTC),
        "bylines": ["Нигяр Алиева", "Эльвин Мамедов"],
        "language": "ru",
        "paragraphs": 3,
        "views": "905",
        "via": [],
        "source": "Caliber.Az",
    },
    "en_long_headline.txt": {
        "section": ("Society", "society", "Society, health and education"),
        "headline": "Parliament approves sweeping reform of the pension system, raising the retirement age "
        "gradually over ten years while protecting miners, teachers and doctors from the change, "
        "in a vote that split the ruling coalition for the first time since 2020",
        "utc": datetime(2026, 5, 5, 12, 0, tzinfo=UTC),
        "bylines": ["Kamran Rzayev"],
        "language": "en",
        "paragraphs": 2,
        "views": "4",
        "via": [],
        "source": "Caliber.Az",
    },
    "en_awkward_characters.txt": {
        "section": ("World", "world", "The most important world news"),
        "headline": "Families 👨\u200d👩\u200d👧\u200d👦 cheer as flags 🇦🇿 & 🇯🇵 fly",
        "utc": datetime(2026, 6, 7, 6, 10, tzinfo=UTC),
        "bylines": ["Jean-Pierre Dubois", "Ilham Ismayilov"],
        "language": "en",
        "paragraphs": 4,
        "views": "12",
        "via": [],
        "source": "Caliber.Az",
    },
    "en_late_night_zone.txt": {
        "section": ("Incidents", "incidents", "Incidents and accidents"),
        "headline": "Power cut hits three districts overnight",
        "utc": datetime(2026, 2, 28, 20, 30, tzinfo=UTC),  # 00:30 in Baku is the day before in UTC
        "bylines": ["Orkhan Jafarov"],
        "language": "en",
        "paragraphs": 1,
        "views": "9",
        "via": [],
        "source": "Caliber.Az",
    },
    "en_no_source_line.txt": {
        "section": ("Sport", "sport", "Sport news"),
        "headline": "Qarabag reach the quarter-finals",
        "utc": datetime(2026, 3, 19, 19, 55, tzinfo=UTC),
        "bylines": ["Tural Huseynov"],
        "language": "en",
        "paragraphs": 2,
        "views": "10000",
        "via": [],
        "source": "Caliber.az",  # named as the notice spells it when the page has no source line
    },
    "en_crlf_bom.txt": {
        "section": ("Military", "military", "Defence and security news"),
        "headline": "Joint drills begin on the Absheron peninsula",
        "utc": datetime(2026, 4, 20, 3, 45, tzinfo=UTC),
        "bylines": ["Aysel Mammadli"],
        "language": "en",
        "paragraphs": 2,
        "views": "53",
        "via": [],
        "source": "Caliber.Az",
    },
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_facts(name: str) -> None:
    facts = PAGES[name]
    story = read(DATA / name)
    assert story.section is not None
    assert (story.section.name, story.section.slug, story.section.description) == facts["section"]
    assert story.headline == facts["headline"]
    assert story.published == facts["utc"]
    assert [p.name for p in story.bylines] == facts["bylines"]
    assert story.language == facts["language"]
    assert len(story.body) == facts["paragraphs"]
    assert all(isinstance(b, newsroom.Paragraph) for b in story.body)
    assert story.extra == {"views": facts["views"]}
    assert [s.name for s in story.via] == facts["via"]
    assert [s.name for s in story.sources if s.role is newsroom.SourceRole.SOURCE] == [facts["source"]]
    assert [o.host for o in newsroom.obligations(story)] == ["caliber.az"]
    assert story.slug == newsroom.make_slug(facts["headline"])
    assert story.state is newsroom.PublishState.DRAFT
    # No chrome in the body, whatever the page.
    for text in body_texts(story):
        assert not text.startswith(("Автор", "Views:", "Просмотров:", "share-line", "A+"))
        assert not any(text.startswith(f"By {name}") for name in facts["bylines"])
        assert text not in {"Caliber.Az", "print", "copy link", "loading", facts["section"][2]}


def test_by_2030_paragraph_is_body_and_page_has_no_byline() -> None:
    story = read(DATA / "en_no_byline_by_2030.txt")
    assert story.bylines == ()
    assert story.byline() == ""
    assert body_texts(story)[-1].startswith("By 2030, the corridor is expected")


def test_by_contrast_paragraph_stays_in_the_body() -> None:
    story = read(DATA / "en_economy_three_bylines.txt")
    assert body_texts(story)[-1] == "By contrast, gas exports to Europe rose by nine per cent on the year."


def test_awkward_characters_are_kept_and_control_characters_removed() -> None:
    story = read(DATA / "en_awkward_characters.txt")
    first, second, third, fourth = body_texts(story)
    assert first == "Prices rose 5% & wages < inflation, the “official” report said — a ‘surprise’."
    # '<b>' is text, not markup: nothing was parsed into emphasis.
    assert second == "Families 👨\u200d👩\u200d👧\u200d👦 waved flags 🇦🇿 on the boulevard as <b>bands</b> played."
    block = story.body[1]
    assert isinstance(block, newsroom.Paragraph)
    assert block.text.nodes == (newsroom.Text(second),)
    assert third.startswith("By 2030, the corridor")
    assert fourth == "Tabs and spaces are collapsed."
    everything = story.headline + "".join(body_texts(story))
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in everything)
    # The markup the native JSON stores escapes the characters, and reads back the same.
    assert "&lt;b&gt;" in block.text.markup()
    assert newsroom.loads(newsroom.dumps(story)) == story


def test_russian_edition_words() -> None:
    story = read(DATA / "ru_world.txt")
    assert story.byline() == "Автор: Агаказим Гулиев"
    policy = story.sources[0].policy
    assert policy is not None
    assert policy.notice is not None
    assert policy.notice.startswith("Любое использование материалов")
    assert story.guid.startswith("tag:caliber.az,2026-01-16:ru/mir/")


def test_zone_is_configurable() -> None:
    baku = read(DATA / "ru_world.txt")
    moscow = read(DATA / "ru_world.txt", ScrapedPageReader(zone="Europe/Moscow"))
    assert moscow.published == datetime(2026, 1, 16, 8, 1, tzinfo=UTC)
    assert baku.published is not None
    assert moscow.published - baku.published == (datetime(2026, 1, 16, 8, 1) - datetime(2026, 1, 16, 7, 1))
    assert ScrapedPageReader().with_options(zone="UTC").zone == "UTC"


def test_bad_options_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown time zone 'Mars/Olympus'"):
        ScrapedPageReader(zone="Mars/Olympus")
    with pytest.raises(ValueError, match="no option 'colour'"):
        ScrapedPageReader().with_options(colour="red")


def test_reading_is_deterministic() -> None:
    path = DATA / "en_politics_two_bylines.txt"
    assert read(path) == read(path)


# --------------------------------------------------------------------------- bad input

BROKEN = {
    "broken_no_notice.txt": "rights notice was not found",
    "broken_no_date.txt": "date line was not found",
    "broken_bad_date.txt": "'31 February 2026 11:01' is not a real date",
    "broken_no_headline.txt": "headline was not found",
    "broken_no_end.txt": "end of the story was not found",
    "broken_no_body.txt": "no body paragraphs",
    "broken_not_utf8.txt": "not UTF-8",
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_pages_say_which_part_is_missing(name: str) -> None:
    path = DATA / name
    with path.open("rb") as stream, pytest.raises(newsroom.ReadError, match=BROKEN[name]) as info:
        list(ScrapedPageReader().read(stream, source=str(path)))
    assert info.value.source == str(path)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "hello\n",
        '{"format_version": 1, "headline": "x"}',
        "Any use of materials is allowed only if there is a hyperlink to Caliber.az\n",
        "Any use of materials is allowed only if there is a hyperlink to Caliber.az\nWORLD\nA+\nA-\nHeadline\n",
    ],
)
def test_never_an_article_without_headline_or_date(text: str) -> None:
    with pytest.raises(newsroom.ReadError):
        parse_page(text, source="x.txt")


def test_sniff_recognises_both_editions_and_nothing_else() -> None:
    reader = ScrapedPageReader()
    assert reader.sniff((DATA / "ru_world.txt").read_bytes()[:2048], "ru_world.txt")
    assert reader.sniff((DATA / "en_crlf_bom.txt").read_bytes()[:2048], "en_crlf_bom.txt")
    assert not reader.sniff(b'{"format_version": 1}', "a.txt")
    assert not reader.sniff(b"Any use of these notes is free\n", "a.txt")


# --------------------------------------------------------------------------- plugin hygiene


def test_plugin_imports_only_the_public_api() -> None:
    public = set(newsroom.__all__)
    for path in PLUGIN.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    assert not alias.name.startswith("newsroom.") or alias.name == "newsroom", (path, alias.name)
                    assert not alias.name.startswith("newsroom_") or alias.name == "newsroom_scraped", path
            elif isinstance(node, ast.ImportFrom) and node.module:
                if node.module == "newsroom":
                    assert {a.name for a in node.names} <= public, path
                else:
                    assert not node.module.startswith("newsroom."), (path, node.module)
                    assert not node.module.startswith("newsroom_") or node.module.startswith("newsroom_scraped"), path
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "newsroom":
                assert node.attr in public, (path, node.attr)


def test_registered_as_a_builtin(host: newsroom.PluginHost) -> None:
    assert "newsroom_scraped" in newsroom.plugins.BUILTIN_PLUGINS
    assert isinstance(host.reader("scraped"), ScrapedPageReader)
    assert ".txt" in host.reader("scraped").suffixes


def test_reader_reads_from_any_binary_stream() -> None:
    data = (DATA / "ru_two_authors.txt").read_bytes()
    (story,) = ScrapedPageReader().read(io.BytesIO(data), source="memory")
    assert isinstance(story, newsroom.Article)
    assert story.headline == "Азербайджан увеличил экспорт газа в Европу"
