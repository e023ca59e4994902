"""Damaged audio is never scored as if it were whole: what was skipped is said, and where.

The damaged files are made here from real speech (a 27 s monologue from the Montreal Forced
Aligner's test data in ../shared/audio): encoded with PyAV to mp3 or flac, then a stretch in the
middle of the encoded bytes is overwritten with random bytes, as a bad disk block or a broken
download would leave it. An mp3 damaged that way used to give 2.7 s of an 11 s answer with exit 0
and no warning; a damaged flac lost 4 s in the middle and joined the rest.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from audio_damage import cut, encode, garble

from mockloop.analysis.decode import DecodeReport, iter_audio_blocks
from mockloop.errors import InputError

def damage(path: Path, start_share: float, end_share: float) -> Path:
    return garble(path, start_share, end_share)


@pytest.fixture(scope="module")
def monologue(SHARED_AUDIO) -> tuple[np.ndarray, int]:
    samples, rate = sf.read(SHARED_AUDIO / "mfa_monologues" / "acoustic_corpus.wav", dtype="float32")
    return samples, rate


@pytest.fixture(scope="module", params=["mp3", "flac"])
def encoded(request, monologue, tmp_path_factory) -> Path:
    samples, rate = monologue
    return encode(samples, rate, tmp_path_factory.mktemp("encoded") / f"answer.{request.param}")


def decode(path: Path) -> tuple[float, DecodeReport]:
    report = DecodeReport()
    samples = sum(block.size for block in iter_audio_blocks(path, report))
    return samples / 16000, report


def test_an_intact_file_decodes_whole_with_no_warning(encoded, monologue):
    seconds, report = decode(encoded)
    assert seconds == pytest.approx(len(monologue[0]) / monologue[1], abs=0.1)
    assert report.warnings() == [] and report.gaps == [] and report.bad_packets == 0


def test_a_damaged_middle_is_reported_with_what_was_lost(encoded, monologue):
    whole_s = len(monologue[0]) / monologue[1]
    seconds, report = decode(damage(encoded, 0.40, 0.55))
    assert seconds < whole_s - 1.0, "the damage really removed audio"
    warnings = report.warnings()
    assert warnings and all("damaged audio" in w for w in warnings)
    assert report.declared_s == pytest.approx(whole_s, abs=0.1)
    assert report.missing_s == pytest.approx(whole_s - seconds, abs=0.1)


def test_a_flac_gap_is_placed_where_it_was_in_the_file(tmp_path, monologue):
    samples, rate = monologue
    damaged = damage(encode(samples, rate, tmp_path / "answer.flac"), 0.40, 0.55)
    seconds, report = decode(damaged)
    [(at_s, missing_s)] = report.gaps
    whole_s = len(samples) / rate
    assert 0.3 * whole_s < at_s < 0.5 * whole_s, "the gap is where the damaged bytes were"
    assert missing_s == pytest.approx(whole_s - seconds, abs=0.1)
    [warning] = report.warnings()
    minutes, secs = divmod(int(round(at_s)), 60)
    assert f"{missing_s:.1f} s at {minutes}:{secs:02d}" in warning


@pytest.mark.parametrize("suffix", ["mp3", "flac"])
def test_a_file_mostly_unreadable_is_refused_here_and_in_the_bad_input_table(tmp_path, monologue, suffix):
    samples, rate = monologue
    damaged = damage(encode(samples, rate, tmp_path / f"answer.{suffix}"), 0.15, 0.90)
    with pytest.raises(InputError, match=r"damaged audio: only [\d.]+ s of [\d.]+ s could be decoded"):
        decode(damaged)


# --------------------------------------------------------------------------- through the command


@pytest.mark.slow
def test_analyze_warns_on_stderr_and_records_the_damage_in_the_json(cli, tmp_path, monologue, valid_analysis):
    samples, rate = monologue
    damaged = damage(encode(samples, rate, tmp_path / "answer.flac"), 0.40, 0.55)
    code, stdout, stderr = cli("analyze", damaged, "--json")
    assert code == 0, stderr
    warnings = [line for line in stderr.splitlines() if line.startswith("mockloop: warning:")]
    assert len(warnings) == 1 and re.search(r"damaged audio: [\d.]+ s at \d:\d\d", warnings[0])
    data = json.loads(stdout)
    valid_analysis(data)
    assert data["decode_warnings"] == [warnings[0].removeprefix("mockloop: warning: ")]


@pytest.mark.slow
def test_a_wav_cut_near_its_end_is_analysed_with_a_warning(cli, tmp_path, monologue):
    samples, rate = monologue
    path = cut(encode(samples, rate, tmp_path / "whole.wav"), 0.8, target=tmp_path / "answer.wav")
    code, stdout, stderr = cli("analyze", path, "--json")
    assert code == 0, stderr
    [warning] = [line for line in stderr.splitlines() if line.startswith("mockloop: warning:")]
    assert re.search(r"damaged audio: [\d.]+ s decoded of the [\d.]+ s the file declares|unreadable from", warning)
    assert json.loads(stdout)["decode_warnings"]
