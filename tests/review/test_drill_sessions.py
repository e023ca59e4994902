"""A drill's mark in session.json is read back checked, like every other field (untrusted input)."""

import json

import pytest

from mockloop.review.loader import open_session
from mockloop.session_files import DamagedSessionError


def rewrite_drill(session, mark):
    path = session.folder / "session.json"
    data = json.loads(path.read_text())
    data["drill"] = mark
    path.write_text(json.dumps(data))


def test_a_drill_mark_is_read_back(store, make_session):
    session = make_session()
    rewrite_drill(session, {"item": "estimates_cost", "from_session": "20261120-0900-aaaa", "at_s": 80.0})
    assert open_session(store, session.id).record.drill == {"item": "estimates_cost", "from_session": "20261120-0900-aaaa", "at_s": 80.0}


def test_a_habit_drill_mark_with_its_take_is_read_back(store, make_session):
    session = make_session()
    rewrite_drill(session, {"item": "fillers_per_minute", "habit": True, "take": 3})
    assert open_session(store, session.id).record.drill == {"item": "fillers_per_minute", "habit": True, "take": 3}


@pytest.mark.parametrize("mark, named", [
    ({"at_s": 3.0}, "'item'"),
    ({"item": 7}, "drill.item"),
    ({"item": "estimates_cost", "at_s": -4}, "drill.at_s"),
    ({"item": "fillers_per_minute", "habit": "yes"}, "drill.habit"),
    ({"item": "estimates_cost", "take": 0}, "drill.take"),
    ("estimates_cost", "drill"),
])
def test_a_damaged_drill_mark_is_refused_with_the_field_named(store, make_session, mark, named):
    session = make_session()
    rewrite_drill(session, mark)
    with pytest.raises(DamagedSessionError, match=named.replace(".", r"\.")):
        open_session(store, session.id)
