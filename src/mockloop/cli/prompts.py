"""`mockloop prompts`: list the prompt bank, or show one prompt.

    mockloop prompts [--kind K] [--company C]
    mockloop prompts show ID [--facts]

Kept out of cli.py so the CLI module only wires commands: `register(app)` adds the group. Bad
input raises MockloopError subclasses, which the main CLI prints as one line and exits 2.
"""

from __future__ import annotations

from typing import Optional

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

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
    ) -> None:
        """Print one prompt: its text, time limit, phases, focus and follow-up probes."""
        prompt = get_prompt(prompt_id)
        console = Console(markup=False)
        render_prompt(prompt, console)
        if facts:
            console.print()
            render_facts(prompt, console)

    app.add_typer(group, name="prompts")
