"""The `mockloop analyze --json` contract (schema mockloop.analysis/1).

This is a public interface (see the design note analysis-contract.md): fields may be added, never
renamed or removed without bumping SCHEMA. Everything that leaves the process as JSON goes
through analysis_to_dict, so the session files and the CLI can never drift apart, and
analysis_to_dict passes its result through plain_json: the one place that turns numpy scalars and
tuples into JSON types and refuses anything else, naming the field, before it can reach a file.
"""

from __future__ import annotations

import json
import math
from typing import Any

from mockloop.models import Analysis

SCHEMA = "mockloop.analysis/1"


class ContractTypeError(TypeError):
    """A value in the analysis has no JSON form; the message names where it is."""


def plain_json(value: Any, path: str = "$") -> Any:
    """``value`` as built-in JSON types only: dict (str keys), list, str, int, float, bool, None.

    numpy scalars become their Python value (numpy's bool is not a bool, and json refuses it),
    tuples become lists, and NaN or infinity (which json would write as invalid JSON) become None.
    Any other type raises ContractTypeError with the path of the field, so a bad value is found
    where it enters the contract, not as a crash in whoever writes the file.
    """
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, dict):
        result = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise ContractTypeError(f"{path}: key {key!r} is a {type(key).__name__}, not a string")
            result[key] = plain_json(item, f"{path}.{key}")
        return result
    if isinstance(value, (list, tuple)):
        return [plain_json(item, f"{path}[{i}]") for i, item in enumerate(value)]
    item = getattr(value, "item", None)  # numpy scalars (and 0-d arrays) without importing numpy
    if callable(item) and getattr(value, "shape", None) == ():
        converted = item()
        if isinstance(converted, (bool, int, float, str)) or converted is None:
            return plain_json(converted, path)
    raise ContractTypeError(f"{path}: {type(value).__module__}.{type(value).__name__} has no JSON form")


def dumps(data: dict, indent: int | None = None) -> str:
    """The JSON text of a contract dict (already plain_json); strict: no NaN, UTF-8 kept."""
    return json.dumps(plain_json(data), ensure_ascii=False, indent=indent, allow_nan=False)


def _r(value, digits=2):
    return None if value is None else round(float(value), digits)


def analysis_to_dict(a: Analysis) -> dict:
    """The contract dict of ``a``, built-in JSON types only (see plain_json)."""
    return plain_json(_analysis_fields(a))


def _analysis_fields(a: Analysis) -> dict:
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
            "clipped_share": _r(d.clipped_share, 3),
        },
        "content": content,
        "scorecard": {
            "delivery_score": a.scorecard.delivery_score,
            "content_score": a.scorecard.content_score,
            "tips": list(a.scorecard.tips),
        },
    }
