"""Delivery habits as drill targets: judged against the coached thresholds, ranked beside rubric
items by the plan, and what `mockloop drill` picks when no item is named.

The store: six system design sessions a day apart in which every rubric item is met except
names_risks in the oldest two, while fillers per minute climb from 3 to well past the coached
5 a minute. The weakest skill lately is a delivery habit, not a rubric item.
"""

import copy

import pytest
from typer.testing import CliRunner

from mockloop.cli.app import app
from mockloop.config import DEFAULT_SETTINGS
from mockloop.content.prompts import get_prompt, load_bank
from mockloop.interview.drill import choose_drill, drill_question, drill_summary, score_take
from mockloop.review.habits import habits, judge
from mockloop.review.plan import make_plan, plan_lines
from mockloop.review.skills import at_a_glance, item_progress, load_skills, measure_trends

N = 6
FILLERS = [3.0, 3.4, 6.1, 7.0, 7.8, 8.5]  # per minute, oldest first: over 5 in the last four
OK = DEFAULT_SETTINGS.delivery.fillers_per_minute_ok


@pytest.fixture
def filler_history(store, make_session, sample_analysis):
    for i in range(N):
        a = copy.deepcopy(sample_analysis)
        for v in a["content"]["rubric"]:
            v["met"] = not (v["id"] == "names_risks" and i < 2)
        a["delivery"]["fillers_per_minute"] = FILLERS[i]
        make_session(day=10 + i, analysis=a)
    return store


@pytest.mark.parametrize("name, value, duration_s, met", [
    ("fillers_per_minute", OK, 60.0, True),
    ("fillers_per_minute", OK + 0.1, 60.0, False),
    ("long_pauses", 1, 60.0, True),  # one thinking pause in a minute is fine
    ("long_pauses", 2, 60.0, False),
    ("long_pauses", 30, 45 * 60.0, True),  # a 45-minute round may think 45 times
    ("words_per_minute", 150.0, 60.0, True),
    ("words_per_minute", 232.0, 60.0, False),
    ("words_per_minute", 95.0, 60.0, False),
    ("pitch_range_semitones", 1.4, 60.0, False),
    ("pitch_range_semitones", 5.0, 60.0, True),
    ("pitch_range_semitones", None, 60.0, None),  # not measured: not judged
])
def test_a_habit_is_met_on_the_right_side_of_its_coached_threshold(name, value, duration_s, met):
    assert judge(name, value, duration_s) is met


def test_the_plan_drills_the_habit_that_is_weakest_lately_and_says_why(filler_history):
    sessions, _ = load_skills(filler_history)
    plan = make_plan(sessions, load_bank())
    assert plan.drills[0] == ("fillers_per_minute", 2)
    assert "names_risks" not in dict(plan.drills)  # missed long ago, met four times since
    lines = plan_lines(plan)
    assert lines[0].startswith("Tomorrow: 2 drills on fillers_per_minute")
    assert f"- fillers_per_minute (delivery): off target ({habits()['fillers_per_minute'].target}) in 4 of 6 sessions, missed last time." in lines
    assert "  mockloop drill --item fillers_per_minute" in lines


def test_progress_per_skill_shows_each_habit_kept_or_missed_session_by_session(filler_history):
    sessions, _ = load_skills(filler_history)
    progress = {p.item: p for p in item_progress(sessions)}
    assert progress["fillers_per_minute"].kind == "delivery" and progress["fillers_per_minute"].bars() == "██▁▁▁▁"
    assert progress["words_per_minute"].bars() == "█" * N  # the sample answer's 156 words a minute, every time
    weakest = at_a_glance(list(progress.values()), measure_trends(sessions)).weakest
    assert weakest[0].startswith("fillers_per_minute")


def test_a_drill_without_an_item_takes_the_plans_first_drill_and_its_prompt(filler_history):
    plan = make_plan(load_skills(filler_history)[0], load_bank())
    prompt, item = choose_drill(filler_history)
    assert item == plan.drills[0][0] == "fillers_per_minute"
    assert prompt.id == plan.prompt_id


def test_a_habit_drill_counts_for_its_habit_only(filler_history, make_session, sample_analysis):
    a = copy.deepcopy(sample_analysis)
    for v in a["content"]["rubric"]:
        v["met"] = False  # a 60 s answer on fillers does not cover the rubric, and is not judged on it
    a["delivery"]["fillers_per_minute"] = 2.0
    drill = make_session(day=20, analysis=a)
    drill.record.drill = {"item": "fillers_per_minute", "habit": True, "take": 1}
    drill.save()
    sessions, _ = load_skills(filler_history)
    assert sessions[-1].mode == "drill" and sessions[-1].items == {} and sessions[-1].habits == {"fillers_per_minute": True}
    assert "names_risks" not in dict(make_plan(sessions, load_bank()).drills)


def test_a_habit_drill_asks_the_prompts_follow_up_with_the_habit_said_first():
    prompt = get_prompt("sd-dataset-versioning")
    question = drill_question(prompt, "fillers_per_minute", 60)
    assert question == f"In 60 seconds, {habits()['fillers_per_minute'].ask}: {prompt.probes[prompt.focus[0]][0]}"


def test_a_habit_take_is_scored_on_its_measure_with_the_target_and_a_tip(store, make_session, sample_analysis):
    session = make_session()
    fast = copy.deepcopy(sample_analysis)
    fast["delivery"]["words_per_minute"] = 232.0
    result = score_take(session, fast, get_prompt("sd-dataset-versioning"), "words_per_minute", number=2)
    assert result.take.item_met is False and result.habit == habits()["words_per_minute"].target
    assert result.tip.startswith("Slow down") and result.example is None
    said = drill_summary(result)
    assert said.startswith("Take 2 on words per minute: not met. You had 232 words a minute; the target is 120 to 170 words a minute.")
    assert "Delivery: 4.1 fillers a minute, 1 long pause." in said


def test_a_missed_item_take_quotes_what_met_sounds_like_from_the_model_answer(store, make_session, sample_analysis):
    from mockloop.content.model_answers import get_model_answer

    prompt = get_prompt("sd-sensor-anomaly-review")
    [missed] = [v["id"] for v in sample_analysis["content"]["rubric"] if not v["met"]][:1]
    result = score_take(make_session(), sample_analysis, prompt, missed)
    example = get_model_answer(prompt.id).met_example(missed)
    assert result.take.item_met is False and result.example == example and example
    assert drill_summary(result).endswith(f"Met sounds like this: {example}")
    met = next(v["id"] for v in sample_analysis["content"]["rubric"] if v["met"])
    assert score_take(make_session(), sample_analysis, prompt, met).example is None  # nothing to show after a hit


def test_an_unknown_drill_target_names_the_habits_too(cli):
    code, out, err = cli("drill", "--item", "fillers", "--no-speak")
    assert code == 2 and out == ""
    assert "is not a rubric item of any kind of round, nor a delivery habit (fillers_per_minute, long_pauses" in err


def test_history_separates_drills_from_full_sessions(filler_history, make_session):
    drill = make_session(day=21)
    drill.record.drill = {"item": "estimates_cost", "take": 2}
    drill.save()
    run = lambda *args: CliRunner().invoke(app, list(args), env={"COLUMNS": "100", "NO_COLOR": "1"})  # noqa: E731
    both, only, none = run("history"), run("history", "--drills"), run("history", "--no-drills")
    assert both.exit_code == only.exit_code == none.exit_code == 0, both.output + only.output + none.output
    assert f"Progress over {N + 1} sessions (1 of them drills)" in both.output and "drill, take 2" in both.output
    assert "Progress over 1 drill, oldest first" in only.output and drill.id in only.output
    assert f"Progress over {N} full sessions, oldest first" in none.output
    assert drill.id not in none.output and "drill, take" not in none.output


def test_a_stretch_to_retake_is_judged_on_the_habit_by_its_own_figures(sample_analysis):
    from mockloop.interview.drill import find_stretch

    [pause] = [p for p in sample_analysis["delivery"]["pauses"] if p["duration"] >= DEFAULT_SETTINGS.pauses.long_pause_s]
    around = find_stretch(sample_analysis, pause["start"], "long_pauses")
    assert around.measures.long_pauses == 1 and around.measures.item_met is False  # a 2 s stop inside a few seconds
    elsewhere = find_stretch(sample_analysis, 5.0, "long_pauses")
    assert elsewhere.measures.long_pauses == 0 and elsewhere.measures.item_met is True
