"""The interviewer's styles and the spoken time cues of a phased round."""

from __future__ import annotations

import pytest

from mockloop.errors import InputError
from mockloop.interview.loop import InterviewSettings
from mockloop.interview.styles import STYLES, cues_for, spoken_minutes

SYSTEM_DESIGN = [("intro", 300), ("design", 2100), ("questions", 300)]


def test_the_45_minute_round_keeps_its_phases_with_spoken_time_cues_and_ends_with_questions():
    cues = cues_for(STYLES["silent"], SYSTEM_DESIGN, 2700)
    assert [(cue.at_s, cue.kind) for cue in cues] == [(300, "time_cue"), (2100, "time_cue"), (2400, "time_cue")]
    assert "thirty-five minutes" in cues[0].text
    assert cues[1].text == "About ten minutes left."
    assert cues[2].text.endswith("What questions do you have for me?") and "five minutes" in cues[2].text


@pytest.mark.parametrize(
    "style, phases, limit_s, expected",
    [
        ("silent", [], 180, []),  # a short answer is not interrupted by the clock
        ("silent", [], 1200, [(600, "time_cue")]),  # twenty minutes: ten minutes left at ten
        ("probing", [], 900, [(300, "time_cue")]),
        ("tiktok", [], 900, [(300, "time_cue"), (600, "cut_in")]),
        ("tiktok", [], 480, []),  # an eight-minute answer ends before the cut-in
        ("tiktok", SYSTEM_DESIGN, 2700, [(300, "time_cue"), (600, "cut_in"), (2100, "time_cue"), (2400, "time_cue")]),
    ],
)
def test_cues_by_style_and_length(style, phases, limit_s, expected):
    assert [(cue.at_s, cue.kind) for cue in cues_for(STYLES[style], phases, limit_s)] == expected


def test_only_the_silent_style_never_follows_up():
    assert {name: style.follow_ups for name, style in STYLES.items()} == {"silent": False, "probing": True, "tiktok": True}
    assert all(style.neutral_reply.endswith((".", "?")) for style in STYLES.values())


@pytest.mark.parametrize("seconds, words", [(60, "a minute"), (300, "five minutes"), (2100, "thirty-five minutes"), (1200, "twenty minutes")])
def test_minutes_are_spoken_as_words(seconds, words):
    assert spoken_minutes(seconds) == words


def test_an_unknown_style_is_a_user_error():
    with pytest.raises(InputError, match="silent, probing, tiktok"):
        InterviewSettings(style="friendly")


@pytest.mark.parametrize(
    "style, elapsed_s, silent_for_s, asked, due",
    [
        ("probing", 1800, 3.0, False, True),  # 30 min in: late in the 35-minute design phase, a pause
        ("probing", 900, 3.0, False, False),  # too early in the design phase
        ("probing", 1500, 1.0, False, False),  # still talking: no natural pause
        ("probing", 1500, 3.0, True, False),  # asked once already
        ("probing", 2500, 3.0, False, False),  # the questions phase
        ("silent", 1500, 3.0, False, False),  # the silent interviewer never probes
    ],
)
def test_a_probing_interviewer_speaks_up_only_at_a_pause_late_in_the_design_phase(style, elapsed_s, silent_for_s, asked, due):
    from mockloop.interview.styles import live_probe_due

    assert live_probe_due(STYLES[style], SYSTEM_DESIGN, elapsed_s, silent_for_s, asked) is due
