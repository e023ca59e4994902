"""The live feed: a recorder's blocks, converted to 16 kHz mono, into a streaming transcriber.

Kept apart from the chunking in `mockloop.analysis.stream`, which only ever sees 16 kHz samples,
whether they come from a file or from a microphone.
"""

from __future__ import annotations

import threading

import numpy as np

from mockloop.analysis.decode import SAMPLE_RATE
from mockloop.analysis.stream import StreamingTranscriber


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
            if self._streamer is None:  # the analyzer cannot stream: the saved file is analysed
                for _ in self._blocks:
                    pass
                return
            for block in self._blocks:
                self._streamer.feed(self._convert(block))
        except BaseException as exc:  # noqa: BLE001 - reported by streamer()
            self._error = exc
            for _ in self._blocks:  # keep draining so the recorder's queue does not grow
                pass

    def words_so_far(self) -> list:
        """What the candidate has said so far (empty until the model is ready, or without a stream)."""
        streamer = self._streamer
        return streamer.words_so_far() if streamer is not None and hasattr(streamer, "words_so_far") else []

    def heard_until_s(self) -> float | None:
        """How far into the recording ``words_so_far`` reaches; None without a stream (yet)."""
        streamer = self._streamer
        return streamer.heard_until_s() if streamer is not None and hasattr(streamer, "heard_until_s") else None

    def catch_up(self) -> None:
        """Ask for the words up to the latest pause now (the source has stopped feeding at it)."""
        streamer = self._streamer
        if streamer is not None and hasattr(streamer, "look_ahead_now"):
            streamer.look_ahead_now()

    def streamer(self) -> StreamingTranscriber | None:
        """The fed streamer, once the recording has ended (call finish on it); None if none was made."""
        self._thread.join()
        if self._error is not None:
            if self._streamer is not None:
                self._streamer.close()
            raise self._error
        return self._streamer
