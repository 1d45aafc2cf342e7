"""Bulk conversion benchmarks: throughput per core, parallel speed-up, flat memory, the scraped reader.

- ``convert`` from JSON Lines to the ``json`` format with ``jobs=1`` (reading, the export
  pipeline with its attribution proof, an atomic write per story) against a plain loop of
  ``json.loads`` -> Article -> ``newsroom.dumps`` over the same lines in one process, writing
  nothing. Target: at most 2x.
- ``jobs=2`` against ``jobs=1`` on 20,000 stories (2,000 in quick mode): the speed-up, at least
  1.7x on two cores. Only meaningful on a machine with two or more cores.
- Peak memory (``VmHWM``, else ``ru_maxrss``) for 100,000 stories against 1,000, streamed from one JSON Lines
  file, each run in a fresh subprocess: with ``jobs=1`` (the whole pipeline in one process)
  and with ``jobs=2`` (the coordinating process; workers hold one task at a time). Target: at
  most 1.2x, i.e. flat. Quick mode uses 20,000 against 1,000.

Inputs and outputs go to ``/dev/shm`` where it exists, so the figures measure conversion and
not the disk (creating a file on a loaded virtual disk can cost a millisecond, more than
converting the story).
- The scraped-page reader on one core against the goal of 2,000 pages a second (the ratio is
  pages per second divided by 2,000; at least 1.0), and, informatively, against reading the
  page and splitting it into lines.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness import Result, best_of

import newsroom
from newsroom.testing import FixedClock, sample_article
from newsroom_scraped import ScrapedPageReader


ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "stories" / "pages" / "world-japan-italy-talks.txt"
PAGES_PER_SECOND_GOAL = 2000


def stories(count: int, *, paragraphs: int = 8) -> list[str]:
    """``count`` varied stories as JSON Lines, sections and headlines repeating now and then."""
    base = sample_article(clock=FixedClock())
    sentence = "The two governments share concerns over trade practices, often criticised as economic coercion."
    body = [" ".join([sentence] * 3) for _ in range(paragraphs)]
    sections = [newsroom.Section(name=n) for n in ("World", "Economy", "Politics", "Sport", "Culture")]
    lines = []
    for i in range(count):
        story = newsroom.Article(
            guid=f"urn:bench:{i}",
            headline=f"Council debates budget item {i % (count // 2 or 1)}",
            body=body,
            section=sections[i % len(sections)],
            bylines=base.bylines,
            sources=base.sources,
            first_created=base.first_created,
        )
        lines.append(newsroom.dumps(story, indent=None))
    return lines


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def convert_seconds(source: Path, out: Path, jobs: int) -> float:
    start = time.perf_counter()
    results = list(newsroom.convert(source, to="json", out=out, jobs=jobs, force=True))
    seconds = time.perf_counter() - start
    assert all(r.status is newsroom.ConvertStatus.DONE for r in results), "benchmark stories must convert"
    return seconds


def throughput(tmp: Path, quick: bool) -> Result:
    lines = stories(300 if quick else 3000)
    source = write(tmp / "throughput.jsonl", lines)

    def baseline() -> None:
        for line in lines:
            newsroom.dumps(newsroom.from_dict(json.loads(line)), indent=2)

    repeat = 2 if quick else 3
    base = best_of(baseline, repeat=repeat)
    case = min(convert_seconds(source, tmp / "out-throughput", jobs=1) for _ in range(repeat))
    per_second = len(lines) / case
    return Result(
        "convert: JSONL -> json, jobs=1, vs loads -> Article -> dumps loop",
        case,
        base,
        target=2.0,
        note=f"{per_second:.0f} stories/s per core",
    )


def speedup(tmp: Path, quick: bool) -> Result:
    count = 2000 if quick else 20000
    source = write(tmp / "speedup.jsonl", stories(count))
    one = convert_seconds(source, tmp / "out-1", jobs=1)
    two = convert_seconds(source, tmp / "out-2", jobs=2)
    cores = os.cpu_count() or 1
    note = f"{count} stories, {cores} cores"
    if cores < 2:
        note += " (needs 2 cores to mean anything)"
    return Result("convert: jobs=1 time / jobs=2 time (speed-up)", one, two, target=1.7, at_least=True, note=note)


# ru_maxrss survives exec on Linux (a child forked from this big process would report our peak),
# so read the new process's own high-water mark, VmHWM, where /proc has it.
_MEMORY_SCRIPT = """
import re, resource, sys
import newsroom
results = newsroom.convert(sys.argv[1], to="json", out=sys.argv[2], jobs=int(sys.argv[3]))
done = sum(1 for r in results if r.status is newsroom.ConvertStatus.DONE)
try:
    with open("/proc/self/status") as status:
        peak = int(re.search(r"VmHWM:\\s*(\\d+)", status.read()).group(1))
except OSError:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(done, peak)
"""


def peak_memory(source: Path, out: Path, jobs: int) -> tuple[int, int]:
    """Stories converted and the converting process's peak RSS (KiB), in a fresh interpreter."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), str(ROOT / "plugins"), env.get("PYTHONPATH", "")])
    done = subprocess.run(
        [sys.executable, "-c", _MEMORY_SCRIPT, str(source), str(out), str(jobs)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    count, peak = (int(x) for x in done.stdout.split())
    return count, peak


def memory(tmp: Path, quick: bool) -> list[Result]:
    small_n, big_n = 1000, 20000 if quick else 100000
    small = write(tmp / "small.jsonl", stories(small_n, paragraphs=2))
    big = tmp / "big.jsonl"
    with big.open("w", encoding="utf-8") as stream:
        for start in range(0, big_n, small_n):
            chunk = stories(small_n, paragraphs=2)
            stream.writelines(line.replace('"urn:bench:', f'"urn:bench:{start}-') + "\n" for line in chunk)
    results = []
    for jobs, who in ((1, "jobs=1, the whole pipeline in one process"), (2, "jobs=2, the coordinating process")):
        n_small, peak_small = peak_memory(small, tmp / f"out-small-{jobs}", jobs)
        n_big, peak_big = peak_memory(big, tmp / f"out-big-{jobs}", jobs)
        assert (n_small, n_big) == (small_n, big_n), "every story must convert"
        results.append(
            Result(
                f"convert: peak memory, {big_n} vs {small_n} stories ({who})",
                peak_big,
                peak_small,
                target=1.2,
                note=f"{peak_small // 1024} -> {peak_big // 1024} MiB maxrss",
            )
        )
    return results


def scraped(quick: bool) -> list[Result]:
    data = SEED.read_bytes()
    reader = ScrapedPageReader()
    number = 200 if quick else 2000

    def read_page() -> None:
        for _ in reader.read(io.BytesIO(data), source="page.txt"):
            pass

    def split_lines() -> None:
        io.BytesIO(data).read().decode("utf-8").split("\n")

    page = best_of(read_page, repeat=3 if quick else 5, number=number)
    lines = best_of(split_lines, repeat=3 if quick else 5, number=number)
    return [
        Result(
            "scraped reader: pages/s on one core vs the 2,000 pages/s goal",
            1 / PAGES_PER_SECOND_GOAL,
            page,
            target=1.0,
            at_least=True,
            note=f"{1 / page:.0f} pages/s",
        ),
        Result(
            "scraped reader: reading a page vs decoding it and splitting lines",
            page,
            lines,
            target=float("inf"),
            note="informative",
        ),
    ]


def _scratch() -> str | None:
    """A RAM-backed folder when there is one: the figures are about conversion, not the disk."""
    shm = Path("/dev/shm")
    return str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None


def run(quick: bool) -> list[Result]:
    with tempfile.TemporaryDirectory(prefix="bench-convert-", dir=_scratch()) as name:
        tmp = Path(name)
        results = [throughput(tmp, quick), speedup(tmp, quick)]
        results.extend(memory(tmp, quick))
    results.extend(scraped(quick))
    return results
