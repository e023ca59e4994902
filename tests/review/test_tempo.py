"""Replays at --speed change the tempo of the answer, never the pitch of the voice."""

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from mockloop.review.tempo import stretch_tempo

from audio_checks import dominant_hz, envelope, voice_pitch_hz

SAMPLE_FLAC = Path(__file__).resolve().parents[2] / "audio_fixtures" / "sample_answer.flac"
RATE = 16000


@pytest.fixture(scope="module")
def tone() -> np.ndarray:
    t = np.arange(3 * RATE) / RATE
    return (0.5 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)


@pytest.fixture(scope="module")
def speech() -> np.ndarray:
    """Ten seconds of the sample answer (continuous speech, 0:20 to 0:30)."""
    audio, rate = sf.read(SAMPLE_FLAC, dtype="float32")
    assert rate == RATE
    return audio[20 * RATE : 30 * RATE]


@pytest.mark.parametrize("speed", [1.25, 0.75])
def test_a_tone_is_shortened_or_lengthened_by_the_speed_and_keeps_its_pitch(tone, speed):
    stretched = stretch_tempo(tone, RATE, speed)
    assert len(stretched) == pytest.approx(len(tone) / speed, rel=0.03)
    assert dominant_hz(stretched, RATE) == pytest.approx(440, abs=3)


@pytest.mark.parametrize("speed", [1.25, 0.75])
def test_speech_keeps_the_pitch_of_the_voice_at_another_speed(speech, speed):
    stretched = stretch_tempo(speech, RATE, speed)
    assert len(stretched) == pytest.approx(len(speech) / speed, rel=0.03)
    assert voice_pitch_hz(stretched, RATE) == pytest.approx(voice_pitch_hz(speech, RATE), abs=3)


@pytest.mark.parametrize("speed", [1.25, 0.75])
def test_each_word_stays_in_place_on_the_scaled_timeline(speech, speed):
    """The stretched speech's loudness, read in frames scaled by the speed, follows the original's."""
    frame = 480  # 30 ms of the original
    original = envelope(speech, frame)
    stretched = envelope(stretch_tempo(speech, RATE, speed), round(frame / speed))
    count = min(len(original), len(stretched))
    assert abs(len(original) - len(stretched)) <= 2
    assert np.corrcoef(original[:count], stretched[:count])[0, 1] > 0.85


def test_speeds_beyond_one_filter_instance_are_reached_by_chaining(tone):
    for speed in (60.0, 0.2):
        stretched = stretch_tempo(tone, RATE, speed)
        assert len(stretched) == pytest.approx(len(tone) / speed, rel=0.06)
        assert dominant_hz(stretched, RATE) == pytest.approx(440, abs=5)


def test_stereo_keeps_its_channels(tone):
    stereo = np.stack([tone, 0.5 * tone], axis=1)
    stretched = stretch_tempo(stereo, RATE, 1.25)
    assert stretched.shape[1] == 2
    middle = slice(len(stretched) // 4, 3 * len(stretched) // 4)
    assert np.abs(stretched[middle, 1]).max() == pytest.approx(0.5 * np.abs(stretched[middle, 0]).max(), rel=0.05)


def test_at_speed_one_the_samples_are_returned_untouched(speech):
    assert stretch_tempo(speech, RATE, 1.0) is speech


@pytest.mark.parametrize("speed", [0.0, -1.0, float("nan"), float("inf")])
def test_a_speed_that_is_not_a_positive_number_is_refused(tone, speed):
    with pytest.raises(ValueError, match="speed must be a positive number"):
        stretch_tempo(tone, RATE, speed)
