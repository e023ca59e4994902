"""How each measure is written, one rule per measure for every view.

The terminal scorecard, history, compare, the Markdown export and scorecard, the HTML report and
the spoken summary all write a number through here, so one session's pace reads the same
everywhere (152, never 151.7 in one place and 152 in another). Stored values keep their precision.
"""

from __future__ import annotations

import math
from typing import Optional

# digits after the point, by measure (names as in the analysis contract and review.metrics)
DIGITS = {
    "words_per_minute": 0,
    "articulation_rate_wpm": 0,
    "fillers_per_minute": 1,
    "pitch_median_hz": 0,
    "pitch_range_semitones": 1,
    "intensity_range_db": 0,
    "first_point_s": 0,
    "longest_without_decision_s": 0,
}


def _half_up(value: float, digits: int) -> float:
    """Round half away from zero (Python's round() sends 152.5 to 152, people expect 153)."""
    scale = 10**digits
    return math.copysign(math.floor(abs(value) * scale + 0.5) / scale, value)


def number(name: str, value: Optional[float]) -> str:
    """``value`` of measure ``name`` as every view shows it; "-" when there is none."""
    if value is None:
        return "-"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, int) and name not in DIGITS:
        return str(value)
    digits = DIGITS.get(name, 0 if float(value).is_integer() else 1)
    return f"{_half_up(float(value), digits):.{digits}f}"


def pace(wpm: Optional[float]) -> str:
    """Words per minute, whole: "152"."""
    return number("words_per_minute", wpm)
