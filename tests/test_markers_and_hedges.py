"""Decision markers (signposting) and hedges, with their times taken from the words that say them."""

from __future__ import annotations

import pytest

from mockloop.analysis.markers import find_decision_markers, find_hedges, longest_stretch_without_marker
from mockloop.models import PhraseHit, Word


def timed_words(sentence: str, start: float = 0.0, step: float = 0.3) -> list[Word]:
    """One word every ``step`` seconds, each lasting 80% of the step."""
    return [Word(token, round(start + i * step, 3), round(start + i * step + 0.8 * step, 3)) for i, token in enumerate(sentence.split())]


def test_a_transition_sentence_yields_both_markers_at_the_times_of_their_first_words():
    words = timed_words("Now that we've agreed on the ingestion rate, let's talk about fault tolerance.", start=14.0)

    markers = find_decision_markers(words)

    assert [(m.text, m.category) for m in markers] == [
        ("now that we've agreed on", "transition"),
        ("let's talk about", "transition"),
    ]
    first_words = [m.word_index for m in markers]
    assert [words[i].text for i in first_words] == ["Now", "let's"]
    assert [m.start for m in markers] == [words[i].start for i in first_words]


def test_markers_match_whatever_the_case_punctuation_or_curly_apostrophes():
    words = timed_words("NOW THAT WE\u2019VE AGREED ON the budget... Let\u2019s talk about, failures.")

    assert [m.text for m in find_decision_markers(words)] == ["now that we've agreed on", "let's talk about"]


def test_a_filled_pause_inside_a_marker_does_not_hide_it():
    words = timed_words("Okay, let me, um, confirm the requirements first.", start=2.0)

    markers = find_decision_markers(words)

    assert [(m.text, m.category) for m in markers] == [("let me confirm the requirements", "scoping")]
    assert markers[0].start == words[1].start  # "let"


def test_the_longest_marker_phrase_wins_over_its_shorter_prefixes():
    # "let me confirm the requirements" contains "let me confirm"; "now that we've agreed on" contains "now that".
    texts = [m.text for m in find_decision_markers(timed_words("Let me confirm the requirements. Now that we've agreed on scale, fine."))]

    assert texts == ["let me confirm the requirements", "now that we've agreed on"]


def test_plain_design_talk_has_no_markers():
    assert find_decision_markers(timed_words("The robots publish to a managed queue and a stream job scores each reading.")) == []


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("I think we should shard by region.", ["i think"]),
        ("Maybe the queue is enough.", ["maybe"]),
        ("It will probably fit in one region.", ["probably"]),
        ("I think we should probably start with, maybe, one city.", ["i think", "probably", "maybe"]),
        ("I'm not sure the queue holds a day.", ["i'm not sure"]),
        ("We will shard by region.", []),
    ],
)
def test_hedges_are_found_in_order(sentence, expected):
    assert [h.text for h in find_hedges(timed_words(sentence))] == expected


def test_a_hedge_takes_the_start_of_its_first_word():
    words = timed_words("So I think we should probably start small.", start=30.0)

    hedges = find_hedges(words)

    assert [(h.text, h.start) for h in hedges] == [("i think", words[1].start), ("probably", words[5].start)]


def test_text_input_markers_and_hedges_have_no_times():
    words = [Word(token) for token in "Let me confirm the scope. I think a queue is enough.".split()]

    assert [(m.text, m.start) for m in find_decision_markers(words)] == [("let me confirm", None)]
    assert [(h.text, h.start) for h in find_hedges(words)] == [("i think", None)]


# --------------------------------------------------------------------------- longest stretch without a marker


def _marker_at(start: float) -> PhraseHit:
    return PhraseHit("let's talk about", start, 0, "transition")


ANSWER = [Word("First", 2.0, 2.4), Word("middle", 60.0, 60.5), Word("last.", 150.0, 150.6)]  # answer runs 2.0 .. 150.6 s


def test_longest_stretch_is_the_largest_gap_between_start_markers_and_end():
    # points: 2.0 (start), 20.0, 95.0 (markers), 150.6 (end) -> gaps 18.0, 75.0, 55.6
    assert longest_stretch_without_marker([_marker_at(20.0), _marker_at(95.0)], ANSWER) == pytest.approx(75.0)


def test_longest_stretch_counts_the_tail_after_the_last_marker():
    # points: 2.0, 10.0, 30.0, 150.6 -> the tail 120.6 is the longest
    assert longest_stretch_without_marker([_marker_at(30.0), _marker_at(10.0)], ANSWER) == pytest.approx(120.6)


def test_without_any_marker_the_whole_answer_is_one_stretch():
    assert longest_stretch_without_marker([], ANSWER) == pytest.approx(150.6 - 2.0)


def test_markers_without_times_are_ignored_and_text_input_has_no_stretch():
    assert longest_stretch_without_marker([_marker_at(None)], ANSWER) == pytest.approx(148.6)
    assert longest_stretch_without_marker([], [Word("untimed"), Word("words")]) is None


def test_the_stretch_agrees_with_markers_found_in_a_timed_answer():
    words = (
        timed_words("Let me confirm the scope of the fleet.", start=1.0)
        + timed_words("The robots publish to a queue and the platform team owns it and the schema too.", start=10.0)
        + timed_words("To summarize, we launch in one city.", start=70.0)
    )
    markers = find_decision_markers(words)
    assert [m.text for m in markers] == ["let me confirm", "to summarize"]

    expected = max(markers[1].start - markers[0].start, words[-1].end - markers[1].start, markers[0].start - words[0].start)
    assert longest_stretch_without_marker(markers, words) == pytest.approx(expected)
    assert expected == pytest.approx(69.0)
