"""Model benchmarks: building a 600-word story, and its native JSON round trip."""

from __future__ import annotations

import json

from harness import Result, compare

import newsroom
from newsroom.testing import sample_article


def _story_600_words() -> newsroom.Article:
    base = sample_article()
    sentence = "The two governments share concerns over trade practices, often criticised as economic coercion."
    words = len(sentence.split())
    paragraphs = [" ".join([sentence] * 4) for _ in range(600 // (words * 4) + 1)]
    story = newsroom.Article.draft(
        guid=base.guid,
        headline=base.headline,
        body=paragraphs,
        section=base.section,
        bylines=base.bylines,
        sources=base.sources,
        first_created=base.first_created,
    )
    assert story.word_count() >= 600
    return story


def run(quick: bool) -> list[Result]:
    story = _story_600_words()
    data = newsroom.to_dict(story)
    repeat, number = (3, 20) if quick else (7, 300)

    def baseline_json() -> object:
        return json.loads(json.dumps(data))

    def round_trip() -> object:
        return newsroom.loads(newsroom.dumps(story, indent=None))

    def build() -> object:
        return newsroom.Article(**story_kwargs)

    story_kwargs = {
        "guid": story.guid,
        "headline": story.headline,
        "body": [b.text.markup() for b in story.body],
        "section": story.section,
        "bylines": story.bylines,
        "sources": story.sources,
    }

    trip, base = compare(round_trip, baseline_json, repeat=repeat * 3, number=number // 3 or 1)
    built, base_b = compare(build, baseline_json, repeat=repeat * 3, number=number // 3 or 1)
    return [
        Result("model: JSON round trip of a 600-word story vs json.dumps+loads", trip, base, target=3.0),
        Result(
            "model: build + validate a 600-word Article vs json.dumps+loads",
            built,
            base_b,
            target=3.0,
            note="informative",
        ),
    ]
