"""Loudness of audio blocks, for the level meter and for stopping an answer after silence.

Kept apart from the recorder so the rule for "silence" can be read and tested on plain arrays.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SILENCE_FLOOR_DBFS = -120.0  # what digital silence (all zeros) reports, instead of -inf


def rms_dbfs(block: np.ndarray) -> float:
    """Root-mean-square level of a block in dB relative to full scale (0 dBFS = a full-scale square)."""
    if block.size == 0:
        return SILENCE_FLOOR_DBFS
    rms = float(np.sqrt(np.mean(np.square(block, dtype=np.float64))))
    if rms <= 1e-6:
        return SILENCE_FLOOR_DBFS
    return max(SILENCE_FLOOR_DBFS, 20.0 * np.log10(rms))


@dataclass(frozen=True)
class SilenceStop:
    """End an answer after ``after_s`` seconds below ``threshold_dbfs``.

    The clock only runs once the candidate has started speaking, so a slow, thoughtful start is
    never cut off; thinking aloud keeps resetting it. -45 dBFS sits between a quiet room through a
    laptop microphone (about -60 to -50) and speech (about -35 to -15).
    """

    after_s: float
    threshold_dbfs: float = -45.0


class SilenceTracker:
    """Follows the current stretch of silence, block by block."""

    def __init__(self, rule: SilenceStop | None):
        self.rule = rule
        self.heard_speech = False
        self.silent_for_s = 0.0

    def add(self, level_dbfs: float, block_s: float) -> bool:
        """Account for one block; True once the silence rule says the answer is over."""
        threshold = self.rule.threshold_dbfs if self.rule else -45.0
        if level_dbfs >= threshold:
            self.heard_speech = True
            self.silent_for_s = 0.0
            return False
        if self.heard_speech:
            self.silent_for_s += block_s
        return bool(self.rule and self.heard_speech and self.silent_for_s >= self.rule.after_s)
