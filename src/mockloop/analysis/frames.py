"""The one frame grid every audio measurement sits on, and the speech-level rules read off it.

Decoding, frame measurements, pauses, filled-pause checks and the streaming chunker all count
in the same 10 ms hops of 16 kHz audio, so their times line up to the sample; this module is the
only place those numbers are written (as openai/whisper's ``audio.py`` declares its constants
once). The speech-level rules answer three different questions, one function each; their
thresholds live in ``config.SpeechLevelSettings``.
"""

from __future__ import annotations

from mockloop.config import SpeechLevelSettings

SAMPLE_RATE = 16000  # every stage works on 16 kHz mono float32 samples
HOP_S = 0.010  # one frame every 10 ms
HOP_SAMPLES = int(SAMPLE_RATE * HOP_S)  # 160
WINDOW_S = 0.025  # each frame measures a 25 ms window starting at its hop
WINDOW_SAMPLES = int(SAMPLE_RATE * WINDOW_S)  # 400
FRAMES_PER_SECOND = int(round(1.0 / HOP_S))  # 100
FRAME_CENTRE_S = WINDOW_S / 2  # where in its window a frame's measurement is centred

_DEFAULT_LEVELS = SpeechLevelSettings()


def speech_threshold_db(noise_floor_db: float, speech_level_db: float, settings: SpeechLevelSettings = _DEFAULT_LEVELS) -> float:
    """Which frames are sound? Those above this level; the rest are silence.

    Sits a fraction of the way from the noise floor to the speech level, and a minimum above the
    floor: breath noise and room tone stay below, the quiet tail of a word stays above.
    """
    return noise_floor_db + max(
        settings.threshold_min_above_floor_db, settings.threshold_fraction * (speech_level_db - noise_floor_db)
    )


def speech_stands_out(noise_floor_db: float, speech_level_db: float, settings: SpeechLevelSettings = _DEFAULT_LEVELS) -> bool:
    """Does the loud part of this stretch stand far enough above its floor to be speech?

    Without that contrast there is no sound/silence split to find: no pause to cut at, no sound
    to send to Whisper.
    """
    return speech_level_db - noise_floor_db >= settings.min_speech_dynamic_db


def recording_holds_speech(noise_floor_db: float, speech_level_db: float, settings: SpeechLevelSettings = _DEFAULT_LEVELS) -> bool:
    """Is there any speech in this recording to keep words for?

    Speech must stand out from the floor and also be louder than near-digital silence, where a
    contrast of a few dB of dither would otherwise count.
    """
    return speech_stands_out(noise_floor_db, speech_level_db, settings) and speech_level_db > settings.silent_level_dbfs
