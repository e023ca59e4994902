"""Replay an answer: the transcript scrolls in step with the sound, habits coloured.

``Replay`` walks the answer's timeline (``highlights.timeline``) against a player's clock. On a
terminal it draws a live window around the current word and obeys single keys (space, arrows,
f, p, q; read by ``mockloop.review.keys``); anywhere else it prints the words as they are
reached, so ``--no-audio --speed 50`` is a quick, testable read-through. The session folder is only read.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable, Optional

from rich.console import Console, Group
from rich.text import Text

from mockloop.review.highlights import Event, Pause, Said, Word, moments, timeline
from mockloop.timefmt import clock

STYLES = {"filler": "bold dark_orange", "hedge": "magenta", "marker": "bold blue", "uncertain": "underline yellow", "repetition": "cyan", "uptalk": "italic bold yellow", "asked": "green"}
SEEK_S = 5.0
LEAD_S = 1.0  # f and p land this long before the filler or pause, to hear it coming
TICK_S = 0.03
INTERVIEWER_STYLE = "bold green"


def parse_time(text: Optional[str]) -> float:
    """``"2:30"``, ``"150"`` or ``"1:02:03"`` as seconds."""
    from mockloop.errors import InputError

    if text in (None, ""):
        return 0.0
    try:
        seconds = 0.0
        for part in str(text).split(":"):
            seconds = seconds * 60 + float(part)
        if seconds < 0:
            raise ValueError
        return seconds
    except ValueError:
        raise InputError(f"{text!r} is not a time; use seconds or m:ss, e.g. --from 2:30.") from None


def styled(event: Event) -> Text:
    """One event as coloured text: a word, a pause shown as a gap with its length, or an
    interviewer's turn on a line of its own."""
    if isinstance(event, Pause):
        return Text(f"[{event.duration:.1f} s]", style="bold red" if event.long else "dim")
    if isinstance(event, Said):  # the interviewer, on a line of its own, named and in its own colour
        return Text(f"\n» {event.label} ({clock(event.start)}): {event.text}\n", style=INTERVIEWER_STYLE)
    style = " ".join(STYLES[t] for t in sorted(event.tags) if t in STYLES)
    # "?" after a word the model was unsure of, so it shows without colour too ("Kafka?")
    return Text(event.text + ("?" if "uncertain" in event.tags else ""), style=style or "")


@dataclass
class Replay:
    """Replays ``analysis`` against ``player`` (a SilentPlayer or AudioPlayer)."""

    analysis: dict
    player: object
    console: Console
    interactive: bool = False
    read_key: Optional[Callable[[float], Optional[str]]] = None

    def __post_init__(self):
        self.events = timeline(self.analysis)

    def run(self, start_s: float = 0.0, end_s: Optional[float] = None) -> None:
        """Play from ``start_s`` to ``end_s`` (default: the end); ``q`` or Ctrl-C stops."""
        end_s = self.player.duration_s if end_s is None else end_s
        self.player.seek(start_s)
        if self.interactive:
            self._run_live(end_s)
        else:
            self._run_plain(start_s, end_s)

    def _run_plain(self, start_s: float, end_s: float) -> None:
        pending = [e for e in self.events if start_s - 1e-6 <= e.start < end_s]
        for event in pending:
            while self.player.position() < event.start and not self.player.finished:
                time.sleep(min(TICK_S, max(0.0, (event.start - self.player.position()) / max(self.player.speed, 1e-6))))
            self.console.print(styled(event), end="" if isinstance(event, Said) else " ", soft_wrap=True)
        while self.player.position() < end_s - 1e-3 and not self.player.finished:
            time.sleep(TICK_S)
        self.console.print()

    def _run_live(self, end_s: float) -> None:
        from rich.live import Live

        with Live(self._frame(), console=self.console, refresh_per_second=20, transient=False) as live:
            while self.player.position() < end_s - 1e-3:
                key = self.read_key(TICK_S) if self.read_key else (time.sleep(TICK_S) or None)
                if key == "q":
                    break
                self._handle(key)
                live.update(self._frame())
                if self.player.finished:
                    break

    def _handle(self, key: Optional[str]) -> None:
        now = self.player.position()
        if key == " ":
            (self.player.resume if self.player.paused else self.player.pause)()
        elif key == "left":
            self.player.seek(now - SEEK_S)
        elif key == "right":
            self.player.seek(now + SEEK_S)
        elif key == "f":
            self._jump(now, lambda e: isinstance(e, Word) and "filler" in e.tags)
        elif key == "p":
            self._jump(now, lambda e: isinstance(e, Pause) and e.long)

    def _jump(self, now: float, wanted: Callable[[Event], bool]) -> None:
        """Seek to just before the next wanted event whose lead-in is still ahead, so pressing
        the key again moves on instead of landing on the same one."""
        nxt = next((e for e in self.events if wanted(e) and e.start - LEAD_S > now + 0.05), None)
        if nxt:
            self.player.seek(max(0.0, nxt.start - LEAD_S))

    def _frame(self) -> Group:
        now = self.player.position()
        current = max((i for i, e in enumerate(self.events) if e.start <= now), default=-1)
        text = Text()
        for i, event in enumerate(self.events[max(0, current - 60) : current + 25], start=max(0, current - 60)):
            piece = styled(event)
            if i == current:
                piece.stylize("reverse")
            elif i > current:
                piece.stylize("dim")
            text.append_text(piece)
            text.append(" ")
        state = "paused" if self.player.paused else "playing"
        status = Text(
            f"{clock(now)} / {clock(self.player.duration_s)}  {state}   space pause  ←/→ 5 s  f next filler  p next long pause  q quit",
            style="dim",
        )
        return Group(text, status)


def reel(analysis: dict, player, console: Console, context_s: float = 1.5) -> int:
    """Play only the moments around fillers and long pauses, back to back; return how many."""
    spots = moments(analysis, context_s)
    replay = Replay(analysis, player, console)
    for start, end, label in spots:
        console.print(Text(f"▶ {clock(start)}–{clock(end)}  {label}", style="bold"))
        replay.run(start, end)
    return len(spots)
