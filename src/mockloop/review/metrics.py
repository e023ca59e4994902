"""The few numbers that show progress, computed the same way for the index, history and compare.

A session may hold a main answer and follow-ups; rates are weighted by each answer's length so a
ten-second follow-up does not outweigh a five-minute answer.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Optional

from mockloop.config import DEFAULT_SETTINGS, CompareSettings, DeliverySettings
from mockloop.review.loader import SessionView

# name, label, which direction is better (+1 higher, -1 lower, 0 towards the target range)
METRICS = (
    ("fillers_per_minute", "fillers/min", -1),
    ("words_per_minute", "words/min", 0),
    ("long_pauses", "long pauses", -1),
    ("decision_markers", "decision markers", +1),
    ("hedges", "hedges", -1),
    ("pitch_range_semitones", "pitch range (st)", +1),
    ("uptalk", "uptalk endings", -1),
    ("repetitions", "repetitions", -1),
    ("content_score", "content score", +1),
    ("delivery_score", "delivery score", +1),
)


@dataclass
class SessionMetrics:
    id: str
    created_at: str
    kind: str
    prompt_id: Optional[str]
    prompt_title: Optional[str]
    status: str
    duration_s: float
    answers: int
    fillers_per_minute: Optional[float] = None
    words_per_minute: Optional[float] = None
    long_pauses: Optional[int] = None
    decision_markers: Optional[int] = None
    hedges: Optional[int] = None
    pitch_range_semitones: Optional[float] = None
    uptalk: Optional[int] = None
    repetitions: Optional[int] = None
    content_score: Optional[int] = None
    delivery_score: Optional[int] = None
    drill_item: Optional[str] = None  # the rubric item or delivery habit a drill aimed at; None for a full session
    drill_take: Optional[int] = None  # which take of that drill

    @property
    def is_drill(self) -> bool:
        return self.drill_item is not None

    def to_dict(self) -> dict:
        return asdict(self)


def session_metrics(view: SessionView) -> SessionMetrics:
    """Metrics of one session from its answers' analyses (``None`` where nothing was analysed)."""
    r = view.record
    m = SessionMetrics(
        id=r.id, created_at=r.created_at, kind=view.kind, prompt_id=r.prompt.get("id"), prompt_title=r.prompt.get("title"),
        status=r.status, duration_s=float(r.overall.get("duration_s") or r.duration_s or 0.0), answers=len(r.answers),
        content_score=r.overall.get("content_score"), delivery_score=r.overall.get("delivery_score"),
        drill_item=(r.drill or {}).get("item"), drill_take=(r.drill or {}).get("take"),
    )
    analysed = [a.analysis for a in view.answers if a.analysis is not None]
    if not analysed:
        return m
    weights = [max(float(a.get("duration_s") or 0.0), 1e-6) for a in analysed]
    total = sum(weights)
    deliveries = [a.get("delivery") or {} for a in analysed]
    m.fillers_per_minute = round(sum(w * float(d.get("fillers_per_minute") or 0.0) for w, d in zip(weights, deliveries)) / total, 2)
    m.words_per_minute = round(sum(w * float(d.get("words_per_minute") or 0.0) for w, d in zip(weights, deliveries)) / total, 1)
    m.long_pauses = sum(int(d.get("long_pauses") or 0) for d in deliveries)
    m.decision_markers = sum(len(d.get("decision_markers") or []) for d in deliveries)
    m.hedges = sum(len(d.get("hedges") or []) for d in deliveries)
    # Prosody exists only for audio answers (and sessions analysed after it was added).
    heard = [(w, d["prosody"]) for w, d in zip(weights, deliveries) if isinstance(d.get("prosody"), dict)]
    spreads = [(w, p.get("pitch_range_semitones")) for w, p in heard if isinstance(p.get("pitch_range_semitones"), (int, float))]
    if spreads:
        m.pitch_range_semitones = round(sum(w * float(v) for w, v in spreads) / sum(w for w, _ in spreads), 2)
    if heard:
        m.uptalk = sum(len(p.get("uptalk") or []) for _, p in heard)
    if any("repetitions" in d for d in deliveries):
        m.repetitions = sum(len(d.get("repetitions") or []) for d in deliveries)
    if m.content_score is None:
        m.content_score = (analysed[0].get("scorecard") or {}).get("content_score")
    if m.delivery_score is None:
        m.delivery_score = (analysed[0].get("scorecard") or {}).get("delivery_score")
    return m


def verdict(name: str, before: Optional[float], after: Optional[float], settings: CompareSettings = DEFAULT_SETTINGS.compare) -> str:
    """``improved``, ``regressed``, ``same`` (about the same: within the metric's tolerance in
    ``CompareSettings``) or ``-`` for one metric going from before to after."""
    direction = next(d for n, _, d in METRICS if n == name)
    if before is None or after is None:
        return "-"
    if direction == 0:
        before, after = -_distance_from_pace(before), -_distance_from_pace(after)
        direction = +1
    if abs(after - before) <= settings.tolerance(name) + 1e-9:
        return "same"
    return "improved" if (after - before) * direction > 0 else "regressed"


def _distance_from_pace(wpm: float, settings: DeliverySettings = DEFAULT_SETTINGS.delivery) -> float:
    """How far outside the configured target pace (the scorecard's band) ``wpm`` is."""
    return max(0.0, settings.target_wpm_low - wpm, wpm - settings.target_wpm_high)
