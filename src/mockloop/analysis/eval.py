"""Measure filler and pause accuracy against ground truth.

Two sets:
- synthetic (audio_fixtures/synthetic): espeak-ng answers built with fillers and silences at known
  times. Reports filler precision/recall (events matched by time), pause precision/recall for
  pauses >= 0.5 s, and the median pause-boundary error.
- real (../shared/audio): real recordings with verbatim transcripts. Reports the filled-pause
  count per file against the transcript's count: files exact, total absolute error, and fillers
  invented on clips that have none.

`--baseline` runs the same measures on plain faster-whisper (no prompt, fillers read off the words,
pauses from word gaps) in the same run, so the improvement is measured, not remembered. `--live`
also feeds every recording in 100 ms blocks as the microphone does, ending with a second of room
tone before Enter, with the look-ahead at pauses that a live answer gets: streaming must lose
nothing.

Usage: python -m mockloop.analysis.eval [--synthetic DIR] [--real DIR] [--baseline] [--live] [--model M] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from mockloop.analysis.decode import load_audio
from mockloop.analysis.fillers import FILLED_PAUSE, canonical_filled_pause, find_fillers
from mockloop.models import Filler, Pause, Word
from mockloop.analysis.pipeline import Analyzer
from mockloop.analysis.tokens import normalise

REPO = Path(__file__).resolve().parents[3]  # src/mockloop/analysis/eval.py -> the repository
DEFAULT_SYNTHETIC = REPO / "audio_fixtures" / "synthetic"
DEFAULT_REAL = REPO.parent / "shared" / "audio"
EVAL_PAUSE_MIN_S = 0.5
FILLER_MATCH_TOLERANCE_S = 0.3
LIVE_BLOCK = 1600  # 100 ms at 16 kHz, as the recorder delivers it
LIVE_ENTER_DELAY_S = 1.0  # a live answer ends with a moment of silence before Enter is pressed

# Filled pauses in the real recordings' verbatim transcripts. cold_corpus is annotated as 5 or 6
# (the annotations disagree), so both counts are accepted.
_REAL_ACCEPTED_EXTRA = {"cold_corpus": {5, 6}}


@dataclass
class Method:
    """One way to get words, fillers and pauses from audio: mockloop's, or the plain floor."""

    name: str
    analyzer: Analyzer
    plain: bool = False
    live: bool = False  # fed in 100 ms blocks as a recording is, transcribed ahead at pauses
    enter_delay_s: float = 0.0  # room tone appended, as a live answer has before Enter is pressed

    def run(self, path: Path) -> tuple[list[Word], list[Filler], list[Pause]]:
        samples = load_audio(path)
        if self.plain:
            words = self.analyzer.transcriber.transcribe(samples)
            fillers = find_fillers(words)
            pauses = [
                Pause(a.end, b.start)
                for a, b in zip(words, words[1:])
                if b.start - a.end >= 0.25
            ]
            return words, fillers, pauses
        if self.enter_delay_s:
            samples = np.concatenate([samples, room_tone(samples, self.enter_delay_s)])
        if self.live:
            streamer = self.analyzer.start_stream(live=True)
            feed_as_if_live(streamer, samples)
            transcript, features = self.analyzer.finish_stream(streamer)
        else:
            transcript, features = self.analyzer.transcribe_samples(samples)
        from mockloop.analysis.delivery import measure_delivery

        delivery = measure_delivery(transcript, features, self.analyzer.settings)
        return transcript.words, delivery.fillers, delivery.pauses


def feed_as_if_live(streamer, samples: np.ndarray) -> None:
    """Feed 100 ms blocks, each once the worker is idle: in real time the worker keeps up."""
    for start in range(0, len(samples), LIVE_BLOCK):
        streamer.wait_idle()
        streamer.feed(samples[start : start + LIVE_BLOCK])


def room_tone(samples: np.ndarray, seconds: float) -> np.ndarray:
    """Noise at the recording's own floor: what the microphone hears while nobody speaks."""
    from mockloop.analysis.acoustics import levels, measure_raw

    floor_db, _level = levels(measure_raw(samples).energy_db)
    rms = 10 ** (floor_db / 20)
    return np.random.default_rng(0).normal(0.0, rms, int(seconds * 16000)).astype(np.float32)


def make_methods(model: str | None, baseline: bool, live: bool = False) -> list[Method]:
    from dataclasses import replace

    from mockloop.config import DEFAULT_SETTINGS

    methods = [Method("mockloop", Analyzer(model))]
    if live:
        # The same audio both ways, so any difference is streaming's own.
        delay = LIVE_ENTER_DELAY_S
        methods.append(Method("mockloop, file ending in room tone", methods[0].analyzer, enter_delay_s=delay))
        methods.append(Method("mockloop live, same audio", methods[0].analyzer, live=True, enter_delay_s=delay))
    if baseline:
        plain_settings = replace(
            DEFAULT_SETTINGS,
            # faster-whisper's own defaults: no prompt, temperature fallback 0.0 ... 1.0
            transcribe=replace(
                DEFAULT_SETTINGS.transcribe, initial_prompt="", temperature=(0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
            ),
        )
        methods.append(Method("plain faster-whisper", Analyzer(model, plain_settings), plain=True))
    return methods


# --------------------------------------------------------------------------- matching


def _match_events(truth: list[tuple[float, float]], found: list[tuple[float, float]], tolerance: float) -> list[tuple[int, int]]:
    """Greedy one-to-one matching of intervals that overlap or lie within ``tolerance``."""
    pairs = []
    for ti, (ts, te) in enumerate(truth):
        for fi, (fs, fe) in enumerate(found):
            gap = max(fs - te, ts - fe, 0.0)
            if gap <= tolerance:
                overlap = min(te, fe) - max(ts, fs)
                pairs.append((-overlap, gap, ti, fi))
    pairs.sort()
    used_t, used_f, matched = set(), set(), []
    for _o, _g, ti, fi in pairs:
        if ti not in used_t and fi not in used_f:
            used_t.add(ti)
            used_f.add(fi)
            matched.append((ti, fi))
    return matched


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    boundary_errors: list[float] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def _filler_key(kind: str, text: str) -> str:
    return FILLED_PAUSE if kind == FILLED_PAUSE else text


def score_synthetic(method: Method, folder: Path) -> dict:
    fillers, pauses = Tally(), Tally()
    per_file = []
    for truth_path in sorted(folder.glob("*.json")):
        if truth_path.name == "index.json":
            continue
        truth = json.loads(truth_path.read_text())
        _words, found_fillers, found_pauses = method.run(truth_path.with_name(truth["audio"]))
        file_tp = 0
        for key in {_filler_key(f["kind"], f["text"]) for f in truth["fillers"]} | {
            _filler_key(f.kind, f.text) for f in found_fillers
        }:
            t = [(f["start"], f["end"]) for f in truth["fillers"] if _filler_key(f["kind"], f["text"]) == key]
            g = [(f.start, f.end) for f in found_fillers if _filler_key(f.kind, f.text) == key and f.start is not None]
            m = _match_events(t, g, FILLER_MATCH_TOLERANCE_S)
            fillers.tp += len(m)
            fillers.fp += len(g) - len(m)
            fillers.fn += len(t) - len(m)
            file_tp += len(m)
        t = [(p["start"], p["end"]) for p in truth["pauses"] if p["duration"] >= EVAL_PAUSE_MIN_S]
        g = [(p.start, p.end) for p in found_pauses if p.duration >= EVAL_PAUSE_MIN_S]
        # A found pause may be a little shorter than 0.5 s where the truth is just over it: match
        # against all found pauses of at least 0.25 s, count false positives among the >= 0.5 s ones.
        g_all = [(p.start, p.end) for p in found_pauses]
        m = _match_events(t, g_all, 0.0)
        pauses.tp += len(m)
        pauses.fn += len(t) - len(m)
        matched_found = {fi for _ti, fi in m}
        long_found = {i for i, (s, e) in enumerate(g_all) if e - s >= EVAL_PAUSE_MIN_S}
        pauses.fp += len(long_found - matched_found)
        for ti, fi in m:
            pauses.boundary_errors += [abs(t[ti][0] - g_all[fi][0]), abs(t[ti][1] - g_all[fi][1])]
        per_file.append((truth["id"], len(truth["fillers"]), len(found_fillers), file_tp))
    return {
        "filler_precision": round(fillers.precision, 3),
        "filler_recall": round(fillers.recall, 3),
        "pause_precision": round(pauses.precision, 3),
        "pause_recall": round(pauses.recall, 3),
        "median_boundary_error_ms": round(1000 * statistics.median(pauses.boundary_errors), 1)
        if pauses.boundary_errors
        else None,
        "files": per_file,
    }


# --------------------------------------------------------------------------- real speech


def real_truth(folder: Path) -> dict[str, tuple[Path, set[int], bool]]:
    """name -> (audio path, accepted filled-pause counts, clean clip or trap with no filler)."""
    cases = {}
    refs = json.loads((folder / "mfa_filler_clips" / "reference_transcripts.json").read_text())["transcripts"]
    for name, text in refs.items():
        count = sum(1 for tok in text.split() if canonical_filled_pause(normalise(tok)) and not tok.startswith("'"))
        cases[name] = (folder / "mfa_filler_clips" / f"{name}.flac", {count}, count == 0)
    for lab in sorted((folder / "mfa_monologues").glob("*.lab")):
        count = sum(1 for tok in lab.read_text().split() if canonical_filled_pause(tok))
        accepted = _REAL_ACCEPTED_EXTRA.get(lab.stem, {count})
        cases[lab.stem] = (lab.with_suffix(".wav"), accepted, False)
    jfk = folder / "jfk" / "jfk.wav"
    if jfk.exists():
        cases["jfk"] = (jfk, {0}, True)
    return cases


def score_real(method: Method, folder: Path) -> dict:
    rows = []
    for name, (path, accepted, clean) in sorted(real_truth(folder).items()):
        _w, fillers, _p = method.run(path)
        found = sum(1 for f in fillers if f.kind == FILLED_PAUSE)
        error = min(abs(found - a) for a in accepted)
        rows.append({"file": name, "truth": sorted(accepted), "found": found, "error": error, "clean": clean})
    return {
        "files": len(rows),
        "exact": sum(r["error"] == 0 for r in rows),
        "exact_share": round(sum(r["error"] == 0 for r in rows) / len(rows), 3) if rows else None,
        "total_abs_error": sum(r["error"] for r in rows),
        "invented_on_clean": sum(r["found"] for r in rows if r["clean"]),
        "rows": rows,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mockloop.analysis.eval", description=__doc__.split("\n\n")[0])
    parser.add_argument("--synthetic", type=Path, default=DEFAULT_SYNTHETIC)
    parser.add_argument("--real", type=Path, default=DEFAULT_REAL)
    parser.add_argument("--only", choices=["synthetic", "real"], default=None)
    parser.add_argument("--baseline", action="store_true", help="also measure plain faster-whisper")
    parser.add_argument("--model", default=None)
    parser.add_argument("--live", action="store_true", help="also measure audio fed as if recorded live")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    results = {}
    for method in make_methods(args.model, args.baseline, args.live):
        entry = {}
        if args.only in (None, "synthetic") and args.synthetic.exists():
            entry["synthetic"] = score_synthetic(method, args.synthetic)
        if args.only in (None, "real") and args.real.exists():
            entry["real"] = score_real(method, args.real)
        results[method.name] = entry
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    for name, entry in results.items():
        print(f"== {name}")
        if "synthetic" in entry:
            s = entry["synthetic"]
            print(
                f"  synthetic  fillers P {s['filler_precision']:.2f} R {s['filler_recall']:.2f} | "
                f"pauses>=0.5s P {s['pause_precision']:.2f} R {s['pause_recall']:.2f} | "
                f"median boundary error {s['median_boundary_error_ms']} ms"
            )
            if args.verbose:
                for fid, t, g, tp in s["files"]:
                    print(f"    {fid:12s} truth {t:2d} found {g:2d} matched {tp:2d}")
        if "real" in entry:
            r = entry["real"]
            print(
                f"  real       filled-pause count exact on {r['exact']}/{r['files']} ({r['exact_share']:.0%}), "
                f"total abs error {r['total_abs_error']}, invented on clean/trap clips {r['invented_on_clean']}"
            )
            if args.verbose:
                for row in r["rows"]:
                    mark = "" if row["error"] == 0 else f"  <- off by {row['error']}"
                    print(f"    {row['file']:24s} truth {row['truth']} found {row['found']}{mark}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
