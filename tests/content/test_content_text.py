"""Segmentation: phrase rules see clean tokens, evidence still points at the spoken words."""

from content_helpers import text_transcript, timed_transcript

from mockloop.content.text import format_time, word_pieces, segment


def test_fillers_are_skipped_so_phrases_still_match():
    doc = segment(text_transcript("We'll, um, retry with, uh, exponential backoff."))
    assert doc.sentences[0].text == "we'll retry with exponential backoff"


def test_questions_end_with_a_question_token():
    doc = segment(text_transcript("How many sensors report? I'll assume fifty thousand."))
    assert doc.sentences[0].is_question and doc.sentences[0].text.endswith(" ?")
    assert not doc.sentences[1].is_question


def test_tokens_keep_the_index_of_the_word_they_came_from():
    transcript = timed_transcript("Um, so the low-confidence items go to reviewers.")
    doc = segment(transcript)
    tokens = doc.sentences[0].tokens
    low = next(t for t in tokens if t.text == "low")
    confidence = next(t for t in tokens if t.text == "confidence")
    assert low.word_index == confidence.word_index == 3
    assert doc.start(low.word_index) == transcript.words[3].start


def test_numbers_lose_thousands_separators_and_keep_units():
    assert word_pieces("10,000") == ["10000"]
    assert word_pieces("$5,000,") == ["$5000"]
    assert word_pieces("99.9%.") == ["99.9%"]
    assert word_pieces("on-call") == ["on", "call"]
    assert word_pieces("We’ll") == ["we'll"]


def test_quotes_are_cut_from_the_raw_words_without_edge_fillers():
    doc = segment(text_transcript("Um, we buffer on disk, uh"))
    assert doc.quote(0, 5) == "we buffer on disk"


def test_run_on_sentences_are_cut_at_commas():
    clause = "the gateway writes to the queue and the workers read it back out again,"
    doc = segment(text_transcript(" ".join([clause] * 6) + " end."))
    assert len(doc.sentences) > 1
    assert all(len(s.tokens) <= 45 for s in doc.sentences)


def test_a_long_silence_ends_a_sentence_without_punctuation():
    transcript = timed_transcript("first we ask about users then we design")
    words = list(transcript.words)
    from mockloop.models import Word

    shifted = [Word(w.text, w.start + (3.0 if i >= 5 else 0), w.end + (3.0 if i >= 5 else 0)) for i, w in enumerate(words)]
    transcript.words = shifted
    assert len(segment(transcript).sentences) == 2


def test_times_are_formatted_as_minutes_and_seconds():
    assert format_time(40.2) == "0:40"
    assert format_time(725) == "12:05"
    assert format_time(None) is None
