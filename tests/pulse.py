"""A private PulseAudio server for tests that need real audio without sound hardware.

The server has one null sink, ``virt``; its monitor is the default source. Whatever a test plays
into the sink (``server.play(file)``) is what the default microphone hears, so the real
sounddevice -> PortAudio -> ALSA -> PulseAudio path is exercised end to end.

Two details learned the hard way:
- An idle null sink renders in 2-second chunks, so a stream opened on its monitor gets nothing
  for up to 2 s and a short file takes 2 s to play. A silent low-latency stream (``pacat`` from
  /dev/zero) keeps the sink running in small chunks for the whole session.
- sounddevice initialises PortAudio at import, and PortAudio enumerates ALSA devices then; if it
  was imported before the server's environment was set, it is re-initialised.

Use from tests/conftest.py::

    from pulse import pulse_server  # noqa: F401  (the session-scoped fixture)

When ``pulseaudio`` is not installed the fixture skips, except under CI=true, where it fails:
CI must run these tests.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

TOOLS = ("pulseaudio", "pactl", "paplay", "pacat", "parec")
SINK = "virt"
ENV_KEYS = ("PULSE_SERVER", "PULSE_RUNTIME_PATH", "PULSE_SINK", "PULSE_SOURCE")


def missing_tools() -> list[str]:
    return [tool for tool in TOOLS if shutil.which(tool) is None]


def skip_or_fail(reason: str) -> None:
    """Skip locally; under CI=true a missing audio stack is a failure, never a silent skip."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: audio tests must run; install pulseaudio pulseaudio-utils libasound2-plugins)")
    pytest.skip(reason)


class PulseServer:
    """A PulseAudio daemon living in ``folder``, with a null sink whose monitor is the default source."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.runtime = self.folder / "pulse"
        self.socket = self.runtime / "native"
        self._keepalive: subprocess.Popen | None = None

    @property
    def client_env(self) -> dict[str, str]:
        """Variables that point PulseAudio clients (and ALSA's pulse plugin) at this server."""
        return {
            "PULSE_SERVER": f"unix:{self.socket}",
            "PULSE_RUNTIME_PATH": str(self.runtime),
            "PULSE_SINK": SINK,
            "PULSE_SOURCE": f"{SINK}.monitor",
        }

    def env(self, **extra: str) -> dict[str, str]:
        """A full environment for a subprocess that should use this server."""
        return {**os.environ, **self.client_env, **extra}

    def start(self) -> "PulseServer":
        self.runtime.mkdir(parents=True, exist_ok=True)
        home = self.folder / "home"
        home.mkdir(exist_ok=True)
        daemon_env = {**os.environ, "HOME": str(home), "XDG_RUNTIME_DIR": str(self.folder), "PULSE_RUNTIME_PATH": str(self.runtime)}
        daemon_env.pop("PULSE_SERVER", None)
        command = [
            "pulseaudio", "--daemonize=yes", "--exit-idle-time=-1", "-n", "--use-pid-file=yes",
            f"--log-target=file:{self.folder / 'pulseaudio.log'}",
            "--load=module-native-protocol-unix auth-anonymous=1",
            f"--load=module-null-sink sink_name={SINK}",
        ]
        subprocess.run(command, env=daemon_env, check=True, timeout=20, capture_output=True)
        deadline = time.monotonic() + 10
        while not self._answers():
            if time.monotonic() > deadline:
                raise RuntimeError(f"PulseAudio did not start; see {self.folder / 'pulseaudio.log'}")
            time.sleep(0.05)
        self.pactl("set-default-sink", SINK)
        self.pactl("set-default-source", f"{SINK}.monitor")
        self._keepalive = subprocess.Popen(
            ["pacat", "--playback", "--latency-msec=20", "--raw", "--format=s16le", "--rate=16000", "--channels=1", "/dev/zero"],
            env=self.env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        self._warm_up_monitor()
        return self

    def _warm_up_monitor(self) -> None:
        """Wait for the monitor's first audio: the first recording stream on a new server gets
        nothing for about 1.8 s, later ones start at once."""
        reader = subprocess.Popen(
            ["parec", "--latency-msec=20", "--raw", f"--device={SINK}.monitor"],
            env=self.env(), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and reader.stdout.read1(4096) == b"":
                if reader.poll() is not None:
                    raise RuntimeError("parec could not record from the null sink's monitor")
        finally:
            reader.terminate()
            reader.wait(timeout=5)

    def _answers(self) -> bool:
        if not self.socket.exists():
            return False
        done = subprocess.run(["pactl", "info"], env=self.env(), capture_output=True, timeout=10)
        return done.returncode == 0

    def pactl(self, *args: str) -> str:
        done = subprocess.run(["pactl", *args], env=self.env(), capture_output=True, text=True, timeout=10, check=True)
        return done.stdout

    def play(self, path: str | Path, wait: bool = True) -> subprocess.Popen:
        """Play a file into the null sink (the default microphone hears it)."""
        process = subprocess.Popen(
            ["paplay", "--latency-msec=20", str(path)], env=self.env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        if wait:
            process.wait(timeout=120)
        return process

    @property
    def pid(self) -> int | None:
        with contextlib.suppress(OSError, ValueError):
            return int((self.runtime / "pid").read_text().strip())
        return None

    def stop(self) -> None:
        """Stop the keepalive stream and the daemon (only the processes this object started)."""
        if self._keepalive is not None:
            self._keepalive.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._keepalive.wait(timeout=5)
            self._keepalive = None
        pid = self.pid
        if pid is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and _alive(pid):
            time.sleep(0.05)
        if _alive(pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def reinitialise_portaudio() -> None:
    """Make an already imported sounddevice see the current environment's devices."""
    sd = sys.modules.get("sounddevice")
    if sd is not None:
        sd._terminate()
        sd._initialize()


@contextlib.contextmanager
def use_in_this_process(server: PulseServer):
    """Point this process's PortAudio at ``server`` for the duration of the block."""
    saved = {key: os.environ.get(key) for key in ENV_KEYS}
    os.environ.update(server.client_env)
    reinitialise_portaudio()
    try:
        yield server
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        reinitialise_portaudio()


def start_private_server(folder: Path) -> PulseServer:
    """Start a server for one test (e.g. one the test will kill); skips/fails without pulseaudio."""
    missing = missing_tools()
    if missing:
        skip_or_fail(f"PulseAudio tools not installed: {', '.join(missing)}")
    return PulseServer(folder).start()


def portaudio_problem() -> str | None:
    """Why PortAudio cannot record from the server, or None when it can."""
    from mockloop.audio_io.devices import list_devices
    from mockloop.errors import AudioDeviceError

    try:
        devices = list_devices()
    except AudioDeviceError as exc:
        return str(exc)
    if not any(d.can_record for d in devices):
        return "PortAudio sees no PulseAudio device (is libasound2-plugins installed?)"
    return None


_shared: dict[str, object] = {"server": None, "users": 0}


@pytest.fixture(scope="session")
def pulse_server(tmp_path_factory):
    """One PulseAudio server for the whole test run, used by this process and its subprocesses.

    Safe to import into several modules or a conftest: every copy shares one server.
    """
    if _shared["server"] is None:
        server = start_private_server(tmp_path_factory.mktemp("pulse"))
        _shared["server"] = server
        _shared["context"] = use_in_this_process(server)
        _shared["context"].__enter__()
        problem = portaudio_problem()
        if problem:
            _shared["context"].__exit__(None, None, None)
            server.stop()
            _shared["server"] = None
            skip_or_fail(problem)
    _shared["users"] += 1
    yield _shared["server"]
    _shared["users"] -= 1
    if _shared["users"] == 0:
        _shared["context"].__exit__(None, None, None)
        _shared["server"].stop()
        _shared["server"] = None


# --- comparing what was recorded with what was played ---------------------------------------------


def alignment(recorded, played, samplerate: int) -> tuple[float, float]:
    """Where ``played`` starts inside ``recorded`` (seconds) and how well the two match there.

    Returns (lag_s, envelope_correlation): the lag of the cross-correlation peak, and the
    correlation of the two loudness envelopes (RMS of 20 ms frames) at that lag. The envelope
    ignores the sub-sample phase shifts PulseAudio's resampling adds, and still drops sharply
    for the wrong audio, silence or dropouts (unrelated speech scores below 0.3).
    """
    import numpy as np

    recorded = np.asarray(recorded, dtype=np.float64).reshape(-1)
    played = np.asarray(played, dtype=np.float64).reshape(-1)
    size = len(recorded) + len(played)
    spectrum = np.fft.rfft(recorded, size) * np.conj(np.fft.rfft(played, size))
    lag = int(np.argmax(np.fft.irfft(spectrum, size)[: len(recorded)]))
    overlap = recorded[lag : lag + len(played)]
    frame = samplerate // 50
    frames = len(overlap) // frame
    if frames < 5:
        return lag / samplerate, 0.0

    def envelope(signal):
        return np.sqrt(np.mean(signal[: frames * frame].reshape(frames, frame) ** 2, axis=1))

    heard, said = envelope(overlap), envelope(played)
    if heard.std() == 0 or said.std() == 0:  # silence matches nothing
        return lag / samplerate, 0.0
    return lag / samplerate, float(np.corrcoef(heard, said)[0, 1])


# --- recording what the sink plays -------------------------------------------------------------


class MonitorRecording:
    """Records the null sink's monitor with ``parec`` (mono float32) while the block runs.

    Independent of PortAudio, so a test can check what a sounddevice player really sent to the
    speaker. Use ``with MonitorRecording(server) as rec: ...`` then ``rec.samples()``.
    """

    def __init__(self, server: PulseServer, samplerate: int = 16000):
        self.server = server
        self.samplerate = samplerate
        self._chunks: list[bytes] = []
        self._process: subprocess.Popen | None = None
        self._reader = None

    def __enter__(self) -> "MonitorRecording":
        import threading

        self._process = subprocess.Popen(
            ["parec", "--latency-msec=20", "--raw", "--format=float32le", f"--rate={self.samplerate}", "--channels=1", f"--device={SINK}.monitor"],
            env=self.server.env(), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        return self

    def _read(self) -> None:
        while chunk := self._process.stdout.read1(65536):
            self._chunks.append(chunk)

    def __exit__(self, *exc) -> None:
        self._process.terminate()
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(timeout=5)
        self._reader.join(timeout=5)

    def samples(self):
        """Everything recorded so far, as float32 samples at ``samplerate``."""
        import numpy as np

        data = b"".join(self._chunks)
        return np.frombuffer(data[: len(data) // 4 * 4], dtype="<f4").copy()
