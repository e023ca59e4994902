"""The candidate's answer beside the model answer, move by move.

A pure function of the prompt and the content verdicts: a move of the model answer counts as made
when the rubric item it stands for was met, and the candidate's own words for it are the first
piece of evidence of that verdict. Both the terminal scorecard and the HTML report show the
result, so they can never disagree about which moves were missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from mockloop.content.model_answers import ModelAnswer, get_model_answer
from mockloop.models import ContentResult


@dataclass(frozen=True)
class MoveComparison:
    label: str  # the model move's short name
    item: str  # the rubric item it stands for
    made: bool  # the candidate met that item
    model: str  # what the model answer says
    candidate: str = ""  # the candidate's words that met it ("" when missing)
    candidate_start: Optional[float] = None  # when they said it (None for text input or missing)


@dataclass(frozen=True)
class AnswerComparison:
    prompt_id: str
    moves: tuple[MoveComparison, ...]

    @property
    def made(self) -> int:
        return sum(move.made for move in self.moves)

    @property
    def missing(self) -> list[str]:
        return [move.label for move in self.moves if not move.made]

    def summary(self) -> str:
        """ "5 of the 8 moves; missing: cost, risks, an owner for the review queue"."""
        head = f"{self.made} of the {len(self.moves)} moves"
        return head + ("; missing: " + ", ".join(self.missing) if self.missing else "; none missing")


def compare_with_model(prompt, content: ContentResult, answer: Optional[ModelAnswer] = None) -> Optional[AnswerComparison]:
    """Each move of the prompt's model answer, made or missing in the judged answer.

    Args:
        prompt: the Prompt answered.
        content: the ContentResult of the candidate's answer.
        answer: the model answer (default: the bank's for this prompt).

    Returns:
        None when the answer was judged with another kind's rubric, or was empty (nothing judged).
    """
    if content.kind != prompt.kind or content.score is None or not content.rubric:
        return None
    answer = answer or get_model_answer(prompt.id)
    verdicts = {verdict.id: verdict for verdict in content.rubric}
    moves = []
    for move in answer.moves:
        verdict = verdicts.get(move.item)
        made = bool(verdict is not None and verdict.met)
        evidence = verdict.evidence[0] if made and verdict.evidence else None
        moves.append(
            MoveComparison(
                label=move.label,
                item=move.item,
                made=made,
                model=move.say,
                candidate=evidence.quote if evidence is not None else "",
                candidate_start=evidence.start if evidence is not None else None,
            )
        )
    return AnswerComparison(prompt_id=prompt.id, moves=tuple(moves))


def comparison_for(content: ContentResult, prompt_id: Optional[str]) -> Optional[AnswerComparison]:
    """The comparison for a judged answer that names its prompt, or None: no prompt, a follow-up
    answer (it answers one question, not the prompt), a prompt the bank no longer has (an old
    session), or answers that do not load. For the views, which show it when they can."""
    from mockloop.content.prompts import get_prompt
    from mockloop.errors import MockloopError

    if not prompt_id or (content.extras or {}).get("follow_up"):
        return None
    try:
        return compare_with_model(get_prompt(str(prompt_id)), content)
    except MockloopError:
        return None
