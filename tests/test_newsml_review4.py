"""NewsML-G2 after the fourth review: partners' bodies, tabs, times, option text, messages, validate.

Each test is a case a reviewer reproduced: words lost from a partner's XHTML body, NITF without
its namespace losing quotes and images, an unchecked NITF body called valid, tabs read back as
spaces, ``24:00:00``, a correction kind that changed with the hash seed, control characters in
options, and error messages that repeated their line.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import attrs
import pytest
from tests.conftest import need_shared

import newsroom
import newsroom_newsml
from newsroom import cli
from newsroom.testing import FixedClock, sample_article
from newsroom_newsml import NewsMLReader


HEAD = (
    b'<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="urn:x:1" version="1" standard="NewsML-G2"'
    b' standardversion="2.35"><itemMeta><itemClass qcode="ninat:text"/><provider qcode="nprov:X"/>'
    b"<versionCreated>2026-01-01T00:00:00Z</versionCreated>"
)
META_END = b"</itemMeta><contentMeta><headline>H</headline></contentMeta><contentSet>"


def item(content_set: bytes, *, meta: bytes = b"") -> bytes:
    return HEAD + meta + META_END + content_set + b"</contentSet></newsItem>"


def read(data: bytes) -> newsroom.Article:
    (story,) = NewsMLReader().read(io.BytesIO(data), source="partner.xml")
    assert isinstance(story, newsroom.Article)
    return story


def xhtml(body: bytes) -> bytes:
    return item(
        b'<inlineXML contenttype="application/xhtml+xml"><html xmlns="http://www.w3.org/1999/xhtml"><body>'
        + body
        + b"</body></html></inlineXML>"
    )


def markup(story: newsroom.Article) -> list[tuple[str, str]]:
    return [(type(b).__name__, b.text.markup()) for b in story.body if isinstance(b, newsroom.Paragraph)]


def test_words_outside_block_elements_are_a_paragraph_of_their_own() -> None:
    story = read(
        xhtml(
            b'<div>The mayor said <a href="https://e.com/x">the plan</a> would <em>not</em> change.</div>'
            b"Loose text after a block.<p>Second para.</p><!-- a comment is no text -->"
            b"<div><br/>A line<br/>B <i>x</i> <b>y</b></div>\n  "
        )
    )
    assert markup(story) == [
        ("Paragraph", 'The mayor said <a href="https://e.com/x">the plan</a> would <em>not</em> change.'),
        ("Paragraph", "Loose text after a block."),
        ("Paragraph", "Second para."),
        # a line break opens no paragraph; inside one it stays a break
        ("Paragraph", "A line<br>B <em>x</em> <strong>y</strong>"),
    ]


def test_a_body_of_only_loose_text_and_blocks_in_a_section_keeps_everything() -> None:
    story = read(xhtml(b"Lead words, <strong>bold</strong>.<section><h2>Head</h2>Under it.</section>"))
    assert [type(b).__name__ for b in story.body] == ["Paragraph", "Heading", "Paragraph"]
    assert story.body[0].text.markup() == "Lead words, <strong>bold</strong>."  # type: ignore[union-attr]
    assert story.body[2].text.markup() == "Under it."  # type: ignore[union-attr]


def test_our_own_bodies_read_as_before() -> None:
    story = sample_article()
    content = newsroom.export(story, "newsml-g2", clock=FixedClock()).content
    assert read(content).body == story.body


NITF_BODY = (
    b"<body><body.content><p>Para one.</p>"
    b'<bq><block><p>Quoted words.</p></block><credit><a href="https://e.com/s">Someone</a></credit></bq>'
    b'<media media-type="image"><media-reference source="https://e.com/a.jpg" alternate-text="alt"/>'
    b"<media-caption>Cap</media-caption><media-producer>AP</media-producer></media>"
    b"</body.content></body>"
)


def test_nitf_without_its_namespace_keeps_quotes_and_images() -> None:
    def nitf(namespace: bytes) -> newsroom.Article:
        return read(
            item(
                b'<inlineXML contenttype="application/nitf+xml"><nitf'
                + namespace
                + b">"
                + NITF_BODY
                + b"</nitf></inlineXML>"
            )
        )

    with_namespace = nitf(b' xmlns="http://iptc.org/std/NITF/2006-10-18/"')
    assert [type(b).__name__ for b in with_namespace.body] == ["Paragraph", "BlockQuote", "Image"]
    quote, image = with_namespace.body[1], with_namespace.body[2]
    assert isinstance(quote, newsroom.BlockQuote)
    assert (quote.cite, quote.cite_url) == ("Someone", "https://e.com/s")
    assert isinstance(image, newsroom.Image)
    assert (image.src, image.alt, image.credit) == ("https://e.com/a.jpg", "alt", "AP")
    assert nitf(b"").body == with_namespace.body


def test_an_nitf_root_out_of_its_namespace_is_never_called_valid(tmp_path: Path) -> None:
    schemas = need_shared("schemas")
    story = sample_article()
    content = newsroom.export(story, "newsml-g2", clock=FixedClock(), options={"nitf": True}).content
    assert newsroom_newsml.validate(content, schemas) == ()
    root = b'<nitf xmlns="http://iptc.org/std/NITF/2006-10-18/"'
    assert root in content
    for wrong in (b"<nitf", b'<nitfx xmlns="http://iptc.org/std/NITF/2006-10-18/"'):
        bad = content.replace(root, wrong, 1)
        if wrong.startswith(b"<nitfx"):
            bad = bad.replace(b"</nitf>", b"</nitfx>", 1)
        bad = bad.replace(b"<body.content>", b"<body.content><totally-bogus foo='1'/>", 1)
        problems = newsroom_newsml.validate(bad, schemas)
        # (the misspelt root's children, in the NITF namespace, may meet the schema too)
        ours = [p for p in problems if p.rule == "nitf"]
        assert len(ours) == 1, problems
        assert "must hold one nitf element in the NITF namespace" in ours[0].message
        path = tmp_path / "bad.xml"
        path.write_bytes(bad)
        out = io.StringIO()
        assert cli.main(["validate", str(path), "--schemas", str(schemas)], out=out) == 1
        assert "valid (newsml-g2)" not in out.getvalue()


def test_tabs_on_one_line_come_back_and_pretty_printing_still_collapses() -> None:
    story = attrs.evolve(
        sample_article(),
        headline="Results\tand scores",
        summary="Col A\tCol B\nLine\t2",
        deck="Deck\twith tab",
        kicker="K\tk",
        corrections=[
            newsroom.Correction(kind="correction", text="Was:\t3. Is:\t4.", at=datetime(2026, 1, 1, tzinfo=UTC))
        ],
    )
    got = read(newsroom.export(story, "newsml-g2", clock=FixedClock()).content)
    assert (got.headline, got.summary, got.deck, got.kicker) == (
        story.headline,
        story.summary,
        story.deck,
        story.kicker,
    )
    assert got.corrections[0].text == "Was:\t3. Is:\t4."
    # A partner's pretty-printed headline: layout, not text.
    content = item(b"").replace(b"<headline>H</headline>", b"<headline>\n\t\tJapan and\tItaly\n\t</headline>")
    assert read(content).headline == "Japan and Italy"


def test_end_of_day_24_00_is_the_next_midnight() -> None:
    def created(text: bytes) -> datetime | None:
        return read(item(b"", meta=b"<firstCreated>" + text + b"</firstCreated>")).first_created

    assert created(b"2026-01-16T24:00:00Z") == datetime(2026, 1, 17, tzinfo=UTC)
    assert created(b"2026-12-31T24:00:00.000+04:00") == datetime.fromisoformat("2027-01-01T00:00:00+04:00")
    for bad in (b"2026-01-16T24:00:01Z", b"2026-01-16T24:00:00.5Z"):
        data = item(b"", meta=b"<firstCreated>" + bad + b"</firstCreated>")
        (error,) = NewsMLReader().read(io.BytesIO(data), source="partner.xml")
        assert isinstance(error, newsroom.ReadError)
        assert f"itemMeta.firstCreated: '{bad.decode()}' is not a date-time" in str(error)


ROLES = "nrrole:clarification nrrole:correction nrrole:retraction"


def test_the_first_correction_role_written_is_the_kind_whatever_the_hash_seed() -> None:
    note = f'<edNote role="{ROLES}">Fixed a name.</edNote>'.encode()
    assert read(item(b"", meta=note)).corrections[0].kind is newsroom.CorrectionKind.CLARIFICATION
    code = (
        "import io, sys; from newsroom_newsml import NewsMLReader; "
        "print(next(NewsMLReader().read(io.BytesIO(sys.stdin.buffer.read()), source='x')).corrections[0].kind.value)"
    )
    kinds = {
        subprocess.run(
            [sys.executable, "-c", code],
            input=item(b"", meta=note),
            capture_output=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
        ).stdout.strip()
        for seed in range(4)
    }
    assert kinds == {b"clarification"}


@pytest.mark.parametrize(
    ("options", "named"),
    [
        ({"schemes": {"myco": "https://example.com/cv/\x01"}}, "option 'schemes'.myco"),
        ({"catalog_url": "https://example.com/\x02"}, "option 'catalog_url'"),
        ({"scheme_base": "https://example.com/\x1f"}, "option 'scheme_base'"),
    ],
)
def test_option_text_xml_cannot_hold_is_an_export_error_naming_it(options: dict[str, object], named: str) -> None:
    with pytest.raises(newsroom.ExportError, match=f"^{named}: character U\\+00"):
        newsroom.export(sample_article(), "newsml-g2", clock=FixedClock(), options=options)


@pytest.mark.parametrize(("keyword", "value"), [("sender", "desk\x01"), ("transmit_id", "id\x00")])
def test_message_header_text_xml_cannot_hold_is_an_export_error(keyword: str, value: str) -> None:
    with pytest.raises(newsroom.ExportError, match=rf"^message\({keyword}=\.\.\.\): character U\+00"):
        newsroom_newsml.message([sample_article()], clock=FixedClock(), **{keyword: value})  # type: ignore[arg-type]


def test_syntax_errors_give_the_line_once_and_no_parser_advice() -> None:
    deep = b"<newsItem>\n" + b"<a>" * 300
    with pytest.raises(newsroom.ReadError) as caught:
        list(NewsMLReader().read(io.BytesIO(deep), source="deep.xml"))
    text = str(caught.value)
    assert text.startswith("deep.xml:2: not well-formed XML: Excessive depth in document: 256")
    assert "XML_PARSE_HUGE" not in text
    assert text.count("line") == 0
    with pytest.raises(newsroom.ReadError) as caught:
        list(NewsMLReader().read(io.BytesIO(b"<newsItem>\n<nam"), source="cut.xml"))
    assert str(caught.value) == "cut.xml:2: not well-formed XML: Couldn't find end of Start Tag nam (column 5)"


def test_validate_takes_folders_and_stdin(tmp_path: Path) -> None:
    schemas = need_shared("schemas")
    good = newsroom.export(sample_article(), "newsml-g2", clock=FixedClock()).content
    (tmp_path / "out" / "world").mkdir(parents=True)
    (tmp_path / "out" / "world" / "story.xml").write_bytes(good)
    (tmp_path / "out" / "world" / "story.json").write_text("{}")
    (tmp_path / "out" / "broken.xml").write_bytes(good.replace(b"<itemMeta>", b"<itemMeta><bogus/>", 1))
    out = io.StringIO()
    status = cli.main(["validate", str(tmp_path / "out"), "--schemas", str(schemas)], out=out)
    lines = out.getvalue().splitlines()
    assert status == 1
    assert lines[0].startswith(f"{tmp_path / 'out' / 'broken.xml'}:")  # files in name order, folders walked
    assert lines[-2] == f"{tmp_path / 'out' / 'world' / 'story.xml'}: valid (newsml-g2)"
    assert lines[-1] == "skipped 1 file(s) in folders that no validator recognises"
    (tmp_path / "empty").mkdir()
    out = io.StringIO()
    assert cli.main(["validate", str(tmp_path / "empty"), "--schemas", str(schemas)], out=out) == 1
    assert out.getvalue() == f"{tmp_path / 'empty'}: cannot validate: the folder holds no file to check\n"
    done = subprocess.run(
        [sys.executable, "-m", "newsroom", "validate", "-", "--schemas", str(schemas)],
        input=good,
        capture_output=True,
        check=False,
    )
    assert (done.returncode, done.stdout) == (0, b"-: valid (newsml-g2)\n")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"<font><p>First.</p><p>Second.</p></font>", [("Paragraph", "First."), ("Paragraph", "Second.")]),
        (
            b'<a href="https://x.org/s"><h2>Title</h2><p>Teaser.</p></a>',
            [("Heading", "Title"), ("Paragraph", "Teaser.")],
        ),
        (b"<b><ul><li>one</li><li>two</li></ul></b>", [("ListBlock", None)]),
        (b"<span><blockquote><p>q</p></blockquote></span>", [("BlockQuote", None)]),
        (
            b'<div><a href="https://x.org/big.jpg"><img src="https://x.org/a.jpg" alt="Photo"/></a></div>',
            [("Image", None)],
        ),
        (b"<div>before <!-- a comment --> after</div>", [("Paragraph", "before after")]),
        (b"<div><b>x</b><!-- c --><?pi data?><i>y</i></div>", [("Paragraph", "<strong>x</strong><em>y</em>")]),
        (b'<div><b></b><a href="https://x.org/"></a></div><p>Kept.</p>', [("Paragraph", "Kept.")]),
        (b"<div>long<wbr/>word</div>", [("Paragraph", "longword")]),
        # An inline element around a block is split there, as a browser splits the inline box:
        # its words on each side join the text around it, keeping its markup.
        (
            b"<div>A <span>B <p>C</p> D</span> E</div>",
            [("Paragraph", "A B"), ("Paragraph", "C"), ("Paragraph", "D E")],
        ),
        (
            b"<div>x <em>A <p>B</p> C</em> y</div>",
            [("Paragraph", "x <em>A </em>"), ("Paragraph", "B"), ("Paragraph", "<em> C</em> y")],
        ),
        (
            b"<div><b>1<i>2<p>P</p>3</i>4</b></div>",
            [
                ("Paragraph", "<strong>1<em>2</em></strong>"),
                ("Paragraph", "P"),
                ("Paragraph", "<strong><em>3</em>4</strong>"),
            ],
        ),
        (b"<div><span>a<!-- c --><h2>H</h2>b</span></div>", [("Paragraph", "a"), ("Heading", "H"), ("Paragraph", "b")]),
    ],
)
def test_inline_elements_around_blocks_are_containers(body: bytes, expected: list[tuple[str, str | None]]) -> None:
    story = read(xhtml(body))
    got = [
        (type(b).__name__, b.text.markup() if isinstance(b, (newsroom.Paragraph, newsroom.Heading)) else None)
        for b in story.body
    ]
    assert got == expected


@pytest.mark.parametrize("text", ["2026-01-01T24:00:00.", "2026-01-01T24:00:00.Z", "2026-01-01T24:00:00.0001Z"])
def test_only_valid_end_of_day_forms_are_read(text: str) -> None:
    data = item(b"", meta=b"<firstCreated>" + text.encode() + b"</firstCreated>")
    (error,) = NewsMLReader().read(io.BytesIO(data), source="partner.xml")
    assert isinstance(error, newsroom.ReadError)


def test_validate_says_when_nothing_was_validated(tmp_path: Path) -> None:
    schemas = need_shared("schemas")
    (tmp_path / "only-json").mkdir()
    (tmp_path / "only-json" / "story.json").write_text("{}")
    out = io.StringIO()
    assert cli.main(["validate", str(tmp_path / "only-json"), "--schemas", str(schemas)], out=out) == 1
    assert out.getvalue().splitlines()[-1] == "no file was validated"
    done = subprocess.run(
        [sys.executable, "-m", "newsroom", "validate", "-", "--schemas", str(schemas)],
        input=b"",
        capture_output=True,
        check=False,
    )
    assert (done.returncode, done.stdout) == (1, b"-: cannot validate: standard input is empty\n")


def test_a_plain_text_body_keeps_its_paragraphs_and_their_no_break_spaces() -> None:
    text = "First\u00a0line of one.\n  goes on.\n\n\u00a0\n\nSecond, with\ttabs.\n"
    story = read(item(b'<inlineData contenttype="text/plain">' + text.encode() + b"</inlineData>"))
    assert markup(story) == [("Paragraph", "First\u00a0line of one. goes on."), ("Paragraph", "Second, with tabs.")]
