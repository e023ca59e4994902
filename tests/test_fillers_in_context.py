"""Filler words are decided in context: "we need, like, a queue" has one, "tools like Kafka" has none.

A table of sentences as Whisper writes them (punctuation and capitals included) and the fillers a
careful listener would count, in the style of openai/whisper's tests/test_normalizer.py. The table
is the specification (see the analysis contract, `delivery.fillers[].kind`): a row that the rules
get wrong stays here, marked xfail with the reason, until the rules are fixed.
"""

from __future__ import annotations

import pytest

from mockloop.analysis.fillers import DISCOURSE, FILLED_PAUSE, canonical_filled_pause, find_fillers
from mockloop.models import Word

FP, DM = FILLED_PAUSE, DISCOURSE


def fillers_in(sentence: str) -> list[tuple[str, str]]:
    return [(f.text, f.kind) for f in find_fillers([Word(token) for token in sentence.split()])]


# Ordinary uses of words that can be fillers: a listener hears no filler in any of these.
NOT_FILLERS = [
    "I'd like to start with the users before the storage.",
    "I would like to check that this matches what you had in mind.",
    "The product team would like a weekly report.",
    "We could use teams like Kafka and the platform group for this.",
    "We could use tools like Kafka and Flink for the stream job.",
    "It looks like the queue is the bottleneck.",
    "We shard by region so that the team can scale each one alone.",
    "Do you know who owns it?",
    "Do you know who owns the billing service?",
    "You know the latency budget better than I do.",
    "First we need the right owner for the queue.",
    "Right now the queue holds a day of readings.",
    "What I mean by done is that the dashboard is live.",
    "We should ask what kind of data each client sends.",
    "This sort of failure is rare in one region.",
    "That is right.",
    "I told 'er about the launch date.",
    "It is fast but like every cache it can serve stale reads.",
    "We tried Redis and like the team said, it held up.",
]


@pytest.mark.parametrize("sentence", NOT_FILLERS)
def test_ordinary_uses_of_filler_words_are_not_fillers(sentence):
    assert fillers_in(sentence) == []


FILLERS = [
    ("We need, like, a queue in front of the writers.", [("like", DM)]),
    ("Um, before I start, let me confirm the scope.", [("um", FP)]),
    ("So, um, the queue buffers up to a day.", [("so", DM), ("um", FP)]),
    ("It's, you know, expensive to score every reading.", [("you know", DM)]),
    ("I mean, the latency matters more than the cost.", [("i mean", DM)]),
    ("Basically the queue is the bottleneck.", [("basically", DM)]),
    ("That's the plan, right?", [("right", DM)]),
    ("Uh, so, we start with ingestion.", [("uh", FP), ("so", DM)]),
    ("Actually, the stream job scores each reading.", [("actually", DM)]),
    ("It's kind of slow at peak.", [("kind of", DM)]),
    ("Right, so the first thing is ingestion.", [("right", DM), ("so", DM)]),
    ("We page the on-call, um, when lag passes two minutes.", [("um", FP)]),
    ("I asked her, er, whether the date works.", [("er", FP)]),
    ("Ah, I see what you mean.", [("ah", FP)]),
    ("Hmm. Let me think about the storage.", [("hmm", FP)]),
    ("Umm, uh, the queue.", [("um", FP), ("uh", FP)]),
    # Set off by a pause right after a conjunction, "like" joins nothing to anything.
    ("It needs its own runbook, but like, in my last role I owned one.", [("like", DM)]),
    ("We shard by tenant and like, the hot tenants get their own pool.", [("like", DM)]),
]


@pytest.mark.parametrize("sentence, expected", FILLERS)
def test_fillers_are_found_with_their_kind_and_normalised_text(sentence, expected):
    assert fillers_in(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "The reads are heavy, so we cache them at the edge.",
        "The queue buffers a day of data, so we never lose a reading.",
        "They enforce backward compatibility, so labeling pipelines never block.",
        # A pause after "so" (Whisper writes "so,") does not make "therefore" a filler.
        "They enforce backward compatibility, so, labeling pipelines never block.",
        "The writers are slow, so, the queue absorbs the burst.",
    ],
)
def test_a_causal_so_after_a_comma_is_a_conjunction_not_a_filler(sentence):
    assert fillers_in(sentence) == []


SO_IN_CONTEXT = [
    # The fillers are the pauses around the conjunction, not the conjunction.
    ("It is slow, so, um, we cache it.", [("um", FP)]),
    # An opener is still a filler, at the start of a sentence or after another opener.
    ("So labeling pipelines never block.", [("so", DM)]),
    ("They block. So, we decouple them.", [("so", DM)]),
    ("Okay, so, the writers come first.", [("so", DM)]),
    ("Uh, so we start with ingestion.", [("uh", FP), ("so", DM)]),
]


@pytest.mark.parametrize("sentence, expected", SO_IN_CONTEXT)
def test_so_is_a_filler_only_where_it_opens_a_thought(sentence, expected):
    assert fillers_in(sentence) == expected


LIKE_BEFORE_A_NOUN_PHRASE = [
    # A sentence-initial "Like" before the subject's noun phrase is a filler, comma or not.
    ("Like, the runbook link is in every alert.", [("like", DM)]),
    ("Like the runbook link is in every alert.", [("like", DM)]),
    ("We page the owner. Like the dashboard shows the lag per partition.", [("like", DM)]),
    ("Um, like the runbook link is in every alert.", [("um", FP), ("like", DM)]),
    ("Like, a retry storm can take the whole queue down.", [("like", DM)]),
    ("Like our on-call rotation covers every region.", [("like", DM)]),
    # Comparisons and idioms at the start of a sentence are ordinary language.
    ("Like the old pager, the new one escalates after five minutes.", []),
    ("Like Kafka, the log keeps every partition in order.", []),
    ("Like I said, the platform team owns the queue.", []),
    ("Like the old pager.", []),
    # Mid-sentence without pauses, "like" compares.
    ("Teams like the platform group own their own alerts.", []),
]


@pytest.mark.parametrize("sentence, expected", LIKE_BEFORE_A_NOUN_PHRASE)
def test_a_sentence_initial_like_before_a_noun_phrase_is_a_filler(sentence, expected):
    assert fillers_in(sentence) == expected


HMM_AS_WRITTEN = [
    ("Hmm, let me think about the storage.", [("hmm", FP)]),
    ("Hmm... the writers come first.", [("hmm", FP)]),
    ("Hmmmm. The queue is the risk.", [("hmm", FP)]),
    ("Mm, the queue is the risk.", [("hmm", FP)]),
    ("The reads, hmm, are mostly cached.", [("hmm", FP)]),
    # A filler held longer is written with more letters; words with doubled letters are words.
    ("Uhhhh, the queue is the risk.", [("uh", FP)]),
    ("The summit is in March.", []),
]


@pytest.mark.parametrize("sentence, expected", HMM_AS_WRITTEN)
def test_hmm_and_drawn_out_spellings_are_filled_pauses(sentence, expected):
    assert fillers_in(sentence) == expected


@pytest.mark.parametrize(
    "written, canonical",
    [
        ("Umm,", "um"),
        ("Ummm...", "um"),
        ("Uhm", "um"),
        ("Erm,", "um"),
        ("Hmm.", "hmm"),
        ("Hm,", "hmm"),
        ("Uh,", "uh"),
        ("uhh", "uh"),
        ("Er,", "er"),
        ("Ahh!", "ah"),
    ],
)
def test_filled_pause_spellings_map_to_one_canonical_name(written, canonical):
    assert canonical_filled_pause(written) == canonical
    assert fillers_in(f"{written} the queue is full.") == [(canonical, FP)]


@pytest.mark.parametrize("word", ["'er", "her", "umbrella", "hummus", "uhuru"])
def test_words_that_only_look_like_filled_pauses_are_not_fillers(word):
    # "'er" is how transcripts write a dropped-h "her" ("I told 'er"), not the filler "er".
    assert canonical_filled_pause(word) is None


def test_a_filler_points_at_its_word_and_keeps_its_times():
    words = [
        Word("We", 0.50, 0.62),
        Word("need,", 0.62, 0.90),
        Word("like,", 1.10, 1.40),
        Word("a", 1.60, 1.65),
        Word("queue.", 1.65, 2.00),
    ]

    (filler,) = find_fillers(words)

    assert (filler.text, filler.kind, filler.word_index) == ("like", DM, 2)
    assert (filler.start, filler.end) == (1.10, 1.40)


def test_a_two_word_filler_spans_from_its_first_to_its_last_word():
    words = [Word("It's,", 3.0, 3.2), Word("you", 3.4, 3.5), Word("know,", 3.5, 3.8), Word("expensive.", 4.0, 4.6)]

    (filler,) = find_fillers(words)

    assert (filler.text, filler.start, filler.end, filler.word_index) == ("you know", 3.4, 3.8, 1)


@pytest.mark.slow
@pytest.mark.parametrize("voice", ["en-us", "en-gb"])
def test_spoken_like_opener_counts_and_spoken_therefore_so_does_not(analyzer, espeak_answer, tmp_path, voice):
    # Real speech through the real model: whatever punctuation Whisper gives these, the opener
    # "Like" is the one filler and the causal "so" is none.
    text = (
        "Like, the runbook link is in every alert. "
        "The schema registry enforces backward compatibility, so labeling pipelines never block."
    )
    path = espeak_answer(text, tmp_path / f"like-so-{voice}.wav", voice)

    analysis = analyzer.analyze_file(path, kind="system_design")

    assert [(f.text, f.kind) for f in analysis.delivery.fillers] == [("like", DM)], analysis.transcript.text
