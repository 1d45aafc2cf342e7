"""Fixes from the fifth review, each test a case a reviewer reproduced.

Places that the system refuses only when `newsroom convert` makes them (``/proc/x``, a path
beyond ``PATH_MAX``, ``link/..`` through a symbolic link); scraped bylines with a news agency
before the filing place ("By Reuters in Baku"); section initialisms in Cyrillic and with "&"
("СНГ", "Q&A"); NewsML-G2's "9999-12-31T24:00:00Z", whose next midnight is in the year 10000.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.test_convert_cli import _env, jsonl
from tests.test_convert_review4 import run_cli
from tests.test_newsml_review4 import HEAD, META_END
from tests.test_scraped_review import FIRST, names, page, read, ru_page, texts

import newsroom
from newsroom_newsml import NewsMLReader


# --------------------------------------------------------------------------- convert: unusable places

needs_proc = pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc")


def temp_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob(".newsroom-*") if p.is_file()]


def overlong(tmp_path: Path) -> Path:
    """A path beyond PATH_MAX whose every name is short enough (so only making it fails)."""
    path = tmp_path.joinpath(*["d" * 200] * 25)
    assert len(os.fsencode(path)) > os.pathconf(tmp_path, "PC_PATH_MAX")
    return path


@needs_proc
@pytest.mark.parametrize(
    ("out", "report", "message"),
    [
        ("/proc/x", None, "the output folder '/proc/x' cannot be made: No such file or directory"),
        ("/proc/x/y", None, "the output folder '/proc/x/y' cannot be made: No such file or directory: '/proc/x'"),
        ("{link}/../x", None, "the output folder '{link}/../x' cannot be made: "),
        ("{long}", None, "the output folder '{long}' cannot be made: File name too long"),
        (
            "out",
            "/proc/x/r.json",
            "the report '/proc/x/r.json': its folder '/proc/x' cannot be made: No such file or directory",
        ),
        ("out", "/proc/r.json", "the report '/proc/r.json' cannot be written: "),
        ("out", "{link}/../r.json", "the report '{link}/../r.json' cannot be written: "),
        ("out", "{long}/r.json", "the report '{long}/r.json': its folder '{long}' cannot be made: File name too long"),
    ],
    ids=[
        "proc",
        "under-proc",
        "link-up",
        "path-max",
        "report-under-proc",
        "report-in-proc",
        "report-link-up",
        "report-path-max",
    ],
)
def test_places_refused_when_made_are_usage_errors(tmp_path: Path, out: str, report: str | None, message: str) -> None:
    link = tmp_path / "link"
    link.symlink_to("/proc/self")  # link/.. is /proc, where nothing can be made, whoever runs this
    names = {"link": str(link), "long": str(overlong(tmp_path))}
    source = jsonl(tmp_path / "in.jsonl", 2)
    out_path = out.format(**names) if out.startswith(("/", "{")) else str(tmp_path / out)
    extra = ["--report", report.format(**names)] if report else []

    status, err = run_cli(str(source), "--to", "json", "--out", out_path, "--jobs", "1", *extra)

    assert status == 2, err
    assert err.startswith(f"newsroom convert: error: {message.format(**names)}")
    assert err.count("\n") == 1, "one line"
    assert "Traceback" not in err
    assert not any((tmp_path / "out").glob("*.json")), "stopped before any story"
    assert temp_files(tmp_path) == []
    # A run that cannot start takes back the folders it made: no empty --out, no half of a long path.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "link"]


@needs_proc
def test_the_library_raises_the_same_error_when_the_run_starts(tmp_path: Path) -> None:
    source = jsonl(tmp_path / "in.jsonl", 1)
    results = newsroom.convert(source, to="json", out="/proc/x", jobs=1)  # checked, and nothing is made yet
    with pytest.raises(ValueError, match=r"^the output folder '/proc/x' cannot be made: No such file or directory$"):
        next(results)


@needs_proc
def test_a_refused_report_leaves_an_existing_output_folder_and_its_files(tmp_path: Path) -> None:
    source = jsonl(tmp_path / "in.jsonl", 1)
    out = tmp_path / "out"
    out.mkdir()
    (out / "kept.json").write_text("{}", encoding="utf-8")
    results = newsroom.convert(source, to="json", out=out, jobs=1, report="/proc/x/r.json")
    with pytest.raises(newsroom.PlaceError, match=r"^the report '/proc/x/r.json': its folder '/proc/x' cannot be made"):
        next(results)
    assert [p.name for p in out.iterdir()] == ["kept.json"]
    new = tmp_path / "new" / "deeper"
    results = newsroom.convert(source, to="json", out=new, jobs=1, report="/proc/x/r.json")
    with pytest.raises(ValueError, match="cannot be made"):  # PlaceError is a ValueError
        next(results)
    assert not (tmp_path / "new").exists()


@needs_proc
def test_the_command_itself_prints_one_line(tmp_path: Path) -> None:
    source = jsonl(tmp_path / "in.jsonl", 1)
    for out in ("/proc/x", str(overlong(tmp_path))):
        done = subprocess.run(
            [sys.executable, "-m", "newsroom", "convert", str(source), "--to", "json", "--out", out],
            capture_output=True,
            text=True,
            env=_env(),
            timeout=120,
            check=False,
        )
        assert done.returncode == 2, done.stderr
        assert done.stderr == f"newsroom convert: error: the output folder {out!r} cannot be made: " + (
            "No such file or directory\n" if out == "/proc/x" else "File name too long\n"
        )


def test_a_reports_temporary_file_is_made_where_the_report_goes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "c/link/../r.json" is r.json above the link's target (a/), so its temporary file is made in
    # a/ and renamed on the same file system; before, it was made in c/, beside the link.
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "link").symlink_to(tmp_path / "a" / "b")
    folders: list[str] = []
    mkstemp = tempfile.mkstemp

    def recording_mkstemp(*args: Any, **kwargs: Any) -> tuple[int, str]:
        folders.append(kwargs["dir"])
        return mkstemp(*args, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", recording_mkstemp)
    source = jsonl(tmp_path / "in.jsonl", 2)
    report = tmp_path / "c" / "link" / ".." / "r.json"
    status, err = run_cli(str(source), "--to", "json", "--out", str(tmp_path / "out"), "--report", str(report))
    assert status == 0, err
    assert folders == [str((tmp_path / "a").resolve())]
    assert (tmp_path / "a" / "r.json").is_file()
    assert not (tmp_path / "c" / "r.json").exists()
    assert temp_files(tmp_path) == []


# --------------------------------------------------------------------------- scraped: agencies before a filing place


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("By Reuters in Baku", ["Reuters"]),
        ("By Anar Aliyev and Reuters in Baku", ["Anar Aliyev", "Reuters"]),
        ("By Reuters and Anar Aliyev in Baku.", ["Reuters", "Anar Aliyev"]),
        ("By Bloomberg in New York", ["Bloomberg"]),
        ("By Interfax in Moscow", ["Interfax"]),
        ("By Trend in Baku", ["Trend"]),
        ("By Xinhua in Beijing", ["Xinhua"]),
        ("By Anadolu in Ankara", ["Anadolu"]),
        ("By Report in Baku", ["Report"]),
        ("By Caliber in Baku", ["Caliber"]),
        ("By APA in Baku", ["APA"]),
        ("By TASS in Moscow", ["TASS"]),
        ("By AP in Washington", ["AP"]),
        ("By Report.az in Baku", ["Report.az"]),
        ("By Caliber.Az in Baku", ["Caliber.Az"]),
        ("Автор: Интерфакс в Москве", ["Интерфакс"]),
    ],
)
def test_a_news_agency_may_stand_alone_before_a_filing_place(line: str, expected: list[str]) -> None:
    story = read(page([FIRST], byline=line))
    assert names(story) == expected
    assert texts(story) == [FIRST]


@pytest.mark.parametrize(
    "line",
    [
        "By Friday in Baku",
        "By Friday in Baku the talks had ended",
        "By then in Baku",
        "By Monday in Baku",
        "By Sunset in Gaza.",
        "By Decree in Baku.",
        "By Anar Aliyev and Decree in Baku",
        "By the desk in Baku",
        "Автор: Петров в Москве.",
    ],
)
def test_other_single_words_before_a_filing_place_stay_phrases(line: str) -> None:
    story = read(page([FIRST], byline=line))
    assert names(story) == []
    assert texts(story) == [FIRST, line]


# --------------------------------------------------------------------------- scraped: section initialisms

RU_FIRST = "Стороны обменялись проектами текстов."


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("СНГ", "СНГ"),
        ("НОВОСТИ СНГ", "Новости СНГ"),
        ("СНГ И ЕАЭС", "СНГ и ЕАЭС"),
        ("США", "США"),
        ("ОДКБ/ШОС", "ОДКБ/ШОС"),
        ("ПОЛИТИКА ЕС", "Политика ЕС"),
        ("Q&A", "Q&A"),
        ("ИНТЕРВЬЮ И Q&A", "Интервью и Q&A"),
        ("ОБЩЕСТВО И КУЛЬТУРА", "Общество и культура"),
        ("МИР", "Мир"),
    ],
)
def test_russian_section_names_keep_initialisms(line: str, name: str) -> None:
    story = read(ru_page([RU_FIRST], byline=None, section=line))
    assert story.section is not None
    assert story.section.name == name


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("Q&A", "Q&A"),
        ("Q&A WITH THE MINISTER", "Q&A with the Minister"),
        ("M&A DEALS", "M&A Deals"),
        ("R&D", "R&D"),
        ("AT&T/NATO", "AT&T/NATO"),
        ("EU & NATO", "EU & NATO"),
        ("ARTS&CULTURE", "Arts&culture"),  # words, not letters, joined by "&"
        ("US ELECTIONS", "US Elections"),
        ("ABOUT US", "About Us"),
    ],
)
def test_letters_joined_by_an_ampersand_stay_as_written(line: str, name: str) -> None:
    story = read(page([FIRST], section=line))
    assert story.section is not None
    assert story.section.name == name


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(["НОВОСТИ", "СНГ", "И", "США", "ЭКОНОМИКА", "Q&A", "ЕС", "В", "МИРЕ", "R&D"]),
        min_size=1,
        max_size=5,
    )
)
def test_russian_section_names_are_sentence_case_around_their_initialisms(words: list[str]) -> None:
    kept = {"СНГ", "США", "Q&A", "ЕС", "R&D"}
    got = ru_section(" ".join(words)).split()
    assert len(got) == len(words)
    for k, (word, out) in enumerate(zip(words, got, strict=True)):
        if word in kept:
            assert out == word
        elif k == 0:
            assert out == word.capitalize()
        else:
            assert out == word.lower()


def ru_section(line: str) -> str:
    story = read(ru_page([RU_FIRST], byline=None, section=line))
    assert story.section is not None
    return story.section.name


# --------------------------------------------------------------------------- NewsML-G2: 24:00 at the end of time

LAST_DAY_END = "9999-12-31T24:00:00Z"


def newsml_item(field: str, value: str, guid: str = "urn:x:1") -> bytes:
    """A news item whose ``field`` (``itemMeta.firstCreated``...) holds ``value``."""
    head, meta_end = HEAD.replace(b"urn:x:1", guid.encode()), META_END
    tag = field.split(".")[1].encode()
    element = b"<" + tag + b">" + value.encode() + b"</" + tag + b">"
    if field == "itemMeta.versionCreated":
        head = head.replace(b"<versionCreated>2026-01-01T00:00:00Z</versionCreated>", element)
    elif field.startswith("itemMeta."):
        head += element
    else:
        meta_end = meta_end.replace(b"<headline>", element + b"<headline>")
    return head + meta_end + b"</contentSet></newsItem>"


def read_newsml(data: bytes) -> list[newsroom.Article | newsroom.ReadError]:
    return list(NewsMLReader().read(io.BytesIO(data), source="partner.xml"))


@pytest.mark.parametrize(
    "field",
    ["itemMeta.firstCreated", "itemMeta.versionCreated", "itemMeta.embargoed", "contentMeta.contentCreated"],
)
@pytest.mark.parametrize("value", [LAST_DAY_END, "9999-12-31T24:00:00.000+04:00", "9999-12-31T24:00:00-12:00"])
def test_the_end_of_the_last_day_is_a_field_error(field: str, value: str) -> None:
    (error,) = read_newsml(newsml_item(field, value))
    assert isinstance(error, newsroom.ReadError)
    assert f"{field}: {value!r} is past the latest date-time that can be held" in str(error)
    assert error.source == "partner.xml"


def test_the_reader_goes_on_after_it() -> None:
    good = newsml_item("itemMeta.firstCreated", "9999-12-30T24:00:00Z", guid="urn:x:2")
    message = b"<newsMessage xmlns='http://iptc.org/std/nar/2006-10-01/'><header/><itemSet>%s%s</itemSet></newsMessage>"
    results = read_newsml(message % (newsml_item("itemMeta.firstCreated", LAST_DAY_END), good))
    assert [type(r).__name__ for r in results] == ["ReadError", "Article"]
    story = results[1]
    assert isinstance(story, newsroom.Article)
    assert story.first_created == datetime(9999, 12, 31, tzinfo=UTC)


@settings(max_examples=200, deadline=None)
@given(
    st.dates(min_value=datetime(9998, 12, 1).date()),
    st.sampled_from(["Z", "", "+04:00", "-12:00", "+14:00", ".000Z"]),
)
def test_24_00_is_the_next_midnight_or_a_field_error(day: Any, zone: str) -> None:
    (result,) = read_newsml(newsml_item("itemMeta.firstCreated", f"{day.isoformat()}T24:00:00{zone}"))
    if day.year == 9999 and (day.month, day.day) == (12, 31):
        assert isinstance(result, newsroom.ReadError)
        assert "itemMeta.firstCreated" in str(result)
    else:
        assert isinstance(result, newsroom.Article)
        assert result.first_created is not None
        assert result.first_created.replace(tzinfo=None) == datetime.combine(day, datetime.min.time()) + timedelta(
            days=1
        )


# --------------------------------------------------------------------------- convert: a story's files together


@pytest.mark.skipif(not hasattr(__import__("signal"), "pthread_sigmask"), reason="needs pthread_sigmask (POSIX)")
def test_ctrl_c_between_a_storys_files_leaves_both_placed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import signal

    source = jsonl(tmp_path / "in.jsonl", 3)
    out = tmp_path / "out"
    real = os.replace
    placed: list[str] = []

    def replace(src: Any, dst: Any) -> None:
        real(src, dst)
        placed.append(os.fspath(dst))
        if len(placed) == 1:  # Ctrl-C right after the first story's first file
            os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(KeyboardInterrupt):
        for _ in newsroom.convert(source, to=["json", "newsml-g2"], out=out, jobs=1):
            pass
    files = sorted(p for p in out.rglob("*") if p.is_file())
    assert [p.suffix for p in files] == [".json", ".xml"], "both of the first story's files, and only those"
    assert [p.name for p in files] == [
        "world_council-meets-on-item-0.json",
        "world_council-meets-on-item-0.newsml-g2.xml",
    ]
    assert newsroom.loads(files[0].read_bytes()).guid == "urn:test:0"
