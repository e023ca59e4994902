"""`mockloop prompts` and `mockloop prompts show ID`, through typer's test runner."""

import typer
from typer.testing import CliRunner

from mockloop.cli.prompts import register
from mockloop.content import UnknownKindError, UnknownPromptError
from mockloop.content.errors import UnknownCompanyError


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
