"""Scores and tips: the few numbers and sentences a candidate should take away.

The delivery score starts at 100 and loses points for what listeners notice: fillers (5 or fewer a
minute go unnoticed, 12 a minute hurt; Laske & DiGennaro Reed 2024), pace outside the coached
range, long silences, long stretches without signposting, and heavy hedging. Tips cite the times
they refer to so the user can jump there in the replay.
"""

from __future__ import annotations

from collections import Counter

from mockloop.config import DeliverySettings, SpeechLevelSettings
from mockloop.models import ContentResult, DeliveryMetrics, Scorecard
from mockloop.timefmt import clock

MAX_DELIVERY_TIPS = 3
MAX_CONTENT_TIPS = 3  # the content judge ranks its tips; more than three is a list nobody acts on


def delivery_score(d: DeliveryMetrics, s: DeliverySettings) -> int | None:
    if d.word_count == 0:
        return None
    score = 100.0
    if d.fillers_per_minute is not None:
        excess = d.fillers_per_minute - s.fillers_per_minute_ok
        span = s.fillers_per_minute_bad - s.fillers_per_minute_ok
        score -= min(40.0, max(0.0, excess) * 30.0 / span)
    elif d.word_count:
        per_hundred = 100.0 * len(d.fillers) / d.word_count
        score -= min(40.0, max(0.0, per_hundred - 3.0) * 5.0)
    if d.words_per_minute is not None:
        if d.words_per_minute < s.target_wpm_low:
            score -= min(15.0, (s.target_wpm_low - d.words_per_minute) * 0.4)
        elif d.words_per_minute > s.target_wpm_high:
            score -= min(15.0, (d.words_per_minute - s.target_wpm_high) * 0.4)
    if d.duration_s:
        answer_min = max(d.duration_s / 60.0, 0.5)
        score -= min(15.0, 6.0 * len(d.long_pauses) / answer_min)
    if d.longest_stretch_without_marker_s is not None and d.longest_stretch_without_marker_s > s.marker_gap_warn_s:
        score -= 10.0
    if d.word_count:
        hedges_per_hundred = 100.0 * len(d.hedges) / d.word_count
        score -= min(10.0, max(0.0, hedges_per_hundred - 1.5) * 3.0)
    return int(round(max(0.0, min(100.0, score))))


def _filler_tip(d: DeliveryMetrics) -> tuple[float, str] | None:
    if not d.fillers:
        return None
    counts = Counter(f.text for f in d.fillers)
    top, n = counts.most_common(1)[0]
    times = [f.start for f in d.fillers if f.text == top and f.start is not None]
    detail = ""
    if times:
        by_minute = Counter(int(t // 60) for t in times)
        minute, in_minute = by_minute.most_common(1)[0]
        if len(by_minute) > 1 and in_minute >= 2:
            detail = f", {in_minute} of them in minute {minute + 1}"
        detail += f" (first at {clock(times[0])})"
    rate = f"; {d.fillers_per_minute:.1f} fillers a minute overall" if d.fillers_per_minute is not None else ""
    weight = (d.fillers_per_minute or len(d.fillers)) / 5.0
    return weight, (
        f"'{top}' {n} time{'s' if n != 1 else ''}{detail}{rate}. Replace it with a silent breath: "
        "a short pause sounds more confident than a filler."
    )


def _pause_tip(d: DeliveryMetrics) -> tuple[float, str] | None:
    long = d.long_pauses
    if not long:
        return None
    longest = max(long, key=lambda p: p.duration)
    weight = 0.6 + 0.3 * len(long)
    where = ", ".join(clock(p.start) for p in long[:4]) + (" ..." if len(long) > 4 else "")
    return weight, (
        f"{len(long)} long pause{'s' if len(long) != 1 else ''} of {d.long_pause_threshold_s:.0f} s or more "
        f"(at {where}); the longest, {longest.duration:.1f} s at {clock(longest.start)}. "
        "Think aloud instead: say what you are weighing."
    )


# Signposts that fit each kind of round (a behavioral story is not a design walk-through). Each
# example holds a phrase find_decision_markers knows, so following the advice is heard.
SIGNPOST_EXAMPLES = {
    "system_design": ('"let me confirm the requirements"', '"now that we\'ve agreed on the load, let\'s talk about failures"', '"to summarize"'),
    "behavioral": ('"let me start with the context"', '"the next step I took"', '"finally, the result"'),
    "scenario": ('"first let me contain the damage"', '"the next step is telling customers"', '"finally, how we stop a repeat"'),
    "technical": ('"let me start with the symptom"', '"the next step was finding the cause"', '"finally, the fix"'),
    "exec_explain": ('"my recommendation is"', '"the trade-off is"', '"to summarize"'),
}
NEXT_STEP_EXAMPLE = {
    "system_design": '"next let\'s look at fault tolerance"',
    "behavioral": '"the next step I took"',
    "scenario": '"the next step is telling customers"',
    "technical": '"the next step was verifying the fix"',
    "exec_explain": '"to summarize"',
}
GENERIC_SIGNPOSTS = ('"first let me"', '"the next step"', '"to summarize"')


def _marker_tip(d: DeliveryMetrics, s: DeliverySettings, kind: str | None = None) -> tuple[float, str] | None:
    gap = d.longest_stretch_without_marker_s
    if not d.decision_markers and d.word_count >= 40:
        examples = ", ".join(SIGNPOST_EXAMPLES.get(kind or "", GENERIC_SIGNPOSTS))
        return 1.2, f"No signposting heard: say where you are going ({examples})."
    if gap is not None and gap > s.marker_gap_warn_s:
        step = NEXT_STEP_EXAMPLE.get(kind or "", '"the next step"')
        return 1.0, f"{gap:.0f} s without a signpost; name each transition so the interviewer can follow ({step})."
    return None


def _pace_tip(d: DeliveryMetrics, s: DeliverySettings) -> tuple[float, str] | None:
    wpm = d.words_per_minute
    if wpm is None:
        return None
    if wpm > s.target_wpm_high:
        return 0.5 + (wpm - s.target_wpm_high) / 40.0, (
            f"{wpm:.0f} words a minute is fast (aim for {s.target_wpm_low:.0f}-{s.target_wpm_high:.0f}); "
            "slow down at each decision so it lands."
        )
    if wpm < s.target_wpm_low:
        return 0.5 + (s.target_wpm_low - wpm) / 40.0, (
            f"{wpm:.0f} words a minute is slow (aim for {s.target_wpm_low:.0f}-{s.target_wpm_high:.0f}); "
            "shorter sentences keep the pace up."
        )
    return None


def _hedge_tip(d: DeliveryMetrics) -> tuple[float, str] | None:
    if len(d.hedges) < 3:
        return None
    counts = Counter(h.text for h in d.hedges)
    top, n = counts.most_common(1)[0]
    first = next((h.start for h in d.hedges if h.text == top and h.start is not None), None)
    at = f" (first at {clock(first)})" if first is not None else ""
    return 0.3 * len(d.hedges), (
        f"{len(d.hedges)} hedges, '{top}' {n} times{at}: state decisions plainly (\"I'll use a queue because ...\")."
    )


def _latency_tip(d: DeliveryMetrics) -> tuple[float, str] | None:
    if d.response_latency_s is not None and d.response_latency_s >= 5.0:
        return 0.8, (
            f"{d.response_latency_s:.0f} s of silence before your first word; open with a framing sentence "
            "while you think (\"Let me start by confirming the scope\")."
        )
    return None


def _clipping_tip(d: DeliveryMetrics, levels: SpeechLevelSettings = SpeechLevelSettings()) -> str | None:
    if d.clipped_share is None or d.clipped_share < levels.clipped_tip_min_share:
        return None
    return (
        f"The recording is clipped: {d.clipped_share:.0%} of the speech hit full scale, so it sounds distorted. "
        "Lower the microphone's input gain or sit further back."
    )


def _ending_words(text: str, n: int = 5) -> str:
    words = text.strip().rstrip(".?!").split()
    return ("..." if len(words) > n else "") + " ".join(words[-n:])


def _uptalk_tip(d: DeliveryMetrics) -> tuple[float, str] | None:
    p = d.prosody
    if p is None or not p.uptalk or p.statements == 0:
        return None
    share = len(p.uptalk) / p.statements
    if len(p.uptalk) < 2 and share < 0.25:
        return None
    example = p.uptalk[0]
    return 0.5 + 2.0 * share, (
        f"Your pitch rose at the end of {len(p.uptalk)} of {p.statements} statements, e.g. {clock(example.start)} "
        f"'{_ending_words(example.text)}'. End decisions on a falling pitch."
    )


def _monotone_tip(d: DeliveryMetrics) -> tuple[float, str] | None:
    p = d.prosody
    if p is None or not p.monotone:
        return None
    flattest = p.flattest[0] if p.flattest else None
    where = f" (flattest {clock(flattest.start)}-{clock(flattest.end)})" if flattest else ""
    return 1.1, (
        f"Your pitch stayed within {p.pitch_range_semitones:.1f} semitones{where}: it sounds flat. "
        "Lift the key word of each point and let the pitch fall at the end."
    )


def _trailing_tip(d: DeliveryMetrics) -> tuple[float, str] | None:
    p = d.prosody
    if p is None or len(p.trailing_off) < 2:
        return None
    example = p.trailing_off[0]
    return 0.3 * len(p.trailing_off), (
        f"{len(p.trailing_off)} statements trailed off, e.g. {clock(example.start)} '{_ending_words(example.text)}'. "
        "Keep your voice up to the last word."
    )


def _repetition_tip(d: DeliveryMetrics) -> tuple[float, str] | None:
    if len(d.repetitions) < 2:
        return None
    example = d.repetitions[0]
    at = f"{clock(example.start)} " if example.start is not None else ""
    return 0.25 * len(d.repetitions), (
        f"{len(d.repetitions)} repetitions or restarts, e.g. {at}'{example.text}'. "
        "Pause silently and start the sentence once."
    )


def _first_point_tip(d: DeliveryMetrics) -> tuple[float, str] | None:
    c = d.conciseness
    if c is None:
        return None
    if c.bottom_line_first is False:
        return 1.0, "Your first sentence did not give the bottom line; open with the recommendation, then explain."
    if c.first_point_s is not None and c.first_point_s > 90.0 and c.first_point is not None:
        return 0.7, (
            f"Your first recommendation came {c.first_point_s:.0f} s in ({clock(c.first_point.start)} "
            f"'{_ending_words(c.first_point.text, 7)}'); state it earlier and then justify it."
        )
    return None


def delivery_tips(d: DeliveryMetrics, s: DeliverySettings, kind: str | None = None) -> list[str]:
    """Up to MAX_DELIVERY_TIPS delivery tips; ``kind`` picks signposting examples that fit the round."""
    clipping = _clipping_tip(d)
    if d.word_count == 0:
        if clipping:  # loud, not absent: the microphone works, the level is the problem
            return [clipping + " No words could be made out."]
        return ["Nothing was heard: check the microphone (`mockloop devices`) and speak your answer aloud."]
    if clipping:
        return [clipping] + _ranked_delivery_tips(d, s, kind)[: MAX_DELIVERY_TIPS - 1]
    return _ranked_delivery_tips(d, s, kind)


def _ranked_delivery_tips(d: DeliveryMetrics, s: DeliverySettings, kind: str | None) -> list[str]:
    candidates = [
        _filler_tip(d),
        _pause_tip(d),
        _marker_tip(d, s, kind),
        _pace_tip(d, s),
        _hedge_tip(d),
        _latency_tip(d),
        _uptalk_tip(d),
        _monotone_tip(d),
        _trailing_tip(d),
        _repetition_tip(d),
        _first_point_tip(d),
    ]
    ranked = sorted((c for c in candidates if c), key=lambda c: -c[0])
    tips = [text for _weight, text in ranked[:MAX_DELIVERY_TIPS]]
    if len(tips) < MAX_DELIVERY_TIPS and d.decision_markers:
        first = d.decision_markers[0]
        at = f" at {clock(first.start)}" if first.start is not None else ""
        tips.append(f"Good signposting: \"{first.text}\"{at}; keep naming each transition.")
    if len(tips) < MAX_DELIVERY_TIPS and not d.fillers:
        tips.append("No fillers: keep it up.")
    return tips[:MAX_DELIVERY_TIPS]


def build_scorecard(d: DeliveryMetrics, content: ContentResult, s: DeliverySettings) -> Scorecard:
    return Scorecard(
        delivery_score=delivery_score(d, s),
        content_score=content.score,
        tips=delivery_tips(d, s, content.kind) + list(content.tips)[:MAX_CONTENT_TIPS],
    )
