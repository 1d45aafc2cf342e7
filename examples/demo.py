"""A library example: build a story, move it through the workflow, export it (the main job is `newsroom convert`).

Run: ``python examples/demo.py --out out/``. Writes the story's native JSON into the folder.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import newsroom
from newsroom.testing import EDITOR, FixedClock, sample_article


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("out"))
    args = parser.parse_args()
    clock = FixedClock()
    story = sample_article(clock=clock)
    for verb in (newsroom.submit, newsroom.approve, newsroom.publish):
        clock.advance(minutes=10)
        story = verb(story, actor=EDITOR, clock=clock)
    args.out.mkdir(parents=True, exist_ok=True)
    for name in newsroom.default_host().exporters():
        rendition = newsroom.export(story, name, clock=clock)
        target = args.out / rendition.filename
        tmp = target.with_suffix(target.suffix + ".tmp")
        tmp.write_bytes(rendition.content)
        tmp.replace(target)
        print(f"{story.state.value} v{story.version} -> {target} ({len(rendition.content)} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
