"""Progress per skill: each rubric item's met/missed over time and each delivery measure's trend.

Read from the session folders (the index holds only session-level numbers, not the verdicts), so
one readable session is one point; a drill is a point for its own item or delivery habit only. An item counts as met in a session when any answer of it met
the item: a follow-up that drew out the cost estimate earns it, as the session score does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from mockloop.errors import MockloopError
from mockloop.review.habits import HABIT_KIND, habits
from mockloop.review.habits import judge as judge_habit
from mockloop.review.loader import open_session
from mockloop.review.metrics import METRICS, session_metrics, verdict
from mockloop.review.sparkline import sparkline
from mockloop.sessions import SessionStore

# The delivery measures a plan and the progress table follow (the scores are summaries, not skills).
DELIVERY_MEASURES = tuple(name for name, _, _ in METRICS if not name.endswith("_score"))
# A miss in the session before last counts this much of one in the last session, and so on back.
RECENCY_DECAY = 0.7
MET_BAR, MISSED_BAR, ABSENT_BAR = "█", "▁", " "


@dataclass
class SessionSkills:
    """One session as the planner sees it: which items it met, and its delivery numbers."""

    id: str
    created_at: str
    kind: str
    prompt_id: Optional[str]
    company: Optional[str]
    mode: str = "interview"  # "drill" for a drill or a retake
    items: dict[str, bool] = field(default_factory=dict)  # rubric item id -> met
    measures: dict[str, Optional[float]] = field(default_factory=dict)
    habits: dict[str, bool] = field(default_factory=dict)  # review.habits name -> met its threshold
    duration_s: float = 0.0


@dataclass
class ItemProgress:
    kind: str
    item: str
    outcomes: list[Optional[bool]]  # one per session of this kind, oldest first; None = not judged

    @property
    def judged(self) -> list[bool]:
        return [o for o in self.outcomes if o is not None]

    @property
    def met_rate(self) -> float:
        judged = self.judged
        return sum(judged) / len(judged) if judged else 0.0

    @property
    def recent_miss_rate(self) -> float:
        """Share of sessions missed, each weighted RECENCY_DECAY ** (sessions since)."""
        return recent_miss_rate(self.judged)

    @property
    def change(self) -> float:
        """Met rate of the later half minus the earlier half (0 with fewer than two judged)."""
        judged = self.judged
        if len(judged) < 2:
            return 0.0
        half = len(judged) // 2
        early, late = judged[:half], judged[half:]
        return sum(late) / len(late) - sum(early) / len(early)

    def bars(self) -> str:
        return "".join(ABSENT_BAR if o is None else MET_BAR if o else MISSED_BAR for o in self.outcomes)


@dataclass
class MeasureTrend:
    name: str
    label: str
    values: list[Optional[float]]
    earlier: Optional[float]
    later: Optional[float]
    verdict: str  # improved, regressed, same, - (see review.metrics.verdict)

    def bars(self) -> str:
        return sparkline(self.values)


@dataclass
class Glance:
    improvements: list[str]
    weakest: list[str]


def load_skills(store: SessionStore, kind: Optional[str] = None, last: Optional[int] = None,
                drills: Optional[bool] = None) -> tuple[list[SessionSkills], list[str]]:
    """Every readable session (oldest first, the last ``last``), and one line per skipped one;
    ``drills`` True keeps only drills, False only full sessions, None both."""
    rows, skipped = [], []
    for entry in store.entries():
        if entry.session is None:
            skipped.append(f"{entry.id}: {entry.problem}")
            continue
        try:
            view = open_session(store, entry.id)
        except MockloopError as exc:
            skipped.append(f"{entry.id}: {exc}")
            continue
        if kind and view.kind != kind:
            continue
        if drills is not None and bool(view.record.drill) != drills:
            continue
        if not any(a.analysis is not None for a in view.answers):
            continue
        metrics = session_metrics(view)
        items: dict[str, bool] = {}
        for answer in view.answers:
            for v in ((answer.analysis or {}).get("content") or {}).get("rubric") or []:
                items[v["id"]] = items.get(v["id"], False) or bool(v["met"])
        record = view.record
        measures = {name: getattr(metrics, name) for name in DELIVERY_MEASURES}
        judged = {name: judge_habit(name, measures.get(name), metrics.duration_s) for name in habits()}
        judged = {name: met for name, met in judged.items() if met is not None}
        if record.drill:  # a drill asks about one item or habit: the rest was not its question
            target = record.drill.get("item")
            items = {k: v for k, v in items.items() if k == target and not record.drill.get("habit")}
            judged = {k: v for k, v in judged.items() if k == target and record.drill.get("habit")}
        rows.append(SessionSkills(
            id=record.id, created_at=record.created_at, kind=view.kind, prompt_id=record.prompt.get("id"),
            company=record.prompt.get("company"), mode="drill" if record.drill else "interview", items=items,
            measures=measures, habits=judged, duration_s=metrics.duration_s,
        ))
    rows.sort(key=lambda r: (r.created_at, r.id))
    return (rows[-last:] if last else rows), skipped


def item_progress(sessions: list[SessionSkills]) -> list[ItemProgress]:
    """Per (kind, item): met/missed in each session of that kind, in rubric order; then per
    delivery habit (kind ``"delivery"``): kept to its threshold or not, in each session."""
    from mockloop.content.rubric import rubric_ids

    out = []
    for kind in dict.fromkeys(s.kind for s in sessions):
        of_kind = [s for s in sessions if s.kind == kind]
        try:
            ids = rubric_ids(kind)
        except MockloopError:
            ids = list(dict.fromkeys(i for s in of_kind for i in s.items))
        for item in ids:
            outcomes = [s.items.get(item) for s in of_kind]
            if any(o is not None for o in outcomes):
                out.append(ItemProgress(kind, item, outcomes))
    for name in habits():  # then the delivery habits, over every session, against their thresholds
        outcomes = [s.habits.get(name) for s in sessions]
        if any(o is not None for o in outcomes):
            out.append(ItemProgress(HABIT_KIND, name, outcomes))
    return out


def measure_trends(sessions: list[SessionSkills]) -> list[MeasureTrend]:
    """Per delivery measure: its values oldest first, and the later half against the earlier half."""
    labels = {name: label for name, label, _ in METRICS}
    trends = []
    for name in DELIVERY_MEASURES:
        values = [s.measures.get(name) for s in sessions]
        known = [v for v in values if v is not None]
        if not known:
            continue
        half = len(known) // 2
        earlier = _mean(known[:half]) if half else None
        later = _mean(known[half:]) if half else None
        trends.append(MeasureTrend(name, labels[name], values, earlier, later, verdict(name, earlier, later)))
    return trends


def at_a_glance(items: list[ItemProgress], trends: list[MeasureTrend], n: int = 3) -> Glance:
    """The ``n`` biggest improvements (items whose met rate rose most, measures that improved) and
    the ``n`` weakest skills (items missed most, recent misses counting most)."""
    gains = [(p.change, f"{p.item} ({_pct(p.met_rate)} met, up {_pct(p.change)})") for p in items if p.change > 0]
    for t in trends:
        if t.verdict == "improved":
            gains.append((0.0, f"{t.label} {_fmt(t.earlier)} -> {_fmt(t.later)}"))
    gains.sort(key=lambda g: -g[0])
    weak = sorted((p for p in items if p.met_rate < 1.0), key=lambda p: (-p.recent_miss_rate, p.met_rate, -len(p.judged)))
    return Glance([text for _, text in gains[:n]], [f"{p.item} ({_pct(p.met_rate)} met of {len(p.judged)})" for p in weak[:n]])


def recent_miss_rate(outcomes: list[bool]) -> float:
    """Misses weighted by recency (the last outcome counts 1, the one before RECENCY_DECAY, ...)."""
    if not outcomes:
        return 0.0
    weights = [RECENCY_DECAY ** age for age in range(len(outcomes) - 1, -1, -1)]
    return sum(w for w, met in zip(weights, outcomes) if not met) / sum(weights)


def _mean(values: list[float]) -> float:
    return round(sum(values) / len(values), 2)


def _pct(x: float) -> str:
    return f"{round(x * 100)}%"


def _fmt(value: Optional[float]) -> str:
    return "-" if value is None else f"{value:g}"
