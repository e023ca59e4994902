"""The practice commands: ``drill`` (a focused drill, or a retake of a stretch) and ``plan``.

Thin: the planner is ``mockloop.review.plan``, drills are ``mockloop.interview.drill`` on top of
the interview loop. Errors are MockloopErrors, printed by ``mockloop.cli.app.main``.
"""

from __future__ import annotations

import dataclasses
import re
import sys
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from mockloop.errors import InputError

stdout = Console(markup=False)
stderr = Console(stderr=True, markup=False)
SESSIONS_DIR_HELP = "Folder of saved sessions (default: $MOCKLOOP_HOME/sessions, else the user data folder)."
MAX_TAKES = 3  # a drill offers retakes until the item is met, at most this many takes in all


def register(app: typer.Typer) -> None:
    app.command("drill")(drill)
    app.command("plan")(plan)


def parse_at(text: str) -> float:
    """``1:20`` or ``80`` (seconds) -> 80.0."""
    match = re.fullmatch(r"\s*(?:(\d+):)?(\d+(?:\.\d+)?)\s*", text or "")
    if not match or (match.group(1) is not None and float(match.group(2)) >= 60):
        raise InputError(f"--at {text!r} is not a time; give minutes:seconds (1:20) or seconds (80).")
    return int(match.group(1) or 0) * 60 + float(match.group(2))


def drill(
    item: Optional[str] = typer.Option(None, "--item", help="Rubric item or delivery habit (e.g. fillers_per_minute; a wrong name lists them) to drill (default: the first drill of `mockloop plan`)."),
    prompt: Optional[str] = typer.Option(None, "--prompt", help="Prompt id whose follow-up the drill asks (default: one that focuses on the item)."),
    from_session: Optional[str] = typer.Option(None, "--from", help="Retake a stretch of this saved session (with --at)."),
    at: Optional[str] = typer.Option(None, "--at", help="With --from: where the weak stretch is, e.g. 1:20."),
    seconds: Optional[float] = typer.Option(None, "--seconds", help="Time limit, 60 to 120 s (default 60; exec_explain 90)."),
    takes: int = typer.Option(MAX_TAKES, "--takes", help="Most takes: a retake is offered until the item is met."),
    speak: bool = typer.Option(True, "--speak/--no-speak", help="Speak the question (and replay the stretch)."),
    voice: Optional[str] = typer.Option(None, "--voice", help="Interviewer voice id or name part."),
    device: Optional[str] = typer.Option(None, "--device", help="Microphone: number or name part from `mockloop devices`."),
    output_device: Optional[str] = typer.Option(None, "--output-device", help="Speaker: number or name part."),
    answer_audio: Optional[List[Path]] = typer.Option(None, "--answer-audio", help="A take from a recording instead of the microphone (repeat: one file per take)."),
    answer_speed: float = typer.Option(1.0, "--answer-speed", help="Feed --answer-audio this many times real time (0: at once)."),
    model: Optional[str] = typer.Option(None, "--model", help="Whisper model name or folder."),
    sessions_dir: Optional[Path] = typer.Option(None, "--sessions-dir", help=SESSIONS_DIR_HELP),
) -> None:
    """A short drill on one rubric item or delivery habit, scored on it and delivery; retake until it is met."""
    from mockloop.cli.interview import TerminalView
    from mockloop.config import configured_model
    from mockloop.interview import drill as drills
    from mockloop.interview.loop import InterviewSettings
    from mockloop.sessions import SessionStore

    if (from_session is None) != (at is None):
        raise InputError("--from and --at go together: `mockloop drill --from SESSION --at 1:20`.")
    if not 1 <= takes <= 10:
        raise InputError("--takes must be between 1 and 10.")
    store = SessionStore(sessions_dir)
    store.check_root()
    files = list(answer_audio or ())
    interactive = sys.stdin.isatty() and stdout.is_terminal and not files
    base = InterviewSettings(
        speak=speak, voice=voice, input_device=device, output_device=output_device, answer_speed=answer_speed,
        model=configured_model(model), interactive=interactive, silence_stop_s=None,
    )
    question, at_s, stretch, source_id = None, None, None, None
    if from_session is not None:
        prompt_obj, item, stretch, source_id, at_s = _stretch_to_retake(store, from_session, at, item)
        limit_s = drills.retake_limit(stretch)
        question = drills.retake_question(stretch, limit_s)
        if speak:
            _replay_stretch(store, source_id, stretch, output_device)
    else:
        prompt_obj, item = drills.choose_drill(store, item, prompt)
        limit_s = drills.drill_limit(prompt_obj.kind, seconds)
    from mockloop.analysis.pipeline import Analyzer

    analyzer = Analyzer(model=base.model)
    view = _drill_view(TerminalView)(stdout, stderr, interactive)
    for take in range(1, takes + 1):
        if files and take > len(files):
            break
        settings = dataclasses.replace(base, answer_audio=(files[take - 1],) if files else (), time_limit_s=limit_s)
        result = drills.run_drill(prompt_obj, item, settings, store, view=view, analyzer=analyzer,
                                  from_session=source_id, at_s=at_s, question=question, take=take)
        _show_take(result, stretch)
        if result.take.item_met:
            break
        if take < takes and not files and not (interactive and typer.confirm("Retake?", default=True)):
            break


def _drill_view(base):
    class DrillView(base):
        """The interview's live view, without the whole-round scorecard: a drill shows its item."""

        def analysis_ready(self, index: int, analysis) -> None:
            self._stop_scoring()
            self.out.print(Text.assemble(("You said: ", "bold"), analysis.transcript.text.strip()), soft_wrap=True)

        def asking_graded(self, index: int, lines: list[str]) -> None:
            """A drill asks one question; the scoping questions of a whole round are not its subject."""

        def finished(self, session, summary: str) -> None:
            """The drill summary is printed by the drill command from the take's result."""
            self._stop_scoring()

    return DrillView


def _stretch_to_retake(store, from_session: str, at: str, item: Optional[str]):
    from mockloop.content.prompts import get_prompt
    from mockloop.interview import drill as drills
    from mockloop.review.loader import open_session

    at_s = parse_at(at)
    view = open_session(store, store.resolve(from_session))
    answer = view.answer(None)
    kind = view.kind
    if item is None:
        item = _missed_near(answer.analysis, at_s) or next((v["id"] for v in answer.analysis["content"]["rubric"] if not v["met"]), None)
        if item is None:
            raise InputError(f"Session {view.id} met every rubric item; name one to retake with --item.")
    drills.check_item(kind, item)
    stretch = drills.find_stretch(answer.analysis, at_s, item)
    try:
        prompt_obj = get_prompt(view.record.prompt.get("id") or "")
    except Exception:  # noqa: BLE001 - a prompt gone from the bank: retake with what the session kept
        from mockloop.content.prompts import Prompt

        p = view.record.prompt
        prompt_obj = Prompt(id=p.get("id") or "retake", kind=kind, company=p.get("company") or "generic",
                            title=p.get("title") or "", text=p.get("text") or "", time_limit_s=int(p.get("time_limit_s") or 60))
    return prompt_obj, item, stretch, view.id, at_s


def _missed_near(analysis: dict, at_s: float) -> Optional[str]:
    """An unmet item whose nearest related words (in its note or evidence) fall near ``at_s``."""
    for v in analysis.get("content", {}).get("rubric") or []:
        if not v["met"] and any(abs((e.get("start") or -1e9) - at_s) < 10 for e in v.get("evidence") or []):
            return v["id"]
    return None


def _replay_stretch(store, session_id: str, stretch, output_device) -> None:
    import tempfile

    from mockloop.audio_io.playback import play_file
    from mockloop.errors import MockloopError
    from mockloop.interview import drill as drills
    from mockloop.review.loader import open_session

    audio = open_session(store, session_id).answer(None).audio
    if audio is None:
        stderr.print("warning: the saved answer audio is missing; retaking without replaying it.")
        return
    stdout.print(Text.assemble(("Your take: ", "bold"), stretch.text))
    with tempfile.TemporaryDirectory(prefix="mockloop-stretch-") as tmp:
        try:
            play_file(drills.stretch_audio(audio, stretch, Path(tmp) / "stretch.wav"), device=output_device)
        except (MockloopError, OSError) as exc:
            stderr.print(f"warning: could not replay the stretch ({exc}); retaking without it.", markup=False)


def _show_take(result, stretch) -> None:
    """The drill summary: the item, met or not, the take, the figures that matter for it, and
    after a miss the tip and what "met" sounds like in the model answer."""
    from mockloop.display import number

    m = result.take
    said = "could not be scored" if m.item_met is None else ("met" if m.item_met else "not met")
    style = "bold green" if m.item_met else "bold red"
    stdout.print(Text.assemble((f"Take {result.number}: {result.item} {said}", style), f"  (session {result.session.id})"))
    from mockloop.review.metrics import METRICS

    label_of = {name: label for name, label, _ in METRICS}
    labels = {name: label_of[name] for name in ("fillers_per_minute", "long_pauses", "words_per_minute", "pitch_range_semitones")}
    if result.habit is not None and m.item_met is not None:
        stdout.print(f"  {labels[result.item]} {number(result.item, getattr(m, result.item))}; target: {result.habit}", soft_wrap=True)
    if result.evidence:
        stdout.print(f'  You said: "{result.evidence}"', soft_wrap=True)
    if result.tip:
        stdout.print(f"  Tip: {result.tip}", soft_wrap=True)
    if result.example:
        stdout.print(f'  Met sounds like: "{result.example}"', soft_wrap=True)
    if stretch is None:
        shown = [f"{labels[n]} {number(n, getattr(m, n))}" for n in ("fillers_per_minute", "long_pauses", "words_per_minute") if n != result.item]
        stdout.print(f"  Delivery: {', '.join(shown)}; saved in {result.session.folder}", soft_wrap=True)
        return
    table = Table(title="Stretch against the retake")
    for column in ("", "before", "retake"):
        table.add_column(column, justify="right" if column else "left")
    b = stretch.measures
    table.add_row(f"{result.item} met", _yes(b.item_met), _yes(m.item_met))
    for name, label in labels.items():
        before, after = getattr(b, name), getattr(m, name)
        if before is None and after is None:
            continue
        table.add_row(label, number(name, before), number(name, after))
    stdout.print(table)


def _yes(value) -> str:
    return "-" if value is None else ("yes" if value else "no")


def plan(
    kind: Optional[str] = typer.Option(None, "--kind", help="Plan for this kind of round only."),
    last: Optional[int] = typer.Option(None, "--last", help="Only the last N sessions."),
    sessions_dir: Optional[Path] = typer.Option(None, "--sessions-dir", help=SESSIONS_DIR_HELP),
) -> None:
    """What to practise next: the items you miss most and lately, delivery going the wrong way, and the prompts for them."""
    from mockloop.content.prompts import load_bank
    from mockloop.review.plan import make_plan, plan_lines
    from mockloop.review.skills import load_skills
    from mockloop.sessions import SessionStore

    if last is not None and last < 1:
        raise InputError("--last must be 1 or more.")
    sessions, skipped = load_skills(SessionStore(sessions_dir), kind=kind, last=last)
    for line in skipped:
        stderr.print(f"warning: skipped {line}", markup=False, highlight=False, soft_wrap=True)
    for line in plan_lines(make_plan(sessions, load_bank())):
        stdout.print(line, highlight=False, soft_wrap=True)


def skills_summary(sessions_dir: Optional[Path], kind: Optional[str], last: Optional[int], drills: Optional[bool] = None):
    """(item progress, measure trends, glance) for history and ``report --history``."""
    from mockloop.review.skills import at_a_glance, item_progress, load_skills, measure_trends
    from mockloop.sessions import SessionStore

    sessions, _ = load_skills(SessionStore(sessions_dir), kind=kind, last=last, drills=drills)
    items, trends = item_progress(sessions), measure_trends(sessions)
    return items, trends, at_a_glance(items, trends)


def show_skills(sessions_dir: Optional[Path], kind: Optional[str], last: Optional[int], drills: Optional[bool] = None) -> None:
    """Per rubric item: met over time; per delivery measure: its trend; then "At a glance"."""
    items, trends, glance = skills_summary(sessions_dir, kind, last, drills)
    if not items and not trends:
        return
    table = Table(title="Per skill, oldest first (█ met, ▁ missed)")
    for column in ("skill", "kind", "met", "over time"):
        table.add_column(column, justify="right" if column == "met" else "left", no_wrap=True)
    for p in items:
        table.add_row(p.item, p.kind, f"{len(p.judged) and sum(p.judged)}/{len(p.judged)}", p.bars())
    for t in trends:
        table.add_row(t.label, "delivery", t.verdict if t.verdict != "same" else "about the same", t.bars())
    stdout.print(table)
    stdout.print(Text("At a glance", style="bold"))
    stdout.print("  Biggest improvements: " + ("; ".join(glance.improvements) or "none yet"), highlight=False, soft_wrap=True)
    stdout.print("  Weakest skills: " + ("; ".join(glance.weakest) or "none: every item met"), highlight=False, soft_wrap=True)
