"""Where interviews are kept: one folder per session, plain files, written as the interview goes.

Layout of ``<root>/<id>/``::

    session.json        what was asked, settings, versions, times, one entry per answer
    question-1.wav      the spoken prompt; question-2.wav ... the spoken follow-up probes
    answer-1.wav        the candidate's answer, written while recording
    answer-1.json       that answer's analysis (the ``mockloop.analysis/1`` contract)
    scorecard.md        the scorecard for the whole session
    summary.wav         the spoken closing summary

The files are the source of truth; an index (issue 5) may be rebuilt from them at any time.
``session.json`` is rewritten atomically after every step, so an interview that crashes or is
stopped still leaves a consistent record pointing at the audio already on disk.

The root is ``--sessions-dir``, else ``$MOCKLOOP_HOME/sessions``, else the platform's user data
folder (``~/.local/share/mockloop/sessions`` on Linux).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Optional

from mockloop.errors import InputError, MockloopError

SESSION_SCHEMA = "mockloop.session/1"
MANIFEST = "session.json"
SCORECARD = "scorecard.md"
HOME_ENV = "MOCKLOOP_HOME"
_ID_PATTERN = re.compile(r"^[0-9]{8}-[0-9]{4}-[0-9a-f]{4}$")


class SessionStorageError(MockloopError):
    """The sessions folder cannot be created, written or read."""


def sessions_root(explicit: str | Path | None = None) -> Path:
    """The sessions folder: ``explicit``, else ``$MOCKLOOP_HOME/sessions``, else the user data dir."""
    if explicit:
        return Path(explicit).expanduser()
    home = os.environ.get(HOME_ENV)
    if home:
        return Path(home).expanduser() / "sessions"
    import platformdirs

    return Path(platformdirs.user_data_dir("mockloop", appauthor=False)) / "sessions"


def new_session_id(now: datetime | None = None) -> str:
    """``YYYYMMDD-HHMM-xxxx``: sorts by time, safe in any file system, short enough to type."""
    now = now or datetime.now()
    return f"{now:%Y%m%d-%H%M}-{secrets.token_hex(2)}"


def check_session_id(text: str) -> str:
    """Return ``text`` if it is a session id; refuse anything else (``..``, slashes, names)."""
    if not isinstance(text, str) or not _ID_PATTERN.match(text):
        raise InputError(f"{text!r} is not a session id (they look like 20261123-1530-a1b2; see `mockloop sessions`).")
    return text


def write_json_atomic(path: Path, data: Any) -> None:
    write_text_atomic(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def write_text_atomic(path: Path, text: str) -> None:
    """Write to a temporary file in the same folder, then rename over ``path``.

    A reader (or a crash) sees the old file or the new one, never half of one.
    """
    path = Path(path)
    try:
        handle, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as tmp:
                tmp.write(text)
                tmp.flush()
                os.fsync(tmp.fileno())
            os.replace(tmp_name, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp_name)
            raise
    except OSError as exc:
        raise SessionStorageError(f"Cannot write {path}: {exc.strerror or exc}.") from None


@dataclass
class AnswerRecord:
    """One recorded answer: the main answer (index 1) or a follow-up probe."""

    index: int
    role: str  # "main" or "probe"
    question: str
    audio: str  # file name inside the session folder
    question_audio: Optional[str] = None
    started_at: Optional[str] = None
    duration_s: Optional[float] = None
    samplerate: Optional[int] = None
    stop_reason: Optional[str] = None
    source: Optional[str] = None  # "microphone 1 (default)" or "file sample_answer.flac"
    analysis: Optional[str] = None  # file name of the analysis JSON
    delivery_score: Optional[int] = None
    content_score: Optional[int] = None
    error: Optional[str] = None


@dataclass
class SessionRecord:
    """What ``session.json`` holds."""

    id: str
    created_at: str
    prompt: dict
    settings: dict
    versions: dict
    status: str = "started"  # started, complete, interrupted, failed
    ended_at: Optional[str] = None
    answers: list[AnswerRecord] = field(default_factory=list)
    overall: dict = field(default_factory=dict)  # delivery_score, content_score, duration_s
    scorecard: Optional[str] = None
    error: Optional[str] = None
    schema: str = SESSION_SCHEMA

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "SessionRecord":
        known = {name for name in cls.__dataclass_fields__}
        values = {key: value for key, value in data.items() if key in known}
        values["answers"] = [
            AnswerRecord(**{k: v for k, v in answer.items() if k in AnswerRecord.__dataclass_fields__})
            for answer in data.get("answers", [])
        ]
        return cls(**values)

    @property
    def duration_s(self) -> float:
        return sum(answer.duration_s or 0.0 for answer in self.answers)


class Session:
    """An open session folder: file names for each step, and ``save()`` for the record."""

    def __init__(self, folder: Path, record: SessionRecord):
        self.folder = folder
        self.record = record

    @property
    def id(self) -> str:
        return self.record.id

    def path(self, name: str) -> Path:
        """A file inside the session folder (plain names only)."""
        if Path(name).name != name or name in {"", ".", ".."}:
            raise InputError(f"{name!r} is not a file name inside a session.")
        return self.folder / name

    def answer_audio(self, index: int) -> Path:
        return self.path(f"answer-{index}.wav")

    def answer_analysis(self, index: int) -> Path:
        return self.path(f"answer-{index}.json")

    def question_audio(self, index: int) -> Path:
        return self.path(f"question-{index}.wav")

    def save(self) -> None:
        write_json_atomic(self.folder / MANIFEST, self.record.to_dict())

    def write_json(self, name: str, data: Any) -> Path:
        target = self.path(name)
        write_json_atomic(target, data)
        return target

    def write_text(self, name: str, text: str) -> Path:
        target = self.path(name)
        write_text_atomic(target, text)
        return target


class SessionStore:
    """Creates, lists and opens sessions under one root folder."""

    def __init__(self, root: str | Path | None = None):
        self.root = sessions_root(root)

    def create(self, prompt: dict, settings: dict, versions: dict | None = None, now: datetime | None = None) -> Session:
        """Make a new session folder and write its first ``session.json``.

        Raises:
            SessionStorageError: the root cannot be created or written.
        """
        now = now or datetime.now().astimezone()
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise self._unwritable(exc) from None
        for _ in range(20):
            session_id = new_session_id(now)
            folder = self.root / session_id
            try:
                folder.mkdir()
            except FileExistsError:
                continue
            except OSError as exc:
                raise self._unwritable(exc) from None
            record = SessionRecord(
                id=session_id, created_at=now.isoformat(timespec="seconds"), prompt=prompt,
                settings=settings, versions=versions or {},
            )
            session = Session(folder, record)
            try:
                session.save()
            except SessionStorageError as exc:
                raise self._unwritable(exc) from None
            return session
        raise SessionStorageError(f"Could not find a free session id in {self.root}.")

    def open(self, session_id: str) -> Session:
        """Load a session by id. Raises InputError for a bad or unknown id."""
        check_session_id(session_id)
        folder = self.root / session_id
        manifest = folder / MANIFEST
        if not manifest.is_file():
            raise InputError(f"No session {session_id} in {self.root} (see `mockloop sessions`).")
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise SessionStorageError(f"Cannot read {manifest}: {exc}.") from None
        return Session(folder, SessionRecord.from_dict(data))

    def list(self) -> list[SessionRecord]:
        """Every readable session, newest first; folders that are not sessions are skipped."""
        if not self.root.is_dir():
            return []
        records = []
        for folder in sorted(self.root.iterdir(), reverse=True):
            if not _ID_PATTERN.match(folder.name) or not (folder / MANIFEST).is_file():
                continue
            try:
                records.append(self.open(folder.name).record)
            except MockloopError:
                continue  # a damaged session must not hide the others
        return records

    def _unwritable(self, exc: BaseException) -> SessionStorageError:
        why = getattr(exc, "strerror", None) or str(exc)
        return SessionStorageError(
            f"Cannot write sessions to {self.root}: {why}. Choose another folder with --sessions-dir "
            f"or the {HOME_ENV} environment variable."
        )
