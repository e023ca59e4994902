"""Follow-up probes chosen from the gaps in an answer (used by the interview loop).

An interviewer follows up where the answer was thin: no failure plan -> "What happens when half
of the uploads fail because of network jitter in remote regions?". Gaps in the prompt's focus
items come first, then the others in rubric order.
"""

from __future__ import annotations

from typing import Optional

from mockloop.content.prompts import Prompt, default_probes
from mockloop.content.rubric import rubric_ids
from mockloop.models import ContentResult


def probes_for(prompt: Optional[Prompt], result: ContentResult, n: int = 2) -> list[str]:
    """Up to n follow-up questions for the items the answer missed.

    Args:
        prompt: the prompt answered (its own probes first); None uses the bank's kind-wide probes.
        result: the judged answer.
        n: how many probes.

    Returns:
        Distinct probes, one per gap, most important gap first. When nothing is missing, probes
        of the focus items are returned, to push the candidate deeper where it matters most.
    """
    kind = result.kind
    probes = prompt.probes if prompt is not None else default_probes(kind)
    focus = list(prompt.focus) if prompt is not None else []
    order = {item_id: index for index, item_id in enumerate(rubric_ids(kind))}
    gaps = [v.id for v in result.rubric if not v.met]
    gaps.sort(key=lambda item_id: (item_id not in focus, order.get(item_id, 99)))
    candidates = gaps or focus
    chosen: list[str] = []
    for item_id in candidates:
        for probe in probes.get(item_id, []):
            if probe not in chosen:
                chosen.append(probe)
                break
        if len(chosen) >= n:
            break
    return chosen
