"""What a drill asks and for how long: the prompt's own follow-up, 60 to 120 s, a countdown for exec_explain."""

import pytest

from mockloop.content.prompts import get_prompt, load_bank
from mockloop.errors import InputError
from mockloop.interview.drill import drill_limit, drill_question, drill_style
from mockloop.interview.styles import cues_for


@pytest.mark.parametrize("kind, seconds, expected", [
    ("system_design", None, 60.0), ("behavioral", None, 60.0), ("exec_explain", None, 90.0), ("system_design", 120, 120.0),
])
def test_drill_limits(kind, seconds, expected):
    assert drill_limit(kind, seconds) == expected


@pytest.mark.parametrize("seconds", [45, 121, 0])
def test_a_limit_outside_60_to_120_seconds_is_refused(seconds):
    with pytest.raises(InputError, match="60 to 120 seconds"):
        drill_limit("system_design", seconds)


def test_the_drill_asks_the_prompts_own_follow_up_for_the_item():
    prompt = get_prompt("sd-dataset-versioning")
    question = drill_question(prompt, "estimates_cost", 60)
    assert question == f"In 60 seconds: {prompt.probes['estimates_cost'][0]}"


def test_an_exec_explain_drill_says_the_seconds_left_and_other_drills_do_not():
    said = [cue.text for cue in cues_for(drill_style("exec_explain"), [], 90)]
    assert said == ["a minute left.", "thirty seconds left.", "ten seconds left."]
    assert cues_for(drill_style("system_design"), [], 60) == []
    assert any(p.kind == "exec_explain" for p in load_bank())
