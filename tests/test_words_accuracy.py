"""The transcript is never worse than plain faster-whisper, and never invents or loses speech.

Issue 10's word targets, measured by the same code as `python -m mockloop.analysis.eval`, on a
subset that covers every set and voice family (the eval runs them all):
- short answers in espeak-ng (audio_fixtures/synthetic) and the piper neural voice
  (audio_fixtures/neural_short);
- long answers in espeak-ng, piper and flite voices with room tone, two of them starting and
  ending in digital silence (audio_fixtures/long_answers);
- real speech with exact transcripts: ../shared/audio (MFA test data, MIT; jfk.wav from
  whisper.cpp, MIT) and Debian pocketsphinx-testdata (LibriVox read sentences);
- Debian codec2-examples: modem signals with no speech at all.
Each recording is analysed once per method in the whole session (the eval_method fixture), in file mode and fed live as the
microphone delivers it; plain faster-whisper (library defaults, no prompt, same model) is the floor.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mockloop.analysis.eval import (
    DEFAULT_CODEC2,
    DEFAULT_READ,
    LIVE_ENTER_DELAY_S,
    Method,
    score_long,
    score_no_speech,
    score_read,
    score_real,
    score_synthetic,
)

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "audio_fixtures"
SHARED_AUDIO = (REPO.parent / "shared" / "audio").resolve()

SYNTHETIC_SUBSET = ["syn_02", "syn_09", "syn_15", "syn_22"]
NEURAL_SUBSET = ["neural_01", "neural_04", "neural_08"]
LONG_SUBSET = ["long_espeak_exec", "long_piper_design", "long_flite_behavioral"]  # one per family
REAL_SUBSET = {"jfk", "cold_corpus3", "mfa_surround", "mfa_thoughts"}
READ_SUBSET = {f"librivox/sense_and_sensibility_01_austen_64kb-{n}" for n in ("0870", "0880", "0890", "0920", "0930")}
NO_SPEECH_SUBSET = ("raw/700d_end_over.raw", "raw/test_datac1_006.raw")

MAX_LOST_SHARE = 0.10  # no file loses more than 10% of its words
MAX_GAINED_SHARE = 0.30  # nor gains more than 30%


def open_case(value: str, reason: str):
    """A case issue 10 has not met yet: it still runs, and an unexpected pass is reported (XPASS)."""
    return pytest.param(value, marks=pytest.mark.xfail(strict=False, reason=f"issue 10 open: {reason}"))

pytestmark = pytest.mark.slow


def _require(path: Path, what: str) -> None:
    if not path.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{what} missing at {path}")
        pytest.skip(f"{what} not found at {path}")


@pytest.fixture(scope="module")
def methods(eval_method) -> dict[str, Method]:
    return {
        "file": eval_method(),
        "live": eval_method(live=True, enter_delay_s=LIVE_ENTER_DELAY_S),
        "plain": eval_method(plain=True),
    }


def _fixture_files(folder: str, ids: list[str]) -> list[Path]:
    return [FIXTURES / folder / f"{i}.json" for i in ids]


@pytest.fixture(scope="module")
def synthetic(methods) -> dict[str, dict]:
    files = _fixture_files("synthetic", SYNTHETIC_SUBSET)
    return {name: score_synthetic(methods[name], files=files) for name in ("file", "plain")}


@pytest.fixture(scope="module")
def neural(methods) -> dict[str, dict]:
    files = _fixture_files("neural_short", NEURAL_SUBSET)
    return {name: score_synthetic(methods[name], files=files) for name in ("file", "plain")}


@pytest.fixture(scope="module")
def long(methods) -> dict[str, dict]:
    files = _fixture_files("long_answers", LONG_SUBSET)
    return {name: score_long(methods[name], files=files) for name in ("file", "live", "plain")}


@pytest.fixture(scope="module")
def real(methods) -> dict[str, dict]:
    _require(SHARED_AUDIO, "real recordings")
    return {name: score_real(methods[name], SHARED_AUDIO, REAL_SUBSET) for name in ("file", "live", "plain")}


@pytest.fixture(scope="module")
def read(methods) -> dict[str, dict]:
    _require(DEFAULT_READ, "pocketsphinx-testdata (apt-get install pocketsphinx-testdata)")
    return {name: score_read(methods[name], DEFAULT_READ, READ_SUBSET) for name in ("file", "plain")}


@pytest.fixture(scope="module")
def no_speech(methods) -> dict[str, dict]:
    _require(DEFAULT_CODEC2 / "raw", "codec2-examples (apt-get install codec2-examples)")
    return {
        name: score_no_speech(methods[name], DEFAULT_CODEC2, NO_SPEECH_SUBSET, talk=False) for name in ("file", "live")
    }


def _word_count_outliers(words: dict) -> list[dict]:
    return [
        r
        for r in words["rows"]
        if r["word_count_ratio"] is not None
        and not (1 - MAX_LOST_SHARE <= r["word_count_ratio"] <= 1 + MAX_GAINED_SHARE)
    ]


# --------------------------------------------------------------------------- WER against the floor


@pytest.mark.parametrize(
    "set_name",
    [
        "synthetic",
        "neural",
        "long",
        # On this subset mockloop and plain faster-whisper now make the same errors (cold_corpus3:
        # 5 each); the whole real set is below the floor (eval: 0.250 against 0.294).
        "real",
        "read",
    ],
)
def test_file_mode_word_error_rate_is_at_most_plain_faster_whispers(request, set_name):
    scores = request.getfixturevalue(set_name)
    assert scores["file"]["words"]["wer"] <= scores["plain"]["words"]["wer"], (
        scores["file"]["words"]["worst"],
        scores["plain"]["words"]["worst"],
    )


@pytest.mark.parametrize(
    "set_name", ["long", "real"]
)
def test_streamed_word_error_rate_is_at_most_plain_faster_whispers(request, set_name):
    scores = request.getfixturevalue(set_name)
    assert scores["live"]["words"]["wer"] <= scores["plain"]["words"]["wer"], scores["live"]["words"]["worst"]


# --------------------------------------------------------------------------- no lost or invented speech


@pytest.mark.parametrize("set_name", ["synthetic", "neural", "long", "real", "read"])
def test_no_file_loses_a_tenth_of_its_words_or_gains_a_third_in_file_mode(request, set_name):
    assert _word_count_outliers(request.getfixturevalue(set_name)["file"]["words"]) == []


@pytest.mark.parametrize("set_name", ["long", "real"])
def test_no_file_loses_a_tenth_of_its_words_or_gains_a_third_when_streamed(request, set_name):
    assert _word_count_outliers(request.getfixturevalue(set_name)["live"]["words"]) == []


@pytest.mark.parametrize("mode", ["file", "live"])
def test_audio_without_speech_gives_no_words_and_no_fillers(no_speech, mode):
    scores = no_speech[mode]
    assert (scores["words"], scores["fillers"]) == (0, 0), scores["rows"]


# --------------------------------------------------------------------------- fillers and pauses on long answers


@pytest.mark.parametrize(
    "mode",
    [
        open_case(mode, "long_flite_behavioral's 4 filled pauses are decoded as words ('Oh,', 'dumb,')")
        for mode in ("file", "live")
    ],
)
def test_filled_pause_counts_of_long_answers_are_within_one_of_the_truth(long, mode):
    counts = long[mode]["filled_pause_counts"]
    assert all(abs(c["found"] - c["truth"]) <= 1 for c in counts), counts


def test_neural_voice_fillers_have_precision_and_recall_of_at_least_90_percent(neural):
    assert neural["file"]["filler_precision"] >= 0.90, neural["file"]["files"]
    assert neural["file"]["filler_recall"] >= 0.90, neural["file"]["files"]


@pytest.mark.parametrize(
    "mode",
    ["file", "live"],
)
def test_pauses_of_long_answers_that_start_and_end_in_digital_silence_are_found(long, mode):
    edges = long[mode]["digital_silence_edges"]
    assert edges["pause_precision"] >= 0.95 and edges["pause_recall"] >= 0.95, edges


@pytest.mark.parametrize("mode", ["file", "live"])
def test_pause_boundaries_of_long_answers_are_within_20_ms_at_the_median(long, mode):
    assert long[mode]["median_boundary_error_ms"] <= 20.0
