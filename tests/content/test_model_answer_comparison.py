"""The candidate's answer beside the model answer: which moves were made, which are missing."""

import pytest
from content_helpers import labelled, text_transcript, timed_transcript

from mockloop.content import get_prompt, judge_content
from mockloop.content.comparison import comparison_for, compare_with_model
from mockloop.content.model_answers import get_model_answer


def compare(text, prompt_id, timed=False):
    prompt = get_prompt(prompt_id)
    transcript = timed_transcript(text) if timed else text_transcript(text)
    return compare_with_model(prompt, judge_content(transcript, prompt.kind, prompt=prompt))


@pytest.mark.parametrize(
    "answer",
    ["dev/sd_rate_limiter_no_cost", "dev/bh_two_vps_short_no_numbers", "dev/sc_accuracy_drop_no_comms", "dev/sd_drift_dashboard_weak"],
)
def test_a_weak_answer_lists_the_moves_of_the_items_it_missed(answer):
    case = labelled(answer)
    comparison = compare(case["text"], case["prompt"])
    unmet = {item for item, met in case["labels"].items() if not met}
    model = get_model_answer(case["prompt"])
    expected_missing = [move.label for move in model.moves if move.item in unmet]
    assert comparison.missing == expected_missing
    assert comparison.made == len(model.moves) - len(expected_missing)


def test_the_summary_counts_the_moves_and_names_the_missing_ones():
    case = labelled("dev/sd_rate_limiter_no_cost")
    comparison = compare(case["text"], case["prompt"])
    cost = next(m.label for m in get_model_answer("sd-rate-limiter").moves if m.item == "estimates_cost")
    assert comparison.summary() == f"10 of the 11 moves; missing: {cost}"


def test_the_model_answer_itself_makes_every_move():
    comparison = compare(get_model_answer("sc-launch-day-outage").text, "sc-launch-day-outage")
    assert comparison.missing == [] and comparison.summary() == "6 of the 6 moves; none missing"


def test_a_made_move_carries_the_candidates_own_words_and_when_they_were_said():
    case = labelled("dev/sd_rate_limiter_no_cost")
    comparison = compare(case["text"], case["prompt"], timed=True)
    spoken = " ".join(case["text"].split())
    for move in comparison.moves:
        if move.made and move.item != "scope_before_design":
            assert move.candidate and move.candidate in spoken and move.candidate_start is not None, move.label
        if not move.made:
            assert move.candidate == "" and move.candidate_start is None
    assert all(move.model for move in comparison.moves)


def test_no_comparison_for_an_answer_judged_with_another_kind_or_an_empty_answer():
    prompt = get_prompt("sd-rate-limiter")
    text = labelled("dev/bh_two_vps_short_no_numbers")["text"]
    assert compare_with_model(prompt, judge_content(text_transcript(text), "behavioral", prompt=prompt)) is None
    assert compare_with_model(prompt, judge_content(text_transcript(""), "system_design", prompt=prompt)) is None


def test_the_views_get_none_for_a_prompt_the_bank_no_longer_has():
    result = judge_content(text_transcript(labelled("dev/sd_rate_limiter_no_cost")["text"]), "system_design")
    assert comparison_for(result, "sd-retired-prompt") is None
    assert comparison_for(result, None) is None
    assert comparison_for(result, "sd-rate-limiter").made == 10


def test_a_follow_up_answer_is_not_set_beside_the_whole_model_answer():
    from mockloop.content.probes import FollowUp, judge_follow_up

    prompt = get_prompt("sd-rate-limiter")
    text = "It would cost about six thousand dollars a month for the Redis clusters in three regions."
    whole = judge_content(text_transcript(text), prompt.kind, prompt=prompt)
    probe = prompt.probes["estimates_cost"][0]
    follow_up = FollowUp(items=("estimates_cost",), text=probe, probe=probe)
    assert comparison_for(judge_follow_up(whole, follow_up, prompt), prompt.id) is None


def test_the_terminal_scorecard_shows_the_comparison_for_a_prompt(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    case = labelled("dev/sd_rate_limiter_no_cost")
    answer = tmp_path / "answer.txt"
    answer.write_text(case["text"], encoding="utf-8")
    src = Path(__file__).resolve().parents[2] / "src"
    done = subprocess.run(
        [sys.executable, "-m", "mockloop", "analyze", str(answer), "--prompt", "sd-rate-limiter"],
        capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(src), "COLUMNS": "200"},
    )
    assert done.returncode == 0, done.stderr
    out = " ".join(done.stdout.replace("│", " ").split())
    cost = next(m for m in get_model_answer("sd-rate-limiter").moves if m.item == "estimates_cost")
    assert f"Against the model answer: 10 of the 11 moves; missing: {cost.label}" in out
    assert " ".join(cost.say.split()[:6]) in out  # the model's words beside the missing move


def test_the_eval_prints_both_measures_beside_their_baselines(tmp_path, capsys):
    import shutil

    from content_helpers import LABELLED
    from mockloop.content.model_answer_eval import main

    for name in ("dev/sd_rate_limiter_no_cost", "dev/sd_drift_dashboard_weak"):
        shutil.copy(LABELLED / f"{name}.yaml", tmp_path)
    assert main([str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "all                 41        41" in out  # every model answer fully met
    # 11 + 11 moves; the rate limiter misses only cost (10 labelled met), the drift answer all.
    assert "labelled answers with a prompt: 2 (22 moves)" in out
    assert f"every move made: {10 / 22:.3f}" in out and "as the human labels say: 1.000" in out
