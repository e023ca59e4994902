"""`mockloop models` and how the model is chosen (--model, MOCKLOOP_MODEL, the config file)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

WIDE = {"COLUMNS": "200"}  # rich would otherwise cut long folder names at 80 columns


@pytest.fixture
def speech_clip(synthetic_clip) -> Path:
    """A clip with speech in it, so the analysis really gets as far as needing the model."""
    return synthetic_clip("syn_01")[0]


def _rows(stdout: str) -> dict[str, list[str]]:
    """Table rows of `mockloop models` as {model: [cells...]} (rich draws cells between │)."""
    rows = {}
    for line in stdout.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("│").split("│")]
        if len(cells) == 3 and cells[0] and cells[0] != "model":
            rows[cells[0]] = cells
    return rows


def test_models_lists_the_embedded_tiny_en_as_the_default_and_the_named_models(cli):
    code, stdout, stderr = cli("models", env={**os.environ, **WIDE})

    assert code == 0, stderr
    rows = _rows(stdout)
    assert "tiny.en (embedded)" in rows, stdout
    assert rows["tiny.en (embedded)"][2] == "yes"
    assert [name for name, cells in rows.items() if cells[2] == "yes"] == ["tiny.en (embedded)"]
    for name in ("small.en", "base.en", "medium.en"):
        assert name in rows, f"{name} missing from:\n{stdout}"
    embedded_where = rows["tiny.en (embedded)"][1]
    assert "missing" not in embedded_where and os.path.isdir(embedded_where), embedded_where


def test_models_marks_the_model_chosen_by_mockloop_model_as_the_default(cli):
    code, stdout, stderr = cli("models", env={**os.environ, **WIDE, "MOCKLOOP_MODEL": "small.en"})

    assert code == 0, stderr
    rows = _rows(stdout)
    assert rows["small.en"][2] == "yes"
    assert rows["tiny.en (embedded)"][2] == ""


def test_models_marks_the_model_chosen_in_the_config_file_as_the_default(cli):
    config = Path(os.environ["MOCKLOOP_CONFIG"])  # this test's own config file (conftest)
    config.write_text('model = "base.en"\n', encoding="utf-8")

    code, stdout, stderr = cli("models", env={**os.environ, **WIDE})

    assert code == 0, stderr
    assert _rows(stdout)["base.en"][2] == "yes"


def test_a_bad_mockloop_model_in_the_environment_gives_the_model_error_line(cli, speech_clip):
    code, stdout, stderr = cli("analyze", speech_clip, env={**os.environ, "MOCKLOOP_MODEL": "/nope"})

    assert code != 0
    assert stdout == ""
    assert "Traceback" not in stderr
    assert stderr.splitlines() == ["mockloop: error: model folder not found: /nope"]


def test_the_command_line_model_wins_over_mockloop_model(cli, speech_clip):
    code, _stdout, stderr = cli(
        "analyze", speech_clip, "--model", "/from/the/command/line", env={**os.environ, "MOCKLOOP_MODEL": "/from/env"}
    )

    assert code != 0
    assert re.fullmatch(r"mockloop: error: model folder not found: /from/the/command/line\n?", stderr), stderr


def test_a_config_file_that_is_not_toml_is_one_error_line(cli, speech_clip):
    config = Path(os.environ["MOCKLOOP_CONFIG"])
    config.write_text("model = small.en  # unquoted: not TOML\n", encoding="utf-8")

    code, stdout, stderr = cli("analyze", speech_clip)

    assert code != 0 and stdout == "" and "Traceback" not in stderr
    lines = stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("mockloop: error:"), stderr
    assert str(config) in lines[0] and "TOML" in lines[0]
