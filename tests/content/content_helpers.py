"""Builders for transcripts in tests: untimed (text input) and timed (as if from audio)."""

from __future__ import annotations

from pathlib import Path

import yaml

from mockloop.models import Transcript, Word

LABELLED = Path(__file__).parent / "labelled"


def text_transcript(text: str) -> Transcript:
    """What the CLI builds from a .txt file: words without times."""
    return Transcript(words=[Word(w) for w in text.split()], duration_s=None)


def timed_transcript(text: str, seconds_per_word: float = 0.4, start: float = 0.5) -> Transcript:
    """Words spoken at a steady pace (150 wpm at 0.4 s a word), starting at `start` seconds."""
    words, t = [], start
    for raw in text.split():
        words.append(Word(raw, start=round(t, 2), end=round(t + seconds_per_word * 0.8, 2)))
        t += seconds_per_word
    return Transcript(words=words, duration_s=round(t + 0.5, 2), model="test")


def time_of(transcript: Transcript, phrase: str) -> float:
    """Start time of the first word of `phrase` (matched word by word, case and punctuation kept)."""
    target = phrase.split()
    texts = [w.text for w in transcript.words]
    for i in range(len(texts) - len(target) + 1):
        if texts[i : i + len(target)] == target:
            return transcript.words[i].start
    raise AssertionError(f"{phrase!r} not in transcript")


def labelled(name: str) -> dict:
    """A labelled answer by relative path, e.g. 'dev/sd_sensor_anomaly_strong'."""
    return yaml.safe_load((LABELLED / f"{name}.yaml").read_text(encoding="utf-8"))
