"""Review fixes for NewsML-G2 validation: DTDs, unchecked NITF bodies, no network, broken schema files.

Never uses the network: downloads are faked, or go to a local socket server that never answers.
"""

from __future__ import annotations

import io
import logging
import shutil
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from lxml import etree
from tests.conftest import need_shared

import newsroom
import newsroom_newsml
from newsroom import cli, validate_command
from newsroom.testing import FixedClock, plugin_host, sample_article
from newsroom_newsml import validation


G2_FILES = ("NewsML-G2_2.35-spec-All-Power.xsd", "xml.xsd")
NITF_FILES = ("nitf-3-6.xsd", "nitf-3-6-ruby-include.xsd")
NAR = "http://iptc.org/std/nar/2006-10-01/"
ITEM = (
    f'<newsItem xmlns="{NAR}" guid="g" standard="NewsML-G2" standardversion="2.35"><itemMeta>'
    '<itemClass qcode="ninat:text"/><provider qcode="a:b"/><versionCreated>2020-01-01T00:00:00Z</versionCreated>'
    "<edNote>{note}</edNote></itemMeta></newsItem>"
)


def run_cli(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    status = cli.main(["validate", *argv], out=out)
    return status, out.getvalue()


def export(**options: object) -> bytes:
    return newsroom.export(
        sample_article(), "newsml-g2", clock=FixedClock(), host=plugin_host(), options=options
    ).content


@pytest.fixture(autouse=True)
def no_failed_downloads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts as a new process would: no download has failed yet."""
    monkeypatch.setattr(validation, "_FAILED_DOWNLOADS", [])


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("NEWSROOM_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("NEWSROOM_NEWSML_SCHEMAS", raising=False)
    return tmp_path / "cache" / "schemas" / "newsml-g2-2.35"


def g2_only(folder: Path) -> Path:
    """``folder`` holding the NewsML-G2 XSD and xml.xsd, but no NITF (what the cache used to hold)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in G2_FILES:
        shutil.copy(need_shared("schemas", "newsml-g2", name), folder / name)
    return folder


def shared_files(fetched: list[str]) -> Callable[[str], bytes]:
    """A fake IPTC: serves the shared copies of every file the cache may ask for."""
    files = {name: need_shared("schemas", "newsml-g2", name).read_bytes() for name in G2_FILES}
    files |= {name: need_shared("schemas", "nitf", name).read_bytes() for name in NITF_FILES}

    def fetch(url: str) -> bytes:
        fetched.append(url)
        return files[url.rsplit("/", 1)[1]]

    return fetch


def offline(url: str) -> bytes:
    raise OSError(f"no route to {url}")


# --------------------------------------------------------------------------- 1. DTDs and entities


DTD_DOCUMENTS = {
    "internal entity": b'<?xml version="1.0"?>\n<!DOCTYPE newsItem [<!ENTITY x "hello">]>\n'
    + ITEM.format(note="&x;").encode(),
    "external entity": b'<?xml version="1.0"?>\n\n<!DOCTYPE newsItem [<!ENTITY x SYSTEM "file:///etc/hostname">]>\n'
    + ITEM.format(note="&x;").encode(),
    "billion laughs": b'<?xml version="1.0"?>\n<!DOCTYPE newsItem [\n<!ENTITY a "aaaaaaaaaa">\n'
    + b"".join(f'<!ENTITY a{i} "{("&a;" if i == 0 else f"&a{i - 1};") * 10}">\n'.encode() for i in range(9))
    + b"]>\n"
    + ITEM.format(note="&a8;").encode(),
}


@pytest.mark.parametrize("kind", sorted(DTD_DOCUMENTS))
def test_a_document_declaring_a_dtd_is_refused_as_the_reader_refuses_it(kind: str) -> None:
    content = DTD_DOCUMENTS[kind]
    (problem,) = newsroom_newsml.validate(content, need_shared("schemas"))
    assert problem.rule == "dtd"
    doctype_line = content.splitlines().index(next(x for x in content.splitlines() if x.startswith(b"<!DOCTYPE"))) + 1
    assert problem.message.startswith(f"line {doctype_line}: the document declares a DTD")
    assert "amplification" not in problem.message
    with pytest.raises(newsroom.ReadError, match="declares a DTD"):
        list(newsroom_newsml.NewsMLReader().read(io.BytesIO(content), source="x.xml"))


def test_a_dtd_in_utf16_that_no_byte_search_sees_is_refused_too() -> None:
    text = '<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE newsItem>\n' + ITEM.format(note="n")
    (problem,) = newsroom_newsml.validate(text.encode("utf-16"), need_shared("schemas"))
    assert problem.rule == "dtd"
    assert "declares a DTD" in problem.message


def test_cli_reports_the_dtd_with_its_line_and_checks_the_next_files(tmp_path: Path) -> None:
    files = []
    for number, kind in enumerate(sorted(DTD_DOCUMENTS)):
        path = tmp_path / f"dtd{number}.xml"
        path.write_bytes(DTD_DOCUMENTS[kind])
        files.append(path)
    good = tmp_path / "good.xml"
    good.write_bytes(export())
    status, output = run_cli(*map(str, files), str(good), "--schemas", str(need_shared("schemas")))
    assert status == 1
    lines = output.splitlines()
    assert len(lines) == len(files) + 1
    for path, line in zip(files, lines, strict=False):
        number = path.read_bytes().split(b"<!DOCTYPE")[0].count(b"\n") + 1
        assert line.startswith(f"{path}:{number}: the document declares a DTD, which NewsML-G2 never needs; refused")
    assert lines[-1] == f"{good}: valid (newsml-g2)"


def test_an_internal_error_of_the_schema_validator_is_a_problem_not_a_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    class Broken:
        def validate(self, doc: object) -> bool:
            raise etree.XMLSchemaValidateError("Internal error in XML Schema validation.")

    monkeypatch.setattr(validation, "load_schema", lambda *_a, **_k: Broken())
    (problem,) = newsroom_newsml.validate(ITEM.format(note="n").encode(), need_shared("schemas"))
    assert problem.rule == "schema"
    assert problem.message == "line 1: the schema could not check it: Internal error in XML Schema validation."


def test_a_validator_that_crashes_does_not_stop_the_run(tmp_path: Path) -> None:
    class Crashing:
        name = "crashing"

        def sniff(self, head: bytes, filename: str) -> bool:
            return filename.endswith(".boom")

        def validate(
            self, content: bytes, *, source: str, schemas: Path | None = None
        ) -> tuple[newsroom.Violation, ...]:
            raise KeyError(source)

    class Plugin:
        @newsroom.hookimpl
        def newsroom_register_validators(self, register: newsroom.Registrar[newsroom.Validator]) -> None:
            register(Crashing())

    boom, good = tmp_path / "a.boom", tmp_path / "good.xml"
    boom.write_bytes(b"x")
    good.write_bytes(export())
    out = io.StringIO()
    args = cli.build_parser().parse_args(["validate", str(boom), str(good), "--schemas", str(need_shared("schemas"))])
    status = validate_command.run(args, out, plugin_host(Plugin()))
    assert status == 1
    assert out.getvalue().splitlines() == [
        f"{boom}: cannot validate: the validator failed (KeyError: '{boom}')",
        f"{good}: valid (newsml-g2)",
    ]


# --------------------------------------------------------------------------- 2. NITF bodies never called valid unchecked


def bogus_nitf() -> bytes:
    content = export(nitf=True)
    assert b"<body.content>" in content
    return content.replace(b"<body.content>", b"<body.content><bogus/>")


def nitf_line(content: bytes) -> int:
    root = etree.fromstring(content)
    (inline,) = [i for i in root.iter(f"{{{NAR}}}inlineXML") if i.get("contenttype") == "application/nitf+xml"]
    assert inline.sourceline is not None
    return inline.sourceline


def test_a_folder_without_nitf_reports_the_nitf_body_as_unchecked(tmp_path: Path) -> None:
    content = bogus_nitf()
    full = newsroom_newsml.validate(content, need_shared("schemas"))
    assert any("bogus" in p.message for p in full), "with NITF 3.6 loaded the bad body is found"
    assert not any(p.rule == "nitf" for p in full)
    for folder in (need_shared("schemas", "newsml-g2"), g2_only(tmp_path / "g2")):
        problems = newsroom_newsml.validate(content, folder)
        assert [p.rule for p in problems] == ["nitf"]
        assert problems[0].message.startswith(f"line {nitf_line(content)}: this NITF body was not checked: ")
        assert f"no nitf-3-6.xsd in {folder}" in problems[0].message
    # An item without an NITF body is still valid from a folder without NITF.
    assert newsroom_newsml.validate(export(), tmp_path / "g2") == ()


def test_cli_never_says_valid_for_an_unchecked_nitf_body(tmp_path: Path) -> None:
    path = tmp_path / "nitf.xml"
    path.write_bytes(export(nitf=True))
    assert run_cli(str(path), "--schemas", str(need_shared("schemas"))) == (0, f"{path}: valid (newsml-g2)\n")
    status, output = run_cli(str(path), "--schemas", str(need_shared("schemas", "newsml-g2")))
    assert status == 1
    assert output.startswith(f"{path}:{nitf_line(path.read_bytes())}: this NITF body was not checked: ")
    assert "valid (newsml-g2)" not in output


def test_the_cache_fetches_nitf_once_when_an_nitf_body_needs_it(cache: Path, caplog: pytest.LogCaptureFixture) -> None:
    fetched: list[str] = []
    validation.cached_schemas(fetch=shared_files(fetched))
    assert sorted(p.name for p in cache.iterdir()) == sorted(G2_FILES), "an item without NITF fetches no NITF"
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="newsroom_newsml"):
        folder = validation.cached_schemas(fetch=shared_files(fetched), nitf=True)
    assert sorted(p.name for p in folder.iterdir()) == sorted(G2_FILES + NITF_FILES)
    # The publisher named in the shared README: IPTC's newsml-g2 repository, examples/, that commit.
    assert fetched[2:] == [
        f"https://raw.githubusercontent.com/iptc/newsml-g2/7f172b01af0c343aacb1e1297ac0e75debabb4a7/examples/{name}"
        for name in NITF_FILES
    ]
    assert [r.getMessage().split(" schema ")[0] for r in caplog.records] == ["downloading IPTC's NITF 3.6"] * 2
    for name in NITF_FILES:
        assert (folder / name).read_bytes() == need_shared("schemas", "nitf", name).read_bytes()
    # Now the cache checks NITF bodies: the bad one is found, a good one is valid, and the exporter validates.
    found = newsroom_newsml.validate(bogus_nitf(), download=False)
    assert any("bogus" in p.message for p in found)
    assert not any(p.rule == "nitf" for p in found)
    assert newsroom_newsml.validate(export(nitf=True), download=False) == ()
    assert export(nitf=True, validate=True) == export(nitf=True)
    validation.cached_schemas(fetch=shared_files(fetched), nitf=True)
    assert len(fetched) == len(G2_FILES + NITF_FILES), "nothing is fetched twice"


def test_the_cache_without_nitf_reports_it_unchecked_saying_why(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    g2_only(cache)
    monkeypatch.setattr(validation, "_fetch", offline)
    content = bogus_nitf()
    problems = newsroom_newsml.validate(content)
    assert [p.rule for p in problems] == ["nitf"]
    message = problems[0].message
    assert f"no nitf-3-6.xsd in {cache}" in message
    assert "could not download https://raw.githubusercontent.com/iptc/newsml-g2/" in message
    assert "--schemas DIR" in message
    path = cache.parent / "nitf.xml"
    path.write_bytes(content)
    status, output = run_cli(str(path))
    assert status == 1
    assert "this NITF body was not checked" in output


def test_exporter_nitf_validation_from_the_cache_says_how_to_get_nitf(cache: Path) -> None:
    g2_only(cache)
    with pytest.raises(newsroom.ExportError) as caught:
        export(nitf=True, validate=True)
    message = str(caught.value)
    assert f"no nitf-3-6.xsd in {cache}" in message
    assert "pass schemas=FOLDER holding NITF 3.6" in message
    assert "on an item with an NITF body downloads it" in message
    assert "run `newsroom validate` once" not in message
    assert export(validate=True) == export(), "without NITF the cached G2 schema suffices"


# --------------------------------------------------------------------------- 3. no network: one short attempt per run


@pytest.fixture
def silent_proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[socket.socket]]:
    """A local proxy that accepts connections and never answers; yields the connections it took."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    taken: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                taken.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    proxy = f"http://127.0.0.1:{server.getsockname()[1]}"
    for name in ("https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY"):
        monkeypatch.setenv(name, proxy)
    for name in ("no_proxy", "NO_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(validation, "DOWNLOAD_TIMEOUT", 0.5)
    try:
        yield taken
    finally:
        stop.set()
        thread.join()
        for conn in taken:
            conn.close()
        server.close()


def test_the_download_timeout_is_short() -> None:
    assert 5 <= validation.DOWNLOAD_TIMEOUT <= 20  # long enough for IPTC, short enough not to look hung


def test_offline_the_cache_tries_once_per_run_and_says_what_to_do(
    cache: Path, silent_proxy: list[socket.socket], caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    files = [tmp_path / "a.xml", tmp_path / "b.xml"]
    for path in files:
        path.write_bytes(export())
    with caplog.at_level(logging.WARNING, logger="newsroom_newsml"):
        status, output = run_cli(*map(str, files))
    assert status == 1
    lines = output.splitlines()
    assert len(lines) == len(files)
    for path, line in zip(files, lines, strict=True):
        assert line.startswith(f"{path}: cannot validate: could not download https://www.iptc.org/std/NewsML-G2/2.35/")
        assert "timed out" in line
        assert "pass --schemas DIR" in line
    assert "not tried again in this run" in lines[1]
    assert len(silent_proxy) == 1, "one connection for the whole run, not one per file"
    assert [r.getMessage()[:31] for r in caplog.records] == ["downloading IPTC's NewsML-G2 2."]
    assert not any(cache.glob("*.xsd"))


def test_a_failed_download_is_not_remembered_beyond_network_failures(cache: Path) -> None:
    with pytest.raises(newsroom.NewsroomError, match="is not an XML Schema"):
        validation.cached_schemas(fetch=lambda _url: b"<html/>")
    assert validation.cached_schemas(fetch=shared_files([])) == cache, "a bad answer is not the network down"
    (cache / G2_FILES[0]).unlink()
    with pytest.raises(newsroom.NewsroomError, match="no route to"):
        validation.cached_schemas(fetch=offline)
    with pytest.raises(newsroom.NewsroomError, match=r"no route to .*not tried again in this run"):
        validation.cached_schemas(fetch=shared_files([]))


# --------------------------------------------------------------------------- 4. broken schema files


def test_a_broken_schema_file_in_a_folder_is_named(tmp_path: Path, item_file: Path) -> None:
    folder = g2_only(tmp_path / "iptc")
    (folder / G2_FILES[0]).write_bytes(b"<html>404</html")
    with pytest.raises(newsroom.NewsroomError) as caught:
        newsroom_newsml.validate(item_file.read_bytes(), folder)
    assert str(caught.value).startswith(f"the schema file {folder / G2_FILES[0]} is not readable XML")
    assert f"fix the schema folder {folder}" in str(caught.value)
    status, output = run_cli(str(item_file), str(item_file), "--schemas", str(folder))
    assert status == 1
    assert output.splitlines() == [f"{item_file}: cannot validate: {caught.value}"] * 2


def test_a_broken_nitf_file_is_named(tmp_path: Path) -> None:
    folder = g2_only(tmp_path / "iptc")
    for name in NITF_FILES:
        shutil.copy(need_shared("schemas", "nitf", name), folder / name)
    (folder / NITF_FILES[1]).write_bytes(b"<!doctype html><html><body>Not Found</body></html>")
    with pytest.raises(newsroom.NewsroomError, match=f"the schema file {folder / NITF_FILES[1]} is not readable XML"):
        newsroom_newsml.validate(export(nitf=True), folder)


def test_a_saved_404_page_in_the_cache_is_named_with_how_to_fix_it(cache: Path, item_file: Path) -> None:
    g2_only(cache)
    (cache / G2_FILES[0]).write_bytes(b"<html><body>404 Not Found</body></html>")
    with pytest.raises(newsroom.NewsroomError) as caught:
        newsroom_newsml.validate(item_file.read_bytes())
    message = str(caught.value)
    assert message.startswith(f"the schema file {cache / G2_FILES[0]} is not an XML Schema (its root is 'html')")
    assert "delete it" in message
    assert "downloaded again" in message
    (cache / G2_FILES[0]).unlink()
    validation.cached_schemas(fetch=shared_files([]))
    assert newsroom_newsml.validate(item_file.read_bytes()) == (), "deleting it and downloading again works"


@pytest.fixture
def item_file(tmp_path: Path) -> Path:
    path = tmp_path / "item.xml"
    path.write_bytes(export())
    return path
