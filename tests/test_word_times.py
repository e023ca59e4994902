"""Whisper's word times are checked against the sound: a word written at one instant gets the
sound in its gap that no other word has.

The sound masks are built by hand on the 10 ms frame grid; the word times are the kind tiny.en
gives (neural_05: "production." ends at 7.80, "Like," is written at 8.52-8.52, "I'm" starts at
8.85, and the "like" was said at 7.90-8.15).
"""

from __future__ import annotations

import numpy as np
import pytest

from mockloop.analysis.frames import HOP_S
from mockloop.config import FilledPauseSettings
from mockloop.analysis.word_times import place_untimed_words
from mockloop.models import Word

from decoded import timed_words as timed


JOIN_GAP_S = FilledPauseSettings().sound_join_gap_s


def sound(spans: list[tuple[float, float]], seconds: float = 20.0) -> np.ndarray:
    mask = np.zeros(int(round(seconds / HOP_S)), dtype=bool)
    for start, end in spans:
        mask[int(round(start / HOP_S)) : int(round(end / HOP_S))] = True
    return mask


def spans(words: list[Word]) -> list[tuple[str, float, float]]:
    return [(w.text, w.start, w.end) for w in words]


def test_a_word_written_at_one_instant_takes_the_free_sound_in_its_gap():
    words = timed("production.@7.43-7.80 Like,@8.52-8.52 I'm@8.85-9.06")
    placed = place_untimed_words(words, sound([(7.40, 7.80), (7.90, 8.15), (8.85, 9.10)]), JOIN_GAP_S)
    assert spans(placed)[1] == ("Like,", 7.9, 8.15)


def test_words_with_a_length_of_their_own_keep_their_times():
    words = timed("production.@7.43-7.80 Like,@7.92-8.14 I'm@8.85-9.06")
    assert place_untimed_words(words, sound([(7.40, 7.80), (7.90, 8.15), (8.85, 9.10)]), JOIN_GAP_S) == words


def test_consecutive_untimed_words_take_the_free_stretches_in_order():
    words = timed("sure,@15.36-15.62 but@15.86-15.86 I@15.86-15.86 guess@16.20-16.40")
    placed = place_untimed_words(words, sound([(15.30, 15.60), (15.70, 15.82), (15.95, 16.10), (16.20, 16.40)]), JOIN_GAP_S)
    assert spans(placed)[1:3] == [("but", 15.7, 15.82), ("I", 15.95, 16.1)]


@pytest.mark.parametrize(
    "case, free_sound",
    [
        ("silence only in the gap", [(7.40, 7.80), (8.85, 9.10)]),
        ("a click too short to be a word", [(7.40, 7.80), (8.30, 8.33), (8.85, 9.10)]),
        ("the gap's only sound is the neighbours' own", [(7.40, 7.82), (8.83, 9.10)]),
    ],
)
def test_an_untimed_word_with_no_free_sound_in_its_gap_keeps_its_time(case, free_sound):
    words = timed("production.@7.43-7.80 Like,@8.52-8.52 I'm@8.85-9.06")
    assert place_untimed_words(words, sound(free_sound), JOIN_GAP_S) == words, case


def test_a_filled_pause_at_one_instant_is_left_for_the_filler_check():
    words = timed("alerting.@14.88-15.38 Um,@15.92-15.92 what@16.84-16.98")
    assert place_untimed_words(words, sound([(14.80, 15.38), (15.50, 15.90), (16.84, 17.0)]), JOIN_GAP_S) == words
