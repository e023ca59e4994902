"""Focused drills: one short question aimed at one rubric item or delivery habit, scored on it and delivery.

A drill is an ordinary interview run by ``interview.loop.Interview`` (same recorder, microphone or
``--answer-audio``, analysis and session folder), with three differences: the question is the
prompt's follow-up for the item, said as "In 60 seconds: ...", the time limit is 60 to 120 s, and
the session is marked ``drill`` in ``session.json`` (``{"item", "habit", "take", "from_session",
"at_s"}``) so history, the index and the plan can tell drills from full rounds, and a take ends
with a drill summary (the item, met or not, the take, the figures that matter; after a miss the
tip and the model answer's words for the item) instead of a whole round's. exec_explain drills
run 90 s with the seconds left said aloud. A delivery habit (``review.habits``: fillers per
minute, long pauses, pace, pitch range) is met when the answer keeps to its coached threshold.

A retake of a stretch (``--from SESSION --at 1:20``) replays the sentences around that moment of
the saved answer, records a new version of just that part, and compares the two.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from mockloop.errors import InputError, MockloopError
from mockloop.sessions import SCORECARD, Session, SessionStore

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
    """"In 60 seconds: <the prompt's own follow-up for the item>", else the item's meaning.

    A delivery habit asks the prompt's follow-up for its first focus item, with the habit said
    first: "In 60 seconds, with as few fillers as you can (...): <follow-up>".
    """
    from mockloop.content.rubric import get_rubric
    from mockloop.review.habits import habits

    head = f"In {int(limit_s)} seconds"
    habit = habits().get(item)
    if habit is not None:
        probes = getattr(prompt, "probes", None) or {}
        ask = next((probes[i][0] for i in (getattr(prompt, "focus", None) or ()) if probes.get(i)), None)
        return f"{head}, {habit.ask}: {ask or prompt.text}"
    asks = (getattr(prompt, "probes", None) or {}).get(item) or []
    if asks:
        return f"{head}: {asks[0]}"
    meaning = get_rubric(prompt.kind).item(item).meaning
    return f"{head}, for {prompt.title}: answer so that the interviewer hears that the candidate {meaning}."


def check_item(kind: str, item: str) -> str:
    """``item`` if it is a rubric item of ``kind`` or a delivery habit (any kind of round)."""
    from mockloop.content.rubric import rubric_ids
    from mockloop.review.habits import is_habit

    if is_habit(item):
        return item
    ids = rubric_ids(kind)
    if item not in ids:
        raise InputError(f"{item!r} is not a {kind} rubric item; use one of: {', '.join(ids)}.")
    return item


def choose_drill(store: SessionStore, item: Optional[str] = None, prompt_id: Optional[str] = None):
    """The (prompt, item) to drill: as given, else what ``mockloop plan`` drills first (the
    weakest rubric item or delivery habit in history), and a prompt that exercises it.

    An item is a rubric item or a delivery habit (``review.habits``). A habit drill without
    ``--prompt`` asks a follow-up of the prompt the plan picks for the next round.

    Raises:
        InputError: no item given and no history to find one in, or an item that is neither.
    """
    from mockloop.content.prompts import get_prompt, load_bank
    from mockloop.review.habits import HABIT_KIND, is_habit
    from mockloop.review.plan import make_plan, weaknesses
    from mockloop.review.skills import load_skills

    prompt = get_prompt(prompt_id) if prompt_id else None
    bank = load_bank()
    plan = None
    if item is None or (is_habit(item) and prompt is None):
        sessions, _ = load_skills(store)
        if prompt is not None:
            sessions = [s for s in sessions if s.kind == prompt.kind]
        plan = make_plan(sessions, bank)
    if item is None:
        planned = [i for i, _ in plan.drills] or [w.item for w in weaknesses(sessions) if w.missed]
        if not planned:
            raise InputError("No missed rubric item or delivery habit in your history to drill; "
                             "name one with --item (see `mockloop prompts`).")
        item = planned[0]
        kind = next(w.kind for w in weaknesses(sessions) if w.item == item)
    elif is_habit(item):
        kind = HABIT_KIND
    else:
        kind = prompt.kind if prompt is not None else _kind_of_item(item)
    if kind == HABIT_KIND:
        if prompt is None:
            prompt = get_prompt(plan.prompt_id) if plan and plan.prompt_id else bank[0]
        return prompt, item
    check_item(kind, item)
    if prompt is None:
        of_kind = [p for p in bank if p.kind == kind]
        prompt = next((p for p in of_kind if item in (p.focus or ())), of_kind[0])
    return prompt, item


def _kind_of_item(item: str) -> str:
    from mockloop.content.rubric import kinds, rubric_ids
    from mockloop.review.habits import habits

    for kind in kinds():
        if item in rubric_ids(kind):
            return kind
    raise InputError(f"{item!r} is not a rubric item of any kind of round, nor a delivery habit "
                     f"({', '.join(habits())}); see `mockloop prompts`.")


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
    number: int = 1  # which take of this drill
    habit: Optional[str] = None  # for a delivery habit: its target in words ("5 fillers a minute or fewer")
    example: Optional[str] = None  # after a missed rubric item: what "met" sounds like, from the model answer
    summary: str = ""  # the drill summary the interviewer says at the end of the take


def take_measures(analysis: dict, item: str) -> TakeMeasures:
    """The measures of one analysed answer (an ``answer-N.json`` dict); ``item_met`` is the rubric
    item's verdict, or for a delivery habit whether the answer kept to its threshold."""
    from mockloop.review.habits import is_habit, judge

    d = analysis.get("delivery") or {}
    prosody = d.get("prosody") if isinstance(d.get("prosody"), dict) else {}
    m = TakeMeasures(
        item_met=None, fillers_per_minute=d.get("fillers_per_minute"),
        long_pauses=d.get("long_pauses"), words_per_minute=d.get("words_per_minute"),
        pitch_range_semitones=prosody.get("pitch_range_semitones"), duration_s=float(analysis.get("duration_s") or 0.0),
    )
    if is_habit(item):
        m.item_met = judge(item, getattr(m, item), m.duration_s)
    else:
        verdict = _verdict(analysis, item)
        m.item_met = None if verdict is None else bool(verdict["met"])
    return m


def _verdict(analysis: dict, item: str) -> Optional[dict]:
    return next((v for v in ((analysis.get("content") or {}).get("rubric") or []) if v.get("id") == item), None)


def model_example(prompt, item: str) -> Optional[str]:
    """What "met" sounds like for ``item`` in the prompt's model answer; None when the prompt has
    none (a prompt gone from the bank, a bank without model answers) or no move meets the item."""
    from mockloop.content.model_answers import get_model_answer

    try:
        return get_model_answer(prompt.id).met_example(item) or None
    except MockloopError:
        return None


def score_take(session: Session, analysis: Optional[dict], prompt, item: str, number: int = 1) -> DrillResult:
    """The take's verdict on its item or habit, the words or figures that show it, and on a miss
    the tip and (for a rubric item) the model answer's words for it."""
    from mockloop.review.habits import habits
    from mockloop.review.habits import tip as habit_tip

    habit = habits().get(item)
    if analysis is None:
        measures = TakeMeasures(None, None, None, None)
        return DrillResult(session, item, measures, None, None, number, habit.target if habit else None)
    measures = take_measures(analysis, item)
    met = bool(measures.item_met)
    if habit is not None:
        advice = None if met else habit_tip(item, getattr(measures, item))
        return DrillResult(session, item, measures, None, advice, number, habit.target)
    verdict = _verdict(analysis, item) or {}
    quotes = [e.get("quote") for e in verdict.get("evidence") or [] if e.get("quote")]
    return DrillResult(session, item, measures, quotes[0] if met and quotes else None,
                       None if met else _tip_for(analysis, prompt.kind, item), number,
                       example=None if met else model_example(prompt, item))


def drill_summary(result: DrillResult) -> str:
    """What the interviewer says at the end of a take: the item, met or not, the take number, the
    figures that matter for it, and after a miss the tip and what "met" sounds like."""
    m = result.take
    name = result.item.replace("_", " ")
    if m.item_met is None:
        return f"Take {result.number} on {name}: your answer is saved, but it could not be scored this time."
    said = "met" if m.item_met else "not met"
    sentences = [f"Take {result.number} on {name}: {said}."]
    if result.habit is not None:
        sentences.append(f"You had {_spoken(result.item, getattr(m, result.item))}; the target is {result.habit}.")
    figures = [_spoken(n, getattr(m, n)) for n in ("fillers_per_minute", "long_pauses", "words_per_minute") if n != result.item]
    figures = [f for f in figures if f]
    if figures:
        sentences.append(f"Delivery: {', '.join(figures)}.")
    if result.tip:
        sentences.append(result.tip if result.tip.endswith((".", "!", "?")) else result.tip + ".")
    if result.example:
        sentences.append(f"Met sounds like this: {result.example}")
    return " ".join(sentences)


def _spoken(name: str, value) -> str:
    from mockloop.display import number

    if value is None:
        return ""
    shown = number(name, value)
    return {
        "fillers_per_minute": f"{shown} fillers a minute",
        "long_pauses": f"{shown} long pause{'' if value == 1 else 's'}",
        "words_per_minute": f"{shown} words a minute",
        "pitch_range_semitones": f"a pitch range of {shown} semitones",
    }[name]


def drill_scorecard(result: DrillResult, question: str) -> str:
    """The drill's scorecard.md: the summary, not a whole round's scorecard."""
    from mockloop.display import number

    m = result.take
    said = "-" if m.item_met is None else ("met" if m.item_met else "not met")
    lines = [f"# Drill {result.session.id}", "", f"**{result.item}**: {said} (take {result.number})", "", f"> {question}", ""]
    if result.habit:
        lines += [f"Target: {result.habit}.", ""]
    lines += ["| Fillers/min | Long pauses | Words/min | Pitch range (st) |", "|---|---|---|---|",
              f"| {number('fillers_per_minute', m.fillers_per_minute)} | {number('long_pauses', m.long_pauses)} "
              f"| {number('words_per_minute', m.words_per_minute)} | {number('pitch_range_semitones', m.pitch_range_semitones)} |", ""]
    if result.evidence:
        lines += [f'You said: "{result.evidence}"', ""]
    if result.tip:
        lines += [f"Tip: {result.tip}", ""]
    if result.example:
        lines += [f"Met sounds like: {result.example}", ""]
    return "\n".join(lines)


def _drill_interview():
    from mockloop.interview.loop import Interview, overall_scores

    class DrillInterview(Interview):
        """The interview loop ending with a drill summary instead of a whole round's."""

        item: str = ""
        number: int = 1
        result: Optional[DrillResult] = None

        def _finish(self) -> None:
            import json

            record = self.session.record
            record.overall = overall_scores(record.answers, self.analyses, self.prompt)
            main = next((a for a in record.answers if a.index == 1), None)
            analysis = None
            if main is not None and main.analysis and 1 in self.analyses:
                analysis = json.loads(self.session.path(main.analysis).read_text(encoding="utf-8"))
            self.result = score_take(self.session, analysis, self.prompt, self.item, self.number)
            if self.result.take.item_met is not None:
                _score_on_item(self.session, bool(self.result.take.item_met))
            self.result.summary = drill_summary(self.result)
            record.scorecard = self.session.write_text(SCORECARD, drill_scorecard(self.result, self.prompt.text)).name
            self._close("complete")
            self.view.finished(self.session, self.result.summary)
            if self.settings.speak:
                self._speak(self.result.summary, self.session.path("summary.wav"))

    return DrillInterview


def rescore_drill(session: Session, analysis: dict, prompt) -> DrillResult:
    """A drill's score and scorecard again from a new analysis of its answer (``mockloop rescore``):
    its target met or not, never the whole rubric's score. The caller saves the session."""
    mark = session.record.drill or {}
    result = score_take(session, analysis, prompt, mark["item"], int(mark.get("take") or 1))
    if result.take.item_met is not None:
        _score_on_item(session, bool(result.take.item_met))
    result.summary = drill_summary(result)
    session.record.scorecard = session.write_text(SCORECARD, drill_scorecard(result, session.record.prompt.get("text") or "")).name
    return result


def run_drill(prompt, item: str, settings, store: SessionStore, view=None, analyzer=None, speaker=None,
              from_session: Optional[str] = None, at_s: Optional[float] = None, question: Optional[str] = None,
              take: int = 1) -> DrillResult:
    """Ask one drill (take number ``take``) and score it on ``item``, a rubric item or a delivery
    habit; returns the saved session, the verdict and the drill summary that was said."""
    from mockloop.review.habits import is_habit

    limit_s = settings.time_limit_s or drill_limit(prompt.kind)
    asked = drill_prompt(prompt, item, limit_s, question)
    silence = DRILL_SILENCE_STOP_S if settings.silence_stop_s is None else settings.silence_stop_s
    settings = dataclasses.replace(settings, time_limit_s=limit_s, max_probes=0, silence_stop_s=silence)
    mark = {"item": item, "habit": True if is_habit(item) else None, "take": take, "from_session": from_session, "at_s": at_s}
    drills = DrillStore(store.root, {k: v for k, v in mark.items() if v is not None})
    interview = _drill_interview()(asked, settings, drills, view=view, analyzer=analyzer, speaker=speaker, style=drill_style(prompt.kind))
    interview.item, interview.number = item, take
    interview.run()
    return interview.result


def _score_on_item(session: Session, met: bool) -> None:
    """A drill's content score is its one item or habit: 100 met, 0 not (the full rubric stays in
    the answer's JSON, but a 60-second answer is not a whole round and must not read as one)."""
    score = 100 if met else 0
    for answer in session.record.answers:
        if answer.content_score is not None:
            answer.content_score = score
    session.record.overall = {**session.record.overall, "content_score": score}


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
    from mockloop.review.habits import is_habit, judge

    d = analysis.get("delivery") or {}
    minutes = max(end - start, 1e-6) / 60.0
    inside = lambda t: t is not None and start <= t <= end  # noqa: E731
    fillers = sum(1 for f in d.get("fillers") or [] if inside(f.get("start")))
    threshold = float(d.get("long_pause_threshold_s") or 0.0)
    long_pauses = sum(1 for p in d.get("pauses") or [] if inside(p.get("start")) and (p["end"] - p["start"]) >= threshold > 0)
    words = sum(1 for w in (analysis.get("transcript") or {}).get("words") or [] if inside(w.get("start")))
    measures = TakeMeasures(None, round(fillers / minutes, 2), long_pauses, round(words / minutes, 1), None, round(end - start, 3))
    if item is not None and is_habit(item):
        measures.item_met = judge(item, getattr(measures, item), measures.duration_s)
    elif item is not None:
        verdict = _verdict(analysis, item)
        measures.item_met = bool(verdict and verdict.get("met") and any(inside(e.get("start")) for e in verdict.get("evidence") or []))
    return measures


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
