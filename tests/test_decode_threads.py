"""How a transcriber shares its thread budget among the decodes it runs side by side."""

from __future__ import annotations

import pytest

from mockloop.analysis import transcribe
from mockloop.analysis.transcribe import decode_threads
from mockloop.config import TranscribeSettings


@pytest.mark.parametrize(
    ("cpu_threads", "decode_workers", "cores", "expected"),
    [
        (0, 2, 2, (2, 1)),  # a 2-core laptop: each decode on its own core
        (0, 2, 8, (2, 4)),
        (0, 2, 1, (1, 1)),  # one core: the decodes take turns, no second replica
        (0, 1, 8, (1, 8)),  # side by side turned off: one replica gets every core
        (1, 2, 8, (1, 1)),  # a batch worker given one thread
        (3, 2, 8, (2, 1)),  # an odd budget rounds down rather than oversubscribing
        (4, 2, 2, (2, 2)),  # an explicit budget is the user's to set
    ],
)
def test_the_thread_budget_is_shared_among_the_decodes(monkeypatch, cpu_threads, decode_workers, cores, expected):
    monkeypatch.setattr(transcribe, "usable_cores", lambda: cores)
    settings = TranscribeSettings(cpu_threads=cpu_threads, decode_workers=decode_workers)
    assert decode_threads(settings) == expected


def test_usable_cores_are_what_this_process_may_run_on():
    import os

    assert 1 <= transcribe.usable_cores() <= (os.cpu_count() or 1)
