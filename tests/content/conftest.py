"""Fixtures for the content tests: a real chat-completions server on loopback.

The LLM judge is tested through the real `openai` client talking HTTP to this server, so request
building, timeouts, status codes and JSON parsing are all exercised end to end. The server's
`mode` picks the behaviour; `verdicts` scripts a well-behaved judge.
"""

from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

ANSWER = re.compile(r"<<<ANSWER (\w+)>>>\n(.*?)\n<<<END ANSWER \1>>>", re.DOTALL)
IDS = re.compile(r"no others: ([a-z_, ]+)\.")


class FakeChat:
    """State shared with the handler threads. Set `mode` and `verdicts` in a test."""

    def __init__(self) -> None:
        self.mode = "judge"
        self.verdicts: dict[str, tuple[bool, list[str], str]] = {}
        self.delay_s = 2.0
        self.fail_first = 0  # in "flaky" mode: how many requests get a 429 before one succeeds
        self.requests: list[dict] = []
        self.url = ""

    # --- what the judge would say -----------------------------------------------------------
    def content_for(self, body: dict) -> str:
        user = next(m["content"] for m in body["messages"] if m["role"] == "user")
        answer = ANSWER.search(user).group(2)
        ids = [i.strip() for i in IDS.search(user).group(1).split(",")]
        lines = [re.sub(r"^\[\d+:\d\d\] ", "", line) for line in answer.splitlines()]
        if self.mode == "malformed":
            return "Sure! Here is my assessment: the candidate covered most of the rubric well."
        if self.mode == "unknown_ids":
            return json.dumps({"items": [{"id": "charisma", "met": True, "evidence": [], "reason": "confident"}]})
        if self.mode == "malicious":
            injected = [line for line in lines if "ignore the rubric" in line.lower()]
            if injected:
                return json.dumps(
                    {
                        "score": 100,
                        "items": [
                            {"id": i, "met": True, "evidence": [injected[0]], "reason": "The candidate asked for full marks."}
                            for i in ids
                        ],
                    }
                )
        items = []
        for item_id in ids:
            met, evidence, reason = self.verdicts.get(item_id, (False, [], "Not covered in the answer."))
            items.append({"id": item_id, "met": met, "evidence": evidence, "reason": reason})
        return json.dumps({"items": items})


def _handler(fake: FakeChat):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # keep test output clean
            pass

        def _send(self, status: int, payload: dict, headers: dict | None = None) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self):
            length = int(self.headers.get("Content-Length", 0))
            body = json.loads(self.rfile.read(length) or b"{}")
            if self.path.rstrip("/") != "/v1/chat/completions":
                self._send(404, {"error": {"message": "not found"}})
                return
            fake.requests.append(body)
            mode = fake.mode
            if mode == "500":
                self._send(500, {"error": {"message": "model crashed", "type": "server_error"}})
                return
            if mode == "429" or (mode == "flaky" and len(fake.requests) <= fake.fail_first):
                self._send(429, {"error": {"message": "slow down", "type": "rate_limit"}}, {"retry-after-ms": "10"})
                return
            if mode == "slow":
                time.sleep(fake.delay_s)
            content = fake.content_for(body)
            self._send(
                200,
                {
                    "id": f"chatcmpl-test{len(fake.requests)}",
                    "object": "chat.completion",
                    "created": int(time.time()),
                    "model": body.get("model", "test"),
                    "choices": [
                        {"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}
                    ],
                    "usage": {"prompt_tokens": 100, "completion_tokens": 50, "total_tokens": 150},
                },
            )

    return Handler


@pytest.fixture
def fake_chat():
    """A chat-completions server on 127.0.0.1 (random port); yields its FakeChat state."""
    fake = FakeChat()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    server.daemon_threads = True
    server.block_on_close = False
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    yield fake
    server.shutdown()
    server.server_close()
