"""The prompt bank: coverage the issue asks for, and a validator that catches broken prompts."""

from collections import Counter
from pathlib import Path

import pytest
import yaml

from mockloop.content import PromptBankError, UnknownPromptError, get_prompt, kinds, load_bank, rubric_ids
from mockloop.content.facts import MARKUP, Fact, fact_for_question
from mockloop.content.prompts import COMPANIES, bank_dir, filter_prompts, validate_bank
from mockloop.errors import MockloopError

REPO_PROMPTS = Path(__file__).resolve().parents[2] / "prompts"


def test_the_bank_loads_from_the_repository_prompts_folder(monkeypatch):
    monkeypatch.delenv("MOCKLOOP_PROMPTS_DIR", raising=False)
    assert bank_dir() == REPO_PROMPTS


def test_the_bank_is_valid():
    assert validate_bank(load_bank()) == []


def test_at_least_36_prompts_covering_every_kind_and_company():
    prompts = load_bank()
    assert len(prompts) >= 36
    by_kind = Counter(p.kind for p in prompts)
    assert set(by_kind) == set(kinds())
    assert by_kind["system_design"] >= 10 and by_kind["behavioral"] >= 4 and by_kind["scenario"] >= 3
    assert {p.company for p in prompts} == set(COMPANIES)


@pytest.mark.parametrize(
    "prompt_id",
    [
        "sd-sensor-anomaly-review", "sd-dataset-versioning", "sd-low-confidence-routing", "sd-drift-dashboard",
        "sd-video-analytics", "sd-notification-system", "sd-transcoding", "sd-bot-detection", "sd-rate-limiter",
        "bh-push-back-engineering", "bh-project-off-track", "bh-two-vps", "bh-influence-without-authority",
        "sc-model-deploy-delayed", "sc-accuracy-drop-20", "sc-regulatory-six-weeks",
        "td-failed-canary", "td-retry-race", "ex-delay-vs-ship",
    ],
)
def test_the_topics_named_in_the_issue_are_in_the_bank(prompt_id):
    assert get_prompt(prompt_id).text


def test_time_limits_follow_the_round():
    design = get_prompt("sd-rate-limiter")
    assert design.time_limit_s == 2700
    assert design.phases == [("intro", 300), ("design", 2100), ("questions", 300)]
    assert get_prompt("ex-delay-vs-ship").time_limit_s == 90


def test_every_prompt_has_a_probe_for_every_gap_and_its_own_for_focus_items():
    for prompt in load_bank():
        assert set(rubric_ids(prompt.kind)) <= set(prompt.probes), prompt.id
        for item_id in prompt.focus:
            assert prompt.probes[item_id][0] == prompt.own_probes[item_id][0], prompt.id


def test_the_failure_probe_from_the_issue_is_asked_for_missing_failure_plans():
    probe = "What happens when half of the uploads fail because of network jitter in remote regions?"
    assert probe in get_prompt("sd-sensor-anomaly-review").probes["plans_failures"]


def test_filtering_by_kind_and_company():
    prompts = load_bank()
    chosen = filter_prompts(prompts, kind="system_design", company="tiktok")
    assert chosen and all(p.kind == "system_design" and p.company == "tiktok" for p in chosen)


def test_an_unknown_id_is_a_one_line_user_error():
    with pytest.raises(UnknownPromptError) as error:
        get_prompt("sd-rate-limter")
    assert isinstance(error.value, MockloopError)
    message = str(error.value)
    assert "\n" not in message and "sd-rate-limter" in message and "mockloop prompts" in message


def write_bank(folder: Path, prompt: dict) -> Path:
    data = {
        "kind": "exec_explain",
        "defaults": {"time_limit_s": 90, "phases": [["explain", 90]], "probes": {i: ["Why?"] for i in rubric_ids("exec_explain")}},
        "prompts": [prompt],
    }
    (folder / "exec.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    return folder


FACT = {"id": "audience", "critical": True, "asked_by": ["who is listening"], "answer": "The finance team."}
GOOD = {
    "id": "ex-test", "company": "generic", "title": "T", "text": "Explain it.",
    "focus": ["plain_language"], "probes": {"plain_language": ["Say it without jargon."]},
    "facts": [FACT],
}


def test_a_valid_custom_bank_loads_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("MOCKLOOP_PROMPTS_DIR", str(write_bank(tmp_path, GOOD)))
    assert [p.id for p in load_bank()] == ["ex-test"]


@pytest.mark.parametrize(
    "change, problem",
    [
        ({"focus": ["charisma"]}, "unknown rubric ids"),
        ({"probes": {}}, "no prompt-specific probe for focus item plain_language"),
        ({"company": "acme"}, "company 'acme'"),
        ({"id": "Bad Id"}, "id must be lower-case"),
        ({"phases": [["explain", 60]]}, "phases add up to 60 s"),
        ({"facts": []}, "ex-test: no facts"),
        ({"facts": [FACT, FACT]}, "duplicate fact id audience"),
        ({"facts": [{**FACT, "id": "Audience-Size"}]}, "fact id 'Audience-Size' must be snake_case"),
        ({"facts": [{**FACT, "asked_by": []}]}, "fact audience has no asked_by phrase"),
        ({"facts": [{**FACT, "asked_by": ["?!"]}]}, "fact audience has no asked_by phrase"),
        ({"facts": [{**FACT, "answer": "  "}]}, "fact audience has no answer"),
        ({"facts": [{**FACT, "answer": "The **finance** team."}]}, "fact audience answer contains markup"),
        ({"facts": [{**FACT, "answer": "<speak>The finance team.</speak>"}]}, "fact audience answer contains markup"),
        ({"facts": [{**FACT, "critical": False}]}, "no critical fact"),
    ],
)
def test_the_validator_names_the_problem(tmp_path, change, problem):
    write_bank(tmp_path, {**GOOD, **change})
    with pytest.raises(PromptBankError) as error:
        load_bank(tmp_path)
    assert problem in str(error.value)


def test_duplicate_ids_are_rejected(tmp_path):
    write_bank(tmp_path, GOOD)
    (tmp_path / "copy.yaml").write_text((tmp_path / "exec.yaml").read_text(), encoding="utf-8")
    with pytest.raises(PromptBankError, match="duplicate id"):
        load_bank(tmp_path)


def test_the_readme_lists_every_rubric_id():
    readme = (REPO_PROMPTS / "README.md").read_text(encoding="utf-8")
    for kind in kinds():
        for item_id in rubric_ids(kind):
            assert item_id in readme, item_id


def test_every_prompt_has_a_fact_sheet_with_two_to_four_critical_facts():
    for prompt in load_bank():
        ids = [fact.id for fact in prompt.facts]
        assert len(ids) >= 3 and len(ids) == len(set(ids)), prompt.id
        assert all(isinstance(fact, Fact) and fact.asked_by and fact.answer for fact in prompt.facts), prompt.id
        assert 2 <= sum(fact.critical for fact in prompt.facts) <= 4, prompt.id


def test_fact_answers_are_short_plain_speech():
    for prompt in load_bank():
        for fact in prompt.facts:
            assert not MARKUP.search(fact.answer), (prompt.id, fact.id)
            sentences = [s for s in fact.answer.replace("?", ".").split(". ") if s.strip()]
            assert len(sentences) <= 2 and len(fact.answer.split()) <= 40, (prompt.id, fact.id)


def test_system_design_sheets_hold_users_volume_and_at_least_five_topics():
    topics = {"users", "volume", "latency", "data_sensitivity", "regions", "budget", "teams", "existing"}
    for prompt in filter_prompts(load_bank(), kind="system_design"):
        ids = {fact.id for fact in prompt.facts}
        assert {"users", "volume"} <= ids and len(ids & topics) >= 5, prompt.id


def test_the_offline_fleet_fact_from_the_issue_is_critical():
    fact = fact_for_question(get_prompt("sd-lidar-data-lake"), "How does the data arrive from the vehicles?")
    assert fact is not None and fact.critical and "depot" in fact.answer


@pytest.mark.parametrize(
    "prompt_id, question, fact_id",
    [
        ("sd-notification-system", "Are we serving one million or a hundred million users?", "volume"),
        ("sd-sensor-anomaly-review", "Is this real-time or batch?", "latency"),
        ("sd-sensor-anomaly-review", "Who owns operations?", "teams"),
        ("sd-sensor-anomaly-review", "Before I start, who are the users of the flags?", "users"),
        ("sd-sensor-anomaly-review", "How does the data arrive from the plants, is connectivity reliable?", "regions"),
        ("sd-rate-limiter", "What's the peak QPS we need to handle?", "volume"),
        ("sd-rate-limiter", "Is the limit per key across all three regions?", "regions"),
        ("sd-video-analytics", "What's the network bandwidth like in a store?", "regions"),
        ("sd-dataset-versioning", "Are there privacy constraints on the images?", "data_sensitivity"),
        ("sd-low-confidence-routing", "What's the turnaround time the customer expects?", "latency"),
        ("sd-model-serving", "What do teams use today?", "existing"),
        ("sd-llm-eval-harness", "By when does the report need to be ready?", "latency"),
        ("sc-accuracy-drop-20", "Did anything get deployed on Friday?", "changes"),
        ("sc-launch-day-outage", "Is the feature behind a feature flag?", "rollback"),
        ("bh-two-vps", "Does it have to be VPs, or any senior leaders?", "example_scope"),
        ("ex-delay-vs-ship", "How bad are the known quality problems?", "quality_problems"),
        ("td-gpu-memory-leak", "How much detail do you want?", "depth"),
        ("sd-drift-dashboard", "How late do the labels arrive?", "latency"),
        ("sc-key-engineer-leaves", "Is there anyone else who knows the design?", "knowledge"),
    ],
)
def test_a_question_reaches_the_fact_it_asks_for(prompt_id, question, fact_id):
    fact = fact_for_question(get_prompt(prompt_id), question)
    assert fact is not None and fact.id == fact_id


@pytest.mark.parametrize(
    "prompt_id, question",
    [
        ("sd-sensor-anomaly-review", "Should I keep speaking?"),  # "peak" inside "speaking"
        ("sd-rate-limiter", "Can I draw on the whiteboard?"),
        ("sd-rate-limiter", "Let me think about this for a second."),
        ("sd-feature-store", "Does that make sense so far?"),
        ("sd-transcoding", "Could you repeat the question?"),
        ("bh-project-off-track", "Can I take a moment to think?"),
        ("ex-human-review-cost", ""),
        ("sd-notification-system", "What is the budget?"),  # not on this sheet: the style's neutral reply
    ],
)
def test_a_question_that_asks_for_no_fact_reaches_none(prompt_id, question):
    assert fact_for_question(get_prompt(prompt_id), question) is None


def test_the_longest_matching_phrase_wins():
    prompt = get_prompt("sd-notification-system")
    assert fact_for_question(prompt, "Who are the users?").id == "users"
    assert fact_for_question(prompt, "How many users do we have?").id == "volume"
    sensors = get_prompt("sd-sensor-anomaly-review")
    assert fact_for_question(sensors, "How many reviewers are there?").id == "users"
    assert fact_for_question(sensors, "How many readings come in?").id == "volume"
