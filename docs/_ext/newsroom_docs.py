"""Sphinx directives that draw newsroom's workflow from the code, at build time.

``{workflow-diagram}`` inserts :func:`newsroom.workflow_mermaid` as a Mermaid diagram (rendered
by ``sphinxcontrib-mermaid``), and ``{workflow-table}`` inserts :data:`newsroom.MOVES` as a
table. Both read the one transition table, so the docs cannot drift from the code; the pages
are rebuilt whenever ``newsroom/states.py`` changes. ``{builtin-plugins}`` lists the modules in
``BUILTIN_PLUGINS`` with what each registers, read from a live plugin host.

The API page is generated too: the line ``<!-- newsroom:public-api -->`` in ``api.md`` is
replaced, before the page is parsed, by one section per module that ``newsroom/__init__.py``
re-exports from, with an autodoc entry for every name in ``newsroom.__all__``. A name added to
the public API is documented without anyone editing the page.

The directive logic is kept in two plain functions, :func:`diagram_code` and
:func:`table_rows`, which the tests call directly.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import Directive, directives
from sphinxcontrib.mermaid import Mermaid

import newsroom
from newsroom import plugins as newsroom_plugins
from newsroom import states


if TYPE_CHECKING:
    from sphinx.application import Sphinx


HEADER = ("From", "Action", "To", "New version", "Where")


_EDGE = re.compile(r"^(?P<indent>\s*)(?P<source>\w+) --> (?P<target>\w+): (?P<label>.+)$")


def diagram_code(*, review_required: bool | None = None) -> str:
    """The Mermaid code for the workflow: every move, or only those a setting allows."""
    workflow = None if review_required is None else newsroom.Workflow(review_required=review_required)
    return newsroom.workflow_mermaid(workflow)


def table_rows() -> list[tuple[str, str, str, str, str]]:
    """One row per move of :data:`newsroom.MOVES`, in table order."""
    rows = []
    for move in newsroom.MOVES:
        where = "only where review is not required" if move.review is False else "always"
        rows.append((move.source.value, move.action.value, move.target.value, "yes" if move.new_version else "", where))
    return rows


def _note_source(directive: Directive) -> None:
    env = directive.state.document.settings.env
    env.note_dependency(states.__file__)


class WorkflowDiagram(Mermaid):  # type: ignore[misc]
    """``{workflow-diagram}``: the state diagram drawn from the transition table.

    Options: ``:review-required:`` draws only the moves a newsroom that requires review has;
    ``:no-review:`` the moves of a small desk; neither draws every move, marking the
    small-desk ones. Mermaid's own ``:caption:``, ``:alt:`` and ``:zoom:`` work too.
    """

    has_content = False
    required_arguments = 0
    optional_arguments = 0
    option_spec: ClassVar[dict[str, Any]] = {
        **Mermaid.option_spec,
        "review-required": directives.flag,
        "no-review": directives.flag,
    }

    def get_mm_code(self) -> str:
        """Generate the diagram instead of reading it from the directive's content."""
        _note_source(self)
        if "review-required" in self.options:
            return diagram_code(review_required=True)
        if "no-review" in self.options:
            return diagram_code(review_required=False)
        return diagram_code()


class WorkflowTable(Directive):
    """``{workflow-table}``: every row of :data:`newsroom.MOVES` as a table."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        """Build the table node."""
        _note_source(self)
        table = nodes.table(classes=["workflow-table"])
        group = nodes.tgroup(cols=len(HEADER))
        table += group
        for _ in HEADER:
            group += nodes.colspec(colwidth=1)
        head = nodes.thead()
        head += _row(HEADER)
        group += head
        body = nodes.tbody()
        for row in table_rows():
            body += _row(row, literal=(0, 1, 2))
        group += body
        return [table]


class BuiltinPlugins(Directive):
    """``{builtin-plugins}``: a table of the built-in plugins and what each one provides."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        """Build the table node from a fresh host that loads only the built-ins."""
        env = self.state.document.settings.env
        env.note_dependency(newsroom_plugins.__file__)
        header = ("Module", "Hooks", "Exporters", "Readers")
        table = nodes.table(classes=["builtin-plugins"])
        group = nodes.tgroup(cols=len(header))
        table += group
        for _ in header:
            group += nodes.colspec(colwidth=1)
        head = nodes.thead()
        head += _row(header)
        group += head
        body = nodes.tbody()
        for row in builtin_rows():
            body += _row(row, literal=(0, 1, 2, 3))
        group += body
        return [table]


def builtin_rows() -> list[tuple[str, str, str, str]]:
    """One row per module of ``BUILTIN_PLUGINS``: its hooks, exporters and readers."""
    host = newsroom.PluginHost(newsroom.make_plugin_manager(entry_points=False))
    infos = {info.name: info for info in host.plugins()}
    rows = []
    for name in newsroom_plugins.BUILTIN_PLUGINS:
        info = infos[name]
        rows.append((name, ", ".join(info.hooks), ", ".join(info.exporters), ", ".join(info.readers)))
    return rows


def _row(cells: tuple[str, ...], literal: tuple[int, ...] = ()) -> nodes.row:
    row = nodes.row()
    for i, text in enumerate(cells):
        entry = nodes.entry()
        para = nodes.paragraph()
        if i in literal and text:
            for j, word in enumerate(text.split(", ")):
                if j:
                    para += nodes.Text(", ")
                para += nodes.literal(word, word)
        else:
            para += nodes.Text(text)
        entry += para
        row += entry
    return row


API_MARKER = "<!-- newsroom:public-api -->"

# Section titles for the modules the public API comes from, in page order; others follow.
API_SECTIONS = {
    "articles": "Stories",
    "inline": "Inline text",
    "states": "Workflow",
    "permissions": "Permissions",
    "attribution": "Attribution",
    "audit": "Audit",
    "export_log": "Export log",
    "serialization": "Native JSON",
    "slugs": "Slugs",
    "exporting": "Exporting",
    "converting": "Bulk conversion",
    "validating": "Validation",
    "plugins": "Plugins",
    "hookspecs": "Hooks",
    "errors": "Errors",
}


API_LEAD = frozenset({"Article", "InlineText", "transition", "export", "NewsroomError"})
"""Names that open their section, whatever their place in the source."""


def public_api_sources() -> dict[str, list[str]]:
    """The public names grouped by the module ``newsroom/__init__.py`` imports them from."""
    tree = ast.parse(Path(newsroom.__file__).read_text(encoding="utf-8"))
    origin: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("newsroom."):
            for alias in node.names:
                origin[alias.asname or alias.name] = node.module
    grouped: dict[str, list[str]] = {}
    for name in newsroom.__all__:
        grouped.setdefault(origin.get(name, "newsroom"), []).append(name)
    return grouped


def _position(module: Any, name: str) -> int:
    """Where ``name`` is defined in ``module``'s source, so entries follow the code's order."""
    source = inspect.getsource(module)
    match = re.search(rf"^(?:class |def |async def )?{re.escape(name)}\b", source, re.MULTILINE)
    return match.start() if match else len(source)


def _autodoc_lines(name: str) -> list[str]:
    obj = getattr(newsroom, name)
    if inspect.isclass(obj) and issubclass(obj, BaseException):
        return [f".. autoexception:: {name}"]
    if inspect.isclass(obj):
        lines = [f".. autoclass:: {name}"]
        if "__call__" in vars(obj):
            lines.append("   :special-members: __call__")
        return lines
    if inspect.isfunction(obj):
        return [f".. autofunction:: {name}"]
    return [f".. autodata:: {name}", "   :no-value:"]


def public_api_markdown() -> str:
    """The generated body of the API page: one section per source module."""
    grouped = public_api_sources()
    order = [f"newsroom.{m}" for m in API_SECTIONS if f"newsroom.{m}" in grouped]
    order += sorted(m for m in grouped if m not in order)
    parts = ["```{eval-rst}", ".. currentmodule:: newsroom", "```", ""]
    for module_name in order:
        module = importlib.import_module(module_name)
        short = module_name.rsplit(".", 1)[-1]
        title = API_SECTIONS.get(short, short.replace("_", " ").capitalize())
        intro = (inspect.getdoc(module) or "").split("\n\n", 1)[0]
        names = sorted(grouped[module_name], key=lambda n: (n not in API_LEAD, _position(module, n)))
        parts += [f"## {title}", "", "```{eval-rst}"]
        if intro:
            parts += [intro, "", f"*From* ``{module_name}``.", ""]
        for name in names:
            parts += _autodoc_lines(name)
        parts += ["```", ""]
    return "\n".join(parts)


def _fill_api_page(app: Sphinx, _docname: str, source: list[str]) -> None:
    if API_MARKER in source[0]:
        app.env.note_dependency(newsroom.__file__)
        source[0] = source[0].replace(API_MARKER, public_api_markdown())


# napoleon reads the first line of an attribute's docstring as "type: description", which mangles
# model docs such as "A stable identifier: ``urn:uuid:...``". The colons are hidden from it and
# put back once it has run; the types come from the annotations anyway.
_COLON = "\ue000"


def _hide_colons(_app: Sphinx, what: str, _name: str, _obj: object, _options: object, lines: list[str]) -> None:
    if what in {"attribute", "property", "data"} and lines:
        lines[0] = lines[0].replace(":", _COLON)


def _restore_colons(_app: Sphinx, _what: str, _name: str, _obj: object, _options: object, lines: list[str]) -> None:
    lines[:] = [line.replace(_COLON, ":") for line in lines]


def _factory_defaults(
    _app: Sphinx, _what: str, _name: str, _obj: object, _options: object, signature: str | None, annotation: str | None
) -> tuple[str | None, str | None]:
    # attrs marks fields with a default factory as NOTHING in __init__; say what it means.
    if signature:
        signature = signature.replace("=NOTHING", "=<factory>")
    return signature, annotation


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the directives, the API page generator and the docstring fixes."""
    app.connect("source-read", _fill_api_page)
    app.connect("autodoc-process-docstring", _hide_colons, priority=400)
    app.connect("autodoc-process-docstring", _restore_colons, priority=600)
    app.connect("autodoc-process-signature", _factory_defaults)
    app.add_directive("workflow-diagram", WorkflowDiagram)
    app.add_directive("workflow-table", WorkflowTable)
    app.add_directive("builtin-plugins", BuiltinPlugins)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
