"""Session files are untrusted input when read back: one table of damaged and hostile files.

Each row is something found in the wild or made by a hostile copy: a session.json that is an
array, fields of the wrong type, a NaN, a symlink, an id that points outside the folder; an
answer-N.json whose words, delivery or scores are not what mockloop writes. Every reader
(``sessions``, ``history``, the index, ``report``, ``replay``, ``export``, ``compare``,
``rescore``) goes through the same validation layer, so one damaged session is listed as
damaged with its reason and the others keep working.
"""

from __future__ import annotations

import json
import math
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from mockloop.review.compare import compare
from mockloop.review.export import to_json, to_markdown
from mockloop.review.index import SessionIndex
from mockloop.review.loader import DamagedSessionError, SessionSchemaError, open_session
from mockloop.review.metrics import session_metrics
from mockloop.sessions import MANIFEST


@dataclass(frozen=True)
class Damage:
    name: str
    apply: Callable[[Path], None]  # changes the session folder
    reason: str  # regex the one-sentence reason must match


def edit_record(change: Callable[[dict], object]) -> Callable[[Path], None]:
    def apply(folder: Path) -> None:
        record = json.loads((folder / MANIFEST).read_text())
        replaced = change(record)
        (folder / MANIFEST).write_text(json.dumps(record if replaced is None else replaced, allow_nan=True))

    return apply


def raw_record(data: bytes) -> Callable[[Path], None]:
    return lambda folder: (folder / MANIFEST).write_bytes(data)


def _symlinked_record(folder: Path) -> None:
    real = folder.parent / "elsewhere.json"
    real.write_text((folder / MANIFEST).read_text())
    (folder / MANIFEST).unlink()
    (folder / MANIFEST).symlink_to(real)


def _symlinked_folder(folder: Path) -> None:
    moved = folder.parent / "moved-away"
    folder.rename(moved)
    folder.symlink_to(moved, target_is_directory=True)


def _set(path: str, value) -> Callable[[dict], None]:
    """Set a dotted path (``answers.0.duration_s``) in the record."""

    def change(record: dict) -> None:
        *parents, last = path.split(".")
        target = record
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        target[int(last) if isinstance(target, list) else last] = value

    return change


def _drop(path: str) -> Callable[[dict], None]:
    """Remove the field at a dotted path."""

    def change(record: dict) -> None:
        *parents, last = path.split(".")
        target = record
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        del target[last]

    return change


SESSION_DAMAGE = [
    Damage("record is a JSON array", edit_record(lambda r: [r]), r"session\.json is a list, expected an object"),
    Damage("record is a JSON string", raw_record(b'"session"'), r"session\.json is a string, expected an object"),
    Damage("record is empty", raw_record(b""), r"session\.json is unreadable"),
    Damage("record is cut off", raw_record(b'{"schema": "mockloop.session/1", "id": '), r"session\.json is unreadable"),
    Damage("record is not UTF-8", raw_record('{"id": "caf\u00e9"}'.encode("latin-1")), r"session\.json is not UTF-8"),
    Damage("created_at is null", edit_record(_set("created_at", None)), r"created_at is null, expected a string"),
    Damage("created_at is not a date", edit_record(_set("created_at", "yesterday")), r"created_at is 'yesterday', expected an ISO date"),
    Damage("prompt is a string", edit_record(_set("prompt", "Design a feed")), r"prompt is a string, expected an object"),
    Damage("prompt title is a number", edit_record(_set("prompt.title", 7)), r"prompt\.title is a number, expected a string"),
    Damage("prompt phases are not pairs", edit_record(_set("prompt.phases", [["intro"]])), r"prompt\.phases\[0\] is a list, expected a \[name, seconds\] pair"),
    Damage("answers is a string", edit_record(_set("answers", "answer-1.wav")), r"answers is a string, expected a list"),
    Damage("an answer is a number", edit_record(_set("answers", [1])), r"answers\[0\] is a number, expected an object"),
    Damage("duration is a string", edit_record(_set("answers.0.duration_s", "92")), r"answers\[0\]\.duration_s is a string, expected a number"),
    Damage("duration is NaN", edit_record(_set("answers.0.duration_s", math.nan)), r"session\.json is unreadable \(NaN is not a number JSON allows"),
    Damage("duration is negative", edit_record(_set("answers.0.duration_s", -5)), r"answers\[0\]\.duration_s is -5, expected 0 to inf"),
    Damage("score is a string", edit_record(_set("answers.0.delivery_score", "<b>96</b>")), r"answers\[0\]\.delivery_score is a string, expected a whole number"),
    Damage("score is out of range", edit_record(_set("overall.content_score", 900)), r"overall\.content_score is 900, expected 0 to 100"),
    Damage("score is a boolean", edit_record(_set("overall.delivery_score", True)), r"overall\.delivery_score is a boolean"),
    Damage("audio points outside", edit_record(_set("answers.0.audio", "../../../etc/passwd")), r"answers\[0\]\.audio is '\.\./\.\./\.\./etc/passwd', expected a file name inside"),
    Damage("analysis is an absolute path", edit_record(_set("answers.0.analysis", "/etc/passwd")), r"answers\[0\]\.analysis is '/etc/passwd', expected a file name inside"),
    Damage("playback span is a string", edit_record(_set("answers.0.playback", [{"start": "3", "end": 5.0, "text": "Go on."}])), r"answers\[0\]\.playback\[0\]\.start is a string, expected a number"),
    Damage("playback line holds a terminal escape", edit_record(_set("answers.0.playback", [{"start": 3.0, "end": 5.0, "text": "Go\x1b[2J on."}])), r"answers\[0\]\.playback\[0\]\.text holds control characters"),
    Damage("answer index is missing", edit_record(_drop("answers.0.index")), r"answers\[0\] has no 'index'"),
    Damage("two answers share an index", edit_record(lambda r: {**r, "answers": r["answers"] * 2}), r"two answers have the same index"),
    Damage("status is unknown", edit_record(_set("status", "hacked")), r'status is "hacked", expected one of started, complete'),
    Damage("id points outside the folder", edit_record(_set("id", "../../../tmp/evil")), r"id '\.\./\.\./\.\./tmp/evil' does not match its folder"),
    Damage("id is another session's", edit_record(_set("id", "20991231-2359-ffff")), r"id '20991231-2359-ffff' does not match its folder"),
    Damage("record is a symlink", _symlinked_record, r"session\.json is a symbolic link"),
    Damage("title holds a terminal escape", edit_record(_set("prompt.title", "Feed\x1b[2J\x1b]0;owned\x07")), r"prompt\.title holds control characters"),
    Damage("record is nested a million deep", raw_record(b"[" * 1_000_000 + b"]" * 1_000_000), r"session\.json is nested too deeply"),
    Damage("session folder is a symlink", lambda f: _symlinked_folder(f), r"its folder is a symbolic link"),
    Damage("record is a FIFO", lambda f: ((f / MANIFEST).unlink(), os.mkfifo(f / MANIFEST)), r"session\.json is not a regular file"),
    Damage("record is a folder", lambda f: ((f / MANIFEST).unlink(), (f / MANIFEST).mkdir()), r"session\.json is not a regular file"),
]


@pytest.fixture
def damaged_pair(make_session):
    """A good session and one damaged by ``damage``: ``damaged_pair(damage) -> (good, bad)``."""

    def make(damage: Damage):
        good, bad = make_session(minute=1), make_session(minute=2)
        damage.apply(bad.folder)
        return good, bad

    return make


@pytest.mark.parametrize("damage", SESSION_DAMAGE, ids=lambda d: d.name)
def test_a_damaged_session_is_listed_with_its_reason_and_the_others_stay_readable(store, damaged_pair, damage):
    good, bad = damaged_pair(damage)
    entries = {entry.id: entry for entry in store.entries()}
    assert entries[good.id].session is not None and entries[good.id].problem is None
    assert entries[bad.id].session is None
    assert re.search(damage.reason, entries[bad.id].problem), entries[bad.id].problem


@pytest.mark.parametrize("damage", SESSION_DAMAGE, ids=lambda d: d.name)
def test_history_keeps_the_good_sessions_and_names_the_damaged_one(store, damaged_pair, damage):
    good, bad = damaged_pair(damage)
    index = SessionIndex(store)
    try:
        assert [row["id"] for row in index.history()] == [good.id]
        [(problem_id, problem)] = index.problems()
    finally:
        index.close()
    assert problem_id == bad.id and re.search(damage.reason, problem), problem


@pytest.mark.parametrize("damage", SESSION_DAMAGE, ids=lambda d: d.name)
def test_every_reader_refuses_a_damaged_session_with_the_same_reason(store, damaged_pair, damage):
    good, bad = damaged_pair(damage)
    with pytest.raises(DamagedSessionError, match=damage.reason):
        open_session(store, bad.id)
    with pytest.raises(DamagedSessionError, match=damage.reason):
        store.open(bad.id)
    view = open_session(store, good.id)  # the readers built on a view still work for the others
    assert session_metrics(view).content_score == 57
    assert json.loads(to_json(view))["session"]["id"] == good.id and good.id in to_markdown(view)
    assert compare(view, view).regressed == []


def test_one_listing_shows_every_damaged_session_beside_the_good_one(cli, store, make_session):
    good = make_session(minute=0)
    bad_ids = []
    for minute, damage in enumerate(SESSION_DAMAGE, start=1):
        bad = make_session(minute=minute)
        damage.apply(bad.folder)
        bad_ids.append(bad.id)

    code, out, err = cli("sessions", "--sessions-dir", store.root, env={**os.environ, "COLUMNS": "400"})
    assert code == 0 and "Traceback" not in err, err
    rows = {line.split()[1]: line for line in out.splitlines() if re.match(r"^\S\s\d{8}-\d{4}-[0-9a-f]{4}\s", line)}
    assert set(rows) == {good.id, *bad_ids}
    assert all("damaged" in rows[session_id] for session_id in bad_ids)
    assert "complete" in rows[good.id] and "damaged" not in rows[good.id]

    code, out, err = cli("history", "--sessions-dir", store.root)
    assert code == 0 and "Traceback" not in err, err
    assert good.id in out and not any(session_id in out for session_id in bad_ids)
    assert sorted(re.findall(r"warning: skipped (\S+):", err)) == sorted(bad_ids)


def test_a_title_holding_rich_markup_is_shown_literally(cli, store, make_session):
    title = "[/] feed [b]v2[/b]"
    session = make_session(prompt={"id": "sd-feed", "kind": "system_design", "title": title, "text": "Design a feed."})
    for command in ("sessions", "history"):
        code, out, err = cli(command, "--sessions-dir", store.root, env={**os.environ, "COLUMNS": "250"})
        assert code == 0 and "Traceback" not in err, err
        assert title in out and session.id in out


@pytest.mark.parametrize("command", ["report", "export", "replay", "rescore"])
def test_the_cli_refuses_a_damaged_session_in_one_line(cli, store, make_session, command, tmp_path):
    session = make_session()
    edit_record(_set("answers", "answer-1.wav"))(session.folder)
    args = {"replay": ["--no-audio"], "report": ["--out", tmp_path / "r.html"]}.get(command, [])
    code, out, err = cli(command, session.id, *args, "--sessions-dir", store.root)
    assert code == 2, err
    assert err.strip().splitlines() == [
        f"mockloop: error: Session {session.id}: session.json: answers is a string, expected a list."
    ]
    assert not (tmp_path / "r.html").exists()


def test_a_tampered_id_cannot_choose_where_the_report_is_written(cli, store, make_session, tmp_path):
    session = make_session()
    edit_record(_set("id", "../../../tmp/mockloop-evil"))(session.folder)
    workdir = tmp_path / "work"
    workdir.mkdir()
    code, _, err = cli("report", session.id, "--sessions-dir", store.root, cwd=workdir)
    assert code == 2 and "does not match its folder" in err
    assert list(workdir.iterdir()) == [] and not Path("/tmp/mockloop-evil.html").exists()


# --- answer-N.json and answer-N.wav ---------------------------------------------------------


def edit_analysis(change: Callable[[dict], object]) -> Callable[[Path], None]:
    def apply(folder: Path) -> None:
        analysis = json.loads((folder / "answer-1.json").read_text())
        replaced = change(analysis)
        (folder / "answer-1.json").write_text(json.dumps(analysis if replaced is None else replaced, allow_nan=True))

    return apply


def _symlinked_analysis(folder: Path) -> None:
    (folder / "answer-1.json").unlink()
    (folder / "answer-1.json").symlink_to("/etc/passwd")


ANSWER_DAMAGE = [
    Damage("a word start is text", edit_analysis(_set("transcript.words.0.start", "abc")), r"answer-1\.json: transcript\.words\[0\]\.start is a string, expected a number"),
    Damage("words is not a list", edit_analysis(_set("transcript.words", "Before I sketch")), r"answer-1\.json: transcript\.words is a string, expected a list"),
    Damage("a word is null", edit_analysis(_set("transcript.words.3", None)), r"answer-1\.json: transcript\.words\[3\] is null, expected an object"),
    Damage("delivery is null", edit_analysis(_set("delivery", None)), r"answer-1\.json: delivery is null, expected an object"),
    Damage("fillers is an object", edit_analysis(_set("delivery.fillers", {"um": 3})), r"answer-1\.json: delivery\.fillers is an object, expected a list"),
    Damage("a pause has no end", edit_analysis(_drop("delivery.pauses.0.end")), r"delivery\.pauses\[0\] has no 'end'"),
    Damage("delivery score is a script", edit_analysis(_set("scorecard.delivery_score", "<script>alert(1)</script>")), r"scorecard\.delivery_score is a string, expected a whole number"),
    Damage("content score is markup", edit_analysis(_set("scorecard.content_score", "<img src=x onerror=alert(2)>")), r"scorecard\.content_score is a string"),
    Damage("content.score is a script", edit_analysis(_set("content.score", "<script>alert(3)</script>")), r"content\.score is a string, expected a whole number"),
    Damage("rubric met is text", edit_analysis(_set("content.rubric.0.met", "yes")), r"content\.rubric\[0\]\.met is a string, expected true or false"),
    Damage("evidence start is text", edit_analysis(_set("content.rubric.0.evidence", [{"quote": "q", "start": "soon"}])), r"evidence\[0\]\.start is a string"),
    Damage("a tip holds a terminal escape", edit_analysis(_set("scorecard.tips", ["Slow down\x1b[31m"])), r"scorecard\.tips\[0\] holds control characters"),
    Damage("a word holds a terminal escape", edit_analysis(_set("transcript.words.0.text", "\x1b]52;c;cm0gLXJmIH4=\x07")), r"transcript\.words\[0\]\.text holds control characters"),
    Damage("analysis is a FIFO", lambda f: ((f / "answer-1.json").unlink(), os.mkfifo(f / "answer-1.json")), r"answer-1\.json is not a regular file"),
    Damage("filler word indices are text", edit_analysis(_set("delivery.fillers.0.word_indices", "0-3")), r"delivery\.fillers\[0\]\.word_indices is a string, expected a list"),
    Damage("a word probability is 7", edit_analysis(_set("transcript.words.2.probability", 7)), r"transcript\.words\[2\]\.probability is 7, expected 0 to 1"),
    Damage("warnings is a string", edit_analysis(_set("scorecard.warnings", "clipped")), r"scorecard\.warnings is a string, expected a list"),
    Damage("tips is a string", edit_analysis(_set("scorecard.tips", "Slow down")), r"scorecard\.tips is a string, expected a list"),
    Damage("median pitch is text", edit_analysis(_set("delivery.prosody", {"pitch_median_hz": "high", "uptalk": []})), r"delivery\.prosody\.pitch_median_hz is a string, expected a number"),
    Damage("monotone is text", edit_analysis(_set("delivery.prosody", {"monotone": "yes"})), r"delivery\.prosody\.monotone is a string, expected true or false"),
    Damage("uptalk is a count", edit_analysis(_set("delivery.prosody", {"uptalk": 3})), r"delivery\.prosody\.uptalk is a number, expected a list"),
    Damage("repetitions is a string", edit_analysis(_set("delivery.repetitions", "we, we will")), r"delivery\.repetitions is a string, expected a list"),
    Damage("first point is negative", edit_analysis(_set("delivery.conciseness", {"first_point_s": -5})), r"delivery\.conciseness\.first_point_s is -5, expected 0 to inf"),
    Damage("duration is infinite", edit_analysis(_set("duration_s", math.inf)), r"answer-1\.json is unreadable \(Infinity is not a number"),
    Damage("analysis is a list", edit_analysis(lambda a: [a]), r"answer-1\.json is a list, expected an object"),
    Damage("analysis is another schema", edit_analysis(_set("schema", "other/9")), r"answer-1\.json is not a mockloop\.analysis/1 analysis"),
    Damage("analysis is a symlink", _symlinked_analysis, r"answer-1\.json is a symbolic link"),
]


@pytest.mark.parametrize("damage", ANSWER_DAMAGE, ids=lambda d: d.name)
def test_a_damaged_answer_is_kept_as_a_problem_of_that_answer(store, make_session, damage):
    session = make_session()
    damage.apply(session.folder)
    view = open_session(store, session.id)
    [answer] = view.answers
    assert answer.analysis is None and answer.audio is not None
    [problem] = answer.problems
    assert re.search(damage.reason, problem), problem
    with pytest.raises(DamagedSessionError, match=re.escape(problem)):
        view.answer(None)


@pytest.mark.parametrize("damage", ANSWER_DAMAGE, ids=lambda d: d.name)
def test_report_shows_a_damaged_answer_as_a_problem_and_runs_nothing_from_it(cli, store, make_session, damage, tmp_path):
    session = make_session()
    damage.apply(session.folder)
    out = tmp_path / "report.html"
    code, stdout, err = cli("report", session.id, "--out", out, "--sessions-dir", store.root)
    assert code == 0 and "Traceback" not in err, err
    [warning] = err.strip().splitlines()
    assert warning.startswith("warning: ") and re.search(damage.reason, warning), warning
    html = out.read_text()
    assert html.count("<script") == 1  # the page's own script, nothing from the files
    assert "onerror" not in html and "root:x:0:0" not in html
    assert 'class="problem"' in html


@pytest.mark.parametrize("damage", ANSWER_DAMAGE[:4] + ANSWER_DAMAGE[-2:], ids=lambda d: d.name)
def test_replay_refuses_a_damaged_answer_in_one_line(cli, store, make_session, damage):
    session = make_session()
    damage.apply(session.folder)
    code, out, err = cli("replay", session.id, "--no-audio", "--speed", "100", "--sessions-dir", store.root)
    assert code == 2 and "Traceback" not in err, err
    [line] = err.strip().splitlines()
    assert line.startswith(f"mockloop: error: Session {session.id} has no readable answer analysis")
    assert re.search(damage.reason, line), line


def test_hostile_text_in_well_formed_files_is_escaped_in_the_report(cli, store, make_session, sample_analysis, tmp_path):
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    sample_analysis["scorecard"]["tips"] = [payload]
    sample_analysis["content"]["rubric"][0]["note"] = payload
    sample_analysis["content"]["rubric"][1]["evidence"] = [{"quote": payload, "start": 3.0}]
    sample_analysis["transcript"]["words"][0]["text"] = payload
    sample_analysis["delivery"]["fillers"][0]["text"] = payload
    hostile_prompt = {"id": "x", "kind": "system_design", "title": payload, "text": payload, "company": payload,
                      "phases": [[payload, 60]]}
    session = make_session(analysis=sample_analysis, prompt=hostile_prompt)
    out = tmp_path / "report.html"
    code, _, err = cli("report", session.id, "--out", out, "--sessions-dir", store.root)
    assert code == 0, err
    html = out.read_text()
    assert html.count("<script") == 1 and "<img" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_a_symlinked_answer_audio_is_not_embedded(cli, store, make_session, tmp_path):
    session = make_session()
    (session.folder / "answer-1.wav").unlink()
    (session.folder / "answer-1.wav").symlink_to("/etc/passwd")
    out = tmp_path / "report.html"
    code, _, err = cli("report", session.id, "--out", out, "--sessions-dir", store.root)
    assert code == 0, err
    html = out.read_text()
    assert "data:audio" not in html and "cm9vd" not in html  # base64 of "root"
    assert "answer-1.wav is a symbolic link" in html and "answer-1.wav is a symbolic link" in err


def test_an_answer_wav_that_is_not_audio_is_not_embedded(cli, store, make_session, tmp_path):
    session = make_session()
    (session.folder / "answer-1.wav").write_bytes(Path("/etc/passwd").read_bytes())
    out = tmp_path / "report.html"
    code, _, err = cli("report", session.id, "--out", out, "--sessions-dir", store.root)
    assert code == 0, err
    html = out.read_text()
    assert "data:audio" not in html and "cm9vd" not in html
    assert "answer-1.wav is not readable audio; it is not embedded" in html
