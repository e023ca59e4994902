"""Analyse a folder of answers in parallel: one process and one loaded model per worker.

Whisper inference holds the GIL only briefly, but the acoustic and text steps do not, so
separate processes are what scale; each loads its own model once and keeps it for every file it
is given. Results come back as contract dicts (plain JSON data) so nothing heavy is pickled.

Stopping: the workers ignore SIGINT (a Ctrl-C reaches the whole process group, and only the
parent decides), and each runs a watchdog thread that ends the worker at once when the parent
sets the stop event or is gone (its parent pid changed: killed, or ended by SIGTERM). So an
interrupted batch stops within a fraction of a second, keeps every answer already yielded, and
leaves no worker behind, whatever the worker was doing.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterator

from mockloop.analysis.decode import AUDIO_EXTENSIONS, TEXT_EXTENSIONS
from mockloop.analysis.transcribe import usable_cores
from mockloop.errors import InputError, MockloopError

_worker_analyzer = None
_worker_options: dict = {}
_worker_init_error: str | None = None
WATCHDOG_POLL_S = 0.1  # how often a worker checks that its parent still wants it
STOP_GRACE_S = 2.0  # how long the parent waits for workers to leave before it kills them


@dataclass
class BatchItem:
    path: Path
    result: dict | None = None  # the analysis contract
    error: str | None = None


def answer_files(folder: Path) -> list[Path]:
    """Audio files and transcripts directly inside ``folder``, sorted by name."""
    accepted = AUDIO_EXTENSIONS + TEXT_EXTENSIONS
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in accepted)
    if not files:
        raise InputError(f"{folder}: no audio files or .txt transcripts in this folder")
    return files


def _watch_parent(parent_pid: int, stop) -> None:
    """End this worker as soon as the batch is stopped or its parent has gone."""
    while not stop.wait(WATCHDOG_POLL_S):
        if os.getppid() != parent_pid:
            break
    os._exit(1)  # nothing to clean up: results go back only through the pool


def _init_worker(model: str | None, cpu_threads: int, kind: str | None, prompt_id: str | None, stop) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not a handler inherited from the parent
    # The parent as this worker sees it now: mockloop itself (fork, spawn) or the forkserver,
    # which exits with mockloop; either way a change means this worker is an orphan.
    parent_pid = os.getppid()
    threading.Thread(target=_watch_parent, args=(parent_pid, stop), name="parent-watchdog", daemon=True).start()
    try:
        _load_worker(model, cpu_threads, kind, prompt_id)
    except MockloopError as exc:  # reported per file instead of breaking the pool
        global _worker_init_error
        _worker_init_error = str(exc)


def _load_worker(model: str | None, cpu_threads: int, kind: str | None, prompt_id: str | None) -> None:
    global _worker_analyzer, _worker_options
    from mockloop.config import DEFAULT_SETTINGS
    from mockloop.analysis.pipeline import Analyzer

    settings = replace(DEFAULT_SETTINGS, transcribe=replace(DEFAULT_SETTINGS.transcribe, cpu_threads=cpu_threads))
    _worker_analyzer = Analyzer(model, settings)
    _worker_analyzer.load()
    prompt = None
    if prompt_id:
        from mockloop.content.prompts import get_prompt

        prompt = get_prompt(prompt_id)
    _worker_options = {"kind": kind, "prompt": prompt}


def _analyze_one(path: str) -> tuple[str, dict | None, str | None]:
    from mockloop.analysis.contract import analysis_to_dict

    if _worker_init_error is not None:
        return path, None, _worker_init_error
    try:
        analysis = _worker_analyzer.analyze_file(Path(path), **_worker_options)
    except MockloopError as exc:
        return path, None, str(exc)
    return path, analysis_to_dict(analysis), None


def analyze_folder(
    files: list[Path],
    jobs: int,
    model: str | None = None,
    kind: str | None = None,
    prompt_id: str | None = None,
) -> Iterator[BatchItem]:
    """Analyse ``files`` with ``jobs`` worker processes; yields items as they finish.

    A file that cannot be analysed yields an item with ``error`` set; the others go on. When the
    caller stops early (KeyboardInterrupt, or closing the generator), the files not yet done are
    dropped and every worker has exited before the exception or close returns.
    """
    jobs = max(1, min(jobs, len(files)))
    cpu_threads = max(1, usable_cores() // jobs)  # each worker's share; it splits it among its decodes
    # Spawned, not forked: the parent may already hold a loaded model (checked before the workers
    # start) and CTranslate2's threads; a forked child then deadlocks loading its own model.
    context = multiprocessing.get_context("spawn")
    stop = context.Event()
    before = {child.pid for child in multiprocessing.active_children()}
    pool = ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=context,
        initializer=_init_worker,
        initargs=(model, cpu_threads, kind, prompt_id, stop),
    )
    finished = False
    try:
        futures = [pool.submit(_analyze_one, str(path)) for path in files]
        for future in as_completed(futures):
            path, result, error = future.result()
            yield BatchItem(Path(path), result, error)
        finished = True
    finally:
        if finished:
            pool.shutdown(wait=True)
        else:
            _stop_workers(pool, stop, before)


def _stop_workers(pool: ProcessPoolExecutor, stop, before: set) -> None:
    """Drop the queued files and make sure no worker of this pool outlives the call."""
    stop.set()  # every worker's watchdog ends it within WATCHDOG_POLL_S
    pool.shutdown(wait=False, cancel_futures=True)
    workers = [child for child in multiprocessing.active_children() if child.pid not in before]
    for worker in workers:
        worker.join(STOP_GRACE_S)
    for worker in workers:
        if worker.is_alive():
            worker.kill()
            worker.join()
