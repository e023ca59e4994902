"""The prompt bank: coverage the issue asks for, and a validator that catches broken prompts."""

from collections import Counter
from pathlib import Path

import pytest
import yaml

from mockloop.content import PromptBankError, UnknownPromptError, get_prompt, kinds, load_bank, rubric_ids
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


GOOD = {
    "id": "ex-test", "company": "generic", "title": "T", "text": "Explain it.",
    "focus": ["plain_language"], "probes": {"plain_language": ["Say it without jargon."]},
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
