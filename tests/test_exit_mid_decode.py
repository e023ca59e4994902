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
