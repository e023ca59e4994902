"""The interviewer's voice really recorded by the microphone is never the candidate's words.

A whole interview in this process, on the PulseAudio null sink (tests/pulse.py): the microphone
is the sink's monitor, and both the candidate (a file the test plays into the sink) and the
interviewer (mockloop's own voice, played to the default speaker, which is the sink) are heard by
it, as on a laptop without headphones. The candidate asks who owns operations and waits; the
interviewer answers from the fact sheet while the recording goes on; once the reply has been
played, the candidate goes on and ends with "that's my design". The saved recording holds the interviewer's reply (checked by
transcribing it without the echo spans); the candidate's transcript, live and rescored, does not.
One interview, shared by the module's tests.
"""

from __future__ import annotations

import dataclasses
import json
import threading
import time

import numpy as np
import pytest
import soundfile as sf

from mockloop.content.prompts import get_prompt

from pulse import pulse_server  # noqa: F401  (a fixture)
from spoken import ASKED, FUNCTION_WORDS, PROMPT_ID, RATE, interview_at_the_microphone, room, speech, words_of

pytestmark = pytest.mark.audio_io  # real audio through the PulseAudio null sink, in real time

GOES_ON = "Thanks. So each robot keeps its readings and uploads them when the link comes back. That's my design."
REPLY_TIMEOUT_S = 45.0  # how long the candidate waits for the reply (the loop's silence stop too)


@pytest.fixture(scope="module")
def interview(pulse_server, analyzer, tmp_path_factory):  # noqa: F811
    """(reply, session folder, control transcript text, rescored answer JSON)."""
    from mockloop.interview.loop import InterviewView
    from mockloop.review.rescore import rescore_session

    folder = tmp_path_factory.mktemp("echo-sink")
    rng = np.random.default_rng(7)
    asks, goes_on = folder / "asks.wav", folder / "goes-on.wav"
    sf.write(asks, np.concatenate([room(0.5, rng), speech(ASKED, "en-us", folder, 0.5), room(0.5, rng)]), RATE)
    sf.write(goes_on, np.concatenate([room(0.6, rng), speech(GOES_ON, "en-us", folder, 0.5), room(3.0, rng)]), RATE)
    prompt = dataclasses.replace(get_prompt(PROMPT_ID), text="Design the anomaly review for the robot fleet.", phases=[], time_limit_s=90)
    reply = next(f.answer for f in prompt.facts if f.id == "teams")

    class CandidateAtTheMicrophone(InterviewView):
        """As the answer starts recording, the candidate asks (a file played into the sink), waits
        for the interviewer to finish answering, as a person does, then goes on."""

        interview = None
        speaking = None

        def answer_started(self, index, recorder, limit_s, phases, stops):
            self.speaking = threading.Thread(target=self.speak, daemon=True)
            self.speaking.start()

        def speak(self):
            pulse_server.play(asks)
            deadline = time.monotonic() + REPLY_TIMEOUT_S
            while time.monotonic() < deadline and not any(t.speaker == "interviewer" for t in self.interview.turns.get(1, [])):
                time.sleep(0.1)  # polls for the reply, kept once it has been played
            pulse_server.play(goes_on)

    view = CandidateAtTheMicrophone()
    session, store = interview_at_the_microphone(view, prompt, analyzer, folder, time_limit_s=120, silence_stop_s=REPLY_TIMEOUT_S)

    control = analyzer.analyze_file(session.answer_audio(1), kind="system_design")
    live = json.loads((session.folder / "answer-1.json").read_text())
    result = rescore_session(store, session.id, analyzer)
    assert not result.failed, result.failed
    rescored = json.loads((session.folder / "answer-1.json").read_text())
    return reply, session.folder, live, control.transcript.text, rescored


def only_the_interviewers(reply: str) -> set[str]:
    return words_of(reply) - words_of(ASKED) - words_of(GOES_ON)


def test_the_interviewer_answers_the_question_while_the_recording_goes_on(interview):
    reply, folder, live, _, _ = interview
    said = [t for t in live["turns"] if t["speaker"] == "interviewer"]
    assert [(t["kind"], t["fact"], t["text"]) for t in said] == [("clarification", "teams", reply)]
    [played] = json.loads((folder / "session.json").read_text())["answers"][0]["playback"]
    assert (played["start"], played["text"]) == (said[0]["start"], reply)


def test_the_microphone_really_recorded_the_interviewers_voice(interview):
    reply, _, _, control, _ = interview
    assert len(words_of(control) & only_the_interviewers(reply)) >= 3


@pytest.mark.parametrize("analysis", ["live", "rescored"])
def test_no_interviewer_word_is_in_the_candidates_transcript_and_the_candidates_words_stay(interview, analysis):
    reply, _, live, _, rescored = interview
    said = words_of((live if analysis == "live" else rescored)["transcript"]["text"])
    assert not said & (only_the_interviewers(reply) - FUNCTION_WORDS)  # a misheard "at" may be "that"
    assert {"ask", "owns", "operations"} <= said  # before the reply
    assert {"uploads", "link", "design"} <= said  # after it
