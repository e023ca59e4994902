"""Measurements the replay sound tests compare: pitch, loudness over time, where sound starts and ends."""

from __future__ import annotations

import numpy as np


def dominant_hz(samples: np.ndarray, rate: int) -> float:
    """The frequency of the FFT peak between 50 Hz and 4 kHz."""
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    freqs = np.fft.rfftfreq(len(samples), 1 / rate)
    band = (freqs >= 50) & (freqs <= 4000)
    return float(freqs[band][np.argmax(spectrum[band])])


def voice_pitch_hz(samples: np.ndarray, rate: int, low: float = 70.0, high: float = 400.0) -> float:
    """The median fundamental frequency of the voiced 40 ms frames (autocorrelation peak).

    A speech spectrum's highest peak hops between harmonics from one clip to the next, so speech
    is compared by its fundamental: resampling at 1.25 moves it by a quarter, stretching does not.
    """
    size = int(rate * 0.04)
    frames = [samples[i : i + size] - samples[i : i + size].mean() for i in range(0, len(samples) - size, size // 2)]
    loudest = max(rms(f) for f in frames)
    shortest, longest = int(rate / high), int(rate / low)
    pitches = []
    for frame in frames:
        if rms(frame) < 0.2 * loudest:
            continue
        corr = np.correlate(frame, frame, "full")[size - 1 :]
        lag = shortest + int(np.argmax(corr[shortest:longest]))
        if corr[lag] > 0.5 * corr[0]:  # clearly periodic: a voiced frame
            pitches.append(rate / lag)
    assert len(pitches) >= 20, "too few voiced frames to measure a pitch"
    return float(np.median(pitches))


def envelope(samples: np.ndarray, frame: int) -> np.ndarray:
    """Loudness (RMS) of consecutive frames of ``frame`` samples."""
    count = len(samples) // frame
    return np.sqrt(np.mean(np.square(samples[: count * frame].reshape(count, frame), dtype=np.float64), axis=1))


def rms(samples: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(samples, dtype=np.float64)))) if len(samples) else 0.0


def sounding_span(samples: np.ndarray, rate: int, frame_s: float = 0.02, floor: float = 0.05) -> tuple[float, float]:
    """(first, last) second at which a 20 ms frame is louder than ``floor`` times the loudest one."""
    loud = np.flatnonzero(envelope(samples, int(rate * frame_s)) > floor * envelope(samples, int(rate * frame_s)).max())
    return loud[0] * frame_s, (loud[-1] + 1) * frame_s
