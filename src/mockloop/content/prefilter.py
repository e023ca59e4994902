"""Literals every match of a regex must contain, so most sentences need not be searched at all.

Scanning every sentence with every (large) phrase regex is what made judging slow. For each
pattern a set of literal strings is derived from its parse tree such that EVERY match contains at
least one of them; a sentence without any of those strings cannot match, so it is never searched
(content.text.Doc.search). The analysis is conservative: when in doubt it returns None and the
pattern is searched everywhere. tests/content/test_prefilter.py checks that prefiltered search
finds exactly what plain search finds on every labelled transcript.

This is the one module that reads Python's regex parser (``re._parser``, private; it was
``sre_parse`` before 3.11), so a change there stays in one place.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import product
from typing import Optional

try:  # Python 3.11+
    import re._constants as _sre_c
    import re._parser as _sre_parse
except ImportError:  # pragma: no cover - older Pythons
    import sre_constants as _sre_c
    import sre_parse as _sre_parse

_MAX_SET = 64  # cap on the size of a cross product of literal alternatives
_MAX_RANGE = 12
_ZERO_WIDTH = {_sre_c.AT, _sre_c.ASSERT, _sre_c.ASSERT_NOT}
_REPEATS = {_sre_c.MAX_REPEAT, _sre_c.MIN_REPEAT} | (
    {_sre_c.POSSESSIVE_REPEAT} if hasattr(_sre_c, "POSSESSIVE_REPEAT") else set()
)


def required_literals(pattern: re.Pattern) -> Optional[tuple[str, ...]]:
    """Literals one of which every match of `pattern` contains; None when none can be derived."""
    if not isinstance(pattern.pattern, str):
        return None
    return _derive_literals(pattern.pattern, pattern.flags)


@lru_cache(maxsize=None)  # keyed by the source string, whose hash Python caches
def _derive_literals(source: str, flags: int) -> Optional[tuple[str, ...]]:
    try:
        parsed = _sre_parse.parse(source, flags)
    except Exception:  # pragma: no cover - compiled already, so this should not happen
        return None
    if parsed.state.flags & (re.IGNORECASE | re.LOCALE):
        return None
    try:
        needles = _required(list(parsed))
    except _GiveUp:
        return None
    if not needles or any(not n for n in needles):
        return None
    return tuple(sorted(needles))


class _GiveUp(Exception):
    pass


def _finite(item) -> Optional[frozenset]:
    """The exact set of strings `item` consumes, if small and finite (zero-width items: {""})."""
    op, av = item
    if op == _sre_c.LITERAL:
        return frozenset((chr(av),))
    if op in _ZERO_WIDTH:
        return frozenset(("",))
    if op == _sre_c.IN:
        chars = set()
        for sub_op, sub_av in av:
            if sub_op == _sre_c.LITERAL:
                chars.add(chr(sub_av))
            elif sub_op == _sre_c.RANGE and sub_av[1] - sub_av[0] < _MAX_RANGE:
                chars.update(chr(c) for c in range(sub_av[0], sub_av[1] + 1))
            else:
                return None
        return frozenset(chars) if chars else None
    if op == _sre_c.SUBPATTERN:
        if av[1] or av[2]:  # local flags such as (?i:...)
            raise _GiveUp
        return _finite_seq(list(av[3]))
    if op == _sre_c.BRANCH:
        result: set = set()
        for alternative in av[1]:
            sub = _finite_seq(list(alternative))
            if sub is None:
                return None
            result |= sub
            if len(result) > _MAX_SET:
                return None
        return frozenset(result)
    if op in (_sre_c.MAX_REPEAT, _sre_c.MIN_REPEAT):
        low, high, body = av
        if high is _sre_c.MAXREPEAT or high > 3:
            return None
        sub = _finite_seq(list(body))
        if sub is None:
            return None
        result = set()
        for count in range(low, high + 1):
            for combo in product(sub, repeat=count):
                result.add("".join(combo))
                if len(result) > _MAX_SET:
                    return None
        return frozenset(result)
    if op in (_sre_c.GROUPREF, _sre_c.GROUPREF_EXISTS):
        raise _GiveUp
    return None


def _finite_seq(items: list) -> Optional[frozenset]:
    result = frozenset(("",))
    for item in items:
        sub = _finite(item)
        if sub is None:
            return None
        if len(result) * len(sub) > _MAX_SET:
            return None
        result = frozenset(a + b for a in result for b in sub)
    return result


def _score(needles) -> tuple:
    return (min(len(n) for n in needles), -len(needles))


def _required(items: list) -> Optional[frozenset]:
    """A set of literals one of which every match of the sequence `items` contains."""
    best = None

    def consider(candidate) -> None:
        nonlocal best
        if candidate and all(candidate) and (best is None or _score(candidate) > _score(best)):
            best = candidate

    run = frozenset(("",))
    for item in items:
        sub = _finite(item)
        if sub is not None and len(run) * len(sub) <= _MAX_SET:
            run = frozenset(a + b for a in run for b in sub)
            continue
        consider(run)
        if sub is not None:  # finite but the product got too big: start a new run with it
            run = sub
            continue
        run = frozenset(("",))
        consider(_required_item(item))
    consider(run)
    return best


def _required_item(item) -> Optional[frozenset]:
    op, av = item
    if op == _sre_c.SUBPATTERN:
        if av[1] or av[2]:
            raise _GiveUp
        return _required(list(av[3]))
    if op == _sre_c.BRANCH:
        result: set = set()
        for alternative in av[1]:
            sub = _required(list(alternative))
            if sub is None:
                return None
            result |= sub
        return frozenset(result)
    if op in _REPEATS:
        low, _, body = av
        return _required(list(body)) if low >= 1 else None
    if op == getattr(_sre_c, "ATOMIC_GROUP", None):
        return _required(list(av))
    if op in (_sre_c.GROUPREF, _sre_c.GROUPREF_EXISTS):
        raise _GiveUp
    return None
