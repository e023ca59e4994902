"""Sessions are plain folders with short, safe ids, written atomically, found where the user says."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from mockloop.errors import InputError
from mockloop.sessions import (
    SESSION_SCHEMA,
    AnswerRecord,
    SessionStorageError,
    SessionStore,
    check_session_id,
    new_session_id,
    sessions_root,
    write_json_atomic,
)

PROMPT = {"id": "sd-notify", "kind": "system_design", "title": "Notifications", "text": "Design it."}


def test_ids_are_short_sortable_by_time_and_safe_in_a_path():
    early = new_session_id(datetime(2026, 11, 23, 9, 5))
    late = new_session_id(datetime(2026, 11, 23, 15, 30))
    assert re.fullmatch(r"20261123-0905-[0-9a-f]{4}", early)
    assert early < late
    assert len({new_session_id() for _ in range(50)}) > 45


@pytest.mark.parametrize("bad", ["../etc", "..", "20261123-1530-a1b2/../../x", "/tmp", "a b", "", "20261123-1530-A1B2"])
def test_anything_but_a_session_id_is_refused(bad):
    with pytest.raises(InputError, match="is not a session id"):
        check_session_id(bad)


def test_the_root_is_the_option_then_mockloop_home_then_the_user_data_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("MOCKLOOP_HOME", str(tmp_path / "home"))
    assert sessions_root(tmp_path / "explicit") == tmp_path / "explicit"
    assert sessions_root() == tmp_path / "home" / "sessions"
    monkeypatch.delenv("MOCKLOOP_HOME")
    assert sessions_root().parts[-2:] == ("mockloop", "sessions")


def test_a_new_session_is_a_folder_with_its_record(tmp_path):
    store = SessionStore(tmp_path)
    session = store.create(prompt=PROMPT, settings={"style": "silent"}, versions={"mockloop": "0.1.0"})

    record = json.loads((session.folder / "session.json").read_text())
    assert session.folder.parent == tmp_path and session.folder.name == session.id
    assert record["schema"] == SESSION_SCHEMA and record["status"] == "started"
    assert record["prompt"] == PROMPT and record["settings"] == {"style": "silent"}
    assert datetime.fromisoformat(record["created_at"]).tzinfo is not None
    assert session.answer_audio(1).name == "answer-1.wav" and session.answer_analysis(1).name == "answer-1.json"


def test_a_saved_session_opens_again_with_its_answers(tmp_path):
    store = SessionStore(tmp_path)
    session = store.create(prompt=PROMPT, settings={})
    session.record.answers.append(AnswerRecord(index=1, role="main", question="Design it.", audio="answer-1.wav", duration_s=92.5))
    session.record.status = "complete"
    session.save()

    again = store.open(session.id).record
    assert again.status == "complete"
    assert again.answers[0].duration_s == 92.5 and again.duration_s == 92.5


def test_listing_shows_newest_first_and_skips_what_is_not_a_session(tmp_path):
    store = SessionStore(tmp_path)
    older = store.create(prompt=PROMPT, settings={}, now=datetime(2026, 1, 1, 9, 0).astimezone())
    newer = store.create(prompt=PROMPT, settings={}, now=datetime(2026, 2, 1, 9, 0).astimezone())
    (tmp_path / "notes").mkdir()
    damaged = tmp_path / "20260301-0900-dead"
    damaged.mkdir()
    (damaged / "session.json").write_text("{ not json")

    assert [r.id for r in store.list()] == [newer.id, older.id]


def test_opening_an_unknown_or_tricky_id_is_an_input_error(tmp_path):
    store = SessionStore(tmp_path)
    with pytest.raises(InputError, match="No session 20260101-0900-abcd"):
        store.open("20260101-0900-abcd")
    with pytest.raises(InputError, match="is not a session id"):
        store.open("../../etc")


def test_files_inside_a_session_cannot_escape_its_folder(tmp_path):
    session = SessionStore(tmp_path).create(prompt=PROMPT, settings={})
    with pytest.raises(InputError):
        session.path("../outside.json")


def test_json_is_replaced_whole_and_leaves_no_temporary_files(tmp_path):
    target = tmp_path / "session.json"
    write_json_atomic(target, {"version": 1})
    write_json_atomic(target, {"version": 2})
    assert json.loads(target.read_text()) == {"version": 2}
    assert [p.name for p in tmp_path.iterdir()] == ["session.json"]


def _unwritable_folder(tmp_path: Path) -> Path:
    """A folder this process cannot create sessions in, even as root (sysfs refuses mkdir)."""
    if os.geteuid() == 0:
        return Path("/sys/mockloop-sessions")
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    return locked / "sessions"


def test_an_unwritable_sessions_folder_is_a_clear_error(tmp_path):
    with pytest.raises(SessionStorageError, match=r"Cannot write sessions to .*--sessions-dir or the MOCKLOOP_HOME"):
        SessionStore(_unwritable_folder(tmp_path)).create(prompt=PROMPT, settings={})


def test_a_file_where_the_folder_should_be_is_a_clear_error(tmp_path):
    (tmp_path / "sessions").write_text("not a folder")
    with pytest.raises(SessionStorageError, match=r"sessions is a file, not a folder\. Choose another folder with --sessions-dir"):
        SessionStore(tmp_path / "sessions").create(prompt=PROMPT, settings={})


def test_mockloop_sessions_lists_what_is_saved(tmp_path):
    store = SessionStore(tmp_path)
    session = store.create(prompt=PROMPT, settings={})
    session.record.overall = {"delivery_score": 81, "content_score": 64, "duration_s": 95.0}
    session.record.status = "complete"
    session.save()

    done = subprocess.run(
        [sys.executable, "-m", "mockloop", "sessions", "--sessions-dir", str(tmp_path)],
        capture_output=True, text=True, timeout=60, env={**os.environ, "COLUMNS": "200"},
    )
    assert done.returncode == 0, done.stderr
    assert session.id in done.stdout and "Notifications" in done.stdout
    assert "81" in done.stdout and "64" in done.stdout and "1:35" in done.stdout


def test_mockloop_sessions_says_when_there_are_none(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "mockloop", "sessions", "--sessions-dir", str(tmp_path / "empty")],
        capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 0 and "No sessions yet" in done.stdout
