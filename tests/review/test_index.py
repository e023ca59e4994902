"""The index is a rebuildable cache of the session folders, with numbered migrations."""

import sqlite3

from mockloop.review.index import MIGRATIONS, SCHEMA_VERSION, SessionIndex, migrate


def columns(db):
    return {row[1] for row in db.execute("PRAGMA table_info(sessions)")}


def test_migrations_build_the_current_schema_on_an_empty_database():
    db = sqlite3.connect(":memory:")
    assert migrate(db) == SCHEMA_VERSION == len(MIGRATIONS)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert {"id", "kind", "fillers_per_minute", "content_score", "hedges", "problem", "manifest_mtime_ns"} <= columns(db)
    assert migrate(db) == SCHEMA_VERSION  # running again changes nothing


def test_an_index_at_version_1_keeps_its_rows_when_migrated():
    db = sqlite3.connect(":memory:")
    MIGRATIONS[0](db)
    db.execute("PRAGMA user_version = 1")
    db.execute("INSERT INTO sessions (id, created_at, kind, manifest_mtime_ns) VALUES ('20261120-0900-aaaa', 'x', 'behavioral', 1)")
    migrate(db)
    assert db.execute("SELECT id, hedges, problem FROM sessions").fetchall() == [("20261120-0900-aaaa", None, None)]
    assert "sessions_kind_created" in {row[1] for row in db.execute("PRAGMA index_list(sessions)")}


def test_sync_follows_new_changed_and_deleted_session_folders(store, make_session):
    import shutil

    first, second = make_session(minute=1), make_session(minute=2)
    index = SessionIndex(store)
    assert [r["id"] for r in index.history()] == [first.id, second.id]  # oldest first
    second.record.overall["content_score"] = 99
    second.save()
    import os
    os.utime(second.folder / "session.json", ns=(1, 1))  # a changed mtime, whatever the clock's resolution
    assert index.history()[-1]["content_score"] == 99
    shutil.rmtree(first.folder)
    assert [r["id"] for r in index.history()] == [second.id]


def test_history_filters_by_kind_and_keeps_the_last_n(store, make_session):
    behavioral = {"id": "bh-1", "kind": "behavioral", "title": "Conflict", "text": "Tell me about a conflict."}
    a, b, c = make_session(minute=1), make_session(minute=2), make_session(minute=3, prompt=behavioral)
    index = SessionIndex(store)
    assert [r["id"] for r in index.history(kind="system_design")] == [a.id, b.id]
    assert [r["id"] for r in index.history(last=2)] == [b.id, c.id]


def test_a_corrupt_index_file_is_rebuilt_from_the_folders(store, make_session):
    session = make_session()
    index = SessionIndex(store)
    index.path.parent.mkdir(parents=True, exist_ok=True)
    index.path.write_bytes(b"this is not sqlite" * 100)
    assert index.rebuild() == 1
    assert [r["id"] for r in index.history()] == [session.id]


def mark_as_drill(session, item="estimates_cost", take=2):
    session.record.drill = {"item": item, "take": take}
    session.save()
    return session


def test_the_index_records_the_drill_mark_and_history_can_keep_or_leave_out_drills(store, make_session):
    full, drill = make_session(minute=1), mark_as_drill(make_session(minute=2))
    index = SessionIndex(store)
    rows = {r["id"]: r for r in index.history()}
    assert (rows[drill.id]["drill_item"], rows[drill.id]["drill_take"]) == ("estimates_cost", 2)
    assert (rows[full.id]["drill_item"], rows[full.id]["drill_take"]) == (None, None)
    assert [r["id"] for r in index.history(drills=True)] == [drill.id]
    assert [r["id"] for r in index.history(drills=False)] == [full.id]


def test_an_index_made_before_the_drill_mark_migrates_and_fills_it_from_the_session_folders(store, make_session):
    full, drill = make_session(minute=1), mark_as_drill(make_session(minute=2))
    path = store.root / "index.sqlite3"
    old = sqlite3.connect(path)
    for step in MIGRATIONS[:4]:  # the schema of the mockloop before drills were indexed
        step(old)
    old.execute("PRAGMA user_version = 4")
    for session in (full, drill):  # rows as that mockloop wrote them, up to date with the folders
        mtime = (session.folder / "session.json").lstat().st_mtime_ns
        old.execute("INSERT INTO sessions (id, created_at, kind, status, manifest_mtime_ns) VALUES (?, ?, 'system_design', 'complete', ?)",
                    (session.id, session.record.created_at, mtime))
    old.commit()
    old.close()
    index = SessionIndex(store)
    assert [r["id"] for r in index.history(drills=True)] == [drill.id]
    assert [r["id"] for r in index.history(drills=False)] == [full.id]
    assert index.notice is None  # migrated in place, not thrown away and rebuilt
    assert index.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_a_rebuilt_index_takes_the_drill_mark_from_session_json(store, make_session):
    drill = mark_as_drill(make_session(), item="fillers_per_minute", take=1)
    index = SessionIndex(store)
    assert index.rebuild() == 1
    assert [(r["drill_item"], r["drill_take"]) for r in index.history()] == [("fillers_per_minute", 1)]
    assert drill.id == index.history(drills=True)[0]["id"]


SOUND_COLUMNS = (
    "pitch_median_hz", "pitch_range_semitones", "monotone_answers", "intensity_range_db", "uptalk", "repetitions",
    "first_point_s", "longest_without_decision_s",
)


def test_an_index_from_before_the_sound_columns_is_migrated_and_filled_from_the_session_files(store, make_session, sounded):
    """An index written by the mockloop before migration 6: its rows were read when the sessions
    were saved, so nothing in them says the sessions had prosody. The next sync reads them again."""
    from mockloop.sessions import MANIFEST

    old, new = make_session(minute=1), make_session(minute=2, analysis=sounded(uptalk=2, first_point_s=41.5))
    path = store.root / "index.sqlite3"
    db = sqlite3.connect(path)
    for step in MIGRATIONS[:4]:
        step(db)
    for session in (old, new):
        db.execute(
            "INSERT INTO sessions (id, created_at, kind, manifest_mtime_ns) VALUES (?, ?, 'system_design', ?)",
            (session.id, session.record.created_at, (session.folder / MANIFEST).lstat().st_mtime_ns),
        )
    db.execute("PRAGMA user_version = 4")
    db.commit()
    db.close()

    rows = {row["id"]: row for row in SessionIndex(store).history()}

    assert {name: rows[new.id][name] for name in SOUND_COLUMNS} == {
        "pitch_median_hz": 101.3, "pitch_range_semitones": 4.23, "monotone_answers": 0, "intensity_range_db": 14.7,
        "uptalk": 2, "repetitions": 0, "first_point_s": 41.5, "longest_without_decision_s": 89.74,
    }
    assert {name: rows[old.id][name] for name in SOUND_COLUMNS} == dict.fromkeys(SOUND_COLUMNS)  # missing, not 0
    assert rows[old.id]["fillers_per_minute"] == 4.1  # read again too: the migrated row was empty


def test_a_rebuild_fills_the_sound_columns_only_for_sessions_that_were_heard(store, make_session, sounded):
    old, new = make_session(minute=1), make_session(minute=2, analysis=sounded(pitch_range_semitones=1.9, monotone=True))
    index = SessionIndex(store)
    assert index.rebuild() == 2
    rows = {row["id"]: row for row in index.history()}
    assert (rows[new.id]["pitch_range_semitones"], rows[new.id]["monotone_answers"]) == (1.9, 1)
    assert all(rows[old.id][name] is None for name in SOUND_COLUMNS)
