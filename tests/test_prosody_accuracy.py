"""The prosody and repetition measures hold their targets on the constructed set (real Whisper,
real Praat), each beating its plain baseline; see mockloop.analysis.prosody_eval."""

import pytest

from mockloop.analysis.prosody_eval import DEFAULT_CONSTRUCTED, score_constructed

TARGET = 0.90


@pytest.fixture(scope="module")
def constructed(analyzer):
    return score_constructed(analyzer, DEFAULT_CONSTRUCTED)


@pytest.mark.slow
def test_monotone_flag_is_right_and_beats_the_majority_answer(constructed):
    assert constructed["monotone_accuracy"] >= TARGET
    assert constructed["monotone_accuracy"] > constructed["monotone_accuracy_baseline"]


@pytest.mark.slow
def test_pitch_range_ranks_like_the_constructed_ranges(constructed):
    assert constructed["range_spearman_within_voice"] >= TARGET


@pytest.mark.slow
def test_uptalk_precision_and_recall(constructed):
    found, base = constructed["uptalk"], constructed["uptalk_baseline"]
    assert found["recall"] > base["recall"]
    assert found["precision"] >= TARGET and found["recall"] >= TARGET


@pytest.mark.slow
def test_repetition_precision_and_recall(constructed):
    # Measured P 1.00 / R 0.90 (9/10): the repeats Whisper wrote once are heard in the audio
    # (analysis/heard_repeats.py); "The, sorry, the" stays missed (both decodes drop the first "The").
    found = constructed["repetitions"]
    assert found["precision"] >= TARGET and found["recall"] >= TARGET


@pytest.mark.slow
def test_repeats_heard_in_the_audio_find_more_than_the_written_words(constructed):
    found, written = constructed["repetitions"], constructed["repetitions_written_words_only"]
    assert found["recall"] > written["recall"]
    assert found["precision"] >= written["precision"]
