"""The interactive replay obeys its keys, in a real terminal, as a user at the keyboard sees it.

Each test starts ``python -m mockloop replay SESSION --no-audio`` in a pseudo-terminal (40 x 120,
the terminal's controlling process, so Ctrl-C works as typed), presses keys by writing to the
terminal, and reads the status line ("0:13 / 1:30  paused ...") from what the screen received.
Without sound the clock runs at real time, so the tests stay a few seconds long.
"""

from __future__ import annotations

import fcntl
import os
import re
import select
import struct
import subprocess
import sys
import termios
import time
from dataclasses import dataclass

import pytest

RIGHT, LEFT, CTRL_C = "\x1b[C", "\x1b[D", "\x03"
ANSI = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|[()][0-9A-B]|[=>])")
STATUS = re.compile(r"(\d+):(\d\d) / (\d+):(\d\d)\s+(playing|paused)")
WAIT_S = 20.0  # generous: the machine may be busy; passing tests return as soon as the screen shows it


@dataclass
class Status:
    seconds: int
    total: int
    state: str


class Terminal:
    """``mockloop ARGS`` in its own pseudo-terminal; ``press`` types, ``status`` reads the screen."""

    def __init__(self, *args: str):
        self.master, self.slave = os.openpty()
        fcntl.ioctl(self.slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        self.initial_modes = termios.tcgetattr(self.slave)
        env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "NO_COLOR")}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "mockloop", *args], stdin=self.slave, stdout=self.slave, stderr=self.slave,
            env={**env, "TERM": "xterm-256color"}, start_new_session=True, preexec_fn=_take_terminal,
        )
        self.screen = ""

    def press(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def read(self, seconds: float) -> None:
        """Collect what the program wrote during ``seconds``."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            ready, _, _ = select.select([self.master], [], [], min(left, 0.05))
            if ready:
                self.screen += ANSI.sub("", os.read(self.master, 65536).decode("utf-8", "replace"))

    def status(self) -> Status | None:
        """The status line last drawn."""
        found = STATUS.findall(self.screen)
        if not found:
            return None
        m, s, tm, ts, state = found[-1]
        return Status(int(m) * 60 + int(s), int(tm) * 60 + int(ts), state)

    def wait_for(self, wanted, timeout: float = WAIT_S) -> Status:
        """Read until the status line satisfies ``wanted``; fail with the screen's tail if it never does."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.read(0.05)
            status = self.status()
            if status is not None and wanted(status):
                return status
            if self.process.poll() is not None:
                break
        raise AssertionError(f"status never became as expected; last {self.status()}, exit {self.process.poll()}, screen ends {self.screen[-600:]!r}")

    def wait_exit(self, timeout: float) -> int:
        deadline = time.monotonic() + timeout
        while self.process.poll() is None and time.monotonic() < deadline:
            self.read(0.05)
        self.read(0.1)
        return self.process.poll()

    def modes(self) -> list:
        return termios.tcgetattr(self.slave)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        os.close(self.master)
        os.close(self.slave)


def _take_terminal() -> None:
    """In the child, after setsid: make the pseudo-terminal on stdin its controlling terminal."""
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


@pytest.fixture
def replay_in_terminal(make_session):
    """``replay_in_terminal(*extra_args)`` -> a Terminal replaying a fresh session, already playing."""
    opened: list[Terminal] = []

    def start(*extra: str) -> Terminal:
        terminal = Terminal("replay", make_session().id, "--no-audio", *extra)
        opened.append(terminal)
        terminal.wait_for(lambda s: s.state == "playing")
        return terminal

    yield start
    for terminal in opened:
        terminal.close()


def long_pause_starts(analysis: dict) -> list[float]:
    delivery = analysis["delivery"]
    return sorted(p["start"] for p in delivery["pauses"] if p["duration"] >= delivery["long_pause_threshold_s"])


def filler_starts(analysis: dict) -> list[float]:
    return sorted(f["start"] for f in analysis["delivery"]["fillers"])


def test_space_stops_the_clock_and_space_again_restarts_it(replay_in_terminal):
    terminal = replay_in_terminal()
    terminal.press(" ")
    paused = terminal.wait_for(lambda s: s.state == "paused")
    terminal.read(1.6)
    assert terminal.status() == paused  # same time, still paused

    terminal.press(" ")
    terminal.wait_for(lambda s: s.state == "playing")
    resumed = terminal.wait_for(lambda s: s.seconds >= paused.seconds + 1, timeout=5)
    assert resumed.state == "playing"


def test_the_arrows_seek_five_seconds_either_way(replay_in_terminal):
    terminal = replay_in_terminal("--from", "20")
    terminal.press(" ")
    before = terminal.wait_for(lambda s: s.state == "paused")
    assert before.seconds >= 20

    terminal.press(RIGHT)
    ahead = terminal.wait_for(lambda s: s.seconds != before.seconds)
    assert ahead.seconds == before.seconds + 5 and ahead.state == "paused"

    terminal.press(LEFT + LEFT)
    back = terminal.wait_for(lambda s: s.seconds != ahead.seconds)
    terminal.read(0.3)
    assert terminal.status().seconds == back.seconds == before.seconds - 5
    assert terminal.process.poll() is None  # an arrow is not a lone Esc: the replay goes on


def test_p_jumps_to_a_second_before_the_first_long_pause(replay_in_terminal, sample_analysis):
    first_long_pause = long_pause_starts(sample_analysis)[0]
    terminal = replay_in_terminal()
    terminal.press(" ")  # paused, the clock shows exactly where the jump landed
    paused = terminal.wait_for(lambda s: s.state == "paused")
    assert paused.seconds < first_long_pause - 2

    terminal.press("p")
    jumped = terminal.wait_for(lambda s: s.seconds != paused.seconds)
    assert jumped.seconds == pytest.approx(first_long_pause - 1.0, abs=0.5)  # the clock shows whole seconds


def test_f_jumps_to_the_next_filler_each_time_it_is_pressed(replay_in_terminal, sample_analysis):
    first, second = filler_starts(sample_analysis)[:2]
    terminal = replay_in_terminal()
    terminal.press(" ")
    paused = terminal.wait_for(lambda s: s.state == "paused")
    assert paused.seconds < first - 2

    terminal.press("f")
    at_first = terminal.wait_for(lambda s: s.seconds != paused.seconds)
    assert at_first.seconds == pytest.approx(first - 1.0, abs=1.0)  # the filler word's own start may differ a little
    terminal.press("f")
    at_second = terminal.wait_for(lambda s: s.seconds != at_first.seconds)
    assert at_second.seconds == pytest.approx(second - 1.0, abs=1.0)


def test_q_quits_at_once_with_status_0_and_gives_the_terminal_back(replay_in_terminal):
    terminal = replay_in_terminal()
    pressed = time.monotonic()
    terminal.press("q")
    assert terminal.wait_exit(timeout=WAIT_S) == 0
    assert time.monotonic() - pressed < 3.0
    assert_terminal_restored(terminal)


def test_ctrl_c_stops_with_status_130_and_gives_the_terminal_back(replay_in_terminal):
    terminal = replay_in_terminal()
    terminal.press(CTRL_C)
    assert terminal.wait_exit(timeout=WAIT_S) == 130
    assert "mockloop: interrupted" in terminal.screen
    assert_terminal_restored(terminal)


def test_the_replay_ends_by_itself_at_the_end_of_the_answer(replay_in_terminal):
    terminal = replay_in_terminal("--from", "1:27")
    assert terminal.wait_exit(timeout=WAIT_S) == 0
    assert terminal.status().seconds == terminal.status().total
    assert_terminal_restored(terminal)


def assert_terminal_restored(terminal: Terminal) -> None:
    lflag = 3
    modes = terminal.modes()
    assert modes[lflag] & (termios.ICANON | termios.ECHO) == termios.ICANON | termios.ECHO, "left in cbreak mode"
    assert modes == terminal.initial_modes
