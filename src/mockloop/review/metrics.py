"""The few numbers that show progress, computed the same way for the index, history and compare.

A session may hold a main answer and follow-ups; rates are weighted by each answer's length so a
ten-second follow-up does not outweigh a five-minute answer.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Optional

from mockloop.config import DEFAULT_SETTINGS, CompareSettings, DeliverySettings
from mockloop.review.loader import SessionView

# name, label, which direction is better: +1 higher, -1 lower, 0 towards the target range, None
# neither (a measure to watch, never judged: a lower or higher voice is not a better one)
METRICS = (
    ("fillers_per_minute", "fillers/min", -1),
    ("words_per_minute", "words/min", 0),
    ("long_pauses", "long pauses", -1),
    ("decision_markers", "decision markers", +1),
    ("hedges", "hedges", -1),
    ("pitch_median_hz", "median pitch (Hz)", None),
    ("pitch_range_semitones", "pitch range (st)", +1),
    ("monotone_answers", "monotone answers", -1),
    # more variation in loudness is more vocal energy (what Orai's "energy" and Speaker Coach reward)
    ("intensity_range_db", "loudness range (dB)", +1),
    ("uptalk", "uptalk endings", -1),
    ("repetitions", "repetitions", -1),
    ("first_point_s", "time to first point (s)", -1),
    ("longest_without_decision_s", "longest without a decision (s)", -1),
    ("content_score", "content score", +1),
    ("delivery_score", "delivery score", +1),
)
# The measures of how the answer sounded (issue 14), shown as a group of their own.
HOW_IT_SOUNDED = (
    "pitch_median_hz", "pitch_range_semitones", "monotone_answers", "intensity_range_db", "uptalk", "repetitions",
    "first_point_s", "longest_without_decision_s",
)
NO_VERDICT = ""  # the verdict of a measure with no better direction


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
    pitch_median_hz: Optional[float] = None
    pitch_range_semitones: Optional[float] = None
    monotone_answers: Optional[int] = None
    intensity_range_db: Optional[float] = None
    uptalk: Optional[int] = None
    repetitions: Optional[int] = None
    first_point_s: Optional[float] = None
    longest_without_decision_s: Optional[float] = None
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
    # Prosody exists only for audio answers (and sessions analysed after it was added); a session
    # without it has no value, never 0.
    heard = [(w, d["prosody"]) for w, d in zip(weights, deliveries) if isinstance(d.get("prosody"), dict)]
    m.pitch_median_hz = _weighted(heard, "pitch_median_hz", 1)
    m.pitch_range_semitones = _weighted(heard, "pitch_range_semitones", 2)
    m.intensity_range_db = _weighted(heard, "intensity_range_db", 1)
    flags = [p["monotone"] for _, p in heard if isinstance(p.get("monotone"), bool)]
    if flags:
        m.monotone_answers = sum(flags)
    if heard:
        m.uptalk = sum(len(p.get("uptalk") or []) for _, p in heard)
    if any("repetitions" in d for d in deliveries):
        m.repetitions = sum(len(d.get("repetitions") or []) for d in deliveries)
    # The main answer (the first analysed) says how soon the session got to a point; the longest
    # stretch without a decision is the longest in any answer.
    main = deliveries[0].get("conciseness")
    if isinstance(main, dict) and _number(main.get("first_point_s")):
        m.first_point_s = float(main["first_point_s"])
    concise = [d["conciseness"] for d in deliveries if isinstance(d.get("conciseness"), dict)]
    stretches = [float(c["longest_without_decision_s"]) for c in concise if _number(c.get("longest_without_decision_s"))]
    if stretches:
        m.longest_without_decision_s = max(stretches)
    if m.content_score is None:
        m.content_score = (analysed[0].get("scorecard") or {}).get("content_score")
    if m.delivery_score is None:
        m.delivery_score = (analysed[0].get("scorecard") or {}).get("delivery_score")
    return m


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _weighted(heard: list[tuple[float, dict]], field: str, digits: int) -> Optional[float]:
    """The answers' ``field`` weighted by their length (None when no answer has it)."""
    values = [(w, float(p[field])) for w, p in heard if _number(p.get(field))]
    if not values:
        return None
    return round(sum(w * v for w, v in values) / sum(w for w, _ in values), digits)


def verdict(name: str, before: Optional[float], after: Optional[float], settings: CompareSettings = DEFAULT_SETTINGS.compare) -> str:
    """``improved``, ``regressed``, ``same`` (about the same: within the metric's tolerance in
    ``CompareSettings``) or ``-`` for one metric going from before to after; ``NO_VERDICT`` for a
    measure with no better direction."""
    direction = next(d for n, _, d in METRICS if n == name)
    if direction is None:
        return NO_VERDICT
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
