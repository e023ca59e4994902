"""The LLM judge against hostile endpoints: the real openai client, a raw HTTP server on 127.0.0.1.

Each server here misbehaves in one way a broken or malicious endpoint can: a 200 whose body is
not JSON, a reply dripped a byte at a time (no socket timeout ever fires), a reply far larger
than any verdict. Every one must end in the rule-based result with a note, within the judge's
deadline, without holding the reply in memory. The servers' loops are bounded in bytes and time
and they stop by themselves; the deadline and size cap are made small through LLMOptions.
"""

from __future__ import annotations

import socket
import threading
import time

import pytest
from content_helpers import labelled, text_transcript

from mockloop.content import LLMOptions, judge_content

ANSWER = labelled("dev/sd_rate_limiter_no_cost")["text"]
DRIP_INTERVAL_S = 0.2
DRIP_BYTES = 300  # a minute of dripping at most: the server stops by itself after that


class HostileServer:
    """One-connection-at-a-time HTTP server on loopback that answers every POST by ``behaviour``.

    ``sent`` counts the bytes of replies written so far; ``finished`` is set when a reply ended
    (written whole or cut off by the client).
    """

    def __init__(self, behaviour: str, max_seconds: float = 60.0, max_body_bytes: int = 20_000_000):
        self.behaviour = behaviour
        self.max_seconds = max_seconds
        self.max_body_bytes = max_body_bytes
        self.sent = 0
        self.requests = 0
        self.cut_off = threading.Event()  # the client closed the connection before the reply ended
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(4)
        self._sock.settimeout(0.1)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._sock.getsockname()[1]}/v1"

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._sock.close()

    def _serve(self) -> None:
        started = time.monotonic()
        while not self._stop.is_set() and time.monotonic() - started < self.max_seconds:
            try:
                connection, _ = self._sock.accept()
            except socket.timeout:
                continue
            with connection:
                connection.settimeout(5)
                try:
                    self._read_request(connection)
                    self.requests += 1
                    getattr(self, f"_reply_{self.behaviour}")(connection, started)
                except OSError:
                    self.cut_off.set()

    @staticmethod
    def _read_request(connection: socket.socket) -> None:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = connection.recv(65536)
            if not chunk:
                return
            data += chunk
        head, body = data.split(b"\r\n\r\n", 1)
        length = next(
            (int(line.split(b":", 1)[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")), 0
        )
        while len(body) < length:
            chunk = connection.recv(65536)
            if not chunk:
                return
            body += chunk

    def _send(self, connection: socket.socket, data: bytes) -> None:
        connection.sendall(data)
        self.sent += len(data)

    def _reply_not_json(self, connection, started) -> None:
        body = b"<html><body><h1>Welcome to nginx!</h1></body></html>"
        self._send(
            connection,
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body),
        )

    def _reply_nested(self, connection, started) -> None:
        body = b'{"choices": ' + b"[" * 200_000 + b"]" * 200_000 + b"}"
        self._send(
            connection,
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body),
        )

    def _reply_nested_content(self, connection, started) -> None:
        content = "[" * 100_000 + "]" * 100_000
        body = ('{"choices": [{"index": 0, "message": {"role": "assistant", "content": "%s"}}]}' % content).encode()
        self._send(
            connection,
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body),
        )

    def _reply_drip(self, connection, started) -> None:
        body = b'{"id": "x", "choices": [' + b" " * DRIP_BYTES
        self._send(connection, b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % (len(body) + 2))
        for byte in body:
            if self._stop.is_set() or time.monotonic() - started > self.max_seconds:
                return
            self._send(connection, bytes([byte]))
            self._stop.wait(DRIP_INTERVAL_S)

    def _reply_huge_declared(self, connection, started) -> None:
        self._stream_huge(connection, b"Content-Length: 150000000\r\n", started)

    def _reply_huge_undeclared(self, connection, started) -> None:
        self._stream_huge(connection, b"Connection: close\r\n", started)

    def _stream_huge(self, connection, header: bytes, started) -> None:
        self._send(connection, b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" + header + b"\r\n")
        self._send(connection, b'{"choices": [{"message": {"content": "')
        block = b"A" * 65536
        while self.sent < self.max_body_bytes and time.monotonic() - started < self.max_seconds:
            self._send(connection, block)


@pytest.fixture
def hostile():
    servers = []

    def start(behaviour: str, **kwargs) -> HostileServer:
        server = HostileServer(behaviour, **kwargs)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


def judged_by(server: HostileServer, **overrides):
    options = LLMOptions(
        model="judge-test", base_url=server.url, api_key="test-key", timeout_s=5.0, max_retries=0, **overrides
    )
    return judge_content(text_transcript(ANSWER), "system_design", judge="llm", llm_options=options)


def assert_rules_decided(result) -> None:
    rules = judge_content(text_transcript(ANSWER), "system_design")
    assert [(v.id, v.met, v.judge) for v in result.rubric] == [(v.id, v.met, v.judge) for v in rules.rubric]
    assert result.extras["judges"]["llm"] is None


def test_a_200_reply_that_is_not_json_falls_back_to_the_rules(hostile):
    server = hostile("not_json")
    result = judged_by(server)
    assert server.requests == 1
    assert_rules_decided(result)
    assert any("not valid JSON" in note and "rule-based result" in note for note in result.extras["notes"])


@pytest.mark.parametrize("behaviour", ["nested", "nested_content"])
def test_a_reply_nested_too_deep_to_parse_falls_back_to_the_rules(hostile, behaviour):
    server = hostile(behaviour)
    result = judged_by(server)
    assert_rules_decided(result)
    assert any("rule-based result" in note for note in result.extras["notes"])


def test_a_reply_dripped_a_byte_at_a_time_is_cut_off_at_the_deadline(hostile):
    server = hostile("drip")
    result = judged_by(server, deadline_s=1.0)
    assert server.sent < DRIP_BYTES, "the judge gave up while the server was still dripping"
    assert_rules_decided(result)
    assert any("no complete reply within 1 s" in note for note in result.extras["notes"])


def test_a_dripped_reply_is_not_held_open_after_the_deadline(hostile):
    """The worker thread stops at the next byte after the deadline and closes the connection."""
    server = hostile("drip")
    judged_by(server, deadline_s=0.5)
    assert server.cut_off.wait(timeout=30), "the connection stayed open after the deadline"
    assert server.sent < DRIP_BYTES


@pytest.mark.parametrize("behaviour", ["huge_declared", "huge_undeclared"])
def test_a_reply_larger_than_the_cap_is_refused_before_it_is_read_whole(hostile, behaviour):
    server = hostile(behaviour, max_body_bytes=20_000_000)
    result = judged_by(server, max_reply_bytes=200_000)
    assert_rules_decided(result)
    assert any("reply larger than 0.2 MB" in note for note in result.extras["notes"])
    assert server.cut_off.wait(timeout=30), "the client read on instead of closing the connection"
    assert server.sent < 20_000_000, "the whole oversized body was read"


# --------------------------------------------------------------------------- what the terminal says


@pytest.fixture
def answer_file(tmp_path):
    path = tmp_path / "answer.txt"
    path.write_text(ANSWER, encoding="utf-8")
    return path


def test_the_terminal_scorecard_says_the_rules_decided_when_the_llm_fell_back(hostile, answer_file, cli, monkeypatch):
    server = hostile("not_json")
    monkeypatch.setenv("OPENAI_BASE_URL", server.url)
    monkeypatch.setenv("COLUMNS", "160")
    code, stdout, stderr = cli("analyze", answer_file, "--kind", "system_design", "--judge", "llm")
    assert code == 0, stderr
    assert "LLM judge not used, the rules decided every item" in stdout
    assert "not valid JSON" in stdout
    rows = [line for line in stdout.splitlines() if "clarifies_requirements" in line or "names_owners" in line]
    assert rows and all(" rules " in row for row in rows)


def test_the_terminal_scorecard_names_the_judge_of_each_item(fake_chat, answer_file, cli, monkeypatch):
    quote = "the gateway team owns it"
    text = "So I'd put the limiter in the API gateway, and the gateway team owns it. We would use Redis counters."
    answer_file.write_text(text, encoding="utf-8")
    fake_chat.verdicts = {"names_owners": (True, [quote], "Names the owner.")}
    monkeypatch.setenv("OPENAI_BASE_URL", fake_chat.url)
    monkeypatch.setenv("COLUMNS", "160")
    code, stdout, stderr = cli("analyze", answer_file, "--kind", "system_design", "--judge", "llm")
    assert code == 0, stderr
    assert "LLM judge not used" not in stdout
    assert "Judge" in stdout and "the Judge column says who decided" in stdout
    [owners] = [line for line in stdout.splitlines() if "names_owners" in line]
    assert " LLM " in owners or " both " in owners
    [risks] = [line for line in stdout.splitlines() if "names_risks" in line]
    assert " no " in risks and " both " in risks  # neither judge found a risk
