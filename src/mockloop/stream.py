"""Transcribe audio while it is still arriving, cut into chunks at pauses.

A five-minute answer transcribed only after it ends keeps the candidate waiting tens of seconds.
Here audio is fed in blocks as it is recorded (or decoded); whenever about a Whisper window of it
has gathered, it is cut at the longest pause near the end of that window and handed to a worker
thread that transcribes it and measures its frames. When the answer ends only the last chunk is
left to do. The same path analyses files with bounded memory: no more than one window of decoded
audio is held, however long the recording.

Chunks are cut on whole 10 ms hops, so the frame measurements of the chunks join into exactly the
frames of the whole recording.
"""

from __future__ import annotations

import queue
import threading
from dataclasses import dataclass

import numpy as np

from mockloop.acoustics import RawFrames, has_speech, levels, measure_raw, speech_threshold_db
from mockloop.audio import SAMPLE_RATE
from mockloop.models import Word

_HOP = 160


@dataclass(frozen=True)
class StreamSettings:
    target_chunk_s: float = 28.0  # Whisper sees 30 s windows; a shorter chunk costs the same
    min_chunk_s: float = 14.0  # never cut earlier than this into a chunk
    min_cut_pause_s: float = 0.2  # a pause this long is a safe place to cut


@dataclass
class StreamResult:
    words: list[Word]
    frames: list[RawFrames]
    samples: int

    @property
    def duration_s(self) -> float:
        return self.samples / SAMPLE_RATE


class StreamingTranscriber:
    """Feed 16 kHz mono blocks with `feed`; `finish` returns all words and frame measurements.

    Args:
        transcribe: ``(samples, offset_s) -> list[Word]``, e.g. ``Transcriber.transcribe``.
        settings: chunking thresholds.
    """

    def __init__(self, transcribe, settings: StreamSettings | None = None):
        self._transcribe = transcribe
        self.settings = settings or StreamSettings()
        self._pending: list[np.ndarray] = []
        self._pending_len = 0
        self._offset = 0  # samples already handed to the worker
        self._energy_db: list[np.ndarray] = []  # per-hop level of the pending audio, to find pauses
        self._jobs: queue.Queue = queue.Queue()
        self._results: list[tuple[int, list[Word], RawFrames]] = []
        self._error: BaseException | None = None
        self._worker = threading.Thread(target=self._work, name="mockloop-stream", daemon=True)
        self._worker.start()
        self._finished = False

    # --- producer side -----------------------------------------------------------------------

    def feed(self, block: np.ndarray) -> None:
        """Add 16 kHz mono float32 samples; may hand a chunk to the worker."""
        if self._finished:
            raise RuntimeError("feed() after finish()")
        if block.size == 0:
            return
        block = np.asarray(block, dtype=np.float32).reshape(-1)
        self._pending.append(block)
        self._pending_len += len(block)
        if self._pending_len >= int(self.settings.target_chunk_s * SAMPLE_RATE):
            self._cut()

    def finish(self) -> StreamResult:
        """Transcribe what is left and wait for the worker; raises what the worker raised."""
        if not self._finished:
            self._finished = True
            if self._pending_len:
                samples = np.concatenate(self._pending)
                self._pending, self._pending_len = [], 0
                self._submit(samples)
            self._jobs.put(None)
        self._worker.join()
        if self._error is not None:
            raise self._error
        self._results.sort(key=lambda r: r[0])
        words = [w for _offset, chunk_words, _frames in self._results for w in chunk_words]
        frames = [f for _offset, _words, f in self._results]
        return StreamResult(words, frames, self._offset)

    def close(self) -> None:
        """Stop the worker without waiting for results (used when a recording is abandoned)."""
        if not self._finished:
            self._finished = True
            self._jobs.put(None)

    def _cut(self) -> None:
        samples = np.concatenate(self._pending)
        cut = _cut_point(samples, self.settings)
        self._submit(samples[:cut])
        rest = samples[cut:]
        self._pending = [rest] if rest.size else []
        self._pending_len = len(rest)

    def _submit(self, samples: np.ndarray) -> None:
        self._jobs.put((self._offset, samples))
        self._offset += len(samples)

    # --- worker side -------------------------------------------------------------------------

    def _work(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            if self._error is not None:
                continue
            offset, samples = job
            try:
                frames = measure_raw(samples)
                words = self._transcribe(samples, offset / SAMPLE_RATE) if _has_sound(frames) else []
                self._results.append((offset, words, frames))
            except BaseException as exc:  # noqa: BLE001 - handed to the caller in finish()
                self._error = exc


def _has_sound(frames: RawFrames) -> bool:
    """Skip Whisper on a chunk with no sound at all (it would only invent words there)."""
    return frames.energy_db.size > 0 and has_speech(*levels(frames.energy_db))


def _cut_point(samples: np.ndarray, settings: StreamSettings) -> int:
    """Where to end this chunk: the middle of the longest pause between min and target length.

    Returns a sample index on a hop boundary. Without a pause, the quietest 100 ms is used.
    """
    hops = len(samples) // _HOP
    frames = samples[: hops * _HOP].reshape(hops, _HOP)
    level_db = 10.0 * np.log10(np.mean(frames.astype(np.float64) ** 2, axis=1) + 1e-12)
    low = int(settings.min_chunk_s * SAMPLE_RATE / _HOP)
    high = min(hops, int(settings.target_chunk_s * SAMPLE_RATE / _HOP))
    window = level_db[low:high]
    if window.size == 0:
        return high * _HOP
    floor, level = levels(level_db)
    if has_speech(floor, level):
        quiet = window < speech_threshold_db(floor, level)
    else:  # no quiet stretch stands out: there is no pause to find
        quiet = np.zeros(window.size, dtype=bool)
    best_len, best_mid = 0, None
    run_start = None
    for i, is_quiet in enumerate(np.append(quiet, False)):
        if is_quiet and run_start is None:
            run_start = i
        elif not is_quiet and run_start is not None:
            length = i - run_start
            if length >= best_len:  # ties go to the later pause: longer chunks, fewer windows
                best_len, best_mid = length, run_start + length // 2
            run_start = None
    if best_mid is not None and best_len * _HOP / SAMPLE_RATE >= settings.min_cut_pause_s:
        return (low + best_mid) * _HOP
    smooth = np.convolve(window, np.ones(10) / 10.0, mode="same")
    return (low + int(np.argmin(smooth))) * _HOP


class To16kMono:
    """Turn (frames, channels) float32 blocks at any rate into 16 kHz mono, block by block."""

    def __init__(self, samplerate: int):
        self.samplerate = int(samplerate)
        self._resampler = None
        if self.samplerate != SAMPLE_RATE:
            import av

            self._resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)

    def __call__(self, block: np.ndarray) -> np.ndarray:
        block = np.asarray(block, dtype=np.float32)
        mono = block.mean(axis=1) if block.ndim == 2 else block
        if self._resampler is None:
            return np.ascontiguousarray(mono, dtype=np.float32)
        import av

        frame = av.AudioFrame.from_ndarray(mono.reshape(1, -1), format="flt", layout="mono")
        frame.sample_rate = self.samplerate
        out = [f.to_ndarray().reshape(-1) for f in self._resampler.resample(frame)]
        return np.concatenate(out).astype(np.float32) if out else np.zeros(0, dtype=np.float32)


class LiveStream:
    """Feeds a recorder's blocks into a StreamingTranscriber from a background thread.

    Subscribe before the recording starts so no block is missed; the thread waits for the model
    (which may still be loading while the prompt is spoken) and then catches up.
    """

    def __init__(self, blocks, samplerate: int, make_streamer, ready: threading.Event | None = None):
        self._blocks = blocks
        self._convert = To16kMono(samplerate)
        self._make_streamer = make_streamer
        self._ready = ready
        self._streamer: StreamingTranscriber | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="mockloop-live-stream", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            if self._ready is not None:
                self._ready.wait()
            self._streamer = self._make_streamer()
            for block in self._blocks:
                self._streamer.feed(self._convert(block))
        except BaseException as exc:  # noqa: BLE001 - reported by streamer()
            self._error = exc
            for _ in self._blocks:  # keep draining so the recorder's queue does not grow
                pass

    def streamer(self) -> StreamingTranscriber:
        """The fed streamer, once the recording has ended (call finish on it)."""
        self._thread.join()
        if self._error is not None:
            if self._streamer is not None:
                self._streamer.close()
            raise self._error
        return self._streamer
