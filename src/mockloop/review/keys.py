"""Single key presses from the terminal, for the interactive replay.

The keys are read from the file descriptor, not ``sys.stdin``: an arrow key arrives as three
bytes at once, and a buffered text stream would swallow the last two where ``select`` cannot see
them, so the arrow would look like a lone Esc. The terminal's settings are restored however the
replay ends (q, the end of the answer, Ctrl-C or an error).
"""

from __future__ import annotations

import codecs
import contextlib
import os
import select
import sys
from typing import Callable, Iterator, Optional

ARROWS = {"\x1b[C": "right", "\x1b[D": "left", "\x1bOC": "right", "\x1bOD": "left"}  # normal and application cursor mode
ESCAPE_WAIT_S = 0.05  # the rest of an escape sequence arrives within this


def split_keys(text: str) -> list[str]:
    """What the terminal sent, one key at a time.

    Arrows become ``"left"``/``"right"``, a lone Esc ``"q"``; other escape sequences (function
    keys, up/down) are dropped rather than read as Esc; letters are lower-cased.
    """
    keys: list[str] = []
    i = 0
    while i < len(text):
        if text[i] != "\x1b":
            keys.append(text[i].lower())
            i += 1
        elif text[i : i + 3] in ARROWS:
            keys.append(ARROWS[text[i : i + 3]])
            i += 3
        elif text[i + 1 : i + 2] in ("[", "O"):
            i += 2
            while i < len(text) and not "@" <= text[i] <= "~":  # parameters up to the final byte
                i += 1
            i += 1
        else:
            keys.append("q")
            i += 1
    return keys


def _incomplete_escape(text: str) -> bool:
    return text.endswith(("\x1b", "\x1b[", "\x1bO"))


@contextlib.contextmanager
def cbreak_keys(stream=None) -> Iterator[Callable[[float], Optional[str]]]:
    """Put the terminal in cbreak mode (no Enter, no echo; Ctrl-C still interrupts) and yield
    ``read_key(timeout)``, which returns the next key or None after ``timeout`` seconds."""
    import termios
    import tty

    fd = (stream or sys.stdin).fileno()
    saved = termios.tcgetattr(fd)
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    pending: list[str] = []

    def read(timeout: float) -> str:
        ready, _, _ = select.select([fd], [], [], timeout)
        if not ready:
            return ""
        try:
            data = os.read(fd, 256)
        except OSError:  # EIO: the terminal hung up
            data = b""
        return decoder.decode(data) if data else "q"  # no terminal, no more keys: stop

    def read_key(timeout: float) -> Optional[str]:
        if not pending:
            text = read(timeout)
            while text and _incomplete_escape(text):
                more = read(ESCAPE_WAIT_S)
                if not more:
                    break
                text += more
            pending.extend(split_keys(text))
        return pending.pop(0) if pending else None

    tty.setcbreak(fd)
    try:
        yield read_key
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)
