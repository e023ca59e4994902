"""From the end of the candidate's question to the first sound of the interviewer's reply.

What the interviewer must do once a question ends: decode the last stretch of speech (the rest
was transcribed while the candidate spoke), find the reply on the fact sheet, and start the voice.
Two ways, in the same run on the same spoken questions (espeak-ng, several voices, room tone):

- mockloop: decode only the last ``--tail`` seconds with tiny.en; the replies (every fact's answer
  and the style's neutral reply, a finite set) were rendered while the prompt was read, so the
  voice starts by playing a ready file;
- baseline: decode the whole question, then start the voice engine and render the reply.

First sound is the first audio block PortAudio takes from the output stream, on a private
PulseAudio null sink (tests/pulse.py) when pulseaudio is installed; without it the playback
start is left out and the table says so. Wall time (the machine is shared: CPU time, user+sys of
this process and of the voice engine's child, is printed beside it). The turn-end wait the
question detector needs (``conversation.ADDRESSED_WAIT_S`` / ``WAIT_S``) comes on top and is
printed separately.

Usage: python benchmarks/reply_latency.py [--tail 2.0] [--prompt sd-sensor-anomaly-review]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import soundfile as sf

REPO = Path(__file__).resolve().parents[1]
SAMPLE_RATE = 16000
VOICES = ("en-us", "en-gb", "en-gb-scotland")
QUESTIONS = (
    "Before I start, who are the main users of this system?",
    "Roughly how many readings per second do we get at peak?",
    "How does the data arrive from the plants, is the network reliable?",
    "How quickly does a flag need to reach a reviewer?",
    "Which team owns the ingestion today?",
    "What do we already have in place for this?",
    "Is there a budget I should design within?",
    "Do we need to support other languages in the review tool?",
)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def spoken_questions(folder: Path) -> list[tuple[str, np.ndarray]]:
    """Each question spoken by a voice in turn, at 16 kHz, led and followed by room tone."""
    from faster_whisper.audio import decode_audio

    from mockloop.audio_io.voice import Speaker

    rng = np.random.default_rng(7)
    clips = []
    for n, text in enumerate(QUESTIONS):
        path = Speaker(voice=VOICES[n % len(VOICES)], play=False).synthesize(text, folder / f"q{n}.wav")
        speech = decode_audio(str(path), sampling_rate=SAMPLE_RATE)
        tone = lambda seconds: (0.003 * rng.standard_normal(int(seconds * SAMPLE_RATE))).astype(np.float32)  # noqa: E731
        clips.append((text, np.concatenate([tone(0.8), speech, tone(0.3)])))
    return clips


def decode_s(model, audio: np.ndarray) -> tuple[float, float, str]:
    """(wall s, CPU s, text) of a greedy decode with word times, as the live stream decodes."""
    wall, cpu = time.perf_counter(), time.process_time()
    segments, _ = model.transcribe(audio, language="en", beam_size=1, word_timestamps=True, condition_on_previous_text=False)
    text = " ".join(segment.text.strip() for segment in segments)
    return time.perf_counter() - wall, time.process_time() - cpu, text


def first_block_s(path: Path) -> float:
    """Seconds from asking to play ``path`` to PortAudio taking its first block."""
    import sounddevice as sd

    start = time.perf_counter()
    data, rate = sf.read(str(path), dtype="float32", always_2d=True)
    first = threading.Event()
    position = [0]

    def callback(out, frames, _time, _status):
        first.set()
        chunk = data[position[0] : position[0] + frames]
        out[: len(chunk)] = chunk
        out[len(chunk) :] = 0
        position[0] += frames
        if position[0] >= len(data):
            raise sd.CallbackStop

    stream = sd.OutputStream(samplerate=rate, channels=data.shape[1], dtype="float32", callback=callback)
    with stream:
        first.wait(5.0)
        taken = time.perf_counter() - start
        stream.abort()
    return taken


@contextlib.contextmanager
def output_device(folder: Path):
    """A private PulseAudio null sink as the default output, or None when there is none."""
    sys.path.insert(0, str(REPO / "tests"))
    try:
        import pulse
    except ImportError:
        yield None
        return
    if pulse.missing_tools():
        yield None
        return
    server = pulse.PulseServer(folder / "pulse-server").start()
    try:
        with pulse.use_in_this_process(server):
            yield server
    finally:
        server.stop()


def reply_latency(prompt_id: str = "sd-sensor-anomaly-review", tail_s: float = 2.0) -> dict:
    from faster_whisper import WhisperModel

    from mockloop.analysis.transcribe import embedded_model_dir
    from mockloop.audio_io.voice import Speaker
    from mockloop.content.prompts import get_prompt
    from mockloop.interview.conversation import ADDRESSED_WAIT_S, WAIT_S
    from mockloop.interview.llm_interviewer import RulesInterviewer
    from mockloop.interview.styles import STYLES

    from mockloop.analysis.stream import StreamSettings

    addressed_wait_s, lookahead_s = ADDRESSED_WAIT_S, StreamSettings().lookahead_pause_s
    prompt = get_prompt(prompt_id)
    interviewer = RulesInterviewer(prompt, STYLES["silent"])
    model = WhisperModel(str(embedded_model_dir()), device="cpu", compute_type="int8", cpu_threads=2)
    rows = []
    with tempfile.TemporaryDirectory(prefix="mockloop-reply-") as tmp:
        folder = Path(tmp)
        questions = spoken_questions(folder)
        speaker = Speaker(play=False)
        # Pre-rendered while the prompt is read: every reply the rules can give.
        replies = {fact.answer: fact.answer for fact in prompt.facts}
        replies[interviewer.style.neutral_reply] = interviewer.style.neutral_reply
        ready = {text: speaker.synthesize(text, folder / f"reply{n}.wav") for n, text in enumerate(replies)}
        decode_s(model, questions[0][1])  # first-call warm-up, as the live stream has done by now
        with output_device(folder) as device:
            for text, audio in questions:
                _, _, heard = decode_s(model, audio)  # what the live stream already has
                tail = audio[-int((tail_s + 0.3) * SAMPLE_RATE) :]
                tail_wall, tail_cpu, _ = decode_s(model, tail)
                start = time.perf_counter()
                reply = interviewer.answer(heard)
                lookup = time.perf_counter() - start
                play = first_block_s(ready[reply.text]) if device is not None else 0.0

                whole_wall, whole_cpu, _ = decode_s(model, audio)
                child_cpu, start = _children_cpu(), time.perf_counter()
                rendered = speaker.synthesize(reply.text, folder / "cold.wav")
                render = time.perf_counter() - start
                render_cpu = _children_cpu() - child_cpu
                cold_play = first_block_s(rendered) if device is not None else 0.0
                # Live, the stream's look-ahead starts decoding LOOKAHEAD_PAUSE_S into the pause, while
                # the question detector is still waiting for the turn to end.
                overlapped = max(addressed_wait_s, lookahead_s + tail_wall) + lookup + play
                rows.append({
                    "question": text, "heard": heard, "fact": reply.fact, "with_wait_s": overlapped,
                    "mockloop_s": tail_wall + lookup + play, "mockloop_cpu_s": tail_cpu,
                    "baseline_s": whole_wall + lookup + render + cold_play, "baseline_cpu_s": whole_cpu + render_cpu,
                    "tail_decode_s": tail_wall, "play_start_s": play, "render_s": render,
                })
    return {
        "prompt": prompt_id, "tail_s": tail_s, "rows": rows, "playback_measured": device is not None,
        "turn_end_wait_s": (ADDRESSED_WAIT_S, WAIT_S), "cores": os.cpu_count(),
    }


def print_report(result: dict) -> None:
    rows = result["rows"]
    print(f"\nEnd of question to first sound of the reply, tiny.en, {result['cores']} cores, {len(rows)} questions ({', '.join(VOICES)})")
    if not result["playback_measured"]:
        print("  (no pulseaudio here: playback start not measured, left out of both columns)")
    print(f"{'':38s} {'median s':>9s} {'max s':>7s} {'median CPU s':>13s}")
    for label, key in ((f"mockloop (last {result['tail_s']:g} s, ready reply)", "mockloop"), ("baseline (whole question, cold voice)", "baseline")):
        wall = [r[f"{key}_s"] for r in rows]
        cpu = [r[f"{key}_cpu_s"] for r in rows]
        print(f"{label:38s} {statistics.median(wall):9.2f} {max(wall):7.2f} {statistics.median(cpu):13.2f}")
    print(f"  mockloop parts (median): tail decode {statistics.median(r['tail_decode_s'] for r in rows):.2f} s, "
          f"playback start {statistics.median(r['play_start_s'] for r in rows):.3f} s; baseline voice render "
          f"{statistics.median(r['render_s'] for r in rows):.2f} s")
    print(f"  facts reached: {sum(1 for r in rows if r['fact'])} of {len(rows)} questions; target median <= 1.0 s")
    addressed, plain = result["turn_end_wait_s"]
    print(f"  end to end with the detector's turn-end wait ({addressed:g} s for an addressed question; the look-ahead "
          f"decode runs during it): median {statistics.median(r['with_wait_s'] for r in rows):.2f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tail", type=float, default=2.0, help="seconds of speech decoded once the question ends")
    parser.add_argument("--prompt", default="sd-sensor-anomaly-review")
    args = parser.parse_args()
    print_report(reply_latency(args.prompt, args.tail))
    return 0


if __name__ == "__main__":
    sys.exit(main())
