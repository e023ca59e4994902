"""Two takes side by side: which metrics and rubric items got better or worse from A to B."""

from __future__ import annotations

from dataclasses import dataclass

from mockloop.review.loader import SessionView
from mockloop.review.metrics import METRICS, session_metrics, verdict


@dataclass
class Row:
    name: str
    before: object
    after: object
    verdict: str  # improved, regressed, same, -


@dataclass
class Comparison:
    a: SessionView
    b: SessionView
    same_prompt: bool
    metrics: list[Row]
    rubric: list[Row]

    @property
    def improved(self) -> list[str]:
        return [r.name for r in self.metrics + self.rubric if r.verdict == "improved"]

    @property
    def regressed(self) -> list[str]:
        return [r.name for r in self.metrics + self.rubric if r.verdict == "regressed"]


def compare(a: SessionView, b: SessionView) -> Comparison:
    """Compare take ``a`` (before) with take ``b`` (after), metric by metric and item by item."""
    ma, mb = session_metrics(a), session_metrics(b)
    metrics = [Row(label, getattr(ma, name), getattr(mb, name), verdict(name, getattr(ma, name), getattr(mb, name))) for name, label, _ in METRICS]
    ra, rb = _rubric(a), _rubric(b)
    rubric = []
    for item in list(ra) + [i for i in rb if i not in ra]:
        before, after = ra.get(item), rb.get(item)
        if before is None or after is None:
            v = "-"
        else:
            v = "same" if before == after else "improved" if after else "regressed"
        rubric.append(Row(item, _met(before), _met(after), v))
    return Comparison(a, b, a.record.prompt.get("id") == b.record.prompt.get("id"), metrics, rubric)


def _rubric(view: SessionView) -> dict[str, bool]:
    """Rubric items met in any answer of the session (a follow-up can earn a missed item)."""
    met: dict[str, bool] = {}
    for answer in view.answers:
        for item in ((answer.analysis or {}).get("content") or {}).get("rubric") or []:
            met[item["id"]] = met.get(item["id"], False) or bool(item.get("met"))
    return met


def _met(value) -> str:
    return "-" if value is None else "met" if value else "missed"
