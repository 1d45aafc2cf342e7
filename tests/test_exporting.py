"""The export pipeline with small fixture plugins: prepare, protect, export, check, report."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import attrs
import pytest

import newsroom
from newsroom import (
    Article,
    AttributionError,
    CheckReport,
    ExportContext,
    ExportError,
    ExportRecord,
    PluginError,
    ProtectedContentError,
    PublishState,
    Rendition,
    RenditionCheckError,
    UnknownFormatError,
    Violation,
    Workflow,
    export,
)
from newsroom.plugins import PluginHost
from newsroom.testing import EDITOR, FixedClock, plugin_host, registered, sample_article


SMALL_DESK = Workflow(review_required=False, permissions=None)
CALIBER_URL = "https://caliber.az"


def everything(article: Article, context: ExportContext) -> str:
    """Render every text a story carries, internal ones included, plus the attribution lines."""
    parts = [article.headline, article.kicker or "", article.deck or "", article.summary or ""]
    parts += [article.plain_text(), " ".join(article.keywords), article.ed_note or ""]
    parts += [entry.note or "" for entry in article.history]
    parts += [c.text for c in article.corrections]
    parts += [str(line) for line in context.attribution]
    return "\n".join(parts)


def without_attribution(article: Article, context: ExportContext) -> str:
    return everything(article, attrs.evolve(context, attribution=()))


@attrs.define
class FakeExporter:
    """A configurable exporter: records what it was given."""

    name: str = "plain"
    media_type: str = "text/plain"
    suffix: str = ".txt"
    public: bool = True
    carries_embargo: bool = False
    render: Callable[[Article, ExportContext], Any] = everything
    seen: list[tuple[Article, ExportContext]] = attrs.Factory(list)

    def export(self, article: Article, context: ExportContext) -> Rendition:
        self.seen.append((article, context))
        text = self.render(article, context)
        if not isinstance(text, str):
            return text  # type: ignore[no-any-return]
        return Rendition(
            content=text.encode("utf-8"),
            media_type=self.media_type,
            filename=article.slug + self.suffix,
            format=self.name,
        )


class Exporters:
    """A plugin registering the given exporters."""

    def __init__(self, *exporters: Any) -> None:
        self.exporters = exporters

    @newsroom.hookimpl
    def newsroom_register_exporters(self, register: Any) -> None:
        for exporter in self.exporters:
            register(exporter)


class Checker:
    """A plugin checking one media type with a given function."""

    def __init__(
        self, media_type: str, judge: Callable[[Rendition, tuple[newsroom.Obligation, ...]], CheckReport]
    ) -> None:
        self.media_type = media_type
        self.judge = judge

    @newsroom.hookimpl
    def newsroom_check_rendition(self, rendition: Rendition, article: Article, owed: Any) -> CheckReport | None:
        return self.judge(rendition, owed) if rendition.media_type == self.media_type else None


class Preparer:
    def __init__(self, change: Callable[[Article], Any]) -> None:
        self.change = change
        self.calls: list[tuple[Any, ExportContext]] = []

    @newsroom.hookimpl
    def newsroom_prepare_article(self, article: Article, exporter: Any, context: ExportContext) -> Any:
        self.calls.append((exporter, context))
        return self.change(article)


class Recorder:
    def __init__(self) -> None:
        self.records: list[ExportRecord] = []

    @newsroom.hookimpl
    def newsroom_export_done(self, record: ExportRecord) -> None:
        self.records.append(record)


def host_with(*plugins: object) -> PluginHost:
    return plugin_host(*plugins)


def published(clock: FixedClock, *, note: str | None = None) -> Article:
    return newsroom.publish(sample_article(clock=clock), actor=EDITOR, clock=clock, workflow=SMALL_DESK, note=note)


class TestPipeline:
    """A story that pays its attribution passes, and is reported."""

    def test_passes(self, clock: FixedClock) -> None:
        exporter = FakeExporter()
        recorder = Recorder()
        story = published(clock)
        rendition = export(story, "plain", clock=clock, host=host_with(Exporters(exporter), recorder))
        assert rendition.format == "plain"
        assert rendition.media_type == "text/plain"
        assert rendition.filename == story.slug + ".txt"
        assert CALIBER_URL in rendition.text()
        assert rendition.sha256 == hashlib.sha256(rendition.content).hexdigest()
        assert len(recorder.records) == 1

    def test_context(self, clock: FixedClock) -> None:
        exporter = FakeExporter()
        story = published(clock)
        actor = newsroom.Actor(name="Desk")
        export(story, "plain", clock=clock, host=host_with(Exporters(exporter)), options={"width": 80}, actor=actor)
        ((_seen, context),) = exporter.seen
        assert context.now == clock.now
        assert context.attribution == newsroom.attribution_lines(story)
        assert context.owed == newsroom.obligations(story)
        assert context.actor == actor
        assert dict(context.options) == {"width": 80}
        with pytest.raises(TypeError):
            context.options["width"] = 1  # type: ignore[index]

    def test_export_done_gets_a_record(self, clock: FixedClock) -> None:
        recorder = Recorder()
        story = published(clock)
        clock.advance(minutes=3)
        actor = newsroom.Actor(name="Night desk")
        rendition = export(
            story, "plain", clock=clock, host=host_with(Exporters(FakeExporter()), recorder), actor=actor
        )
        (record,) = recorder.records
        assert (record.guid, record.version, record.state, record.format) == (
            story.guid,
            story.version,
            story.state,
            "plain",
        )
        assert record.at == clock.now
        assert record.sha256 == hashlib.sha256(rendition.content).hexdigest()
        assert record.actor == "Night desk"
        assert record.overrides == frozenset()

    def test_unknown_format_lists_installed(self, clock: FixedClock) -> None:
        host = host_with(Exporters(FakeExporter()))
        with pytest.raises(UnknownFormatError) as info:
            export(published(clock), "pdf", clock=clock, host=host)
        assert isinstance(info.value, LookupError)
        assert info.value.name == "pdf"
        assert set(info.value.known) == set(host.exporters())
        for name in ("json", "plain"):
            assert name in str(info.value)


class TestAttribution:
    """A rendition without the owed link is refused, and never returned."""

    def test_dropped_link(self, clock: FixedClock) -> None:
        recorder = Recorder()
        story = published(clock)
        host = host_with(Exporters(FakeExporter(render=without_attribution)), recorder)
        with pytest.raises(AttributionError) as info:
            export(story, "plain", clock=clock, host=host)
        assert "caliber.az" in str(info.value)
        assert story.guid in str(info.value)
        assert any("caliber.az" in m for m in info.value.missing)
        assert recorder.records == []

    def test_nothing_owed_nothing_needed(self, clock: FixedClock) -> None:
        story = attrs.evolve(sample_article(clock=clock), sources=[], publisher=None)
        assert newsroom.obligations(story) == ()
        rendition = export(
            story, "plain", clock=clock, host=host_with(Exporters(FakeExporter(render=without_attribution)))
        )
        assert CALIBER_URL not in rendition.text()

    def test_unknown_media_type_without_checker(self, clock: FixedClock) -> None:
        exporter = FakeExporter(name="odd", media_type="application/x-newsroom-odd")
        with pytest.raises(AttributionError) as info:
            export(published(clock), "odd", clock=clock, host=host_with(Exporters(exporter)))
        assert "application/x-newsroom-odd" in str(info.value)
        assert "newsroom_check_rendition" in str(info.value)

    def test_unknown_media_type_owing_nothing_passes(self, clock: FixedClock) -> None:
        story = attrs.evolve(sample_article(clock=clock), sources=[], publisher=None)
        exporter = FakeExporter(name="odd", media_type="application/x-newsroom-odd")
        assert export(story, "odd", clock=clock, host=host_with(Exporters(exporter))).format == "odd"

    @staticmethod
    def odd_checker(rendition: Rendition, owed: Any) -> CheckReport:
        missing = [o for o in owed if o.url.encode() not in rendition.content]
        return CheckReport(
            checker="odd-checker",
            proves_attribution=True,
            violations=[Violation(rule="attribution", message=f"odd file lacks {o.url}") for o in missing],
        )

    def test_third_party_checker_for_a_new_media_type(self, clock: FixedClock) -> None:
        exporter = FakeExporter(name="odd", media_type="application/x-newsroom-odd")
        checker = Checker("application/x-newsroom-odd", self.odd_checker)
        rendition = export(published(clock), "odd", clock=clock, host=host_with(Exporters(exporter), checker))
        assert CALIBER_URL.encode() in rendition.content

    def test_third_party_checker_refuses(self, clock: FixedClock) -> None:
        exporter = FakeExporter(name="odd", media_type="application/x-newsroom-odd", render=without_attribution)
        checker = Checker("application/x-newsroom-odd", self.odd_checker)
        with pytest.raises(AttributionError, match=f"odd file lacks {CALIBER_URL}"):
            export(published(clock), "odd", clock=clock, host=host_with(Exporters(exporter), checker))

    def test_unreadable_output_is_refused(self, clock: FixedClock) -> None:
        exporter = FakeExporter(name="broken-json", media_type="application/json", render=lambda a, c: "{not json")
        with pytest.raises(AttributionError, match="cannot parse"):
            export(published(clock), "broken-json", clock=clock, host=host_with(Exporters(exporter)))


class TestOtherChecks:
    """A checker's non-attribution violation stops the rendition too."""

    def test_rendition_check_error(self, clock: FixedClock) -> None:
        def house_style(rendition: Rendition, owed: Any) -> CheckReport:
            return CheckReport(
                checker="house-style", violations=[Violation(rule="style", message="too many exclamation marks")]
            )

        checker = Checker("text/plain", house_style)
        recorder = Recorder()
        with pytest.raises(RenditionCheckError) as info:
            export(published(clock), "plain", clock=clock, host=host_with(Exporters(FakeExporter()), checker, recorder))
        err = info.value
        assert isinstance(err, ExportError)
        assert err.format == "plain"
        assert err.violations == ("house-style: too many exclamation marks",)
        assert "too many exclamation marks" in str(err)
        assert recorder.records == []


class TestPrepare:
    """Prepare hooks may change the story, but not what it owes."""

    def test_prepare_evolves_the_story(self, clock: FixedClock) -> None:
        preparer = Preparer(lambda a: attrs.evolve(a, headline=a.headline.upper()))
        exporter = FakeExporter()
        story = published(clock)
        rendition = export(story, "plain", clock=clock, host=host_with(Exporters(exporter), preparer))
        assert story.headline.upper() in rendition.text()
        assert exporter.seen[0][0].headline == story.headline.upper()
        ((seen_exporter, context),) = preparer.calls
        assert seen_exporter is exporter
        assert context.now == clock.now

    def test_none_leaves_the_story(self, clock: FixedClock) -> None:
        exporter = FakeExporter()
        story = published(clock)
        export(story, "plain", clock=clock, host=host_with(Exporters(exporter), Preparer(lambda a: None)))
        assert exporter.seen[0][0].headline == story.headline

    def test_removing_sources_does_not_dodge_attribution(self, clock: FixedClock) -> None:
        preparer = Preparer(lambda a: attrs.evolve(a, sources=[], publisher=None))

        def lines_of_prepared_story(article: Article, context: ExportContext) -> str:
            lines = newsroom.attribution_lines(article)
            return everything(article, attrs.evolve(context, attribution=lines))

        exporter = FakeExporter(render=lines_of_prepared_story)
        with pytest.raises(AttributionError, match=r"caliber\.az"):
            export(published(clock), "plain", clock=clock, host=host_with(Exporters(exporter), preparer))

    def test_must_return_an_article(self, clock: FixedClock) -> None:
        preparer = Preparer(lambda a: {"headline": "x"})
        with pytest.raises(PluginError, match="dict"):
            export(published(clock), "plain", clock=clock, host=host_with(Exporters(FakeExporter()), preparer))


class TestEmbargo:
    """Embargoed stories reach only formats that carry embargoes, unless overridden on the record."""

    def embargoed(self, clock: FixedClock) -> Article:
        story = attrs.evolve(sample_article(clock=clock), embargo_until=clock.now + timedelta(hours=2))
        return newsroom.publish(story, actor=EDITOR, clock=clock, workflow=SMALL_DESK)

    def test_refused_for_a_public_format(self, clock: FixedClock) -> None:
        story = self.embargoed(clock)
        exporter = FakeExporter()
        with pytest.raises(ProtectedContentError) as info:
            export(story, "plain", clock=clock, host=host_with(Exporters(exporter)))
        assert info.value.format == "plain"
        assert story.embargo_until is not None
        assert story.embargo_until.isoformat() in str(info.value)
        assert "embargo" in str(info.value)
        assert exporter.seen == []

    def test_a_format_that_carries_embargoes(self, clock: FixedClock) -> None:
        story = self.embargoed(clock)
        exporter = FakeExporter(name="wire", carries_embargo=True)
        assert export(story, "wire", clock=clock, host=host_with(Exporters(exporter))).overrides == frozenset()

    def test_json_carries_embargoes(self, clock: FixedClock) -> None:
        story = self.embargoed(clock)
        rendition = export(story, "json", clock=clock, host=plugin_host())
        assert newsroom.loads(rendition.content).embargo_until == story.embargo_until

    def test_override_is_recorded(self, clock: FixedClock) -> None:
        story = self.embargoed(clock)
        exporter = FakeExporter()
        recorder = Recorder()
        rendition = export(
            story, "plain", clock=clock, host=host_with(Exporters(exporter), recorder), overrides={"embargo"}
        )
        assert rendition.overrides == frozenset({"embargo"})
        assert recorder.records[0].overrides == frozenset({"embargo"})
        assert "embargo" in exporter.seen[0][1].overrides

    def test_after_the_embargo(self, clock: FixedClock) -> None:
        story = self.embargoed(clock)
        clock.advance(hours=2)
        rendition = export(story, "plain", clock=clock, host=host_with(Exporters(FakeExporter())))
        assert story.headline in rendition.text()

    def test_unknown_override(self, clock: FixedClock) -> None:
        with pytest.raises(ExportError, match=r"override\(s\) kill\b"):
            export(
                published(clock), "plain", clock=clock, host=host_with(Exporters(FakeExporter())), overrides={"kill"}
            )


class TestKilledAndInternal:
    """Public formats never see killed text or internal notes."""

    NOTICE = "This story was withdrawn after a legal complaint."
    REASON = "Defamation risk flagged by counsel"

    def killed(self, clock: FixedClock) -> Article:
        story = published(clock, note="Internal: spelling checked by Jane")
        clock.advance(hours=1)
        return newsroom.kill(
            story, reason=self.REASON, notice=self.NOTICE, actor=EDITOR, clock=clock, workflow=SMALL_DESK
        )

    def killed_texts(self, story: Article) -> list[str]:
        texts = [story.headline, story.kicker, story.deck, story.summary, story.ed_note, *story.keywords]
        texts += [p.strip() for p in story.plain_text().split("\n") if len(p.strip()) > 12]
        return [t for t in texts if t]

    def test_public_format_shows_only_the_notice(self, clock: FixedClock) -> None:
        story = self.killed(clock)
        assert story.state is PublishState.KILLED
        text = export(story, "plain", clock=clock, host=host_with(Exporters(FakeExporter()))).text()
        assert self.NOTICE in text
        assert self.REASON not in text
        leaked = [t for t in self.killed_texts(story) if t in text]
        assert leaked == []

    def test_non_public_format_sees_everything(self, clock: FixedClock) -> None:
        story = self.killed(clock)
        exporter = FakeExporter(name="archive", public=False)
        text = export(story, "archive", clock=clock, host=host_with(Exporters(exporter))).text()
        assert all(t in text for t in self.killed_texts(story))
        assert self.REASON in text

    def test_internal_fields_are_removed_for_public_formats(self, clock: FixedClock) -> None:
        story = published(clock, note="Internal: spelling checked by Jane")
        assert story.ed_note
        exporter = FakeExporter()
        text = export(story, "plain", clock=clock, host=host_with(Exporters(exporter))).text()
        assert story.ed_note not in text
        assert "spelling checked by Jane" not in text
        seen, _context = exporter.seen[0]
        assert seen.ed_note is None
        assert all(entry.note is None for entry in seen.history)
        assert seen.headline == story.headline

    def test_extra_is_internal(self, clock: FixedClock) -> None:
        story = attrs.evolve(sample_article(clock=clock), extra={"views": "11", "cms:desk": "night"})
        public, internal = FakeExporter(), FakeExporter(name="archive", public=False)
        export(story, "plain", clock=clock, host=host_with(Exporters(public)))
        export(story, "archive", clock=clock, host=host_with(Exporters(internal)))
        assert dict(public.seen[0][0].extra) == {}
        assert dict(internal.seen[0][0].extra) == {"views": "11", "cms:desk": "night"}

    def test_internal_fields_stay_for_internal_formats(self, clock: FixedClock) -> None:
        story = published(clock, note="Internal: spelling checked by Jane")
        assert story.ed_note
        text = export(
            story, "archive", clock=clock, host=host_with(Exporters(FakeExporter(name="archive", public=False)))
        ).text()
        assert story.ed_note in text
        assert "spelling checked by Jane" in text


class TestExporterFailures:
    """An exporter that breaks is reported as ExportError naming the format."""

    def test_exception_is_wrapped(self, clock: FixedClock) -> None:
        def explode(article: Article, context: ExportContext) -> str:
            raise ZeroDivisionError("boom")

        with pytest.raises(ExportError) as info:
            export(published(clock), "plain", clock=clock, host=host_with(Exporters(FakeExporter(render=explode))))
        err = info.value
        assert err.format == "plain"
        assert "'plain'" in str(err)
        assert "ZeroDivisionError: boom" in str(err)
        assert isinstance(err.__cause__, ZeroDivisionError)

    def test_not_a_rendition(self, clock: FixedClock) -> None:
        exporter = FakeExporter(render=lambda a, c: b"raw bytes")
        with pytest.raises(ExportError, match="bytes, not a Rendition") as info:
            export(published(clock), "plain", clock=clock, host=host_with(Exporters(exporter)))
        assert info.value.format == "plain"

    def test_registered_plugin_is_gone_after_the_block(self, clock: FixedClock) -> None:
        host = plugin_host()
        with registered(Exporters(FakeExporter()), host):
            assert export(published(clock), "plain", clock=clock, host=host).format == "plain"
        with pytest.raises(UnknownFormatError):
            export(published(clock), "plain", clock=clock, host=host)


def test_a_media_type_with_long_parameters_is_a_media_type() -> None:
    long = "text/html; profile=" + "x" * 300
    assert newsroom.Rendition(content=b"x", media_type=long, filename="a.html", format="t").media_type == long
    with pytest.raises(newsroom.ValidationError, match="media_type"):
        newsroom.Rendition(content=b"x", media_type="text" + "x" * 300, filename="a.html", format="t")


def test_a_media_type_ends_where_it_ends() -> None:
    with pytest.raises(newsroom.ValidationError, match="media_type"):
        newsroom.Rendition(content=b"x", media_type="text/html\n", filename="a.html", format="t")
