"""The helpers in newsroom.testing do what plugin authors rely on."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

import newsroom
from newsroom import Article, ExportContext, Rendition, UnknownFormatError
from newsroom.testing import EDITOR, FixedClock, check_exporter, plugin_host, registered, sample_article


class Exporter:
    """An exporter whose output can be made to break the contract in one way or another."""

    def __init__(
        self, name: str = "txt", *, media_type: str = "text/plain", suffix: str = ".txt", **breakage: Any
    ) -> None:
        self.name = name
        self.media_type = media_type
        self.suffix = suffix
        self.breakage = breakage
        self.counter = itertools.count()

    def export(self, article: Article, context: ExportContext) -> Rendition:
        lines = [article.headline, *(str(line) for line in context.attribution)]
        if self.breakage.get("nondeterministic"):
            lines.append(f"export #{next(self.counter)}")
        return Rendition(
            content="\n".join(lines).encode(),
            media_type=self.breakage.get("rendered_type", self.media_type),
            filename=self.breakage.get("filename", article.slug + self.suffix),
            format=self.name,
        )


class Plugin:
    def __init__(self, exporter: Exporter) -> None:
        self.exporter = exporter

    @newsroom.hookimpl
    def newsroom_register_exporters(self, register: Any) -> None:
        register(self.exporter)


class TestFixedClock:
    """A clock that stands still until moved."""

    def test_default_is_aware(self) -> None:
        clock = FixedClock()
        assert clock().utcoffset() == timedelta(0)
        assert clock() == clock.now

    def test_stands_still(self) -> None:
        clock = FixedClock()
        assert clock() == clock()

    def test_advance(self) -> None:
        start = datetime(2026, 1, 16, 7, 1, tzinfo=UTC)
        clock = FixedClock(start)
        assert clock.advance(hours=2, minutes=30) == start + timedelta(hours=2, minutes=30)
        assert clock() == start + timedelta(hours=2, minutes=30)
        clock.advance(days=-1)
        assert clock() == start + timedelta(hours=2, minutes=30) - timedelta(days=1)


class TestHosts:
    """plugin_host builds a fresh host; registered adds a plugin for one block."""

    def test_fresh_hosts_are_independent(self) -> None:
        first = plugin_host(Plugin(Exporter("only-here")))
        assert "only-here" in first.exporters()
        assert "only-here" not in plugin_host().exporters()

    def test_registered_unregisters(self) -> None:
        host = plugin_host()
        plugin = Plugin(Exporter("temporary"))
        with registered(plugin, host) as same:
            assert same is host
            assert "temporary" in host.exporters()
        assert "temporary" not in host.exporters()
        assert plugin not in host.pm.get_plugins()
        with pytest.raises(UnknownFormatError):
            host.exporter("temporary")

    def test_registered_unregisters_on_error(self) -> None:
        host = plugin_host()
        plugin = Plugin(Exporter("temporary"))
        with pytest.raises(RuntimeError, match="inside"), registered(plugin, host):
            raise RuntimeError("inside")
        assert "temporary" not in host.exporters()

    def test_registered_name(self) -> None:
        host = plugin_host()
        with registered(Plugin(Exporter("named")), host, name="my-plugin"):
            assert [i.exporters for i in host.plugins() if i.name == "my-plugin"] == [("named",)]

    def test_builtins_and_disabled(self) -> None:
        assert "json" not in plugin_host(builtins=()).exporters()
        assert "json" not in plugin_host(disabled=("newsroom_json",)).exporters()
        assert "json" in plugin_host().exporters()


class TestCheckExporter:
    """check_exporter catches exporters that break the contract."""

    def run(self, exporter: Exporter) -> Rendition:
        host = plugin_host(Plugin(exporter))
        return check_exporter(exporter.name, sample_article(), host=host)

    def test_good_exporter(self) -> None:
        rendition = self.run(Exporter())
        assert rendition.format == "txt"
        assert sample_article().headline in rendition.text()

    def test_not_deterministic(self) -> None:
        with pytest.raises(AssertionError, match="not deterministic"):
            self.run(Exporter(nondeterministic=True))

    def test_wrong_media_type(self) -> None:
        with pytest.raises(AssertionError, match="text/markdown"):
            self.run(Exporter(rendered_type="text/markdown"))

    def test_bad_file_name(self) -> None:
        with pytest.raises(AssertionError, match="not a bare name"):
            self.run(Exporter(filename="story.md"))

    def test_file_name_with_a_folder_is_refused_by_the_rendition(self) -> None:
        with pytest.raises(newsroom.ExportError, match=r"filename: 'out/story\.txt' is not a plain file name"):
            self.run(Exporter(filename="out/story.txt"))

    def test_attribution_is_enforced(self) -> None:
        class Forgetful(Exporter):
            def export(self, article: Article, context: ExportContext) -> Rendition:
                return super().export(article, ExportContext(now=context.now))

        with pytest.raises(newsroom.AttributionError):
            self.run(Forgetful())


class TestSampleArticle:
    """sample_article uses every block type and owes a link to caliber.az."""

    def test_every_block_type(self) -> None:
        assert {b.kind for b in sample_article().body} == set(newsroom.BLOCK_TYPES)

    def test_owes_caliber(self) -> None:
        (owed,) = newsroom.obligations(sample_article())
        assert owed.host == "caliber.az"

    def test_clock_and_language(self) -> None:
        clock = FixedClock(datetime(2030, 5, 1, tzinfo=UTC))
        story = sample_article(clock=clock, language="ru")
        assert story.first_created == clock.now
        assert story.language == "ru"
        assert story.dateline is not None
        assert story.dateline.date == clock.now.date()

    def test_publishable_by_the_test_editor(self) -> None:
        clock = FixedClock()
        story = sample_article(clock=clock)
        for verb in (newsroom.submit, newsroom.approve, newsroom.publish):
            story = verb(story, actor=EDITOR, clock=clock)
        assert story.state is newsroom.PublishState.PUBLISHED
