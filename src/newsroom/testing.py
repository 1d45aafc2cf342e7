"""Helpers for testing newsroom plugins and code that uses newsroom.

- :func:`plugin_host` builds a fresh host with the built-ins and your plugins, without
  entry points and ignoring ``NEWSROOM_DISABLE_PLUGINS``, so tests see exactly what they
  register.
- :func:`registered` adds a plugin to a host for the length of a ``with`` block, checked as
  :func:`~newsroom.make_plugin_manager` checks plugins.
- :class:`FixedClock` is an injectable clock that you move by hand.
- :func:`sample_article` is a complete story using every field and every block type.
- :func:`articles` is a hypothesis strategy for any valid article (needs ``hypothesis``,
  installed with the ``testing`` extra).
- :func:`check_exporter` runs the contract every exporter must meet.

This module is public API for plugin authors. It must not be imported by the library itself.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import attrs
import pluggy

from newsroom.articles import (
    Article,
    BlockQuote,
    Concept,
    CorrectionKind,
    Dateline,
    Embed,
    Heading,
    Image,
    ListBlock,
    Paragraph,
    Person,
    Place,
    PullQuote,
    Rights,
    Section,
)
from newsroom.attribution import AttributionPolicy, LinkScope, Source, SourceRole
from newsroom.errors import PluginError
from newsroom.exporting import Rendition, export
from newsroom.plugins import BUILTIN_PLUGINS, PluginHost, check_plugins, make_plugin_manager
from newsroom.states import Action, Actor, Workflow, allowed_actions, transition


if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy


__all__ = [
    "EDITOR",
    "FixedClock",
    "articles",
    "check_exporter",
    "plugin_host",
    "registered",
    "sample_article",
]

EDITOR = Actor(name="Test Editor", roles={"editor_in_chief"}, desks=("",))
"""An actor allowed everything under the default permission policy."""

CALIBER = Source(
    name="Caliber.Az",
    home="https://caliber.az",
    policy=AttributionPolicy(notice="Any use of materials is allowed only if there is a hyperlink to Caliber.az"),
)


def plugin_host(
    *plugins: object, builtins: tuple[str, ...] = BUILTIN_PLUGINS, disabled: tuple[str, ...] = ()
) -> PluginHost:
    """A fresh host: the built-ins plus ``plugins``, and no entry points.

    ``NEWSROOM_DISABLE_PLUGINS`` is ignored, so the host is the same in every environment;
    leave plugins out with ``disabled`` (or ``builtins``) instead.
    """
    return PluginHost(
        make_plugin_manager(
            builtins=builtins, entry_points=False, plugins=plugins, disabled=disabled, disable_env=False
        )
    )


@contextlib.contextmanager
def registered(plugin: object, host: PluginHost, name: str | None = None) -> Iterator[PluginHost]:
    """Register ``plugin`` on ``host`` inside the block, and unregister it after.

    The plugin is checked as :func:`~newsroom.make_plugin_manager` checks plugins: a misspelt
    hook, an argument a hook does not have, or an unmarked ``newsroom_*`` function raises
    :class:`~newsroom.PluginError` (and the plugin is not left registered).
    """
    if name is None:  # a readable name for messages and host.plugins(), numbered if taken
        base = name = _describe(plugin)
        number = 2
        while host.pm.get_plugin(name) is not None:
            name, number = f"{base}-{number}", number + 1
    try:
        host.pm.register(plugin, name=name)
    except pluggy.PluginValidationError as exc:
        if host.pm.is_registered(plugin):  # some pluggy versions keep a plugin they could not register
            host.pm.unregister(plugin)
        msg = f"plugin {name!r} does not meet the hook contract: {exc}"
        raise PluginError(" ".join(msg.split())) from exc
    try:
        check_plugins(host.pm)
    except PluginError:
        host.pm.unregister(plugin)
        raise
    host._exporters = None  # noqa: SLF001 - the host caches what plugins registered
    host._readers = None  # noqa: SLF001
    try:
        yield host
    finally:
        host.pm.unregister(plugin)
        host._exporters = None  # noqa: SLF001
        host._readers = None  # noqa: SLF001


@attrs.define
class FixedClock:
    """A clock that says the same time until you ``advance`` it."""

    now: datetime = attrs.field(factory=lambda: datetime(2026, 1, 16, 7, 1, tzinfo=UTC))

    def __call__(self) -> datetime:
        """The current fixed time."""
        return self.now

    def advance(self, **delta: float) -> datetime:
        """Move the clock on, e.g. ``advance(hours=2)``, and return the new time."""
        self.now += timedelta(**delta)
        return self.now


def sample_article(*, clock: FixedClock | None = None, language: str = "en") -> Article:
    """A draft that uses every field and every block type, owing a link to caliber.az."""
    clock = clock or FixedClock()
    return Article.draft(
        guid="urn:newsroom:caliber.az:20260116:japan-italy",
        clock=clock,
        language=language,
        headline="Japan, Italy unite on Ukraine, advanced defence projects in landmark talks",
        kicker="Diplomacy",
        deck="Leaders agree a special strategic partnership",
        slugline="japan-italy-talks",
        summary="Japan and Italy agreed to keep sanctions on Russia and to deepen defence ties.",
        body=[
            Paragraph(
                text="Japanese Prime Minister <strong>Sanae Takaichi</strong> and Italian Prime Minister "
                "Giorgia Meloni have agreed to continue sanctions on Russia, "
                '<a href="https://caliber.az/en/post/japan-italy">Caliber.Az</a> reports.'
            ),
            Heading(text="A <em>special</em> partnership", level=2),
            BlockQuote(
                paragraphs=["Close collaboration between like-minded countries has become more important than ever."],
                cite="Sanae Takaichi",
            ),
            PullQuote(
                text="Security in the Euro-Atlantic and Indo-Pacific is interconnected", attribution="Joint statement"
            ),
            ListBlock(
                items=["Space cooperation", "A next-generation fighter by 2035", "H<sub>2</sub>O &amp; m<sup>2</sup>"],
                ordered=True,
            ),
            Image(
                src="https://caliber.az/media/meeting.jpg",
                alt="The two leaders shake hands in Tokyo",
                caption="Takaichi and Meloni in <q>Tokyo</q>",
                credit="Kyodo",
                width=1200,
                height=800,
            ),
            Embed(
                url="https://www.youtube.com/watch?v=abc123",
                title="Press conference",
                provider="YouTube",
                media="video",
            ),
            Paragraph(text='Contact the desk: <a href="mailto:desk@example.com">desk@example.com</a><br>Tokyo bureau'),
        ],
        section=Section(name="World", description="The most important world news"),
        bylines=[
            Person(name="Aghakazim Guliyev"),
            Person(name="Jane Roe", role="correspondent", url="https://example.com/jane"),
        ],
        dateline=Dateline(place="TOKYO", date=clock.now.date()),
        located=Place(name="Tokyo", country="JP", latitude=35.68, longitude=139.69),
        keywords=["Japan", "Italy", "Ukraine"],
        subjects=[Concept(code="medtop:11000000", label="politics")],
        genre=Concept(code="genre:Current", label="Current"),
        urgency=4,
        canonical_url="https://news.example.com/world/japan-italy-talks",
        media=[Image(src="https://caliber.az/media/lead.jpg", alt="Leaders at the table")],
        rights=Rights(holder="Caliber.az", notice="Caliber.az © 2026"),
        publisher=Source(name="Example News", home="https://news.example.com"),
        sources=[CALIBER, Source(name="Japanese media", role=SourceRole.VIA)],
        ed_note="Check the spelling of Takaichi before the update.",
        extra={"views": 11},
    )


def check_exporter(name: str, article: Article, *, host: PluginHost, clock: FixedClock | None = None) -> Rendition:
    """Run the exporter contract on ``article`` and return the rendition.

    Checks: the export passes the whole pipeline (attribution proved, and the rendition valid:
    bytes, a ``type/subtype`` media type, a plain file name, the exporter's name as its
    ``format``; a broken one raises :class:`~newsroom.ExportError` saying which rule), the
    result has the exporter's media type and suffix, and a second export gives byte-identical
    output.
    """
    clock = clock or FixedClock()
    exporter = host.exporter(name)
    first = export(article, name, clock=clock, host=host)
    second = export(article, name, clock=clock, host=host)
    if first.content != second.content:
        msg = f"exporter {name!r} is not deterministic: two exports of one story differ"
        raise AssertionError(msg)
    if first.media_type != exporter.media_type:
        msg = f"exporter {name!r} declares {exporter.media_type} but rendered {first.media_type}"
        raise AssertionError(msg)
    if not first.filename.endswith(exporter.suffix) or "/" in first.filename or "\\" in first.filename:
        msg = f"exporter {name!r} suggested {first.filename!r}, which is not a bare name ending in {exporter.suffix}"
        raise AssertionError(msg)
    return first


def articles(*, with_history: bool = True) -> SearchStrategy[Article]:
    """A hypothesis strategy for valid articles: every block type, corrections, history."""
    from hypothesis import strategies as st

    words = (
        st.text(
            alphabet=st.characters(codec="utf-8", categories=("L", "N", "Zs", "P", "S"), exclude_characters="\x85\xa0"),
            min_size=1,
            max_size=40,
        )
        .map(str.strip)
        .filter(bool)
    )
    tz = st.sampled_from([UTC, datetime(2026, 1, 1, tzinfo=UTC).astimezone().tzinfo or UTC])
    times = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2040, 1, 1), timezones=tz)  # noqa: DTZ001
    urls = st.builds(
        lambda host, path: f"https://{host}.example.org/{path}",
        st.from_regex(r"[a-z]{1,12}", fullmatch=True),
        st.from_regex(r"[a-z0-9-]{0,20}", fullmatch=True),
    )
    inline = st.one_of(
        words.map(lambda w: w.replace("<", " ").replace("&", " ").strip() or "x"),
        st.builds(lambda a, b: f"{_esc(a)} <em>{_esc(b)}</em>", words, words),
        st.builds(lambda a, u: f'<a href="{u}">{_esc(a)}</a> <strong>b</strong><br>c', words, urls),
        st.builds(lambda a: f"H<sub>2</sub>O <q>{_esc(a)}</q> m<sup>2</sup>", words),
    )
    blocks = st.one_of(
        st.builds(Paragraph, text=inline),
        st.builds(Heading, text=inline, level=st.integers(2, 6)),
        st.builds(BlockQuote, paragraphs=st.lists(inline, min_size=1, max_size=3), cite=st.none() | words),
        st.builds(PullQuote, text=inline, attribution=st.none() | words),
        st.builds(ListBlock, items=st.lists(inline, min_size=1, max_size=4), ordered=st.booleans()),
        st.builds(
            Image,
            src=urls,
            alt=words,
            caption=st.none() | inline,
            credit=st.none() | words,
            width=st.none() | st.integers(1, 5000),
            height=st.none() | st.integers(1, 5000),
        ),
        st.builds(Embed, url=urls, title=st.none() | words, media=st.sampled_from(["link", "video", "audio", "post"])),
    )
    named = words.filter(lambda w: any(c.isalnum() for c in w))
    source = st.one_of(
        st.builds(
            Source,
            name=words,
            home=urls,
            policy=st.none() | st.just(AttributionPolicy()),
            role=st.sampled_from(list(SourceRole)),
        ),
        st.builds(
            Source,
            name=words,
            url=urls,
            policy=st.builds(AttributionPolicy, scope=st.just(LinkScope.STORY), credit=st.none() | words),
            role=st.sampled_from(list(SourceRole)),
        ),
    )
    sources = st.lists(source, max_size=3)
    coordinate = st.floats(-90, 90, allow_nan=False)
    base = st.builds(
        Article,
        guid=st.uuids().map(lambda u: f"urn:uuid:{u}"),
        language=st.sampled_from(["en", "ru", "az", "en-GB", "de"]),
        headline=words,
        kicker=st.none() | words,
        deck=st.none() | words,
        slugline=st.none() | words,
        summary=st.none() | words,
        body=st.lists(blocks, min_size=1, max_size=8),
        section=st.builds(Section, name=named, description=st.none() | words),
        bylines=st.lists(
            st.builds(
                Person,
                name=named,
                url=st.none() | urls,
                role=st.sampled_from(["author", "correspondent", "photographer", "editor"]),
            ),
            max_size=3,
        ),
        dateline=st.none() | st.builds(Dateline, place=words, date=st.none() | st.dates()),
        located=st.none()
        | st.builds(
            Place,
            name=words,
            country=st.none() | st.from_regex(r"[A-Z]{2}", fullmatch=True),
            latitude=st.none() | coordinate,
            longitude=st.none() | coordinate.map(lambda x: x * 2),
        ),
        keywords=st.lists(words, max_size=4),
        subjects=st.lists(
            st.builds(Concept, code=st.from_regex(r"medtop:[0-9]{8}", fullmatch=True), label=words), max_size=2
        ),
        genre=st.none() | st.builds(Concept, code=st.sampled_from(["genre:Current", "genre:Analysis"]), label=words),
        urgency=st.none() | st.integers(1, 9),
        first_created=st.none() | times,
        embargo_until=st.none() | times,
        canonical_url=st.none() | urls,
        media=st.lists(st.builds(Image, src=urls, alt=words), max_size=2),
        rights=st.none() | st.builds(Rights, holder=words, notice=st.none() | words),
        publisher=st.none() | st.builds(Source, name=words, home=urls, policy=st.none() | st.just(AttributionPolicy())),
        sources=sources,
        ed_note=st.none() | words,
        extra=st.dictionaries(st.from_regex(r"[a-z]{1,8}", fullmatch=True), words, max_size=3),
    )
    if not with_history:
        return base
    # Each step picks one of the moves legal at that point, so walks reach published, corrected
    # and killed stories often, not only by luck.
    steps = st.lists(st.integers(0, 2**16), max_size=8)
    return st.builds(_walk, base, steps, times)


def _describe(plugin: object) -> str:
    return getattr(plugin, "__name__", None) or type(plugin).__name__


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_WALK_ORDER = (
    Action.PUBLISH,
    Action.CORRECT,
    Action.UPDATE,
    Action.KILL,
    Action.APPROVE,
    Action.SUBMIT,
    Action.SCHEDULE,
    Action.UNPUBLISH,
    Action.REPUBLISH,
    Action.UNSCHEDULE,
    Action.SEND_BACK,
    Action.SPIKE,
    Action.UNSPIKE,
)


def _walk(article: Article, steps: list[int], start: datetime) -> Article:
    """Take one legal move per step (``step`` picks which), as a small desk would.

    Moves whose guards refuse the story (e.g. publishing without a byline) leave it as it is.
    """
    clock = FixedClock(start)
    workflow = Workflow(review_required=False)
    kinds = list(CorrectionKind)
    for move, step in enumerate(steps):
        # Hypothesis favours small numbers, so the moves that lead on to published, corrected
        # and killed stories come first; the rest are still reached with larger steps.
        moves = sorted(allowed_actions(article.state, workflow), key=_WALK_ORDER.index)
        if not moves:
            break
        # The position in the walk turns the choice too: small steps still reach every move.
        action = moves[(step + move) % len(moves)]
        clock.advance(minutes=5)
        kwargs: dict[str, Any] = {}
        if action is Action.SCHEDULE:
            kwargs["at"] = clock.now + timedelta(hours=1)
        if action is Action.KILL:
            kwargs["note"] = "legal"
            kwargs["correction"] = ("retraction", "Withdrawn.")
        if action is Action.CORRECT:
            kind = kinds[step // len(moves) % len(kinds)]
            kwargs["correction"] = (kind.value, f"A {kind.value} was made.")
        if action is Action.UPDATE:
            # A new deck every time: an update that changes nothing is refused.
            kwargs["changes"] = {"deck": f"Updated at move {move}, after version {article.version}"}
        with contextlib.suppress(Exception):
            article = transition(article, action, actor=EDITOR, clock=clock, workflow=workflow, **kwargs)
    return article
