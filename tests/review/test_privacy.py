"""What mockloop stores is private (0600 files, 0700 folders) whatever the user's umask.

Each test runs with the common umask 022, under which a file created without an explicit mode
would be world-readable (0644). The end-to-end check of a whole interview is in
tests/test_session_faults.py.
"""

from __future__ import annotations

import os

import numpy as np
import pytest
import soundfile as sf
from typer.testing import CliRunner

from mockloop.audio_io import FileSource, Recorder
from mockloop.cli.app import app
from mockloop.review.index import SessionIndex


@pytest.fixture(autouse=True)
def loose_umask():
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def mode(path) -> int:
    return os.stat(path).st_mode & 0o777


def test_new_sessions_folders_are_0700_and_their_records_0600(store, tmp_path):
    session = store.create(prompt={"id": "p", "kind": "system_design", "title": "T", "text": "Q"}, settings={})
    assert mode(store.root) == mode(store.root.parent) == mode(session.folder) == 0o700
    assert mode(session.folder / "session.json") == 0o600


def test_a_recording_is_0600_from_its_first_byte(store, tmp_path):
    source_file = tmp_path / "said.wav"
    t = np.arange(2 * 16000) / 16000
    sf.write(source_file, (0.1 * np.sin(2 * np.pi * 150 * t)).astype(np.float32), 16000)
    session = store.create(prompt={"id": "p", "kind": "system_design", "title": "T", "text": "Q"}, settings={})
    recorder = Recorder(session.answer_audio(1), FileSource(source_file, speed=0)).start()
    assert mode(session.answer_audio(1)) == 0o600  # while recording, not only afterwards
    recorder.wait(30)
    recorder.stop()
    assert mode(session.answer_audio(1)) == 0o600 and sf.info(session.answer_audio(1)).duration == pytest.approx(2.0, abs=0.01)


def test_the_index_and_its_wal_files_are_0600(store, make_session):
    make_session()
    index = SessionIndex(store)
    index.history()
    modes = {p.name: mode(p) for p in store.root.iterdir() if p.name.startswith("index.sqlite3")}  # while open
    index.close()
    assert set(modes) == {"index.sqlite3", "index.sqlite3-wal", "index.sqlite3-shm"}
    assert set(modes.values()) == {0o600}


def test_reports_and_exports_are_0600_even_over_an_existing_readable_file(make_session, tmp_path):
    session = make_session()
    report, export = tmp_path / "report.html", tmp_path / "export.md"
    report.write_text("old")
    os.chmod(report, 0o644)
    runner = CliRunner()
    assert runner.invoke(app, ["report", session.id, "--out", str(report)]).exit_code == 0
    assert runner.invoke(app, ["export", session.id, "--out", str(export)]).exit_code == 0
    assert mode(report) == mode(export) == 0o600 and "<html" in report.read_text()


def test_the_llm_judge_cache_is_private(tmp_path):
    from mockloop.content.llm_judge import LLMItem, write_cache

    target = tmp_path / "cache" / "llm-judge" / "abc.json"
    item = LLMItem(id="sizes_the_load", met=True, evidence=["ten thousand sensors a second"], reason="gives numbers")
    write_cache(target, {"sizes_the_load": item}, "local-model", "system_design")
    assert mode(target) == 0o600 and mode(target.parent) == 0o700 and mode(target.parent.parent) == 0o700
