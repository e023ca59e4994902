"""Open a saved session for review, telling the user exactly what is wrong with a damaged one.

The interview writes the files; review only reads them, through ``mockloop.session_files``
(the one validation layer for session files). A session whose ``session.json`` is unreadable,
malformed or from another schema is refused with one clear sentence, while an answer whose
audio or analysis is missing, malformed or not a plain file is kept with a ``problem`` so the
rest of the session can be shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from mockloop.analysis.contract import SCHEMA as ANALYSIS_SCHEMA
from mockloop.errors import InputError, MockloopError
from mockloop.session_files import (
    DamagedSessionError,
    SessionSchemaError,
    check_analysis_data,
    member_file,
    read_json_member,
)
from mockloop.sessions import SessionRecord, SessionStore

__all__ = ["AnswerView", "DamagedSessionError", "SessionSchemaError", "SessionView", "open_session"]
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
    """Load ``session_id`` from ``store`` for reading (checked; a crashed session is recovered).

    Raises:
        InputError: not a session id (``../x``), or no such session.
        DamagedSessionError: ``session.json`` is missing, not JSON, or not what mockloop writes.
        SessionSchemaError: the session was saved with another schema.
    """
    session = store.open(session_id)
    return SessionView(session.record, session.folder, [_answer(session.folder, a) for a in session.record.answers])


def _answer(folder: Path, record) -> AnswerView:
    problems: list[str] = []
    audio: Optional[Path] = None
    try:
        audio = member_file(folder, record.audio).path
    except FileNotFoundError:
        problems.append(f"{record.audio} is missing")
    except DamagedSessionError as exc:
        problems.append(str(exc))
    analysis = None
    name = record.analysis or f"answer-{record.index}.json"
    if record.error and not record.analysis:
        problems.append(f"answer {record.index} was not analysed ({record.error}); score it with `mockloop rescore`")
    else:
        try:
            analysis = check_analysis_data(read_json_member(folder, name), name, ANALYSIS_SCHEMA)
        except FileNotFoundError:
            problems.append(f"{name} is missing")
        except (DamagedSessionError, InputError) as exc:
            problems.append(str(exc))
    return AnswerView(record.index, record.role, record.question, audio, analysis, record.duration_s, problems)
