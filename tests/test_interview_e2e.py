"""`mockloop interview` end to end: the real CLI, Whisper pipeline, prompt bank and sound server.

Each test runs the command in a subprocess, as a user would. The microphone tests record the
monitor of the PulseAudio null sink (tests/pulse.py) while the test plays the bundled sample
answer (`audio_fixtures/sample_answer.flac`, a synthetic system-design answer) into the sink.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import soundfile as sf

from mockloop.analysis.wer import normalise_for_wer

from processes import read_rest  # noqa: E402
from pulse import pulse_server  # noqa: E402,F401  (pulse_server is a fixture)

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "audio_fixtures" / "sample_answer.flac"
SAMPLE_TEXT = json.loads((ROOT / "audio_fixtures" / "sample_answer.json").read_text())["text"]


@pytest.fixture(scope="module")
def prompt_id() -> str:
    from mockloop.content.prompts import load_bank

    bank = load_bank()
    prompts = list(bank.values()) if isinstance(bank, dict) else list(bank)
    return next(p.id for p in prompts if p.kind == "system_design")


def mockloop(*args: str, env: dict | None = None, **popen) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "mockloop", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**(env or os.environ), "COLUMNS": "120"}, **popen,
    )


def finish(process: subprocess.Popen, timeout: float = 240) -> tuple[int, str, str]:
    stdout, stderr = read_rest(process, timeout=timeout)
    return process.returncode, stdout, stderr


def wait_for_line(process: subprocess.Popen, pattern: str, timeout: float = 120) -> list[str]:
    """Read stdout until a line matches (the interview prints one when recording starts)."""
    seen, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        seen.append(line)
        if re.search(pattern, line):
            return seen
    raise AssertionError(f"never printed {pattern!r}; got {''.join(seen)!r}; stderr {process.stderr.read()!r}")


def only_session(sessions_dir: Path) -> Path:
    [folder] = [p for p in sessions_dir.iterdir() if p.is_dir()]
    return folder


def word_overlap(heard: str, said: str) -> float:
    """Share of the words said that appear in what was transcribed, compared as the WER compares
    them (Whisper writes "two thousand" as "2,000")."""
    heard_words = set(normalise_for_wer(heard))
    said_words = normalise_for_wer(said)
    return sum(w in heard_words for w in said_words) / len(said_words)


def first_seconds(seconds: float, folder: Path) -> tuple[Path, str]:
    """The sample answer's first seconds as a file, and roughly the words said in them."""
    audio, rate = sf.read(SAMPLE, dtype="float32")
    clip = folder / f"sample-{seconds:.0f}s.wav"
    sf.write(clip, audio[: int(seconds * rate)], rate)
    words_said = int(seconds / 90.46 * len(SAMPLE_TEXT.split()) * 0.9)  # a little less: the clip may cut a word
    return clip, " ".join(SAMPLE_TEXT.split()[:words_said])


def test_an_interview_answered_from_a_recording_is_transcribed_scored_and_saved(prompt_id, tmp_path, valid_analysis):
    answer, said = first_seconds(30, tmp_path)
    sessions_dir = tmp_path / "sessions"
    code, stdout, stderr = finish(mockloop(
        "interview", "--prompt", prompt_id, "--answer-audio", str(answer), "--answer-speed", "0",
        "--no-speak", "--sessions-dir", str(sessions_dir),
    ))
    assert code == 0, stderr

    folder = only_session(sessions_dir)
    record = json.loads((folder / "session.json").read_text())
    assert record["status"] == "complete" and record["prompt"]["id"] == prompt_id
    assert sf.info(folder / "answer-1.wav").duration == pytest.approx(30.0, abs=0.01)
    analysis = valid_analysis(json.loads((folder / "answer-1.json").read_text()))
    assert analysis["schema"] == "mockloop.analysis/1"
    assert word_overlap(analysis["transcript"]["text"], said) > 0.8
    assert record["overall"]["delivery_score"] is not None and record["overall"]["content_score"] is not None
    assert (folder / "scorecard.md").read_text().startswith(f"# Mock interview {record['id']}")
    assert f"Saved in {folder}" in stdout.replace("\n", "")

    listing = subprocess.run(
        [sys.executable, "-m", "mockloop", "sessions", "--sessions-dir", str(sessions_dir)],
        capture_output=True, text=True, timeout=60, env={**os.environ, "COLUMNS": "200"},
    )
    assert record["id"] in listing.stdout and "complete" in listing.stdout


@pytest.mark.audio_io
def test_an_interview_records_the_default_microphone_until_the_candidate_falls_silent(prompt_id, pulse_server, tmp_path, valid_analysis):
    clip, said = first_seconds(8, tmp_path)

    process = mockloop(
        "interview", "--prompt", prompt_id, "--no-speak", "--silence-stop", "2", "--minutes", "1",
        "--sessions-dir", str(tmp_path / "sessions"), env=pulse_server.env(),
    )
    wait_for_line(process, r"Recording answer 1")
    pulse_server.play(clip)
    code, stdout, stderr = finish(process)
    assert code == 0, stderr

    folder = only_session(tmp_path / "sessions")
    record = json.loads((folder / "session.json").read_text())
    [answer] = record["answers"]
    assert answer["stop_reason"] == "silence" and answer["source"].startswith("microphone")
    assert 8.0 <= answer["duration_s"] <= 12.0  # the clip, then 2 s of silence
    transcript = valid_analysis(json.loads((folder / "answer-1.json").read_text()))["transcript"]["text"]
    assert word_overlap(transcript, said) > 0.6


@pytest.mark.audio_io
def test_ctrl_c_during_an_answer_exits_130_and_keeps_the_recording(prompt_id, pulse_server, tmp_path, wait_until_recorded):
    process = mockloop(
        "interview", "--prompt", prompt_id, "--no-speak", "--sessions-dir", str(tmp_path), env=pulse_server.env(),
    )
    wait_for_line(process, r"Recording answer 1")
    player = pulse_server.play(SAMPLE, wait=False)
    on_disk_s = wait_until_recorded(lambda: next(tmp_path.glob("*/answer-1.wav"), None), 3.0)
    process.send_signal(signal.SIGINT)
    code, _, stderr = finish(process, timeout=60)
    player.terminate()
    player.wait()

    assert code == 130
    assert "Stopped. What was recorded is kept in" in stderr and "Traceback" not in stderr
    assert "error" not in stderr.lower(), "stopping an interview is not an error"
    folder = only_session(tmp_path)
    record = json.loads((folder / "session.json").read_text())
    assert record["status"] == "interrupted"
    assert on_disk_s <= sf.info(folder / "answer-1.wav").duration <= on_disk_s + 1.5  # kept up to the Ctrl-C


@pytest.mark.audio_io
def test_an_unknown_microphone_is_named_in_one_line(prompt_id, pulse_server, tmp_path):
    code, _, stderr = finish(mockloop(
        "interview", "--prompt", prompt_id, "--device", "no-such-mic", "--no-speak", "--sessions-dir", str(tmp_path),
        env=pulse_server.env(),
    ))
    assert code == 2
    assert "No microphone matches 'no-such-mic'" in stderr and "Traceback" not in stderr
    assert not tmp_path.exists() or not any(tmp_path.iterdir()), "nothing is saved for an interview that never started"


def test_an_unknown_prompt_id_is_a_clear_error(tmp_path):
    code, _, stderr = finish(mockloop(
        "interview", "--prompt", "no-such-prompt", "--answer-audio", str(SAMPLE), "--no-speak", "--sessions-dir", str(tmp_path),
    ))
    assert code == 2 and "no-such-prompt" in stderr and "Traceback" not in stderr


def test_an_unwritable_sessions_folder_is_a_clear_error(prompt_id, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    code, _, stderr = finish(mockloop(
        "interview", "--prompt", prompt_id, "--answer-audio", str(SAMPLE), "--no-speak", "--sessions-dir", str(blocker / "sessions"),
    ))
    assert code == 2 and "Cannot write sessions to" in stderr and "Traceback" not in stderr
