"""``mockloop rescore``: saved answers scored again from their audio, the old result kept until then.

These run the real command (real Whisper tiny.en on the sample answer's audio).
"""

from __future__ import annotations

import json
import os
import sqlite3

import pytest
import soundfile as sf

from mockloop.sessions import MANIFEST, AnswerRecord


@pytest.fixture
def unscored_session(store, sample_wav):
    """A session like one the interview leaves when the model was missing: audio, no scores."""

    def make(seconds: float = 25.0):
        session = store.create(
            prompt={"id": "sd-sensor-anomaly-review", "kind": "system_design", "title": "Sensors", "text": "Design it."},
            settings={"style": "silent"},
        )
        audio, rate = sf.read(sample_wav, dtype="int16")
        sf.write(session.answer_audio(1), audio[: int(seconds * rate)], rate, subtype="PCM_16")
        session.record.answers.append(AnswerRecord(
            index=1, role="main", question="Design it.", audio="answer-1.wav", duration_s=seconds, samplerate=rate,
            error="Not analysed: model folder not found: /nonexistent",
        ))
        session.record.status = "complete"
        session.save()
        return session

    return make


@pytest.mark.slow
def test_rescore_scores_answers_that_were_not_analysed_and_updates_the_index(cli, store, unscored_session):
    session = unscored_session()
    code, out, err = cli("sessions", "--sessions-dir", store.root)
    assert f"mockloop rescore {session.id}" in err

    code, out, err = cli("rescore", session.id, "--sessions-dir", store.root)

    assert code == 0, err
    record = json.loads((session.folder / MANIFEST).read_text())
    [answer] = record["answers"]
    assert answer["error"] is None and answer["analysis"] == "answer-1.json"
    assert isinstance(answer["delivery_score"], int) and isinstance(answer["content_score"], int)
    assert record["overall"]["delivery_score"] == answer["delivery_score"] and record["rescored_at"]
    analysis = json.loads((session.folder / "answer-1.json").read_text())
    assert analysis["duration_s"] == pytest.approx(25.0, abs=0.05) and "delivery robots" in analysis["transcript"]["text"].lower()
    assert (session.folder / "scorecard.md").read_text().startswith(f"# Mock interview {session.id}")
    assert sorted(p.name for p in session.folder.iterdir()) == ["answer-1.json", "answer-1.wav", "scorecard.md", "session.json"]
    db = sqlite3.connect(store.root / "index.sqlite3")
    assert db.execute("SELECT delivery_score, problem FROM sessions WHERE id = ?", (session.id,)).fetchone() == (answer["delivery_score"], None)
    code, out, err = cli("sessions", "--sessions-dir", store.root)
    assert "rescore" not in err  # nothing left to offer
    code, out, err = cli("report", session.id, "--out", store.root.parent / "r.html", "--sessions-dir", store.root)
    assert code == 0 and "was not analysed" not in err, err


@pytest.mark.slow
def test_a_rescored_drill_is_scored_on_its_habit_with_a_drill_summary(cli, store, unscored_session):
    from mockloop.review.habits import judge

    session = unscored_session()
    session.record.drill = {"item": "words_per_minute", "habit": True, "take": 2}
    session.save()
    code, out, err = cli("rescore", session.id, "--sessions-dir", store.root)
    assert code == 0, err
    record = json.loads((session.folder / MANIFEST).read_text())
    analysis = json.loads((session.folder / "answer-1.json").read_text())
    met = judge("words_per_minute", analysis["delivery"]["words_per_minute"], analysis["duration_s"])
    assert record["overall"]["content_score"] == record["answers"][0]["content_score"] == (100 if met else 0)
    card = (session.folder / "scorecard.md").read_text()
    assert card.startswith(f"# Drill {session.id}") and f"**words_per_minute**: {'met' if met else 'not met'} (take 2)" in card


@pytest.mark.parametrize("model", ["/nonexistent-model-folder", "whisper-gigantic"])
def test_a_bad_model_is_refused_before_anything_changes(cli, store, make_session, hashes, model):
    session = make_session()
    before = hashes(session.folder)
    code, out, err = cli("rescore", session.id, "--model", model, "--sessions-dir", store.root)
    assert code == 2 and out == ""
    [line] = err.strip().splitlines()
    assert line.startswith("mockloop: error:") and model in line
    assert hashes(session.folder) == before


def test_rescore_of_an_unknown_answer_or_session_is_one_line(cli, store, make_session):
    session = make_session()
    code, _, err = cli("rescore", session.id, "--answer", "4", "--sessions-dir", store.root)
    assert code == 2 and err.strip().splitlines() == [f"mockloop: error: Session {session.id} has no answer 4 (answers: 1)."]
    code, _, err = cli("rescore", "../../etc", "--sessions-dir", store.root)
    assert code == 2 and "is not a session id" in err and len(err.strip().splitlines()) == 1


def test_rescore_refuses_a_session_that_is_being_recorded(cli, store, unscored_session, hashes):
    import subprocess
    import sys

    from mockloop.liveness import process_stamp

    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    try:
        session = unscored_session(seconds=3.0)
        session.record.status = "started"
        session.record.process = process_stamp(child.pid)
        session.save()
        before = hashes(session.folder)
        code, _, err = cli("rescore", session.id, "--sessions-dir", store.root)
        assert code == 2 and "is still being recorded" in err
        assert hashes(session.folder) == before
    finally:
        child.kill()
        child.wait()


@pytest.mark.slow
def test_an_answer_whose_audio_is_gone_keeps_its_old_result_while_the_others_are_rescored(cli, store, unscored_session):
    session = unscored_session(seconds=12.0)
    os.link(session.answer_audio(1), session.answer_audio(2))
    session.record.answers.append(AnswerRecord(index=2, role="probe", question="And failures?", audio="answer-2.wav", duration_s=12.0,
                                               delivery_score=40, content_score=10, analysis=None))
    session.save()
    session.answer_audio(1).unlink()

    code, out, err = cli("rescore", session.id, "--sessions-dir", store.root)

    assert code == 1
    assert err.strip().splitlines()[-1] == "mockloop: error: answer 1: answer-1.wav is missing"
    record = json.loads((session.folder / MANIFEST).read_text())
    first, second = record["answers"]
    assert first["error"].startswith("Not analysed") and first["delivery_score"] is None  # as it was
    assert second["analysis"] == "answer-2.json" and isinstance(second["delivery_score"], int)
