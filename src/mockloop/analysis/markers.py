"""Decision markers (signposting) and hedges, found from the phrase lists in data/phrases.yaml.

Signposting ("now that we've agreed on the ingestion rate, let's talk about fault tolerance") is
what lets an interviewer follow a long design answer; the longest stretch without it is where a
listener gets lost. Filled pauses inside a phrase do not hide it ("let me, um, confirm").
"""

from __future__ import annotations

from functools import lru_cache

from mockloop.analysis.fillers import filled_pause_spellings
from mockloop.models import PhraseHit, Word
from mockloop.analysis.tokens import Token, find_phrases, phrase_data, split_phrase, tokenize


@lru_cache(maxsize=1)
def _marker_categories() -> dict[str, str]:
    by_phrase: dict[str, str] = {}
    for category, phrases in phrase_data()["decision_markers"].items():
        for phrase in phrases:
            by_phrase.setdefault(phrase, category)
    return by_phrase


_SOFTENERS = frozenset({"a", "an", "any", "the", "real", "really"})  # may sit between a negation and its cue


@lru_cache(maxsize=1)
def _negations_before() -> tuple[tuple[str, ...], ...]:
    return tuple(sorted({split_phrase(p) for p in phrase_data()["negations_before"]}, key=len, reverse=True))


def withdrawn(tokens: list[Token], first: int, last: int, skip: frozenset[str]) -> bool:
    """Whether the phrase at tokens[first..last] is denied or taken back within its sentence.

    "The trade-off is, I don't know, there isn't one really." names a trade-off and withdraws
    it; "there's no trade-off" negates it. The lists are in data/phrases.yaml (withdrawals,
    negations_before), shared with the content rules.
    """
    end = last + 1
    while end < len(tokens) and not tokens[end].sentence_start:
        end += 1
    if find_phrases(tokens[last + 1 : end], phrase_data()["withdrawals"], skip):
        return True
    lead: list[str] = []
    position = first
    while position > 0 and not tokens[position].sentence_start and not tokens[position].pause_before and len(lead) < 4:
        position -= 1
        if tokens[position].norm not in skip:
            lead.insert(0, tokens[position].norm)
    while lead and lead[-1] in _SOFTENERS:
        lead.pop()
    return any(len(lead) >= len(n) and tuple(lead[-len(n) :]) == n for n in _negations_before())


def find_decision_markers(words: list[Word], tokens: list[Token] | None = None) -> list[PhraseHit]:
    """Signposting phrases, leaving out those the speaker withdrew or negated (see withdrawn)."""
    tokens = tokenize(words) if tokens is None else tokens
    skip = frozenset(filled_pause_spellings())
    by_phrase = _marker_categories()
    hits = find_phrases(tokens, list(by_phrase), skip)
    return [
        PhraseHit(phrase, words[tokens[first].index].start, tokens[first].index, by_phrase[phrase], _covered(tokens, first, last, skip))
        for phrase, first, last in hits
        if not withdrawn(tokens, first, last, skip)
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
