"""judge_content: the one entry point that turns a transcript into a ContentResult.

It runs the rule judge, optionally asks the LLM judge and merges the two, then adds what the
report needs around the verdicts: sequencing, ownership language, score and tips. Everything the
rubric does not have a field for goes to `extras`, which must stay JSON-serialisable because the
CLI puts it into `content` of the analysis contract.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from mockloop.content import llm_judge, ownership, scoring, sequencing
from mockloop.content.errors import UnknownJudgeError
from mockloop.content.llm_judge import LLMOptions
from mockloop.content.merge import MERGE_RULE, injection_sentences, merge
from mockloop.content.rubric import check_kind, get_rubric
from mockloop.content.rules import DEFAULT_EXEC_LIMIT_S, ItemFinding, judge_rules
from mockloop.content.text import format_time, segment
from mockloop.models import ContentResult, Evidence, RubricVerdict, Transcript

JUDGES = ("rules", "llm")


def judge_content(
    transcript: Transcript,
    kind: str,
    prompt=None,
    judge: str = "rules",
    llm_options: Optional[LLMOptions] = None,
    cache_dir: Optional[Path] = None,
) -> ContentResult:
    """Judge what the answer says, and in what order, against the rubric of `kind`.

    Args:
        transcript: the answer; words without times (text input) give evidence with start None.
        kind: one of kinds().
        prompt: the Prompt answered, if any: its focus items count double in the score and its
            time limit applies to exec_explain.
        judge: "rules" (local only) or "llm" (rules plus an OpenAI-compatible endpoint).
        llm_options: endpoint, model and timeout for judge="llm" (defaults from the environment).
        cache_dir: where LLM replies are cached; None disables the cache.

    Returns:
        A ContentResult with one verdict per rubric item in rubric order, score 0-100 (None for an
        empty answer), tips, and extras: sequencing, ownership_language, judges, checks, notes.

    Raises:
        UnknownKindError, UnknownJudgeError: user-facing errors for bad arguments.
    """
    check_kind(kind)
    if judge not in JUDGES:
        raise UnknownJudgeError(f"Unknown judge '{judge}'; use 'rules' or 'llm'.")
    rubric = get_rubric(kind)
    notes: list[str] = []
    focus = list(prompt.focus) if prompt is not None and prompt.kind == kind else []
    if prompt is not None and prompt.kind != kind:
        notes.append(f"Prompt {prompt.id} is a {prompt.kind} prompt; judged with the {kind} rubric.")
    time_limit = None
    if kind == "exec_explain":
        time_limit = float(prompt.time_limit_s) if prompt is not None and prompt.kind == kind else DEFAULT_EXEC_LIMIT_S

    doc = segment(transcript)
    findings = judge_rules(doc, rubric, time_limit_s=time_limit)
    verdicts = [_verdict(findings[item_id]) for item_id in rubric.ids]
    judges: dict = {"rules": {v.id: v.met for v in verdicts}, "llm": None, "merge_rule": None, "requested": judge}

    flagged = injection_sentences(doc)
    if flagged:
        first = doc.sentences[flagged[0]]
        when = format_time(doc.start(first.first_word))
        notes.append(
            "The answer contains text addressed to the grader"
            + (f" (at {when})" if when else "")
            + "; it was treated as part of the answer, not as an instruction."
        )

    if judge == "llm" and doc.token_count:
        options = llm_options or LLMOptions()
        outcome = llm_judge.run(doc, rubric, options, cache_dir=cache_dir)
        if outcome.items is None:
            notes.append(outcome.note)
            judges["fallback"] = outcome.note  # the LLM was asked for and not used: the rules decided
        else:
            verdicts, detail = merge(verdicts, outcome.items, doc, rubric)
            judges.update(
                llm=detail,
                merge_rule=MERGE_RULE,
                model=options.model,
                cached=outcome.cached,
            )
            if outcome.note:
                notes.append(outcome.note)
            if outcome.missing:
                notes.append("The LLM judge left out " + ", ".join(outcome.missing) + "; the rules decide those.")

    if not doc.token_count:
        return ContentResult(
            kind=kind,
            rubric=[RubricVerdict(item_id, False) for item_id in rubric.ids],
            score=None,
            tips=["The answer is empty; nothing to judge."],
            extras={"notes": notes + ["Empty answer."], "judges": judges},
        )

    order = sequencing.analyse(doc, rubric, findings)
    language = ownership.analyse(doc)
    extras = {
        "sequencing": order,
        "ownership_language": language,
        "judges": judges,
        "checks": _checks(findings),
        "focus": focus,
        "prompt_id": prompt.id if prompt is not None else None,
        "notes": notes,
    }
    return ContentResult(
        kind=kind,
        rubric=verdicts,
        score=scoring.score(rubric, verdicts, focus),
        tips=scoring.tips(rubric, verdicts, findings, order, language, focus),
        extras=extras,
    )


def _verdict(finding: ItemFinding) -> RubricVerdict:
    return RubricVerdict(
        id=finding.id,
        met=bool(finding.met),
        evidence=[Evidence(quote=hit.quote, start=hit.start, word_indices=hit.rests_on) for hit in finding.hits],
        judge="rules",
        note=finding.note,
    )


def _checks(findings: dict[str, ItemFinding]) -> dict:
    """The numbers behind measured items (JSON-ready), e.g. duration and jargon for exec_explain."""
    result = {}
    for item_id, finding in findings.items():
        detail = {k: v for k, v in finding.detail.items() if isinstance(v, (str, int, float, bool, list, type(None)))}
        if detail:
            result[item_id] = detail
    return result


