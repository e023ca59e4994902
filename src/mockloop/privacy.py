"""Everything mockloop stores is private to the user: files 0600, folders 0700.

Recordings of someone practising for an interview, their scores, the index and the reports are
personal; a shared machine must not let other accounts read them. Modes are set explicitly
where a file or folder is created (not left to the umask), and ``private_umask`` covers files
that libraries or child processes create on their own (sqlite's journal, espeak's WAV).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700
UMASK = 0o077


def private_dir(path: str | Path) -> Path:
    """Create ``path`` and any missing parents with mode 0700 (existing folders are left alone,
    except ``path`` itself, which is made private if this user owns it)."""
    path = Path(path)
    missing = []
    probe = path
    while not probe.exists() and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=DIR_MODE)
        except FileExistsError:
            pass
        _chmod(folder, DIR_MODE)
    if path.is_dir() and not path.is_symlink():
        _chmod(path, DIR_MODE)
    return path


def create_private_file(path: str | Path) -> Path:
    """Create (or truncate) ``path`` with mode 0600 before anyone writes into it."""
    path = Path(path)
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    os.close(handle)
    _chmod(path, FILE_MODE)
    return path


def write_private_text(path: str | Path, text: str) -> Path:
    """Write ``text`` to ``path`` (created 0600; an existing file is made 0600 too)."""
    path = Path(path)
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        _chmod(path, FILE_MODE)
        out.write(text)
    return path


def make_private(path: str | Path) -> None:
    """Set 0600 on a file or 0700 on a folder that something else created."""
    path = Path(path)
    if path.is_symlink():
        return
    _chmod(path, DIR_MODE if path.is_dir() else FILE_MODE)


@contextlib.contextmanager
def private_umask():
    """Files created inside the block (by any library or child process) are private."""
    previous = os.umask(UMASK)
    try:
        yield
    finally:
        os.umask(previous)


def _chmod(path: Path, mode: int) -> None:
    with contextlib.suppress(OSError):  # not ours, or a file system without modes: nothing to do
        os.chmod(path, mode)
