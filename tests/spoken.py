"""A scripted candidate and a microphone's room tone, for the echo tests.

The candidate (espeak-ng, American voice) asks the interviewer a question whose answer is on the
fact sheet of ``PROMPT_ID``; tiny.en hears these words reliably in this voice.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import soundfile as sf

PROMPT_ID = "sd-robot-fleet-anomalies"
ASKED = "Before I design anything, can I ask who owns operations for the robots?"  # reaches the "teams" fact
RATE = 16000


# English function words. tiny.en mishears the candidate's short words as other short words
# ("sends at peak" as "sends that peak"), so a test that the interviewer's voice did not leak into
# the candidate's words looks for the interviewer's content words, which a leak brings with it.
FUNCTION_WORDS = frozenset(
    "a an the and or but so if then than that this these those there here it its is are was were be been "
    "being am do does did have has had will would can could should may might must shall i you he she we "
    "they me him her us them my your our their what which who whom when where why how not no of at in on "
    "to for from by with as about into over under up down out off".split()
)


def words_of(text: str) -> set[str]:
    """The words of ``text`` as the fact sheet compares them (lower case, no punctuation)."""
    from mockloop.content.facts import normalise

    return set(normalise(text).split())


def leaked_words(heard: set[str], interviewer: set[str], candidate: set[str]) -> set[str]:
    """Content words only the interviewer said that were heard as the candidate's."""
    return heard & (interviewer - candidate - FUNCTION_WORDS)


def speech(text: str, voice: str, folder: Path, gain: float) -> np.ndarray:
    """espeak-ng saying ``text`` at 165 words a minute, as 16 kHz float32 peaking at ``gain``."""
    raw = Path(folder) / f"{voice}-{len(text)}.wav"
    subprocess.run(["espeak-ng", "-v", voice, "-s", "165", "-w", str(raw), text], check=True)
    audio, rate = sf.read(raw, dtype="float32")
    audio = np.interp(np.arange(0, len(audio), rate / RATE), np.arange(len(audio)), audio)
    return (gain * audio / np.abs(audio).max()).astype(np.float32)


def room(seconds: float, rng) -> np.ndarray:
    """Room tone at -58 dBFS: a microphone's quiet, not digital silence."""
    return rng.normal(0, 10 ** (-58 / 20), int(RATE * seconds)).astype(np.float32)


# --- a whole conversation --------------------------------------------------------------------------
# A scripted candidate on PROMPT_ID's fact sheet. It asks how the data arrives (the critical
# "regions" fact) and waits; after the reply it poses a rhetorical question and answers it at
# once (no reply is due), asks the peak rate (the critical "volume" fact) and waits; after that
# reply it proposes a design and ends with a closing, with no Enter. It never asks who the users
# are (the critical "users" fact). tiny.en hears these sentences in these voices, also quieter
# and resampled (espeak-ng's "users" and "reviewers" it often does not).

ASKS_REGIONS = "Before I design anything, can I ask how the data arrives from the robots?"
RHETORICAL = "What happens when a robot loses its link for an hour?"
ANSWERS_ITSELF = "It keeps its readings and uploads them at the depot."
ASKS_VOLUME = "Do you know how many readings per second the fleet sends at peak?"
DESIGNS = "Great. So I would store every reading in a database, and a stream processor sends flags to the reviewers."
# Two closings, as people often say them: either one heard ends the turn, so one misheard word
# at a chunk's edge ("and my design") does not leave the answer running to the end of the file.
CLOSES = "That's my design. I'll stop there."
# What the candidate says between two replies of the interviewer: (sentence, voice, quiet after it).
CONVERSATION = (
    ((ASKS_REGIONS, "en-us", 0.0),),
    (("Thanks.", "en-us", 0.4), (f"{RHETORICAL} {ANSWERS_ITSELF}", "en-gb", 0.5), (ASKS_VOLUME, "en-us", 0.0)),
    ((DESIGNS, "en-us", 0.3), (CLOSES, "en-us", 0.0)),
)
CANDIDATE_TEXT = " ".join(sentence for turn in CONVERSATION for sentence, _, _ in turn)


def conversation_turns(folder: Path, rng, lead_s: float = 0.5, tail_s: float = 3.0) -> list[np.ndarray]:
    """CONVERSATION as one clip per candidate turn, with room tone before the first sentence and
    ``tail_s`` after each turn (the wait for a reply, or the quiet after the closing)."""
    clips = []
    for number, turn in enumerate(CONVERSATION):
        parts = [room(lead_s, rng)] if number == 0 else [room(0.3, rng)]
        for sentence, voice, after_s in turn:
            parts.append(speech(sentence, voice, folder, 0.5))
            if after_s:
                parts.append(room(after_s, rng))
        parts.append(room(tail_s, rng))
        clips.append(np.concatenate(parts))
    return clips


def interview_at_the_microphone(view, prompt, analyzer, folder: Path, time_limit_s: float, silence_stop_s: float):
    """Run one silent-style interview whose candidate is ``view`` (it plays into the sink) and
    wait until the reply it is speaking has been played: (session, store)."""
    from mockloop.interview.loop import Interview, InterviewSettings
    from mockloop.sessions import SessionStore

    store = SessionStore(Path(folder) / "sessions")
    settings = InterviewSettings(style="silent", max_probes=0, speak=True, time_limit_s=time_limit_s, silence_stop_s=silence_stop_s)
    view.interview = Interview(prompt, settings, store, view=view, analyzer=analyzer)
    session = view.interview.run()
    view.speaking.join(timeout=60)
    return session, store
