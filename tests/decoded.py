"""Word lists written the way a decode gives them, for tests that build words by hand."""

from __future__ import annotations

from mockloop.models import Word


def timed_words(text: str, probability: float = 0.9) -> list[Word]:
    """'We@8.56-8.56 will@8.56-8.86' -> Words with those times (and one probability for all)."""
    words = []
    for item in text.split():
        word, times = item.rsplit("@", 1)
        start, end = times.split("-")
        words.append(Word(word, float(start), float(end), probability))
    return words
