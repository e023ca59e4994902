"""The recorder writes what the microphone hears, ends where it should, and keeps audio through faults.

The microphone is the monitor of a null sink on a private PulseAudio server (tests/pulse.py):
whatever the test plays into the sink is what sounddevice records, through the real PortAudio
path. The speech is a real monologue, `shared/audio/mfa_monologues/cold_corpus3.wav` from the
Montreal Forced Aligner test data (MIT).
"""

from __future__ import annotations

import json
import os
import re
import resource
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from mockloop.audio_io import FileSource, MicrophoneSource, Recorder, SilenceStop, StopReason
from mockloop.errors import AudioDeviceError, InputError
from processes import read_rest
from pulse import alignment, pulse_server, start_private_server  # noqa: F401  (pulse_server is a fixture)

pytestmark = pytest.mark.audio_io


@pytest.fixture(scope="module")
def monologue(SHARED_AUDIO) -> tuple[np.ndarray, int]:  # noqa: N803 - the conftest fixture's name
    return sf.read(SHARED_AUDIO / "mfa_monologues" / "cold_corpus3.wav", dtype="float32")


@pytest.fixture(scope="module")
def speech(monologue, tmp_path_factory) -> Path:
    """Three seconds of continuous real speech, 16 kHz mono."""
    audio, rate = monologue
    path = tmp_path_factory.mktemp("speech") / "speech-3s.wav"
    sf.write(path, audio[2 * rate : 5 * rate], rate)
    return path


@pytest.fixture(scope="module")
def long_speech(monologue, tmp_path_factory) -> Path:
    audio, rate = monologue
    path = tmp_path_factory.mktemp("speech") / "speech-10s.wav"
    sf.write(path, audio[: 10 * rate], rate)
    return path


def test_the_recording_is_what_was_played_into_the_microphone(pulse_server, speech, tmp_path):
    played, rate = sf.read(speech, dtype="float32")
    recorder = Recorder(tmp_path / "answer.wav", MicrophoneSource()).start()
    pulse_server.play(speech)
    time.sleep(0.3)
    result = recorder.stop()

    recorded, recorded_rate = sf.read(result.path, dtype="float32")
    assert recorded_rate == rate == result.samplerate == 16000
    assert len(recorded) / recorded_rate == pytest.approx(result.duration_s, abs=0.01)
    assert result.duration_s >= 3.0
    lag_s, correlation = alignment(recorded, played, rate)
    assert correlation > 0.95, f"recording does not match the played speech (lag {lag_s:.2f} s)"
    assert result.stop_reason is StopReason.STOPPED and result.error is None


def test_blocks_reach_a_listener_while_recording_goes_on(pulse_server, speech, tmp_path):
    recorder = Recorder(tmp_path / "answer.wav", MicrophoneSource())
    recorder.start()
    stream = recorder.blocks()
    heard: list[np.ndarray] = []
    first_block_at: list[float] = []

    def listen():
        for block in stream:
            if not first_block_at:
                first_block_at.append(recorder.elapsed_s)
            heard.append(block)

    listener = threading.Thread(target=listen)
    listener.start()
    pulse_server.play(speech)
    blocks_before_stop = len(heard)
    result = recorder.stop()
    listener.join(timeout=5)

    assert not listener.is_alive(), "the block iterator must end when recording stops"
    assert blocks_before_stop > 10 and first_block_at[0] < 1.0
    streamed = np.concatenate(heard)[:, 0]
    saved, _ = sf.read(result.path, dtype="float32")
    assert len(streamed) == len(saved)
    assert np.allclose(streamed, saved, atol=1 / 32768 + 1e-6)  # the file is 16-bit


def test_the_time_limit_ends_the_answer_at_exactly_that_length(pulse_server, tmp_path):
    recorder = Recorder(tmp_path / "answer.wav", MicrophoneSource(), time_limit_s=1.5).start()
    reason = recorder.wait(timeout=10)
    result = recorder.stop()

    assert reason is StopReason.TIME_LIMIT
    assert result.duration_s == pytest.approx(1.5, abs=1e-3)
    assert sf.info(result.path).duration == pytest.approx(1.5, abs=1e-3)


def test_an_unknown_microphone_is_refused_with_the_choices(pulse_server):
    with pytest.raises(AudioDeviceError, match=r"No microphone matches 'no-such-mic'.*default"):
        MicrophoneSource(device="no-such-mic")
    with pytest.raises(AudioDeviceError, match="No audio device number 99"):
        MicrophoneSource(device="99")


def test_an_unsupported_sample_rate_is_a_clear_error(pulse_server):
    with pytest.raises(AudioDeviceError, match=r"cannot record at 1 Hz.*Try --samplerate"):
        MicrophoneSource(samplerate=1)


def test_mockloop_devices_lists_the_microphones_and_speakers(pulse_server):
    done = subprocess.run(
        [sys.executable, "-m", "mockloop", "devices"], capture_output=True, text=True, timeout=60,
        env=pulse_server.env(COLUMNS="150"),
    )
    assert done.returncode == 0, done.stderr
    assert re.search(r"\b1 .*default.*microphone, speaker", done.stdout)


def test_no_microphone_at_all_is_a_clear_error(tmp_path):
    """With no sound server and no sound card, PortAudio lists nothing: say so, and how to go on."""
    script = "from mockloop.audio_io import MicrophoneSource\nMicrophoneSource()"
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
        env={**os.environ, "PULSE_SERVER": f"unix:{tmp_path}/no-server"},
    )
    assert done.returncode != 0
    assert "No microphone found" in done.stderr and "--answer-audio" in done.stderr


# --- stop rules, checked on a file source (same recorder path, no waiting) --------------------------


def _tone_with_silences(path: Path, rate: int = 16000) -> Path:
    """1 s silence, 1 s tone, 3 s silence."""
    tone = 0.3 * np.sin(2 * np.pi * 220 * np.arange(rate) / rate)
    sf.write(path, np.concatenate([np.zeros(rate), tone, np.zeros(3 * rate)]).astype("float32"), rate)
    return path


def test_silence_stop_waits_for_speech_then_ends_after_the_silence(tmp_path):
    source = FileSource(_tone_with_silences(tmp_path / "tone.wav"), speed=0)
    recorder = Recorder(tmp_path / "answer.wav", source, silence_stop=SilenceStop(after_s=1.0)).start()
    reason = recorder.wait(timeout=10)
    result = recorder.stop()

    assert reason is StopReason.SILENCE
    # the leading second of silence does not count; the stop comes 1 s after the tone ends
    assert result.duration_s == pytest.approx(3.0, abs=0.15)


def test_a_file_source_ends_at_the_end_of_the_file(tmp_path):
    source = FileSource(_tone_with_silences(tmp_path / "tone.wav"), speed=0)
    recorder = Recorder(tmp_path / "answer.wav", source).start()
    assert recorder.wait(timeout=10) is StopReason.END_OF_AUDIO
    assert recorder.stop().duration_s == pytest.approx(5.0, abs=1e-3)


def test_a_file_source_plays_in_real_time_by_default(tmp_path):
    path = tmp_path / "short.wav"
    sf.write(path, np.zeros(8000, dtype="float32"), 16000)
    started = time.monotonic()
    recorder = Recorder(tmp_path / "answer.wav", FileSource(path)).start()
    recorder.wait(timeout=10)
    recorder.stop()
    assert time.monotonic() - started == pytest.approx(0.5, abs=0.25)


def test_a_missing_answer_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        FileSource(tmp_path / "nope.wav")


# --- faults: what is recorded stays on disk ------------------------------------------------------

RECORD_SCRIPT = """
import json, sys
from mockloop.audio_io import FileSource, MicrophoneSource, Recorder, StopReason
out, source = sys.argv[1], sys.argv[2]
recorder = Recorder(out, MicrophoneSource() if source == "mic" else FileSource(source, speed=0), time_limit_s=60).start()
print("recording", flush=True)
try:
    reason = recorder.wait()
except KeyboardInterrupt:
    reason = StopReason.INTERRUPTED
result = recorder.stop(reason)
print(json.dumps({"reason": result.stop_reason.value, "duration_s": result.duration_s,
                  "error": str(result.error) if result.error else None}), flush=True)
"""


def _start_recording(out: Path, source: str, env: dict, **popen) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-c", RECORD_SCRIPT, str(out), source],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, **popen,
    )
    assert process.stdout.readline().strip() == "recording", process.stderr.read()
    return process


def _finish(process: subprocess.Popen) -> dict:
    stdout, stderr = read_rest(process, timeout=30)
    assert stdout.strip(), stderr
    return json.loads(stdout.strip().splitlines()[-1])


def test_ctrl_c_keeps_a_valid_file_with_the_audio_up_to_the_interrupt(pulse_server, long_speech, tmp_path, wait_until_recorded):
    out = tmp_path / "answer.wav"
    process = _start_recording(out, "mic", pulse_server.env())
    player = pulse_server.play(long_speech, wait=False)
    on_disk_s = wait_until_recorded(lambda: out if out.exists() else None, 3.0)
    process.send_signal(signal.SIGINT)
    report = _finish(process)
    player.terminate()
    player.wait()

    assert report["reason"] == "interrupted" and report["error"] is None
    recorded, rate = sf.read(out, dtype="float32")
    assert len(recorded) / rate == pytest.approx(report["duration_s"], abs=0.01)
    assert on_disk_s <= report["duration_s"] <= on_disk_s + 1.5  # everything up to the interrupt
    played, _ = sf.read(long_speech, dtype="float32")
    _, correlation = alignment(recorded, played[: len(recorded)], rate)
    assert correlation > 0.9


def test_a_crash_loses_at_most_a_second(pulse_server, long_speech, tmp_path, wait_until_recorded):
    out = tmp_path / "answer.wav"
    process = _start_recording(out, "mic", pulse_server.env())
    started = time.monotonic()  # the recorder said "recording"
    player = pulse_server.play(long_speech, wait=False)
    wait_until_recorded(lambda: out if out.exists() else None, 3.0)
    recording_s = time.monotonic() - started  # at most this much audio can have been recorded
    process.kill()  # SIGKILL: no cleanup runs at all
    process.wait()
    player.terminate()
    player.wait()

    recorded, rate = sf.read(out, dtype="float32")  # readable: the WAV header was kept current
    assert len(recorded) / rate >= recording_s - 1.0 - 0.5  # at most a second lost (plus audio latency)


def test_a_microphone_that_disappears_ends_the_answer_and_keeps_the_audio(tmp_path):
    server = start_private_server(tmp_path / "pulse")
    try:
        out = tmp_path / "answer.wav"
        process = _start_recording(out, "mic", server.env())
        time.sleep(1.5)
    finally:
        server.stop()  # the sound server goes away: for the recorder, the microphone is gone
    report = _finish(process)

    assert report["reason"] == "device_error"
    assert "stopped delivering audio" in report["error"] or "sent no audio" in report["error"]
    assert str(out) in report["error"]
    assert sf.info(out).duration == pytest.approx(report["duration_s"], abs=0.01)
    assert report["duration_s"] >= 1.0


def test_a_full_disk_stops_the_recording_with_a_clear_message_and_keeps_the_audio(long_speech, tmp_path):
    """A file-size limit (RLIMIT_FSIZE) makes writes fail exactly as a full disk does."""

    def limit_file_size():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (64_000, 64_000))

    out = tmp_path / "answer.wav"
    process = _start_recording(out, str(long_speech), dict(os.environ), preexec_fn=limit_file_size)
    report = _finish(process)

    assert report["reason"] == "write_error"
    assert "disk full" in report["error"] and "kept" in report["error"]
    kept = sf.info(out).duration
    assert 1.0 <= kept <= 2.0  # 64 kB of 16-bit 16 kHz audio is 2 s
