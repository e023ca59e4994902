"""Measure the rule-based judge against labelled transcripts.

    python -m mockloop.content.eval [DIR] [--errors]

DIR (default tests/content/labelled/) is searched recursively for *.yaml / *.yml / *.json files,
each one answer: `kind`, `text` and `labels` ({item_id: true/false}); `note` and `prompt` are
optional. Prints agreement per rubric item, overall agreement and F1 on met items, for the whole
folder and for each subfolder (e.g. dev/ and heldout/). Labels for ids the kind's rubric does not
have are skipped and counted, so sets written against another rubric version still load.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import yaml

from mockloop.content.judge import judge_content
from mockloop.content.rubric import kinds, rubric_ids
from mockloop.content.text import transcript_from_text

DEFAULT_DIR = Path(__file__).resolve().parents[3] / "tests" / "content" / "labelled"


@dataclass
class Counts:
    n: int = 0
    agree: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, predicted: bool, label: bool) -> None:
        self.n += 1
        self.agree += predicted == label
        self.tp += predicted and label
        self.fp += predicted and not label
        self.fn += label and not predicted

    def merge(self, other: "Counts") -> None:
        for name in ("n", "agree", "tp", "fp", "fn"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def agreement(self) -> Optional[float]:
        return self.agree / self.n if self.n else None

    @property
    def f1(self) -> Optional[float]:
        denominator = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / denominator if denominator else None


@dataclass
class Report:
    items: dict = field(default_factory=dict)  # "kind/item" -> Counts
    groups: dict = field(default_factory=dict)  # subfolder -> Counts
    total: Counts = field(default_factory=Counts)
    files: int = 0
    skipped_labels: int = 0
    errors: list = field(default_factory=list)  # (file, item, predicted, label)


def load_labelled(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    labels = data.get("labels", data.get("rubric"))
    if isinstance(labels, list):  # [{"id": ..., "met": ...}] like the contract
        labels = {entry["id"]: entry["met"] for entry in labels}
    return {
        "kind": data["kind"],
        "text": data.get("text", data.get("transcript", "")),
        "labels": {str(k): bool(v) for k, v in (labels or {}).items()},
        "note": data.get("note", ""),
    }


def labelled_files(directory: Path) -> list[Path]:
    return sorted(p for p in Path(directory).rglob("*") if p.suffix in {".yaml", ".yml", ".json"} and p.is_file())


def evaluate(directory: Path = DEFAULT_DIR) -> Report:
    """Run the rule-based judge over every labelled answer under `directory`."""
    directory = Path(directory)
    report = Report()
    for path in labelled_files(directory):
        case = load_labelled(path)
        if case["kind"] not in kinds():
            continue
        result = judge_content(transcript_from_text(case["text"]), case["kind"], judge="rules")
        predicted = {v.id: v.met for v in result.rubric}
        relative = path.relative_to(directory)
        group = relative.parts[0] if len(relative.parts) > 1 else "."
        group_counts = report.groups.setdefault(group, Counts())
        report.files += 1
        known = rubric_ids(case["kind"])
        for item_id, label in case["labels"].items():
            if item_id not in known:
                report.skipped_labels += 1
                continue
            guess = predicted[item_id]
            report.items.setdefault(f"{case['kind']}/{item_id}", Counts()).add(guess, label)
            group_counts.add(guess, label)
            report.total.add(guess, label)
            if guess != label:
                report.errors.append((str(relative), item_id, guess, label))
    return report


def _fmt(value: Optional[float]) -> str:
    return "  n/a" if value is None else f"{value:5.3f}"


def format_report(report: Report, show_errors: bool = False) -> str:
    lines = [f"{'item':46s} {'n':>4s} {'agree':>6s} {'F1(met)':>8s}  fp fn"]
    for name in sorted(report.items):
        c = report.items[name]
        lines.append(f"{name:46s} {c.n:4d} {_fmt(c.agreement):>6s} {_fmt(c.f1):>8s} {c.fp:3d} {c.fn:2d}")
    lines.append("")
    if len(report.groups) > 1 or "." not in report.groups:
        for group, c in sorted(report.groups.items()):
            lines.append(f"{group:20s} judgements {c.n:4d}  agreement {_fmt(c.agreement)}  F1(met) {_fmt(c.f1)}")
    c = report.total
    lines.append(
        f"{'all':20s} judgements {c.n:4d}  agreement {_fmt(c.agreement)}  F1(met) {_fmt(c.f1)}"
        f"  ({report.files} answers)"
    )
    if report.skipped_labels:
        lines.append(f"skipped {report.skipped_labels} labels for ids not in the rubric")
    if show_errors and report.errors:
        lines.append("")
        for file, item_id, guess, label in report.errors:
            lines.append(f"{'FP' if guess else 'FN'} {item_id:28s} {file}")
    return "\n".join(lines)


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mockloop.content.eval", description=__doc__.splitlines()[0])
    parser.add_argument("directory", nargs="?", default=str(DEFAULT_DIR), help="folder of labelled answers")
    parser.add_argument("--errors", action="store_true", help="list every disagreement")
    args = parser.parse_args(argv)
    directory = Path(args.directory)
    if not directory.is_dir():
        print(f"error: {directory} is not a folder", file=sys.stderr)
        return 2
    report = evaluate(directory)
    if not report.total.n:
        print(f"error: no labelled answers found in {directory}", file=sys.stderr)
        return 2
    print(format_report(report, show_errors=args.errors))
    return 0


if __name__ == "__main__":
    sys.exit(main())
