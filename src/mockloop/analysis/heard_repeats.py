"""Repeats the speaker said that the transcript's words leave out.

Whisper tidies a stumble: "we, we will" comes back as "we will", "my, my recommendation" as "my
recommendation". The words stay as Whisper wrote them (issue 10: the transcript's WER may not
rise), and the repeat is kept beside them instead, on the word it was heard before
(``Word.heard_before``), for the repetition finder (analysis/repetitions.py) to count.

A repeat is taken only when the audio shows it: a short stretch of speech ended by a pause
(the broken-off word or phrase) that sounds like the start of the speech after the pause (the
same word begun again). "Sounds like" is the cost of aligning the two stretches' cepstra (MFCCs
from Whisper's own log-mel frames, normalised over the chunk's speech) by dynamic time warping,
relative to the cost of aligning the same stretch with the starts of the chunk's other stretches
of speech: a repeat aligns far better with the speech right after it than with the rest.

Two kinds of evidence, with two bars (config.RepeatSettings):
- the prompted decode (the disfluency prompt makes Whisper more verbatim) wrote the words twice
  where the unprompted one wrote them once: the audio must show a repeat there;
- no decode wrote it: the audio alone must show a clear repeat, and the words tell which.
"""

from __future__ import annotations

from dataclasses import replace
from difflib import SequenceMatcher
from functools import lru_cache

import numpy as np

from mockloop.analysis.acoustics import bridged_runs, levels
from mockloop.analysis.frames import HOP_S
from mockloop.analysis.tokens import canonical_filled_pause, normalise
from mockloop.config import RepeatSettings
from mockloop.models import Word

_N_CEPSTRA = 12  # MFCC 1-12, the usual speech-recognition set (c0, the level, left out)
_DECIMATE = 2  # every other 10 ms frame: a syllable still spans several, at a quarter of the alignment cost
_MAX_TEMPO = 3  # one copy may be said up to three times as fast as the other (a drawn-out "My," then "my")
_STEPS = ((1, 1), (1, 2), (1, 3), (2, 1), (3, 1))


@lru_cache(maxsize=4)
def _dct_matrix(n_bands: int) -> np.ndarray:
    k = np.arange(1, _N_CEPSTRA + 1)[:, None]
    t = np.arange(n_bands)[None, :]
    return np.cos(np.pi * k * (2 * t + 1) / (2 * n_bands)) * np.sqrt(2.0 / n_bands)


def cepstra(log_mel: np.ndarray, sound: np.ndarray) -> np.ndarray:
    """Frames x 12 MFCCs of Whisper's log-mel frames (bands x frames), normalised over the sound frames."""
    c = (_dct_matrix(log_mel.shape[0]) @ log_mel).T
    n = min(len(c), len(sound))
    speech = c[:n][sound[:n]] if sound[:n].any() else c
    return (c - speech.mean(axis=0)) / (speech.std(axis=0) + 1e-6)


def alignment_costs(first: np.ndarray, seconds: np.ndarray) -> np.ndarray:
    """Mean frame distance of ``first`` (whole) aligned to the best-matching start of each of ``seconds``.

    ``first`` is frames x cepstra, ``seconds`` stretches x frames x cepstra (all as long).
    Dynamic time warping with a fixed start, a free end in the second stretch, and local slopes
    between 1/3 and 3 (steps (1,1), (1,2), (1,3), (2,1), (3,1), each counting every frame it
    passes), so a copy said up to three times faster or slower still aligns.
    """
    n, m = len(first), seconds.shape[1]
    if n == 0 or m == 0:
        return np.full(len(seconds), np.inf)
    d = np.sqrt(((first[None, :, None, :] - seconds[:, None, :, :]) ** 2).sum(axis=3))  # stretch x n x m
    k = len(seconds)
    cost = np.full((k, n, m), np.inf)
    cells = np.ones((k, n, m))
    cost[:, 0, 0] = d[:, 0, 0]
    for i in range(1, n):
        row = d[:, i]
        best = np.full((k, m), np.inf)
        count = np.ones((k, m))
        for di, dj in _STEPS:
            if i - di < 0:
                continue
            total = np.full((k, m), np.inf)
            total[:, dj:] = cost[:, i - di, : m - dj] + row[:, dj:]
            passed = cells[:, i - di].copy()
            for back in range(1, dj):  # frames of the second stretch passed over on this row
                total[:, dj:] += row[:, dj - back : m - back]
            for back in range(1, di):  # frames of ``first`` passed over in this column
                total += d[:, i - back]
            better = total < best
            best = np.where(better, total, best)
            shifted = np.zeros((k, m))
            shifted[:, dj:] = passed[:, : m - dj]
            count = np.where(better, shifted + di + dj - 1, count)
        cost[:, i] = best
        cells[:, i] = count
    return (cost[:, n - 1] / cells[:, n - 1]).min(axis=1)


class _Chunk:
    """One chunk's stretches of speech and their cepstra, with the similarity test between them."""

    def __init__(self, log_mel: np.ndarray, sound: np.ndarray, energy_db: np.ndarray, settings: RepeatSettings):
        self.s = settings
        self.sound = sound
        self.cepstra = cepstra(log_mel, sound)
        join = int(round(settings.join_gap_s / HOP_S))
        self.islands = [(a, min(b, len(self.cepstra))) for a, b in bridged_runs(sound, join) if a < len(self.cepstra)]
        _floor, level = levels(energy_db)
        loud = level - settings.max_below_speech_db
        shortest = int(round(settings.min_first_copy_s / HOP_S))
        # A first copy is a word: long enough, and as loud as speech (not a click or a breath).
        self.word_like = [b - a >= shortest and float(energy_db[a:b].max()) >= loud for a, b in self.islands]
        self._cache: dict[tuple[int, int], float | None] = {}

    def similarity(self, k: int, step: int) -> float | None:
        """How much better stretch ``k`` aligns with the start of stretch ``k + step`` than with
        other places in the chunk's speech (their median cost = 1.0); None when it cannot be told."""
        key = (k, step)
        if key not in self._cache:
            self._cache[key] = self._similarity(k, step)
        return self._cache[key]

    def _similarity(self, k: int, step: int) -> float | None:
        if k + step >= len(self.islands):
            return None
        a, b = self.islands[k]
        if (b - a) * HOP_S > self.s.max_first_copy_s or not self.word_like[k] or not self.word_like[k + step]:
            return None
        c = self.islands[k + step][0]
        reach = _MAX_TEMPO * (b - a)
        # Other places: speech frames spread evenly over the chunk, away from this pair.
        away = np.flatnonzero(self.sound[: len(self.cepstra)])
        away = away[(away < a - reach) | (away > c + reach)]
        if len(away) < self.s.min_reference_stretches * (b - a):
            return None
        picks = away[np.linspace(0, len(away) - 1, self.s.reference_stretches).astype(int)]
        starts = [c, *picks.tolist()]
        width = min(reach, *(len(self.cepstra) - o for o in starts))
        if width <= 0:
            return None
        stretches = np.stack([self.cepstra[o : o + width : _DECIMATE] for o in starts])
        costs = alignment_costs(self.cepstra[a:b:_DECIMATE], stretches)
        typical = float(np.median(costs[1:]))
        if not np.isfinite(costs[0]) or not np.isfinite(typical) or typical <= 0:
            return None  # too little speech after it to align with
        return float(costs[0]) / typical

    def gap_after(self, k: int) -> float:
        return (self.islands[k + 1][0] - self.islands[k][1]) * HOP_S if k + 1 < len(self.islands) else 0.0


def _stem(norm: str) -> str:
    return norm.split("'", 1)[0]


def mark_heard_repeats(
    words: list[Word],
    prompted: list[Word],
    log_mel: np.ndarray,
    energy_db: np.ndarray,
    sound: np.ndarray,
    settings: RepeatSettings | None = None,
) -> list[Word]:
    """``words`` with ``heard_before`` set on the word each repeat heard in the audio precedes.

    Args:
        words: the chunk's transcript words (times in seconds from the chunk's start).
        prompted: the prompted decode's words of the same chunk.
        log_mel: Whisper's log-mel features of the chunk (bands x 10 ms frames).
        energy_db: the chunk's frame energy on the same frames (guard.frame_energy_db).
        sound: the chunk's sound mask (guard.sound_mask of ``energy_db``).
    """
    s = settings or RepeatSettings()
    ordinary = [i for i, w in enumerate(words) if w.start is not None and canonical_filled_pause(w.text) is None]
    if len(ordinary) < 2 or not sound.any():
        return words
    chunk = _Chunk(log_mel, sound, energy_db, s)
    if len(chunk.islands) < 2:
        return words
    heard: dict[int, str] = {}  # index in ``words`` -> the repeat heard before it
    shown: set[int] = set()  # stretches of speech already taken as the first copy of a repeat
    for position, text, start_s, end_s in _prompted_repeats(words, ordinary, prompted):
        first_copy = _audio_shows_repeat(chunk, start_s, end_s, s.prompted_max_similarity)
        if first_copy is not None:
            heard.setdefault(position, text)
            shown.add(first_copy)
    for position, text in _acoustic_repeats(words, ordinary, chunk, shown, s):
        heard.setdefault(position, text)
    if not heard:
        return words
    return [replace(w, heard_before=heard[i]) if i in heard else w for i, w in enumerate(words)]


def _prompted_repeats(words: list[Word], ordinary: list[int], prompted: list[Word]):
    """(word index, repeated text, start s, end s) where the prompted decode wrote words twice
    that the unprompted one wrote once ("We, we will" against "We will")."""
    theirs = [w for w in prompted if w.start is not None and canonical_filled_pause(w.text) is None]
    ours_norm = [_stem(normalise(words[i].text)) for i in ordinary]
    theirs_norm = [_stem(normalise(w.text)) for w in theirs]
    matcher = SequenceMatcher(None, ours_norm, theirs_norm, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        n = (j2 - j1) - (i2 - i1)  # words the prompted decode has here beyond the unprompted one
        if tag not in ("insert", "replace") or not 1 <= n <= 3:
            continue
        if theirs_norm[j2 - n : j2] == theirs_norm[j2 : j2 + n] and i2 < len(ordinary):
            # The extra words are a first copy of the words after them: "We, | we will".
            yield ordinary[i2], " ".join(w.text for w in theirs[j2 - n : j2]), theirs[j2 - n].start, theirs[j2 + n - 1].end
        elif tag == "insert" and j1 >= n and theirs_norm[j1 : j1 + n] == theirs_norm[j1 - n : j1] and i1 < len(ordinary):
            # ...or a second copy of the words before them: "we | we, will".
            yield ordinary[i1], " ".join(w.text for w in theirs[j1:j2]), theirs[j1 - n].start, theirs[j2 - 1].end


def _audio_shows_repeat(chunk: _Chunk, start_s: float, end_s: float, bar: float) -> int | None:
    """The stretch of speech between ``start_s`` and ``end_s`` that aligns with a following
    stretch's start (its index), or None."""
    margin = chunk.s.time_margin_s
    for k, (a, b) in enumerate(chunk.islands):
        if b * HOP_S < start_s - margin or a * HOP_S > end_s + margin:
            continue
        for step in (1, 2):
            score = chunk.similarity(k, step)
            if score is not None and score <= bar and chunk.islands[k + step][0] * HOP_S <= end_s + margin:
                return k
    return None


def _acoustic_repeats(words: list[Word], ordinary: list[int], chunk: _Chunk, shown: set[int], s: RepeatSettings):
    """(word index, repeated text) where the audio alone shows a short stretch said again after a pause."""
    margin = s.time_margin_s
    for k in range(len(chunk.islands) - 1):
        if k in shown or not s.min_gap_s <= chunk.gap_after(k) <= s.max_gap_s:
            continue
        score = chunk.similarity(k, 1)
        if score is None or score > s.audio_max_similarity:
            continue
        a, b = chunk.islands[k]
        c = chunk.islands[k + 1][0]
        first_s, first_e, again_s = a * HOP_S, b * HOP_S, c * HOP_S
        if any(w.start is not None and w.start < first_e and w.end > first_s and canonical_filled_pause(w.text) for w in words):
            continue  # "uh, uh" is a filled pause said twice, not a word
        # The words the first copy holds, and the words written where the second begins.
        # A word Whisper stretched back over silence (to the chunk's start) still holds the copy
        # when it covers most of it.
        before = [
            i for i in ordinary
            if first_s - margin <= words[i].start < first_e
            or (words[i].start < first_s and words[i].end >= (first_s + first_e) / 2)
        ]
        after = [i for i in ordinary if words[i].start >= first_e]
        if not after or len(before) > 3:
            continue
        if before:
            said = [_stem(normalise(words[i].text)) for i in before]
            written_again = [_stem(normalise(words[i].text)) for i in after[: len(before)]]
            if written_again == said:
                continue  # the transcript already has both copies
            yield after[0], " ".join(words[i].text for i in before)
        else:
            # Nothing written on the first copy: it repeats the first word written after it.
            if words[after[0]].start > again_s + s.max_first_copy_s:
                continue
            yield after[0], words[after[0]].text.rstrip(".,?!")
