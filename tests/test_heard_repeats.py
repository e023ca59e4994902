"""Repeats the speaker said but Whisper wrote once are kept beside the words, when the audio
shows them (analysis/heard_repeats.py). The audio is the constructed prosody set's; the words are
what tiny.en's two decodes wrote for it (python -m mockloop.analysis.prosody_eval)."""

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from mockloop.analysis import guard
from mockloop.analysis.heard_repeats import mark_heard_repeats
from mockloop.models import Word

from decoded import timed_words

FIXTURES = Path(__file__).resolve().parents[1] / "audio_fixtures"


def _chunk(name: str):
    """Log-mel frames, frame energy and sound mask of a whole constructed answer, as transcribe sees them."""
    from faster_whisper.feature_extractor import FeatureExtractor

    samples, rate = sf.read(FIXTURES / "prosody" / f"{name}.flac", dtype="float32")
    assert rate == 16_000
    energy = guard.frame_energy_db(samples)
    return FeatureExtractor()(samples), energy, guard.sound_mask(energy)


def _words(timed: str) -> list[Word]:
    return timed_words(timed, probability=1.0)


# pro_07 at 7.9 s says "We, we will shard the events by customer ..." (espeak-ng en-us+m3).
UNPROMPTED_07 = _words("We@8.56-8.56 will@8.56-8.86 shard@8.86-9.16 the@9.16-9.34 event's@9.34-9.82 high@9.82-10.02 customer,@10.02-10.34")
PROMPTED_07 = _words("We,@8.48-8.50 we@8.50-8.76 will@8.76-8.88 shard@8.88-9.16 the@9.16-9.34 event's@9.34-9.84 high@9.84-10.02 customer@10.02-10.32")


def test_a_repeat_the_prompted_decode_wrote_and_the_audio_shows_is_kept_on_its_word():
    marked = mark_heard_repeats(UNPROMPTED_07, PROMPTED_07, *_chunk("pro_07"))
    assert [(w.text, w.heard_before) for w in marked if w.heard_before] == [("We", "We,")]


def test_the_words_themselves_are_left_as_whisper_wrote_them():
    marked = mark_heard_repeats(UNPROMPTED_07, PROMPTED_07, *_chunk("pro_07"))
    assert [(w.text, w.start, w.end) for w in marked] == [(w.text, w.start, w.end) for w in UNPROMPTED_07]


def test_a_repeat_only_the_prompted_decode_wrote_is_not_taken_where_the_audio_has_none():
    # pro_06 at 13.1 s says "We measure success by the weekly active teams" once, fluently.
    unprompted = _words("We@13.08-13.20 measure@13.20-13.50 success@13.50-14.02 by@14.02-14.30 the@14.30-14.38 weekly@14.38-14.74")
    invented = _words("We,@13.06-13.10 we@13.10-13.18 measure@13.18-13.50 success@13.50-14.02 by@14.02-14.28 the@14.28-14.38 weekly@14.38-14.74")
    assert not any(w.heard_before for w in mark_heard_repeats(unprompted, invented, *_chunk("pro_06")))


def test_a_word_said_twice_that_no_decode_wrote_twice_is_heard_in_the_audio():
    # pro_05 opens with "My, my recommendation is to launch behind a feature flag"; both decodes
    # wrote "My recommendation", the first word stretched back to the start of the recording.
    words = _words("My@0.00-1.32 recommendation@1.32-2.08 is@2.08-2.66 to@2.66-2.80 launch@2.80-3.12 behind@3.12-3.54")
    marked = mark_heard_repeats(words, words, *_chunk("pro_05"))
    assert [(w.text, w.heard_before) for w in marked if w.heard_before] == [("recommendation", "My")]


@pytest.mark.parametrize("name", ["pro_04", "pro_06"])
def test_fluent_answers_get_no_heard_repeats(name):
    log_mel, energy, sound = _chunk(name)
    # Words spread over the whole answer, as a decode would write them: any stretch of sound
    # the audio test took for a repeat would be marked on one of them.
    duration = len(sound) * 0.01
    words = [Word(f"w{i}", round(t, 2), round(t + 0.25, 2)) for i, t in enumerate(np.arange(0.0, duration - 0.3, 0.3))]
    assert not any(w.heard_before for w in mark_heard_repeats(words, words, log_mel, energy, sound))
