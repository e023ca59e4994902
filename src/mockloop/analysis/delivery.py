"""Delivery metrics: pace, fillers, pauses, signposting and hedges, from one transcript.

Rates are per minute of the answer, which runs from the first word to the last: silence before the
answer is response latency, not slow speech. Articulation rate leaves the silent pauses out too,
so it tells fast-but-halting apart from slow-and-steady. While the interviewer answers a question
the candidate listens: that stretch, with the silences on either side of it, is neither a pause
nor answer time.
"""

from __future__ import annotations

from typing import Sequence

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


# An interviewer's line starts and ends this close to the silence around it and still borders it:
# playback times are taken from the player, which runs a little ahead of the recorded audio.
_HANDOVER_REACH_S = 0.5


def handovers(pauses: list[Pause], listening: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
    """The stretches where the turn was the interviewer's: each line played during the answer,
    widened by the silences that border or overlap it (waiting for the reply, and taking it in)."""
    stretches = []
    for start, end in sorted(listening):
        for pause in pauses:
            if pause.start <= end + _HANDOVER_REACH_S and pause.end >= start - _HANDOVER_REACH_S:
                start, end = min(start, pause.start), max(end, pause.end)
        if stretches and start <= stretches[-1][1]:
            stretches[-1] = (stretches[-1][0], max(stretches[-1][1], end))
        else:
            stretches.append((start, end))
    return stretches


def _inside(span: tuple[float, float], a: float, b: float) -> float:
    return max(0.0, min(span[1], b) - max(span[0], a))


def measure_delivery(
    transcript: Transcript, features: FrameFeatures | None, settings: Settings, kind: str | None = None,
    listening: Sequence[tuple[float, float]] = (),
) -> DeliveryMetrics:
    """Compute every delivery metric; timing metrics are None for text input.

    ``listening``: (start, end) of each line the interviewer played during the answer.
    """
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
            answer_from, answer_to = span[0] * HOP_S, span[1] * HOP_S
        else:
            timed = [w for w in words if w.start is not None]
            answer_from, answer_to = timed[0].start, timed[-1].end
        answer_s = answer_to - answer_from
        latency = round(answer_from, 2)
        if listening:
            turns = handovers(pauses, listening)
            pauses = [p for p in pauses if not any(_inside(t, p.start, p.end) > 0 for t in turns)]
            answer_s -= sum(_inside(t, answer_from, answer_to) for t in turns)
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
