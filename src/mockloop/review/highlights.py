"""The transcript as a timeline of marked words and pauses, shared by the replay and the report.

The analysis lists fillers, hedges and decision markers with the indices of the words they cover
(``word_indices``); here those words are tagged, so every view colours exactly the words the
analysis marked, and the pauses become gaps in the stream at the moment they happened. Analyses
saved before the indices were recorded are matched by time and text instead (`_guess_by_time`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Union

from mockloop.analysis.uncertainty import saved_word_is_uncertain

TOLERANCE_S = 0.02  # only for analyses without word indices


@dataclass
class Word:
    index: int
    text: str
    start: float
    end: float
    tags: set[str] = field(default_factory=set)  # filler, hedge, marker, uncertain, repetition, uptalk, asked


@dataclass
class Pause:
    start: float
    end: float
    duration: float
    long: bool


@dataclass
class Said:
    """A turn of the interviewer's inside the answer's recording: a reply to a clarifying
    question, a follow-up or cut-in, a time cue. Never part of the candidate's words."""

    start: float
    end: float
    kind: str
    text: str
    fact: Optional[str] = None

    @property
    def label(self) -> str:
        from mockloop.interview.conversation import INTERVIEWER_LABELS

        return "Interviewer " + INTERVIEWER_LABELS.get(self.kind, self.kind.replace("_", " "))


Event = Union[Word, Pause, Said]


def marked_words(analysis: dict) -> list[Word]:
    """The transcript's words, each tagged with ``filler``, ``hedge``, ``marker``, ``uncertain``,
    ``repetition``, ``uptalk`` and/or ``asked`` (a question put to the interviewer)."""
    raw = (analysis.get("transcript") or {}).get("words") or []
    words = [
        Word(i, str(w.get("text", "")), float(w.get("start") or 0.0), float(w.get("end") or w.get("start") or 0.0))
        for i, w in enumerate(raw)
    ]
    for word, saved in zip(words, raw):
        if saved_word_is_uncertain(saved):  # the model was unsure of it: every view marks it
            word.tags.add("uncertain")
    delivery = analysis.get("delivery") or {}
    for key, tag in (("fillers", "filler"), ("hedges", "hedge"), ("decision_markers", "marker")):
        for item in delivery.get(key) or []:
            covered = _by_index(words, item)
            if covered is None:
                covered = _guess_by_time(words, item, is_filler=tag == "filler")
            for w in covered:
                w.tags.add(tag)
    _mark_prosody(words, delivery)
    _mark_questions(words, analysis)
    return words


def _mark_questions(words: list[Word], analysis: dict) -> None:
    """``asked``: the words of each question the candidate put to the interviewer (a candidate
    turn of kind "question" in ``turns``)."""
    for turn in analysis.get("turns") or []:
        if not isinstance(turn, dict) or turn.get("speaker") != "candidate" or turn.get("kind") != "question":
            continue
        start, end = _seconds(turn.get("start")), _seconds(turn.get("end"))
        for word in words:
            if start - TOLERANCE_S <= word.start and word.end <= end + TOLERANCE_S:
                word.tags.add("asked")


def _by_index(words: list[Word], item: dict) -> list[Word] | None:
    """The words at the item's ``word_indices``; None when it has none (an older analysis)."""
    indices = item.get("word_indices")
    if not isinstance(indices, list) or not indices:
        return None
    return [words[i] for i in indices if isinstance(i, int) and 0 <= i < len(words)]


def _guess_by_time(words: list[Word], item: dict, is_filler: bool) -> list[Word]:
    """For analyses saved without word indices: the words at the item's time, by its text."""
    start = float(item.get("start") or 0.0)
    if not is_filler:
        return _phrase(words, start, item.get("text", ""))
    end = float(item.get("end") or item.get("start") or 0.0)
    hit = [w for w in words if w.start < end - TOLERANCE_S and w.end > start + TOLERANCE_S]
    hit = _extend_back(words, hit, str(item.get("text", "")).split())
    return hit or _phrase(words, start, item.get("text", ""))


def _mark_prosody(words: list[Word], delivery: dict) -> None:
    """Repetitions by their word indices; an uptalk statement on its last word (where the rise is)."""
    for item in delivery.get("repetitions") or []:
        indices = item.get("word_indices") if isinstance(item, dict) else None
        for i in indices if isinstance(indices, list) else []:
            if isinstance(i, int) and 0 <= i < len(words):
                words[i].tags.add("repetition")
    prosody = delivery.get("prosody")
    for item in (prosody.get("uptalk") or []) if isinstance(prosody, dict) else []:
        try:
            end = float(item["end"])
        except (KeyError, TypeError, ValueError):
            continue
        ending = [w for w in words if w.start < end + TOLERANCE_S and w.end > end - 1.0]
        if ending:
            min(ending, key=lambda w: abs(w.end - end)).tags.add("uptalk")


def interviewer_turns(analysis: dict) -> list[Said]:
    """The interviewer's turns of the answer's ``turns`` list (the session file is untrusted:
    anything not shaped like a turn is left out), in time order."""
    said = []
    for turn in analysis.get("turns") or []:
        if not isinstance(turn, dict) or turn.get("speaker") != "interviewer" or not isinstance(turn.get("text"), str):
            continue
        start, end = _seconds(turn.get("start")), _seconds(turn.get("end"))
        kind = turn.get("kind") if isinstance(turn.get("kind"), str) else "reply"
        fact = turn.get("fact") if isinstance(turn.get("fact"), str) else None
        said.append(Said(start, max(end, start), kind, turn["text"], fact))
    return sorted(said, key=lambda s: s.start)


def _seconds(value) -> float:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and value == value and abs(value) != float("inf")
    return max(0.0, float(value)) if ok else 0.0


def timeline(analysis: dict) -> list[Event]:
    """Words, pauses and the interviewer's turns in time order; a pause at least the long-pause
    threshold is ``long``. An interviewer's turn comes before a word that starts with it."""
    delivery = analysis.get("delivery") or {}
    threshold = float(delivery.get("long_pause_threshold_s") or 2.0)
    pauses = [
        Pause(float(p["start"]), float(p["end"]), float(p.get("duration") or p["end"] - p["start"]), False)
        for p in delivery.get("pauses") or []
        if p.get("start") is not None and p.get("end") is not None
    ]
    for p in pauses:
        p.long = p.duration >= threshold - 1e-6
    events: list[Event] = [*marked_words(analysis), *pauses, *interviewer_turns(analysis)]
    events.sort(key=lambda e: (e.start, 0 if isinstance(e, Pause) else 1 if isinstance(e, Said) else 2))
    return events


def moments(analysis: dict, context_s: float = 1.5) -> list[tuple[float, float, str]]:
    """Stretches of the answer around each filler and long pause, merged when they overlap.

    Returns ``(start, end, label)`` triples, used by the replay's reel of habits.
    """
    delivery = analysis.get("delivery") or {}
    duration = float(analysis.get("duration_s") or 0.0) or None
    spots: list[tuple[float, float, str]] = []
    for f in delivery.get("fillers") or []:
        spots.append((float(f["start"]), float(f.get("end") or f["start"]), f"filler '{f.get('text', '')}'"))
    for p in timeline(analysis):
        if isinstance(p, Pause) and p.long:
            spots.append((p.start, p.end, f"pause {p.duration:.1f} s"))
    spots.sort()
    merged: list[list] = []
    for start, end, label in spots:
        lo, hi = max(0.0, start - context_s), end + context_s
        if duration:
            hi = min(hi, duration)
        if merged and lo <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], hi)
            merged[-1][2] += f", {label}"
        else:
            merged.append([lo, hi, label])
    return [(lo, hi, label) for lo, hi, label in merged]


def _extend_back(words: list[Word], hit: list[Word], parts: list[str]) -> list[Word]:
    """Whisper's word times drift: "you know" may overlap only "know"; take "you" too."""
    while hit and len(hit) < len(parts) and hit[0].index > 0:
        before = words[hit[0].index - 1]
        if _bare(before.text) not in parts:
            break
        hit = [before, *hit]
    return hit


def _bare(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum() or ch == "'")


def _phrase(words: list[Word], start: float, text: str) -> list[Word]:
    """The words of a phrase said at ``start``: the first word starting there, and the next few."""
    count = max(1, len(str(text).split()))
    for i, w in enumerate(words):
        if w.start >= start - TOLERANCE_S or w.end > start + TOLERANCE_S:
            return words[i : i + count]
    return []
