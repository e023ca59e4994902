"""The one gate every saved session file passes through when it is read back.

Session folders are written by mockloop, but anything may have happened to them since: a crash,
a full disk, a hand edit, a hostile copy. So ``session.json`` and ``answer-N.json`` are treated
as untrusted input. Each reader (``sessions``, ``history``, the index, ``report``, ``replay``,
``export``, ``compare``, ``rescore``) gets its data from here, already checked against a small
declarative shape; a file that does not fit is refused with one sentence naming the field
(``session.json: answers[0].duration_s is a string, expected a number``), and the caller shows
that session or answer as damaged while the others keep working.

Files inside a session are opened only when they are plain regular files in the folder itself:
a symlink (``answer-1.wav -> /etc/passwd``), a FIFO or a folder is refused by ``member_file``.
"""

from __future__ import annotations

import json
import math
import os
import re
import stat
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Mapping, Optional, Sequence

from mockloop.errors import MockloopError

MAX_JSON_BYTES = 64 * 1024 * 1024  # a 2-hour answer's analysis is ~5 MB; anything far beyond is not ours


class DamagedSessionError(MockloopError):
    """A session file exists but does not hold what mockloop wrote there."""


class SessionSchemaError(MockloopError):
    """A session written by a different (older or newer) version of mockloop."""


# --- shapes ----------------------------------------------------------------------------------
# A shape is a callable check(value, where) that returns the value or raises ShapeError.


class ShapeError(ValueError):
    def __init__(self, where: str, problem: str):
        super().__init__(f"{where} {problem}")


def _kind_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


Shape = Callable[[Any, str], Any]


def optional(shape: Shape) -> Shape:
    def check(value, where):
        return None if value is None else shape(value, where)

    return check


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # all but tab and newline: a terminal obeys them


def text(value, where):
    if not isinstance(value, str):
        raise ShapeError(where, f"is {_kind_of(value)}, expected a string")
    if _CONTROL.search(value):
        raise ShapeError(where, "holds control characters (terminal escapes), which mockloop never writes")
    return value


def number(low: float = -math.inf, high: float = math.inf) -> Shape:
    def check(value, where):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ShapeError(where, f"is {_kind_of(value)}, expected a number")
        if not math.isfinite(value):
            raise ShapeError(where, f"is {value}, expected a finite number")
        if not low <= value <= high:
            raise ShapeError(where, f"is {value:g}, expected {low:g} to {high:g}")
        return value

    return check


def integer(low: int, high: int | float = math.inf) -> Shape:
    def check(value, where):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ShapeError(where, f"is {_kind_of(value)}, expected a whole number")
        if not low <= value <= high:
            raise ShapeError(where, f"is {value}, expected {low} to {high:g}")
        return value

    return check


def boolean(value, where):
    if not isinstance(value, bool):
        raise ShapeError(where, f"is {_kind_of(value)}, expected true or false")
    return value


def one_of(*choices: str) -> Shape:
    def check(value, where):
        if value not in choices:
            raise ShapeError(where, f"is {json.dumps(value)[:40]}, expected one of {', '.join(choices)}")
        return value

    return check


def timestamp(value, where):
    text(value, where)
    try:
        datetime.fromisoformat(value)
    except ValueError:
        raise ShapeError(where, f"is {value[:40]!r}, expected an ISO date and time") from None
    return value


def file_name(value, where):
    """A plain name of a file inside the session folder: no path part, no dot names."""
    text(value, where)
    if not value or Path(value).name != value or value in (".", "..") or "\x00" in value or os.sep in value:
        raise ShapeError(where, f"is {value[:60]!r}, expected a file name inside the session folder")
    return value


def any_object(value, where):
    if not isinstance(value, dict):
        raise ShapeError(where, f"is {_kind_of(value)}, expected an object")
    return value


def list_of(item: Shape) -> Shape:
    def check(value, where):
        if not isinstance(value, list):
            raise ShapeError(where, f"is {_kind_of(value)}, expected a list")
        return [item(v, f"{where}[{i}]") for i, v in enumerate(value)]

    return check


def obj(fields: Mapping[str, Shape], required: Sequence[str] = ()) -> Shape:
    """An object whose listed fields have these shapes; other fields are kept as they are."""

    def check(value, where):
        any_object(value, where)
        for name in required:
            if name not in value:
                raise ShapeError(where, f"has no {name!r}")
        out = dict(value)
        for name, shape in fields.items():
            if name in value:
                out[name] = shape(value[name], f"{where}.{name}" if where else name)
        return out

    return check


def pair(first: Shape, second: Shape) -> Shape:
    def check(value, where):
        if not isinstance(value, (list, tuple)) or len(value) != 2:
            raise ShapeError(where, f"is {_kind_of(value)}, expected a [name, seconds] pair")
        return [first(value[0], f"{where}[0]"), second(value[1], f"{where}[1]")]

    return check


# --- session.json ----------------------------------------------------------------------------

SCORE = optional(integer(0, 100))
SECONDS = optional(number(0.0))
STATUSES = ("started", "complete", "interrupted", "failed")

PROMPT_SHAPE = obj(
    {
        "id": optional(text), "kind": optional(text), "company": optional(text), "title": optional(text),
        "text": optional(text), "time_limit_s": SECONDS, "phases": optional(list_of(pair(text, number(0.0)))),
    }
)
ANSWER_SHAPE = obj(
    {
        "index": integer(1, 99), "role": one_of("main", "probe"), "question": text, "audio": file_name,
        "question_audio": optional(file_name), "started_at": optional(timestamp), "duration_s": SECONDS,
        "samplerate": optional(integer(1, 1_000_000)), "stop_reason": optional(text), "source": optional(text),
        "analysis": optional(file_name), "delivery_score": SCORE, "content_score": SCORE, "error": optional(text),
        "dropped_blocks": optional(integer(0)), "asks": optional(list_of(text)),
        "playback": optional(list_of(obj(
            {"speaker": optional(one_of("interviewer")), "kind": optional(text), "start": number(0.0), "end": number(0.0),
             "text": text, "fact": optional(text)},
            required=("start", "end", "text"),
        ))),
    },
    required=("index", "role", "question", "audio"),
)
PROCESS_SHAPE = obj(
    {"pid": integer(1), "host": optional(text), "boot_id": optional(text), "start_ticks": optional(integer(0))},
    required=("pid",),
)
SESSION_SHAPE = obj(
    {
        "id": text, "created_at": timestamp, "prompt": PROMPT_SHAPE, "settings": any_object, "versions": any_object,
        "status": one_of(*STATUSES), "ended_at": optional(timestamp), "answers": list_of(ANSWER_SHAPE),
        "overall": obj({"delivery_score": SCORE, "content_score": SCORE, "duration_s": SECONDS}),
        "scorecard": optional(file_name), "error": optional(text), "process": optional(PROCESS_SHAPE),
        "recovered_at": optional(timestamp), "rescored_at": optional(timestamp),
        "notes": optional(list_of(text)),
        "drill": optional(obj({"item": text, "habit": optional(boolean), "take": optional(integer(1, 99)),
                               "from_session": optional(text), "at_s": optional(number(0.0))}, required=("item",))),
        "skipped": optional(list_of(obj({"question": text, "asks": list_of(text), "reason": text}, required=("question", "reason")))),
    },
    required=("id", "created_at", "prompt", "answers"),
)


def check_session_data(data: Any, folder_name: str, schema: str) -> dict:
    """``data`` (parsed session.json) checked field by field; returns a copy safe to build a record from.

    Raises:
        SessionSchemaError: another schema (an older or newer mockloop wrote it).
        DamagedSessionError: anything else that is not what mockloop writes.
    """
    if not isinstance(data, dict):
        raise DamagedSessionError(f"session.json is {_kind_of(data)}, expected an object")
    if data.get("schema") != schema:
        found = data.get("schema")
        raise SessionSchemaError(
            f"uses schema {found if isinstance(found, str) else 'none'}, this mockloop reads {schema}; "
            "open it with the version that recorded it"
        )
    try:
        checked = SESSION_SHAPE(data, "")
    except ShapeError as exc:
        raise DamagedSessionError(f"session.json: {exc}") from None
    if checked["id"] != folder_name:
        raise DamagedSessionError(f"session.json: id {checked['id'][:40]!r} does not match its folder {folder_name}")
    numbers = [a["index"] for a in checked["answers"]]
    if len(set(numbers)) != len(numbers):
        raise DamagedSessionError("session.json: two answers have the same index")
    return checked


# --- answer-N.json (the mockloop.analysis/1 contract, the parts any reader uses) ------------

TIME = number(0.0)
OPT_TIME = optional(TIME)
WORD_INDICES = optional(list_of(integer(0)))
_EVENT = obj({"text": text, "start": TIME, "end": OPT_TIME, "word_indices": WORD_INDICES}, required=("start",))
_TIMED_TEXT = obj({"text": text, "start": OPT_TIME, "end": OPT_TIME}, required=("text",))
_PROSODY = obj(
    {
        "pitch_median_hz": optional(number(0.0)), "pitch_range_semitones": optional(number(0.0)), "monotone": optional(boolean),
        "intensity_range_db": optional(number(0.0)), "uptalk": optional(list_of(_TIMED_TEXT)),
    }
)
_CONCISENESS = obj({"first_point_s": SECONDS, "longest_without_decision_s": SECONDS})
ANALYSIS_SHAPE = obj(
    {
        "duration_s": SECONDS,
        "transcript": optional(obj({"text": optional(text), "words": optional(list_of(obj({"text": text, "start": OPT_TIME, "end": OPT_TIME, "probability": optional(number(0.0, 1.0))}, required=("text",))))})),
        "delivery": obj(
            {
                "words_per_minute": optional(number(0.0)), "articulation_rate_wpm": optional(number(0.0)),
                "word_count": optional(integer(0)), "fillers_per_minute": optional(number(0.0)),
                "fillers": list_of(_EVENT), "hedges": list_of(obj({"text": text, "start": TIME, "word_indices": WORD_INDICES})),
                "decision_markers": list_of(obj({"text": text, "start": TIME, "word_indices": WORD_INDICES})),
                "pauses": list_of(obj({"start": TIME, "end": TIME, "duration": OPT_TIME}, required=("start", "end"))),
                "long_pauses": optional(integer(0)), "long_pause_threshold_s": optional(number(0.0)),
                "response_latency_s": SECONDS, "longest_stretch_without_marker_s": SECONDS,
                "prosody": optional(_PROSODY), "repetitions": optional(list_of(_TIMED_TEXT)),
                "conciseness": optional(_CONCISENESS),
            }
        ),
        "content": optional(
            obj(
                {
                    "score": SCORE,
                    "clarifying": optional(obj({
                        "asked": optional(list_of(obj({"fact": text, "start": OPT_TIME, "quote": optional(text)}, required=("fact",)))),
                        "missed_critical": optional(list_of(text)),
                        "scoped_before_design": optional(boolean),
                    })),
                    "rubric": optional(list_of(obj(
                        {"id": text, "met": boolean, "note": optional(text),
                         "evidence": optional(list_of(obj({"quote": text, "start": OPT_TIME})))},
                        required=("id", "met"),
                    ))),
                }
            )
        ),
        "scorecard": obj({"delivery_score": SCORE, "content_score": SCORE, "tips": optional(list_of(text)), "warnings": optional(list_of(text))}),
        "turns": optional(list_of(obj(
            {"speaker": one_of("interviewer", "candidate"), "kind": optional(text), "start": OPT_TIME, "end": OPT_TIME,
             "text": text, "fact": optional(text)},
            required=("speaker", "text"),
        ))),
    },
    required=("delivery", "scorecard"),
)


def check_analysis_data(data: Any, name: str, schema: str) -> dict:
    """``data`` (parsed answer-N.json) checked; raises DamagedSessionError naming the bad field."""
    if not isinstance(data, dict):
        raise DamagedSessionError(f"{name} is {_kind_of(data)}, expected an object")
    if data.get("schema") != schema:
        raise DamagedSessionError(f"{name} is not a {schema} analysis")
    try:
        return ANALYSIS_SHAPE(data, "")
    except ShapeError as exc:
        raise DamagedSessionError(f"{name}: {exc}") from None


# --- files inside the folder -----------------------------------------------------------------


@dataclass(frozen=True)
class Member:
    path: Path
    size: int


def member_file(folder: Path, name: str) -> Member:
    """The regular file ``name`` directly inside ``folder``, not followed through a symlink.

    Raises:
        FileNotFoundError: it does not exist.
        DamagedSessionError: it is a symlink, a folder, a FIFO or a device.
    """
    file_name(name, "file name")
    path = Path(folder) / name
    info = os.lstat(path)
    if stat.S_ISLNK(info.st_mode):
        raise DamagedSessionError(f"{name} is a symbolic link; session files must be plain files, so it is not read")
    if not stat.S_ISREG(info.st_mode):
        raise DamagedSessionError(f"{name} is not a regular file")
    return Member(path, info.st_size)


def read_json_member(folder: Path, name: str) -> Any:
    """Parse the JSON file ``name`` of a session folder (plain file, bounded size, strict numbers).

    Raises:
        FileNotFoundError: missing.
        DamagedSessionError: not a plain file, too large, not UTF-8 or not JSON.
    """
    member = member_file(folder, name)
    if member.size > MAX_JSON_BYTES:
        raise DamagedSessionError(f"{name} is {member.size // 2**20} MB, far larger than mockloop writes")
    try:
        with open(member.path, "rb") as handle:
            raw = handle.read(MAX_JSON_BYTES + 1)
        return json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant)
    except UnicodeDecodeError:
        raise DamagedSessionError(f"{name} is not UTF-8 text") from None
    except ValueError as exc:
        raise DamagedSessionError(f"{name} is unreadable ({_first_line(exc)})") from None
    except RecursionError:
        raise DamagedSessionError(f"{name} is nested too deeply to be a mockloop file") from None
    except OSError as exc:
        raise DamagedSessionError(f"{name} cannot be read ({exc.strerror or exc})") from None


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a number JSON allows")


def _first_line(exc: BaseException) -> str:
    message = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
    return message
