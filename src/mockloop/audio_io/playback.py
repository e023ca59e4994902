"""Play a WAV file (the interviewer's voice) through a speaker.

An output-only stream of its own: full-duplex streams through the ALSA default device gave
underruns and silence on the machines this was built on, and the interviewer never talks while
the candidate is being recorded anyway.
"""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np

from mockloop.audio_io.devices import find_output_device, load_sounddevice
from mockloop.errors import AudioDeviceError


def play_file(path: str | Path, device: int | str | None = None) -> float:
    """Play ``path`` to the end and return its duration in seconds.

    Ctrl-C stops the sound at once and propagates. A device that refuses the file's sample rate
    gets the audio resampled to its own default rate.

    Raises:
        AudioDeviceError: no speaker, or the stream failed or stalled.
    """
    import soundfile

    data, samplerate = soundfile.read(str(path), dtype="float32", always_2d=True)
    return play_array(data, samplerate, device=device)


def play_array(data: np.ndarray, samplerate: int, device: int | str | None = None) -> float:
    sd = load_sounddevice()
    speaker = find_output_device(device)
    data = np.asarray(data, dtype=np.float32)
    if data.ndim == 1:
        data = data[:, None]
    try:
        sd.check_output_settings(device=speaker.index, channels=data.shape[1], dtype="float32", samplerate=samplerate)
    except (sd.PortAudioError, ValueError):
        data = resample(data, samplerate, int(speaker.default_samplerate))
        samplerate = int(speaker.default_samplerate)
    duration_s = len(data) / samplerate

    position = 0
    done = threading.Event()

    def callback(outdata, frames, time_info, status):
        nonlocal position
        chunk = data[position : position + frames]
        outdata[: len(chunk)] = chunk
        outdata[len(chunk) :] = 0
        position += len(chunk)
        if len(chunk) < frames:
            raise sd.CallbackStop

    try:
        stream = sd.OutputStream(
            device=speaker.index, channels=data.shape[1], samplerate=samplerate, dtype="float32",
            callback=callback, finished_callback=done.set,
        )
    except sd.PortAudioError as exc:
        raise AudioDeviceError(f"Could not open speaker {speaker.index} ({speaker.name}): {exc}.") from None
    with stream:
        # Generous: the stream also needs its output latency; a stalled device must not hang us.
        if not done.wait(timeout=duration_s + 5.0):
            stream.abort()
            raise AudioDeviceError(f"Speaker {speaker.index} ({speaker.name}) stopped playing (stalled).")
    return duration_s


def resample(data: np.ndarray, from_rate: int, to_rate: int) -> np.ndarray:
    """Linear interpolation: good enough for speech played to a speaker that refuses its rate."""
    if from_rate == to_rate or len(data) == 0:
        return data
    count = int(round(len(data) * to_rate / from_rate))
    old_t = np.arange(len(data)) / from_rate
    new_t = np.arange(count) / to_rate
    return np.stack([np.interp(new_t, old_t, data[:, ch]) for ch in range(data.shape[1])], axis=1).astype(np.float32)
