"""Filler words, decided in context and checked against the audio.

Two kinds (see the analysis contract):
- filled pauses (um, uh, er, ah, hmm): Whisper drops them unless prompted, and when prompted it
  sometimes writes one "uh" twice or writes one over silence. So every filled pause it writes is
  matched to a stretch of sound between the neighbouring words; tokens with no sound of their own
  are dropped, several tokens on one stretch count once, and the filler takes the stretch's times.
  A voiced stretch that no word claims at all is recovered as a filled pause.
- discourse fillers (like, you know, I mean, so, basically, ...): ordinary words whose role depends
  on their neighbours and on the pauses Whisper marks with commas ("we need, like, a queue" vs
  "tools like Kafka"). The neighbour lists are data (data/phrases.yaml).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from functools import lru_cache

import numpy as np

from mockloop.analysis.acoustics import FrameFeatures, bridged_runs
from mockloop.analysis.frames import HOP_S
from mockloop.config import FilledPauseSettings, PauseSettings
from mockloop.models import Filler, Word
from mockloop.analysis.pauses import sound_mask
from mockloop.analysis.prosody import spread_semitones
from mockloop.analysis.tokens import (  # the one filled-pause vocabulary, shared with content
    Token,
    canonical_filled_pause,
    canonical_filled_pause_norm,
    filled_pause_spellings,
    normalise,
    phrase_data,
    split_phrase,
    tokenize,
)

FILLED_PAUSE = "filled_pause"
DISCOURSE = "discourse"



def merge_filled_pauses(words: list[Word], prompted: list[Word], end_s: float) -> list[Word]:
    """Put the filled pauses of a prompted decode into the gaps of the unprompted words.

    The disfluency prompt makes Whisper write filled pauses it otherwise drops, but also makes it
    drop sentences and write runs of "hmm", and its other words differ here and there from the
    unprompted ones. So the two decodes are aligned on their ordinary words only (filled pauses
    left out of both), and each run of prompted filled pauses goes to the gap of the unprompted
    words where its neighbours land: exactly inside agreeing text, in proportion inside a
    differing stretch. A run that stands where the prompted decode lost words is not taken (the
    fillers replaced speech). Where both decodes wrote filled pauses in a gap, the prompted run
    wins, since it was decoded with fillers in mind.

    Each taken filler spans the prompted decode's own gap between its neighbours (Whisper
    stretches the unprompted neighbours over a filler it left out, so their gap may be empty),
    kept within the unprompted neighbours' extent; ``end_s`` closes a gap at the end.
    verify_filled_pauses then places it on its own syllable or drops it.

    Where the unprompted decode wrote no ordinary word, nothing is taken: it heard no speech, and
    over a tone or a modem signal the prompted decode writes "uh" and "hmm" by the dozen.
    """
    ordinary, own = _split_filled(words)
    theirs, runs = _split_filled(prompted)
    if not runs or not ordinary:
        return words
    opcodes = SequenceMatcher(
        None, [normalise(w.text) for w in ordinary], [normalise(w.text) for w in theirs], autojunk=False
    ).get_opcodes()
    lost_before = {j1 for tag, _i1, _i2, j1, _j2 in opcodes if tag == "delete"}
    taken: dict[int, list[Word]] = {}
    for j, run in runs.items():
        if j in lost_before:
            continue
        position = _aligned_position(opcodes, j, len(ordinary), len(theirs))
        if position is None:
            continue
        low = theirs[j - 1].end if j > 0 and theirs[j - 1].end is not None else 0.0
        high = theirs[j].start if j < len(theirs) and theirs[j].start is not None else end_s
        if position > 0 and ordinary[position - 1].start is not None:
            low = max(low, ordinary[position - 1].start)
        if position < len(ordinary) and ordinary[position].end is not None:
            high = min(high, ordinary[position].end)
        high = max(low, high)
        taken[position] = [Word(w.text.strip(".,?!"), round(low, 3), round(high, 3), probability=0.0) for w in run]
    merged: list[Word] = []
    for position in range(len(ordinary) + 1):
        merged.extend(taken.get(position, own.get(position, [])))
        if position < len(ordinary):
            merged.append(ordinary[position])
    return merged


def _split_filled(words: list[Word]) -> tuple[list[Word], dict[int, list[Word]]]:
    """The ordinary words, and the runs of filled pauses by the ordinary word they precede."""
    ordinary: list[Word] = []
    runs: dict[int, list[Word]] = {}
    for word in words:
        if canonical_filled_pause(word.text) is not None:
            runs.setdefault(len(ordinary), []).append(word)
        else:
            ordinary.append(word)
    return ordinary, runs


def _aligned_position(opcodes, j: int, n_ours: int, n_theirs: int) -> int | None:
    """Where the gap before prompted word ``j`` falls among the unprompted words, or None."""
    for tag, i1, i2, j1, j2 in opcodes:
        if j1 <= j < j2:
            if tag == "equal":
                return i1 + (j - j1)
            if tag == "insert":
                return i1
            return i1 + round((j - j1) * (i2 - i1) / (j2 - j1))
    if j == n_theirs and not (opcodes and opcodes[-1][0] == "delete"):
        return n_ours
    return None


# --------------------------------------------------------------------------- audio checks


@dataclass(frozen=True)
class _Island:
    start: int  # frame
    end: int  # frame, exclusive

    @property
    def seconds(self) -> float:
        return (self.end - self.start) * HOP_S


def _islands(features: FrameFeatures, pauses: PauseSettings, s: FilledPauseSettings) -> list[_Island]:
    """Stretches of sound separated by silence, short gaps bridged."""
    sound = sound_mask(features, pauses)
    join = int(round(s.sound_join_gap_s / HOP_S))
    return [_Island(a, b) for a, b in bridged_runs(sound, join) if (b - a) * HOP_S >= s.min_sound_s]


def _nuclei(island: _Island, features: FrameFeatures, s: FilledPauseSettings) -> list[tuple[int, int]]:
    """Split a stretch of sound into syllable-like nuclei at energy dips.

    A dip of at least ``s.syllable_dip_db`` below both neighbouring peaks separates two syllables (the
    intensity-peak method used for speech-rate measurement); each nucleus is returned as a frame
    range reaching to the dips on either side.
    """
    energy = features.energy_db[island.start : island.end]
    if energy.size < 3:
        return [(island.start, island.end)]
    smooth = np.convolve(energy, np.ones(5) / 5.0, mode="same")
    peaks = [i for i in range(1, len(smooth) - 1) if smooth[i] >= smooth[i - 1] and smooth[i] > smooth[i + 1]]
    if not peaks:
        return [(island.start, island.end)]
    kept = [peaks[0]]
    for peak in peaks[1:]:
        dip = float(smooth[kept[-1] : peak + 1].min())
        if min(smooth[kept[-1]], smooth[peak]) - dip >= s.syllable_dip_db:
            kept.append(peak)
        elif smooth[peak] > smooth[kept[-1]]:
            kept[-1] = peak
    bounds = [0]
    for a, b in zip(kept, kept[1:]):
        bounds.append(a + int(np.argmin(smooth[a : b + 1])))
    bounds.append(len(smooth))
    return [(island.start + a, island.start + b) for a, b in zip(bounds, bounds[1:]) if b - a >= 3]


def verify_filled_pauses(
    words: list[Word],
    features: FrameFeatures,
    settings: FilledPauseSettings | None = None,
    pauses: PauseSettings | None = None,
) -> list[Word]:
    """Check Whisper's filled pauses against the audio and recover those it left out.

    Args:
        words: the transcript's words, filled pauses included.
        features: frame measurements of the whole recording.
        settings: the filled-pause thresholds (config.FilledPauseSettings).
        pauses: the pause settings the sound mask is built with, as for pauses.find_pauses.

    Returns a new word list: filled pauses with no sound of their own removed, several tokens on
    one syllable of sound merged, kept ones re-timed to their syllable, and recovered ones
    inserted with ``recovered=True``.
    """
    s = settings or FilledPauseSettings()
    islands = _islands(features, pauses or PauseSettings(), s)
    is_filled = [canonical_filled_pause(w.text) is not None for w in words]
    duration_s = features.n_frames * HOP_S
    result: list[Word] = []
    i = 0
    while i < len(words):
        if not is_filled[i] or words[i].start is None:
            result.append(words[i])
            i += 1
            continue
        j = i
        while j < len(words) and is_filled[j]:
            j += 1
        group = words[i:j]
        result.extend(_place_group(group, words[:i], words[j:], islands, features, duration_s, s))
        i = j
    return _recover_unclaimed(result, islands, features, s)


def _place_group(
    group: list[Word],
    previous: list[Word],
    following: list[Word],
    islands: list[_Island],
    features: FrameFeatures,
    duration_s: float,
    s: FilledPauseSettings,
) -> list[Word]:
    """Find the syllables of sound that a run of filled-pause tokens stands for.

    Whisper's times for a filler are often zero-length and its neighbours' times stretch over the
    filler, so the search runs from the start of the previous word to the end of the next one.
    Held vowels (voiced, steady spectrum) there are the filler's candidates; when there are none,
    any syllable in the gap between the neighbours will do. Each syllable serves one token at most.
    """
    prev_word = next((w for w in reversed(previous) if w.start is not None), None)
    next_word = next((w for w in following if w.start is not None), None)
    gap_low = prev_word.end if prev_word else 0.0
    gap_high = next_word.start if next_word else duration_s
    gap_low, gap_high = min(gap_low, group[0].start), max(gap_high, group[-1].end)
    wide_low = max(prev_word.start if prev_word else 0.0, group[0].start - s.search_from_written_time_s)
    wide_high = min(next_word.end if next_word else duration_s, group[-1].end + s.search_from_written_time_s)
    held, in_gap = [], []
    for island in islands:
        if island.end * HOP_S <= wide_low or island.start * HOP_S >= wide_high:
            continue
        for a, b in _nuclei(island, features, s):
            nucleus = _Island(a, b)
            centre = (a + b) * HOP_S / 2
            if not wide_low <= centre <= wide_high:
                continue
            if _is_held_vowel(nucleus, features, s):
                held.append((a * HOP_S, b * HOP_S, 0.0))
            elif gap_low - s.gap_tolerance_s <= a * HOP_S and b * HOP_S <= gap_high + s.gap_tolerance_s and _is_voiced_syllable(nucleus, features, s):
                in_gap.append((a * HOP_S, b * HOP_S, s.not_held_penalty_s))
    kept = _assign(group, held + in_gap, s)
    # "er" is also an English suffix and a reduced "her": Whisper splits a drawn-out "aligner"
    # into "align er". So an "er" needs more proof than other fillers: it must start its own
    # stretch of sound and be a held vowel.
    onsets = {island.start for island in islands}
    return [w for w in kept if canonical_filled_pause(w.text) != "er" or _is_standalone_held(w, onsets, features, s)]


def _is_standalone_held(word: Word, onsets: set[int], features: FrameFeatures, s: FilledPauseSettings) -> bool:
    start, end = int(round(word.start / HOP_S)), int(round(word.end / HOP_S))
    return start in onsets and _is_held_vowel(_Island(start, end), features, s)


def _loud_enough(nucleus: _Island, features: FrameFeatures, s: FilledPauseSettings) -> bool:
    """Within speaking loudness: a filler is said, a breath or room noise is far quieter."""
    peak = float(np.max(features.energy_db[nucleus.start : nucleus.end]))
    return peak >= features.speech_level_db - s.syllable_max_below_speech_db


def _is_voiced_syllable(nucleus: _Island, features: FrameFeatures, s: FilledPauseSettings) -> bool:
    """A syllable loud and voiced enough to be a filler (not a fricative, a breath or a click)."""
    if nucleus.seconds < s.syllable_min_s:
        return False
    if float(np.mean(features.voicing[nucleus.start : nucleus.end])) < s.syllable_min_voicing:
        return False
    return _loud_enough(nucleus, features, s)


def _is_held_vowel(nucleus: _Island, features: FrameFeatures, s: FilledPauseSettings) -> bool:
    if nucleus.seconds < s.held_vowel_min_s:
        return False
    if float(np.mean(features.voicing[nucleus.start : nucleus.end])) < s.held_vowel_min_voicing:
        return False
    return _spectral_change_db(features, nucleus) <= s.held_vowel_max_change_db and _loud_enough(nucleus, features, s)


def _assign(group: list[Word], nuclei: list[tuple[float, float, float]], s: FilledPauseSettings) -> list[Word]:
    """Keep at most one token per nucleus, each moved onto the nearest nucleus.

    Nuclei are (start, end, penalty): a syllable that is not a held vowel counts as that much
    further away, so a held vowel wins unless it is far off.
    """
    chosen: list[tuple[Word, tuple[float, float, float]]] = []
    free = list(nuclei)
    for word in group:
        if not free:
            break
        centre = (word.start + word.end) / 2
        best = min(range(len(free)), key=lambda k: abs((free[k][0] + free[k][1]) / 2 - centre) + free[k][2])
        chosen.append((word, free.pop(best)))
    chosen.sort(key=lambda item: item[1][0])
    kept: list[Word] = []
    last_nucleus = None
    for word, nucleus in chosen:
        touching = last_nucleus is not None and abs(nucleus[0] - last_nucleus[1]) < s.touching_gap_s
        if touching and (nucleus[2] > 0 or last_nucleus[2] > 0):
            # The decaying tail (or onset) of the same filler split off at an energy dip: one filler.
            kept[-1] = replace(kept[-1], end=round(nucleus[1], 3))
        else:
            kept.append(replace(word, start=round(nucleus[0], 3), end=round(nucleus[1], 3)))
        last_nucleus = nucleus
    return kept


def _recover_unclaimed(words: list[Word], islands: list[_Island], features: FrameFeatures, s: FilledPauseSettings) -> list[Word]:
    """Insert a filled pause for each held voiced syllable that no word claims.

    A candidate is a stretch of sound alone in a gap between words: a whole island, or one
    syllable of an island that runs on into a word ("...the date, uh, the team": Whisper often
    leaves no silence between a filler and its neighbour, but the energy dip between the two
    syllables is there). The whole syllable must lie inside the gap, clear of both words by a
    margin, so the held-out tail of a word whose time Whisper ended early does not qualify. It
    must be voiced throughout and held (see _is_held_filler): cut-off words and breaths are not.
    """
    timed = [w for w in words if w.start is not None and w.end is not None]
    if not timed:
        return words
    recovered = []
    for island in islands:
        syllables = _nuclei(island, features, s)
        candidates = [(island, s.recover_margin_s)]
        if len(syllables) > 1:
            candidates += [(_Island(a, b), s.recover_syllable_margin_s) for a, b in syllables]
        for stretch, margin in candidates:
            if _unclaimed(stretch, timed, margin, s) and _is_held_filler(stretch, features, s):
                recovered.append(Word("uh", round(stretch.start * HOP_S, 3), round(stretch.end * HOP_S, 3), probability=0.0, recovered=True))
                break  # an island gives one filler at most: as a whole or by one of its syllables
    if not recovered:
        return words
    merged = words + recovered
    merged.sort(key=lambda w: (w.start if w.start is not None else -1.0))
    return merged


def _unclaimed(stretch: _Island, timed: list[Word], margin_s: float, s: FilledPauseSettings) -> bool:
    """A filler-length stretch in a word gap, before a word, clear of the words' times by
    ``margin_s`` on both sides (a negative margin lets their times reach that far into it)."""
    start_s, end_s = stretch.start * HOP_S, stretch.end * HOP_S
    if not (s.recover_min_s <= stretch.seconds <= s.recover_max_s):
        return False
    # A filler holds the floor before a word; sound after the last word is not one.
    if not any(w.end > end_s for w in timed):
        return False
    # Before the first word it may open the answer ("Um... so the plan"), given silence
    # before it: the recording's start is as good a boundary as a word.
    if start_s < margin_s:
        return False
    low, high = start_s - margin_s, end_s + margin_s
    return not any(w.start < high and w.end > low for w in timed)


def _is_held_filler(stretch: _Island, features: FrameFeatures, s: FilledPauseSettings) -> bool:
    """Voiced and held as a filled pause is: a steady spectrum (one vowel, "uh"), or a level
    pitch over a spectrum steady most of the time (the vowel and nasal of "um", whose one
    transition raises the mean spectral change but not its median)."""
    frames = slice(stretch.start, stretch.end)
    if float(np.mean(features.voicing[frames])) < s.recover_min_voicing:
        return False
    # Praat's voicing decision, where it was measured, is stricter than the autocorrelation
    # peak: steady noise (a thump, hum or handling noise) can peak there, but has no pitch.
    if features.f0_hz is not None and float(np.mean(features.f0_hz[frames] > 0)) < s.recover_min_pitched_share:
        return False
    if _spectral_change_db(features, stretch) <= s.recover_max_change_db:
        return True
    if features.f0_hz is None:
        return False
    spread = spread_semitones(features.f0_hz[frames])  # the prosody measure, on this stretch
    if spread is None or spread > s.recover_level_pitch_max_st:
        return False
    return _spectral_change_db(features, stretch, np.median) <= s.recover_max_change_db


def _spectral_change_db(features: FrameFeatures, island: _Island, statistic=np.mean) -> float:
    """Change of the band spectrum over 30 ms (mean, or ``statistic``): low for a held vowel,
    high across consonants."""
    if island.end - island.start <= 3:
        return 0.0
    return float(statistic(features.change_db[island.start + 3 : island.end]))


# --------------------------------------------------------------------------- text rules


@lru_cache(maxsize=1)
def _discourse_rules() -> dict[str, list[tuple[tuple[str, ...], str, dict]]]:
    """Discourse-filler rules by their first word, longest phrase first."""
    by_first: dict[str, list] = {}
    for parts, phrase, context in _discourse_rule_list():
        by_first.setdefault(parts[0], []).append((parts, phrase, context))
    return by_first


def _discourse_rule_list() -> list[tuple[tuple[str, ...], str, dict]]:
    rules = []
    for phrase, context in (phrase_data()["discourse_fillers"] or {}).items():
        context = context or {}
        rules.append((split_phrase(phrase), phrase, context))
    rules.sort(key=lambda rule: -len(rule[0]))
    return rules


# "so" right after one of these opens a clause ("Right, so ...", "Okay, so ...") instead of
# meaning "therefore".
_SO_OPENERS_AFTER = frozenset({"right", "okay", "ok", "alright", "well", "yeah", "yes", "now"})


def _is_discourse_filler(phrase: str, context: dict, tokens: list[Token], first: int, last: int, filled: set[int]) -> bool:
    prev_tok = tokens[first - 1] if first > 0 else None
    next_tok = tokens[last + 1] if last + 1 < len(tokens) else None
    head, tail = tokens[first], tokens[last]
    isolated_before = head.pause_before or prev_tok is None or (first - 1) in filled
    isolated_after = tail.pause_after or next_tok is None or (last + 1) in filled
    if prev_tok is not None and not head.pause_before and prev_tok.norm in context.get("not_after", ()):
        return False
    if next_tok is not None and not tail.pause_after and next_tok.norm in context.get("not_before", ()):
        return False
    if phrase == "right":
        # A tag question ("..., right?") or an opener ("Right, so"), never "the right owner".
        return (tail.question_after and isolated_before) or (head.sentence_start and tail.pause_after)
    if phrase in ("basically", "literally"):
        return True
    if phrase == "so":
        # An opener ("So, ...", "So we start", "Right, so", "uh, so") is a filler. After a comma
        # inside a sentence it means "therefore" ("the reads are heavy, so we cache them"), even
        # when the speaker pauses after it and Whisper writes "so,"; "so that" and "did it so the
        # team could" are conjunctions.
        opener_before = prev_tok is not None and prev_tok.norm in _SO_OPENERS_AFTER
        if head.sentence_start or (first - 1) in filled or opener_before:
            return True
        return isolated_after and not head.pause_before
    if phrase == "like" and not tail.pause_after and _opens_sentence(tokens, first, filled):
        return _like_opens_a_clause(tokens, last)
    if phrase == "like" and tail.pause_after and prev_tok is not None and prev_tok.norm in _CLAUSE_JOINERS:
        return True  # "..., but like, in my last role": set off after a conjunction, it joins nothing
    if phrase in ("like", "actually"):
        return isolated_before and isolated_after
    if phrase in ("you know", "i mean"):
        return isolated_before or isolated_after
    # kind of / sort of as hedging fillers ("it's kind of slow").
    return True


# Conjunctions that open a clause: "like" set off by a pause right after one is a filler.
_CLAUSE_JOINERS = frozenset({"and", "but", "or", "so"})

# Words that open a noun phrase: "Like the runbook link is ..." starts with a filler.
_DETERMINERS = frozenset(
    {"the", "a", "an", "our", "my", "your", "their", "his", "every", "each", "all", "some", "most", "no"}
)
_COMPARISON_MAX_TOKENS = 6  # "Like the old pager, ..." compares: its comma comes within a few words
_FRAGMENT_MAX_TOKENS = 3  # "Like the old pager." has no room for a verb: a comparison, not a filler


def _opens_sentence(tokens: list[Token], position: int, filled: set[int]) -> bool:
    """The token starts its sentence, or only filled pauses come before it there ("Um, like")."""
    while position > 0 and (position - 1) in filled and not tokens[position].sentence_start:
        position -= 1
    return tokens[position].sentence_start


def _like_opens_a_clause(tokens: list[Token], last: int) -> bool:
    """Sentence-initial "Like" with no pause after it, before a noun phrase that is the subject.

    "Like the runbook link is in every alert." is a filler; "Like the old pager, the new one
    escalates." is a comparison (its noun phrase ends at a comma and a clause follows);
    "Like I said" and "Like Kafka, ..." do not start with a determiner and stay ordinary words.
    """
    if last + 1 >= len(tokens) or tokens[last + 1].norm not in _DETERMINERS:
        return False
    for position in range(last + 1, min(last + 1 + _COMPARISON_MAX_TOKENS, len(tokens))):
        if position > last + 1 and tokens[position].sentence_start:
            return True  # the sentence ended without a comma after the noun phrase
        if tokens[position].pause_after:
            ends_sentence = position + 1 >= len(tokens) or tokens[position + 1].sentence_start
            # A comma within a few words compares ("Like the old pager, ..."); so does a fragment
            # ("Like the old pager.") too short to hold a verb.
            return ends_sentence and position - last > _FRAGMENT_MAX_TOKENS
    return True


def find_fillers(words: list[Word], tokens: list[Token] | None = None) -> list[Filler]:
    """Fillers in ``words`` (already checked against the audio when there is audio).

    ``tokens`` may be passed when the caller has already tokenized ``words``.
    """
    tokens = tokenize(words) if tokens is None else tokens
    canonical = {pos: canonical_filled_pause_norm(tok.norm) for pos, tok in enumerate(tokens)}
    filled_positions = {pos for pos, name in canonical.items() if name}
    fillers: list[Filler] = []
    rules = _discourse_rules()
    used: set[int] = set()
    for pos, tok in enumerate(tokens):
        if pos in filled_positions:
            word = words[tok.index]
            fillers.append(Filler(canonical[pos], FILLED_PAUSE, word.start, word.end, tok.index, (tok.index,)))
            used.add(pos)
            continue
        if pos in used:
            continue
        for parts, phrase, context in rules.get(tok.norm, ()):
            last = pos + len(parts) - 1
            if last >= len(tokens) or tuple(t.norm for t in tokens[pos : last + 1]) != parts:
                continue
            if any(p in used for p in range(pos, last + 1)):
                continue
            if _is_discourse_filler(phrase, context, tokens, pos, last, filled_positions):
                first_word, last_word = words[tokens[pos].index], words[tokens[last].index]
                covered = tuple(t.index for t in tokens[pos : last + 1])
                fillers.append(Filler(phrase, DISCOURSE, first_word.start, last_word.end, tokens[pos].index, covered))
                used.update(range(pos, last + 1))
            break
    fillers.sort(key=lambda f: f.word_index)
    return fillers
