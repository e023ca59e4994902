"""The long answers and neural-voice clips (audio_fixtures/build_long_answers.py) are what they claim.

Committed FLAC + JSON only, no Whisper: room tone (never digital zeros) between the first and last
sound, digital zeros only at the edges of the recordings that say so, an ending of a last sentence
then 1-2 s of room tone, pauses at the noise floor, and filled pauses as their own units.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

FIXTURES = Path(__file__).resolve().parent.parent / "audio_fixtures"
TRUTH_PATHS = sorted((FIXTURES / "long_answers").glob("*.json")) + sorted((FIXTURES / "neural_short").glob("*.json"))
SR = 16_000
FILLED_PAUSES = {"um", "uh", "er", "ah"}

truth_files = pytest.mark.parametrize("path", TRUTH_PATHS, ids=[p.stem for p in TRUTH_PATHS])


def _load(path: Path) -> tuple[dict, np.ndarray]:
    truth = json.loads(path.read_text())
    audio, sr = sf.read(path.parent / truth["audio"], dtype="float32")
    assert sr == SR and audio.ndim == 1
    return truth, audio


def _zero_runs_longer_than(audio: np.ndarray, seconds: float) -> list[tuple[int, int]]:
    zero = np.concatenate([[False], audio == 0.0, [False]])
    edges = np.flatnonzero(np.diff(zero.astype(np.int8)))
    return [(a, b) for a, b in zip(edges[::2], edges[1::2]) if b - a > seconds * SR]


def test_every_voice_family_has_a_long_answer_of_at_least_a_minute():
    long = [json.loads(p.read_text()) for p in (FIXTURES / "long_answers").glob("*.json")]
    assert {t["family"] for t in long if t["duration_s"] >= 55} == {"espeak", "piper", "flite"}


def test_some_long_answers_start_and_end_in_digital_silence():
    long = [json.loads(p.read_text()) for p in (FIXTURES / "long_answers").glob("*.json")]
    assert sum(t["digital_silence_edges"] for t in long) >= 2


@truth_files
def test_there_is_no_digital_silence_between_the_first_and_the_last_sound(path):
    truth, audio = _load(path)
    first, last = (int(t * SR) for t in truth["speech_span"])
    assert _zero_runs_longer_than(audio[first:last], 0.005) == []


@truth_files
def test_digital_zeros_are_only_at_the_edges_of_recordings_that_say_so(path):
    truth, audio = _load(path)
    runs = _zero_runs_longer_than(audio, 0.1)
    if truth["digital_silence_edges"]:
        assert runs[0][0] == 0 and runs[-1][1] == len(audio), runs
    else:
        assert runs == []


@truth_files
def test_the_answer_ends_with_a_last_sentence_then_one_to_two_seconds_of_room_tone(path):
    truth, audio = _load(path)
    tail = audio[int(truth["speech_span"][1] * SR) :]
    room_tone = np.count_nonzero(tail) / SR
    assert 1.0 <= room_tone <= 2.05
    assert truth["units"][-1]["filler"] is None


@truth_files
def test_pauses_hold_only_room_tone_far_below_the_speech_around_them(path):
    truth, audio = _load(path)
    speech = np.concatenate([audio[int(u["start"] * SR) : int(u["end"] * SR)] for u in truth["units"]]).astype(np.float64)
    speech_db = 20 * np.log10(np.sqrt(np.mean(speech**2)))
    for pause in truth["pauses"]:
        seg = audio[int((pause["start"] + 0.005) * SR) : int((pause["end"] - 0.005) * SR)].astype(np.float64)
        pause_db = 20 * np.log10(np.sqrt(np.mean(seg**2)) + 1e-12)
        assert pause_db < speech_db - 25, pause
        assert abs(pause_db - truth["noise_dbfs"]) < 6, pause


@truth_files
def test_filled_pauses_are_units_of_their_own_in_the_reference_text(path):
    truth, _audio = _load(path)
    spoken = [u["text"] for u in truth["units"] if u["filler"] == "filled_pause"]
    assert spoken == [f["text"] for f in truth["fillers"] if f["kind"] == "filled_pause"]
    assert set(spoken) <= FILLED_PAUSES
    assert truth["text"].split().count("um") >= spoken.count("um")
