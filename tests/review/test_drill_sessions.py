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


@pytest.mark.parametrize("mark, named", [
    ({"at_s": 3.0}, "'item'"),
    ({"item": 7}, "drill.item"),
    ({"item": "estimates_cost", "at_s": -4}, "drill.at_s"),
    ("estimates_cost", "drill"),
])
def test_a_damaged_drill_mark_is_refused_with_the_field_named(store, make_session, mark, named):
    session = make_session()
    rewrite_drill(session, mark)
    with pytest.raises(DamagedSessionError, match=named.replace(".", r"\.")):
        open_session(store, session.id)
