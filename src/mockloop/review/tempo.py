"""Faster or slower speech at the same pitch, for replays at ``--speed``.

Resampling a voice to play it faster raises its pitch with the speed (at 1.25, by a major
third), so the candidate no longer sounds like themselves. ffmpeg's ``atempo`` filter changes
the tempo and keeps the pitch; PyAV, already installed for decoding, runs it, so there is no
extra dependency.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

BLOCK = 16384  # samples per frame pushed into the filter graph
STEP_RANGE = (0.5, 2.0)  # atempo blends (rather than skips) samples within this range per instance


def stretch_tempo(samples: np.ndarray, samplerate: int, speed: float) -> np.ndarray:
    """``samples`` played ``speed`` times as fast at the same pitch: about ``len / speed`` long.

    ``samples`` is mono (n,) or (n, channels); the result is float32 with the same channels. At
    speed 1 (or with no samples) the input is returned untouched.

    Raises:
        ValueError: ``speed`` is not a positive finite number.
    """
    if not (math.isfinite(speed) and speed > 0):
        raise ValueError(f"speed must be a positive number, not {speed!r}")
    if abs(speed - 1.0) < 1e-9 or len(samples) == 0:
        return samples
    frames = np.asarray(samples, dtype=np.float32)
    mono = frames.ndim == 1
    planar = np.ascontiguousarray((frames[:, None] if mono else frames).T)  # (channels, n)
    stretched = _run_atempo(planar, samplerate, tempo_steps(speed))
    return stretched[0] if mono else np.ascontiguousarray(stretched.T)


def tempo_steps(speed: float) -> list[float]:
    """``speed`` as a product of atempo factors, each within ``STEP_RANGE``."""
    low, high = STEP_RANGE
    steps = []
    while speed > high:
        steps.append(high)
        speed /= high
    while speed < low:
        steps.append(low)
        speed /= low
    return [*steps, speed]


def _run_atempo(planar: np.ndarray, samplerate: int, steps: list[float]) -> np.ndarray:
    import av

    channels = planar.shape[0]
    layout = f"{channels}c"
    time_base = Fraction(1, samplerate)
    graph = av.filter.Graph()
    node = graph.add_abuffer(format="fltp", sample_rate=samplerate, layout=layout, time_base=time_base)
    for step in steps:
        tempo = graph.add("atempo", f"{step:.9f}")
        node.link_to(tempo)
        node = tempo
    planar_out = graph.add("aformat", "sample_fmts=fltp")  # else the sink may pick packed samples
    node.link_to(planar_out)
    planar_out.link_to(graph.add("abuffersink"))
    graph.configure()

    out: list[np.ndarray] = []

    def drain() -> None:
        while True:
            try:
                out.append(graph.pull().to_ndarray())
            except (BlockingIOError, av.error.EOFError):
                return

    for start in range(0, planar.shape[1], BLOCK):
        frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(planar[:, start : start + BLOCK]), format="fltp", layout=layout)
        frame.sample_rate, frame.time_base, frame.pts = samplerate, time_base, start
        graph.push(frame)
        drain()
    graph.push(None)  # end of stream: atempo flushes what it still holds
    drain()
    if not out:
        return np.zeros((channels, 0), dtype=np.float32)
    return np.concatenate(out, axis=1).astype(np.float32, copy=False)
