"""Where a recorded answer's audio comes from: a microphone, or a file standing in for one.

Both sources push float32 blocks of shape (frames, channels) to the same ``on_block`` callback
and report their own end through ``on_end``, so the Recorder, the level meter and the streaming
transcriber cannot tell a demo from a live candidate. That is what ``--answer-audio`` promises:
the loop runs exactly as with a microphone.

Callbacks run on the audio thread (microphone) or on the source's own thread (file): they must
return quickly and never block.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Callable, Optional, Protocol

import numpy as np

from mockloop.audio_io.devices import AudioDevice, find_input_device, load_sounddevice
from mockloop.audio_io.levels import rms_dbfs
from mockloop.errors import AudioDeviceError, InputError

BlockCallback = Callable[[np.ndarray], None]
EndCallback = Callable[[Optional[BaseException]], None]

PREFERRED_SAMPLERATE = 16000  # what Whisper wants; other rates are resampled when transcribed
QUIET_DBFS = -45.0  # below this a block is quiet (the level the silence stop uses)


class BlockSource(Protocol):
    samplerate: int
    channels: int
    description: str

    def start(self, on_block: BlockCallback, on_end: EndCallback) -> None: ...

    def stop(self) -> None: ...


class MicrophoneSource:
    """A PortAudio input stream whose callback hands each block on and does nothing else.

    The device and sample rate are settled in the constructor, so a missing microphone or an
    unsupported rate is reported before the interviewer starts talking. Recording at 16 kHz is
    preferred; a device that refuses it records at its own default rate instead.

    A device that disappears mid-answer shows up in one of two ways depending on the host API:
    PortAudio finishes the stream on its own, or the callbacks simply stop. A small watchdog
    thread catches both and ends the recording with an AudioDeviceError.
    """

    def __init__(
        self,
        device: int | str | None = None,
        samplerate: int | None = None,
        channels: int = 1,
        block_s: float = 0.1,
        stall_timeout_s: float = 5.0,
    ):
        self.device: AudioDevice = find_input_device(device)
        self.channels = channels
        self.block_s = block_s
        self.stall_timeout_s = stall_timeout_s
        self.samplerate = self._supported_samplerate(samplerate)
        self.description = f"microphone {self.device.index} ({self.device.name})"
        self.overflows = 0
        self._stream = None
        self._stopping = threading.Event()
        self._ended = threading.Event()
        self._last_block_at = 0.0
        self._on_end: EndCallback | None = None
        self._watchdog: threading.Thread | None = None

    def _supported_samplerate(self, requested: int | None) -> int:
        sd = load_sounddevice()
        if self.channels > self.device.max_input_channels:
            raise AudioDeviceError(
                f"{self.device.name} records at most {self.device.max_input_channels} channel(s), "
                f"not {self.channels}."
            )
        candidates = [requested] if requested else [PREFERRED_SAMPLERATE, int(self.device.default_samplerate)]
        problem = None
        for rate in dict.fromkeys(candidates):
            try:
                sd.check_input_settings(
                    device=self.device.index, channels=self.channels, dtype="float32", samplerate=rate
                )
                return int(rate)
            except (sd.PortAudioError, ValueError) as exc:
                problem = exc
        hint = f" Try --samplerate {int(self.device.default_samplerate)}." if requested else ""
        raise AudioDeviceError(
            f"{self.device.name} cannot record at {candidates[0]} Hz ({problem}).{hint}"
        )

    def start(self, on_block: BlockCallback, on_end: EndCallback) -> None:
        sd = load_sounddevice()
        self._on_end = on_end
        self._stopping.clear()  # one source may record several answers in turn
        self._ended.clear()

        def callback(indata, frames, time_info, status):  # PortAudio thread: copy and go
            if status.input_overflow:
                self.overflows += 1
            self._last_block_at = time.monotonic()
            on_block(indata.copy())

        try:
            self._stream = sd.InputStream(
                device=self.device.index,
                channels=self.channels,
                samplerate=self.samplerate,
                dtype="float32",
                blocksize=max(1, int(round(self.samplerate * self.block_s))),
                callback=callback,
                finished_callback=self._stream_finished,
            )
            self._last_block_at = time.monotonic()
            self._stream.start()
        except sd.PortAudioError as exc:
            raise AudioDeviceError(f"Could not open {self.description}: {exc}.") from None
        self._watchdog = threading.Thread(target=self._watch, name="mockloop-mic-watchdog", daemon=True)
        self._watchdog.start()

    def _stream_finished(self) -> None:
        if not self._stopping.is_set():
            self._fail(f"{self.description} stopped delivering audio (unplugged or taken by another program?).")

    def _watch(self) -> None:
        while not self._stopping.wait(0.25):
            if self._ended.is_set():
                return
            silent_for = time.monotonic() - self._last_block_at
            if silent_for > self.stall_timeout_s:
                self._fail(
                    f"{self.description} sent no audio for {silent_for:.0f} s (unplugged or muted by the system?)."
                )
                return

    def _fail(self, message: str) -> None:
        if self._ended.is_set():
            return
        self._ended.set()
        if self._on_end is not None:
            self._on_end(AudioDeviceError(message))

    def stop(self) -> None:
        """Stop the stream after PortAudio has delivered the blocks it holds."""
        self._stopping.set()
        stream, self._stream = self._stream, None
        if stream is None:
            return
        sd = load_sounddevice()
        try:
            stream.stop()
        except sd.PortAudioError:
            pass  # the device is already gone; what arrived is all there is
        finally:
            try:
                stream.close()
            except sd.PortAudioError:
                pass
        if self._watchdog is not None:
            self._watchdog.join(timeout=1.0)


class FileSource:
    """An audio file played into the recorder as if it came from a microphone.

    ``speed`` 1.0 delivers blocks in real time (what a candidate would take); 4.0 four times
    faster; 0 as fast as the recorder takes them. Multi-channel files are mixed down to mono,
    like the microphone. Formats libsndfile reads (wav, flac, ogg, mp3) are streamed; anything
    else (m4a, webm) is decoded with PyAV, which faster-whisper already brings.

    A file cannot wait for the interviewer the way a person does, so the interview can ``hold``
    it: at a pause, until the interviewer has heard every word said so far (nothing is
    delivered, so the recording is the file as it is), and while the interviewer answers a
    question (``fill``: the file's own quiet, its latest block, is delivered again in real time,
    as a microphone records a candidate listening; digital silence would stand out from the
    room tone and hide the file's next pause from the transcriber's level statistics).
    ``release`` goes on where the file stopped.
    """

    def __init__(self, path: str | Path, block_s: float = 0.1, speed: float = 1.0):
        self.path = Path(path)
        if not self.path.is_file():
            raise InputError(f"Answer audio {self.path} does not exist.")
        if speed < 0:
            raise InputError("--answer-speed must be 0 (as fast as possible) or more.")
        self.block_s = block_s
        self.speed = speed
        self.channels = 1
        self.description = f"file {self.path.name}"
        self._decoded: np.ndarray | None = None
        self.samplerate = self._probe_samplerate()
        self._stop = threading.Event()
        self._go = threading.Event()  # cleared while held
        self._go.set()
        self._fill = False
        self._thread: threading.Thread | None = None

    @property
    def held(self) -> bool:
        return not self._go.is_set()

    def hold(self, fill: bool = False) -> None:
        """Stop delivering the file's audio after the current block; with ``fill``, deliver quiet
        in real time meanwhile."""
        self._fill = fill
        self._go.clear()

    def release(self) -> None:
        self._fill = False
        self._go.set()

    def _probe_samplerate(self) -> int:
        import soundfile

        from mockloop.audio_io.devices import quiet_native_stderr

        try:
            with quiet_native_stderr():  # libsndfile's mp3 decoder (libmpg123) prints warnings itself
                return int(soundfile.info(str(self.path)).samplerate)
        except (soundfile.LibsndfileError, RuntimeError):
            pass
        try:
            from faster_whisper.audio import decode_audio

            self._decoded = decode_audio(str(self.path), sampling_rate=PREFERRED_SAMPLERATE)
        except Exception as exc:  # PyAV raises many types for unreadable input
            raise InputError(f"Cannot read answer audio {self.path}: {exc}") from None
        return PREFERRED_SAMPLERATE

    def start(self, on_block: BlockCallback, on_end: EndCallback) -> None:
        self._stop.clear()
        self.release()
        self._thread = threading.Thread(
            target=self._run, args=(on_block, on_end), name="mockloop-file-source", daemon=True
        )
        self._thread.start()

    def _blocks(self):
        frames_per_block = max(1, int(round(self.samplerate * self.block_s)))
        if self._decoded is not None:
            for start in range(0, len(self._decoded), frames_per_block):
                yield self._decoded[start : start + frames_per_block, None]
            return
        import soundfile

        with soundfile.SoundFile(str(self.path)) as audio:
            for block in audio.blocks(blocksize=frames_per_block, dtype="float32", always_2d=True):
                yield block.mean(axis=1, keepdims=True) if block.shape[1] > 1 else block

    def _run(self, on_block: BlockCallback, on_end: EndCallback) -> None:
        started = time.monotonic()
        sent = 0
        quiet = None  # the latest block delivered, when it was quiet: what a hold fills with
        try:
            for block in self._blocks():
                if not self._go.is_set():
                    if self._wait_while_held(len(block), on_block, quiet):
                        return
                    if self.speed > 0:  # go on from here, not catching up the time held
                        started = time.monotonic() - sent / (self.samplerate * self.speed)
                if self.speed > 0:
                    due = started + sent / (self.samplerate * self.speed)
                    if self._stop.wait(max(0.0, due - time.monotonic())):
                        return
                elif self._stop.is_set():
                    return
                block = np.ascontiguousarray(block, dtype=np.float32)
                on_block(block)
                sent += len(block)
                quiet = block if rms_dbfs(block) < QUIET_DBFS else quiet
        except Exception as exc:  # a corrupt file part-way through
            on_end(InputError(f"Answer audio {self.path} could not be read to the end: {exc}"))
            return
        on_end(None)

    def _wait_while_held(self, frames: int, on_block: BlockCallback, quiet: np.ndarray | None) -> bool:
        """Wait until released (delivering ``quiet`` again and again in real time while ``fill``);
        True when stopped meanwhile."""
        filler = quiet.copy() if quiet is not None and len(quiet) == frames else np.zeros((frames, 1), dtype=np.float32)
        block_s = frames / self.samplerate
        next_at = time.monotonic()
        while not self._go.is_set():
            if self._stop.is_set():
                return True
            if self._fill:
                if self._stop.wait(max(0.0, next_at - time.monotonic())):
                    return True
                if self._fill and not self._go.is_set():
                    on_block(filler.copy())
                next_at += block_s
            else:
                self._go.wait(0.02)
        return self._stop.is_set()

    def stop(self) -> None:
        self._stop.set()
        self._go.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=2.0)
