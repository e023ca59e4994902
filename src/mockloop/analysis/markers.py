"""Decision markers (signposting) and hedges, found from the phrase lists in data/phrases.yaml.

Signposting ("now that we've agreed on the ingestion rate, let's talk about fault tolerance") is
what lets an interviewer follow a long design answer; the longest stretch without it is where a
listener gets lost. Filled pauses inside a phrase do not hide it ("let me, um, confirm").
"""

from __future__ import annotations

from functools import lru_cache

from mockloop.analysis.fillers import filled_pause_spellings
from mockloop.models import PhraseHit, Word
from mockloop.analysis.tokens import Token, find_phrases, phrase_data, tokenize


@lru_cache(maxsize=1)
def _marker_categories() -> dict[str, str]:
    by_phrase: dict[str, str] = {}
    for category, phrases in phrase_data()["decision_markers"].items():
        for phrase in phrases:
            by_phrase.setdefault(phrase, category)
    return by_phrase


def find_decision_markers(words: list[Word], tokens: list[Token] | None = None) -> list[PhraseHit]:
    tokens = tokenize(words) if tokens is None else tokens
    skip = frozenset(filled_pause_spellings())
    by_phrase = _marker_categories()
    hits = find_phrases(tokens, list(by_phrase), skip)
    return [
        PhraseHit(phrase, words[tokens[first].index].start, tokens[first].index, by_phrase[phrase], _covered(tokens, first, last, skip))
        for phrase, first, last in hits
    ]


def find_hedges(words: list[Word], tokens: list[Token] | None = None) -> list[PhraseHit]:
    tokens = tokenize(words) if tokens is None else tokens
    skip = frozenset(filled_pause_spellings())
    hits = find_phrases(tokens, phrase_data()["hedges"], skip)
    return [
        PhraseHit(phrase, words[tokens[first].index].start, tokens[first].index, word_indices=_covered(tokens, first, last, skip))
        for phrase, first, last in hits
    ]


def _covered(tokens: list[Token], first: int, last: int, skip: frozenset[str]) -> tuple[int, ...]:
    """Word indices of a phrase match, without the filled pauses it was matched across."""
    return tuple(t.index for t in tokens[first : last + 1] if t.norm not in skip)


def longest_stretch_without_marker(markers: list[PhraseHit], words: list[Word]) -> float | None:
    """Longest time from the answer's start, a marker, or the answer's end to the next of those."""
    timed = [w for w in words if w.start is not None]
    if not timed:
        return None
    points = [timed[0].start] + [m.start for m in markers if m.start is not None] + [timed[-1].end or timed[-1].start]
    points.sort()
    return round(max((b - a for a, b in zip(points, points[1:])), default=0.0), 2)
