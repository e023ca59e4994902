"""Progress is the same few numbers per session; compare says which way each one moved."""

from mockloop.config import DEFAULT_SETTINGS
from mockloop.review.compare import compare
from mockloop.review.loader import open_session
from mockloop.review.metrics import session_metrics, verdict
from mockloop.review.sparkline import sparkline


def test_session_metrics_come_from_the_answers_analysis(store, make_session):
    m = session_metrics(open_session(store, make_session().id))
    assert (m.fillers_per_minute, m.words_per_minute, m.long_pauses, m.decision_markers, m.content_score) == (4.1, 155.9, 1, 4, 57)


def test_fewer_fillers_is_better_more_markers_is_better_and_pace_aims_at_a_range():
    assert verdict("fillers_per_minute", 4.1, 2.7) == "improved"
    assert verdict("decision_markers", 4, 2) == "regressed"
    assert verdict("words_per_minute", 190, 150) == "improved"
    assert verdict("words_per_minute", 140, 150) == "same"  # both inside the comfortable range
    assert verdict("content_score", None, 60) == "-"


def test_compare_judges_pace_against_the_scorecards_target_band():
    band = DEFAULT_SETTINGS.delivery
    assert verdict("words_per_minute", band.target_wpm_low, band.target_wpm_high) == "same"
    assert verdict("words_per_minute", band.target_wpm_low - 10, band.target_wpm_low) == "improved"
    assert verdict("words_per_minute", band.target_wpm_high, band.target_wpm_high + 10) == "regressed"


def test_compare_lists_what_improved_and_what_regressed(store, make_session, better_take):
    a, b = make_session(minute=1), make_session(minute=2, analysis=better_take)
    result = compare(open_session(store, a.id), open_session(store, b.id))
    assert result.same_prompt
    assert {"fillers/min", "long pauses", "content score", "clarifies_requirements"} <= set(result.improved)
    assert result.regressed == []
    back = compare(open_session(store, b.id), open_session(store, a.id))
    assert "clarifies_requirements" in back.regressed and "fillers/min" in back.regressed


def test_two_takes_of_one_recording_are_about_the_same(store, make_session, sample_analysis):
    """Live and file transcription of one answer differ by a word or a filler: that is not progress."""
    import copy

    retake = copy.deepcopy(sample_analysis)
    d = retake["delivery"]
    d["fillers_per_minute"] = round(d["fillers_per_minute"] + 0.4, 2)
    d["words_per_minute"] = round(d["words_per_minute"] + 2.5, 1)
    d["decision_markers"] = d["decision_markers"][:-1]
    retake["scorecard"]["delivery_score"] -= 2
    retake["scorecard"]["content_score"] += 3
    a, b = make_session(minute=1), make_session(minute=2, analysis=retake)

    result = compare(open_session(store, a.id), open_session(store, b.id))

    assert result.improved == [] and result.regressed == []
    # the sample was saved before prosody was measured: those rows have no values to compare
    assert {row.verdict for row in result.metrics if row.before is not None} == {"same"}


def test_sparklines_scale_between_the_lowest_and_highest_value():
    assert sparkline([1, 2, 3, 4, 5, 6, 7, 8]) == "▁▂▃▄▅▆▇█"
    assert sparkline([5, None, 5]) == "▄ ▄"
    assert sparkline([]) == ""
