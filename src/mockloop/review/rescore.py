"""Score a saved session's answers again from their audio on disk.

For answers that were never scored (the interview was killed, the disk filled up, the model was
missing) and for ones scored by an older version or a smaller model. The old result stays in
place until the new one is complete: each answer is analysed in memory first, then its
``answer-N.json`` and ``session.json`` are replaced atomically (temporary file, then rename), so an
interrupted or failed rescore leaves the session exactly as it was.

Lines the interviewer played during an answer (``playback`` in session.json) are left out of the
candidate's words, as in the interview, and the answer keeps its conversation: the interviewer's
turns and the grading of the asking are written again from the new transcript. A session saved
before ``playback`` existed has the same spans in its answer's ``turns`` (the interviewer's lines
said during the answer, with their times): those are used instead, once checked field by field.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, Optional, Sequence

from mockloop.analysis.echo import echo_spans
from mockloop.errors import InputError, MockloopError
from mockloop.interview.conversation import TURN_KINDS, add_conversation
from mockloop.session_files import DamagedSessionError, member_file
from mockloop.sessions import SCORECARD, Session, SessionStore

KINDS = ("system_design", "behavioral", "scenario", "technical", "exec_explain")


# The interviewer's turns said while an answer records (not the question before it, at 0 s).
SPOKEN_DURING_ANSWER = ("clarification", "neutral", "follow_up", "time_cue")
END_SLACK_S = 1.0  # a line may end a little after the recording stopped (the player drains)


@dataclass(frozen=True)
class AnswerRescore:
    index: int
    before: tuple[Optional[int], Optional[int]]  # delivery, content
    after: tuple[Optional[int], Optional[int]] = (None, None)
    error: Optional[str] = None
    note: Optional[str] = None  # something the user should know, e.g. echo that could not be dropped


@dataclass
class RescoreResult:
    session: Session
    answers: list[AnswerRescore] = field(default_factory=list)

    @property
    def failed(self) -> list[AnswerRescore]:
        return [a for a in self.answers if a.error]


def rescore_session(
    store: SessionStore, session_id: str, analyzer, answers: Optional[Sequence[int]] = None, on_answer=None
) -> RescoreResult:
    """Analyse the chosen answers (default: all) of ``session_id`` again and save the results.

    ``analyzer`` has ``analyze_file(path, kind=, prompt=, echo=)`` (a ``mockloop.analysis.pipeline.Analyzer``);
    ``echo`` is passed only for an answer during which the interviewer's lines were played.
    ``on_answer(index)`` is called before each answer is analysed (for progress).

    Raises:
        InputError: bad id, no such session or answer, or the session is still being recorded.
        DamagedSessionError / SessionSchemaError: the session cannot be read.
        ModelError: the model cannot be loaded (nothing is changed).
    """
    store.check_not_recording(session_id)
    session = store.open(session_id)
    record = session.record
    chosen = _chosen(record, answers)
    prompt = prompt_for(record.prompt)
    result = RescoreResult(session)
    analyses: dict[int, Any] = {}
    grades: dict[int, Any] = {}  # answer index -> conversation.ClarifyingGrade
    for answer in chosen:
        before = (answer.delivery_score, answer.content_score)
        if on_answer is not None:
            on_answer(answer.index)
        try:
            audio = member_file(session.folder, answer.audio).path
        except FileNotFoundError:
            result.answers.append(AnswerRescore(answer.index, before, error=f"{answer.audio} is missing"))
            continue
        except DamagedSessionError as exc:
            result.answers.append(AnswerRescore(answer.index, before, error=str(exc)))
            continue
        # The interviewer's lines played during the answer (kept in session.json, or in an older
        # session only in the answer's turns) are not the candidate's words: the analysis drops
        # them, as the interview did.
        spans, note = _echo(session, answer)
        echo = {"echo": spans} if spans else {}
        try:
            analysis = analyzer.analyze_file(audio, kind=prompt.kind, prompt=prompt, **echo)
        except InputError as exc:  # this answer's audio is unusable: say so, go on with the others
            result.answers.append(AnswerRescore(answer.index, before, error=str(exc), note=note))
            continue
        # A ModelError (or any other MockloopError) stops here with nothing half-written.
        from mockloop.analysis.contract import analysis_to_dict

        name = session.answer_analysis(answer.index).name
        data = analysis_to_dict(analysis)
        grades[answer.index] = add_conversation(data, analysis, prompt, _interviewer_turns(session, answer))
        session.write_json(name, data)
        answer.analysis = name
        answer.delivery_score = analysis.scorecard.delivery_score
        answer.content_score = analysis.scorecard.content_score
        answer.error = None
        if answer.duration_s is None:
            answer.duration_s = round(float(analysis.delivery.duration_s or 0.0), 3)
        analyses[answer.index] = analysis
        _stamp(record)
        session.save()
        result.answers.append(AnswerRescore(answer.index, before, (answer.delivery_score, answer.content_score), note=note))
    if analyses:
        _update_overall(session, analyses, grades, prompt)
    _update_index(store, session_id)
    return result


def prompt_for(saved: dict):
    """The prompt to judge against: the bank's own when it still has this id and kind, else the
    saved copy (a prompt since removed from the bank still gets its kind's rubric)."""
    kind = saved.get("kind")
    if kind not in KINDS:
        raise DamagedSessionError(f"The session's prompt kind {str(kind)[:40]!r} is not one of {', '.join(KINDS)}; it cannot be scored.")
    try:
        from mockloop.content.prompts import get_prompt

        prompt = get_prompt(saved.get("id") or "")
        if prompt.kind == kind:
            return prompt
    except MockloopError:
        pass
    return SimpleNamespace(
        id=saved.get("id"), kind=kind, company=saved.get("company"), title=saved.get("title"), text=saved.get("text") or "",
        time_limit_s=saved.get("time_limit_s") or 0, phases=saved.get("phases") or [], focus=[], probes={},
    )


def _chosen(record, wanted: Optional[Sequence[int]]):
    if not record.answers:
        raise InputError(f"Session {record.id} has no recorded answers to score.")
    if not wanted:
        return list(record.answers)
    by_index = {a.index: a for a in record.answers}
    missing = [n for n in wanted if n not in by_index]
    if missing:
        numbers = ", ".join(str(n) for n in by_index)
        raise InputError(f"Session {record.id} has no answer {missing[0]} (answers: {numbers}).")
    return [by_index[n] for n in dict.fromkeys(wanted)]


def _stamp(record) -> None:
    from datetime import datetime

    record.rescored_at = datetime.now().astimezone().isoformat(timespec="seconds")


def _echo(session: Session, answer) -> tuple[list, Optional[str]]:
    """The spans of the interviewer's voice in the answer's recording, and a one-line note when an
    older answer's turns could not be used for them."""
    if answer.playback:
        return echo_spans(answer.playback), None
    if not answer.analysis or session.record.settings.get("speak") is False:
        return [], None  # never scored, or nothing was played aloud
    from mockloop.analysis.contract import SCHEMA
    from mockloop.session_files import check_analysis_data, read_json_member

    try:
        saved = check_analysis_data(read_json_member(session.folder, answer.analysis), answer.analysis, SCHEMA)
    except FileNotFoundError:
        return [], None
    except (OSError, MockloopError) as exc:
        return [], f"{exc}; the interviewer's voice is not left out of this answer."
    try:
        return echo_from_turns(saved.get("turns") or [], answer.duration_s), None
    except ValueError as exc:
        return [], f"{answer.analysis}: {exc}; the interviewer's voice is not left out of this answer."


def echo_from_turns(turns: Sequence, duration_s: Optional[float] = None) -> list:
    """EchoSpans from an answer's saved ``turns``: the interviewer's lines said during the answer
    (kinds SPOKEN_DURING_ANSWER, with a start and a later end inside the recording). The turns
    come from a session file, which is untrusted.

    Raises:
        ValueError: one line naming the first turn and field that is not what mockloop writes.
    """
    from mockloop.analysis.echo import EchoSpan

    spans = []
    for n, turn in enumerate(turns):
        where = f"turns[{n}]"
        if not isinstance(turn, dict):
            raise ValueError(f"{where} is not an object")
        if turn.get("speaker") != "interviewer":
            continue
        kind = turn.get("kind")
        if kind not in TURN_KINDS:
            raise ValueError(f"{where}.kind is {str(kind)[:40]!r}, expected one of {', '.join(TURN_KINDS)}")
        if kind not in SPOKEN_DURING_ANSWER:
            continue
        start, end, text = turn.get("start"), turn.get("end"), turn.get("text")
        for name, value in (("start", start), ("end", end)):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
                raise ValueError(f"{where}.{name} is {str(value)[:40]!r}, expected seconds into the answer")
        if not isinstance(text, str):
            raise ValueError(f"{where}.text is not a string")
        if end < start:
            raise ValueError(f"{where} ends at {end:g} s, before it starts at {start:g} s")
        if duration_s is not None and end > duration_s + END_SLACK_S:
            raise ValueError(f"{where} ends at {end:g} s, after the answer's recording ends at {duration_s:g} s")
        if end > start:  # a follow-up's question asked before the recording is 0 s long
            spans.append(EchoSpan(float(start), float(end), text))
    return spans


def _interviewer_turns(session: Session, answer) -> list:
    """What the interviewer said during the answer: the turns of its previous analysis when that
    is readable (they include lines said without sound, and a follow-up's question), else the
    lines played during it, as kept in session.json."""
    from mockloop.analysis.contract import SCHEMA
    from mockloop.interview.conversation import interviewer_turns_from
    from mockloop.session_files import check_analysis_data, read_json_member

    if answer.analysis:
        try:
            saved = check_analysis_data(read_json_member(session.folder, answer.analysis), answer.analysis, SCHEMA)
        except (OSError, MockloopError):
            saved = None
        if saved is not None and saved.get("turns") is not None:
            return interviewer_turns_from(saved["turns"])
    return interviewer_turns_from(answer.playback)


def _update_overall(session: Session, analyses: dict[int, Any], grades: dict[int, Any] | None = None, prompt=None) -> None:
    """Overall scores from every answer's score; the scorecard is rewritten when all are scored."""
    from mockloop.interview.loop import overall_scores, scorecard_markdown

    record = session.record
    old_content = record.overall.get("content_score")
    overall = overall_scores(record.answers, analyses, prompt_for(record.prompt))
    if 1 not in analyses:
        overall["content_score"] = old_content  # the main answer was not rescored: its verdict stands
    record.overall = overall
    if record.drill and 1 in analyses:  # a drill is scored on its item or habit, with its own summary
        from mockloop.analysis.contract import analysis_to_dict
        from mockloop.interview.drill import rescore_drill

        rescore_drill(session, analysis_to_dict(analyses[1]), prompt_for(record.prompt))
    elif all(a.index in analyses for a in record.answers):
        record.scorecard = session.write_text(SCORECARD, scorecard_markdown(session, analyses, grades, prompt)).name
    session.save()


def _update_index(store: SessionStore, session_id: str) -> None:
    from mockloop.review.index import SessionIndex

    index = SessionIndex(store)
    try:
        index.sync()
    except MockloopError:
        pass  # derived data: the next history run brings it up to date
    finally:
        index.close()
