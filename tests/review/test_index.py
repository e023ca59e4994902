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
