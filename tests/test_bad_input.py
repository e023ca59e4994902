"""Bad input never produces a traceback: one line on stderr that says what is wrong, and an exit code.

The table ``CASES`` is the specification. Each row runs the real command (``python -m mockloop ...``
through the ``cli`` fixture) in a fresh workspace and checks:

- the exit code (2 for usage errors and refused input, 130 for a stopped interview, ...);
- stderr is exactly one line and matches ``message`` (a regex, case-insensitive); a refused input
  starts with ``mockloop: error:``;
- stdout is empty (or matches ``stdout`` when a row says what it must show);
- no file in the workspace changed, except the paths matched by ``may_change`` (globs relative to the
  workspace): a refused command leaves nothing behind, not even an empty session folder.

Adding a row: give it an ``id``, the ``args`` (``{speech}``, ``{tmp}``, ``{home}``, ``{sessions}``,
``{cwd}`` are filled in from the workspace), the expected ``message`` and ``exit_code``, and a
``setup(ws)`` that makes the files it needs with the ``Workspace`` helpers (``ws.file``,
``ws.session``, ``ws.model_folder`` ...). Keep rows fast: most fail before a model is loaded;
rows that need speech share ``{speech}`` (one short synthetic clip).
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

import numpy as np
import pytest
import soundfile as sf

REPO = Path(__file__).resolve().parent.parent
SAMPLE_ANALYSIS = REPO / "tests" / "review" / "data" / "sample_analysis.json"
SPEECH_CLIP = REPO / "audio_fixtures" / "synthetic" / "syn_01.flac"  # 20 s of synthetic speech
SESSION_ID = "20261201-0900-a1b2"
OTHER_SESSION_ID = "20261202-1000-c3d4"
ERROR = r"^mockloop: error: .*"


# --------------------------------------------------------------------------- the workspace


class Workspace:
    """A test's own files: MOCKLOOP_HOME, config, cache, a working directory, and inputs.

    The autouse fixture in tests/conftest.py already points MOCKLOOP_HOME, MOCKLOOP_CONFIG and
    MOCKLOOP_CACHE under ``tmp``; the command runs with ``cwd`` as its working directory.
    """

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.home = tmp / "mockloop-home"
        self.sessions = self.home / "sessions"
        self.config = tmp / "mockloop-config.toml"
        self.cwd = tmp / "cwd"
        self.cwd.mkdir()
        self.speech = SPEECH_CLIP

    def file(self, name: str, content: bytes | str = b"") -> Path:
        """Write ``tmp/name`` (text or bytes) and return its path."""
        path = self.tmp / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_bytes(content)
        return path

    def room_tone_wav(self, name: str, seconds: float = 1.0, rate: int = 16000) -> Path:
        """A short WAV of quiet room noise (-60 dBFS), a valid recording with nothing said."""
        noise = np.random.default_rng(12).standard_normal(int(seconds * rate)) * 10 ** (-60 / 20)
        path = self.tmp / name
        path.parent.mkdir(parents=True, exist_ok=True)
        sf.write(path, noise.astype(np.float32), rate, subtype="PCM_16")
        return path

    def session(
        self,
        session_id: str = SESSION_ID,
        manifest: dict | str | bytes | None = None,
        files: dict[str, bytes | str | dict | list] | None = None,
        analysis: dict | None = None,
        root: Path | None = None,
    ) -> Path:
        """A saved session folder as an interview leaves it, or damaged as a row needs it.

        ``manifest``: session.json as a dict (merged over a complete record), or raw text/bytes
        to write as they are. ``files``: extra or replaced files (dicts/lists are written as JSON).
        """
        folder = (root or self.sessions) / session_id
        folder.mkdir(parents=True, exist_ok=True)
        analysis = analysis if analysis is not None else json.loads(SAMPLE_ANALYSIS.read_text(encoding="utf-8"))
        self.room_tone_wav(str((folder / "answer-1.wav").relative_to(self.tmp)))
        (folder / "answer-1.json").write_text(json.dumps(analysis), encoding="utf-8")
        record = complete_record(session_id, analysis)
        if isinstance(manifest, dict):
            record.update(manifest)
        raw = manifest if isinstance(manifest, (str, bytes)) else json.dumps(record, indent=2)
        (folder / "session.json").write_bytes(raw.encode("utf-8") if isinstance(raw, str) else raw)
        for name, content in (files or {}).items():
            target = folder / name
            if isinstance(content, (dict, list)):
                content = json.dumps(content)
            target.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        return folder

    def model_folder(self, name: str = "garbage-model", model_bin: bytes = b"not a CTranslate2 model\n" * 64) -> Path:
        """A folder that looks like a faster-whisper model (model.bin, config.json) but is garbage."""
        folder = self.tmp / name
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "model.bin").write_bytes(model_bin)
        (folder / "config.json").write_text("{}", encoding="utf-8")
        return folder

    def fill(self, text: str) -> str:
        return text.format(
            tmp=self.tmp, home=self.home, sessions=self.sessions, cwd=self.cwd, speech=self.speech, config=self.config
        )


def complete_record(session_id: str, analysis: dict) -> dict:
    """session.json of a complete one-answer session (the mockloop.session/1 layout)."""
    card = analysis["scorecard"]
    return {
        "schema": "mockloop.session/1",
        "id": session_id,
        "created_at": f"{session_id[:4]}-{session_id[4:6]}-{session_id[6:8]}T{session_id[9:11]}:{session_id[11:13]}:00+00:00",
        "prompt": {
            "id": "sd-sensor-anomaly-review", "kind": "system_design", "company": "scale_ai",
            "title": "Sensor ingestion with human anomaly review", "text": "Design a sensor platform with human review.",
            "time_limit_s": 2700,
        },
        "settings": {"style": "silent"},
        "versions": {"mockloop": "test"},
        "status": "complete",
        "ended_at": None,
        "answers": [
            {
                "index": 1, "role": "main", "question": "Design a sensor platform with human review.", "audio": "answer-1.wav",
                "duration_s": analysis["duration_s"], "samplerate": 16000, "analysis": "answer-1.json",
                "delivery_score": card["delivery_score"], "content_score": card["content_score"],
            }
        ],
        "overall": {"delivery_score": card["delivery_score"], "content_score": card["content_score"], "duration_s": analysis["duration_s"]},
        "scorecard": None,
        "error": None,
    }


def snapshot(root: Path) -> dict[str, tuple]:
    """Every path under ``root`` with its type, size, mtime and mode: what "unchanged" means here."""
    seen = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            st = path.lstat()
            seen[str(path.relative_to(root))] = (st.st_mode, st.st_size, st.st_mtime_ns)
    return seen


# --------------------------------------------------------------------------- the table


@dataclass(frozen=True)
class Case:
    id: str
    args: tuple[str, ...]
    message: Optional[str]  # regex for the one stderr line; None: stderr must be empty
    exit_code: int = 2
    setup: Optional[Callable[[Workspace], object]] = None
    env: dict[str, str] = field(default_factory=dict)  # extra environment, filled in like args
    stdout: Optional[str] = None  # regex stdout must match; None: stdout must be empty
    may_change: tuple[str, ...] = ()  # globs (relative to the workspace) that the command may write
    unprivileged: bool = False  # run without root's power to read anything (for permission rows)
    wrapper: tuple[str, ...] = ()  # a command the CLI runs under, e.g. FULL_STDOUT


def _unreadable(ws: Workspace, name: str, content: bytes | str) -> None:
    ws.file(name, content).chmod(0)


def _fifo(ws: Workspace, name: str) -> None:
    os.mkfifo(ws.tmp / name)


def _symlink_loop(ws: Workspace, name: str) -> None:
    (ws.tmp / name).symlink_to(ws.tmp / name)


def _garbage_txt(ws: Workspace) -> None:
    ws.file("transcript.txt", np.random.default_rng(3).integers(0, 256, 4000, dtype=np.uint8).tobytes() + b"\x00\x00")


def _zero_frame_wav(ws: Workspace) -> None:
    sf.write(ws.tmp / "answer.wav", np.zeros(0, dtype=np.float32), 16000, subtype="PCM_16")


def _truncated_flac(ws: Workspace) -> None:
    ws.file("answer.flac", (REPO / "audio_fixtures" / "sample_answer.flac").read_bytes()[:3000])


def _damaged(name: str, how: str, *shares: float) -> Callable[[Workspace], None]:
    """``name`` encoded from the sample answer, then garbled (bytes overwritten) or cut short."""
    from audio_damage import cut, encode, garble

    def setup(ws: Workspace) -> None:
        samples, rate = sf.read(REPO / "audio_fixtures" / "sample_answer.flac", dtype="float32")
        whole = encode(samples, rate, ws.tmp / f"whole-{Path(name).name}")
        (garble if how == "garble" else cut)(whole, *shares, target=ws.tmp / name)
        whole.unlink()

    return setup


def _session_with(ws: Workspace, change: Callable[[dict], object]) -> Path:
    """A saved session whose session.json was changed by ``change`` (a dict edited in place)."""
    analysis = json.loads(SAMPLE_ANALYSIS.read_text(encoding="utf-8"))
    record = complete_record(SESSION_ID, analysis)
    change(record)
    return ws.session(manifest=json.dumps(record))


def _session_with_analysis(ws: Workspace, change: Callable[[dict], object]) -> Path:
    """A saved session whose answer-1.json was changed by ``change``."""
    analysis = json.loads(SAMPLE_ANALYSIS.read_text(encoding="utf-8"))
    change(analysis)
    return ws.session(files={"answer-1.json": analysis})


def _audio_symlink(ws: Workspace, target: str) -> None:
    folder = ws.session()
    (folder / "answer-1.wav").unlink()
    (folder / "answer-1.wav").symlink_to(target)


def _session_being_recorded(ws: Workspace) -> Path:
    """A session whose interview is still running: the process stamp is this (live) test process."""
    from mockloop.liveness import this_process

    return _session_with(ws, lambda r: r.update(status="started", process=this_process()))


def _config(text: str) -> Callable[[Workspace], None]:
    return lambda ws: ws.config.write_text(text, encoding="utf-8")


ANSWER = "{tmp}/answer.wav"
FULL_STDOUT = ("sh", "-c", 'exec "$@" >/dev/full', "sh")  # stdout on a full device: every write fails (ENOSPC)
CLOSED_STDOUT = ("sh", "-c", 'exec "$@" >&-', "sh")  # no stdout at all
DAMAGED_AUDIO = ERROR + r"answer\.{ext}: damaged audio: only [\d.]+ s of [\d.]+ s could be decoded"
INTERVIEW = ("interview", "--prompt", "sd-sensor-anomaly-review", "--no-speak", "--answer-audio", "{speech}", "--answer-speed", "0")


CASES: list[Case] = [
    # --- usage errors: one line, exit 2, on any typer (item 2)
    Case("bare-mockloop", (), ERROR + r"missing command.*analyze.*interview"),
    Case("misspelt-command", ("intervew",), ERROR + r"no such command 'intervew'.*did you mean 'interview'"),
    Case("analyze-without-path", ("analyze",), ERROR + r"missing argument.*path.*mockloop analyze --help"),
    Case("unknown-option", ("analyze", "{speech}", "--bogus"), ERROR + r"no such option.*--bogus"),
    Case("kind-nonsense", ("analyze", "{speech}", "--kind", "nonsense"), ERROR + r"--kind.*'nonsense' is not one of.*system_design"),
    Case("jobs-zero", ("analyze", "{tmp}", "--jobs", "0"), ERROR + r"--jobs.*(greater than or equal to 1|range|1 or more)"),
    Case("jobs-not-a-number", ("analyze", "{tmp}", "--jobs", "two"), ERROR + r"--jobs.*(integer|number)"),
    Case("judge-nonsense", ("analyze", "{speech}", "--judge", "nonsense"), ERROR + r"--judge.*'nonsense' is not one of.*rules"),
    Case("prompts-show-without-id", ("prompts", "show"), ERROR + r"missing argument.*ID.*prompts show --help"),
    Case("prompts-show-unknown-id", ("prompts", "show", "no-such-prompt"), ERROR + r"no prompt with id 'no-such-prompt'"),
    Case("compare-one-id", ("compare", SESSION_ID), ERROR + r"missing argument.*SESSION_B"),
    Case("replay-without-id", ("replay",), ERROR + r"missing argument.*SESSION"),
    Case("export-without-id", ("export",), ERROR + r"missing argument.*SESSION"),
    Case("option-missing-its-value", ("analyze", "{speech}", "--model"), ERROR + r"--model.*(requires an argument|expected one argument|argument)"),
    Case("unknown-subcommand-of-prompts", ("prompts", "shwo", "x"), ERROR + r"no such command 'shwo'"),
    Case("minutes-not-a-number", INTERVIEW + ("--minutes", "ten"), ERROR + r"--minutes.*(not a valid float|number)"),
    # --- an empty argument is never the current folder (item 16)
    Case("analyze-empty-path", ("analyze", ""), ERROR + r"argument 2 \(after analyze\) is empty"),
    Case("empty-option-value", ("analyze", "{speech}", "--model="), ERROR + r"--model is given an empty value"),
    Case("empty-answer-audio", ("interview", "--no-speak", "--answer-audio", ""), ERROR + r"argument 4 .*is empty"),
    # --- input files that are not answers (analyze)
    Case("missing-file", ("analyze", "{tmp}/answer.flac"), ERROR + r"answer\.flac: no such file"),
    Case("empty-file", ("analyze", ANSWER), ERROR + r"answer\.wav: file is empty", setup=lambda ws: ws.file("answer.wav")),
    Case("text-in-a-wav", ("analyze", ANSWER), ERROR + r"answer\.wav: (not a readable audio file|corrupt|cannot decode)",
         setup=lambda ws: ws.file("answer.wav", "Notes for the interview: ask about scale first, then sketch the pipeline.\n")),
    Case("truncated-flac", ("analyze", "{tmp}/answer.flac"), ERROR + r"answer\.flac: .*truncated", setup=_truncated_flac),
    Case("zero-frame-wav", ("analyze", ANSWER), ERROR + r"answer\.wav: audio has zero length", setup=_zero_frame_wav),
    # --- damaged audio (item 8): refused in one line when most of it cannot be decoded
    Case("mp3-garbled-most-of-the-way", ("analyze", "{tmp}/answer.mp3"), DAMAGED_AUDIO.format(ext="mp3"), setup=_damaged("answer.mp3", "garble", 0.15, 0.9)),
    Case("flac-garbled-most-of-the-way", ("analyze", "{tmp}/answer.flac"), DAMAGED_AUDIO.format(ext="flac"), setup=_damaged("answer.flac", "garble", 0.15, 0.9)),
    Case("wav-cut-at-a-third", ("analyze", ANSWER), DAMAGED_AUDIO.format(ext="wav"), setup=_damaged("answer.wav", "cut", 0.33)),
    Case("flac-cut-at-a-third", ("analyze", "{tmp}/answer.flac"), DAMAGED_AUDIO.format(ext="flac"), setup=_damaged("answer.flac", "cut", 0.33)),
    Case("mp3-cut-at-a-third", ("analyze", "{tmp}/answer.mp3"), DAMAGED_AUDIO.format(ext="mp3"), setup=_damaged("answer.mp3", "cut", 0.33)),
    Case("batch-of-one-damaged-flac", ("analyze", "{tmp}/answers"), ERROR + r"answer\.flac: damaged audio: only", exit_code=1,
         setup=lambda ws: (ws.tmp.joinpath("answers").mkdir(), _damaged("answers/answer.flac", "cut", 0.33)(ws)),
         stdout=r"0 of 1 answers analyzed"),
    Case("unsupported-extension", ("analyze", "{tmp}/answer.docx"),
         ERROR + r"unsupported file type '\.docx'; use one of wav, flac, mp3, m4a, ogg.*webm.*txt",
         setup=lambda ws: ws.file("answer.docx", b"PK\x03\x04" + bytes(range(200)))),
    Case("no-extension", ("analyze", "{tmp}/answer"), ERROR + r"unsupported file type '\(none\)'", setup=lambda ws: ws.file("answer", b"RIFF")),
    Case("folder-named-like-audio", ("analyze", "{tmp}/answers.flac"), ERROR + r"answers\.flac: no audio files or \.txt transcripts in this folder",
         setup=lambda ws: (ws.tmp / "answers.flac").mkdir()),
    Case("binary-txt", ("analyze", "{tmp}/transcript.txt"), ERROR + r"transcript\.txt: looks like binary data", setup=_garbage_txt),
    Case("latin1-txt", ("analyze", "{tmp}/transcript.txt"), ERROR + r"transcript\.txt: not UTF-8",
         setup=lambda ws: ws.file("transcript.txt", "Um, the caf\u00e9 r\u00e9sum\u00e9 service needs a queue.".encode("latin-1"))),
    Case("fifo", ("analyze", "{tmp}/pipe.wav"), ERROR + r"pipe\.wav: is a named pipe \(FIFO\), not a file", setup=lambda ws: _fifo(ws, "pipe.wav")),
    Case("symlink-loop", ("analyze", "{tmp}/loop.wav"), ERROR + r"loop\.wav: symbolic link loop", setup=lambda ws: _symlink_loop(ws, "loop.wav")),
    Case("dangling-symlink", ("analyze", "{tmp}/gone.wav"), ERROR + r"gone\.wav: no such file",
         setup=lambda ws: (ws.tmp / "gone.wav").symlink_to(ws.tmp / "moved-away.wav")),
    Case("device-file", ("analyze", "/dev/null"), ERROR + r"/dev/null: is a device, not a file"),
    Case("unreadable-wav", ("analyze", ANSWER), ERROR + r"answer\.wav.*(is not readable|cannot read \(permission denied\))",
         setup=lambda ws: _unreadable(ws, "answer.wav", b"RIFF" + bytes(100)), unprivileged=True),
    Case("unreadable-txt", ("analyze", "{tmp}/transcript.txt"), ERROR + r"transcript\.txt.*(is not readable|cannot read \(permission denied\))",
         setup=lambda ws: _unreadable(ws, "transcript.txt", "So the first thing I would do is ask about scale."), unprivileged=True),
    Case("path-with-markup", ("analyze", "{tmp}/take [/b] [draft].wav"), ERROR + r"take \[/b\] \[draft\]\.wav: no such file"),
    Case("newline-in-path", ("analyze", "{tmp}/two\nlines.wav"), ERROR + r"two lines\.wav: no such file"),
    # --- unusable models, found before any work (item 6)
    Case("model-folder-missing", ("analyze", "{speech}", "--model", "/nonexistent/folder"), ERROR + r"model folder not found: /nonexistent/folder"),
    Case("model-folder-empty", ("analyze", "{speech}", "--model", "{tmp}/my-model"), ERROR + r"my-model.*has no model\.bin",
         setup=lambda ws: (ws.tmp / "my-model").mkdir()),
    Case("model-folder-garbage", ("analyze", "{speech}", "--model", "{tmp}/garbage-model"), ERROR + r"cannot load model from .*garbage-model",
         setup=lambda ws: ws.model_folder()),
    Case("model-name-unknown", ("analyze", "{speech}", "--model", "whisper-gigantic"),
         ERROR + r"unknown model 'whisper-gigantic'.*small\.en.*mockloop models"),
    Case("model-env-typo", ("analyze", "{speech}"), ERROR + r"model folder not found: /nonexistent-typo", env={"MOCKLOOP_MODEL": "/nonexistent-typo"}),
    Case("model-config-typo", ("analyze", "{speech}"), ERROR + r"model folder not found: /nonexistent-typo",
         setup=_config('model = "/nonexistent-typo"\n')),
    Case("interview-model-missing", INTERVIEW + ("--model", "/nonexistent"), ERROR + r"model folder not found: /nonexistent"),
    Case("interview-model-garbage", INTERVIEW + ("--model", "{tmp}/garbage-model"), ERROR + r"cannot load model from .*garbage-model",
         setup=lambda ws: ws.model_folder()),
    Case("interview-model-env-typo", INTERVIEW, ERROR + r"model folder not found: /nonexistent-typo", env={"MOCKLOOP_MODEL": "/nonexistent-typo"}),
    Case("batch-model-garbage", ("analyze", "{tmp}/answers", "--model", "{tmp}/garbage-model", "--jobs", "2"),
         ERROR + r"cannot load model from .*garbage-model", setup=lambda ws: (ws.model_folder(), ws.room_tone_wav("answers/a.wav"), ws.room_tone_wav("answers/b.wav"))),
    Case("batch-model-missing", ("analyze", "{tmp}/answers", "--model", "/nonexistent"), ERROR + r"model folder not found",
         setup=lambda ws: ws.room_tone_wav("answers/a.wav")),
    # --- numbers that are not numbers: refused before anything is created (item 4)
    Case("minutes-nan", INTERVIEW + ("--minutes", "nan"), ERROR + r"--minutes.*(finite|a number)"),
    Case("minutes-inf", INTERVIEW + ("--minutes", "inf"), ERROR + r"--minutes.*(finite|a number)"),
    Case("minutes-zero", INTERVIEW + ("--minutes", "0"), ERROR + r"--minutes.*more than 0"),
    Case("minutes-negative", INTERVIEW + ("--minutes", "-5"), ERROR + r"--minutes.*more than 0"),
    Case("silence-stop-nan", INTERVIEW + ("--silence-stop", "nan"), ERROR + r"--silence-stop.*(finite|a number)"),
    Case("silence-stop-negative", INTERVIEW + ("--silence-stop", "-1"), ERROR + r"--silence-stop.*0 or more"),
    Case("answer-speed-inf", INTERVIEW[:-1] + ("inf",), ERROR + r"--answer-speed.*(finite|a number)"),
    Case("answer-speed-negative", INTERVIEW[:-1] + ("-2",), ERROR + r"--answer-speed.*out of range; use 0 to 1000"),
    Case("probes-too-many", INTERVIEW + ("--style", "probing", "--probes", "99"), ERROR + r"--probes.*0 to 5"),
    Case("samplerate-zero", INTERVIEW + ("--samplerate", "0"), ERROR + r"--samplerate.*"),
    Case("rate-negative", INTERVIEW + ("--rate", "-100"), ERROR + r"--rate.*"),
    Case("style-unknown", INTERVIEW + ("--style", "brutal"), ERROR + r"style 'brutal'.*silent, probing, tiktok"),
    Case("interviewer-unknown", INTERVIEW + ("--interviewer", "gpt"), ERROR + r"unknown interviewer 'gpt'.*'rules' or 'llm'"),
    Case("kind-unknown-interview", ("interview", "--kind", "nonsense", "--no-speak", "--answer-audio", "{speech}"), ERROR + r"kind.*nonsense"),
    Case("answer-audio-not-audio", ("interview", "--no-speak", "--answer-audio", "{tmp}/answer.wav"),
         ERROR + r"cannot read answer audio .*answer\.wav: invalid data found",
         setup=lambda ws: ws.file("answer.wav", "Notes for the interview: ask about scale first.\n")),
    Case("answer-audio-missing", ("interview", "--no-speak", "--answer-audio", "{tmp}/nothing.flac"), ERROR + r"nothing\.flac"),
    Case("replay-speed-nan", ("replay", SESSION_ID, "--speed", "nan"), ERROR + r"--speed.*(out of range|finite)"),
    # --- where sessions live (item 16)
    Case("home-is-a-file", ("sessions",), ERROR + r"mockloop-home.*not a folder", setup=lambda ws: ws.file("mockloop-home", "oops\n")),
    Case("sessions-dir-is-a-file", ("sessions", "--sessions-dir", "{tmp}/not-a-dir"), ERROR + r"not-a-dir.*not a folder",
         setup=lambda ws: ws.file("not-a-dir", "")),
    Case("interview-home-is-a-file", INTERVIEW, ERROR + r"mockloop-home.*not a folder", setup=lambda ws: ws.file("mockloop-home", "oops\n")),
    Case("no-sessions-yet", ("sessions",), None, exit_code=0, stdout=r"No sessions yet"),
    # --- session ids: whole, a unique prefix, or `last` (item 16)
    Case("session-id-traversal", ("export", "../../etc"), ERROR + r"not a session id"),
    Case("session-unknown", ("export", OTHER_SESSION_ID), ERROR + rf"no session {OTHER_SESSION_ID}", setup=lambda ws: ws.session()),
    Case("session-prefix-ambiguous", ("export", "2026120"), ERROR + r"2026120.* matches 2 sessions.*20261201-0900-a1b2.*20261202-1000-c3d4",
         setup=lambda ws: (ws.session(), ws.session(OTHER_SESSION_ID))),
    Case("session-prefix-none", ("export", "2025"), ERROR + r"no session starts with 2025", setup=lambda ws: ws.session()),
    Case("session-last-none", ("export", "last"), ERROR + r"no sessions yet"),
    Case("session-prefix-export", ("export", "20261201", "--format", "json"), None, exit_code=0, stdout=rf'"id": "{SESSION_ID}"',
         setup=lambda ws: ws.session()),
    Case("session-last-export", ("export", "last", "--format", "json"), None, exit_code=0, stdout=rf'"id": "{OTHER_SESSION_ID}"',
         setup=lambda ws: (ws.session(), ws.session(OTHER_SESSION_ID))),
    # --- output that cannot be written (item 16)
    Case("export-out-in-missing-folder", ("export", SESSION_ID, "--out", "{tmp}/no/such/dir/x.md"), ERROR + r"cannot write .*x\.md: no such file or directory\.$",
         setup=lambda ws: ws.session()),
    Case("export-format-unknown", ("export", SESSION_ID, "--format", "pdf"), ERROR + r"--format pdf is not known; use md or json",
         setup=lambda ws: ws.session()),
    Case("export-to-full-stdout", ("export", SESSION_ID), ERROR + r"cannot write the output: no space left on device$",
         exit_code=1, setup=lambda ws: ws.session(), wrapper=FULL_STDOUT),
    Case("prompts-to-full-stdout", ("prompts",), ERROR + r"cannot write the output: no space left on device$", exit_code=1, wrapper=FULL_STDOUT),
    Case("analyze-json-to-full-stdout", ("analyze", "{tmp}/t.txt", "--json"), ERROR + r"cannot write the output: no space left on device$",
         exit_code=1, setup=lambda ws: ws.file("t.txt", "So first I would ask how many users we expect."), wrapper=FULL_STDOUT),
    Case("export-to-closed-stdout", ("export", SESSION_ID), ERROR + r"cannot write the output: standard output is closed$",
         exit_code=1, setup=lambda ws: ws.session(), wrapper=CLOSED_STDOUT),
    # --- user text that looks like rich markup is shown as it is (item 4)
    Case("sessions-dir-with-markup", ("sessions", "--sessions-dir", "{tmp}/take [/b] [draft]"), None, exit_code=0,
         stdout=r"take \[/b\] \[draft\]", setup=lambda ws: ws.session(root=ws.tmp / "take [/b] [draft]"), may_change=("take*",),
         env={"COLUMNS": "400"}),
    Case("prompt-title-with-markup", ("sessions",), None, exit_code=0, stdout=r"\[/b\]Sensor \[red\]review",
         setup=lambda ws: ws.session(manifest={"prompt": {"id": "x", "kind": "system_design", "title": "[/b]Sensor [red]review"}}),
         may_change=("mockloop-home/*",), env={"COLUMNS": "400"}),
    # --- the config file (item 16)
    Case("config-not-toml", ("analyze", "{speech}"), ERROR + r"mockloop-config\.toml: not a valid TOML config file", setup=_config("model = [unclosed\n")),
    Case("config-unknown-key", ("analyze", "{tmp}/t.txt", "--json"), r"^mockloop: warning: .*mockloop-config\.toml: unknown setting 'modle'.*model",
         exit_code=0, stdout=r'"schema"', setup=lambda ws: (_config('modle = "small.en"\n')(ws), ws.file("t.txt", "So first I would ask how many users we expect."))),
    # --- session files are untrusted input when read back (items 3, 4, 6, 7, 11, 13; tests/review/test_tampered_sessions.py has the full table)
    Case("report-record-is-an-array", ("report", SESSION_ID), ERROR + rf"session {SESSION_ID}: session\.json is a list, expected an object\.$",
         setup=lambda ws: ws.session(manifest="[]")),
    Case("export-created-at-null", ("export", SESSION_ID), ERROR + r"session\.json: created_at is null, expected a string",
         setup=lambda ws: ws.session(manifest={"created_at": None})),
    Case("replay-prompt-is-a-string", ("replay", SESSION_ID, "--no-audio"), ERROR + r"session\.json: prompt is a string, expected an object",
         setup=lambda ws: ws.session(manifest={"prompt": "Design a feed"})),
    Case("compare-answers-is-a-string", ("compare", SESSION_ID, OTHER_SESSION_ID), ERROR + r"session\.json: answers is a string, expected a list",
         setup=lambda ws: (ws.session(manifest={"answers": "answer-1.wav"}), ws.session(OTHER_SESSION_ID))),
    Case("rescore-duration-is-a-string", ("rescore", SESSION_ID), ERROR + r"answers\[0\]\.duration_s is a string, expected a number",
         setup=lambda ws: _session_with(ws, lambda r: r["answers"][0].update(duration_s="92"))),
    Case("report-tampered-id", ("report", SESSION_ID), ERROR + r"id '\.\./\.\./\.\./tmp/evil' does not match its folder",
         setup=lambda ws: ws.session(manifest={"id": "../../../tmp/evil"})),
    Case("replay-word-start-is-text", ("replay", SESSION_ID, "--no-audio"), ERROR + r"no readable answer analysis.*transcript\.words\[0\]\.start is a string",
         setup=lambda ws: _session_with_analysis(ws, lambda a: a["transcript"]["words"][0].update(start="abc"))),
    Case("replay-words-not-a-list", ("replay", SESSION_ID, "--no-audio"), ERROR + r"transcript\.words is a string, expected a list",
         setup=lambda ws: _session_with_analysis(ws, lambda a: a["transcript"].update(words="Before I sketch"))),
    Case("replay-delivery-null", ("replay", SESSION_ID, "--no-audio"), ERROR + r"answer-1\.json: delivery is null, expected an object",
         setup=lambda ws: _session_with_analysis(ws, lambda a: a.update(delivery=None))),
    Case("report-damaged-analysis-is-a-warning", ("report", SESSION_ID), r"^warning: answer-1\.json: scorecard\.delivery_score is a string",
         exit_code=0, stdout=rf"Report written to mockloop-{SESSION_ID}\.html", may_change=("cwd", "cwd/*"),
         setup=lambda ws: _session_with_analysis(ws, lambda a: a["scorecard"].update(delivery_score="<script>alert(1)</script>"))),
    Case("report-symlinked-audio-not-embedded", ("report", SESSION_ID), r"^warning: answer-1\.wav is a symbolic link",
         exit_code=0, stdout=r"Report written", may_change=("cwd", "cwd/*"), setup=lambda ws: _audio_symlink(ws, "/etc/passwd")),
    Case("sessions-lists-damaged", ("sessions",), None, exit_code=0, stdout=rf"{OTHER_SESSION_ID}.*session\.json is a list.*damaged",
         setup=lambda ws: (ws.session(), ws.session(OTHER_SESSION_ID, manifest="[]")), env={"COLUMNS": "400"}),
    Case("history-skips-damaged", ("history",), rf"^warning: skipped {OTHER_SESSION_ID}: session\.json: answers is a string",
         exit_code=0, stdout=SESSION_ID, may_change=("mockloop-home/sessions", "mockloop-home/sessions/index.sqlite3*"),
         setup=lambda ws: (ws.session(), ws.session(OTHER_SESSION_ID, manifest={"answers": "x"}))),
    Case("history-index-is-a-folder", ("history",), ERROR + r"session index .*index\.sqlite3 is a folder, not a file",
         setup=lambda ws: (ws.session(), (ws.sessions / "index.sqlite3").mkdir())),
    Case("delete-session-being-recorded", ("delete", SESSION_ID, "--yes"), ERROR + r"is still being recorded \(process \d+\)",
         setup=lambda ws: _session_being_recorded(ws)),
    Case("rescore-session-being-recorded", ("rescore", SESSION_ID), ERROR + r"is still being recorded \(process \d+\)",
         setup=lambda ws: _session_being_recorded(ws)),
    Case("rescore-model-missing", ("rescore", SESSION_ID, "--model", "/nonexistent"), ERROR + r"model folder not found: /nonexistent",
         setup=lambda ws: ws.session()),
    Case("rescore-unknown-answer", ("rescore", SESSION_ID, "--answer", "3"), ERROR + rf"session {SESSION_ID} has no answer 3 \(answers: 1\)",
         setup=lambda ws: ws.session()),
]


@pytest.fixture
def ws(tmp_path) -> Workspace:
    return Workspace(tmp_path)


def test_the_table_has_at_least_sixty_cases_with_unique_ids():
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids)), [i for i in ids if ids.count(i) > 1]
    assert len(CASES) >= 60, len(CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_bad_input(case: Case, ws: Workspace, cli):
    if case.setup is not None:
        case.setup(ws)
    before = snapshot(ws.tmp)
    env = None
    if case.env:
        env = {**os.environ, **{key: ws.fill(value) for key, value in case.env.items()}}
    wrapper = tuple(case.wrapper)
    if case.unprivileged and os.geteuid() == 0:
        # root reads any file; without these two capabilities it is refused like anyone else.
        wrapper = ("setpriv", "--bounding-set=-dac_override,-dac_read_search", *wrapper)
    code, stdout, stderr = cli(*(ws.fill(arg) for arg in case.args), env=env, cwd=ws.cwd, wrapper=wrapper)

    assert "Traceback" not in stderr + stdout, stderr
    assert code == case.exit_code, f"exit {code}, expected {case.exit_code}; stderr: {stderr!r}"
    lines = stderr.splitlines()
    if case.message is None:
        assert stderr == "", stderr
    else:
        assert len(lines) == 1, f"expected one stderr line, got {len(lines)}: {stderr!r}"
        assert re.search(case.message, lines[0], re.IGNORECASE), f"{case.message!r} does not match {lines[0]!r}"
        assert "[Errno" not in lines[0] and not re.search(r"[^.]\.\.(\s|$)", lines[0]), f"library noise in {lines[0]!r}"
    if case.stdout is None:
        assert stdout == "", f"stdout must stay empty, got {stdout!r}"
    else:
        assert re.search(case.stdout, stdout, re.IGNORECASE), f"{case.stdout!r} not in {stdout!r}"
    after = snapshot(ws.tmp)
    changed = sorted(path for path in set(before) | set(after) if before.get(path) != after.get(path))
    unexpected = [path for path in changed if not any(fnmatch.fnmatch(path, glob) for glob in case.may_change)]
    assert not unexpected, f"files changed by a refused command: {unexpected}"


# --------------------------------------------------------------------------- not errors


def test_silence_only_audio_gives_an_empty_analysis_and_says_nothing_was_heard(cli, tmp_path, valid_analysis):
    rng = np.random.default_rng(70)
    noise = rng.standard_normal(3 * 16000)
    noise *= 10 ** (-70 / 20) / np.sqrt(np.mean(noise**2))  # 3 s of room noise at -70 dBFS RMS
    quiet = tmp_path / "silence.wav"
    sf.write(quiet, noise.astype(np.float32), 16000, subtype="PCM_16")

    code, stdout, stderr = cli("analyze", quiet, "--json")

    assert code == 0, stderr
    assert "Traceback" not in stderr
    analysis = valid_analysis(json.loads(stdout))
    assert analysis["transcript"]["words"] == []
    assert analysis["delivery"]["word_count"] == 0
    assert analysis["delivery"]["fillers"] == []
    assert analysis["delivery"]["pauses"] == []
    assert analysis["duration_s"] == pytest.approx(3.0, abs=0.01)
    tips = analysis["scorecard"]["tips"]
    assert any(re.search(r"nothing (was )?heard", tip, re.IGNORECASE) for tip in tips), tips
