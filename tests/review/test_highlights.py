"""The transcript's words carry the habits found in the analysis, and pauses sit where they happened."""

import copy

from mockloop.review.highlights import Pause, Word, marked_words, moments, timeline

ANALYSIS = {
    "duration_s": 12.0,
    "transcript": {"words": [
        {"text": "Um,", "start": 0.5, "end": 0.8}, {"text": "let", "start": 0.9, "end": 1.0}, {"text": "me", "start": 1.0, "end": 1.1},
        {"text": "confirm", "start": 1.1, "end": 1.5}, {"text": "you", "start": 4.0, "end": 4.2}, {"text": "know,", "start": 4.2, "end": 4.5},
        {"text": "I", "start": 5.0, "end": 5.1}, {"text": "think", "start": 5.1, "end": 5.4}, {"text": "so.", "start": 9.0, "end": 9.3},
    ]},
    "delivery": {
        "fillers": [
            {"text": "um", "kind": "filled_pause", "start": 0.5, "end": 0.8, "word_index": 0, "word_indices": [0]},
            {"text": "you know", "kind": "discourse", "start": 4.25, "end": 4.5, "word_index": 4, "word_indices": [4, 5]},
        ],
        "hedges": [{"text": "i think", "start": 5.0, "word_index": 6, "word_indices": [6, 7]}],
        "decision_markers": [{"text": "let me confirm", "start": 0.9, "category": "scoping", "word_index": 1, "word_indices": [1, 2, 3]}],
        "pauses": [{"start": 1.5, "end": 4.0, "duration": 2.5}, {"start": 5.4, "end": 5.8, "duration": 0.4}],
        "long_pause_threshold_s": 2.0,
    },
}


def tags():
    return {w.text: w.tags for w in marked_words(ANALYSIS)}


def test_fillers_hedges_and_markers_mark_the_words_they_cover():
    t = tags()
    assert t["Um,"] == {"filler"}
    assert t["let"] == t["me"] == t["confirm"] == {"marker"}
    assert t["I"] == t["think"] == {"hedge"}
    assert t["so."] == set()


def test_a_two_word_filler_marks_both_words():
    t = tags()
    assert t["you"] == t["know,"] == {"filler"}


def test_the_word_indices_decide_not_the_times():
    """A filled pause re-timed onto its syllable may overlap the next word ("robot."): only its own word is marked."""
    analysis = copy.deepcopy(ANALYSIS)
    analysis["delivery"]["fillers"][0].update(start=0.6, end=0.98)  # reaches into "let"

    marked = [w.text for w in marked_words(analysis) if "filler" in w.tags]

    assert marked == ["Um,", "you", "know,"]


def test_an_analysis_saved_without_word_indices_is_matched_by_time_and_text():
    analysis = copy.deepcopy(ANALYSIS)
    for key in ("fillers", "hedges", "decision_markers"):
        for item in analysis["delivery"][key]:
            del item["word_index"], item["word_indices"]

    assert {w.text: w.tags for w in marked_words(analysis)} == tags()


def test_the_timeline_puts_pauses_between_words_and_flags_the_long_ones():
    events = timeline(ANALYSIS)
    kinds = [e.text if isinstance(e, Word) else f"[{e.duration}]" for e in events]
    assert kinds == ["Um,", "let", "me", "confirm", "[2.5]", "you", "know,", "I", "think", "[0.4]", "so."]
    assert [e.long for e in events if isinstance(e, Pause)] == [True, False]


def test_the_reel_takes_context_around_each_filler_and_long_pause_merging_overlaps():
    spots = moments(ANALYSIS, context_s=1.0)
    assert spots[0][0] == 0.0 and spots[0][1] >= 5.0  # um, the long pause and "you know" overlap
    assert "filler 'um'" in spots[0][2] and "pause 2.5 s" in spots[0][2] and "filler 'you know'" in spots[0][2]
    assert len(spots) == 1


def test_the_terminal_replay_colours_each_habit_and_shows_pauses_as_gaps():
    from mockloop.review.replay import parse_time, styled

    events = {e.text if isinstance(e, Word) else "pause": e for e in timeline(ANALYSIS)}
    assert "dark_orange" in str(styled(events["Um,"]).style)
    assert "magenta" in str(styled(events["think"]).style)
    assert "blue" in str(styled(events["confirm"]).style)
    assert styled(events["so."]).style == ""
    long_pause = next(e for e in timeline(ANALYSIS) if isinstance(e, Pause) and e.long)
    assert styled(long_pause).plain == "[2.5 s]" and "red" in str(styled(long_pause).style)
    assert (parse_time("2:30"), parse_time("95"), parse_time(None)) == (150.0, 95.0, 0.0)
