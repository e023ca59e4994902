"""`mockloop drill` end to end: real CLI, Whisper, espeak-ng answers with room tone, the null sink.

One drill on estimates_cost is run once for the module with two takes from recordings: the first
talks about storage without a figure (not met), the second, in another voice, puts dollars a month
on it (met). The retake and the microphone tests build on it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pulse import pulse_server  # noqa: F401  (a fixture)

ITEM = "estimates_cost"
PROMPT = "sd-dataset-versioning"
NO_FIGURE = ("Storage is the part that grows. We keep every snapshot, so we deduplicate the files and move old "
             "versions to a colder tier, which keeps it cheap.")
WITH_FIGURE = ("Storage dominates the bill. Ten terabytes of snapshots in object storage costs about two hundred and "
               "thirty dollars a month, and the diff jobs add about five thousand dollars a month in compute.")


def mockloop(*args, env=None, timeout=600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mockloop", *map(str, args)], capture_output=True, text=True,
                          env={**(env or os.environ), "COLUMNS": "120"}, timeout=timeout)


def records(sessions: Path) -> list[dict]:
    """The saved sessions in the order they were made (two takes a minute apart have ids of one minute)."""
    found = [json.loads((p / "session.json").read_text()) for p in sessions.iterdir() if p.is_dir()]
    return sorted(found, key=lambda r: (r["created_at"], (r.get("drill") or {}).get("take") or 0))


@pytest.fixture(scope="module")
def takes(tmp_path_factory, espeak_answer):
    folder = tmp_path_factory.mktemp("drill")
    miss = espeak_answer(NO_FIGURE, folder / "miss.wav", voice="en-us")
    hit = espeak_answer(WITH_FIGURE, folder / "hit.wav", voice="en-gb")
    sessions = folder / "sessions"
    done = mockloop("drill", "--item", ITEM, "--prompt", PROMPT, "--answer-audio", miss, "--answer-audio", hit,
                    "--answer-speed", "0", "--no-speak", "--sessions-dir", sessions)
    return done, sessions, hit


@pytest.mark.slow
def test_a_drill_offers_retakes_until_the_item_is_met_and_saves_each_take_as_a_drill(takes, valid_analysis):
    done, sessions, _ = takes
    assert done.returncode == 0, done.stderr
    assert f"Take 1: {ITEM} not met" in done.stdout and f"Take 2: {ITEM} met" in done.stdout
    assert "In 60 seconds: " in done.stdout
    first, second = records(sessions)
    assert (first["drill"], second["drill"]) == ({"item": ITEM, "take": 1}, {"item": ITEM, "take": 2})
    assert first["prompt"]["id"] == PROMPT and first["prompt"]["time_limit_s"] == 60
    assert (first["overall"]["content_score"], second["overall"]["content_score"]) == (0, 100)
    for record in (first, second):
        analysis = valid_analysis(json.loads((sessions / record["id"] / "answer-1.json").read_text()))
        assert analysis["delivery"]["words_per_minute"] > 0


@pytest.mark.slow
def test_a_missed_take_shows_what_met_sounds_like_and_each_take_ends_with_a_drill_summary(takes):
    from mockloop.content.model_answers import get_model_answer

    done, sessions, _ = takes
    example = get_model_answer(PROMPT).met_example(ITEM)
    missed, met = done.stdout.split(f"Take 2: {ITEM}")
    assert f'Met sounds like: "{example}"' in missed and "Met sounds like" not in met
    assert "Session " not in done.stdout  # the whole round's table is not printed after a drill
    first, second = (sessions / r["id"] / "scorecard.md" for r in records(sessions))
    assert first.read_text().splitlines()[2] == f"**{ITEM}**: not met (take 1)" and example in first.read_text()
    assert second.read_text().splitlines()[2] == f"**{ITEM}**: met (take 2)"


@pytest.mark.slow
def test_a_drill_on_a_delivery_habit_is_scored_on_it_and_says_its_drill_summary(tmp_path, espeak_answer, analyzer):
    from mockloop.audio_io.voice import Speaker
    from mockloop.content.prompts import get_prompt
    from mockloop.interview.drill import run_drill
    from mockloop.interview.loop import InterviewSettings
    from mockloop.sessions import SessionStore

    rushed = espeak_answer("Copying the full dataset for every version multiplies storage by the number of versions. I keep one "
                           "copy of each file and a small manifest per version, which gives up instant deletion of old data.",
                           tmp_path / "rushed.wav", words_per_minute=260)
    settings = InterviewSettings(speak=True, answer_audio=(rushed,), answer_speed=0)
    result = run_drill(get_prompt(PROMPT), "words_per_minute", settings, SessionStore(tmp_path / "sessions"),
                       analyzer=analyzer, speaker=Speaker(play=False))
    assert result.take.item_met is False and result.take.words_per_minute > 170
    assert result.summary.startswith("Take 1 on words per minute: not met. You had ")
    assert "the target is 120 to 170 words a minute" in result.summary and "You scored" not in result.summary
    [record] = records(tmp_path / "sessions")
    assert record["drill"] == {"item": "words_per_minute", "habit": True, "take": 1}
    assert record["overall"]["content_score"] == 0  # a drill's score is its target: missed
    heard = analyzer.analyze_file(result.session.folder / "summary.wav").transcript.text.lower()
    assert "target" in heard and "words a minute" in heard


@pytest.mark.slow
def test_drills_are_in_history_and_count_for_their_item_only(takes):
    _, sessions, _ = takes
    shown = mockloop("history", "--sessions-dir", sessions, timeout=120)
    assert shown.returncode == 0, shown.stderr
    row = next(line for line in shown.stdout.splitlines() if line.strip().strip("│").strip().startswith(ITEM))
    assert "1/2" in row
    assert "names_owners" not in shown.stdout  # the drills were not asked about owners


@pytest.mark.slow
def test_a_retake_of_a_stretch_records_just_that_part_and_compares_the_two(takes):
    _, sessions, hit = takes
    first = records(sessions)[0]["id"]
    done = mockloop("drill", "--from", first, "--at", "0:04", "--item", ITEM, "--answer-audio", hit,
                    "--answer-speed", "0", "--no-speak", "--sessions-dir", sessions)
    assert done.returncode == 0, done.stderr
    assert "Say this part again" in done.stdout and "Stretch against the retake" in done.stdout
    row = next(line for line in done.stdout.splitlines() if line.strip().startswith("│") and f"{ITEM} met" in line)
    assert [cell.strip() for cell in row.split("│") if cell.strip()] == [f"{ITEM} met", "no", "yes"]
    retake = next(r for r in records(sessions) if r["drill"].get("from_session") == first)
    assert retake["drill"] == {"item": ITEM, "take": 1, "from_session": first, "at_s": 4.0}


@pytest.mark.slow
@pytest.mark.audio_io
def test_a_drill_answered_into_the_microphone_is_scored_on_its_item(takes, pulse_server, tmp_path):  # noqa: F811
    _, _, hit = takes
    process = subprocess.Popen(
        [sys.executable, "-m", "mockloop", "drill", "--item", ITEM, "--prompt", PROMPT, "--takes", "1", "--no-speak",
         "--sessions-dir", str(tmp_path / "s")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**pulse_server.env(), "COLUMNS": "120"},
    )
    seen = []
    for line in process.stdout:
        seen.append(line)
        if "Recording answer 1" in line:
            break
    assert any("Recording answer 1" in line for line in seen), "".join(seen)
    pulse_server.play(hit)
    out, err = process.communicate(timeout=600)
    assert process.returncode == 0, err
    assert f"Take 1: {ITEM} met" in "".join(seen) + out
    [record] = records(tmp_path / "s")
    assert record["answers"][0]["source"].startswith("microphone") and record["answers"][0]["stop_reason"] == "silence"
