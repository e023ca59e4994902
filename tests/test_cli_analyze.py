"""`mockloop analyze FILE` prints a scorecard a candidate can act on, and `--version` works.

The report is the real command on audio_fixtures/sample_answer.flac (a 90 s system-design answer
with known pauses and fillers). Its numbers are checked against the ground truth where the truth
fixes them (duration, long pauses, pace) and otherwise against the `--json` run of the same file:
the report and the JSON come from the same analysis and must agree.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from collections import Counter
from importlib.metadata import version
from pathlib import Path

import pytest

CLOCK = re.compile(r"\b\d+:\d{2}\b")
BORDER = "│╭╮╰╯─"


def mmss(seconds: float) -> str:
    whole = int(round(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


@pytest.fixture(scope="module")
def report(cli, session_env, sample_answer, repo_root) -> str:
    # Wide enough that rich does not wrap rows; the layout is not what is under test.
    code, stdout, stderr = cli("analyze", sample_answer, env={**session_env, "COLUMNS": "250"}, cwd=repo_root)
    assert code == 0, stderr
    assert "Traceback" not in stderr
    return stdout


@pytest.fixture(scope="module")
def lines(report) -> list[str]:
    """The panel's text lines, borders stripped."""
    return [line.strip().strip(BORDER).strip() for line in report.splitlines()]


@pytest.fixture(scope="module")
def analysis(sample_json_run, valid_analysis) -> dict:
    code, stdout, stderr = sample_json_run
    assert code == 0, stderr
    return valid_analysis(json.loads(stdout))


def row(lines: list[str], label: str) -> str:
    """The value of the report row that starts with ``label``."""
    for line in lines:
        if line.startswith(label + " "):
            return line[len(label) :].strip()
    raise AssertionError(f"no {label!r} row in the report:\n" + "\n".join(lines))


def tips(lines: list[str]) -> list[str]:
    """Numbered tips after the "Tips" heading; a wrapped tip's continuation is joined to it."""
    start = lines.index("Tips") + 1
    found: list[str] = []
    for line in lines[start:]:
        if not line:
            continue
        if re.match(r"\d+\. ", line):
            found.append(line)
        elif found:
            found[-1] += " " + line
    return found


def test_the_report_is_plain_text_when_piped_and_names_the_file_and_kind(report):
    assert "\x1b[" not in report, "no colour codes when stdout is not a terminal"
    assert "mockloop: sample_answer.flac (system design)" in report


def test_the_report_shows_the_duration_of_the_recording(lines, sample_truth):
    assert row(lines, "Duration") == mmss(sample_truth["duration_s"])


def test_the_report_shows_words_per_minute_close_to_the_true_pace(lines, analysis, sample_truth):
    wpm = analysis["delivery"]["words_per_minute"]
    assert row(lines, "Pace").startswith(f"{wpm:.0f} wpm overall")

    filled = sum(f["kind"] == "filled_pause" for f in sample_truth["fillers"])
    true_words = len(sample_truth["text"].split()) - filled
    first, last = sample_truth["speech_span"]
    assert wpm == pytest.approx(true_words * 60 / (last - first), rel=0.08)


def test_the_report_counts_the_fillers_and_names_the_most_frequent(lines, analysis, sample_truth):
    fillers = analysis["delivery"]["fillers"]
    value = row(lines, "Fillers")

    assert value.startswith(f"{len(fillers)} (")
    assert abs(len(fillers) - len(sample_truth["fillers"])) <= 2, "close to the six fillers spoken"
    most_frequent = re.search(r"most frequent: (.+?) x(\d+)", value)
    assert most_frequent, value
    counts = Counter(f["text"] for f in fillers)
    assert int(most_frequent.group(2)) == max(counts.values()) == counts[most_frequent.group(1)]


def test_the_report_shows_the_pauses_and_when_the_long_one_happened(lines, analysis, sample_truth):
    pauses = analysis["delivery"]["pauses"]
    long_truth = [p for p in sample_truth["pauses"] if p["duration"] >= 2.0]
    value = row(lines, "Pauses")

    assert value.startswith(f"{len(pauses)} of 0.25 s or more")
    assert f"longest {max(p['duration'] for p in pauses):.1f} s" in value
    assert f"{len(long_truth)} long (>= 2 s)" in value
    assert "at " + ", ".join(mmss(p["start"]) for p in long_truth) in value


def test_the_report_lists_the_decision_markers_with_their_times(lines, analysis):
    markers = analysis["delivery"]["decision_markers"]
    value = row(lines, "Decision markers")

    assert markers, "the sample answer signposts ('let me confirm', 'to summarize')"
    assert value.startswith(f"{len(markers)}: ")
    for marker in markers[:5]:
        assert f'"{marker["text"]}" {mmss(marker["start"])}' in value
    assert {"to summarize", "to summarise"} & {m["text"] for m in markers}


def test_the_report_ends_with_numbered_tips_the_first_three_citing_times(lines, analysis, sample_truth):
    shown = tips(lines)

    assert len(shown) >= 3
    assert [int(t.split(".", 1)[0]) for t in shown] == list(range(1, len(shown) + 1))
    assert [t.split(". ", 1)[1] for t in shown] == analysis["scorecard"]["tips"]
    for tip in shown[:3]:
        assert CLOCK.search(tip), f"tip does not say when: {tip!r}"
    long_pause = next(p for p in sample_truth["pauses"] if p["duration"] >= 2.0)
    assert any(mmss(long_pause["start"]) in tip and "long pause" in tip for tip in shown[:3])


def test_version_prints_the_installed_version(cli, repo_root):
    code, stdout, stderr = cli("--version")

    assert code == 0, stderr
    pyproject = tomllib.loads((repo_root / "pyproject.toml").read_text(encoding="utf-8"))
    assert stdout == f"mockloop {pyproject['project']['version']}\n"
    assert version("mockloop") == pyproject["project"]["version"]


def test_the_installed_console_script_is_the_same_program_as_python_m_mockloop(cli):
    script = Path(sys.executable).with_name("mockloop")
    assert script.is_file(), "the package is installed with its `mockloop` console script"

    completed = subprocess.run([str(script), "--version"], capture_output=True, text=True, timeout=60)

    assert completed.returncode == 0, completed.stderr
    assert completed.stdout == cli("--version")[1]
