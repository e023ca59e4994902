"""The practice plan and progress per skill, on a store of generated sessions with known weaknesses.

Eight system design sessions a day apart: estimates_cost is missed in every one, names_risks is met
in the first half and missed in the second, clarifies_requirements the other way round (an
improvement), and fillers per minute climb. Every other item is met except for one miss each at a
random session (seeded), so the weaknesses have to stand out from noise.
"""

import copy
import random

import pytest
from typer.testing import CliRunner

from mockloop.cli.app import app
from mockloop.content.prompts import get_prompt, load_bank
from mockloop.review.plan import make_plan, plan_lines, weaknesses
from mockloop.review.skills import at_a_glance, item_progress, load_skills, measure_trends

N = 8
ALWAYS_MISSED = "estimates_cost"
LATELY_MISSED = "names_risks"
IMPROVED = "clarifies_requirements"


def outcome(item: str, i: int, noise: dict[str, int]) -> bool:
    if item == ALWAYS_MISSED:
        return False
    if item == LATELY_MISSED:
        return i < N // 2
    if item == IMPROVED:
        return i >= N // 2
    return noise.get(item) != i


@pytest.fixture
def history(store, make_session, sample_analysis):
    rng = random.Random(15)
    noise = {v["id"]: rng.randrange(N) for v in sample_analysis["content"]["rubric"]}
    for i in range(N):
        a = copy.deepcopy(sample_analysis)
        for v in a["content"]["rubric"]:
            v["met"] = outcome(v["id"], i, noise)
        a["delivery"]["fillers_per_minute"] = round(2.0 + 0.6 * i + rng.uniform(-0.2, 0.2), 2)
        make_session(day=10 + i, analysis=a)
    return store


def test_the_plan_names_the_items_missed_most_often_and_most_recently(history):
    sessions, skipped = load_skills(history)
    assert len(sessions) == N and skipped == []
    plan = make_plan(sessions, load_bank())
    drilled = [item for item, _ in plan.drills]
    assert drilled == [ALWAYS_MISSED, LATELY_MISSED]
    assert dict(plan.drills)[ALWAYS_MISSED] == 2
    assert IMPROVED not in {w.item for w in plan.weaknesses}  # met lately: not a weakness now


def test_the_plan_flags_fillers_trending_the_wrong_way(history):
    plan = make_plan(load_skills(history)[0], load_bank())
    worse = {t.name: t for t in plan.worsening}
    assert "fillers_per_minute" in worse and worse["fillers_per_minute"].later > worse["fillers_per_minute"].earlier


def test_the_plan_picks_a_prompt_that_exercises_the_weak_item_in_its_company_style(history):
    plan = make_plan(load_skills(history)[0], load_bank())
    chosen = get_prompt(plan.prompt_id)
    assert chosen.kind == "system_design" and ALWAYS_MISSED in chosen.focus
    lines = plan_lines(plan)
    assert lines[0].startswith(f"Tomorrow: 2 drills on {ALWAYS_MISSED}") and plan.prompt_id in lines[0]
    assert f"  mockloop drill --item {ALWAYS_MISSED}" in lines
    assert any(line.startswith("- fillers/min went the wrong way") for line in lines)


def test_a_miss_long_ago_weighs_less_than_a_miss_last_time(history):
    ranked = {w.item: w for w in weaknesses(load_skills(history)[0])}
    assert ranked[LATELY_MISSED].weight > 0.5 > ranked[IMPROVED].weight
    assert ranked[LATELY_MISSED].missed == ranked[IMPROVED].missed == N // 2


def test_per_item_history_shows_met_over_time_and_the_glance_names_gains_and_weak_skills(history):
    sessions = load_skills(history)[0]
    progress = {p.item: p for p in item_progress(sessions)}
    assert progress[ALWAYS_MISSED].bars() == "▁" * N
    assert progress[IMPROVED].bars() == "▁" * (N // 2) + "█" * (N // 2)
    glance = at_a_glance(list(progress.values()), measure_trends(sessions))
    assert glance.improvements[0].startswith(IMPROVED)
    assert [w.split()[0] for w in glance.weakest[:2]] == [ALWAYS_MISSED, LATELY_MISSED]


def test_an_empty_history_plans_a_first_interview(store):
    assert plan_lines(make_plan(load_skills(store)[0], load_bank())) == [
        "No analysed sessions yet: start with `mockloop interview`, then ask again."
    ]


def run(*args):
    return CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": "140", "NO_COLOR": "1"})


def test_plan_and_history_commands_print_the_plan_and_the_per_skill_table(history):
    planned = run("plan")
    assert planned.exit_code == 0, planned.output
    assert planned.output.startswith(f"Tomorrow: 2 drills on {ALWAYS_MISSED}")
    shown = run("history")
    assert shown.exit_code == 0, shown.output
    assert f"{ALWAYS_MISSED}" in shown.output and "▁" * N in shown.output
    assert "At a glance" in shown.output and "Weakest skills: " + ALWAYS_MISSED in shown.output


@pytest.mark.parametrize("args, message", [
    (("plan", "--last", "0"), "--last must be 1 or more"),
    (("drill", "--item", "no_such_item", "--no-speak"), "is not a rubric item of any kind"),
    (("drill", "--from", "last", "--no-speak"), "--from and --at go together"),
    (("drill", "--from", "last", "--at", "1:75", "--no-speak"), "is not a time"),
])
def test_bad_practice_input_is_one_line_on_stderr(history, cli, args, message):
    code, out, err = cli(*args)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and message in err


def test_the_history_report_draws_the_glance_and_met_per_item(history, tmp_path):
    out = tmp_path / "progress.html"
    result = run("report", "--history", "--out", out)
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    glance = page[page.index("At a glance"):page.index("Progress per skill")]
    assert glance.index("Weakest skills") < glance.index(ALWAYS_MISSED)
    row = page[page.index(f"<td>{ALWAYS_MISSED}<br>"):]
    row = row[:row.index("</tr>")]
    assert row.count("title='missed'") == N and "title='met'" not in row


@pytest.fixture
def sounding_history(store, make_session, sounded):
    """Eight sessions: uptalk climbs from 1 to 6 statements, the voice drops from 120 to 95 Hz (a
    change, not a fault), the pitch range stays at 4.2-4.4 st and the first point comes sooner."""
    for i in range(N):
        make_session(day=10 + i, analysis=sounded(
            uptalk=1 + (5 * i) // (N - 1), pitch_median_hz=120.0 - 25.0 * i / (N - 1), pitch_range_semitones=4.2 + 0.2 * (i % 2),
            first_point_s=80.0 - 8.0 * i,
        ))
    return store


def test_the_plan_flags_uptalk_climbing_and_never_a_change_of_median_pitch(sounding_history):
    sessions = load_skills(sounding_history)[0]
    plan = make_plan(sessions, load_bank())
    assert [t.name for t in plan.worsening] == ["uptalk"]
    assert "- uptalk endings went the wrong way: 1.75 earlier, 4.5 lately." in plan_lines(plan)
    trends = {t.name: t for t in measure_trends(sessions)}
    assert (trends["pitch_median_hz"].verdict, trends["pitch_range_semitones"].verdict) == ("", "same")
    assert trends["first_point_s"].verdict == "improved"
    assert trends["uptalk"].bars() == "▁▁▂▄▄▅▇█"  # 1, 1, 2, 3, 3, 4, 5, 6
