"""Which words the model was unsure of, and what that does to the quotes and the scores.

Whisper gives every word a probability. A word under ``word_min_probability`` (chosen by
measurement, see config.UncertaintySettings) is marked in every view instead of being shown as
plainly as the rest; an evidence quote that rests on such a word says so; and an answer with a
large share of them is flagged as possibly unreliable, with a larger model suggested, rather than
scored as if every word were right. Filled pauses are left out: the audio check, not the model's
probability, decides those, and a recovered one has no probability of its own.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Optional

from mockloop.analysis.fillers import canonical_filled_pause
from mockloop.config import DEFAULT_SETTINGS, UncertaintySettings
from mockloop.models import Analysis, ContentResult, Transcript, TranscriptConfidence, Word

# The next larger English model to suggest, by the start of the model's name.
_LARGER_MODEL = (("tiny", "small.en"), ("base", "small.en"), ("small", "medium.en"), ("distil-small", "medium.en"))


def is_uncertain(text: str, probability: Optional[float], recovered: bool = False, settings: UncertaintySettings | None = None) -> bool:
    """True for a spoken word the model gave less than the threshold (never a filled pause)."""
    settings = settings or DEFAULT_SETTINGS.uncertainty
    if recovered or probability is None or canonical_filled_pause(text):
        return False
    return float(probability) < settings.word_min_probability


def word_is_uncertain(word: Word, settings: UncertaintySettings | None = None) -> bool:
    return is_uncertain(word.text, word.probability, word.recovered, settings)


def saved_word_is_uncertain(word: dict, settings: UncertaintySettings | None = None) -> bool:
    """The same judgement on a word of a saved analysis (its ``uncertain`` flag, else its probability)."""
    if "uncertain" in word:
        return bool(word["uncertain"])
    probability = word.get("probability")
    if not isinstance(probability, (int, float)) or isinstance(probability, bool):
        return False
    return is_uncertain(str(word.get("text", "")), probability, bool(word.get("recovered")), settings)


def assess(transcript: Transcript, settings: UncertaintySettings | None = None) -> TranscriptConfidence:
    """The uncertain words of ``transcript`` and whether there are too many to trust it."""
    settings = settings or DEFAULT_SETTINGS.uncertainty
    if not transcript.has_timings:  # typed text: nothing was heard, so nothing is uncertain
        return TranscriptConfidence((), None, False, settings.word_min_probability)
    spoken = [i for i, w in enumerate(transcript.words) if not canonical_filled_pause(w.text)]
    uncertain = tuple(i for i in spoken if word_is_uncertain(transcript.words[i], settings))
    share = round(len(uncertain) / len(spoken), 3) if spoken else None
    unreliable = share is not None and len(spoken) >= settings.unreliable_min_words and share >= settings.unreliable_share
    return TranscriptConfidence(uncertain, share, unreliable, settings.word_min_probability)


def mark_evidence(content: ContentResult, confidence: TranscriptConfidence) -> ContentResult:
    """The content result with each piece of evidence marked when it rests on an uncertain word."""
    uncertain = set(confidence.uncertain_word_indices)
    if not uncertain:
        return content
    rubric = [
        replace(
            verdict,
            evidence=[replace(e, uncertain=bool(uncertain.intersection(e.word_indices))) for e in verdict.evidence],
        )
        for verdict in content.rubric
    ]
    return replace(content, rubric=rubric)


def larger_model(model: Optional[str]) -> Optional[str]:
    """The model to suggest instead of ``model``; None when it is already a large one."""
    name = (model or "tiny").lower().split("/")[-1]
    for prefix, suggestion in _LARGER_MODEL:
        if name.startswith(prefix):
            return suggestion
    return None


def unreliable_warning(confidence: TranscriptConfidence, model: Optional[str]) -> Optional[str]:
    """What the scorecard says first when the transcript may be unreliable, else None."""
    if not confidence.may_be_unreliable or confidence.uncertain_share is None:
        return None
    share = round(100 * confidence.uncertain_share)
    text = (
        f"The transcript may be unreliable: the model was unsure of {share}% of the words, so the scores "
        "below rest on words that may not be what you said."
    )
    suggestion = larger_model(model)
    if suggestion:
        text += f" Analyse it again with a larger model (`--model {suggestion}`) before trusting them."
    else:
        text += " Check the marked words against the recording before trusting them."
    return text


def confidence_of(analysis: Analysis, settings: UncertaintySettings | None = None) -> TranscriptConfidence:
    """The analysis' own confidence, or one worked out from its words (analyses read back from disk)."""
    return analysis.confidence or assess(analysis.transcript, settings)
