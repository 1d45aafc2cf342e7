"""Sphinx configuration for the newsroom documentation (Sphinx + MyST markdown + furo).

The build must stay free of warnings: CI runs ``sphinx-build -W --keep-going``
(``tests/test_docs.py::test_sphinx_build_has_no_warnings``).
"""

from __future__ import annotations

import sys
from importlib.metadata import version as dist_version
from pathlib import Path


HERE = Path(__file__).resolve().parent
# The local extension that draws the workflow from newsroom.MOVES at build time.
sys.path.insert(0, str(HERE / "_ext"))

project = "newsroom"
author = "The newsroom developers"
copyright = "2026, The newsroom developers"
release = dist_version("newsroom-editorial")
version = ".".join(release.split(".")[:2])

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinxcontrib.mermaid",
    "newsroom_docs",
]

source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
suppress_warnings: list[str] = []

# MyST: headings get anchors so pages can link to sections (``[text](model.md#native-json)``).
myst_heading_anchors = 3
myst_enable_extensions = ["colon_fence", "deflist"]

# autodoc + napoleon: the docstrings are Google style, and the types live in the signatures.
autodoc_typehints = "description"
autodoc_typehints_description_target = "documented_params"
autodoc_member_order = "bysource"
autodoc_default_options = {"members": True, "show-inheritance": True}
napoleon_google_docstring = True
napoleon_numpy_docstring = False
napoleon_use_rtype = False

html_theme = "furo"
html_title = f"newsroom {release}"
html_static_path: list[str] = []

# Mermaid diagrams are drawn in the reader's browser, as wide as the text column.
mermaid_version = "11.12.1"
mermaid_height = "auto"
