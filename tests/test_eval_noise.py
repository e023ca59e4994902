"""`python -m mockloop.analysis.eval --noise DBFS`: every method scored on the same noisier audio."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from mockloop.analysis.eval import load_eval_audio, main, with_added_noise


@pytest.fixture(scope="module")
def answer(synthetic_clip):
    path, _truth = synthetic_clip("syn_02")
    return load_eval_audio(path)


@pytest.mark.parametrize("dbfs", [-50.0, -40.0, -30.0])
def test_the_added_noise_has_the_asked_rms_level(answer, dbfs):
    added = with_added_noise(answer, dbfs, "syn_02.flac") - answer
    assert 20 * np.log10(np.sqrt(np.mean(added.astype(np.float64) ** 2))) == pytest.approx(dbfs, abs=0.5)


def test_the_same_recording_gets_the_same_noise_and_another_recording_other_noise(answer):
    once, again = with_added_noise(answer, -40.0, "syn_02.flac"), with_added_noise(answer, -40.0, "syn_02.flac")
    other = with_added_noise(answer, -40.0, "syn_03.flac")
    assert np.array_equal(once, again)
    assert not np.allclose(once, other)


def test_the_eval_scores_mockloop_and_the_floor_on_the_noisy_audio(tmp_path, synthetic_dir, capsys):
    for name in ("syn_02.flac", "syn_02.json"):
        shutil.copy(synthetic_dir / name, tmp_path / name)
    quiet_args = ["--synthetic", str(tmp_path), "--only", "synthetic", "--baseline", "--json"]
    assert main(quiet_args) == 0
    quiet = json.loads(capsys.readouterr().out)
    assert main(quiet_args + ["--noise", "-25"]) == 0
    noisy = json.loads(capsys.readouterr().out)
    assert set(noisy) == {"mockloop", "plain faster-whisper"}
    for method in noisy:  # noise this loud changes what each method hears, so what it writes
        assert noisy[method]["synthetic"] != quiet[method]["synthetic"], method
