"""Stopping `mockloop analyze DIR --jobs 2` part way: what finished is kept, no worker lives on.

Each test starts the real command in its own process group, waits (by reading its output, not
by sleeping) until the first answer is done, then stops it the way a user or the system would:
Ctrl-C (SIGINT to the whole foreground group, as a terminal sends it), `kill` (SIGTERM to the
parent only), or SIGKILL. The worker processes are found in /proc while they run, and polled
until they are gone.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from processes import read_rest

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")]

REPO = Path(__file__).resolve().parent.parent
SYNTHETIC = REPO / "audio_fixtures" / "synthetic"
N_ANSWERS = 8
WAIT_S = 120  # an upper bound on waiting for the command, never a stand-in for a condition


@pytest.fixture
def answers_folder(tmp_path) -> Path:
    clips = sorted(SYNTHETIC.glob("syn_*.flac"))[:N_ANSWERS]
    assert len(clips) == N_ANSWERS
    folder = tmp_path / "answers"
    folder.mkdir()
    for clip in clips:
        shutil.copy(clip, folder / clip.name)
    return folder


def children_of(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """Running (a zombie that nobody reaped has exited)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_until(condition, timeout_s: float = WAIT_S, poll_s: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(poll_s)
    return condition()


def start_batch(folder: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "mockloop", "analyze", str(folder), "--jobs", "2", "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )


def first_result_and_workers(process: subprocess.Popen) -> tuple[dict, set[int]]:
    """Block until the first answer is printed; the workers are running by then."""
    line = process.stdout.readline()
    assert line, f"no answer before exit; stderr: {process.stderr.read()!r}"
    workers = children_of(process.pid)
    workers = {pid for pid in workers if alive(pid)}
    assert len(workers) >= 2, f"expected two workers, found {workers}"
    return json.loads(line), workers


def stop_and_collect(process: subprocess.Popen, send) -> tuple[int, list[dict], str]:
    send()
    rest, stderr = read_rest(process, timeout=WAIT_S)
    return process.returncode, [json.loads(line) for line in rest.splitlines()], stderr


@pytest.mark.parametrize(
    "how",
    [
        pytest.param(lambda p: os.killpg(p.pid, signal.SIGINT), id="ctrl-c"),
        pytest.param(lambda p: os.kill(p.pid, signal.SIGTERM), id="sigterm"),
    ],
)
def test_an_interrupted_batch_keeps_what_finished_and_leaves_no_worker(answers_folder, how):
    process = start_batch(answers_folder)
    try:
        first, workers = first_result_and_workers(process)
        code, later, stderr = stop_and_collect(process, lambda: how(process))
    finally:
        if process.poll() is None:
            process.kill()
    results = [first] + later
    assert code == 130, stderr
    assert "interrupted" in stderr and "Traceback" not in stderr, stderr
    assert 1 <= len(results) < N_ANSWERS, "the batch stopped instead of running to the end"
    assert all(r["schema"] == "mockloop.analysis/1" for r in results)
    assert wait_until(lambda: not any(alive(pid) for pid in workers), timeout_s=10), (
        f"workers still running: {[pid for pid in workers if alive(pid)]}"
    )


def test_workers_end_by_themselves_when_the_parent_is_killed(answers_folder):
    process = start_batch(answers_folder)
    try:
        _, workers = first_result_and_workers(process)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=WAIT_S)
        assert wait_until(lambda: not any(alive(pid) for pid in workers), timeout_s=10), (
            f"orphaned workers: {[pid for pid in workers if alive(pid)]}"
        )
    finally:
        for pid in workers:  # never leave an orphan of this test behind, even on failure
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        if process.poll() is None:
            process.kill()
