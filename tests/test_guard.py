"""The transcript guard: words are kept only where the audio supports them.

The unit tests build words and frame energies by hand (no Whisper). The rest run the real tiny.en
model on real speech (`../shared/audio`, MFA corpus, MIT) and on answers spoken by espeak-ng with
room tone between phrases, the way real answers are recorded.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest

from mockloop.analysis import acoustics, guard
from mockloop.analysis.decode import SAMPLE_RATE, load_audio
from mockloop.analysis.eval import feed_as_if_live
from mockloop.analysis.fillers import canonical_filled_pause, merge_filled_pauses
from mockloop.analysis.tokens import normalise
from mockloop.models import Word

from decoded import timed_words as timed

HOP_S = guard.HOP_S


def energy(spans: list[tuple[float, float]], seconds: float, speech_db=-20.0, floor_db=-60.0) -> np.ndarray:
    """Frame energies: speech level inside ``spans`` (seconds), room tone elsewhere."""
    frames = np.full(int(round(seconds / HOP_S)), floor_db)
    for start, end in spans:
        frames[int(round(start / HOP_S)) : int(round(end / HOP_S))] = speech_db
    return frames


def spoken(texts: list[str], start: float = 0.5, step: float = 0.35) -> list[Word]:
    words, t = [], start
    for text in texts:
        words.append(Word(text, round(t, 3), round(t + step - 0.05, 3), 0.9))
        t += step
    return words


# --------------------------------------------------------------------------- checks, by hand


def test_a_phrase_repeated_back_to_back_is_a_loop():
    words = spoken("we ship it".split() + "see you next time".split() * 5)
    assert guard.find_loops(words) == [(3, 23, 4)]


@pytest.mark.parametrize(
    "text",
    [
        "here's some more words words words",  # said by a person (MFA acoustic corpus)
        "word another word here's some more word word word word word",  # five times, said
        "no no we said no",
        "the reads are heavy so we cache the reads",
    ],
)
def test_ordinary_repetition_is_not_a_loop(text):
    assert guard.find_loops(spoken(text.split())) == []


def test_words_after_the_last_sound_and_over_silence_are_problems():
    words = spoken("the plan has three phases".split(), start=0.5) + [Word("Thanks", 4.0, 4.3), Word("bye", 6.0, 6.2)]
    frames = energy([(0.5, 2.3), (3.95, 4.35)], 8.0)
    kinds = [p.kind for p in guard.find_problems(words, frames)]
    assert kinds == [guard.AFTER_LAST_SOUND]
    words[-2] = Word("Thanks", 3.0, 3.3)  # now over the silence between the two sounds
    kinds = [p.kind for p in guard.find_problems(words, frames)]
    assert guard.OVER_SILENCE in kinds


def test_more_syllables_than_the_sound_can_hold_is_too_fast():
    crammed = [Word(w, 1.0 + 0.02 * i, 1.02 + 0.02 * i) for i, w in enumerate("we measured fifty thousand writes per second at peak".split())]
    frames = energy([(1.0, 1.25)], 3.0)
    assert guard.TOO_FAST in [p.kind for p in guard.find_problems(crammed, frames)]
    humane = spoken("we measured fifty thousand writes per second at peak".split(), start=1.0, step=0.4)
    frames = energy([(1.0, 1.0 + 0.4 * 9)], 5.0)
    assert guard.find_problems(humane, frames) == []


def test_a_second_of_speech_no_word_covers_is_lost_speech():
    words = spoken("first sentence here".split(), start=0.5)
    frames = energy([(0.5, 1.5), (2.5, 4.0)], 5.0)  # the second stretch has no words
    problems = guard.find_problems(words, frames)
    assert [(p.kind, p.start_s, p.end_s) for p in problems] == [(guard.UNCOVERED_SPEECH, 2.5, 4.0)]
    assert problems[0].words >= 3


def test_a_short_uncovered_sound_is_not_lost_speech():
    """A filled pause or a breath between words is not a missing sentence."""
    words = spoken("first".split(), start=0.5) + spoken("second".split(), start=2.0)
    frames = energy([(0.5, 0.85), (1.2, 1.6), (2.0, 2.35)], 3.0)
    assert guard.find_problems(words, frames) == []


def test_trimming_keeps_the_copies_of_a_loop_the_sound_holds_and_drops_the_rest():
    answer = spoken("I'd like to know the peak throughput too".split(), start=0.5, step=0.4)
    loop = [Word(w, 4.0 + 0.05 * i, 4.04 + 0.05 * i) for i, w in enumerate("see you next time".split() * 6)]
    frames = energy([(0.5, 3.7), (4.0, 5.2)], 7.0)
    kept = guard.trim_unsupported(answer + loop, frames)
    texts = [w.text for w in kept]
    assert texts[: len(answer)] == [w.text for w in answer]
    assert 4 <= len(texts) - len(answer) <= 8  # one or two copies, not six


def test_windows_cut_long_chunks_in_pauses_never_in_speech():
    spans = [(0.3, 6.0), (6.5, 12.0), (12.8, 19.0), (19.4, 26.0)]
    sound = energy(spans, 27.0) > -40
    pieces = guard.windows(sound, 10.0)
    assert pieces[0][0] == 0 and pieces[-1][1] == len(sound)
    assert all(a2 == b1 for (_, b1), (a2, _) in zip(pieces, pieces[1:]))
    for a, b in pieces:
        assert not sound[a - 1 : a + 1].all() if a else True
        assert (b - a) * HOP_S <= 13.5
    assert len(pieces) >= 2


def test_the_guards_frame_energy_is_the_frame_energy_of_the_acoustics():
    samples = load_audio(Path(__file__).resolve().parent.parent / "audio_fixtures" / "synthetic" / "syn_01.flac")
    assert np.allclose(guard.frame_energy_db(samples), acoustics.measure_raw(samples).energy_db, atol=0.05)


# --------------------------------------------------------------------------- fillers from the prompted decode


def test_a_filled_pause_the_prompted_decode_adds_between_agreeing_words_fills_that_gap():
    words = timed("so@0.5-0.7 the@1.6-1.7 plan@1.7-2.0")
    prompted = timed("So,@0.5-0.7 um,@0.8-1.4 the@1.6-1.7 plan.@1.7-2.0")
    merged = merge_filled_pauses(words, prompted, 2.5)
    assert [w.text for w in merged] == ["so", "um", "the", "plan"]
    assert (merged[1].start, merged[1].end) == (0.7, 1.6)


def test_a_filled_pause_before_the_first_word_opens_the_answer():
    words = timed("We@1.2-1.4 ship@1.4-1.8")
    merged = merge_filled_pauses(words, timed("Uh,@0.3-0.9 we@1.2-1.4 ship.@1.4-1.8"), 2.0)
    assert [w.text for w in merged] == ["Uh", "We", "ship"]
    assert merged[0].start == 0.0 and merged[0].end == 1.2


def test_a_filler_among_words_the_decodes_write_differently_goes_to_its_place_among_ours():
    """The prompted decode splits "words words" differently: its "um" still lands before "and"."""
    words = timed("more@0.2-0.5 words@0.5-0.8 words@0.8-1.1 and@2.0-2.2 that's@2.2-2.5 all@2.5-2.8")
    prompted = timed(
        "more@0.2-0.5 words.@0.5-0.8 Words,@0.8-1.0 words.@1.0-1.1 Um,@1.3-1.7 and@2.0-2.2 that's@2.2-2.5 all.@2.5-2.8"
    )
    merged = merge_filled_pauses(words, prompted, 3.0)
    assert [w.text for w in merged] == ["more", "words", "words", "Um", "and", "that's", "all"]


def test_a_filler_the_unprompted_words_stretch_over_gets_the_prompted_decodes_gap():
    """Whisper's unprompted "but" and "Montreal" touch where the speaker said "um"."""
    words = timed("But@1.6-2.1 Montreal@2.1-3.4")
    prompted = timed("But,@1.6-2.2 um,@2.34-2.72 Montreal@2.95-3.4")
    merged = merge_filled_pauses(words, prompted, 4.0)
    assert [w.text for w in merged] == ["But", "um", "Montreal"]
    assert (merged[1].start, merged[1].end) == (2.2, 2.95)


def test_where_both_decodes_wrote_filled_pauses_the_prompted_run_is_taken():
    words = timed("Montreal,@0.5-1.2 uh,@1.5-1.6 forced@2.0-2.4")
    prompted = timed("Montreal,@0.5-1.2 uh,@1.3-1.5 uh,@1.6-1.8 forced@2.0-2.4")
    merged = merge_filled_pauses(words, prompted, 3.0)
    assert [w.text for w in merged] == ["Montreal,", "uh", "uh", "forced"]


def test_without_prompted_fillers_the_words_stay_as_they_are():
    words = timed("Montreal,@0.5-1.2 uh,@1.5-1.6 forced@2.0-2.4")
    assert merge_filled_pauses(words, timed("Montreal,@0.5-1.2 forced@2.0-2.4"), 3.0) == words


def test_fillers_the_prompted_decode_wrote_instead_of_words_are_not_taken():
    """The prompt's failure mode: a sentence replaced by a run of "hmm"."""
    words = spoken("the load is fifty thousand writes per second".split())
    prompted = spoken("the load is".split() + ["hmm,"] * 12)
    merged = merge_filled_pauses(words, prompted, 4.0)
    assert [w.text for w in merged] == [w.text for w in words]


def test_fillers_the_prompted_decode_writes_where_the_unprompted_one_heard_no_speech_are_not_taken():
    """Over a steady tone the prompted decode writes "uh" and "hmm" where plain decoding writes nothing."""
    prompted = timed(" ".join(f"{'uh,' if i % 2 else 'hmm,'}@{i * 0.6:.1f}-{i * 0.6 + 0.4:.1f}" for i in range(30)))
    assert merge_filled_pauses([], prompted, 20.0) == []


# --------------------------------------------------------------------------- real Whisper

COLD_CORPUS3 = Path("mfa_monologues") / "cold_corpus3.wav"  # inside the shared recordings (SHARED_AUDIO fixture)


def plain_words(text: str) -> list[str]:
    return [n for n in (normalise(t) for t in text.split()) if n and canonical_filled_pause(n) is None]


def speak(text: str, voice: str = "en-us", wpm: int = 150) -> np.ndarray:
    """espeak-ng saying ``text``, as 16 kHz float samples."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "phrase.wav"
        subprocess.run(["espeak-ng", "-v", voice, "-s", str(wpm), "-w", str(path), text], check=True, capture_output=True)
        return load_audio(path)


def room_tone(seconds: float, dbfs: float = -55.0, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(0.0, 10 ** (dbfs / 20), int(seconds * SAMPLE_RATE)).astype(np.float32)


def answer_of(phrases: list[str], voice: str, wpm: int, lead_s: float = 0.6, tail_s: float = 1.5) -> np.ndarray:
    """Phrases with room tone between them, ending as answers end: a second or two of quiet."""
    parts = [room_tone(lead_s, seed=1)]
    for k, phrase in enumerate(phrases):
        parts += [0.5 * speak(phrase, voice, wpm), room_tone(0.5 + 0.1 * (k % 3), seed=k + 2)]
    parts.append(room_tone(tail_s, seed=99))
    audio = np.concatenate(parts)
    return audio + room_tone(len(audio) / SAMPLE_RATE, seed=7)[: len(audio)]


ENDS_WITH_A_QUESTION_BACK = [
    "We split the rollout into three waves.",
    "The first wave covers internal users only.",
    "If error rates stay under one percent for a week, we widen it.",
    "I'd like to know the peak throughput too.",
]


@pytest.fixture(scope="module")
def short_answer() -> np.ndarray:
    return answer_of(ENDS_WITH_A_QUESTION_BACK, "en-us", 150)


@pytest.mark.slow
def test_the_cold_corpus_ending_does_not_loop_and_the_pace_is_humane(analyzer, SHARED_AUDIO):  # noqa: N803
    recording = SHARED_AUDIO / COLD_CORPUS3
    transcript, features = analyzer.transcribe_file(recording)
    words = [w for w in transcript.words if canonical_filled_pause(w.text) is None]
    reference = plain_words(recording.with_suffix(".lab").read_text())
    assert guard.find_loops(words) == []
    assert 0.9 * len(reference) <= len(words) <= 1.3 * len(reference)
    speaking_s = transcript.words[-1].end - transcript.words[0].start
    assert 60.0 * len(words) / speaking_s < 220.0  # the loop made it 380 wpm


@pytest.mark.slow
def test_the_last_sentence_of_an_answer_keeps_its_words(analyzer, short_answer):
    transcript, _features = analyzer.transcribe_samples(short_answer)
    said = plain_words(" ".join(w.text for w in transcript.words))
    assert said[-5:] == ["know", "the", "peak", "throughput", "too"]
    reference = plain_words(" ".join(ENDS_WITH_A_QUESTION_BACK))
    assert 0.9 * len(reference) <= len(said) <= 1.3 * len(reference)
    assert guard.find_loops(transcript.words) == []


@pytest.mark.slow
def test_the_same_audio_gives_the_same_words_every_time(analyzer, SHARED_AUDIO):  # noqa: N803
    """Nothing is sampled, so a decode depends neither on what was decoded before it nor on what
    is decoded beside it. The noisy cold-corpus recording is one that sampling used to change."""
    from concurrent.futures import ThreadPoolExecutor

    samples = load_audio(SHARED_AUDIO / COLD_CORPUS3)
    first = analyzer.transcriber.transcribe(samples)
    with ThreadPoolExecutor(2) as pool:
        beside = pool.submit(analyzer.transcriber.transcribe, load_audio(SHARED_AUDIO / "jfk" / "jfk.wav"))
        second = pool.submit(analyzer.transcriber.transcribe, samples)
        assert beside.result()
    assert [(w.text, w.start, w.end) for w in first] == [(w.text, w.start, w.end) for w in second.result()]


@pytest.mark.slow
def test_a_live_answer_gets_the_same_words_as_the_same_audio_as_a_file(analyzer, short_answer):
    streamer = analyzer.start_stream(live=True)
    feed_as_if_live(streamer, short_answer)
    live, _ = analyzer.finish_stream(streamer)
    whole, _ = analyzer.transcribe_samples(short_answer)
    assert [w.text for w in live.words] == [w.text for w in whole.words]


@pytest.mark.slow
def test_a_recording_that_starts_and_ends_in_digital_zeros_still_gets_its_pauses(analyzer, short_answer):
    """Software that writes zeros before the microphone opens must not hide every pause."""
    with_zeros = np.concatenate([np.zeros(2 * SAMPLE_RATE, dtype=np.float32), short_answer, np.zeros(SAMPLE_RATE, dtype=np.float32)])
    from mockloop.analysis.delivery import measure_delivery

    plain = measure_delivery(*analyzer.transcribe_samples(short_answer), analyzer.settings).pauses
    zeros = measure_delivery(*analyzer.transcribe_samples(with_zeros), analyzer.settings).pauses
    assert len(plain) >= 3
    assert len(zeros) == len(plain)
    errors = [max(abs(z.start - 2.0 - p.start), abs(z.end - 2.0 - p.end)) for z, p in zip(zeros, plain)]
    assert max(errors) <= 0.02


def test_pauses_survive_digital_zeros_before_and_after_the_answer():
    """No Whisper: the truth's phrases are the words, so this checks the floor estimate alone.

    The same clip with zeros around it must give the same pauses, shifted, as the clip alone
    (whose pauses test_pauses_on_audio checks against the truth).
    """
    import json

    from mockloop.analysis.pauses import find_pauses

    folder = Path(__file__).resolve().parent.parent / "audio_fixtures" / "synthetic"
    truth = json.loads((folder / "syn_10.json").read_text())
    clip = load_audio(folder / "syn_10.flac")
    lead_s = 1.5
    zeros = np.concatenate([np.zeros(int(lead_s * SAMPLE_RATE), np.float32), clip, np.zeros(SAMPLE_RATE, np.float32)])
    words = [Word(u["text"], u["start"], u["end"]) for u in truth["units"]]
    alone = find_pauses(acoustics.measure(clip), words)
    shifted = [Word(w.text, w.start + lead_s, w.end + lead_s) for w in words]
    with_zeros = find_pauses(acoustics.measure(zeros), shifted)
    assert len(alone) >= 3
    assert [(round(p.start + lead_s, 2), round(p.end + lead_s, 2)) for p in alone] == [(round(p.start, 2), round(p.end, 2)) for p in with_zeros]


@pytest.mark.slow
def test_breaths_after_the_last_word_do_not_become_an_outro(analyzer, SHARED_AUDIO):  # noqa: N803
    """Three words and breaths, then a second of the room's own tone (as the eval ends a live
    answer): the first decode loops ("mmm mmm ..."), and the second, which may not repeat itself,
    wrote "Thank you for watching, see you in the next video, bye ..." crammed into the breaths.
    Words crammed faster than anyone speaks are not kept from that second decode."""
    from mockloop.analysis.eval import room_tone as rooms_own_tone

    clip = load_audio(SHARED_AUDIO / "mfa_filler_clips" / "mfa_breaths.flac")
    alone, _ = analyzer.transcribe_samples(clip)
    ended, _ = analyzer.transcribe_samples(np.concatenate([clip, rooms_own_tone(clip, 1.0)]))
    assert guard.find_loops(ended.words) == []
    assert len(ended.words) <= 2 * len(alone.words), [w.text for w in ended.words]
