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
        if a.role == "main":
            lines += _asking(a.analysis, r.prompt.get("id"))
        for tip in (a.analysis.get("scorecard") or {}).get("tips") or []:
            lines.append(f"- Tip: {tip}")
        lines += ["", "Transcript:", "", *_transcript(a.analysis), ""]
    return "\n".join(lines)


def _asking(analysis: dict, prompt_id) -> list[str]:
    """The grading of the asking, as the report shows it: each clarifying question with its time
    and the fact it reached, the critical facts never asked for, scoping before design."""
    from mockloop.interview.conversation import asking_notes
    from mockloop.review.html_report import bank_prompt

    clarifying = (analysis.get("content") or {}).get("clarifying")
    if not isinstance(clarifying, dict):
        return []
    notes = asking_notes(clarifying, bank_prompt(prompt_id))
    lines = ["Clarifying questions:", ""]
    if not any(n.kind == "asked" for n in notes):
        lines.append("- You asked the interviewer no clarifying question.")
    for note in notes:
        if note.kind == "asked":
            lines.append(f"- Asked at {clock(note.start)}: {note.text}" if note.start is not None else f"- Asked: {note.text}")
        else:
            lines.append(f"- {'[x]' if note.good else '[ ]'} {note.text}")
    return lines + [""]


def _transcript(analysis: dict) -> list[str]:
    """The candidate's words as quoted paragraphs, each of the interviewer's turns on a line of its
    own where it happened (speaker, what it was and its time), and each question the candidate put
    to the interviewer in bold, as the report shows them."""
    from mockloop.review.highlights import Pause, Said, timeline
    from mockloop.written_forms import join_texts

    events = [e for e in timeline(analysis) if not isinstance(e, Pause)]
    if not any(isinstance(e, Said) for e in events) and not any("asked" in getattr(e, "tags", ()) for e in events):
        return [f"> {(analysis.get('transcript') or {}).get('text', '')}"]
    lines: list[str] = []
    words: list[str] = []
    asking: list[str] = []

    def close_question():
        if asking:
            words.append(f"**{join_texts(asking)}**")
            asking.clear()

    def paragraph():
        close_question()
        if words:
            lines.extend([f"> {join_texts(words)}", ">"])
            words.clear()

    for event in events:
        if isinstance(event, Said):
            paragraph()
            lines.extend([f"> *{event.label} ({clock(event.start)}):* {event.text}", ">"])
        elif "asked" in event.tags:
            asking.append(event.text)
        else:
            close_question()
            words.append(event.text)
    paragraph()
    return lines[:-1]


def _shareable(record: dict) -> dict:
    """The record without the recording process's stamp (pid, host name, boot id): an export is
    sent to someone else, and which machine recorded it is none of their business."""
    return {key: value for key, value in record.items() if key != "process"}
