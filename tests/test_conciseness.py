"""Conciseness (analysis/conciseness.py): first point, longest stretch without a decision, run-ons."""

import pytest

from mockloop.analysis.conciseness import measure_conciseness
from mockloop.analysis.tokens import normalise
from mockloop.analysis.conciseness import commits
from mockloop.models import Word


def _words(text: str, step: float = 0.4) -> list[Word]:
    return [Word(token, round(step * i, 2), round(step * i + 0.3, 2)) for i, token in enumerate(text.split())]


@pytest.mark.parametrize(
    "sentence, committed",
    [
        ("I'd put a queue in front of the writers.", True),
        ("We'll go with Kafka for the event log.", True),
        ("My recommendation is to launch behind a flag.", True),
        ("Let's start with a single region.", True),
        ("I would probably shard by customer.", True),
        ("The bottom line is we ship in March.", True),
        ("The writers are slow today.", False),
        ("I'm not sure we'd use Kafka here.", False),
        ("Maybe we'll use a cache.", False),
        ("We will need to know the load first.", False),  # no design verb: nothing chosen yet
    ],
)
def test_a_point_commits_to_something(sentence, committed):
    assert commits([normalise(t) for t in sentence.split() if normalise(t)]) is committed


def test_time_to_first_point_and_longest_stretch_without_one():
    text = (
        "Let me think about the users first. There are two groups of them. "  # 0.0 - 5.2 s, no point
        "I'd put a queue in front of the writers. "  # starts at word 13 = 5.2 s
        "The queue absorbs bursts. It also decouples the teams. Failures are retried. The readers are separate. "
        "We'll use Kafka for the log."  # starts at word 38 = 15.2 s
    )
    words = _words(text)
    c = measure_conciseness(words)
    assert c.first_point_s == pytest.approx(5.2)
    assert c.first_point.text == "I'd put a queue in front of the writers."
    assert c.longest_without_decision_s == pytest.approx(15.2 - 5.2)
    assert c.bottom_line_first is None  # only asked of exec_explain answers


def test_questions_are_not_points():
    c = measure_conciseness(_words("Would we use Kafka for this? The users are internal."))
    assert c.first_point is None and c.first_point_s is None


@pytest.mark.parametrize(
    "text, bottom_line_first",
    [
        ("My recommendation is to delay the launch by two weeks. The data shows one photo in twenty is tagged wrong.", True),
        ("The data shows one photo in twenty is tagged wrong. So I recommend we delay the launch.", False),
    ],
)
def test_exec_explain_bottom_line_in_the_first_sentence(text, bottom_line_first):
    assert measure_conciseness(_words(text), kind="exec_explain").bottom_line_first is bottom_line_first


def test_a_sentence_over_forty_words_runs_on():
    long = " ".join(["and then the service calls the next one"] * 6) + "."
    c = measure_conciseness(_words("We'll use Kafka. " + long))
    assert [int(s.value) for s in c.run_on_sentences] == [48]
