"""The analysis pipeline: a file in, an Analysis out.

audio -> Transcript (words with times) -> DeliveryMetrics + ContentResult -> Scorecard. The
Analyzer holds the loaded model, so a process that analyses many answers (an interview, a folder)
loads it once.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from mockloop.analysis import acoustics, guard, uncertainty
from mockloop.analysis.acoustics import FrameFeatures
from mockloop.analysis.echo import without_echo
from mockloop.analysis.decode import DecodeReport, check_input_path, iter_audio_blocks, read_transcript_text
from mockloop.config import DEFAULT_SETTINGS, Settings
from mockloop.analysis.delivery import measure_delivery
from mockloop.analysis.fillers import verify_filled_pauses
from mockloop.models import Analysis, ContentResult, Transcript, Word
from mockloop.analysis.pauses import sound_mask
from mockloop.analysis.scorecard import build_scorecard
from mockloop.analysis.stream import StreamingTranscriber, StreamSettings
from mockloop.analysis.transcribe import Transcriber
from mockloop.analysis.word_times import drop_words_over_silence, place_untimed_words, snap_to_sound

DEFAULT_KIND = "system_design"


def words_from_text(text: str) -> list[Word]:
    return [Word(token) for token in text.split()]


def judge_content(transcript: Transcript, kind: str, prompt=None, judge: str = "rules", llm_options=None) -> ContentResult:
    from mockloop.content import judge_content as content_judge
    cache_dir = None
    if judge == "llm":
        from platformdirs import user_cache_dir

        cache_dir = Path(os.environ.get("MOCKLOOP_CACHE") or user_cache_dir("mockloop")) / "llm-judge"
    return content_judge(transcript, kind, prompt=prompt, judge=judge, llm_options=llm_options, cache_dir=cache_dir)


class Analyzer:
    """Turns answers into Analyses; keeps the Whisper model loaded between calls."""

    def __init__(self, model: str | None = None, settings: Settings = DEFAULT_SETTINGS):
        self.settings = settings
        self._model_name = model
        self._transcriber: Transcriber | None = None

    @property
    def transcriber(self) -> Transcriber:
        if self._transcriber is None:
            self._transcriber = Transcriber(self._model_name, self.settings.transcribe)
        return self._transcriber

    def load(self) -> None:
        """Load the model now (e.g. in a background thread while the prompt is spoken)."""
        self.transcriber.load()

    def start_stream(self, live: bool = False) -> StreamingTranscriber:
        """A streaming transcriber to feed 16 kHz blocks into.

        ``live`` is for audio fed as it is recorded: the idle worker then transcribes ahead at
        each pause so that little is left when the answer ends. A file has no idle time to use.
        """
        return StreamingTranscriber(self.transcriber.transcribe, StreamSettings(live=live))

    def finish_stream(self, streamer: StreamingTranscriber) -> tuple[Transcript, FrameFeatures]:
        """Wait for the streamed chunks and check the words against the audio's frames."""
        result = streamer.finish()
        features = acoustics.assemble(result.frames)
        if result.pitch_hz:
            features.f0_hz = np.concatenate(result.pitch_hz)
        duration_s = round(result.duration_s, 3)
        words: list[Word] = []
        if features.holds_speech():
            sound = sound_mask(features, self.settings.pauses)
            # Any audible sound, not only speech-level sound, keeps a word: in a noisy room quiet
            # speech sits under the speech threshold, and its words are not text over silence.
            words = drop_words_over_silence(result.words, guard.audible_mask(features.energy_db))
            words = place_untimed_words(words, sound, self.settings.filled_pauses.sound_join_gap_s)
            words = verify_filled_pauses(words, features, self.settings.filled_pauses, self.settings.pauses)
            words = snap_to_sound(words, sound)
        return Transcript(words, duration_s, self.transcriber.choice.name), features

    def transcribe_samples(self, samples: np.ndarray) -> tuple[Transcript, FrameFeatures]:
        """Transcript with audio-checked filled pauses, and the frame features it was checked on."""
        streamer = self.start_stream()
        try:
            streamer.feed(samples)
        except BaseException:
            streamer.close()
            raise
        return self.finish_stream(streamer)

    def transcribe_file(self, path: Path, report: DecodeReport | None = None) -> tuple[Transcript, FrameFeatures]:
        """Like transcribe_samples, decoding and transcribing at once with bounded memory.

        ``report`` collects what decoding had to skip in a damaged file.
        """
        streamer = self.start_stream()
        try:
            for block in iter_audio_blocks(path, report):
                streamer.feed(block)
        except BaseException:
            streamer.close()
            raise
        return self.finish_stream(streamer)

    def analyze_file(
        self,
        path: Path,
        kind: str | None = None,
        prompt=None,
        judge: str = "rules",
        llm_options=None,
        echo=(),
    ) -> Analysis:
        """Analyse an audio file or a .txt transcript.

        ``echo``: the interviewer's playback during the recording (``analysis.echo.EchoSpan``s):
        the words heard inside those spans are the interviewer's, not the candidate's.

        Raises:
            InputError: the file cannot be used; ModelError: the model cannot be loaded.
        """
        path = Path(path)
        kind = kind or (prompt.kind if prompt is not None else DEFAULT_KIND)
        if check_input_path(path) == "text":
            transcript = Transcript(words_from_text(read_transcript_text(path)))
            features = None
        else:
            report = DecodeReport(source=path.name)
            transcript, features = self.transcribe_file(path, report)
            transcript = without_echo(transcript, echo)
            analysis = self.analyze_transcript(transcript, features, source=path.name, kind=kind, prompt=prompt, judge=judge, llm_options=llm_options, echo=echo)
            analysis.decode_warnings = report.warnings()
            return analysis
        return self.analyze_transcript(transcript, features, source=path.name, kind=kind, prompt=prompt, judge=judge, llm_options=llm_options)

    def analyze_stream(
        self, streamer: StreamingTranscriber, source: str, kind: str | None = None, prompt=None, judge: str = "rules",
        llm_options=None, echo=(),
    ) -> Analysis:
        """Finish a live stream (only its last chunk is left to transcribe) and analyse it;
        ``echo`` as for analyze_file."""
        kind = kind or (prompt.kind if prompt is not None else DEFAULT_KIND)
        transcript, features = self.finish_stream(streamer)
        transcript = without_echo(transcript, echo)
        return self.analyze_transcript(transcript, features, source=source, kind=kind, prompt=prompt, judge=judge, llm_options=llm_options, echo=echo)

    def analyze_transcript(self, transcript, features, source, kind, prompt=None, judge="rules", llm_options=None, echo=()) -> Analysis:
        """``echo``: the interviewer's lines played during the answer; the candidate was listening
        then, so those stretches are neither pauses nor answer time in the delivery."""
        listening = [(span.start, span.end) for span in echo]
        delivery = measure_delivery(transcript, features, self.settings, kind, listening=listening)
        content = judge_content(transcript, kind, prompt=prompt, judge=judge, llm_options=llm_options)
        confidence = uncertainty.assess(transcript, self.settings.uncertainty)
        content = uncertainty.mark_evidence(content, confidence)
        scorecard = build_scorecard(delivery, content, self.settings.delivery)
        warning = uncertainty.unreliable_warning(confidence, transcript.model)
        if warning:
            scorecard.warnings.append(warning)
        return Analysis(
            source=source,
            kind=kind,
            transcript=transcript,
            delivery=delivery,
            content=content,
            scorecard=scorecard,
            prompt_id=getattr(prompt, "id", None),
            confidence=confidence,
        )
