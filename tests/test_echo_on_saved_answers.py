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
from spoken import ASKED, PROMPT_ID, RATE, room, speech

from mockloop.content.facts import normalise
from mockloop.content.prompts import get_prompt
from mockloop.sessions import AnswerRecord, SessionStore

GOES_ON = "Thanks. So I would buffer readings on each robot and upload them at the depot when the link comes back."


@pytest.fixture(scope="module")
def heard(tmp_path_factory, analyzer):
    """(reply text, control transcript words, rescored answer JSON, rescored session.json)."""
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
    return reply, control.transcript.words, saved, json.loads((session.folder / "session.json").read_text())


def words_of(text: str) -> set[str]:
    return set(normalise(text).split())


def test_the_interviewers_words_are_heard_in_the_file_as_it_is(heard):
    """The control: without the span, Whisper writes the interviewer's reply into the answer."""
    reply, control, _, _ = heard
    only_the_interviewer = words_of(reply) - words_of(ASKED) - words_of(GOES_ON)
    assert len(words_of(" ".join(w.text for w in control)) & only_the_interviewer) >= 3


def test_rescore_keeps_no_interviewer_word_and_the_candidates_words_around_it(heard):
    reply, _, saved, _ = heard
    said = words_of(saved["transcript"]["text"])
    assert not said & (words_of(reply) - words_of(ASKED) - words_of(GOES_ON))
    assert {"ask", "owns", "operations"} <= said  # just before the reply
    assert {"upload", "link", "back"} <= said  # just after it


def test_the_rescored_answer_keeps_the_interviewers_turn_and_grades_the_question_it_answered(heard):
    reply, _, saved, session = heard
    [turn] = [t for t in saved["turns"] if t["speaker"] == "interviewer"]
    assert turn["kind"] == "clarification" and turn["text"] == reply and turn["fact"] == "teams"
    assert all(reply not in t["text"] for t in saved["turns"] if t["speaker"] == "candidate")
    assert [a["fact"] for a in saved["content"]["clarifying"]["asked"]] == ["teams"]
    assert session["answers"][0]["playback"][0]["text"] == reply and session["answers"][0]["error"] is None
