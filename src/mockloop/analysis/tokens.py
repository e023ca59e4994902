"""Word normalisation and phrase matching shared by fillers, markers and hedges.

Whisper writes "Um," and "trade-off." where the phrase lists say "um" and "trade-off"; matching is
done on a light normalisation (lower case, punctuation stripped, apostrophes kept) that, unlike
Whisper's English normaliser, never deletes "uh"/"um".
"""

from __future__ import annotations

import re
from typing import NamedTuple
from functools import lru_cache
from importlib import resources

import yaml

from mockloop.models import Word
from mockloop.written_forms import continues_number

# Edge punctuation goes, but a leading currency sign and a trailing "%" belong to a number.
_EDGE_PUNCT = re.compile(r"^[^\w'$£€]+|[^\w'%]+$")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'"})


@lru_cache(maxsize=65536)
def normalise(text: str) -> str:
    """A whole word as the phrase lists spell it: 'Um,' -> 'um'; 'We’ve' -> "we've"; 'trade-off.' -> 'trade-off'.

    Keeps the word whole (hyphens, apostrophes, '30%'); content's rules split it into pieces
    instead (content.text.word_pieces).
    """
    text = text.translate(_APOSTROPHES).lower().strip()
    return _EDGE_PUNCT.sub("", text)


class Token(NamedTuple):
    """A word with what the surrounding punctuation says about it."""

    norm: str
    index: int  # index in Transcript.words
    pause_before: bool  # comma, dash or sentence end right before it (or start of text)
    pause_after: bool  # comma, dash or sentence end right after it (or end of text)
    sentence_start: bool
    question_after: bool


_PUNCT_OPEN = ",.;:!?-\u2014\"'("
_PUNCT_CLOSE = ",.;:!?-\u2014\"')"
_PAUSE_MARKS = ",.;:!?-\u2014"


@lru_cache(maxsize=65536)
def _word_parts(text: str) -> tuple[str, bool, str, bool]:
    """(norm, has opening punctuation, closing mark or "", question mark after) of one word."""
    raw = text.translate(_APOSTROPHES).strip()
    norm = normalise(raw)
    if not norm:
        return "", False, raw[-1:], False
    lead = raw[: len(raw) - len(raw.lstrip(_PUNCT_OPEN))]
    tail = raw[len(raw.rstrip(_PUNCT_CLOSE)) :].strip("'\")")
    return norm, bool(lead.strip("'\"(")), tail[-1:], "?" in tail


def tokenize(words: list[Word]) -> list[Token]:
    """Words with their punctuation context; words that are only punctuation are folded in."""
    tokens: list[Token] = []
    previous_tail = "."
    token_text = ""  # the raw text behind the last token
    for index, word in enumerate(words):
        if tokens and continues_number(token_text, word.text):
            # A number split across saved words ("50" ",000"): one token, at its first word.
            token_text += word.text
            norm, _opens, tail, question = _word_parts(token_text)
            tokens[-1] = tokens[-1]._replace(norm=norm, pause_after=tail != "", question_after=question)
            previous_tail = tail
            continue
        norm, opens, tail, question = _word_parts(word.text)
        if not norm:
            previous_tail = tail or previous_tail
            continue
        tokens.append(
            Token(
                norm=norm,
                index=index,
                pause_before=not tokens or opens or (previous_tail != "" and previous_tail in _PAUSE_MARKS),
                pause_after=tail != "",
                sentence_start=not tokens or previous_tail in (".", "!", "?"),
                question_after=question,
            )
        )
        token_text = word.text
        previous_tail = tail
    if tokens:
        last = tokens[-1]
        tokens[-1] = Token(last.norm, last.index, last.pause_before, True, last.sentence_start, last.question_after)
    return tokens


@lru_cache(maxsize=1)
def phrase_data() -> dict:
    """The phrase lists (fillers, markers, hedges) from data/phrases.yaml."""
    text = resources.files("mockloop").joinpath("data/phrases.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


# --- the filled-pause vocabulary (data/phrases.yaml), read by delivery and content alike ------

@lru_cache(maxsize=1)
def filled_pause_spellings() -> dict[str, str]:
    """Every accepted spelling -> canonical filled pause ("umm" -> "um")."""
    table = {}
    for canonical, spellings in phrase_data()["filled_pauses"].items():
        for spelling in spellings:
            table[spelling] = canonical
    return table


_DRAWN_OUT = re.compile(r"(\w)\1{2,}")  # no English word has a letter three times running


@lru_cache(maxsize=4096)
def canonical_filled_pause_norm(norm: str) -> str | None:
    """The canonical filled pause of an already normalised word, or None."""
    spellings = filled_pause_spellings()
    # A filler held longer is written with more letters ("Hmmmm", "Uhhhh"): the same filler.
    return spellings.get(norm) or spellings.get(_DRAWN_OUT.sub(r"\1\1", norm))


def canonical_filled_pause(text: str) -> str | None:
    """'Umm,' -> 'um'; 'Hmmmm' -> 'hmm'; None for a word that is not a filled pause."""
    return canonical_filled_pause_norm(normalise(text))


def split_phrase(phrase: str) -> tuple[str, ...]:
    return tuple(normalise(part) for part in phrase.split() if normalise(part))


@lru_cache(maxsize=64)
def _phrase_index(phrases: tuple[str, ...]) -> dict[str, list[tuple[tuple[str, ...], str]]]:
    """Phrases by their first word, longest first, so each position is checked against a few."""
    index: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for phrase in phrases:
        parts = split_phrase(phrase)
        if parts:
            index.setdefault(parts[0], []).append((parts, phrase))
    for candidates in index.values():
        candidates.sort(key=lambda item: -len(item[0]))
    return index


def find_phrases(
    tokens: list[Token], phrases: list[str], skip: frozenset[str] = frozenset()
) -> list[tuple[str, int, int]]:
    """Non-overlapping matches of ``phrases`` in ``tokens``, longest phrase first at each place.

    Tokens whose norm is in ``skip`` (filled pauses) are passed over inside a phrase, so
    "let me, um, confirm" still matches "let me confirm".

    Returns:
        (phrase, first token position, last token position) triples in text order.
    """
    index = _phrase_index(tuple(phrases))
    content = [i for i, tok in enumerate(tokens) if tok.norm not in skip]
    norms = [tokens[i].norm for i in content]
    hits = []
    position = 0
    while position < len(content):
        for parts, phrase in index.get(norms[position], ()):
            if len(parts) == 1 or (
                position + 1 < len(norms)
                and norms[position + 1] == parts[1]
                and tuple(norms[position : position + len(parts)]) == parts
            ):
                hits.append((phrase, content[position], content[position + len(parts) - 1]))
                position += len(parts)
                break
        else:
            position += 1
    return hits
