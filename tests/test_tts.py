"""The interviewer's voice: real pyttsx3 + espeak-ng renders speech, real PortAudio plays it.

Playback is checked by ear, so to speak: the speaker is a PulseAudio null sink and the test
records its monitor while the Speaker talks (tests/pulse.py).
"""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
import soundfile as sf

from mockloop.audio_io import MicrophoneSource, Recorder
from mockloop.errors import InputError
from mockloop.audio_io.voice import Speaker
from pulse import alignment, pulse_server  # noqa: F401  (pulse_server is a fixture)

QUESTION = "Design a notification system that reaches one hundred million users."


def _frame_levels(audio: np.ndarray, rate: int) -> np.ndarray:
    frame = rate // 50
    count = len(audio) // frame
    return np.sqrt(np.mean(audio[: count * frame].reshape(count, frame) ** 2, axis=1))


def test_the_speaker_renders_a_question_to_a_wav_with_speech_in_it(tmp_path):
    path = Speaker(play=False).synthesize(QUESTION, tmp_path / "question.wav")

    audio, rate = sf.read(path, dtype="float32")
    assert rate == 22050
    assert 2.0 < len(audio) / rate < 8.0
    levels = _frame_levels(audio, rate)
    assert (levels > 0.02).mean() > 0.5, "most of the clip should be voiced"
    assert (levels < 0.005).any(), "speech has gaps between words"


def test_a_slower_rate_makes_longer_speech(tmp_path):
    slow = Speaker(rate=120, play=False).synthesize(QUESTION, tmp_path / "slow.wav")
    fast = Speaker(rate=300, play=False).synthesize(QUESTION, tmp_path / "fast.wav")
    assert sf.info(slow).duration > 1.8 * sf.info(fast).duration


def test_a_voice_can_be_named_by_part_of_its_id(tmp_path):
    path = Speaker(voice="en-us", play=False).synthesize("Hello.", tmp_path / "hello.wav")
    assert sf.info(path).frames > 0


def test_an_unknown_voice_is_the_users_error_not_a_silent_fallback(tmp_path):
    with pytest.raises(InputError, match="No voice matches 'klingon-xx'"):
        Speaker(voice="klingon-xx", play=False).speak("Hello.", save_to=tmp_path / "hello.wav")


def test_a_rate_out_of_range_is_refused():
    with pytest.raises(InputError, match="--rate 5 is out of range"):
        Speaker(rate=5)


def test_a_missing_speech_engine_falls_back_to_text_with_a_warning(tmp_path):
    utterance = Speaker(driver="no_such_driver").speak(QUESTION, save_to=tmp_path / "question.wav")

    assert utterance.audio_path is None and not utterance.played
    assert "No text-to-speech engine" in utterance.warning and "Showing the text only" in utterance.warning
    assert utterance.text == QUESTION


@pytest.mark.audio_io
def test_the_spoken_question_comes_out_of_the_speaker(pulse_server, tmp_path):
    recorder = Recorder(tmp_path / "heard.wav", MicrophoneSource(samplerate=22050)).start()
    utterance = Speaker().speak(QUESTION, save_to=tmp_path / "question.wav")
    result = recorder.stop()

    assert utterance.played and utterance.warning is None
    heard, rate = sf.read(result.path, dtype="float32")
    said, said_rate = sf.read(utterance.audio_path, dtype="float32")
    assert rate == said_rate == 22050
    _, correlation = alignment(heard, said, rate)
    assert correlation > 0.9


@pytest.mark.audio_io
def test_without_a_speaker_the_question_is_still_rendered_and_shown(tmp_path):
    script = (
        "from mockloop.audio_io.voice import Speaker\n"
        f"u = Speaker().speak('Hello there.', save_to={str(tmp_path / 'q.wav')!r})\n"
        "print(u.played, u.audio_path is not None)\nprint(u.warning)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
        env={**os.environ, "PULSE_SERVER": f"unix:{tmp_path}/no-server"},
    )
    played_and_rendered, warning = done.stdout.strip().splitlines()
    assert played_and_rendered == "False True"
    assert "No speaker found" in warning and "Showing the text only" in warning
