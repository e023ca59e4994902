"""The review commands: ``replay``, ``report``, ``history``, ``compare``, ``export``, ``delete``.

``register(app)`` adds them to the main Typer app (``mockloop.cli.app`` calls it). Each command opens
sessions through ``mockloop.review.loader``, which turns a bad id, a damaged folder or an old
schema into a one-line MockloopError that ``mockloop.cli.app.main`` prints. Only ``delete`` changes
anything in the sessions folder (besides the disposable index).
"""

from __future__ import annotations

import shutil
import sys
import webbrowser
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from mockloop.display import number
from mockloop.errors import InputError, MockloopError

stdout = Console(markup=False)  # user text (ids, titles, paths) is never read as markup
stderr = Console(stderr=True, markup=False)

SESSION_HELP = "Session id from `mockloop sessions`, a unique start of one, or `last`."
SESSIONS_DIR_HELP = "Folder of saved sessions (default: $MOCKLOOP_HOME/sessions, else the user data folder)."
SHORT_LABELS = {
    "fillers_per_minute": "fill/min", "words_per_minute": "wpm", "long_pauses": "long p.", "decision_markers": "markers",
    "hedges": "hedges", "pitch_median_hz": "pitch Hz", "pitch_range_semitones": "pitch st", "monotone_answers": "flat",
    "intensity_range_db": "loud dB", "uptalk": "uptalk", "repetitions": "repeats", "first_point_s": "1st point s",
    "longest_without_decision_s": "no point s", "content_score": "content", "delivery_score": "delivery",
}
DRILLS_HELP = "Only drills (--drills) or only full sessions (--no-drills); both when not given."
VERDICT_STYLE = {"improved": "green", "regressed": "red", "same": "dim", "-": "dim", "": "dim"}


def register(app: typer.Typer) -> None:
    """Add the review commands to ``app``."""
    for name, fn in (
        ("replay", replay), ("report", report), ("history", history), ("compare", compare), ("export", export),
        ("delete", delete), ("rescore", rescore),
    ):
        app.command(name)(fn)


def _store(sessions_dir: Optional[Path]):
    from mockloop.sessions import SessionStore

    return SessionStore(sessions_dir)


def _open(sessions_dir: Optional[Path], session_id: str):
    from mockloop.review.loader import open_session

    store = _store(sessions_dir)
    return open_session(store, store.resolve(session_id))


def _version() -> str:
    from mockloop import __version__

    return __version__


# --- replay --------------------------------------------------------------------------------------


def replay(
    session_id: str = typer.Argument(..., metavar="SESSION", help=SESSION_HELP),
    answer: Optional[int] = typer.Option(None, "--answer", help="Answer number (default: the first analysed one)."),
    start: Optional[str] = typer.Option(None, "--from", help="Start here: seconds or m:ss."),
    speed: float = typer.Option(1.0, "--speed", help="Playback speed, 0.1 to 100 (1.25 = a quarter faster, same pitch)."),
    fillers: bool = typer.Option(False, "--fillers", help="Play only the moments around each filler and long pause."),
    no_audio: bool = typer.Option(False, "--no-audio", help="Replay the transcript at speaking pace without sound."),
    output_device: Optional[str] = typer.Option(None, "--output-device", help="Speaker: number or name part."),
    sessions_dir: Optional[Path] = typer.Option(None, "--sessions-dir", help=SESSIONS_DIR_HELP),
) -> None:
    """Replay an answer with its transcript in sync: fillers, hedges, pauses and markers marked."""
    from mockloop.review.players import MAX_SPEED, MIN_SPEED, AudioPlayer, SilentPlayer
    from mockloop.review.keys import cbreak_keys
    from mockloop.review.replay import INTERVIEWER_STYLE, Replay, parse_time, reel

    if not MIN_SPEED <= speed <= MAX_SPEED:
        raise InputError(f"--speed {speed:g} is out of range; use {MIN_SPEED:g} to {MAX_SPEED:g}.")
    view = _open(sessions_dir, session_id)
    chosen = view.answer(answer)
    analysis = chosen.analysis
    offset = parse_time(start)
    duration = float(analysis.get("duration_s") or chosen.duration_s or 0.0)
    if offset >= duration > 0:
        raise InputError(f"--from {start} is past the end of answer {chosen.index} ({duration:.0f} s).")
    player = None
    if not no_audio and chosen.audio is not None:
        try:
            player = AudioPlayer(chosen.audio, speed=speed, start_s=offset, device=output_device)
        except MockloopError as exc:
            stderr.print(f"No sound ({exc}); replaying the transcript only.", markup=False, highlight=False, soft_wrap=True)
    if player is None:
        player = SilentPlayer(duration, speed=speed, start_s=offset)
    interactive = sys.stdin.isatty() and stdout.is_terminal and not fillers
    stdout.print(Text.assemble(("Replaying ", ""), (f"{view.id} answer {chosen.index}", "bold"), ("  ", ""),
                               ("filler ", "bold dark_orange"), ("hedge ", "magenta"), ("marker ", "bold blue"), ("[pause s] ", "dim"), ("» interviewer", INTERVIEWER_STYLE)))
    try:
        if fillers:
            if reel(analysis, player, stdout) == 0:
                stdout.print("No fillers or long pauses in this answer.")
        elif interactive:
            with cbreak_keys() as read_key:
                Replay(analysis, player, stdout, interactive=True, read_key=read_key).run(offset)
        else:
            Replay(analysis, player, stdout).run(offset)
    finally:
        player.stop()


# --- report --------------------------------------------------------------------------------------


def report(
    session_id: Optional[str] = typer.Argument(None, metavar="[SESSION]", help="Session id (omit with --history)."),
    out: Optional[Path] = typer.Option(None, "--out", help="HTML file to write (default: mockloop-SESSION.html here)."),
    open_it: bool = typer.Option(False, "--open", help="Open the report in the web browser."),
    show_history: bool = typer.Option(False, "--history", help="A report of trends across sessions instead."),
    kind: Optional[str] = typer.Option(None, "--kind", help="With --history: only this kind of round."),
    last: Optional[int] = typer.Option(None, "--last", help="With --history: only the last N sessions."),
    drills: Optional[bool] = typer.Option(None, "--drills/--no-drills", help="With --history: " + DRILLS_HELP),
    sessions_dir: Optional[Path] = typer.Option(None, "--sessions-dir", help=SESSIONS_DIR_HELP),
) -> None:
    """Write one self-contained HTML report (audio embedded) of a session, or of --history."""
    from mockloop.review.html_report import history_report, session_report

    if show_history:
        rows = _history_rows(sessions_dir, kind, last, drills)
        from mockloop.cli.practice import skills_summary

        what = {None: "", True: " (drills)", False: " (full sessions)"}[drills]
        html = history_report(rows, f"Progress{' in ' + kind.replace('_', ' ') if kind else ''}{what}", _version(),
                              skills=skills_summary(sessions_dir, kind, last, drills))
        target = out or Path("mockloop-history.html")
    else:
        if not session_id:
            raise InputError("Give a session id (see `mockloop sessions`), or --history.")
        view = _open(sessions_dir, session_id)
        html = session_report(view, _version())
        target = out or Path(f"mockloop-{view.folder.name}.html")  # the checked folder name, never session.json's text
        for problem in view.problems():
            stderr.print(f"warning: {problem}", markup=False, highlight=False, soft_wrap=True)
    _write_private(target, html)
    stdout.print(f"Report written to {target}", markup=False, highlight=False)
    if open_it:
        webbrowser.open(target.resolve().as_uri())


# --- history -------------------------------------------------------------------------------------


def _history_rows(sessions_dir: Optional[Path], kind: Optional[str], last: Optional[int], drills: Optional[bool] = None) -> list[dict]:
    from mockloop.review.index import SessionIndex

    if last is not None and last < 1:
        raise InputError("--last must be 1 or more.")
    index = SessionIndex(_store(sessions_dir))
    try:
        rows = index.history(kind=kind, last=last, drills=drills)
        if index.notice:
            stderr.print(f"warning: {index.notice}", markup=False, highlight=False, soft_wrap=True)
        for session_id, problem in index.problems():
            stderr.print(f"warning: skipped {session_id}: {problem}", markup=False, highlight=False, soft_wrap=True)
    finally:
        index.close()
    return rows


def history(
    kind: Optional[str] = typer.Option(None, "--kind", help="Only this kind of round (system_design, behavioral, ...)."),
    last: Optional[int] = typer.Option(None, "--last", help="Only the last N sessions."),
    drills: Optional[bool] = typer.Option(None, "--drills/--no-drills", help=DRILLS_HELP),
    sessions_dir: Optional[Path] = typer.Option(None, "--sessions-dir", help=SESSIONS_DIR_HELP),
) -> None:
    """Trends across sessions: fillers/min, words/min, pauses, markers, scores, and how it sounded (pitch, loudness, uptalk, repetitions, time to a point)."""
    from mockloop.review.metrics import HOW_IT_SOUNDED, METRICS
    from mockloop.review.sparkline import sparkline

    rows = _history_rows(sessions_dir, kind, last, drills)
    what = {None: "sessions", True: "drills", False: "full sessions"}[drills]
    if not rows:
        stdout.print(f"No analysed {what}{' of kind ' + kind if kind else ''} yet.")
        return
    wide = stdout.width >= 120
    n_drills = sum(1 for row in rows if row.get("drill_item"))
    of_which = f" ({n_drills} of them drills)" if drills is None and n_drills else ""
    noun = what if len(rows) != 1 else what[:-1]
    sounded = [name for name, _, _ in METRICS if name in HOW_IT_SOUNDED]
    tables = (
        (f"Progress over {len(rows)} {noun}{of_which}, oldest first", [n for n, _, _ in METRICS if n not in HOW_IT_SOUNDED]),
        ("How it sounded, oldest first (- where not measured)", sounded),
    )
    for title, names in tables:
        table = Table(title=title)
        table.add_column("session", no_wrap=True)
        if wide:
            table.add_column("prompt", max_width=28, no_wrap=True)
        for name in names:
            table.add_column(SHORT_LABELS[name], justify="right")
        for row in rows:
            prompt = [Text(row["prompt_title"] or row["prompt_id"] or "-")] if wide else []
            table.add_row(_session_cell(row), *prompt, *[number(n, row.get(n)) for n in names])
        table.add_row("trend", *([""] if wide else []), *[sparkline([row.get(n) for row in rows]) for n in names], style="bold cyan")
        stdout.print(table)
    from mockloop.cli.practice import show_skills

    show_skills(sessions_dir, kind, last, drills)


def _session_cell(row: dict) -> Text:
    """The session id; under a drill's, "drill, take 2" (the prompt column and the per-skill
    table name what it drilled)."""
    cell = Text(row["id"])
    if row.get("drill_item"):
        cell.append(f"\ndrill{', take ' + str(row['drill_take']) if row.get('drill_take') else ''}", style="dim")
    return cell


def _fmt(value) -> str:
    if value is None:
        return "-"
    return f"{value:g}" if isinstance(value, float) else str(value)


# --- compare -------------------------------------------------------------------------------------


def compare(
    session_a: str = typer.Argument(..., metavar="SESSION_A", help="The earlier take."),
    session_b: str = typer.Argument(..., metavar="SESSION_B", help="The later take."),
    sessions_dir: Optional[Path] = typer.Option(None, "--sessions-dir", help=SESSIONS_DIR_HELP),
) -> None:
    """Two takes side by side: what improved and what regressed, metric by metric."""
    from mockloop.review.compare import compare as compare_takes
    from mockloop.review.metrics import HOW_IT_SOUNDED, METRICS

    metric_by_label = {label: name for name, label, _ in METRICS}

    a, b = _open(sessions_dir, session_a), _open(sessions_dir, session_b)
    result = compare_takes(a, b)
    if not result.same_prompt:
        stderr.print(
            f"warning: different prompts ({a.record.prompt.get('id')} vs {b.record.prompt.get('id')}); rubric items may not line up.",
            markup=False, highlight=False,
        )
    sounded = [row for row in result.metrics if metric_by_label[row.name] in HOW_IT_SOUNDED]
    delivery = [row for row in result.metrics if metric_by_label[row.name] not in HOW_IT_SOUNDED]
    for title, rows in (("Delivery and scores", delivery), ("How it sounded", sounded), ("Rubric", result.rubric)):
        table = Table(title=title)
        for column in ("", a.id, b.id, ""):
            table.add_column(column, justify="left" if not column else "right")
        for row in rows:
            label = "about the same" if row.verdict == "same" else row.verdict
            key = metric_by_label.get(row.name, row.name)
            table.add_row(row.name, number(key, row.before), number(key, row.after), Text(label, style=VERDICT_STYLE[row.verdict]))
        stdout.print(table)
    stdout.print(Text.assemble(("Improved: ", "bold green"), ", ".join(result.improved) or "nothing"))
    stdout.print(Text.assemble(("Regressed: ", "bold red"), ", ".join(result.regressed) or "nothing"))


def _write_private(target: Path, text: str) -> None:
    """Reports and exports hold the candidate's answers: written 0600 like the sessions."""
    from mockloop.privacy import write_private_text

    try:
        write_private_text(target, text)
    except OSError as exc:
        raise InputError(f"Cannot write {target}: {exc.strerror or exc}.") from None


# --- export and delete ---------------------------------------------------------------------------


def export(
    session_id: str = typer.Argument(..., metavar="SESSION"),
    fmt: str = typer.Option("md", "--format", help="md (Markdown) or json."),
    out: Optional[Path] = typer.Option(None, "--out", help="Write to this file instead of standard output."),
    sessions_dir: Optional[Path] = typer.Option(None, "--sessions-dir", help=SESSIONS_DIR_HELP),
) -> None:
    """Export a session as Markdown or JSON to share with a coach."""
    from mockloop.review.export import to_json, to_markdown

    if fmt not in ("md", "json"):
        raise InputError(f"--format {fmt} is not known; use md or json.")
    view = _open(sessions_dir, session_id)
    text = to_json(view) if fmt == "json" else to_markdown(view)
    if out is None:
        sys.stdout.write(text)
        return
    _write_private(out, text)
    stderr.print(f"Exported to {out}", markup=False, highlight=False)


def delete(
    session_id: str = typer.Argument(..., metavar="SESSION"),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
    sessions_dir: Optional[Path] = typer.Option(None, "--sessions-dir", help=SESSIONS_DIR_HELP),
) -> None:
    """Delete a session folder (its audio, analysis and scorecard) for good."""
    from mockloop.review.index import SessionIndex

    store = _store(sessions_dir)
    session_id = store.resolve(session_id)
    folder = store.root / session_id
    if not folder.is_dir() or folder.is_symlink():
        raise InputError(f"No session {session_id} in {store.root} (see `mockloop sessions`).")
    store.check_not_recording(session_id)
    if not yes:
        if not sys.stdin.isatty():
            raise InputError(f"Deleting {session_id} needs confirmation: add --yes.")
        if not typer.confirm(f"Delete session {session_id} and its recordings?", default=False):
            stdout.print("Kept.")
            return
    try:
        shutil.rmtree(folder)
    except OSError as exc:
        raise InputError(f"Cannot delete {folder}: {exc.strerror or exc}.") from None
    try:
        index = SessionIndex(store)
        index.remove(session_id)
        index.close()
    except MockloopError:
        pass  # the index heals itself on the next sync
    stdout.print(f"Deleted session {session_id}.")


# --- rescore -------------------------------------------------------------------------------------


def rescore(
    session_id: str = typer.Argument(..., metavar="SESSION", help=SESSION_HELP),
    answer: Optional[List[int]] = typer.Option(None, "--answer", help="Only this answer number (repeat for more; default: all)."),
    model: Optional[str] = typer.Option(None, "--model", help="Whisper model name or folder (default: embedded tiny.en; env MOCKLOOP_MODEL)."),
    sessions_dir: Optional[Path] = typer.Option(None, "--sessions-dir", help=SESSIONS_DIR_HELP),
) -> None:
    """Score a session's answers again from their saved audio (interrupted, failed or older ones)."""
    from mockloop.analysis.pipeline import Analyzer
    from mockloop.analysis.transcribe import resolve_model
    from mockloop.config import configured_model
    from mockloop.review.rescore import rescore_session

    chosen_model = configured_model(model)
    store = _store(sessions_dir)
    session_id = store.resolve(session_id)
    store.check_not_recording(session_id)
    store.open(session_id)  # a bad or damaged session fails here, before the model loads
    resolve_model(chosen_model)  # a bad --model fails before anything is read or written
    analyzer = Analyzer(chosen_model)
    result = rescore_session(
        store, session_id, analyzer, answers=answer,
        on_answer=lambda index: stderr.print(f"Scoring answer {index} again...", highlight=False),
    )
    table = Table(title=f"Session {session_id} rescored")
    for column in ("answer", "delivery", "content", ""):
        table.add_column(column)
    for item in result.answers:
        if item.error:
            table.add_row(str(item.index), _fmt(item.before[0]), _fmt(item.before[1]), Text("kept: not scored again", style="red"))
        else:
            table.add_row(
                str(item.index), f"{_fmt(item.before[0])} -> {_fmt(item.after[0])}", f"{_fmt(item.before[1])} -> {_fmt(item.after[1])}", "",
            )
    overall = result.session.record.overall
    table.add_row("overall", _fmt(overall.get("delivery_score")), _fmt(overall.get("content_score")), "", style="bold")
    stdout.print(table)
    for item in result.answers:
        if item.note:
            stderr.print(f"mockloop: warning: answer {item.index}: {item.note}", markup=False, highlight=False, soft_wrap=True)
    for item in result.failed:
        stderr.print(f"mockloop: error: answer {item.index}: {item.error}", markup=False, highlight=False, soft_wrap=True)
    if result.failed:
        raise typer.Exit(1)
