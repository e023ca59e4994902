"""`mockloop analyze --json` keeps the mockloop.analysis/1 contract, published as a JSON Schema.

The audio case is the real command on audio_fixtures/sample_answer.flac, run once per session
(the sample_json_run fixture). The shape is checked against the schema shipped in the package
(mockloop/analysis/analysis.schema.json) with the ``valid_analysis`` fixture, which other tests
call on every output and saved answer; the tests here check what a schema cannot say.
"""

from __future__ import annotations

import copy
import json
import re

import jsonschema
import pytest

from mockloop.analysis.contract import analysis_from_dict, analysis_to_dict, json_schema
from mockloop.analysis.tokens import normalise, split_phrase

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


# --------------------------------------------------------------------------- the schema itself


def test_the_published_schema_is_a_valid_json_schema():
    jsonschema.Draft202012Validator.check_schema(json_schema())
    assert json_schema()["properties"]["schema"] == {"const": SCHEMA}


def _minimal() -> dict:
    return {
        "schema": SCHEMA, "source": "a.txt", "kind": "system_design", "duration_s": None,
        "transcript": {"text": "Um, hi", "words": [{"text": "Um,", "start": None, "end": None, "probability": 1.0}, {"text": "hi", "start": None, "end": None, "probability": 1.0}]},
        "delivery": {
            "words_per_minute": None, "articulation_rate_wpm": None,
            "fillers": [{"text": "um", "kind": "filled_pause", "start": None, "end": None, "word_index": 0, "word_indices": [0]}],
            "fillers_per_minute": None, "pauses": [], "long_pauses": 0, "response_latency_s": None,
            "decision_markers": [], "longest_stretch_without_marker_s": None, "hedges": [],
        },
        "content": {"rubric": [], "score": None},
        "scorecard": {"delivery_score": None, "content_score": None, "tips": []},
    }


def _broken(change) -> dict:
    data = copy.deepcopy(_minimal())
    change(data)
    return data


@pytest.mark.parametrize(
    "label, change",
    [
        ("a renamed field", lambda d: d.__setitem__("duration", d.pop("duration_s"))),
        ("a number as a string", lambda d: d.__setitem__("duration_s", "90")),
        ("an unknown filler kind", lambda d: d["delivery"]["fillers"][0].__setitem__("kind", "cough")),
        ("filler text with punctuation", lambda d: d["delivery"]["fillers"][0].__setitem__("text", "Um,")),
        ("a negative word index", lambda d: d["delivery"]["fillers"][0].__setitem__("word_indices", [-1])),
        ("another schema string", lambda d: d.__setitem__("schema", "mockloop.analysis/2")),
        ("a score above 100", lambda d: d["scorecard"].__setitem__("delivery_score", 140)),
        ("a missing rubric", lambda d: d["content"].pop("rubric")),
    ],
)
def test_the_schema_rejects(label, change):
    assert jsonschema.Draft202012Validator(json_schema()).is_valid(_minimal())
    assert not jsonschema.Draft202012Validator(json_schema()).is_valid(_broken(change)), label


def test_the_schema_allows_added_fields_where_the_contract_allows_additions(valid_analysis):
    data = _minimal()
    data["turns"] = []
    data["transcript"]["may_be_unreliable"] = False
    data["transcript"]["words"][0]["uncertain"] = True
    data["delivery"]["repetitions"] = [{"start": 1.0, "end": 1.4, "text": "the the"}]
    data["content"]["sequencing"] = {"first_design_statement": None}
    valid_analysis(data)


def _spells(words: list[dict], indices: list[int]) -> tuple[str, ...]:
    return tuple(normalise(words[i]["text"]) for i in indices)


def check_word_indices(analysis: dict) -> None:
    """Each filler, marker and hedge points at the very words that spell it."""
    words = analysis["transcript"]["words"]
    d = analysis["delivery"]
    for filler in d["fillers"]:
        indices = filler["word_indices"]
        assert indices[0] == filler["word_index"]
        if filler["kind"] == "discourse":
            assert _spells(words, indices) == split_phrase(filler["text"]), filler
        else:
            assert len(indices) == 1 and normalise(words[indices[0]]["text"]), filler
    for hit in d["decision_markers"] + d["hedges"]:
        indices = hit["word_indices"]
        assert indices[0] == hit["word_index"] and indices == sorted(indices)
        parts = split_phrase(hit["text"])
        assert len(indices) == len(parts), hit
        assert all(part == "*" or part == got for part, got in zip(parts, _spells(words, indices))), hit


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


def test_audio_analysis_matches_the_published_schema(audio_json, valid_analysis):
    valid_analysis(audio_json)
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


def test_fillers_markers_and_hedges_carry_the_indices_of_the_words_they_cover(audio_json):
    d = audio_json["delivery"]
    assert d["fillers"] and d["decision_markers"]
    check_word_indices(audio_json)


def test_an_analysis_read_back_writes_out_unchanged(audio_json):
    assert analysis_to_dict(analysis_from_dict(audio_json)) == audio_json


def test_an_analysis_saved_before_word_indices_reads_back_without_inventing_them(audio_json):
    old = copy.deepcopy(audio_json)
    for item in old["delivery"]["fillers"] + old["delivery"]["decision_markers"] + old["delivery"]["hedges"]:
        del item["word_index"], item["word_indices"]

    analysis = analysis_from_dict(old)

    assert all(f.word_index == -1 and f.word_indices == () for f in analysis.delivery.fillers)
    assert analysis_to_dict(analysis) == old


@pytest.mark.parametrize("bad", [[], {"schema": "other/1"}, {"schema": SCHEMA, "transcript": {"words": [{"start": 1}]}}])
def test_reading_back_a_damaged_analysis_is_a_value_error(bad):
    with pytest.raises(ValueError):
        analysis_from_dict(bad)


def test_markers_and_hedges_carry_times_inside_the_recording(audio_json):
    d = audio_json["delivery"]
    for hit in d["decision_markers"] + d["hedges"]:
        assert 0 <= hit["start"] <= audio_json["duration_s"]
    assert 0 < d["longest_stretch_without_marker_s"] <= audio_json["duration_s"]


def test_the_rubric_lists_every_item_of_the_kind_and_the_score_is_never_invented(audio_json):
    content = audio_json["content"]
    rubric = content["rubric"]

    assert sorted(v["id"] for v in rubric) == sorted(RUBRIC_IDS["system_design"])  # met or not
    for verdict in rubric:
        if verdict["met"]:
            assert verdict["evidence"], f"{verdict['id']} is met but quotes nothing"
    assert content["score"] is None or 0 <= content["score"] <= 100
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


def test_a_text_transcript_gives_the_same_schema_with_null_timings(text_run, valid_analysis):
    code, stdout, stderr = text_run

    assert code == 0, stderr
    analysis = valid_analysis(json.loads(stdout))
    assert analysis["schema"] == SCHEMA
    assert analysis["source"] == "answer.txt"
    assert analysis["transcript"]["text"] == TRANSCRIPT.strip()
    assert len(analysis["transcript"]["words"]) == len(TRANSCRIPT.split())


def test_a_text_transcript_has_no_pauses_but_its_fillers_are_found_from_the_words(text_run):
    analysis = json.loads(text_run[1])
    delivery = analysis["delivery"]
    check_word_indices(analysis)

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


def test_a_text_transcript_is_judged_against_the_rubric_of_the_kind_asked_for(tmp_path, cli, valid_analysis):
    path = tmp_path / "story.txt"
    path.write_text(
        "Last year our billing migration was slipping and finance could not close the quarter. "
        "I set up a daily review with the three teams and I cut the scope to the two largest customers. "
        "We shipped two weeks early and cut invoice errors by forty percent.\n",
        encoding="utf-8",
    )

    code, stdout, stderr = cli("analyze", path, "--json", "--kind", "behavioral")

    assert code == 0, stderr
    analysis = valid_analysis(json.loads(stdout))
    assert analysis["kind"] == "behavioral"
    assert sorted(v["id"] for v in analysis["content"]["rubric"]) == sorted(RUBRIC_IDS["behavioral"])
