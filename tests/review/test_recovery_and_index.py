"""Records that tell the truth after a crash, and an index that several mockloops can share.

A session says "started" while its interview runs. When the process that started it is gone
(SIGKILL, a crash, a full disk that refused the last save), the next command that reads it marks
it "interrupted", reads each answer's length from the audio on disk and offers ``rescore``. A
session whose process still runs is left alone and cannot be deleted.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import soundfile as sf

from mockloop.liveness import Liveness, liveness, process_stamp, this_process
from mockloop.review.index import SessionIndex, SessionIndexError
from mockloop.sessions import MANIFEST, AnswerRecord, SessionStore


def room_tone_speechlike(seconds: float, rate: int = 16000) -> np.ndarray:
    """Low room noise with bursts of voiced sound, as a recording left by a crash would hold."""
    rng = np.random.default_rng(12)
    t = np.arange(int(seconds * rate)) / rate
    voiced = 0.15 * np.sin(2 * np.pi * 140 * t) * (np.sin(2 * np.pi * 0.7 * t) > 0)
    return (voiced + 0.002 * rng.standard_normal(len(t))).astype(np.float32)


@pytest.fixture
def finished_process() -> dict:
    """The stamp of a real process that has exited (its pid is free now)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    stamp = {**this_process(), "pid": child.pid}
    stamp["start_ticks"] = None
    child.wait()
    return stamp


@pytest.fixture
def running_process():
    """A real process that keeps running until the test ends, and its stamp."""
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    stamp = process_stamp(child.pid)
    yield child, stamp
    child.kill()
    child.wait()


def started_session(store: SessionStore, stamp: dict, seconds: float = 4.0):
    """What a killed interview leaves: session.json "started", no duration, the audio on disk."""
    session = store.create(prompt={"id": "sd-x", "kind": "system_design", "title": "Feed", "text": "Design a feed."}, settings={})
    sf.write(session.answer_audio(1), room_tone_speechlike(seconds), 16000, subtype="PCM_16")
    session.record.answers.append(AnswerRecord(index=1, role="main", question="Design a feed.", audio="answer-1.wav", samplerate=16000))
    session.record.process = stamp
    session.save()
    return session


def test_a_session_whose_process_is_gone_is_recovered_as_interrupted_with_its_duration(store, finished_process):
    session = started_session(store, finished_process, seconds=4.0)

    record = store.open(session.id).record

    assert record.status == "interrupted" and record.recovered_at is not None
    assert record.answers[0].duration_s == pytest.approx(4.0, abs=0.001)
    assert record.overall["duration_s"] == pytest.approx(4.0, abs=0.001)
    assert "not analysed" in record.answers[0].error.lower()
    assert f"pid {finished_process['pid']}" in record.error
    saved = json.loads((session.folder / MANIFEST).read_text())
    assert saved["status"] == "interrupted" and saved["answers"][0]["duration_s"] == pytest.approx(4.0, abs=0.001)


def test_a_session_still_being_recorded_is_left_alone(store, running_process):
    _, stamp = running_process
    session = started_session(store, stamp)
    before = (session.folder / MANIFEST).read_bytes()

    reopened = store.open(session.id)

    assert reopened.record.status == "started" and reopened.is_being_recorded()
    assert (session.folder / MANIFEST).read_bytes() == before


def test_a_reused_pid_or_a_reboot_means_the_recording_process_is_gone(running_process):
    _, stamp = running_process
    assert liveness(stamp) is Liveness.ALIVE
    assert liveness({**stamp, "start_ticks": stamp["start_ticks"] + 1}) is Liveness.GONE  # another program got the pid
    assert liveness({**stamp, "boot_id": "00000000-0000-0000-0000-000000000000"}) is Liveness.GONE
    assert liveness({**stamp, "host": "another-laptop"}) is Liveness.UNKNOWN


@pytest.mark.parametrize("stamp", [None, {"pid": 4242, "host": "another-laptop", "boot_id": None, "start_ticks": None}],
                         ids=["no stamp (older mockloop)", "recorded on another machine"])
def test_a_session_whose_process_cannot_be_checked_is_abandoned_once_its_files_stop_changing(store, stamp):
    session = started_session(store, stamp, seconds=2.0)
    assert store.open(session.id).record.status == "started"  # files just written: maybe still recording
    hours_ago = os.path.getmtime(session.folder / MANIFEST) - 7 * 3600
    for path in session.folder.iterdir():
        os.utime(path, (hours_ago, hours_ago))
    record = store.open(session.id).record
    assert record.status == "interrupted" and record.answers[0].duration_s == pytest.approx(2.0, abs=0.001)


def test_recovery_tells_the_truth_even_when_the_folder_cannot_be_written(store, finished_process, read_only):
    session = started_session(store, finished_process, seconds=3.0)
    before = (session.folder / MANIFEST).read_bytes()
    with read_only(store.root):
        record = SessionStore(store.root).open(session.id).record
    assert record.status == "interrupted" and record.answers[0].duration_s == pytest.approx(3.0, abs=0.001)
    assert (session.folder / MANIFEST).read_bytes() == before  # nothing could be saved: nothing half-saved


def test_sessions_lists_the_recovered_session_and_offers_rescore(cli, store, finished_process):
    session = started_session(store, finished_process, seconds=65.0)
    code, out, err = cli("sessions", "--sessions-dir", store.root, env={**os.environ, "COLUMNS": "200"})
    assert code == 0, err
    [row] = [line for line in out.splitlines() if session.id in line]
    assert "interrupted" in row and "1:05" in row
    assert f"Session {session.id} (interrupted) has 1 answer not scored: score it with `mockloop rescore {session.id}`." in err


def test_delete_refuses_a_session_that_is_being_recorded(cli, store, running_process):
    child, stamp = running_process
    session = started_session(store, stamp)
    code, _, err = cli("delete", session.id, "--yes", "--sessions-dir", store.root)
    assert code == 2
    assert err.strip().splitlines() == [
        f"mockloop: error: Session {session.id} is still being recorded (process {child.pid}); finish or stop that interview first."
    ]
    assert (session.folder / "answer-1.wav").is_file()
    child.kill()
    child.wait()
    code, out, err = cli("delete", session.id, "--yes", "--sessions-dir", store.root)
    assert code == 0 and not session.folder.exists(), err


# --- the index ---------------------------------------------------------------------------------


def test_an_index_path_that_is_a_folder_is_one_clear_line(cli, store, make_session):
    make_session()
    (store.root / "index.sqlite3").mkdir()
    code, out, err = cli("history", "--sessions-dir", store.root)
    assert code == 2 and out == ""
    assert err.strip().splitlines() == [
        f"mockloop: error: The session index {store.root / 'index.sqlite3'} is a folder, not a file; "
        "move it away and mockloop rebuilds the index from the sessions."
    ]


@pytest.mark.parametrize(
    "make_bad_index",
    [
        pytest.param(lambda db: db.execute("CREATE TABLE sessions (id TEXT, created_at TEXT)") and db.execute("PRAGMA user_version = 3"), id="wrong columns"),
        pytest.param(lambda db: db.execute("PRAGMA user_version = 99"), id="newer schema"),
        pytest.param(None, id="not sqlite"),
    ],
)
def test_an_unusable_index_is_rebuilt_from_the_session_folders(cli, store, make_session, make_bad_index):
    session = make_session()
    path = store.root / "index.sqlite3"
    if make_bad_index is None:
        path.write_bytes(b"SQLite format 2\x00" + os.urandom(4000))
    else:
        db = sqlite3.connect(path)
        make_bad_index(db)
        db.commit()
        db.close()
    code, out, err = cli("history", "--sessions-dir", store.root)
    assert code == 0 and "Traceback" not in err, err
    assert session.id in out
    assert err.strip().splitlines() == [f"warning: The session index {path} was unusable ({_reason(err)}); rebuilt it from the session folders."]


def _reason(err: str) -> str:
    return err.split("was unusable (", 1)[1].split("); rebuilt", 1)[0]


def test_history_works_from_a_read_only_sessions_folder(cli, store, make_session, read_only):
    session = make_session()
    with read_only(store.root):
        code, out, err = cli("history", "--sessions-dir", store.root)
    assert code == 0, err
    assert session.id in out
    assert err.strip().splitlines() == [f"warning: The session index {store.root / 'index.sqlite3'} cannot be written here; using one in memory for this run."]
    assert not (store.root / "index.sqlite3").exists()


CONCURRENT = textwrap.dedent(
    """
    import sys
    from mockloop.review.index import SessionIndex
    from mockloop.sessions import SessionStore
    store = SessionStore(sys.argv[1])
    for _ in range(int(sys.argv[3])):
        index = SessionIndex(store)
        rows = index.rebuild() if sys.argv[2] == "reindex" else len(index.history())
        index.close()
        assert rows == int(sys.argv[4]), rows
    print("ok")
    """
)


@pytest.mark.slow
def test_reindex_while_history_runs_elsewhere_never_fails(store, make_session):
    """Two processes rebuilding and two reading the same index at once, many times over."""
    sessions = [make_session(minute=m) for m in range(12)]
    runs = [
        subprocess.Popen([sys.executable, "-c", CONCURRENT, str(store.root), role, "15", str(len(sessions))],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for role in ("reindex", "history", "reindex", "history")
    ]
    for run in runs:
        out, err = run.communicate(timeout=300)
        assert run.returncode == 0 and out.strip() == "ok", err


def test_the_index_is_private_and_in_wal_mode(store, make_session):
    make_session()
    index = SessionIndex(store)
    try:
        index.history()
        assert index.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        index.close()
    assert (index.path.stat().st_mode & 0o777) == 0o600


def test_a_locked_index_is_a_clear_error_not_a_traceback(store, make_session, monkeypatch):
    import mockloop.review.index as index_module

    make_session()
    monkeypatch.setattr(index_module, "BUSY_TIMEOUT_S", 0.2)
    first = SessionIndex(store)
    first.history()
    first.db.execute("BEGIN IMMEDIATE")  # another mockloop is writing
    make_session(minute=5)  # something new to index, so the second one must write
    second = SessionIndex(store)
    try:
        with pytest.raises(SessionIndexError, match=r"stayed locked by another mockloop"):
            second.history()
    finally:
        first.db.execute("ROLLBACK")
        first.close()
        second.close()


def test_history_before_any_session_creates_nothing_and_warns_of_nothing(cli, tmp_path):
    code, out, err = cli("history", "--sessions-dir", tmp_path / "not-yet")
    assert (code, err) == (0, "") and "No analysed sessions yet" in out
    assert not (tmp_path / "not-yet").exists()
