"""Decode any answer recording into the one format the pipeline works on: 16 kHz mono float32.

Decoding goes through PyAV (already a faster-whisper dependency), so wav, flac, mp3, m4a, ogg and
webm at any sample rate and channel count are read the same way. Every way a file can be unusable
becomes one InputError sentence here, so the rest of the pipeline can assume good audio.

A damaged file is not passed off as whole: packets that fail to decode are skipped and counted,
a jump in the frames' timestamps is a stretch that was lost, and the decoded length is checked
against the length the container declares. What was skipped, and where, goes into a
DecodeReport (the analysis carries its warnings); a file mostly unreadable is refused.
"""

from __future__ import annotations

import errno
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Optional

import numpy as np

from mockloop.analysis.frames import SAMPLE_RATE  # the rate of the one frame grid
from mockloop.config import DecodeSettings
from mockloop.errors import InputError
from mockloop.timefmt import clock

AUDIO_EXTENSIONS = (".wav", ".flac", ".mp3", ".m4a", ".ogg", ".oga", ".opus", ".webm", ".mp4", ".aac")
TEXT_EXTENSIONS = (".txt",)


def check_input_path(path: Path) -> str:
    """Return "audio" or "text" for a path the analyzer accepts, or raise InputError."""
    if not str(path).strip():
        raise InputError("an empty path was given: name an audio file or a .txt transcript")
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise InputError(f"{path}: symbolic link loop (the link points back at itself)") from None
        if exc.errno == errno.ENOENT:
            raise InputError(f"{path}: no such file") from None
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    if stat.S_ISDIR(mode):
        raise InputError(f"{path}: is a folder, expected an audio file or a .txt transcript")
    if not stat.S_ISREG(mode):
        what = "a named pipe (FIFO)" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else "a device"
        raise InputError(f"{path}: is {what}, not a file; save the recording to a file first")
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
    try:
        path.open("rb").close()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or 'permission denied'})") from None
    return kind


@dataclass
class DecodeReport:
    """What decoding a file had to skip; filled in while iter_audio_blocks runs.

    Times are seconds of the file as a player shows it (``at_s``) and of audio lost.
    """

    declared_s: Optional[float] = None  # the length the container says the audio has
    decoded_s: float = 0.0  # the length actually decoded
    gaps: list[tuple[float, float]] = field(default_factory=list)  # (at_s, missing_s), in file time
    bad_packets: int = 0  # packets the decoder refused (skipped)
    stopped_at_s: Optional[float] = None  # the file became unreadable here; nothing after it decoded
    source: str = ""

    @property
    def missing_s(self) -> float:
        """Audio the container declares but that was not decoded (0 when it declares nothing)."""
        return max(0.0, self.declared_s - self.decoded_s) if self.declared_s else 0.0

    def warnings(self, settings: DecodeSettings = DecodeSettings()) -> list[str]:
        """One sentence per damaged stretch, or none for a whole file."""
        name = self.source or "the audio"
        notes = [
            f"{name}: damaged audio: {missing:.1f} s at {clock(at)} could not be decoded and was skipped; "
            "the audio on either side is joined, so pauses and pace there are not real"
            for at, missing in self.gaps
        ]
        if self.stopped_at_s is not None and self.missing_s > settings.gap_tolerance_s:
            notes.append(
                f"{name}: damaged audio: unreadable from {clock(self.stopped_at_s)}; "
                f"only {self.decoded_s:.1f} s of {self.declared_s:.1f} s decoded"
            )
        unexplained = self.missing_s - sum(missing for _, missing in self.gaps)
        if self.stopped_at_s is None and unexplained > max(settings.gap_tolerance_s, settings.length_tolerance * (self.declared_s or 0)):
            notes.append(
                f"{name}: damaged audio: {self.decoded_s:.1f} s decoded of the {self.declared_s:.1f} s the file declares"
            )
        elif self.bad_packets and not notes:
            notes.append(f"{name}: damaged audio: {self.bad_packets} undecodable packet(s) skipped")
        return notes


def _declared_seconds(path: Path, container, stream) -> Optional[float]:
    header = _wav_header_seconds(path)
    if header is not None:  # ffmpeg measures a WAV by its file size, which a cut file shrinks too
        return header
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / 1_000_000  # av.time_base: microseconds
    return None


def _wav_header_seconds(path: Path) -> Optional[float]:
    """The length a RIFF/WAVE header declares for its PCM data, or None (not a WAV, or unknown).

    A recorder that streams its WAV writes 0 or 0xFFFFFFFF as the data size until it closes the
    file; those say nothing and are ignored.
    """
    import struct

    try:
        with open(path, "rb") as handle:
            head = handle.read(4096)
    except OSError:
        return None
    if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
        return None
    position, byte_rate = 12, None
    while position + 8 <= len(head):
        chunk, size = head[position : position + 4], struct.unpack("<I", head[position + 4 : position + 8])[0]
        if chunk == b"fmt " and position + 16 <= len(head):
            byte_rate = struct.unpack("<I", head[position + 16 : position + 20])[0]
        elif chunk == b"data":
            if not byte_rate or size in (0, 0xFFFFFFFF):
                return None
            return size / byte_rate
        position += 8 + size + (size & 1)
    return None


def iter_audio_blocks(
    path: Path, report: Optional[DecodeReport] = None, settings: DecodeSettings = DecodeSettings()
) -> Iterator[np.ndarray]:
    """Decode ``path`` block by block to 16 kHz mono float32, holding only one block at a time.

    Damaged stretches are skipped and recorded in ``report`` (see DecodeReport).

    Raises:
        InputError: the file is missing, empty, not audio, truncated, holds no samples, or less
            than settings.min_decoded_share of it could be decoded.
    """
    check_input_path(path)
    # Imported here so text-only use never pays for PyAV.
    import av

    report = report if report is not None else DecodeReport()
    report.source = report.source or Path(path).name
    produced = 0
    expected_s: Optional[float] = None  # file time where the next frame should start
    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            if not container.streams.audio:
                raise InputError(f"{path}: contains no audio stream")
            stream = container.streams.audio[0]
            report.declared_s = _declared_seconds(path, container, stream)
            resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
            try:
                for packet in container.demux(stream):
                    try:
                        frames = packet.decode()
                    except av.error.InvalidDataError:
                        report.bad_packets += 1
                        continue
                    for frame in frames:
                        start_s = float(frame.pts * frame.time_base) if frame.pts is not None and frame.time_base else None
                        if start_s is not None and expected_s is not None and start_s - expected_s > settings.gap_tolerance_s:
                            report.gaps.append((expected_s, start_s - expected_s))
                        duration_s = frame.samples / frame.sample_rate if frame.sample_rate else 0.0
                        if start_s is not None:
                            expected_s = max(expected_s or 0.0, start_s) + duration_s
                        elif expected_s is not None:
                            expected_s += duration_s
                        report.decoded_s += duration_s
                        frame.pts = None  # let the resampler keep its own clock across odd timestamps
                        for out in resampler.resample(frame):
                            block = _to_float(out)
                            produced += block.size
                            yield block
            except (av.error.InvalidDataError, av.error.EOFError):
                if not produced:
                    raise
                report.stopped_at_s = expected_s if expected_s is not None else report.decoded_s
            for out in resampler.resample(None):
                block = _to_float(out)
                produced += block.size
                yield block
    except InputError:
        raise
    except (av.error.InvalidDataError, av.error.EOFError) as exc:
        raise InputError(f"{path}: not a readable audio file (corrupt or truncated)") from exc
    except av.error.FFmpegError as exc:
        raise InputError(f"{path}: cannot decode audio ({exc.strerror or type(exc).__name__})") from exc
    except PermissionError as exc:
        raise InputError(f"{path}: permission denied") from exc
    if produced == 0:
        raise InputError(f"{path}: audio has zero length (no samples could be decoded: empty, truncated or corrupt)")
    if report.declared_s and report.decoded_s < settings.min_decoded_share * report.declared_s:
        raise InputError(
            f"{path}: damaged audio: only {report.decoded_s:.1f} s of {report.declared_s:.1f} s could be decoded"
        )


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
