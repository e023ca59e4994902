"""Word error rate between a reference text and a transcript, for the eval.

The normaliser folds what two careful transcribers would write differently for the same speech,
and nothing else:
- case, and punctuation at word edges and inside words ("M.F.A." -> "mfa"); hyphens split words
  ("trade-off" -> "trade off", "five-minute" -> "five minute");
- numbers: digits and spelled-out numbers both become digits, so "fifty thousand", "50,000" and
  "50000" are the same word, "thirty percent" and "30%" are "30 percent", "$5" is "5 dollars",
  "1.2K" is "1200" ("one point two" -> "1.2"); ordinals are left alone;
- a few spellings: "okay" -> "ok", "Mr." -> "mister", "all right" -> "alright", "y'know"/"yknow" -> "you know";
- runs of two or more single letters are joined ("m f a" -> "mfa"), as Whisper writes initialisms.
Filled pauses (um, uh, er, ah, hmm...) are removed from both sides: fillers have their own
measures, and Whisper writes them or not depending on its prompt.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mockloop.analysis.fillers import canonical_filled_pause

_UNITS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen".split()
    )
}
_TENS = {w: 10 * (i + 2) for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split())}
_SCALES = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_SUFFIX_SCALES = {"k": 1_000, "m": 1_000_000, "b": 1_000_000_000}
_SPELLINGS = {"okay": ["ok"], "mr": ["mister"], "mrs": ["missus"], "dr": ["doctor"], "yknow": ["you", "know"], "y'know": ["you", "know"]}
_NUMBER_TOKEN = re.compile(r"^\$?(\d[\d,]*(?:\.\d+)?)([kmb]?)(%?)$")
_SPLIT = re.compile(r"[\s\-\u2013\u2014/]+")
_BREAK = "\x00"
_EDGE = re.compile(r"^[^\w$%']+|[^\w%']+$")


_SPLIT_NUMBER = re.compile(r"(?<=\d) (?=[,.]\d|%)")  # "50 ,000" / "30 %": one number saved in pieces


def _raw_tokens(text: str) -> list[str]:
    tokens = []
    text = _SPLIT_NUMBER.sub("", text)
    for piece in _SPLIT.split(text.lower().replace("\u2019", "'")):
        breaks = bool(re.search(r"[,.;:!?]$", piece))
        piece = _EDGE.sub("", piece).strip("'")
        if not piece:
            continue
        # dots inside a word are initialisms ("m.f.a"), inside digits a decimal point
        if not re.search(r"\d\.\d", piece):
            piece = piece.replace(".", "")
        tokens.append(piece)
        if breaks:
            tokens.append(_BREAK)  # a comma or full stop ends a spelled-out number
    return tokens


def _expand_number_token(token: str) -> list[str] | None:
    """'50,000' -> ['50000']; '30%' -> ['30', 'percent']; '$1.2k' -> ['1200', 'dollars']."""
    match = _NUMBER_TOKEN.match(token)
    if not match:
        return None
    digits, suffix, percent = match.groups()
    value = float(digits.replace(",", "")) * _SUFFIX_SCALES.get(suffix, 1)
    out = [_format_number(value)]
    if percent:
        out.append("percent")
    if token.startswith("$"):
        out.append("dollars")
    return out


def _format_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _read_spelled_number(tokens: list[str], i: int) -> tuple[str, int] | None:
    """Spelled-out number starting at tokens[i] -> (digits, tokens used), or None.

    "one hundred and fifty" -> 150, "a thousand" -> 1000, "two point five" -> 2.5; "one two" is
    two numbers, as a listener hears it.
    """
    total, current, j, last = 0, 0, i, ""
    while j < len(tokens):
        word = tokens[j]
        following = tokens[j + 1] if j + 1 < len(tokens) else ""
        if word in _UNITS and last in ("", "tens", "hundred", "scale") and not (last == "tens" and _UNITS[word] >= 10):
            current += _UNITS[word]
            last = "unit"
        elif word in _TENS and last in ("", "hundred", "scale"):
            current += _TENS[word]
            last = "tens"
        elif word == "hundred" and last in ("unit", "tens", "a") and current % 100:
            current *= 100
            last = "hundred"
        elif word in _SCALES and last in ("unit", "tens", "hundred", "a"):
            total += current * _SCALES[word]
            current = 0
            last = "scale"
        elif word == "a" and last == "" and (following == "hundred" or following in _SCALES):
            current = 1
            last = "a"
        elif word == "and" and last in ("hundred", "scale") and (following in _UNITS or following in _TENS):
            last = "scale" if last == "scale" else "hundred"
        else:
            break
        j += 1
    if last in ("", "a"):
        return None
    value: float = total + current
    if j + 1 < len(tokens) and tokens[j] == "point" and tokens[j + 1] in _UNITS and _UNITS[tokens[j + 1]] < 10:
        decimals = ""
        j += 1
        while j < len(tokens) and tokens[j] in _UNITS and _UNITS[tokens[j]] < 10:
            decimals += str(_UNITS[tokens[j]])
            j += 1
        value = float(f"{int(value)}.{decimals}")
    return _format_number(value), j - i


def normalise_for_wer(text: str) -> list[str]:
    """The words of ``text`` as the WER compares them (see the module docstring)."""
    tokens: list[str] = []
    for token in _raw_tokens(text):
        expanded = _expand_number_token(token)
        tokens.extend(expanded if expanded else _SPELLINGS.get(token, [token]))
    out: list[str] = []
    i = 0
    while i < len(tokens):
        spelled = _read_spelled_number(tokens, i)
        if spelled:
            out.append(spelled[0])
            i += spelled[1]
            continue
        if tokens[i] == _BREAK:
            i += 1
            continue
        if tokens[i] == "all" and i + 1 < len(tokens) and tokens[i + 1] == "right":
            out.append("alright")
            i += 2
            continue
        out.append(tokens[i])
        i += 1
    return [t for t in _letter_runs(out) if not canonical_filled_pause(t)]


def _letter_runs(tokens: list[str]) -> list[str]:
    out: list[str] = []
    run: list[str] = []
    for token in tokens + [""]:
        if len(token) == 1 and token.isalpha():
            run.append(token)
            continue
        if len(run) >= 2:
            out.append("".join(run))
        else:
            out.extend(run)
        run = []
        if token:
            out.append(token)
    return out


@dataclass(frozen=True)
class WordErrors:
    """Edit counts of a hypothesis against a reference, both normalised."""

    reference_words: int
    hypothesis_words: int
    substitutions: int
    deletions: int
    insertions: int

    @property
    def errors(self) -> int:
        return self.substitutions + self.deletions + self.insertions

    @property
    def wer(self) -> float:
        if self.reference_words == 0:
            return 0.0 if self.hypothesis_words == 0 else float(self.hypothesis_words)
        return self.errors / self.reference_words

    @property
    def word_count_ratio(self) -> float | None:
        """Hypothesis words per reference word: below 1 lost speech, above 1 invented some."""
        return self.hypothesis_words / self.reference_words if self.reference_words else None


def align(reference: list[str], hypothesis: list[str]) -> WordErrors:
    """Levenshtein alignment over words; ties prefer substitutions, then deletions."""
    n, m = len(reference), len(hypothesis)
    # each cell: (cost, substitutions, deletions, insertions)
    previous = [(j, 0, 0, j) for j in range(m + 1)]
    for i in range(1, n + 1):
        current = [(i, 0, i, 0)]
        for j in range(1, m + 1):
            diag = previous[j - 1]
            if reference[i - 1] == hypothesis[j - 1]:
                best = diag
            else:
                best = (diag[0] + 1, diag[1] + 1, diag[2], diag[3])
            up = previous[j]
            if up[0] + 1 < best[0]:
                best = (up[0] + 1, up[1], up[2] + 1, up[3])
            left = current[j - 1]
            if left[0] + 1 < best[0]:
                best = (left[0] + 1, left[1], left[2], left[3] + 1)
            current.append(best)
        previous = current
    _cost, subs, dels, ins = previous[m]
    return WordErrors(n, m, subs, dels, ins)


def word_errors(reference_text: str, hypothesis_text: str) -> WordErrors:
    return align(normalise_for_wer(reference_text), normalise_for_wer(hypothesis_text))
