"""A recording plays the candidate (`mockloop interview --answer-audio`), and it is a conversation.

The scripted candidate of tests/spoken.py as one file, recorded as a person would rehearse: each
question followed by the two or three seconds they waited before going on. The file is fed at
real time (--answer-speed 1); the interviewer answers its two questions from the fact sheet, out
loud (to the PulseAudio null sink), and not its rhetorical one; the file waits while a reply is
spoken, as the person would have. One run of the real CLI in a subprocess, shared by the tests.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from mockloop.content.prompts import get_prompt

from pulse import pulse_server  # noqa: F401  (a fixture)
from spoken import CANDIDATE_TEXT, PROMPT_ID, RATE, conversation_turns, leaked_words, words_of

pytestmark = pytest.mark.audio_io  # real audio through the PulseAudio null sink, in real time

FACTS = {fact.id: fact.answer for fact in get_prompt(PROMPT_ID).facts}
WAITED_S = 2.5  # the quiet the person left after each question while recording


@dataclass
class Run:
    stdout: str
    stderr: str
    returncode: int
    session: dict
    answer: dict
    file_s: float


@pytest.fixture(scope="module")
def run(pulse_server, tmp_path_factory):  # noqa: F811
    folder = tmp_path_factory.mktemp("conversation-file")
    audio = np.concatenate(conversation_turns(folder, np.random.default_rng(17), tail_s=WAITED_S))
    recording = folder / "rehearsal.wav"
    sf.write(recording, audio, RATE)
    done = subprocess.run(
        [sys.executable, "-m", "mockloop", "interview", "--prompt", PROMPT_ID, "--probes", "0",
         "--answer-audio", str(recording), "--answer-speed", "1", "--sessions-dir", str(folder / "sessions"),
         "--rate", "340"],  # a brisk interviewer: the prompt, replies and summary play in real time
        capture_output=True, text=True, timeout=400, env={**pulse_server.env(), "COLUMNS": "200"},
    )
    [session] = [p for p in (folder / "sessions").iterdir() if p.is_dir()]
    answer = session / "answer-1.json"
    return Run(
        done.stdout, done.stderr, done.returncode, json.loads((session / "session.json").read_text()),
        json.loads(answer.read_text()) if answer.exists() else {}, len(audio) / RATE,
    )


def interviewer(run: Run) -> list[dict]:
    return [t for t in run.answer["turns"] if t["speaker"] == "interviewer"]


def test_the_interview_completes_at_the_closing_without_enter(run):
    assert run.returncode == 0, run.stderr
    assert run.session["status"] == "complete"
    assert run.session["answers"][0]["stop_reason"] == "turn_end"


def test_the_two_questions_are_answered_from_the_fact_sheet_and_the_rhetorical_one_is_not(run):
    assert [(t["kind"], t["fact"], t["text"]) for t in interviewer(run)] == [
        ("clarification", "regions", FACTS["regions"]), ("clarification", "volume", FACTS["volume"]),
    ]
    assert f"Interviewer: {FACTS['regions']}" in run.stdout and f"Interviewer: {FACTS['volume']}" in run.stdout


def test_the_answer_lists_the_facts_reached_with_their_times(run):
    asked = run.answer["content"]["clarifying"]["asked"]
    assert [a["fact"] for a in asked] == ["regions", "volume"]
    first_reply, _ = interviewer(run)
    assert 0.3 < asked[0]["start"] < 1.5  # after the room tone that opens the file
    assert first_reply["end"] < asked[1]["start"]
    assert [t["fact"] for t in run.answer["turns"] if t["kind"] == "question"] == ["regions", "volume"]


def test_the_file_waits_while_each_reply_is_spoken(run):
    turns = run.answer["turns"]
    for reply in interviewer(run):
        assert reply["end"] - reply["start"] > 3.0  # spoken, not only shown
        after = [t for t in turns if t["speaker"] == "candidate" and t["start"] > reply["start"]]
        assert after and after[0]["start"] >= reply["end"]  # the candidate's next words come after it
    replies_s = sum(t["end"] - t["start"] for t in interviewer(run))
    assert run.session["answers"][0]["duration_s"] > run.file_s - 3.0 + replies_s - 1.0  # the quiet held for them is recorded


def test_the_candidates_transcript_is_the_files_words(run):
    interviewer = words_of(FACTS["regions"]) | words_of(FACTS["volume"])
    heard = words_of(run.answer["transcript"]["text"])
    assert not leaked_words(heard, interviewer, words_of(CANDIDATE_TEXT)), run.answer["transcript"]["text"]
    assert {"data", "robot", "link", "readings", "database", "design"} <= heard


def test_the_asking_is_graded(run):
    clarifying = run.answer["content"]["clarifying"]
    assert clarifying["missed_critical"] == ["users"]
    assert clarifying["scoped_before_design"] is True
    assert "You never asked about users: " + FACTS["users"] in " ".join(run.stdout.split())
