"""content.score and the tips that quote the answer back to the user.

The score is the weighted share of rubric items met; the items a prompt lists as its focus count
double, because that is what the interviewer is probing. Tips are written from the gaps, most
important first, and quote what the user actually said with its time ("You proposed 'I'd use
Redis' at 0:04 before any scoping question"), so a user can find the moment in the recording.
"""

from __future__ import annotations

import re
from typing import Iterable, Optional

from mockloop.content.rubric import Rubric
from mockloop.content.rules import Hit, ItemFinding
from mockloop.content.text import format_time
from mockloop.models import RubricVerdict

FOCUS_WEIGHT = 2.0
MAX_TIPS = 5
MAX_LANGUAGE_TIPS = 2
TIP_QUOTE_WORDS = 14
PASSIVE_TIP_MIN = 2  # passive sentences before ownership language earns a tip
SCOPING_SHARE_MIN = 0.05


def score(rubric: Rubric, verdicts: list[RubricVerdict], focus: Iterable[str] = ()) -> Optional[int]:
    """Weighted share of items met, 0-100; None when there is nothing to judge."""
    focus = set(focus)
    total = met = 0.0
    for verdict in verdicts:
        weight = rubric.item(verdict.id).weight * (FOCUS_WEIGHT if verdict.id in focus else 1.0)
        total += weight
        met += weight if verdict.met else 0.0
    if total <= 0:
        return None
    return int(round(100.0 * met / total))


def shorten(quote: str, words: int = TIP_QUOTE_WORDS) -> str:
    parts = quote.split()
    text = " ".join(parts[:words])
    return (text.rstrip(",.;:") + " …") if len(parts) > words else text


def fill(template: str, quote: str = "", start: Optional[float] = None) -> str:
    """Fill a tip template; without a time, drop the "at {time}" phrases instead of printing None."""
    time = format_time(start)
    if time is None:
        template = template.replace("At {time} you said", "You said")
        template = re.sub(r",? at \{time\}", "", template)
    return template.replace("{quote}", quote).replace("{time}", time or "")


def tips(
    rubric: Rubric,
    verdicts: list[RubricVerdict],
    findings: dict[str, ItemFinding],
    sequencing: dict,
    ownership: dict,
    focus: Iterable[str] = (),
) -> list[str]:
    """Up to MAX_TIPS tips: scoping order first, then focus gaps, gaps that can quote the answer,
    the rest in rubric order; up to MAX_LANGUAGE_TIPS on ownership language and sequencing."""
    focus = list(focus)
    order = {item_id: index for index, item_id in enumerate(rubric.ids)}
    gaps = [v for v in verdicts if not v.met]

    def priority(verdict: RubricVerdict):
        finding = findings.get(verdict.id)
        quotes_answer = bool(finding and finding.near) or verdict.id in {"within_time_limit", "plain_language"}
        signature = verdict.id == "scope_before_design" and quotes_answer
        return (not signature, verdict.id not in focus, not quotes_answer, -rubric.item(verdict.id).weight, order[verdict.id])

    gaps.sort(key=priority)
    gap_tips = [tip for tip in (_gap_tip(rubric, v.id, findings.get(v.id)) for v in gaps) if tip]
    language = _language_tips(rubric, sequencing, ownership)[:MAX_LANGUAGE_TIPS]
    result = gap_tips[: MAX_TIPS - len(language)] + language
    seen, unique = set(), []
    for tip in result:
        if tip not in seen:
            seen.add(tip)
            unique.append(tip)
    return unique[:MAX_TIPS]


def _gap_tip(rubric: Rubric, item_id: str, finding: Optional[ItemFinding]) -> str:
    item = rubric.item(item_id)
    near: list[Hit] = finding.near if finding else []
    if item_id == "within_time_limit" and finding is not None:
        detail = finding.detail
        spoken = format_time(detail.get("duration_s"))
        how = "" if detail.get("measured") else " (estimated from the word count)"
        return (
            f"Your answer ran about {spoken}{how}, past the {format_time(detail.get('limit_s'))} limit; "
            "cut the background and lead with the decision."
        )
    if item_id == "plain_language" and finding is not None and finding.detail.get("unexplained"):
        terms = ", ".join(f'"{t}"' for t in finding.detail["unexplained"][:4])
        return f"You used {terms} without explaining them; say it in plain words or explain each term."
    if item_id == "scope_before_design" and near:
        hit = near[0]
        return fill(item.tip_near, shorten(hit.match_quote or hit.quote, 8), hit.start)
    if near and item.tip_near:
        hit = near[0]
        return fill(item.tip_near, shorten(hit.quote), hit.start)
    return item.tip_missing


def _language_tips(rubric: Rubric, sequencing: dict, ownership: dict) -> list[str]:
    result = []
    passive = ownership.get("passive", 0)
    if passive >= PASSIVE_TIP_MIN and passive > ownership.get("committed", 0) and rubric.kind in {
        "system_design",
        "scenario",
        "technical",
    }:
        example = ownership["passive_examples"][0]
        result.append(
            fill(
                'At {time} you said "{quote}": name who will do it and commit to it ("we\'ll add '
                'retries with backoff, owned by the ingestion team").',
                shorten(example["quote"]),
                example["start"],
            )
        )
    if rubric.kind == "system_design" and sequencing.get("phases"):
        scoping = next((row for row in sequencing["phases"] if row["phase"] == "scoping"), None)
        share = scoping["share"] if scoping else 0.0
        if share < SCOPING_SHARE_MIN and sequencing.get("first_design_statement"):
            result.append(
                f"You spent {share:.0%} of the answer on scoping; aim for the first 10-20% on "
                "users, success criteria and load."
            )
    order = sequencing.get("order") or {}
    if order.get("in_order") is False:
        steps = order["steps"]
        said = [name.replace("_", " ") for name, point in sorted(
            ((n, p) for n, p in steps.items() if p), key=lambda item: item[1]["word_index"])]
        result.append(
            "You covered " + " -> ".join(said) + "; the usual order is assumptions -> "
            "throughput and latency budgets -> failure tolerance."
        )
    return result
