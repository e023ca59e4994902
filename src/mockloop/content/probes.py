"""Follow-ups chosen from what an answer is missing and worded from what it said.

An interviewer follows up where the answer was thin, and picks up the candidate's own words:
"You said "reviewers confirm or dismiss the flags". If reviewers fall behind, which number tells
you, and who acts on it?". Three rules keep a follow-up fair:

- It asks about a rubric item the answer did not meet, focus items first; when every item a
  follow-up could still earn is met, there is no follow-up.
- It is never about something already covered: a bank probe that names the subject of an item the
  answer met ("what are you assuming about *traffic*?" after the load was sized), or whose own
  words the candidate already said in one sentence, is passed over for the item's next probe.
- Its answer is judged on the item it asked about, nothing else (``judge_follow_up``), and the
  session's content score is the main answer's with the follow-ups' credit added
  (``session_content_score``), so a follow-up can raise the score but never lower it.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Iterable, Optional, Sequence

from mockloop.content.prompts import Prompt, default_probes
from mockloop.content.rubric import Rubric, get_rubric
from mockloop.content.rules import Hit, judge_rules
from mockloop.content.scoring import score as rubric_score
from mockloop.content.text import Doc, is_filler, segment, transcript_from_text
from mockloop.models import ContentResult, RubricVerdict, Transcript

# Checks on the whole answer's order or length: a later, separate answer cannot change them.
UNPROBED_CHECKS = frozenset({"scope_before_design", "within_time_limit", "plain_language"})
QUOTE_WORDS = 12
# A probe whose distinctive words the candidate already said together is about something covered:
# at least this many of them, and at least this share, in one sentence of the answer.
COVERED_MIN_WORDS = 3
COVERED_SHARE = 0.75
_STOPWORDS = frozenset(
    """a an the and or but of to in on at by for with from into about over as is are was were be been
    being do does did done have has had it its this that these those there their they them you your
    yours we our us i me my what which who whom whose when where why how would could should will can
    may might must shall not no if then than so just really right now say tell give me one each any
    some more most much many very out up down off again once also too only own same such both all
    make made going go get got let us think walk through happens happen before after because since
    design system""".split()
)


@dataclass(frozen=True)
class FollowUp:
    """One follow-up question: what it asks about and what it says.

    ``items`` are the rubric items its answer is judged on; ``probe`` is the bank's wording it was
    built from; ``quote`` and ``quote_start`` are the candidate's words it picks up (None when no
    sentence of the answer is about the same thing).
    """

    items: tuple[str, ...]
    text: str
    probe: str
    quote: Optional[str] = None
    quote_start: Optional[float] = None

    def to_dict(self) -> dict:
        return dataclasses.asdict(self) | {"items": list(self.items)}


def follow_ups(
    prompt: Optional[Prompt], result: ContentResult, transcript: Optional[Transcript] = None, n: int = 2
) -> list[FollowUp]:
    """Up to n follow-ups for the items the answer missed, most important first.

    Args:
        prompt: the prompt answered (its own probes and focus first); None uses the kind's probes.
        result: the judged answer (its verdicts decide what is met, whichever judge gave them).
        transcript: the answer's words, to quote and to check what was already said; None judges
            from the verdicts alone and asks the bank's wording as it is.
        n: at most this many.

    Returns:
        One follow-up per gap; an empty list when nothing a follow-up could still earn is missing.
    """
    rubric = get_rubric(result.kind)
    own = prompt is not None and getattr(prompt, "kind", None) == result.kind
    probes = getattr(prompt, "probes", None) if own else None
    probes = probes or default_probes(result.kind)
    focus = _focus(prompt, result.kind)
    met = {v.id for v in result.rubric if v.met}
    order = {item_id: index for index, item_id in enumerate(rubric.ids)}
    gaps = [
        v.id for v in result.rubric
        if not v.met and v.id in order and rubric.rules[v.id].code not in UNPROBED_CHECKS
    ]
    gaps.sort(key=lambda item_id: (item_id not in focus, order[item_id]))
    doc = segment(transcript) if transcript is not None else None
    near = _near_hits(doc, rubric) if doc is not None and doc.token_count else {}

    chosen: list[FollowUp] = []
    for item_id in gaps:
        for probe in probes.get(item_id, []):
            if any(f.probe == probe for f in chosen) or _names_covered_subject(probe, item_id, met, rubric):
                continue
            if doc is not None and doc.token_count and _already_said(probe, doc):
                continue
            chosen.append(_worded(item_id, probe, doc, near.get(item_id)))
            break
        if len(chosen) >= n:
            break
    return chosen


def follow_up_now(prompt, words: Sequence) -> Optional[FollowUp]:
    """The one follow-up to ask mid-answer on the words heard so far (rules judge), or None when
    nothing is heard yet or nothing a follow-up could earn is missing."""
    from mockloop.content.judge import judge_content

    if not words or prompt is None:
        return None
    transcript = Transcript(words=list(words), duration_s=None)
    result = judge_content(transcript, prompt.kind, prompt=prompt)
    chosen = follow_ups(prompt, result, transcript, n=1)
    return chosen[0] if chosen else None


def probes_for(prompt: Optional[Prompt], result: ContentResult, n: int = 2, transcript: Optional[Transcript] = None) -> list[str]:
    """The words of ``follow_ups`` (kept for callers that only need the questions)."""
    return [f.text for f in follow_ups(prompt, result, transcript, n=n)]


def judge_follow_up(content: ContentResult, follow_up: FollowUp, prompt: Optional[Prompt] = None) -> ContentResult:
    """A follow-up answer's content judged on what the follow-up asked, not the whole rubric.

    A direct two-sentence answer to "who owns the gateway?" meets or misses names_owners; the
    other items were never asked of it, so they are not listed, scored or turned into tips.
    """
    rubric = get_rubric(content.kind)
    asked = [item_id for item_id in follow_up.items if item_id in rubric.ids]
    verdicts = [v for v in content.rubric if v.id in asked]
    focus = _focus(prompt, content.kind)
    score = rubric_score(rubric, verdicts, focus) if verdicts and content.score is not None else None
    tips = [rubric.item(v.id).tip_missing for v in verdicts if not v.met and rubric.item(v.id).tip_missing]
    extras = dict(content.extras) | {"follow_up": follow_up.to_dict(), "whole_rubric_score": content.score}
    return ContentResult(kind=content.kind, rubric=verdicts, score=score, tips=tips, extras=extras)


def session_content_score(
    prompt: Optional[Prompt], main: ContentResult, answered: Iterable[tuple[Sequence[str], ContentResult]] = ()
) -> Optional[int]:
    """The session's content score: the main answer's, plus what its follow-ups earned.

    Args:
        prompt: the prompt (its focus weights the score exactly as it weighted the main answer).
        main: the main answer's content.
        answered: (items the follow-up asked, its judged content) per answered follow-up. A
            follow-up earns only the items it asked about, so it can add credit, never take any.

    Returns:
        0-100 on the main answer's rubric and weights; None when the main answer was not scored.
    """
    if main.score is None:
        return None
    earned = {
        v.id for items, content in answered for v in content.rubric if v.met and v.id in set(items)
    }
    if not earned - {v.id for v in main.rubric if v.met}:
        return main.score
    rubric = get_rubric(main.kind)
    verdicts = [dataclasses.replace(v, met=v.met or v.id in earned) for v in main.rubric]
    focus = _focus(prompt, main.kind)
    return max(main.score, rubric_score(rubric, verdicts, focus))


# --- choosing and wording ----------------------------------------------------------------------


def _focus(prompt, kind: str) -> list[str]:
    """The prompt's focus items when it is of this kind (they weigh double in the score)."""
    if prompt is None or getattr(prompt, "kind", None) != kind:
        return []
    return list(getattr(prompt, "focus", None) or [])


def _near_hits(doc: Doc, rubric: Rubric) -> dict[str, Hit]:
    """Per item, the sentence where its subject came up without meeting it (what to quote)."""
    findings = judge_rules(doc, rubric)
    return {item_id: finding.near[0] for item_id, finding in findings.items() if not finding.met and finding.near}


def _names_covered_subject(probe: str, item_id: str, met: set[str], rubric: Rubric) -> bool:
    """Whether the probe is about the subject of another item the answer already met, rather
    than its own ("what are you assuming about traffic?" names the load, not an assumption)."""
    probe_doc = segment(transcript_from_text(probe))

    def names(item: str) -> bool:
        return any(
            probe_doc.search(pattern, index)
            for pattern in rubric.rules[item].topic
            for index in range(len(probe_doc.sentences))
        )

    if item_id in rubric.rules and names(item_id):
        return False
    return any(other != item_id and other in rubric.rules and names(other) for other in met)


def _content_words(text: str) -> set[str]:
    words = re.findall(r"[a-z][a-z']+", text.lower())
    return {_stem(w) for w in words if w not in _STOPWORDS and len(w) > 2}


def _stem(word: str) -> str:
    """A plain stem, enough for "uploads"/"upload" and "failing"/"fail" to compare equal."""
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def _already_said(probe: str, doc: Doc) -> bool:
    wanted = _content_words(probe)
    if len(wanted) < COVERED_MIN_WORDS:
        return False
    for sentence in doc.sentences:
        shared = wanted & _content_words(doc.quote(sentence.first_word, sentence.last_word, max_words=80))
        if len(shared) >= COVERED_MIN_WORDS and len(shared) >= COVERED_SHARE * len(wanted):
            return True
    return False


def _worded(item_id: str, probe: str, doc: Optional[Doc], near: Optional[Hit]) -> FollowUp:
    """The probe, led by the candidate's words on the same subject when the answer has some."""
    quote, start = None, None
    if near is not None:
        quote, start = near.quote, near.start
    elif doc is not None and doc.token_count:
        quote, start = _related_sentence(probe, doc)
    if quote:
        quote = _clause(_trim_fillers(quote))
    if not quote:
        return FollowUp(items=(item_id,), text=probe, probe=probe)
    return FollowUp(items=(item_id,), text=f'You said "{quote}". {probe}', probe=probe, quote=quote, quote_start=start)


def _related_sentence(probe: str, doc: Doc) -> tuple[Optional[str], Optional[float]]:
    """The candidate's sentence sharing the most content words with the probe (at least one)."""
    wanted = _content_words(probe)
    best, best_shared = None, 0
    for sentence in doc.sentences:
        if sentence.is_question:
            continue
        text = doc.quote(sentence.first_word, sentence.last_word, max_words=80)
        shared = len(wanted & _content_words(text))
        if shared > best_shared:
            best, best_shared = sentence, shared
    if best is None:
        return None, None
    return doc.quote(best.first_word, best.last_word), doc.start(best.first_word)


def _clause(quote: str) -> str:
    """The quote's first clause of at least four words, at most QUOTE_WORDS words, said without
    an ellipsis (it is spoken)."""
    words = quote.split()[:QUOTE_WORDS]
    for index, word in enumerate(words):
        if index >= 3 and word.endswith((",", ";", ":", ".", "?", "!")):
            words = words[: index + 1]
            break
    return " ".join(words).rstrip(" .,;:!?…")


def _trim_fillers(quote: str) -> str:
    words = quote.split()
    while words and is_filler(words[0].strip(",.")):
        words.pop(0)
    return " ".join(words)
