"""Loudness and the silence rule, on plain arrays."""

import numpy as np
import pytest

from mockloop.audio_io.levels import SILENCE_FLOOR_DBFS, SilenceStop, SilenceTracker, rms_dbfs


@pytest.mark.parametrize(
    "block, expected_dbfs",
    [
        (np.ones(1600), 0.0),  # full-scale square
        (0.1 * np.ones(1600), -20.0),
        (np.sin(np.linspace(0, 200 * np.pi, 16000)), -3.01),  # full-scale sine
        (np.zeros(1600), SILENCE_FLOOR_DBFS),
        (np.zeros(0), SILENCE_FLOOR_DBFS),
    ],
)
def test_levels_are_rms_in_dbfs(block, expected_dbfs):
    assert rms_dbfs(block.astype("float32")) == pytest.approx(expected_dbfs, abs=0.02)


def feed(tracker: SilenceTracker, levels_dbfs: list[float], block_s: float = 0.5) -> list[bool]:
    return [tracker.add(level, block_s) for level in levels_dbfs]


def test_silence_before_the_first_word_never_ends_the_answer():
    assert feed(SilenceTracker(SilenceStop(after_s=1.0)), [-80.0] * 20) == [False] * 20


def test_the_answer_ends_once_the_silence_after_speech_lasts_long_enough():
    stops = feed(SilenceTracker(SilenceStop(after_s=1.0)), [-80, -20, -80, -80, -80])
    assert stops == [False, False, False, True, True]


def test_speaking_again_restarts_the_silence_clock():
    stops = feed(SilenceTracker(SilenceStop(after_s=1.0)), [-20, -80, -20, -80, -80])
    assert stops == [False, False, False, False, True]


def test_without_a_rule_the_tracker_only_measures():
    tracker = SilenceTracker(None)
    assert feed(tracker, [-20, -80, -80, -80]) == [False] * 4
    assert tracker.silent_for_s == 1.5 and tracker.heard_speech
