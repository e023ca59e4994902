"""Which microphones and speakers PortAudio sees, and turning ``--device`` into one of them.

A user names a device by its index from ``mockloop devices`` or by part of its name ("USB",
"pulse"); both land here so the error for a typo or a missing microphone is written once.
"""

from __future__ import annotations

import contextlib
import os
import sys
from dataclasses import dataclass
from types import ModuleType

from mockloop.errors import AudioDeviceError


def load_sounddevice() -> ModuleType:
    """Import sounddevice, turning a missing PortAudio library into an AudioDeviceError.

    sounddevice loads PortAudio when imported and raises OSError if it is absent, so every
    module here imports it through this function, at the moment audio is actually needed.
    """
    try:
        with quiet_native_stderr():  # PortAudio's start-up probes ALSA/JACK, which print to fd 2
            import sounddevice
    except OSError as exc:  # PortAudio shared library not found
        raise AudioDeviceError(
            f"PortAudio is not available ({exc}); install it (Debian/Ubuntu: apt-get install "
            "libportaudio2) or use --answer-audio FILE with --no-speak."
        ) from None
    return sounddevice


@contextlib.contextmanager
def quiet_native_stderr():
    """Keep C libraries (ALSA, JACK, PortAudio, libmpg123) from writing to the terminal.

    They write to file descriptor 2 directly, past Python's sys.stderr, with lines such as
    "ALSA lib pcm.c:... Unknown PCM" that are not errors of ours. For the duration of the block
    fd 2 points at /dev/null; Python's own stderr is flushed first. Use it only around short calls
    on the main thread (another thread's message in that moment would be lost).
    """
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError, AttributeError):
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


@dataclass(frozen=True)
class AudioDevice:
    index: int
    name: str
    hostapi: str
    max_input_channels: int
    max_output_channels: int
    default_samplerate: float
    is_default_input: bool = False
    is_default_output: bool = False

    @property
    def can_record(self) -> bool:
        return self.max_input_channels > 0

    @property
    def can_play(self) -> bool:
        return self.max_output_channels > 0


def list_devices() -> list[AudioDevice]:
    """Every device PortAudio reports, with PortAudio's defaults marked."""
    sd = load_sounddevice()
    hostapis = sd.query_hostapis()
    default_in, default_out = _default_index(sd, "input"), _default_index(sd, "output")
    devices = []
    for info in sd.query_devices():
        devices.append(
            AudioDevice(
                index=int(info["index"]),
                name=str(info["name"]),
                hostapi=str(hostapis[info["hostapi"]]["name"]),
                max_input_channels=int(info["max_input_channels"]),
                max_output_channels=int(info["max_output_channels"]),
                default_samplerate=float(info["default_samplerate"]),
                is_default_input=info["index"] == default_in,
                is_default_output=info["index"] == default_out,
            )
        )
    return devices


def find_input_device(spec: int | str | None = None) -> AudioDevice:
    """The microphone meant by ``spec``: None for the default, an index, or part of a name.

    Raises:
        AudioDeviceError: no microphone at all, no match, several matches, or not an input.
    """
    return _find(spec, direction="input")


def find_output_device(spec: int | str | None = None) -> AudioDevice:
    """The speaker meant by ``spec`` (same rules as ``find_input_device``)."""
    return _find(spec, direction="output")


def _find(spec: int | str | None, direction: str) -> AudioDevice:
    devices = list_devices()
    usable = [d for d in devices if (d.can_record if direction == "input" else d.can_play)]
    noun = "microphone" if direction == "input" else "speaker"
    if not usable:
        raise AudioDeviceError(
            f"No {noun} found: PortAudio lists no {direction} device. Connect one, or use "
            + ("--answer-audio FILE to answer from a recording." if direction == "input" else "--no-speak.")
        )
    if spec is None or (isinstance(spec, str) and not spec.strip()):
        default = next((d for d in usable if (d.is_default_input if direction == "input" else d.is_default_output)), None)
        return default or usable[0]

    text = str(spec).strip()
    if text.isdigit():
        index = int(text)
        match = next((d for d in devices if d.index == index), None)
        if match is None:
            raise AudioDeviceError(f"No audio device number {index}. {_choices(usable, noun)}")
        if match not in usable:
            raise AudioDeviceError(f"Device {index} ({match.name}) is not a {noun}. {_choices(usable, noun)}")
        return match

    exact = [d for d in usable if d.name.lower() == text.lower()]
    if len(exact) == 1:
        return exact[0]
    partial = [d for d in usable if text.lower() in d.name.lower()]
    if len(partial) == 1:
        return partial[0]
    if not partial:
        raise AudioDeviceError(f"No {noun} matches {text!r}. {_choices(usable, noun)}")
    names = ", ".join(f"{d.index} ({d.name})" for d in partial)
    raise AudioDeviceError(f"{text!r} matches several {noun}s: {names}. Give the number instead.")


def _choices(usable: list[AudioDevice], noun: str) -> str:
    listed = ", ".join(f"{d.index} ({d.name})" for d in usable[:8])
    more = " ..." if len(usable) > 8 else ""
    return f"Available {noun}s: {listed}{more} (see `mockloop devices`)."


def _default_index(sd: ModuleType, kind: str) -> int:
    """PortAudio's default device for ``kind``, or -1 when it has none."""
    try:
        return int(sd.query_devices(kind=kind)["index"])
    except (sd.PortAudioError, ValueError, KeyError, TypeError):
        return -1
