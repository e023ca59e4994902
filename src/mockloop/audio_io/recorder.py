"""Record one answer to disk while others listen to the same blocks.

The audio callback only queues blocks; one writer thread drains the queue into a WAV file and
hands every block to subscribers (the level meter reads ``level_dbfs``, the streaming transcriber
iterates ``blocks()``). The writer also decides when the answer is over by itself: the time
limit (counted in recorded audio, so a file fed faster than real time ends at the same point)
and the silence rule. Whoever owns the recorder waits with ``wait()``, may end it early with
``request_stop()`` (Enter), and always finishes with ``stop()``, which closes the file.

Why WAV and not FLAC: libsndfile rewrites the WAV header on every flush, so a file cut off by a
crash or a power loss is readable up to the last flush (at most ``flush_interval_s`` lost);
an interrupted FLAC file is not readable at all.
"""

from __future__ import annotations

import enum
import queue
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional

import numpy as np

from mockloop.audio_io.levels import SILENCE_FLOOR_DBFS, SilenceStop, SilenceTracker, rms_dbfs
from mockloop.audio_io.sources import BlockSource
from mockloop.errors import MockloopError


class StopReason(str, enum.Enum):
    ENTER = "enter"  # the candidate pressed Enter
    TIME_LIMIT = "time_limit"
    SILENCE = "silence"
    END_OF_AUDIO = "end_of_audio"  # --answer-audio file finished
    INTERRUPTED = "interrupted"  # Ctrl-C
    DEVICE_ERROR = "device_error"  # microphone gone mid-answer
    WRITE_ERROR = "write_error"  # disk full or file not writable
    STOPPED = "stopped"  # ended by the program (e.g. a test)
    TURN_END = "turn_end"  # the candidate closed their answer ("that's my design") and stopped


class RecordingError(MockloopError):
    """The recording could not be written; the audio recorded before the problem is kept."""


@dataclass(frozen=True)
class RecordingResult:
    path: Path
    samplerate: int
    duration_s: float
    stop_reason: StopReason
    error: Optional[MockloopError] = None
    overflows: int = 0  # blocks PortAudio dropped because the writer fell behind


_END = object()


class _Subscriber:
    def __init__(self) -> None:
        self.queue: queue.SimpleQueue = queue.SimpleQueue()

    def __iter__(self) -> Iterator[np.ndarray]:
        while True:
            block = self.queue.get()
            if block is _END:
                return
            yield block


class Recorder:
    """Writes the blocks of ``source`` to ``path`` (a .wav file) until a stop condition.

    Args:
        path: the WAV file to create (parent folder must exist).
        source: a MicrophoneSource or FileSource.
        time_limit_s: end the answer after this much audio; None for no limit.
        silence_stop: end the answer after a stretch of silence; None to never do so.
        flush_interval_s: how much audio a crash may lose at most.
    """

    def __init__(
        self,
        path: str | Path,
        source: BlockSource,
        *,
        time_limit_s: float | None = None,
        silence_stop: SilenceStop | None = None,
        flush_interval_s: float = 1.0,
    ):
        self.path = Path(path)
        self.source = source
        self.samplerate = int(source.samplerate)
        self.time_limit_s = time_limit_s
        self.flush_interval_s = flush_interval_s
        self._silence = SilenceTracker(silence_stop)
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._subscribers: list[_Subscriber] = []
        self._subscribers_lock = threading.Lock()
        self._done = threading.Event()
        self._reason: StopReason | None = None
        self._error: MockloopError | None = None
        self._frames = 0
        self._level_dbfs = SILENCE_FLOOR_DBFS
        self._file = None
        self._writer: threading.Thread | None = None
        self._result: RecordingResult | None = None
        self._accepting = True

    # --- what observers read while recording -------------------------------------------------

    @property
    def elapsed_s(self) -> float:
        """Seconds of audio written so far."""
        return self._frames / self.samplerate

    @property
    def level_dbfs(self) -> float:
        """Level of the latest block, for the meter."""
        return self._level_dbfs

    @property
    def silent_for_s(self) -> float:
        return self._silence.silent_for_s

    @property
    def heard_speech(self) -> bool:
        return self._silence.heard_speech

    @property
    def stop_reason(self) -> StopReason | None:
        return self._reason

    def blocks(self) -> Iterator[np.ndarray]:
        """Iterate over the blocks recorded from now on, as they arrive, until recording stops.

        Each call makes an independent subscriber, so a transcriber can consume audio while the
        candidate is still talking. Iterate from another thread than the one waiting on the
        recorder.
        """
        subscriber = _Subscriber()
        with self._subscribers_lock:
            if self._result is not None:
                subscriber.queue.put(_END)
            else:
                self._subscribers.append(subscriber)
        return iter(subscriber)

    # --- lifecycle ---------------------------------------------------------------------------

    def start(self) -> "Recorder":
        import soundfile

        from mockloop.privacy import create_private_file

        try:
            create_private_file(self.path)  # recordings are private (0600) from the first byte
            self._file = soundfile.SoundFile(
                str(self.path), "w", samplerate=self.samplerate, channels=self.source.channels,
                format="WAV", subtype="PCM_16",
            )
        except (OSError, RuntimeError) as exc:
            raise RecordingError(f"Cannot create the recording {self.path}: {_why(exc)}") from None
        self._writer = threading.Thread(target=self._write_loop, name="mockloop-recorder-writer", daemon=True)
        self._writer.start()
        try:
            self.source.start(self._on_block, self._on_source_end)
        except BaseException:
            self._queue.put(_END)
            self._writer.join()
            self._close_file()
            raise
        return self

    def wait(self, timeout: float | None = None) -> StopReason | None:
        """Block until a stop condition (or ``timeout``); returns the reason, or None on timeout."""
        self._done.wait(timeout)
        return self._reason

    def request_stop(self, reason: StopReason = StopReason.ENTER) -> None:
        """Ask the recording to end (from any thread); ``stop()`` still has to be called."""
        self._finish(reason)

    def stop(self, reason: StopReason = StopReason.STOPPED) -> RecordingResult:
        """Stop the source, write what is queued, close the file. Safe to call more than once."""
        if self._result is not None:
            return self._result
        self._finish(reason)
        try:
            self.source.stop()
        finally:
            self._queue.put(_END)
            if self._writer is not None:
                self._writer.join()
            self._close_file()
        overflows = int(getattr(self.source, "overflows", 0))
        duration_s = self.elapsed_s
        if self._reason is StopReason.WRITE_ERROR:
            duration_s = self._duration_on_disk(duration_s)
        self._result = RecordingResult(
            path=self.path,
            samplerate=self.samplerate,
            duration_s=duration_s,
            stop_reason=self._reason or reason,
            error=self._error,
            overflows=overflows,
        )
        with self._subscribers_lock:
            for subscriber in self._subscribers:
                subscriber.queue.put(_END)
            self._subscribers.clear()
        return self._result

    def __enter__(self) -> "Recorder":
        return self.start()

    def __exit__(self, exc_type, exc, tb) -> None:
        self.stop(StopReason.INTERRUPTED if exc_type is KeyboardInterrupt else StopReason.STOPPED)

    # --- internals ---------------------------------------------------------------------------

    def _finish(self, reason: StopReason, error: MockloopError | None = None) -> None:
        """Record the first reason the answer ended; later ones are ignored."""
        if self._reason is None:
            self._reason = reason
            if error is not None:
                self._error = error
        self._done.set()

    def _on_block(self, block: np.ndarray) -> None:  # audio thread
        self._queue.put(block)

    def _on_source_end(self, error: BaseException | None) -> None:  # audio or source thread
        self._queue.put(_SourceEnded(error))

    def _write_loop(self) -> None:
        last_flush = time.monotonic()
        unflushed_frames = 0
        while True:
            item = self._queue.get()
            if item is _END:
                return
            if isinstance(item, _SourceEnded):
                if item.error is None:
                    self._finish(StopReason.END_OF_AUDIO)
                else:
                    self._finish(StopReason.DEVICE_ERROR, _as_user_error(item.error, self))
                continue
            if not self._accepting:
                continue
            block = self._trim_to_limit(item)
            if block is None:
                continue
            try:
                self._file.write(block)
                unflushed_frames += len(block)
                now = time.monotonic()
                if unflushed_frames >= self.flush_interval_s * self.samplerate or now - last_flush >= self.flush_interval_s:
                    self._file.flush()
                    unflushed_frames, last_flush = 0, now
            except (OSError, RuntimeError) as exc:
                self._accepting = False
                self._finish(
                    StopReason.WRITE_ERROR,
                    RecordingError(
                        f"Recording stopped at {self.elapsed_s:.1f} s: cannot write {self.path} "
                        f"({_why(exc)}; is the disk full?). The audio up to then is kept."
                    ),
                )
                continue
            self._frames += len(block)
            self._level_dbfs = rms_dbfs(block)
            self._publish(block)
            if self._silence.add(self._level_dbfs, len(block) / self.samplerate):
                self._accepting = False  # the answer ended here; later blocks are not part of it
                self._finish(StopReason.SILENCE)
            if self.time_limit_s is not None and self._frames >= self.time_limit_s * self.samplerate:
                self._accepting = False
                self._finish(StopReason.TIME_LIMIT)

    def _trim_to_limit(self, block: np.ndarray) -> np.ndarray | None:
        if self.time_limit_s is None:
            return block
        room = int(round(self.time_limit_s * self.samplerate)) - self._frames
        if room <= 0:
            return None
        return block[:room]

    def _publish(self, block: np.ndarray) -> None:
        with self._subscribers_lock:
            for subscriber in self._subscribers:
                subscriber.queue.put(block)

    def _duration_on_disk(self, counted_s: float) -> float:
        """After a failed write the file may hold part of the blocks that failed: the record
        gives the length of the audio actually kept, not of the blocks known to be whole."""
        import soundfile

        try:
            return soundfile.info(str(self.path)).frames / self.samplerate
        except (OSError, RuntimeError):
            return counted_s

    def _close_file(self) -> None:
        file, self._file = self._file, None
        if file is None:
            return
        try:
            file.close()
        except (OSError, RuntimeError) as exc:
            if self._error is None:
                self._error = RecordingError(f"Could not finish writing {self.path}: {_why(exc)}.")
                self._reason = self._reason or StopReason.WRITE_ERROR


@dataclass(frozen=True)
class _SourceEnded:
    error: BaseException | None


def _as_user_error(error: BaseException, recorder: Recorder) -> MockloopError:
    kept = f" The {recorder.elapsed_s:.1f} s recorded before that are kept in {recorder.path}."
    if isinstance(error, MockloopError):
        return type(error)(f"{error}{kept}")
    return RecordingError(f"Recording stopped: {error}.{kept}")


def _why(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
