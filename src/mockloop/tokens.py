"""Word normalisation and phrase matching shared by fillers, markers and hedges.

Whisper writes "Um," and "trade-off." where the phrase lists say "um" and "trade-off"; matching is
done on a light normalisation (lower case, punctuation stripped, apostrophes kept) that, unlike
Whisper's English normaliser, never deletes "uh"/"um".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from mockloop.models import Word

_EDGE_PUNCT = re.compile(r"^[^\w']+|[^\w']+$")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'"})


def normalise(text: str) -> str:
    """'Um,' -> 'um'; 'We’ve' -> "we've"; 'trade-off.' -> 'trade-off'."""
    text = text.translate(_APOSTROPHES).lower().strip()
    return _EDGE_PUNCT.sub("", text)


@dataclass(frozen=True)
class Token:
    """A word with what the surrounding punctuation says about it."""

    norm: str
    index: int  # index in Transcript.words
    pause_before: bool  # comma, dash or sentence end right before it (or start of text)
    pause_after: bool  # comma, dash or sentence end right after it (or end of text)
    sentence_start: bool
    question_after: bool


def tokenize(words: list[Word]) -> list[Token]:
    tokens: list[Token] = []
    previous_tail = "."
    for index, word in enumerate(words):
        raw = word.text.translate(_APOSTROPHES).strip()
        norm = normalise(raw)
        if not norm:
            previous_tail = raw[-1:] or previous_tail
            continue
        lead = raw[: len(raw) - len(raw.lstrip(",.;:!?-\u2014\"'("))]
        tail = raw[len(raw.rstrip(",.;:!?-\u2014\"')")) :]
        sentence_start = previous_tail in (".", "!", "?") or (not tokens and True)
        pause_before = bool(previous_tail and previous_tail in ",.;:!?-\u2014") or bool(lead.strip("'\"("))
        tokens.append(
            Token(
                norm=norm,
                index=index,
                pause_before=pause_before or not tokens,
                pause_after=bool(tail.strip("'\")")),
                sentence_start=sentence_start,
                question_after="?" in tail,
            )
        )
        previous_tail = tail.strip("'\")")[-1:] if tail.strip("'\")") else ""
    if tokens:
        last = tokens[-1]
        tokens[-1] = Token(last.norm, last.index, last.pause_before, True, last.sentence_start, last.question_after)
    return tokens


@lru_cache(maxsize=1)
def phrase_data() -> dict:
    """The phrase lists (fillers, markers, hedges) from data/phrases.yaml."""
    text = resources.files("mockloop").joinpath("data/phrases.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def split_phrase(phrase: str) -> tuple[str, ...]:
    return tuple(normalise(part) for part in phrase.split() if normalise(part))


def find_phrases(
    tokens: list[Token], phrases: list[str], skip: frozenset[str] = frozenset()
) -> list[tuple[str, int, int]]:
    """Non-overlapping matches of ``phrases`` in ``tokens``, longest phrase first at each place.

    Tokens whose norm is in ``skip`` (filled pauses) are passed over inside a phrase, so
    "let me, um, confirm" still matches "let me confirm".

    Returns:
        (phrase, first token position, last token position) triples in text order.
    """
    patterns = sorted({split_phrase(p): p for p in phrases}.items(), key=lambda item: -len(item[0]))
    content = [i for i, tok in enumerate(tokens) if tok.norm not in skip]
    norms = [tokens[i].norm for i in content]
    hits = []
    position = 0
    while position < len(content):
        for parts, phrase in patterns:
            if tuple(norms[position : position + len(parts)]) == parts:
                hits.append((phrase, content[position], content[position + len(parts) - 1]))
                position += len(parts)
                break
        else:
            position += 1
    return hits
