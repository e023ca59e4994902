"""Measure the model answers and the move-by-move comparison, each beside a plain baseline.

    python -m mockloop.content.model_answer_eval [DIR]

1. Items met by the rule judge on each prompt's model answer (the rubric's own positive example),
   beside the prompt's own question text judged as if it were the answer.
2. Moves the comparison calls made, against the human labels of the labelled answers that name a
   prompt (DIR, default tests/content/labelled/), beside the baseline that calls every move made.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path
from typing import Optional

import yaml

from mockloop.content.comparison import compare_with_model
from mockloop.content.eval import DEFAULT_DIR, labelled_files, load_labelled
from mockloop.content.judge import judge_content
from mockloop.content.model_answers import load_answers
from mockloop.content.prompts import get_prompt, load_bank
from mockloop.content.text import transcript_from_text
from mockloop.errors import MockloopError


def _met(text: str, prompt) -> tuple[int, int]:
    result = judge_content(transcript_from_text(text), prompt.kind, prompt=prompt)
    return sum(v.met for v in result.rubric), len(result.rubric)


def self_check() -> list[str]:
    answers = load_answers()
    rows = defaultdict(lambda: [0, 0, 0, 0, 0])  # kind -> answers, fully met, items met, items, baseline met
    for prompt in load_bank():
        met, total = _met(answers[prompt.id].text, prompt)
        base, _ = _met(prompt.text, prompt)
        row = rows[prompt.kind]
        row[0] += 1
        row[1] += met == total
        row[2] += met
        row[3] += total
        row[4] += base
    lines = [f"{'kind':14s} {'answers':>7s} {'fully met':>9s} {'items met':>11s} {'baseline: question text':>24s}"]
    for kind, (n, full, met, total, base) in rows.items():
        lines.append(f"{kind:14s} {n:7d} {full:9d} {met:5d}/{total:<5d} {base:12d}/{total:<5d}")
    n, full, met, total, base = (sum(r[i] for r in rows.values()) for i in range(5))
    lines.append(f"{'all':14s} {n:7d} {full:9d} {met:5d}/{total:<5d} {base:12d}/{total:<5d}")
    return lines


def comparison_check(directory: Path) -> list[str]:
    answers = agree = baseline = moves = 0
    for path in labelled_files(directory):
        case = load_labelled(path)
        prompt_id = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("prompt")  # JSON is YAML too
        if not isinstance(prompt_id, str):
            continue
        try:
            prompt = get_prompt(prompt_id)
        except MockloopError:
            continue
        if prompt.kind != case["kind"]:
            continue
        result = judge_content(transcript_from_text(case["text"]), prompt.kind, prompt=prompt)
        comparison = compare_with_model(prompt, result)
        if comparison is None:
            continue
        answers += 1
        for move in comparison.moves:
            label = case["labels"].get(move.item)
            if label is None:
                continue
            moves += 1
            agree += move.made == label
            baseline += label  # "every move made" agrees exactly where the label says met
    if not moves:
        return [f"no labelled answers with a prompt in {directory}"]
    return [
        f"labelled answers with a prompt: {answers} ({moves} moves)",
        f"moves made/missing as the human labels say: {agree / moves:.3f}   baseline, every move made: {baseline / moves:.3f}",
    ]


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mockloop.content.model_answer_eval", description=__doc__.splitlines()[0])
    parser.add_argument("directory", nargs="?", default=str(DEFAULT_DIR), help="folder of labelled answers")
    args = parser.parse_args(argv)
    directory = Path(args.directory)
    if not directory.is_dir():
        print(f"error: {directory} is not a folder", file=sys.stderr)
        return 2
    print("Model answers judged by the rules (every item should be met):")
    print("\n".join(self_check()))
    print()
    print("Move-by-move comparison against human labels:")
    print("\n".join(comparison_check(directory)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
