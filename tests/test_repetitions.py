"""Repetitions, restarts and self-corrections found in verbatim words (analysis/repetitions.py)."""

from dataclasses import replace

import pytest

from mockloop.analysis.repetitions import CORRECTION, REPETITION, RESTART, find_repetitions
from mockloop.models import Word


def _words(text: str) -> list[Word]:
    """Words 0.3 s apart, so each finding's times can be checked against its words."""
    return [Word(token, round(0.3 * i, 2), round(0.3 * i + 0.25, 2)) for i, token in enumerate(text.split())]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("We, we will use Kafka for ingestion.", [(REPETITION, "We, we")]),
        ("We, um, we will shard by customer.", [(REPETITION, "We, um, we")]),
        ("I think I think the cache should hold profiles.", [(REPETITION, "I think I think")]),
        ("The storage team, the storage team owns the plan.", [(REPETITION, "The storage team, the storage team")]),
        ("word word word word word", [(REPETITION, "word word word word word")]),
        ("The, sorry, the ingestion tier absorbs bursts.", [(CORRECTION, "The, sorry, the")]),
        ("I chose Kafka, sorry, Kinesis for replay.", [(CORRECTION, "Kafka, sorry, Kinesis")]),
        ("We use a queue, I mean, a log for replay.", [(CORRECTION, "a queue, I mean, a")]),
        ("The inges- ingestion tier scales out.", [(RESTART, "inges- ingestion")]),
        ("We should, we will page the on call engineer.", [(RESTART, "We should, we")]),
        ("We will, we'd use Kafka.", [(RESTART, "We will, we'd")]),
        ("We, we will, we'd use Kafka.", [(REPETITION, "We, we will, we'd")]),
    ],
)
def test_stumbles_are_found_with_their_words(text, expected):
    found = find_repetitions(_words(text))
    assert [(r.kind, r.text) for r in found] == expected


@pytest.mark.parametrize(
    "text",
    [
        "I know that that works in production.",  # grammatical double
        "We cache reads, we shard writes, and we replicate logs.",  # a list, not a restart
        "We use Kafka. Kafka keeps a week of events.",  # a new sentence starting with the last word
        "I mean, it is fine for the first launch.",  # 'I mean' opening a sentence is a filler, not a correction
        "Who owns the ledger? Uh, sorry, the payments team does.",  # an apology opening a sentence
        "Montreal forced aligner.",
        "",
    ],
)
def test_fluent_speech_has_no_repetitions(text):
    assert find_repetitions(_words(text)) == []


def test_a_repetition_carries_the_times_and_indices_of_its_words():
    words = _words("So we, we will use Kafka.")
    [found] = find_repetitions(words)
    assert found.word_indices == (1, 2)
    assert (found.start, found.end) == (words[1].start, words[2].end)


def test_filled_pauses_between_a_repeated_word_join_it():
    found = find_repetitions(_words("montreal forced uh um uh hm hm um forced aligner"))
    assert [(r.kind, r.text) for r in found] == [(REPETITION, "forced uh um uh hm hm um forced")]


def test_a_repeat_heard_in_the_audio_but_written_once_is_counted():
    # Whisper wrote "We will shard by customer." for "We, we will shard by customer."; the audio
    # showed the first "We," (analysis/heard_repeats.py), kept on the word it came before.
    words = _words("We will shard by customer.")
    words[0] = replace(words[0], heard_before="We,")
    [found] = find_repetitions(words)
    assert (found.kind, found.text) == (REPETITION, "We, We")


def test_a_heard_repeat_points_at_the_transcripts_own_words():
    words = _words("So we will use Kafka.")
    words[1] = replace(words[1], heard_before="we,")
    [found] = find_repetitions(words)
    assert found.word_indices == (1,)
    assert found.start == words[1].start
