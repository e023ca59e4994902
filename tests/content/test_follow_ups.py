"""Follow-ups that fit the answer: chosen from what is missing, worded from what was said, judged
on what they asked, and never lowering the session's score."""

from __future__ import annotations

import pytest

from mockloop.content import get_prompt, judge_content
from mockloop.content.model_answers import load_answers
from mockloop.content.probes import FollowUp, follow_ups, judge_follow_up, session_content_score
from mockloop.content.rubric import get_rubric

from content_helpers import text_transcript, timed_transcript

ROBOTS = (
    "Okay so the sensors stream into a gateway. We have two thousand robots, each sends a reading every second, "
    "so two thousand readings a second. I'd put Kafka in front of the detector because it buffers bursts, instead "
    "of writing straight to the database. Reviewers confirm or dismiss the flags in a queue, and confirmed labels "
    "go back to training."
)


def judged(prompt_id: str, text: str, timed: bool = False):
    prompt = get_prompt(prompt_id)
    transcript = timed_transcript(text) if timed else text_transcript(text)
    return prompt, transcript, judge_content(transcript, prompt.kind, prompt=prompt)


def without(answer, item_id: str) -> str:
    return " ".join(move.say for move in answer.moves if move.item != item_id)


def test_a_sized_load_is_not_asked_about_again_as_an_assumption():
    prompt, transcript, result = judged("sd-sensor-anomaly-review", ROBOTS)
    assert {v.id for v in result.rubric if v.met} >= {"sizes_the_load"}
    asked = follow_ups(prompt, result, transcript, n=11)
    assert "states_assumptions" in {item for f in asked for item in f.items}
    assert not any("traffic" in f.text.lower() for f in asked)


def test_follow_ups_quote_the_candidate_and_keep_the_bank_question():
    prompt, transcript, result = judged("sd-sensor-anomaly-review", ROBOTS, timed=True)
    [first, second] = follow_ups(prompt, result, transcript, n=2)
    # focus items first: plans_failures and monitoring_to_action are the prompt's focus gaps
    assert first.items == ("plans_failures",) and second.items == ("monitoring_to_action",)
    # nothing was said about failures or uploads: the bank question is asked as it is
    assert first.quote is None and first.text == first.probe
    # the reviewers came up: the follow-up about them picks up the candidate's own words
    assert second.quote and second.quote in ROBOTS and second.quote_start is not None
    assert second.text == f'You said "{second.quote}". {second.probe}'
    assert "Reviewers confirm or dismiss the flags" in second.quote and "reviewers fall behind" in second.probe


@pytest.mark.parametrize("prompt_id", ["sd-sensor-anomaly-review", "sd-rate-limiter", "bh-push-back-engineering", "bh-two-vps"])
def test_an_answer_that_meets_the_whole_rubric_gets_no_follow_up(prompt_id):
    answer = load_answers()[prompt_id]
    prompt, transcript, result = judged(prompt_id, answer.text)
    assert result.score == 100
    assert follow_ups(prompt, result, transcript, n=2) == []


@pytest.mark.parametrize(
    "prompt_id, dropped",
    [
        ("sd-sensor-anomaly-review", "plans_failures"),
        ("sd-sensor-anomaly-review", "estimates_cost"),
        ("sd-rate-limiter", "names_owners"),
        ("bh-push-back-engineering", "star_situation"),
        ("sc-model-deploy-delayed", "escalation"),
    ],
)
def test_the_one_missing_item_is_the_one_follow_up_and_its_answer_restores_the_score(prompt_id, dropped):
    answer = load_answers()[prompt_id]
    prompt, transcript, result = judged(prompt_id, without(answer, dropped))
    missed = [v.id for v in result.rubric if not v.met]
    assert dropped in missed
    asked = follow_ups(prompt, result, transcript, n=2)
    assert asked and asked[0].items == (dropped,)
    assert all(item in missed for f in asked for item in f.items)

    reply = answer.met_example(dropped)
    content = judge_content(text_transcript(reply), prompt.kind, prompt=prompt)
    focused = judge_follow_up(content, asked[0], prompt)
    assert [v.id for v in focused.rubric] == [dropped] and focused.score == 100
    overall = session_content_score(prompt, result, [(asked[0].items, focused)])
    assert overall > result.score


def test_a_direct_answer_to_a_follow_up_is_judged_on_its_question_only():
    prompt = get_prompt("sd-sensor-anomaly-review")
    follow_up = FollowUp(items=("names_owners",), text="Which team owns each of those components?", probe="")
    reply = "The platform team owns ingestion and its on-call, and the operations group owns the review queue."
    whole = judge_content(text_transcript(reply), "system_design", prompt=prompt)
    focused = judge_follow_up(whole, follow_up, prompt)
    assert whole.score < 20  # against the whole rubric, a two-sentence reply fails almost everything
    assert [(v.id, v.met) for v in focused.rubric] == [("names_owners", True)]
    assert focused.score == 100 and focused.tips == []
    assert focused.extras["follow_up"]["items"] == ["names_owners"]


@pytest.mark.parametrize(
    "asked, follow_up_met, expected",
    [
        (("plans_failures",), {"plans_failures"}, "higher"),  # earned what it asked for
        (("plans_failures",), set(), "same"),  # a weak follow-up answer takes nothing away
        (("plans_failures",), {"estimates_cost"}, "same"),  # credit only for what was asked
        (("sizes_the_load",), {"sizes_the_load"}, "same"),  # already met in the main answer
    ],
)
def test_the_session_score_is_the_main_score_plus_what_follow_ups_earned(asked, follow_up_met, expected):
    prompt, _, main = judged("sd-sensor-anomaly-review", ROBOTS)
    ids = get_rubric("system_design").ids
    reply = judge_content(text_transcript("placeholder"), "system_design", prompt=prompt)
    for verdict in reply.rubric:
        verdict.met = verdict.id in follow_up_met
    reply.score = 0
    overall = session_content_score(prompt, main, [(asked, reply)])
    assert len(main.rubric) == len(ids)
    assert (overall > main.score) if expected == "higher" else (overall == main.score)


def test_without_a_main_score_there_is_no_session_score():
    prompt, _, empty = judged("sd-sensor-anomaly-review", "um uh")
    assert session_content_score(prompt, empty, []) is None


def test_mid_answer_the_follow_up_is_on_a_gap_still_open_in_the_words_so_far():
    from mockloop.content.probes import follow_up_now

    prompt = get_prompt("sd-sensor-anomaly-review")
    heard = timed_transcript(ROBOTS).words
    follow_up = follow_up_now(prompt, heard)
    assert follow_up.items == ("plans_failures",) and follow_up.text.endswith(follow_up.probe)
    complete = text_transcript(load_answers()["sd-sensor-anomaly-review"].text).words
    assert follow_up_now(prompt, complete) is None
    assert follow_up_now(prompt, []) is None
