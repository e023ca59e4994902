"""The ``interview``, ``devices`` and ``sessions`` commands, and the terminal view of an interview.

``register(app)`` adds the commands to the main Typer app (``mockloop.cli.app`` calls it); errors
reach the user through ``mockloop.cli.app.main``, which prints a MockloopError as one line and exits
with its code (130 for an interrupted interview). This is the only module of the interview
feature that prints: the loop itself (``mockloop.interview.loop``) reports through the
``TerminalView`` defined here.

Without a terminal (CI, a pipe) nothing waits for Enter and no live display is drawn: an answer
ends at the time limit, after the silence stop, or at the end of ``--answer-audio``.
"""

from __future__ import annotations

import select
import signal
import sys
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console, Group
from rich.live import Live
from rich.table import Table
from rich.text import Text

from mockloop.cli.options import number
from mockloop.timefmt import clock

# markup=False: paths, titles and transcripts hold user text such as "take [draft].wav"; styling
# goes through Text, never through markup in strings.
stdout = Console(markup=False)
stderr = Console(stderr=True, markup=False)

SESSIONS_DIR_HELP = "Folder of saved sessions (default: $MOCKLOOP_HOME/sessions, else the user data folder)."


def register(app: typer.Typer) -> None:
    """Add ``interview``, ``devices`` and ``sessions`` to ``app``."""
    app.command("interview")(interview)
    app.command("devices")(devices)
    app.command("sessions")(sessions)


# --- commands ------------------------------------------------------------------------------------


def interview(
    kind: Optional[str] = typer.Option(None, "--kind", help="Prompt kind: system_design, behavioral, scenario, technical, exec_explain."),
    company: Optional[str] = typer.Option(None, "--company", help="Pick a prompt in this company's style: scale_ai, sensetime, tiktok, generic."),
    prompt: Optional[str] = typer.Option(None, "--prompt", help="Prompt id from the bank (overrides --kind/--company)."),
    minutes: Optional[float] = typer.Option(None, "--minutes", callback=number(0, 24 * 60, above_low=True), help="Time limit of the main answer (default: the prompt's)."),
    style: str = typer.Option("silent", "--style", help="silent (Scale AI): answers only what is asked, no follow-ups; probing: follows up on gaps, quoting you; tiktok: follows up and cuts in around minute ten."),
    probes: int = typer.Option(2, "--probes", callback=number(0, 5), help="Most follow-up questions in the probing style."),
    speak: bool = typer.Option(True, "--speak/--no-speak", help="Speak the questions and the summary, or only show them."),
    voice: Optional[str] = typer.Option(None, "--voice", help="Interviewer voice id or name part (e.g. en-us)."),
    rate: Optional[int] = typer.Option(None, "--rate", callback=number(50, 600), help="Interviewer speaking rate, words per minute."),
    device: Optional[str] = typer.Option(None, "--device", help="Microphone: number or name part from `mockloop devices`."),
    output_device: Optional[str] = typer.Option(None, "--output-device", help="Speaker: number or name part."),
    samplerate: Optional[int] = typer.Option(None, "--samplerate", callback=number(8000, 384000), help="Recording sample rate in Hz (default 16000, else the device's)."),
    silence_stop: Optional[float] = typer.Option(
        None, "--silence-stop", callback=number(0), help="Seconds of silence that end an answer; 0 never (default: 12, none for system design)."
    ),
    answer_audio: Optional[List[Path]] = typer.Option(
        None, "--answer-audio", help="Answer from a recording instead of the microphone (repeat for follow-ups)."
    ),
    answer_speed: float = typer.Option(1.0, "--answer-speed", callback=number(0, 1000), help="Feed --answer-audio this many times real time (0: at once)."),
    model: Optional[str] = typer.Option(None, "--model", help="Whisper model name or folder."),
    interviewer: str = typer.Option(
        "rules", "--interviewer",
        help="rules: fact sheet and bank wording, all local; llm: an LLM words replies and follow-ups (the --judge llm endpoint: OPENAI_BASE_URL, MOCKLOOP_JUDGE_MODEL; sends your words there).",
    ),
    sessions_dir: Optional[Path] = typer.Option(None, "--sessions-dir", help=SESSIONS_DIR_HELP),
) -> None:
    """Run a voice mock interview: hear a prompt, answer aloud, get a scorecard."""
    from mockloop.config import configured_model
    from mockloop.interview.loop import Interview, InterviewSettings, choose_prompt
    from mockloop.sessions import SessionStore

    interactive = sys.stdin.isatty() and stdout.is_terminal
    settings = InterviewSettings(
        style=style, max_probes=probes, time_limit_s=minutes * 60 if minutes is not None else None,
        silence_stop_s=silence_stop, speak=speak, voice=voice, rate=rate, input_device=device,
        output_device=output_device, samplerate=samplerate, answer_audio=tuple(answer_audio or ()),
        answer_speed=answer_speed, model=configured_model(model), interactive=interactive,
        interviewer=interviewer,
    )
    chosen = choose_prompt(prompt, kind=kind, company=company)
    store = SessionStore(sessions_dir)
    store.check_root()  # a sessions folder that is a file fails before the model loads
    previous = signal.signal(signal.SIGTERM, _terminate_as_interrupt)
    try:
        Interview(chosen, settings, store, view=TerminalView(stdout, stderr, interactive)).run()
    finally:
        signal.signal(signal.SIGTERM, previous)


def devices() -> None:
    """List the microphones and speakers PortAudio sees (numbers and names for --device)."""
    from mockloop.audio_io.devices import list_devices

    found = list_devices()
    if not found:
        stderr.print("No audio devices found: PortAudio lists none. Use --answer-audio FILE and --no-speak.")
        return
    table = Table(title="Audio devices")
    for column in ("#", "name", "host API", "in", "out", "rate (Hz)", "default"):
        table.add_column(column, justify="right" if column in ("#", "in", "out", "rate (Hz)") else "left")
    for d in found:
        default = ", ".join(label for label, yes in (("microphone", d.is_default_input), ("speaker", d.is_default_output)) if yes)
        table.add_row(str(d.index), d.name, d.hostapi, str(d.max_input_channels), str(d.max_output_channels), f"{d.default_samplerate:.0f}", default)
    stdout.print(table)


def sessions(
    sessions_dir: Optional[Path] = typer.Option(None, "--sessions-dir", help=SESSIONS_DIR_HELP),
    reindex: bool = typer.Option(False, "--reindex", help="Rebuild the session index (used by history) from the session folders."),
) -> None:
    """List saved interview sessions, newest first."""
    from mockloop.sessions import SessionStore

    store = SessionStore(sessions_dir)
    if reindex:
        from mockloop.review.index import SessionIndex

        index = SessionIndex(store)
        try:
            count = index.rebuild()
        finally:
            index.close()
        if index.notice:
            stderr.print(f"warning: {index.notice}", markup=False, highlight=False, soft_wrap=True)
        stderr.print(f"Indexed {count} session folder{'s' if count != 1 else ''} in {index.path}.", markup=False, highlight=False, soft_wrap=True)
    entries = store.entries()
    if not entries:
        stdout.print(f"No sessions yet in {store.root}.", markup=False, highlight=False)
        return
    table = Table(title=Text(f"Sessions in {store.root}"))
    for column in ("id", "date", "prompt", "answers", "duration", "delivery", "content", "status"):
        table.add_column(column, justify="right" if column in ("answers", "duration", "delivery", "content") else "left")
    hints = []
    for entry in entries:
        if entry.session is None:
            table.add_row(entry.id, "", Text(entry.problem or "", style="red"), "", "", "", "", Text("damaged", style="red"))
            continue
        r = entry.session.record
        prompt = r.prompt.get("title") or r.prompt.get("id") or "-"
        status = "recording" if entry.session.is_being_recorded() else r.status
        table.add_row(
            r.id, Text(r.created_at[:16].replace("T", " ")), Text(prompt), str(len(r.answers)),
            clock(r.overall.get("duration_s") or r.duration_s), _score(r.overall.get("delivery_score")),
            _score(r.overall.get("content_score")), Text(status),
        )
        if status != "recording" and r.unscored_answers():
            count = len(r.unscored_answers())
            hints.append(
                f"Session {r.id} ({r.status}) has {count} answer{'s' if count != 1 else ''} not scored: "
                f"score {'them' if count != 1 else 'it'} with `mockloop rescore {r.id}`."
            )
    stdout.print(table)
    for hint in hints:
        stderr.print(hint, markup=False, highlight=False, soft_wrap=True)


def _score(value) -> str:
    return "-" if value is None else str(value)


def _terminate_as_interrupt(signum, frame):
    """SIGTERM ends an interview like Ctrl-C: files closed, session saved."""
    raise KeyboardInterrupt


# --- the terminal view ---------------------------------------------------------------------------


class TerminalView:
    """Shows the interview: prompt, a live level meter and timer while recording, the scorecard.

    Implements ``mockloop.interview.loop.InterviewView``. The live display is drawn only on a
    terminal; otherwise one line marks the start and the end of each answer.
    """

    METER_WIDTH = 30
    METER_FLOOR_DBFS = -60.0

    def __init__(self, out: Console, err: Console, interactive: bool):
        self.out = out
        self.err = err
        self.interactive = interactive
        self._live: Live | None = None
        self._index = 0
        self._limit_s = 0.0
        self._phases: list = []
        self._hint = ""
        self._scoring = None  # the "Scoring answer N" spinner while it runs

    def prompt_shown(self, prompt) -> None:
        where = ", ".join(part for part in (prompt.kind.replace("_", " "), getattr(prompt, "company", None)) if part)
        self.out.rule(Text.assemble((str(getattr(prompt, "title", None) or prompt.id), "bold"), f" ({where})"))

    def question_asked(self, index: int, role: str, text: str) -> None:
        label = "Question" if role == "main" else "Follow-up"
        self.out.print(Text.assemble((f"{label}: ", "bold"), text))

    def interviewer_said(self, index: int, kind: str, text: str) -> None:
        self.out.print(Text.assemble(("Interviewer: ", "bold"), text))

    def warning(self, message: str) -> None:
        self._stop_scoring()
        self.err.print(f"warning: {message}", markup=False, highlight=False, soft_wrap=True)

    def answer_started(self, index, recorder, limit_s, phases, stops) -> None:
        self._index, self._limit_s, self._phases = index, limit_s, phases
        ends = ", ".join(stops)
        if self.interactive:
            _discard_typed_input()
            self._hint = f"Press Enter to finish, Ctrl-C to stop. Ends {ends}."
            self._live = Live(self._render(recorder), console=self.out, refresh_per_second=8, transient=True)
            self._live.start()
        else:
            self.out.print(f"Recording answer {index} from {recorder.source.description}; ends {ends}; Ctrl-C stops.", markup=False)

    def tick(self, recorder) -> None:
        if self._live is not None:
            self._live.update(self._render(recorder))

    def enter_pressed(self) -> bool:
        if not self.interactive:
            return False
        readable, _, _ = select.select([sys.stdin], [], [], 0)
        if readable:
            sys.stdin.readline()
            return True
        return False

    def answer_finished(self, index, result) -> None:
        if self._live is not None:
            self._live.stop()
            self._live = None
        reason = result.stop_reason.value.replace("_", " ")
        self.out.print(f"Answer {index}: {clock(result.duration_s)} recorded ({reason}) -> {result.path}", markup=False)

    def analyzing(self, index: int) -> None:
        """On a terminal, a spinner with the seconds spent so far (scoring takes 30-90 s on a busy
        machine); otherwise one line."""
        if not self.err.is_terminal:
            self.err.print(f"Scoring answer {index}...", highlight=False)
            return
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        self._scoring = Progress(
            SpinnerColumn(), TextColumn(f"Scoring answer {index}: transcribing and judging"), TimeElapsedColumn(),
            console=self.err, transient=True,
        )
        self._scoring.add_task("", total=None)
        self._scoring.start()

    def _stop_scoring(self) -> None:
        if getattr(self, "_scoring", None) is not None:
            self._scoring.stop()
            self._scoring = None

    def analysis_ready(self, index: int, analysis) -> None:
        from mockloop.cli.scorecard_view import render_analysis

        self._stop_scoring()
        render_analysis(analysis, self.out)

    def asking_graded(self, index: int, lines: list[str]) -> None:
        self.out.print(Text("Clarifying questions", style="bold"))
        for line in lines:
            self.out.print(Text(f"  {line}"))

    def finished(self, session, summary: str) -> None:
        self._stop_scoring()
        record = session.record
        table = Table(title=Text(f"Session {record.id}"), show_header=True)
        for column in ("answer", "duration", "delivery", "content", "ended by"):
            table.add_column(column)
        for a in record.answers:
            table.add_row(
                f"{a.index}. {a.role}", clock(a.duration_s), _score(a.delivery_score), _score(a.content_score),
                (a.stop_reason or "-").replace("_", " "),
            )
        table.add_row(
            "overall", clock(record.overall.get("duration_s")), _score(record.overall.get("delivery_score")),
            _score(record.overall.get("content_score")), "", style="bold",
        )
        self.out.print(table)
        self.out.print(summary, markup=False)
        self.out.print(f"Saved in {session.folder}", markup=False)

    def _render(self, recorder) -> Group:
        from mockloop.interview.loop import phase_at

        elapsed = recorder.elapsed_s
        level = recorder.level_dbfs
        filled = int(round(self.METER_WIDTH * min(1.0, max(0.0, (level - self.METER_FLOOR_DBFS) / -self.METER_FLOOR_DBFS))))
        colour = "green" if level > -40 else "yellow" if level > -55 else "dim"
        meter = Text.assemble(
            ("● REC ", "bold red"), (f"answer {self._index}  ", "bold"),
            (f"{clock(elapsed)} / {clock(self._limit_s)}", "bold"), (f"  ({clock(max(0.0, self._limit_s - elapsed))} left)", ""),
        )
        phase = phase_at(self._phases, elapsed)
        if phase is not None:
            meter.append(f"   phase: {phase[0]} ({clock(phase[1])} left)", style="cyan")
        bar = Text.assemble(("level ", ""), ("█" * filled, colour), ("░" * (self.METER_WIDTH - filled), "dim"), (f" {level:5.0f} dBFS", "dim"))
        if recorder.silent_for_s >= 3:
            bar.append(f"   silent {recorder.silent_for_s:.0f} s", style="yellow")
        return Group(meter, bar, Text(self._hint, style="dim"))


def _discard_typed_input() -> None:
    """Forget keys pressed while the question was spoken, so they do not end the answer."""
    try:
        import termios

        termios.tcflush(sys.stdin, termios.TCIFLUSH)
    except (ImportError, OSError, ValueError):
        pass
