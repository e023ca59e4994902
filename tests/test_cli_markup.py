"""User text that looks like rich markup ("[/b]", "[draft]") is shown as typed and never crashes a view."""

import dataclasses
import io
import json
from pathlib import Path
from types import SimpleNamespace

from rich.console import Console

from mockloop.analysis.contract import analysis_from_dict
from mockloop.audio_io.recorder import RecordingResult, StopReason
from mockloop.cli.interview import TerminalView
from mockloop.cli.scorecard_view import render_analysis

SAMPLE_ANALYSIS = Path(__file__).parent / "review" / "data" / "sample_analysis.json"


def a_console() -> tuple[Console, io.StringIO]:
    """A console as rich makes it by default: markup on, wide enough that nothing wraps."""
    buffer = io.StringIO()
    return Console(file=buffer, width=300, color_system=None), buffer


def test_the_scorecard_shows_a_file_name_with_brackets_as_it_is():
    analysis = dataclasses.replace(analysis_from_dict(json.loads(SAMPLE_ANALYSIS.read_text())), source="take [/b] [draft].wav")
    console, buffer = a_console()
    render_analysis(analysis, console)
    assert "take [/b] [draft].wav" in buffer.getvalue()


def test_the_interview_view_shows_titles_and_paths_with_brackets_as_they_are(tmp_path):
    out, out_buffer = a_console()
    err, _ = a_console()
    view = TerminalView(out, err, interactive=False)
    prompt = SimpleNamespace(id="x", kind="system_design", company="generic", title="[/b]Fleet [red]review")
    view.prompt_shown(prompt)
    view.question_asked(1, "main", "Design it [/i] for [bold]robots.")
    path = tmp_path / "take [/b] [draft]" / "answer-1.wav"
    view.answer_finished(1, RecordingResult(path=path, samplerate=16000, duration_s=12.0, stop_reason=StopReason.END_OF_AUDIO))
    shown = out_buffer.getvalue()
    assert "[/b]Fleet [red]review" in shown
    assert "Design it [/i] for [bold]robots." in shown
    assert "take [/b] [draft]" in shown
