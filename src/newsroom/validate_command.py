"""``newsroom validate``: check finished files against their format's official schema.

For each file it asks the installed validators (the ``newsroom_register_validators`` hook) which
one knows the document, or uses the one named with ``--format``, and prints ``FILE: valid
(FORMAT)`` or one ``FILE:LINE: message`` line per problem, the message being the schema's own.
A folder stands for every file under it that a validator recognises (the others are counted as
skipped, as a converted folder also holds formats no validator checks); ``-`` reads standard input.
The exit status is 1 if any file is invalid or unreadable. One file that breaks a validator never
stops the rest: its error is printed as ``FILE: cannot validate: ...`` and the run goes on. Kept
apart from :mod:`newsroom.cli` so the command's code has one home; only ``cli.py`` imports it.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from newsroom.errors import NewsroomError, UnknownFormatError
from newsroom.plugins import PluginHost, make_plugin_manager
from newsroom.validating import validate_document


__all__ = ["add_parser", "run"]

_LINE = re.compile(r"^line (\d+): ")


def add_parser(sub: Any) -> None:
    """Add the ``validate`` subcommand to the ``newsroom`` parser's subparsers."""
    p = sub.add_parser(
        "validate",
        help="check files against their format's official schema (NewsML-G2 ...)",
        description="Validate each file with the validator that recognises it. Without --schemas, a "
        "validator uses its cache, downloading the official schema into it once (and saying so); "
        "without network, name a folder with --schemas DIR.",
    )
    p.add_argument(
        "files", nargs="+", metavar="FILE", help="files, folders (every file a validator recognises), or - for stdin"
    )
    p.add_argument("--schemas", metavar="DIR", help="a folder holding the official schema files")
    p.add_argument("--format", metavar="NAME", help="the validator to use (default: detect from each file)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace, out: TextIO, host: PluginHost | None = None) -> int:
    """Validate every file named in ``args``; return 1 if any is invalid or unreadable."""
    host = host or PluginHost(make_plugin_manager())
    schemas = Path(args.schemas) if args.schemas else None
    failed = skipped = checked = 0
    for name, in_folder in _documents(args.files):
        if not in_folder and name != "-" and Path(name).is_dir():
            out.write(f"{name}: cannot validate: the folder holds no file to check\n")
            failed += 1
            continue
        try:
            content = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
            if not content.strip():
                if in_folder:  # a placeholder or empty log in a folder: no validator's file
                    skipped += 1
                    continue
                out.write(f"{name}: cannot validate: {'standard input' if name == '-' else 'the file'} is empty\n")
                failed += 1
                continue
            format_name, problems = validate_document(
                content, source=name, host=host, format=args.format, schemas=schemas
            )
        except UnknownFormatError as exc:
            if in_folder and args.format is None:  # a folder's JSON or PDF: no validator for it
                skipped += 1
                continue
            out.write(f"{name}: cannot validate: {exc}\n")
            failed += 1
            continue
        except (OSError, NewsroomError) as exc:
            out.write(f"{name}: cannot validate: {exc}\n")
            failed += 1
            continue
        except Exception as exc:  # noqa: BLE001 - a validator's bug is reported, the batch goes on
            out.write(f"{name}: cannot validate: the validator failed ({type(exc).__name__}: {exc})\n")
            failed += 1
            continue
        checked += 1
        if not problems:
            out.write(f"{name}: valid ({format_name})\n")
            continue
        failed += 1
        for problem in problems:
            match = _LINE.match(problem.message)
            if match:
                out.write(f"{name}:{match.group(1)}: {problem.message[match.end() :]}\n")
            else:
                out.write(f"{name}: {problem.message}\n")
    if skipped:
        out.write(f"skipped {skipped} file(s) in folders that no validator recognises\n")
        if not checked and not failed:  # asked to validate, and nothing was
            out.write("no file was validated\n")
            return 1
    return 1 if failed else 0


def _documents(names: list[str]) -> Iterator[tuple[str, bool]]:
    """Each file to check and whether it came from a folder: folders are walked in name order."""
    for name in names:
        if name != "-" and Path(name).is_dir():
            found = False
            for folder, subfolders, files in os.walk(name):
                subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
                for file in sorted(files):
                    if not file.startswith("."):
                        found = True
                        yield str(Path(folder, file)), True
            if not found:
                yield name, False  # reported: a folder with no file to check
        else:
            yield name, False
