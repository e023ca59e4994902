"""How well questions put to the interviewer are heard: precision and recall on the label set.

    python -m mockloop.interview.eval_questions [DIR]

DIR holds clips with a truth JSON each (audio_fixtures/questions, built by
audio_fixtures/build_questions.py). Each clip is transcribed by the real pipeline and the
detector (`conversation.find_questions`) runs on its words, with the whole clip heard. A truth
"ask" counts as found when an addressed question overlaps it in time; a detection that overlaps
no ask (a rhetorical question, a statement) is a false alarm. The baseline beside it is the plain
rule: every sentence Whisper ends with "?". Also printed: how many found asks reached the fact
their script names.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from mockloop.interview.conversation import find_questions, question_mark_baseline

REPO = Path(__file__).resolve().parents[3]
DEFAULT_DIR = REPO / "audio_fixtures" / "questions"
SLACK_S = 0.4  # word times and unit edges differ by a few hundred ms


@dataclass
class Tally:
    found: int = 0
    asks: int = 0
    false_alarms: int = 0

    @property
    def precision(self) -> float:
        detected = self.found + self.false_alarms
        return self.found / detected if detected else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.asks if self.asks else 1.0


def _overlaps(a_start, a_end, b_start, b_end) -> bool:
    return a_start <= b_end + SLACK_S and b_start <= a_end + SLACK_S


def score_clip(truth: dict, spans: list[tuple[float, float]], tally: Tally) -> list[bool]:
    """Add one clip's detections (as time spans) to ``tally``; returns which asks were found."""
    asks = [q for q in truth["questions"] if q["label"] == "ask"]
    hit = [any(_overlaps(q["start"], q["end"], a, b) for a, b in spans) for q in asks]
    tally.asks += len(asks)
    tally.found += sum(hit)
    tally.false_alarms += sum(not any(_overlaps(q["start"], q["end"], a, b) for q in asks) for a, b in spans)
    return hit


def evaluate(directory: Path, analyzer=None, out=sys.stdout) -> dict:
    from mockloop.analysis.pipeline import Analyzer
    from mockloop.content.prompts import get_prompt

    analyzer = analyzer or Analyzer()
    detector, baseline = Tally(), Tally()
    facts_right = facts_total = 0
    for truth_path in sorted(directory.glob("*.json")):
        truth = json.loads(truth_path.read_text())
        audio = truth_path.with_suffix(".flac")
        prompt = get_prompt(truth["prompt"])
        transcript, _ = analyzer.transcribe_file(audio)
        questions = find_questions(transcript.words, now_s=transcript.duration_s, prompt=prompt)
        addressed = [q for q in questions if q.addressed]
        score_clip(truth, [(q.start, q.end) for q in addressed], detector)
        score_clip(truth, [(s.start, s.end) for s in question_mark_baseline(transcript.words)], baseline)
        for ask in (q for q in truth["questions"] if q["label"] == "ask"):
            match = next((q for q in addressed if _overlaps(ask["start"], ask["end"], q.start, q.end)), None)
            if match is not None:
                facts_total += 1
                facts_right += match.fact == ask["fact"]
        print(f"{audio.name}: {len(addressed)} addressed of {len(questions)} question-worded; "
              + "; ".join(f"{q.text!r} wait={q.wait_s} -> {q.fact}" for q in addressed), file=out)
    figures = {
        "detector": {"precision": detector.precision, "recall": detector.recall, "asks": detector.asks,
                     "found": detector.found, "false_alarms": detector.false_alarms},
        "baseline_question_mark": {"precision": baseline.precision, "recall": baseline.recall,
                                   "found": baseline.found, "false_alarms": baseline.false_alarms},
        "fact_reached": {"right": facts_right, "of": facts_total},
    }
    print("", file=out)
    print(f"{'method':28s} {'precision':>9s} {'recall':>7s}  found/asks  false alarms", file=out)
    for name, tally in (("detector (wording + wait)", detector), ('baseline (ends with "?")', baseline)):
        print(f"{name:28s} {tally.precision:9.3f} {tally.recall:7.3f}  {tally.found:>4d}/{tally.asks:<5d}  {tally.false_alarms}", file=out)
    print(f"fact reached by found asks: {facts_right}/{facts_total}", file=out)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mockloop.interview.eval_questions", description=__doc__.split("\n\n")[0])
    parser.add_argument("directory", nargs="?", type=Path, default=DEFAULT_DIR)
    args = parser.parse_args(argv)
    if not args.directory.is_dir() or not any(args.directory.glob("*.json")):
        print(f"error: no labelled clips in {args.directory}", file=sys.stderr)
        return 2
    evaluate(args.directory)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
