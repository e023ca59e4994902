"""Prosody measures (analysis/prosody.py) on real espeak-ng speech, tracked by Praat."""

import json
import subprocess

import numpy as np
import pytest
import soundfile as sf

from mockloop.analysis import acoustics
from mockloop.analysis.contract import prosody_to_dict
from mockloop.analysis.frames import SAMPLE_RATE
from mockloop.analysis.prosody import is_question, measure_prosody, pitch_track, split_sentences, spread_semitones
from mockloop.analysis.stream import StreamingTranscriber, StreamSettings
from mockloop.config import ProsodySettings
from mockloop.models import Word

SETTINGS = ProsodySettings()


def _espeak(tmp_path, ssml: str, voice: str = "en-us") -> np.ndarray:
    out = tmp_path / "say.wav"
    subprocess.run(["espeak-ng", "-m", "-v", voice, "-s", "160", "-w", str(out), ssml], check=True, capture_output=True)
    audio, rate = sf.read(out, dtype="float32")
    # 22.05 kHz -> 16 kHz by interpolation is enough for pitch; room tone keeps silence realistic.
    t = np.arange(int(len(audio) * SAMPLE_RATE / rate)) / SAMPLE_RATE
    audio = np.interp(t, np.arange(len(audio)) / rate, audio).astype(np.float32)
    tone = np.random.default_rng(0).normal(0, 10 ** (-55 / 20), SAMPLE_RATE // 2).astype(np.float32)
    return np.concatenate([tone, audio, tone])


def _words_over(samples: np.ndarray, text: str) -> list[Word]:
    """Words spread over the sound, the last one over its final 0.4 s (where a rise or fall is)."""
    loud = np.flatnonzero(np.abs(samples) > 0.02)
    start, end = loud[0] / SAMPLE_RATE, loud[-1] / SAMPLE_RATE
    tokens = text.split()
    step = (end - 0.4 - start) / max(len(tokens) - 1, 1)
    words = [Word(tok, round(start + i * step, 2), round(start + (i + 1) * step - 0.02, 2)) for i, tok in enumerate(tokens[:-1])]
    return words + [Word(tokens[-1], round(end - 0.4, 2), round(end, 2))]


def _prosody(samples, text):
    features = acoustics.measure(samples)
    return measure_prosody(_words_over(samples, text), features, pitch_track(samples), SETTINGS)


@pytest.mark.parametrize(
    "text, question",
    [
        ("Are we serving one million or a hundred million users?", True),
        ("So, do we need the reports in real time?", True),
        ("What is the latency budget?", True),
        ("We'll use Kafka, right?", True),
        ("Is the mobile client in scope.", True),  # asked, whatever Whisper's punctuation
        ("We'll use Kafka?", False),  # a statement said with a rise: uptalk, not a question
        ("We'll use Kafka.", False),
        ("What we need is a queue in front of the writers.", False),
        ("How it works is simple.", False),
        ("I wonder if we need a cache.", False),
    ],
)
def test_questions_are_told_from_statements_by_their_words(text, question):
    assert is_question(text) is question


def test_sentences_come_from_end_punctuation_with_their_times():
    words = [Word("We'll", 0.0, 0.2), Word("use", 0.2, 0.4), Word("Kafka.", 0.4, 0.8), Word("Any", 1.0, 1.2), Word("questions?", 1.2, 1.7), Word("Then", 2.0, 2.2)]
    sentences = split_sentences(words)
    assert [(s.text, s.start, s.end, s.question) for s in sentences] == [
        ("We'll use Kafka.", 0.0, 0.8, False),
        ("Any questions?", 1.0, 1.7, False),  # no question word: by its words alone it is not asked
        ("Then", 2.0, 2.2, False),
    ]


def test_pitch_track_is_one_value_per_frame_and_joins_across_chunks(tmp_path):
    samples = _espeak(tmp_path, "<speak>We will put a queue in front of the writers. The storage team owns the plan.</speak>")
    samples = samples[: len(samples) // 160 * 160]
    whole = pitch_track(samples)
    assert len(whole) == len(samples) // 160 == acoustics.measure(samples).n_frames
    cut = len(samples) // 2 // 160 * 160
    joined = np.concatenate([pitch_track(samples[:cut]), pitch_track(samples[cut:])])
    assert len(joined) == len(whole)
    away_from_cut = np.r_[0 : cut // 160 - 10, cut // 160 + 10 : len(whole)]
    same = np.isclose(joined[away_from_cut], whole[away_from_cut], rtol=0.02) | ((joined[away_from_cut] == 0) & (whole[away_from_cut] == 0))
    assert same.mean() > 0.97


def test_wider_ssml_pitch_range_measures_wider_and_only_x_low_is_monotone(tmp_path):
    text = "We will put a queue in front of the writers so the ingestion tier can absorb bursts. The storage team owns the partitioning plan."
    spreads, flags = {}, {}
    for level in ("x-low", "medium", "x-high"):
        samples = _espeak(tmp_path, f'<speak><prosody range="{level}">{text}</prosody></speak>', voice="en-us+f2")
        p = _prosody(samples, text)
        spreads[level], flags[level] = p.pitch_range_semitones, p.monotone
    assert spreads["x-low"] < spreads["medium"] < spreads["x-high"]
    assert flags == {"x-low": True, "medium": False, "x-high": False}


@pytest.mark.parametrize(
    "ending, text, uptalk",
    [
        ("?", "The storage team owns the partitioning plan", True),  # statement, rising end
        (".", "The storage team owns the partitioning plan", False),  # statement, falling end
        ("?", "Are we serving one million users", False),  # a real question rises and is not uptalk
    ],
)
def test_uptalk_is_a_statement_that_ends_on_a_rise(tmp_path, ending, text, uptalk):
    samples = _espeak(tmp_path, f"<speak>{text}{ending}</speak>")
    p = _prosody(samples, text + ending)
    assert (len(p.uptalk) == 1) is uptalk
    if uptalk:
        assert p.uptalk[0].value >= SETTINGS.uptalk_rise_semitones
        assert p.uptalk[0].text == text + ending


def test_a_last_word_said_much_quieter_trails_off(tmp_path):
    text = "The storage team owns the partitioning plan."
    loud = _prosody(_espeak(tmp_path, f"<speak>{text}</speak>"), text)
    soft = _prosody(_espeak(tmp_path, '<speak>The storage team owns the partitioning <prosody volume="x-soft">plan.</prosody></speak>'), text)
    assert loud.trailing_off == []
    assert [s.text for s in soft.trailing_off] == [text]


def test_text_input_has_no_prosody():
    assert measure_prosody([Word("We'll"), Word("use"), Word("Kafka.")], None, None) is None


def test_contract_monotone_is_a_json_bool(tmp_path):
    text = "We will put a queue in front of the writers."
    samples = _espeak(tmp_path, f'<speak><prosody range="x-low">{text}</prosody></speak>')
    out = prosody_to_dict(_prosody(samples, text))
    assert out["monotone"] is True and type(out["monotone"]) is bool
    assert json.loads(json.dumps(out))["monotone"] is True
    assert set(out) >= {"pitch_median_hz", "pitch_range_semitones", "monotone", "uptalk", "intensity_range_db"}


def test_streaming_measures_pitch_per_chunk_on_the_frame_grid(tmp_path):
    samples = _espeak(tmp_path, "<speak>We will put a queue in front of the writers. The storage team owns the plan.</speak>")
    streamer = StreamingTranscriber(lambda chunk, offset_s, end_s: [], StreamSettings(target_chunk_s=2.0, min_chunk_s=1.0, fallback_min_chunk_s=0.5))
    for block in np.array_split(samples, 20):
        streamer.feed(block)
    result = streamer.finish()
    assert len(result.pitch_hz) == len(result.frames) > 1
    track = np.concatenate(result.pitch_hz)
    assert len(track) == sum(len(f.energy_db) for f in result.frames)
    assert spread_semitones(track) == pytest.approx(spread_semitones(pitch_track(samples)), abs=0.5)


def test_a_rise_the_speaker_goes_straight_on_from_is_not_an_ending(tmp_path):
    """Whisper may end a sentence at a comma; a continuation rise with no pause after it is not uptalk."""
    text = "The storage team owns the partitioning plan?"
    rising = _espeak(tmp_path, f"<speak>{text}</speak>")
    rising = rising[: np.flatnonzero(np.abs(rising) > 0.01)[-1] + 1]  # ends on its last sound
    more = _espeak(tmp_path, "<speak>and the readers stay separate.</speak>")
    more = more[np.flatnonzero(np.abs(more) > 0.01)[0] :]  # starts on its first sound
    tone = np.random.default_rng(1).normal(0, 10 ** (-55 / 20), int(0.6 * SAMPLE_RATE)).astype(np.float32)
    for gap, uptalk in ((np.zeros(0, dtype=np.float32), False), (tone, True)):
        samples = np.concatenate([rising, gap, more])
        words = _words_over(rising, text)
        t = (len(rising) + len(gap)) / SAMPLE_RATE
        words += [Word(w, round(t + 0.3 * k, 2), round(t + 0.3 * k + 0.25, 2)) for k, w in enumerate("and the readers stay separate.".split())]
        p = measure_prosody(words, acoustics.measure(samples), pitch_track(samples), SETTINGS)
        assert (len(p.uptalk) == 1) is uptalk


@pytest.mark.parametrize(
    "after, uptalk",
    [
        ("I chose Kafka for replay.", True),  # Whisper glued the next statement on at a comma
        ("what is the latency budget?", True),  # ... or the question that follows
        ("sorry, the readers own it.", False),  # a repair after the comma: the sentence goes on
        ("um, the readers own it.", False),  # a hesitation: the sentence goes on
    ],
)
def test_a_rise_before_a_comma_and_a_sentence_length_silence_is_an_ending(tmp_path, after, uptalk):
    """A statement Whisper ended with a comma is judged on its own ending when the speaker stopped there."""
    text = "The storage team owns the partitioning plan?"
    rising = _espeak(tmp_path, f"<speak>{text}</speak>")
    rising = rising[: np.flatnonzero(np.abs(rising) > 0.01)[-1] + 1]
    more = _espeak(tmp_path, f"<speak>{after}</speak>")
    more = more[np.flatnonzero(np.abs(more) > 0.01)[0] :]
    silence_s = SETTINGS.comma_sentence_pause_s + 0.2
    tone = np.random.default_rng(2).normal(0, 10 ** (-55 / 20), int(silence_s * SAMPLE_RATE)).astype(np.float32)
    samples = np.concatenate([rising, tone, more])
    words = _words_over(rising, text.replace("?", ","))
    t = (len(rising) + len(tone)) / SAMPLE_RATE
    words += [Word(w, round(t + 0.3 * k, 2), round(t + 0.3 * k + 0.25, 2)) for k, w in enumerate(after.split())]
    p = measure_prosody(words, acoustics.measure(samples), pitch_track(samples), SETTINGS)
    assert [s.text for s in p.uptalk] == (["The storage team owns the partitioning plan,"] if uptalk else [])
