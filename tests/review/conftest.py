"""Sessions for the review tests, built from files: no microphone, no Whisper.

``make_session`` writes what an interview leaves behind (session.json, answer-1.wav,
answer-1.json, scorecard.md) from a saved analysis of audio_fixtures/sample_answer.flac, so every
test gets real-looking sessions in its own MOCKLOOP_HOME in milliseconds.
"""

from __future__ import annotations

import copy
import hashlib
import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SAMPLE_ANALYSIS = Path(__file__).parent / "data" / "sample_analysis.json"
SAMPLE_FLAC = REPO / "audio_fixtures" / "sample_answer.flac"
PROMPT = {
    "id": "sd-sensor-anomaly-review", "kind": "system_design", "company": "scale_ai",
    "title": "Sensor ingestion with human anomaly review", "text": "Design a sensor platform with human review.",
    "time_limit_s": 2700, "phases": [["intro", 300], ["design", 2100], ["questions", 300]],
}


@pytest.fixture(scope="session")
def sample_wav(tmp_path_factory) -> Path:
    """The sample answer as the 16 kHz WAV an interview records (converted once)."""
    import soundfile

    data, rate = soundfile.read(str(SAMPLE_FLAC), dtype="int16")
    path = tmp_path_factory.mktemp("audio") / "answer.wav"
    soundfile.write(str(path), data, rate, subtype="PCM_16")
    return path


@pytest.fixture
def sample_analysis(valid_analysis) -> dict:
    """A saved analysis of the sample answer (from before word indices were recorded)."""
    return valid_analysis(json.loads(SAMPLE_ANALYSIS.read_text(encoding="utf-8")))


@pytest.fixture
def store(tmp_path):
    from mockloop.sessions import SessionStore

    return SessionStore()  # the test's own MOCKLOOP_HOME (see tests/conftest.py)


@pytest.fixture
def make_session(store, sample_wav, sample_analysis):
    """``make_session(minute=0, analysis=None, prompt=None)`` -> a complete saved Session."""
    from mockloop.sessions import AnswerRecord

    def make(minute: int = 0, analysis: dict | None = None, prompt: dict | None = None, day: int = 20):
        analysis = copy.deepcopy(analysis or sample_analysis)
        when = datetime(2026, 11, day, 9, minute, tzinfo=timezone.utc)
        session = store.create(prompt=prompt or PROMPT, settings={"style": "silent"}, versions={"mockloop": "test"}, now=when)
        session.answer_audio(1).write_bytes(sample_wav.read_bytes())
        session.write_json("answer-1.json", analysis)
        card = analysis["scorecard"]
        session.record.answers.append(
            AnswerRecord(
                index=1, role="main", question=(prompt or PROMPT)["text"], audio="answer-1.wav", duration_s=analysis["duration_s"],
                samplerate=16000, analysis="answer-1.json", delivery_score=card["delivery_score"], content_score=card["content_score"],
            )
        )
        session.record.overall = {"delivery_score": card["delivery_score"], "content_score": card["content_score"], "duration_s": analysis["duration_s"]}
        session.record.status = "complete"
        session.record.scorecard = "scorecard.md"
        session.write_text("scorecard.md", "# Mock interview\n")
        session.save()
        return session

    return make


@pytest.fixture
def better_take(sample_analysis) -> dict:
    """The same answer with two fillers fewer, no long pause, and clarifies_requirements met."""
    a = copy.deepcopy(sample_analysis)
    d = a["delivery"]
    d["fillers"] = d["fillers"][2:]
    d["fillers_per_minute"] = 2.7
    d["long_pauses"] = 0
    d["pauses"] = [p for p in d["pauses"] if p["duration"] < 2.0]
    a["content"]["rubric"][0]["met"] = True
    a["content"]["rubric"][0]["evidence"] = [{"quote": "how many sensors?", "start": 3.0}]
    a["scorecard"]["content_score"] = 66
    return a


# What the interviewer said during the sample answer, laid over its real pauses: a reply to a
# clarifying question in the pause at 0:34, a time cue at 0:60 and a cut-in in the pause at 1:13.
INTERVIEWER_TURNS = [
    {"speaker": "interviewer", "kind": "clarification", "start": 34.7, "end": 36.6, "fact": "teams",
     "text": "A platform team of six engineers runs ingestion; the reviewers belong to an operations group."},
    {"speaker": "interviewer", "kind": "time_cue", "start": 60.3, "end": 60.9, "fact": None, "text": "Five minutes left."},
    {"speaker": "interviewer", "kind": "follow_up", "start": 73.8, "end": 75.3, "fact": None,
     "text": "Let me stop you there: which part do you build first?"},
]


@pytest.fixture
def conversation(sample_analysis) -> dict:
    """The sample answer as one turn of a conversation: the interviewer's turns in ``turns``,
    the candidate's question before the reply at 0:34 graded in ``content.clarifying``."""
    a = copy.deepcopy(sample_analysis)
    answer = {"speaker": "candidate", "kind": "answer", "start": 0.0, "end": 32.52, "fact": None, "text": "Before I sketch anything..."}
    question = {"speaker": "candidate", "kind": "question", "start": 32.52, "end": 34.88, "fact": "teams", "text": "which the operations team owns."}
    a["turns"] = [answer, question, *copy.deepcopy(INTERVIEWER_TURNS)]
    a["content"]["clarifying"] = {
        "asked": [{"fact": "teams", "start": 32.52, "quote": "which the operations team owns?"}],
        "missed_critical": ["users", "volume", "regions"],
        "first_question_s": 32.52, "first_design_s": 17.48, "scoped_before_design": False,
    }
    return a


# How the sample answer sounded, as measure_prosody and measure_conciseness give it on
# audio_fixtures/sample_answer.flac and the saved words (the saved analysis predates them).
SAMPLE_PROSODY = {
    "pitch_median_hz": 101.3, "pitch_range_semitones": 4.23, "monotone": False, "flattest": [], "per_minute": [],
    "loudness_dbfs": -22.2, "intensity_range_db": 14.7, "statements": 9,
    "uptalk": [{"start": 0.0, "end": 3.86, "text": "Before I sketch anything, let me confirm the scope.", "rise_semitones": 2.1}],
    "trailing_off": [],
}
SAMPLE_CONCISENESS = {
    "first_point_s": None, "first_point": None, "longest_without_decision_s": 89.74, "run_on_sentences": [], "bottom_line_first": None,
}


@pytest.fixture
def sounded(sample_analysis, valid_analysis):
    """``sounded(**changes)``: the sample analysis as analysed today, with prosody, repetitions and
    conciseness; ``changes`` set prosody fields, ``uptalk``/``repetitions`` as counts, and the
    conciseness seconds."""

    def make(uptalk: int = 1, repetitions: int = 0, first_point_s: float | None = None,
             longest_without_decision_s: float | None = 89.74, **prosody) -> dict:
        a = copy.deepcopy(sample_analysis)
        p = {**copy.deepcopy(SAMPLE_PROSODY), **prosody}
        words = a["transcript"]["words"]
        p["uptalk"] = [
            {"start": 10.0 * i, "end": 10.0 * i + 3.0, "text": "We keep raw readings for 30 days.", "rise_semitones": 2.6} for i in range(uptalk)
        ]
        a["delivery"]["prosody"] = p
        a["delivery"]["repetitions"] = [
            {"start": words[i]["start"], "end": words[i]["end"], "text": f"{words[i]['text']} {words[i]['text']}", "kind": "repetition"}
            for i in range(repetitions)
        ]
        a["delivery"]["conciseness"] = {
            **SAMPLE_CONCISENESS, "first_point_s": first_point_s, "longest_without_decision_s": longest_without_decision_s,
        }
        return valid_analysis(a)

    return make


def folder_hashes(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture
def hashes():
    return folder_hashes


@pytest.fixture
def read_only():
    """``with read_only(folder):`` the folder cannot be written, even by root.

    As root, permissions do not stop writes, so the folder is bind-mounted read-only over itself
    (skipped where mounting is not allowed); otherwise its mode is set to 0555.
    """
    import contextlib
    import os
    import subprocess

    @contextlib.contextmanager
    def make(folder: Path):
        if os.geteuid() == 0:
            done = subprocess.run(["mount", "--bind", "-o", "ro", str(folder), str(folder)], capture_output=True, text=True)
            if done.returncode != 0:
                pytest.skip(f"cannot make a read-only folder as root here: {done.stderr.strip()}")
            try:
                yield folder
            finally:
                subprocess.run(["umount", str(folder)], check=True)
        else:
            mode = folder.stat().st_mode & 0o777
            folder.chmod(0o555)
            try:
                yield folder
            finally:
                folder.chmod(mode)

    return make
