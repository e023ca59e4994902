"""Model answers: one per prompt, every rubric item met by the rule judge on its own moves."""

import re
from pathlib import Path

import pytest
import yaml

from mockloop.content import get_prompt, load_bank, rubric_ids
from mockloop.content.errors import ModelAnswerError, UnknownPromptError
from mockloop.content.facts import fact_for_question
from mockloop.content.model_answers import get_model_answer, judge_problems, load_answers

BANK = load_bank()
ANSWERS = load_answers()


def test_every_prompt_has_exactly_one_model_answer():
    assert sorted(ANSWERS) == sorted(p.id for p in BANK)


@pytest.mark.parametrize("prompt", BANK, ids=lambda p: p.id)
def test_the_rule_judge_marks_every_item_of_the_model_answer_met(prompt):
    # judge_problems judges the moves joined as one spoken answer: every rubric item must be met,
    # and each phrase-judged item on the words of the moves labelled with it.
    assert judge_problems(prompt, ANSWERS[prompt.id]) == []


@pytest.mark.parametrize("prompt", BANK, ids=lambda p: p.id)
def test_every_rubric_item_has_a_met_example_and_every_critical_fact_is_reached(prompt):
    answer = ANSWERS[prompt.id]
    for item_id in rubric_ids(prompt.kind):
        assert len(answer.met_example(item_id).split()) >= 4, item_id
    named = {fact for move in answer.moves for fact in move.facts}
    assert {f.id for f in prompt.facts if f.critical} <= named


@pytest.mark.parametrize("prompt", [p for p in BANK if p.kind == "system_design"], ids=lambda p: p.id)
def test_scoping_questions_reach_the_facts_they_claim(prompt):
    for move in ANSWERS[prompt.id].moves_for("clarifies_requirements"):
        questions = [s for s in re.split(r"(?<=[.?])\s+", move.say) if s.endswith("?")]
        reached = {fact.id for fact in (fact_for_question(prompt, q) for q in questions) if fact}
        assert set(move.facts) <= reached, (move.facts, reached)


def test_a_short_weak_text_is_not_a_model_answer():
    """The check is not vacuous: a rambling answer fails it, naming the items it misses."""
    from mockloop.content.model_answers import ModelAnswer, Move

    prompt = get_prompt("sd-rate-limiter")
    weak = ModelAnswer(
        prompt.id,
        prompt.kind,
        tuple(
            Move(item, item.replace("_", " "), "I would use Redis for the counters and it should scale well.")
            for item in rubric_ids(prompt.kind)
        ),
    )
    problems = judge_problems(prompt, weak)
    assert any("estimates_cost not met" in p for p in problems)
    assert any("monitoring_to_action not met" in p for p in problems)


def test_get_model_answer_of_an_unknown_prompt_is_a_user_error():
    with pytest.raises(UnknownPromptError):
        get_model_answer("sd-rate-limter")


# --- the validator, on small banks in a temporary folder -------------------------------------------

FACT = {"id": "audience", "critical": True, "asked_by": ["who is listening"], "answer": "The finance team."}
PROMPT = {
    "id": "ex-test", "company": "generic", "title": "T", "text": "Explain it.",
    "focus": ["plain_language"], "probes": {"plain_language": ["Say it without jargon."]}, "facts": [FACT],
}


def full_moves():
    return [{"item": i, "label": i.replace("_", " "), "say": "We should do it."} for i in rubric_ids("exec_explain")]


def write(folder: Path, answers: dict) -> Path:
    bank = {
        "kind": "exec_explain",
        "defaults": {"time_limit_s": 90, "phases": [["explain", 90]], "probes": {i: ["Why?"] for i in rubric_ids("exec_explain")}},
        "prompts": [PROMPT],
    }
    (folder / "exec.yaml").write_text(yaml.safe_dump(bank), encoding="utf-8")
    (folder / "model_answers").mkdir(exist_ok=True)
    (folder / "model_answers" / "exec_explain.yaml").write_text(
        yaml.safe_dump({"kind": "exec_explain", "answers": answers}), encoding="utf-8"
    )
    return folder


def test_a_valid_custom_answer_file_loads(tmp_path):
    answers = load_answers(write(tmp_path, {"ex-test": {"moves": full_moves()}}))
    assert [m.item for m in answers["ex-test"].moves] == rubric_ids("exec_explain")


@pytest.mark.parametrize(
    "answers, problem",
    [
        ({}, "ex-test: no model answer"),
        ({"ex-test": {"moves": full_moves()}, "ex-other": {"moves": full_moves()}}, "ex-other: a model answer for a prompt the bank does not have"),
        ({"ex-test": {"moves": full_moves()[1:]}}, "no move meets leads_with_recommendation"),
        ({"ex-test": {"moves": full_moves() + [{"item": "charisma", "label": "x", "say": "Hello there."}]}}, "'charisma' is not a exec_explain rubric item"),
        ({"ex-test": {"moves": full_moves() + [{"item": "plain_language", "label": "x", "say": "Hi.", "facts": ["budget"]}]}}, "unknown facts ['budget']"),
        ({"ex-test": {"moves": full_moves() + [{"item": "plain_language", "label": "x", "say": ""}]}}, "label and say are required"),
        ({"ex-test": {"moves": full_moves() + [{"item": "plain_language", "label": "x", "say": "It is **fast**."}]}}, "contains markup; it is spoken"),
        ({"ex-test": {"moves": full_moves() + [{"item": "plain_language", "label": "cost, risks", "say": "Fine."}]}}, "label has a comma"),
        ({"ex-test": {}}, "model answer has no moves"),
    ],
)
def test_the_validator_names_the_problem(tmp_path, answers, problem):
    with pytest.raises(ModelAnswerError) as error:
        load_answers(write(tmp_path, answers))
    assert problem in str(error.value) and "\n" not in str(error.value)


def test_a_bank_without_model_answers_is_a_user_error(tmp_path):
    folder = write(tmp_path, {})
    (folder / "model_answers" / "exec_explain.yaml").unlink()
    with pytest.raises(ModelAnswerError, match="No model answer files"):
        load_answers(folder)
