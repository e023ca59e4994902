"""Accuracy of fillers and pauses against ground truth, with the real tiny.en model.

These are the issue's targets, measured by the same code as `python -m mockloop.analysis.eval`:
- synthetic espeak-ng answers with fillers and silences at known times (audio_fixtures/synthetic);
- real recordings with verbatim transcripts (../shared/audio, Montreal Forced Aligner test data,
  MIT; jfk.wav from whisper.cpp, MIT).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mockloop.analysis.eval import Method, score_real, score_synthetic

REPO = Path(__file__).resolve().parent.parent
SYNTHETIC = REPO / "audio_fixtures" / "synthetic"
SHARED_AUDIO = (REPO.parent / "shared" / "audio").resolve()

pytestmark = pytest.mark.slow

@pytest.fixture(scope="module")
def mockloop_method(eval_method) -> Method:
    return eval_method()


@pytest.fixture(scope="module")
def synthetic_scores(mockloop_method) -> dict:
    return score_synthetic(mockloop_method, SYNTHETIC)


@pytest.fixture(scope="module")
def real_scores(mockloop_method) -> dict:
    if not SHARED_AUDIO.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"real recordings missing at {SHARED_AUDIO}")
        pytest.skip(f"real recordings not found at {SHARED_AUDIO}")
    return score_real(mockloop_method, SHARED_AUDIO)


def test_synthetic_fillers_are_found_with_precision_of_at_least_90_percent(synthetic_scores):
    assert synthetic_scores["filler_precision"] >= 0.90


def test_synthetic_fillers_are_found_with_recall_of_at_least_90_percent(synthetic_scores):
    assert synthetic_scores["filler_recall"] >= 0.90


def test_synthetic_pauses_of_half_a_second_are_found_with_precision_and_recall_of_95_percent(synthetic_scores):
    assert synthetic_scores["pause_precision"] >= 0.95
    assert synthetic_scores["pause_recall"] >= 0.95


def test_synthetic_pause_boundaries_are_within_60_ms_at_the_median(synthetic_scores):
    assert synthetic_scores["median_boundary_error_ms"] <= 60.0


def test_real_speech_filled_pause_count_is_exact_on_at_least_22_of_the_26_recordings(real_scores):
    assert real_scores["files"] == 26, real_scores["rows"]
    assert real_scores["exact"] >= 22, real_scores["rows"]


def test_real_speech_filled_pause_count_errors_sum_to_at_most_six(real_scores):
    assert real_scores["total_abs_error"] <= 6, real_scores["rows"]


def test_real_speech_clean_clips_and_traps_get_no_invented_fillers(real_scores):
    invented = [row for row in real_scores["rows"] if row["clean"] and row["found"]]
    assert invented == []
