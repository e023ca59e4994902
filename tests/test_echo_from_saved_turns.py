"""Sessions saved before ``answers[].playback`` existed: the interviewer's turns in the answer's
``turns`` say when its voice was in the recording, and rescore drops the words heard there.

The turns come from a session file, which is untrusted: each field is checked, and a turn that is
not what mockloop writes is named in one line (the answer is still scored, without echo removal).
"""

from __future__ import annotations

import pytest

from mockloop.analysis.echo import EchoSpan
from mockloop.review.rescore import echo_from_turns

REPLY = "The robotics team owns the robot software."


def interviewer(kind="clarification", start=4.2, end=9.8, text=REPLY, **extra):
    return {"speaker": "interviewer", "kind": kind, "start": start, "end": end, "text": text, "fact": None, **extra}


CANDIDATE = {"speaker": "candidate", "kind": "question", "start": 0.5, "end": 3.9, "text": "Who owns operations?", "fact": "teams"}


@pytest.mark.parametrize(
    "case, turns, spans",
    [
        ("a reply to a clarifying question", [CANDIDATE, interviewer()], [EchoSpan(4.2, 9.8, REPLY)]),
        ("a neutral reply, a time cue and a cut-in", [interviewer("neutral", 2.0, 3.1, "What would you assume?"), interviewer("time_cue", 30.0, 31.2, "Five minutes left."), interviewer("follow_up", 40.0, 43.5, "Which part do you build first?")],
         [EchoSpan(2.0, 3.1, "What would you assume?"), EchoSpan(30.0, 31.2, "Five minutes left."), EchoSpan(40.0, 43.5, "Which part do you build first?")]),
        ("a follow-up's question, asked before the recording", [interviewer("follow_up", 0.0, 0.0, "What happens when reviewers fall behind?")], []),
        ("the prompt and the closing are not said during an answer", [interviewer("prompt", 0.0, 5.0), interviewer("closing", 50.0, 52.0)], []),
        ("only the candidate's turns", [CANDIDATE], []),
        ("no turns", [], []),
        ("a line ending just after the recording stopped (the player drains)", [interviewer(start=55.0, end=60.6)], [EchoSpan(55.0, 60.6, REPLY)]),
    ],
)
def test_the_interviewers_turns_said_during_the_answer_are_its_echo_spans(case, turns, spans):
    assert echo_from_turns(turns, duration_s=60.0) == spans


@pytest.mark.parametrize(
    "case, turns, line",
    [
        ("a turn that is a string", ["Go on."], "turns[0] is not an object"),
        ("an unknown kind", [interviewer("shouting")], "turns[0].kind is 'shouting', expected one of prompt, answer, question"),
        ("a start that is a string", [CANDIDATE, interviewer(start="4.2")], "turns[1].start is '4.2', expected seconds into the answer"),
        ("no end", [interviewer(end=None)], "turns[0].end is 'None', expected seconds into the answer"),
        ("a negative start", [interviewer(start=-3.0)], "turns[0].start is '-3.0', expected seconds into the answer"),
        ("an end that is not finite", [interviewer(end=float("inf"))], "turns[0].end is 'inf', expected seconds into the answer"),
        ("a start that is a boolean", [interviewer(start=True)], "turns[0].start is 'True', expected seconds into the answer"),
        ("an end before the start", [interviewer(start=9.8, end=4.2)], "turns[0] ends at 4.2 s, before it starts at 9.8 s"),
        ("an end long after the recording", [interviewer(start=4.2, end=900.0)], "turns[0] ends at 900 s, after the answer's recording ends at 60 s"),
        ("no text", [interviewer(text=None)], "turns[0].text is not a string"),
    ],
)
def test_a_turn_that_is_not_what_mockloop_writes_is_named_in_one_line(case, turns, line):
    with pytest.raises(ValueError) as raised:
        echo_from_turns(turns, duration_s=60.0)
    assert str(raised.value).startswith(line) and "\n" not in str(raised.value)
