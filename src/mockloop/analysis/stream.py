"""Transcribe audio while it is still arriving, cut into chunks at pauses.

A five-minute answer transcribed only after it ends keeps the candidate waiting tens of seconds.
Here audio is fed in blocks as it is recorded (or decoded); whenever about a Whisper window of it
has gathered, it is cut at the longest pause near the end of that window and handed to a worker
thread that transcribes it and measures its frames. The same path analyses files with bounded
memory: no more than one window of decoded audio is held, however long the recording.

Live, that still leaves up to a whole window to transcribe after the candidate stops. So while
the worker is idle, each time the speaker pauses it also transcribes the open chunk up to that
pause ("looking ahead"). When the answer ends with the usual silence before Enter, the latest
look-ahead already holds every word and nothing is left to transcribe. When the candidate spoke
after it (Enter pressed mid-sentence), the open chunk is transcribed whole, exactly as a file
would be, so streaming never changes the words.

Chunks are cut on whole 10 ms hops, so the frame measurements of the chunks join into exactly the
frames of the whole recording.
"""

from __future__ import annotations

import queue
import threading
from dataclasses import dataclass

import numpy as np

from mockloop.analysis.acoustics import RawFrames, clipped_share, levels, measure_raw, runs, unclipped_rms
from mockloop.analysis.frames import HOP_SAMPLES as _HOP, SAMPLE_RATE, WINDOW_S as _WINDOW_S, speech_stands_out, speech_threshold_db
from mockloop.analysis.prosody import pitch_track
from mockloop.models import Word

_MAX_QUEUED_JOBS = 2


@dataclass(frozen=True)
class StreamSettings:
    # Whisper pays for a whole 30 s window whatever the chunk's length, so chunks are cut as late
    # as a pause allows: between min_chunk_s and target_chunk_s, at the longest pause there.
    target_chunk_s: float = 29.0
    min_chunk_s: float = 18.0
    fallback_min_chunk_s: float = 8.0  # where to look for a pause when there is none after min_chunk_s
    min_cut_pause_s: float = 0.2  # a pause this long is a safe place to cut
    live: bool = False  # look ahead at pauses while the worker is idle (see the module docstring)
    lookahead_pause_s: float = 0.5  # the open chunk must end in at least this much quiet
    lookahead_min_new_s: float = 2.0  # ...and have grown this much since the last look-ahead
    # A file's chunks are transcribed this many at a time: the chunks need nothing from each
    # other, and the frames, the encoder and the pitch pass of one chunk then overlap the beam
    # searches of the other. Live input keeps one worker: its look-ahead assumes one.
    file_workers: int = 2


@dataclass
class _Chunk:
    """One transcribed stretch of the recording, ``offset`` samples from its start."""

    offset: int
    length: int
    words: list[Word]
    frames: RawFrames
    pitch_hz: np.ndarray  # Praat's pitch on the same frames (zeros where the chunk holds no speech)


@dataclass
class StreamResult:
    words: list[Word]
    frames: list[RawFrames]
    samples: int
    pitch_hz: list[np.ndarray] | None = None  # per chunk, aligned with ``frames``

    @property
    def duration_s(self) -> float:
        return self.samples / SAMPLE_RATE


class StreamingTranscriber:
    """Feed 16 kHz mono blocks with `feed`; `finish` returns all words and frame measurements.

    Args:
        transcribe: ``(samples, offset_s, sound_end_s) -> list[Word]``, e.g.
            ``Transcriber.transcribe``; ``sound_end_s`` is where the chunk's last sound ends.
        settings: chunking thresholds, and whether to look ahead (live input).
    """

    def __init__(self, transcribe, settings: StreamSettings | None = None):
        self._transcribe = transcribe
        self.settings = settings or StreamSettings()
        self._pending: list[np.ndarray] = []
        self._pending_len = 0
        self._offset = 0  # samples already committed to chunks; the open chunk starts here
        # Bounded: a file decodes far faster than Whisper transcribes it, and an unbounded queue
        # would end up holding the whole decoded recording. feed() waits for the worker instead.
        self._jobs: queue.Queue = queue.Queue(maxsize=_MAX_QUEUED_JOBS)
        self._results: list[_Chunk] = []
        self._error: BaseException | None = None
        self._lock = threading.Lock()
        self._ahead: _Chunk | None = None  # latest look-ahead; a prefix of the open chunk while its offset is current
        self._ahead_idle = threading.Event()  # set while no look-ahead is in flight
        self._ahead_idle.set()
        self._ahead_asked_len = 0  # open-chunk length at the last look-ahead request
        self._feeding = threading.Lock()  # feed() and look_ahead_now() both touch the open chunk
        count = 1 if self.settings.live else max(1, self.settings.file_workers)
        self._workers = [threading.Thread(target=self._work, name=f"mockloop-stream-{k}", daemon=True) for k in range(count)]
        for worker in self._workers:
            worker.start()
        self._finished = False

    # --- producer side -----------------------------------------------------------------------

    def feed(self, block: np.ndarray) -> None:
        """Add 16 kHz mono float32 samples; may hand a chunk (or a look-ahead) to the worker."""
        if self._finished:
            raise RuntimeError("feed() after finish()")
        if block.size == 0:
            return
        block = np.asarray(block, dtype=np.float32).reshape(-1)
        with self._feeding:
            self._pending.append(block)
            self._pending_len += len(block)
            target = int(self.settings.target_chunk_s * SAMPLE_RATE)
            if self._pending_len >= target:
                while self._pending_len >= target:  # a long block (a whole file at once) holds several chunks
                    self._cut()
            elif self.settings.live:
                self._maybe_look_ahead()

    def look_ahead_now(self) -> None:
        """Look ahead at the open chunk now if it ends in a pause and has grown since the last
        look-ahead, however little (live only; the worker must be idle). For a source that stops
        feeding at a pause until the words have caught up (a file playing the candidate)."""
        if not self.settings.live or self._finished:
            return
        with self._feeding:
            if self._pending_len > self._ahead_asked_len:
                self._maybe_look_ahead(min_new_s=0.0)

    def heard_until_s(self) -> float:
        """How far into the recording the words of ``words_so_far`` reach: the end of the last
        transcribed chunk, or of the open chunk's latest look-ahead."""
        with self._lock:
            ends = [chunk.offset + chunk.length for chunk in self._results]
            ahead = self._ahead if self._ahead is not None and self._ahead.offset == self._offset else None
        if ahead is not None:
            ends.append(ahead.offset + ahead.length)
        return max(ends, default=0) / SAMPLE_RATE

    def finish(self) -> StreamResult:
        """Transcribe what is left and wait for the worker; raises what the worker raised."""
        if not self._finished:
            self._finished = True
            if self._pending_len:
                samples = self._take_pending()
                self._ahead_idle.wait()
                ahead = self._ahead
                if ahead is not None and ahead.offset == self._offset and _silent_after(samples, ahead):
                    # The look-ahead already covers every word of the open chunk: keep it, and
                    # only measure the silence after it.
                    with self._lock:
                        self._results.append(ahead)
                    self._offset += ahead.length
                    samples = samples[ahead.length :]
                    if samples.size:
                        self._submit(samples, transcribe=False)
                else:  # speech after the last look-ahead: transcribe the open chunk whole, as a file is
                    self._submit(samples)
            self._stop_workers()
        for worker in self._workers:
            worker.join()
        if self._error is not None:
            raise self._error
        chunks = sorted(self._results, key=lambda chunk: chunk.offset)
        words = [w for chunk in chunks for w in chunk.words]
        return StreamResult(words, [chunk.frames for chunk in chunks], self._offset, [chunk.pitch_hz for chunk in chunks])

    def words_so_far(self) -> list[Word]:
        """The words transcribed up to now: finished chunks, then the open chunk's latest
        look-ahead (for the interviewer to react while the candidate is still talking)."""
        with self._lock:
            chunks = sorted(self._results, key=lambda chunk: chunk.offset)
            ahead = self._ahead if self._ahead is not None and self._ahead.offset == self._offset else None
        words = [w for chunk in chunks for w in chunk.words]
        return words + (list(ahead.words) if ahead is not None else [])

    def wait_idle(self) -> None:
        """Block until the worker has nothing queued or running.

        Live audio arrives slower than the worker transcribes it, so the worker is idle at most
        pauses; feeding recorded audio through ``wait_idle`` between blocks reproduces that.
        """
        self._jobs.join()

    def close(self) -> None:
        """Stop the worker without waiting for results (used when a recording is abandoned)."""
        if not self._finished:
            self._finished = True
            self._stop_workers()

    def _stop_workers(self) -> None:
        for _ in self._workers:
            self._jobs.put(None)

    def _take_pending(self) -> np.ndarray:
        samples = np.concatenate(self._pending) if len(self._pending) > 1 else self._pending[0]
        self._pending, self._pending_len = [], 0
        return samples

    def _cut(self) -> None:
        samples = self._take_pending()
        cut = cut_point(samples, self.settings)
        self._submit(samples[:cut])
        rest = samples[cut:]
        self._pending = [rest] if rest.size else []
        self._pending_len = len(rest)
        self._ahead_asked_len = 0

    def _submit(self, samples: np.ndarray, transcribe: bool = True) -> None:
        self._jobs.put(("chunk", self._offset, samples, transcribe))
        self._offset += len(samples)

    def _maybe_look_ahead(self, min_new_s: float | None = None) -> None:
        """While the worker is idle and the speaker has just paused, transcribe up to the pause."""
        settings = self.settings
        if not self._ahead_idle.is_set() or not self._jobs.empty():
            return
        min_new_s = settings.lookahead_min_new_s if min_new_s is None else min_new_s
        if self._pending_len - self._ahead_asked_len < min_new_s * SAMPLE_RATE:
            return
        samples = np.concatenate(self._pending)
        self._pending = [samples]
        end = _end_of_speech_before_pause(samples, settings.lookahead_pause_s)
        if end is None:
            return
        self._ahead_asked_len = self._pending_len
        self._ahead_idle.clear()
        self._jobs.put(("ahead", self._offset, samples[:end], True))

    # --- worker side -------------------------------------------------------------------------

    def _work(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                self._jobs.task_done()
                return
            kind, offset, samples, transcribe = job
            try:
                if self._error is None:
                    chunk = self._run(offset, samples, transcribe)
                    if kind == "chunk":
                        with self._lock:
                            self._results.append(chunk)
                    elif offset == self._offset:  # still the open chunk: keep the latest
                        self._ahead = chunk
            except BaseException as exc:  # noqa: BLE001 - handed to the caller in finish()
                if kind == "chunk":
                    self._error = exc
            finally:
                if kind == "ahead":
                    self._ahead_idle.set()
                self._jobs.task_done()

    def _run(self, offset: int, samples: np.ndarray, transcribe: bool) -> _Chunk:
        frames = measure_raw(samples)
        sound_end_s = _sound_end_s(frames) if transcribe else None
        words = self._transcribe(samples, offset / SAMPLE_RATE, sound_end_s) if sound_end_s is not None else []
        # Pitch on the samples already in hand, like the frames: no second decode for prosody.
        pitch = pitch_track(samples) if sound_end_s is not None else np.zeros(len(frames.energy_db), dtype=np.float32)
        return _Chunk(offset, len(samples), words, frames, pitch)


def _sound_end_s(frames: RawFrames) -> float | None:
    """Where the chunk's last sound ends, in seconds into it; None when it holds no speech at all.

    Whisper is skipped on a chunk with no sound (it would only invent words there), and told
    where the sound ends so it stops once its words get there.
    """
    if frames.energy_db.size == 0:
        return None
    floor, level = levels(frames.energy_db)
    if not speech_stands_out(floor, level):
        return None
    return _last_loud_s(frames.energy_db, speech_threshold_db(floor, level))


def _silent_after(open_chunk: np.ndarray, ahead: _Chunk) -> bool:
    """True when nothing in ``open_chunk`` after the look-ahead is as loud as its speech."""
    threshold = speech_threshold_db(*levels(ahead.frames.energy_db))
    return _last_loud_s(_hop_levels_db(open_chunk[ahead.length :]), threshold) is None


def _last_loud_s(energy_db: np.ndarray, threshold_db: float) -> float | None:
    loud = np.flatnonzero(energy_db > threshold_db)
    return float(loud[-1]) * _HOP / SAMPLE_RATE + _WINDOW_S if loud.size else None


def _hop_levels_db(samples: np.ndarray) -> np.ndarray:
    """Level of each 10 ms hop, clipping-aware like the frame levels (acoustics.unclipped_rms)."""
    hops = len(samples) // _HOP
    frames = samples[: hops * _HOP].reshape(hops, _HOP)
    rms = unclipped_rms(np.sqrt(np.mean(frames.astype(np.float64) ** 2, axis=1)), clipped_share(frames))
    return 10.0 * np.log10(rms**2 + 1e-12)


def _end_of_speech_before_pause(samples: np.ndarray, min_pause_s: float) -> int | None:
    """If ``samples`` end in at least ``min_pause_s`` of quiet after speech, a cut inside it.

    Returns a sample index on a hop boundary, a little after the speech stopped (so the word's
    tail stays in), or None while the speaker is still talking.
    """
    level_db = _hop_levels_db(samples)
    floor, level = levels(level_db)
    if not speech_stands_out(floor, level):
        return None
    loud = np.flatnonzero(level_db >= speech_threshold_db(floor, level))
    if loud.size == 0:
        return None
    quiet_hops = len(level_db) - (int(loud[-1]) + 1)
    if quiet_hops * _HOP < min_pause_s * SAMPLE_RATE:
        return None
    return (int(loud[-1]) + 1 + quiet_hops // 2) * _HOP


def cut_point(samples: np.ndarray, settings: StreamSettings) -> int:
    """Where to end this chunk: the middle of the longest pause late in the window.

    Pauses between ``min_chunk_s`` and ``target_chunk_s`` are tried first (long chunks, fewer
    Whisper windows), then from ``fallback_min_chunk_s`` (a shorter chunk beats a cut word).
    Returns a sample index on a hop boundary. Without any pause, the quietest 100 ms is used.
    """
    level_db = _hop_levels_db(samples)
    high = min(len(level_db), int(settings.target_chunk_s * SAMPLE_RATE / _HOP))
    floor, level = levels(level_db)
    if speech_stands_out(floor, level):
        quiet = level_db[:high] < speech_threshold_db(floor, level)
    else:  # no quiet stretch stands out: there is no pause to find
        quiet = np.zeros(high, dtype=bool)
    for earliest_s in (settings.min_chunk_s, settings.fallback_min_chunk_s):
        low = min(high, int(earliest_s * SAMPLE_RATE / _HOP))
        longest = max(runs(quiet[low:high]), default=None, key=lambda run: (run[1] - run[0], run[0]))
        if longest is not None and (longest[1] - longest[0]) * _HOP >= settings.min_cut_pause_s * SAMPLE_RATE:
            return (low + (longest[0] + longest[1]) // 2) * _HOP
    low = min(high, int(settings.min_chunk_s * SAMPLE_RATE / _HOP))
    window = level_db[low:high]
    if window.size == 0:
        return high * _HOP
    smooth = np.convolve(window, np.ones(10) / 10.0, mode="same")
    return (low + int(np.argmin(smooth))) * _HOP
