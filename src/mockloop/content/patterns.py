"""Compile the phrase patterns of the rule files into regular expressions.

The rule files are written for people: word classes are named ({num}, {component}), gaps are
spelled " .. " (up to three words) and " ... " (up to six), and word boundaries are implied. This
module expands that notation once, so the judge only ever sees ordinary compiled regexes, and a
typo in a class name fails loudly at load time instead of silently never matching.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).parent / "data"
_NAME = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
_GAP_LONG = r"(?:\S+ ){0,6}"
_GAP_SHORT = r"(?:\S+ ){0,3}"


class PatternError(ValueError):
    """A rule file refers to an unknown word class or holds an invalid regex (a bug in the data)."""


class PhraseBook:
    """Named word classes plus a compiler for patterns that use them."""

    def __init__(self, lexicons: dict[str, list[str]]):
        self._raw = {name: list(alts) for name, alts in lexicons.items()}
        self._expanded: dict[str, str] = {}
        self._compiled: dict[str, re.Pattern] = {}

    def with_lexicons(self, extra: dict[str, list[str]]) -> "PhraseBook":
        merged = dict(self._raw)
        merged.update(extra or {})
        return PhraseBook(merged)

    def has(self, name: str) -> bool:
        return name in self._raw

    def expand(self, pattern: str, _stack: tuple[str, ...] = ()) -> str:
        text = pattern.replace(" ... ", " " + _GAP_LONG).replace(" .. ", " " + _GAP_SHORT)

        def replace(match: re.Match) -> str:
            name = match.group(1)
            if name not in self._raw:
                raise PatternError(f"unknown word class {{{name}}} in pattern {pattern!r}")
            if name in _stack:
                raise PatternError(f"word class {{{name}}} refers to itself")
            if name not in self._expanded:
                alternatives = [self.expand(alt, _stack + (name,)) for alt in self._raw[name]]
                self._expanded[name] = "(?:" + "|".join(alternatives) + ")"
            return self._expanded[name]

        return _NAME.sub(replace, text)

    def compile(self, pattern: str) -> re.Pattern:
        """The regex for one pattern, with word boundaries on both ends."""
        if pattern not in self._compiled:
            body = self.expand(pattern)
            try:
                compiled = re.compile(r"(?<![\w'$%])(?:" + body + r")(?![\w'%])")
            except re.error as error:
                raise PatternError(f"bad pattern {pattern!r}: {error}") from error
            if compiled.search("") or compiled.search(" "):
                raise PatternError(f"pattern {pattern!r} matches empty text (an empty alternative?)")
            self._compiled[pattern] = compiled
        return self._compiled[pattern]

    def compiled_patterns(self) -> tuple[re.Pattern, ...]:
        """Every pattern this book has compiled so far."""
        return tuple(self._compiled.values())


def load_yaml(name: str) -> dict:
    with open(DATA_DIR / name, encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


@lru_cache(maxsize=1)
def base_book() -> PhraseBook:
    """The shared word classes of data/lexicons.yaml."""
    return PhraseBook(load_yaml("lexicons.yaml"))
