"""Delivery metrics: pace, fillers, pauses, signposting and hedges, from one transcript.

Rates are per minute of the answer, which runs from the first word to the last: silence before the
answer is response latency, not slow speech. Articulation rate leaves the silent pauses out too,
so it tells fast-but-halting apart from slow-and-steady.
"""

from __future__ import annotations

from mockloop.analysis.acoustics import FrameFeatures
from mockloop.analysis.frames import HOP_S
from mockloop.config import Settings
from mockloop.analysis.fillers import FILLED_PAUSE, find_fillers
from mockloop.analysis.markers import find_decision_markers, find_hedges, longest_stretch_without_marker
from mockloop.models import DeliveryMetrics, Pause, Transcript
from mockloop.analysis.pauses import find_pauses, sound_mask, speech_span
from mockloop.analysis.conciseness import measure_conciseness
from mockloop.analysis.prosody import measure_prosody, split_sentences
from mockloop.analysis.repetitions import find_repetitions
from mockloop.analysis.tokens import tokenize


def _per_minute(count: int, seconds: float | None) -> float | None:
    if not seconds or seconds <= 0:
        return None
    return round(count * 60.0 / seconds, 1)


def measure_delivery(transcript: Transcript, features: FrameFeatures | None, settings: Settings, kind: str | None = None) -> DeliveryMetrics:
    """Compute every delivery metric; timing metrics are None for text input."""
    words = transcript.words
    tokens = tokenize(words)
    fillers = find_fillers(words, tokens)
    filled_indexes = {f.word_index for f in fillers if f.kind == FILLED_PAUSE}
    word_count = sum(1 for i in range(len(words)) if i not in filled_indexes)
    markers = find_decision_markers(words, tokens)
    hedges = find_hedges(words, tokens)
    sentences = split_sentences(words, tokens)
    pauses: list[Pause] = []
    answer_s = speaking_s = latency = None
    if features is not None and words:
        pauses = find_pauses(features, words, settings.pauses)
        span = speech_span(features, sound_mask(features, settings.pauses), words)
        if span is not None:
            answer_s = (span[1] - span[0]) * HOP_S
            latency = round(span[0] * HOP_S, 2)
        else:
            timed = [w for w in words if w.start is not None]
            answer_s = timed[-1].end - timed[0].start
            latency = round(timed[0].start, 2)
        speaking_s = max(0.0, answer_s - sum(p.duration for p in pauses))
    return DeliveryMetrics(
        duration_s=transcript.duration_s,
        word_count=word_count,
        speaking_time_s=round(speaking_s, 2) if speaking_s is not None else None,
        words_per_minute=_per_minute(word_count, answer_s),
        articulation_rate_wpm=_per_minute(word_count, speaking_s),
        fillers=fillers,
        fillers_per_minute=_per_minute(len(fillers), answer_s),
        pauses=pauses,
        long_pause_threshold_s=settings.pauses.long_pause_s,
        response_latency_s=latency,
        decision_markers=markers,
        longest_stretch_without_marker_s=longest_stretch_without_marker(markers, words) if features is not None else None,
        hedges=hedges,
        clipped_share=round(features.clipped_share, 3) if features is not None else None,
        prosody=measure_prosody(words, features, getattr(features, "f0_hz", None), settings.prosody, sentences),
        repetitions=find_repetitions(words, tokens),
        conciseness=measure_conciseness(words, kind, settings.conciseness, tokens, sentences),
    )
