"""Streaming transcription: audio cut at pauses while it arrives gives what a whole file gives.

Uses the real tiny.en model on the bundled 90 s sample answer (espeak-ng, ground truth in
sample_answer.json).
"""

from __future__ import annotations


import numpy as np
import pytest

from mockloop.analysis import acoustics
from mockloop.analysis.decode import SAMPLE_RATE, iter_audio_blocks, load_audio
from mockloop.analysis.eval import feed_as_if_live
from mockloop.analysis.stream import StreamingTranscriber, StreamSettings, cut_point
from mockloop.interview.live_feed import To16kMono
from mockloop.analysis.tokens import normalise



def word_error_rate(reference: list[str], hypothesis: list[str]) -> float:
    """Levenshtein distance over words divided by the reference length."""
    previous = list(range(len(hypothesis) + 1))
    for i, ref in enumerate(reference, 1):
        current = [i]
        for j, hyp in enumerate(hypothesis, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ref != hyp)))
        previous = current
    return previous[-1] / max(1, len(reference))


def norm_words(texts) -> list[str]:
    return [n for n in (normalise(t) for t in texts) if n]


@pytest.fixture(scope="module")
def samples(sample_answer) -> np.ndarray:
    return load_audio(sample_answer)


@pytest.fixture(scope="module")
def streamed(analyzer, samples):
    streamer = analyzer.start_stream()
    offsets = []
    original_submit = streamer._submit

    def remember(chunk, *rest):
        offsets.append((streamer._offset, len(chunk)))
        original_submit(chunk, *rest)

    streamer._submit = remember
    for start in range(0, len(samples), 1600):  # 100 ms blocks, as the recorder delivers them
        streamer.feed(samples[start : start + 1600])
    transcript, features = analyzer.finish_stream(streamer)
    return transcript, features, offsets


def test_a_long_answer_is_cut_into_chunks_no_longer_than_a_whisper_window(streamed):
    _t, _f, offsets = streamed
    assert len(offsets) >= 3
    assert all(length <= 30.0 * SAMPLE_RATE for _offset, length in offsets)


def test_a_whole_recording_fed_at_once_is_cut_as_if_it_came_in_blocks(samples):
    """transcribe_samples feeds a recording in one block: it must still be cut into windows."""
    from mockloop.analysis.stream import StreamingTranscriber

    def chunk_lengths(blocks) -> list[int]:
        stream = StreamingTranscriber(lambda chunk, offset_s, sound_end_s: [])  # the cuts, without Whisper
        lengths, submit = [], stream._submit
        stream._submit = lambda chunk, *rest: (lengths.append(len(chunk)), submit(chunk, *rest))
        for block in blocks:
            stream.feed(block)
        stream.finish()
        return lengths

    in_blocks = chunk_lengths(samples[start : start + 1600] for start in range(0, len(samples), 1600))
    assert len(in_blocks) >= 3
    assert chunk_lengths([samples]) == in_blocks


def test_chunks_are_cut_inside_pauses_not_inside_words(streamed, sample_truth):
    _t, _f, offsets = streamed
    units = sample_truth["units"]  # phrases spoken without a break; silence lies between them
    silences = [(a["end"], b["start"]) for a, b in zip(units, units[1:])]
    cuts = [(offset + length) / SAMPLE_RATE for offset, length in offsets[:-1]]
    for cut in cuts:
        assert any(start - 0.02 <= cut <= end + 0.02 for start, end in silences), cut


def test_streamed_words_match_a_whole_file_transcription_within_two_points_of_wer(analyzer, samples, streamed, sample_truth):
    transcript, _f, _o = streamed
    whole = analyzer.transcriber.transcribe(samples)
    reference = norm_words(sample_truth["text"].split())
    wer_streamed = word_error_rate(reference, norm_words(w.text for w in transcript.words))
    wer_whole = word_error_rate(reference, norm_words(w.text for w in whole))
    assert wer_streamed <= wer_whole + 0.02, (wer_streamed, wer_whole)


def test_streamed_features_equal_whole_file_features_away_from_the_cuts(samples, streamed):
    _t, features, offsets = streamed
    whole = acoustics.measure(samples)
    assert features.n_frames == whole.n_frames
    near_cut = np.zeros(whole.n_frames, dtype=bool)
    for offset, length in offsets:
        edge = (offset + length) // 160
        near_cut[max(0, edge - 3) : edge + 3] = True
    assert np.allclose(features.energy_db[~near_cut], whole.energy_db[~near_cut], atol=1e-3)


def test_decoding_a_file_block_by_block_gives_the_same_samples_as_decoding_it_whole(samples, sample_answer):
    joined = np.concatenate(list(iter_audio_blocks(sample_answer)))
    assert len(joined) == len(samples)
    assert np.allclose(joined, samples)


def test_without_a_pause_a_chunk_is_cut_at_its_quietest_moment():
    rng = np.random.default_rng(7)
    t = np.arange(30 * SAMPLE_RATE) / SAMPLE_RATE
    loud = (0.3 * np.sin(2 * np.pi * 150 * t)).astype(np.float32)
    dip_at = 20.0
    envelope = np.where(np.abs(t - dip_at) < 0.05, 0.1, 1.0).astype(np.float32)
    signal = loud * envelope + rng.normal(0, 1e-3, len(t)).astype(np.float32)
    cut = cut_point(signal, StreamSettings())
    assert abs(cut / SAMPLE_RATE - dip_at) < 0.1


def test_a_48_khz_stereo_block_becomes_16_khz_mono():
    convert = To16kMono(48000)
    block = np.zeros((4800 * 10, 2), dtype=np.float32)
    block[:, 0] = np.sin(2 * np.pi * 440 * np.arange(len(block)) / 48000)
    out = np.concatenate([convert(block[i : i + 4800]) for i in range(0, len(block), 4800)])
    assert abs(len(out) - 16000) <= 200
    spectrum = np.abs(np.fft.rfft(out[2000:14000]))
    peak_hz = np.argmax(spectrum) * 16000 / 12000
    assert abs(peak_hz - 440) < 5


def test_a_chunk_with_nothing_but_room_noise_is_not_sent_to_whisper():
    calls = []
    streamer = StreamingTranscriber(lambda samples, offset, sound_end: calls.append(offset) or [])
    streamer.feed(np.random.default_rng(1).normal(0, 1e-4, 5 * SAMPLE_RATE).astype(np.float32))
    result = streamer.finish()
    assert calls == [] and result.words == []


# --- live input: the idle worker transcribes ahead at pauses -------------------------------------


@pytest.fixture(scope="module")
def synthetic(synthetic_clip):
    """``synthetic("syn_18")`` -> (its 16 kHz samples, its ground truth)."""

    def get(clip_id: str) -> tuple[np.ndarray, dict]:
        path, truth = synthetic_clip(clip_id)
        return load_audio(path), truth

    return get


def room_tone(seconds: float, noise_dbfs: float, seed: int = 3) -> np.ndarray:
    """What the microphone hears while the candidate is silent before pressing Enter."""
    rms = 10 ** (noise_dbfs / 20)
    return np.random.default_rng(seed).normal(0, rms, int(seconds * SAMPLE_RATE)).astype(np.float32)


class CountingTranscribe:
    """The real model's transcribe, remembering which stretches it was asked for."""

    def __init__(self, analyzer):
        self._transcribe = analyzer.transcriber.transcribe
        self.calls: list[tuple[float, float]] = []  # (start s, length s)

    def __call__(self, samples, offset_s, sound_end_s):
        self.calls.append((offset_s, len(samples) / SAMPLE_RATE))
        return self._transcribe(samples, offset_s, sound_end_s)


def test_live_answer_ending_in_silence_needs_no_whisper_call_when_it_ends(analyzer, synthetic):
    clip, truth = synthetic("syn_18")
    answer = np.concatenate([clip, room_tone(1.0, truth["noise_dbfs"])])
    counting = CountingTranscribe(analyzer)
    streamer = StreamingTranscriber(counting, StreamSettings(live=True))
    feed_as_if_live(streamer, answer)
    streamer.wait_idle()
    calls_before_the_end = len(counting.calls)
    result = streamer.finish()
    assert calls_before_the_end >= 1
    assert len(counting.calls) == calls_before_the_end
    reference = norm_words(truth["text"].split())
    whole = analyzer.transcriber.transcribe(answer)
    wer_live = word_error_rate(reference, norm_words(w.text for w in result.words))
    wer_whole = word_error_rate(reference, norm_words(w.text for w in whole))
    assert wer_live <= wer_whole + 0.02, (wer_live, wer_whole)


def test_live_speech_after_the_last_look_ahead_gets_the_open_chunk_transcribed_whole(analyzer, synthetic):
    """Enter pressed mid-sentence: the words come out exactly as from the same audio as a file."""
    first, truth = synthetic("syn_18")
    second, _ = synthetic("syn_10")  # "we need ... a queue in front of the writers ... if the consumer falls behind"
    answer = np.concatenate([first, room_tone(0.8, truth["noise_dbfs"]), second[: 8 * SAMPLE_RATE]])
    counting = CountingTranscribe(analyzer)
    streamer = StreamingTranscriber(counting, StreamSettings(live=True))
    feed_as_if_live(streamer, answer[: len(first) + int(0.8 * SAMPLE_RATE)])
    streamer.wait_idle()
    looked_ahead = len(counting.calls)
    streamer.feed(answer[len(first) + int(0.8 * SAMPLE_RATE) :])  # no pause at the end to look ahead at
    live = streamer.finish()
    as_file = StreamingTranscriber(analyzer.transcriber.transcribe)
    as_file.feed(answer)
    whole = as_file.finish()
    assert looked_ahead >= 1
    assert counting.calls[looked_ahead:] == [(0.0, len(answer) / SAMPLE_RATE)]
    assert [w.text for w in live.words] == [w.text for w in whole.words]
    assert {"need", "queue", "front", "consumer", "behind"} <= set(norm_words(w.text for w in live.words))


def test_a_file_is_never_transcribed_ahead(analyzer, synthetic):
    clip, truth = synthetic("syn_18")
    counting = CountingTranscribe(analyzer)
    streamer = StreamingTranscriber(counting, StreamSettings(live=False))
    feed_as_if_live(streamer, clip)
    streamer.finish()
    assert counting.calls == [(0.0, len(clip) / SAMPLE_RATE)]


def test_whisper_stops_once_its_words_reach_the_last_sound(analyzer, samples, monkeypatch):
    """The window faster-whisper would decode after the last word holds only silence: skip it."""
    from faster_whisper import WhisperModel

    windows = []
    real_encode = WhisperModel.encode

    def counting_encode(self, features):
        windows.append(1)
        return real_encode(self, features)

    monkeypatch.setattr(WhisperModel, "encode", counting_encode)
    chunk = samples[: 20 * SAMPLE_RATE]
    sound = acoustics.measure(chunk)
    loud = np.flatnonzero(sound.energy_db > sound.speech_threshold_db())
    sound_end_s = loud[-1] * 0.01 + 0.025
    stopped = analyzer.transcriber.transcribe(chunk, 0.0, sound_end_s)
    windows_stopped = len(windows)
    windows.clear()
    full = analyzer.transcriber.transcribe(chunk)
    assert windows_stopped == 1 and len(windows) >= windows_stopped
    heard = [w.text for w in full if w.start < sound_end_s]
    assert [w.text for w in stopped] == heard
