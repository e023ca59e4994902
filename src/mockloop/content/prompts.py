"""The prompt bank: interview questions with time limits, rubric focus and follow-up probes.

Prompts are data (prompts/*.yaml at the top of the repository), one file per kind, so adding a
question never needs code. The loader validates the whole bank on read: a prompt that names an
unknown rubric item or has no probe for a gap would otherwise fail much later, mid-interview.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Optional

import yaml

from mockloop.content.errors import PromptBankError, UnknownCompanyError, UnknownKindError, UnknownPromptError
from mockloop.content.facts import Fact, fact_problems, parse_facts
from mockloop.content.rubric import kinds, rubric_ids

COMPANIES = ("scale_ai", "sensetime", "tiktok", "generic")
ENV_DIR = "MOCKLOOP_PROMPTS_DIR"
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass
class Prompt:
    id: str
    kind: str
    company: str
    title: str
    text: str
    time_limit_s: int
    phases: list[tuple[str, int]] = field(default_factory=list)
    focus: list[str] = field(default_factory=list)  # rubric ids that matter most for this prompt
    probes: dict[str, list[str]] = field(default_factory=dict)  # gap id -> follow-ups, own first
    source: str = ""  # file the prompt came from
    own_probes: dict[str, list[str]] = field(default_factory=dict, repr=False)  # before kind defaults
    facts: tuple[Fact, ...] = ()  # what the interviewer holds back until asked


def bank_dir() -> Path:
    """Where the bank lives: $MOCKLOOP_PROMPTS_DIR, else the repository's prompts/ (editable or
    source checkout), else mockloop/data/prompts inside an installed package."""
    override = os.environ.get(ENV_DIR)
    if override:
        return Path(override)
    here = Path(__file__).resolve()
    repo = here.parents[3] / "prompts"
    if repo.is_dir() and any(repo.glob("*.yaml")):
        return repo
    return here.parents[1] / "data" / "prompts"


def load_bank(path: Optional[Path] = None) -> list[Prompt]:
    """Every prompt of the bank, validated, in file then listing order.

    Raises:
        PromptBankError: the folder has no prompt files, or a prompt does not validate.
    """
    directory = Path(path) if path is not None else bank_dir()
    return list(_load(str(directory.resolve())))


def read_yaml(file: Path, error: type[Exception]) -> dict:
    """One data file of the prompt folder; bad YAML raises ``error`` naming the file and its first line."""
    try:
        return yaml.safe_load(file.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise error(f"{file.name} is not valid YAML: {str(exc).splitlines()[0]}") from exc


@lru_cache(maxsize=8)
def _load(directory: str) -> tuple[Prompt, ...]:
    files = sorted(Path(directory).glob("*.yaml"))
    if not files:
        raise PromptBankError(f"No prompt files (*.yaml) in {directory}; set {ENV_DIR} to the prompts folder.")
    prompts: list[Prompt] = []
    for file in files:
        prompts.extend(_parse_file(file, read_yaml(file, PromptBankError)))
    problems = validate_bank(prompts)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise PromptBankError(f"Prompt bank in {directory} is invalid: {problems[0]}{more}")
    return tuple(prompts)


def _parse_file(file: Path, data: dict) -> list[Prompt]:
    kind = data.get("kind")
    if kind not in kinds():
        raise PromptBankError(f"{file.name}: kind '{kind}' is not one of {', '.join(kinds())}")
    defaults = data.get("defaults") or {}
    default_probes = defaults.get("probes") or {}
    result = []
    for entry in data.get("prompts") or []:
        own = entry.get("probes") or {}
        probes = {}
        for item_id in list(own) + [i for i in default_probes if i not in own]:
            probes[item_id] = list(own.get(item_id, [])) + [
                p for p in default_probes.get(item_id, []) if p not in own.get(item_id, [])
            ]
        phases = entry.get("phases", defaults.get("phases")) or []
        result.append(
            Prompt(
                id=str(entry.get("id", "")),
                kind=kind,
                company=str(entry.get("company", "generic")),
                title=str(entry.get("title", "")).strip(),
                text=" ".join(str(entry.get("text", "")).split()),
                time_limit_s=int(entry.get("time_limit_s", defaults.get("time_limit_s", 0))),
                phases=[(str(name), int(seconds)) for name, seconds in phases],
                focus=list(entry.get("focus") or []),
                probes=probes,
                source=file.name,
                own_probes={k: list(v) for k, v in own.items()},
                facts=parse_facts(entry.get("facts")),
            )
        )
    return result


def validate_bank(prompts: list[Prompt]) -> list[str]:
    """Problems that make a bank unusable, one sentence each (empty when the bank is valid)."""
    problems, seen = [], set()
    for prompt in prompts:
        where = f"{prompt.source}: {prompt.id or '(no id)'}"
        if not _ID.match(prompt.id):
            problems.append(f"{where}: id must be lower-case words joined by '-'")
        if prompt.id in seen:
            problems.append(f"{where}: duplicate id")
        seen.add(prompt.id)
        if prompt.company not in COMPANIES:
            problems.append(f"{where}: company '{prompt.company}' is not one of {', '.join(COMPANIES)}")
        if not prompt.title or not prompt.text:
            problems.append(f"{where}: title and text are required")
        if prompt.time_limit_s <= 0:
            problems.append(f"{where}: time_limit_s must be positive")
        if prompt.phases and sum(s for _, s in prompt.phases) != prompt.time_limit_s:
            problems.append(f"{where}: phases add up to {sum(s for _, s in prompt.phases)} s, not {prompt.time_limit_s} s")
        ids = rubric_ids(prompt.kind)
        unknown = [i for i in prompt.focus + list(prompt.probes) if i not in ids]
        if unknown:
            problems.append(f"{where}: unknown rubric ids {sorted(set(unknown))}")
        if not prompt.focus:
            problems.append(f"{where}: focus must name at least one rubric item")
        for item_id in prompt.focus:
            if not prompt.own_probes.get(item_id):
                problems.append(f"{where}: no prompt-specific probe for focus item {item_id}")
        for item_id in ids:
            if not prompt.probes.get(item_id):
                problems.append(f"{where}: no probe for gap {item_id}")
        problems.extend(f"{where}: {problem}" for problem in fact_problems(prompt.facts))
    return problems


def filter_prompts(prompts: list[Prompt], kind: Optional[str] = None, company: Optional[str] = None) -> list[Prompt]:
    """Prompts of one kind and/or company style (unknown values raise a user-facing error)."""
    if kind is not None and kind not in kinds():
        raise UnknownKindError(f"Unknown kind '{kind}'; use one of: {', '.join(kinds())}.")
    if company is not None and company not in COMPANIES:
        raise UnknownCompanyError(f"Unknown company '{company}'; use one of: {', '.join(COMPANIES)}.")
    return [p for p in prompts if (kind is None or p.kind == kind) and (company is None or p.company == company)]


def get_prompt(prompt_id: str, path: Optional[Path] = None) -> Prompt:
    """The prompt with this id.

    Raises:
        UnknownPromptError: no such id (the message suggests `mockloop prompts`).
    """
    prompts = load_bank(path)
    for prompt in prompts:
        if prompt.id == prompt_id:
            return prompt
    close = [p.id for p in prompts if prompt_id and (prompt_id in p.id or p.id in prompt_id)]
    hint = f" Did you mean {close[0]}?" if close else ""
    raise UnknownPromptError(f"No prompt with id '{prompt_id}'.{hint} Run `mockloop prompts` to list them.")


def default_probes(kind: str, path: Optional[Path] = None) -> dict[str, list[str]]:
    """The kind-wide probes of the bank (for answers judged without a prompt)."""
    directory = Path(path) if path is not None else bank_dir()
    for file in sorted(directory.glob("*.yaml")):
        data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
        if data.get("kind") == kind:
            return {k: list(v) for k, v in ((data.get("defaults") or {}).get("probes") or {}).items()}
    return {}
