"""Validating NewsML-G2 for users: the validator, `newsroom validate`, and the schema cache.

The schema comes from the shared folder or from a cache filled by a fake download: these tests
never use the network.
"""

from __future__ import annotations

import io
import logging
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree
from tests.conftest import need_shared

import newsroom
import newsroom_newsml
from newsroom import cli
from newsroom.testing import FixedClock, plugin_host, sample_article
from newsroom_newsml import validation


EXAMPLES = ("conformance", "newsml-g2-examples")
G2_FILES = ("NewsML-G2_2.35-spec-All-Power.xsd", "xml.xsd")


def schemas() -> Path:
    return need_shared("schemas")


def messages(problems: tuple[newsroom.Violation, ...]) -> list[str]:
    return [p.message for p in problems]


@pytest.fixture
def item_file(tmp_path: Path) -> Path:
    path = tmp_path / "item.xml"
    path.write_bytes(newsroom.export(sample_article(), "newsml-g2", clock=FixedClock(), host=plugin_host()).content)
    return path


@pytest.fixture
def bad_file(item_file: Path, tmp_path: Path) -> Path:
    """The item with pubStatus moved before itemClass, pretty-printed so lines mean something."""
    root = etree.fromstring(item_file.read_bytes())
    meta = root.find("{http://iptc.org/std/nar/2006-10-01/}itemMeta")
    assert meta is not None
    status = meta.find("{http://iptc.org/std/nar/2006-10-01/}pubStatus")
    assert status is not None
    meta.insert(0, status)
    path = tmp_path / "bad.xml"
    path.write_bytes(etree.tostring(root, pretty_print=True))
    return path


# --------------------------------------------------------------------------- the validator


@pytest.mark.parametrize(
    "name",
    [
        "LISTING_1_A_NewsML-G2_News_Item.xml",
        "LISTING_2_NewsML-G2_Text_Document.xml",
        "LISTING_22_Sports_story_in_NewsML-G2NITF.xml",
        "LISTING_29_Hop_History.xml",
        "LISTING_6_Simple_NewsML-G2_Package.xml",
        "LISTING_23_SportsML-G2_Package.xml",
        "Receiver_View.xml",
        "unittest_NAR1.9_CR00127_extend_newsmessage_header.xml",
        "unittest_2.12_CR00156_add_link_property_to_rightsinfo.xml",
        "unittest_2.34_CR00219_datamining_in_rightsinfo_otherconstraints.xml",
    ],
)
def test_iptc_examples_that_iptc_calls_valid_are_valid(name: str) -> None:
    assert newsroom_newsml.validate(need_shared(*EXAMPLES, name).read_bytes(), schemas()) == ()


def test_iptc_abridged_message_is_invalid_with_lines_and_schema_messages() -> None:
    content = need_shared(*EXAMPLES, "LISTING_24_News_Message_conveying_a_complete_News_Package.xml").read_bytes()
    problems = newsroom_newsml.validate(content, schemas())
    assert problems
    assert all(p.rule == "schema" for p in problems)
    first = problems[0].message
    assert first.startswith("line 21: ")  # the <packageItem> with no guid, standard or itemMeta
    assert "packageItem" in first


def test_schema_error_gives_line_and_message(bad_file: Path) -> None:
    problems = newsroom_newsml.validate(bad_file.read_bytes(), schemas())
    assert len(problems) == 1
    line = (
        bad_file.read_text().splitlines().index(next(x for x in bad_file.read_text().splitlines() if "pubStatus" in x))
    )
    assert problems[0].message.startswith(f"line {line + 1}: ")
    assert (
        "pubStatus': This element is not expected. Expected is ( {http://iptc.org/std/nar/2006-10-01/}itemClass )"
        in (problems[0].message)
    )


def test_not_well_formed() -> None:
    (problem,) = newsroom_newsml.validate(b'<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/">\n<a>\n', schemas())
    assert problem.rule == "well-formed"
    assert problem.message.startswith("line 3: ")


def test_xhtml_rules_the_schema_cannot_see(item_file: Path) -> None:
    content = item_file.read_bytes()
    assert newsroom_newsml.validate(content, schemas()) == ()
    # An un-namespaced <html> passes the lax inlineXML, but is not XHTML.
    plain = content.replace(b'<html xmlns="http://www.w3.org/1999/xhtml"', b'<html xmlns=""')
    assert any(
        "one html element in the XHTML namespace" in m for m in messages(newsroom_newsml.validate(plain, schemas()))
    )
    scripted = content.replace(b"<h1>", b"<script>alert(1)</script><h1>")
    found = messages(newsroom_newsml.validate(scripted, schemas()))
    assert any("{http://www.w3.org/1999/xhtml}script does not belong in an XHTML body" in m for m in found)


def test_validator_is_registered_and_chosen_by_sniffing(item_file: Path) -> None:
    host = plugin_host()
    assert isinstance(host.validators()["newsml-g2"], newsroom.Validator)
    name, problems = newsroom.validate_document(item_file.read_bytes(), source="item.xml", host=host, schemas=schemas())
    assert (name, problems) == ("newsml-g2", ())
    with pytest.raises(newsroom.UnknownFormatError, match=r"no validator recognises notes\.txt"):
        newsroom.validate_document(b"just text", source="notes.txt", host=host)


# --------------------------------------------------------------------------- newsroom validate


def run_cli(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    status = cli.main(["validate", *argv], out=out)
    return status, out.getvalue()


def test_cli_valid_and_invalid_files(item_file: Path, bad_file: Path, tmp_path: Path) -> None:
    status, output = run_cli(str(item_file), "--schemas", str(schemas()))
    assert (status, output) == (0, f"{item_file}: valid (newsml-g2)\n")
    missing = tmp_path / "missing.xml"
    status, output = run_cli(str(item_file), str(bad_file), str(missing), "--schemas", str(schemas()))
    assert status == 1
    lines = output.splitlines()
    assert lines[0] == f"{item_file}: valid (newsml-g2)"
    assert lines[1].startswith(f"{bad_file}:")
    number = lines[1].split(":")[1]
    assert "pubStatus" in bad_file.read_text().splitlines()[int(number) - 1]
    assert "This element is not expected" in lines[1]
    assert lines[2].startswith(f"{missing}: cannot validate:")


def test_cli_named_format_and_unrecognised_file(tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    status, output = run_cli(str(text), "--schemas", str(schemas()))
    assert status == 1
    assert "no validator recognises" in output
    status, output = run_cli(str(text), "--format", "newsml-g2", "--schemas", str(schemas()))
    assert status == 1
    assert f"{text}:1: " in output


# --------------------------------------------------------------------------- the cache


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("NEWSROOM_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("NEWSROOM_NEWSML_SCHEMAS", raising=False)
    return tmp_path / "cache" / "schemas" / "newsml-g2-2.35"


def fake_iptc(fetched: list[str]) -> Callable[[str], bytes]:
    files = {name: need_shared("schemas", "newsml-g2", name).read_bytes() for name in G2_FILES}

    def fetch(url: str) -> bytes:
        fetched.append(url)
        return files[url.rsplit("/", 1)[1]]

    return fetch


def test_schema_is_downloaded_once_into_the_cache_saying_so(cache: Path, caplog: pytest.LogCaptureFixture) -> None:
    fetched: list[str] = []
    with caplog.at_level(logging.WARNING, logger="newsroom_newsml"):
        folder = validation.cached_schemas(fetch=fake_iptc(fetched))
    assert folder == cache
    assert sorted(p.name for p in folder.iterdir()) == sorted(G2_FILES)
    assert fetched == [
        "https://www.iptc.org/std/NewsML-G2/2.35/specification/NewsML-G2_2.35-spec-All-Power.xsd",
        "https://www.iptc.org/std/NewsML-G2/2.35/specification/xml.xsd",
    ]
    assert len(caplog.records) == 2
    assert all("downloading IPTC's NewsML-G2 2.35 schema" in r.getMessage() for r in caplog.records)
    assert str(cache) in caplog.records[0].getMessage()
    validation.cached_schemas(fetch=fake_iptc(fetched))
    assert len(fetched) == 2, "the second call finds the cache full"


def test_cached_schema_validates(cache: Path, item_file: Path) -> None:
    validation.cached_schemas(fetch=fake_iptc([]))
    assert newsroom_newsml.validate(item_file.read_bytes()) == ()
    status, output = run_cli(str(item_file))
    assert (status, output) == (0, f"{item_file}: valid (newsml-g2)\n")


def test_a_download_that_is_not_a_schema_is_refused(cache: Path) -> None:
    with pytest.raises(newsroom.NewsroomError, match="is not an XML Schema"):
        validation.cached_schemas(fetch=lambda _url: b"<html><body>Not found</body></html>")
    with pytest.raises(newsroom.NewsroomError, match="could not download"):
        validation.cached_schemas(fetch=lambda _url: b"<<<")
    assert not any(cache.glob("*.xsd")), "nothing half-written is left in the cache"


def test_exporter_never_downloads(cache: Path) -> None:
    with pytest.raises(newsroom.ExportError, match="not cached"):
        newsroom.export(
            sample_article(), "newsml-g2", clock=FixedClock(), host=plugin_host(), options={"validate": True}
        )


def test_environment_names_the_schema_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, item_file: Path) -> None:
    folder = tmp_path / "iptc"
    folder.mkdir()
    for name in G2_FILES:
        shutil.copy(need_shared("schemas", "newsml-g2", name), folder / name)
    monkeypatch.setenv("NEWSROOM_NEWSML_SCHEMAS", str(folder))
    assert newsroom_newsml.validate(item_file.read_bytes(), download=False) == ()
    with pytest.raises(newsroom.NewsroomError, match=r"holds no NewsML-G2_2\.35-spec-All-Power\.xsd"):
        newsroom_newsml.validate(item_file.read_bytes(), tmp_path)
