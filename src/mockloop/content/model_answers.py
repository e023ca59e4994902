"""Model answers: what a strong candidate says for each prompt, move by move.

A model answer is data beside the prompt bank (prompts/model_answers/<kind>.yaml, one entry per
prompt id). Each move names the rubric item it meets and, for scoping questions, the facts of
the prompt's fact sheet it reaches; its `say` is the move as spoken. The moves of one item are
that item's "met" example, so the positive example of every rubric item is written once. The
loader checks the shape against the bank; `judge_problems` checks the substance: judged as a
transcript by the rule judge, the model answer must meet every rubric item of its kind, and each
phrase-judged item on the words of its own moves.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional


from mockloop.content.errors import ModelAnswerError, UnknownPromptError
from mockloop.content.facts import MARKUP
from mockloop.content.prompts import Prompt, bank_dir, get_prompt, load_bank, read_yaml
from mockloop.content.rubric import get_rubric, kinds, rubric_ids

FOLDER = "model_answers"  # inside the prompt bank's folder


@dataclass(frozen=True)
class Move:
    item: str  # the rubric item this move meets
    label: str  # a short name for the move, used in "missing: ..."
    say: str  # the move as a strong candidate says it, one to three plain sentences
    facts: tuple[str, ...] = ()  # ids of the prompt's facts this move asks for or uses


@dataclass(frozen=True)
class ModelAnswer:
    prompt_id: str
    kind: str
    moves: tuple[Move, ...]

    @property
    def text(self) -> str:
        """The whole answer as spoken, moves in order."""
        return " ".join(move.say for move in self.moves)

    def moves_for(self, item_id: str) -> list[Move]:
        return [move for move in self.moves if move.item == item_id]

    def met_example(self, item_id: str) -> str:
        """What "met" sounds like for one rubric item: the words of its moves."""
        return " ".join(move.say for move in self.moves_for(item_id))


def answers_dir(path: Optional[Path] = None) -> Path:
    return (Path(path) if path is not None else bank_dir()) / FOLDER


def load_answers(path: Optional[Path] = None) -> dict[str, ModelAnswer]:
    """Every model answer of the bank in `path` (default: the bank's folder), validated.

    Raises:
        ModelAnswerError: the folder is missing, a file is not valid YAML, or an answer does not
            fit the bank (see answer_problems).
    """
    directory = Path(path) if path is not None else bank_dir()
    return dict(_load(str(directory.resolve())))


@lru_cache(maxsize=8)
def _load(directory: str) -> tuple[tuple[str, ModelAnswer], ...]:
    folder = answers_dir(Path(directory))
    files = sorted(folder.glob("*.yaml"))
    if not files:
        raise ModelAnswerError(f"No model answer files (*.yaml) in {folder}.")
    answers: dict[str, ModelAnswer] = {}
    problems: list[str] = []
    for file in files:
        data = read_yaml(file, ModelAnswerError)
        kind = data.get("kind")
        if kind not in kinds():
            raise ModelAnswerError(f"{file.name}: kind '{kind}' is not one of {', '.join(kinds())}")
        for prompt_id, entry in (data.get("answers") or {}).items():
            if prompt_id in answers:
                problems.append(f"{file.name}: {prompt_id}: a second model answer")
            answers[str(prompt_id)] = _parse(str(prompt_id), kind, entry)
    problems += answer_problems(load_bank(Path(directory)), answers)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise ModelAnswerError(f"Model answers in {folder} are invalid: {problems[0]}{more}")
    return tuple(answers.items())


def _parse(prompt_id: str, kind: str, entry) -> ModelAnswer:
    moves = []
    raw_moves = (entry.get("moves") if isinstance(entry, dict) else None) or []
    for raw in raw_moves:
        raw = raw if isinstance(raw, dict) else {}
        facts = raw.get("facts") or []
        moves.append(
            Move(
                item=str(raw.get("item", "")),
                label=" ".join(str(raw.get("label", "")).split()),
                say=" ".join(str(raw.get("say", "")).split()),
                facts=tuple(str(f) for f in ([facts] if isinstance(facts, str) else facts)),
            )
        )
    return ModelAnswer(prompt_id=prompt_id, kind=kind, moves=tuple(moves))


def answer_problems(prompts: list[Prompt], answers: dict[str, ModelAnswer]) -> list[str]:
    """Shape problems, one sentence each: a prompt without an answer, a move naming an unknown
    rubric item or fact, a rubric item no move meets, text that would be markup when spoken."""
    problems = []
    by_id = {prompt.id: prompt for prompt in prompts}
    for prompt in prompts:
        if prompt.id not in answers:
            problems.append(f"{prompt.id}: no model answer")
    for prompt_id, answer in answers.items():
        prompt = by_id.get(prompt_id)
        if prompt is None:
            problems.append(f"{prompt_id}: a model answer for a prompt the bank does not have")
            continue
        if answer.kind != prompt.kind:
            problems.append(f"{prompt_id}: model answer filed under {answer.kind}, prompt is {prompt.kind}")
            continue
        ids = rubric_ids(prompt.kind)
        fact_ids = {fact.id for fact in prompt.facts}
        if not answer.moves:
            problems.append(f"{prompt_id}: model answer has no moves")
        for number, move in enumerate(answer.moves, 1):
            where = f"{prompt_id} move {number}"
            if move.item not in ids:
                problems.append(f"{where}: '{move.item}' is not a {prompt.kind} rubric item")
            unknown = [f for f in move.facts if f not in fact_ids]
            if unknown:
                problems.append(f"{where}: unknown facts {unknown}")
            if not move.label or not move.say:
                problems.append(f"{where}: label and say are required")
            if MARKUP.search(move.say) or MARKUP.search(move.label):
                problems.append(f"{where}: contains markup; it is spoken")
            if "," in move.label:
                problems.append(f"{where}: label has a comma; labels are listed after commas")
        missing = [i for i in ids if not answer.moves_for(i)]
        if missing:
            problems.append(f"{prompt_id}: no move meets {', '.join(missing)}")
    return problems


def get_model_answer(prompt_id: str, path: Optional[Path] = None) -> ModelAnswer:
    """The model answer of a prompt.

    Raises:
        UnknownPromptError: no prompt with that id.
        ModelAnswerError: the answers do not load.
    """
    get_prompt(prompt_id, path)
    answers = load_answers(path)
    if prompt_id not in answers:  # answer_problems makes this unreachable for a valid bank
        raise UnknownPromptError(f"No model answer for '{prompt_id}'.")
    return answers[prompt_id]


def judge_problems(prompt: Prompt, answer: ModelAnswer) -> list[str]:
    """What the rule judge says is wrong with a model answer (empty when it is the rubric's own
    positive example): items not met, and phrase-judged items met only by other moves' words."""
    from mockloop.content.judge import judge_content
    from mockloop.content.rules import find_hits
    from mockloop.content.text import segment, transcript_from_text

    transcript = transcript_from_text(answer.text)
    result = judge_content(transcript, prompt.kind, prompt=prompt)
    problems = [f"{prompt.id}: {v.id} not met ({v.note})" if v.note else f"{prompt.id}: {v.id} not met" for v in result.rubric if not v.met]
    rubric = get_rubric(prompt.kind)
    doc = segment(transcript)
    spans, start = {}, 0
    for move in answer.moves:
        count = len(move.say.split())
        spans.setdefault(move.item, []).append(range(start, start + count))
        start += count
    for item_id in rubric.ids:
        spec = rubric.rules[item_id]
        if spec.code is not None or item_id not in spans:
            continue
        hits = find_hits(doc, spec)
        if not any(word in span for hit in hits for word in hit.rests_on for span in spans[item_id]):
            problems.append(f"{prompt.id}: {item_id} is met by other moves, not by its own")
    return problems
