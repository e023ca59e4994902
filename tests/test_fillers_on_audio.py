"""Filled pauses on real audio, in file mode and streamed as the microphone delivers it.

Fixtures with the truth known to the sample (audio_fixtures/synthetic in espeak-ng voices,
audio_fixtures/neural_short in the piper voice): one filled pause that is the answer's very first
sound, in each family, and for several fillers. Each recording is run once per mode in the
whole session (the eval_method fixture), the same code as `python -m mockloop.analysis.eval`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mockloop.analysis.eval import FILLER_MATCH_TOLERANCE_S, LIVE_ENTER_DELAY_S, Method
from mockloop.analysis.fillers import FILLED_PAUSE

FIXTURES = Path(__file__).resolve().parent.parent / "audio_fixtures"
# Answers whose first sound is a filled pause: "Ah, ...", "Uh, ...", "Hmm. ..." (espeak-ng), "Um, um, ..." (piper)
OPENING_WITH_A_FILLER = ["synthetic/syn_04", "synthetic/syn_11", "synthetic/syn_20", "neural_short/neural_01"]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def methods(eval_method) -> dict[str, Method]:
    # The session's methods: recordings the accuracy modules already ran are not decoded again.
    return {"file": eval_method(), "live": eval_method(live=True, enter_delay_s=LIVE_ENTER_DELAY_S)}


def first_filled_pause(truth: dict) -> dict:
    return min((f for f in truth["fillers"] if f["kind"] == FILLED_PAUSE), key=lambda f: f["start"])


@pytest.mark.parametrize(("fixture", "mode"), [(f, m) for m in ("file", "live") for f in OPENING_WITH_A_FILLER])
def test_a_filled_pause_that_is_the_first_sound_of_the_answer_is_counted(methods, mode, fixture):
    truth = json.loads((FIXTURES / f"{fixture}.json").read_text())
    opening = first_filled_pause(truth)
    assert all(unit["start"] >= opening["start"] for unit in truth["units"])  # nothing said before it

    _words, fillers, _pauses = methods[mode].run(FIXTURES / Path(fixture).parent / truth["audio"])

    # Counted at its place; which filler it was heard as is the eval's per-filler measure
    # (tiny.en writes espeak-ng's "hmm" as "um").
    found = [f for f in fillers if f.kind == FILLED_PAUSE]
    # matched as the eval matches events: overlapping, or within its tolerance of each other
    assert any(
        max(f.start - opening["end"], opening["start"] - f.end) <= FILLER_MATCH_TOLERANCE_S for f in found
    ), (opening, [(f.text, f.start, f.end) for f in fillers])


# Filled pauses that the file's decodes do not write and that have no silence of their own on one side: the
# sound runs on into the next word ("service? uh the product"), so only the energy dip between
# the syllables sets the filler apart. Streamed, neural_08's decode ends "service?" at 3.40 s
# (3.31 s as a file), a frame or two inside the filler's syllable: the words' times may reach
# that far into a filler. (fixture, the truth filler's start)
RUNNING_ON_INTO_A_WORD = [("neural_short/neural_08", 3.398), ("neural_short/neural_06", 12.662)]


def assert_filled_pause_found(methods, mode: str, fixture: str, start: float) -> None:
    truth = json.loads((FIXTURES / f"{fixture}.json").read_text())
    [said] = [f for f in truth["fillers"] if f["kind"] == FILLED_PAUSE and f["start"] == start]
    _words, fillers, _pauses = methods[mode].run(FIXTURES / Path(fixture).parent / truth["audio"])

    assert any(
        f.kind == FILLED_PAUSE and max(f.start - said["end"], said["start"] - f.end) <= FILLER_MATCH_TOLERANCE_S
        for f in fillers
    ), (said, [(f.text, f.start, f.end) for f in fillers])


@pytest.mark.parametrize(("fixture", "start", "mode"), [(f, t, m) for m in ("file", "live") for f, t in RUNNING_ON_INTO_A_WORD])
def test_a_filled_pause_that_runs_on_into_the_next_word_is_counted(methods, mode, fixture, start):
    assert_filled_pause_found(methods, mode, fixture, start)


# Filled pauses no decode writes, where Whisper's time for the word before ends a frame or two
# inside the filler's own sound: "date." ends 0.02 s before neural_01's "uh" begins (it has
# silence on both sides), "hour." runs 0.03 s into neural_03's (it runs on into "I'd").
BESIDE_A_WORD_WHOSE_TIME_OVERRUNS = [("neural_short/neural_01", 14.531), ("neural_short/neural_03", 8.834)]


@pytest.mark.parametrize(("fixture", "start", "mode"), [(f, t, m) for m in ("file", "live") for f, t in BESIDE_A_WORD_WHOSE_TIME_OVERRUNS])
def test_a_filled_pause_is_counted_when_the_time_of_the_word_beside_it_runs_into_it(methods, mode, fixture, start):
    assert_filled_pause_found(methods, mode, fixture, start)


@pytest.mark.parametrize("mode", ["file", "live"])
def test_a_filled_pause_on_a_slowly_falling_pitch_is_counted(methods, mode):
    """neural_03's "er" after "service?": its pitch falls 1.1 semitones, its vowel is held."""
    assert_filled_pause_found(methods, mode, "neural_short/neural_03", 13.28)


def test_a_loud_steady_noise_with_no_pitch_is_not_a_filled_pause(methods, SHARED_AUDIO):  # noqa: N803
    """acoustic_corpus opens with a thump 10 dB above the speech, steady and 'voiced' to the
    autocorrelation, that Praat finds no pitch in; its first word is at 1.05 s (MFA's alignment)."""
    recording = SHARED_AUDIO / "mfa_monologues" / "acoustic_corpus.wav"
    _words, fillers, _pauses = methods["file"].run(recording)
    assert not [f for f in fillers if f.kind == FILLED_PAUSE and f.start < 1.0]
