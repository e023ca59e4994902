"""Faults during a real interview: afterwards the session tells the truth and ``rescore`` scores it.

Each test runs ``mockloop interview`` in a subprocess, as a user would, breaks it the way the
world does (a full disk, SIGKILL), then reads the session back with ``mockloop sessions`` and
scores it with ``mockloop rescore``. Also checked here: everything the interview leaves behind
is private (0600 files, 0700 folders) whatever the user's umask.
"""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
import soundfile as sf

from pulse import pulse_server  # noqa: F401  (the session-scoped fixture)

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "audio_fixtures" / "sample_answer.flac"
PROMPT_ID = "sd-sensor-anomaly-review"
WAV_BYTES_PER_S = 16000 * 2


def clip(folder: Path, seconds: float) -> Path:
    """The sample answer's first seconds as a WAV file for --answer-audio."""
    audio, rate = sf.read(SAMPLE, dtype="int16")
    path = folder / f"answer-{seconds:.0f}s.wav"
    sf.write(path, audio[: int(seconds * rate)], rate, subtype="PCM_16")
    return path


def mockloop(*args, env=None, preexec_fn=None) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "mockloop", *map(str, args)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**(env or os.environ), "COLUMNS": "200"}, preexec_fn=preexec_fn,
    )


def finish(process: subprocess.Popen, timeout: float = 300) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=timeout)
    return process.returncode, out, err


def run(*args, env=None) -> tuple[int, str, str]:
    return finish(mockloop(*args, env=env))


def only_session(sessions_dir: Path) -> Path:
    [folder] = [p for p in sessions_dir.iterdir() if p.is_dir()]
    return folder


def record_of(folder: Path) -> dict:
    return json.loads((folder / "session.json").read_text())


def assert_rescored(sessions_dir: Path, folder: Path, env=None) -> dict:
    """`mockloop rescore` brings the scores; the record is truthful and nothing is offered any more."""
    code, out, err = run("rescore", folder.name, "--sessions-dir", sessions_dir, env=env)
    assert code == 0, err
    record = record_of(folder)
    answer = record["answers"][0]
    assert answer["analysis"] == "answer-1.json" and answer["error"] is None
    assert isinstance(answer["delivery_score"], int) and isinstance(record["overall"]["delivery_score"], int)
    analysis = json.loads((folder / "answer-1.json").read_text())
    assert analysis["duration_s"] == pytest.approx(sf.info(folder / "answer-1.wav").duration, abs=0.05)
    assert analysis["transcript"]["words"], "the kept audio holds speech"
    code, out, err = run("sessions", "--sessions-dir", sessions_dir, env=env)
    assert code == 0 and "rescore" not in err, err
    return record


def sessions_row(sessions_dir: Path, session_id: str, env=None) -> tuple[str, str]:
    code, out, err = run("sessions", "--sessions-dir", sessions_dir, env=env)
    assert code == 0 and "Traceback" not in err, err
    [row] = [line for line in out.splitlines() if session_id in line]
    return row, err


@pytest.mark.slow
def test_a_file_size_limit_mid_answer_leaves_a_truthful_failed_session_that_rescore_scores(tmp_path):
    """RLIMIT_FSIZE makes writes fail as a full disk does (the approach of tests/test_recorder.py)."""

    def limit_file_size():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (6 * WAV_BYTES_PER_S, 6 * WAV_BYTES_PER_S))

    sessions_dir = tmp_path / "sessions"
    answer = clip(tmp_path, 30)
    code, out, err = finish(mockloop(
        "interview", "--prompt", PROMPT_ID, "--answer-audio", answer, "--answer-speed", "0", "--no-speak",
        "--sessions-dir", sessions_dir, preexec_fn=limit_file_size,
    ))

    assert code == 2 and "Traceback" not in err, err
    assert re.search(r"disk full.*kept", err.strip().splitlines()[-1])
    folder = only_session(sessions_dir)
    record = record_of(folder)
    kept_s = sf.info(folder / "answer-1.wav").duration
    assert 4.0 <= kept_s <= 6.0
    assert record["status"] == "failed" and "disk full" in record["error"]
    assert record["answers"][0]["duration_s"] == pytest.approx(kept_s, abs=0.01)
    row, err = sessions_row(sessions_dir, folder.name)
    assert "failed" in row and "0:0" in row and "0:00" not in row
    assert f"mockloop rescore {folder.name}" in err
    assert_rescored(sessions_dir, folder)


@pytest.fixture
def small_disk(tmp_path):
    """A real 320 kB file system (tmpfs): it fills up after ~9 s of recorded audio."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small file system needs root")
    disk = tmp_path / "disk"
    disk.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=320k,mode=0700", "tmpfs", str(disk)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")

    def grow():
        subprocess.run(["mount", "-o", "remount,size=8m", str(disk)], check=True)

    yield SimpleNamespace(path=disk, grow=grow)
    subprocess.run(["umount", str(disk)], check=True)


@pytest.mark.slow
def test_a_full_disk_mid_answer_is_recovered_on_the_next_run_and_rescored(tmp_path, small_disk):
    sessions_dir = small_disk.path / "sessions"
    answer = clip(tmp_path, 30)
    code, out, err = run(
        "interview", "--prompt", PROMPT_ID, "--answer-audio", answer, "--answer-speed", "0", "--no-speak", "--sessions-dir", sessions_dir,
    )
    assert code == 2 and "Traceback" not in err, err
    [line] = [l for l in err.strip().splitlines() if l.startswith("mockloop: error:")]
    assert "disk full" in line and "kept" in line
    folder = only_session(sessions_dir)
    kept_s = sf.info(folder / "answer-1.wav").duration
    assert kept_s > 3.0
    assert record_of(folder)["status"] == "started"  # the disk refused every later save

    row, err = sessions_row(sessions_dir, folder.name)  # the disk is still full: recovered in memory
    assert "interrupted" in row and f"0:{round(kept_s):02d}" in row
    assert f"mockloop rescore {folder.name}" in err

    small_disk.grow()  # room again: the next read saves the recovery, rescore writes the scores
    sessions_row(sessions_dir, folder.name)
    record = record_of(folder)
    assert record["status"] == "interrupted" and record["answers"][0]["duration_s"] == pytest.approx(kept_s, abs=0.01)
    assert_rescored(sessions_dir, folder)


@pytest.mark.slow
@pytest.mark.audio_io
def test_sigkill_mid_answer_leaves_a_session_that_is_recovered_and_rescored(pulse_server, tmp_path):
    sessions_dir = tmp_path / "sessions"
    env = pulse_server.env()
    process = mockloop("interview", "--prompt", PROMPT_ID, "--no-speak", "--sessions-dir", sessions_dir, env=env)
    player = None
    try:
        deadline = time.monotonic() + 120
        while not (sessions_dir.is_dir() and any(sessions_dir.glob("*/answer-1.wav"))):
            assert time.monotonic() < deadline and process.poll() is None, process.stderr.read()
            time.sleep(0.1)
        folder = only_session(sessions_dir)
        player = pulse_server.play(SAMPLE, wait=False)
        wav = folder / "answer-1.wav"
        while wav.stat().st_size < 44 + 6 * WAV_BYTES_PER_S:  # six seconds flushed to disk
            assert time.monotonic() < deadline and process.poll() is None, process.stderr.read()
            time.sleep(0.1)

        row, _ = sessions_row(sessions_dir, folder.name, env=env)
        assert "recording" in row
        code, _, err = run("delete", folder.name, "--yes", "--sessions-dir", sessions_dir, env=env)
        assert code == 2 and "is still being recorded" in err and wav.is_file()

        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
        if player is not None:
            player.terminate()
            player.wait()

    assert record_of(folder)["status"] == "started"  # what SIGKILL leaves
    row, err = sessions_row(sessions_dir, folder.name, env=env)
    kept_s = sf.info(wav).duration
    assert kept_s >= 5.0
    record = record_of(folder)
    assert record["status"] == "interrupted" and record["answers"][0]["duration_s"] == pytest.approx(kept_s, abs=0.01)
    assert "interrupted" in row and f"mockloop rescore {folder.name}" in err
    record = assert_rescored(sessions_dir, folder, env=env)
    assert record["status"] == "interrupted"  # rescore scores the audio; it does not pretend the interview finished


def _modes(root: Path) -> dict[str, int]:
    return {str(p.relative_to(root.parent)): p.stat().st_mode & 0o777 for p in [root, *root.rglob("*")]}


@pytest.mark.slow
@pytest.mark.audio_io
def test_everything_an_interview_and_its_review_leave_behind_is_private(pulse_server, tmp_path):
    home = tmp_path / "home"
    env = pulse_server.env(MOCKLOOP_HOME=str(home))
    answer = clip(tmp_path, 8)
    loose = lambda: os.umask(0o022)  # noqa: E731 - the common default umask: 0644 files
    code, out, err = finish(mockloop(
        "interview", "--prompt", PROMPT_ID, "--answer-audio", answer, "--answer-speed", "0", "--rate", "450",  # speech plays in real time
        env=env, preexec_fn=loose,
    ))
    assert code == 0, err
    session_id = only_session(home / "sessions").name
    for args in (("history",), ("report", session_id, "--out", home / "report.html"), ("export", session_id, "--out", home / "export.md")):
        code, _, err = finish(mockloop(*args, env=env, preexec_fn=loose))
        assert code == 0, err

    modes = _modes(home)
    names = {Path(p).name for p in modes}
    assert {"question-1.wav", "answer-1.wav", "answer-1.json", "session.json", "index.sqlite3", "report.html", "export.md"} <= names
    loose_ones = {p: oct(m) for p, m in modes.items() if m != (0o700 if (tmp_path / p).is_dir() else 0o600)}
    assert loose_ones == {}
