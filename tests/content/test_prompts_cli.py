"""`mockloop prompts` and `mockloop prompts show ID`, through typer's test runner."""

import os
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from mockloop.cli.prompts import register
from mockloop.content import UnknownKindError, UnknownPromptError
from mockloop.content.errors import UnknownCompanyError
from mockloop.errors import InputError
from pulse import pulse_server  # noqa: F401  (a fixture)

SRC = Path(__file__).resolve().parents[2] / "src"


def app():
    application = typer.Typer()

    @application.command()
    def version():  # a second command, as in the real CLI, so `prompts` stays a group
        pass

    register(application)
    return application


def run(*args):
    return CliRunner().invoke(app(), list(args), env={"COLUMNS": "200"})


def test_prompts_lists_the_whole_bank():
    result = run("prompts")
    assert result.exit_code == 0
    assert "sd-rate-limiter" in result.output and "ex-delay-vs-ship" in result.output
    assert "40 prompts" in result.output or "prompts" in result.output.splitlines()[0]


def test_prompts_filters_by_kind_and_company():
    result = run("prompts", "--kind", "system_design", "--company", "sensetime")
    assert result.exit_code == 0
    assert "sd-video-analytics" in result.output
    assert "sd-rate-limiter" not in result.output and "bh-two-vps" not in result.output


def test_show_prints_text_time_focus_and_probes():
    result = run("prompts", "show", "sd-sensor-anomaly-review")
    assert result.exit_code == 0
    out = " ".join(result.output.split())
    assert "tens of thousands of industrial sensors" in out
    assert "45 min" in out and "design 35 min" in out
    assert "plans_failures: What happens when half of the uploads fail" in out


def test_unknown_id_kind_and_company_raise_user_errors():
    assert isinstance(run("prompts", "show", "nope").exception, UnknownPromptError)
    assert isinstance(run("prompts", "--kind", "coding").exception, UnknownKindError)
    assert isinstance(run("prompts", "--company", "acme").exception, UnknownCompanyError)


def test_show_with_facts_prints_the_fact_sheet_with_critical_facts_marked():
    result = run("prompts", "show", "sd-lidar-data-lake", "--facts")
    assert result.exit_code == 0
    out = " ".join(result.output.split())
    assert "regions (critical): Vehicles upload at the depot" in out
    assert "budget: Storage is the big bill" in out
    assert "asked by: regions; region; which regions" in out


def test_show_without_facts_keeps_them_hidden():
    result = run("prompts", "show", "sd-lidar-data-lake")
    assert result.exit_code == 0
    assert "Vehicles upload at the depot" not in result.output


def test_show_with_example_prints_every_move_with_its_rubric_item_and_facts():
    from mockloop.content.model_answers import get_model_answer

    result = run("prompts", "show", "sd-sensor-anomaly-review", "--example")
    assert result.exit_code == 0
    out = " ".join(result.output.split())
    answer = get_model_answer("sd-sensor-anomaly-review")
    assert f"Model answer: {len(answer.moves)} moves covering all 11 rubric items" in out
    for number, move in enumerate(answer.moves, 1):
        assert f"{number}. {move.label}" in out and " ".join(move.say.split()) in out
    assert "[clarifies_requirements; facts: users, volume, regions]" in out


def test_show_without_example_keeps_the_model_answer_hidden():
    result = run("prompts", "show", "bh-two-vps")
    assert result.exit_code == 0 and "Model answer" not in result.output


@pytest.mark.parametrize(
    "args, error",
    [
        (["prompts", "show", "sd-rate-limter", "--example"], "UnknownPromptError"),
        (["prompts", "show", "sd-rate-limiter", "--save-audio", "x.wav"], "needs --speak"),
        (["prompts", "show", "sd-rate-limiter", "--speak", "--rate", "5"], "out of range"),
    ],
)
def test_bad_example_options_are_one_line_errors_with_exit_2(args, error, tmp_path):
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "mockloop", *args], capture_output=True, text=True, timeout=60, cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(SRC)},
    )
    assert done.returncode == 2 and done.stdout.count("Model answer") == 0
    assert len(done.stderr.strip().splitlines()) == 1
    assert error in done.stderr or (error == "UnknownPromptError" and "No prompt with id 'sd-rate-limter'" in done.stderr)
    assert not (tmp_path / "x.wav").exists()


def test_speak_with_an_unknown_voice_is_the_users_error_after_the_text(tmp_path):
    result = run("prompts", "show", "ex-delay-vs-ship", "--speak", "--voice", "klingon-xx", "--save-audio", str(tmp_path / "a.wav"))
    assert isinstance(result.exception, InputError) and "No voice matches 'klingon-xx'" in str(result.exception)
    assert "Model answer" in result.output and not (tmp_path / "a.wav").exists()


@pytest.mark.audio_io
def test_speak_reads_the_model_answer_aloud_through_the_speaker(pulse_server, tmp_path):
    import soundfile as sf

    from mockloop.content.model_answers import get_model_answer
    from pulse import MonitorRecording, alignment

    saved = tmp_path / "example.wav"
    with MonitorRecording(pulse_server, samplerate=22050) as heard:
        result = run("prompts", "show", "ex-delay-vs-ship", "--speak", "--rate", "400", "--save-audio", str(saved))
    assert result.exit_code == 0, result.output
    assert f"spoken answer saved to {saved}" in " ".join(result.output.split())
    said, rate = sf.read(saved, dtype="float32")
    words = len(get_model_answer("ex-delay-vs-ship").text.split())
    assert 0.5 < (len(said) / rate) / (words / 400 * 60) < 2.0  # the whole answer, at the asked rate
    _, correlation = alignment(heard.samples(), said, rate)
    assert correlation > 0.9
