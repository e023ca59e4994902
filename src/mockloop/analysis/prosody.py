"""How the answer sounded: pitch, vocal variety, loudness, uptalk and trailing-off endings.

Pitch comes from Praat (through praat-parselmouth), the tool phoneticians use, run chunk by chunk
on the audio the streaming transcriber already holds (`pitch_track`), on the same 10 ms frame grid
as the other frame measurements, so it costs one pass and no extra decoding. Everything else here
works on that track, the frame loudness and the words' times.

Spread is measured in semitones, not Hz: a semitone is the same step for a low and a high voice,
which is why F0 variation is compared across speakers that way (Traunmüller & Eriksson, "The
frequency range of the voice fundamental in the speech of male and female adults", 1995). The
spread is the 10th-to-90th percentile range over voiced frames, robust to a few stray frames.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from mockloop.analysis.acoustics import FrameFeatures, runs
from mockloop.analysis.frames import HOP_S, HOP_SAMPLES, SAMPLE_RATE, WINDOW_S
from mockloop.analysis.tokens import Token, normalise, tokenize
from mockloop.config import ProsodySettings
from mockloop.models import PitchWindow, Prosody, Span, Word

_HOP = HOP_SAMPLES
_WINDOW_CENTRE_S = WINDOW_S / 2  # frame i covers [i*HOP_S, i*HOP_S + WINDOW_S)


def pitch_track(samples: np.ndarray, settings: ProsodySettings | None = None) -> np.ndarray:
    """Praat's pitch (Hz, 0 where unvoiced) for each 10 ms frame of ``samples`` (16 kHz mono).

    Returns ``len(samples) // 160`` values, so tracks of chunks cut on hop boundaries join into
    the track of the whole recording, frame for frame, like the other frame measurements.
    """
    import parselmouth  # imported here: only audio analysis needs Praat

    settings = settings or ProsodySettings()
    n_frames = len(samples) // _HOP
    track = np.zeros(n_frames, dtype=np.float32)
    min_samples = int(3.0 / settings.pitch_floor_hz * SAMPLE_RATE) + _HOP
    if len(samples) < min_samples:
        return track
    sound = parselmouth.Sound(np.asarray(samples, dtype=np.float64), sampling_frequency=SAMPLE_RATE)
    pitch = sound.to_pitch_ac(
        time_step=HOP_S, pitch_floor=settings.pitch_floor_hz, pitch_ceiling=settings.pitch_ceiling_hz
    )
    values = pitch.selected_array["frequency"].astype(np.float32)
    if values.size == 0:
        return track
    first_s = pitch.xs()[0]
    centres = np.arange(n_frames) * HOP_S + _WINDOW_CENTRE_S
    index = np.rint((centres - first_s) / HOP_S).astype(np.int64)
    inside = (index >= 0) & (index < len(values))
    track[inside] = values[index[inside]]
    return track


def semitones(hz: np.ndarray, reference_hz: float) -> np.ndarray:
    return 12.0 * np.log2(np.asarray(hz, dtype=np.float64) / reference_hz)


def _clean_voiced(f0_hz: np.ndarray) -> tuple[np.ndarray, float | None]:
    """Voiced frames kept, octave jumps dropped; and the speaker's median F0.

    Praat's track occasionally jumps an octave (creak at the end of a phrase, a doubled period);
    frames more than 9 semitones from the speaker's median are such errors far more often than
    real intonation, so they are left out of every measure.
    """
    voiced = f0_hz > 0
    if voiced.sum() < 10:
        return np.zeros_like(voiced), None
    median = float(np.median(f0_hz[voiced]))
    distance = np.abs(semitones(np.where(voiced, f0_hz, median), median))
    keep = voiced & (distance <= 9.0)
    if keep.sum() < 10:
        return keep, None
    return keep, float(np.median(f0_hz[keep]))


def spread_semitones(f0_hz: np.ndarray) -> float | None:
    """10th-to-90th percentile range of voiced pitch, in semitones; None with too little voicing."""
    keep, median = _clean_voiced(f0_hz)
    if median is None:
        return None
    values = semitones(f0_hz[keep], median)
    return float(np.percentile(values, 90) - np.percentile(values, 10))


# --- sentences ---------------------------------------------------------------------------------

_QUESTION_OPENERS = frozenset(
    "what who whom whose which when where why how is are am was were do does did can could will would "
    "shall should may might must have has had isn't aren't wasn't weren't don't doesn't didn't can't "
    "couldn't won't wouldn't shouldn't haven't hasn't".split()
)
_WH = frozenset("what who whom whose which when where why how".split())
_LEAD_INS = frozenset("so and but okay ok well now then um uh er ah hmm also right alright".split())
_TAGS = frozenset("right correct okay ok yeah no".split())
_SUBJECTS = frozenset("i we you they it he she this that the our my a an".split())


@dataclass(frozen=True)
class Sentence:
    first: int  # index of its first word in the transcript
    last: int  # index of its last word
    text: str
    start: float | None
    end: float | None
    question: bool  # a real question (by its words), not a statement said with a rise
    n_words: int = 0  # words in it, punctuation-only tokens left out


def split_sentences(words: list[Word], tokens: list[Token] | None = None) -> list[Sentence]:
    """Sentences from the transcript's end punctuation (the last one may have none).

    Built on the tokens' sentence starts (analysis/tokens.py), so every measure splits the same way.
    """
    tokens = tokenize(words) if tokens is None else tokens
    starts = [k for k, tok in enumerate(tokens) if tok.sentence_start] + [len(tokens)]
    sentences = []
    for a, b in zip(starts, starts[1:]):
        first, last = tokens[a].index, tokens[b - 1].index
        # a word that is only punctuation right after the last token belongs to this sentence
        sentences.append(_sentence(words[first : last + 1], first, last, b - a))
    return sentences


def _sentence(part: list[Word], first: int, last: int, n_words: int) -> Sentence:
    text = " ".join(w.text for w in part)
    start = next((w.start for w in part if w.start is not None), None)
    end = next((w.end for w in reversed(part) if w.end is not None), None)
    return Sentence(first, last, text, start, end, is_question(text), n_words)


@lru_cache(maxsize=16384)
def is_question(text: str) -> bool:
    """Whether a sentence asks something, judged by its words rather than by its melody.

    Whisper punctuates by ear and may write "?" after a statement said with a rise, so the mark
    alone cannot tell uptalk from a question: a question opens (after lead-ins like "so") with a
    question word or an inverted auxiliary ("are we...", "do you..."), or ends in a tag
    ("..., right?"). "What we'll do is shard by user." opens with a wh-word but states something;
    it is a question only when written with "?".
    """
    ends_with_mark = text.rstrip("'\")] ").endswith("?")
    clauses = [c.split() for c in re.split(r"[,;:\u2014-]\s", text) if c.strip()]
    for position, clause in enumerate(clauses):
        tokens = [normalise(t) for t in clause]
        tokens = [t for t in tokens if t]
        while tokens and tokens[0] in _LEAD_INS and len(tokens) > 1:
            tokens = tokens[1:]
        if not tokens:
            continue
        if position > 0 and not ends_with_mark:
            break  # without "?", only the opening clause can make it a question
        head = tokens[0]
        if head in _QUESTION_OPENERS:
            if head in _WH and not ends_with_mark and len(tokens) > 1 and tokens[1] in _SUBJECTS:
                return False  # "what we need is ...", "how it works is ..."
            if head not in _WH and not ends_with_mark and len(tokens) > 1 and tokens[1] not in _SUBJECTS:
                return False  # "will be ...", "have a cache ..." (no inversion: a fragment, not a question)
            return True
        if position == 0 and not ends_with_mark:
            return False
    if ends_with_mark and clauses:
        tail = [normalise(t) for t in clauses[-1]]
        tail = [t for t in tail if t]
        if len(clauses) > 1 and len(tail) <= 2 and tail and tail[-1] in _TAGS:
            return True
    return False


# --- measures -----------------------------------------------------------------------------------


def _frame_range(features: FrameFeatures, start: float, end: float) -> tuple[int, int]:
    a = max(0, int(np.floor(start / HOP_S)))
    b = min(features.n_frames, int(np.ceil(end / HOP_S)))
    return a, b


def final_rise_semitones(f0_hz: np.ndarray, keep: np.ndarray, median_hz: float, words: list[Word],
                         sentence: Sentence, settings: ProsodySettings) -> float | None:
    """How far the pitch climbs over the sentence's last word(s) up to its end, in semitones.

    The region is the last word, widened back to at least ``final_region_s`` (short last words
    such as "now" carry too few voiced frames). The rise is the pitch of the final voiced frames
    above the lowest point before them: a statement falls to its lowest point at the end (about
    0), a rising end leaves it several semitones above. None when the end is unvoiced or untimed.
    """
    last = words[sentence.last]
    if last.start is None or last.end is None:
        return None
    region_start = last.start
    index = sentence.last
    while last.end - region_start < settings.final_region_s and index > sentence.first:
        index -= 1
        if words[index].start is None:
            break
        region_start = words[index].start
    a = max(0, int(np.floor(region_start / HOP_S)))
    b = min(len(f0_hz), int(np.ceil((last.end + settings.final_tail_s) / HOP_S)))
    frames = np.flatnonzero(keep[a:b]) + a
    if frames.size < settings.min_final_voiced_frames:
        return None
    contour = semitones(f0_hz[frames], median_hz)
    if contour.size >= 5:  # a 5-frame median removes single-frame jumps without moving the ends
        padded = np.pad(contour, 2, mode="edge")
        contour = np.median(np.lib.stride_tricks.sliding_window_view(padded, 5), axis=1)
    tail = max(3, int(round(settings.final_tail_frames)))
    end_level = float(np.mean(contour[-tail:]))
    lowest = float(np.min(contour[:-tail])) if contour.size > tail else end_level
    return end_level - lowest


def _silence_after_s(words: list[Word], index: int, features: FrameFeatures, reach_s: float = 0.5) -> float | None:
    """Longest silence (seconds) in the audio between word ``index`` and the next timed word.

    Looked for in the audio around the boundary, since Whisper's word times often run over the
    silence between sentences. None when either side is untimed or nothing follows.
    """
    end = words[index].end
    following = next((w.start for w in words[index + 1 :] if w.start is not None), None)
    if end is None or following is None:
        return None
    a = max(0, int((end - 0.3) / HOP_S))
    b = min(features.n_frames, int(np.ceil((following + reach_s) / HOP_S)))
    quiet = features.energy_db[a:b] < features.speech_threshold_db()
    return max(following - end, max((y - x for x, y in runs(quiet)), default=0) * HOP_S)


_MIN_CLAUSE_WORDS = 3


def spoken_statements(words: list[Word], sentences: list[Sentence], features: FrameFeatures,
                      settings: ProsodySettings) -> list[Sentence]:
    """The sentences as the ending measures see them: split again where a comma is followed by a
    sentence-length silence (``comma_sentence_pause_s``), so a statement Whisper glued to the next
    sentence ("... the holiday peak, I chose Kafka ...", "... the engineer, what is the budget?")
    is judged on its own ending, and is not taken for part of a question."""
    from mockloop.analysis.fillers import filled_pause_spellings
    from mockloop.analysis.repetitions import editing_phrase_length

    skip = filled_pause_spellings()
    out = []
    for sentence in sentences:
        first = sentence.first
        norms = [normalise(w.text) for w in words[sentence.first : sentence.last + 1]]
        content = [j for j, n in enumerate(norms) if n and n not in skip]
        for k in range(sentence.first, sentence.last):
            j = k - sentence.first
            if not words[k].text.rstrip("'\")").endswith((",", ";")) or not norms[j]:
                continue
            before = sum(1 for c in content if first - sentence.first <= c <= j)
            after = [c for c in content if c > j]
            # A clause on each side (a sentence needs a subject and a verb), and no hesitation or
            # repair after the comma ("Kafka, sorry, Kinesis", "forced, um, a liner"): those are
            # pauses inside a sentence, not ends.
            if before < _MIN_CLAUSE_WORDS or len(after) < _MIN_CLAUSE_WORDS:
                continue
            following = norms[j + 1] if j + 1 < len(norms) else ""
            if not following or following in skip or editing_phrase_length(norms, j + 1):
                continue
            silence = _silence_after_s(words, k, features, reach_s=0.0)
            if silence is not None and silence >= settings.comma_sentence_pause_s:
                part = words[first : k + 1]
                out.append(_sentence(part, first, k, sum(1 for w in part if normalise(w.text))))
                first = k + 1
        if first == sentence.first:
            out.append(sentence)
        else:
            part = words[first : sentence.last + 1]
            out.append(_sentence(part, first, sentence.last, sum(1 for w in part if normalise(w.text))))
    return out


def _speaker_stops_after(words: list[Word], sentence: Sentence, features: FrameFeatures, settings: ProsodySettings) -> bool:
    """Whether the speaker pauses after the sentence (or the answer ends there).

    Whisper sometimes ends a sentence at a comma ("I chose Kafka, sorry. Kinesis ..."); the rise
    there is the ordinary continuation rise of a speaker who goes straight on, not an ending. The
    pause is looked for in the audio around the boundary, since Whisper's word times often run
    over the silence between sentences.
    """
    silence = _silence_after_s(words, sentence.last, features)
    return silence is None or silence >= settings.min_final_pause_s


def _level_db(energy_db: np.ndarray) -> float | None:
    return float(np.percentile(energy_db, 75)) if energy_db.size else None


def trail_off_db(features: FrameFeatures, words: list[Word], sentence: Sentence) -> float | None:
    """How much quieter the sentence's last word is than the rest of it, in dB (loud frames only)."""
    last = words[sentence.last]
    body = [w for w in words[sentence.first : sentence.last] if w.start is not None and normalise(w.text)]
    if last.start is None or len(body) < 3:
        return None
    threshold = features.speech_threshold_db()
    body_frames = np.concatenate([features.energy_db[slice(*_frame_range(features, w.start, w.end))] for w in body])
    last_frames = features.energy_db[slice(*_frame_range(features, last.start, last.end))]
    body_level = _level_db(body_frames[body_frames > threshold])
    last_level = _level_db(last_frames[last_frames > threshold])  # sound only: Whisper's word edges overhang
    if body_level is None or last_level is None:
        return None
    return body_level - last_level


def _windows(start_s: float, end_s: float, length_s: float, step_s: float):
    t = start_s
    while t < end_s:
        yield t, min(end_s, t + length_s)
        if t + length_s >= end_s:
            break
        t += step_s


def _window_stats(f0_hz: np.ndarray, keep: np.ndarray, start: float, end: float, min_frames: int) -> tuple[float, float] | None:
    a, b = int(start / HOP_S), int(np.ceil(end / HOP_S))
    values = f0_hz[a:b][keep[a:b]]
    if values.size < min_frames:
        return None
    median = float(np.median(values))
    st = semitones(values, median)
    return median, float(np.percentile(st, 90) - np.percentile(st, 10))


def measure_prosody(words: list[Word], features: FrameFeatures | None, f0_hz: np.ndarray | None,
                    settings: ProsodySettings | None = None, sentences: list[Sentence] | None = None) -> Prosody | None:
    """All prosody measures of one answer; None without audio (text input) or without voicing."""
    settings = settings or ProsodySettings()
    if features is None or f0_hz is None or not words:
        return None
    n = min(len(f0_hz), features.n_frames)
    f0_hz = np.asarray(f0_hz[:n], dtype=np.float64)
    timed = [w for w in words if w.start is not None and w.end is not None]
    if not timed:
        return None
    answer = np.zeros(n, dtype=bool)
    answer[int(timed[0].start / HOP_S) : int(np.ceil(timed[-1].end / HOP_S)) + 1] = True
    f0_in_answer = np.where(answer, f0_hz, 0.0)
    keep, median_hz = _clean_voiced(f0_in_answer)
    if median_hz is None:
        return None
    st = semitones(f0_hz[keep], median_hz)
    spread = float(np.percentile(st, 90) - np.percentile(st, 10))

    per_minute = []
    for a, b in _windows(timed[0].start, timed[-1].end, 60.0, 60.0):
        stats = _window_stats(f0_hz, keep, a, b, settings.min_window_voiced_frames)
        if stats is not None:
            per_minute.append(PitchWindow(round(a, 2), round(b, 2), round(stats[0], 1), round(stats[1], 2)))
    flat = []
    for a, b in _windows(timed[0].start, timed[-1].end, settings.flat_window_s, settings.flat_window_s / 2):
        stats = _window_stats(f0_hz, keep, a, b, settings.min_window_voiced_frames)
        if stats is not None and b - a >= settings.flat_window_s / 2:
            flat.append(PitchWindow(round(a, 2), round(b, 2), round(stats[0], 1), round(stats[1], 2)))
    flattest: list[PitchWindow] = []
    for window in sorted(flat, key=lambda w: w.range_semitones):
        if all(window.end <= other.start or window.start >= other.end for other in flattest):
            flattest.append(window)
        if len(flattest) == settings.flattest_count:
            break
    flattest.sort(key=lambda w: w.start)

    voiced_energy = features.energy_db[:n][keep]
    loudness = float(np.median(voiced_energy))
    intensity_range = float(np.percentile(voiced_energy, 90) - np.percentile(voiced_energy, 10))

    uptalk, trailing, statements = [], [], 0
    sentences = split_sentences(words) if sentences is None else sentences
    for sentence in spoken_statements(words, sentences, features, settings):
        if sentence.start is None or sentence.question or not _speaker_stops_after(words, sentence, features, settings):
            continue
        statements += 1
        rise = final_rise_semitones(f0_hz, keep, median_hz, words, sentence, settings)
        if rise is not None and rise >= settings.uptalk_rise_semitones:
            uptalk.append(Span(sentence.start, sentence.end, sentence.text, round(rise, 1)))
        drop = trail_off_db(features, words, sentence)
        if drop is not None and drop >= settings.trail_off_db:
            last = words[sentence.last]
            trailing.append(Span(last.start, last.end, sentence.text, round(drop, 1)))
    return Prosody(
        pitch_median_hz=round(median_hz, 1),
        pitch_range_semitones=round(spread, 2),
        monotone=bool(spread < settings.monotone_range_semitones),
        flattest=flattest,
        per_minute=per_minute,
        loudness_dbfs=round(loudness, 1),
        intensity_range_db=round(intensity_range, 1),
        uptalk=uptalk,
        statements=statements,
        trailing_off=trailing,
    )
