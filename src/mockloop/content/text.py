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
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable, Iterable, NamedTuple, Optional, TypeVar

from mockloop.analysis.tokens import canonical_filled_pause, filled_pause_spellings
from mockloop.content.prefilter import required_literals
from mockloop.models import Transcript
from mockloop.written_forms import continues_number, join_texts

FILLED_PAUSES = frozenset(filled_pause_spellings())  # the delivery's vocabulary (data/phrases.yaml)
_T = TypeVar("_T")
MAX_SENTENCE_TOKENS = 45  # longer run-ons are cut at commas so one window is not a whole answer
MIN_CHUNK_TOKENS = 12
PAUSE_BREAK_S = 1.2  # a silence this long ends a sentence even without punctuation

_QUOTE_CHARS = "\"“”‘’«»()[]{}"
_SPLIT = re.compile(r"[\s/]+|(?<=[a-z0-9])-+(?=[a-z0-9$])|[—–]+|-{2,}")
_STRIP_LEAD = re.compile(r"^[^a-z0-9$£€]+")
_STRIP_TRAIL = re.compile(r"[^a-z0-9%]+$")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_PERCENTILE = re.compile(r"(?<![a-z0-9])p-(?=\d{2}(?!\d))")  # "p-95" is "p95", not "p 95"


class Piece(NamedTuple):  # a tuple: an hour's answer makes tens of thousands of them
    """One piece of a spoken word as content rules see it ("on-call" gives "on" and "call").

    Delivery's phrase matching uses whole words instead (analysis.tokens.Token, normalise).
    """

    text: str  # normalised: lower case, no punctuation
    word_index: int  # index into Transcript.words


@dataclass
class Sentence:
    index: int
    tokens: list[Piece]
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
    # per-document memo of pattern searches and derived numbers (speed only; never changes results)
    _memo: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def cached(self, key, compute: Callable[[], _T]) -> _T:
        """``compute()``, worked out once per document under ``key`` (rules keep derived numbers here)."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    @property
    def words(self):
        return self.transcript.words

    def start(self, word_index: int) -> Optional[float]:
        if 0 <= word_index < len(self.words):
            return self.words[word_index].start
        return None

    def ordinals(self) -> list[int]:
        """Spoken tokens before each sentence (plus the total at the end), computed once."""
        cached = self._memo.get("ordinals")
        if cached is None:
            cached, seen = [], 0
            for sentence in self.sentences:
                cached.append(seen)
                seen += sum(1 for t in sentence.tokens if t.text != "?")
            cached.append(seen)
            self._memo["ordinals"] = cached
        return cached

    # --- pattern search over sentences (memoised, with the literal prefilter of content.prefilter) ---

    def _entry(self, pattern: re.Pattern) -> list:
        # Keyed by the pattern's source and flags: hashing a large compiled pattern hashes its
        # whole code every time, while a string caches its hash.
        key = ("pattern", pattern.pattern, pattern.flags)
        entry = self._memo.get(key)
        if entry is None:
            entry = [self._candidates(pattern), {}]
            self._memo[key] = entry
        return entry

    def _candidates(self, pattern: re.Pattern) -> Optional[frozenset]:
        """Sentences that contain one of the literals every match of `pattern` contains (None: all)."""
        needles = required_literals(pattern)
        if needles is None:
            return None
        found: set[int] = set()
        for needle in needles:
            sentences = self._sentences_with(needle)
            if sentences is None:
                return None
            found |= sentences
        return frozenset(found)

    def _sentences_with(self, needle: str) -> Optional[frozenset]:
        """A superset of the sentences containing the literal ``needle`` (None: any sentence).

        Sentence texts are tokens joined by single spaces, so each space-free piece of a needle
        lies inside one token. The longest piece is looked up among the distinct tokens (a few
        thousand in an hour's answer) instead of scanning the whole text for every needle.
        """
        piece = max(needle.split(" "), key=len)
        if not piece:
            return None
        key = ("piece", piece)
        cached = self._memo.get(key)
        if cached is None:
            vocabulary, starts, token_sentences = self._vocabulary()
            found: set[int] = set()
            find = vocabulary.find
            at = find(piece)
            while at >= 0:
                index = bisect_right(starts, at) - 1
                found |= token_sentences[index]
                at = find(piece, starts[index + 1]) if index + 1 < len(starts) else -1
            cached = self._memo[key] = frozenset(found)
        return cached

    def _vocabulary(self) -> tuple[str, list[int], list[set[int]]]:
        """The distinct tokens joined by newlines, where each starts, and the sentences of each."""
        cached = self._memo.get("vocabulary")
        if cached is None:
            sentences_of: dict[str, set[int]] = {}
            for sentence in self.sentences:
                for token in sentence.tokens:
                    sentences_of.setdefault(token.text, set()).add(sentence.index)
            starts, position = [], 0
            for token in sentences_of:
                starts.append(position)
                position += len(token) + 1
            cached = ("\n".join(sentences_of), starts, list(sentences_of.values()))
            self._memo["vocabulary"] = cached
        return cached

    def candidates(self, pattern: re.Pattern) -> Optional[frozenset]:
        """Indices of the sentences where `pattern` may match (a superset); None means any."""
        return self._entry(pattern)[0]

    def search(self, pattern: re.Pattern, index: int) -> Optional[re.Match]:
        """pattern.search(sentence.text) for sentence `index`, memoised and prefiltered."""
        candidates, found = self._entry(pattern)
        if candidates is not None and index not in candidates:
            return None
        if index in found:
            return found[index]
        match = pattern.search(self.sentences[index].text)
        found[index] = match
        return match

    def finditer(self, pattern: re.Pattern, index: int) -> list[re.Match]:
        """list(pattern.finditer(sentence.text)) for sentence `index`, prefiltered."""
        candidates = self._entry(pattern)[0]
        if candidates is not None and index not in candidates:
            return []
        return list(pattern.finditer(self.sentences[index].text))

    def sentences_for(self, patterns: Iterable[re.Pattern]) -> Optional[list[int]]:
        """Sorted indices of sentences where any of `patterns` may match; None means all."""
        union: set[int] = set()
        for pattern in patterns:
            candidates = self.candidates(pattern)
            if candidates is None:
                return None
            union |= candidates
        return sorted(union)

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
        text = join_texts(w.text for w in words[first_word : last_word + 1]).strip()
        return text.rstrip(",;:—–-").strip()


def word_pieces(raw: str) -> list[str]:
    """Lower-case pieces of one spoken word: hyphens and slashes split, edge punctuation gone.

    Keeps the pieces ("trade-off" -> ["trade", "off"]) so rules written as "trade off" match every
    way it is written; analysis.tokens.normalise keeps the word whole ("trade-off") for the
    delivery's phrase lists.
    """
    return list(_normalise(raw))


@lru_cache(maxsize=65536)
def _normalise(raw: str) -> tuple[str, ...]:
    text = raw.lower().replace("’", "'").replace("‘", "'")
    text = _THOUSANDS.sub("", text)
    text = _PERCENTILE.sub("p", text)
    text = text.replace("&", " and ")
    pieces = []
    for part in _SPLIT.split(text):
        part = _STRIP_TRAIL.sub("", _STRIP_LEAD.sub("", part))
        if part:
            pieces.append(part)
    return tuple(pieces)


@lru_cache(maxsize=65536)
def is_filler(raw: str) -> bool:
    """True for a filled pause ("Um,", "uh", "Hmmmm"): the delivery's own rule, so both agree."""
    return canonical_filled_pause(raw) is not None


@lru_cache(maxsize=65536)
def _ends_sentence(raw: str) -> Optional[str]:
    """'?' or '.' when the raw word closes a sentence, else None."""
    stripped = raw.rstrip(_QUOTE_CHARS + "'")
    if stripped.endswith("?"):
        return "?"
    if stripped.endswith((".", "!", "…")) and not re.search(r"\b(?:e\.g|i\.e|vs|etc|mr|ms|dr)\.$", stripped.lower()):
        return "."
    return None


@lru_cache(maxsize=65536)
def ends_clause(raw: str) -> bool:
    """True when the raw word closes a clause (a comma, semicolon, colon or dash after it)."""
    return raw.rstrip(_QUOTE_CHARS).endswith((",", ";", ":", "—", "–"))


_ends_clause = ends_clause


def segment(transcript: Transcript) -> Doc:
    """Cut the transcript into sentences of normalised tokens (fillers skipped)."""
    words = transcript.words
    groups: list[tuple[list[Piece], bool]] = []
    current: list[Piece] = []
    clause_ends: list[int] = []  # positions in `current` after which a comma fell
    last_raw = ""  # the raw text behind the last token in `current`

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
        if current and continues_number(last_raw, word.text):
            # A number saved as Whisper's pieces ("50" ",000", "30" "%"): one token again.
            last_raw += word.text
            current[-1] = Piece(_normalise(last_raw)[-1], current[-1].word_index)
        else:
            pieces = _normalise(word.text)
            if pieces and not is_filler(word.text):
                current.extend([Piece(piece, index) for piece in pieces])
                last_raw = word.text
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
            tokens = tokens + [Piece("?", tokens[-1].word_index)]
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


def _chunks(tokens: list[Piece], clause_ends: list[int]):
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
