"""The rule-based judge: phrase rules from data, plus the few checks that need code.

Every decision carries the sentences that caused it, so the report can quote the user's own words
with their times, and a near miss (the topic came up, the item is not met) can be quoted in a tip.
What can be said as a phrase pattern lives in data/rules/*.yaml; code handles only what patterns
cannot: order in time (scope before design), counting and comparing (I versus we), duration, and
jargon with its explanations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable, Optional

from mockloop.content.patterns import load_yaml
from mockloop.content.rubric import ItemRules, Rubric
from mockloop.content.text import Doc, Sentence, ends_clause, format_time, is_filler, word_pieces

SPEAKING_RATE_WPM = 150.0  # to estimate the duration of a text answer (conversational pace)
DEFAULT_EXEC_LIMIT_S = 90.0
MAX_EVIDENCE = 3


@dataclass
class Hit:
    """One place in the answer where a rule (or a topic pattern) matched."""

    sentence_index: int
    first_word: int  # first word of the quote
    match_word: int  # first word of the anchor match
    quote: str
    start: Optional[float]  # time of the quote's first word; None for text input
    matched: str = ""  # the anchor's matched text, normalised
    match_quote: str = ""  # the anchor's matched words as spoken ("I'd use Redis")
    rests_on: tuple[int, ...] = ()  # indices of the words every pattern of the rule matched


@dataclass
class ItemFinding:
    id: str
    met: bool
    hits: list[Hit] = field(default_factory=list)
    near: list[Hit] = field(default_factory=list)
    note: str = ""
    detail: dict = field(default_factory=dict)  # numbers behind a code check, for extras


@dataclass
class RuleContext:
    doc: Doc
    rubric: Rubric
    time_limit_s: Optional[float] = None
    findings: dict = field(default_factory=dict)  # id -> ItemFinding, filled in rubric order


def judge_rules(doc: Doc, rubric: Rubric, time_limit_s: Optional[float] = None) -> dict[str, ItemFinding]:
    """Judge every rubric item of `rubric` on `doc`.

    Args:
        doc: the segmented transcript.
        rubric: the kind's rubric with compiled rules.
        time_limit_s: the prompt's limit, for exec_explain's within_time_limit.

    Returns:
        item id -> ItemFinding, in rubric order.
    """
    context = RuleContext(doc=doc, rubric=rubric, time_limit_s=time_limit_s)
    # Phrase items first: code checks such as scope_before_design read their hits.
    for item in rubric.items:
        spec = rubric.rules[item.id]
        if spec.code is None:
            context.findings[item.id] = _judge_phrases(doc, spec)
    for item in rubric.items:
        spec = rubric.rules[item.id]
        if spec.code is not None:
            check = CODE_CHECKS[spec.code]
            finding = check(context, spec)
            if not finding.met and not finding.near:
                finding.near = topic_hits(doc, spec)
            context.findings[item.id] = finding
    return {item.id: context.findings[item.id] for item in rubric.items}


# --- phrase rules --------------------------------------------------------------------------------


def _positions(doc: Doc) -> list[float]:
    """Where each sentence starts, as a fraction of the answer's tokens."""
    total = max(doc.token_count, 1)
    return doc.cached("positions", lambda: [seen / total for seen in doc.ordinals()[:-1]])


@lru_cache(maxsize=1)
def _withdrawal_patterns() -> tuple[re.Pattern, re.Pattern]:
    """(withdrawn after the cue, negated right before it), from the shared lists in phrases.yaml."""
    from mockloop.analysis.tokens import phrase_data

    data = phrase_data()

    def alternation(phrases: list[str]) -> str:
        normalised = {" ".join(piece for word in phrase.split() for piece in word_pieces(word)) for phrase in phrases}
        return "|".join(re.escape(text) for text in sorted(normalised, key=len, reverse=True) if text)

    after = re.compile(r"(?<![\w'])(?:" + alternation(data["withdrawals"]) + r")(?![\w'])")
    before = re.compile(r"(?<![\w'])(?:" + alternation(data["negations_before"]) + r")(?: (?:a|an|any|the|real|really))? $")
    return after, before


def withdrawn(doc: Doc, sentence: Sentence, match: re.Match) -> bool:
    """Whether the speaker denied or took back the cue ``match`` within its own sentence.

    "The trade-off is, I don't know, there isn't one really." names a trade-off and withdraws
    it; "there's no trade-off" negates it. Neither meets an item. The negation must stand in the
    cue's own clause, right before it, so "no more than 200 ms" still states a latency.
    """
    after, before = _withdrawal_patterns()
    if after.search(sentence.text, match.end()):
        return True
    first, _ = sentence.token_span(*match.span())
    start = first
    while start > 0 and not ends_clause(doc.words[sentence.tokens[start - 1].word_index].text):
        start -= 1
    return bool(before.search(sentence.text[sentence.offsets[start] : match.start()]))


def _first_kept(doc: Doc, pattern: re.Pattern, index: int) -> Optional[re.Match]:
    """The first match of ``pattern`` in sentence ``index`` that was not withdrawn."""
    if doc.search(pattern, index) is None:
        return None
    sentence = doc.sentences[index]
    return next((m for m in doc.finditer(pattern, index) if not withdrawn(doc, sentence, m)), None)


def _vetoed(doc: Doc, spec: ItemRules, sentences: list[Sentence]) -> bool:
    return any(doc.search(p, s.index) for p in spec.none for s in sentences)


def find_hits(doc: Doc, spec: ItemRules, ignore_position: bool = False) -> list[Hit]:
    """All hits of an item's rules, one per anchor sentence (per distinct text for `distinct`).

    ignore_position finds hits outside the item's allowed part of the answer, e.g. a
    recommendation that came at the end, so a tip can quote where it actually was.
    """
    hits: list[Hit] = []
    positions = _positions(doc)
    low, high = (0.0, 1.0) if ignore_position else spec.position
    # Only sentences where some rule's anchor may match can produce a hit.
    indices = doc.sentences_for(rule.patterns[0] for rule in spec.rules)
    if indices is None:
        indices = range(len(doc.sentences))
    sentences = doc.sentences
    for index in indices:
        sentence = sentences[index]
        if not (low <= positions[index] <= high):
            continue
        for rule in spec.rules:
            if not ignore_position and not (rule.position[0] <= positions[index] <= rule.position[1]):
                continue
            anchors = [m for m in doc.finditer(rule.patterns[0], index) if not withdrawn(doc, sentence, m)]
            if not anchors:
                continue
            window_end = min(index + rule.window, len(sentences))
            used = [sentence]
            last_word = sentence.last_word
            rests_on: list[int] = []  # words matched by the rule's other patterns
            complete = True
            for pattern in rule.patterns[1:]:
                found = None
                for other_index in range(index, window_end):
                    match = _first_kept(doc, pattern, other_index)
                    if match:
                        found = (sentences[other_index], match)
                        break
                if found is None:
                    complete = False
                    break
                other, match = found
                rests_on.extend(_matched_words(other, match))
                if other is not sentence:
                    used.append(other)
                    _, last = other.token_span(*match.span())
                    last_word = max(last_word, other.tokens[last].word_index)
            if not complete or _vetoed(doc, spec, used):
                continue
            chosen = anchors if rule.distinct else anchors[:1]
            for anchor in chosen:
                hits.append(_make_hit(doc, sentence, anchor, last_word, rests_on))
            break  # one rule is enough for this anchor sentence
    return hits


def _matched_words(sentence: Sentence, match: re.Match) -> range:
    """Indices of the words a match covers."""
    first, last = sentence.token_span(*match.span())
    return range(sentence.tokens[first].word_index, sentence.tokens[last].word_index + 1)


def _make_hit(doc: Doc, sentence: Sentence, match: re.Match, last_word: int, rests_on: list[int] = ()) -> Hit:
    first, last = sentence.token_span(*match.span())
    match_word = sentence.tokens[first].word_index
    match_last = sentence.tokens[last].word_index
    quote_start = max(sentence.first_word, match_word - 8)
    quote = doc.quote(quote_start, max(last_word, sentence.last_word))
    start_word = quote_start
    while start_word < len(doc.words) - 1 and is_filler(doc.words[start_word].text):
        start_word += 1
    return Hit(
        sentence_index=sentence.index,
        first_word=start_word,
        match_word=match_word,
        quote=quote,
        start=doc.start(start_word),
        matched=match.group(0),
        match_quote=doc.quote(match_word, match_last, max_words=12),
        rests_on=tuple(sorted({*range(match_word, match_last + 1), *rests_on})),
    )


def topic_hits(doc: Doc, spec: ItemRules, limit: int = 2) -> list[Hit]:
    """Sentences where the item's subject came up, for near-miss tips.

    Only the part of the answer where the item counts is searched, and the opening sentence is
    used last: it usually restates the question ("Okay, a model deployment is delayed").
    """
    hits = []
    positions = _positions(doc)
    low, high = spec.position
    indices = doc.sentences_for(spec.topic)
    if indices is None:
        indices = range(len(doc.sentences))
    order = [i for i in indices if i != 0] + ([0] if doc.sentences and (0 in indices) else [])
    for index in order:
        sentence = doc.sentences[index]
        if not (low <= positions[index] <= high):
            continue
        for pattern in spec.topic:
            match = doc.search(pattern, index)
            if match:
                hits.append(_make_hit(doc, sentence, match, sentence.last_word))
                break
        if len(hits) >= limit:
            break
    return hits


def _canonical(text: str) -> str:
    words = [w for w in text.split() if w not in {"the", "a", "an", "my", "our", "their", "team"}]
    return " ".join(w[:-1] if w.endswith("s") and len(w) > 3 else w for w in words)


def _judge_phrases(doc: Doc, spec: ItemRules) -> ItemFinding:
    hits = find_hits(doc, spec)
    distinct = any(rule.distinct for rule in spec.rules)
    if distinct:
        seen, unique = set(), []
        for hit in hits:
            key = _canonical(hit.matched)
            if key not in seen:
                seen.add(key)
                unique.append(hit)
        count = len(unique)
        evidence = _one_per_sentence(unique)
    else:
        evidence = _one_per_sentence(hits)
        count = len(evidence)
    met = count >= spec.min_hits
    finding = ItemFinding(id=spec.id, met=met, hits=evidence[:MAX_EVIDENCE] if met else [])
    if not met:
        late = find_hits(doc, spec, ignore_position=True) if spec.position != (0.0, 1.0) else []
        finding.near = evidence[:2] or _one_per_sentence(late)[:2] or topic_hits(doc, spec)
        if spec.min_hits > 1 and count:
            finding.note = f"{count} of the {spec.min_hits} needed"
    return finding


def _one_per_sentence(hits: list[Hit]) -> list[Hit]:
    seen, unique = set(), []
    for hit in hits:
        if hit.sentence_index not in seen:
            seen.add(hit.sentence_index)
            unique.append(hit)
    return unique


# --- code checks ---------------------------------------------------------------------------------


def design_statements(doc: Doc, rubric: Rubric) -> list[Hit]:
    """Sentences that propose a component ("I'd put Kafka between ..."), questions excluded."""
    return list(doc.cached(("design_statements", rubric.kind), lambda: _design_statements(doc, rubric)))


def _design_statements(doc: Doc, rubric: Rubric) -> list[Hit]:
    patterns = _design_patterns(rubric)
    hits = []
    indices = doc.sentences_for(patterns)
    if indices is None:
        indices = range(len(doc.sentences))
    for index in indices:
        sentence = doc.sentences[index]
        if sentence.is_question:
            continue
        for pattern in patterns:
            match = doc.search(pattern, index)
            if match:
                hits.append(_make_hit(doc, sentence, match, sentence.last_word))
                break
    return hits


def _design_patterns(rubric: Rubric) -> tuple:
    # The book caches each compiled pattern, so this is a few dict look-ups per call.
    return tuple(rubric.book.compile(p) for p in rubric.sequencing.get("design", []))


def _scope_before_design(context: RuleContext, spec: ItemRules) -> ItemFinding:
    doc, rubric = context.doc, context.rubric
    scoping_ids = rubric.sequencing.get("scoping_items", [])
    scoping = sorted(
        (hit for item_id in scoping_ids for hit in context.findings[item_id].hits),
        key=lambda hit: hit.match_word,
    )
    designs = design_statements(doc, rubric)
    first_design = designs[0] if designs else None
    if first_design is None:
        before = scoping
    else:
        before = [hit for hit in scoping if hit.match_word < first_design.match_word]
    finding = ItemFinding(id=spec.id, met=bool(before), hits=_one_per_sentence(before)[:2])
    finding.detail = {"first_design": first_design}
    if not finding.met and first_design is not None:
        finding.near = [first_design]
    return finding


@lru_cache(maxsize=1)
def _jargon() -> dict:
    return load_yaml("jargon.yaml")


def _plain_language(context: RuleContext, spec: ItemRules) -> ItemFinding:
    doc, book = context.doc, context.rubric.book
    data = _jargon()
    terms = [book.compile(t) for t in data["terms"]]
    explain = book.compile("{explain_cue}") if book.has("explain_cue") else None
    window = int(data.get("explain_window_words", 12))
    used: dict[str, Hit] = {}
    explained: set[str] = set()
    indices = doc.sentences_for(terms)
    if indices is None:
        indices = range(len(doc.sentences))
    for index in indices:
        sentence = doc.sentences[index]
        for term in terms:
            for match in doc.finditer(term, index):
                name = match.group(0)
                if name not in used:
                    used[name] = _make_hit(doc, sentence, match, sentence.last_word)
                if explain is not None:
                    around = sentence.text[match.end() : match.end() + window * 8]
                    if explain.search(" ".join(around.split()[:window])):
                        explained.add(name)
    unexplained = [name for name in used if name not in explained]
    limit = int(data.get("max_unexplained_terms", 2))
    finding = ItemFinding(id=spec.id, met=len(unexplained) <= limit)
    finding.detail = {"terms": list(used), "unexplained": unexplained, "limit": limit}
    finding.note = (
        f"{len(unexplained)} unexplained technical term(s)"
        + (f": {', '.join(unexplained[:6])}" if unexplained else "")
    )
    if not finding.met:
        finding.near = [used[name] for name in unexplained[:2]]
    return finding


def answer_duration_s(doc: Doc) -> tuple[float, bool]:
    """Seconds spoken and whether that is measured (True) or estimated from words (False)."""
    # Word times come from audio arrays and may be numpy scalars; a numpy comparison gives a
    # numpy bool that would leak into the verdict, so everything here is a plain float.
    words = doc.words
    timed = [w for w in words if w.start is not None]
    if timed:
        end = max(float(w.end if w.end is not None else w.start) for w in timed)
        return max(end - float(timed[0].start), 0.0), True
    if doc.transcript.duration_s is not None:
        return float(doc.transcript.duration_s), True
    return len(words) / SPEAKING_RATE_WPM * 60.0, False


def _within_time_limit(context: RuleContext, spec: ItemRules) -> ItemFinding:
    limit = context.time_limit_s or DEFAULT_EXEC_LIMIT_S
    duration, measured = answer_duration_s(context.doc)
    finding = ItemFinding(id=spec.id, met=bool(duration <= limit))
    how = "measured" if measured else f"estimated from {len(context.doc.words)} words at {SPEAKING_RATE_WPM:.0f} wpm"
    finding.note = f"{format_time(duration)} ({how}); limit {format_time(limit)}"
    finding.detail = {"duration_s": round(duration, 1), "measured": measured, "limit_s": limit}
    return finding


def _owns_actions(context: RuleContext, spec: ItemRules) -> ItemFinding:
    doc, book = context.doc, context.rubric.book
    i_pattern, we_pattern = book.compile("{i_action}"), book.compile("{we_action}")
    habit = book.compile("^(?:\\S+ ){0,3}(?:usually|always|generally|typically|normally|in general)")
    i_hits, we_count = [], 0
    indices = doc.sentences_for((i_pattern, we_pattern))
    if indices is None:
        indices = range(len(doc.sentences))
    for index in indices:
        sentence = doc.sentences[index]
        if doc.search(habit, index):
            continue
        for match in doc.finditer(i_pattern, index):
            i_hits.append(_make_hit(doc, sentence, match, sentence.last_word))
        we_count += len(doc.finditer(we_pattern, index))
    i_count = len(i_hits)
    met = i_count >= 2 or (i_count == 1 and we_count <= 1)
    finding = ItemFinding(id=spec.id, met=met, hits=_one_per_sentence(i_hits)[:MAX_EVIDENCE] if met else [])
    finding.note = f"{i_count} 'I' action(s), {we_count} 'we' action(s)"
    finding.detail = {"i_actions": i_count, "we_actions": we_count}
    return finding


CODE_CHECKS: dict[str, Callable[[RuleContext, ItemRules], ItemFinding]] = {
    "scope_before_design": _scope_before_design,
    "plain_language": _plain_language,
    "within_time_limit": _within_time_limit,
    "owns_actions": _owns_actions,
}
