"""A SQLite index of sessions, so listing and trends stay fast with hundreds of sessions.

The session folders are the source of truth; the index is a cache of their metrics and may be
deleted or rebuilt at any time (``mockloop sessions --reindex``). ``sync`` re-reads only the
sessions whose ``session.json`` changed since they were indexed, so it is cheap to call before
every query. Schema changes are numbered migration functions (as in simonw/llm), each applied
once and recorded in ``PRAGMA user_version``.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Callable, Optional

from mockloop.errors import MockloopError
from mockloop.review.loader import open_session
from mockloop.review.metrics import SessionMetrics, session_metrics
from mockloop.sessions import MANIFEST, SessionStore, _ID_PATTERN

INDEX_NAME = "index.sqlite3"
MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = []


class SessionIndexError(MockloopError):
    """The index file cannot be opened or written."""


def migration(fn: Callable[[sqlite3.Connection], None]) -> Callable[[sqlite3.Connection], None]:
    MIGRATIONS.append(fn)
    return fn


@migration
def m001_sessions(db: sqlite3.Connection) -> None:
    db.execute(
        """CREATE TABLE sessions (
            id TEXT PRIMARY KEY, created_at TEXT NOT NULL, kind TEXT, prompt_id TEXT, prompt_title TEXT,
            status TEXT, duration_s REAL, answers INTEGER,
            fillers_per_minute REAL, words_per_minute REAL, long_pauses INTEGER, decision_markers INTEGER,
            content_score INTEGER, delivery_score INTEGER,
            manifest_mtime_ns INTEGER NOT NULL
        )"""
    )


@migration
def m002_hedges_and_problems(db: sqlite3.Connection) -> None:
    db.execute("ALTER TABLE sessions ADD COLUMN hedges INTEGER")
    db.execute("ALTER TABLE sessions ADD COLUMN problem TEXT")


@migration
def m003_kind_time_index(db: sqlite3.Connection) -> None:
    db.execute("CREATE INDEX sessions_kind_created ON sessions (kind, created_at)")


SCHEMA_VERSION = len(MIGRATIONS)
_COLUMNS = [n for n in SessionMetrics.__dataclass_fields__]


def migrate(db: sqlite3.Connection) -> int:
    """Apply the migrations ``db`` has not seen yet; return its schema version."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise SessionIndexError(f"The session index was made by a newer mockloop (schema {version}); run `mockloop sessions --reindex`.")
    for number, step in enumerate(MIGRATIONS[version:], start=version + 1):
        with db:
            step(db)
            db.execute(f"PRAGMA user_version = {number}")
    return SCHEMA_VERSION


class SessionIndex:
    """The index file ``<sessions root>/index.sqlite3`` for one ``SessionStore``."""

    def __init__(self, store: SessionStore, path: Optional[Path] = None):
        self.store = store
        self.path = path or store.root / INDEX_NAME
        self._db: Optional[sqlite3.Connection] = None

    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._db = sqlite3.connect(self.path)
                self._db.row_factory = sqlite3.Row
                migrate(self._db)
            except sqlite3.DatabaseError as exc:
                if self._db is not None:
                    self._db.close()
                    self._db = None
                raise SessionIndexError(f"Cannot use the session index {self.path}: {exc}; run `mockloop sessions --reindex`.") from None
            except OSError as exc:
                raise SessionIndexError(f"Cannot create the session index {self.path}: {exc.strerror or exc}.") from None
        return self._db

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def rebuild(self) -> int:
        """Forget everything and index every session folder again; return how many were indexed."""
        self.close()
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(str(self.path) + suffix).unlink(missing_ok=True)
        return self.sync()

    def sync(self) -> int:
        """Index new and changed sessions and drop vanished ones; return the number of rows."""
        on_disk = {}
        if self.store.root.is_dir():
            for folder in self.store.root.iterdir():
                manifest = folder / MANIFEST
                if _ID_PATTERN.match(folder.name):
                    try:
                        on_disk[folder.name] = manifest.stat().st_mtime_ns
                    except OSError:
                        on_disk[folder.name] = 0
        known = {row["id"]: row["manifest_mtime_ns"] for row in self.db.execute("SELECT id, manifest_mtime_ns FROM sessions")}
        with self.db:
            for gone in set(known) - set(on_disk):
                self.db.execute("DELETE FROM sessions WHERE id = ?", (gone,))
            for session_id, mtime in on_disk.items():
                if known.get(session_id) != mtime:
                    self._put(session_id, mtime)
        return len(on_disk)

    def _put(self, session_id: str, mtime: int) -> None:
        try:
            values = session_metrics(open_session(self.store, session_id)).to_dict()
            values["problem"] = None
        except MockloopError as exc:
            values = {name: None for name in _COLUMNS}
            values.update(id=session_id, created_at=session_id, problem=str(exc))
        values["manifest_mtime_ns"] = mtime
        names = [*_COLUMNS, "problem", "manifest_mtime_ns"]
        self.db.execute(
            f"INSERT OR REPLACE INTO sessions ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
            [values.get(n) for n in names],
        )

    def remove(self, session_id: str) -> None:
        with self.db:
            self.db.execute("DELETE FROM sessions WHERE id = ?", (session_id,))

    def history(self, kind: Optional[str] = None, last: Optional[int] = None) -> list[dict]:
        """Readable sessions oldest first (the last ``last`` of them), optionally of one kind."""
        self.sync()
        sql = "SELECT * FROM sessions WHERE problem IS NULL"
        args: list = []
        if kind:
            sql += " AND kind = ?"
            args.append(kind)
        sql += " ORDER BY created_at DESC, id DESC"
        if last:
            sql += " LIMIT ?"
            args.append(int(last))
        rows = [dict(row) for row in self.db.execute(sql, args)]
        return rows[::-1]

    def problems(self) -> list[tuple[str, str]]:
        return [(r["id"], r["problem"]) for r in self.db.execute("SELECT id, problem FROM sessions WHERE problem IS NOT NULL ORDER BY id")]
