"""The interviewer's voice: pyttsx3 renders text to a WAV, the audio package plays it.

Rendering to a file first (instead of ``engine.say``) gives the session a copy of exactly what
was said, and lets playback go through the same sounddevice path as everything else.

pyttsx3 keeps one espeak instance per process and can hang when engines are re-created, so this
module owns a single engine, used only from one worker thread, with a timeout on every call.
A missing or broken engine never stops an interview: the Speaker reports a warning and the
interview goes on in text.
"""

from __future__ import annotations

import contextlib
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from mockloop.errors import InputError, MockloopError

_worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mockloop-tts")
_engines: dict[Optional[str], object] = {}
_defaults: dict[int, tuple] = {}  # id(engine) -> (voice, rate) it started with
_broken: dict[Optional[str], str] = {}  # driver -> why it cannot be used in this process
_lock = threading.Lock()


class TTSUnavailable(MockloopError):
    """No usable text-to-speech engine; the interview continues in text."""


@dataclass(frozen=True)
class Utterance:
    text: str
    audio_path: Optional[Path]  # the rendered WAV, None when nothing could be rendered
    played: bool
    warning: Optional[str] = None  # why the text was not (fully) spoken


@dataclass(frozen=True)
class Voice:
    id: str
    name: str
    languages: tuple[str, ...]


class Speaker:
    """Speaks prompts, probes and the closing summary.

    Args:
        voice: a voice id or part of a voice name ("en-us", "English"); None for the default.
        rate: speaking rate in words per minute; None for the engine default (200 for espeak).
        output_device: speaker for playback (index or name part); None for the default.
        play: False renders the WAV without playing it.
        driver: pyttsx3 driver name; None picks the platform's default (espeak on Linux).
        timeout_s: give up on an engine call after this long.
    """

    def __init__(
        self,
        voice: str | None = None,
        rate: int | None = None,
        output_device: int | str | None = None,
        play: bool = True,
        driver: str | None = None,
        timeout_s: float = 30.0,
    ):
        if rate is not None and not 50 <= rate <= 500:
            raise InputError(f"--rate {rate} is out of range; use 50 to 500 words per minute.")
        self.voice = voice
        self.rate = rate
        self.output_device = output_device
        self.play = play
        self.driver = driver
        self.timeout_s = timeout_s
        self._voice_id: str | None = None

    def voices(self) -> list[Voice]:
        """The engine's voices. Raises TTSUnavailable."""
        return self._call(_list_voices)

    def synthesize(self, text: str, path: str | Path) -> Path:
        """Render ``text`` to a WAV at ``path``.

        Raises:
            TTSUnavailable: no engine, or it failed or hung.
            InputError: ``voice`` names no installed voice.
        """
        path = Path(path)
        voice_id = self._resolve_voice()
        self._call(_render, text, str(path), voice_id, self.rate)
        if not path.is_file() or path.stat().st_size <= 44:
            raise TTSUnavailable(f"The speech engine wrote no audio for {path.name}.")
        return path

    def speak(self, text: str, save_to: str | Path) -> Utterance:
        """Render ``text`` to ``save_to`` and play it; problems become a warning, not an error.

        Only a wrong ``voice`` (the user's own input) raises InputError.
        """
        try:
            path = self.synthesize(text, save_to)
        except TTSUnavailable as exc:
            return Utterance(text, None, False, f"{exc} Showing the text only.")
        if not self.play:
            return Utterance(text, path, False)
        from mockloop.audio_io.playback import play_file

        try:
            play_file(path, device=self.output_device)
        except MockloopError as exc:
            return Utterance(text, path, False, f"Could not play the interviewer's voice: {exc} Showing the text only.")
        return Utterance(text, path, True)

    def _resolve_voice(self) -> str | None:
        if self.voice is None or self._voice_id is not None:
            return self._voice_id
        voices = self.voices()
        wanted = self.voice.lower()
        for match in (
            [v for v in voices if v.id.lower() == wanted or v.name.lower() == wanted],
            [v for v in voices if wanted in v.id.lower() or wanted in v.name.lower()],
        ):
            if match:
                self._voice_id = match[0].id
                return self._voice_id
        examples = ", ".join(v.id for v in voices if "en" in v.languages or v.id.startswith("gmw/en"))[:200]
        raise InputError(f"No voice matches {self.voice!r}. English voices here include: {examples}.")

    def _call(self, function, *args):
        with _lock:
            if self.driver in _broken:
                raise TTSUnavailable(_broken[self.driver])
        future = _worker.submit(_with_engine, self.driver, function, *args)
        try:
            return future.result(timeout=self.timeout_s)
        except FutureTimeout:
            reason = f"The speech engine did not answer within {self.timeout_s:.0f} s."
            with _lock:
                _broken[self.driver] = reason  # the worker is stuck; never queue behind it again
            raise TTSUnavailable(reason) from None


def _with_engine(driver: str | None, function, *args):
    """Runs on the TTS worker thread: create the engine once, then call ``function(engine, ...)``."""
    engine = _engines.get(driver)
    if engine is None:
        try:
            import pyttsx3

            engine = pyttsx3.init(driver) if driver else pyttsx3.init()
        except Exception as exc:  # ImportError, OSError (no libespeak), RuntimeError from the driver
            reason = f"No text-to-speech engine ({type(exc).__name__}: {exc}); install espeak-ng."
            with _lock:
                _broken[driver] = reason
            raise TTSUnavailable(reason) from None
        _engines[driver] = engine
        _defaults[id(engine)] = (engine.getProperty("voice"), engine.getProperty("rate"))
    try:
        return function(engine, *args)
    except (InputError, TTSUnavailable):
        raise
    except Exception as exc:
        raise TTSUnavailable(f"The speech engine failed ({type(exc).__name__}: {exc}).") from None


def _list_voices(engine) -> list[Voice]:
    return [
        Voice(id=str(v.id), name=str(v.name), languages=tuple(str(lang) for lang in (v.languages or [])))
        for v in engine.getProperty("voices")
    ]


def _render(engine, text: str, path: str, voice_id: str | None, rate: int | None) -> None:
    default_voice, default_rate = _defaults.get(id(engine), (None, None))
    # One engine serves every Speaker in the process: set both properties on every call.
    if voice_id or default_voice:
        engine.setProperty("voice", voice_id or default_voice)
    if rate or default_rate:
        engine.setProperty("rate", rate or default_rate)
    # The espeak driver prints "Audio saved to ..." on stdout, which belongs to the CLI.
    with open(os.devnull, "w") as devnull, contextlib.redirect_stdout(devnull):
        engine.save_to_file(text, path)
        engine.runAndWait()
