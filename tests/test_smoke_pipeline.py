from __future__ import annotations

import newsroom
from newsroom.testing import EDITOR, FixedClock, sample_article


def test_sample_story_goes_through_workflow_and_json_round_trip(host: newsroom.PluginHost, clock: FixedClock) -> None:
    story = sample_article(clock=clock)
    for verb in (newsroom.submit, newsroom.approve, newsroom.publish):
        clock.advance(minutes=1)
        story = verb(story, actor=EDITOR, clock=clock)
    assert story.state is newsroom.PublishState.PUBLISHED
    rendition = newsroom.export(story, "json", clock=clock, host=host)
    assert newsroom.loads(rendition.content) == story
    assert newsroom.verify(story).ok
