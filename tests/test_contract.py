"""`mockloop analyze --json` keeps the mockloop.analysis/1 contract (shared/design/analysis-contract.md).

The audio case is the real command on audio_fixtures/sample_answer.flac, run once per session
(the sample_json_run fixture). The shape is checked with a small structural checker written here
(jsonschema is not a dependency): every field the contract names, with its type; fields may be
added, so extra keys are allowed.
"""

from __future__ import annotations

import json
import math
import re

import pytest

try:  # the content judge is a separate package of mockloop; without it the rubric must be empty
    from mockloop.content import judge_content as _judge_content  # noqa: F401

    CONTENT_JUDGE = True
except ImportError:
    CONTENT_JUDGE = False

SCHEMA = "mockloop.analysis/1"
FILLED_PAUSES = {"um", "uh", "er", "ah", "hmm"}
DISCOURSE_FILLERS = {"like", "you know", "i mean", "so", "basically", "actually", "literally", "kind of", "sort of", "right"}
RUBRIC_IDS = {
    "system_design": [
        "clarifies_requirements", "defines_success", "states_assumptions", "sizes_the_load", "scope_before_design",
        "explains_tradeoffs", "names_owners", "plans_failures", "monitoring_to_action", "estimates_cost", "names_risks",
    ],
    "behavioral": ["star_situation", "star_action", "star_result", "quantified_result", "owns_actions"],
}


# --------------------------------------------------------------------------- a tiny structural checker


class Type:
    def __init__(self, name, test):
        self.name, self.test = name, test


NUM = Type("number", lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v))
INT = Type("integer", lambda v: isinstance(v, int) and not isinstance(v, bool))
STR = Type("string", lambda v: isinstance(v, str))
BOOL = Type("boolean", lambda v: isinstance(v, bool))
NULL = Type("null", lambda v: v is None)


def either(*types: Type) -> Type:
    return Type(" or ".join(t.name for t in types), lambda v: any(t.test(v) for t in types))


def check(value, spec, path="$") -> list[str]:
    """Every way ``value`` breaks ``spec``: a dict of required keys, a one-item list, or a Type."""
    if isinstance(spec, dict):
        if not isinstance(value, dict):
            return [f"{path}: expected an object, got {type(value).__name__}"]
        problems = []
        for key, sub in spec.items():
            if key not in value:
                problems.append(f"{path}.{key}: missing")
            else:
                problems += check(value[key], sub, f"{path}.{key}")
        return problems
    if isinstance(spec, list):
        if not isinstance(value, list):
            return [f"{path}: expected an array, got {type(value).__name__}"]
        return [problem for i, item in enumerate(value) for problem in check(item, spec[0], f"{path}[{i}]")]
    return [] if spec.test(value) else [f"{path}: expected {spec.name}, got {value!r}"]


def contract(timed: bool) -> dict:
    """The contract's fields; times are numbers for audio and null for a text transcript."""
    t = NUM if timed else NULL
    return {
        "schema": STR,
        "source": STR,
        "kind": STR,
        "duration_s": t,
        "transcript": {"text": STR, "words": [{"text": STR, "start": t, "end": t, "probability": NUM}]},
        "delivery": {
            "words_per_minute": t,
            "articulation_rate_wpm": t,
            "fillers": [{"text": STR, "kind": STR, "start": t, "end": t}],
            "fillers_per_minute": t,
            "pauses": [{"start": NUM, "end": NUM, "duration": NUM}],
            "long_pauses": INT,
            "response_latency_s": t,
            "decision_markers": [{"text": STR, "start": t}],
            "longest_stretch_without_marker_s": t,
            "hedges": [{"text": STR, "start": t}],
        },
        "content": {
            "rubric": [{"id": STR, "met": BOOL, "evidence": [{"quote": STR, "start": either(NUM, NULL)}]}],
            "score": either(INT, NULL),
        },
        "scorecard": {"delivery_score": either(INT, NULL), "content_score": either(INT, NULL), "tips": [STR]},
    }


def test_the_checker_catches_a_renamed_field_and_a_wrong_type():
    broken = {"schema": SCHEMA, "source": "a.flac", "kind": "system_design", "duration_s": "90"}

    problems = check(broken, contract(timed=True))

    assert "$.duration_s: expected number, got '90'" in problems
    assert "$.transcript: missing" in problems


# --------------------------------------------------------------------------- audio input


@pytest.fixture(scope="module")
def audio_json(sample_json_run) -> dict:
    code, stdout, stderr = sample_json_run
    assert code == 0, stderr
    return json.loads(stdout)


def test_stdout_is_exactly_one_json_object_and_nothing_else(sample_json_run):
    code, stdout, stderr = sample_json_run

    assert code == 0, stderr
    assert "Traceback" not in stderr
    decoder = json.JSONDecoder()
    value, end = decoder.raw_decode(stdout)
    assert isinstance(value, dict)
    assert stdout[end:] == "\n", f"after the object stdout has {stdout[end:]!r}"
    assert stdout.count("\n") == 1


def test_audio_analysis_has_every_contract_field_with_its_type(audio_json):
    assert check(audio_json, contract(timed=True)) == []
    assert audio_json["schema"] == SCHEMA
    assert audio_json["source"] == "sample_answer.flac"
    assert audio_json["kind"] == "system_design"


def test_duration_is_the_length_of_the_recording(audio_json, sample_truth):
    assert audio_json["duration_s"] == pytest.approx(sample_truth["duration_s"], abs=0.01)


def test_words_run_forward_in_time_and_have_probabilities(audio_json):
    words = audio_json["transcript"]["words"]

    assert len(words) > 100
    starts = [w["start"] for w in words]
    assert starts == sorted(starts), "word starts must not go back in time"
    assert all(0 <= w["start"] <= w["end"] <= audio_json["duration_s"] for w in words)
    assert all(0.0 <= w["probability"] <= 1.0 for w in words)
    assert audio_json["transcript"]["text"].split() == [w["text"] for w in words]


def test_fillers_have_a_known_kind_and_lower_case_unpunctuated_text(audio_json):
    fillers = audio_json["delivery"]["fillers"]

    assert fillers, "the sample answer has six fillers"
    for filler in fillers:
        assert filler["kind"] in {"filled_pause", "discourse"}
        assert re.fullmatch(r"[a-z]+( [a-z]+)*", filler["text"]), filler
        assert filler["text"] in (FILLED_PAUSES if filler["kind"] == "filled_pause" else DISCOURSE_FILLERS), filler
        assert filler["start"] <= filler["end"]


def test_pauses_are_at_least_a_quarter_second_and_inside_the_spoken_answer(audio_json):
    words = audio_json["transcript"]["words"]
    first_start, last_end = words[0]["start"], words[-1]["end"]
    pauses = audio_json["delivery"]["pauses"]

    assert pauses, "the sample answer has seven pauses"
    for pause in pauses:
        assert pause["duration"] >= 0.25
        assert pause["duration"] == pytest.approx(pause["end"] - pause["start"], abs=0.002)
        assert first_start <= pause["start"] < pause["end"] <= last_end
    assert [p["start"] for p in pauses] == sorted(p["start"] for p in pauses)


def test_long_pauses_counts_the_pauses_of_two_seconds_or_more(audio_json, sample_truth):
    pauses = audio_json["delivery"]["pauses"]

    assert audio_json["delivery"]["long_pauses"] == sum(p["duration"] >= 2.0 for p in pauses)
    assert audio_json["delivery"]["long_pauses"] == sum(p["duration"] >= 2.0 for p in sample_truth["pauses"])


def test_rates_are_per_minute_of_the_answer(audio_json):
    d = audio_json["delivery"]
    assert d["fillers_per_minute"] == pytest.approx(len(d["fillers"]) * 60 / audio_json["duration_s"], rel=0.15)
    assert d["articulation_rate_wpm"] >= d["words_per_minute"] > 0


def test_markers_and_hedges_carry_times_inside_the_recording(audio_json):
    d = audio_json["delivery"]
    for hit in d["decision_markers"] + d["hedges"]:
        assert 0 <= hit["start"] <= audio_json["duration_s"]
    assert 0 < d["longest_stretch_without_marker_s"] <= audio_json["duration_s"]


def test_the_rubric_lists_every_item_of_the_kind_and_the_score_is_never_invented(audio_json):
    content = audio_json["content"]
    rubric = content["rubric"]

    assert isinstance(rubric, list)
    if CONTENT_JUDGE:  # one verdict per item of the kind's rubric, met or not
        assert sorted(v["id"] for v in rubric) == sorted(RUBRIC_IDS["system_design"])
        for verdict in rubric:
            if verdict["met"]:
                assert verdict["evidence"], f"{verdict['id']} is met but quotes nothing"
        assert content["score"] is None or 0 <= content["score"] <= 100
    else:
        assert content["score"] is None, "no rubric judged, so no score"
    assert audio_json["scorecard"]["content_score"] == content["score"]


def test_the_scorecard_has_a_delivery_score_and_tips(audio_json):
    scorecard = audio_json["scorecard"]
    assert 0 <= scorecard["delivery_score"] <= 100
    assert scorecard["tips"] and all(tip.strip() for tip in scorecard["tips"])


# --------------------------------------------------------------------------- text input

TRANSCRIPT = (
    "Um, before I sketch anything, let me confirm the scope: are we serving one million or a hundred "
    "million users? I'd like to keep the first version simple. We need, like, a queue in front of the "
    "writers, and the fleet platform team owns it. Scoring every reading is, you know, expensive, and "
    "I think one-minute windows are enough.\n"
)


@pytest.fixture
def text_run(tmp_path, cli):
    path = tmp_path / "answer.txt"
    path.write_text(TRANSCRIPT, encoding="utf-8")
    return cli("analyze", path, "--json")


def test_a_text_transcript_gives_the_same_schema_with_null_timings(text_run):
    code, stdout, stderr = text_run

    assert code == 0, stderr
    analysis = json.loads(stdout)
    assert check(analysis, contract(timed=False)) == []
    assert analysis["schema"] == SCHEMA
    assert analysis["source"] == "answer.txt"
    assert analysis["transcript"]["text"] == TRANSCRIPT.strip()
    assert len(analysis["transcript"]["words"]) == len(TRANSCRIPT.split())


def test_a_text_transcript_has_no_pauses_but_its_fillers_are_found_from_the_words(text_run):
    analysis = json.loads(text_run[1])
    delivery = analysis["delivery"]

    assert delivery["pauses"] == [] and delivery["long_pauses"] == 0
    # "I'd like to" is not a filler; "Um," "like," and "you know," are.
    assert [(f["text"], f["kind"]) for f in delivery["fillers"]] == [
        ("um", "filled_pause"),
        ("like", "discourse"),
        ("you know", "discourse"),
    ]
    assert [m["text"] for m in delivery["decision_markers"]][:2] == ["before i sketch", "let me confirm"]
    assert [h["text"] for h in delivery["hedges"]] == ["i think"]


def test_tips_for_a_text_transcript_cite_no_times(text_run):
    tips = json.loads(text_run[1])["scorecard"]["tips"]

    assert tips
    assert not any(re.search(r"\bat -", tip) for tip in tips), tips


def test_a_text_transcript_is_judged_against_the_rubric_of_the_kind_asked_for(tmp_path, cli):
    path = tmp_path / "story.txt"
    path.write_text(
        "Last year our billing migration was slipping and finance could not close the quarter. "
        "I set up a daily review with the three teams and I cut the scope to the two largest customers. "
        "We shipped two weeks early and cut invoice errors by forty percent.\n",
        encoding="utf-8",
    )

    code, stdout, stderr = cli("analyze", path, "--json", "--kind", "behavioral")

    assert code == 0, stderr
    analysis = json.loads(stdout)
    assert analysis["kind"] == "behavioral"
    rubric = analysis["content"]["rubric"]
    if CONTENT_JUDGE:
        assert sorted(v["id"] for v in rubric) == sorted(RUBRIC_IDS["behavioral"])
    else:
        assert rubric == [] and analysis["content"]["score"] is None
