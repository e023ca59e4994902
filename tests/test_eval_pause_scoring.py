"""How the eval scores found pauses against the truth: a table of cases.

The truth lists every pause of 0.25 s and longer; the eval scores those of at least 0.5 s. A
pause near that line may be measured on the other side of it: that is a boundary error (scored
as such), never a missed or an invented pause.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from mockloop.analysis.eval import score_synthetic
from mockloop.models import Pause, Word

WORDS = "we cache the reads and the queue absorbs the peak"


@dataclass
class FoundPauses:
    """The eval's Method interface, giving fixed pauses (the scorer is what is tested here)."""

    pauses: list[Pause]

    def run(self, _path: Path):
        words = [Word(text, i * 0.5, i * 0.5 + 0.4) for i, text in enumerate(WORDS.split())]
        return words, [], self.pauses


def scored(tmp_path: Path, truth: list[tuple[float, float]], found: list[tuple[float, float]]) -> dict:
    truth_file = tmp_path / "answer.json"
    truth_file.write_text(json.dumps({
        "id": "answer", "audio": "answer.flac", "text": WORDS, "fillers": [],
        "pauses": [{"start": s, "end": e, "duration": round(e - s, 3)} for s, e in truth],
    }))
    return score_synthetic(FoundPauses([Pause(s, e) for s, e in found]), files=[truth_file])


@pytest.mark.parametrize(
    ("truth", "found", "precision", "recall"),
    [
        pytest.param([(7.255, 7.73)], [(7.19, 7.72)], 1.0, 1.0, id="0.475 s measured as 0.53 s: the same pause"),
        pytest.param([(3.0, 3.6)], [(3.05, 3.48)], 1.0, 1.0, id="0.6 s measured as 0.43 s: the same pause"),
        pytest.param([(3.0, 3.6)], [(3.0, 3.6), (9.0, 9.8)], 0.5, 1.0, id="a long pause where the truth has none is false"),
        pytest.param([(3.0, 3.6), (9.0, 9.3)], [(3.0, 3.6)], 1.0, 1.0, id="a short truth pause not found is not scored"),
        pytest.param([(3.0, 3.6), (5.0, 5.7)], [(3.0, 3.6)], 1.0, 0.5, id="a long truth pause not found is missed"),
        pytest.param([(3.0, 3.6)], [(3.0, 3.6), (5.0, 5.3)], 1.0, 1.0, id="a short found pause with no truth is not scored"),
    ],
)
def test_pauses_are_scored_on_either_side_of_the_half_second_line(tmp_path, truth, found, precision, recall):
    result = scored(tmp_path, truth, found)
    assert (result["pause_precision"], result["pause_recall"]) == (precision, recall)
