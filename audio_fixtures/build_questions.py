#!/usr/bin/env python3
"""Build the clarifying-question label set: spoken openings with and without questions to the
interviewer, with the truth of every question in them.

    python audio_fixtures/build_questions.py            # writes questions/qNN.flac + .json
    python audio_fixtures/build_questions.py --dry-run  # prints the summary, writes nothing

Scripts are in question_scripts.py. Voices rotate over espeak-ng (US, RP, Scottish, a female
variant) and the piper neural voice "joe" (`pip install -e .[fixtures]`). A question put to the
interviewer is followed by the wait of a candidate expecting a reply (2-3.2 s of room tone: the
file has no interviewer); a rhetorical question by the short gap before the candidate answers it;
a "think" statement by a long thinking pause, so a pause alone never makes a question. Each line
is cut at its punctuation into units synthesised on their own (engines pause at commas) and
joined with fluent gaps. Room tone runs under everything.

Truth JSON: {"prompt", "voice", "questions": [{"label": "ask"|"rhet", "text", "start", "end",
"fact"}], "duration_s"}; times are of the spoken question, in seconds.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import numpy as np
import soundfile as sf

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_fixtures import SR, Plan, Unit  # noqa: E402
from build_long_answers import NOISE_DBFS, Engines, render  # noqa: E402
from question_scripts import CLIPS  # noqa: E402

HERE = Path(__file__).resolve().parent
OUT = HERE / "questions"
SEED = 20_261_213
VOICES = [
    ("espeak", "en-us", 165), ("piper", "joe", 1.0), ("espeak", "en-gb-x-rp", 155),
    ("espeak", "en-us+f3", 170), ("piper", "joe", 1.12), ("espeak", "en-gb-scotland", 160),
]
GAP_AFTER = {"ask": (2.0, 3.2), "rhet": (0.25, 0.6), "say": (0.35, 0.8), "think": (1.8, 2.8)}
FLUENT_S = (0.06, 0.14)
SELF_ANSWER_S = (0.25, 0.55)  # "Why batch? It cuts..." said as one line


def pieces(line: str) -> list[tuple[str, bool]]:
    """(text, ends_a_question) pieces of a line, split after , ? and ."""
    parts = [p.strip() for p in re.findall(r"[^,?.]+[,?.]?", line) if p.strip(" ,.")]
    return [(p.rstrip(",."), p.endswith("?")) for p in parts]


def build_clip(engines: Engines, rng: np.random.Generator, index: int, clip: dict):
    engine, voice, speed = VOICES[index % len(VOICES)]
    plan, marks = Plan(), []  # marks: (label, text, first unit, last unit, fact)
    gap = float(rng.uniform(0.5, 1.0))
    for entry in clip["lines"]:
        label, line = entry[0], entry[1]
        first = len(plan.units)
        question_end = None
        for n, (text, asks) in enumerate(pieces(line)):
            plan.add(Unit(text=text, audio=engines.synth(engine, voice, text, speed), espeak=text), gap)
            gap = float(rng.uniform(*FLUENT_S))
            if asks and question_end is None:
                question_end = len(plan.units) - 1
                gap = float(rng.uniform(*SELF_ANSWER_S))
        if label in ("ask", "rhet"):
            marks.append((label, line.split("?")[0] + "?", first, question_end, entry[2] if len(entry) > 2 else None))
        gap = float(rng.uniform(*GAP_AFTER[label]))
    audio, spans = render(plan, rng, float(rng.uniform(*NOISE_DBFS)), digital_edges=False)
    questions = [
        {"label": label, "text": text, "start": round(spans[a][0] / SR, 3), "end": round(spans[b][1] / SR, 3), "fact": fact}
        for label, text, a, b, fact in marks
    ]
    meta = {"prompt": clip["prompt"], "voice": f"{engine}/{voice}@{speed}", "questions": questions,
            "duration_s": round(len(audio) / SR, 3)}
    return audio, meta


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dry-run", action="store_true")
    args = ap.parse_args(argv)
    engines, rng = Engines(), np.random.default_rng(SEED)
    OUT.mkdir(exist_ok=True)
    for index, clip in enumerate(CLIPS):
        audio, meta = build_clip(engines, rng, index, clip)
        labels = [q["label"] for q in meta["questions"]]
        print(f"q{index + 1:02d} {meta['voice']:24s} {meta['duration_s']:5.1f}s ask={labels.count('ask')} rhet={labels.count('rhet')}")
        if not args.dry_run:
            stem = OUT / f"q{index + 1:02d}"
            sf.write(f"{stem}.flac", audio, SR, subtype="PCM_16", format="FLAC")
            Path(f"{stem}.json").write_text(json.dumps(meta, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
