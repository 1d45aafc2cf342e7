"""Built-in plugin: the ``scraped`` reader, for text dumps of news pages (Caliber.az, en and ru).

The reader turns one page into one complete :class:`newsroom.Article`: section (name, slug,
description from the footer), headline, publish time in the site's zone, body paragraphs,
bylines, the source with the attribution policy its rights notice states, "via" credits,
the view count (in ``extra``), the detected language and a slug. See
``docs/formats/scraped.md`` for the page layout and every rule.

A read story is a **draft**: the page was published by its site, not through this newsroom's
workflow, and states change only through transitions, so the reader records the site's
publish time in ``published`` and leaves the state and history alone.

Options: the time zone the page's dates are in (``zone``, default ``Asia/Baku``). Build a
reader with ``ScrapedPageReader(zone=...)``, or pass ``reader_options={"scraped": {"zone":
...}}`` to :func:`newsroom.convert` (``--reader-option scraped.zone=...`` on the command line),
which calls :meth:`ScrapedPageReader.with_options`.

Like every plugin, this one uses only newsroom's public API.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

import newsroom
from newsroom_scraped.pages import DEFAULT_ZONE, has_notice, parse_page, zone


__all__ = ["DEFAULT_ZONE", "ScrapedPageReader", "parse_page"]


class ScrapedPageReader:
    """Reads one scraped news page (English or Russian edition) per file.

    Args:
        zone: The IANA time zone of the dates printed on the page.

    Raises:
        ValueError: ``zone`` is not a known time zone.
    """

    name = "scraped"
    suffixes = (".txt",)
    description = "scraped news pages (Caliber.az text dumps, English and Russian editions)"

    def __init__(self, *, zone: str = DEFAULT_ZONE) -> None:
        _zone_check(zone)
        self.zone = zone

    def __repr__(self) -> str:
        return f"ScrapedPageReader(zone={self.zone!r})"

    def with_options(self, **options: Any) -> ScrapedPageReader:
        """A copy with other options; the only option is ``zone``.

        Raises:
            ValueError: An unknown option, or an unknown zone.
        """
        unknown = sorted(set(options) - {"zone"})
        if unknown:
            msg = f"the scraped reader has no option {unknown[0]!r}; its only option is 'zone'"
            raise ValueError(msg)
        return ScrapedPageReader(zone=str(options.get("zone", self.zone)))

    def sniff(self, head: bytes, filename: str) -> bool:  # noqa: ARG002
        """Whether the first KiB hold a rights notice line of a known edition."""
        return has_notice(head.decode("utf-8", errors="ignore"))

    def read(self, stream: IO[bytes], *, source: str) -> Iterator[newsroom.Article | newsroom.ReadError]:
        """Yield the page's story.

        Raises:
            ReadError: The input is not such a page; the message names the part not found.
        """
        yield parse_page(stream.read(), source=source, zone_name=self.zone)


def _zone_check(name: str) -> None:
    zone(name)


@newsroom.hookimpl
def newsroom_register_readers(register: newsroom.Registrar[newsroom.Reader]) -> None:
    """Register the ``scraped`` reader with the default zone (Asia/Baku)."""
    register(ScrapedPageReader())
