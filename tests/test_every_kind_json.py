"""Every kind of round survives the trip to JSON, from real speech, in file and streaming mode.

An exec_explain analysis once carried a numpy bool (the time-limit check compared numpy word
times) and every `analyze --kind exec_explain --json` and voice exec_explain interview died in
json.dumps. These tests run the real commands on a short espeak-ng answer: `analyze --json`
(file mode: the file decoded and transcribed block by block) and `interview --answer-audio`
(streaming mode: the recording fed through the live transcriber), then read the output back with
json.loads, which only accepts what a JSON writer could write.
"""

from __future__ import annotations

import json
import math
import subprocess
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from mockloop.analysis.contract import ContractTypeError, analysis_to_dict, dumps, plain_json
from mockloop.content.rubric import kinds

pytestmark = pytest.mark.slow

KINDS = ("system_design", "behavioral", "scenario", "technical", "exec_explain")

ANSWER_TEXT = (
    "My recommendation is that we delay the launch by two weeks. "
    "The trade-off is that we lose the spring announcement, but we avoid losing our biggest customers. "
    "I need your approval by Friday."
)


def test_the_kinds_tested_here_are_all_the_kinds():
    assert set(KINDS) == set(kinds())


def espeak_answer(folder: Path, text: str, voice: str = "en-us") -> Path:
    """espeak-ng speaking ``text`` between stretches of room tone (not digital silence)."""
    raw = folder / "espeak.wav"
    subprocess.run(["espeak-ng", "-v", voice, "-s", "150", "-w", str(raw), text], check=True, capture_output=True)
    speech, rate = sf.read(raw, dtype="float32")
    gap = np.zeros(int(0.8 * rate), dtype=np.float32)
    voiced = np.concatenate([gap, 0.6 * speech, gap])
    tone = np.random.default_rng(7).normal(0.0, 10 ** (-55 / 20), voiced.size).astype(np.float32)
    path = folder / "answer.wav"
    sf.write(path, voiced + tone, rate, subtype="PCM_16")
    return path


@pytest.fixture(scope="module")
def spoken_answer(tmp_path_factory) -> Path:
    return espeak_answer(tmp_path_factory.mktemp("answer"), ANSWER_TEXT)


def assert_plain_json(value, path="$"):
    """Only what json.loads can give back: no numpy, no tuples, no NaN."""
    if isinstance(value, dict):
        for key, item in value.items():
            assert isinstance(key, str), path
            assert_plain_json(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            assert_plain_json(item, f"{path}[{i}]")
    else:
        assert value is None or type(value) in (bool, int, float, str), f"{path}: {type(value)}"
        if isinstance(value, float):
            assert math.isfinite(value), path


@pytest.mark.parametrize("kind", KINDS)
def test_analyze_json_of_spoken_audio_parses_for_every_kind(kind, cli, spoken_answer):
    code, stdout, stderr = cli("analyze", spoken_answer, "--kind", kind, "--json")
    assert code == 0, stderr
    data = json.loads(stdout)
    assert data["kind"] == kind
    assert data["transcript"]["words"], "the spoken answer was transcribed"
    assert [type(item["met"]) for item in data["content"]["rubric"]] == [bool] * len(data["content"]["rubric"])
    assert data["scorecard"]["content_score"] is not None


@pytest.mark.parametrize("kind", KINDS)
def test_a_voice_interview_saves_a_readable_analysis_for_every_kind(kind, cli, spoken_answer, tmp_path):
    sessions = tmp_path / "sessions"
    code, _, stderr = cli(
        "interview", "--kind", kind, "--answer-audio", spoken_answer, "--answer-speed", "0", "--no-speak",
        "--sessions-dir", sessions,
    )
    assert code == 0, stderr
    [folder] = [p for p in sessions.iterdir() if p.is_dir()]
    record = json.loads((folder / "session.json").read_text(encoding="utf-8"))
    assert record["status"] == "complete"
    analysis = json.loads((folder / "answer-1.json").read_text(encoding="utf-8"))
    assert analysis["kind"] == kind and analysis["transcript"]["words"]
    assert record["overall"]["content_score"] is not None


def test_the_analysis_of_streamed_audio_is_plain_json_for_every_kind(analyzer, spoken_answer):
    """Streaming mode in process: the live transcriber fed 100 ms blocks, then every kind judged."""
    from mockloop.analysis.decode import load_audio
    from mockloop.analysis.eval import feed_as_if_live

    streamer = analyzer.start_stream(live=True)
    try:
        feed_as_if_live(streamer, load_audio(spoken_answer))
    except BaseException:
        streamer.close()
        raise
    transcript, features = analyzer.finish_stream(streamer)
    assert "recommendation" in transcript.text.lower()
    for kind in KINDS:
        analysis = analyzer.analyze_transcript(transcript, features, source="answer.wav", kind=kind)
        data = analysis_to_dict(analysis)
        assert_plain_json(data)
        assert json.loads(dumps(data)) == data


# --------------------------------------------------------------------------- the one converter


def test_numpy_scalars_become_python_values():
    converted = plain_json({"met": np.bool_(True), "n": np.int64(3), "x": np.float32(0.5), "pair": (1, 2)})
    assert converted == {"met": True, "n": 3, "x": 0.5, "pair": [1, 2]}
    assert [type(v) for v in (converted["met"], converted["n"], converted["x"])] == [bool, int, float]


def test_non_finite_numbers_become_null_not_invalid_json():
    assert plain_json({"wpm": float("nan"), "gap": np.float64("inf")}) == {"wpm": None, "gap": None}


@pytest.mark.parametrize(
    "value, where",
    [
        ({"content": {"extras": {"when": object()}}}, r"\$\.content\.extras\.when"),
        ({"words": [1, {2, 3}]}, r"\$\.words\[1\]"),
        ({"frames": np.zeros(3)}, r"\$\.frames"),
        ({1: "key that is not a string"}, r"key 1"),
    ],
)
def test_a_value_with_no_json_form_is_refused_naming_the_field(value, where):
    with pytest.raises(ContractTypeError, match=where):
        plain_json(value)
