"""Plain dataclasses passed between the pipeline stages.

Data flows one way: audio -> Transcript -> DeliveryMetrics / ContentResult -> Scorecard -> Analysis.
Each stage takes the previous stage's dataclasses and returns new ones; nothing here does I/O, so
the same objects serve the CLI, the interview loop, storage and the tests. Times are seconds from
the start of the audio.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional


@dataclass(frozen=True)
class Word:
    """One transcribed word as spoken, punctuation included ("Um," not "um").

    ``start``/``end`` are None for text input, which has no timings.
    """

    text: str
    start: Optional[float] = None
    end: Optional[float] = None
    probability: float = 1.0
    recovered: bool = False  # True when added from the audio because the model left it out
    # Words the speaker said just before this one and then said again, which the transcript
    # writes once ("we" on "will" for "we, we will" written "we will"); heard in the audio
    # (analysis/heard_repeats.py), read only by the repetition finder, never part of the text.
    heard_before: str = ""


@dataclass
class Transcript:
    words: list[Word]
    duration_s: Optional[float] = None  # None for text input
    model: Optional[str] = None
    language: str = "en"

    @property
    def text(self) -> str:
        from mockloop.written_forms import join_texts  # written_forms builds Words: import late

        return join_texts(word.text for word in self.words)

    @property
    def has_timings(self) -> bool:
        return self.duration_s is not None


@dataclass(frozen=True)
class Filler:
    text: str  # normalised: lower case, no punctuation ("um", "you know")
    kind: str  # "filled_pause" or "discourse"
    start: Optional[float]
    end: Optional[float]
    word_index: int  # index of the first word of the filler in Transcript.words
    word_indices: tuple[int, ...] = ()  # every word it covers ("you know": two); () means just word_index

    @property
    def words(self) -> tuple[int, ...]:
        """Indices in Transcript.words of the words this filler covers."""
        return self.word_indices or (self.word_index,)


@dataclass(frozen=True)
class Pause:
    start: float
    end: float

    @property
    def duration(self) -> float:
        return self.end - self.start


@dataclass(frozen=True)
class PhraseHit:
    """A decision marker or a hedge found in the transcript."""

    text: str  # the phrase as listed in the phrase data ("now that we've agreed on")
    start: Optional[float]
    word_index: int  # index of its first word in Transcript.words
    category: str = ""  # e.g. "transition", "tradeoff", "summary" for markers
    word_indices: tuple[int, ...] = ()  # every word of the phrase (filled pauses inside it left out)

    @property
    def words(self) -> tuple[int, ...]:
        """Indices in Transcript.words of the words of this phrase."""
        return self.word_indices or (self.word_index,)


@dataclass(frozen=True)
class Span:
    """A stretch of the answer with the words said in it: an uptalk statement, a repetition."""

    start: Optional[float]
    end: Optional[float]
    text: str
    value: Optional[float] = None  # what was measured there: the rise in semitones, the drop in dB


@dataclass(frozen=True)
class Repetition:
    """A repeated word or phrase, a restart or a self-correction ("we, we will"; "the, sorry, the")."""

    start: Optional[float]
    end: Optional[float]
    text: str  # the words it covers, as written
    kind: str  # "repetition", "restart" or "correction"
    word_indices: tuple[int, ...] = ()


@dataclass(frozen=True)
class PitchWindow:
    """Pitch over one stretch of time (a minute of the answer, or one of its flattest stretches)."""

    start: float
    end: float
    pitch_median_hz: float
    range_semitones: float


@dataclass(frozen=True)
class Prosody:
    """How the answer sounded; see analysis/prosody.py for how each number is measured."""

    pitch_median_hz: float
    pitch_range_semitones: float  # 10th-90th percentile spread of voiced pitch
    monotone: bool
    flattest: list[PitchWindow]
    per_minute: list[PitchWindow]
    loudness_dbfs: float  # median level of voiced frames
    intensity_range_db: float  # 10th-90th percentile spread of the level of voiced frames
    uptalk: list[Span]  # statements (not questions) that ended on a rise; value = rise in semitones
    statements: int  # statements whose ending was measured
    trailing_off: list[Span]  # statements whose last word was much quieter; value = drop in dB


@dataclass(frozen=True)
class Conciseness:
    """How soon and how often the answer commits to something."""

    first_point_s: Optional[float]  # time from the answer's start to its first recommendation
    first_point: Optional[Span]
    longest_without_decision_s: Optional[float]
    run_on_sentences: list[Span]  # value = words in the sentence
    bottom_line_first: Optional[bool] = None  # exec_explain: the first sentence states the bottom line


@dataclass
class DeliveryMetrics:
    duration_s: Optional[float]
    word_count: int
    speaking_time_s: Optional[float]
    words_per_minute: Optional[float]
    articulation_rate_wpm: Optional[float]
    fillers: list[Filler]
    fillers_per_minute: Optional[float]
    pauses: list[Pause]
    long_pause_threshold_s: float
    response_latency_s: Optional[float]
    decision_markers: list[PhraseHit]
    longest_stretch_without_marker_s: Optional[float]
    hedges: list[PhraseHit]
    clipped_share: Optional[float] = None  # share of the sound frames at full scale; None for text input
    prosody: Optional[Prosody] = None  # None for text input
    repetitions: list[Repetition] = field(default_factory=list)  # repeated words, restarts, corrections
    conciseness: Optional[Conciseness] = None

    @property
    def long_pauses(self) -> list[Pause]:
        return [p for p in self.pauses if p.duration >= self.long_pause_threshold_s]


@dataclass(frozen=True)
class Evidence:
    quote: str
    start: Optional[float] = None
    # The words the verdict rests on (indices into Transcript.words): the matched phrases, or
    # the words an LLM quote was found at. Empty when unknown (e.g. read back from old files).
    word_indices: tuple[int, ...] = ()
    uncertain: bool = False  # some of those words are ones the model was unsure of


@dataclass
class RubricVerdict:
    id: str
    met: bool
    evidence: list[Evidence] = field(default_factory=list)
    judge: str = "rules"  # which judge decided: "rules", "llm", "rules+llm"
    note: str = ""


@dataclass
class ContentResult:
    kind: str
    rubric: list[RubricVerdict]
    score: Optional[int]  # 0-100; None when nothing was judged
    tips: list[str] = field(default_factory=list)
    extras: dict = field(default_factory=dict)  # sequencing, ownership language, judge notes


@dataclass
class Scorecard:
    delivery_score: Optional[int]
    content_score: Optional[int]
    tips: list[str]
    # Said before the scores: reasons not to trust them (an unreliable transcript).
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class TranscriptConfidence:
    """How much of the transcript the model was unsure of (see analysis/uncertainty.py)."""

    uncertain_word_indices: tuple[int, ...]
    uncertain_share: Optional[float]  # of the spoken words, filled pauses left out; None for text
    may_be_unreliable: bool
    word_min_probability: float  # the threshold the words were judged by


@dataclass
class Analysis:
    source: str
    kind: str
    transcript: Transcript
    delivery: DeliveryMetrics
    content: ContentResult
    scorecard: Scorecard
    prompt_id: Optional[str] = None
    decode_warnings: list[str] = field(default_factory=list)  # damaged stretches skipped while decoding
    confidence: Optional[TranscriptConfidence] = None
