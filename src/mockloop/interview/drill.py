"""Focused drills: one short question aimed at one rubric item, scored on that item and delivery.

A drill is an ordinary interview run by ``interview.loop.Interview`` (same recorder, microphone or
``--answer-audio``, analysis and session folder), with three differences: the question is the
prompt's follow-up for the item, said as "In 60 seconds: ...", the time limit is 60 to 120 s, and
the session is marked ``drill`` in ``session.json`` (``{"item", "from_session", "at_s"}``) so
history, the index and the plan can tell drills from full rounds. exec_explain drills run 90 s
with the seconds left said aloud.

A retake of a stretch (``--from SESSION --at 1:20``) replays the sentences around that moment of
the saved answer, records a new version of just that part, and compares the two.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from mockloop.errors import InputError
from mockloop.sessions import Session, SessionStore

DRILL_LIMIT_S = 60.0
KIND_LIMITS_S = {"exec_explain": 90.0}  # an executive explanation needs its minute and a half
MIN_LIMIT_S, MAX_LIMIT_S = 60.0, 120.0
COUNTDOWN_KINDS = ("exec_explain",)
COUNTDOWN_S = (60.0, 30.0, 10.0)  # seconds left said aloud in a counted-down drill
DRILL_SILENCE_STOP_S = 8.0  # a short answer is over once the candidate has been quiet this long
STRETCH_CONTEXT_S = 4.0  # a stretch: the sentences that touch this many seconds either side of --at


def drill_limit(kind: str, seconds: Optional[float] = None) -> float:
    limit = float(seconds) if seconds is not None else KIND_LIMITS_S.get(kind, DRILL_LIMIT_S)
    if not MIN_LIMIT_S <= limit <= MAX_LIMIT_S:
        raise InputError(f"A drill lasts {MIN_LIMIT_S:.0f} to {MAX_LIMIT_S:.0f} seconds; got {limit:g}.")
    return limit


def drill_question(prompt, item: str, limit_s: float) -> str:
    """"In 60 seconds: <the prompt's own follow-up for the item>", else the item's meaning."""
    from mockloop.content.rubric import get_rubric

    asks = (getattr(prompt, "probes", None) or {}).get(item) or []
    head = f"In {int(limit_s)} seconds"
    if asks:
        return f"{head}: {asks[0]}"
    meaning = get_rubric(prompt.kind).item(item).meaning
    return f"{head}, for {prompt.title}: answer so that the interviewer hears that the candidate {meaning}."


def check_item(kind: str, item: str) -> str:
    from mockloop.content.rubric import rubric_ids

    ids = rubric_ids(kind)
    if item not in ids:
        raise InputError(f"{item!r} is not a {kind} rubric item; use one of: {', '.join(ids)}.")
    return item


def choose_drill(store: SessionStore, item: Optional[str] = None, prompt_id: Optional[str] = None):
    """The (prompt, item) to drill: as given, else the weakest item in history and a prompt that
    focuses on it.

    Raises:
        InputError: no item given and no history to find one in, or an item not in the rubric.
    """
    from mockloop.content.prompts import get_prompt, load_bank
    from mockloop.review.plan import weaknesses
    from mockloop.review.skills import load_skills

    prompt = get_prompt(prompt_id) if prompt_id else None
    if item is None:
        sessions, _ = load_skills(store)
        if prompt is not None:
            sessions = [s for s in sessions if s.kind == prompt.kind]
        ranked = [w for w in weaknesses(sessions) if w.missed]
        if not ranked:
            raise InputError("No missed rubric item in your history to drill; name one with --item (see `mockloop prompts`).")
        item, kind = ranked[0].item, ranked[0].kind
    else:
        kind = prompt.kind if prompt is not None else _kind_of_item(item)
    check_item(kind, item)
    if prompt is None:
        of_kind = [p for p in load_bank() if p.kind == kind]
        prompt = next((p for p in of_kind if item in (p.focus or ())), of_kind[0])
    return prompt, item


def _kind_of_item(item: str) -> str:
    from mockloop.content.rubric import kinds, rubric_ids

    for kind in kinds():
        if item in rubric_ids(kind):
            return kind
    raise InputError(f"{item!r} is not a rubric item of any kind of round (see `mockloop prompts`).")


def drill_prompt(prompt, item: str, limit_s: float, question: Optional[str] = None):
    """The prompt as the loop asks it: the drill question, the drill's limit, no phases."""
    return dataclasses.replace(
        prompt, text=question or drill_question(prompt, item, limit_s), time_limit_s=int(limit_s), phases=[],
        title=f"Drill on {item}: {prompt.title}",
    )


def drill_style(kind: str):
    from mockloop.interview.styles import STYLES

    countdown = COUNTDOWN_S if kind in COUNTDOWN_KINDS else ()
    return dataclasses.replace(STYLES["silent"], countdown=countdown)


class DrillStore(SessionStore):
    """A SessionStore whose new sessions are marked as drills from their first save."""

    def __init__(self, root, mark: dict):
        super().__init__(root)
        self.mark = mark

    def create(self, *args, **kwargs) -> Session:
        session = super().create(*args, **kwargs)
        session.record.drill = dict(self.mark)
        session.save()
        return session


@dataclass
class TakeMeasures:
    """What a drill take or a stretch of an answer is compared on."""

    item_met: Optional[bool]
    fillers_per_minute: Optional[float]
    long_pauses: Optional[int]
    words_per_minute: Optional[float]
    pitch_range_semitones: Optional[float] = None
    duration_s: float = 0.0


@dataclass
class DrillResult:
    session: Session
    item: str
    take: TakeMeasures
    evidence: Optional[str]  # the words that met the item
    tip: Optional[str]  # what to say differently when it was not met


def take_measures(analysis: dict, item: str) -> TakeMeasures:
    """The measures of one analysed answer (an ``answer-N.json`` dict)."""
    d = analysis.get("delivery") or {}
    prosody = d.get("prosody") if isinstance(d.get("prosody"), dict) else {}
    verdict = _verdict(analysis, item)
    return TakeMeasures(
        item_met=None if verdict is None else bool(verdict["met"]), fillers_per_minute=d.get("fillers_per_minute"),
        long_pauses=d.get("long_pauses"), words_per_minute=d.get("words_per_minute"),
        pitch_range_semitones=prosody.get("pitch_range_semitones"), duration_s=float(analysis.get("duration_s") or 0.0),
    )


def _verdict(analysis: dict, item: str) -> Optional[dict]:
    return next((v for v in ((analysis.get("content") or {}).get("rubric") or []) if v.get("id") == item), None)


def run_drill(prompt, item: str, settings, store: SessionStore, view=None, analyzer=None, speaker=None,
              from_session: Optional[str] = None, at_s: Optional[float] = None, question: Optional[str] = None) -> DrillResult:
    """Ask one drill and score it on ``item``; returns the saved session and that item's verdict."""
    from mockloop.interview.loop import Interview
    from mockloop.review.loader import open_session

    limit_s = settings.time_limit_s or drill_limit(prompt.kind)
    asked = drill_prompt(prompt, item, limit_s, question)
    silence = DRILL_SILENCE_STOP_S if settings.silence_stop_s is None else settings.silence_stop_s
    settings = dataclasses.replace(settings, time_limit_s=limit_s, max_probes=0, silence_stop_s=silence)
    mark = {"item": item, "from_session": from_session, "at_s": at_s}
    drills = DrillStore(store.root, {k: v for k, v in mark.items() if v is not None})
    session = Interview(asked, settings, drills, view=view, analyzer=analyzer, speaker=speaker, style=drill_style(prompt.kind)).run()
    answer = open_session(store, session.id).answer(None).analysis
    verdict = _verdict(answer, item) or {}
    _score_on_item(session, bool(verdict.get("met")))
    quotes = [e.get("quote") for e in verdict.get("evidence") or [] if e.get("quote")]
    tip = None if verdict.get("met") else _tip_for(answer, prompt.kind, item)
    return DrillResult(session, item, take_measures(answer, item), quotes[0] if verdict.get("met") and quotes else None, tip)


def _score_on_item(session: Session, met: bool) -> None:
    """A drill's content score is its one item: 100 met, 0 not (the full rubric stays in the
    answer's JSON, but a 60-second answer is not a whole round and must not read as one)."""
    score = 100 if met else 0
    for answer in session.record.answers:
        if answer.content_score is not None:
            answer.content_score = score
    session.record.overall = {**session.record.overall, "content_score": score}
    session.save()


def _tip_for(analysis: dict, kind: str, item: str) -> str:
    from mockloop.content.rubric import get_rubric

    return get_rubric(kind).item(item).tip_missing


# --- retaking a stretch ------------------------------------------------------------------------


@dataclass
class Stretch:
    start: float
    end: float
    text: str
    measures: TakeMeasures


def find_stretch(analysis: dict, at_s: float, item: Optional[str] = None) -> Stretch:
    """The sentence(s) of a saved answer around ``at_s``, with that stretch's own measures.

    Raises:
        InputError: ``at_s`` is past the end of the answer, or the answer has no timed words.
    """
    words = [w for w in ((analysis.get("transcript") or {}).get("words") or []) if w.get("start") is not None and w.get("end") is not None]
    if not words:
        raise InputError("That answer has no timed words to retake a stretch of.")
    if at_s > float(analysis.get("duration_s") or words[-1]["end"]):
        raise InputError(f"The answer is only {_clock(float(analysis.get('duration_s') or words[-1]['end']))} long; pick an --at inside it.")
    sentences, current = [], []
    for w in words:
        current.append(w)
        if w["text"].rstrip().endswith((".", "?", "!")):
            sentences.append(current)
            current = []
    if current:
        sentences.append(current)
    lo, hi = at_s - STRETCH_CONTEXT_S, at_s + STRETCH_CONTEXT_S
    chosen = [s for s in sentences if s[-1]["end"] >= lo and s[0]["start"] <= hi]
    if not chosen:
        chosen = [min(sentences, key=lambda s: min(abs(s[0]["start"] - at_s), abs(s[-1]["end"] - at_s)))]
    start, end = chosen[0][0]["start"], chosen[-1][-1]["end"]
    text = " ".join(w["text"].strip() for s in chosen for w in s)
    return Stretch(start, end, text, _stretch_measures(analysis, start, end, item))


def _stretch_measures(analysis: dict, start: float, end: float, item: Optional[str]) -> TakeMeasures:
    d = analysis.get("delivery") or {}
    minutes = max(end - start, 1e-6) / 60.0
    inside = lambda t: t is not None and start <= t <= end  # noqa: E731
    fillers = sum(1 for f in d.get("fillers") or [] if inside(f.get("start")))
    threshold = float(d.get("long_pause_threshold_s") or 0.0)
    long_pauses = sum(1 for p in d.get("pauses") or [] if inside(p.get("start")) and (p["end"] - p["start"]) >= threshold > 0)
    words = sum(1 for w in (analysis.get("transcript") or {}).get("words") or [] if inside(w.get("start")))
    met = None
    if item is not None:
        verdict = _verdict(analysis, item)
        met = bool(verdict and verdict.get("met") and any(inside(e.get("start")) for e in verdict.get("evidence") or []))
    return TakeMeasures(met, round(fillers / minutes, 2), long_pauses, round(words / minutes, 1), None, round(end - start, 3))


def stretch_audio(answer_wav: Path, stretch: Stretch, out: Path) -> Path:
    """Cut the stretch out of the saved answer audio (to replay it before the retake)."""
    import soundfile

    info = soundfile.info(str(answer_wav))
    first, last = int(stretch.start * info.samplerate), int(stretch.end * info.samplerate)
    data, rate = soundfile.read(str(answer_wav), start=first, stop=last, dtype="int16")
    soundfile.write(str(out), data, rate, subtype="PCM_16")
    return out


def retake_question(stretch: Stretch, limit_s: float) -> str:
    return f"Say this part again, better, in {int(limit_s)} seconds or less. You said: {stretch.text}"


def retake_limit(stretch: Stretch) -> float:
    """Twice the stretch, within the drill's 60 to 120 seconds."""
    return min(MAX_LIMIT_S, max(MIN_LIMIT_S, 2 * (stretch.end - stretch.start)))


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(round(seconds)), 60)
    return f"{minutes}:{secs:02d}"
