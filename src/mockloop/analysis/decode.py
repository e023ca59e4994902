"""Decode any answer recording into the one format the pipeline works on: 16 kHz mono float32.

Decoding goes through PyAV (already a faster-whisper dependency), so wav, flac, mp3, m4a, ogg and
webm at any sample rate and channel count are read the same way. Every way a file can be unusable
becomes one InputError sentence here, so the rest of the pipeline can assume good audio.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import numpy as np

from mockloop.analysis.frames import SAMPLE_RATE  # the rate of the one frame grid
from mockloop.errors import InputError

AUDIO_EXTENSIONS = (".wav", ".flac", ".mp3", ".m4a", ".ogg", ".oga", ".opus", ".webm", ".mp4", ".aac")
TEXT_EXTENSIONS = (".txt",)


def check_input_path(path: Path) -> str:
    """Return "audio" or "text" for a path the analyzer accepts, or raise InputError."""
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a folder, expected an audio file or a .txt transcript")
    suffix = path.suffix.lower()
    if suffix in TEXT_EXTENSIONS:
        kind = "text"
    elif suffix in AUDIO_EXTENSIONS:
        kind = "audio"
    else:
        accepted = ", ".join(ext.lstrip(".") for ext in AUDIO_EXTENSIONS + TEXT_EXTENSIONS)
        raise InputError(f"{path}: unsupported file type '{suffix or '(none)'}'; use one of {accepted}")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from exc
    if size == 0:
        raise InputError(f"{path}: file is empty")
    return kind


def iter_audio_blocks(path: Path) -> Iterator[np.ndarray]:
    """Decode ``path`` block by block to 16 kHz mono float32, holding only one block at a time.

    Raises:
        InputError: the file is missing, empty, not audio, truncated or holds no samples.
    """
    check_input_path(path)
    # Imported here so text-only use never pays for PyAV.
    import av

    produced = 0
    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            if not container.streams.audio:
                raise InputError(f"{path}: contains no audio stream")
            stream = container.streams.audio[0]
            resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
            for frame in container.decode(stream):
                frame.pts = None  # let the resampler keep its own clock across odd timestamps
                for out in resampler.resample(frame):
                    block = _to_float(out)
                    produced += block.size
                    yield block
            for out in resampler.resample(None):
                block = _to_float(out)
                produced += block.size
                yield block
    except InputError:
        raise
    except (av.error.InvalidDataError, av.error.EOFError) as exc:
        if produced:  # a truncated file: keep what decoded, as players do
            return
        raise InputError(f"{path}: not a readable audio file (corrupt or truncated)") from exc
    except av.error.FFmpegError as exc:
        raise InputError(f"{path}: cannot decode audio ({exc.strerror or type(exc).__name__})") from exc
    except PermissionError as exc:
        raise InputError(f"{path}: permission denied") from exc
    if produced == 0:
        raise InputError(f"{path}: audio has zero length (no samples could be decoded: empty, truncated or corrupt)")


def _to_float(frame) -> np.ndarray:
    block = frame.to_ndarray().reshape(-1).astype(np.float32) / 32768.0
    if not np.isfinite(block).all():
        raise InputError("audio contains invalid samples")
    return block


def load_audio(path: Path) -> np.ndarray:
    """Decode all of ``path`` to 16 kHz mono float32 in [-1, 1] (see iter_audio_blocks)."""
    return np.concatenate(list(iter_audio_blocks(path)))


def read_transcript_text(path: Path) -> str:
    """Read a plain-text transcript, refusing binary data with a clear error."""
    check_input_path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from exc
    if b"\x00" in raw:
        raise InputError(f"{path}: looks like binary data, not a text transcript")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text (byte {exc.start} is invalid)") from exc
    printable = sum(ch.isprintable() or ch.isspace() for ch in text)
    if text and printable / len(text) < 0.95:
        raise InputError(f"{path}: looks like binary data, not a text transcript")
    return text
