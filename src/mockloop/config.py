"""Every tunable number in one place, with its unit in its name.

Thresholds are frozen dataclasses so a run can echo the exact settings it used (as faster-whisper
echoes its TranscriptionOptions). User-level choices (which model) come from, in order: the command
line, the environment (MOCKLOOP_MODEL), the config file (``config.toml`` in the user config dir),
then the embedded default.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from mockloop.errors import MockloopError


@dataclass(frozen=True)
class PauseSettings:
    min_pause_s: float = 0.25  # shortest silence reported as a pause (fluency research uses 200-250 ms)
    long_pause_s: float = 2.0  # pauses at least this long are "long" in reports and tips
    min_voiced_ms: float = 40.0  # shorter sound bursts inside a pause (clicks) do not split it


@dataclass(frozen=True)
class SpeechLevelSettings:
    """Levels that split a recording into sound and silence (see analysis.frames)."""

    threshold_min_above_floor_db: float = 8.0  # the sound threshold is at least this far above the noise floor
    threshold_fraction: float = 0.25  # ...and this fraction of the way from the floor to the speech level
    min_speech_dynamic_db: float = 10.0  # a stretch whose loud part is less above its floor holds no speech
    silent_level_dbfs: float = -65.0  # a recording whose loud part is quieter than this is silence
    # No microphone is this quiet: frames below it are digital silence (zeros written by software,
    # a muted input), left out of the noise floor. 16-bit dither alone sits near -100 dBFS.
    digital_silence_dbfs: float = -110.0
    clip_level_fullscale: float = 0.99  # a sample at or above this magnitude (1.0 = full scale) is clipped
    clipped_frame_min_share: float = 0.01  # a frame with at least this share of clipped samples is clipped
    clipped_tip_min_share: float = 0.05  # tip "the recording is clipped" when this share of sound frames is


@dataclass(frozen=True)
class FilledPauseSettings:
    """How a filled pause Whisper wrote is checked against the audio (analysis.fillers).

    Voicing values are the 0..1 height of the autocorrelation peak (acoustics.FrameFeatures).
    """

    min_sound_s: float = 0.08  # shorter sound is a click or a stop burst, not a syllable
    sound_join_gap_s: float = 0.06  # gaps this short inside a stretch of sound are bridged
    syllable_dip_db: float = 3.0  # an energy dip this deep between two peaks separates two syllables
    search_from_written_time_s: float = 2.5  # how far from Whisper's time a filler's own sound may be
    gap_tolerance_s: float = 0.02  # a syllable may overhang the gap between the neighbouring words this much
    syllable_min_s: float = 0.1
    syllable_min_voicing: float = 0.3  # below: a fricative, a breath or a click
    syllable_max_below_speech_db: float = 20.0  # a filler is said: its peak is within this of the speech level
    held_vowel_min_s: float = 0.15
    held_vowel_min_voicing: float = 0.5
    held_vowel_max_change_db: float = 4.0  # spectral change of a held vowel; syllables with consonants change more
    not_held_penalty_s: float = 1.0  # a syllable that is not a held vowel counts as this much further away
    touching_gap_s: float = 0.015  # syllables closer than this are one filler split at an energy dip
    recover_min_s: float = 0.2  # a recovered filled pause must be a drawn-out syllable
    recover_max_s: float = 1.5
    recover_min_voicing: float = 0.6
    # ...and Praat finds a pitch in at least this share of its frames. Measured: filled pauses of
    # every voice 0.77-0.91; a loud steady noise at the start of acoustic_corpus 0.1.
    recover_min_pitched_share: float = 0.5
    # A whole stretch of sound is set apart from its neighbours by silence, and a syllable of a
    # longer stretch by an energy dip: either may be a filler even where Whisper's time for the
    # word beside it runs a little into it (its times sit on a 20 ms grid and often overrun a
    # word's end by a frame or two). So the words' times may reach this far into a candidate.
    recover_margin_s: float = -0.04
    recover_syllable_margin_s: float = -0.04
    recover_max_change_db: float = 3.5
    # Filled pauses are said on a level (often low, slowly falling) pitch (O'Shaughnessy 1992,
    # "Recognition of hesitations in spontaneous speech"; Shriberg 2001, "To 'errrr' is human").
    # A stretch whose Praat pitch spreads at most this much (10th-90th percentile) counts as held
    # when its median spectral change is within recover_max_change_db. Measured: the piper
    # voice's "um"s 0.2-0.4 semitones, its "er"s up to 1.1; unclaimed real speech 2.1 and 3.8
    # (mfa_internalsil). The bound sits between the two.
    recover_level_pitch_max_st: float = 1.5


@dataclass(frozen=True)
class DecodeSettings:
    """When decoded audio counts as damaged (see analysis.decode.DecodeReport)."""

    gap_tolerance_s: float = 0.1  # a jump in frame timestamps longer than this is a lost stretch
    length_tolerance: float = 0.03  # decoded this much shorter than declared (a share) is damage...
    min_decoded_share: float = 0.5  # ...and a file with less than this share decodable is refused


@dataclass(frozen=True)
class RepeatSettings:
    """Repeats heard in the audio that the words leave out (analysis/heard_repeats.py).

    Similarities are alignment costs relative to the chunk's typical cost (1.0 = no more alike
    than the stretch and any other place in the speaker's speech). Measured on the constructed
    prosody set and the real recordings (every word-like stretch followed by a pause, against the
    start of the next one): a word or phrase said again scores 0.24-0.53 in the espeak-ng voices
    and 0.61-0.73 in the piper voice, the real cut-off restarts 0.61-0.72; the lowest stretch that
    is not a repeat scores 0.77 (0.76 in jfk, after a 0.06 s gap).
    """

    # A stumble is short: the broken-off word or phrase ("we,", "our target is,") lasts at most this.
    max_first_copy_s: float = 1.2
    # ...and is a word: at least a short syllable long ("we" 0.15 s and more in the sets here),
    # with a peak within this much of the speech level (breaths, clicks and room noise are far quieter).
    min_first_copy_s: float = 0.12
    max_below_speech_db: float = 12.0
    max_gap_s: float = 1.0  # ...and the pause before it is begun again is at most a medium pause
    # With the audio alone, that pause must be heard: a gap under 0.1 s is a stop's closure inside
    # a word as often as a break (0.1 s is below the 0.15-0.3 s the stumbles here pause for).
    min_gap_s: float = 0.1
    join_gap_s: float = 0.04  # sound gaps shorter than this are inside a word (a stop's closure)
    time_margin_s: float = 0.3  # Whisper's word times are this far off the sound
    reference_stretches: int = 12  # places in the chunk's other speech that set the typical cost
    min_reference_stretches: int = 3  # a chunk with less other speech than this many copies decides nothing
    # Where the prompted decode wrote the words twice, the audio must show them more alike than
    # any unrelated pair measured: below the lowest non-repeat (0.77).
    prompted_max_similarity: float = 0.75
    # Where no decode wrote the repeat, the audio alone must be clear: well inside the gap
    # between the repeats (0.53 and below in the voices whose words do not vary) and the
    # lowest non-repeat (0.77).
    audio_max_similarity: float = 0.6


@dataclass(frozen=True)
class TranscribeSettings:
    beam_size: int = 5
    # Threads for this transcriber in all (0: every core this process may use), shared out
    # among the decodes that run side by side (decode_workers).
    cpu_threads: int = 0
    # The prompted decode runs beside the unprompted one, on a second CTranslate2 replica that
    # shares the weights: beam search on one thread leaves a core idle, and the two decodes of
    # a chunk need nothing from each other. 1 runs them one after the other.
    decode_workers: int = 2
    # The words come from an unprompted decode: the disfluency prompt made Whisper drop whole
    # sentences and write runs of "hmm". Empty means no prompt, as plain faster-whisper.
    initial_prompt: str = ""
    # Decoding is deterministic: beam search at temperature 0, no sampled fallback. CTranslate2
    # seeds its sampler once per worker thread (ctranslate2.set_random_seed does not reset a
    # thread's generator), so sampling made a decode depend on what the process decoded before.
    # A stretch that loops or compresses too well is decoded again by the guard in a shorter
    # window with loop_block_ngram: real speech WER 0.256 against 0.272 with faster-whisper's
    # sampled fallback (python -m mockloop.analysis.eval --only real).
    temperature: float = 0.0
    # In that second decode no n-gram this long may repeat: it cannot write the loop again.
    loop_block_ngram: int = 3
    # A second, prompted decode on the same encoder output, read only for the filled pauses it
    # writes into the gaps between the words above (each then checked against the audio).
    # Empty turns it off.
    filler_prompt: str = "Um, uh, hmm, er, ah."
    # Beam search finds the fillers greedy decoding misses: real speech 22/26 exact counts with
    # 5, 21/26 with 1 (python -m mockloop.analysis.eval --only real).
    filler_beam_size: int = 5
    # Where the two decodes differ by a word or two, keep the one with the higher mean word
    # log-probability (analysis/confident_words.py). WER, mockloop without / with (plain
    # faster-whisper): long answers 0.079 / 0.070 (0.074), espeak 0.102 / 0.097 (0.101), piper
    # 0.045 / 0.042 (0.045), real 0.259 / 0.253 (0.294) (python -m mockloop.analysis.eval --baseline).
    prefer_confident_words: bool = True
    # The transcript guard (analysis/guard.py): check each chunk's words against its audio and
    # decode again what the audio does not support. Off gives plain faster-whisper's words.
    guard: bool = True
    guard_window_s: float = 10.0  # a failing stretch is decoded again alone, in windows this long at most
    # Repeats said but written once ("we, we will" as "we will"), found from the prompted decode
    # and the audio and kept beside the words (analysis/heard_repeats.py); needs the guard.
    heard_repeats: bool = True
    repeats: RepeatSettings = RepeatSettings()


@dataclass(frozen=True)
class DeliverySettings:
    target_wpm_low: float = 120.0
    target_wpm_high: float = 170.0
    fillers_per_minute_ok: float = 5.0  # at or below: listeners do not mark it down
    fillers_per_minute_bad: float = 12.0  # listeners rate this as hurting effectiveness
    # A drill on long pauses is met at or below this rate: a thinking pause a minute is fine, a
    # second one in a 60 s drill is stalling. Chosen for coaching, not fitted to listener ratings.
    long_pauses_per_minute_ok: float = 1.0
    marker_gap_warn_s: float = 120.0  # a stretch this long without signposting gets a tip


@dataclass(frozen=True)
class UncertaintySettings:
    """When a word, a quote or a whole transcript is shown as uncertain (see analysis/uncertainty.py)."""

    # Chosen with benchmarks/word_confidence.py (tiny.en, the mockloop pipeline): 938 words of 34
    # recordings with exact references (the 26 real ones in ../shared/audio, 8 synthetic espeak-ng
    # answers with room tone; the run was cut short on the loaded machine), 14% of them wrong. Under 0.5 a word is wrong 43% of the time
    # (3x the base rate) and a third of the wrong words are caught while 7% of the right ones are
    # marked. 0.4 catches fewer (23%) at no better precision (39%); 0.6 marks 11% of right words,
    # which litters a clean answer with marks, for 45% of the wrong ones.
    word_min_probability: float = 0.5
    # Per recording, at 0.5: every one with WER <= 0.22 has at most 18% uncertain words (clean ones
    # 0-10%); those with WER >= 1 (cut-off words) have 31-56%, and French- or German-accented
    # espeak-ng English, which tiny.en turns into fluent nonsense, 35-40% already under 0.4.
    unreliable_share: float = 0.25
    unreliable_min_words: int = 8  # a share of fewer words than this says nothing about the answer


@dataclass(frozen=True)
class CompareSettings:
    """The smallest change between two takes that `compare` calls improved or regressed.

    Within these, two takes are "about the same": two analyses of one recording (file and live
    transcription, or a re-run) differ by about this much, so smaller changes are not progress.
    """

    fillers_per_minute: float = 0.5
    words_per_minute: float = 5.0
    long_pauses: float = 0.0  # measured from the audio alone: the same recording gives the same count
    decision_markers: float = 1.0  # counted in the words, which one word more or less can change
    hedges: float = 1.0
    content_score_points: float = 5.0
    delivery_score_points: float = 3.0
    pitch_range_semitones: float = 0.5  # Praat's spread moves a few tenths between two takes read alike
    monotone_answers: float = 0.0  # a count of flagged answers: one more or fewer is a change
    # Measured on the real recordings of shared/audio (three 25 s monologues and jfk): the two
    # halves of one recording differ by 2.6-3.2 dB in the 10th-90th percentile spread of their
    # voiced frames' level in three of the four (by 18 dB in the fourth).
    intensity_range_db: float = 3.0
    uptalk: float = 1.0
    repetitions: float = 1.0
    # A spoken sentence lasts about 5 s: a point heard one sentence earlier or later (a commit
    # phrase one word away from being recognised) is not progress.
    first_point_s: float = 5.0
    longest_without_decision_s: float = 5.0

    def tolerance(self, metric: str) -> float:
        """The tolerance for a metric named as in review.metrics.METRICS (scores are in points)."""
        for name in (metric, f"{metric}_points"):
            if hasattr(self, name):
                return float(getattr(self, name))
        return 0.0


@dataclass(frozen=True)
class ProsodySettings:
    pitch_floor_hz: float = 75.0  # Praat's default pitch floor for speech
    pitch_ceiling_hz: float = 500.0  # high enough for a high voice's rise at the end of a sentence
    # Below this 10th-90th percentile spread a voice sounds flat. Measured: espeak-ng speech with
    # SSML range x-low spans ~1 semitone, medium ~3.8, x-high ~5.4; read and spontaneous human
    # speech here spans 6-10. The threshold sits between the flat and the ordinary clusters.
    monotone_range_semitones: float = 2.5
    # A statement "ends on a rise" when its last voiced frames sit this far above the lowest
    # pitch of its last word(s). Rises heard as question-like are several semitones; declarative
    # endings fall to their lowest point (measured: see prosody_eval).
    uptalk_rise_semitones: float = 2.0
    final_region_s: float = 0.45  # at least this much of the end of a sentence is looked at
    final_tail_s: float = 0.08  # voiced frames just after the last word's written end count too
    final_tail_frames: int = 4  # frames averaged for the end level
    min_final_voiced_frames: int = 8
    min_final_pause_s: float = 0.25  # a statement ends where the speaker stops (the silent-pause threshold)
    # Whisper sometimes writes a comma where the speaker ended a sentence and glues the next one on
    # ("... the holiday peak, I chose Kafka ..."). A comma followed by a silence this long is taken
    # as a sentence end for the ending measures. 0.5 s is twice the silent-pause threshold, in
    # the middle of the 0.2-1 s "medium" pause class of Campione & Véronis ("A large-scale
    # multilingual study of silent pause duration", Speech Prosody 2002); chosen, not fitted.
    comma_sentence_pause_s: float = 0.5
    # Last word this much quieter than the rest of its sentence. Measured: statements said evenly
    # end 0-6 dB below their body (ordinary final lowering); espeak-ng x-soft endings 8-14 dB.
    trail_off_db: float = 7.0
    flat_window_s: float = 10.0  # length of the stretches searched for the flattest pitch
    flattest_count: int = 3
    min_window_voiced_frames: int = 50


@dataclass(frozen=True)
class ConcisenessSettings:
    # Plain-English guidance puts a readable sentence at 15-25 words on average; a spoken sentence
    # more than 40 words long (by Whisper's punctuation) is one a listener loses the thread of.
    run_on_words: int = 40


@dataclass(frozen=True)
class Settings:
    pauses: PauseSettings = PauseSettings()
    filled_pauses: FilledPauseSettings = FilledPauseSettings()
    transcribe: TranscribeSettings = TranscribeSettings()
    delivery: DeliverySettings = DeliverySettings()
    uncertainty: UncertaintySettings = UncertaintySettings()
    compare: CompareSettings = CompareSettings()
    prosody: ProsodySettings = ProsodySettings()
    conciseness: ConcisenessSettings = ConcisenessSettings()


DEFAULT_SETTINGS = Settings()


def config_path() -> Path:
    from platformdirs import user_config_dir

    override = os.environ.get("MOCKLOOP_CONFIG")
    return Path(override) if override else Path(user_config_dir("mockloop")) / "config.toml"


def read_config_file(path: Path | None = None) -> dict:
    """The user's config file as a dict; empty when there is none."""
    path = path or config_path()
    if not path.exists():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise MockloopError(f"{path}: not a valid TOML config file ({exc})") from exc
    except OSError as exc:
        raise MockloopError(f"{path}: cannot read config file ({exc.strerror})") from exc


CONFIG_KEYS = ("model",)  # every setting the config file may hold


def unknown_config_keys(data: dict) -> list[str]:
    """Settings in the config file that mockloop does not know (a typo is otherwise silent)."""
    return [key for key in data if key not in CONFIG_KEYS]


def configured_model(cli_value: str | None) -> str | None:
    """The model the user asked for, or None for the embedded default."""
    if cli_value:
        return cli_value
    if os.environ.get("MOCKLOOP_MODEL"):
        return os.environ["MOCKLOOP_MODEL"]
    value = read_config_file().get("model")
    return str(value) if value else None
