"""A scripted candidate and a microphone's room tone, for the echo tests.

The candidate (espeak-ng, American voice) asks the interviewer a question whose answer is on the
fact sheet of ``PROMPT_ID``; tiny.en hears these words reliably in this voice.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import soundfile as sf

PROMPT_ID = "sd-robot-fleet-anomalies"
ASKED = "Before I design anything, can I ask who owns operations for the robots?"  # reaches the "teams" fact
RATE = 16000


def speech(text: str, voice: str, folder: Path, gain: float) -> np.ndarray:
    """espeak-ng saying ``text`` at 165 words a minute, as 16 kHz float32 peaking at ``gain``."""
    raw = Path(folder) / f"{voice}-{len(text)}.wav"
    subprocess.run(["espeak-ng", "-v", voice, "-s", "165", "-w", str(raw), text], check=True)
    audio, rate = sf.read(raw, dtype="float32")
    audio = np.interp(np.arange(0, len(audio), rate / RATE), np.arange(len(audio)), audio)
    return (gain * audio / np.abs(audio).max()).astype(np.float32)


def room(seconds: float, rng) -> np.ndarray:
    """Room tone at -58 dBFS: a microphone's quiet, not digital silence."""
    return rng.normal(0, 10 ** (-58 / 20), int(RATE * seconds)).astype(np.float32)
