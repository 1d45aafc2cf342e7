"""Built-in plugin: IPTC NewsML-G2 2.35 out and in, with packages, messages and validation.

- The exporter ``newsml-g2`` writes a story as a text ``newsItem`` (XHTML body, optional NITF
  3.6 rendition) that validates against IPTC's 2.35 Power XSD.
- :func:`package` writes an :class:`newsroom.Edition` as a ``packageItem``; :func:`message`
  writes a batch of stories, editions and items as one ``newsMessage``.
- The reader ``newsml-g2`` reads a ``newsItem`` or a ``newsMessage`` back into stories, safely.
- The validator ``newsml-g2`` (``newsroom validate``) checks documents against the official
  XSD, from a folder the user names or a cache filled once from IPTC's site; the library never
  bundles it.
- :func:`provider_catalog` writes the catalog of newsroom's own scheme aliases, for a publisher
  who hosts it and sets the exporter's ``catalog_url`` option.

Like every plugin, this one imports only newsroom's public API (and lxml).
"""

from __future__ import annotations

from collections.abc import Mapping

import newsroom
from newsroom_newsml import vocabulary
from newsroom_newsml.items import NewsMLExporter, catalog_element, serialize
from newsroom_newsml.packages import message, package
from newsroom_newsml.reading import NewsMLReader
from newsroom_newsml.validation import NewsMLValidator, validate


__all__ = [
    "NewsMLExporter",
    "NewsMLReader",
    "NewsMLValidator",
    "message",
    "package",
    "provider_catalog",
    "validate",
    "vocabulary",
]


def provider_catalog(
    *, scheme_base: str = vocabulary.DEFAULT_SCHEME_BASE, schemes: Mapping[str, str] | None = None
) -> bytes:
    """The NewsML-G2 ``catalog`` declaring newsroom's scheme aliases (and ``schemes``), as bytes.

    Host it at a URL and pass that URL as the exporter's ``catalog_url`` option: items then
    refer to it with a ``catalogRef`` instead of carrying the catalog inline. Pass the same
    ``scheme_base`` and ``schemes`` to both.
    """
    extra = dict(sorted((schemes or {}).items()))
    return serialize(catalog_element(vocabulary.PROVIDER_SCHEMES, scheme_base, extra, definitions=True))


@newsroom.hookimpl
def newsroom_register_exporters(register: newsroom.Registrar[newsroom.Exporter]) -> None:
    """Register the ``newsml-g2`` exporter."""
    register(NewsMLExporter())


@newsroom.hookimpl
def newsroom_register_readers(register: newsroom.Registrar[newsroom.Reader]) -> None:
    """Register the ``newsml-g2`` reader."""
    register(NewsMLReader())


@newsroom.hookimpl
def newsroom_register_validators(register: newsroom.Registrar[newsroom.Validator]) -> None:
    """Register the ``newsml-g2`` validator."""
    register(NewsMLValidator())
