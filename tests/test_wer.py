"""The eval's word error rate: what counts as the same word, and how errors are counted."""

from __future__ import annotations

import pytest

from mockloop.analysis.eval import reference_words_of_annotated
from mockloop.analysis.wer import align, normalise_for_wer, word_errors


@pytest.mark.parametrize(
    "spoken, written",
    [
        ("we expect about fifty thousand events", "We expect about 50,000 events."),
        ("a thirty percent cut", "a 30% cut"),
        ("ten thousand messages per second", "10K messages per second"),
        ("one hundred and fifty servers", "150 servers"),
        ("two point five seconds", "2.5 seconds"),
        ("a thousand thoughts", "1,000 thoughts"),
        ("the trade off", "The trade-off."),
        ("okay all right", "OK, alright."),
        ("m f a is like this", "MFA is like this"),
        ("we're just y'know", "We're just, you know"),
        ("fifty thousand events and thirty percent", "50 ,000 events and 30 %"),  # a number saved in Whisper's pieces
    ],
)
def test_the_same_speech_written_two_ways_normalises_to_the_same_words(spoken, written):
    assert normalise_for_wer(spoken) == normalise_for_wer(written)


def test_a_comma_ends_a_spelled_out_number():
    assert normalise_for_wer("one hundred and fifty, two thousand") == ["150", "2000"]


def test_digits_read_one_by_one_stay_separate_numbers():
    assert normalise_for_wer("one two three") == ["1", "2", "3"]


def test_filled_pauses_are_left_out_on_both_sides():
    assert normalise_for_wer("Um, so uh we, er, ship it. Hmm.") == ["so", "we", "ship", "it"]


def test_words_that_look_like_fillers_but_are_words_are_kept():
    assert normalise_for_wer("I would like to know her") == ["i", "would", "like", "to", "know", "her"]


def test_errors_are_counted_as_substitutions_deletions_and_insertions():
    errors = align("the cat sat on the mat".split(), "the cat sat on mat mat mat".split())
    assert (errors.substitutions, errors.deletions, errors.insertions) == (1, 0, 1)
    assert errors.wer == pytest.approx(2 / 6)


def test_a_lost_sentence_shows_as_deletions_and_a_low_word_count_ratio():
    errors = word_errors("first we scope it then we build it", "then we build it")
    assert errors.deletions == 4
    assert errors.word_count_ratio == pytest.approx(0.5)


def test_a_hallucination_loop_shows_as_insertions_and_a_high_word_count_ratio():
    errors = word_errors("peak throughput too", "peak throughput too " + "thank you for watching " * 5)
    assert errors.insertions == 20
    assert errors.word_count_ratio == pytest.approx(23 / 3)


def test_text_on_audio_without_speech_counts_every_word_as_an_error():
    assert word_errors("", "thank you").wer == 2.0
    assert word_errors("", "").wer == 0.0


@pytest.mark.parametrize(
    "annotated, words",
    [
        ("montreal <hes-forced> aligner", "montreal forced aligner"),
        ("<cutoff-montreal> montreal [laughter] forced", "montreal forced"),
        ("i hardly know 'er", "i hardly know her"),
        ("a cough here <VOCNOISE> yeah", "a cough here yeah"),
    ],
)
def test_verbatim_annotations_become_the_words_a_listener_writes(annotated, words):
    assert reference_words_of_annotated(annotated) == words
