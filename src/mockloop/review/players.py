"""Clocks that drive the replay: one plays the answer through a speaker, one only keeps time.

Both expose the same few calls (position, pause, resume, seek, stop) so the replay loop does not
care whether there is sound, and both count in seconds of the original answer whatever the
speed, so transcript times apply unchanged. Neither touches the session files: the audio is read
into memory.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from mockloop.audio_io.playback import resample
from mockloop.review.tempo import stretch_tempo

MIN_AUDIO_S = 0.05  # less than this is a damaged file, not an answer
MIN_SPEED, MAX_SPEED = 0.1, 100.0  # below 0.1 speech is unrecognisable; 100 skims a transcript in seconds


class SilentPlayer:
    """Keeps time at ``speed`` times real time, for replays without sound."""

    def __init__(self, duration_s: float, speed: float = 1.0, start_s: float = 0.0):
        self.duration_s = duration_s
        self.speed = speed
        self._offset = start_s
        self._since = time.monotonic()
        self.paused = False

    def position(self) -> float:
        if self.paused:
            return self._offset
        return min(self.duration_s, self._offset + (time.monotonic() - self._since) * self.speed)

    def seek(self, t: float) -> None:
        self._offset = min(max(0.0, t), self.duration_s)
        self._since = time.monotonic()

    def pause(self) -> None:
        if not self.paused:
            self._offset = self.position()
            self.paused = True

    def resume(self) -> None:
        if self.paused:
            self._since = time.monotonic()
            self.paused = False

    @property
    def finished(self) -> bool:
        return self.position() >= self.duration_s

    def stop(self) -> None:
        self.pause()


class AudioPlayer:
    """Plays the answer WAV from ``start_s`` on a sounddevice output stream.

    Speeds other than 1 are time-stretched up front (``stretch_tempo``) rather than resampled,
    so the candidate's voice keeps its pitch. Positions map linearly between the original and
    the stretched audio, so the clock matches the transcript at every speed.

    Raises:
        AudioDeviceError: no speaker, or it refuses the stream.
        InputError: the answer audio is damaged (the replay then goes on without sound).
    """

    def __init__(self, path: Path, speed: float = 1.0, start_s: float = 0.0, device=None):
        import soundfile

        from mockloop.audio_io.devices import find_output_device, load_sounddevice
        from mockloop.errors import AudioDeviceError

        from mockloop.errors import InputError

        try:
            original, recorded_rate = soundfile.read(str(path), dtype="float32", always_2d=True)
        except Exception as exc:  # noqa: BLE001 - libsndfile raises several types for damaged audio
            first = str(exc).splitlines()[0][:100] if str(exc) else type(exc).__name__
            raise InputError(f"{Path(path).name} is not readable audio ({first})") from None
        if len(original) < MIN_AUDIO_S * recorded_rate:
            raise InputError(f"{Path(path).name} holds no audio")
        rate = recorded_rate
        sd = load_sounddevice()
        speaker = find_output_device(device)
        data = stretch_tempo(original, rate, speed)
        try:
            sd.check_output_settings(device=speaker.index, channels=data.shape[1], dtype="float32", samplerate=rate)
        except (sd.PortAudioError, ValueError):  # the speaker refuses the recording's rate
            data = resample(data, rate, int(speaker.default_samplerate))
            rate = int(speaker.default_samplerate)
        self.samplerate = rate
        self.duration_s = len(original) / recorded_rate
        self.speed = speed
        self._data = data
        self._frames_per_second = len(data) / self.duration_s if self.duration_s else float(rate)  # played frames per original second
        self._pos = self._frame_at(start_s)
        self._lock = threading.Lock()
        self.paused = False

        def callback(outdata, frames, time_info, status):
            with self._lock:
                if self.paused:
                    outdata[:] = 0
                    return
                chunk = self._data[self._pos : self._pos + frames]
                self._pos += len(chunk)
            outdata[: len(chunk)] = chunk
            outdata[len(chunk) :] = 0

        try:
            self._stream = sd.OutputStream(device=speaker.index, channels=data.shape[1], samplerate=rate, dtype="float32", callback=callback)
            self._stream.start()
        except Exception as exc:  # noqa: BLE001 - PortAudioError or a refused rate
            raise AudioDeviceError(f"Could not play on speaker {speaker.index} ({speaker.name}): {exc}; try --no-audio.") from None

    def _frame_at(self, t: float) -> int:
        return int(round(min(max(t, 0.0), self.duration_s) * self._frames_per_second))

    def position(self) -> float:
        with self._lock:
            return min(self.duration_s, self._pos / self._frames_per_second)

    def seek(self, t: float) -> None:
        with self._lock:
            self._pos = self._frame_at(t)

    def pause(self) -> None:
        self.paused = True

    def resume(self) -> None:
        self.paused = False

    @property
    def finished(self) -> bool:
        with self._lock:
            return self._pos >= len(self._data)

    def stop(self) -> None:
        self._stream.stop()
        self._stream.close()
