"""The `mockloop analyze --json` contract (schema mockloop.analysis/1).

This is a public interface (see the design note analysis-contract.md): fields may be added, never
renamed or removed without bumping SCHEMA. Everything that leaves the process as JSON goes
through analysis_to_dict, so the session files and the CLI can never drift apart.
"""

from __future__ import annotations

from mockloop.models import Analysis

SCHEMA = "mockloop.analysis/1"


def _r(value, digits=2):
    return None if value is None else round(float(value), digits)


def analysis_to_dict(a: Analysis) -> dict:
    d = a.delivery
    content = {
        "rubric": [
            {
                "id": v.id,
                "met": v.met,
                "evidence": [{"quote": e.quote, "start": _r(e.start)} for e in v.evidence],
                "judge": v.judge,
                **({"note": v.note} if v.note else {}),
            }
            for v in a.content.rubric
        ],
        "score": a.content.score,
    }
    for key, value in (a.content.extras or {}).items():
        content.setdefault(key, value)
    return {
        "schema": SCHEMA,
        "source": a.source,
        "kind": a.kind,
        "prompt_id": a.prompt_id,
        "duration_s": _r(a.transcript.duration_s),
        "model": a.transcript.model,
        "transcript": {
            "text": a.transcript.text,
            "words": [
                {
                    "text": w.text,
                    "start": _r(w.start, 3),
                    "end": _r(w.end, 3),
                    "probability": _r(w.probability, 3),
                    **({"recovered": True} if w.recovered else {}),
                }
                for w in a.transcript.words
            ],
        },
        "delivery": {
            "words_per_minute": d.words_per_minute,
            "articulation_rate_wpm": d.articulation_rate_wpm,
            "word_count": d.word_count,
            "speaking_time_s": d.speaking_time_s,
            "fillers": [
                {"text": f.text, "kind": f.kind, "start": _r(f.start, 3), "end": _r(f.end, 3)} for f in d.fillers
            ],
            "fillers_per_minute": d.fillers_per_minute,
            "pauses": [
                {"start": _r(p.start, 3), "end": _r(p.end, 3), "duration": _r(p.duration, 3)} for p in d.pauses
            ],
            "long_pauses": len(d.long_pauses),
            "long_pause_threshold_s": d.long_pause_threshold_s,
            "response_latency_s": d.response_latency_s,
            "decision_markers": [
                {"text": m.text, "start": _r(m.start, 3), "category": m.category} for m in d.decision_markers
            ],
            "longest_stretch_without_marker_s": d.longest_stretch_without_marker_s,
            "hedges": [{"text": h.text, "start": _r(h.start, 3)} for h in d.hedges],
        },
        "content": content,
        "scorecard": {
            "delivery_score": a.scorecard.delivery_score,
            "content_score": a.scorecard.content_score,
            "tips": list(a.scorecard.tips),
        },
    }
