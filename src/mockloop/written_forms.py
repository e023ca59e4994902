"""Words as people write them, rebuilt from the pieces Whisper's tokenizer emits.

faster-whisper returns one "word" per run of tokens that starts with a space, but numbers and
hyphenated words come out as several pieces, the later ones without a leading space:
" 50" ",000", " 30" "%", " $1" ".2k.", " trade" "-off", " P" "-95", " 10" " K". Shown with
spaces between them these read "50 ,000" and "P -95"; dropped for having no letter or digit
("%") they turn "30% of" into "30 of". This module joins them into "50,000", "30%", "$1.2k.",
"trade-off", "p95", "10K" before any view, quote or rule sees them.

It has no dependencies, so the transcriber (live pieces, which still carry their spaces), the
phrase tokenizers and the content normaliser (saved words, which do not) share one set of facts.
"""

from __future__ import annotations

import re
from typing import Iterable, Protocol

from mockloop.models import Word

# A lone magnitude letter after a number is its suffix: "10 K" is "10K", "$2 B" is "$2B".
_MAGNITUDE = re.compile(r"^[KkMmBb][.,;:!?]*$")
_NUMBER = re.compile(r"^[$£€]?\d[\d.,]*$")
# Whisper writes the 95th percentile as "P-95" (pieces " P" "-95"); people write "p95".
_PERCENTILE = re.compile(r"^[Pp]-(\d{2}(?:\.\d+)?)([.,;:!?]*)$")
# A saved word (its leading space is gone) that can only be the tail of the number before it.
_NUMBER_TAIL = re.compile(r"^(?:,\d{3}|\.\d|%)")
_SENTENCE_END = (".", "?", "!")


class Piece(Protocol):
    """What faster-whisper yields per word (faster_whisper.transcribe.Word)."""

    word: str
    start: float
    end: float
    probability: float


def continues_number(previous: str, text: str) -> bool:
    """True when saved word ``text`` is the tail of the number ``previous`` ("50" + ",000")."""
    return bool(previous) and previous[-1].isdigit() and bool(_NUMBER_TAIL.match(text))


def _joins_previous(previous: str, raw: str) -> bool:
    """Whether piece ``raw`` (as Whisper gives it, leading space and all) continues ``previous``."""
    text = raw.strip()
    if not text:
        return False
    if text.startswith("-") and previous[-1:].isalnum() and any(ch.isalnum() for ch in text):
        return True  # "trade" + "-off", even when Whisper put a space before the hyphen
    if text.startswith("%") and previous[-1:].isdigit():
        return True
    if _MAGNITUDE.match(text) and _NUMBER.match(previous):
        return True
    if raw[:1].isspace():
        return False
    # No space: Whisper's tokenizer split one written word, unless the previous one closed a sentence.
    return not previous.endswith(_SENTENCE_END) or not text[:1].isalpha()


def written_form(text: str) -> str:
    """The joined word in the form people write it ("P-95," -> "p95,")."""
    percentile = _PERCENTILE.match(text)
    if percentile:
        return f"p{percentile.group(1)}{percentile.group(2)}"
    return text


def words_from_pieces(pieces: Iterable[Piece], offset_s: float = 0.0) -> list[Word]:
    """Whisper's word pieces of one segment as Words, times shifted by ``offset_s``.

    A joined word runs from its first piece's start to its last piece's end, and is as certain
    as its least certain piece. Pieces that are only punctuation and continue nothing are dropped.
    """
    joined: list[list] = []  # [text, start, end, probability]
    for piece in pieces:
        raw = piece.word
        probability = float(piece.probability)
        if joined and _joins_previous(joined[-1][0], raw):
            last = joined[-1]
            last[0] += raw.strip()
            last[2] = piece.end
            last[3] = min(last[3], probability)
        elif raw.strip():
            joined.append([raw.strip(), piece.start, piece.end, probability])
    return [
        Word(
            text=written_form(text),
            start=round(start + offset_s, 3),
            end=round(end + offset_s, 3),
            probability=round(probability, 3),
        )
        for text, start, end, probability in joined
        if any(ch.isalnum() for ch in text)
    ]


def join_texts(texts: Iterable[str]) -> str:
    """Words joined by spaces, except a number's tail in words saved split ("50", ",000")."""
    out = ""
    for text in texts:
        if out and not continues_number(out, text):
            out += " "
        out += text
    return out
