"""A command that exits while Whisper is still decoding exits with its own code.

Stream workers are daemon threads, so a command that stops on an error mid-answer (a full disk, a
lost microphone) can exit while one is inside CTranslate2. Without waiting for that decode, the
process sometimes crashed as it tore down (exit -11 or -6 instead of the command's code), so the
test checks the wait itself: no decode is still running once the exit handlers have run.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

SAMPLE = Path(__file__).resolve().parents[1] / "audio_fixtures" / "sample_answer.flac"

EXITS_MID_DECODE = textwrap.dedent(
    """
    import atexit, sys, time

    def report():  # registered first, so it runs after every handler mockloop registers
        print("decodes running at exit:", sys.modules["mockloop.analysis.transcribe"]._IN_FLIGHT._running)

    atexit.register(report)
    import numpy as np, soundfile as sf
    from mockloop.analysis import transcribe
    from mockloop.analysis.pipeline import Analyzer

    analyzer = Analyzer()
    analyzer.load()
    samples, _ = sf.read(sys.argv[1], dtype="float32")
    stream = analyzer.start_stream(live=True)
    stream.feed(np.concatenate([samples] * 3))
    deadline = time.monotonic() + 60
    while transcribe._IN_FLIGHT._running == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert transcribe._IN_FLIGHT._running > 0, "no decode started"
    sys.exit(3)
    """
)


@pytest.mark.slow
def test_exiting_while_a_chunk_is_decoded_waits_for_it_and_keeps_the_exit_code():
    done = subprocess.run([sys.executable, "-c", EXITS_MID_DECODE, str(SAMPLE)], capture_output=True, text=True, timeout=180)
    assert "decodes running at exit: 0" in done.stdout, done.stdout + done.stderr[-2000:]
    assert done.returncode == 3, done.stderr[-2000:]


FAILS_WHILE_THE_MODEL_LOADS = textwrap.dedent(
    """
    import sys, threading, time
    from mockloop.analysis.transcribe import Transcriber
    from mockloop.cli import app

    transcriber = Transcriber()
    threading.Thread(target=transcriber.load, daemon=True).start()
    deadline = time.monotonic() + 30
    while not (transcriber._lock.locked() and "ctranslate2" in sys.modules) and time.monotonic() < deadline:
        time.sleep(0.001)  # until the load is under way
    time.sleep(float(sys.argv[1]))  # then the moment of the failure, which the test sweeps
    sys.argv = ["mockloop", "analyze", sys.argv[2]]
    app.run()
    """
)


@pytest.mark.parametrize("fails_after_s", [0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5])
def test_a_command_that_fails_while_the_model_loads_exits_with_its_own_code_and_one_line(tmp_path, fails_after_s):
    """CTranslate2 aborted the process (-6) when it exited in the middle of a model load."""
    missing = tmp_path / "answer.wav"
    done = subprocess.run(
        [sys.executable, "-c", FAILS_WHILE_THE_MODEL_LOADS, str(fails_after_s), str(missing)],
        capture_output=True, text=True, timeout=120,
    )
    assert (done.returncode, done.stderr) == (2, f"mockloop: error: {missing}: no such file\n")
