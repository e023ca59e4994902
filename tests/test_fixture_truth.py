"""The synthetic ground-truth set in audio_fixtures/ agrees with its own audio.

These tests check the committed FLAC + JSON files only (no Whisper, no espeak-ng): that the
truth is internally consistent, and that where it says "pause" the audio is at the noise
floor while the units on either side are clearly louder.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

FIXTURES = Path(__file__).resolve().parent.parent / "audio_fixtures"
SYNTHETIC = FIXTURES / "synthetic"
SR = 16_000
PAUSE_MIN_S = 0.25
FILLED_PAUSES = {"um", "uh", "er", "ah", "hmm"}
DISCOURSE = {"like", "you know", "i mean", "so", "basically", "actually", "literally",
             "kind of", "sort of", "right"}
TRUTH_KEYS = {"id", "audio", "voice", "speed_wpm", "noise_dbfs", "duration_s", "text", "units",
              "fillers", "distractors", "pauses", "speech_span"}
# Truth times are rounded to 1 ms; allow that plus one sample.
TIME_TOL = 0.0015


def _truth_paths() -> list[Path]:
    index = json.loads((SYNTHETIC / "index.json").read_text())
    return [SYNTHETIC / clip["truth"] for clip in index["clips"]] + [FIXTURES / "sample_answer.json"]


TRUTH_PATHS = _truth_paths()
IDS = [p.stem for p in TRUTH_PATHS]


@lru_cache(maxsize=None)
def load_truth(path: Path) -> dict:
    return json.loads(path.read_text())


@lru_cache(maxsize=4)
def load_audio(path: Path) -> np.ndarray:
    truth = load_truth(path)
    audio, sr = sf.read(path.parent / truth["audio"], dtype="float32")
    assert sr == SR
    return audio


def rms_db(audio: np.ndarray, start: float, end: float, margin: float = 0.005) -> float:
    a, b = int(round((start + margin) * SR)), int(round((end - margin) * SR))
    seg = audio[a:b].astype(np.float64)
    return float(20 * np.log10(np.sqrt(np.mean(seg ** 2)) + 1e-12))


truth_files = pytest.mark.parametrize("path", TRUTH_PATHS, ids=IDS)


def test_index_lists_every_synthetic_clip_on_disk():
    listed = {p.name for p in TRUTH_PATHS if p.parent == SYNTHETIC}
    on_disk = {p.name for p in SYNTHETIC.glob("syn_*.json")}
    assert listed == on_disk
    assert 20 <= len(listed) <= 30


@truth_files
def test_truth_has_exactly_the_documented_fields(path):
    truth = load_truth(path)
    assert set(truth) == TRUTH_KEYS
    assert truth["id"] == path.stem
    assert truth["audio"] == f"{path.stem}.flac"


@truth_files
def test_audio_is_16k_mono_16bit_flac_of_the_stated_duration(path):
    info = sf.info(path.parent / load_truth(path)["audio"])
    assert (info.format, info.subtype, info.samplerate, info.channels) == ("FLAC", "PCM_16", SR, 1)
    assert info.frames / SR == pytest.approx(load_truth(path)["duration_s"], abs=TIME_TOL)


@truth_files
def test_units_are_in_order_and_never_overlap(path):
    units = load_truth(path)["units"]
    for unit in units:
        assert unit["start"] < unit["end"]
    for prev, nxt in zip(units, units[1:]):
        assert prev["end"] <= nxt["start"]


@truth_files
def test_text_is_the_unit_texts_joined_in_order(path):
    truth = load_truth(path)
    assert truth["text"] == " ".join(u["text"] for u in truth["units"])


@truth_files
def test_speech_span_runs_from_the_first_unit_start_to_the_last_unit_end(path):
    truth = load_truth(path)
    assert truth["speech_span"] == [truth["units"][0]["start"], truth["units"][-1]["end"]]
    assert 0.3 - TIME_TOL <= truth["speech_span"][0]
    assert truth["speech_span"][1] <= truth["duration_s"] - 0.3 + TIME_TOL


@truth_files
def test_fillers_are_exactly_the_units_marked_as_fillers(path):
    truth = load_truth(path)
    from_units = [{"text": u["text"], "kind": u["filler"], "start": u["start"], "end": u["end"]}
                  for u in truth["units"] if u["filler"]]
    assert truth["fillers"] == from_units


@truth_files
def test_filler_text_is_a_canonical_word_of_its_kind(path):
    for filler in load_truth(path)["fillers"]:
        expected = FILLED_PAUSES if filler["kind"] == "filled_pause" else DISCOURSE
        assert filler["kind"] in ("filled_pause", "discourse")
        assert filler["text"] in expected


@truth_files
def test_fillers_lie_inside_the_speech_span(path):
    truth = load_truth(path)
    first, last = truth["speech_span"]
    for filler in truth["fillers"]:
        assert first <= filler["start"] < filler["end"] <= last


@truth_files
def test_distractors_point_at_a_non_filler_unit_that_contains_the_word(path):
    truth = load_truth(path)
    for d in truth["distractors"]:
        [unit] = [u for u in truth["units"] if (u["start"], u["end"]) == (d["start"], d["end"])]
        assert unit["filler"] is None
        assert d["phrase"] == unit["text"].lower()
        assert f" {d['text']} " in f" {d['phrase']} "


@truth_files
def test_pauses_are_exactly_the_gaps_of_a_quarter_second_or_more_between_units(path):
    truth = load_truth(path)
    gaps = [(a["end"], b["start"]) for a, b in zip(truth["units"], truth["units"][1:])]
    expected = [(s, e) for s, e in gaps if e - s >= PAUSE_MIN_S - TIME_TOL]
    assert [(p["start"], p["end"]) for p in truth["pauses"]] == expected
    for pause in truth["pauses"]:
        assert pause["duration"] == pytest.approx(pause["end"] - pause["start"], abs=TIME_TOL)
        assert pause["duration"] >= PAUSE_MIN_S


@truth_files
def test_pauses_do_not_overlap_any_unit(path):
    truth = load_truth(path)
    for pause in truth["pauses"]:
        for unit in truth["units"]:
            assert pause["end"] <= unit["start"] or unit["end"] <= pause["start"]


@truth_files
def test_audio_inside_each_pause_sits_at_the_stated_noise_floor(path):
    truth, audio = load_truth(path), load_audio(path)
    for pause in truth["pauses"]:
        level = rms_db(audio, pause["start"], pause["end"])
        assert level == pytest.approx(truth["noise_dbfs"], abs=1.5), pause


@truth_files
def test_units_around_each_pause_are_far_louder_than_the_pause(path):
    truth, audio = load_truth(path), load_audio(path)
    units = truth["units"]
    for pause in truth["pauses"]:
        before = next(u for u in reversed(units) if u["end"] <= pause["start"])
        after = next(u for u in units if u["start"] >= pause["end"])
        floor = rms_db(audio, pause["start"], pause["end"])
        for unit in (before, after):
            assert rms_db(audio, unit["start"], unit["end"], margin=0) > floor + 20, (unit, pause)


@truth_files
def test_lead_in_and_tail_are_low_noise_not_digital_silence(path):
    truth, audio = load_truth(path), load_audio(path)
    first, last = truth["speech_span"]
    for start, end in ((0.0, first), (last, truth["duration_s"])):
        level = rms_db(audio, start, end)
        assert level > -70
        assert level == pytest.approx(truth["noise_dbfs"], abs=1.5)


@truth_files
def test_every_long_quiet_stretch_in_the_audio_is_a_truth_pause(path):
    """Scan the audio in 10 ms frames: a run of 0.3 s or more within 3 dB of the noise floor
    may only occur inside a truth pause, or before/after the speech span."""
    truth, audio = load_truth(path), load_audio(path)
    frame = SR // 100
    n = len(audio) // frame
    frames = audio[: n * frame].astype(np.float64).reshape(n, frame)
    quiet = 20 * np.log10(np.sqrt((frames ** 2).mean(axis=1)) + 1e-12) < truth["noise_dbfs"] + 3
    allowed = [(-1.0, truth["speech_span"][0]), (truth["speech_span"][1], 1e9)]
    allowed += [(p["start"], p["end"]) for p in truth["pauses"]]
    run_start = None
    for i, q in enumerate(list(quiet) + [False]):
        if q and run_start is None:
            run_start = i
        elif not q and run_start is not None:
            if i - run_start >= 30:
                s, e = run_start / 100, i / 100
                assert any(a - 0.011 <= s and e <= b + 0.011 for a, b in allowed), (s, e)
            run_start = None


def test_set_has_clips_without_fillers_and_clips_without_long_pauses():
    clips = [load_truth(p) for p in TRUTH_PATHS if p.parent == SYNTHETIC]
    assert sum(not c["fillers"] for c in clips) >= 3
    assert sum(not c["pauses"] for c in clips) >= 3
    assert max(len(c["fillers"]) for c in clips) >= 5


def test_set_uses_every_filler_word_and_several_voices():
    clips = [load_truth(p) for p in TRUTH_PATHS]
    used = {f["text"] for c in clips for f in c["fillers"]}
    assert used == FILLED_PAUSES | DISCOURSE
    assert len({c["voice"] for c in clips}) >= 5


def test_set_has_short_and_very_long_pauses():
    durations = [pause["duration"] for path in TRUTH_PATHS for pause in load_truth(path)["pauses"]]
    assert any(0.25 <= d < 0.5 for d in durations)
    assert any(d >= 2.0 for d in durations)


def test_sample_answer_is_one_long_answer_with_a_few_fillers_and_long_pauses():
    truth = load_truth(FIXTURES / "sample_answer.json")
    assert 75 <= truth["duration_s"] <= 100
    assert {f["text"] for f in truth["fillers"]} >= {"um", "like", "you know"}
    assert sum(p["duration"] >= 1.5 for p in truth["pauses"]) >= 2
