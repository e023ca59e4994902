"""A bad id, a damaged folder or an old schema gets one clear sentence; other sessions keep working."""

import json

import pytest

from mockloop.errors import InputError
from mockloop.review.index import SessionIndex
from mockloop.review.loader import DamagedSessionError, SessionSchemaError, open_session


@pytest.mark.parametrize("bad", ["../etc", "..", "20261120-0900-aaaa/../../x", "/tmp", "nope"])
def test_path_tricks_and_malformed_ids_are_refused(store, bad):
    with pytest.raises(InputError, match="is not a session id"):
        open_session(store, bad)


def test_an_unknown_session_says_where_it_looked(store):
    with pytest.raises(InputError, match=r"No session 20261120-0900-abcd in .*mockloop sessions"):
        open_session(store, "20261120-0900-abcd")


def test_a_corrupt_record_is_a_damaged_session(store, make_session):
    session = make_session()
    (session.folder / "session.json").write_text("{ not json", encoding="utf-8")
    with pytest.raises(DamagedSessionError, match=r"session.json is unreadable"):
        open_session(store, session.id)


def test_a_missing_record_is_a_damaged_session(store, make_session):
    session = make_session()
    (session.folder / "session.json").unlink()
    with pytest.raises(DamagedSessionError, match="has no session.json"):
        open_session(store, session.id)


def test_an_older_schema_is_named_in_the_message(store, make_session):
    session = make_session()
    record = json.loads((session.folder / "session.json").read_text())
    record["schema"] = "mockloop.session/0"
    (session.folder / "session.json").write_text(json.dumps(record))
    with pytest.raises(SessionSchemaError, match=r"uses schema mockloop.session/0, this mockloop reads mockloop.session/1"):
        open_session(store, session.id)


def test_a_missing_or_corrupt_analysis_is_reported_per_answer(store, make_session):
    session = make_session()
    (session.folder / "answer-1.json").write_text("[truncated", encoding="utf-8")
    view = open_session(store, session.id)
    assert view.answers[0].analysis is None
    assert view.problems()[0].startswith("answer-1.json is unreadable (Expecting value")
    with pytest.raises(DamagedSessionError, match="no readable answer analysis"):
        view.answer(None)
    (session.folder / "answer-1.json").unlink()
    assert open_session(store, session.id).problems() == ["answer-1.json is missing"]


def test_history_skips_a_damaged_session_and_keeps_the_others(store, make_session):
    good, bad = make_session(minute=1), make_session(minute=2)
    (bad.folder / "session.json").write_text("garbage")
    index = SessionIndex(store)
    assert [row["id"] for row in index.history()] == [good.id]
    assert [sid for sid, _ in index.problems()] == [bad.id]


def test_the_cli_prints_one_line_and_exits_2(cli):
    code, out, err = cli("report", "../../etc/passwd")
    assert code == 2
    assert err.strip().splitlines() == ["mockloop: error: '../../etc/passwd' is not a session id (they look like 20261123-1530-a1b2; see `mockloop sessions`)."]
