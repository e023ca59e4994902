"""Conciseness: how soon the answer commits to something, how long it goes without doing so,
and which sentences run on.

A "point" is a statement that commits: a recommendation or decision ("I'd recommend", "we'll go
with"), or a design statement in the first person future or conditional ("we'll put a queue in
front of the writers", "I'd shard by customer"). Questions never count, and neither do
statements about what is still open ("I'm not sure we'd need ..."): only what the speaker
commits to. For exec_explain answers the bottom line belongs in the first sentence.
"""

from __future__ import annotations

from mockloop.analysis.prosody import Sentence, split_sentences
from mockloop.analysis.tokens import Token, tokenize
from mockloop.config import ConcisenessSettings
from mockloop.models import Conciseness, Span, Word

# "<subject + future/conditional> [up to two words] <committing verb>" or a recommendation phrase.
_COMMIT_OPENERS = {
    ("i'd",), ("i'll",), ("we'll",), ("we'd",), ("let's",), ("i", "would"), ("i", "will"), ("we", "will"),
    ("we", "would"), ("we", "should"), ("i'm", "going", "to"), ("we're", "going", "to"), ("we", "are", "going", "to"),
    ("i", "am", "going", "to"), ("my", "plan", "is", "to"), ("the", "plan", "is", "to"),
}
_COMMIT_VERBS = frozenset(
    "use put build add shard cache launch ship cut choose pick go start split store run deploy move keep recommend "
    "partition replicate page retry roll prioritise prioritize delay drop buy hire fund migrate invest scale "
    "introduce adopt replace stop pause approve reject".split()
)
_COMMIT_PHRASES = {
    ("i", "recommend"), ("i'd", "recommend"), ("i", "would", "recommend"), ("my", "recommendation"), ("i", "suggest"),
    ("i", "propose"), ("the", "decision", "is"), ("we", "decided"), ("i", "decided"), ("bottom", "line"),
    ("in", "short"), ("i", "chose"), ("we", "chose"),
}
_NOT_COMMITTED = {("not", "sure"), ("don't", "know"), ("no", "idea"), ("maybe",), ("might",), ("if", "we")}
_FIRST_WORDS = frozenset(p[0] for p in _COMMIT_OPENERS | _COMMIT_PHRASES | _NOT_COMMITTED)


def _starts(norms: list[str], i: int, table) -> int:
    """Length of the phrase of ``table`` starting at ``i`` (0 when none)."""
    for n in (4, 3, 2, 1):
        if tuple(norms[i : i + n]) in table:
            return n
    return 0


def commits(norms: list[str]) -> bool:
    """Whether a statement (its normalised words) commits to a recommendation, decision or design choice."""
    committed = False
    for i, norm in enumerate(norms):
        if norm not in _FIRST_WORDS:
            continue
        if _starts(norms, i, _NOT_COMMITTED):
            return False
        if _starts(norms, i, _COMMIT_PHRASES):
            committed = True
            continue
        n = _starts(norms, i, _COMMIT_OPENERS)
        if n and any(w in _COMMIT_VERBS for w in norms[i + n : i + n + 3]):
            committed = True
    return committed


def measure_conciseness(words: list[Word], kind: str | None = None, settings: ConcisenessSettings | None = None,
                        tokens: list[Token] | None = None, sentences: list[Sentence] | None = None) -> Conciseness | None:
    settings = settings or ConcisenessSettings()
    tokens = tokenize(words) if tokens is None else tokens
    sentences = split_sentences(words, tokens) if sentences is None else sentences
    if not sentences:
        return None
    norms_by_sentence, k = [], 0
    for s in sentences:
        norms = []
        while k < len(tokens) and tokens[k].index <= s.last:
            norms.append(tokens[k].norm)
            k += 1
        norms_by_sentence.append(norms)
    points = [s for s, norms in zip(sentences, norms_by_sentence) if not s.question and commits(norms)]
    timed = [w for w in words if w.start is not None]
    first_point = points[0] if points else None
    first_point_s = longest = None
    if timed:
        begin, end = timed[0].start, timed[-1].end or timed[-1].start
        if first_point is not None and first_point.start is not None:
            first_point_s = round(first_point.start - begin, 2)
        marks = [begin] + [p.start for p in points if p.start is not None] + [end]
        longest = round(max(b - a for a, b in zip(marks, marks[1:])), 2) if len(marks) > 1 else None
    run_on = []
    for s in sentences:
        if s.n_words > settings.run_on_words:
            run_on.append(Span(s.start, s.end, s.text, float(s.n_words)))
    bottom_line_first = None
    if kind == "exec_explain":
        bottom_line_first = bool(points) and points[0] is sentences[0]
    return Conciseness(
        first_point_s=first_point_s,
        first_point=Span(first_point.start, first_point.end, first_point.text) if first_point else None,
        longest_without_decision_s=longest,
        run_on_sentences=run_on,
        bottom_line_first=bottom_line_first,
    )
