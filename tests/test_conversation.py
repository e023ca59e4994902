"""Conversation mechanics on timed words: hearing a question to the interviewer, the end of a
turn, our own voice coming back through the microphone, and grading the asking."""

import pytest

from mockloop.analysis.echo import drop_echo
from mockloop.content.prompts import get_prompt
from mockloop.interview.conversation import (
    find_questions,
    grade_clarifying,
    is_closing,
    is_question_wording,
    turn_end,
)
from mockloop.models import Word

PROMPT = "sd-robot-fleet-anomalies"
WORD_S, STEP_S = 0.28, 0.34  # a word and its fluent gap, about 175 words a minute


def spoken(*parts, start=0.6):
    """Words with times from (sentence, quiet after it) pairs, as Whisper gives them."""
    words, t = [], start
    for sentence, quiet in parts:
        for text in sentence.split():
            words.append(Word(text, round(t, 3), round(t + WORD_S, 3)))
            t += STEP_S
        t += quiet - (STEP_S - WORD_S)
    return words


@pytest.mark.parametrize(
    "text, question",
    [
        ("How many robots are in the fleet right now?", True),
        ("how many robots are in the fleet right now", True),  # Whisper dropped the "?"
        ("So before I start, are we serving one city or many", True),
        ("Can I ask how the data arrives from the robots", True),
        ("Do we know who owns operations", True),
        ("Roughly, how much data are we talking about", True),
        ("Is this real-time or batch", True),
        ("What I would do is put a queue in front of the detector.", False),
        ("How we handle late uploads matters most.", False),
        ("Deletion has to reach old versions, which changes the design.", False),
        ("I would partition the stream by robot.", False),
        ("Is", False),
    ],
)
def test_question_wording(text, question):
    assert is_question_wording(text) is question


def test_a_question_followed_by_a_wait_is_put_to_the_interviewer_and_reaches_its_fact():
    words = spoken(("Okay, let me scope this first.", 0.5), ("How many robots are in the fleet right now", 2.4), ("Thanks, that helps.", 1.0))
    [question] = find_questions(words, prompt=get_prompt(PROMPT))
    assert question.addressed and question.fact == "volume"
    assert question.text.startswith("How many robots")


def test_a_rhetorical_question_the_candidate_answers_at_once_is_not_put_to_the_interviewer():
    words = spoken(("What happens when half of the uploads fail?", 0.4), ("Devices buffer locally and retry later.", 1.0))
    [question] = find_questions(words, prompt=get_prompt(PROMPT))
    assert not question.addressed


def test_a_long_pause_after_a_statement_is_not_a_question():
    words = spoken(("Let me think about the detector for a moment.", 2.6), ("I would start with thresholds.", 1.0))
    assert find_questions(words, prompt=get_prompt(PROMPT)) == []


def test_live_the_wait_runs_to_now_and_hands_the_turn_over_once():
    prompt = get_prompt(PROMPT)
    words = spoken(("I want to start from the users.", 0.5), ("Are we serving one region or many", 0.0))
    last_end = words[-1].end
    assert turn_end(words, last_end + 0.3, prompt) is None  # still inside the candidate's breath
    end = turn_end(words, last_end + 1.6, prompt)
    assert end.reason == "question" and end.question.fact == "regions"
    assert turn_end(words, last_end + 3.0, prompt, answered=[end.question.end]) is None


@pytest.mark.parametrize("moved_s", [-0.3, 0.0, 0.26, 0.6])
def test_a_question_decoded_again_with_its_end_moved_is_not_answered_twice(moved_s):
    """The look-ahead's words give way to the cut chunk's, and the same question can end a little
    earlier or later; the interviewer must not answer it a second time."""
    prompt = get_prompt(PROMPT)
    words = spoken(("I want to start from the users.", 0.5), ("Who owns operations for the robots", 0.0))
    end = turn_end(words, words[-1].end + 1.6, prompt)
    assert turn_end(words, words[-1].end + 3.0, prompt, answered=[end.question.end + moved_s]) is None


def test_a_question_cut_into_one_sentence_with_its_preface_is_not_answered_twice():
    """First heard as "... anything. Can I ask who owns operations?", then decoded again as one
    sentence from "Before": the start moved by a whole clause, the end did not."""
    prompt = get_prompt(PROMPT)
    split = spoken(("Before I design anything.", 0.75), ("Can I ask who owns operations for the robots", 0.0))
    first = turn_end(split, split[-1].end + 1.6, prompt)
    whole = spoken(("Before I design anything, can I ask who owns operations for the robots", 0.0))
    assert find_questions(whole, whole[-1].end + 3.0, prompt)[0].start < first.question.start - 1.0
    assert turn_end(whole, whole[-1].end + 3.0, prompt, answered=[first.question.end]) is None


def test_a_new_question_after_an_answered_one_gets_its_own_reply():
    prompt = get_prompt(PROMPT)
    words = spoken(("Who owns operations for the robots?", 2.0), ("Thanks. Are we serving one region or many", 0.0))
    first = find_questions(words, prompt=prompt)[0]
    end = turn_end(words, words[-1].end + 1.6, prompt, answered=[first.end])
    assert end is not None and end.reason == "question" and end.question.fact == "regions"


def test_a_rhetorical_question_decoded_last_while_the_candidate_already_answers_it_gets_no_reply():
    """The words lag the audio by a decode: the question is the last sentence heard, the time since
    it ends is long, but the microphone heard the candidate go on (quiet only since 0.2 s)."""
    prompt = get_prompt(PROMPT)
    words = spoken(("I want to start from the users.", 0.5), ("What happens when a robot loses its link", 0.0))
    late = words[-1].end + 2.5
    assert turn_end(words, late, prompt, quiet_s=0.2) is None
    assert not find_questions(words, late, prompt, quiet_s=0.2)[-1].addressed
    assert turn_end(words, late, prompt, quiet_s=2.5) is not None  # a real wait: handed over


def test_a_closing_decoded_last_while_the_candidate_goes_on_does_not_end_the_answer():
    words = spoken(("Readings go into a stream partitioned by robot.", 0.5), ("That's my design at a high level.", 0.0))
    assert turn_end(words, words[-1].end + 3.0, quiet_s=0.3) is None
    assert turn_end(words, words[-1].end + 3.0, quiet_s=1.5).reason == "closing"


def test_the_grade_of_the_asking_is_plain_json_when_word_times_are_numpy_floats():
    """Real transcripts carry numpy times; the grade must still be written to answer-N.json."""
    import json

    import numpy as np

    prompt = get_prompt(PROMPT)
    words = [Word(w.text, np.float64(w.start), np.float64(w.end)) for w in spoken(("How many robots are in the fleet", 2.4), ("I would put a queue in front of the detector.", 1.0))]
    grade = grade_clarifying([q for q in find_questions(words, prompt=prompt) if q.addressed], prompt, first_design_s=words[-9].start)
    data = json.loads(json.dumps(grade.to_dict()))
    assert data["scoped_before_design"] is True and data["asked"][0]["fact"] == "volume"


def test_a_closing_phrase_then_quiet_ends_the_answer():
    words = spoken(("Readings go into a stream partitioned by robot.", 0.5), ("That's my design at a high level.", 0.0))
    assert turn_end(words, words[-1].end + 0.4) is None
    assert turn_end(words, words[-1].end + 1.5).reason == "closing"
    assert is_closing("I'll stop there and go deeper wherever you like.")
    assert not is_closing("That design is my favourite.")


def test_words_inside_our_playback_are_echo_and_the_candidates_are_kept():
    candidate = spoken(("How many robots are there", 3.5), ("Thanks so two thousand readings a second.", 0.5))
    reply_start = candidate[4].end + 0.3
    reply = "About two thousand robots."
    echo = spoken((reply, 0.0), start=reply_start)
    span = (reply_start, echo[-1].end)
    words = sorted(candidate + echo, key=lambda w: w.start)
    kept, dropped = drop_echo(words, [span], [reply])
    assert [w.text for w in kept] == [w.text for w in candidate]
    assert [w.text for w in dropped] == reply.split()


def test_grading_names_the_facts_reached_the_critical_ones_missed_and_the_order():
    prompt = get_prompt(PROMPT)
    words = spoken(("How many robots are in the fleet", 2.4), ("Who are the users of the flags", 2.4), ("I would put a queue in front of the detector.", 1.0))
    grade = grade_clarifying([q for q in find_questions(words, prompt=prompt) if q.addressed], prompt, first_design_s=words[-9].start)
    assert [a.fact for a in grade.asked] == ["volume", "users"]
    critical = [f.id for f in prompt.facts if f.critical]
    assert grade.missed_critical == tuple(f for f in critical if f not in ("volume", "users"))
    assert "regions" in grade.missed_critical and "cellular" in grade.missed_answers["regions"]
    assert grade.scoped_before_design is True
    late = grade_clarifying([q for q in find_questions(words, prompt=prompt) if q.addressed], prompt, first_design_s=0.1)
    assert late.scoped_before_design is False


def test_the_asking_reads_as_sentences_with_times_facts_and_what_was_never_asked():
    from mockloop.interview.conversation import clarifying_lines

    prompt = get_prompt(PROMPT)
    words = spoken(("How many robots are in the fleet", 2.4), ("I would put a queue in front of the detector.", 1.0))
    questions = [q for q in find_questions(words, prompt=prompt) if q.addressed]
    lines = clarifying_lines(grade_clarifying(questions, prompt, first_design_s=words[-9].start).to_dict(), prompt)
    assert lines[0].startswith('Asked at 0:01: "How many robots are in the fleet"') and lines[0].endswith("(reached volume)")
    regions = next(f for f in prompt.facts if f.id == "regions")
    assert f"You never asked about regions: {regions.answer}" in lines
    assert lines[-1] == "You scoped before your first design statement."


# --- the record agrees with what the interviewer did ------------------------------------------


def reply_after(words, kind="clarification", fact="regions", text="Robots are in five cities on cellular links.", wait_s=0.9):
    from mockloop.interview.conversation import Turn

    start = words[-1].end + wait_s
    return Turn("interviewer", kind, start, start + 4.0, text, fact)


@pytest.mark.parametrize(
    "saved, reply_fact",
    [
        # the later decode misheard the question: it reaches no fact
        ("Before I design anything, can I ask how the data rhymes from the robots?", "regions"),
        # ...or it reaches another fact than the one the interviewer gave
        ("Can I ask how many robots send data from the depot?", "regions"),
        # ...or it lost the question's wording altogether
        ("Before I design anything I will think about how the data rides from the robots.", "regions"),
        # a neutral reply: the question was put to the interviewer and reached nothing
        ("Can I ask how the data arrives from the robots?", None),
    ],
    ids=["misheard", "another fact", "no longer a question", "neutral reply"],
)
def test_a_question_the_interviewer_replied_to_is_saved_with_the_fact_of_the_reply(saved, reply_fact):
    from mockloop.interview.conversation import conversation_of

    prompt = get_prompt(PROMPT)
    words = spoken(("Okay.", 0.6), (saved, 0.0))
    reply = reply_after(words, kind="clarification" if reply_fact else "neutral", fact=reply_fact)
    after = spoken(("Thanks, so I would put a queue in front of the detector.", 1.0), start=reply.end + 0.5)
    turns, grade = conversation_of(words + after, prompt, [reply])
    [question] = [t for t in turns if t.kind == "question"]
    assert (question.text, question.fact) == (saved, reply_fact)
    assert question.end <= reply.start
    assert [a.fact for a in grade.asked] == ([reply_fact] if reply_fact else [])
    assert ("regions" in grade.missed_critical) is (reply_fact != "regions")


def test_a_question_the_interviewer_did_not_reply_to_keeps_the_fact_its_words_reach():
    from mockloop.interview.conversation import conversation_of

    prompt = get_prompt(PROMPT)
    words = spoken(("How many robots are in the fleet right now", 2.4), ("Thanks, so I would put a queue in front of the detector.", 1.0))
    turns, grade = conversation_of(words, prompt, [])
    assert [(t.kind, t.fact) for t in turns if t.kind == "question"] == [("question", "volume")]
    assert [a.fact for a in grade.asked] == ["volume"]
