"""How the interviewer behaves, per style, and the time cues of a phased round.

The styles follow the interview guides: a Scale AI interviewer stays neutral ("silent"): answers
what is asked, says little else and never probes; a "probing" interviewer follows up on what is
missing, quoting the candidate; a TikTok-like interviewer also follows up, and cuts in once around
minute ten to see whether the candidate can prioritise under pressure. A 45-minute system design
round keeps its phases (intro, design, questions): the interviewer says when the design phase
starts, when about ten minutes are left, and opens the candidate's questions at the end.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

CUT_IN_S = 10 * 60.0  # the TikTok guides: the interruption comes about ten minutes in
LATE_CUE_S = 10 * 60.0  # "about ten minutes left"
MIN_ROUND_FOR_CUES_S = 15 * 60.0  # shorter answers get no cues: they would interrupt, not pace


# Probing mid-answer: a pause this long is a natural place to speak up, and the gap must still be
# open this far into the design phase (a candidate may well reach failures or cost on their own).
NATURAL_PAUSE_S = 2.5
LATE_IN_DESIGN = 0.6


@dataclass(frozen=True)
class Style:
    name: str
    summary: str  # one line for --help
    neutral_reply: str  # said to a question the fact sheet has no answer for
    follow_ups: bool  # asks follow-ups on the answer's gaps
    cut_in_s: Optional[float] = None  # interrupts once at this point of the main answer
    cut_in: str = ""
    probes_live: bool = False  # asks one follow-up at a natural pause late in the design phase
    countdown: tuple[float, ...] = ()  # seconds left at which the time is said (timed drills)


STYLES: dict[str, Style] = {
    style.name: style
    for style in (
        Style(
            "silent",
            "Scale AI: answers only what is asked, minimal feedback, no follow-ups.",
            neutral_reply="What would you assume?",
            follow_ups=False,
        ),
        Style(
            "probing",
            "follows up on what is missing, quoting what you said.",
            neutral_reply="That's up to you. What would you assume, and why?",
            follow_ups=True,
            probes_live=True,
        ),
        Style(
            "tiktok",
            "follows up, and cuts in around minute ten to test how you prioritise.",
            neutral_reply="Make an assumption and keep going.",
            follow_ups=True,
            cut_in_s=CUT_IN_S,
            cut_in=(
                "Let me stop you there. Say you only have the first month and half the team: "
                "which part of this do you build first, and what do you cut?"
            ),
        ),
    )
}


@dataclass(frozen=True)
class Cue:
    """Something the interviewer says at a set point of an answer (seconds into the recording)."""

    at_s: float
    kind: str  # "time_cue" or "cut_in" (a follow_up turn said mid-answer)
    text: str


def cues_for(style: Style, phases: Sequence, limit_s: float) -> list[Cue]:
    """The interviewer's timed lines during the main answer, in time order.

    Phased rounds get a cue when the design phase starts, "about ten minutes left" when there is
    room for it, and the opening of the candidate's questions when that phase starts. A style
    that cuts in does so at its time if the answer runs that long. Rounds shorter than
    MIN_ROUND_FOR_CUES_S get no time cues.
    """
    cues: list[Cue] = []
    if limit_s >= MIN_ROUND_FOR_CUES_S:
        start = 0.0
        for name, seconds in _phase_pairs(phases):
            if start > 0 and name == "design":
                cues.append(Cue(start, "time_cue", f"Let's move to the design. You have about {spoken_minutes(seconds)} for it."))
            if start > 0 and name == "questions":
                cues.append(Cue(start, "time_cue", f"We have about {spoken_minutes(seconds)} left. What questions do you have for me?"))
            start += seconds
        late = limit_s - LATE_CUE_S
        if late > 0 and not any(abs(cue.at_s - late) < 60 for cue in cues):
            cues.append(Cue(late, "time_cue", "About ten minutes left."))
    for left in style.countdown:
        if 0 < left < limit_s:
            cues.append(Cue(limit_s - left, "time_cue", f"{spoken_seconds(left)} left."))
    if style.cut_in_s is not None and style.cut_in_s < limit_s:
        cues.append(Cue(style.cut_in_s, "cut_in", style.cut_in))
    return sorted(cues, key=lambda cue: cue.at_s)


def late_in_design(phases: Sequence, elapsed_s: float) -> bool:
    """Whether ``elapsed_s`` falls in the last part of the design phase (LATE_IN_DESIGN onwards)."""
    start = 0.0
    for name, seconds in _phase_pairs(phases):
        if name == "design":
            return start + LATE_IN_DESIGN * seconds <= elapsed_s < start + seconds
        start += seconds
    return False


def live_probe_due(style: Style, phases: Sequence, elapsed_s: float, silent_for_s: float, asked: bool) -> bool:
    """Whether a probing interviewer should speak up now: once, at a natural pause, late in design."""
    return style.probes_live and not asked and silent_for_s >= NATURAL_PAUSE_S and late_in_design(phases, elapsed_s)


def _phase_pairs(phases: Sequence) -> list[tuple[str, float]]:
    pairs = []
    for phase in phases or ():
        name, seconds = (phase["name"], phase["seconds"]) if isinstance(phase, dict) else phase
        pairs.append((str(name).lower(), float(seconds)))
    return pairs


_ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
_TENS = {2: "twenty", 3: "thirty", 4: "forty", 5: "fifty", 6: "sixty"}


def spoken_seconds(seconds: float) -> str:
    """'thirty seconds', 'a minute' (whole minutes are said as minutes)."""
    whole = int(round(seconds))
    if whole >= 60 and whole % 60 == 0:
        return spoken_minutes(whole)
    if whole < 20:
        return f"{_ONES[whole]} seconds"
    tens, ones = divmod(whole, 10)
    if tens not in _TENS:
        return f"{whole} seconds"
    return f"{_TENS[tens]}{'-' + _ONES[ones] if ones else ''} seconds"


def spoken_minutes(seconds: float) -> str:
    """'thirty-five minutes', 'a minute': what a voice engine reads naturally."""
    minutes = max(1, int(round(seconds / 60)))
    if minutes == 1:
        return "a minute"
    if minutes < 20:
        words = _ONES[minutes]
    elif minutes <= 69:
        tens, ones = divmod(minutes, 10)
        words = _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")
    else:
        words = str(minutes)
    return f"{words} minutes"
