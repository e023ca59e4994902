"""The `mockloop analyze --json` contract (schema mockloop.analysis/1).

This is a public interface: fields may be added, never renamed or removed without bumping SCHEMA.
The whole contract is published as a JSON Schema next to this module (``analysis.schema.json``,
read with `json_schema()`). Everything that leaves the process as JSON goes through
`analysis_to_dict`, and everything read back (saved answers) through `analysis_from_dict`, so the
session files, the CLI and the review views can never drift apart. analysis_to_dict passes its
result through plain_json: the one place that turns numpy scalars and tuples into JSON types and
refuses anything else, naming the field, before it can reach a file.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from importlib import resources
from typing import Any

from mockloop.analysis.uncertainty import confidence_of
from mockloop.models import (
    Analysis,
    Conciseness,
    PitchWindow,
    Prosody,
    Repetition,
    Span,
    ContentResult,
    DeliveryMetrics,
    Evidence,
    Filler,
    Pause,
    PhraseHit,
    RubricVerdict,
    Scorecard,
    Transcript,
    Word,
)

SCHEMA = "mockloop.analysis/1"
SCHEMA_FILE = "analysis.schema.json"


@lru_cache(maxsize=1)
def json_schema() -> dict:
    """The contract as a JSON Schema (draft 2020-12), as shipped in the package."""
    text = resources.files("mockloop.analysis").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    return json.loads(text)


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


def _index_fields(item: Filler | PhraseHit) -> dict:
    """``word_index`` (first word) and ``word_indices`` (every word); none when not known."""
    if item.word_index < 0:  # read back from an analysis saved before indices were recorded
        return {}
    return {"word_index": item.word_index, "word_indices": list(item.words)}


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
                "evidence": [
                    {"quote": e.quote, "start": _r(e.start), "uncertain": e.uncertain, "word_indices": list(e.word_indices)}
                    for e in v.evidence
                ],
                "judge": v.judge,
                **({"note": v.note} if v.note else {}),
            }
            for v in a.content.rubric
        ],
        "score": a.content.score,
    }
    for key, value in (a.content.extras or {}).items():
        content.setdefault(key, value)
    confidence = confidence_of(a)
    uncertain = set(confidence.uncertain_word_indices)
    return {
        "schema": SCHEMA,
        "source": a.source,
        "kind": a.kind,
        "prompt_id": a.prompt_id,
        "duration_s": _r(a.transcript.duration_s),
        "decode_warnings": list(a.decode_warnings),
        "model": a.transcript.model,
        "transcript": {
            "text": a.transcript.text,
            "words": [
                {
                    "text": w.text,
                    "start": _r(w.start, 3),
                    "end": _r(w.end, 3),
                    "probability": _r(w.probability, 3),
                    "uncertain": i in uncertain,
                    **({"recovered": True} if w.recovered else {}),
                    **({"heard_before": w.heard_before} if w.heard_before else {}),
                }
                for i, w in enumerate(a.transcript.words)
            ],
            "uncertain_share": confidence.uncertain_share,
            "may_be_unreliable": confidence.may_be_unreliable,
            "uncertain_below_probability": confidence.word_min_probability,
        },
        "delivery": {
            "words_per_minute": d.words_per_minute,
            "articulation_rate_wpm": d.articulation_rate_wpm,
            "word_count": d.word_count,
            "speaking_time_s": d.speaking_time_s,
            "fillers": [
                {
                    "text": f.text,
                    "kind": f.kind,
                    "start": _r(f.start, 3),
                    "end": _r(f.end, 3),
                    **_index_fields(f),
                }
                for f in d.fillers
            ],
            "fillers_per_minute": d.fillers_per_minute,
            "pauses": [
                {"start": _r(p.start, 3), "end": _r(p.end, 3), "duration": _r(p.duration, 3)} for p in d.pauses
            ],
            "long_pauses": len(d.long_pauses),
            "long_pause_threshold_s": d.long_pause_threshold_s,
            "response_latency_s": d.response_latency_s,
            "decision_markers": [
                {
                    "text": m.text,
                    "start": _r(m.start, 3),
                    "category": m.category,
                    **_index_fields(m),
                }
                for m in d.decision_markers
            ],
            "longest_stretch_without_marker_s": d.longest_stretch_without_marker_s,
            "hedges": [
                {"text": h.text, "start": _r(h.start, 3), **_index_fields(h)}
                for h in d.hedges
            ],
            "clipped_share": _r(d.clipped_share, 3),
            "prosody": prosody_to_dict(d.prosody),
            "repetitions": [
                {"start": _r(r.start, 3), "end": _r(r.end, 3), "text": r.text, "kind": r.kind, "word_indices": list(r.word_indices)}
                for r in d.repetitions
            ],
            "conciseness": conciseness_to_dict(d.conciseness),
        },
        "content": content,
        "scorecard": {
            "delivery_score": a.scorecard.delivery_score,
            "content_score": a.scorecard.content_score,
            "tips": list(a.scorecard.tips),
            "warnings": list(a.scorecard.warnings),
        },
    }


# --------------------------------------------------------------------------- reading back

_CONTENT_KEYS = {"rubric", "score"}


def analysis_from_dict(data: dict) -> Analysis:
    """The models' Analysis of a contract dict (a saved answer, an ``analyze --json`` output).

    Word indices are read back where present; an analysis saved before they were added gets
    ``word_index`` -1 and no ``word_indices`` for its fillers, markers and hedges, so nothing is
    guessed. Session files are untrusted input: a wrong shape raises ValueError.
    """
    try:
        return _analysis_from_dict(data)
    except (KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"not a {SCHEMA} analysis ({type(exc).__name__}: {exc})") from None


def _analysis_from_dict(data: dict) -> Analysis:
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise ValueError(f"not a {SCHEMA} analysis")
    t = data.get("transcript") or {}
    transcript = Transcript(
        words=[
            Word(
                text=str(w["text"]),
                start=_f(w.get("start")),
                end=_f(w.get("end")),
                probability=float(w.get("probability", 1.0) if w.get("probability") is not None else 1.0),
                recovered=bool(w.get("recovered", False)),
                heard_before=str(w.get("heard_before") or ""),
            )
            for w in t.get("words") or []
        ],
        duration_s=_f(data.get("duration_s")),
        model=data.get("model"),
    )
    d = data.get("delivery") or {}
    delivery = DeliveryMetrics(
        duration_s=_f(data.get("duration_s")),
        word_count=int(d.get("word_count") or len(transcript.words)),
        speaking_time_s=_f(d.get("speaking_time_s")),
        words_per_minute=_f(d.get("words_per_minute")),
        articulation_rate_wpm=_f(d.get("articulation_rate_wpm")),
        fillers=[
            Filler(str(f["text"]), str(f["kind"]), _f(f.get("start")), _f(f.get("end")), *_indices(f))
            for f in d.get("fillers") or []
        ],
        fillers_per_minute=_f(d.get("fillers_per_minute")),
        pauses=[Pause(float(p["start"]), float(p["end"])) for p in d.get("pauses") or []],
        long_pause_threshold_s=float(d.get("long_pause_threshold_s") or 2.0),
        response_latency_s=_f(d.get("response_latency_s")),
        decision_markers=[_phrase_hit(m) for m in d.get("decision_markers") or []],
        longest_stretch_without_marker_s=_f(d.get("longest_stretch_without_marker_s")),
        hedges=[_phrase_hit(h) for h in d.get("hedges") or []],
        clipped_share=_f(d.get("clipped_share")),
        prosody=_prosody_from(d.get("prosody")),
        repetitions=[
            Repetition(_f(r.get("start")), _f(r.get("end")), str(r["text"]), str(r.get("kind", "repetition")),
                       tuple(int(i) for i in r.get("word_indices") or ()))
            for r in d.get("repetitions") or []
        ],
        conciseness=_conciseness_from(d.get("conciseness")),
    )
    c = data.get("content") or {}
    content = ContentResult(
        kind=str(data.get("kind", "")),
        rubric=[
            RubricVerdict(
                id=str(v["id"]),
                met=bool(v["met"]),
                evidence=[
                    Evidence(
                        str(e["quote"]),
                        _f(e.get("start")),
                        tuple(int(i) for i in e.get("word_indices") or ()),
                        e.get("uncertain") is True,
                    )
                    for e in v.get("evidence") or []
                ],
                judge=str(v.get("judge", "rules")),
                note=str(v.get("note", "")),
            )
            for v in c.get("rubric") or []
        ],
        score=c.get("score"),
        extras={key: value for key, value in c.items() if key not in _CONTENT_KEYS},
    )
    sc = data.get("scorecard") or {}
    scorecard = Scorecard(
        sc.get("delivery_score"),
        sc.get("content_score"),
        [str(tip) for tip in sc.get("tips") or []],
        [str(warning) for warning in sc.get("warnings") or []],
    )
    return Analysis(
        source=str(data.get("source", "")),
        kind=str(data.get("kind", "")),
        transcript=transcript,
        delivery=delivery,
        content=content,
        scorecard=scorecard,
        prompt_id=data.get("prompt_id"),
    )


def _span_from(item: dict | None, value_name: str | None = None) -> Span | None:
    if item is None:
        return None
    value = _f(item.get(value_name)) if value_name else None
    return Span(_f(item.get("start")), _f(item.get("end")), str(item["text"]), value)


def _window_from(item: dict) -> PitchWindow:
    return PitchWindow(float(item["start"]), float(item["end"]), float(item["pitch_median_hz"]), float(item["range_semitones"]))


def _prosody_from(p: dict | None) -> Prosody | None:
    if p is None:
        return None
    return Prosody(
        pitch_median_hz=float(p["pitch_median_hz"]),
        pitch_range_semitones=float(p["pitch_range_semitones"]),
        monotone=p["monotone"] is True,
        flattest=[_window_from(w) for w in p.get("flattest") or []],
        per_minute=[_window_from(w) for w in p.get("per_minute") or []],
        loudness_dbfs=float(p.get("loudness_dbfs") or 0.0),
        intensity_range_db=float(p["intensity_range_db"]),
        uptalk=[_span_from(u, "rise_semitones") for u in p.get("uptalk") or []],
        statements=int(p.get("statements") or 0),
        trailing_off=[_span_from(u, "drop_db") for u in p.get("trailing_off") or []],
    )


def _conciseness_from(c: dict | None) -> Conciseness | None:
    if c is None:
        return None
    bottom = c.get("bottom_line_first")
    return Conciseness(
        first_point_s=_f(c.get("first_point_s")),
        first_point=_span_from(c.get("first_point")),
        longest_without_decision_s=_f(c.get("longest_without_decision_s")),
        run_on_sentences=[_span_from(r, "words") for r in c.get("run_on_sentences") or []],
        bottom_line_first=None if bottom is None else bottom is True,
    )


def _f(value) -> float | None:
    return None if value is None else float(value)


def _indices(item: dict) -> tuple[int, tuple[int, ...]]:
    indices = tuple(int(i) for i in item.get("word_indices") or ())
    first = item.get("word_index")
    first = int(first) if first is not None else (indices[0] if indices else -1)
    return first, indices


def _phrase_hit(item: dict) -> PhraseHit:
    first, indices = _indices(item)
    return PhraseHit(str(item["text"]), _f(item.get("start")), first, str(item.get("category", "")), indices)


def _span(span, value_name: str | None = None) -> dict:
    out = {"start": _r(span.start, 3), "end": _r(span.end, 3), "text": span.text}
    if value_name and span.value is not None:
        out[value_name] = _r(span.value, 2)
    return out


def _window(w) -> dict:
    return {"start": _r(w.start), "end": _r(w.end), "pitch_median_hz": _r(w.pitch_median_hz, 1), "range_semitones": _r(w.range_semitones)}


def prosody_to_dict(p) -> dict | None:
    """delivery.prosody; None for text input (no audio to hear)."""
    if p is None:
        return None
    return {
        "pitch_median_hz": _r(p.pitch_median_hz, 1),
        "pitch_range_semitones": _r(p.pitch_range_semitones),
        "monotone": bool(p.monotone),
        "flattest": [_window(w) for w in p.flattest],
        "per_minute": [_window(w) for w in p.per_minute],
        "loudness_dbfs": _r(p.loudness_dbfs, 1),
        "intensity_range_db": _r(p.intensity_range_db, 1),
        "statements": p.statements,
        "uptalk": [_span(s, "rise_semitones") for s in p.uptalk],
        "trailing_off": [_span(s, "drop_db") for s in p.trailing_off],
    }


def conciseness_to_dict(c) -> dict | None:
    if c is None:
        return None
    return {
        "first_point_s": _r(c.first_point_s),
        "first_point": _span(c.first_point) if c.first_point else None,
        "longest_without_decision_s": _r(c.longest_without_decision_s),
        "run_on_sentences": [_span(s, "words") for s in c.run_on_sentences],
        "bottom_line_first": c.bottom_line_first,
    }
