"""Where interviews are kept: one folder per session, plain files, written as the interview goes.

Layout of ``<root>/<id>/``::

    session.json        what was asked, settings, versions, times, one entry per answer
    question-1.wav      the spoken prompt; question-2.wav ... the spoken follow-up probes
    answer-1.wav        the candidate's answer, written while recording
    answer-1.json       that answer's analysis (the ``mockloop.analysis/1`` contract)
    scorecard.md        the scorecard for the whole session
    summary.wav         the spoken closing summary

The files are the source of truth; an index (review/index.py) may be rebuilt from them at any time.
``session.json`` is rewritten atomically after every step, so an interview that crashes or is
stopped still leaves a consistent record pointing at the audio already on disk.

The root is ``--sessions-dir``, else ``$MOCKLOOP_HOME/sessions``, else the platform's user data
folder (``~/.local/share/mockloop/sessions`` on Linux). Folders are created 0700 and files 0600.

Reading a session back goes through ``mockloop.session_files`` (the files are untrusted input),
and a session left "started" by a process that no longer runs (SIGKILL, a crash, a full disk
that refused the last save) is recovered on the next read: status "interrupted", each answer's
duration read from the audio on disk, ready for ``mockloop rescore``.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Optional

from mockloop.errors import InputError, MockloopError
from mockloop.liveness import Liveness, liveness, this_process
from mockloop.privacy import DIR_MODE, private_dir
from mockloop.session_files import (
    DamagedSessionError,
    SessionSchemaError,
    check_session_data,
    member_file,
    read_json_member,
)

SESSION_SCHEMA = "mockloop.session/1"
MANIFEST = "session.json"
SCORECARD = "scorecard.md"
HOME_ENV = "MOCKLOOP_HOME"
_ID_PATTERN = re.compile(r"^[0-9]{8}-[0-9]{4}-[0-9a-f]{4}$")
ID_PATTERN = _ID_PATTERN
# A "started" session whose process cannot be checked (no stamp, or another machine's) is
# abandoned once none of its files changed for this long.
UNSTAMPED_STALE_AFTER_S = 6 * 3600.0


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


LATEST = "last"  # stands for the newest session wherever an id is asked for
_PREFIX_PATTERN = re.compile(r"^[0-9][0-9a-f-]{0,17}$")


def resolve_session_id(root: Path, text: str) -> str:
    """The full session id meant by ``text``: a whole id, ``last`` (the newest), or a unique
    prefix of one (``20261201-09``). Only folders under ``root`` named like ids count.

    Raises:
        InputError: nothing matches, the prefix is ambiguous, or ``text`` is not id-like.
    """
    if isinstance(text, str) and _ID_PATTERN.match(text):
        return text
    if text != LATEST and not (isinstance(text, str) and _PREFIX_PATTERN.match(text)):
        check_session_id(text)  # raises: not an id
    try:
        ids = sorted(entry.name for entry in root.iterdir() if _ID_PATTERN.match(entry.name) and entry.is_dir())
    except OSError:
        ids = []
    if text == LATEST:
        if not ids:
            raise InputError(f"No sessions yet in {root}, so there is no `{LATEST}` one.")
        return ids[-1]
    matches = [session_id for session_id in ids if session_id.startswith(text)]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise InputError(f"No session starts with {text} in {root} (see `mockloop sessions`).")
    shown = ", ".join(matches[:4]) + (", ..." if len(matches) > 4 else "")
    raise InputError(f"{text} matches {len(matches)} sessions ({shown}); type more of the id.")


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
    # Blocks of microphone input PortAudio dropped because mockloop fell behind: the saved audio
    # has a gap at each, so its pauses and words there are not what was said. None: none dropped.
    dropped_blocks: Optional[int] = None
    asks: Optional[list[str]] = None  # a follow-up's rubric items: its answer is judged on these only
    # The interviewer's lines played while this answer was recorded (turns: speaker, kind, start,
    # end in seconds into the recording, text, fact): a microphone hears them, so every analysis
    # of the answer drops the words inside them (mockloop.analysis.echo).
    playback: Optional[list[dict]] = None


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
    process: Optional[dict] = None  # pid, host, boot_id, start_ticks of the recording process
    recovered_at: Optional[str] = None  # set when a crashed session was marked interrupted
    rescored_at: Optional[str] = None
    # Follow-ups chosen but not asked: {"question", "asks", "reason"} (no answer file for them).
    skipped: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # how the run went, e.g. an LLM interviewer fallback
    # Set for a drill (interview/drill.py): {"item", "habit", "take", "from_session", "at_s"}; None
    # for an interview. "habit": true when the item is a delivery habit (review/habits.py).
    drill: Optional[dict] = None
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

    def unscored_answers(self) -> list[AnswerRecord]:
        """Answers with audio but no analysis (interrupted, failed, or never analysed)."""
        return [a for a in self.answers if a.analysis is None]


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

    def is_being_recorded(self) -> bool:
        """True while the process that started this session still runs and has not closed it."""
        if self.record.status != "started":
            return False
        state = liveness(self.record.process)
        if state is Liveness.UNKNOWN:
            # Written before sessions carried a process stamp, or on another machine: nothing can
            # be asked of that process, so the session is abandoned once its files stop changing.
            newest = _newest_write(self.folder)
            return newest is not None and time.time() - newest < UNSTAMPED_STALE_AFTER_S
        return state is Liveness.ALIVE

    def write_json(self, name: str, data: Any) -> Path:
        target = self.path(name)
        write_json_atomic(target, data)
        return target

    def write_text(self, name: str, text: str) -> Path:
        target = self.path(name)
        write_text_atomic(target, text)
        return target


@dataclass(frozen=True)
class SessionEntry:
    """One session folder as listed: its session, or why it cannot be read."""

    id: str
    session: Optional[Session]
    problem: Optional[str]


def damage_reason(exc: BaseException, session_id: str) -> str:
    """The reason a session cannot be read, without the "Session ID:" its message starts with."""
    message = str(exc)
    for prefix in (f"Session {session_id}: ", f"Session {session_id} "):
        if message.startswith(prefix):
            return message[len(prefix):]
    return message


def recover_if_abandoned(session: Session) -> bool:
    """Mark a session "interrupted" if it says "started" but its recording process is gone.

    Each answer without a duration gets the length of its audio on disk; answers left without an
    analysis say so, pointing at ``mockloop rescore``. Saved when the folder can be written
    (a full disk or a read-only folder leaves the file alone, and the next read tries again);
    either way the returned record tells the truth. Returns whether anything changed.
    """
    record = session.record
    if record.status != "started" or session.is_being_recorded():
        return False
    for answer in record.answers:
        if answer.duration_s is None:
            answer.duration_s = audio_duration_s(session.folder, answer.audio)
            answer.stop_reason = answer.stop_reason or "interrupted"
        if answer.analysis is None and not answer.error:
            answer.error = "Not analysed: the recording stopped unexpectedly"
    record.status = "interrupted"
    pid = (record.process or {}).get("pid")
    record.error = record.error or (
        f"The process that recorded this session{f' (pid {pid})' if pid else ''} ended without closing it."
    )
    record.recovered_at = _now_iso()
    record.ended_at = record.ended_at or _last_write_iso(session.folder)
    if record.overall.get("duration_s") is None or record.overall.get("duration_s") == 0:
        record.overall = {**record.overall, "duration_s": round(record.duration_s, 3)}
    try:
        session.save()
    except SessionStorageError:
        pass
    return True


def audio_duration_s(folder: Path, name: str) -> Optional[float]:
    """Seconds of audio in the session file ``name``; None when it is missing or unreadable."""
    try:
        member = member_file(folder, name)
        import soundfile

        return round(float(soundfile.info(str(member.path)).duration), 3)
    except (OSError, MockloopError, RuntimeError, ValueError):
        return None


def _now_iso() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def _newest_write(folder: Path) -> Optional[float]:
    """When anything in ``folder`` last changed (seconds since the epoch)."""
    try:
        return max(p.lstat().st_mtime for p in folder.iterdir())
    except (OSError, ValueError):
        return None


def _last_write_iso(folder: Path) -> Optional[str]:
    newest = _newest_write(folder)
    return None if newest is None else datetime.fromtimestamp(newest).astimezone().isoformat(timespec="seconds")


class SessionStore:
    """Creates, lists and opens sessions under one root folder."""

    def __init__(self, root: str | Path | None = None):
        self.root = sessions_root(root)

    def check_root(self) -> None:
        """Refuse a sessions folder that is a file (or lies under one), before anything is done.

        Raises:
            SessionStorageError: ``root`` or a folder above it is a file.
        """
        for folder in (self.root, *self.root.parents):
            if folder.exists():
                if not folder.is_dir():
                    raise SessionStorageError(
                        f"Cannot write sessions to {self.root}: {folder} is a file, not a folder. Choose another "
                        f"folder with --sessions-dir or the {HOME_ENV} environment variable."
                    )
                return

    def resolve(self, text: str) -> str:
        """The id ``text`` stands for (see resolve_session_id)."""
        self.check_root()
        return resolve_session_id(self.root, text)

    def create(self, prompt: dict, settings: dict, versions: dict | None = None, now: datetime | None = None) -> Session:
        """Make a new session folder and write its first ``session.json``.

        Raises:
            SessionStorageError: the root cannot be created or written.
        """
        now = now or datetime.now().astimezone()
        self.check_root()
        try:
            private_dir(self.root)
            if not self.root.is_dir():
                raise NotADirectoryError(20, "Not a directory")
        except OSError as exc:
            raise self._unwritable(exc) from None
        for _ in range(20):
            session_id = new_session_id(now)
            folder = self.root / session_id
            try:
                folder.mkdir(mode=DIR_MODE)
                os.chmod(folder, DIR_MODE)
            except FileExistsError:
                continue
            except OSError as exc:
                raise self._unwritable(exc) from None
            record = SessionRecord(
                id=session_id, created_at=now.isoformat(timespec="seconds"), prompt=prompt,
                settings=settings, versions=versions or {}, process=this_process(),
            )
            session = Session(folder, record)
            try:
                session.save()
            except SessionStorageError as exc:
                raise self._unwritable(exc) from None
            return session
        raise SessionStorageError(f"Could not find a free session id in {self.root}.")

    def open(self, session_id: str) -> Session:
        """Load a session by id, checked and (if its recording process died) recovered.

        Raises:
            InputError: not a session id, or no such session.
            DamagedSessionError: session.json is missing, unreadable or not what mockloop writes.
            SessionSchemaError: written with another session schema.
        """
        check_session_id(session_id)
        folder = self.root / session_id
        if folder.is_symlink():
            raise DamagedSessionError(f"Session {session_id}: its folder is a symbolic link; session folders must be plain folders, so it is not read.")
        if not folder.is_dir():
            raise InputError(f"No session {session_id} in {self.root} (see `mockloop sessions`).")
        try:
            data = read_json_member(folder, MANIFEST)
        except FileNotFoundError:
            raise DamagedSessionError(
                f"Session {session_id} has no {MANIFEST}; it is damaged (delete it with `mockloop delete {session_id}`)."
            ) from None
        except DamagedSessionError as exc:
            raise DamagedSessionError(f"Session {session_id}: {exc}.") from None
        try:
            checked = check_session_data(data, session_id, SESSION_SCHEMA)
        except SessionSchemaError as exc:
            raise SessionSchemaError(f"Session {session_id} {exc}.") from None
        except DamagedSessionError as exc:
            raise DamagedSessionError(f"Session {session_id}: {exc}.") from None
        session = Session(folder, SessionRecord.from_dict(checked))
        recover_if_abandoned(session)
        return session

    def entries(self) -> list["SessionEntry"]:
        """Every session folder, newest first: readable ones with their record, damaged ones
        with the reason, so one bad folder never hides the others."""
        self.check_root()
        if not self.root.is_dir():
            return []
        found = []
        for folder in sorted(self.root.iterdir(), reverse=True):
            if not _ID_PATTERN.match(folder.name) or not folder.is_dir():
                continue
            try:
                found.append(SessionEntry(folder.name, self.open(folder.name), None))
            except MockloopError as exc:
                found.append(SessionEntry(folder.name, None, damage_reason(exc, folder.name)))
        return found

    def list(self) -> list[SessionRecord]:
        """Every readable session, newest first (``entries`` also names the damaged ones)."""
        return [entry.session.record for entry in self.entries() if entry.session is not None]

    def check_not_recording(self, session_id: str) -> None:
        """Refuse to touch a session whose recording process is still running.

        Raises:
            InputError: it is being recorded right now.
        """
        check_session_id(session_id)
        try:
            session = self.open(session_id)
        except MockloopError:
            return  # damaged or gone: nobody is recording it
        if session.is_being_recorded():
            pid = (session.record.process or {}).get("pid")
            raise InputError(
                f"Session {session_id} is still being recorded (process {pid}); finish or stop that interview first."
            )

    def _unwritable(self, exc: BaseException) -> SessionStorageError:
        why = getattr(exc, "strerror", None) or str(exc)
        return SessionStorageError(
            f"Cannot write sessions to {self.root}: {why}. Choose another folder with --sessions-dir "
            f"or the {HOME_ENV} environment variable."
        )
