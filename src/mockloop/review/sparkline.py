"""Unicode sparklines: a trend in one terminal cell per session."""

from __future__ import annotations

from typing import Optional, Sequence

BARS = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[Optional[float]]) -> str:
    """One bar per value, scaled between the smallest and largest; a space for a missing value."""
    known = [v for v in values if v is not None]
    if not known:
        return " " * len(values)
    lo, hi = min(known), max(known)
    if hi - lo < 1e-9:
        return "".join(" " if v is None else BARS[3] for v in values)
    return "".join(" " if v is None else BARS[min(len(BARS) - 1, int((v - lo) / (hi - lo) * (len(BARS) - 1) + 0.5))] for v in values)
