"""Agreement of the rule-based judge with the labelled answers (the issue's accuracy targets).

How each split was written and first measured is in labelled/README.md; once a blind split's
errors were fixed it became a regression set, which is what these tests guard.
"""

import subprocess
import sys

import pytest
from content_helpers import LABELLED

from mockloop.content import kinds, rubric_ids
from mockloop.content.eval import evaluate, labelled_files, load_labelled
from mockloop.content.prompts import load_bank

TARGET_AGREEMENT = 0.85
TARGET_F1 = 0.80


def test_there_are_at_least_40_labelled_answers_of_every_kind_good_and_weak():
    cases = [load_labelled(p) for p in labelled_files(LABELLED)]
    assert len(cases) >= 40
    for kind in kinds():
        of_kind = [c for c in cases if c["kind"] == kind]
        assert any(all(c["labels"].values()) for c in of_kind) or any(sum(c["labels"].values()) >= 5 for c in of_kind)
        assert any(sum(c["labels"].values()) <= 1 for c in of_kind), kind


def test_every_labelled_answer_labels_every_rubric_item_and_names_a_real_prompt():
    prompt_ids = {p.id for p in load_bank()}
    for path in labelled_files(LABELLED):
        case = load_labelled(path)
        assert sorted(case["labels"]) == sorted(rubric_ids(case["kind"])), path.name
        raw = path.read_text(encoding="utf-8")
        if "\nprompt:" in raw:
            prompt_id = raw.split("\nprompt:")[1].split()[0]
            assert prompt_id in prompt_ids, (path.name, prompt_id)


@pytest.mark.parametrize("split", sorted(p.name for p in LABELLED.iterdir() if p.is_dir()))
def test_rule_judge_meets_the_targets(split):
    report = evaluate(LABELLED / split)
    assert report.total.agreement >= TARGET_AGREEMENT
    assert report.total.f1 >= TARGET_F1


def test_the_eval_command_prints_items_and_totals():
    result = subprocess.run(
        [sys.executable, "-m", "mockloop.content.eval", str(LABELLED)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "system_design/plans_failures" in result.stdout
    assert "heldout" in result.stdout and "agreement" in result.stdout and "F1(met)" in result.stdout


def test_the_eval_command_rejects_a_missing_folder(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "mockloop.content.eval", str(tmp_path / "none")], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 2 and "not a folder" in result.stderr
