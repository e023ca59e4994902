"""Where the unprompted and the prompted decode of a chunk disagree, the surer reading is kept.

The words are written "text:probability", in the order a decode gives them; the disagreements
are the kinds tiny.en makes on the long answers (a word misheard, a filler read as a word, a
sentence dropped after the filler prompt).
"""

from __future__ import annotations

import pytest

from mockloop.analysis.confident_words import mean_log_probability, prefer_confident_words
from mockloop.models import Word


def decoded(text: str) -> list[Word]:
    words, t = [], 0.5
    for item in text.split():
        word, probability = item.rsplit(":", 1)
        words.append(Word(word, round(t, 2), round(t + 0.3, 2), float(probability)))
        t += 0.35
    return words


def texts(words: list[Word]) -> str:
    return " ".join(w.text for w in words)


@pytest.mark.parametrize(
    "unprompted, prompted, kept",
    [
        (  # a word misheard in one decode only: the surer reading wins
            "a:0.9 new:0.9 floor:0.31 check:0.8 was:0.9 added.:0.9",
            "A:0.9 new:0.9 fraud:0.72 check:0.8 was:0.9 added.:0.9",
            "a new fraud check was added.",
        ),
        (  # ...and the unprompted reading stays when it is the surer one
            "the:0.9 fix:0.9 has:0.85 two:0.9 parts.:0.9",
            "The:0.9 fix:0.9 does:0.4 two:0.9 parts.:0.9",
            "the fix has two parts.",
        ),
        (  # one word written as two: a difference of one word is resolved too
            "the:0.9 preference:0.9 look:0.3 up:0.4 in:0.9 Redis:0.8",
            "the:0.9 preference:0.9 lookup:0.8 in:0.9 Redis:0.8",
            "the preference lookup in Redis",
        ),
        (  # a filled pause read as a word: the prompted decode's filler takes its place
            "we:0.9 built:0.9 But:0.18 the:0.9 morning:0.9 email:0.9",
            "we:0.9 built:0.9 um,:0.7 the:0.9 morning:0.9 email:0.9",
            "we built um, the morning email",
        ),
        (  # the prompted decode dropped a sentence: the words it kept do not replace it
            "when:0.9 a:0.9 customer:0.6 goes:0.7 over:0.8 the:0.9 limit:0.7 they:0.9 get:0.8 an:0.9 error.:0.8",
            "when:0.9 a:0.9 hmm.:0.95",
            "when a customer goes over the limit they get an error.",
        ),
    ],
)
def test_a_short_disagreement_goes_to_the_surer_decode(unprompted, prompted, kept):
    assert texts(prefer_confident_words(decoded(unprompted), decoded(prompted))) == kept


def test_words_both_decodes_agree_on_keep_the_unprompted_times():
    ours = decoded("we:0.9 cache:0.9 the:0.9 reads:0.9")
    theirs = [Word(w.text, w.start + 0.04, w.end + 0.04, 0.99) for w in ours]
    assert prefer_confident_words(ours, theirs) == ours


def test_a_word_taken_from_the_prompted_decode_keeps_its_own_times():
    ours = decoded("a:0.9 new:0.9 floor:0.31 check:0.8")
    theirs = decoded("a:0.9 new:0.9 fraud:0.72 check:0.8")
    chosen = prefer_confident_words(ours, theirs)
    assert chosen[2] is theirs[2]


def test_where_the_unprompted_decode_heard_no_speech_nothing_is_taken():
    """Over a modem tone the prompted decode writes fillers and a word or two; there is no speech."""
    ours = decoded("uh:0.2")
    theirs = decoded("Hmm.:0.6 Okay.:0.7")
    assert prefer_confident_words(ours, theirs) == ours
    assert prefer_confident_words([], theirs) == []


def test_disagreeing_filled_pauses_alone_are_left_to_the_filler_check():
    ours = decoded("so:0.9 uh:0.3 the:0.9 plan:0.9")
    theirs = decoded("So,:0.9 um,:0.8 the:0.9 plan.:0.9")
    assert texts(prefer_confident_words(ours, theirs)) == "so uh the plan"


def test_confidence_is_the_mean_log_probability_so_one_doubtful_word_outweighs_sure_ones():
    sure_but_one_doubt = decoded("a:0.99 b:0.99 c:0.01")
    middling = decoded("a:0.6 b:0.6 c:0.6")
    assert mean_log_probability(middling) > mean_log_probability(sure_but_one_doubt)
