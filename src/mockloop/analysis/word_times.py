"""Word times checked against the sound: Whisper's times are a guide, the audio decides.

Whisper places words on a 20 ms grid from its attention, not from the waveform: it stretches a
word over the silence beside it, writes a word over silence after an answer, and gives a word it
was unsure where to put no length at all, somewhere in the gap near it. These steps run on the
whole recording's sound mask (pauses.sound_mask) before fillers, pauses and pace are measured.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from mockloop.analysis.acoustics import bridged_runs
from mockloop.analysis.frames import HOP_S
from mockloop.analysis.tokens import canonical_filled_pause
from mockloop.models import Word

_MISTIMED_REACH_S = 0.5  # see drop_words_over_silence


def drop_words_over_silence(words: list[Word], sound: np.ndarray) -> list[Word]:
    """Remove words Whisper wrote where the audio is silent ("Thank you." after the answer).

    Filled pauses are left to verify_filled_pauses: their times are often wrong by a second or
    more, so silence at their written time says nothing about them.
    ``sound`` is the recording's sound_mask.
    """
    kept = []
    for word in words:
        if word.start is None or word.end is None or canonical_filled_pause(word.text):
            kept.append(word)
            continue
        a = max(0, int((word.start - 0.05) / HOP_S))
        b = min(len(sound), int((word.end + 0.05) / HOP_S) + 1)
        if b > a and sound[a:b].any():
            kept.append(word)
            continue
        # Whisper also gives a real word a zero-length time in the short gap next to its sound
        # ("customer" at 3.48-3.48 between two phrases): sound close on both sides means a
        # mis-timed word inside speech, not one invented over a silence.
        reach = int(round(_MISTIMED_REACH_S / HOP_S))
        if sound[max(0, a - reach) : a].any() and sound[b : b + reach].any():
            kept.append(word)
    return kept


def snap_to_sound(words: list[Word], sound: np.ndarray) -> list[Word]:
    """Trim silence off the edges of each word.

    Whisper stretches a word over the silence before or after it (the first word of an answer
    often "starts" at 0.0 s), which would put markers and quotes at the wrong time.
    ``sound`` is the recording's sound_mask.
    """
    snapped = []
    for word in words:
        if word.start is None or word.end is None:
            snapped.append(word)
            continue
        a = max(0, int(round(word.start / HOP_S)))
        b = min(len(sound), int(round(word.end / HOP_S)))
        inside = np.flatnonzero(sound[a:b]) if b > a else np.array([], dtype=int)
        if inside.size == 0:
            snapped.append(word)
            continue
        start = round((a + inside[0]) * HOP_S, 3)
        end = round((a + inside[-1] + 1) * HOP_S, 3)
        snapped.append(replace(word, start=start, end=max(end, start)))
    return snapped


# A word shorter than this has no time of its own: Whisper put it at one instant.
UNTIMED_MAX_S = 0.02
_MIN_PLACE_S = 0.05  # sound shorter than this in a gap is a click or a release, not a word


def place_untimed_words(words: list[Word], sound: np.ndarray, join_gap_s: float) -> list[Word]:
    """Give each ordinary word Whisper wrote with no length the sound in its gap that no word has.

    A word at one instant ("Like," at 8.52-8.52 between "production." ending at 7.80 and "I'm"
    at 8.85) was said somewhere in the gap between its timed neighbours, and the stretch of sound
    there that no other word covers is where. Left at its instant, its sound looks like a
    pause or an unclaimed syllable (and may be recovered as a filled pause), and the word's own
    time is off by a syllable or more. Consecutive untimed words take the free stretches in
    order; a word with no free sound in its gap keeps its time. Filled pauses are left to
    fillers.verify_filled_pauses, which places them itself. Sound runs closer than ``join_gap_s``
    are one stretch, as for filled pauses (FilledPauseSettings.sound_join_gap_s).
    """
    join = int(round(join_gap_s / HOP_S))
    stretches = [(a * HOP_S, b * HOP_S) for a, b in bridged_runs(sound, join)]
    placed = list(words)
    i = 0
    while i < len(placed):
        if not _is_untimed(placed[i]):
            i += 1
            continue
        j = i
        while j < len(placed) and _is_untimed(placed[j]):
            j += 1
        low = next((w.end for w in reversed(placed[:i]) if w.end is not None and not _is_untimed(w)), 0.0)
        high = next((w.start for w in placed[j:] if w.start is not None and not _is_untimed(w)), len(sound) * HOP_S)
        free = [
            (max(a, low), min(b, high))
            for a, b in stretches
            if min(b, high) - max(a, low) >= _MIN_PLACE_S
        ]
        for k, (start, end) in zip(range(i, j), free):
            if canonical_filled_pause(placed[k].text) is None:
                placed[k] = replace(placed[k], start=round(start, 3), end=round(end, 3))
        i = j
    return placed


def _is_untimed(word: Word) -> bool:
    return word.start is not None and word.end is not None and word.end - word.start < UNTIMED_MAX_S
