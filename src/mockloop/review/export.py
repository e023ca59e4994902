"""A session as one Markdown or JSON document, to send to a coach."""

from __future__ import annotations

import json

from mockloop.review.loader import SessionView
from mockloop.review.metrics import METRICS, session_metrics
from mockloop.display import number
from mockloop.timefmt import clock

EXPORT_SCHEMA = "mockloop.export/1"


def to_json(view: SessionView) -> str:
    """The session record, its metrics and every answer's analysis (``mockloop.export/1``)."""
    return json.dumps(
        {
            "schema": EXPORT_SCHEMA,
            "session": _shareable(view.record.to_dict()),
            "metrics": session_metrics(view).to_dict(),
            "answers": [
                {"index": a.index, "role": a.role, "question": a.question, "analysis": a.analysis, "problems": a.problems}
                for a in view.answers
            ],
        },
        indent=2,
        ensure_ascii=False,
    ) + "\n"


def to_markdown(view: SessionView) -> str:
    r = view.record
    m = session_metrics(view)
    lines = [
        f"# Mock interview {r.id}",
        "",
        f"**{r.prompt.get('title') or r.prompt.get('id')}** ({view.kind}), {r.created_at}",
        "",
        f"> {r.prompt.get('text', '')}",
        "",
        "| Metric | Value |",
        "|---|---|",
        *[f"| {label} | {number(name, getattr(m, name))} |" for name, label, _ in METRICS],
        f"| duration | {clock(m.duration_s)} |",
        "",
    ]
    for a in view.answers:
        lines += [f"## {a.index}. {'Main answer' if a.role == 'main' else 'Follow-up'}", "", f"> {a.question}", ""]
        lines += [f"- Problem: {p}" for p in a.problems]
        if a.analysis is None:
            lines.append("")
            continue
        for item in (a.analysis.get("content") or {}).get("rubric") or []:
            mark = "x" if item.get("met") else " "
            evidence = "; ".join(f"\"{e.get('quote', '')}\" ({clock(e.get('start'))})" for e in item.get("evidence") or [])
            lines.append(f"- [{mark}] {item.get('id')}" + (f": {evidence}" if evidence else ""))
        lines.append("")
        for tip in (a.analysis.get("scorecard") or {}).get("tips") or []:
            lines.append(f"- Tip: {tip}")
        lines += ["", "Transcript:", "", f"> {(a.analysis.get('transcript') or {}).get('text', '')}", ""]
    return "\n".join(lines)


def _shareable(record: dict) -> dict:
    """The record without the recording process's stamp (pid, host name, boot id): an export is
    sent to someone else, and which machine recorded it is none of their business."""
    return {key: value for key, value in record.items() if key != "process"}
