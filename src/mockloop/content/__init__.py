"""Judging the content of an answer: rubric verdicts with evidence, order, score, tips.

Public entry points:
    judge_content(transcript, kind, prompt=None, judge="rules", llm_options=None, cache_dir=None)
    kinds(), rubric_ids(kind)
    probes_for(prompt, result, n=2)
    LLMOptions (for judge="llm")
    prompts.load_bank(), prompts.get_prompt(id), prompts.Prompt
"""

from mockloop.content.errors import (
    PromptBankError,
    UnknownCompanyError,
    UnknownJudgeError,
    UnknownKindError,
    UnknownPromptError,
)
from mockloop.content.judge import judge_content
from mockloop.content.llm_judge import LLMOptions
from mockloop.content.probes import probes_for
from mockloop.content.prompts import Prompt, get_prompt, load_bank
from mockloop.content.rubric import kinds, rubric_ids

__all__ = [
    "LLMOptions",
    "Prompt",
    "PromptBankError",
    "UnknownCompanyError",
    "UnknownJudgeError",
    "UnknownKindError",
    "UnknownPromptError",
    "get_prompt",
    "judge_content",
    "kinds",
    "load_bank",
    "probes_for",
    "rubric_ids",
]
