"""Filled pauses on real audio, in file mode and streamed as the microphone delivers it.

Fixtures with the truth known to the sample (audio_fixtures/synthetic in espeak-ng voices,
audio_fixtures/neural_short in the piper voice): one filled pause that is the answer's very first
sound, in each family, and for several fillers. Each recording is run once per mode (Method
caches), the same code as `python -m mockloop.analysis.eval`.
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
def methods(analyzer) -> dict[str, Method]:
    return {
        "file": Method("mockloop", analyzer),
        "live": Method("mockloop live", analyzer, live=True, enter_delay_s=LIVE_ENTER_DELAY_S),
    }


def first_filled_pause(truth: dict) -> dict:
    return min((f for f in truth["fillers"] if f["kind"] == FILLED_PAUSE), key=lambda f: f["start"])


# The piper voice's opening "um" as a file is missed with AMD EPYC's int8 kernels (oneDNN); the
# streamed copy, which ends in a second of room tone, is found. Issue 10 keeps it open.
OPENING_MISSED = {("neural_short/neural_01", "file")}


def opening_case(fixture: str, mode: str):
    if (fixture, mode) in OPENING_MISSED:
        return pytest.param(fixture, mode, marks=pytest.mark.xfail(
            strict=False, reason="issue 10 open: the piper voice's opening 'um' is missed in file mode on AMD EPYC"))
    return pytest.param(fixture, mode)


@pytest.mark.parametrize(("fixture", "mode"), [opening_case(f, m) for m in ("file", "live") for f in OPENING_WITH_A_FILLER])
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
