"""Turn a Transcript into sentences of normalised tokens that phrase rules can match.

Rules are regular expressions over plain lower-case text, but evidence must point back at the
words the user said and at their times. So every token keeps the index of the Word it came from:
a match in a sentence's text maps to token positions, then to word indices, then to start times
(None for text input). Filled pauses ("um", "uh") are dropped from the tokens so that "we'll, um,
retry" still matches "we'll retry"; they stay in the quotes, which are cut from the raw words.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import Optional

from mockloop.models import Transcript

FILLED_PAUSES = frozenset(
    {"um", "uh", "er", "erm", "ah", "hmm", "hm", "mm", "mhm", "uhm", "umm", "uhh", "ehm", "uh huh"}
)
MAX_SENTENCE_TOKENS = 45  # longer run-ons are cut at commas so one window is not a whole answer
MIN_CHUNK_TOKENS = 12
PAUSE_BREAK_S = 1.2  # a silence this long ends a sentence even without punctuation

_QUOTE_CHARS = "\"“”‘’«»()[]{}"
_SPLIT = re.compile(r"[\s/]+|(?<=[a-z0-9])-+(?=[a-z0-9$])|[—–]+|-{2,}")
_STRIP_LEAD = re.compile(r"^[^a-z0-9$£€]+")
_STRIP_TRAIL = re.compile(r"[^a-z0-9%]+$")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")


@dataclass(frozen=True)
class Token:
    text: str  # normalised: lower case, no punctuation
    word_index: int  # index into Transcript.words


@dataclass
class Sentence:
    index: int
    tokens: list[Token]
    text: str  # the tokens joined by single spaces; questions end with the token "?"
    offsets: list[int]  # character offset of each token in `text`
    is_question: bool

    @property
    def first_word(self) -> int:
        return self.tokens[0].word_index

    @property
    def last_word(self) -> int:
        return self.tokens[-1].word_index

    def token_span(self, start_char: int, end_char: int) -> tuple[int, int]:
        """Token positions (first, last) covered by the character range of a regex match."""
        first = bisect_right(self.offsets, start_char) - 1
        last = bisect_right(self.offsets, max(start_char, end_char - 1)) - 1
        return max(first, 0), max(last, 0)


@dataclass
class Doc:
    """A transcript cut into sentences, with helpers to quote and time its words."""

    transcript: Transcript
    sentences: list[Sentence]
    token_count: int  # tokens without fillers and without "?" marks

    @property
    def words(self):
        return self.transcript.words

    def start(self, word_index: int) -> Optional[float]:
        if 0 <= word_index < len(self.words):
            return self.words[word_index].start
        return None

    def token_ordinal(self, sentence_index: int) -> int:
        """How many spoken tokens come before this sentence (for position-in-answer checks)."""
        return sum(
            sum(1 for t in s.tokens if t.text != "?") for s in self.sentences[:sentence_index]
        )

    def quote(self, first_word: int, last_word: int, max_words: int = 32) -> str:
        """The user's own words from first_word to last_word, trimmed of edge fillers and length."""
        words = self.words
        first_word = max(first_word, 0)
        last_word = min(last_word, len(words) - 1)
        while first_word < last_word and is_filler(words[first_word].text):
            first_word += 1
        while last_word > first_word and is_filler(words[last_word].text):
            last_word -= 1
        if last_word - first_word + 1 > max_words:
            last_word = first_word + max_words - 1
        text = " ".join(w.text for w in words[first_word : last_word + 1]).strip()
        return text.rstrip(",;:—–-").strip()


def normalise_word(raw: str) -> list[str]:
    """Lower-case pieces of one spoken word: hyphens and slashes split, edge punctuation gone."""
    text = raw.lower().replace("’", "'").replace("‘", "'")
    text = _THOUSANDS.sub("", text)
    text = text.replace("&", " and ")
    pieces = []
    for part in _SPLIT.split(text):
        part = _STRIP_TRAIL.sub("", _STRIP_LEAD.sub("", part))
        if part:
            pieces.append(part)
    return pieces


def is_filler(raw: str) -> bool:
    """True for a filled pause ("Um,", "uh")."""
    pieces = normalise_word(raw)
    return bool(pieces) and " ".join(pieces) in FILLED_PAUSES


def _ends_sentence(raw: str) -> Optional[str]:
    """'?' or '.' when the raw word closes a sentence, else None."""
    stripped = raw.rstrip(_QUOTE_CHARS + "'")
    if stripped.endswith("?"):
        return "?"
    if stripped.endswith((".", "!", "…")) and not re.search(r"\b(?:e\.g|i\.e|vs|etc|mr|ms|dr)\.$", stripped.lower()):
        return "."
    return None


def _ends_clause(raw: str) -> bool:
    return raw.rstrip(_QUOTE_CHARS).endswith((",", ";", ":", "—", "–"))


def segment(transcript: Transcript) -> Doc:
    """Cut the transcript into sentences of normalised tokens (fillers skipped)."""
    words = transcript.words
    groups: list[tuple[list[Token], bool]] = []
    current: list[Token] = []
    clause_ends: list[int] = []  # positions in `current` after which a comma fell

    def close(question: bool) -> None:
        nonlocal current, clause_ends
        if current:
            for chunk, is_last in _chunks(current, clause_ends):
                groups.append((chunk, question and is_last))
        current, clause_ends = [], []

    for index, word in enumerate(words):
        if (
            current
            and word.start is not None
            and index > 0
            and words[index - 1].end is not None
            and word.start - words[index - 1].end >= PAUSE_BREAK_S
        ):
            close(False)
        pieces = normalise_word(word.text)
        if pieces and " ".join(pieces) not in FILLED_PAUSES:
            current.extend(Token(piece, index) for piece in pieces)
        if current and _ends_clause(word.text):
            clause_ends.append(len(current))
        end = _ends_sentence(word.text)
        if end:
            close(end == "?")
    close(False)

    sentences = []
    count = 0
    for tokens, question in groups:
        if question:
            tokens = tokens + [Token("?", tokens[-1].word_index)]
        offsets, position = [], 0
        for token in tokens:
            offsets.append(position)
            position += len(token.text) + 1
        sentences.append(
            Sentence(
                index=len(sentences),
                tokens=tokens,
                text=" ".join(t.text for t in tokens),
                offsets=offsets,
                is_question=question,
            )
        )
        count += sum(1 for t in tokens if t.text != "?")
    return Doc(transcript=transcript, sentences=sentences, token_count=count)


def _chunks(tokens: list[Token], clause_ends: list[int]):
    """Split an over-long sentence at clause ends (commas), then at a hard limit."""
    if len(tokens) <= MAX_SENTENCE_TOKENS:
        yield tokens, True
        return
    bounds = [0]
    for end in clause_ends:
        if end - bounds[-1] >= MIN_CHUNK_TOKENS and len(tokens) - end >= MIN_CHUNK_TOKENS:
            bounds.append(end)
    bounds.append(len(tokens))
    pieces = []
    for a, b in zip(bounds, bounds[1:]):
        while b - a > MAX_SENTENCE_TOKENS:
            pieces.append(tokens[a : a + MAX_SENTENCE_TOKENS])
            a += MAX_SENTENCE_TOKENS
        if b > a:
            pieces.append(tokens[a:b])
    for i, piece in enumerate(pieces):
        yield piece, i == len(pieces) - 1


def format_time(seconds: Optional[float]) -> Optional[str]:
    """m:ss for tips ("0:40", "12:05"); None when the input had no timings."""
    if seconds is None:
        return None
    total = int(round(seconds))
    return f"{total // 60}:{total % 60:02d}"


def transcript_from_text(text: str) -> Transcript:
    """A Transcript of untimed words, as the CLI builds for a .txt file (used by eval and tests)."""
    from mockloop.models import Word

    return Transcript(words=[Word(text=w) for w in text.split()], duration_s=None)
