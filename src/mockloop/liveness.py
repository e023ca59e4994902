"""Is the process that started a session still running? (So a crash is told from a recording.)

A session records who is writing it: the process id, the host, the boot id and, on Linux, the
process start time in clock ticks since boot. A pid alone is not enough: after a reboot, or
once pids wrap, another program may have the same number. The same host, the same boot and the
same start time mean the very same process.
"""

from __future__ import annotations

import enum
import os
import socket
from pathlib import Path
from typing import Optional

BOOT_ID_FILE = Path("/proc/sys/kernel/random/boot_id")


class Liveness(str, enum.Enum):
    ALIVE = "alive"
    GONE = "gone"
    UNKNOWN = "unknown"  # recorded on another machine: cannot be checked from here


def this_process() -> dict:
    """The stamp of the running process, saved in session.json when a session starts."""
    return process_stamp(os.getpid())


def process_stamp(pid: int) -> dict:
    """The stamp of process ``pid`` on this machine: enough to tell it from a later reuse of its pid."""
    return {"pid": pid, "host": socket.gethostname(), "boot_id": _boot_id(), "start_ticks": _start_ticks(pid)}


def liveness(stamp: Optional[dict]) -> Liveness:
    """Whether the process described by ``stamp`` (from ``this_process``) is still running."""
    if not stamp or not isinstance(stamp.get("pid"), int):
        return Liveness.UNKNOWN
    if stamp.get("host") and stamp["host"] != socket.gethostname():
        return Liveness.UNKNOWN
    boot = _boot_id()
    if stamp.get("boot_id") and boot and stamp["boot_id"] != boot:
        return Liveness.GONE  # the machine rebooted since: nothing from then is running
    pid = stamp["pid"]
    if not _pid_exists(pid):
        return Liveness.GONE
    recorded, now = stamp.get("start_ticks"), _start_ticks(pid)
    if recorded is not None and now is not None and recorded != now:
        return Liveness.GONE  # the pid was reused by another program
    if _is_zombie(pid):
        return Liveness.GONE
    return Liveness.ALIVE


def _pid_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    except OSError:
        return False
    return True


def _proc_stat(pid: int) -> Optional[list[str]]:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) is in parentheses and may hold spaces: split after it.
    return raw[raw.rfind(")") + 2 :].split()


def _start_ticks(pid: int) -> Optional[int]:
    fields = _proc_stat(pid)
    try:
        return int(fields[19]) if fields else None  # field 22 of stat, counted after the name
    except (IndexError, ValueError):
        return None


def _is_zombie(pid: int) -> bool:
    fields = _proc_stat(pid)
    return bool(fields) and fields[0] == "Z"


def _boot_id() -> Optional[str]:
    try:
        return BOOT_ID_FILE.read_text().strip() or None
    except OSError:
        return None
