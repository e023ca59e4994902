"""Reading what a child process prints, once a test has read some of it line by line.

``Popen.communicate`` reads the raw pipes, so it silently drops anything a ``readline()`` before
it already pulled into the text buffer: a child that prints its last line quickly (a recording
that hits a full disk within milliseconds) then seems to have printed nothing.
"""

from __future__ import annotations

import subprocess
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout


def read_rest(process: subprocess.Popen, timeout: float) -> tuple[str, str]:
    """The rest of stdout (buffered part included) and all of stderr, once the process has exited.

    Both pipes are read at once, so a child that fills one of them cannot stall; on timeout the
    child is killed, which closes the pipes and frees the readers, and the timeout is raised."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        stdout, stderr = pool.submit(process.stdout.read), pool.submit(process.stderr.read)
        try:
            rest = stdout.result(timeout=timeout), stderr.result(timeout=timeout)
        except FutureTimeout:
            process.kill()
            raise subprocess.TimeoutExpired(process.args, timeout) from None
    process.wait(timeout=timeout)
    return rest
