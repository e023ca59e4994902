"""How well Whisper's word probability separates right words from wrong ones, on this machine.

Runs mockloop's transcription (the Analyzer, as `mockloop analyze` does) on every recording that
has an exact reference text: the real recordings in ../shared/audio, then the bundled sample answer
and the synthetic fixtures (espeak-ng voices with room tone). Each written word is aligned to the reference (filled pauses left
out on both sides, lower case, punctuation gone); a word the alignment matches is right, a word it
substitutes or inserts is wrong. It prints:

1. the probability distribution of right and wrong words;
2. for each candidate threshold, how many wrong words "probability < threshold" marks (recall),
   how many marked words are wrong (precision), and how many right words it marks, beside the
   baseline of marking the same number of words at random (precision = the overall error rate);
3. per recording: word error rate and the share of words under the chosen threshold, to set
   the share above which an answer's transcript is called unreliable.

Usage: python benchmarks/word_confidence.py [--threshold 0.5] [--model small.en] [--cache runs.jsonl]
Numbers are printed, never asserted; config.UncertaintySettings says which were chosen and why.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import statistics
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SYNTHETIC = REPO / "audio_fixtures" / "synthetic"
SHARED = REPO.parent / "shared" / "audio"
CANDIDATES = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7)
_FILLERS = {"um", "uh", "er", "ah", "hmm", "hm", "mm", "erm", "uhm", "umm", "uhh"}
_ANNOTATION = re.compile(r"<cutoff-[^>]*>|\[[^\]]*\]|<unk>")


def norm_words(text: str) -> list[str]:
    text = _ANNOTATION.sub(" ", text.lower()).replace("<hes-", "").replace(">", "")
    words = [re.sub(r"[^\w']+", "", w).strip("'") for w in re.split(r"[\s\-/]+", text)]
    return [w for w in words if w and w not in _FILLERS]


def references() -> list[tuple[str, Path, str]]:
    """(name, audio, reference text) for every recording with an exact transcript."""
    found = []
    clips = SHARED / "mfa_filler_clips" / "reference_transcripts.json"
    if clips.exists():
        for name, text in json.loads(clips.read_text(encoding="utf-8"))["transcripts"].items():
            found.append((name, clips.parent / f"{name}.flac", text))
    for lab in sorted((SHARED / "mfa_monologues").glob("*.lab")):
        found.append((lab.stem, lab.with_suffix(".wav"), lab.read_text(encoding="utf-8")))
    jfk = SHARED / "jfk" / "jfk.wav"
    if jfk.exists():
        text = "And so, my fellow Americans, ask not what your country can do for you, ask what you can do for your country."
        found.append(("jfk", jfk, text))
    sample = REPO / "audio_fixtures" / "sample_answer.json"
    if sample.exists():
        found.append(("sample_answer", sample.with_suffix(".flac"), json.loads(sample.read_text(encoding="utf-8"))["text"]))
    for truth_path in sorted(SYNTHETIC.glob("syn_*.json")):
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        found.append((truth["id"], SYNTHETIC / truth["audio"], truth["text"]))
    return found


def labelled_words(words, reference: str) -> list[tuple[float, bool]]:
    """(probability, right?) for each written word that is not a filled pause."""
    hyp = [(norm_words(w.text), w.probability) for w in words]
    flat = [(piece, p) for pieces, p in hyp for piece in pieces[:1]]
    ref = norm_words(reference)
    matcher = difflib.SequenceMatcher(a=ref, b=[piece for piece, _ in flat], autojunk=False)
    right = set()
    for block in matcher.get_matching_blocks():
        right.update(range(block.b, block.b + block.size))
    return [(p, i in right) for i, (_piece, p) in enumerate(flat)]


def word_error_rate(reference: list[str], hypothesis: list[str]) -> float:
    previous = list(range(len(hypothesis) + 1))
    for i, r in enumerate(reference, 1):
        current = [i]
        for j, h in enumerate(hypothesis, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (r != h)))
        previous = current
    return previous[-1] / max(len(reference), 1)


def quantiles(values: list[float]) -> str:
    if len(values) < 4:
        return "n/a"
    q = statistics.quantiles(values, n=10)
    return f"p10 {q[0]:.2f}  p25 {statistics.quantiles(values, n=4)[0]:.2f}  median {statistics.median(values):.2f}  p90 {q[-1]:.2f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threshold", type=float, default=None, help="the word threshold to report per file (default: config)")
    parser.add_argument("--model", default=None)
    parser.add_argument("--cache", type=Path, default=None, help="JSON-lines file of per-recording results: reused, appended to")
    args = parser.parse_args(argv)

    from mockloop.analysis.decode import load_audio
    from mockloop.analysis.pipeline import Analyzer
    from mockloop.config import DEFAULT_SETTINGS

    threshold = args.threshold if args.threshold is not None else DEFAULT_SETTINGS.uncertainty.word_min_probability
    analyzer = Analyzer(args.model)
    cached = {}
    if args.cache and args.cache.exists():
        for line in args.cache.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            cached[row["name"]] = row
    every: list[tuple[float, bool]] = []
    per_file = []
    for name, audio, reference in references():
        row = cached.get(name)
        if row is None:
            transcript, _features = analyzer.transcribe_samples(load_audio(audio))
            hyp = [piece for w in transcript.words for piece in norm_words(w.text)[:1]]
            row = {
                "name": name,
                "wer": word_error_rate(norm_words(reference), hyp),
                "words": labelled_words(transcript.words, reference),
            }
            if args.cache:
                with args.cache.open("a", encoding="utf-8") as handle:
                    handle.write(json.dumps(row) + "\n")
        labelled = [(float(p), bool(ok)) for p, ok in row["words"]]
        every.extend(labelled)
        share = sum(1 for p, _ in labelled if p < threshold) / max(len(labelled), 1)
        per_file.append((name, len(labelled), row["wer"], share))
        print(f"  {name:<24} words {len(labelled):>4}  WER {row['wer']:.2f}  uncertain share {share:.2f}", file=sys.stderr)

    right = [p for p, ok in every if ok]
    wrong = [p for p, ok in every if not ok]
    print(f"words: {len(every)}  right {len(right)}  wrong {len(wrong)}  (error rate {len(wrong) / max(len(every), 1):.3f})")
    print(f"right words: {quantiles(right)}")
    print(f"wrong words: {quantiles(wrong)}")
    print()
    print("threshold  marks  wrong-recall  precision  random-baseline-precision  right-words-marked")
    base = len(wrong) / max(len(every), 1)
    for candidate in CANDIDATES:
        marked = [ok for p, ok in every if p < candidate]
        hits = sum(1 for ok in marked if not ok)
        precision = hits / len(marked) if marked else 0.0
        print(
            f"  {candidate:.1f}     {len(marked):>5}  {hits / max(len(wrong), 1):>11.2f}  {precision:>9.2f}  "
            f"{base:>25.2f}  {(len(marked) - hits) / max(len(right), 1):>18.2f}"
        )
    print()
    print(f"per recording at threshold {threshold}: WER vs uncertain share")
    for name, count, wer, share in sorted(per_file, key=lambda row: row[3]):
        print(f"  {name:<24} {count:>4} words  WER {wer:.2f}  uncertain {share:.2f}")
    shares = [row[3] for row in per_file]
    wers = [row[2] for row in per_file]
    if len(per_file) > 2 and statistics.pstdev(shares) > 0 and statistics.pstdev(wers) > 0:
        print(f"correlation of uncertain share with WER: {statistics.correlation(shares, wers):.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
