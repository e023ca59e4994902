"""What to practise next, from history: a pure planner and the sentences it says.

``make_plan`` takes the sessions (``review.skills.load_skills``) and the prompt bank and returns
a ``Plan``: the rubric items and delivery habits missed most often and most recently (a miss
counts less the older it is; a habit is missed where its measure is past the coached threshold
of ``review.habits``), the delivery measures whose later sessions are worse than the earlier ones, and the prompts
whose focus exercises the weak items, in their company's interviewer style. Nothing is printed
here; ``mockloop plan`` shows ``plan_lines``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Sequence

from mockloop.review.habits import HABIT_KIND, habits
from mockloop.review.skills import SessionSkills, measure_trends, recent_miss_rate

WEAK_AT = 0.5  # recency-weighted miss rate from which an item is worth a drill
TWO_DRILLS_AT = 0.75  # ... and from which it is worth two
MAX_DRILL_ITEMS = 2
COMPANY_NAMES = {"scale_ai": "Scale AI", "sensetime": "SenseTime", "tiktok": "TikTok"}
# The interviewer style that plays a company's round (see interview/styles.py).
COMPANY_STYLES = {"scale_ai": "silent", "tiktok": "tiktok", "sensetime": "probing", "generic": "probing"}


@dataclass
class Weakness:
    kind: str
    item: str
    missed: int
    judged: int
    weight: float  # recency-weighted miss rate, 0..1
    last_missed: bool


@dataclass
class Plan:
    drills: list[tuple[str, int]] = field(default_factory=list)  # (item, how many drills)
    weaknesses: list[Weakness] = field(default_factory=list)
    worsening: list = field(default_factory=list)  # review.skills.MeasureTrend, verdict "regressed"
    prompt_id: Optional[str] = None
    company: Optional[str] = None
    style: Optional[str] = None
    sessions: int = 0


def weaknesses(sessions: Sequence[SessionSkills]) -> list[Weakness]:
    """Rubric items and delivery habits by recency-weighted miss rate, weakest first (ties: more
    misses, then rubric order, habits last). A habit is missed in a session whose measure is on the
    wrong side of its coached threshold (``review.habits``); its kind is ``"delivery"``."""
    found = []
    order = 0
    for kind in dict.fromkeys(s.kind for s in sessions):
        judged = [s for s in sessions if s.kind == kind]
        ids = list(dict.fromkeys(i for s in judged for i in s.items))
        for item in ids:
            outcomes = [s.items[item] for s in judged if item in s.items]
            rate = recent_miss_rate(outcomes)
            found.append((order, Weakness(kind, item, outcomes.count(False), len(outcomes), round(rate, 3), not outcomes[-1])))
            order += 1
    for name in habits():
        outcomes = [s.habits[name] for s in sessions if name in s.habits]
        if outcomes:
            rate = recent_miss_rate(outcomes)
            found.append((order, Weakness(HABIT_KIND, name, outcomes.count(False), len(outcomes), round(rate, 3), not outcomes[-1])))
            order += 1
    found.sort(key=lambda pair: (-pair[1].weight, -pair[1].missed, pair[0]))
    return [w for _, w in found]


def make_plan(sessions: Sequence[SessionSkills], prompts: Sequence) -> Plan:
    """The next practice: drills on the weakest items, then one full round that exercises them.

    ``prompts`` are ``content.prompts.Prompt``; the round is the prompt of the weakest kind whose
    ``focus`` covers the most weak items, preferring one not practised lately.
    """
    sessions = list(sessions)
    plan = Plan(sessions=len(sessions))
    if not sessions:
        return plan
    ranked = weaknesses(sessions)
    plan.weaknesses = [w for w in ranked if w.weight >= WEAK_AT]
    plan.drills = [(w.item, 2 if w.weight >= TWO_DRILLS_AT else 1) for w in plan.weaknesses[:MAX_DRILL_ITEMS]]
    interviews = [s for s in sessions if s.mode == "interview"] or sessions
    plan.worsening = [t for t in measure_trends(interviews) if t.verdict == "regressed"]
    kind = next((w.kind for w in plan.weaknesses if w.kind != HABIT_KIND), sessions[-1].kind)
    weak_items = {w.item for w in plan.weaknesses if w.kind == kind}
    recent = [s.prompt_id for s in sessions]

    def rank(prompt):
        covered = len(weak_items & set(prompt.focus or ()))
        last_used = max((i for i, pid in enumerate(recent) if pid == prompt.id), default=-1)
        return (-covered, last_used)

    candidates = sorted((p for p in prompts if p.kind == kind), key=rank)
    if candidates:
        chosen = candidates[0]
        plan.prompt_id, plan.company = chosen.id, chosen.company
        plan.style = COMPANY_STYLES.get(chosen.company, "probing")
    return plan


def plan_lines(plan: Plan) -> list[str]:
    """The plan in sentences: the headline first, then why, then the commands."""
    if not plan.sessions:
        return ["No analysed sessions yet: start with `mockloop interview`, then ask again."]
    steps = [f"{n} drill{'s' if n > 1 else ''} on {item}" for item, n in plan.drills]
    if plan.prompt_id:
        where = COMPANY_NAMES.get(plan.company or "")
        steps.append(f"{plan.prompt_id}{f' in the {where} style' if where else ''}")
    lines = [f"Tomorrow: {_join(steps)}." if steps else "Tomorrow: a new prompt; nothing stands out as weak."]
    for w in plan.weaknesses:
        recency = "missed last time" if w.last_missed else "met last time"
        if w.kind == HABIT_KIND:
            target = habits()[w.item].target
            lines.append(f"- {w.item} ({w.kind}): off target ({target}) in {w.missed} of {w.judged} sessions, {recency}.")
        else:
            lines.append(f"- {w.item} ({w.kind}): missed in {w.missed} of {w.judged} sessions, {recency}.")
    for t in plan.worsening:
        lines.append(f"- {t.label} went the wrong way: {t.earlier:g} earlier, {t.later:g} lately.")
    if not plan.weaknesses and not plan.worsening:
        lines.append(f"- Every rubric item was met lately, and no delivery measure got worse over {plan.sessions} sessions.")
    lines += [f"  mockloop drill --item {item}" for item, _ in plan.drills]
    if plan.prompt_id:
        lines.append(f"  mockloop interview --prompt {plan.prompt_id} --style {plan.style}")
    return lines


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + ", then " + parts[-1]
