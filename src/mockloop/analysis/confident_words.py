"""Where the two decodes of a chunk disagree on a word, keep the one the model is surer of.

Every chunk is decoded twice on the same encoder output: unprompted, for the words, and after the
filler prompt, for the filled pauses (transcribe.py). Most of the time the two write the same
words. Where they differ by a word or two ("fraud check" / "floor check", "but" / "um"), the
difference is Whisper's doubt about the sound, and its own word probabilities say which reading
fits the audio better: the stretch whose mean log-probability is higher is kept, as when two
recognisers' outputs are combined by confidence (ROVER, Fiscus 1997). Stretches of very different
length are not resolved this way: there the prompted decode dropped a sentence or wrote a run of
"hmm", and the unprompted words stand.
"""

from __future__ import annotations

import math
from difflib import SequenceMatcher

from mockloop.analysis.tokens import canonical_filled_pause, normalise
from mockloop.models import Word

# The prompted stretch may differ in length from the unprompted one by this many words at most:
# a word split or joined ("lookup" / "look up"), a filler read as a word ("dumb" / "um").
MAX_LENGTH_DIFFERENCE = 1
_FLOOR_PROBABILITY = 1e-6


def mean_log_probability(words: list[Word]) -> float:
    """Whisper's confidence in a stretch of words: the log of their geometric-mean probability."""
    if not words:
        return -math.inf
    return sum(math.log(max(w.probability, _FLOOR_PROBABILITY)) for w in words) / len(words)


def prefer_confident_words(words: list[Word], prompted: list[Word]) -> list[Word]:
    """``words`` with each short disagreement resolved toward the more confident decode.

    Where the unprompted decode wrote no ordinary word it heard no speech, and nothing is taken
    from the prompted one (over a tone it writes fillers by the dozen).
    """
    if not prompted or all(canonical_filled_pause(w.text) is not None for w in words):
        return words
    opcodes = SequenceMatcher(
        None, [normalise(w.text) for w in words], [normalise(w.text) for w in prompted], autojunk=False
    ).get_opcodes()
    chosen: list[Word] = []
    for tag, i1, i2, j1, j2 in opcodes:
        ours, theirs = words[i1:i2], prompted[j1:j2]
        if (
            tag == "replace"
            and abs(len(theirs) - len(ours)) <= MAX_LENGTH_DIFFERENCE
            and any(canonical_filled_pause(w.text) is None for w in ours + theirs)
            and mean_log_probability(theirs) > mean_log_probability(ours)
        ):
            chosen.extend(theirs)
        else:
            chosen.extend(ours)
    return chosen
