"""A SQLite index of sessions, so listing and trends stay fast with hundreds of sessions.

The session folders are the source of truth; the index is a cache of their metrics and may be
deleted or rebuilt at any time (``mockloop sessions --reindex``). ``sync`` re-reads only the
sessions whose ``session.json`` changed since they were indexed, so it is cheap to call before
every query. Schema changes are numbered migration functions (as in simonw/llm), each applied
once and recorded in ``PRAGMA user_version``.

Several mockloop processes may use the index at once (``history`` here, ``sessions --reindex``
there): it runs in WAL mode with a busy timeout, and every write is one short ``BEGIN IMMEDIATE``
transaction whose rows were computed beforehand. Because the index is derived data, a corrupt
file or one with the wrong columns is rebuilt on the spot; a sessions folder that cannot be
written gets an index in memory for this run. Only an index path that is a folder is an error.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Callable, Optional

from mockloop.errors import MockloopError
from mockloop.privacy import create_private_file, make_private
from mockloop.review.loader import open_session
from mockloop.review.metrics import SessionMetrics, session_metrics
from mockloop.sessions import ID_PATTERN, MANIFEST, SessionStore, damage_reason

INDEX_NAME = "index.sqlite3"
BUSY_TIMEOUT_S = 30.0  # how long to wait for another mockloop's write to the index
MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = []
STALE_MTIME = -1  # a manifest time no file has: the row is read again on the next sync


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


@migration
def m004_prosody(db: sqlite3.Connection) -> None:
    db.execute("ALTER TABLE sessions ADD COLUMN pitch_range_semitones REAL")
    db.execute("ALTER TABLE sessions ADD COLUMN uptalk INTEGER")
    db.execute("ALTER TABLE sessions ADD COLUMN repetitions INTEGER")


@migration
def m005_drill_mark(db: sqlite3.Connection) -> None:
    """The drill mark of session.json: which item or habit a drill aimed at, and its take.

    Rows indexed before it have no mark to copy, so they are marked stale: the next sync reads
    those sessions again and fills the columns from their folders.
    """
    db.execute("ALTER TABLE sessions ADD COLUMN drill_item TEXT")
    db.execute("ALTER TABLE sessions ADD COLUMN drill_take INTEGER")
    db.execute(f"UPDATE sessions SET manifest_mtime_ns = {STALE_MTIME}")


@migration
def m006_how_it_sounded(db: sqlite3.Connection) -> None:
    for column in ("pitch_median_hz REAL", "monotone_answers INTEGER", "intensity_range_db REAL", "first_point_s REAL",
                   "longest_without_decision_s REAL"):
        db.execute(f"ALTER TABLE sessions ADD COLUMN {column}")
    # The rows hold what was read before these columns existed: have the next sync read every
    # session folder again, so the new columns (and m004's) are filled from the session files.
    db.execute(f"UPDATE sessions SET manifest_mtime_ns = {STALE_MTIME}")


SCHEMA_VERSION = len(MIGRATIONS)
_COLUMNS = [n for n in SessionMetrics.__dataclass_fields__]


_STORED = [*_COLUMNS, "problem", "manifest_mtime_ns"]
_SIDE_FILES = ("-journal", "-wal", "-shm")


def migrate(db: sqlite3.Connection) -> int:
    """Apply the migrations ``db`` has not seen yet; return its schema version.

    The version is read again under the write lock, so two mockloops opening a new index at the
    same moment apply each migration once.

    Raises:
        SessionIndexError: the index was made by a newer mockloop.
    """
    if _version(db) == SCHEMA_VERSION:
        return SCHEMA_VERSION
    manual = db.isolation_level is None
    if manual:
        db.execute("BEGIN IMMEDIATE")
    try:
        version = _version(db)
        for number, step in enumerate(MIGRATIONS[version:], start=version + 1):
            step(db)
            db.execute(f"PRAGMA user_version = {number}")
        db.execute("COMMIT") if manual else db.commit()
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK") if manual else db.rollback()
        raise
    return SCHEMA_VERSION


def _version(db: sqlite3.Connection) -> int:
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise SessionIndexError(f"The session index was made by a newer mockloop (schema {version}); run `mockloop sessions --reindex`.")
    return version


class _Unusable(Exception):
    """The index file is corrupt, of another schema or has the wrong columns: rebuild it."""


class SessionIndex:
    """The index file ``<sessions root>/index.sqlite3`` for one ``SessionStore``.

    ``notice`` says, in one sentence, when the index had to be rebuilt or kept in memory.
    """

    def __init__(self, store: SessionStore, path: Optional[Path] = None):
        self.store = store
        self.path = Path(path) if path else store.root / INDEX_NAME
        self._db: Optional[sqlite3.Connection] = None
        self.notice: Optional[str] = None

    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None:
            self._db = self._connect()
        return self._db

    def _connect(self) -> sqlite3.Connection:
        if self.path.is_dir():
            raise SessionIndexError(
                f"The session index {self.path} is a folder, not a file; move it away and mockloop rebuilds the index from the sessions."
            )
        if not self.path.parent.exists():
            return self._open(":memory:")  # no sessions yet: nothing to index, nothing to create
        if not self._writable():
            self.notice = f"The session index {self.path} cannot be written here; using one in memory for this run."
            return self._open(":memory:")
        try:
            return self._open_file()
        except _Unusable as why:
            self._discard_files()
            self.notice = f"The session index {self.path} was unusable ({why}); rebuilt it from the session folders."
            try:
                return self._open_file()
            except (_Unusable, sqlite3.Error) as exc:
                raise SessionIndexError(f"Cannot use the session index {self.path}: {exc}.") from None
        except sqlite3.OperationalError as exc:
            raise SessionIndexError(f"Cannot use the session index {self.path}: {exc}.") from None

    def _writable(self) -> bool:
        folder = self.path.parent
        if not folder.is_dir():
            return False  # no sessions folder yet: nothing to index, and nothing is created for it
        if not os.access(folder, os.W_OK | os.X_OK):
            return False
        return not self.path.exists() or os.access(self.path, os.R_OK | os.W_OK)

    def _open_file(self) -> sqlite3.Connection:
        try:
            if not self.path.exists():
                create_private_file(self.path)
            make_private(self.path)
            db = self._open(str(self.path))
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
                raise
            raise _Unusable(str(exc)) from None
        except SessionIndexError as exc:
            raise _Unusable(str(exc)) from None
        except OSError as exc:
            raise SessionIndexError(f"Cannot create the session index {self.path}: {exc.strerror or exc}.") from None
        return db

    def _open(self, where: str) -> sqlite3.Connection:
        db = sqlite3.connect(where, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        try:
            db.row_factory = sqlite3.Row
            if where != ":memory:":
                db.execute("PRAGMA journal_mode=WAL")
            migrate(db)
            have = {row[1] for row in db.execute("PRAGMA table_info(sessions)")}
            missing = [name for name in _STORED if name not in have]
            if missing:
                raise _Unusable(f"no column {missing[0]}")
        except BaseException:
            db.close()
            raise
        return db

    def _discard_files(self) -> None:
        for suffix in ("", *_SIDE_FILES):
            Path(str(self.path) + suffix).unlink(missing_ok=True)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def rebuild(self) -> int:
        """Forget everything and index every session folder again; return how many were indexed.

        Done in one transaction on the same file, so another mockloop reading the index meanwhile
        sees the old rows or the new ones, never a missing file.
        """
        return self.sync(everything=True)

    def sync(self, everything: bool = False) -> int:
        """Index new and changed sessions and drop vanished ones; return the number of rows.

        Raises:
            SessionIndexError: the index is locked by another mockloop for too long.
        """
        db = self.db
        on_disk = self._folders()
        known = {} if everything else {row["id"]: row["manifest_mtime_ns"] for row in self._query("SELECT id, manifest_mtime_ns FROM sessions")}
        changed = [self._row(sid, mtime) for sid, mtime in on_disk.items() if known.get(sid) != mtime]
        gone = set(known) - set(on_disk)
        if not changed and not gone and not everything:
            return len(on_disk)
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                if everything:
                    db.execute("DELETE FROM sessions")
                for session_id in gone:
                    db.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
                for values in changed:
                    db.execute(
                        f"INSERT OR REPLACE INTO sessions ({', '.join(_STORED)}) VALUES ({', '.join('?' * len(_STORED))})",
                        [values.get(n) for n in _STORED],
                    )
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise
        except sqlite3.OperationalError as exc:
            raise self._busy(exc) from None
        return len(on_disk)

    def _folders(self) -> dict[str, int]:
        on_disk = {}
        if self.store.root.is_dir():
            for folder in self.store.root.iterdir():
                if ID_PATTERN.match(folder.name):
                    try:
                        on_disk[folder.name] = (folder / MANIFEST).lstat().st_mtime_ns
                    except OSError:
                        on_disk[folder.name] = 0
        return on_disk

    def _row(self, session_id: str, mtime: int) -> dict:
        try:
            values = session_metrics(open_session(self.store, session_id)).to_dict()
            values["problem"] = None
        except MockloopError as exc:
            values = {name: None for name in _COLUMNS}
            values.update(id=session_id, problem=damage_reason(exc, session_id))
        values["created_at"] = values.get("created_at") or session_id
        try:  # the recovery of a crashed session may just have rewritten its session.json
            values["manifest_mtime_ns"] = (self.store.root / session_id / MANIFEST).lstat().st_mtime_ns
        except OSError:
            values["manifest_mtime_ns"] = mtime
        return values

    def _query(self, sql: str, args=()) -> list[sqlite3.Row]:
        try:
            return list(self.db.execute(sql, args))
        except sqlite3.OperationalError as exc:
            raise self._busy(exc) from None

    def _busy(self, exc: sqlite3.OperationalError) -> SessionIndexError:
        if "locked" in str(exc) or "busy" in str(exc):
            return SessionIndexError(f"The session index {self.path} stayed locked by another mockloop for {BUSY_TIMEOUT_S:.0f} s; try again.")
        return SessionIndexError(f"Cannot use the session index {self.path}: {exc}.")

    def remove(self, session_id: str) -> None:
        try:
            self.db.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
        except sqlite3.OperationalError as exc:
            raise self._busy(exc) from None

    def history(self, kind: Optional[str] = None, last: Optional[int] = None, drills: Optional[bool] = None) -> list[dict]:
        """Readable sessions oldest first (the last ``last`` of them), optionally of one kind;
        ``drills`` True keeps only drills, False only full sessions, None both."""
        self.sync()
        sql = "SELECT * FROM sessions WHERE problem IS NULL"
        args: list = []
        if kind:
            sql += " AND kind = ?"
            args.append(kind)
        if drills is not None:
            sql += f" AND drill_item IS {'NOT ' if drills else ''}NULL"
        sql += " ORDER BY created_at DESC, id DESC"
        if last:
            sql += " LIMIT ?"
            args.append(int(last))
        rows = [dict(row) for row in self._query(sql, args)]
        return rows[::-1]

    def problems(self) -> list[tuple[str, str]]:
        return [(r["id"], r["problem"]) for r in self._query("SELECT id, problem FROM sessions WHERE problem IS NOT NULL ORDER BY id")]
