"""`mockloop prompts`: list the prompt bank, or show one prompt.

    mockloop prompts [--kind K] [--company C]
    mockloop prompts show ID [--facts] [--example] [--speak [--save-audio WAV]]

Kept out of cli.py so the CLI module only wires commands: `register(app)` adds the group. Bad
input raises MockloopError subclasses, which the main CLI prints as one line and exits 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from mockloop.cli.options import number
from mockloop.content.model_answers import ModelAnswer, get_model_answer
from mockloop.content.prompts import COMPANIES, Prompt, filter_prompts, get_prompt, load_bank
from mockloop.content.rubric import kinds


def _duration(seconds: int) -> str:
    if seconds >= 60 and seconds % 60 == 0:
        return f"{seconds // 60} min"
    return f"{seconds} s"


def render_table(prompts: list[Prompt]) -> Table:
    table = Table(title=f"{len(prompts)} prompts", title_justify="left")
    table.add_column("id", no_wrap=True)
    table.add_column("kind")
    table.add_column("company")
    table.add_column("time", justify="right")
    table.add_column("title")
    for prompt in prompts:
        table.add_row(prompt.id, prompt.kind, prompt.company, _duration(prompt.time_limit_s), prompt.title)
    return table


def render_prompt(prompt: Prompt, console: Console) -> None:
    console.print(Text.assemble((prompt.title, "bold"), f"  ({prompt.id})"))
    console.print(f"kind: {prompt.kind}   company: {prompt.company}   time: {_duration(prompt.time_limit_s)}", markup=False)
    if prompt.phases:
        console.print("phases: " + ", ".join(f"{name} {_duration(s)}" for name, s in prompt.phases), markup=False)
    console.print()
    console.print(prompt.text, markup=False)
    console.print()
    console.print("focus: " + ", ".join(prompt.focus), markup=False)
    console.print("follow-up probes, by gap:")
    for item_id in prompt.focus + [i for i in prompt.probes if i not in prompt.focus]:
        for probe in prompt.probes.get(item_id, [])[:1]:
            console.print(f"  {item_id}: {probe}", markup=False)


def render_facts(prompt: Prompt, console: Console) -> None:
    """The fact sheet: what the interviewer answers when asked, critical facts marked."""
    console.print(f"facts the interviewer gives when asked ({sum(f.critical for f in prompt.facts)} critical):", markup=False)
    for fact in prompt.facts:
        mark = " (critical)" if fact.critical else ""
        console.print(f"  {fact.id}{mark}: {fact.answer}", markup=False)
        console.print(f"    asked by: {'; '.join(fact.asked_by)}", markup=False)


def render_example(prompt: Prompt, answer: ModelAnswer, console: Console) -> None:
    """The model answer, move by move: what a strong candidate says, and which rubric item (and
    which facts of the sheet) each move meets. The moves of an item are what "met" sounds like."""
    items = len({move.item for move in answer.moves})
    console.print(Text(f"Model answer: {len(answer.moves)} moves covering all {items} rubric items", style="bold"))
    for number_, move in enumerate(answer.moves, 1):
        tag = move.item + (f"; facts: {', '.join(move.facts)}" if move.facts else "")
        console.print(Text.assemble((f"{number_:>2}. {move.label}", "bold"), (f"  [{tag}]", "dim")))
        console.print(Padding(Text(move.say), (0, 0, 0, 4)))


def speak_example(answer: ModelAnswer, voice, rate, output_device, save_audio: Optional[Path]) -> Path | None:
    """Read the model answer aloud in the interviewer's voice; the WAV is kept only at save_audio.

    Raises:
        TTSUnavailable, InputError, AudioDeviceError: one-line user errors (the text was printed).
    """
    import tempfile

    from mockloop.audio_io.playback import play_file
    from mockloop.audio_io.voice import Speaker

    speaker = Speaker(voice=voice, rate=rate, output_device=_device(output_device), play=False)
    with tempfile.TemporaryDirectory(prefix="mockloop-example-") as scratch:
        path = Path(save_audio) if save_audio is not None else Path(scratch) / "example.wav"
        speaker.synthesize(answer.text, path)
        play_file(path, device=speaker.output_device)
    return save_audio


def _device(value: Optional[str]):
    return int(value) if value is not None and value.isdigit() else value


def register(app: typer.Typer) -> None:
    """Add the `prompts` command group to the main app."""
    group = typer.Typer(
        name="prompts",
        help="List the interview prompts, or show one with `prompts show ID`.",
        invoke_without_command=True,
        no_args_is_help=False,
    )

    @group.callback(invoke_without_command=True)
    def list_prompts(
        ctx: typer.Context,
        kind: Optional[str] = typer.Option(None, "--kind", help=f"Only this kind: {', '.join(kinds())}."),
        company: Optional[str] = typer.Option(None, "--company", help=f"Only this style: {', '.join(COMPANIES)}."),
    ) -> None:
        """List prompts, optionally of one kind or company style."""
        if ctx.invoked_subcommand is not None:
            return
        prompts = filter_prompts(load_bank(), kind=kind, company=company)
        Console(markup=False).print(render_table(prompts))

    @group.command("show")
    def show(
        prompt_id: str = typer.Argument(..., metavar="ID", help="A prompt id from `mockloop prompts`."),
        facts: bool = typer.Option(False, "--facts", help="Also print the facts the interviewer gives when asked."),
        example: bool = typer.Option(False, "--example", help="Also print the model answer, move by move."),
        speak: bool = typer.Option(False, "--speak", help="Read the model answer aloud in the interviewer's voice (implies --example)."),
        voice: Optional[str] = typer.Option(None, "--voice", help="Interviewer voice id or name part (e.g. en-us)."),
        rate: Optional[int] = typer.Option(None, "--rate", callback=number(50, 500), help="Speaking rate, words per minute."),
        output_device: Optional[str] = typer.Option(None, "--output-device", help="Speaker: number or name part."),
        save_audio: Optional[Path] = typer.Option(None, "--save-audio", dir_okay=False, help="With --speak: keep the spoken answer as this WAV file."),
    ) -> None:
        """Print one prompt: its text, time limit, phases, focus and follow-up probes."""
        if save_audio is not None and not speak:
            raise typer.BadParameter("--save-audio needs --speak", param_hint="--save-audio")
        prompt = get_prompt(prompt_id)
        answer = get_model_answer(prompt_id) if example or speak else None
        console = Console(markup=False)
        render_prompt(prompt, console)
        if facts:
            console.print()
            render_facts(prompt, console)
        if answer is not None:
            console.print()
            render_example(prompt, answer, console)
        if speak:
            saved = speak_example(answer, voice, rate, output_device, save_audio)
            if saved is not None:
                console.print(f"spoken answer saved to {saved}")

    app.add_typer(group, name="prompts")
