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


# --- how it sounded (issue 14) -------------------------------------------------------------------

SOUND_MEASURES = (
    "pitch_median_hz", "pitch_range_semitones", "monotone_answers", "intensity_range_db", "uptalk", "repetitions",
    "first_point_s", "longest_without_decision_s",
)


def test_how_the_session_sounded_comes_from_the_answers_prosody_repetitions_and_conciseness(store, make_session, sounded):
    session = make_session(analysis=sounded(uptalk=3, repetitions=2, first_point_s=41.5))
    m = session_metrics(open_session(store, session.id))
    assert {name: getattr(m, name) for name in SOUND_MEASURES} == {
        "pitch_median_hz": 101.3, "pitch_range_semitones": 4.23, "monotone_answers": 0, "intensity_range_db": 14.7,
        "uptalk": 3, "repetitions": 2, "first_point_s": 41.5, "longest_without_decision_s": 89.74,
    }


def test_a_session_saved_before_prosody_existed_has_no_sound_measures_rather_than_zeros(store, make_session):
    m = session_metrics(open_session(store, make_session().id))
    assert {name: getattr(m, name) for name in SOUND_MEASURES} == dict.fromkeys(SOUND_MEASURES)


def test_a_follow_up_weighs_by_its_length_and_the_first_point_is_the_main_answers(store, make_session, sounded):
    """Main answer 90.46 s at 100 Hz; a 30 s follow-up at 130 Hz, monotone, with its first point at 4 s."""
    from mockloop.sessions import AnswerRecord

    session = make_session(analysis=sounded(pitch_median_hz=100.0, first_point_s=41.5, longest_without_decision_s=48.0))
    follow_up = sounded(pitch_median_hz=130.0, pitch_range_semitones=1.8, monotone=True, uptalk=2, first_point_s=4.0,
                        longest_without_decision_s=22.0)
    follow_up["duration_s"] = 30.0
    session.write_json("answer-2.json", follow_up)
    session.record.answers.append(AnswerRecord(index=2, role="probe", question="What would you monitor?", audio="answer-1.wav",
                                               duration_s=30.0, analysis="answer-2.json"))
    session.save()

    m = session_metrics(open_session(store, session.id))

    assert m.pitch_median_hz == round((90.46 * 100.0 + 30.0 * 130.0) / 120.46, 1)
    assert (m.monotone_answers, m.uptalk, m.first_point_s, m.longest_without_decision_s) == (1, 1 + 2, 41.5, 48.0)


def test_each_sound_measure_is_judged_in_its_better_direction():
    cases = [  # name, before, after, verdict
        ("pitch_range_semitones", 2.1, 4.2, "improved"),  # a wider range is more varied
        ("pitch_range_semitones", 4.2, 3.9, "same"),  # within the tolerance of two readings alike
        ("monotone_answers", 1, 0, "improved"),
        ("intensity_range_db", 8.0, 14.7, "improved"),
        ("intensity_range_db", 14.7, 13.0, "same"),
        ("uptalk", 6, 1, "improved"),  # fewer statements ending on a rise
        ("uptalk", 1, 4, "regressed"),
        ("repetitions", 2, 7, "regressed"),
        ("first_point_s", 95.0, 20.0, "improved"),  # to the point sooner
        ("longest_without_decision_s", 48.0, 120.0, "regressed"),
        ("first_point_s", None, 20.0, "-"),  # no first point measured before
    ]
    assert [(name, before, after, verdict(name, before, after)) for name, before, after, _ in cases] == cases


def test_median_pitch_is_shown_but_never_judged():
    from mockloop.review.metrics import NO_VERDICT

    assert {verdict("pitch_median_hz", 101.3, 180.0), verdict("pitch_median_hz", 180.0, 101.3)} == {NO_VERDICT}


def test_compare_says_how_the_second_take_sounded_better(store, make_session, sounded):
    a = make_session(minute=1, analysis=sounded(pitch_range_semitones=2.1, monotone=True, uptalk=5, first_point_s=70.0))
    b = make_session(minute=2, analysis=sounded(pitch_median_hz=112.0, uptalk=1, first_point_s=12.0))

    result = compare(open_session(store, a.id), open_session(store, b.id))

    rows = {row.name: row for row in result.metrics}
    assert {"pitch range (st)", "monotone answers", "uptalk endings", "time to first point (s)"} <= set(result.improved)
    assert (rows["median pitch (Hz)"].before, rows["median pitch (Hz)"].after, rows["median pitch (Hz)"].verdict) == (101.3, 112.0, "")
    assert "median pitch (Hz)" not in result.improved + result.regressed
    assert result.regressed == []


def test_compare_with_a_take_from_before_prosody_judges_none_of_the_sound_measures(store, make_session, sounded):
    a, b = make_session(minute=1), make_session(minute=2, analysis=sounded(uptalk=0))
    result = compare(open_session(store, a.id), open_session(store, b.id))
    sound = [row for row in result.metrics if row.name in {"pitch range (st)", "uptalk endings", "repetitions", "loudness range (dB)"}]
    assert [(row.before, row.verdict) for row in sound] == [(None, "-")] * 4
