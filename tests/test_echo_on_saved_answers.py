"""The interviewer's voice in a saved answer is never the candidate's words, on real audio.

Without headphones, the microphone records the interviewer's reply along with the answer. The
interview keeps the span of every line it played in session.json (``playback``); the analysis of
the saved file (the interview's fallback when it could not stream, and ``mockloop rescore``)
drops the words inside those spans. Here an answer is built as a microphone would hear it: a
candidate (espeak-ng, American voice) asks who owns operations, the interviewer's reply from the
fact sheet (espeak-ng, British voice, quieter, as from a laptop speaker) is mixed in at a known
span, and the candidate goes on. One real tiny.en analysis of the file as it is (the control),
one rescore with the span: shared by the module's tests.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
import soundfile as sf
from spoken import ASKED, PROMPT_ID, RATE, room, speech, words_of

from mockloop.content.prompts import get_prompt
from mockloop.sessions import AnswerRecord, SessionStore

GOES_ON = "Thanks. So I would buffer readings on each robot and upload them at the depot when the link comes back."


@pytest.fixture(scope="module")
def heard(tmp_path_factory, analyzer):
    """(reply text, control transcript words, rescored answer JSON, rescored session.json, session folder)."""
    from mockloop.review.rescore import rescore_session

    folder = tmp_path_factory.mktemp("echo")
    rng = np.random.default_rng(13)
    reply = next(f.answer for f in get_prompt(PROMPT_ID).facts if f.id == "teams")
    before = np.concatenate([room(1.0, rng), speech(ASKED, "en-us", folder, 0.5), room(0.9, rng)])
    echo = speech(reply, "en-gb", folder, 0.3)  # the interviewer, as the microphone hears the speaker
    after = np.concatenate([room(0.6, rng), speech(GOES_ON, "en-us", folder, 0.5), room(1.5, rng)])
    start, end = len(before) / RATE, (len(before) + len(echo)) / RATE
    audio = np.concatenate([before, echo, after])

    store = SessionStore(folder / "sessions")
    session = store.create(
        prompt={"id": PROMPT_ID, "kind": "system_design", "title": "Robot fleet", "text": get_prompt(PROMPT_ID).text},
        settings={"style": "silent"},
    )
    sf.write(session.answer_audio(1), audio, RATE, subtype="PCM_16")
    # As the interview keeps it: the reply started as it was played and ended a little after
    # the sound did (the player returns once the device has drained).
    played = {"speaker": "interviewer", "kind": "clarification", "start": round(start, 3), "end": round(end + 0.1, 3),
              "text": reply, "fact": "teams"}
    session.record.answers.append(AnswerRecord(
        index=1, role="main", question="Design it.", audio="answer-1.wav", duration_s=len(audio) / RATE,
        samplerate=RATE, error="Not analysed: the model was missing", playback=[played],
    ))
    session.record.status = "complete"
    session.save()

    control = analyzer.analyze_file(session.answer_audio(1), kind="system_design")
    result = rescore_session(store, session.id, analyzer)
    assert not result.failed, result.failed
    saved = json.loads((session.folder / "answer-1.json").read_text())
    return reply, control.transcript.words, saved, json.loads((session.folder / "session.json").read_text()), session.folder


def test_the_interviewers_words_are_heard_in_the_file_as_it_is(heard):
    """The control: without the span, Whisper writes the interviewer's reply into the answer."""
    reply, control, _, _, _ = heard
    only_the_interviewer = words_of(reply) - words_of(ASKED) - words_of(GOES_ON)
    assert len(words_of(" ".join(w.text for w in control)) & only_the_interviewer) >= 3


def test_rescore_keeps_no_interviewer_word_and_the_candidates_words_around_it(heard):
    reply, _, saved, _, _ = heard
    said = words_of(saved["transcript"]["text"])
    assert not said & (words_of(reply) - words_of(ASKED) - words_of(GOES_ON))
    assert {"ask", "owns", "operations"} <= said  # just before the reply
    assert {"upload", "link", "back"} <= said  # just after it


def test_the_rescored_answer_keeps_the_interviewers_turn_and_grades_the_question_it_answered(heard):
    reply, _, saved, session, _ = heard
    [turn] = [t for t in saved["turns"] if t["speaker"] == "interviewer"]
    assert turn["kind"] == "clarification" and turn["text"] == reply and turn["fact"] == "teams"
    assert all(reply not in t["text"] for t in saved["turns"] if t["speaker"] == "candidate")
    assert [a["fact"] for a in saved["content"]["clarifying"]["asked"]] == ["teams"]
    assert session["answers"][0]["playback"][0]["text"] == reply and session["answers"][0]["error"] is None


def older_session(store, heard, turns) -> str:
    """The same answer as a mockloop from before ``playback`` saved it: scored, its interviewer
    turns only in answer-1.json."""
    _, _, saved, recorded, folder = heard
    session = store.create(prompt=recorded["prompt"], settings={"style": "silent", "speak": True})
    session.answer_audio(1).write_bytes((folder / "answer-1.wav").read_bytes())
    session.write_json("answer-1.json", {**saved, "turns": turns})
    answer = recorded["answers"][0]
    session.record.answers.append(AnswerRecord(
        index=1, role="main", question="Design it.", audio="answer-1.wav", duration_s=answer["duration_s"], samplerate=RATE,
        analysis="answer-1.json", delivery_score=saved["scorecard"]["delivery_score"], content_score=saved["scorecard"]["content_score"],
    ))
    session.record.status = "complete"
    session.save()
    return session.id


def test_rescore_of_a_session_from_before_playback_drops_the_interviewer_by_its_turns(heard, analyzer, tmp_path):
    from mockloop.review.rescore import rescore_session

    reply, _, saved, _, _ = heard
    store = SessionStore(tmp_path / "sessions")
    session_id = older_session(store, heard, saved["turns"])
    result = rescore_session(store, session_id, analyzer)
    assert not result.failed and result.answers[0].note is None
    said = words_of(json.loads((store.root / session_id / "answer-1.json").read_text())["transcript"]["text"])
    assert not said & (words_of(reply) - words_of(ASKED) - words_of(GOES_ON))
    assert {"ask", "owns", "operations", "upload", "link"} <= said


def test_rescore_names_a_bad_saved_turn_in_one_line_and_still_scores_the_answer(heard, tmp_path):
    from typer.testing import CliRunner

    from mockloop.cli.app import app

    _, _, saved, _, _ = heard
    turns = [dict(t) for t in saved["turns"]]
    spoken = next(n for n, t in enumerate(turns) if t["speaker"] == "interviewer")
    turns[spoken]["end"] = turns[spoken]["start"] - 1.0
    store = SessionStore(tmp_path / "sessions")
    session_id = older_session(store, heard, turns)
    result = CliRunner().invoke(app, ["rescore", session_id, "--sessions-dir", str(store.root)], env={"COLUMNS": "200"})
    assert result.exit_code == 0 and "Traceback" not in result.output
    [line] = [line for line in result.output.splitlines() if line.startswith("mockloop: warning:")]
    assert line.startswith(f"mockloop: warning: answer 1: answer-1.json: turns[{spoken}] ends at ")
    assert line.endswith("; the interviewer's voice is not left out of this answer.")
