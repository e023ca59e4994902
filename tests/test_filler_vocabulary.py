"""Delivery and content read one filled-pause vocabulary (data/phrases.yaml), so they agree on what a filler is."""

import pytest

from mockloop.analysis.fillers import FILLED_PAUSE, find_fillers
from mockloop.analysis.tokens import filled_pause_spellings
from mockloop.content.text import is_filler, segment, transcript_from_text

SPELLINGS = sorted(filled_pause_spellings())


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_every_listed_spelling_is_a_filler_for_delivery_and_for_content(spelling):
    transcript = transcript_from_text(f"We shard by tenant, {spelling.capitalize()}, then replicate.")

    delivery = [f.text for f in find_fillers(transcript.words) if f.kind == FILLED_PAUSE]
    content_tokens = [t.text for s in segment(transcript).sentences for t in s.tokens]

    assert delivery == [filled_pause_spellings()[spelling]]
    assert is_filler(spelling.capitalize() + ",")
    assert content_tokens == ["we", "shard", "by", "tenant", "then", "replicate"]


@pytest.mark.parametrize("word", ["uh-huh", "erase", "hmmingbird", "ahead", "mmhmm-ish", "umbrella"])
def test_words_that_only_look_like_fillers_are_fillers_for_neither(word):
    transcript = transcript_from_text(f"We said {word} there.")

    assert not is_filler(word)
    assert [f for f in find_fillers(transcript.words) if f.kind == FILLED_PAUSE] == []
