"""Run every benchmark module and print a table of ratios against in-run baselines.

Usage: ``python benchmarks/run.py [--quick] [NAME ...]`` (NAME filters modules, e.g. ``model``).
Exit status is 1 when a target is missed, so the runner can gate a release; CI runs it with
``--quick`` only to prove it works (timings on shared CI machines are not a gate).
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path


HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from harness import Result  # noqa: E402, TC002 - used at run time by the modules' results


def load(path: Path) -> object:
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small inputs and few repeats (a smoke test)")
    parser.add_argument("names", nargs="*", help="only modules whose name contains one of these")
    args = parser.parse_args(argv)
    results: list[Result] = []
    for path in sorted(HERE.glob("bench_*.py")):
        if args.names and not any(n in path.stem for n in args.names):
            continue
        module = load(path)
        results.extend(module.run(args.quick))  # type: ignore[attr-defined]
    width = max((len(r.name) for r in results), default=10)
    print(f"{'benchmark':<{width}}  {'ratio':>8}  {'target':>10}  ok   note")
    for r in results:
        target = f"{'>=' if r.at_least else '<='}{r.target:g}{r.unit}"
        print(f"{r.name:<{width}}  {r.ratio:>7.2f}{r.unit}  {target:>10}  {'yes' if r.ok else 'NO ':<3}  {r.note}")
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
