"""Analyse a folder of answers in parallel: one process and one loaded model per worker.

Whisper inference holds the GIL only briefly, but the acoustic and text steps do not, so
separate processes are what scale; each loads its own model once and keeps it for every file it
is given. Results come back as contract dicts (plain JSON data) so nothing heavy is pickled.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterator

from mockloop.analysis.decode import AUDIO_EXTENSIONS, TEXT_EXTENSIONS
from mockloop.errors import InputError, MockloopError

_worker_analyzer = None
_worker_options: dict = {}


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


def _init_worker(model: str | None, cpu_threads: int, kind: str | None, prompt_id: str | None) -> None:
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
    on_done: Callable[[BatchItem], None] | None = None,
) -> Iterator[BatchItem]:
    """Analyse ``files`` with ``jobs`` worker processes; yields items as they finish.

    A file that cannot be analysed yields an item with ``error`` set; the others go on.
    """
    jobs = max(1, min(jobs, len(files)))
    cpu_threads = max(1, (os.cpu_count() or 1) // jobs)
    with ProcessPoolExecutor(
        max_workers=jobs, initializer=_init_worker, initargs=(model, cpu_threads, kind, prompt_id)
    ) as pool:
        futures = [pool.submit(_analyze_one, str(path)) for path in files]
        for future in as_completed(futures):
            path, result, error = future.result()
            item = BatchItem(Path(path), result, error)
            if on_done:
                on_done(item)
            yield item
