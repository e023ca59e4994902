"""Silent pauses measured on the audio, not guessed from word-timestamp gaps.

A pause is a run of frames below the recording's speech threshold, at least
`PauseSettings.min_pause_s` long, between the first and the last word. Tiny bursts inside a
silence (a click, a lip smack) do not split it. Boundaries are frame centres, so they are good to
about one 10 ms hop.
"""

from __future__ import annotations

import numpy as np

from mockloop.analysis.acoustics import FrameFeatures, runs
from mockloop.analysis.frames import FRAME_CENTRE_S, HOP_S
from mockloop.config import PauseSettings
from mockloop.models import Pause, Word


def sound_mask(features: FrameFeatures, settings: PauseSettings) -> np.ndarray:
    """True for frames with sound, after removing bursts too short to be speech."""
    sound = features.energy_db > features.speech_threshold_db()
    min_burst = max(1, int(round(settings.min_voiced_ms / 1000.0 / HOP_S)))
    for start, end in runs(sound):
        if end - start < min_burst:
            sound[start:end] = False
    return sound


def speech_span(features: FrameFeatures, sound: np.ndarray, words: list[Word]) -> tuple[int, int] | None:
    """First and last frame (exclusive) of the answer: sound runs touching the first/last word."""
    timed = [w for w in words if w.start is not None and w.end is not None]
    if not timed or not sound.any():
        return None
    sound_runs = runs(sound)
    first_word_start = features.frame_at(timed[0].start)
    last_word_end = features.frame_at(timed[-1].end)
    # The run that ends after the first word begins is where the answer starts.
    start = next((a for a, b in sound_runs if b > first_word_start), None)
    end = next((b for a, b in reversed(sound_runs) if a < last_word_end), None)
    if start is None or end is None or end <= start:
        return None
    return start, end


def find_pauses(
    features: FrameFeatures, words: list[Word], settings: PauseSettings | None = None
) -> list[Pause]:
    """Every silent pause of at least ``min_pause_s`` inside the answer.

    Args:
        features: frame measurements of the whole recording.
        words: the transcript's words, used only to know where the answer begins and ends.
        settings: thresholds.

    Returns:
        Pauses in time order, with start/end in seconds rounded to milliseconds.
    """
    settings = settings or PauseSettings()
    sound = sound_mask(features, settings)
    span = speech_span(features, sound, words)
    if span is None:
        return []
    first, last = span
    min_frames = settings.min_pause_s / HOP_S
    pauses = []
    for start, end in runs(~sound[first:last]):
        if end - start + 1e-9 >= min_frames:
            t0 = (first + start) * HOP_S + FRAME_CENTRE_S - HOP_S / 2
            t1 = (first + end) * HOP_S + FRAME_CENTRE_S - HOP_S / 2
            pauses.append(Pause(round(t0, 3), round(t1, 3)))
    return pauses

