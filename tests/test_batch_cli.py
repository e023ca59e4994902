"""`mockloop analyze DIR --jobs N`: a folder of answers, one model per worker process."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys


def run(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mockloop", *map(str, args)], capture_output=True, text=True, timeout=300)


def test_a_folder_is_analyzed_in_parallel_with_one_contract_per_answer_and_bad_files_reported(tmp_path, valid_analysis, synthetic_dir):
    for clip in ("syn_01", "syn_05"):
        shutil.copy(synthetic_dir / f"{clip}.flac", tmp_path / f"{clip}.flac")
    (tmp_path / "notes.txt").write_text("So, um, the ingestion team owns the queue.\n")
    (tmp_path / "broken.wav").write_bytes(b"RIFF....WAVEfmt this is not audio")
    (tmp_path / "readme.md").write_text("ignored: not an answer")

    done = run("analyze", tmp_path, "--jobs", "2", "--json")

    results = [valid_analysis(json.loads(line)) for line in done.stdout.splitlines()]
    assert sorted(r["source"] for r in results) == ["notes.txt", "syn_01.flac", "syn_05.flac"]
    assert all(r["schema"] == "mockloop.analysis/1" for r in results)
    assert done.returncode == 1
    errors = [line for line in done.stderr.splitlines() if line.startswith("mockloop: error:")]
    assert len(errors) == 1 and "broken.wav" in errors[0]
    assert "Traceback" not in done.stderr


def test_a_folder_with_no_answers_is_a_clear_error(tmp_path):
    (tmp_path / "readme.md").write_text("nothing to analyze")
    done = run("analyze", tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip().startswith("mockloop: error:") and "no audio files" in done.stderr
