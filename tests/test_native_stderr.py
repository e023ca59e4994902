"""C libraries' chatter on fd 2 (ALSA, PortAudio, libmpg123) stays off the user's terminal."""

import subprocess
import sys

CHILD = r"""
import ctypes, sys
from mockloop.audio_io.devices import quiet_native_stderr
libc = ctypes.CDLL(None)
with quiet_native_stderr():
    # what libasound does when PortAudio probes a machine without a sound card
    libc.dprintf(2, b"ALSA lib confmisc.c:855:(parse_card) cannot find card '0'\n")
print("mockloop: error: a message of ours", file=sys.stderr)
libc.dprintf(2, b"native output after the block is not hidden\n")
"""


def test_native_writes_inside_the_block_are_hidden_and_ours_still_show():
    done = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines() == ["mockloop: error: a message of ours", "native output after the block is not hidden"]
