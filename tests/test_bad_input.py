"""Bad input never produces a traceback: one line on stderr that says what is wrong, and a failure code.

Every case runs the real command (`python -m mockloop analyze ...`) in a subprocess, as a user
would. The contract for a refused input: exit code != 0, nothing on stdout, and stderr is exactly
one line, ``mockloop: error: <what is wrong>``.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf



@pytest.fixture
def speech_clip(synthetic_clip) -> Path:
    """A clip with speech in it, so the analysis really gets as far as needing the model."""
    return synthetic_clip("syn_01")[0]


def assert_one_line_error(result, *patterns: str) -> str:
    """Check the refused-input contract and that the message matches every regex in ``patterns``."""
    code, stdout, stderr = result
    assert code != 0, f"expected a failure exit code, got 0 (stderr: {stderr!r})"
    assert "Traceback" not in stderr and "Traceback" not in stdout, stderr
    assert stdout == "", f"stdout must stay empty on error, got {stdout!r}"
    lines = stderr.splitlines()
    assert len(lines) == 1, f"expected exactly one stderr line, got {len(lines)}: {stderr!r}"
    line = lines[0]
    assert line.startswith("mockloop: error:"), line
    for pattern in patterns:
        assert re.search(pattern, line, re.IGNORECASE), f"{pattern!r} not in {line!r}"
    return line


# --------------------------------------------------------------------------- files that are not audio


def test_a_missing_file_is_reported_as_missing(cli, tmp_path):
    missing = tmp_path / "answer.flac"
    assert_one_line_error(cli("analyze", missing), re.escape("answer.flac"), r"no such file")


def test_an_empty_file_is_reported_as_empty(cli, tmp_path):
    empty = tmp_path / "answer.wav"
    empty.touch()
    assert_one_line_error(cli("analyze", empty), re.escape("answer.wav"), r"empty")


def test_a_wav_that_holds_text_is_reported_as_unreadable_audio(cli, tmp_path):
    fake = tmp_path / "answer.wav"
    fake.write_text("Notes for the interview: ask about scale first, then sketch the pipeline.\n")
    assert_one_line_error(cli("analyze", fake), re.escape("answer.wav"), r"not a readable audio file|corrupt|cannot decode")


def test_a_truncated_flac_is_refused_not_analysed_as_silence(cli, tmp_path, sample_answer):
    truncated = tmp_path / "answer.flac"
    truncated.write_bytes(sample_answer.read_bytes()[:3000])  # header and part of the first frame
    assert_one_line_error(cli("analyze", truncated), re.escape("answer.flac"), r"truncated")


def test_a_wav_with_zero_frames_is_reported_as_zero_length(cli, tmp_path):
    zero = tmp_path / "answer.wav"
    sf.write(zero, np.zeros(0, dtype=np.float32), 16000, subtype="PCM_16")
    assert zero.stat().st_size > 0, "a valid WAV header, not an empty file"
    assert_one_line_error(cli("analyze", zero), re.escape("answer.wav"), r"zero length")


def test_an_unsupported_extension_names_the_extension_and_the_accepted_ones(cli, tmp_path):
    document = tmp_path / "answer.docx"
    document.write_bytes(b"PK\x03\x04" + os.urandom(200))
    line = assert_one_line_error(cli("analyze", document), re.escape("'.docx'"), r"unsupported")
    for accepted in ("wav", "flac", "mp3", "m4a", "ogg", "webm", "txt"):
        assert re.search(rf"\b{accepted}\b", line.split("use one of", 1)[-1]), f"{accepted} not offered in {line!r}"


def test_a_directory_is_refused_as_a_folder(cli, tmp_path):
    folder = tmp_path / "answers.flac"
    folder.mkdir()
    assert_one_line_error(cli("analyze", folder), re.escape("answers.flac"), r"folder|directory")


def test_a_txt_holding_binary_garbage_is_refused_as_binary(cli, tmp_path):
    garbage = tmp_path / "transcript.txt"
    garbage.write_bytes(np.random.default_rng(3).integers(0, 256, 4000, dtype=np.uint8).tobytes() + b"\x00\x00")
    assert_one_line_error(cli("analyze", garbage), re.escape("transcript.txt"), r"binary")


def test_a_txt_that_is_not_utf8_is_refused_naming_the_encoding(cli, tmp_path):
    latin1 = tmp_path / "transcript.txt"
    latin1.write_bytes("Um, the caf\u00e9 r\u00e9sum\u00e9 service needs, like, a queue.".encode("latin-1"))
    assert_one_line_error(cli("analyze", latin1), re.escape("transcript.txt"), r"utf-?8")


# --------------------------------------------------------------------------- unusable models


def test_a_model_folder_that_does_not_exist_is_named_in_the_error(cli, speech_clip):
    assert_one_line_error(
        cli("analyze", speech_clip, "--model", "/nonexistent/folder"), re.escape("/nonexistent/folder"), r"not found"
    )


def test_an_empty_model_folder_is_refused_because_it_has_no_model_bin(cli, tmp_path, speech_clip):
    empty_model = tmp_path / "my-model"
    empty_model.mkdir()
    assert_one_line_error(cli("analyze", speech_clip, "--model", empty_model), re.escape(str(empty_model)), r"model\.bin")


def test_an_unknown_model_name_is_refused_and_the_known_names_are_offered(cli, speech_clip):
    line = assert_one_line_error(
        cli("analyze", speech_clip, "--model", "whisper-gigantic"), r"unknown model 'whisper-gigantic'"
    )
    assert "small.en" in line and "mockloop models" in line


# --------------------------------------------------------------------------- silence is not an error


def test_silence_only_audio_gives_an_empty_analysis_and_says_nothing_was_heard(cli, tmp_path, valid_analysis):
    rng = np.random.default_rng(70)
    noise = rng.standard_normal(3 * 16000)
    noise *= 10 ** (-70 / 20) / np.sqrt(np.mean(noise**2))  # 3 s of room noise at -70 dBFS RMS
    quiet = tmp_path / "silence.wav"
    sf.write(quiet, noise.astype(np.float32), 16000, subtype="PCM_16")

    code, stdout, stderr = cli("analyze", quiet, "--json")

    assert code == 0, stderr
    assert "Traceback" not in stderr
    analysis = valid_analysis(json.loads(stdout))
    assert analysis["transcript"]["words"] == []
    assert analysis["delivery"]["word_count"] == 0
    assert analysis["delivery"]["fillers"] == []
    assert analysis["delivery"]["pauses"] == []
    assert analysis["duration_s"] == pytest.approx(3.0, abs=0.01)
    tips = analysis["scorecard"]["tips"]
    assert any(re.search(r"nothing (was )?heard", tip, re.IGNORECASE) for tip in tips), tips
