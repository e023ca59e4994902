"""Checks shared by the commands' numeric options, run by typer while it parses the command line.

A number outside its range, and NaN or infinity wherever a float is accepted, is a usage error
(one line, exit 2) before any command starts: nothing is recorded, created or loaded for it.
"""

from __future__ import annotations

import math
from typing import Callable, Optional

import typer


def number(low: Optional[float] = None, high: Optional[float] = None, *, above_low: bool = False) -> Callable:
    """A typer option callback: the value is finite and within [low, high] (or above ``low``).

    None (an option not given) passes.
    """

    def check(ctx: typer.Context, param, value):
        if value is None or ctx.resilient_parsing:
            return value
        values = value if isinstance(value, (list, tuple)) else (value,)
        for item in values:
            _check_one(float(item), low, high, above_low)
        return value

    return check


def _check_one(value: float, low: Optional[float], high: Optional[float], above_low: bool) -> None:
    if not math.isfinite(value):
        raise typer.BadParameter(f"{value:g} is not a finite number{_range(low, high, above_low)}")
    too_low = low is not None and (value <= low if above_low else value < low)
    too_high = high is not None and value > high
    if too_low or too_high:
        raise typer.BadParameter(f"{value:g} is out of range{_range(low, high, above_low)}")


def _range(low, high, above_low) -> str:
    if low is not None and high is not None:
        return f"; use more than {low:g}, up to {high:g}" if above_low else f"; use {low:g} to {high:g}"
    if low is not None:
        return f"; use more than {low:g}" if above_low else f"; use {low:g} or more"
    if high is not None:
        return f"; use {high:g} or less"
    return ""
