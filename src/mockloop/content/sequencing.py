"""When things were said: scoping before design, the order of the analysis, time per phase.

Interviewers judge a TPM on the order of decisions as much as on the decisions: asking who uses a
system before proposing Kafka, stating assumptions before latency budgets before failure
tolerance. The rule judge already knows where each item was hit; this module turns those places
into a timeline the report and the tips can use.
"""

from __future__ import annotations

from typing import Optional

from mockloop.content.rubric import Rubric
from mockloop.content.rules import Hit, ItemFinding, design_statements
from mockloop.content.text import Doc, format_time


def _point(hit: Optional[Hit]) -> Optional[dict]:
    if hit is None:
        return None
    return {
        "quote": hit.quote,
        "said": hit.match_quote,
        "start": hit.start,
        "time": format_time(hit.start),
        "word_index": hit.match_word,
    }


def _first(findings: dict[str, ItemFinding], item_ids: list[str]) -> Optional[Hit]:
    hits = [hit for item_id in item_ids if item_id in findings for hit in findings[item_id].hits]
    return min(hits, key=lambda hit: hit.match_word) if hits else None


def analyse(doc: Doc, rubric: Rubric, findings: dict[str, ItemFinding]) -> dict:
    """The sequencing block of content.extras.

    Returns a JSON-ready dict: for system design, the first design statement, the scoping said
    before it, and the order assumptions -> budgets -> failure tolerance; for every kind, the
    share of the answer spent in each phase (by time when the input has timings, else by words).
    """
    spec = rubric.sequencing
    result: dict = {}
    if spec.get("design"):
        designs = design_statements(doc, rubric)
        first_design = designs[0] if designs else None
        scoping = sorted(
            (hit for item_id in spec.get("scoping_items", []) for hit in findings[item_id].hits),
            key=lambda hit: hit.match_word,
        )
        before = [hit for hit in scoping if first_design is None or hit.match_word < first_design.match_word]
        result["first_design_statement"] = _point(first_design)
        result["scoping_before_design"] = [_point(hit) for hit in before[:5]]
        result["scoped_before_design"] = bool(before)
        steps = {
            "assumptions": _first(findings, ["states_assumptions"]),
            "budgets": _first(findings, spec.get("budget_items", [])),
            "failure_tolerance": _first(findings, spec.get("failure_items", [])),
        }
        present = [hit.match_word for hit in steps.values() if hit is not None]
        result["order"] = {
            "steps": {name: _point(hit) for name, hit in steps.items()},
            "expected": list(steps),
            "in_order": (present == sorted(present)) if len(present) >= 2 else None,
        }
    result.update(phase_shares(doc, rubric, findings))
    return result


def phase_shares(doc: Doc, rubric: Rubric, findings: dict[str, ItemFinding]) -> dict:
    """Label each sentence with the phase of the items hit there; unlabelled ones continue the
    phase before them, and anything before the first labelled sentence is the opening."""
    phases = rubric.sequencing.get("phases") or {}
    if not doc.sentences or not phases:
        return {"phases": [], "phase_basis": None}
    label_of: dict[int, str] = {}
    for phase, item_ids in phases.items():
        for item_id in item_ids:
            finding = findings.get(item_id)
            for hit in finding.hits if finding else []:
                label_of.setdefault(hit.sentence_index, phase)
    if rubric.sequencing.get("design"):
        for hit in design_statements(doc, rubric):
            label_of.setdefault(hit.sentence_index, "design")
    timed = all(doc.words[s.first_word].start is not None for s in doc.sentences)
    totals: dict[str, float] = {}
    starts: dict[str, Optional[float]] = {}
    current = "opening"
    for index, sentence in enumerate(doc.sentences):
        current = label_of.get(index, current)
        if timed:
            begin = doc.words[sentence.first_word].start
            following = doc.sentences[index + 1] if index + 1 < len(doc.sentences) else None
            if following is not None:
                end = doc.words[following.first_word].start
            else:
                last = doc.words[sentence.last_word]
                end = last.end if last.end is not None else last.start
            amount = max(end - begin, 0.0)
        else:
            amount = float(sum(1 for t in sentence.tokens if t.text != "?"))
        totals[current] = totals.get(current, 0.0) + amount
        starts.setdefault(current, doc.words[sentence.first_word].start)
    grand = sum(totals.values()) or 1.0
    order = ["opening"] + list(phases) + (["design"] if "design" not in phases and rubric.sequencing.get("design") else [])
    rows = []
    for name in order:
        if name in totals:
            rows.append(
                {
                    "phase": name,
                    "share": round(totals[name] / grand, 3),
                    "seconds": round(totals[name], 1) if timed else None,
                    "start": starts[name],
                }
            )
    return {"phases": rows, "phase_basis": "time" if timed else "words"}
