"""The interviewer's own voice, heard back through the microphone, is not the candidate's.

Without headphones, what the interviewer says during an answer (a reply to a clarifying question,
a time cue, a cut-in) is recorded with the answer. The interview keeps the span of every line it
played (seconds into the recording, and the words it said); every path that turns an answer into
words drops the words heard inside those spans: the live listener, the streamed analysis, the
analysis of the saved file when streaming was not possible, and ``mockloop rescore``. This module
is that one filter.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Iterable, Sequence

from mockloop.content.facts import normalise

# Our own playback is heard this long after it stops (device latency and room echo).
ECHO_TAIL_S = 0.35


@dataclass(frozen=True)
class EchoSpan:
    """A line the interviewer played while the answer was recorded."""

    start: float  # seconds into the answer's recording
    end: float
    text: str = ""  # what was said


def echo_spans(items: Iterable) -> list[EchoSpan]:
    """EchoSpans from anything with ``start``, ``end`` and ``text`` (interviewer Turns, or the
    ``playback`` entries of a saved answer, as dicts)."""
    spans = []
    for item in items or ():
        get = item.get if isinstance(item, dict) else (lambda name, i=item: getattr(i, name, None))
        start, end, text = get("start"), get("end"), get("text")
        if isinstance(start, (int, float)) and isinstance(end, (int, float)) and not isinstance(start, bool):
            spans.append(EchoSpan(float(start), float(max(end, start)), text if isinstance(text, str) else ""))
    return spans


def drop_echo(words: Sequence, spans: Sequence[tuple[float, float]], spoken: Sequence[str] = (), tail_s: float = ECHO_TAIL_S):
    """The candidate's words without our own voice coming back through the microphone.

    ``spans``: (start, end) of our playback in the recording's time; ``spoken``: what we said. A
    word is echo when it sits inside a span (plus the tail) or, just after one, repeats the end of
    our own text. Returns ``(kept, dropped)``.
    """
    ours = {normalise(w) for text in spoken for w in text.split()} - {""}
    kept, dropped = [], []
    for word in words:
        start, end = _t(word.start), _t(word.end)
        mid = (start + end) / 2
        inside = any(a <= mid <= b + tail_s for a, b in spans)
        near = any(b + tail_s < mid <= b + 2 * tail_s for _, b in spans)
        if inside or (near and normalise(word.text) in ours):
            dropped.append(word)
        else:
            kept.append(word)
    return kept, dropped


def without_echo(transcript, spans: Sequence[EchoSpan]):
    """``transcript`` (a models.Transcript) with the words heard inside ``spans`` left out."""
    if not spans:
        return transcript
    kept, _ = drop_echo(transcript.words, [(s.start, s.end) for s in spans], [s.text for s in spans])
    return replace(transcript, words=kept)


def _t(value) -> float:
    return float(value) if value is not None else 0.0
