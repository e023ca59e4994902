"""Fact sheets: what an interviewer knows about a prompt but says only when asked.

A strong candidate scopes before designing ("are we serving 1M or 100M users?"); to answer such a
question, and later to grade which questions were asked, each prompt carries facts. A fact is
reached by short phrases (`asked_by`) matched against the candidate's question on word boundaries,
so "peak" reaches the traffic fact but "speaking" does not; each word may carry a plain inflection
("deploy" reaches "deployed", "team" reaches "teams").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Optional

FACT_ID = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
# Characters that would be markup (Markdown, HTML, SSML) in an answer the voice engine speaks.
MARKUP = re.compile(r"[*_#`<>\[\]{}|\\]")
INFLECTION = r"(?:s|es|d|ed|ing)?"


@dataclass(frozen=True)
class Fact:
    id: str
    asked_by: tuple[str, ...]  # phrases of questions that reach this fact
    answer: str  # what the interviewer says, one or two plain sentences
    critical: bool  # a strong candidate asks for it before designing


def normalise(text: str) -> str:
    """Lower case words separated by single spaces: "Real-time?" and "real time" compare equal;
    apostrophes are dropped so "what's" matches "whats"."""
    text = text.lower().replace("'", "").replace("\u2019", "")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def parse_facts(entries: Iterable) -> tuple[Fact, ...]:
    """Facts from a prompt's YAML list; shape problems surface later in `fact_problems`."""
    facts = []
    for entry in entries or []:
        entry = entry if isinstance(entry, dict) else {}
        asked = entry.get("asked_by") or []
        asked = [asked] if isinstance(asked, str) else list(asked)
        facts.append(
            Fact(
                id=str(entry.get("id", "")),
                asked_by=tuple(str(a).strip() for a in asked if str(a).strip()),
                answer=" ".join(str(entry.get("answer", "") or "").split()),
                critical=entry.get("critical") is True,
            )
        )
    return tuple(facts)


def fact_problems(facts: tuple[Fact, ...]) -> list[str]:
    """What is wrong with one prompt's fact sheet, one phrase each (empty when it is usable)."""
    if not facts:
        return ["no facts"]
    problems, seen = [], set()
    for fact in facts:
        name = fact.id or "(no id)"
        if not FACT_ID.match(fact.id):
            problems.append(f"fact id '{name}' must be snake_case")
        if fact.id in seen:
            problems.append(f"duplicate fact id {name}")
        seen.add(fact.id)
        if not any(normalise(phrase) for phrase in fact.asked_by):
            problems.append(f"fact {name} has no asked_by phrase")
        if not fact.answer:
            problems.append(f"fact {name} has no answer")
        elif MARKUP.search(fact.answer):
            problems.append(f"fact {name} answer contains markup")
    if not any(fact.critical for fact in facts):
        problems.append("no critical fact")
    return problems


def fact_for_question(prompt, question_text: str) -> Optional[Fact]:
    """The fact a question reaches, or None.

    Every asked_by phrase found as whole words in the question is a candidate; the longest phrase
    wins, in words then letters (it is the most specific: "how many reviewers" beats "how many"),
    then sheet order.
    """
    question = normalise(question_text)
    best, best_length = None, (0, 0)
    for fact in prompt.facts:
        for phrase in fact.asked_by:
            words = normalise(phrase)
            length = (len(words.split()), len(words))
            if words and length > best_length and _phrase_pattern(words).search(question):
                best, best_length = fact, length
    return best


def _phrase_pattern(words: str) -> re.Pattern:
    return re.compile(r"\b" + " ".join(re.escape(word) + INFLECTION for word in words.split()) + r"\b")
