"""The interviewer's voice: pyttsx3 renders text to a WAV, the audio package plays it.

Rendering to a file first (instead of ``engine.say``) gives the session a copy of exactly what
was said, and lets playback go through the same sounddevice path as everything else.

Each rendering runs pyttsx3 in a short-lived child process. pyttsx3 queues property changes and
keeps driver state between calls, and its espeak driver returns from ``runAndWait`` before the
file is written; reusing one engine in a process gave intermittently empty files and ignored
rates. A child process starts clean every time (about 0.3 s), can be killed on a timeout, and
keeps the espeak driver's prints off our stdout. A missing or broken engine
never stops an interview: the Speaker reports a warning and the interview goes on in text.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from mockloop.errors import InputError, MockloopError


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
        return [Voice(v["id"], v["name"], tuple(v["languages"])) for v in self._call({"action": "voices"})]

    def synthesize(self, text: str, path: str | Path) -> Path:
        """Render ``text`` to a WAV at ``path``.

        Raises:
            TTSUnavailable: no engine, or it failed or hung.
            InputError: ``voice`` names no installed voice.
        """
        path = Path(path)
        voice_id = self.check_voice()
        self._call({"action": "render", "text": text, "path": str(path), "voice": voice_id, "rate": self.rate})
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
        from mockloop.privacy import make_private

        make_private(path)  # the rendered question sits in the private session folder
        if not self.play:
            return Utterance(text, path, False)
        from mockloop.audio_io.playback import play_file

        try:
            play_file(path, device=self.output_device)
        except MockloopError as exc:
            return Utterance(text, path, False, f"Could not play the interviewer's voice: {exc} Showing the text only.")
        return Utterance(text, path, True)

    def check_voice(self) -> str | None:
        """The engine's id for ``voice`` (None for the default voice).

        Raises:
            InputError: no installed voice matches; TTSUnavailable: no engine to ask.
        """
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

    def _call(self, request: dict):
        """Run one engine request in a child process; its JSON answer, or TTSUnavailable."""
        request = {**request, "driver": self.driver}
        try:
            done = subprocess.run(
                [sys.executable, "-c", "from mockloop.audio_io.voice import _child_main; _child_main()"],
                input=json.dumps(request), capture_output=True, text=True, timeout=self.timeout_s,
                env=_child_env(),
            )
        except subprocess.TimeoutExpired:
            raise TTSUnavailable(f"The speech engine did not answer within {self.timeout_s:.0f} s.") from None
        except OSError as exc:
            raise TTSUnavailable(f"Could not start the speech engine ({exc}).") from None
        try:
            answer = json.loads(done.stdout.strip().splitlines()[-1])
        except (ValueError, IndexError):
            detail = (done.stderr.strip().splitlines() or ["no output"])[-1]
            raise TTSUnavailable(f"The speech engine failed ({detail}).") from None
        if "error" in answer:
            raise TTSUnavailable(answer["error"])
        return answer["result"]


def _child_env() -> dict:
    """Our environment, with this copy of mockloop importable even when it is not installed."""
    package_parent = str(Path(__file__).resolve().parents[2])  # src/mockloop/audio_io/voice.py -> src
    paths = [package_parent, *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(dict.fromkeys(paths))}


def _child_main() -> None:
    """Entry point of the child process: one JSON request on stdin, one JSON line on stdout."""
    request = json.loads(sys.stdin.read())
    real_stdout = sys.stdout
    try:
        with contextlib.redirect_stdout(sys.stderr):  # the espeak driver prints "Audio saved to"
            import pyttsx3

            driver = request.get("driver")
            engine = pyttsx3.init(driver) if driver else pyttsx3.init()
            if request["action"] == "voices":
                result = _list_voices(engine)
            else:
                _render(engine, request["text"], request["path"], request.get("voice"), request.get("rate"))
                result = request["path"]
    except Exception as exc:  # ImportError, OSError (no libespeak), RuntimeError from the driver
        name = type(exc).__name__
        if request["action"] == "voices" or isinstance(exc, (ImportError, OSError)):
            message = f"No text-to-speech engine ({name}: {exc}); install espeak-ng."
        else:
            message = f"The speech engine failed ({name}: {exc})."
        print(json.dumps({"error": message}), file=real_stdout)
        return
    print(json.dumps({"result": result}), file=real_stdout)


def _list_voices(engine) -> list[dict]:
    return [
        {"id": str(v.id), "name": str(v.name), "languages": [str(lang) for lang in (v.languages or [])]}
        for v in engine.getProperty("voices")
    ]


def _render(engine, text: str, path: str, voice_id: str | None, rate: int | None) -> None:
    if voice_id:
        engine.setProperty("voice", voice_id)
    if rate:
        engine.setProperty("rate", rate)
    # With espeak, runAndWait returns once synthesis has *started* (espeak renders on its own
    # thread); the WAV is written when the utterance finishes, so wait for that notification.
    finished = threading.Event()
    engine.connect("finished-utterance", lambda **_: finished.set())
    engine.save_to_file(text, path)
    engine.runAndWait()
    if not finished.wait(timeout=300):
        raise RuntimeError("synthesis never finished")
