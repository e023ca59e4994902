"""The rubric of each kind of round, and the compiled rules that judge it.

Item ids, meanings, weights and tips come from data/rubrics.yaml; the phrase rules from
data/rules/<kind>.yaml. Loading both in one place means the ids the report shows, the ids the
rules judge and the ids the LLM judge must answer with can never drift apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Optional

from mockloop.content.errors import UnknownKindError
from mockloop.content.patterns import PatternError, PhraseBook, base_book, load_yaml


@dataclass(frozen=True)
class RubricItem:
    id: str
    meaning: str
    weight: float
    tip_missing: str
    tip_near: str


@dataclass(frozen=True)
class Rule:
    """All patterns must match inside `window` sentences; the first one anchors the hit."""

    patterns: tuple[re.Pattern, ...]
    window: int = 1
    distinct: bool = False  # count distinct texts of the anchor pattern (e.g. stakeholder groups)
    position: tuple[float, float] = (0.0, 1.0)  # where the anchor sentence may start (fraction)


@dataclass(frozen=True)
class ItemRules:
    id: str
    rules: tuple[Rule, ...] = ()
    none: tuple[re.Pattern, ...] = ()
    topic: tuple[re.Pattern, ...] = ()
    min_hits: int = 1
    position: tuple[float, float] = (0.0, 1.0)  # where in the answer a hit may start (fraction)
    code: Optional[str] = None


@dataclass(frozen=True)
class Rubric:
    kind: str
    title: str
    items: tuple[RubricItem, ...]
    rules: dict = field(default_factory=dict)  # id -> ItemRules
    book: Optional[PhraseBook] = None
    sequencing: dict = field(default_factory=dict)

    @property
    def ids(self) -> list[str]:
        return [item.id for item in self.items]

    def item(self, item_id: str) -> RubricItem:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)


@lru_cache(maxsize=1)
def _definitions() -> dict:
    return load_yaml("rubrics.yaml")


def kinds() -> list[str]:
    """The kinds of round, in the order the contract lists them."""
    return list(_definitions())


def rubric_ids(kind: str) -> list[str]:
    """The rubric item ids of a kind, in report order."""
    return get_rubric(kind).ids


def check_kind(kind: str) -> str:
    if kind not in _definitions():
        raise UnknownKindError(f"Unknown kind '{kind}'; use one of: {', '.join(kinds())}.")
    return kind


@lru_cache(maxsize=None)
def get_rubric(kind: str) -> Rubric:
    """The rubric of `kind` with its rules compiled (cached: rules are data, loaded once)."""
    check_kind(kind)
    definition = _definitions()[kind]
    items = tuple(
        RubricItem(
            id=item_id,
            meaning=spec["meaning"],
            weight=float(spec.get("weight", 1.0)),
            tip_missing=spec.get("tip_missing", ""),
            tip_near=spec.get("tip_near", ""),
        )
        for item_id, spec in definition["items"].items()
    )
    data = load_yaml(f"rules/{kind}.yaml")
    book = base_book().with_lexicons(data.get("lexicons") or {})
    rules = {}
    for item in items:
        spec = (data.get("items") or {}).get(item.id)
        if spec is None:
            raise PatternError(f"rules/{kind}.yaml has no rules for rubric item {item.id}")
        rules[item.id] = _compile_item(item.id, spec, book)
    unknown = set(data.get("items") or {}) - {item.id for item in items}
    if unknown:
        raise PatternError(f"rules/{kind}.yaml has rules for unknown items: {sorted(unknown)}")
    return Rubric(
        kind=kind,
        title=definition.get("title", kind),
        items=items,
        rules=rules,
        book=book,
        sequencing=data.get("sequencing") or {},
    )


def _compile_item(item_id: str, spec: dict, book: PhraseBook) -> ItemRules:
    default_window = int(spec.get("window", 1))
    rules = []
    for entry in spec.get("any") or []:
        if isinstance(entry, dict):
            patterns = entry["all"]
            window = int(entry.get("window", default_window))
            distinct = bool(entry.get("distinct", False))
            low, high = entry.get("position", (0.0, 1.0))
        else:
            patterns, window, distinct, (low, high) = entry, default_window, False, (0.0, 1.0)
        rules.append(Rule(tuple(book.compile(p) for p in patterns), window, distinct, (float(low), float(high))))
    position = tuple(spec.get("position", (0.0, 1.0)))
    return ItemRules(
        id=item_id,
        rules=tuple(rules),
        none=tuple(book.compile(p) for p in spec.get("none") or []),
        topic=tuple(book.compile(p) for p in spec.get("topic") or []),
        min_hits=int(spec.get("min_hits", 1)),
        position=(float(position[0]), float(position[1])),
        code=spec.get("code"),
    )
