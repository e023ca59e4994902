"""The review commands as a user types them (in-process, so the suite stays fast)."""

import json
import re

import pytest
from typer.testing import CliRunner

from mockloop.cli.app import app


@pytest.fixture
def run():
    runner = CliRunner()

    def invoke(*args):
        result = runner.invoke(app, [str(a) for a in args], env={"COLUMNS": "140", "NO_COLOR": "1"})
        return result

    return invoke


def test_replay_without_audio_prints_the_transcript_in_order_with_pauses_and_changes_nothing(run, make_session, hashes):
    session = make_session()
    before = hashes(session.folder)
    result = run("replay", session.id, "--no-audio", "--speed", "60")
    assert result.exit_code == 0, result.output
    text = result.output.replace("?", "")  # a "?" follows each word the model was unsure of
    assert text.index("Before I sketch") < text.index("[0.6 s] Um,") < text.index("[2.2 s] The main trade") < text.index("in mind.")
    assert hashes(session.folder) == before


def test_replay_from_a_time_starts_there(run, make_session):
    session = make_session()
    result = run("replay", session.id, "--no-audio", "--speed", "60", "--from", "1:20")
    assert result.exit_code == 0, result.output
    assert "Before I sketch" not in result.output and "to summarize" in result.output


def test_the_filler_reel_plays_only_the_moments_around_habits(run, make_session):
    result = run("replay", make_session().id, "--fillers", "--no-audio", "--speed", "40")
    assert result.exit_code == 0, result.output
    assert result.output.count("▶") == 6
    assert "filler 'you know', filler 'uh'" in result.output
    assert "I would like to check" not in result.output


def test_report_writes_one_html_file_with_the_audio_inside_and_changes_nothing(run, make_session, hashes, tmp_path):
    session = make_session()
    before = hashes(session.folder)
    out = tmp_path / "r.html"
    result = run("report", session.id, "--out", out)
    assert result.exit_code == 0, result.output
    html = out.read_text()
    assert "data:audio/flac;base64," in html and "<svg" in html
    assert not re.search(r"""(src|href)=["']https?://""", html)
    assert hashes(session.folder) == before


def test_history_shows_each_session_and_a_sparkline_per_metric(run, make_session, better_take):
    a, b = make_session(minute=1), make_session(minute=2, analysis=better_take)
    result = run("history", "--last", "5")
    assert result.exit_code == 0, result.output
    assert a.id in result.output and b.id in result.output
    assert re.search(r"trend\s.*[▁█]", result.output)


def test_history_shows_how_each_session_sounded_and_a_dash_where_it_was_not_measured(run, make_session, sounded):
    old = make_session(minute=1)
    flat = make_session(minute=2, analysis=sounded(pitch_range_semitones=2.1, monotone=True, uptalk=5, first_point_s=70.0))
    lively = make_session(minute=3, analysis=sounded(pitch_median_hz=112.0, uptalk=1, repetitions=2, first_point_s=12.0))
    result = run("history")
    assert result.exit_code == 0, result.output
    table = result.output[result.output.index("How it sounded"):result.output.index("Per skill")]
    rows = {cells[0]: cells[2:] for cells in (re.split(r"\s*│\s*", line.strip("│ ")) for line in table.splitlines() if "│" in line)}
    #                    pitch Hz, pitch st, flat, loud dB, uptalk, repeats, 1st point s, no point s
    assert rows[old.id] == ["-"] * 8
    assert rows[flat.id] == ["101", "2.1", "1", "15", "5", "0", "70", "90"]
    assert rows[lively.id] == ["112", "4.2", "0", "15", "1", "2", "12", "90"]
    assert rows["trend"] == ["▁█", "▁█", "█▁", "▄▄", "█▁", "▁█", "█▁", "▄▄"]


def test_history_report_is_an_html_page_of_charts(run, make_session, tmp_path):
    make_session(minute=1), make_session(minute=2)
    result = run("report", "--history", "--out", tmp_path / "h.html")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "h.html").read_text().count('class="trend-line"') == 7


def test_compare_names_what_improved(run, make_session, better_take):
    a, b = make_session(minute=1), make_session(minute=2, analysis=better_take)
    result = run("compare", a.id, b.id)
    assert result.exit_code == 0, result.output
    improved = next(line for line in result.output.splitlines() if line.startswith("Improved:"))
    assert "fillers/min" in improved and "clarifies_requirements" in improved


def test_compare_shows_median_pitch_with_no_verdict_and_judges_the_rest(run, make_session, sounded):
    a = make_session(minute=1, analysis=sounded(pitch_range_semitones=2.1, monotone=True, uptalk=5))
    b = make_session(minute=2, analysis=sounded(pitch_median_hz=112.0, uptalk=1))
    result = run("compare", a.id, b.id)
    assert result.exit_code == 0, result.output
    lines = {line.split("│")[1].strip(): line for line in result.output.splitlines() if line.count("│") == 5}
    assert re.search(r"│\s+101 │\s+112 │\s+│$", lines["median pitch (Hz)"])
    assert lines["pitch range (st)"].rstrip(" │").endswith("improved")
    assert lines["uptalk endings"].rstrip(" │").endswith("improved")
    improved = next(line for line in result.output.splitlines() if line.startswith("Improved:"))
    assert "uptalk endings" in improved and "median pitch" not in result.output.split("Improved:")[1]


def test_export_as_json_and_markdown(run, make_session):
    session = make_session()
    data = json.loads(run("export", session.id, "--format", "json").output)
    assert data["schema"] == "mockloop.export/1" and data["answers"][0]["analysis"]["schema"] == "mockloop.analysis/1"
    assert "process" not in data["session"] and "process" in json.loads((session.folder / "session.json").read_text())
    md = run("export", session.id, "--format", "md").output
    assert md.startswith(f"# Mock interview {session.id}") and "- [x] defines_success" in md


def test_delete_needs_yes_without_a_terminal_and_then_removes_the_folder(store, make_session):
    from mockloop.cli.review import delete
    from mockloop.errors import InputError

    session = make_session()
    with pytest.raises(InputError, match="needs confirmation: add --yes"):
        delete(session.id, yes=False, sessions_dir=None)
    delete(session.id, yes=True, sessions_dir=None)
    assert not session.folder.exists()


def test_sessions_reindex_rebuilds_the_index(run, make_session, store):
    make_session(minute=1), make_session(minute=2)
    result = run("sessions", "--reindex")
    assert result.exit_code == 0, result.output
    assert "Indexed 2 session folders" in result.output
    assert (store.root / "index.sqlite3").is_file()


@pytest.mark.parametrize("speed", ["0.05", "150"])
def test_replay_refuses_a_speed_out_of_range_in_one_line(cli, make_session, speed):
    code, stdout, stderr = cli("replay", make_session().id, "--speed", speed, "--no-audio")
    assert code == 2
    assert stderr.strip() == f"mockloop: error: --speed {speed} is out of range; use 0.1 to 100."


def test_a_sessions_pace_reads_the_same_in_every_view(run, make_session, store):
    """The saved analysis says 155.9 words a minute: every view writes it as 156."""
    from mockloop.review.html_report import session_report
    from mockloop.review.loader import open_session

    first, second = make_session(minute=1), make_session(minute=2)
    views = {
        "history": run("history").output,
        "compare": run("compare", first.id, second.id).output,
        "export": run("export", first.id, "--format", "md").output,
        "report": session_report(open_session(store, first.id), "test"),
    }
    for name, text in views.items():
        assert "155.9" not in text, f"{name} shows the unrounded pace"
        assert re.search(r"\b156\b", text), f"{name} does not show the pace as 156"


def test_sessions_are_found_by_a_unique_prefix_or_last(run, make_session):
    older, newer = make_session(minute=1, day=20), make_session(minute=2, day=21)
    exported = run("export", "last", "--format", "json")
    assert exported.exit_code == 0 and json.loads(exported.output)["session"]["id"] == newer.id
    by_prefix = run("export", older.id[:8], "--format", "json")
    assert by_prefix.exit_code == 0 and json.loads(by_prefix.output)["session"]["id"] == older.id


def test_the_history_report_charts_how_it_sounded_where_it_was_measured(run, make_session, sounded, tmp_path):
    make_session(minute=1), make_session(minute=2, analysis=sounded(uptalk=4, first_point_s=30.0)), make_session(minute=3, analysis=sounded(uptalk=1))
    result = run("report", "--history", "--out", tmp_path / "h.html")
    assert result.exit_code == 0, result.output
    page = (tmp_path / "h.html").read_text()
    assert page.count('class="trend-line"') == 7 + 8  # the sessions before prosody leave only gaps in its charts
    chart = page[page.index("<figcaption>uptalk endings</figcaption>"):]
    assert chart[:chart.index("</figure>")].count('class="trend-dot"') == 2
    assert "<td>101</td>" in page and "<td>101.3</td>" not in page  # written as every view writes it
