"""Delivery habits a drill can aim at, each with the coached threshold that says it was met.

A habit is one of the delivery measures the plan follows (``review.metrics.METRICS``) that has a
threshold in ``config`` to hold an answer to: fillers per minute at or under the level listeners
do not mark down, at most one long pause a minute, a pace inside the target
band, and a pitch range above the monotone line. The other measures the plan follows (hedges,
decision markers, uptalk, repetitions) have no such threshold yet, so they are not drillable.

``judge`` says whether one answer (or one session) met a habit, from its measure and its length;
the planner ranks habits beside rubric items on the same recency-weighted miss rate, and a habit
drill is scored on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from mockloop.config import DEFAULT_SETTINGS, Settings
from mockloop.review.metrics import METRICS

HABIT_KIND = "delivery"  # what a habit is called where a rubric item names its kind of round


@dataclass(frozen=True)
class Habit:
    name: str  # the delivery measure, as named in review.metrics.METRICS
    label: str  # its short label there ("fillers/min")
    target: str  # what met means, in words
    ask: str  # how the drill question asks for it, after "In 60 seconds, "
    tip: str  # what to do differently after a miss


def habits(settings: Settings = DEFAULT_SETTINGS) -> dict[str, Habit]:
    """The drillable habits by name, worded from the thresholds in ``settings``."""
    d, p, pr = settings.delivery, settings.pauses, settings.prosody
    labels = {name: label for name, label, _ in METRICS}
    found = [
        Habit("fillers_per_minute", labels["fillers_per_minute"], f"{d.fillers_per_minute_ok:g} fillers a minute or fewer",
              "with as few fillers as you can (no um, uh or like)",
              "Where an 'um' would go, close your mouth and pause: a silent breath sounds surer than a filler."),
        Habit("long_pauses", labels["long_pauses"], f"at most {d.long_pauses_per_minute_ok:g} pause of {p.long_pause_s:g} s or more a minute",
              "without stopping for long: think aloud",
              "When you need time, say what you are weighing (\"the choice here is between ...\") instead of going quiet."),
        Habit("words_per_minute", labels["words_per_minute"], f"{d.target_wpm_low:g} to {d.target_wpm_high:g} words a minute",
              "at an even, unhurried pace",
              "Slow down: one idea per sentence, and a breath between sentences."),
        Habit("pitch_range_semitones", labels["pitch_range_semitones"], f"a pitch range of {pr.monotone_range_semitones:g} semitones or more",
              "with your voice rising and falling on the words that matter",
              "Lift your voice on the number or the decision in each sentence, and let it fall at the full stop."),
    ]
    return {h.name: h for h in found}


def is_habit(name: str) -> bool:
    return name in habits()


def judge(name: str, value: Optional[float], duration_s: Optional[float], settings: Settings = DEFAULT_SETTINGS) -> Optional[bool]:
    """Whether an answer or session with this measure ``value`` over ``duration_s`` seconds met the
    habit; None when the measure was not taken (no audio, nothing said)."""
    if value is None:
        return None
    d = settings.delivery
    if name == "fillers_per_minute":
        return value <= d.fillers_per_minute_ok
    if name == "long_pauses":
        minutes = max(float(duration_s or 0.0), 1.0) / 60.0
        return value <= d.long_pauses_per_minute_ok * minutes
    if name == "words_per_minute":
        return d.target_wpm_low <= value <= d.target_wpm_high
    if name == "pitch_range_semitones":
        return value >= settings.prosody.monotone_range_semitones
    raise KeyError(name)


def tip(name: str, value: Optional[float], settings: Settings = DEFAULT_SETTINGS) -> str:
    """What to do after missing habit ``name`` with this ``value`` (a slow pace gets its own)."""
    if name == "words_per_minute" and value is not None and value < settings.delivery.target_wpm_low:
        return "Speed up a little: say the point first, then the reason, without stopping between them."
    return habits(settings)[name].tip
