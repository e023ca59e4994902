"""Damaged recordings made from good ones, as a bad disk block or a broken copy leaves them.

Imported by the tests that need them (``from audio_damage import ...``, like tests/pulse.py): the
audio is encoded with PyAV (mp3, flac) or soundfile (wav), then bytes are overwritten or cut.
"""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import soundfile as sf

CODECS = {"mp3": ("libmp3lame", "mp3"), "flac": ("flac", "flac")}


def encode(samples: np.ndarray, rate: int, path: Path) -> Path:
    """Write mono float samples to ``path`` in the format its suffix names (mp3, flac or wav)."""
    suffix = path.suffix.lstrip(".")
    if suffix == "wav":
        sf.write(path, samples, rate, subtype="PCM_16")
        return path
    codec, container_format = CODECS[suffix]
    pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype(np.int16)
    with av.open(str(path), "w", format=container_format) as container:
        stream = container.add_stream(codec, rate=rate, layout="mono")
        pts = 0
        for start in range(0, len(pcm), 1152):
            block = pcm[start : start + 1152]
            frame = av.AudioFrame.from_ndarray(block.reshape(1, -1), format="s16", layout="mono")
            frame.sample_rate, frame.pts = rate, pts
            pts += len(block)
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return path


def garble(path: Path, start_share: float, end_share: float, seed: int = 1, target: Path | None = None) -> Path:
    """Overwrite bytes [start_share, end_share) of the file with random bytes."""
    data = bytearray(path.read_bytes())
    a, b = int(len(data) * start_share), int(len(data) * end_share)
    data[a:b] = np.random.default_rng(seed).integers(0, 256, b - a, dtype=np.uint8).tobytes()
    target = target or path.with_name(f"damaged-{path.name}")
    target.write_bytes(bytes(data))
    return target


def cut(path: Path, keep_share: float, target: Path | None = None) -> Path:
    """The file's first ``keep_share`` of bytes: a copy or download that stopped early."""
    data = path.read_bytes()
    target = target or path.with_name(f"cut-{path.name}")
    target.write_bytes(data[: int(len(data) * keep_share)])
    return target
