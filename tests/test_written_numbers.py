"""Numbers reach every view as people write them: "50,000", "30%", "$1.2K", "p95", "10K".

Whisper's tokenizer emits a written number as several pieces, the later ones without a leading
space (" 50" ",000", " 30" "%"). The piece tables below are what the embedded tiny.en model wrote
for espeak-ng speaking these sentences (the leading spaces are Whisper's own). The joined words
must be what the transcript, the evidence quotes and the rubric rules see.
"""

from __future__ import annotations

from collections import namedtuple

import pytest

from mockloop.analysis.tokens import normalise, tokenize
from mockloop.content import judge_content
from mockloop.content.text import word_pieces
from mockloop.models import Transcript, Word
from mockloop.written_forms import words_from_pieces

Piece = namedtuple("Piece", "word start end probability")


def pieces(spec: str, probability: float = 0.9) -> list[Piece]:
    """'| We| expect| 50|,000' -> pieces 0.3 s apart, text exactly as Whisper writes it."""
    parts = spec.split("|")[1:]
    return [Piece(text, round(0.3 * i, 2), round(0.3 * i + 0.25, 2), probability) for i, text in enumerate(parts)]


def joined(spec: str) -> str:
    return " ".join(w.text for w in words_from_pieces(pieces(spec)))


WHISPER_PIECES = [
    ("| We| expect| 50|,000| requests| per| second| at| peak.", "We expect 50,000 requests per second at peak."),
    ("| up| by| 30|%| of| them.", "up by 30% of them."),
    ("| costing| $1|.2k.", "costing $1.2k."),
    ("| costing| dollar| 1|.2K.", "costing dollar 1.2K."),
    ("| The| P|-95| latencies| stay| under| 200| milliseconds.", "The p95 latencies stay under 200 milliseconds."),
    ("| We| need| 10| K| messages| per| second", "We need 10K messages per second"),
    ("| We| need| 10k| messages| per| second", "We need 10k messages per second"),
    ("| We| handle| 10|,000| messages| per| second.", "We handle 10,000 messages per second."),
    ("| about| 1|,000|,000| users.", "about 1,000,000 users."),
    ("| the| trade|-off| is| latency.", "the trade-off is latency."),
    ("| the| on| -call| rotation", "the on-call rotation"),
]


@pytest.mark.parametrize("spec, expected", WHISPER_PIECES)
def test_whisper_pieces_are_joined_into_written_words(spec, expected):
    assert joined(spec) == expected


NOT_JOINED = [
    # A dash with spaces around it is punctuation, not part of a word: it goes.
    ("| the| queue| -| then| the| writer", "the queue then the writer"),
    # A letter piece after a sentence end starts the next sentence.
    ("| at| peak.|Then| we| shard.", "at peak. Then we shard."),
    # Plan B and grade K are words, not magnitudes: a letter joins only a bare number.
    ("| plan| B| is| a| rollback.", "plan B is a rollback."),
    ("| from| 2| to| 5| percent", "from 2 to 5 percent"),
]


@pytest.mark.parametrize("spec, expected", NOT_JOINED)
def test_pieces_that_do_not_continue_a_word_stay_apart(spec, expected):
    assert joined(spec) == expected


def test_a_joined_word_spans_its_pieces_and_is_as_certain_as_its_least_certain_piece():
    parts = [Piece(" 50", 1.00, 1.30, 0.83), Piece(",000", 1.30, 1.62, 0.92), Piece(" rows", 1.70, 2.0, 0.85)]

    number, rows = words_from_pieces(parts, offset_s=10.0)

    assert (number.text, number.start, number.end, number.probability) == ("50,000", 11.0, 11.62, 0.83)
    assert rows.text == "rows"


@pytest.mark.parametrize(
    "written, content_tokens, phrase_norm",
    [
        ("50,000", ["50000"], "50,000"),
        ("30%,", ["30%"], "30%"),
        ("$1.2K.", ["$1.2k"], "$1.2k"),
        ("p95", ["p95"], "p95"),
        ("P-99", ["p99"], "p-99"),
        ("10K", ["10k"], "10k"),
        ("%", [], ""),
    ],
)
def test_normalisers_keep_the_parts_of_a_number(written, content_tokens, phrase_norm):
    assert word_pieces(written) == content_tokens
    assert normalise(written) == phrase_norm


def test_a_number_saved_as_separate_pieces_is_one_token_again():
    # Session files written before the pieces were joined hold "50" and ",000" as two words.
    words = [Word("We"), Word("expect"), Word("50"), Word(",000"), Word("requests,"), Word("so"), Word("we")]

    tokens = tokenize(words)

    assert [t.norm for t in tokens] == ["we", "expect", "50,000", "requests", "so", "we"]
    assert tokens[2].index == 2 and tokens[2].pause_after is False
    assert Transcript(words).text == "We expect 50,000 requests, so we"


def _timed(words: list[Word]) -> Transcript:
    return Transcript(words=words, duration_s=(words[-1].end or 0) + 0.5, model="test")


# Answers as Whisper writes them (pieces), the rubric item their number must meet, and the written
# form the evidence quote must show.
RULE_CASES = [
    (
        "system_design",
        "| Before| the| design,| the| load.| We| expect| 50|,000| requests| per| second| at| peak.",
        "sizes_the_load",
        "50,000",
    ),
    (
        "system_design",
        "| The| stream| takes| 10| K| messages| per| second| and| the| P|-95| stays| under| 200| milliseconds.",
        "sizes_the_load",
        "10K",
    ),
    (
        "system_design",
        "| Success| means| the| P|-95| latency| stays| under| 200| milliseconds| for| every| region.",
        "defines_success",
        "p95",
    ),
    (
        "system_design",
        "| Storage| for| a| year| of| readings| will| cost| about| $1|.2k| a| month| at| list| price.",
        "estimates_cost",
        "$1.2k",
    ),
    (
        "behavioral",
        "| Our| release| train| kept| slipping| and| two| customers| were| about| to| churn.| I| rebuilt| the"
        "| test| pipeline| myself| and| moved| the| flaky| suites| out| of| the| gate.| In| the| end| we| cut"
        "| the| failed| releases| by| 30|%| and| shipped| two| weeks| earlier.",
        "quantified_result",
        "30%",
    ),
]


@pytest.mark.parametrize("kind, spec, item, written", RULE_CASES)
def test_rubric_rules_meet_on_numbers_as_people_write_them_and_quote_them_whole(kind, spec, item, written):
    transcript = _timed(words_from_pieces(pieces(spec)))

    verdict = {v.id: v for v in judge_content(transcript, kind).rubric}[item]

    assert verdict.met
    assert any(written in evidence.quote for evidence in verdict.evidence), verdict.evidence


@pytest.mark.parametrize("kind, spec, item, written", RULE_CASES)
def test_rules_still_meet_on_numbers_saved_as_separate_pieces(kind, spec, item, written):
    # Old session files: the same pieces, each saved as its own word.
    words = [Word(p.word.strip(), p.start, p.end) for p in pieces(spec)]

    verdict = {v.id: v for v in judge_content(_timed(words), kind).rubric}[item]

    assert verdict.met


# --------------------------------------------------------------------------- real audio


@pytest.mark.slow
@pytest.mark.parametrize("voice", ["en-us", "en-gb"])
def test_a_spoken_load_figure_is_quoted_as_50_000(analyzer, espeak_answer, tmp_path, voice):
    text = (
        "Before I pick any storage, let me size the load. "
        "We expect 50,000 requests per second at peak, and most of them are reads."
    )
    path = espeak_answer(text, tmp_path / f"load-{voice}.wav", voice)

    analysis = analyzer.analyze_file(path, kind="system_design")

    assert "50,000" in [w.text.rstrip(",.") for w in analysis.transcript.words]
    assert "50,000 requests" in analysis.transcript.text
    sizes = {v.id: v for v in analysis.content.rubric}["sizes_the_load"]
    assert sizes.met
    assert any("50,000" in e.quote for e in sizes.evidence), sizes.evidence
