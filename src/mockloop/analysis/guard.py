"""The transcript guard: decoded words are not trusted until the audio agrees with them.

Whisper fails in a few recognisable ways, and each leaves a trace the frame measurements can see:
- loops ("see you next time" twenty times), a phrase repeated back to back, which also shows as
  a text that compresses too well;
- words over silence or after the last sound of the chunk (invented at the end of an answer);
- more syllables than a person says in the seconds of sound they sit on;
- speech that no word covers (a sentence skipped).

`find_problems` lists these for one chunk; `penalty` sums them into one number (about "words
the audio does not support"), so two decodes of the same stretch can be compared and the one the
audio supports better kept. `trim_unsupported` removes what is still unsupported after that:
repeats of a loop beyond what the audio holds, and words after the last sound.

Times here are seconds into the chunk; ``energy_db`` is the chunk's 10 ms frame energy
(acoustics.measure_raw), so the checks need nothing from the rest of the recording.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

import numpy as np

from mockloop.analysis.acoustics import bridged_runs, levels, runs
from mockloop.analysis.frames import HOP_S, WINDOW_SAMPLES, speech_stands_out, speech_threshold_db
from mockloop.analysis.frames import HOP_SAMPLES as HOP
from mockloop.models import Word

_WIN = WINDOW_SAMPLES

LOOP = "loop"
AFTER_LAST_SOUND = "after_last_sound"
OVER_SILENCE = "over_silence"
TOO_FAST = "too_fast"
UNCOVERED_SPEECH = "uncovered_speech"
COMPRESSION = "compression"

# A person articulates at most about 7-8 syllables per second of sound (fast read speech);
# Whisper's loops and skipped-then-crammed text go far past that.
MAX_SYLLABLES_PER_SOUND_S = 9.0
_AUDIBLE_ABOVE_FLOOR_DB = 6.0
_RATE_WINDOW_WORDS = 8
_MIN_BURST_S = 0.04  # shorter bursts are clicks, as in pauses.sound_mask
_EDGE_SLACK_S = 0.05  # word times sit on a 20 ms grid: allow this much beyond their edges
_AFTER_LAST_SOUND_S = 0.3  # a word starting this long after the last sound is invented
_ISLAND_BRIDGE_S = 0.15  # sound runs closer than this belong to one stretch of speech
_COVER_SLACK_S = 0.15
# Uncovered sound shorter than this may be a filled pause, a breath or a cough: not lost speech.
MIN_UNCOVERED_SPEECH_S = 0.8
UNCOVERED_WORDS_PER_S = 2.5  # what a lost second of speech costs in the penalty (about its words)
# gzip compresses a looping text far better than speech: faster-whisper's own threshold.
MAX_COMPRESSION_RATIO = 2.4
_MIN_COMPRESSION_CHARS = 60  # short texts compress badly whatever they say
_LOOP_MIN_REPEATS_SINGLE = 6  # "word word word word word" is said; six or more is a loop
_LOOP_MIN_REPEATS_PHRASE = 3
_LOOP_MAX_N = 8
_LOOP_KEEP_REPEATS = 2  # a phrase said twice is common; more copies than that need the audio


@dataclass(frozen=True)
class Problem:
    kind: str
    start_s: float
    end_s: float
    words: int = 0  # how many words it concerns (for uncovered speech: an estimate)


def frame_energy_db(samples: np.ndarray) -> np.ndarray:
    """The frame energy of acoustics.measure_raw (25 ms windows every 10 ms, in dBFS), cheaply.

    One value per whole hop; frames whose window runs past the end reuse the last full one.
    """
    n_frames = len(samples) // HOP
    if n_frames == 0:
        return np.zeros(0)
    power = np.concatenate(([0.0], np.cumsum(samples.astype(np.float64) ** 2)))
    starts = np.arange(n_frames) * HOP
    ends = np.minimum(starts + _WIN, len(samples))
    full = max(1, 1 + (len(samples) - _WIN) // HOP) if len(samples) >= _WIN else n_frames
    starts, ends = starts[:full], ends[:full]
    mean = (power[ends] - power[starts]) / np.maximum(ends - starts, 1)
    energy = 20.0 * np.log10(np.sqrt(np.maximum(mean, 0.0)) + 1e-7)
    if len(energy) < n_frames:
        energy = np.concatenate([energy, np.full(n_frames - len(energy), energy[-1])])
    return energy[:n_frames]


def windows(sound: np.ndarray, max_s: float) -> list[tuple[int, int]]:
    """Frame ranges covering the chunk, cut in the middle of its longest pauses, each at most
    ``max_s`` long where pauses allow (speech is never cut)."""
    limit = max(1, int(round(max_s / HOP_S)))
    pending = [(0, len(sound))]
    done: list[tuple[int, int]] = []
    while pending:
        a, b = pending.pop()
        gaps = [(s, e) for s, e in runs(~sound[a:b]) if s > 0 and e < b - a]
        if b - a <= limit or not gaps:
            done.append((a, b))
            continue
        s, e = max(gaps, key=lambda g: (g[1] - g[0], -abs((g[0] + g[1]) - (b - a))))
        cut = a + (s + e) // 2
        pending.extend([(cut, b), (a, cut)])
    return sorted(done)


def sound_mask(energy_db: np.ndarray) -> np.ndarray:
    """Frames with sound, judged on this chunk's own levels (click-length bursts removed)."""
    if energy_db.size == 0:
        return np.zeros(0, dtype=bool)
    floor, level = levels(energy_db)
    if not speech_stands_out(floor, level):
        return np.zeros(len(energy_db), dtype=bool)
    sound = energy_db > speech_threshold_db(floor, level)
    min_burst = max(1, int(round(_MIN_BURST_S / HOP_S)))
    for start, end in runs(sound):
        if end - start < min_burst:
            sound[start:end] = False
    return sound


def audible_mask(energy_db: np.ndarray) -> np.ndarray:
    """Frames clearly above the room tone of the stretch given (a chunk, or a whole recording):
    any sound, however quiet."""
    if energy_db.size == 0:
        return np.zeros(0, dtype=bool)
    floor, _level = levels(energy_db)
    return energy_db > floor + _AUDIBLE_ABOVE_FLOOR_DB


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9']+", "", text.lower())


def syllables(text: str) -> int:
    """A rough syllable count: vowel groups in letters, about one and a half per digit."""
    word = text.lower()
    digits = sum(ch.isdigit() for ch in word)
    letters = re.sub(r"[^a-z]", "", word)
    groups = len(re.findall(r"[aeiouy]+", letters))
    if letters.endswith("e") and groups > 1 and not letters.endswith(("le", "ee")):
        groups -= 1
    return max(1 if letters or digits else 0, groups + int(round(1.5 * digits)))


def _sound_seconds(sound: np.ndarray, start_s: float, end_s: float) -> float:
    a = max(0, int(start_s / HOP_S))
    b = min(len(sound), int(np.ceil(end_s / HOP_S)))
    return float(sound[a:b].sum()) * HOP_S if b > a else 0.0


def find_loops(words: list[Word]) -> list[tuple[int, int, int]]:
    """Back-to-back repeats of one n-gram: (first word, end word exclusive, n) per loop.

    A single word must repeat at least six times, a phrase three times.
    """
    tokens = [_norm(w.text) for w in words]
    loops: list[tuple[int, int, int]] = []
    i = 0
    while i < len(tokens):
        best = None
        for n in range(1, _LOOP_MAX_N + 1):
            if i + 2 * n > len(tokens):
                break
            gram = tokens[i : i + n]
            if not all(gram):
                continue
            repeats = 1
            while tokens[i + repeats * n : i + (repeats + 1) * n] == gram:
                repeats += 1
            needed = _LOOP_MIN_REPEATS_SINGLE if n == 1 else _LOOP_MIN_REPEATS_PHRASE
            if repeats >= needed and (best is None or repeats * n > (best[1] - best[0])):
                best = (i, i + repeats * n, n)
        if best is not None:
            loops.append(best)
            i = best[1]
        else:
            i += 1
    return loops


def compression_ratio(text: str) -> float:
    data = text.encode("utf-8")
    return len(data) / len(zlib.compress(data)) if data else 0.0


def last_sound_s(sound: np.ndarray) -> float | None:
    loud = np.flatnonzero(sound)
    return float(loud[-1] + 1) * HOP_S if loud.size else None


def find_problems(words: list[Word], energy_db: np.ndarray, sound: np.ndarray | None = None) -> list[Problem]:
    """Everything in ``words`` that the chunk's audio does not support, in time order."""
    sound = sound_mask(energy_db) if sound is None else sound
    timed = [w for w in words if w.start is not None and w.end is not None]
    problems: list[Problem] = []
    for first, end, n in find_loops(timed):
        extra = (end - first) - _LOOP_KEEP_REPEATS * n
        problems.append(Problem(LOOP, timed[first].start, timed[end - 1].end, extra))
    text = " ".join(w.text for w in timed)
    if len(text) >= _MIN_COMPRESSION_CHARS and compression_ratio(text) > MAX_COMPRESSION_RATIO:
        problems.append(Problem(COMPRESSION, timed[0].start, timed[-1].end, 0))
    last = last_sound_s(sound)
    for word in timed:
        if last is None or word.start > last + _AFTER_LAST_SOUND_S:
            problems.append(Problem(AFTER_LAST_SOUND, word.start, word.end, 1))
        elif _sound_seconds(sound, word.start - _EDGE_SLACK_S, word.end + _EDGE_SLACK_S) == 0.0:
            problems.append(Problem(OVER_SILENCE, word.start, word.end, 1))
    problems.extend(_too_fast(timed, audible_mask(energy_db)))
    problems.extend(_uncovered(timed, sound))
    problems.sort(key=lambda p: (p.start_s, p.kind))
    return problems


def _too_fast(words: list[Word], audible: np.ndarray) -> list[Problem]:
    """Windows of words with more syllables than their seconds of sound can hold."""
    found: list[Problem] = []
    if not words:
        return found
    width = min(_RATE_WINDOW_WORDS, len(words))
    i = 0
    while i + width <= len(words):
        window = words[i : i + width]
        start, end = window[0].start - _EDGE_SLACK_S, window[-1].end + _EDGE_SLACK_S
        said = sum(syllables(w.text) for w in window)
        # Judged on any sound at all, not only on speech-loud frames, and never on less than
        # half the words' own span: in a noisy room quiet syllables hide in the room tone.
        seconds = max(_sound_seconds(audible, start, end), 0.5 * (end - start))
        if said > MAX_SYLLABLES_PER_SOUND_S * max(seconds, HOP_S):
            # Words beyond what the sound could hold, at an average of 1.5 syllables each.
            excess = int(np.ceil((said - MAX_SYLLABLES_PER_SOUND_S * seconds) / 1.5))
            found.append(Problem(TOO_FAST, window[0].start, window[-1].end, min(width, excess)))
            i += width
        else:
            i += 1
    return found


def speech_stretches(sound: np.ndarray) -> list[tuple[float, float]]:
    """Stretches of sound in seconds, runs closer than a short gap joined."""
    bridge = int(round(_ISLAND_BRIDGE_S / HOP_S))
    return [(a * HOP_S, b * HOP_S) for a, b in bridged_runs(sound, bridge)]


def _uncovered(words: list[Word], sound: np.ndarray) -> list[Problem]:
    """Stretches of sound long enough to hold words, overlapped by no word at all."""
    found = []
    for start, end in speech_stretches(sound):
        if end - start < MIN_UNCOVERED_SPEECH_S:
            continue
        covered = any(w.start < end + _COVER_SLACK_S and w.end > start - _COVER_SLACK_S for w in words)
        if not covered:
            found.append(Problem(UNCOVERED_SPEECH, start, end, int(round((end - start) * UNCOVERED_WORDS_PER_S))))
    return found


def penalty(problems: list[Problem]) -> float:
    """About how many words the audio contradicts (unsupported ones, or ones missing)."""
    return float(sum(p.words for p in problems)) + 5.0 * sum(p.kind == COMPRESSION for p in problems)


def trim_unsupported(words: list[Word], energy_db: np.ndarray, sound: np.ndarray | None = None) -> list[Word]:
    """Drop what the audio still contradicts after the best decode was chosen.

    Words starting after the chunk's last sound go, and a loop keeps only the copies its sound
    can hold (at least two): the rest of the loop is what Whisper repeated, not what was said.
    """
    sound = sound_mask(energy_db) if sound is None else sound
    last = last_sound_s(sound)
    if last is None:  # this mask found no sound (e.g. clipped speech with a raised floor): it cannot judge
        last = float("inf")
    kept = [w for w in words if w.start is None or w.start <= last + _AFTER_LAST_SOUND_S]
    timed_index = [i for i, w in enumerate(kept) if w.start is not None and w.end is not None]
    timed = [kept[i] for i in timed_index]
    drop: set[int] = set()
    for first, end, n in find_loops(timed):
        copies = (end - first) // n
        allowed = _LOOP_KEEP_REPEATS
        for k in range(_LOOP_KEEP_REPEATS, copies + 1):
            span = timed[first : first + k * n]
            seconds = _sound_seconds(sound, span[0].start - _EDGE_SLACK_S, span[-1].end + _EDGE_SLACK_S)
            if sum(syllables(w.text) for w in span) <= MAX_SYLLABLES_PER_SOUND_S * seconds:
                allowed = k
        drop.update(timed_index[j] for j in range(first + allowed * n, end))
    return [w for i, w in enumerate(kept) if i not in drop]
