"""Every name NewsML-G2 output depends on, in one place: namespaces, versions, scheme aliases.

The writer, the reader and the validator take their namespaces, media types and QCode
aliases from here, so a change of catalog or standard version is a one-line change. Nothing
here builds or parses XML.

Two kinds of scheme alias appear in our QCodes:

- IPTC's, declared by the IPTC catalog (:data:`IPTC_CATALOG_URL`, version 41). We use only the
  aliases in :data:`IPTC_ALIASES`; a test checks each against the catalog file itself.
- newsroom's own (:data:`PROVIDER_SCHEMES`) for what IPTC has no code for: headline roles,
  sections, people, extension properties. They are declared in a provider catalog, either
  inline in every item or, when the publisher hosts it (see :func:`newsroom_newsml.provider_catalog`),
  by a second ``catalogRef``.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final


__all__ = [
    "CONCEPT_NATURES",
    "CONTENT_TYPE_NITF",
    "CONTENT_TYPE_XHTML",
    "DEFAULT_SCHEME_BASE",
    "IPTC_ALIASES",
    "IPTC_CATALOG_URL",
    "MEDIA_TYPE_ITEM",
    "MEDIA_TYPE_MESSAGE",
    "MEDIA_TYPE_PACKAGE",
    "NAR",
    "NITF",
    "PROVIDER_SCHEMES",
    "STANDARD",
    "STANDARD_VERSION",
    "XHTML",
    "XML",
]

NAR: Final = "http://iptc.org/std/nar/2006-10-01/"
"""The NewsML-G2 (News Architecture) namespace: every item, package and message element."""
XHTML: Final = "http://www.w3.org/1999/xhtml"
"""The XHTML namespace of the body rendition."""
NITF: Final = "http://iptc.org/std/NITF/2006-10-18/"
"""The NITF 3.x namespace of the optional second body rendition."""
XML: Final = "http://www.w3.org/XML/1998/namespace"
"""The ``xml:`` namespace (``xml:lang``)."""

STANDARD: Final = "NewsML-G2"
STANDARD_VERSION: Final = "2.35"
"""The schema version every item declares and validates against."""
CONFORMANCE: Final = "power"
"""IPTC's Core schema stopped at 2.24; a 2.35 item is a Power item."""

MEDIA_TYPE_ITEM: Final = "application/vnd.iptc.g2.newsitem+xml"
MEDIA_TYPE_PACKAGE: Final = "application/vnd.iptc.g2.packageitem+xml"
MEDIA_TYPE_MESSAGE: Final = "application/vnd.iptc.g2.newsmessage+xml"
CONTENT_TYPE_XHTML: Final = "application/xhtml+xml"
CONTENT_TYPE_NITF: Final = "application/nitf+xml"

IPTC_CATALOG_URL: Final = "http://www.iptc.org/std/catalog/catalog.IPTC-G2-Standards_41.xml"
"""IPTC's scheme-alias catalog, version 41 (2025-04-30)."""

IPTC_ALIASES: Final = frozenset(
    {
        "cpnat",  # concept nature: cpnat:abstract, cpnat:geoArea ...
        "cpprole",  # content production party role (creator, contributor, infoSource roles)
        "dbpedia",
        "digsrctype",
        "drol",  # description role: drol:summary, drol:caption
        "genre",
        "geonames",
        "irel",  # item relation: irel:previousVersion, irel:seeAlso, irel:associatedWith
        "iso3166-1a2",
        "loctyp",  # location type: loctyp:Country, loctyp:CountryArea
        "medtop",  # IPTC Media Topics
        "ninat",  # nature of an item: ninat:text, ninat:composite
        "nmsig",  # news message signal
        "nprov",
        "pgrmod",  # package group mode: pgrmod:seq
        "sig",  # signal: sig:update, sig:correction
        "stat",  # publishing status: stat:usable, stat:withheld, stat:canceled
        "subj",
        "wikidata",
    }
)
"""The IPTC catalog aliases this plugin writes or passes through from a story's concepts.

Subjects and genres in another IPTC scheme need ``options={"schemes": {alias: uri}}``.
"""

CONCEPT_NATURES: Final = MappingProxyType(
    {
        "geonames": "cpnat:geoArea",  # GeoNames: places
        "iso3166-1a2": "cpnat:geoArea",  # ISO 3166-1 alpha-2: countries
        "nrperson": "cpnat:person",  # newsroom's people
    }
)
"""The concept nature (``subject/@type``) of a subject, by its scheme alias, where the scheme says what
its concepts are. Subjects in any other scheme (Media Topics, Wikidata, DBpedia...) are ``cpnat:abstract``."""

DEFAULT_SCHEME_BASE: Final = "urn:newsroom-editorial:cv:"
"""Where newsroom's own scheme URIs start when the publisher sets no ``scheme_base``."""

PROVIDER_SCHEMES: Final = MappingProxyType(
    {
        "nrrole": (
            "newsroom roles",
            (
                "Roles IPTC has no code for: headline roles (deck, kicker), editorial note roles "
                "(correction, clarification, retraction, embargo), package group roles (main), and people's roles "
                "outside the IPTC content production party roles (percent-encoded)."
            ),
        ),
        "nrprop": (
            "newsroom properties",
            (
                "Extension properties: published (first publication time), datelinePlace and datelineDate "
                "(the printed dateline's parts), termsOf (in rightsInfo: the id of the infoSource whose usage "
                "terms these are)."
            ),
        ),
        "nrsec": ("newsroom sections", "The publisher's sections, by path (world/europe)."),
        "nrperson": ("newsroom people", "The publisher's people, by slug."),
        "nrprov": ("newsroom providers", "nrprov:unspecified marks an item whose story names no publisher."),
    }
)
"""newsroom's own scheme aliases, with a name and a definition for the provider catalog."""
