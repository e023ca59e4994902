"""While the interviewer answers a question, the candidate listens: that is not a long pause.

The interviewer's lines played during an answer (its echo spans) and the silences around them are
the interviewer's turn. They are left out of the candidate's pauses and of the answer time the
rates are taken over; every other pause still counts.
"""

from __future__ import annotations

import numpy as np
import pytest

from mockloop.analysis.delivery import handovers
from mockloop.analysis.echo import EchoSpan
from mockloop.models import Pause

from spoken import RATE, room, speech


@pytest.mark.parametrize(
    ("pauses", "listening", "expected"),
    [
        # waiting for the reply, the reply, taking it in: one stretch
        ([Pause(4.5, 5.6), Pause(12.6, 13.1)], [(5.6, 12.5)], [(4.5, 13.1)]),
        # a file answer: the reply is not in the recording, so one silence holds it all
        ([Pause(4.5, 13.1)], [(5.6, 12.5)], [(4.5, 13.1)]),
        # the player's clock runs a little ahead of the recorded audio
        ([Pause(4.5, 5.2), Pause(12.9, 13.4)], [(5.6, 12.5)], [(4.5, 13.4)]),
        # a thinking pause well away from the reply is the candidate's own
        ([Pause(1.0, 3.0), Pause(4.5, 5.6)], [(5.6, 12.5)], [(4.5, 12.5)]),
        # a cut-in over speech: nothing to widen
        ([], [(20.0, 23.0)], [(20.0, 23.0)]),
        # two replies whose silences meet are one stretch
        ([Pause(4.0, 5.0), Pause(9.0, 10.0)], [(5.0, 8.8), (10.1, 12.0)], [(4.0, 12.0)]),
    ],
)
def test_the_interviewers_turn_takes_in_the_silences_around_its_lines(pauses, listening, expected):
    assert handovers(pauses, listening) == expected


@pytest.fixture(scope="module")
def answer_with_a_reply(analyzer, tmp_path_factory):
    """A question, 7 s in which the interviewer's reply is played (here: the room's quiet, as when
    a file plays the candidate), then the answer goes on: (transcript, features, reply span)."""
    folder = tmp_path_factory.mktemp("listening")
    rng = np.random.default_rng(3)
    parts = [
        room(0.5, rng),
        speech("Before I design anything, can I ask how the data arrives from the robots?", "en-us", folder, 0.5),
        room(1.0, rng),
    ]
    reply_start = sum(len(p) for p in parts) / RATE
    parts += [
        room(7.0, rng),
        speech("Thanks. So each robot keeps its readings and uploads them at the depot.", "en-us", folder, 0.5),
        room(2.0, rng),
        speech("The stream processor then sends flags to the reviewers every morning.", "en-gb", folder, 0.5),
        room(1.0, rng),
    ]
    transcript, features = analyzer.transcribe_samples(np.concatenate(parts))
    return transcript, features, EchoSpan(reply_start + 0.2, reply_start + 6.6, "Robots upload when they reach a depot.")


def test_listening_to_a_reply_is_not_a_long_pause(analyzer, answer_with_a_reply):
    transcript, features, reply = answer_with_a_reply
    alone = analyzer.analyze_transcript(transcript, features, source="a", kind="system_design").delivery
    heard = analyzer.analyze_transcript(transcript, features, source="a", kind="system_design", echo=[reply]).delivery
    assert any(p.start < reply.end and p.end > reply.start for p in alone.pauses)
    assert not any(p.start < reply.end and p.end > reply.start for p in heard.pauses)
    assert any(p.duration >= 1.5 for p in heard.pauses)  # the candidate's own 2 s pause stays


def test_rates_are_taken_over_the_candidates_own_time(analyzer, answer_with_a_reply):
    transcript, features, reply = answer_with_a_reply
    alone = analyzer.analyze_transcript(transcript, features, source="a", kind="system_design").delivery
    heard = analyzer.analyze_transcript(transcript, features, source="a", kind="system_design", echo=[reply]).delivery
    assert heard.word_count == alone.word_count
    minutes_alone, minutes_heard = alone.word_count / alone.words_per_minute, heard.word_count / heard.words_per_minute
    assert 60 * (minutes_alone - minutes_heard) == pytest.approx(7.0 + 1.0, abs=1.2)  # the reply and the wait for it
    assert heard.speaking_time_s == pytest.approx(alone.speaking_time_s, abs=0.3)
