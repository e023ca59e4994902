"""Words the model was unsure of are shown as such, and too many of them make the scorecard say so.

The threshold is config.UncertaintySettings.word_min_probability (chosen by
benchmarks/word_confidence.py); the tables here are written around it, so they hold for any value.
"""

from __future__ import annotations

import json

import jsonschema
import pytest
from rich.console import Console

from mockloop.analysis.contract import analysis_from_dict, analysis_to_dict, json_schema
from mockloop.analysis.pipeline import Analyzer
from mockloop.analysis.uncertainty import assess, larger_model, saved_word_is_uncertain
from mockloop.cli.scorecard_view import UNCERTAIN_QUOTE_NOTE, render_analysis
from mockloop.config import DEFAULT_SETTINGS
from mockloop.models import Transcript, Word
from mockloop.review.replay import styled
from mockloop.review.highlights import marked_words

LOW = round(DEFAULT_SETTINGS.uncertainty.word_min_probability / 2, 3)  # clearly unsure
HIGH = round((1 + DEFAULT_SETTINGS.uncertainty.word_min_probability) / 2, 3)  # clearly sure
NEEDED_SHARE = DEFAULT_SETTINGS.uncertainty.unreliable_share


def timed(spec: str, model: str = "tiny.en (embedded)") -> Transcript:
    """'We expect 50,000?' -> timed words; a trailing '?' marks a word the model was unsure of."""
    words, t = [], 0.5
    for raw in spec.split():
        unsure = raw.endswith("?") and len(raw) > 1
        text = raw[:-1] if unsure else raw
        words.append(Word(text, round(t, 2), round(t + 0.3, 2), LOW if unsure else HIGH))
        t += 0.4
    return Transcript(words, duration_s=round(t + 0.5, 2), model=model)


def analyse(transcript: Transcript, kind: str = "system_design"):
    return Analyzer().analyze_transcript(transcript, None, source="answer.wav", kind=kind)


CLEAN = "Before I pick storage let me size the load. We expect 50,000 requests per second at peak and most are reads."
# The same answer as a weak model hears a noisy recording: most words unsure.
GARBLED = "Before? eye? pick? store? each? let me size? the load? We? expect? 50,000? requests? per second at peak? and most are? reads?"


@pytest.mark.parametrize(
    "spec, uncertain_words",
    [
        (CLEAN, []),
        ("We expect 50,000? requests per second.", ["50,000"]),
        ("The P? D5? latency stays under 200 milliseconds.", ["P", "D5"]),
    ],
)
def test_words_under_the_threshold_are_the_uncertain_ones(spec, uncertain_words):
    transcript = timed(spec)

    confidence = assess(transcript)

    assert [transcript.words[i].text for i in confidence.uncertain_word_indices] == uncertain_words


def test_filled_pauses_and_recovered_words_are_judged_by_the_audio_not_the_model():
    words = [Word("Um,", 0.1, 0.4, LOW), Word("uh", 0.5, 0.8, 0.0, recovered=True), Word("the", 0.9, 1.0, HIGH), Word("queue.", 1.0, 1.4, HIGH)]

    confidence = assess(Transcript(words, duration_s=2.0))

    assert confidence.uncertain_word_indices == ()
    assert confidence.uncertain_share == 0.0


def test_typed_text_has_no_uncertainty():
    confidence = assess(Transcript([Word("We"), Word("expect"), Word("50,000"), Word("requests.")]))

    assert (confidence.uncertain_share, confidence.may_be_unreliable) == (None, False)


def _unsure_share(share_of_twenty: int) -> Transcript:
    words = ["word?" if i < share_of_twenty else "word" for i in range(20)]
    return timed(" ".join(words))


@pytest.mark.parametrize(
    "unsure_of_twenty",
    [0, 1, int(NEEDED_SHARE * 20) - 1],
)
def test_an_answer_with_a_few_unsure_words_is_still_trusted(unsure_of_twenty):
    assert not assess(_unsure_share(unsure_of_twenty)).may_be_unreliable


@pytest.mark.parametrize("unsure_of_twenty", [int(round(NEEDED_SHARE * 20 + 0.49)), 15, 20])
def test_an_answer_with_a_large_unsure_share_may_be_unreliable(unsure_of_twenty):
    confidence = assess(_unsure_share(unsure_of_twenty))

    assert confidence.may_be_unreliable
    assert confidence.uncertain_share == unsure_of_twenty / 20


def test_a_few_words_are_too_few_to_call_a_transcript_unreliable():
    assert not assess(timed("Yes? exactly?")).may_be_unreliable


def test_evidence_that_rests_on_an_uncertain_number_says_so():
    analysis = analyse(timed("Before I pick storage let me size the load. We expect 50,000? requests per second at peak."))

    sizes = {v.id: v for v in analysis.content.rubric}["sizes_the_load"]

    assert sizes.met and sizes.evidence[0].uncertain


def test_evidence_is_not_marked_for_an_uncertain_word_it_does_not_rest_on():
    # "storage?" is in the quoted sentence's neighbourhood, not in the figures the rule matched.
    analysis = analyse(timed("Before I pick storage? let me size the load. We expect 50,000 requests per second at peak."))

    sizes = {v.id: v for v in analysis.content.rubric}["sizes_the_load"]

    assert sizes.met and not sizes.evidence[0].uncertain


def test_a_clean_answer_gets_no_warning():
    assert analyse(timed(CLEAN)).scorecard.warnings == []


@pytest.mark.parametrize(
    "model, suggestion",
    [("tiny.en (embedded)", "small.en"), ("base.en", "small.en"), ("small.en", "medium.en"), ("large-v3", None)],
)
def test_a_garbled_transcript_warns_before_the_scores_and_suggests_a_larger_model(model, suggestion):
    analysis = analyse(timed(GARBLED, model=model))

    (warning,) = analysis.scorecard.warnings
    assert "may be unreliable" in warning
    assert larger_model(model) == suggestion
    if suggestion:
        assert f"--model {suggestion}" in warning


def test_the_json_contract_carries_uncertainty_additively():
    data = json.loads(json.dumps(analysis_to_dict(analyse(timed("We need 10K? messages per second at peak. " + CLEAN)))))

    transcript = data["transcript"]
    assert data["schema"] == "mockloop.analysis/1"
    assert [w["text"] for w in transcript["words"] if w["uncertain"]] == ["10K"]
    assert transcript["uncertain_share"] == pytest.approx(1 / 30, abs=0.002)
    assert transcript["may_be_unreliable"] is False
    assert transcript["uncertain_below_probability"] == DEFAULT_SETTINGS.uncertainty.word_min_probability
    evidence = [e for item in data["content"]["rubric"] for e in item["evidence"]]
    assert evidence and all(isinstance(e["uncertain"], bool) and isinstance(e["word_indices"], list) for e in evidence)
    assert data["scorecard"]["warnings"] == []
    jsonschema.validate(data, json_schema())


def test_the_json_of_a_garbled_answer_says_it_may_be_unreliable():
    data = analysis_to_dict(analyse(timed(GARBLED)))

    assert data["transcript"]["may_be_unreliable"] is True
    assert data["transcript"]["uncertain_share"] >= NEEDED_SHARE
    assert "--model small.en" in data["scorecard"]["warnings"][0]
    jsonschema.validate(data, json_schema())


def test_uncertainty_survives_saving_and_reading_back():
    saved = analysis_to_dict(analyse(timed("We expect 50,000? requests per second at peak. " + GARBLED)))

    again = analysis_to_dict(analysis_from_dict(json.loads(json.dumps(saved))))

    assert again["transcript"]["may_be_unreliable"] and again["scorecard"]["warnings"] == saved["scorecard"]["warnings"]
    assert [w["uncertain"] for w in again["transcript"]["words"]] == [w["uncertain"] for w in saved["transcript"]["words"]]
    assert [e for i in again["content"]["rubric"] for e in i["evidence"]] == [e for i in saved["content"]["rubric"] for e in i["evidence"]]


def _terminal(analysis) -> str:
    console = Console(record=True, width=120, color_system=None)
    render_analysis(analysis, console)
    return console.export_text()


def test_the_terminal_transcript_brackets_each_run_of_uncertain_words():
    out = _terminal(analyse(timed("Then they? don't? call? the engineer. We expect 50,000 requests per second at peak.")))

    assert "Then [they don't call] the engineer." in out
    assert "unsure of these words" in out


def test_the_terminal_scorecard_notes_an_uncertain_quote_and_leads_with_the_warning():
    out = _terminal(analyse(timed(GARBLED)))

    assert UNCERTAIN_QUOTE_NOTE.split()[0] in out
    assert out.index("may be unreliable") < out.index("Delivery ")
    assert "(provisional)" in out
    assert "--model small.en" in out


def test_saved_words_are_judged_by_their_flag_or_else_their_probability():
    threshold = DEFAULT_SETTINGS.uncertainty.word_min_probability
    assert saved_word_is_uncertain({"text": "Kafka", "probability": threshold / 2})
    assert not saved_word_is_uncertain({"text": "Kafka", "probability": threshold})
    assert saved_word_is_uncertain({"text": "Kafka", "probability": 0.99, "uncertain": True})
    assert not saved_word_is_uncertain({"text": "um,", "probability": 0.01})
    assert not saved_word_is_uncertain({"text": "Kafka", "probability": "low"})  # untrusted file


def test_the_replay_marks_uncertain_words_with_colour_and_a_question_mark():
    data = analysis_to_dict(analyse(timed("We expect 50,000? requests per second.")))

    words = {w.text: w for w in marked_words(data)}

    assert "uncertain" in words["50,000"].tags and "uncertain" not in words["requests"].tags
    shown = styled(words["50,000"])
    assert shown.plain == "50,000?" and "underline" in str(shown.style)
    assert styled(words["requests"]).plain == "requests"


# --------------------------------------------------------------------------- real audio

LOAD_ANSWER = (
    "Before I pick any storage, let me size the load. We expect 50,000 requests per second at peak, "
    "and most of them are reads, so a cache in front of the database carries the traffic."
)


@pytest.mark.slow
def test_clear_speech_is_trusted_and_heavily_accented_speech_is_flagged(analyzer, espeak_answer, tmp_path):
    # espeak-ng's French voice reading English is an accent tiny.en cannot follow: it writes
    # fluent nonsense ("Before E.B. can install ash, let me sign the load"), with low probabilities.
    clear = analyzer.analyze_file(espeak_answer(LOAD_ANSWER, tmp_path / "clear.wav", "en-us"), kind="system_design")
    accented = analyzer.analyze_file(espeak_answer(LOAD_ANSWER, tmp_path / "accented.wav", "fr"), kind="system_design")

    assert not clear.confidence.may_be_unreliable and clear.scorecard.warnings == []
    assert accented.confidence.may_be_unreliable
    assert accented.confidence.uncertain_share > 3 * clear.confidence.uncertain_share
    assert "--model small.en" in accented.scorecard.warnings[0]


@pytest.mark.slow
def test_a_streamed_answer_carries_the_same_uncertainty_as_the_file(analyzer, espeak_answer, tmp_path):
    from mockloop.analysis.decode import load_audio
    from mockloop.analysis.eval import feed_as_if_live

    path = espeak_answer(LOAD_ANSWER, tmp_path / "accented.wav", "fr")
    as_file = analyzer.analyze_file(path, kind="system_design")
    streamer = analyzer.start_stream(live=True)
    feed_as_if_live(streamer, load_audio(path))

    streamed = analyzer.analyze_stream(streamer, source="live", kind="system_design")

    # Streaming cuts the audio into chunks, so its words may differ a little from the file's.
    assert streamed.confidence.may_be_unreliable == as_file.confidence.may_be_unreliable is True
    assert streamed.confidence.uncertain_share == pytest.approx(as_file.confidence.uncertain_share, abs=0.1)
    assert "--model small.en" in streamed.scorecard.warnings[0]
    data = analysis_to_dict(streamed)
    assert data["transcript"]["may_be_unreliable"] is True
    assert sum(w["uncertain"] for w in data["transcript"]["words"]) == len(streamed.confidence.uncertain_word_indices) > 0


def test_the_interviewer_says_an_unreliable_transcript_makes_the_scores_doubtful():
    from mockloop.interview.loop import spoken_summary

    garbled, clean = analyse(timed(GARBLED)), analyse(timed(CLEAN))
    overall = {"duration_s": 12.0, "delivery_score": 80, "content_score": 40}

    assert "may be unreliable" in spoken_summary(overall, {1: garbled})
    assert "unreliable" not in spoken_summary(overall, {1: clean})
