"""judge_content as the lead's CLI uses it: the shape of ContentResult and what extras carry."""

import json

import pytest
from content_helpers import labelled, text_transcript, time_of, timed_transcript

from mockloop.content import (
    UnknownJudgeError,
    UnknownKindError,
    get_prompt,
    judge_content,
    kinds,
    probes_for,
    rubric_ids,
)
from mockloop.errors import MockloopError

DESIGN_FIRST = (
    "So for the rate limiter I'd use Redis, um, basically a token bucket in Redis. Every request hits "
    "the gateway, which checks the bucket. Uh, what's the expected traffic, by the way? Okay, say twenty "
    "thousand requests per second. The system should have retries. There should be some monitoring on it."
)


def test_kinds_and_contract_rubric_ids():
    assert kinds() == ["system_design", "behavioral", "scenario", "technical", "exec_explain"]
    assert rubric_ids("system_design") == [
        "clarifies_requirements", "defines_success", "states_assumptions", "sizes_the_load",
        "scope_before_design", "explains_tradeoffs", "names_owners", "plans_failures",
        "monitoring_to_action", "estimates_cost", "names_risks",
    ]
    assert rubric_ids("behavioral") == ["star_situation", "star_action", "star_result", "quantified_result", "owns_actions"]
    assert rubric_ids("scenario") == ["stakeholders", "timeline_impact", "escalation", "mitigation", "prevention", "lessons"]


@pytest.mark.parametrize("kind", ["system_design", "behavioral", "scenario", "technical", "exec_explain"])
def test_one_verdict_per_rubric_item_in_rubric_order(kind):
    result = judge_content(text_transcript("Um, I'm not sure where to start."), kind)
    assert [v.id for v in result.rubric] == rubric_ids(kind)
    assert result.kind == kind
    assert isinstance(result.score, int) and 0 <= result.score <= 100


def test_evidence_carries_the_start_time_of_the_quoted_words():
    transcript = timed_transcript(labelled("dev/sd_sensor_anomaly_strong")["text"])
    result = judge_content(transcript, "system_design")
    verdict = next(v for v in result.rubric if v.id == "monitoring_to_action")
    assert verdict.met and verdict.evidence
    evidence = verdict.evidence[0]
    first_word = evidence.quote.split()[0]
    assert evidence.start == time_of(transcript, " ".join(evidence.quote.split()[:3]))
    assert first_word.lower() not in {"um,", "uh,"}


def test_text_input_gives_evidence_without_times():
    result = judge_content(text_transcript(labelled("dev/sd_sensor_anomaly_strong")["text"]), "system_design")
    evidence = [e for v in result.rubric for e in v.evidence]
    assert evidence and all(e.start is None for e in evidence)
    assert all("None" not in tip for tip in result.tips)


def test_strong_answers_score_higher_than_weak_ones():
    strong = judge_content(text_transcript(labelled("dev/sd_sensor_anomaly_strong")["text"]), "system_design")
    weak = judge_content(text_transcript(labelled("dev/sd_drift_dashboard_weak")["text"]), "system_design")
    assert strong.score >= 90 and weak.score <= 10


def test_focus_items_of_the_prompt_count_double():
    text = labelled("dev/sd_transcoding_assumptions_only")["text"]
    prompt = get_prompt("sd-transcoding")  # focus: estimates_cost, plans_failures, explains_tradeoffs
    plain = judge_content(text_transcript(text), "system_design")
    focused = judge_content(text_transcript(text), "system_design", prompt=prompt)
    met = {v.id for v in plain.rubric if v.met}
    assert {"plans_failures", "explains_tradeoffs"} <= met and "estimates_cost" not in met
    # 5 of 11 met; with focus: (5 + 2) of (11 + 3)
    assert plain.score == round(100 * 5 / 11) and focused.score == round(100 * 7 / 14)
    assert focused.extras["focus"] == prompt.focus and focused.extras["prompt_id"] == "sd-transcoding"


def test_tips_quote_the_design_statement_with_its_time():
    transcript = timed_transcript(DESIGN_FIRST)
    result = judge_content(transcript, "system_design")
    first = result.tips[0]
    assert "I'd use Redis" in first and "0:0" in first  # said in the first ten seconds
    sequencing = result.extras["sequencing"]
    assert sequencing["first_design_statement"]["start"] == time_of(transcript, "So for the rate")
    assert sequencing["scoped_before_design"] is False


def test_passive_language_is_reported_with_examples():
    result = judge_content(timed_transcript(DESIGN_FIRST), "system_design")
    language = result.extras["ownership_language"]
    assert language["passive"] >= 2 and language["committed"] == 0
    assert any("should have retries" in e["quote"] for e in language["passive_examples"])
    assert any("should have retries" in tip for tip in result.tips)


def test_committed_language_is_recognised():
    text = "We'll implement exponential backoff, owned by the ingestion team. The SRE team will run the on-call."
    language = judge_content(text_transcript(text), "system_design").extras["ownership_language"]
    assert language["committed"] == 2 and language["passive"] == 0


def test_sequencing_reports_the_order_of_assumptions_budgets_and_failures():
    text = (
        "If a worker dies, another worker picks the job up after the lease expires. "
        "I'll assume short videos, mostly under a minute. "
        "That's about five hundred uploads per second at peak."
    )
    order = judge_content(text_transcript(text), "system_design").extras["sequencing"]["order"]
    assert order["in_order"] is False
    assert order["steps"]["failure_tolerance"]["word_index"] < order["steps"]["assumptions"]["word_index"]


def test_phase_shares_add_up_to_one():
    result = judge_content(timed_transcript(labelled("dev/sd_sensor_anomaly_strong")["text"]), "system_design")
    phases = result.extras["sequencing"]["phases"]
    assert result.extras["sequencing"]["phase_basis"] == "time"
    assert [p["phase"] for p in phases][:2] == ["opening", "scoping"] or phases[0]["phase"] == "scoping"
    assert abs(sum(p["share"] for p in phases) - 1.0) < 0.01


def test_extras_are_json_serialisable():
    for name in ["dev/sd_sensor_anomaly_strong", "dev/bh_face_blur_split_launch", "dev/ex_consistency_jargon"]:
        case = labelled(name)
        result = judge_content(timed_transcript(case["text"]), case["kind"])
        json.dumps(result.extras)


def test_an_empty_answer_has_no_score():
    result = judge_content(text_transcript("um uh"), "behavioral")
    assert result.score is None
    assert [v.met for v in result.rubric] == [False] * 5


def test_unknown_kind_and_judge_are_user_errors():
    with pytest.raises(UnknownKindError) as error:
        judge_content(text_transcript("hello"), "coding")
    assert isinstance(error.value, MockloopError) and "system_design" in str(error.value)
    with pytest.raises(UnknownJudgeError):
        judge_content(text_transcript("hello"), "behavioral", judge="gpt")


def test_probes_without_a_prompt_use_the_kind_defaults():
    result = judge_content(text_transcript("I think communication is key."), "behavioral")
    probes = probes_for(None, result, n=3)
    assert len(probes) == 3 and all(p.endswith("?") for p in probes)
