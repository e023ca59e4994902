#!/usr/bin/env python3
"""Build the synthetic ground-truth answer set with espeak-ng.

Every clip is glued together from separately synthesised "units" (a phrase of ordinary
speech, or a single filler) with silences of chosen length between them, so the timing
of every filler and every pause is known to the sample.

    python audio_fixtures/build_fixtures.py            # rebuild everything
    python audio_fixtures/build_fixtures.py --dry-run  # print the summary, write nothing

Needs espeak-ng on PATH, numpy and soundfile. The output is deterministic for a given
espeak-ng version (the committed set was made with espeak-ng 1.51).

Definitions used for the truth (see README.md):
  * a unit's espeak output is resampled to 16 kHz and trimmed to its first/last sample
    that is at least -50 dBFS, inside the first/last 10 ms frame whose RMS is at least
    -50 dBFS;
  * a unit may not contain a silent run (10 ms frames below -50 dBFS) of 0.2 s or more,
    otherwise the build fails; so between the first and the last spoken sample the only
    silent stretches of 0.25 s or more are the gaps placed between units;
  * the noise floor is added after the speech has been peak-normalised, so the pauses
    contain noise only, at the RMS level written as ``noise_dbfs`` (dB re. amplitude 1.0).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import numpy as np
import soundfile as sf

SR = 16_000
ESPEAK_SR = 22_050
FRAME = SR // 100  # 10 ms
TRIM_DBFS = -50.0
MAX_INTERNAL_SILENCE_S = 0.2
PAUSE_MIN_S = 0.25
PEAK_DBFS = -3.0
SEED = 20_240_611

HERE = Path(__file__).resolve().parent
OUT_DIR = HERE / "synthetic"

# Voices that exist in espeak-ng 1.51 and sound clearly different from each other.
VOICES = ["en-us", "en", "en-us+m3", "en-us+f2", "en+f3", "en-us+m7", "en-gb-scotland", "en-us+f4"]

# ---------------------------------------------------------------------------------------
# Fillers. Canonical text -> the espeak inputs used for it. Plain spellings are preferred;
# the [[...]] phoneme forms give a longer, more drawn-out hesitation. Spellings that did
# NOT work: "uhh"/"uhhh" are read as "ooh" ('u:), "err" as "air" ('e@), "mm" as "em-em",
# "[[m::]]" (a closed-mouth hum) is almost inaudible.
FILLED_PAUSES = {
    "um": ["um", "[[V:m:]]", "[[@:m:]]"],
    "uh": ["uh", "[[V::]]"],
    "er": ["er", "[[3::]]"],
    "ah": ["ah", "[[A::]]"],
    "hmm": ["hmm", "[[h@m:]]"],
}
FILLED_WEIGHTS = {"um": 0.35, "uh": 0.30, "er": 0.10, "ah": 0.10, "hmm": 0.15}
FILLED_RANGE_S = (0.25, 0.8)  # a filled pause is re-synthesised faster/slower to land in here

DISCOURSE_WEIGHTS = {"like": 0.20, "you know": 0.15, "so": 0.12, "i mean": 0.10, "basically": 0.08,
                     "actually": 0.08, "right": 0.08, "kind of": 0.07, "sort of": 0.06,
                     "literally": 0.06}
DISCOURSE = list(DISCOURSE_WEIGHTS)
DISCOURSE_SPOKEN = {"i mean": "I mean"}

# ---------------------------------------------------------------------------------------
# Ordinary speech. "|" marks where a phrase may be cut to put a filler or a pause inside it
# (the pieces are then synthesised as separate units). No commas or periods: espeak pauses
# at punctuation. The second element lists words that are used here NOT as fillers.
PHRASES: list[tuple[str, list[str]]] = [
    ("before I sketch anything | let me confirm the requirements", []),
    ("we expect about fifty thousand events | per second at peak", []),
    ("the ingestion team owns the queue | and the schema registry", []),
    ("now that we've agreed on the ingestion rate | let's talk about fault tolerance", []),
    ("the trade-off here is | latency versus cost", []),
    ("I think we should probably | start with a canary in one region", []),
    ("I would like to walk through | the rollout plan first", ["like"]),
    ("we can use tools like Kafka and Flink | for the event stream", ["like"]),
    ("we batch the writes | so that the storage cost stays flat", ["so"]),
    ("do you know who owns | the billing service", ["you know"]),
    ("we still need to find | the right owner for alerting", ["right"]),
    ("what I mean by done is | tested and running in production", ["i mean"]),
    ("we should ask what kind of data | each client sends", ["kind of"]),
    ("this sort of failure | needs its own runbook", ["sort of"]),
    ("my decision is to go with | the managed queue", []),
    ("if the consumer falls behind | we shed load and page the on-call", []),
    ("to summarize | we ship the minimal pipeline in six weeks", []),
    ("the biggest risk is | the dependency on the data platform team", []),
    ("I aligned the three teams | on a single launch date", []),
    ("we missed the first milestone | because the vendor slipped", []),
    ("I would escalate to the director | only after we tried to unblock it ourselves", []),
    ("we track the error budget and consumer lag | on one dashboard", []),
    ("maybe we could cache the results | for about an hour", []),
    ("I'm not totally sure | but I'd guess the read path dominates", []),
    ("the success metric is | the time to detect an incident", []),
    ("let me pause and check | whether this matches what you had in mind", []),
    ("going with the simpler design means | we give up some flexibility", []),
    ("the security review has to happen | before the beta", []),
    ("we keep the raw events in object storage | for thirty days", []),
    ("the operations team reviews flagged cases | every morning", []),
    ("that wraps up the design | and I'm happy to go deeper on any part", []),
    ("I'd like to start | with the read path", ["like"]),
    ("we need | a queue in front of the writers", []),
    ("in my last role I owned | the migration to the new billing system", []),
    ("the main stakeholders were | finance and the platform team", []),
    ("we agreed to cut scope | rather than move the date", []),
    ("the right answer depends on | the read to write ratio", ["right"]),
    ("you know the latency budget | better than I do", ["you know"]),
    ("the product team would like | a weekly report", ["like"]),
]

# Clip design: filler density x long-pause density, each combination used twice.
N_CLIPS = 24
FILLER_P = [0.0, 0.25, 0.5, 0.9]   # chance of a filler at a phrase boundary
PAUSE_P = [0.0, 0.2, 0.4]          # chance of a long pause at a boundary
PAUSE_BUCKETS = [(0.30, 0.50), (0.50, 1.20), (1.20, 2.00), (2.00, 3.00)]


# ---------------------------------------------------------------------------------------
# Audio helpers

def db_to_amp(db: float) -> float:
    return float(10.0 ** (db / 20.0))


def resample_to_16k(x: np.ndarray) -> np.ndarray:
    """Band-limited resampling 22050 -> 16000 Hz by spectrum truncation (exact 441:320 ratio)."""
    n = int(np.ceil(len(x) / 441.0)) * 441
    x = np.pad(x, (0, n - len(x)))
    n_out = n * 320 // 441
    spec = np.fft.rfft(x)[: n_out // 2 + 1] * (n_out / n)
    return np.fft.irfft(spec, n_out)


def frame_db(x: np.ndarray) -> np.ndarray:
    k = len(x) // FRAME
    fr = x[: k * FRAME].reshape(k, FRAME)
    return 20.0 * np.log10(np.sqrt((fr ** 2).mean(axis=1)) + 1e-12)


def trim(x: np.ndarray) -> np.ndarray:
    """Cut leading/trailing silence: frame RMS >= -50 dBFS, then to the exact sample."""
    thr = db_to_amp(TRIM_DBFS)
    active = np.flatnonzero(frame_db(x) >= TRIM_DBFS)
    if len(active) == 0:
        raise ValueError("unit is silent")
    a0, b0 = active[0] * FRAME, (active[-1] + 1) * FRAME
    first = a0 + int(np.flatnonzero(np.abs(x[a0:a0 + FRAME]) >= thr)[0])
    last = b0 - FRAME + int(np.flatnonzero(np.abs(x[b0 - FRAME:b0]) >= thr)[-1])
    return x[first:last + 1].copy()


def longest_internal_silence(x: np.ndarray) -> float:
    silent = frame_db(x) < TRIM_DBFS
    best = run = 0
    for s in silent:
        run = run + 1 if s else 0
        best = max(best, run)
    return best * FRAME / SR


_cache: dict[tuple[str, str, int], np.ndarray] = {}


def synth(text: str, voice: str, speed: int) -> np.ndarray:
    """espeak-ng -> 16 kHz float, trimmed. Cached per (text, voice, speed)."""
    key = (text, voice, speed)
    if key not in _cache:
        fd, path = tempfile.mkstemp(suffix=".wav")
        os.close(fd)
        try:
            subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-w", path, text],
                           check=True, capture_output=True)
            x, sr = sf.read(path, dtype="float64", always_2d=True)
        finally:
            os.unlink(path)
        if sr != ESPEAK_SR:
            raise RuntimeError(f"espeak-ng wrote {sr} Hz, expected {ESPEAK_SR}")
        y = trim(resample_to_16k(x.mean(axis=1)))
        gap = longest_internal_silence(y)
        if gap >= MAX_INTERNAL_SILENCE_S:
            raise RuntimeError(f"{text!r} ({voice}, {speed} wpm) has an internal silence of "
                               f"{gap:.2f} s; split the phrase differently")
        _cache[key] = y
    return _cache[key]


# The noise of every fixture is the eval's own (`python -m mockloop.analysis.eval --noise`).
from mockloop.analysis.eval import coloured_noise as make_noise  # noqa: E402


# ---------------------------------------------------------------------------------------
# Clip assembly

@dataclass
class Unit:
    text: str                 # what the truth says was spoken
    audio: np.ndarray
    filler: Optional[str] = None        # None | "filled_pause" | "discourse"
    espeak: str = ""                    # what espeak-ng was given
    speed: int = 0
    distractors: list[str] = field(default_factory=list)


@dataclass
class Plan:
    """Units in order plus the silence (seconds) before each unit (the first is the lead-in)."""
    units: list[Unit] = field(default_factory=list)
    gaps: list[float] = field(default_factory=list)

    def add(self, unit: Unit, gap: float) -> None:
        self.units.append(unit)
        self.gaps.append(gap)

    def seconds(self) -> float:
        return sum(self.gaps) + sum(len(u.audio) for u in self.units) / SR


def phrase_unit(text: str, distractors: list[str], voice: str, speed: int) -> Unit:
    present = [d for d in distractors if f" {d} " in f" {text.lower()} "]
    return Unit(text=text, audio=synth(text, voice, speed), espeak=text, speed=speed,
                distractors=present)


def filled_pause_unit(rng: np.random.Generator, voice: str, speed: int) -> Unit:
    names = list(FILLED_WEIGHTS)
    name = names[rng.choice(len(names), p=[FILLED_WEIGHTS[k] for k in names])]
    spelling = FILLED_PAUSES[name][rng.integers(len(FILLED_PAUSES[name]))]
    s = int(max(80, round(speed * rng.uniform(0.6, 0.8) / 5) * 5))  # hesitations are drawn out
    lo, hi = FILLED_RANGE_S
    for _ in range(12):
        audio = synth(spelling, voice, s)
        dur = len(audio) / SR
        if dur > hi and s < 250:
            s += 10
        elif dur < lo and s > 80:
            s -= 10
        else:
            break
    return Unit(text=name, audio=audio, filler="filled_pause", espeak=spelling, speed=s)


def discourse_unit(word: str, voice: str, speed: int) -> Unit:
    spoken = DISCOURSE_SPOKEN.get(word, word)
    return Unit(text=word, audio=synth(spoken, voice, speed), filler="discourse",
                espeak=spoken, speed=speed)


def long_pause(rng: np.random.Generator) -> float:
    lo, hi = PAUSE_BUCKETS[rng.integers(len(PAUSE_BUCKETS))]
    return float(rng.uniform(lo, hi))


def plan_clip(rng: np.random.Generator, voice: str, speed: int, p_filler: float,
              p_pause: float, target_s: float) -> Plan:
    plan = Plan()
    order = rng.permutation(len(PHRASES))
    lead_in = float(rng.uniform(0.3, 1.0))

    def natural(within_phrase: bool) -> float:
        return float(rng.uniform(0.03, 0.08) if within_phrase else rng.uniform(0.06, 0.15))

    def fillers_at_boundary(next_text: str) -> list[Unit]:
        if rng.random() >= p_filler:
            return []
        kinds = ["filled_pause"] if rng.random() < 0.55 else ["discourse"]
        if rng.random() < 0.15:  # "um so", "uh you know"
            kinds = ["filled_pause", "discourse"]
        # Keep the truth unambiguous: no discourse filler right before a phrase that opens
        # with a filler word ("so | you know the latency budget" reads as "so you know"), and
        # never the same word as the neighbouring phrase uses ("like | tools like Kafka").
        near = f" {next_text.lower()} " + (f" {plan.units[-1].text.lower()} " if plan.units else "")
        allowed = [w for w in DISCOURSE if f" {w} " not in near]
        if any(f" {next_text.lower()} ".startswith(f" {w} ") for w in DISCOURSE) or not allowed:
            kinds = ["filled_pause"]
        weights = np.array([DISCOURSE_WEIGHTS[w] for w in allowed])
        return [filled_pause_unit(rng, voice, speed) if kind == "filled_pause"
                else discourse_unit(allowed[rng.choice(len(allowed), p=weights / weights.sum())],
                                    voice, speed)
                for kind in kinds]

    def gap_before(unit: Unit, within_phrase: bool) -> float:
        if not plan.units:
            return lead_in
        p = p_pause
        if p_pause > 0 and (unit.filler or plan.units[-1].filler):
            p = min(1.0, p_pause + 0.25)  # speakers often stop right before/after a hesitation
        return long_pause(rng) if rng.random() < p else natural(within_phrase)

    for idx in order:
        if plan.units and plan.seconds() >= max(target_s - 1.5, 14.8):
            break
        text, distractors = PHRASES[idx]
        pieces = [p.strip() for p in text.split("|")]
        # cut a phrase in two now and then, so fillers and pauses also land mid-sentence
        cut = len(pieces) > 1 and rng.random() < max(p_filler, p_pause) * 0.6
        chunks = pieces if cut else [" ".join(pieces)]
        for ci, chunk in enumerate(chunks):
            within = ci > 0
            for fu in fillers_at_boundary(chunk):
                plan.add(fu, gap_before(fu, within))
            unit = phrase_unit(chunk, distractors, voice, speed)
            plan.add(unit, gap_before(unit, within))
    # a trailing tag ("... right") sometimes closes the answer
    if p_filler >= 0.45 and rng.random() < 0.3 and " right " not in f" {plan.units[-1].text} ":
        plan.add(discourse_unit("right", voice, speed), float(rng.uniform(0.06, 0.15)))
    return plan


def render(plan: Plan, rng: np.random.Generator, noise_dbfs: float, colour: str,
           tail_s: float) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """Place the units, normalise the speech peak, add the noise floor. Returns the audio
    and each unit's [start, end) in samples."""
    spans, pos = [], 0
    for unit, gap in zip(plan.units, plan.gaps):
        pos += int(round(gap * SR))
        spans.append((pos, pos + len(unit.audio)))
        pos += len(unit.audio)
    total = pos + int(round(tail_s * SR))
    speech = np.zeros(total)
    for unit, (a, b) in zip(plan.units, spans):
        speech[a:b] = unit.audio
    speech *= db_to_amp(PEAK_DBFS) / np.abs(speech).max()
    noise = make_noise(rng, total, colour) * db_to_amp(noise_dbfs)
    return speech + noise, spans


def truth(clip_id: str, audio_name: str, plan: Plan, spans: list[tuple[int, int]], voice: str,
          speed: int, noise_dbfs: float, n_samples: int) -> dict:
    t = lambda s: round(s / SR, 3)  # noqa: E731
    units, fillers, distractors, pauses = [], [], [], []
    for unit, (a, b) in zip(plan.units, spans):
        units.append({"text": unit.text, "start": t(a), "end": t(b), "filler": unit.filler})
        if unit.filler:
            fillers.append({"text": unit.text, "kind": unit.filler, "start": t(a), "end": t(b)})
        for word in unit.distractors:
            distractors.append({"text": word, "phrase": unit.text.lower(), "start": t(a), "end": t(b)})
    for (_, prev_end), (next_start, _) in zip(spans, spans[1:]):
        if next_start - prev_end >= PAUSE_MIN_S * SR:
            pauses.append({"start": t(prev_end), "end": t(next_start),
                           "duration": t(next_start - prev_end)})
    return {
        "id": clip_id,
        "audio": audio_name,
        "voice": voice,
        "speed_wpm": speed,
        "noise_dbfs": noise_dbfs,
        "duration_s": t(n_samples),
        "text": " ".join(u.text for u in plan.units),
        "units": units,
        "fillers": fillers,
        "distractors": distractors,
        "pauses": pauses,
        "speech_span": [t(spans[0][0]), t(spans[-1][1])],
    }


def renderings(plan: Plan, spans: list[tuple[int, int]]) -> list[dict]:
    return [{"text": u.text, "espeak": u.espeak, "speed_wpm": u.speed,
             "duration": round((b - a) / SR, 3)}
            for u, (a, b) in zip(plan.units, spans) if u.filler == "filled_pause"]


def write(out_dir: Path, stem: str, audio: np.ndarray, meta: dict) -> None:
    sf.write(out_dir / f"{stem}.flac", audio, SR, subtype="PCM_16", format="FLAC",
             compression_level=1.0)
    (out_dir / f"{stem}.json").write_text(json.dumps(meta, indent=1) + "\n")


# ---------------------------------------------------------------------------------------
# The demo answer: scripted, one voice, a few fillers and two long pauses.

SAMPLE_VOICE, SAMPLE_SPEED = "en-us", 150
P, F, D = "phrase", "filled", "discourse"
SAMPLE_SCRIPT: list[tuple[str, str, Optional[float]]] = [
    # (kind, text, silence before it in seconds or None for a natural gap)
    (P, "before I sketch anything let me confirm the scope", None),
    (P, "we have about two thousand delivery robots", None),
    (P, "and each one sends sensor readings every second", None),
    (P, "the goal is to flag anomalies for human review within five minutes", None),
    (F, "um", 0.6),
    (P, "the ingestion path comes first", 0.35),
    (P, "the robots publish to a managed message queue", None),
    (P, "and the fleet platform team owns that queue and its schema", None),
    (P, "a stream job then scores each reading against a baseline for that robot", None),
    (F, "uh", None),
    (P, "anything above the threshold becomes a case in the review tool", None),
    (P, "which the operations team owns", None),
    (P, "the main trade-off is latency versus cost", 2.2),
    (P, "scoring every single reading in real time is expensive", None),
    (P, "my decision is to score one minute windows", None),
    (P, "which keeps us inside the five minute target", None),
    (D, "you know", None),
    (P, "at a fraction of the compute", None),
    (P, "for failures", None),
    (F, "um", 0.45),
    (P, "if the stream job falls behind the queue buffers up to a day", None),
    (P, "and we page the on-call when consumer lag passes two minutes", None),
    (P, "for monitoring we track consumer lag and the false positive rate", None),
    (P, "reviewers label every case so that the thresholds improve over time", None),
    (P, "we could start with", None),
    (D, "like", None),
    (P, "three sensor types and add the rest later", None),
    (P, "storage is the biggest cost", 1.7),
    (F, "um", 0.4),
    (P, "we keep raw readings for thirty days in cheap object storage", 0.3),
    (P, "to summarize we launch in one city first and then the whole fleet", None),
    (P, "I would like to check that this matches what you had in mind", None),
]
SAMPLE_DISTRACTORS = {
    "reviewers label every case so that the thresholds improve over time": ["so"],
    "I would like to check that this matches what you had in mind": ["like"],
}


def build_sample(rng: np.random.Generator) -> tuple[np.ndarray, dict, Plan, list]:
    plan = Plan()
    for i, (kind, text, gap) in enumerate(SAMPLE_SCRIPT):
        if gap is None:
            gap = float(rng.uniform(0.06, 0.15))
        if i == 0:
            gap = 0.8
        if kind == P:
            unit = phrase_unit(text, SAMPLE_DISTRACTORS.get(text, []), SAMPLE_VOICE, SAMPLE_SPEED)
        elif kind == D:
            unit = discourse_unit(text, SAMPLE_VOICE, SAMPLE_SPEED)
        else:
            spelling = FILLED_PAUSES[text][0]
            unit = Unit(text=text, audio=synth(spelling, SAMPLE_VOICE, 100),
                        filler="filled_pause", espeak=spelling, speed=100)
        plan.add(unit, gap)
    audio, spans = render(plan, rng, -56.0, "pink", 0.8)
    meta = truth("sample_answer", "sample_answer.flac", plan, spans, SAMPLE_VOICE,
                 SAMPLE_SPEED, -56.0, len(audio))
    return audio, meta, plan, spans


# ---------------------------------------------------------------------------------------

def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dry-run", action="store_true", help="build and print, write nothing")
    args = ap.parse_args(argv)

    master = np.random.default_rng(SEED)
    clip_seeds = master.integers(0, 2**32, size=N_CLIPS + 1)
    if not args.dry_run:
        OUT_DIR.mkdir(parents=True, exist_ok=True)
        for old in OUT_DIR.glob("syn_*"):
            old.unlink()

    index = {"sample_rate": SR, "trim_dbfs": TRIM_DBFS, "pause_min_s": PAUSE_MIN_S,
             "espeak_ng": subprocess.run(["espeak-ng", "--version"], capture_output=True,
                                         text=True).stdout.strip(),
             "clips": []}
    header = f"{'id':14s} {'voice':15s} {'wpm':>3s} {'noise':>6s} {'dur':>6s} {'units':>5s} " \
             f"{'fp':>3s} {'disc':>4s} {'dstr':>4s} {'p>=.25':>6s} {'p>=.5':>5s} {'p>=2':>4s}"
    print(header)
    rows = []
    for i in range(N_CLIPS):
        rng = np.random.default_rng(clip_seeds[i])
        voice = VOICES[i % len(VOICES)]
        speed = int(rng.integers(26, 38)) * 5                    # 130..185 wpm
        p_filler = FILLER_P[i % len(FILLER_P)]
        p_pause = PAUSE_P[(i // len(FILLER_P)) % len(PAUSE_P)]
        target = 15.0 + 22.0 * float(rng.beta(1.0, 4.0))         # mostly 15-25 s, a few longer
        noise_dbfs = round(float(rng.uniform(-60.0, -50.0)), 1)
        colour = "pink" if rng.random() < 0.5 else "brown"
        plan = plan_clip(rng, voice, speed, p_filler, p_pause, target)
        audio, spans = render(plan, rng, noise_dbfs, colour, float(rng.uniform(0.3, 1.0)))
        clip_id = f"syn_{i + 1:02d}"
        meta = truth(clip_id, f"{clip_id}.flac", plan, spans, voice, speed, noise_dbfs, len(audio))
        rows.append((clip_id, meta, plan, spans, colour, audio))

    sample_rng = np.random.default_rng(clip_seeds[N_CLIPS])
    s_audio, s_meta, s_plan, s_spans = build_sample(sample_rng)

    for clip_id, meta, plan, spans, colour, audio in rows + [
            ("sample_answer", s_meta, s_plan, s_spans, "pink", s_audio)]:
        kinds = [f["kind"] for f in meta["fillers"]]
        durs = [p["duration"] for p in meta["pauses"]]
        print(f"{clip_id:14s} {meta['voice']:15s} {meta['speed_wpm']:3d} {meta['noise_dbfs']:6.1f} "
              f"{meta['duration_s']:6.2f} {len(meta['units']):5d} {kinds.count('filled_pause'):3d} "
              f"{kinds.count('discourse'):4d} {len(meta['distractors']):4d} {len(durs):6d} "
              f"{sum(d >= 0.5 for d in durs):5d} {sum(d >= 2.0 for d in durs):4d}")
        if args.dry_run:
            continue
        if clip_id == "sample_answer":
            write(HERE, "sample_answer", audio, meta)
        else:
            write(OUT_DIR, clip_id, audio, meta)
            index["clips"].append({
                "id": clip_id, "audio": meta["audio"], "truth": f"{clip_id}.json",
                "voice": meta["voice"], "speed_wpm": meta["speed_wpm"],
                "noise_dbfs": meta["noise_dbfs"], "noise_colour": colour,
                "duration_s": meta["duration_s"], "n_fillers": len(meta["fillers"]),
                "n_pauses": len(meta["pauses"]), "n_distractors": len(meta["distractors"]),
                "filled_pause_renderings": renderings(plan, spans),
            })
    if not args.dry_run:
        index["sample_answer"] = {"audio": "../sample_answer.flac", "truth": "../sample_answer.json",
                                  "filled_pause_renderings": renderings(s_plan, s_spans)}
        (OUT_DIR / "index.json").write_text(json.dumps(index, indent=1) + "\n")

    all_meta = [r[1] for r in rows]
    fl = [f for m in all_meta for f in m["fillers"]]
    ps = [p["duration"] for m in all_meta for p in m["pauses"]]
    print(f"\n{len(all_meta)} clips, {sum(m['duration_s'] for m in all_meta):.1f} s; "
          f"sample answer {s_meta['duration_s']:.1f} s")
    for kind in ("filled_pause", "discourse"):
        names: dict[str, int] = {}
        for f in fl:
            if f["kind"] == kind:
                names[f["text"]] = names.get(f["text"], 0) + 1
        print(f"  {kind}: {sum(names.values())}  {dict(sorted(names.items()))}")
    print(f"  pauses >= 0.25 s: {len(ps)}, >= 0.5 s: {sum(d >= 0.5 for d in ps)}, "
          f">= 2 s: {sum(d >= 2.0 for d in ps)}")
    print(f"  distractors: {sum(len(m['distractors']) for m in all_meta)}")
    if not args.dry_run:
        size = sum(p.stat().st_size for p in list(OUT_DIR.glob("*.flac")) + [HERE / "sample_answer.flac"])
        print(f"  FLAC total: {size / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
