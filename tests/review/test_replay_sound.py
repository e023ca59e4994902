"""A replay with sound really plays the answer through the speaker, at the chosen speed and the same pitch.

The speaker is the null sink of a private PulseAudio server (tests/pulse.py): ``AudioPlayer``
plays through the real sounddevice -> PortAudio -> ALSA -> PulseAudio path, and ``parec``
records the sink's monitor, i.e. exactly what a listener would hear.
"""

from __future__ import annotations

import time

import numpy as np
import pytest
import soundfile as sf

from mockloop.review.players import AudioPlayer
from mockloop.review.tempo import stretch_tempo

from audio_checks import rms, sounding_span, voice_pitch_hz
from pulse import MonitorRecording, alignment, pulse_server  # noqa: F401  (pulse_server is a fixture)

pytestmark = pytest.mark.audio_io

RATE = 16000


def answer_audio(session) -> np.ndarray:
    audio, rate = sf.read(session.answer_audio(1), dtype="float32")
    assert rate == RATE
    return audio


def play(player: AudioPlayer, until_s: float | None = None, timeout: float = 30.0) -> None:
    """Let ``player`` run until its clock reaches ``until_s`` (default: the end), then stop it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not player.finished and (until_s is None or player.position() < until_s):
        time.sleep(0.02)
    time.sleep(0.3)  # the last block is still in the device's buffer
    player.stop()


def last_sentence_start(analysis: dict, before_end_s: float = 6.0) -> float:
    """The start of the first word in the answer's last ``before_end_s`` seconds of speech."""
    words = analysis["transcript"]["words"]
    return next(w["start"] for w in words if w["start"] >= words[-1]["end"] - before_end_s)


def test_the_speaker_plays_the_answer_from_the_chosen_time(pulse_server, make_session):
    session = make_session()
    source = answer_audio(session)[20 * RATE : 24 * RATE]
    with MonitorRecording(pulse_server, RATE) as recording:
        time.sleep(0.2)
        play(AudioPlayer(session.answer_audio(1), start_s=20.0), until_s=24.0)
    heard = recording.samples()

    lag_s, correlation = alignment(heard, source, RATE)
    assert correlation > 0.9, f"the sink did not hear 0:20-0:24 of the answer (lag {lag_s:.2f} s)"
    during = heard[int(lag_s * RATE) : int(lag_s * RATE) + len(source)]
    assert rms(during) == pytest.approx(rms(source), rel=0.3)
    assert rms(heard[: int(0.1 * RATE)]) < 0.01 * rms(source)  # silence before the player started


def test_at_speed_1_25_the_answer_is_heard_a_fifth_shorter_at_the_same_pitch(pulse_server, make_session, sample_analysis):
    session = make_session()
    start_s = last_sentence_start(sample_analysis)
    source = answer_audio(session)[int(start_s * RATE) :]
    with MonitorRecording(pulse_server, RATE) as recording:
        time.sleep(0.2)
        player = AudioPlayer(session.answer_audio(1), speed=1.25, start_s=start_s)
        play(player)
    heard = recording.samples()
    assert player.finished and player.position() == pytest.approx(player.duration_s)

    first, last = sounding_span(heard, RATE)
    said_first, said_last = sounding_span(source, RATE)
    assert last - first == pytest.approx((said_last - said_first) / 1.25, rel=0.05)
    assert voice_pitch_hz(heard, RATE) == pytest.approx(voice_pitch_hz(source, RATE), abs=3)  # resampled: +25 %
    _, correlation = alignment(heard, stretch_tempo(source, RATE, 1.25), RATE)
    assert correlation > 0.9


def test_the_players_clock_counts_seconds_of_the_answer_at_any_speed(pulse_server, make_session):
    player = AudioPlayer(make_session().answer_audio(1), speed=1.25, start_s=10.0)
    try:
        assert player.position() == pytest.approx(10.0, abs=0.2)
        before, started = player.position(), time.monotonic()
        time.sleep(2.0)
        assert player.position() - before == pytest.approx(1.25 * (time.monotonic() - started), abs=0.3)

        player.seek(60.0)
        assert player.position() == pytest.approx(60.0, abs=0.2)
        player.pause()
        held = player.position()
        time.sleep(0.5)
        assert player.position() == held
    finally:
        player.stop()


def test_mockloop_replay_with_a_speaker_exits_0_and_the_speaker_heard_the_answer(pulse_server, make_session, cli):
    session = make_session()
    with MonitorRecording(pulse_server, RATE) as recording:
        code, stdout, stderr = cli("replay", session.id, "--from", "1:25", env=pulse_server.env(COLUMNS="120"))
    assert code == 0, stderr
    assert "No sound" not in stderr and "what you have in mind." in stdout
    tail = answer_audio(session)[85 * RATE :]
    heard = recording.samples()
    lag_s, correlation = alignment(heard, tail, RATE)
    assert correlation > 0.9, f"the sink did not hear the answer's last 5 s (lag {lag_s:.2f} s)"
    assert rms(heard) > 0.2 * rms(tail)


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda wav: wav.write_bytes(wav.read_bytes()[:44] + b"\x00" * 3), id="header only"),
        pytest.param(lambda wav: wav.write_bytes(b"RIFF" + bytes(range(256)) * 40), id="garbage after RIFF"),
        pytest.param(lambda wav: wav.write_text("not audio at all\n"), id="text"),
    ],
)
def test_a_damaged_answer_wav_replays_the_transcript_without_sound(pulse_server, make_session, cli, damage):
    session = make_session()
    damage(session.answer_audio(1))
    code, out, err = cli("replay", session.id, "--speed", "100", env=pulse_server.env())
    assert code == 0 and "Traceback" not in err, err
    [line] = err.strip().splitlines()
    assert line.startswith("No sound (answer-1.wav ") and line.endswith("); replaying the transcript only.")
    assert "let me confirm the" in out and "what you have in mind." in out
