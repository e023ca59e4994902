"""Taking something back does not count, and tips only quote what was said.

"The trade-off is, I don't know, there isn't one really." once met the trade-off item and was
praised as good signposting; one tip told a candidate to replace "a lot", which they never said;
and behavioral and scenario rounds were advised to signpost like a system design. The withdrawal
and negation lists live once, in data/phrases.yaml, and both the rubric and signposting read them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from content_helpers import text_transcript

from mockloop.analysis.markers import find_decision_markers
from mockloop.analysis.scorecard import GENERIC_SIGNPOSTS, NEXT_STEP_EXAMPLE, SIGNPOST_EXAMPLES, delivery_tips
from mockloop.config import DeliverySettings
from mockloop.content import judge_content
from mockloop.content.rubric import kinds
from mockloop.models import DeliveryMetrics

LABELLED = Path(__file__).parent / "labelled"


def met(text: str, kind: str, item_id: str) -> bool:
    result = judge_content(text_transcript(text), kind)
    return next(v.met for v in result.rubric if v.id == item_id)


# (kind, item, a sentence that withdraws or negates the cue, the same cue kept)
WITHDRAWALS = [
    ("system_design", "explains_tradeoffs",
     "The trade-off is, I don't know, there isn't one really.",
     "The trade-off is latency versus cost, so I'd pick the cheaper queue."),
    ("system_design", "explains_tradeoffs",
     "There's no trade-off here, we just add a cache.",
     "The trade-off here is freshness against cost, so we add a cache."),
    ("exec_explain", "states_tradeoff",
     "My recommendation is to move the launch to March. The trade-off is, honestly, I can't think of one. "
     "I need your approval by Friday.",
     "My recommendation is to move the launch to March. The trade-off is that we lose the spring press slot. "
     "I need your approval by Friday."),
    ("system_design", "names_risks",
     "The biggest risk is a hot partition, well, never mind, we'd mitigate it with sharding anyway.",
     "The biggest risk is a hot partition, so we'd mitigate it with sharding by customer."),
    ("scenario", "escalation",
     "I'd escalate to the director, actually scratch that, we'd handle it in the team.",
     "I'd escalate to the director of ML if we are not back by noon."),
]


@pytest.mark.parametrize("kind, item_id, withdrawn, kept", WITHDRAWALS, ids=[f"{k}/{i}" for k, i, *_ in WITHDRAWALS])
def test_a_withdrawn_or_negated_cue_does_not_meet_the_item(kind, item_id, withdrawn, kept):
    assert met(kept, kind, item_id), "control: the same cue, not taken back, meets the item"
    assert not met(withdrawn, kind, item_id)


def test_a_negation_elsewhere_in_the_clause_does_not_cancel_a_number():
    text = "We need p99 latency of no more than 200 ms, and about 5000 requests per second at peak."
    assert met(text, "system_design", "sizes_the_load")


def test_a_withdrawn_signpost_is_not_signposting():
    text = "The trade-off is, I don't know, there isn't one really."
    assert find_decision_markers(text_transcript(text).words) == []


def test_a_negated_signpost_is_not_signposting():
    assert find_decision_markers(text_transcript("There's no trade-off, it is just faster.").words) == []


def test_a_signpost_kept_is_still_found():
    markers = find_decision_markers(text_transcript("The trade-off is latency versus cost.").words)
    assert [m.text for m in markers] == ["the trade-off is", "versus"]


# --------------------------------------------------------------------------- tips quote the transcript

QUOTED = re.compile(r'(?:said|proposed|replace|used|came at [^"(]*\() ?"([^"]+)"')


def plain(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9']+", text.lower().replace("…", " ")))


def labelled_answers():
    for path in sorted(LABELLED.rglob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        yield pytest.param(data["kind"], data["text"], id=str(path.relative_to(LABELLED)))


@pytest.mark.parametrize("kind, text", list(labelled_answers()))
def test_every_quote_in_a_tip_was_said(kind, text):
    result = judge_content(text_transcript(text), kind)
    said = plain(text)
    for tip in result.tips:
        for quote in QUOTED.findall(tip):
            assert plain(quote) in said, f"{tip!r} quotes {quote!r}, which is not in the answer"


def test_the_load_tip_does_not_put_words_in_the_mouth():
    text = "It has to handle huge traffic at launch. I'd put a queue in front of the workers."
    result = judge_content(text_transcript(text), "system_design")
    tip = next(t for t in result.tips if "huge traffic" in t)
    assert "a lot" not in tip


# --------------------------------------------------------------------------- signposting advice by kind


def unsignposted(words: int = 60) -> DeliveryMetrics:
    return DeliveryMetrics(
        duration_s=30.0, word_count=words, speaking_time_s=28.0, words_per_minute=140.0, articulation_rate_wpm=150.0,
        fillers=[], fillers_per_minute=0.0, pauses=[], long_pause_threshold_s=2.0, response_latency_s=0.5,
        decision_markers=[], longest_stretch_without_marker_s=30.0, hedges=[],
    )


@pytest.mark.parametrize("kind", ["behavioral", "scenario", "technical", "exec_explain"])
def test_signposting_advice_fits_the_round(kind):
    [tip] = [t for t in delivery_tips(unsignposted(), DeliverySettings(), kind) if "signpost" in t]
    for design_only in ("requirements", "the load", "fault tolerance"):
        assert design_only not in tip, f"{kind} round got system-design advice: {tip!r}"
    assert all(example in tip for example in SIGNPOST_EXAMPLES[kind])


def test_every_kind_has_signposting_advice():
    assert set(SIGNPOST_EXAMPLES) == set(kinds()) == set(NEXT_STEP_EXAMPLE)


@pytest.mark.parametrize(
    "example",
    sorted({e for examples in SIGNPOST_EXAMPLES.values() for e in examples} | set(NEXT_STEP_EXAMPLE.values()) | set(GENERIC_SIGNPOSTS)),
)
def test_following_the_signposting_advice_is_heard_as_signposting(example):
    words = text_transcript(example.strip('"') + " we keep going from there.").words
    assert find_decision_markers(words), f"{example} is advised but not recognised as a signpost"
