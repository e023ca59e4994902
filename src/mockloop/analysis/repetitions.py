"""Repetitions, restarts and self-corrections, found in the verbatim words.

False starts blur a decision: "we, we will, we'd use Kafka" and "the, sorry, the ingestion tier"
make the listener wait for the real sentence. Three patterns, all on the words as spoken (filled
pauses between them are passed over, so "we, um, we will" is one repetition):

- repetition: a word or a phrase of up to three words said twice or more in a row ("we we",
  "the cache, the cache is");
- restart: a cut-off word or a short fragment broken off and begun again with the same word
  ("inges- ingestion", "we, we'll", "we should, we will");
- correction: an editing phrase mid-sentence ("sorry", "I mean", "rather", "scratch that")
  between what was said and its replacement ("Kafka, sorry, Kinesis").
"""

from __future__ import annotations

from dataclasses import replace

from mockloop.analysis.fillers import filled_pause_spellings
from mockloop.analysis.tokens import Token, tokenize
from mockloop.models import Repetition, Word

REPETITION, RESTART, CORRECTION = "repetition", "restart", "correction"
_MAX_PHRASE = 3
_MAX_FRAGMENT = 2  # words broken off before a restart ("we should, we will")
# Doubled words that are grammar, not a stumble: "I know that that works", "it had had".
_GRAMMATICAL_DOUBLES = frozenset({"that", "had"})
_EDITING_TERMS = (
    ("sorry",),
    ("i", "mean"),
    ("or", "rather"),
    ("rather",),
    ("scratch", "that"),
    ("let", "me", "rephrase"),
    ("no", "wait"),
    ("i'm", "sorry"),
)


_EDIT_FIRST_WORDS = frozenset(term[0] for term in _EDITING_TERMS)


def editing_phrase_length(norms: list[str], i: int) -> int:
    """Words in the editing phrase ("sorry", "I mean", ...) that starts at ``norms[i]``; 0 if none."""
    return next((len(term) for term in _EDITING_TERMS if tuple(norms[i : i + len(term)]) == term), 0)


def _stem(norm: str) -> str:
    """'we'll' -> 'we'; contractions restart the same word."""
    return norm.split("'", 1)[0]


def find_repetitions(words: list[Word], tokens: list[Token] | None = None) -> list[Repetition]:
    """Every repetition, restart and self-correction, in text order, none overlapping.

    Repeats heard in the audio but written once (``Word.heard_before``) are read as said, so "we"
    heard before "will" in "We will shard" is the repetition "We, we will".
    """
    if any(w.heard_before for w in words):
        return _with_heard_repeats(words)
    tokens = tokenize(words) if tokens is None else tokens
    skip = filled_pause_spellings()
    content = [tok for tok in tokens if tok.norm not in skip]
    norms = [tok.norm for tok in content]
    stems = [_stem(norm) for norm in norms]
    found: list[tuple[str, int, int]] = []  # (kind, first content position, last content position)
    position = 0
    while position < len(content):
        # Cheap test first: every pattern needs the same word again within three words, an
        # editing phrase right after a pause, or a cut-off word (written with a trailing hyphen).
        if not (
            stems[position] in stems[position + 1 : position + 4]
            or (content[position].pause_after and position + 1 < len(norms) and norms[position + 1] in _EDIT_FIRST_WORDS)
            or words[content[position].index].text.endswith("-")
        ):
            position += 1
            continue
        hit = (
            _repetition_at(norms, content, position)
            or _correction_at(norms, content, position, words)
            or _restart_at(norms, content, position, words)
        )
        if hit is None:
            position += 1
            continue
        if found and hit[1] <= found[-1][2]:  # one stumble runs on ("we, we will, we'd"): one finding
            found[-1] = (found[-1][0], found[-1][1], hit[2])
        else:
            found.append(hit)
        # The repair may itself be broken off again, so its last word is looked at once more.
        position = hit[2]  # every hit spans at least two words, so this always moves on
    return [_as_repetition(kind, content[a : b + 1], words) for kind, a, b in found]


def _repetition_at(norms: list[str], content: list[Token], i: int):
    """A phrase at ``i`` said again right after it (as many times as it repeats)."""
    for n in range(1, _MAX_PHRASE + 1):  # the shortest unit that repeats: "word word word" is one word thrice
        phrase = norms[i : i + n]
        if len(phrase) < n or norms[i + n : i + 2 * n] != phrase:
            continue
        if n == 1 and phrase[0] in _GRAMMATICAL_DOUBLES and not content[i].pause_after:
            continue
        if any(content[k].sentence_start for k in range(i + 1, i + n + 1)):
            continue  # "... use Kafka. Kafka is ..." ends one sentence and starts another
        end = i + 2 * n
        while norms[end : end + n] == phrase and not content[end].sentence_start:
            end += n
        # "we, we will" and "the cache, the cache is": the repair is the repeat plus what follows
        return REPETITION, i, end - 1
    return None


def _correction_at(norms: list[str], content: list[Token], i: int, words: list[Word]):
    """``i`` is the last word before an editing phrase set off mid-sentence: "Kafka, sorry, Kinesis"."""
    if not content[i].pause_after or i + 1 >= len(norms) or content[i + 1].sentence_start:
        return None
    if words[content[i].index].text.rstrip("'\")").endswith((".", "?", "!")):
        return None  # "... the ledger? Uh, sorry, ..." apologises for a new sentence, corrects nothing
    for term in _EDITING_TERMS:
        after = i + 1 + len(term)
        if tuple(norms[i + 1 : after]) != term or after >= len(norms):
            continue
        if content[i + 1].sentence_start or not content[after - 1].pause_after:
            continue
        # What is replaced: the word before the editing phrase, or back to the word the repair
        # starts again with ("the ingestion, sorry, the storage tier"), at most three words back.
        start = i
        for back in range(i, max(-1, i - 3), -1):
            if norms[back] == norms[after]:
                start = back
                break
            if content[back].sentence_start:
                break
        return CORRECTION, start, after
    return None


def _restart_at(norms: list[str], content: list[Token], i: int, words: list[Word]):
    """A cut-off word or a short fragment at ``i`` begun again with the same word."""
    raw = words[content[i].index].text.rstrip()
    if i + 1 < len(norms) and raw.endswith("-") and not raw.endswith("--") and len(norms[i]) >= 1:
        following = norms[i + 1]
        if following.startswith(norms[i]) or _stem(following) == _stem(norms[i]):
            return RESTART, i, i + 1
    if not (content[i].sentence_start or content[i].pause_before):
        return None
    for n in range(1, _MAX_FRAGMENT + 1):
        last = i + n - 1
        if last + 1 >= len(norms) or not content[last].pause_after or content[last + 1].sentence_start:
            continue
        if any(content[k].pause_after for k in range(i, last)):
            break
        if _stem(norms[last + 1]) == _stem(norms[i]) and norms[i : last + 1] != norms[last + 1 : last + 1 + n]:
            return RESTART, i, last + 1
    return None


def _with_heard_repeats(words: list[Word]) -> list[Repetition]:
    """find_repetitions on the words as said: each heard repeat put back before its word (at that
    word's start, taking no time), the findings then pointed at the transcript's own words."""
    said: list[Word] = []
    original: list[int | None] = []  # index in ``words`` of each word as said; None for a heard one
    for index, word in enumerate(words):
        if word.heard_before:
            heard = word.heard_before.split()
            said.extend(Word(text, word.start, word.start) for text in heard)
            original.extend([None] * len(heard))
        said.append(replace(word, heard_before=""))
        original.append(index)
    found = []
    for r in find_repetitions(said):
        indices = tuple(original[k] for k in r.word_indices if original[k] is not None)
        if indices:
            found.append(Repetition(r.start, r.end, r.text, r.kind, indices))
    return found


def _as_repetition(kind: str, span: list[Token], words: list[Word]) -> Repetition:
    first, last = words[span[0].index], words[span[-1].index]
    indices = tuple(range(span[0].index, span[-1].index + 1))
    text = " ".join(words[k].text for k in indices)
    return Repetition(first.start, last.end, text, kind, indices)
