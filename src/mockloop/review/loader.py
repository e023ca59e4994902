"""Open a saved session for review, telling the user exactly what is wrong with a damaged one.

The interview writes the files; review only reads them. A session whose ``session.json`` is
unreadable or from another schema is refused with one clear sentence, while an answer whose
audio or analysis is missing is kept with a ``problem`` so the rest of the session can be shown.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from mockloop.analysis.contract import SCHEMA as ANALYSIS_SCHEMA
from mockloop.errors import InputError, MockloopError
from mockloop.sessions import MANIFEST, SESSION_SCHEMA, SessionRecord, SessionStore, check_session_id


class DamagedSessionError(MockloopError):
    """A session folder exists but its record cannot be read."""


class SessionSchemaError(MockloopError):
    """A session written by a different (older or newer) version of mockloop."""


@dataclass
class AnswerView:
    """One answer of a session, with its analysis dict (``None`` when missing or unreadable)."""

    index: int
    role: str
    question: str
    audio: Optional[Path]
    analysis: Optional[dict]
    duration_s: Optional[float] = None
    problems: list[str] = field(default_factory=list)


@dataclass
class SessionView:
    """A saved session as review needs it: the record, its folder and its readable answers."""

    record: SessionRecord
    folder: Path
    answers: list[AnswerView]

    @property
    def id(self) -> str:
        return self.record.id

    @property
    def kind(self) -> str:
        return self.record.prompt.get("kind") or "-"

    def answer(self, index: int | None) -> AnswerView:
        """The answer numbered ``index`` (default: the first one with an analysis)."""
        if index is None:
            usable = [a for a in self.answers if a.analysis is not None]
            if not usable:
                raise DamagedSessionError(f"Session {self.id} has no readable answer analysis ({'; '.join(self.problems()) or 'no answers'}).")
            return usable[0]
        for a in self.answers:
            if a.index == index:
                if a.analysis is None:
                    raise DamagedSessionError(f"Answer {index} of session {self.id} cannot be reviewed: {'; '.join(a.problems)}.")
                return a
        numbers = ", ".join(str(a.index) for a in self.answers) or "none"
        raise InputError(f"Session {self.id} has no answer {index} (answers: {numbers}).")

    def problems(self) -> list[str]:
        return [p for a in self.answers for p in a.problems]


def open_session(store: SessionStore, session_id: str) -> SessionView:
    """Load ``session_id`` from ``store`` for reading.

    Raises:
        InputError: not a session id (``../x``), or no such session.
        DamagedSessionError: ``session.json`` is not valid JSON.
        SessionSchemaError: the session was saved with another schema.
    """
    check_session_id(session_id)
    folder = store.root / session_id
    manifest = folder / MANIFEST
    if not folder.is_dir():
        raise InputError(f"No session {session_id} in {store.root} (see `mockloop sessions`).")
    if not manifest.is_file():
        raise DamagedSessionError(f"Session {session_id} has no {MANIFEST}; it is damaged (delete it with `mockloop delete {session_id}`).")
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
    except (OSError, ValueError) as exc:
        raise DamagedSessionError(f"Session {session_id}: {MANIFEST} is unreadable ({_short(exc)}).") from None
    schema = data.get("schema")
    if schema != SESSION_SCHEMA:
        raise SessionSchemaError(
            f"Session {session_id} uses schema {schema or 'none'}, this mockloop reads {SESSION_SCHEMA}; "
            "open it with the version that recorded it."
        )
    try:
        record = SessionRecord.from_dict(data)
    except (TypeError, ValueError) as exc:
        raise DamagedSessionError(f"Session {session_id}: {MANIFEST} has unexpected fields ({_short(exc)}).") from None
    return SessionView(record, folder, [_answer(folder, a) for a in record.answers])


def _answer(folder: Path, record) -> AnswerView:
    problems: list[str] = []
    audio = _inside(folder, record.audio)
    if audio is None or not audio.is_file():
        problems.append(f"{record.audio} is missing")
        audio = None
    analysis = None
    name = record.analysis or f"answer-{record.index}.json"
    path = _inside(folder, name)
    if record.error and not record.analysis:
        problems.append(f"answer {record.index} was not analysed ({record.error})")
    elif path is None or not path.is_file():
        problems.append(f"{name} is missing")
    else:
        try:
            analysis = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(analysis, dict) or analysis.get("schema") != ANALYSIS_SCHEMA:
                problems.append(f"{name} is not a {ANALYSIS_SCHEMA} analysis")
                analysis = None
        except (OSError, ValueError) as exc:
            problems.append(f"{name} is unreadable ({_short(exc)})")
    return AnswerView(record.index, record.role, record.question, audio, analysis, record.duration_s, problems)


def _inside(folder: Path, name: str | None) -> Optional[Path]:
    """A plain file name inside the session folder; anything with a path part is ignored."""
    if not name or Path(name).name != name or name in {".", ".."}:
        return None
    return folder / name


def _short(exc: BaseException) -> str:
    return str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
