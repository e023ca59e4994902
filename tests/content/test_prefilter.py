"""The literal prefilter never changes a result: prefiltered search finds exactly what plain search finds.

Every pattern the rubric rules use is checked on every sentence of every labelled transcript
(tests/content/labelled/**): search, finditer, and the candidate sets the rules iterate over.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mockloop.content import judge_content
from mockloop.content.eval import labelled_files, load_labelled
from mockloop.content.patterns import base_book
from mockloop.content.prefilter import required_literals
from mockloop.content.rubric import get_rubric, kinds
from mockloop.content.text import segment, transcript_from_text

LABELLED = Path(__file__).parent / "labelled"


def _spans(matches) -> list[tuple[int, int]]:
    return [m.span() for m in matches]


@pytest.fixture(scope="module")
def transcripts() -> list:
    found = [load_labelled(path) for path in labelled_files(LABELLED)]
    assert len(found) > 100
    return [(entry["kind"], transcript_from_text(entry["text"])) for entry in found]


@pytest.fixture(scope="module")
def patterns(transcripts) -> list:
    """Every compiled pattern the judge uses: judging each transcript compiles them into the books."""
    for kind, transcript in transcripts:
        judge_content(transcript, kind)
    books = [base_book(), *(get_rubric(kind).book for kind in kinds())]
    unique = {(p.pattern, p.flags): p for book in books for p in book.compiled_patterns()}
    assert len(unique) > 100
    return list(unique.values())


@pytest.mark.slow
def test_prefiltered_search_equals_plain_search_on_every_labelled_transcript(transcripts, patterns):
    prefiltered = 0
    for _, transcript in transcripts:
        doc = segment(transcript)
        for pattern in patterns:
            for sentence in doc.sentences:
                plain = pattern.search(sentence.text)
                found = doc.search(pattern, sentence.index)
                assert (found and found.span()) == (plain and plain.span()), (pattern.pattern[:80], sentence.text)
                if plain is not None:
                    assert _spans(doc.finditer(pattern, sentence.index)) == _spans(pattern.finditer(sentence.text))
            candidates = doc.sentences_for([pattern])
            if candidates is not None:
                prefiltered += 1
                matching = [s.index for s in doc.sentences if pattern.search(s.text)]
                assert set(matching) <= set(candidates), pattern.pattern[:80]
    assert prefiltered > 0, "the prefilter should apply to most patterns"


@pytest.mark.parametrize(
    "source, literals",
    [
        (r"(?<![\w'$%])(?:we (?:cache|shard) it)(?![\w'%])", ("we cache it", "we shard it")),
        (r"\bretr(?:y|ies)\b", ("retries", "retry")),
        (r"(?i:owner)", None),  # case-insensitive: no literal is certain
        (r"\w+ing", ("ing",)),
        (r"(a|b)?c*", None),  # can match the empty string
    ],
)
def test_required_literals_are_what_every_match_must_contain(source, literals):
    import re

    assert required_literals(re.compile(source)) == literals
