"""Shared fixtures: where the fixtures live, one loaded Whisper model and the eval's methods on it,
an isolated home, the CLI.

Every test gets its own MOCKLOOP_HOME and MOCKLOOP_CONFIG under tmp_path, so nothing reads or
writes the user's sessions or config, and MOCKLOOP_MODEL from the caller's shell cannot change
which model the tests use. Tests that run the real CLI use the ``cli`` fixture (a subprocess of
this interpreter running ``-m mockloop``), exactly what a user types.

Everything here is reached through fixtures, never ``from conftest import ...``: tests/content has
its own conftest.py, and both are imported under the module name "conftest".
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "audio_fixtures"
SAMPLE_ANSWER = FIXTURES / "sample_answer.flac"
SAMPLE_TRUTH = FIXTURES / "sample_answer.json"
SYNTHETIC = FIXTURES / "synthetic"
SHARED_AUDIO_DIR = (REPO / ".." / "shared" / "audio").resolve()

# The CLI's rich consoles are made when their module is imported, and a COLUMNS set then fixes
# their width for the whole run; unset, they read it at each print, so every in-process command
# gets the width its test asks for whatever the shell (or a pytest-xdist worker) exported.
for _fixed_size in ("COLUMNS", "LINES"):
    os.environ.pop(_fixed_size, None)

CLI_TIMEOUT_S = 180


def load_truth(clip_id: str) -> dict:
    """The ground-truth JSON of a synthetic clip ("syn_02") or of "sample_answer"."""
    path = SAMPLE_TRUTH if clip_id == "sample_answer" else SYNTHETIC / f"{clip_id}.json"
    return json.loads(path.read_text(encoding="utf-8"))


def clip_path(clip_id: str) -> Path:
    return SAMPLE_ANSWER if clip_id == "sample_answer" else SYNTHETIC / f"{clip_id}.flac"


def isolated_env(root: Path, **overrides: str) -> dict[str, str]:
    """A copy of os.environ whose mockloop home and config live under ``root``."""
    env = dict(os.environ)
    env.pop("MOCKLOOP_MODEL", None)
    env["MOCKLOOP_HOME"] = str(root / "mockloop-home")
    env["MOCKLOOP_CONFIG"] = str(root / "mockloop-config.toml")
    env["MOCKLOOP_CACHE"] = str(root / "mockloop-cache")
    env.update(overrides)
    return env


def run_cli(
    *args: str | os.PathLike, env: dict[str, str] | None = None, cwd: Path | None = None, wrapper: tuple[str, ...] = ()
) -> tuple[int, str, str]:
    """Run ``python -m mockloop ARGS`` and return (returncode, stdout, stderr).

    Without ``env`` the child inherits os.environ, which the autouse fixture has already pointed
    at the test's own tmp_path. ``wrapper`` is a command the child runs under (e.g. setpriv).
    """
    completed = subprocess.run(
        [*wrapper, sys.executable, "-m", "mockloop", *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        env=env,
        cwd=cwd,
        timeout=CLI_TIMEOUT_S,
    )
    return completed.returncode, completed.stdout, completed.stderr


@pytest.fixture(autouse=True)
def _isolated_mockloop_home(tmp_path, monkeypatch):
    """Each test has its own MOCKLOOP_HOME and MOCKLOOP_CONFIG; MOCKLOOP_MODEL is unset."""
    monkeypatch.setenv("MOCKLOOP_HOME", str(tmp_path / "mockloop-home"))
    monkeypatch.setenv("MOCKLOOP_CONFIG", str(tmp_path / "mockloop-config.toml"))
    monkeypatch.setenv("MOCKLOOP_CACHE", str(tmp_path / "mockloop-cache"))
    monkeypatch.delenv("MOCKLOOP_MODEL", raising=False)


@pytest.fixture(scope="session")
def session_env(tmp_path_factory) -> dict[str, str]:
    """An isolated environment for session- or module-scoped CLI runs (no tmp_path there)."""
    return isolated_env(tmp_path_factory.mktemp("session-home"))


@pytest.fixture(scope="session")
def cli():
    """``cli("analyze", path, "--json", env=None, cwd=None)`` -> (returncode, stdout, stderr).

    The child inherits os.environ at call time, i.e. the calling test's isolated home.
    """
    return run_cli


@pytest.fixture(scope="session")
def analyzer():
    """One Analyzer with the embedded tiny.en model, loaded once for the whole run."""
    from mockloop.analysis.pipeline import Analyzer

    instance = Analyzer()
    instance.load()
    return instance


@pytest.fixture(scope="session")
def eval_method(analyzer):
    """``eval_method(plain=False, live=False, enter_delay_s=0.0)``: the eval's Method on the session's model.

    One Method per way of running, for the whole session. A Method keeps each recording's
    result, so the modules that score the same recordings the same way (test_accuracy,
    test_words_accuracy, test_streaming_accuracy) transcribe each once, not once per module.
    Nothing is sampled in decoding, so a result does not depend on what was decoded before it.
    """
    from mockloop.analysis.eval import Method

    methods: dict[tuple, Method] = {}

    def get(plain: bool = False, live: bool = False, enter_delay_s: float = 0.0) -> Method:
        key = (plain, live, enter_delay_s)
        if key not in methods:
            name = "plain faster-whisper" if plain else "mockloop live" if live else "mockloop"
            if enter_delay_s and not plain:
                name += f", ending in {enter_delay_s:g} s of room tone"
            methods[key] = Method(name, analyzer, plain=plain, live=live, enter_delay_s=enter_delay_s)
        return methods[key]

    return get


@pytest.fixture(scope="session")
def sample_json_run(session_env) -> tuple[int, str, str]:
    """`mockloop analyze audio_fixtures/sample_answer.flac --json`, run once for the whole session.

    Several modules check this one run (the contract, the terminal report's numbers), so the
    ~90 s answer is transcribed once instead of once per test.
    """
    return run_cli("analyze", SAMPLE_ANSWER, "--json", env=session_env, cwd=REPO)


@pytest.fixture(scope="session")
def valid_analysis():
    """``valid_analysis(data)``: fails the test unless ``data`` matches the published contract.

    Validates against the JSON Schema shipped in the package (mockloop/analysis/analysis.schema.json),
    listing every problem with its path, and returns ``data`` so a test can go on reading it.
    """
    import jsonschema

    from mockloop.analysis.contract import json_schema

    validator = jsonschema.Draft202012Validator(json_schema())

    def check(data: dict) -> dict:
        problems = [f"{'/'.join(map(str, e.absolute_path)) or '$'}: {e.message}" for e in validator.iter_errors(data)]
        assert not problems, "not a valid mockloop.analysis/1 analysis:\n" + "\n".join(problems)
        return data

    return check


@pytest.fixture(scope="session")
def wait_until_recorded():
    """``wait_until_recorded(find, seconds)``: poll the WAV being recorded until it holds ``seconds``.

    ``find()`` returns the file's path, or None while it does not exist yet. The recorder keeps
    the WAV header current as it writes, so the header's length is what is safely on disk.
    Returns that length; fails the test after ``timeout_s``.
    """
    import time

    import soundfile

    def wait(find, seconds: float, timeout_s: float = 60.0) -> float:
        deadline = time.monotonic() + timeout_s
        duration = 0.0
        while time.monotonic() < deadline:
            path = find()
            if path is not None:
                try:
                    duration = soundfile.info(str(path)).duration
                except (RuntimeError, OSError):  # the header is not written yet
                    duration = 0.0
                if duration >= seconds:
                    return duration
            time.sleep(0.05)
        pytest.fail(f"the recording held {duration:.2f} s after {timeout_s:.0f} s, expected {seconds:.2f} s")

    return wait


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def sample_answer() -> Path:
    return SAMPLE_ANSWER


@pytest.fixture(scope="session")
def sample_truth() -> dict:
    return load_truth("sample_answer")


@pytest.fixture(scope="session")
def synthetic_dir() -> Path:
    return SYNTHETIC


@pytest.fixture(scope="session")
def synthetic_clip():
    """``synthetic_clip("syn_02")`` -> (path of the FLAC, its ground-truth dict)."""

    def get(clip_id: str) -> tuple[Path, dict]:
        return clip_path(clip_id), load_truth(clip_id)

    return get


@pytest.fixture(scope="session")
def SHARED_AUDIO() -> Path:  # noqa: N802 - named as the folder it stands for
    """The real recordings in ../shared/audio (see its README).

    Skips when the folder is absent, except under CI=true, where a missing folder is a failure.
    """
    if not (SHARED_AUDIO_DIR / "README.md").is_file():
        message = f"real recordings not found at {SHARED_AUDIO_DIR}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message + " (CI=true: these tests must run)")
        pytest.skip(message)
    return SHARED_AUDIO_DIR


@pytest.fixture(scope="session")
def espeak_answer():
    """``espeak_answer(text, path, voice)``: espeak-ng speaking ``text`` as a 16 kHz wav at ``path``.

    Room tone (noise at -58 dBFS, not digital silence) pads a second before the speech and 1.5 s
    after it, as a microphone hears an answer that ends before the candidate presses Enter.
    """
    import numpy as np
    import soundfile as sf

    def make(text: str, path: Path, voice: str = "en-us", words_per_minute: int = 165) -> Path:
        raw = path.with_suffix(".espeak.wav")
        subprocess.run(["espeak-ng", "-v", voice, "-s", str(words_per_minute), "-w", str(raw), text], check=True)
        speech, rate = sf.read(raw, dtype="float32")
        positions = np.arange(0, len(speech), rate / 16000)
        speech = np.interp(positions, np.arange(len(speech)), speech)
        rng = np.random.default_rng(len(text))
        tone = lambda seconds: rng.normal(0, 10 ** (-58 / 20), int(16000 * seconds))  # noqa: E731
        audio = np.concatenate([tone(1.0), 0.5 * speech / np.abs(speech).max(), tone(1.5)]).astype(np.float32)
        sf.write(path, audio, 16000)
        raw.unlink()
        return path

    return make


# The real PulseAudio server (null sink; its monitor is the microphone) for audio I/O tests.
from pulse import pulse_server  # noqa: E402,F401


def pytest_collection_modifyitems(config, items):
    """Which tests share a pytest-xdist worker (`make test` runs two, with --dist loadgroup).

    The tests that play and record in real time mostly wait, so they get a worker of their own
    and run beside the decoding; the accuracy tests share one worker so each set is decoded once
    (eval_method keeps results per process); every other module stays whole on one worker, so a
    module-scoped fixture (a whole interview) runs once.
    """
    for item in items:
        if item.get_closest_marker("audio_io") or "pulse_server" in item.fixturenames:
            group = "real-time audio"
        elif "eval_method" in item.fixturenames:
            group = "accuracy decodes"
        else:
            group = item.nodeid.split("::", 1)[0]
        item.add_marker(pytest.mark.xdist_group(group))
