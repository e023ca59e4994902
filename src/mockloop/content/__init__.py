"""Judging the content of an answer: rubric verdicts with evidence, order, score, tips.

Public entry points:
    judge_content(transcript, kind, prompt=None, judge="rules", llm_options=None, cache_dir=None)
    kinds(), rubric_ids(kind)
    probes_for(prompt, result, n=2)
    LLMOptions (for judge="llm")
    prompts.load_bank(), prompts.get_prompt(id), prompts.Prompt
"""

import importlib

# Where each public name lives. Imported on first use (PEP 562): `from mockloop.content.prompts
# import ...` (every CLI start, for the prompts' help text) then does not load the judges.
_HOMES = {
    "PromptBankError": "errors",
    "UnknownCompanyError": "errors",
    "UnknownJudgeError": "errors",
    "UnknownKindError": "errors",
    "UnknownPromptError": "errors",
    "judge_content": "judge",
    "LLMOptions": "llm_judge",
    "probes_for": "probes",
    "Prompt": "prompts",
    "get_prompt": "prompts",
    "load_bank": "prompts",
    "kinds": "rubric",
    "rubric_ids": "rubric",
}


def __getattr__(name: str):
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_HOMES))


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
