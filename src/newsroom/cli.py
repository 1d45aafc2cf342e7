"""The ``newsroom`` command: a thin layer over the library.

Subcommands: ``plugins`` (what is installed), ``schema`` (the native JSON Schema),
``workflow`` (the transition table as a diagram or table), ``audit`` (verify stories'
history chains, and with ``--exports`` their export history) and ``policy`` (the permission
policy as a table or TOML). Every command's work is a library call; this module only parses
arguments and prints. Nothing imports this module.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from newsroom import audit, convert_command, serialization, states, validate_command
from newsroom.articles import Article
from newsroom.errors import NewsroomError
from newsroom.export_log import check_exports, read_export_log
from newsroom.exporting import ExportRecord
from newsroom.permissions import DEFAULT_POLICY, load_policy
from newsroom.plugins import PluginHost, make_plugin_manager


__all__ = ["main"]


def _plugins(args: argparse.Namespace, out: TextIO) -> int:
    host = PluginHost(make_plugin_manager())
    infos = host.plugins()
    if args.json:
        json.dump(
            [
                {
                    "name": i.name,
                    "version": i.version,
                    "builtin": i.builtin,
                    "hooks": list(i.hooks),
                    "exporters": list(i.exporters),
                    "readers": list(i.readers),
                }
                for i in infos
            ],
            out,
            indent=2,
        )
        out.write("\n")
        return 0
    for info in infos:
        kind = "built-in" if info.builtin else "installed"
        out.write(f"{info.name} {info.version} ({kind})\n")
        if info.exporters:
            out.write(f"  exporters: {', '.join(info.exporters)}\n")
        if info.readers:
            out.write(f"  readers:   {', '.join(info.readers)}\n")
        out.write(f"  hooks:     {', '.join(info.hooks)}\n")
    out.write("\nformats:\n")
    out.writelines(
        f"  {name:<14} {exporter.media_type:<40} {exporter.suffix}\n" for name, exporter in host.exporters().items()
    )
    return 0


def _schema(_args: argparse.Namespace, out: TextIO) -> int:
    json.dump(serialization.json_schema(), out, indent=2, ensure_ascii=False)
    out.write("\n")
    return 0


def _workflow(args: argparse.Namespace, out: TextIO) -> int:
    workflow = states.Workflow(review_required=not args.no_review)
    if args.format == "mermaid":
        out.write(states.workflow_mermaid(workflow))
    else:
        out.write("| from | action | to | new version |\n|---|---|---|---|\n")
        for m in workflow.moves():
            note = " (no review)" if m.review is False else ""
            out.write(
                f"| {m.source.value} | {m.action.value}{note} | {m.target.value} | {'yes' if m.new_version else ''} |\n"
            )
    return 0


def _audit(args: argparse.Namespace, out: TextIO) -> int:
    failed = 0
    records: list[ExportRecord] | None = None
    if args.exports:
        records = []
        try:
            items = list(read_export_log(args.exports))
        except OSError as exc:
            sys.stderr.write(f"newsroom: error: cannot read the export log: {exc}\n")
            return 2
        for item in items:
            if isinstance(item, ExportRecord):
                records.append(item)
            else:
                out.write(f"{item}\n")
                failed += 1
    for name in args.files:
        path = Path(name)
        try:
            article = serialization.loads(path.read_bytes())
        except (OSError, NewsroomError) as exc:
            out.write(f"{path}: cannot read: {exc}\n")
            failed += 1
            continue
        report = audit.verify(article)
        if report.ok:
            out.write(f"{path}: ok ({report.entries} entries, version {article.version}, {article.state.value})\n")
        else:
            out.write(f"{path}: FAILED at entry {report.index}: {report.problem}\n")
            failed += 1
        if records is not None:
            failed += _exports(path, article, records, out)
    return 1 if failed else 0


def _exports(path: Path, article: Article, records: list[ExportRecord], out: TextIO) -> int:
    checks = check_exports(article, records)
    if not checks:
        out.write("  exports: none logged\n")
        return 0
    versions: dict[int, list[str]] = {}
    for check in checks:
        versions.setdefault(check.record.version, []).append(check.record.format)
    listed = "; ".join(f"v{v}: {', '.join(sorted(set(f)))}" for v, f in sorted(versions.items()))
    out.write(f"  exports: {len(checks)} ({listed})\n")
    bad = 0
    for check in checks:
        r = check.record
        extra = f"  override: {', '.join(sorted(r.overrides))}" if r.overrides else ""
        out.write(
            f"    v{r.version} {r.state.value:<11} {r.format:<12} {r.at.isoformat()}  "
            f"by {r.actor or '(unknown)'}  sha256 {r.sha256[:12]}{extra}\n"
        )
        if not check.ok:
            out.write(f"{path}: export log MISMATCH: {check.problem}\n")
            bad += 1
    return bad


def _policy(args: argparse.Namespace, out: TextIO) -> int:
    try:
        policy = load_policy(args.file) if args.file else DEFAULT_POLICY
    except OSError as exc:
        sys.stderr.write(f"newsroom: error: cannot read the policy: {exc}\n")
        return 2
    out.write(policy.to_toml() if args.format == "toml" else policy.markdown())
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for tests and docs)."""
    parser = argparse.ArgumentParser(prog="newsroom", description="Editorial workflows with plugin exporters.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("plugins", help="list installed plugins, exporters and readers with versions")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.set_defaults(run=_plugins)

    p = sub.add_parser("schema", help="print the JSON Schema of the native JSON format")
    p.set_defaults(run=_schema)

    p = sub.add_parser("workflow", help="print the publish workflow drawn from the transition table")
    p.add_argument("--format", choices=("mermaid", "table"), default="mermaid")
    p.add_argument("--no-review", action="store_true", help="the table for desks that publish without review")
    p.set_defaults(run=_workflow)

    p = sub.add_parser("audit", help="verify the history hash chain of stories in native JSON")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--exports", metavar="LOG", help="an ExportLog file: show and check which versions went out")
    p.set_defaults(run=_audit)

    p = sub.add_parser("policy", help="print the permission policy (the default, or a TOML file, checked)")
    p.add_argument("--file", metavar="POLICY", help="a policy in TOML; errors name the line")
    p.add_argument("--format", choices=("markdown", "toml"), default="markdown")
    p.set_defaults(run=_policy)

    convert_command.add_parser(sub)
    validate_command.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args, out or sys.stdout))
    except NewsroomError as exc:
        sys.stderr.write(f"newsroom: error: {exc}\n")
        return 2


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
